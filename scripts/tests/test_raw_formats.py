"""raw_dir layouts of SPEC section 3: NAME.csv, NAME.parquet, a folder NAME/ of daily files,
and files that lack an optional column all load to the same valid and rejected rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dbt_helpers import query, run_dbt

FIXTURE = Path(__file__).parent / "fixtures" / "bad_input"
SELECTION = [
    "build",
    "--select",
    "+dq_row_reconciliation",
    "+dq_field_issues",
    "stages",
    "--exclude",
    "test_type:unit",
    # only tests whose every parent is built (a test on a mart and stg_leads would fail)
    "--indirect-selection",
    "cautious",
]
RECONCILIATION = (
    "select source_table, raw_rows, valid_rows, rejected_rows, duplicate_rows "
    "from dq_row_reconciliation order by source_table"
)


@pytest.fixture(scope="module")
def csv_reconciliation(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    db_path = tmp_path_factory.mktemp("csv") / "w.duckdb"
    run_dbt(SELECTION, db_path, {"raw_dir": str(FIXTURE)})
    return query(db_path, RECONCILIATION)


def test_parquet_files_load_like_csv(tmp_path: Path, csv_reconciliation: list[tuple]) -> None:
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    with duckdb.connect() as connection:
        for name in ("leads", "activities", "stage_changes"):
            connection.execute(
                f"copy (select * from read_csv('{FIXTURE / name}.csv', all_varchar = true)) "
                f"to '{raw_dir / name}.parquet' (format parquet)"
            )
    db_path = tmp_path / "w.duckdb"
    run_dbt(SELECTION, db_path, {"raw_dir": str(raw_dir)})
    assert query(db_path, RECONCILIATION) == csv_reconciliation


def test_daily_landing_folders_are_one_table(
    tmp_path: Path, csv_reconciliation: list[tuple]
) -> None:
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    shutil.copy(FIXTURE / "leads.csv", raw_dir / "leads.csv")
    shutil.copy(FIXTURE / "stage_changes.csv", raw_dir / "stage_changes.csv")
    landing = raw_dir / "activities"
    landing.mkdir()
    header, *rows = (FIXTURE / "activities.csv").read_text().splitlines()
    half = len(rows) // 2
    (landing / "activities_2025-01-11.csv").write_text("\n".join([header, *rows[:half]]) + "\n")
    (landing / "activities_2025-01-12.csv").write_text("\n".join([header, *rows[half:]]) + "\n")
    db_path = tmp_path / "w.duckdb"
    run_dbt(SELECTION, db_path, {"raw_dir": str(raw_dir)})
    assert query(db_path, RECONCILIATION) == csv_reconciliation


def test_missing_optional_column_reads_as_null(
    tmp_path: Path, csv_reconciliation: list[tuple]
) -> None:
    raw_dir = tmp_path / "raw"
    shutil.copytree(FIXTURE, raw_dir)
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * exclude (phone, owner_id) from read_csv('{FIXTURE}/leads.csv', "
            f"all_varchar = true)) to '{raw_dir}/leads.csv' (header)"
        )
    db_path = tmp_path / "w.duckdb"
    run_dbt(SELECTION, db_path, {"raw_dir": str(raw_dir)})
    assert query(db_path, RECONCILIATION) == csv_reconciliation
    assert query(db_path, "select count(*) from staging.stg_leads where phone is not null") == [
        (0,)
    ]


def test_raw_tables_in_the_warehouse_load_like_files(
    tmp_path: Path, csv_reconciliation: list[tuple]
) -> None:
    """The raw_schema var (how Postgres and Spark are fed) reads the source `raw` tables."""
    db_path = tmp_path / "w.duckdb"
    with duckdb.connect(str(db_path)) as connection:
        connection.execute("create schema landing")
        for name in ("leads", "activities", "stage_changes"):
            connection.execute(
                f"create table landing.{name} as "
                f"select * from read_csv('{FIXTURE / name}.csv', all_varchar = true)"
            )
    run_dbt(SELECTION, db_path, {"raw_schema": "landing"})
    assert query(db_path, RECONCILIATION) == csv_reconciliation
