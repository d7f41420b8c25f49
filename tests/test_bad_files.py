"""Nothing lost, nothing misread: malformed files, hostile paths, bad options and concurrent
runs, end to end through `lead-funnel run` (README: Bad input).

The base data is generated once (`lead-funnel generate --leads 200 --seed 5`); each case copies
and damages it. Cases that can share a pipeline run do (one raw folder holding every
readable defect), and each keeps its own assertions. The case numbers follow the list of
reproductions in README "Bad input".
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dbt_helpers import LEAD_FUNNEL, pipeline, query, run_dbt

ACTIVITY_HEADER = [
    "activity_id",
    "lead_id",
    "activity_type",
    "occurred_at",
    "owner_id",
    "campaign",
    "detail",
    "duration_seconds",
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_records(path: Path) -> tuple[list[str], list[list[str]]]:
    header, *records = csv.reader(io.StringIO(path.read_text(), newline=""))
    return header, records


def write_records(path: Path, header: list[str], records: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *records])


def previous_publish(db: Path) -> str:
    """A stand-in for the file BI readers hold: its bytes must survive a failed run."""
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"previously published warehouse")
    return digest(db)


@pytest.fixture(scope="session")
def base_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base data of every case: 200 leads, seed 5 (3,919 activities, 237 stage changes)."""
    out = tmp_path_factory.mktemp("base") / "raw"
    subprocess.run(
        [
            *LEAD_FUNNEL,
            "generate",
            "--leads",
            "200",
            "--seed",
            "5",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


# --- one run, every defect that must be read or rejected row by row ------------------------


class Hostile:
    """The raw folder of the shared run and what was put in it."""

    def __init__(self, root: Path, base: Path) -> None:
        # 5, 6: a folder with [ and ' in its name, next to the folder its unescaped glob matches
        self.raw_dir = root / "data[1]'s"
        self.decoy = root / "data1's"
        for folder in (self.raw_dir, self.decoy):
            folder.mkdir(parents=True)
        lead_header, leads = read_records(base / "leads.csv")
        activity_header, activities = read_records(base / "activities.csv")
        stage_header, stages = read_records(base / "stage_changes.csv")
        assert activity_header == ACTIVITY_HEADER
        self.base_counts = (len(leads), len(activities), len(stages))

        # the decoy holds one lead that must never be read
        write_records(self.decoy / "leads.csv", lead_header, [["DECOY1", *leads[0][1:]]])
        write_records(self.decoy / "activities.csv", activity_header, [])
        write_records(self.decoy / "stage_changes.csv", stage_header, [])

        # 7: an unquoted comma in a company name gives a row one field too many (line 7)
        company = lead_header.index("company_name")
        self.split_lead = leads[5][0]
        leads[5] = [*leads[5][:company], "Acme", " Inc", *leads[5][company + 1 :]]
        # 9: leads created before 2015 and in year 1
        self.ancient_leads = ["L9000001", "L9000002"]
        created = lead_header.index("created_at")
        for lead_id, created_at in zip(
            self.ancient_leads, ["0001-01-01 00:00:00", "2010-03-01 12:00:00"], strict=True
        ):
            row = [*leads[1]]
            row[0], row[created] = lead_id, created_at
            leads.append(row)
        write_records(self.raw_dir / "leads.csv", lead_header, leads)

        folder = self.raw_dir / "activities"
        # 8: two rows without a key whose raw text reads the same (a null and the text <null>)
        keyless = [
            ["", "L0000001", "page_view", "2024-06-01 10:00:00", "", "", "", "5"],
            ["", "L0000001", "page_view", "2024-06-01 10:00:00", "", "", "<null>", "5"],
        ]
        # 11: a 3 MB field
        self.wide_activity = activities[10][0]
        activities[10][6] = "x" * 3_000_000
        write_records(folder / "part1.csv", activity_header, activities[:1500] + keyless)
        # 4: day1.csv and day[1].csv are two files, each read once
        self.day1 = [row[0] for row in activities[1500:2500]]
        self.day_bracket = [row[0] for row in activities[2500:3500]]
        write_records(folder / "day1.csv", activity_header, activities[1500:2500])
        write_records(folder / "day[1].csv", activity_header, activities[2500:3500])
        # an empty landing file (0 bytes) holds no record
        (folder / "empty.csv").write_bytes(b"")
        # 6: a quote and a star in landing file names
        self.quoted = [row[0] for row in activities[3500:3700]]
        write_records(folder / "it's.csv", activity_header, activities[3500:3700])
        write_records(folder / "star*.csv", activity_header, activities[3700:3800])
        # an undecodable byte in one record of day1.csv (line 3)
        self.undecodable = activities[1501][0]
        raw = (folder / "day1.csv").read_bytes().split(b"\n")
        raw[2] = raw[2].replace(b"," + activities[1501][2].encode() + b",", b",caf\xe9,", 1)
        (folder / "day1.csv").write_bytes(b"\n".join(raw))

        # 10: Parquet landings with every timestamp precision, and 9999-12-31
        rest = pd.DataFrame(activities[3800:], columns=activity_header)
        occurred = pd.to_datetime(rest["occurred_at"], format="mixed", utc=True)
        self.parquet_ids = list(rest["activity_id"])
        chunks = [rest.iloc[i::5].copy() for i in range(5)]
        units = ["ns", "us", "ms", "s"]
        for chunk, unit in zip(chunks, units, strict=False):
            chunk["occurred_at"] = (
                occurred[chunk.index].dt.tz_localize(None).astype(f"datetime64[{unit}]")
            )
            chunk.to_parquet(folder / f"landing_{unit}.parquet", index=False)
        chunks[4]["occurred_at"] = occurred[chunks[4].index]  # TIMESTAMPTZ
        chunks[4].to_parquet(folder / "landing_tz.parquet", index=False)
        self.far_future = "A9999999"
        with duckdb.connect() as connection:
            connection.execute(
                f"copy (select '{self.far_future}' as activity_id, 'L0000001' as lead_id, "
                "'page_view' as activity_type, timestamp '9999-12-31 00:00:00' as occurred_at) "
                f"to '{str(folder / 'far_future.parquet').replace(chr(39), chr(39) * 2)}' "
                "(format parquet)"
            )
        self.expected_activities = len(activities) + len(keyless) + 1

        # 3: a landing file with a title line above its header
        folder = self.raw_dir / "stage_changes"
        self.titled = [row[0] for row in stages[-5:]]
        write_records(folder / "main.csv", stage_header, stages[:-5])
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([stage_header, *stages[-5:]])
        (folder / "titled.csv").write_text("Stage export 2026-01-15\n" + buffer.getvalue())


@pytest.fixture(scope="module")
def hostile(base_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Hostile, Path, str]:
    root = tmp_path_factory.mktemp("hostile")
    case = Hostile(root, base_data)
    db = root / "bi" / "lead_funnel.duckdb"
    completed = pipeline("run", "--raw-dir", str(case.raw_dir), "--db", str(db))
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-6000:]
    return case, db, output


def rejected(db: Path, reason: str) -> list[tuple[str, str | None, str]]:
    return query(
        db,
        "select source_table, source_key, raw_values from dq_rejected_rows "
        f"where reason = '{reason}' order by raw_values",
    )


def test_every_table_balances_against_its_physical_records(
    hostile: tuple[Hostile, Path, str],
) -> None:
    case, db, _ = hostile
    rows = dict(
        (table, (raw, balanced))
        for table, raw, balanced in query(
            db, "select source_table, raw_rows, is_balanced from dq_row_reconciliation"
        )
    )
    leads, _, stages = case.base_counts
    assert rows == {
        "leads": (leads + 2, True),
        "activities": (case.expected_activities, True),
        # the title line above a header is a record of its own, rejected
        "stage_changes": (stages + 1, True),
        "qualifications": (0, True),  # the optional table, absent
    }


def test_case_03_title_line_above_the_header(hostile: tuple[Hostile, Path, str]) -> None:
    case, db, _ = hostile
    ids = {row[0] for row in query(db, "select change_id from fct_lead_stage_history")}
    assert set(case.titled) <= ids
    (title,) = rejected(db, "preamble_line")
    assert title[0] == "stage_changes"
    assert "titled.csv | line=1 | record=Stage export 2026-01-15" in title[2]
    assert query(
        db, "select duplicate_rows from dq_row_reconciliation where source_table = 'stage_changes'"
    ) == [(0,)]


def test_case_04_day1_and_day_bracket_1_are_each_read_once(
    hostile: tuple[Hostile, Path, str],
) -> None:
    case, db, _ = hostile
    kept = {row[0] for row in query(db, "select activity_id from fct_lead_activities")}
    assert set(case.day_bracket) <= kept
    assert set(case.day1) - {case.undecodable} <= kept
    assert query(
        db, "select duplicate_rows from dq_row_reconciliation where source_table = 'activities'"
    ) == [(0,)]


def test_case_05_a_bracketed_raw_dir_never_reads_its_look_alike(
    hostile: tuple[Hostile, Path, str],
) -> None:
    _, db, output = hostile
    assert query(db, "select count(*) from scored_leads where lead_id = 'DECOY1'") == [(0,)]
    assert query(db, "select count(*) from scored_leads")[0][0] > 150
    assert "data[1]'s" in output


def test_case_06_quotes_and_stars_in_names_are_read(hostile: tuple[Hostile, Path, str]) -> None:
    case, db, _ = hostile
    kept = {row[0] for row in query(db, "select activity_id from fct_lead_activities")}
    assert set(case.quoted) <= kept


def test_case_07_too_many_fields_is_rejected_with_file_and_line(
    hostile: tuple[Hostile, Path, str],
) -> None:
    case, db, _ = hostile
    (row,) = rejected(db, "too_many_fields")
    assert row[0] == "leads"
    assert f"file={case.raw_dir / 'leads.csv'} | line=7 | record={case.split_lead}," in row[2]
    assert query(db, f"select count(*) from scored_leads where lead_id = '{case.split_lead}'") == [
        (0,)
    ]


def test_case_07b_an_undecodable_byte_is_rejected_with_file_and_line(
    hostile: tuple[Hostile, Path, str],
) -> None:
    case, db, _ = hostile
    (row,) = rejected(db, "invalid_encoding")
    assert row[0] == "activities"
    assert "day1.csv | line=3 | record=" in row[2]
    assert case.undecodable in row[2]


def test_case_08_rows_whose_text_reads_the_same_get_their_own_ids(
    hostile: tuple[Hostile, Path, str],
) -> None:
    _, db, _ = hostile
    ids = query(
        db,
        "select rejected_row_id from dq_rejected_rows "
        "where reason = 'missing_key' and source_table = 'activities'",
    )
    assert len(ids) == 2
    assert len(set(ids)) == 2


def test_case_09_ancient_leads_build_and_the_time_spine_follows(
    hostile: tuple[Hostile, Path, str],
) -> None:
    case, db, _ = hostile
    created = query(
        db,
        "select lead_id, cast(created_at as varchar) from scored_leads "
        f"where lead_id in ('{case.ancient_leads[0]}', '{case.ancient_leads[1]}') order by 1",
    )
    assert created == [
        (case.ancient_leads[0], "0001-01-01 00:00:00"),
        (case.ancient_leads[1], "2010-03-01 12:00:00"),
    ]
    (first_day,) = query(db, "select cast(min(date_day) as varchar) from metricflow_time_spine")
    assert first_day[0] == "0001-01-01"


def test_case_10_parquet_timestamp_precisions_and_9999(hostile: tuple[Hostile, Path, str]) -> None:
    case, db, _ = hostile
    kept = {row[0] for row in query(db, "select activity_id from fct_lead_activities")}
    assert set(case.parquet_ids) <= kept
    (far,) = rejected(db, "future_timestamp")
    assert far[1] == case.far_future


def test_case_11_a_3_mb_field_is_read(hostile: tuple[Hostile, Path, str]) -> None:
    case, db, _ = hostile
    assert query(
        db,
        f"select length(detail) from fct_lead_activities where activity_id = '{case.wide_activity}'",
    ) == [(3_000_000,)]


# --- files that cannot be read stop the run, naming the file -------------------------------


def unclosed_quote_run(
    base: Path, root: Path, row: int
) -> tuple[subprocess.CompletedProcess[str], Path, str]:
    raw_dir = root / "raw"
    shutil.copytree(base, raw_dir)
    lines = (raw_dir / "activities.csv").read_text().split("\n")
    fields = lines[row].split(",")
    fields[5] = '"' + fields[5]  # campaign opens a quote that never closes
    lines[row] = ",".join(fields)
    (raw_dir / "activities.csv").write_text("\n".join(lines))
    db = root / "bi" / "lead_funnel.duckdb"
    before = previous_publish(db)
    completed = pipeline("run", "--raw-dir", str(raw_dir), "--db", str(db))
    return completed, db, before


@pytest.mark.parametrize(("case", "row"), [("01", 3000), ("02", 40)])
def test_case_01_02_an_unclosed_quote_stops_the_run_naming_file_and_line(
    base_data: Path, tmp_path: Path, case: str, row: int
) -> None:
    completed, db, before = unclosed_quote_run(base_data, tmp_path, row)
    output = " ".join((completed.stdout + completed.stderr).split())
    assert completed.returncode == 1, output[-3000:]
    assert str(tmp_path / "raw" / "activities.csv") in output
    # the record that opens the quote is on line row + 1; DuckDB may still read that record
    # itself, and then the first line not read is the next one
    assert re.search(rf"from about line ({row + 1}|{row + 2}) on", output), output[-3000:]
    assert "never closed" in output
    assert "Nothing was published" in output
    assert "Traceback" not in output
    assert digest(db) == before


def test_case_03b_a_file_without_a_header_stops_the_run_naming_it(
    base_data: Path, tmp_path: Path
) -> None:
    raw_dir = tmp_path / "raw"
    shutil.copytree(base_data, raw_dir)
    lines = (raw_dir / "stage_changes.csv").read_text().split("\n")
    (raw_dir / "stage_changes.csv").write_text("\n".join(lines[1:]))  # the header is gone
    db = tmp_path / "bi" / "lead_funnel.duckdb"
    before = previous_publish(db)
    completed = pipeline("run", "--raw-dir", str(raw_dir), "--db", str(db))
    output = " ".join((completed.stdout + completed.stderr).split())
    assert completed.returncode == 1, output[-3000:]
    assert f"Raw file {raw_dir / 'stage_changes.csv'} has no header row naming change_id" in output
    assert "Nothing was published" in output
    assert digest(db) == before


# --- options: validated before dbt starts, never pasted ------------------------------------


@pytest.mark.parametrize(
    ("vars_text", "named"),
    [
        ("{as_of: 2025-06-31}", "not a calendar day"),  # 12
        ("{as_of: '2025-06-30 10:00:00 America/New_York'}", "as_of"),  # 13
        ("{mql_threshold: '0 or true'}", "mql_threshold must be a number"),  # 14
        ("{engagement_half_life_days: -1}", "engagement_half_life_days must be >= 0"),
        ("{mask_pii: 'yes'}", "mask_pii must be true or false"),
        ("{mql_required_fields: 'email'}", "mql_required_fields must be a list"),
        ("{business_hours: {timezone: Mars/Base}}", "business_hours.timezone"),
        ("{cohort_maturity_days: 1.5}", "cohort_maturity_days must be a whole number"),
        ("{mql_treshold: 80}", "unknown var 'mql_treshold'"),
        ("{funnel_step_maturity_days: {lead_to_customers: 120}}", "unknown funnel step"),
        ("{funnel_step_maturity_days: {mql_to_sql: 'x'}}", "mql_to_sql must be a number"),
        ("{inquiry_activity_types: [\"demo') or ('1\"]}", "inquiry_activity_types must be a list"),
        ("{rate_interval_z: 0}", "rate_interval_z must be > 0"),
        ("{account_score_top_n: 0}", "account_score_top_n must be >= 1"),
        ("{account_engaged_days: 0}", "account_engaged_days must be > 0"),
    ],
    ids=[
        "12-impossible-date",
        "13-tz-name",
        "14-sql-text",
        "negative",
        "bool",
        "list",
        "tz",
        "whole",
        "typo",
        "step-typo",
        "step-days",
        "sql-in-list",
        "z",
        "top-n",
        "engaged-days",
    ],
)
def test_case_12_13_14_bad_vars_exit_64_before_dbt(
    tmp_path: Path, vars_text: str, named: str
) -> None:
    db = tmp_path / "w.duckdb"
    completed = pipeline("run", "--db", str(db), "--vars", vars_text)
    output = " ".join((completed.stdout + completed.stderr).split())
    assert completed.returncode == 64, output
    assert named in output
    assert "Traceback" not in output
    assert not db.with_name("w.build.duckdb").exists()  # dbt never started


def test_case_12_a_vars_file_that_is_not_utf8_exits_64(tmp_path: Path) -> None:
    vars_file = tmp_path / "vars.yml"
    vars_file.write_bytes("as_of: '2025-06-30'\nnote: caf\xe9\n".encode("latin-1"))
    completed = pipeline("run", "--db", str(tmp_path / "w.duckdb"), "--vars", str(vars_file))
    output = completed.stdout + completed.stderr
    assert completed.returncode == 64, output
    assert f"--vars file {vars_file} is not UTF-8" in " ".join(output.split())
    assert "Traceback" not in output


def test_case_13_the_models_refuse_a_time_zone_name_as_the_pre_check_does(
    tmp_path: Path,
) -> None:
    from lead_funnel.common import PipelineError, parse_as_of

    value = "2025-06-30 10:00:00 America/New_York"
    with pytest.raises(PipelineError):
        parse_as_of(value)
    completed = run_dbt(
        ["compile", "--select", "run_as_of"], tmp_path / "w.duckdb", {"as_of": value}, check=False
    )
    assert completed.returncode != 0
    assert "The as_of var must be an ISO 8601 date or timestamp" in completed.stdout


def test_case_14_dbt_without_the_pipeline_refuses_text_for_a_number_var(tmp_path: Path) -> None:
    completed = run_dbt(
        ["seed", "--select", "stages"],
        tmp_path / "w.duckdb",
        {"mql_threshold": "0 or true"},
        check=False,
    )
    assert completed.returncode != 0
    assert "The mql_threshold var must be a number, got '0 or true'" in completed.stdout


def test_the_number_vars_of_the_pipeline_and_of_dbt_are_the_same() -> None:
    from lead_funnel.common import NUMBER_VARS, macro_body

    body = macro_body("number_vars").split(")", 1)[1]
    assert set(re.findall(r"'([a-z_]+)'", body)) == set(NUMBER_VARS)


# --- one run at a time, and recovery without hand work -------------------------------------


def test_case_15_a_second_run_on_the_same_database_exits_at_once(
    base_data: Path, tmp_path: Path
) -> None:
    db = tmp_path / "bi" / "lead_funnel.duckdb"
    lock = db.with_name("lead_funnel.build.duckdb.lock")
    first = subprocess.Popen(
        [
            *LEAD_FUNNEL,
            "run",
            "--raw-dir",
            str(base_data),
            "--db",
            str(db),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.2)
        started = time.monotonic()
        second = pipeline("run", "--raw-dir", str(base_data), "--db", str(db))
        output = " ".join((second.stdout + second.stderr).split())
        assert second.returncode == 75, output
        assert (
            f"another run is building {db.with_name('lead_funnel.build.duckdb')} (pid {first.pid})"
            in output
        )
        assert "Traceback" not in output
        assert time.monotonic() - started < 15
    finally:
        first_output, _ = first.communicate(timeout=600)
    assert first.returncode == 0, first_output[-4000:]
    assert not lock.exists()


def test_case_15_a_build_database_held_by_another_process_publishes_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "bi" / "lead_funnel.duckdb"
    before = previous_publish(db)
    with duckdb.connect(str(db.with_name("lead_funnel.build.duckdb"))):
        completed = pipeline("run", "--db", str(db))
    output = " ".join((completed.stdout + completed.stderr).split())
    assert completed.returncode == 1, output
    assert "is in use by another process" in output
    assert "Nothing was published" in output
    assert "Traceback" not in output
    assert digest(db) == before


def test_case_16_17_stale_lock_partial_copy_and_corrupt_build_database_recover(
    base_data: Path, tmp_path: Path
) -> None:
    db = tmp_path / "bi" / "lead_funnel.duckdb"
    build_db = db.with_name("lead_funnel.build.duckdb")
    db.parent.mkdir(parents=True)
    # 17: a truncated build database
    with duckdb.connect(str(build_db)) as connection:
        connection.execute(
            "create table t as select range as n, repeat('x', 50) as s from range(200000)"
        )
    build_db.write_bytes(build_db.read_bytes()[: build_db.stat().st_size // 2])
    # a lock left by a run killed with -9 (its pid is gone)
    dead = subprocess.Popen(["true"])
    dead.wait()
    db.with_name("lead_funnel.build.duckdb.lock").write_text(f"{dead.pid}\n")
    # 16: the partial copy a publish killed with -9 left behind
    partial = db.with_name(f".{db.name}.{dead.pid}.partial")
    partial.write_bytes(b"half a copy")

    completed = pipeline("run", "--raw-dir", str(base_data), "--db", str(db))
    output = " ".join((completed.stdout + completed.stderr).split())
    assert completed.returncode == 0, output[-4000:]
    assert f"took over the lock of an earlier run (pid {dead.pid}, gone)" in output
    assert f"removed {partial.name}" in output
    assert f"the build database {build_db} cannot be opened" in output
    assert "rebuilt from the raw data" in output
    assert not partial.exists()
    assert query(db, "select count(*) from scored_leads")[0][0] == 200
