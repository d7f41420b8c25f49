"""raw_dir layouts of docs/definitions.md#raw-data-contract: NAME.csv, NAME.csv.gz, NAME.parquet, a folder NAME/ of
daily files (with different column sets), and files that lack an optional column all load to
the same valid and rejected rows."""

from __future__ import annotations

import csv
import gzip
import io
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


def read_fixture(name: str) -> str:
    """A DuckDB relation reading a fixture CSV as the project does: it holds a quoted line
    break and a short row, which DuckDB's defaults do not read."""
    return (
        f"read_csv('{FIXTURE / name}.csv', all_varchar = true, header = true, "
        "null_padding = true, parallel = false, quote = '\"', escape = '\"')"
    )


def csv_records(name: str) -> tuple[list[str], list[list[str]]]:
    """The header and records of a fixture CSV (records, not lines: a quoted field may hold
    a line break)."""
    header, *records = csv.reader(io.StringIO((FIXTURE / f"{name}.csv").read_text(), newline=""))
    return header, records


def write_csv(path: Path, header: list[str], records: list[list[str]]) -> None:
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *records])


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
                f"copy (select * from {read_fixture(name)}) "
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
    (landing / "2025").mkdir(parents=True)
    header, records = csv_records("activities")
    # a short row (fewer fields than the header) lacks keys
    rows = [dict(zip(header, record, strict=False)) for record in records]
    # day 1: the rows without campaign or detail, in a file without those columns, the
    # other columns in another order, and one column the contract does not know
    plain = [row for row in rows if not row.get("campaign") and not row.get("detail")]
    others = [row for row in rows if row.get("campaign") or row.get("detail")]
    day_one = ["lead_id", "activity_id", "occurred_at", "activity_type", "owner_id"]
    day_one += ["duration_seconds", "source_system"]
    write_csv(
        landing / "activities_2025-01-11.csv",
        day_one,
        [
            [row.get(column, "crm" if column == "source_system" else "") for column in day_one]
            for row in plain
        ],
    )
    # days 2 and 3: the full set, day 3 gzip-compressed one folder down
    half = len(others) // 2
    write_csv(
        landing / "activities_2025-01-12.csv",
        header,
        [[row.get(column, "") for column in header] for row in others[:half]],
    )
    with gzip.open(landing / "2025" / "activities_2025-01-13.csv.gz", "wt", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [header, *[[row.get(column, "") for column in header] for row in others[half:]]]
        )
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
            f"copy (select * exclude (phone, owner_id) from {read_fixture('leads')}) "
            f"to '{raw_dir}/leads.csv' (header)"
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
            connection.execute(f"create table landing.{name} as select * from {read_fixture(name)}")
    run_dbt(SELECTION, db_path, {"raw_schema": "landing"})
    assert query(db_path, RECONCILIATION) == csv_reconciliation


def test_gzip_csv_files_load_like_csv(tmp_path: Path, csv_reconciliation: list[tuple]) -> None:
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    for name in ("leads", "activities", "stage_changes"):
        with gzip.open(raw_dir / f"{name}.csv.gz", "wb") as handle:
            handle.write((FIXTURE / f"{name}.csv").read_bytes())
    db_path = tmp_path / "w.duckdb"
    run_dbt(SELECTION, db_path, {"raw_dir": str(raw_dir)})
    assert query(db_path, RECONCILIATION) == csv_reconciliation


def test_quoted_fields_after_the_sniffers_sample_load(tmp_path: Path) -> None:
    """DuckDB's CSV sniffer reads the quote character from the first 20,480 rows; a file
    whose first quoted field comes later must still be read with quotes."""
    raw_dir = tmp_path / "raw"
    shutil.copytree(FIXTURE, raw_dir)
    header, _ = csv_records("stage_changes")
    plain = [
        [f"SP{number:05d}", "L001", "mql", "2025-01-11 12:00:00", "", "", ""]
        for number in range(21000)
    ]
    late = ["SQ00001", "L001", "recycled", "2025-01-11 13:00:00", "", "lost, then nurtured", ""]
    write_csv(raw_dir / "stage_changes.csv", header, [*plain, late])
    db_path = tmp_path / "w.duckdb"
    run_dbt(SELECTION, db_path, {"raw_dir": str(raw_dir)})
    assert query(
        db_path, "select reason from staging.stg_stage_changes where change_id = 'SQ00001'"
    ) == [("lost, then nurtured",)]


# Typed Parquet timestamps: one value per line, as (Parquet type, DuckDB literal). Staging
# reads the typed value where it gives the instant the text would, and parses the text
# otherwise (nanoseconds, infinities, years after 9999 in UTC).
TYPED_TIMESTAMPS = [
    ("timestamp", "timestamp '2026-01-02 03:04:05.123456'"),
    ("timestamp", "timestamp '0999-12-31 23:59:59'"),
    ("timestamp", "timestamp '9999-12-31 23:59:59.999999'"),
    ("timestamp", "timestamp 'infinity'"),
    ("timestamp", "timestamp '-infinity'"),
    ("timestamp", "cast(null as timestamp)"),
    ("timestamptz", "timestamptz '2026-01-02 03:04:05.5+05:30'"),
    ("timestamptz", "timestamptz '9999-12-31 23:00:00-02'"),
    ("date", "date '2026-01-02'"),
    ("date", "date 'infinity'"),
    ("timestamp_ms", "cast(timestamp '2026-01-02 03:04:05.123' as timestamp_ms)"),
    ("timestamp_s", "cast(timestamp '2026-01-02 03:04:05' as timestamp_s)"),
    ("timestamp_ns", "cast(timestamp '2026-01-02 03:04:05.123456' as timestamp_ns)"),
]
STAGED_TIMESTAMPS = (
    "select activity_id, cast(occurred_at as varchar), occurred_at_text, row_reject_reason "
    "from staging.base_activities order by activity_id"
)


def test_typed_parquet_timestamps_stage_as_their_text_does(tmp_path: Path) -> None:
    """A Parquet file's typed timestamps give what the same values' text gives in a CSV file
    (the text DuckDB renders for them in UTC), and the instants worked out by hand."""
    lead_id = csv_records("leads")[1][0][0]
    typed_dir, text_dir = tmp_path / "typed", tmp_path / "text"
    for folder in (typed_dir, text_dir):
        (folder / "activities").mkdir(parents=True)
        shutil.copy(FIXTURE / "leads.csv", folder / "leads.csv")
        shutil.copy(FIXTURE / "stage_changes.csv", folder / "stage_changes.csv")
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        for number, (kind, literal) in enumerate(TYPED_TIMESTAMPS):
            rows = (
                f"select 'T{number:02d}' as activity_id, '{lead_id}' as lead_id, "
                f"'page_view' as activity_type, {literal} as occurred_at"
            )
            connection.execute(
                f"copy ({rows}) to '{typed_dir / 'activities' / f'{number:02d}_{kind}.parquet'}' "
                "(format parquet)"
            )
            connection.execute(
                f"copy (select * replace (cast(occurred_at as varchar) as occurred_at) "
                f"from ({rows})) to '{text_dir / 'activities' / f'{number:02d}.csv'}' "
                "(header, format csv)"
            )
    staged = {}
    for name, folder in (("typed", typed_dir), ("text", text_dir)):
        db_path = tmp_path / f"{name}_build" / "w.duckdb"
        db_path.parent.mkdir()
        run_dbt(["run", "--select", "base_activities"], db_path, {"raw_dir": str(folder)})
        staged[name] = query(db_path, STAGED_TIMESTAMPS)
    assert staged["typed"] == staged["text"]
    # the typed values are read as they are from every file but the nanosecond one
    compiled = tmp_path / "typed_build" / "target" / "compiled" / "lead_funnel" / "models"
    sql = (compiled / "staging" / "base_activities.sql").read_text()
    assert sql.count("isfinite(") == len(TYPED_TIMESTAMPS) - 1
    by_id = {row[0]: row[1:] for row in staged["typed"]}
    assert by_id["T00"] == ("2026-01-02 03:04:05.123456", "2026-01-02 03:04:05.123456", None)
    assert by_id["T03"] == (None, "infinity", "unparseable_timestamp")
    assert by_id["T05"] == (None, None, "missing_timestamp")
    # 03:04:05.5 at +05:30 is 21:34:05.5 UTC the day before
    assert by_id["T06"] == ("2026-01-01 21:34:05.5", "2026-01-01 21:34:05.5+00", None)
    # 23:00 at -02:00 on 9999-12-31 is past the last year in UTC: unparseable
    assert by_id["T07"][0] is None
    assert by_id["T08"][0] == "2026-01-02 00:00:00"
    assert by_id["T12"][0] == "2026-01-02 03:04:05.123456"
