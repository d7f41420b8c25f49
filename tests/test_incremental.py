"""Incremental runs equal a full refresh: landings with late rows, a duplicate delivery, a
conflicting re-delivery, an orphan whose lead lands later, and a configuration change."""

from __future__ import annotations

import csv
import shutil
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from dbt_helpers import LEAD_FUNNEL, build_from_scratch, query, run_dbt, write_csv
from lead_funnel.common import CONTRACT_MODELS, raw_columns

LATE_LEAD = "L7777777"


def generate(out: Path) -> None:
    """300 leads with defects, the last three days as separate landing files."""
    subprocess.run(
        [
            *LEAD_FUNNEL,
            "generate",
            *("--leads", "300", "--seed", "5", "--defects", "--landing-days", "3"),
            *("--out", str(out)),
        ],
        check=True,
        capture_output=True,
    )


def land(generated: Path, raw: Path, day: int) -> None:
    """Copy the generator's files of landing day `day` (0 = the history) into raw/."""
    for table in ("leads", "activities", "stage_changes"):
        days = sorted((generated / table).glob("*.csv"))
        all_days = sorted({path.stem.rsplit("_", 1)[-1] for path in generated.rglob("*.csv")})
        wanted = all_days[day]
        (raw / table).mkdir(parents=True, exist_ok=True)
        for path in days:
            if path.stem.endswith(wanted):
                shutil.copy(path, raw / table / path.name)


def first_rows(path: Path, count: int) -> list[str]:
    return path.read_text().splitlines()[1 : count + 1]


def write_landing(raw: Path, table: str, name: str, header: str, rows: list[str]) -> None:
    (raw / table / f"{table}_{name}.csv").write_text("\n".join([header, *rows]) + "\n")


def comparable(value: object) -> object:
    """Floats to 12 significant digits: an average over doubles depends on the order rows are
    summed in, which DuckDB fixes neither between two full builds nor after an incremental
    one (a last-bit difference). Everything else is compared exactly."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    return value


def assert_contract_models_equal(incremental_db: Path, full_db: Path) -> None:
    """Every contract model holds the same rows, duplicates included (EXCEPT ALL both ways)."""
    with duckdb.connect() as connection:
        connection.execute(f"attach '{incremental_db}' as incremental_db (read_only)")
        connection.execute(f"attach '{full_db}' as full_db (read_only)")
        for model in CONTRACT_MODELS:
            rows = {
                database: Counter(
                    tuple(comparable(value) for value in row)
                    for row in connection.execute(
                        f"select * from {database}.main.{model}"
                    ).fetchall()
                )
                for database in ("incremental_db", "full_db")
            }
            only_incremental = rows["incremental_db"] - rows["full_db"]
            only_full = rows["full_db"] - rows["incremental_db"]
            assert not only_incremental and not only_full, (
                f"{model}: incremental-only rows {list(only_incremental)[:3]}, "
                f"full-refresh-only rows {list(only_full)[:3]}"
            )


@pytest.fixture(scope="module")
def landings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    generated = tmp_path_factory.mktemp("generated")
    generate(generated)
    return generated


# The models that extend a lead with the activities a run added (compared as stored, but for
# the run that wrote a row)
EXTENDING_MODELS = {
    "intermediate.int_activity_rule_matches": ("written_by_run_id",),
    "intermediate.int_activities_scored": ("written_by_run_id",),
}

# The stores that keep a lead index (lead_partitioned_config(..., lead_index=true)): those
# with a row per activity or more
LEAD_INDEXED_STORES = {
    "int_activity_rule_matches",
    "int_activities_scored",
    "int_lead_score_moments",
}

# The stores built from the moments a run wrote (written_rows_of_leads_to_build_ctes) that do
# not depend on as_of
WRITTEN_MOMENTS_MODELS = {
    "intermediate.int_lead_threshold_crossings": ("written_by_run_id",),
}

# The profile stores (rebuilt per lead on the score fingerprint): a changed lead row or
# required-fields var must reach them
PROFILE_MODELS = {
    "intermediate.int_lead_profile_rule_matches": ("written_by_run_id",),
    "intermediate.int_leads_profile_scored": ("written_by_run_id",),
}


def test_incremental_runs_equal_a_full_refresh(landings: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    incremental_db = tmp_path / "incremental" / "lead_funnel.duckdb"
    dbt_vars = {"raw_dir": str(raw)}

    def run_both(extra_vars: dict | None = None) -> None:
        """The incremental run on the long-lived database, and a full refresh on a fresh one."""
        variables = {**dbt_vars, **(extra_vars or {})}
        full_db = build_from_scratch(tmp_path / "full" / "lead_funnel.duckdb", variables)
        run_dbt(["run"], incremental_db, variables)
        assert_contract_models_equal(incremental_db, full_db)
        # the stores of the models that extend leads, fingerprints included
        assert_models_equal(incremental_db, full_db, EXTENDING_MODELS)
        assert_models_equal(incremental_db, full_db, WRITTEN_MOMENTS_MODELS)
        assert_models_equal(incremental_db, full_db, PROFILE_MODELS)
        assert_lead_indexes_hold_their_stores_pairs(incremental_db)
        assert_lead_indexes_hold_their_stores_pairs(full_db)

    # landing 1: the history
    land(landings, raw, 0)
    build_from_scratch(incremental_db, dbt_vars)
    history = raw / "activities" / "activities_2026-01-12.csv"
    header, *_ = history.read_text().splitlines()
    kept, conflicting = first_rows(history, 2)

    # landing 2: the next day, plus late rows: an activity dated long ago for an old lead, an
    # exact re-delivery of an old row, a conflicting newer version of an old row, an orphan
    # activity of a lead that does not exist yet, and a late stage change
    land(landings, raw, 1)
    conflicting_fields = conflicting.split(",")
    conflicting_fields[3] = "2024-01-09 08:00:00"
    write_landing(
        raw,
        "activities",
        "2026-01-13_late",
        header,
        [
            "A90000001,L0000002,webinar_attended,2024-02-01 10:00:00,,,Late webinar,3600",
            kept,
            ",".join(conflicting_fields),
            f"A90000002,{LATE_LEAD},demo_request,2025-12-20 09:00:00,,,/demo,",
            f"A90000003,{LATE_LEAD},sales_call,2025-12-21 09:00:00,rep_01,,,120",
        ],
    )
    write_landing(
        raw,
        "stage_changes",
        "2026-01-13_late",
        "change_id,lead_id,stage,changed_at,owner_id,reason,amount",
        ["S90000001,L0000002,MQL,2024-02-02 10:00:00,,,"],
    )
    fingerprints = (
        "select lead_id, activity_input_fingerprint from intermediate.int_lead_input_fingerprints"
    )
    # the scoring moments as built: a lead rebuilt by a run carries its new fingerprint
    moments_built = (
        "select distinct lead_id, lead_input_fingerprint from intermediate.int_lead_score_moments"
    )
    before = set(query(incremental_db, fingerprints))
    moments_before = set(query(incremental_db, moments_built))
    # a marker on every lead's stored moments (a creation adds no points): only a rebuilt
    # lead loses it (points feed no contract model)
    with duckdb.connect(str(incremental_db)) as connection:
        connection.execute(
            "update intermediate.int_lead_score_moments set points = -1 "
            "where moment_type = 'created'"
        )
    run_both()
    # a lead the day only added later activities to is extended: its stored rows stay, and
    # the run writes the new activities' rows; the lead with the activity dated long ago is
    # rebuilt (every row written again)
    runs_per_lead = dict(
        query(
            incremental_db,
            "select lead_id, count(distinct written_by_run_id) "
            "from intermediate.int_activities_scored group by lead_id",
        )
    )
    assert runs_per_lead["L0000002"] == 1, "a lead with a late activity is rebuilt"
    extended = [lead for lead, runs in runs_per_lead.items() if runs > 1]
    assert len(extended) >= 3, f"only {len(extended)} leads were extended by the next day"
    rebuilt = {lead for lead, _ in set(query(incremental_db, fingerprints)) - before}
    assert "L0000002" in rebuilt
    assert 0 < len(rebuilt) <= 40, f"one day's landing rebuilt {len(rebuilt)} of ~300 leads"
    moments_rebuilt = {
        lead for lead, _ in set(query(incremental_db, moments_built)) - moments_before
    }
    assert "L0000002" in moments_rebuilt
    assert 0 < len(moments_rebuilt) <= 40, (
        f"one day's landing rebuilt the scoring moments of {len(moments_rebuilt)} of ~300 leads"
    )
    untouched = {
        lead
        for (lead,) in query(
            incremental_db,
            "select lead_id from intermediate.int_lead_score_moments "
            "where moment_type = 'created' and points = -1",
        )
    }
    assert untouched and not untouched & moments_rebuilt, "only the changed leads are rebuilt"
    assert len(untouched) + len(moments_rebuilt) >= len(before), "every other lead is untouched"
    assert query(
        incremental_db,
        "select count(*) from dq_rejected_rows where source_key like 'A9000000%'",
    ) == [(2,)], "the orphan activities are unknown_lead rejects until their lead lands"

    # landing 3: the last day (with a re-delivered lead that changed), and the orphans' lead.
    # Two stores lose their lead index, as a store built before the index existed has none:
    # the run makes it again from the stored rows. A store that keeps none has one an earlier
    # version left (it would be stale if read): the run drops it.
    with duckdb.connect(str(incremental_db)) as connection:
        for store in ("int_activities_scored", "int_lead_score_moments"):
            connection.execute(f"drop table intermediate.{store}__lead_index")
        connection.execute(
            "create table intermediate.int_lead_stage_entries__lead_index as "
            "select distinct lead_id, lead_input_fingerprint from intermediate.int_lead_stage_entries"
        )
    land(landings, raw, 2)
    leads_header = (raw / "leads" / "leads_2026-01-12.csv").read_text().splitlines()[0]
    write_landing(
        raw,
        "leads",
        "2026-01-14_late",
        leads_header,
        [
            f"{LATE_LEAD},2025-12-19 08:00:00,ana@example-corp.com,Ana,Lopez,VP Marketing,,"
            "Example Corp,500,software,US,event,demo_request,rep_01"
        ],
    )
    run_both()
    assert query(
        incremental_db, f"select count(*) from fct_lead_activities where lead_id = '{LATE_LEAD}'"
    ) == [(2,)], "the orphans become valid activities once their lead has landed"

    # a configuration change (the sales-touch types) rebuilds every lead
    config_change = {"sales_touch_activity_types": ["sales_call"]}
    run_both(config_change)

    # so does a scoring var the moments depend on (the half-life)
    moments_before = set(query(incremental_db, moments_built))
    config_change["engagement_half_life_days"] = 7
    run_both(config_change)
    assert not set(query(incremental_db, moments_built)) & moments_before, (
        "a new half-life rebuilds the scoring moments of every lead"
    )

    # and the activity types that are event attendances (the share-of-event conditions)
    config_change["event_attendance_activity_types"] = ["webinar_registered"]
    run_both(config_change)

    # and so do the fields a complete profile needs (the levels that require one read them)
    config_change["mql_required_fields"] = ["email"]
    run_both(config_change)

    # the data tests hold on the incrementally built database too (the unit tests' worked
    # examples assume the default configuration)
    run_dbt(
        [
            "test",
            "--select",
            "fct_lead_activities fct_lead_stage_history int_lead_score_moments dq_row_reconciliation "
            "int_activity_rule_matches int_activities_scored",
            "--exclude-resource-type",
            "unit_test",
        ],
        incremental_db,
        {**dbt_vars, **config_change},
    )


def assert_lead_indexes_hold_their_stores_pairs(database: Path) -> None:
    """Every lead index holds exactly its store's distinct (lead_id, lead_input_fingerprint)
    pairs: the hooks kept it in step with the rows. The stores with a row per activity or
    more keep one; the others none."""
    indexes = {
        name.removesuffix("__lead_index")
        for (name,) in query(
            database,
            "select table_name from information_schema.tables "
            "where table_schema = 'intermediate' and suffix(table_name, '__lead_index')",
        )
    }
    assert indexes == LEAD_INDEXED_STORES, f"{database.name}: lead indexes of {indexes}"
    for store in sorted(indexes):
        pairs = f"select distinct lead_id, lead_input_fingerprint from intermediate.{store}"
        listed = f"select lead_id, lead_input_fingerprint from intermediate.{store}__lead_index"
        differing = query(
            database,
            f"select count(*) from (({pairs} except all {listed}) "
            f"union all ({listed} except all {pairs}))",
        )
        assert differing == [(0,)], f"{database.name}: {store}'s lead index differs from its rows"
        assert query(database, f"select count(*) from ({listed})")[0][0] > 0, store


# The account chain and the models it is built from (dbt selection), and the account models
# compared with a full refresh: schema, table, and the columns that say which run wrote a row
# or at which as_of (a row an incremental run kept was built earlier), left out.
ACCOUNT_SELECTION = "+dim_accounts +mart_account_funnel"
ACCOUNT_MODELS = {
    "intermediate.int_account_member_fingerprints": (),
    "intermediate.int_account_engagement_spans": ("written_by_run_id", "built_as_of_at"),
    "intermediate.int_account_mqa_evaluations": ("written_by_run_id", "built_as_of_at"),
    "intermediate.int_account_mqa_moments": (),
    "intermediate.int_accounts": (),
    "main.dim_accounts": (),
    "main.mart_account_funnel": (),
}

# The as_of scores the account chain reads, and the per-lead moments they start from (kept
# while as_of moves on, built again when it goes back before them).
AS_OF_SCORE_MODELS = {
    "intermediate.int_lead_current_moments": ("written_by_run_id",),
    "intermediate.int_lead_as_of_scores": (),
}


def assert_models_equal(
    incremental_db: Path, full_db: Path, models: dict[str, tuple[str, ...]]
) -> None:
    """The models hold the same rows, duplicates included (EXCEPT ALL both ways), the columns
    each lists left out."""
    with duckdb.connect() as connection:
        connection.execute(f"attach '{incremental_db}' as incremental_db (read_only)")
        connection.execute(f"attach '{full_db}' as full_db (read_only)")
        for model, left_out in models.items():
            columns = [
                name
                for (name,) in connection.execute(
                    "select column_name from information_schema.columns where table_catalog = "
                    "'full_db' and table_schema = ? and table_name = ? order by ordinal_position",
                    model.split("."),
                ).fetchall()
                if name not in left_out
            ]
            assert columns, model
            select = ", ".join(columns)
            rows = {
                database: Counter(
                    tuple(comparable(value) for value in row)
                    for row in connection.execute(
                        f"select {select} from {database}.{model}"
                    ).fetchall()
                )
                for database in ("incremental_db", "full_db")
            }
            only_incremental = rows["incremental_db"] - rows["full_db"]
            only_full = rows["full_db"] - rows["incremental_db"]
            assert not only_incremental and not only_full, (
                f"{model}: incremental-only rows {list(only_incremental)[:3]}, "
                f"full-refresh-only rows {list(only_full)[:3]}"
            )


def test_account_models_equal_a_full_refresh(landings: Path, tmp_path: Path) -> None:
    """The incremental account models (spans per member, MQA evaluations per account) after
    a lead moving to another account in a re-delivered file, a late activity, a new day,
    changed account vars and an as_of moved back equal a full refresh, and a day's landing
    re-evaluates only the accounts it touched."""
    raw = tmp_path / "raw"
    incremental_db = tmp_path / "incremental" / "lead_funnel.duckdb"
    dbt_vars = {"raw_dir": str(raw)}
    selection = ACCOUNT_SELECTION.split()

    def run_both(extra_vars: dict | None = None) -> None:
        variables = {**dbt_vars, **(extra_vars or {})}
        full_db = build_from_scratch(
            tmp_path / "full" / "lead_funnel.duckdb", variables, *selection
        )
        run_dbt(["run", "--select", *selection], incremental_db, variables)
        assert_models_equal(incremental_db, full_db, ACCOUNT_MODELS)
        assert_models_equal(incremental_db, full_db, AS_OF_SCORE_MODELS)

    land(landings, raw, 0)
    build_from_scratch(incremental_db, dbt_vars, *selection)

    # an engaged member of an MQA account moves to another account with engaged members: its
    # email changes domain in a re-delivered leads file
    (mover, from_account, to_account, to_domain) = query(
        incremental_db,
        """
        with engaged as (
            select distinct spans.account_id, spans.lead_id, accounts.account_domain
            from intermediate.int_account_engagement_spans as spans
            inner join intermediate.int_lead_accounts as accounts
                on spans.lead_id = accounts.lead_id
            where accounts.account_match_method = 'email_domain'
        )
        select movers.lead_id, movers.account_id, targets.account_id, targets.account_domain
        from engaged as movers
        inner join intermediate.int_account_mqa_moments as mqa
            on movers.account_id = mqa.account_id
        inner join engaged as targets
            on movers.account_id != targets.account_id
        order by movers.lead_id, targets.account_id
        limit 1
        """,
    )[0]
    evaluated_before = set(
        query(
            incremental_db,
            "select account_id, written_by_run_id from intermediate.int_account_mqa_evaluations",
        )
    )
    leads_file = raw / "leads" / "leads_2026-01-12.csv"
    with leads_file.open(newline="") as handle:
        lead_rows = list(csv.DictReader(handle))
    for row in lead_rows:
        if row["lead_id"] == mover:
            row["email"] = f"moved.contact@{to_domain}"
    write_csv(leads_file, lead_rows)

    # a late activity: a webinar long ago for a member of the target account
    (late_member,) = query(
        incremental_db,
        "select min(lead_id) from intermediate.int_lead_accounts "
        f"where account_id = '{to_account}' and lead_id != '{mover}'",
    )[0]
    history = raw / "activities" / "activities_2026-01-12.csv"
    header = history.read_text().splitlines()[0]
    write_landing(
        raw,
        "activities",
        "2026-01-13_late",
        header,
        [f"A91000001,{late_member},webinar_attended,2025-11-03 10:00:00,,,Late webinar,3600"],
    )
    land(landings, raw, 1)
    run_both()
    assert query(
        incremental_db,
        f"select account_id from intermediate.int_lead_accounts where lead_id = '{mover}'",
    ) == [(to_account,)], "the re-delivered email moves the lead to the other account"
    evaluated_after = set(
        query(
            incremental_db,
            "select account_id, written_by_run_id from intermediate.int_account_mqa_evaluations",
        )
    )
    reevaluated = {account for account, _ in evaluated_after - evaluated_before}
    assert {from_account, to_account} <= reevaluated, "both accounts of the mover are evaluated"
    assert len(reevaluated) < len(evaluated_after) / 2, (
        f"a day's landing re-evaluated {len(reevaluated)} of {len(evaluated_after)} accounts"
    )

    # the last day: settled accounts (their engaged-contacts trigger fired) whose members only
    # got later activities keep their row, with the current fingerprint
    settled_query = (
        "select account_id, account_fingerprint, written_by_run_id "
        "from intermediate.int_account_mqa_evaluations where settled_fingerprint is not null"
    )
    settled_before = {row[0]: row[1:] for row in query(incremental_db, settled_query)}
    land(landings, raw, 2)
    run_both()
    settled_after = {row[0]: row[1:] for row in query(incremental_db, settled_query)}
    kept_with_new_inputs = [
        account
        for account, (fingerprint, run_id) in settled_after.items()
        if account in settled_before
        and settled_before[account][1] == run_id
        and settled_before[account][0] != fingerprint
    ]
    assert kept_with_new_inputs, (
        "no settled account whose inputs changed kept its row "
        f"({len(settled_before)} settled before the day, {len(settled_after)} after)"
    )

    # changed account vars: every account and member is built again
    account_vars = {"account_engaged_days": 30, "mqa_engaged_contacts": 2, "account_score_top_n": 2}
    run_both(account_vars)
    assert query(
        incremental_db,
        "select count(distinct written_by_run_id) from intermediate.int_account_mqa_evaluations",
    ) == [(1,)], "a changed MQA var evaluates every account again"

    # as_of moved back: the members and accounts with something after it are built again
    run_both({**account_vars, "as_of": "2025-12-15"})
    # some leads' stored current moments all came after the earlier as_of: they were built
    # again from moments an earlier run wrote (their moments did not change)
    assert (
        query(
            incremental_db,
            """
        select count(distinct current_moments.lead_id)
        from intermediate.int_lead_current_moments as current_moments
        inner join intermediate.int_lead_score_moments as moments
            on current_moments.lead_moment_id = moments.lead_moment_id
        where current_moments.written_by_run_id != moments.written_by_run_id
        """,
        )[0][0]
        > 0
    ), "no lead's current moments were built again from its stored moments"
    run_both(account_vars)

    # the account models' dbt tests hold on the incrementally built database
    run_dbt(
        ["test", "--select", "int_account_engagement_spans int_account_mqa_evaluations"],
        incremental_db,
        {**dbt_vars, **account_vars},
    )


def test_account_reached_by_a_rising_penalty_between_two_as_ofs(tmp_path: Path) -> None:
    """An account whose score reaches the MQA threshold only through a member's score rising
    back after an unsubscribe, at an instant between the as_of of the last run and the next
    one, with no new row landed: the next incremental run finds the MQA a full refresh finds.

    Worked by hand (engagement half-life 30 days, mql_threshold 15, top 2 members, MQA at an
    account score of 34, engaged-contacts trigger off). RISE1 (CEO: 30 fit points) is created
    on 02-01 and unsubscribes (-30) on 03-01 09:00: its score falls to 0 and rises back as the
    penalty decays, 30 - 30 * 0.5 ^ (days / 30), reaching 15 exactly 30 days later, on 03-31
    09:00 (its mql_threshold crossing). RISE2 (Director: 20) is created on 03-10, when RISE1
    is at 30 - 30 * 0.5 ^ (9 / 30) = 5.6: the account scores 25.6. Nothing else happens, so
    the account score first reaches 34 at RISE1's crossing: 20 + 15 = 35. A run at as_of
    03-20 finds no MQA; the run at as_of 04-15 must find it on 03-31 09:00, though no input
    of the account changed in between."""
    raw = tmp_path / "raw"
    raw.mkdir()
    lead = {"company_name": "Riser", "lead_source": "email", "acquisition_offer": "ebook"}
    leads = [
        {"lead_id": "RISE1", "created_at": "2025-02-01 09:00", "email": "ceo@riser.com",
         "job_title": "CEO", **lead},
        {"lead_id": "RISE2", "created_at": "2025-03-10 09:00", "email": "dir@riser.com",
         "job_title": "Director", **lead},
    ]  # fmt: skip
    activities = [
        {"activity_id": "A1", "lead_id": "RISE1", "activity_type": "unsubscribe",
         "occurred_at": "2025-03-01 09:00"},
    ]  # fmt: skip
    write_csv(raw / "leads.csv", leads, raw_columns("leads"))
    write_csv(raw / "activities.csv", activities, raw_columns("activities"))
    write_csv(raw / "stage_changes.csv", [], raw_columns("stage_changes"))
    dbt_vars = {
        "raw_dir": str(raw),
        "engagement_half_life_days": 30,
        "mql_threshold": 15,
        "account_score_top_n": 2,
        "mqa_account_score": 34,
        "mqa_engaged_contacts": None,
    }
    selection = ACCOUNT_SELECTION.split()
    incremental_db = tmp_path / "incremental" / "lead_funnel.duckdb"
    build_from_scratch(incremental_db, {**dbt_vars, "as_of": "2025-03-20"}, *selection)
    mqa_query = "select account_id, mqa_at, mqa_trigger from main.dim_accounts"
    assert query(incremental_db, mqa_query) == [("riser.com", None, None)]

    later = {**dbt_vars, "as_of": "2025-04-15"}
    run_dbt(["run", "--select", *selection], incremental_db, later)
    assert query(incremental_db, mqa_query) == [
        ("riser.com", datetime(2025, 3, 31, 9), "account_score")
    ]
    full_db = build_from_scratch(tmp_path / "full" / "lead_funnel.duckdb", later, *selection)
    assert_models_equal(incremental_db, full_db, ACCOUNT_MODELS)
