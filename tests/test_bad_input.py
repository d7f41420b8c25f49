"""docs/definitions.md#bad-input end to end: every kind of bad raw row lands exactly where it should and the
build still succeeds. The raw files are hand-written in fixtures/bad_input/ (one row per
defect, commented in the expectations below)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbt_helpers import query, run_dbt

FIXTURE = Path(__file__).parent / "fixtures" / "bad_input"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("bad_input") / "warehouse.duckdb"
    # every model and data test on the bad files; the unit tests read no raw file (their
    # own fixtures: `make test-dbt` runs them)
    build = ["build", "--full-refresh", "--exclude-resource-type", "unit_test"]
    run_dbt(build, db_path, {"raw_dir": str(FIXTURE)})
    return db_path


def test_rejected_rows_have_the_right_reason(built: Path) -> None:
    rows = query(built, "select source_table, source_key, reason from dq_rejected_rows")
    assert sorted(rows, key=str) == sorted(
        [
            ("leads", None, "missing_key"),
            ("leads", "L005", "missing_timestamp"),
            ("leads", "L006", "unparseable_timestamp"),
            ("leads", "L007", "future_timestamp"),  # 2099: later than as_of
            ("leads", "L009", "duplicate_key"),  # the older of two conflicting rows
            ("leads", "L010", "duplicate_key"),  # same time: the smaller row text loses
            ("leads", "L011", "duplicate_key"),  # same time: the copy without company_size
            # words DuckDB's timestamp cast reads (1970, 294247, year 1) are not timestamps
            ("leads", "L018", "unparseable_timestamp"),  # epoch
            ("leads", "L019", "unparseable_timestamp"),  # infinity
            ("leads", "L020", "unparseable_timestamp"),  # -infinity
            ("activities", None, "missing_key"),
            ("activities", "A003", "unknown_lead"),
            ("activities", "A005", "unknown_lead"),  # no lead_id: it matches no lead
            ("activities", "A006", "unparseable_timestamp"),
            ("activities", "A010", "duplicate_key"),
            ("activities", "A011", "unknown_lead"),  # its lead L007 was rejected
            ("activities", "A015", "unparseable_timestamp"),  # epoch
            ("activities", "A016", "unparseable_timestamp"),  # infinity
            ("stage_changes", "S002", "unmapped_stage"),
            ("stage_changes", "S003", "unknown_lead"),
            ("stage_changes", "S005", "missing_timestamp"),
            ("stage_changes", "S006", "future_timestamp"),
            ("stage_changes", "S008", "unknown_lead"),  # no lead_id
            ("stage_changes", "S012", "unparseable_timestamp"),  # -infinity
        ],
        key=str,
    )


def test_conflicting_duplicates_keep_latest_then_greatest_row(built: Path) -> None:
    kept = dict(
        query(built, "select lead_id, email from scored_leads where lead_id in ('L009', 'L010')")
    )
    assert kept == {"L009": "new@acme.com", "L010": "zoe@acme.com"}
    # L011 came twice with the same created_at, once without company_size: a missing value
    # orders as '' (below '250'), not as its <null> mark (above it)
    assert query(built, "select company_size from scored_leads where lead_id = 'L011'") == [(250,)]
    (kept_call,) = query(
        built, "select occurred_at from fct_lead_activities where activity_id = 'A010'"
    )
    assert str(kept_call[0]) == "2025-01-12 11:00:00"


def test_reconciliation_balances_with_exact_duplicates_counted(built: Path) -> None:
    rows = query(
        built,
        "select source_table, raw_rows, valid_rows, rejected_rows, duplicate_rows "
        "from dq_row_reconciliation order by source_table",
    )
    assert rows == [
        ("activities", 20, 11, 8, 1),  # A002 delivered twice
        ("leads", 25, 14, 10, 1),  # L008 delivered twice
        ("qualifications", 0, 0, 0, 0),  # the optional table, absent: reconciled as nothing
        ("stage_changes", 12, 6, 6, 0),
    ]


def test_bad_optional_values_are_nulled_and_recorded(built: Path) -> None:
    issues = query(
        built, "select source_table, source_key, column_name, raw_value, issue from dq_field_issues"
    )
    assert sorted(issues) == sorted(
        [
            # raw_value is the text as delivered: not trimmed, not lower-cased
            ("leads", "L003", "email", " Bob@@Initech ", "malformed_email"),
            ("leads", "L003", "company_size", "fifty", "unparseable_number"),
            # company_size is a count of employees: only integer text, nothing rounded
            ("leads", "L012", "company_size", "1200.7", "unparseable_number"),
            ("leads", "L013", "company_size", ".5", "unparseable_number"),
            ("leads", "L014", "company_size", "0x10", "unparseable_number"),
            ("leads", "L016", "company_size", "1e3", "unparseable_number"),
            ("leads", "L021", "company_size", "-5", "negative_number"),
            ("activities", "A007", "duration_seconds", "-5", "negative_number"),
            ("activities", "A012", "duration_seconds", "ten", "unparseable_number"),
            ("activities", "A018", "duration_seconds", "NaN", "unparseable_number"),
            ("stage_changes", "S004", "amount", "12k", "unparseable_number"),
        ]
    )
    (lead,) = query(built, "select email, company_size from scored_leads where lead_id = 'L003'")
    assert lead == (None, None)
    sizes = dict(
        query(
            built,
            "select lead_id, company_size from scored_leads "
            "where lead_id in ('L012', 'L013', 'L014', 'L015', 'L016', 'L021')",
        )
    )
    # ' +1200.00 ' is an integer (sign, a fraction of zeros, surrounding whitespace)
    assert sizes == {
        "L012": None,
        "L013": None,
        "L014": None,
        "L015": 1200,
        "L016": None,
        "L021": None,
    }


def test_numbers_keep_their_precision(built: Path) -> None:
    # a duration is a double (a 4-byte float read 1200.7 as 1200.69995...)
    assert query(
        built, "select duration_seconds from fct_lead_activities where activity_id = 'A017'"
    ) == [(1200.7,)]
    assert query(
        built,
        "select cast(amount as varchar), typeof(amount) from fct_lead_stage_history "
        "where change_id = 'S010'",
    ) == [("1234567890123.456789", "DECIMAL(28,6)")]


def test_valid_rows_are_typed_and_normalised(built: Path) -> None:
    (lead,) = query(
        built,
        "select email, created_at, lead_source, acquisition_offer, industry, country "
        "from scored_leads where lead_id = 'L002'",
    )
    # +02:00 offset normalised to UTC; emails and categories lower-cased, countries upper-cased
    assert lead[0] == "bob.kim@globex.com"
    assert str(lead[1]) == "2025-01-10 10:00:00"
    assert lead[2:] == ("referral", "webinar", "manufacturing", "DE")
    (unknown,) = query(
        built, "select lead_source, acquisition_offer from scored_leads where lead_id = 'L010'"
    )
    assert unknown == ("unknown", "unknown")
    stages = query(
        built, "select change_id, stage from fct_lead_stage_history where change_id is not null"
    )
    assert sorted(stages) == [
        ("S001", "mql"),
        ("S004", "opportunity"),
        ("S007", "sal"),
        ("S009", "mql"),  # 'MQL<tab>': tabs are whitespace too
        ("S010", "customer"),  # '<nbsp>Closed - Won<nbsp>': Salesforce's label, no-break spaces
        ("S011", "mql"),  # 'Marketing-Qualified Lead'
    ]
    # tabs and no-break spaces around any raw value are stripped, inner ones kept
    (lead,) = query(
        built,
        "select created_at, job_title, lead_source from scored_leads where lead_id = 'L017'",
    )
    assert (str(lead[0]), lead[1], lead[2]) == ("2025-01-23 08:00:00", "Manager", "email")


def test_csv_quoted_line_breaks_and_short_rows_load(built: Path) -> None:
    rows = query(
        built,
        "select activity_id, detail, duration_seconds from staging.stg_activities "
        "where activity_id in ('A013', 'A014') order by 1",
    )
    # a line break inside a quoted field is part of the value; a row with fewer fields than
    # the header reads the missing ones as null
    assert rows == [("A013", "line1\nline2", None), ("A014", None, None)]
    assert query(
        built,
        "select count(*) from fct_lead_activities where activity_id in ('A013', 'A014')",
    ) == [(2,)]


def test_unscored_and_backdated_activities_are_kept(built: Path) -> None:
    rows = dict(
        query(
            built,
            "select activity_id, points from fct_lead_activities "
            "where activity_id in ('A008', 'A009')",
        )
    )
    assert set(rows) == {"A008", "A009"}  # chat_message has no rule; A009 predates its lead
    assert rows["A008"] == 0


def test_as_of_defaults_to_latest_plausible_raw_timestamp(built: Path) -> None:
    # the 2099 rows do not move "now": it is the latest raw timestamp before the run started
    (as_of,) = query(built, "select as_of_at from staging.run_as_of")
    assert str(as_of[0]) == "2025-02-01 08:00:00"


def test_missing_raw_files_fail_with_a_clear_message(tmp_path: Path) -> None:
    empty = tmp_path / "empty_raw"
    empty.mkdir()
    completed = run_dbt(
        ["run", "--select", "base_leads"],
        tmp_path / "w.duckdb",
        {"raw_dir": str(empty)},
        check=False,
    )
    assert completed.returncode != 0
    assert "expected leads.csv, leads.csv.gz, leads.parquet or a folder leads/" in completed.stdout


@pytest.mark.parametrize("as_of", ["garbage", "2025-02-30", "epoch", "2025-06-30 25:00"])
def test_unparseable_as_of_fails_with_a_clear_message(tmp_path: Path, as_of: str) -> None:
    completed = run_dbt(
        ["compile", "--select", "run_as_of"],
        tmp_path / "w.duckdb",
        {"raw_dir": str(FIXTURE), "as_of": as_of},
        check=False,
    )
    assert completed.returncode != 0
    assert "The as_of var must be an ISO 8601 date or timestamp" in completed.stdout
    assert f"Got as_of: '{as_of}'" in completed.stdout


@pytest.mark.parametrize(
    ("maturity", "message"),
    [
        ({"lead_to_customers": 120}, "unknown funnel step 'lead_to_customers'"),
        ({"mql_to_sql": "a month"}, "mql_to_sql must be a number of days >= 0, got 'a month'"),
        ({"mql_to_sql": -5}, "mql_to_sql must be a number of days >= 0, got '-5'"),
    ],
)
def test_bad_funnel_step_maturity_fails_with_a_clear_message(
    tmp_path: Path, maturity: dict[str, object], message: str
) -> None:
    # a misspelt step would otherwise be ignored without a word: the rate keeps its p90 maturity
    completed = run_dbt(
        ["compile", "--select", "int_funnel_step_maturity"],
        tmp_path / "w.duckdb",
        {"raw_dir": str(FIXTURE), "funnel_step_maturity_days": maturity},
        check=False,
    )
    assert completed.returncode != 0
    assert f"funnel_step_maturity_days: {message}" in completed.stdout
