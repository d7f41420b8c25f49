"""Shared helpers for the project's scripts: paths, the database locations and dbt calls."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_DIR / "warehouse" / "lead_funnel.duckdb"

# Contract models (SPEC section 6): the tables BI tools and analysts read.
CONTRACT_MODELS = (
    "scored_leads",
    "fct_lead_stage_history",
    "fct_lead_activities",
    "mart_funnel_cohort",
    "mart_funnel_period",
    "mart_stage_velocity",
    "mart_stage_velocity_overall",
    "mart_stage_time_in_stage",
    "mart_mql_monthly",
    "mart_sla_mql_response",
    "mart_sla_compliance",
    "mart_sla_inquiry_response",
    "mart_call_list",
    "mart_channel_performance",
    "mart_score_calibration",
    "mart_mql_threshold_curve",
    "dq_rejected_rows",
    "dq_row_reconciliation",
    "dq_field_issues",
)


# DuckDB session settings of the dev profile (profiles.yml) that shape performance, for code
# that runs the project's SQL outside dbt (scripts/benchmark.py's lower bound). Keep in step.
DUCKDB_SETTINGS = {
    "TimeZone": "UTC",
    "memory_limit": os.environ.get("LEAD_FUNNEL_MEMORY_LIMIT", "6GB"),
    "preserve_insertion_order": "false",
}


class PipelineError(Exception):
    """A step failed; the message says what and what to do."""


def published_db_path(db: str | os.PathLike[str] | None) -> Path:
    """The published DuckDB file: --db, else $LEAD_FUNNEL_DB, else warehouse/lead_funnel.duckdb."""
    chosen = db or os.environ.get("LEAD_FUNNEL_DB") or DEFAULT_DB
    return Path(chosen).expanduser().resolve()


def build_db_path(published: Path) -> Path:
    """The working build database, beside the published file (incremental state lives here)."""
    return published.with_name(f"{published.stem}.build{published.suffix or '.duckdb'}")


def parse_vars(text: str | None) -> dict[str, Any]:
    """dbt vars from a YAML mapping given inline (`{as_of: '2025-06-30'}`) or as a file path."""
    if not text:
        return {}
    source = Path(text).expanduser()
    if source.is_file():
        raw = source.read_text()
    elif _looks_like_path(text):
        raise PipelineError(
            f"--vars file not found: {source}. Pass a YAML file that exists, or the vars "
            "inline, e.g. \"{as_of: '2025-06-30'}\"."
        )
    else:
        raw = text
    try:
        loaded = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        raise PipelineError(f"--vars is not valid YAML: {error}") from error
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise PipelineError(
            f"--vars must be a YAML mapping such as \"{{as_of: '2025-06-30'}}\", got: {text!r}"
        )
    return loaded


def _looks_like_path(text: str) -> bool:
    """A --vars value meant as a file: ends in .yml/.yaml and is no inline mapping."""
    stripped = text.strip()
    return stripped.lower().endswith((".yml", ".yaml")) and not any(
        mark in stripped for mark in ("{", ":")
    )


# The ISO 8601 shape an as_of must start with (a date: 2025-06-30 or 2025/06/30); DuckDB's
# timestamptz cast alone would also take words such as 'epoch' or 'infinity'.
_AS_OF_SHAPE = re.compile(r"^\s*[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}")


def parse_as_of(value: Any) -> str:
    """The as_of var as a UTC timestamp text, or PipelineError when it is not one.

    Staging reads the var with the same cast as raw timestamps (parse_timestamp_utc in
    macros/parsing.sql: DuckDB's timestamptz cast, naive = UTC), so this asks DuckDB: an ISO
    8601 date or timestamp, `T` or space, with or without an offset (Z, +02, +02:00) passes.
    """
    import datetime as dt

    import duckdb

    if isinstance(value, dt.datetime | dt.date):  # YAML reads an unquoted 2025-06-30 as a date
        value = value.isoformat()
    text = str(value)
    parsed = None
    if isinstance(value, str) and _AS_OF_SHAPE.match(text):
        with duckdb.connect() as connection:
            connection.execute("set TimeZone = 'UTC'")
            parsed = connection.execute(
                """
                select strftime(utc, '%Y-%m-%d %H:%M:%S') from (
                    select cast(try_cast(trim(?) as timestamptz) at time zone 'UTC' as timestamp)
                        as utc
                ) where isfinite(utc)
                """,
                [text],
            ).fetchone()
    if not parsed or parsed[0] is None:
        raise PipelineError(
            f"as_of {text!r} is not a date or timestamp. Use ISO 8601, e.g. "
            "\"{as_of: '2025-06-30'}\" or \"{as_of: '2025-06-30T17:00:00+02:00'}\" (naive = UTC)."
        )
    return parsed[0]


# The raw tables (SPEC section 3) and the files macros/raw_source.sql reads for each from
# raw_dir: NAME.csv, NAME.csv.gz, NAME.parquet, or a folder NAME/ holding such files at any
# depth. Keep these globs in step with the macro's raw_file_patterns
# (scripts/tests/test_pipeline.py compares them).
RAW_TABLES = ("leads", "activities", "stage_changes")
RAW_FILE_GLOBS = (
    "{name}.csv",
    "{name}.csv.gz",
    "{name}.parquet",
    "{name}/**/*.csv",
    "{name}/**/*.csv.gz",
    "{name}/**/*.parquet",
)


def missing_raw_tables(raw_dir: Path) -> list[str]:
    """The raw tables that raw_dir holds no file for, found with DuckDB's glob as dbt does."""
    import duckdb

    base = str(raw_dir).rstrip("/").replace("'", "''")
    missing = []
    with duckdb.connect() as connection:
        for name in RAW_TABLES:
            found = connection.execute(
                " union all ".join(
                    f"select file from glob('{base}/{pattern.format(name=name)}')"
                    for pattern in RAW_FILE_GLOBS
                )
            ).fetchall()
            if not found:
                missing.append(name)
    return missing


@dataclass
class DbtOutcome:
    """What one dbt command did: success, and the nodes that errored or failed."""

    success: bool
    failures: list[str] = field(default_factory=list)
    exception: BaseException | None = None
    listed: list[str] = field(default_factory=list)
    succeeded: list[str] = field(default_factory=list)


def run_dbt(
    args: list[str],
    db_path: Path,
    on_event: Callable[[Any], None] | None = None,
) -> DbtOutcome:
    """Run one dbt command in-process (dbtRunner) against the given DuckDB file."""
    from dbt.cli.main import dbtRunner

    os.environ["LEAD_FUNNEL_DB"] = str(db_path)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DBT_VERSION_CHECK", "false")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    callbacks = [_defensive(on_event)] if on_event else []
    runner = dbtRunner(callbacks=callbacks)
    full_args = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
    ]
    try:
        result = runner.invoke(full_args)
    finally:
        release_duckdb()
    failures: list[str] = []
    succeeded: list[str] = []
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result, "status", "")).lower()
        node = getattr(node_result, "node", None)
        name = getattr(node, "unique_id", "?")
        if status in {"success", "pass"}:
            succeeded.append(name)
        if status in {"error", "fail", "runtime error"}:
            message = (getattr(node_result, "message", "") or "").strip().splitlines()
            failures.append(f"{name}: {message[0] if message else status}")
    listed = [str(item) for item in result.result] if isinstance(result.result, list) else []
    return DbtOutcome(
        success=bool(result.success),
        failures=failures,
        exception=result.exception,
        listed=listed,
        succeeded=succeeded,
    )


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a command, so the
    file can be read (read-only), copied or used by another process right away."""
    with contextlib.suppress(Exception):
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        with DuckDBConnectionManager._LOCK:
            if DuckDBConnectionManager._ENV is not None:
                DuckDBConnectionManager._ENV.close()
                DuckDBConnectionManager._ENV = None


def count_build_nodes(db_path: Path, extra_args: list[str]) -> int:
    """How many seeds, models, tests, unit tests and exposures `dbt build` will run (for
    progress; dbt 1.11's build reports a result for each exposure too)."""
    from dbt.cli.main import dbtRunner

    os.environ["LEAD_FUNNEL_DB"] = str(db_path)
    result = dbtRunner().invoke(
        [
            "parse",
            "--quiet",
            *extra_args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
        ]
    )
    manifest = result.result if result.success else None
    if manifest is None:
        return 0
    kinds = {"seed", "model", "test", "unit_test"}
    nodes = [node for node in manifest.nodes.values() if str(node.resource_type) in kinds]
    extra = len(getattr(manifest, "unit_tests", {}) or {}) + len(
        getattr(manifest, "exposures", {}) or {}
    )
    return len(nodes) + extra


def _defensive(callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """An exception inside a dbt event callback marks every node as errored: swallow it."""

    def wrapped(event: Any) -> None:
        with contextlib.suppress(Exception):
            callback(event)

    return wrapped
