"""pipeline.py run: build, validate, publish atomically; failures never touch the published file."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from dbt_helpers import PROJECT_DIR, pipeline, query

CONTRACT_MODELS = [
    "scored_leads",
    "fct_lead_stage_history",
    "fct_lead_activities",
    "mart_funnel_cohort",
    "mart_mql_monthly",
    "mart_sla_mql_response",
    "mart_sla_compliance",
    "dq_row_reconciliation",
]
BAD_INPUT = Path(__file__).parent / "fixtures" / "bad_input"


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


def test_bad_vars_are_a_usage_error(tmp_path: Path) -> None:
    completed = pipeline("run", "--db", str(tmp_path / "w.duckdb"), "--vars", "[1, 2]")
    assert completed.returncode != 0
    assert "--vars must be a YAML mapping" in completed.stdout


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
    with (project / "seeds" / "stage_mapping.csv").open("a") as mapping:
        mapping.write("MQL,sal\n")
    before = digest(published_copy)
    completed = pipeline("run", "--db", str(published_copy), project_dir=project)
    assert completed.returncode == 1, completed.stdout[-3000:]
    assert "dbt build failed" in completed.stdout
    assert "stage_mapping" in completed.stdout  # the failing node is named
    assert digest(published_copy) == before


def test_failing_expectation_keeps_previous_publish(published_copy: Path) -> None:
    # the bad-input fixture builds (every dbt test passes) but more than 20% of its rows are
    # garbage, which the row_reconciliation expectation suite refuses to publish
    before = digest(published_copy)
    completed = pipeline("run", "--db", str(published_copy), "--raw-dir", str(BAD_INPUT))
    assert completed.returncode == 2, completed.stdout[-3000:]
    assert "Great Expectations validation failed" in completed.stdout
    assert "bad_row_share" in completed.stdout
    assert digest(published_copy) == before


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
    (as_of,) = query(published_copy, "select as_of_at from staging.stg_as_of")
    assert str(as_of[0]) == "2025-11-30 12:00:00"
