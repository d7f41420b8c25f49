"""Helpers for tests that build the warehouse: run dbt like a user would, read the result."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")


def run_dbt(
    args: list[str],
    db_path: Path,
    dbt_vars: dict[str, Any] | None = None,
    project_dir: Path = PROJECT_DIR,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run the dbt CLI against a DuckDB file of the test's own (never the user's warehouse)."""
    env = {
        **os.environ,
        "LEAD_FUNNEL_DB": str(db_path),
        "DBT_PROFILES_DIR": str(project_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    work = db_path.parent
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(project_dir),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    if dbt_vars:
        command += ["--vars", yaml.safe_dump(dbt_vars, default_flow_style=True).strip()]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if check and completed.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{completed.stdout[-6000:]}")
    return completed


def query(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query against the built database (read-only)."""
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def pipeline(
    *args: str, project_dir: Path = PROJECT_DIR, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run scripts/pipeline.py like a user would (a subprocess), capturing its output (extra
    environment variables in env)."""
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "COLUMNS": "120",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, str(project_dir / "scripts" / "pipeline.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
