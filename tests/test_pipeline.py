"""`lead-funnel run`: build, validate, publish atomically; failures never touch the published
file. And the command itself: every subcommand has a --help."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from dbt_helpers import LEAD_FUNNEL, PROJECT_DIR, pipeline, query
from lead_funnel.common import build_db_path

CONTRACT_MODELS = [
    "scored_leads",
    "fct_lead_stage_history",
    "fct_lead_activities",
    "mart_funnel_cohort",
    "mart_mql_monthly",
    "mart_sla_mql_response",
    "mart_sla_compliance",
    "dq_row_reconciliation",
    "mart_mql_levels",
    "mart_event_outcomes",
    "mart_sql_qualification",
    "mart_sql_qualification_conversion",
    "mart_sql_qualification_gaps",
]
BAD_INPUT = Path(__file__).parent / "fixtures" / "bad_input"
# 5 leads (2 bad: an unparseable created_at, a missing lead_id), no activities, 3 stage
# changes, all in January 2025: far from an as_of of 2025-06-30
SMALL_STALE = Path(__file__).parent / "fixtures" / "small_stale"
FAR_AS_OF = "{as_of: '2025-06-30', engagement_half_life_days: 0}"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def published_copy(published: Path, tmp_path: Path) -> Path:
    target = tmp_path / "bi" / "lead_funnel.duckdb"
    target.parent.mkdir()
    shutil.copyfile(published, target)
    return target


def test_help_reads_well() -> None:
    completed = pipeline("run", "--help")
    assert completed.returncode == 0
    for flag in ("--raw-dir", "--db", "--vars", "--full-refresh", "--mask-pii", "--report"):
        assert flag in completed.stdout
    assert "examples:" in completed.stdout
    assert "lead-funnel run --raw-dir" in completed.stdout
    exit_codes = completed.stdout.split("exit codes:")[1]
    for code in ("0", "1", "2", "3", "4", "64"):
        assert re.search(rf"^  {code} ", exit_codes, re.MULTILINE), code


def test_bad_vars_are_a_usage_error(tmp_path: Path) -> None:
    completed = pipeline("run", "--db", str(tmp_path / "w.duckdb"), "--vars", "[1, 2]")
    assert completed.returncode == 64
    assert "--vars must be a YAML mapping" in completed.stdout


def test_missing_vars_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "vars.yml"
    completed = pipeline("run", "--db", str(tmp_path / "w.duckdb"), "--vars", str(missing))
    assert completed.returncode == 64
    assert f"--vars file not found: {missing}" in completed.stdout
    assert "must be a YAML mapping" not in completed.stdout


@pytest.mark.parametrize(
    "args",
    [("run", "--no-such-flag"), (), ("lint",), ("run", "--db")],
    ids=["unknown flag", "no subcommand", "unknown subcommand", "flag without value"],
)
def test_argparse_errors_exit_64(args: tuple[str, ...]) -> None:
    completed = pipeline(*args)
    assert completed.returncode == 64, completed.stderr
    assert "usage: lead-funnel" in completed.stderr
    if args:
        assert "error:" in completed.stderr


def test_the_command_lists_its_subcommands() -> None:
    from lead_funnel.cli import COMMANDS

    completed = pipeline("--help")
    assert completed.returncode == 0, completed.stderr
    for name in COMMANDS:
        assert f"  {name} " in completed.stdout, name


@pytest.mark.parametrize(
    "command", ["run", "validate", "publish", "report", "generate", "benchmark", "compare-builds"]
)
def test_every_subcommand_has_a_help(command: str) -> None:
    completed = pipeline(command, "--help")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert f"usage: lead-funnel {command}" in completed.stdout


def test_bad_as_of_is_a_usage_error_before_dbt(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    completed = pipeline(
        "run", "--db", str(db), "--raw-dir", str(SMALL_STALE), "--vars", "{as_of: garbage}"
    )
    assert completed.returncode == 64, completed.stdout[-3000:]
    assert "as_of 'garbage' is not a date or timestamp" in completed.stdout
    assert "ISO 8601" in completed.stdout
    assert not db.with_name("w.build.duckdb").exists()  # dbt never started


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2025-06-30", "2025-06-30 00:00:00"),
        ("2025-06-30 17:30", "2025-06-30 17:30:00"),
        ("2025-06-30T17:00:00+02:00", "2025-06-30 15:00:00"),
        ("2025-06-30T17:00:00Z", "2025-06-30 17:00:00"),
        ("2025-06-30 17:00:00.250-0500", "2025-06-30 22:00:00"),
        (dt.date(2025, 6, 30), "2025-06-30 00:00:00"),  # YAML's reading of {as_of: 2025-06-30}
        (dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC), "2025-06-30 12:00:00"),
    ],
)
def test_as_of_accepts_iso_dates_and_timestamps(value: object, utc: str) -> None:
    from lead_funnel.common import parse_as_of

    assert parse_as_of(value) == utc


@pytest.mark.parametrize(
    "value", ["garbage", "2025-02-30", "30-06-2025", "20250630", "infinity", "epoch", 20250630]
)
def test_as_of_refuses_what_is_no_timestamp(value: object) -> None:
    from lead_funnel.common import PipelineError, parse_as_of

    with pytest.raises(PipelineError, match="is not a date or timestamp"):
        parse_as_of(value)


def test_unwritable_db_folder_is_a_usage_error() -> None:
    completed = pipeline("run", "--db", "/proc/x/pub.duckdb")
    assert completed.returncode == 64, completed.stdout + completed.stderr
    assert "cannot write to /proc/x" in completed.stdout
    assert "Traceback" not in completed.stderr


def test_raw_dir_missing_a_table_is_a_usage_error(tmp_path: Path) -> None:
    raw_dir = tmp_path / "raw"
    shutil.copytree(SMALL_STALE, raw_dir)
    (raw_dir / "stage_changes.csv").rename(raw_dir / "Stage_Changes.csv")
    completed = pipeline("run", "--db", str(tmp_path / "w.duckdb"), "--raw-dir", str(raw_dir))
    assert completed.returncode == 64, completed.stdout[-3000:]
    assert "has no stage_changes:" in completed.stdout
    assert "rename it to stage_changes.csv" in completed.stdout
    assert "leads" not in completed.stdout.split("has no ")[1].split(":")[0]
    assert not (tmp_path / "w.build.duckdb").exists()


def test_raw_dir_layouts_are_the_ones_dbt_reads(tmp_path: Path) -> None:
    """common.raw_file_globs() are the dbt macro raw_file_patterns' globs (read from it), so
    the check before dbt and dbt itself agree on which files make a table."""
    from lead_funnel.common import (
        missing_raw_tables,
        optional_raw_tables,
        raw_file_globs,
        raw_tables,
    )

    assert "{name}.csv" in raw_file_globs() and "{name}/**/*.parquet" in raw_file_globs()

    (tmp_path / "leads.csv").write_text("lead_id\n")
    with duckdb.connect() as connection:
        connection.execute(f"copy (select 1 as activity_id) to '{tmp_path}/activities.parquet'")
    (tmp_path / "stage_changes" / "2025" / "01").mkdir(parents=True)
    (tmp_path / "stage_changes" / "2025" / "01" / "day.csv").write_text("change_id\n")
    assert missing_raw_tables(tmp_path) == []

    shutil.rmtree(tmp_path / "stage_changes")
    (tmp_path / "stage_changes").mkdir()  # an empty folder of landings is no table
    (tmp_path / "stage_changes.csv.zip").write_bytes(b"")  # not read by the macro
    (tmp_path / "activities.parquet").rename(tmp_path / "Activities.parquet")
    assert missing_raw_tables(tmp_path) == ["activities", "stage_changes"]
    assert raw_tables() == ("leads", "activities", "stage_changes", "qualifications")
    # the optional table is never missing (absent, it reads as no rows)
    assert optional_raw_tables() == ("qualifications",)


def test_failure_without_a_previous_publish_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pipeline_script = importlib.import_module("lead_funnel.pipeline")

    def failing_build(*_: object, **__: object) -> None:
        raise pipeline_script.BuildFailed("dbt build failed:\n  model.lead_funnel.x: boom", [])

    monkeypatch.setattr(pipeline_script, "build", failing_build)
    db = tmp_path / "new" / "lead_funnel.duckdb"
    assert pipeline_script.main(["--db", str(db)]) == 1
    output = " ".join(capsys.readouterr().out.split())
    assert f"Nothing was published (no previous file at {db})" in output
    assert "is unchanged" not in output


@pytest.mark.parametrize("fresh", [True, False], ids=["built this run", "left from before"])
def test_build_failure_explains_rejects_only_from_this_build(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh: bool,
) -> None:
    pipeline_script = importlib.import_module("lead_funnel.pipeline")
    db = tmp_path / "lead_funnel.duckdb"
    with duckdb.connect(str(db.with_name("lead_funnel.build.duckdb"))) as connection:
        connection.execute(
            """
            create table dq_rejected_rows as
            select * from (values
                ('leads', 'L1', 'unparseable_timestamp', 'lead_id=L1 | created_at=26-03-2018'),
                ('leads', 'L2', 'unparseable_timestamp', 'lead_id=L2 | created_at=27-03-2018'),
                ('leads', 'L3', 'missing_timestamp', 'lead_id=L3 | created_at=<null>'),
                ('leads', 'L4', 'future_timestamp', 'lead_id=L4 | created_at=2099-01-01'),
                ('activities', 'A1', 'unknown_lead', 'activity_id=A1 | lead_id=LX')
            ) as rejected (source_table, source_key, reason, raw_values)
            """
        )
    succeeded = ["model.lead_funnel.dq_rejected_rows"] if fresh else []

    def failing_build(*_: object, **__: object) -> None:
        raise pipeline_script.BuildFailed("dbt build failed:\n  test.x: Got 1 result", succeeded)

    monkeypatch.setattr(pipeline_script, "build", failing_build)
    assert pipeline_script.main(["--db", str(db)]) == 1
    output = " ".join(capsys.readouterr().out.split())
    hint = (
        "leads: 2 rows rejected as unparseable_timestamp, e.g. created_at=26-03-2018; "
        "timestamps must be ISO 8601"
    )
    assert (hint in output) is fresh, output
    if fresh:
        assert "activities: 1 row rejected as unknown_lead, e.g. lead_id=LX" in output
        assert "future_timestamp" in output  # the top two reasons per table, ties by name
        assert "missing_timestamp" not in output


def test_suites_give_every_expectation_a_known_severity() -> None:
    from lead_funnel.validate import load_suites, severity_of

    suites = load_suites()
    assert {suite["name"] for suite in suites} == {
        "freshness",
        "funnel_cohort",
        "row_reconciliation",
        "scored_leads",
        "sla_response",
    }
    severities = {
        (suite["name"], expectation["type"], expectation["kwargs"].get("column")): severity_of(
            expectation
        )
        for suite in suites
        for expectation in suite["expectations"]
    }
    # invariants block; what is merely unusual for a real data set warns
    assert (
        severities[("row_reconciliation", "expect_column_values_to_be_between", "unaccounted_rows")]
        == "blocking"
    )
    assert (
        severities[("row_reconciliation", "expect_column_values_to_be_between", "bad_row_share")]
        == "warning"
    )
    assert (
        severities[("scored_leads", "expect_column_values_to_be_in_set", "lead_grade")]
        == "blocking"
    )
    assert (
        severities[("scored_leads", "expect_column_mean_to_be_between", "is_mql_eligible")]
        == "warning"
    )
    assert severities[("scored_leads", "expect_table_row_count_to_be_between", None)] == "warning"
    assert (
        severities[("funnel_cohort", "expect_column_values_to_be_between", "lead_to_mql_rate")]
        == "blocking"
    )
    assert not any(kind == "expect_column_stdev_to_be_between" for _, kind, _ in severities)
    for suite in suites:
        assert "protect" in suite["meta"]["description"].lower(), suite["name"]


def test_publish_is_read_only_with_every_contract_model(published: Path) -> None:
    assert not os.access(published, os.W_OK) or os.geteuid() == 0
    assert published.stat().st_mode & 0o222 == 0
    for model in CONTRACT_MODELS:
        assert query(published, f"select count(*) from {model}")[0][0] > 0, model
    assert published.with_name("lead_funnel.build.duckdb").exists()


def test_failing_dbt_test_keeps_previous_publish(published_copy: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns(".venv*", "target*", "build", "warehouse", ".git", "logs"),
    )
    # a second mapping for the same label: the seed's unique test fails, nothing publishes
    with (project / "seeds" / "config" / "stage_mapping.csv").open("a") as mapping:
        mapping.write("MQL,sal\n")
    before = digest(published_copy)
    completed = pipeline("run", "--db", str(published_copy), project_dir=project)
    assert completed.returncode == 1, completed.stdout[-3000:]
    assert "dbt build failed" in completed.stdout
    assert "stage_mapping" in completed.stdout  # the failing node is named
    assert digest(published_copy) == before


@pytest.fixture(scope="module")
def small_stale_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    db = tmp_path_factory.mktemp("small_stale") / "lead_funnel.duckdb"
    completed = pipeline("run", "--raw-dir", str(SMALL_STALE), "--db", str(db), "--vars", FAR_AS_OF)
    return completed, db


def test_a_raw_dir_warehouse_carries_no_demo_rows(
    small_stale_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """With raw_dir the demo raw seeds are switched off: neither the build nor the published
    file holds a raw_* demo table, and the leads are only the raw_dir's."""
    completed, db = small_stale_run
    assert completed.returncode == 0, completed.stdout[-3000:]
    for database in (db, db.with_suffix(".build.duckdb")):
        demo_tables = query(
            database,
            "select table_schema, table_name from information_schema.tables "
            "where table_name like 'raw\\_%' escape '\\'",
        )
        assert demo_tables == [], database
    assert query(db, "select count(*) from scored_leads") == [(3,)]


def test_small_stale_data_with_bad_rows_publishes_with_warnings(
    small_stale_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    completed, db = small_stale_run
    output = completed.stdout
    assert completed.returncode == 0, output[-5000:] + completed.stderr[-3000:]
    assert "Published" in output
    # the warnings come after the pass line and name the table they concern
    assert output.index("expectations in 5 suites passed") < output.index("warnings:")
    assert "stage_changes latest event 168 days before as_of" in output
    assert "leads: bad_row_share 0.4 > 0.2" in output
    assert "activities: no valid rows" in output
    # 2 of 5 lead rows rejected: the reasons, with an example raw value
    assert (
        "leads: 1 row rejected as unparseable_timestamp, e.g. created_at=26-03-2018; "
        "timestamps must be ISO 8601"
    ) in output
    assert "leads: 1 row rejected as missing_key" in output
    assert query(db, "select count(*) from scored_leads") == [(3,)]
    assert sorted(query(db, "select source_table, reason from dq_rejected_rows")) == [
        ("leads", "missing_key"),
        ("leads", "unparseable_timestamp"),
    ]
    (as_of,) = query(db, "select distinct scored_as_of from scored_leads")
    assert str(as_of[0]) == "2025-06-30 00:00:00"


def test_validate_reports_warnings_on_a_published_file(
    small_stale_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, db = small_stale_run
    completed = subprocess.run(
        [*LEAD_FUNNEL, "validate", "--db", str(db)], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "row_reconciliation: 5 expectations, ok, 2 warnings" in completed.stdout
    assert "  - warning: leads: bad_row_share 0.4 > 0.2" in completed.stdout
    assert "FAILED" not in completed.stdout


def test_blocking_expectation_keeps_previous_publish(published_copy: Path, tmp_path: Path) -> None:
    """Each blocking expectation repeats a dbt test of error severity (unique keys, accepted
    grades and tiers, rates within [0, 1], funnel counts, SLA clocks, reconciliation), so data
    that breaks one fails the build first (exit 1, test_failing_dbt_test_keeps_previous_publish).
    A copy of the suites with one blocking expectation tightened, passed the way a user would
    pass their own ($LEAD_FUNNEL_EXPECTATIONS_DIR), stands in for such data."""
    suites = tmp_path / "expectations"
    shutil.copytree(PROJECT_DIR / "expectations", suites)
    cohort_suite = json.loads((suites / "funnel_cohort.json").read_text())
    (rate,) = [
        expectation
        for expectation in cohort_suite["expectations"]
        if expectation["kwargs"].get("column") == "lead_to_mql_rate"
    ]
    assert "severity" not in rate.get("meta", {})  # blocking, the default
    rate["kwargs"]["max_value"] = 0.5
    (suites / "funnel_cohort.json").write_text(json.dumps(cohort_suite))

    before = digest(published_copy)
    completed = pipeline(
        "run",
        "--db",
        str(published_copy),
        "--raw-dir",
        str(SMALL_STALE),
        "--vars",
        FAR_AS_OF,
        env={"LEAD_FUNNEL_EXPECTATIONS_DIR": str(suites)},
    )
    output = completed.stdout
    assert completed.returncode == 2, output[-5000:]
    assert "Great Expectations validation failed" in output
    # the failure names the cohort row it concerns
    assert (
        "funnel_cohort: cohort 2025-01-01 paid_search/demo_request: lead_to_mql_rate 1 > 0.5"
        in output
    )
    assert "leads: bad_row_share 0.4 > 0.2" in output  # warnings are still reported
    assert "leads: 1 row rejected as unparseable_timestamp, e.g. created_at=26-03-2018" in output
    assert f"Nothing was published; {published_copy} is unchanged." in output
    assert digest(published_copy) == before


def test_bad_input_publishes_with_warnings_and_explains_the_rejects(
    published_copy: Path,
) -> None:
    # the bad-input fixture builds (every dbt test passes) and more than 20% of each table's
    # rows are garbage: a warning with the reasons, not a reason to keep the old publish
    before = digest(published_copy)
    completed = pipeline("run", "--db", str(published_copy), "--raw-dir", str(BAD_INPUT))
    output = completed.stdout
    assert completed.returncode == 0, output[-5000:]
    assert digest(published_copy) != before
    # the warnings and the hint report what the published dq models hold
    shares = dict(
        query(
            published_copy,
            """
            select reconciliation.source_table, count(rejects.reason) * 1.0 / raw_rows
            from dq_row_reconciliation as reconciliation
            left join dq_rejected_rows as rejects
                on reconciliation.source_table = rejects.source_table
                    and rejects.reason != 'future_timestamp'
            group by reconciliation.source_table, raw_rows
            """,
        )
    )
    for table in ("activities", "stage_changes"):
        assert shares[table] > 0.2, table
        reported = re.search(rf"{table}: bad_row_share ([0-9.]+) > 0\.2", output)
        assert reported, table
        assert float(reported.group(1)) == pytest.approx(shares[table], abs=5e-5), table
    # each table's most frequent reason (ties: alphabetical) is explained, with its count
    for table in ("leads", "activities", "stage_changes"):
        reason, rejected = query(
            published_copy,
            f"""
            select reason, count(*) from dq_rejected_rows where source_table = '{table}'
            group by reason order by count(*) desc, reason limit 1
            """,
        )[0]
        noun = "row" if rejected == 1 else "rows"
        assert f"{table}: {rejected} {noun} rejected as {reason}" in output, table
    assert "rejected as unknown_lead, e.g. lead_id=" in output
    rejected = query(published_copy, "select sum(rejected_rows) from dq_row_reconciliation")
    assert rejected == query(published_copy, "select count(*) from dq_rejected_rows")


def test_file_with_every_row_rejected_publishes_empty_marts(tmp_path: Path) -> None:
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    for source in SMALL_STALE.iterdir():
        header, *rows = source.read_text().splitlines()
        # day-first dates: not ISO 8601, so every row is rejected
        rows = [re.sub(r"2025-01-(\d\d)", r"\1-01-2025", row) for row in rows]
        (raw_dir / source.name).write_text("\n".join([header, *rows]) + "\n")
    db = tmp_path / "w.duckdb"
    completed = pipeline("run", "--raw-dir", str(raw_dir), "--db", str(db))
    output = completed.stdout
    assert completed.returncode == 0, output[-5000:]
    assert "scored_leads: no leads" in output
    assert "leads: bad_row_share 1 > 0.2" in output
    assert "leads: 4 rows rejected as unparseable_timestamp, e.g. created_at=06-01-2025" in output
    assert query(db, "select count(*) from scored_leads") == [(0,)]
    assert query(db, "select sum(rejected_rows) from dq_row_reconciliation") == [(8,)]


READER = textwrap.dedent(
    """
    import sys, time, duckdb
    path, stop, models = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    import os
    loops = errors = 0
    while not os.path.exists(stop):
        try:
            with duckdb.connect(path, read_only=True) as connection:
                for model in models:
                    if connection.execute(f"select count(*) from {model}").fetchone()[0] == 0:
                        print(f"empty {model}", flush=True)
                        errors += 1
        except Exception as error:
            print(f"error {error}", flush=True)
            errors += 1
        loops += 1
        time.sleep(0.05)
    print(f"loops={loops} errors={errors}", flush=True)
    """
)


def test_reader_never_sees_a_partial_build_and_vars_reach_dbt(
    published_copy: Path, tmp_path: Path
) -> None:
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published_copy), str(stop), ",".join(CONTRACT_MODELS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1)
        completed = pipeline(
            "run",
            "--db",
            str(published_copy),
            "--full-refresh",
            "--vars",
            "{as_of: '2025-11-30 12:00:00', engagement_half_life_days: 0}",
        )
        time.sleep(1)
    finally:
        stop.touch()
        output, _ = reader.communicate(timeout=60)
    assert completed.returncode == 0, completed.stdout[-5000:]
    assert output.strip().endswith("errors=0"), output[-2000:]
    assert int(output.split("loops=")[1].split()[0]) > 10
    (as_of,) = query(
        build_db_path(published_copy),
        "select as_of_at from staging.run_as_of",
    )
    assert str(as_of[0]) == "2025-11-30 12:00:00"


def test_the_run_names_the_raw_input_it_builds_from() -> None:
    """The opening line names where the raw tables come from: a CRM's connector tables
    (folder or schema), a raw directory, a raw schema, else the demo seeds."""
    from lead_funnel.pipeline import raw_input_label as label

    assert label({}) == "the demo seeds"
    assert label({"crm_source": "files", "raw_dir": "/data/x"}) == "/data/x"
    assert label({"raw_schema": "raw"}) == "the raw tables in schema raw"
    assert (
        label({"crm_source": "salesforce", "crm_dir": "/exports/sf"})
        == "the salesforce connector tables in /exports/sf"
    )
    assert label({"crm_source": "hubspot"}) == "the hubspot connector tables in schema hubspot"
    assert (
        label({"crm_source": "hubspot", "crm_schema": "hs_sync"})
        == "the hubspot connector tables in schema hs_sync"
    )
