"""Validate a built warehouse with the Great Expectations suites in expectations/.

Each suite is a version-controlled Great Expectations suite (JSON) whose `meta.query` is the
SQL that produces the frame it checks; the frame is read with duckdb into pandas (the SQL
datasource path through duckdb-engine is broken upstream, see TOOLCHAIN.md).

    python scripts/validate.py [--db PATH] [--suite NAME ...]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PROJECT_DIR, PipelineError, build_db_path, published_db_path

SUITES_DIR = PROJECT_DIR / "expectations"


@dataclass
class SuiteResult:
    """The outcome of one suite: which expectations failed and why."""

    suite: str
    evaluated: int
    failures: list[str]

    @property
    def success(self) -> bool:
        return not self.failures


def load_suites(names: list[str] | None = None) -> list[dict[str, Any]]:
    """The suites in expectations/*.json (all, or the named ones)."""
    paths = sorted(SUITES_DIR.glob("*.json"))
    suites = [json.loads(path.read_text()) for path in paths]
    if names:
        missing = set(names) - {suite["name"] for suite in suites}
        if missing:
            raise PipelineError(f"No expectation suite named {sorted(missing)} in {SUITES_DIR}")
        suites = [suite for suite in suites if suite["name"] in names]
    return suites


def validate(db_path: Path, names: list[str] | None = None) -> list[SuiteResult]:
    """Run the suites against the DuckDB file (opened read-only) and return their results."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import duckdb
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if not db_path.exists():
        raise PipelineError(f"No warehouse at {db_path}: build it first (make run).")
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
        for spec in load_suites(names):
            query = spec.get("meta", {}).get("query")
            if not query:
                raise PipelineError(f"Suite {spec['name']} has no meta.query to validate.")
            try:
                frame = connection.execute(query).df()
            except duckdb.Error as error:
                results.append(SuiteResult(spec["name"], 0, [f"query failed: {error}"]))
                continue
            suite = gx.ExpectationSuite(
                name=spec["name"],
                expectations=spec["expectations"],
                meta={key: value for key, value in spec.get("meta", {}).items() if key != "query"},
            )
            batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
            outcome = batch.validate(suite)
            failures = [_describe_failure(item) for item in outcome.results if not item.success]
            results.append(SuiteResult(spec["name"], len(outcome.results), failures))
    return results


def _describe_failure(item: Any) -> str:
    config = item.expectation_config
    kwargs = {key: value for key, value in config.kwargs.items() if key != "batch_id"}
    observed = item.result.get("observed_value")
    unexpected = item.result.get("partial_unexpected_list")
    detail = f"observed {observed}" if observed is not None else f"unexpected {unexpected}"
    return f"{config.type}({kwargs}): {detail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Validate the warehouse with the Great Expectations suites in expectations/.",
    )
    parser.add_argument(
        "--db",
        help="DuckDB file to validate (default: the working build database beside "
        "$LEAD_FUNNEL_DB / warehouse/lead_funnel.duckdb)",
    )
    parser.add_argument("--suite", action="append", help="run only this suite (repeatable)")
    args = parser.parse_args(argv)
    db_path = Path(args.db).resolve() if args.db else build_db_path(published_db_path(None))
    try:
        results = validate(db_path, args.suite)
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for result in results:
        status = "ok" if result.success else "FAILED"
        print(f"{result.suite}: {result.evaluated} expectations, {status}")
        for failure in result.failures:
            print(f"  - {failure}")
    return 0 if all(result.success for result in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
