"""Staging by landing: the ledger reads each landing file once, a re-delivered file replaces
its rows, a file that disappears keeps its rows (and is reported), and after every sequence
of landings (late rows, conflicting duplicates across landings, exact copies, as_of moving
back and forth, a changed var) every contract model equals a --full-refresh build. A change
to the staging logic (a configuration seed it reads, such as the stage mapping) reads the
landings read before it again, so that too equals a --full-refresh build."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from dbt_helpers import build_from_scratch, copy_project, path_as_dbt_names_it, query, run_dbt
from lead_funnel.landings import landing_summary, missing_message, reread_message
from test_incremental import assert_contract_models_equal, generate, land

LEDGER = "select landing_file, loaded_by_run_id, is_redelivery, is_present from staging.stg_landing_ledger"


def ledger(db: Path) -> dict[str, tuple]:
    """landing file name -> (run that read it, is_redelivery, is_present)."""
    return {Path(path).name: rest for path, *rest in query(db, LEDGER)}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate(out)
    return out


def test_landings_are_read_once_and_incremental_runs_equal_a_full_refresh(
    generated: Path, tmp_path: Path
) -> None:
    raw = tmp_path / "raw"
    db = tmp_path / "incremental" / "lead_funnel.duckdb"
    base_vars = {"raw_dir": str(raw)}

    def run_both(extra: dict | None = None) -> None:
        variables = {**base_vars, **(extra or {})}
        full_db = build_from_scratch(tmp_path / "full" / "lead_funnel.duckdb", variables)
        run_dbt(["run"], db, variables)
        assert_contract_models_equal(db, full_db)

    land(generated, raw, 0)
    build_from_scratch(db, base_vars)
    first = ledger(db)
    history_runs = {run for run, _, _ in first.values()}
    assert len(history_runs) == 1 and first, "a full build reads every file, in one run"

    # a new day: only its files are read; the history keeps the run that read it
    land(generated, raw, 1)
    run_both()
    second = ledger(db)
    new_files = set(second) - set(first)
    assert new_files, "the day's files are in the ledger"
    assert {second[name][0] for name in first} == history_runs, "the history is not read again"
    assert len({second[name][0] for name in new_files}) == 1
    assert not any(second[name][0] in history_runs for name in new_files)

    # conflicting duplicates across landings: a newer version of a history activity (same
    # key, later timestamp), an exact copy of another history row, and a late row
    history = next((raw / "activities").glob("*.csv"))
    header, kept, conflicting, *_ = history.read_text().splitlines()
    fields = conflicting.split(",")
    fields[3] = "2026-01-12 23:00:00"
    (raw / "activities" / "activities_2026-01-13_late.csv").write_text(
        "\n".join(
            [
                header,
                kept,
                ",".join(fields),
                "A90000001,L0000003,webinar_attended,2024-03-01 10:00:00,,,Late webinar,1800",
            ]
        )
        + "\n"
    )
    run_both()
    late = "activities_2026-01-13_late.csv"
    landing_rows = dict(
        (Path(path).name if path else None, rest)
        for path, *rest in query(
            db,
            "select landing_file, raw_rows, valid_rows, rejected_rows, duplicate_rows, "
            "is_balanced from dq_landing_reconciliation where source_table = 'activities'",
        )
    )
    assert landing_rows[late][0] == 3
    assert landing_rows[late][3] >= 1, "the exact copy of a history row is a duplicate"
    assert all(row[-1] for row in landing_rows.values())

    # a re-delivered file with changed content: one row dropped, one changed
    day_file = sorted((raw / "activities").glob("activities_2026-01-13.csv"))[0]
    lines = day_file.read_text().splitlines()
    changed = lines[2].split(",")
    changed[6] = "changed detail"
    day_file.write_text("\n".join([lines[0], lines[1], ",".join(changed), *lines[4:]]) + "\n")
    stat = day_file.stat()
    os.utime(day_file, (stat.st_atime, stat.st_mtime + 5))
    run_both()
    assert ledger(db)[day_file.name][1] is True, "the ledger marks the re-delivery"
    assert query(db, "select count(*) from fct_lead_activities where detail = 'changed detail'")

    # as_of moving back (rows after it become future_timestamp), then forward again with a
    # changed scoring var (which rebuilds what depends on it)
    run_both({"as_of": "2026-01-10"})
    variables = {**base_vars, "as_of": "2026-01-14", "mql_threshold": 80}
    run_both(variables)

    # a file that disappears keeps its rows, and the run says so
    gone = raw / "activities" / late
    kept_rows = query(db, "select count(*), sum(points) from fct_lead_activities")
    gone.unlink()
    run_dbt(["run"], db, variables)
    assert query(db, "select count(*), sum(points) from fct_lead_activities") == kept_rows
    assert ledger(db)[late][2] is False
    summary = landing_summary(db, dt.datetime(2000, 1, 1))
    missing = [path_as_dbt_names_it(gone, db)]
    assert summary is not None and [m.landing_file for m in summary.missing] == missing
    message = missing_message(summary.missing)
    assert late in message and "--full-refresh" in message

    # the dbt tests hold on the database built landing by landing
    run_dbt(
        ["test", "--select", "stg_landing_ledger dq_landing_reconciliation dq_row_reconciliation"],
        db,
        variables,
    )


LEDGER_READS = (
    "select source_table, landing_file, loaded_by_run_id, is_redelivery, is_reread_for_new_logic, "
    "is_present, staging_logic_version from staging.stg_landing_ledger"
)


def ledger_reads(db: Path) -> dict[tuple[str, str], tuple]:
    """(table, file name) -> (run that read it, is_redelivery, is_reread_for_new_logic,
    is_present, staging_logic_version)."""
    return {(table, Path(path).name): tuple(rest) for table, path, *rest in query(db, LEDGER_READS)}


def test_a_changed_stage_mapping_reaches_the_landings_read_before(
    generated: Path, tmp_path: Path
) -> None:
    """A team maps a stage label it had not mapped: the stage-change files read before the
    change are read again (the ledger says why), so their rows are mapped too, and the
    contract models equal a full build with the new mapping; the other tables' files are not
    read again. A ledger from before the ledger held versions reads every present file again."""
    project = copy_project(tmp_path / "project")
    raw = tmp_path / "raw"
    for day in range(3):
        land(generated, raw, day)
    db = tmp_path / "incremental" / "lead_funnel.duckdb"
    variables = {"raw_dir": str(raw)}
    build_from_scratch(db, variables, project_dir=project)
    unmapped = query(
        db,
        "select count(*) from staging.stg_stage_changes_triaged "
        "where stage_label = 'Zombie' and reject_reason = 'unmapped_stage'",
    )[0][0]
    assert unmapped >= 1, "the generated data has a stage label the mapping lacks"
    before = ledger_reads(db)
    assert {version for *_, version in before.values()} != {None}

    with (project / "seeds" / "config" / "stage_mapping.csv").open("a") as mapping:
        mapping.write("Zombie,recycled\n")
    run_dbt(["seed"], db, variables, project_dir=project)
    run_dbt(["run"], db, variables, project_dir=project)
    after = ledger_reads(db)
    assert after.keys() == before.keys()
    for (table, name), (run, redelivery, reread, present, version) in after.items():
        if table == "stage_changes":
            assert run != before[table, name][0], f"{name} was read again"
            assert (redelivery, reread, present) == (False, True, True)
            assert version != before[table, name][4]
        else:
            assert after[table, name] == before[table, name], f"{name} was not read again"
    assert not query(
        db,
        "select count(*) from staging.stg_stage_changes_triaged "
        "where stage_label = 'Zombie' and reject_reason is not null",
    )[0][0]
    summary = landing_summary(db, dt.datetime(2000, 1, 1))
    reread = sum(1 for table, _ in after if table == "stage_changes")
    assert summary is not None and summary.files_reread_for_new_logic == reread
    assert "stage_mapping" in reread_message(reread)

    full_db = build_from_scratch(
        tmp_path / "full" / "lead_funnel.duckdb", variables, project_dir=project
    )
    assert_contract_models_equal(db, full_db)

    # nothing changed since: nothing is read again
    run_dbt(["run"], db, variables, project_dir=project)
    assert ledger_reads(db) == after

    # a ledger written before it held versions, and a file gone since: every present file is
    # read again, the missing one keeps its rows and has no version
    with duckdb.connect(str(db)) as connection:
        for column in ("is_reread_for_new_logic", "staging_logic_version"):
            connection.execute(f"alter table staging.stg_landing_ledger drop column {column}")
    gone = sorted((raw / "leads").glob("*.csv"))[-1]
    gone.unlink()
    run_dbt(["run"], db, variables, project_dir=project)
    upgraded = ledger_reads(db)
    for (table, name), (run, _, reread, present, version) in upgraded.items():
        if name == gone.name:
            assert (run, reread, present, version) == (before[table, name][0], None, False, None)
        else:
            assert (reread, present) == (True, True), name
            assert version == after[table, name][4]
