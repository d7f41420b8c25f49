"""Validate a built warehouse with the Great Expectations suites in expectations/.

Each suite is a version-controlled Great Expectations suite (JSON) whose `meta.query` is the
SQL that produces the frame it checks; the frame is read with duckdb into pandas (the SQL
datasource path through duckdb-engine is broken upstream, see CONTRIBUTING.md). The queries read
only the main schema, so a --mask-pii publish validates too.

Each expectation is blocking (the default) or a warning (`"meta": {"severity": "warning"}`):
a failed blocking expectation fails the validation (the pipeline does not publish); a failed
warning is reported and nothing more. Blocking is for invariants that no real data set may
break (reconciliation balances, unique keys, values in their sets, rates within [0, 1], funnel
monotonicity, SLA clocks non-negative); warnings are for what is merely unusual (stale data,
many bad rows, score ranges and shares, few rows). A suite's `meta.row_key` names the columns
that identify a row, so a message says which row broke it (`activities: bad_row_share 0.4 >
0.2`); an expectation's `meta.message` may phrase one row (a Python format string over the
row's values, `label` and the expectation's kwargs; for a table-level expectation over
`observed` and the kwargs) and `meta.hint` add one remark after them (over the kwargs).

    lead-funnel validate [--db PATH] [--suite NAME ...] [--expectations DIR]

Exit codes: 0 no blocking failure (warnings may be printed), 1 a blocking expectation failed,
2 the warehouse or a suite could not be read. $LEAD_FUNNEL_EXPECTATIONS_DIR (or
--expectations) points at another folder of suites, e.g. a copy with tightened expectations.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import math
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lead_funnel.common import PROJECT_DIR, PipelineError, build_db_path, published_db_path

SUITES_DIR = PROJECT_DIR / "expectations"
SUITES_DIR_ENV = "LEAD_FUNNEL_EXPECTATIONS_DIR"
SEVERITIES = ("blocking", "warning")
ROWS_SHOWN = 3  # unexpected rows named per finding; the rest are counted


@dataclass
class Finding:
    """One failed expectation: its severity, a message naming the rows, and those rows."""

    suite: str
    severity: str
    column: str | None
    message: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.suite}: {self.message}"


@dataclass
class SuiteResult:
    """The outcome of one suite: the blocking failures and the warnings."""

    suite: str
    evaluated: int
    failures: list[Finding]
    warnings: list[Finding] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failures


def suites_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder of suites: the argument, else $LEAD_FUNNEL_EXPECTATIONS_DIR, else
    expectations/ in the project."""
    chosen = override or os.environ.get(SUITES_DIR_ENV) or SUITES_DIR
    return Path(chosen).expanduser().resolve()


def load_suites(names: list[str] | None = None, directory: Path | None = None) -> list[dict]:
    """The suites in DIR/*.json (all, or the named ones), each expectation's severity checked."""
    directory = directory or suites_dir()
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise PipelineError(f"No expectation suites (*.json) in {directory}")
    suites = []
    for path in paths:
        try:
            suites.append(json.loads(path.read_text()))
        except json.JSONDecodeError as error:
            raise PipelineError(f"{path} is not valid JSON: {error}") from error
    if names:
        missing = set(names) - {suite["name"] for suite in suites}
        if missing:
            raise PipelineError(f"No expectation suite named {sorted(missing)} in {directory}")
        suites = [suite for suite in suites if suite["name"] in names]
    for suite in suites:
        for expectation in suite["expectations"]:
            severity = severity_of(expectation)
            if severity not in SEVERITIES:
                raise PipelineError(
                    f"Suite {suite['name']}: {expectation['type']} has severity {severity!r}; "
                    f"use one of {', '.join(SEVERITIES)} (meta.severity)."
                )
    return suites


def severity_of(expectation: dict[str, Any] | Any) -> str:
    """`meta.severity` of an expectation (a suite JSON entry or a GX configuration)."""
    meta = expectation.get("meta") if isinstance(expectation, dict) else expectation.meta
    return str((meta or {}).get("severity", "blocking")).lower()


def _quiet_great_expectations() -> None:
    """Great Expectations' settings for a pipeline run: no analytics, no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)


def _import_great_expectations() -> None:
    _quiet_great_expectations()
    import great_expectations  # noqa: F401
    from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: F401


def preload() -> threading.Thread:
    """Import Great Expectations (about 2.5 s of Python) in a background thread, started
    before a dbt build: the import then overlaps the build, which mostly waits on the
    database, and validate() finds it done. A failed import is left for validate() to raise."""
    thread = threading.Thread(
        target=_import_quietly, name="preload-great-expectations", daemon=True
    )
    thread.start()
    return thread


def _import_quietly() -> None:
    with contextlib.suppress(Exception):  # validate() imports it again and says what failed
        _import_great_expectations()


def validate(
    db_path: Path,
    names: list[str] | None = None,
    directory: str | os.PathLike[str] | None = None,
) -> list[SuiteResult]:
    """Run the suites against the DuckDB file (opened read-only) and return their results."""
    _quiet_great_expectations()
    import duckdb
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if not db_path.exists():
        raise PipelineError(f"No warehouse at {db_path}: build it first (make run).")
    specs = load_suites(names, suites_dir(directory))
    # GE's modules log at INFO (temporary docs folders ...); the pipeline shows results instead
    for name in [*logging.root.manager.loggerDict, "great_expectations"]:
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset("frames")
        .add_batch_definition_whole_dataframe("whole_frame")
    )
    results: list[SuiteResult] = []
    with duckdb.connect(str(db_path), read_only=True) as connection:
        for spec in specs:
            meta = spec.get("meta", {})
            query = meta.get("query")
            if not query:
                raise PipelineError(f"Suite {spec['name']} has no meta.query to validate.")
            try:
                frame = connection.execute(query).df()
            except duckdb.Error as error:
                failure = Finding(spec["name"], "blocking", None, f"query failed: {error}")
                results.append(SuiteResult(spec["name"], 0, [failure]))
                continue
            row_key = [column for column in meta.get("row_key", []) if column in frame.columns]
            result_format: dict[str, Any] = {"result_format": "SUMMARY"}
            if row_key:
                result_format["unexpected_index_column_names"] = row_key
            try:
                suite = gx.ExpectationSuite(
                    name=spec["name"],
                    expectations=spec["expectations"],
                    meta={key: value for key, value in meta.items() if key != "query"},
                )
                batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
                outcome = batch.validate(suite, result_format=result_format)
            except Exception as error:  # an invalid suite file: name it instead of a traceback
                raise PipelineError(f"Suite {spec['name']} could not be run: {error}") from error
            findings = [
                _finding(spec, item, row_key) for item in outcome.results if not item.success
            ]
            results.append(
                SuiteResult(
                    spec["name"],
                    len(outcome.results),
                    [finding for finding in findings if finding.severity != "warning"],
                    [finding for finding in findings if finding.severity == "warning"],
                )
            )
    return results


def _finding(spec: dict[str, Any], item: Any, row_key: list[str]) -> Finding:
    """A failed expectation as a message naming the table or rows it concerns."""
    config = item.expectation_config
    kwargs = {key: value for key, value in config.kwargs.items() if key != "batch_id"}
    meta = config.meta or {}
    subject = spec.get("meta", {}).get("subject", spec["name"])
    prefix = "" if subject == spec["name"] else f"{subject}: "  # printed after the suite name
    column = kwargs.get("column")
    result = item.result or {}
    error = _exception_message(item.exception_info)
    if error:
        message = f"{prefix}{config.type} could not be evaluated: {error}"
        return Finding(spec["name"], severity_of(config), column, message)
    rows = _unexpected_rows(result, row_key)
    if rows is None:  # a table-level expectation: one observed value
        message = meta.get("message")
        observed = result.get("observed_value")
        if observed is None and column:  # a column statistic of no values (an empty table)
            message = f"{prefix}no {column} values to compute the expectation on"
        values = {**kwargs, "observed": observed, "subject": subject}
        if message:
            text = _format(message, values)
        else:
            text = _describe_table(config.type, kwargs, observed, prefix)
        return Finding(spec["name"], severity_of(config), column, text)
    row_label = spec.get("meta", {}).get("row_label")
    described = []
    for row in rows[:ROWS_SHOWN]:
        if row_label:
            label = _format(row_label, row)
        else:
            key = [_show(row[name]) for name in row_key if name in row]
            label = " / ".join(key) if key else subject
        described.append(
            _format(meta["message"], {**kwargs, **row, "label": label})
            if meta.get("message")
            else _describe_row(config.type, kwargs, row, label)
        )
    count = result.get("unexpected_count") or len(rows)
    if count > len(described):
        described.append(f"and {count - len(described):,} more rows")
    message = "; ".join(described)
    if meta.get("hint"):
        message += f" ({_format(meta['hint'], kwargs)})"
    return Finding(spec["name"], severity_of(config), column, message, rows)


def _exception_message(info: Any) -> str | None:
    """The error that kept an expectation from being evaluated (GX gives one record, or one
    per metric), None when it was evaluated."""
    if not isinstance(info, dict):
        return None
    records = [info] if "raised_exception" in info else list(info.values())
    for record in records:
        if isinstance(record, dict) and record.get("raised_exception"):
            return str(record.get("exception_message"))
    return None


def _unexpected_rows(result: dict[str, Any], row_key: list[str]) -> list[dict[str, Any]] | None:
    """The unexpected rows of a row-level expectation (key columns and the values tested),
    None for a table-level one."""
    if "unexpected_count" not in result:
        return None
    indexed = result.get("partial_unexpected_index_list")
    if row_key and indexed and isinstance(indexed[0], dict):
        return [{key: _plain(value) for key, value in row.items()} for row in indexed]
    return [{"value": _plain(value)} for value in result.get("partial_unexpected_list") or []]


def _describe_row(kind: str, kwargs: dict[str, Any], row: dict[str, Any], label: str) -> str:
    column = kwargs.get("column")
    value = row.get(column, row.get("value")) if column else None
    if kind == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if low is not None and value is not None and value < low:
            return f"{label}: {column} {_show(value)} < {_show(low)}"
        return f"{label}: {column} {_show(value)} > {_show(high)}"
    if kind == "expect_column_values_to_not_be_null":
        return f"{label}: {column} is null"
    if kind == "expect_column_values_to_be_unique":
        return f"{label}: {column} {_show(value)} is not unique"
    if kind == "expect_column_values_to_be_in_set":
        allowed = ", ".join(_show(item) for item in kwargs.get("value_set", []))
        return f"{label}: {column} {_show(value)} not in [{allowed}]"
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        column_a, column_b = kwargs["column_A"], kwargs["column_B"]
        relation = ">" if kwargs.get("or_equal") else ">="
        return (
            f"{label}: {column_b} {_show(row.get(column_b))} {relation} "
            f"{column_a} {_show(row.get(column_a))}"
        )
    shown = ", ".join(f"{name} {_show(item)}" for name, item in row.items())
    return f"{label}: {kind} ({shown})"


def _describe_table(kind: str, kwargs: dict[str, Any], observed: Any, prefix: str) -> str:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if kind == "expect_table_row_count_to_equal":
        return f"{prefix}{_show(observed)} rows, expected {kwargs.get('value')}"
    if kind == "expect_table_row_count_to_be_between":
        bound = f"at least {low}" if high is None else f"{low} to {high}"
        return f"{prefix}{_show(observed)} rows, expected {bound}"
    if kind.startswith("expect_column_") and kind.endswith("_to_be_between"):
        statistic = kind.removeprefix("expect_column_").removesuffix("_to_be_between")
        column = kwargs.get("column")
        if low is not None and observed is not None and observed < low:
            return f"{prefix}{statistic} of {column} {_show(observed)} < {_show(low)}"
        return f"{prefix}{statistic} of {column} {_show(observed)} > {_show(high)}"
    return f"{prefix}{kind} observed {_show(observed)} (expected {kwargs})"


def _format(template: str, values: dict[str, Any]) -> str:
    """A message template filled with the row's values (a bad template shows itself)."""
    try:
        return template.format(**{key: _Shown(value) for key, value in values.items()})
    except (KeyError, IndexError, ValueError) as error:
        return f"{template} (message template error: {error}; values {values})"


class _Shown:
    """A value for message templates: numbers take format specs, None reads as null."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        if self.value is None:
            return "null"
        if spec and isinstance(self.value, int | float):
            return format(self.value, spec)
        return _show(self.value)


def _plain(value: Any) -> Any:
    """numpy / pandas scalars as plain Python values (NaN and NaT as None)."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _show(value: Any) -> str:
    """A value as a short text: 0.4, 167.6, 12,345, 2025-01-01, 'E'."""
    value = _plain(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
        return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:.4g}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Validate the warehouse with the Great Expectations suites in expectations/.",
        epilog="Exit codes: 0 no blocking failure (warnings are printed), 1 a blocking "
        "expectation failed, 2 the warehouse or a suite could not be read.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="DuckDB file to validate (default: the working build database beside "
        "$LEAD_FUNNEL_DB / warehouse/lead_funnel.duckdb); a published file works too",
    )
    parser.add_argument(
        "--suite", action="append", metavar="NAME", help="run only this suite (repeatable)"
    )
    parser.add_argument(
        "--expectations",
        metavar="DIR",
        help=f"folder of suites (default: ${SUITES_DIR_ENV}, else expectations/)",
    )
    args = parser.parse_args(argv)
    db_path = Path(args.db).resolve() if args.db else build_db_path(published_db_path(None))
    try:
        results = validate(db_path, args.suite, args.expectations)
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for result in results:
        status = "ok" if result.success else "FAILED"
        warned = f", {_plural(len(result.warnings), 'warning')}" if result.warnings else ""
        print(f"{result.suite}: {result.evaluated} expectations, {status}{warned}")
        for failure in result.failures:
            print(f"  - failed: {failure.message}")
        for warning in result.warnings:
            print(f"  - warning: {warning.message}")
    return 0 if all(result.success for result in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
