"""docs/definitions.md#the-sal-and-sql-qualification-checklist end to end: the optional raw
table `qualifications` read from raw_dir landing files with the same bad-input accounting as
the other tables, the checklist judged at the SQL moment, and a warehouse without the table
(raw_dir without its files, raw_schema without the table) that still builds, with the
checklist marts empty. The raw files are hand-written below, one row per defect."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_helpers import path_as_dbt_names_it, query, run_dbt
from lead_funnel.common import raw_columns

BAD_INPUT = Path(__file__).parent / "fixtures" / "bad_input"
SMALL_STALE = Path(__file__).parent / "fixtures" / "small_stale"
SELECTION = [
    "build",
    "--select",
    "+dq_row_reconciliation",
    "+dq_landing_reconciliation",
    "+mart_sql_qualification_gaps",
    "+mart_sql_qualification_conversion",
    "stages",
    "assert_row_reconciliation_balances",
    "assert_landing_ledger_matches_staging",
    "--exclude",
    "test_type:unit",
    # only tests whose every parent is built
    "--indirect-selection",
    "cautious",
]
HEADER = "qualification_id,lead_id,criterion,value,recorded_at,owner_id\n"
# Lead L002 of the bad_input fixture: MQL 01-13, sal 01-14; made an SQL on 01-16 and an
# opportunity on 01-20 (added below). as_of is 2025-02-01 (the latest raw timestamp).
DAY1 = HEADER + (
    "Q01,L002,buying_cycle,evaluating,2025-01-15 10:00:00,rep_02\n"  # known
    "Q02,L002, Timeframe ,unknown,2025-01-15 10:00:00,rep_02\n"  # recorded, not known
    "Q03,L002,budget,yes,2025-01-15 10:00:00,rep_02\n"  # unknown_criterion
    ",L002,influencer,CFO,2025-01-15 10:00:00,rep_02\n"  # missing_key
    "Q05,LXXX,influencer,CFO,2025-01-15 10:00:00,rep_02\n"  # unknown_lead
    "Q06,L002,influencer,CFO,2099-01-01 00:00:00,rep_02\n"  # future_timestamp
    "Q07,L002,company_size,200-500,not a date,rep_02\n"  # unparseable_timestamp
    "Q08,L002,follow_up_permission,yes,2025-01-15 10:00:00,rep_02\n"  # copied in day2
    "Q09,L002,legitimate_role,CTO,2025-01-14 10:00:00,rep_02\n"  # older: duplicate_key
    "Q10,L002,influencer,CFO,Acme,2025-01-15 10:00:00,rep_02\n"  # too_many_fields (line 11)
    "Q11,L002,conversation_possible,yes,2025-01-17 10:00:00,rep_02\n"  # after the SQL
)
DAY2 = HEADER + (
    "Q08,L002,follow_up_permission,yes,2025-01-15 10:00:00,rep_02\n"  # identical copy
    "Q09,L002,legitimate_role,CTO,2025-01-15 11:00:00,rep_02\n"  # newer: kept
)


@pytest.fixture(scope="module")
def with_qualifications(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("qualifications")
    raw_dir = work / "raw"
    shutil.copytree(BAD_INPUT, raw_dir)
    with (raw_dir / "stage_changes.csv").open("a") as handle:
        handle.write("S013,L002,SQL,2025-01-16 09:00:00,rep_02,,\n")
        handle.write("S014,L002,opportunity,2025-01-20 09:00:00,rep_02,,\n")
    landings = raw_dir / "qualifications" / "2025" / "01"
    landings.mkdir(parents=True)
    (landings / "day1.csv").write_text(DAY1)
    (landings / "day2.csv").write_text(DAY2)
    db_path = work / "w.duckdb"
    run_dbt([*SELECTION, "--full-refresh"], db_path, {"raw_dir": str(raw_dir)})
    return db_path, landings


def test_bad_qualification_rows_are_rejected_with_their_reason(
    with_qualifications: tuple[Path, Path],
) -> None:
    db, _ = with_qualifications
    rows = query(
        db,
        "select source_key, lead_id, reason from dq_rejected_rows "
        "where source_table = 'qualifications'",
    )
    assert sorted(rows, key=str) == sorted(
        [
            ("Q03", "L002", "unknown_criterion"),
            (None, "L002", "missing_key"),
            ("Q05", "LXXX", "unknown_lead"),
            ("Q06", "L002", "future_timestamp"),
            ("Q07", "L002", "unparseable_timestamp"),
            ("Q09", "L002", "duplicate_key"),
            (None, None, "too_many_fields"),
        ],
        key=str,
    )
    (malformed,) = query(
        db,
        "select raw_values from dq_rejected_rows "
        "where source_table = 'qualifications' and reason = 'too_many_fields'",
    )
    assert "day1.csv | line=11 | record=Q10,L002,influencer,CFO,Acme" in malformed[0]


def test_qualifications_reconcile_per_table_and_per_landing(
    with_qualifications: tuple[Path, Path],
) -> None:
    db, landings = with_qualifications
    # 13 records = 5 valid (Q01, Q02, Q08, Q09 newer, Q11) + 7 rejected + 1 identical copy
    assert query(
        db,
        "select raw_rows, valid_rows, rejected_rows, duplicate_rows, is_balanced "
        "from dq_row_reconciliation where source_table = 'qualifications'",
    ) == [(13, 5, 7, 1, True)]
    # Q08 is first delivered by day1 (by file name): its copy in day2 is a duplicate there
    assert sorted(
        query(
            db,
            "select landing_file, raw_rows, valid_rows, rejected_rows, duplicate_rows, "
            "is_balanced from dq_landing_reconciliation where source_table = 'qualifications'",
        )
    ) == [
        (path_as_dbt_names_it(landings / "day1.csv", db), 11, 4, 7, 0, True),
        (path_as_dbt_names_it(landings / "day2.csv", db), 2, 1, 0, 1, True),
    ]
    assert sorted(
        query(
            db,
            "select landing_file, raw_rows from staging.stg_landing_ledger "
            "where source_table = 'qualifications'",
        )
    ) == [
        (path_as_dbt_names_it(landings / "day1.csv", db), 11),
        (path_as_dbt_names_it(landings / "day2.csv", db), 2),
    ]


def test_the_checklist_is_judged_at_the_sql_moment(
    with_qualifications: tuple[Path, Path],
) -> None:
    db, _ = with_qualifications
    # known by 01-16 09:00: legitimate_role (Q09, the newer copy), buying_cycle,
    # follow_up_permission; timeframe was recorded as unknown; conversation_possible came
    # on 01-17, after the SQL; the rest were never recorded or their rows were rejected
    assert query(
        db,
        "select sql_entry_id, recorded_criteria, known_criteria, required_criteria, "
        "missing_sal_criteria, missing_sql_criteria, is_complete, known_criteria_list, "
        "missing_criteria_list, reached_opportunity from mart_sql_qualification",
    ) == [
        (
            "L002|S013",
            4,
            3,
            8,
            2,
            3,
            False,
            "legitimate_role, buying_cycle, follow_up_permission",
            "meets_mql_definition, conversation_possible, influencer, timeframe, company_size",
            True,
        )
    ]
    gaps = query(
        db,
        "select criterion, gap_kind, value_at_sql, cast(known_later_at as varchar) "
        "from mart_sql_qualification_gaps order by criterion",
    )
    assert gaps == [
        ("company_size", "not_recorded", None, None),
        ("conversation_possible", "not_recorded", None, "2025-01-17 10:00:00"),
        ("influencer", "not_recorded", None, None),
        ("meets_mql_definition", "not_recorded", None, None),
        ("timeframe", "recorded_unknown", "unknown", None),
    ]
    assert query(
        db,
        "select cast(sql_month as varchar), completeness, sqls, opportunities, "
        "sql_to_opportunity_rate from mart_sql_qualification_conversion",
    ) == [("2025-01-01", "incomplete", 1, 1, 1.0)]


def test_raw_dir_without_qualifications_builds_with_empty_checklist_marts(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.duckdb"
    run_dbt([*SELECTION, "--full-refresh"], db, {"raw_dir": str(BAD_INPUT)})
    assert query(
        db,
        "select raw_rows, valid_rows, rejected_rows, duplicate_rows, is_balanced "
        "from dq_row_reconciliation where source_table = 'qualifications'",
    ) == [(0, 0, 0, 0, True)]
    for model in (
        "mart_sql_qualification",
        "mart_sql_qualification_gaps",
        "mart_sql_qualification_conversion",
    ):
        assert query(db, f"select count(*) from {model}") == [(0,)], model


def test_raw_schema_without_the_qualifications_table_builds(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as connection:
        connection.execute("create schema landed")
        for table in ("leads", "activities", "stage_changes"):
            columns = ", ".join(f"'{column}': 'varchar'" for column in raw_columns(table))
            connection.execute(
                f"create table landed.{table} as select * from read_csv("
                f"'{SMALL_STALE / table}.csv', header = true, columns = {{{columns}}})"
            )
    run_dbt([*SELECTION, "--full-refresh"], db, {"raw_schema": "landed"})
    assert query(
        db, "select raw_rows, is_balanced from dq_row_reconciliation order by source_table"
    ) == [(0, True), (5, True), (0, True), (3, True)]
    assert query(db, "select count(*) from mart_sql_qualification") == [(0,)]


def test_a_qualifications_landing_arriving_later_is_read_incrementally(
    tmp_path: Path, with_qualifications: tuple[Path, Path]
) -> None:
    """raw_dir without the table first; then its landing folder appears: the next
    (incremental) run reads it landing by landing and ends where a full build does."""
    full_db, _ = with_qualifications
    raw_dir = tmp_path / "raw"
    shutil.copytree(BAD_INPUT, raw_dir)
    with (raw_dir / "stage_changes.csv").open("a") as handle:
        handle.write("S013,L002,SQL,2025-01-16 09:00:00,rep_02,,\n")
        handle.write("S014,L002,opportunity,2025-01-20 09:00:00,rep_02,,\n")
    db = tmp_path / "w.duckdb"
    run_dbt([*SELECTION, "--full-refresh"], db, {"raw_dir": str(raw_dir)})
    assert query(db, "select count(*) from mart_sql_qualification") == [(0,)]
    landings = raw_dir / "qualifications" / "2025" / "01"
    landings.mkdir(parents=True)
    (landings / "day1.csv").write_text(DAY1)
    (landings / "day2.csv").write_text(DAY2)
    run_dbt(SELECTION, db, {"raw_dir": str(raw_dir)})
    reconciliation = (
        "select raw_rows, valid_rows, rejected_rows, duplicate_rows, is_balanced "
        "from dq_row_reconciliation where source_table = 'qualifications'"
    )
    assert query(db, reconciliation) == query(full_db, reconciliation) == [(13, 5, 7, 1, True)]
    checklist = (
        "select sql_entry_id, known_criteria, missing_criteria_list from mart_sql_qualification"
    )
    assert query(db, checklist) == query(full_db, checklist)
    assert query(
        db,
        "select count(*) from staging.stg_landing_ledger where source_table = 'qualifications'",
    ) == [(2,)]
