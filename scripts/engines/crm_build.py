"""The CRM adapters on Postgres or Spark (make test-spark, test-postgres, test-engines).

    crm_build.py ENGINE [--crm salesforce hubspot]      ENGINE: postgres | spark

For each CRM, the loader project (tests/fixtures/crm/loader) seeds the CRM's fixture folder
into a schema `crm_<crm>` as the connector would sync it, then `dbt build` builds that CRM's
adapter and the staging chain it feeds (the raw tables through stg_leads, stg_activities and
stg_stage_changes, crm_excluded_rows, crm_owners) with the adapter's unit and data tests,
from `--vars '{crm_source: <crm>, crm_schema: crm_<crm>}'`. The staging chain's own tests,
and everything downstream of staging, are the same SQL as in a files build, which the
engine's full build covers.

All dbt commands run in this one process (dbtRunner), so Spark starts one session for the
whole check. Spark tables go to their own warehouse and metastore, build/spark-crm/spark
(emptied first; LEAD_FUNNEL_SPARK_DIR is set to it), so the engine's full build in
build/spark is left alone.
On Postgres the CRM build writes the staging schema of the database it is pointed at: run it
after anything that reads that database's full build (make/engines.mk does). Run it with the
engine's Python (.venv-spark, .venv-postgres). Outputs: build/<engine>-crm/ (dbt targets,
logs, build_seconds). Exit code 1 when a dbt command fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOADER_DIR = PROJECT_DIR / "tests" / "fixtures" / "crm" / "loader"
CRMS = ("salesforce", "hubspot")
ENGINES = ("postgres", "spark")
# The adapter and the staging chain it feeds (models and seeds), and the adapter's own unit
# and data tests: --indirect-selection empty leaves out the staging chain's tests, which are
# the same SQL as in the engine's full build.
SELECTION = (
    "+stg_leads",
    "+stg_activities",
    "+stg_stage_changes",
    "+crm_excluded_rows",
    "+crm_owners",
    "path:models/staging/crm",
)


def dbt(args: list[str]) -> bool:
    """One dbt command in this process; True when it succeeded."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(args)
    if result.exception is not None:
        print(f"crm_build: dbt {args[0]} raised {result.exception!r}", file=sys.stderr)
    return bool(result.success)


def load_fixture(crm: str, engine: str, out: Path) -> bool:
    """The CRM's fixture folder seeded into schema crm_<crm> (the loader project)."""
    os.environ["CRM_FIXTURE"] = crm
    return dbt(
        [
            "seed",
            "--full-refresh",
            "--project-dir",
            str(LOADER_DIR),
            "--target",
            engine,
            "--vars",
            f"{{crm_schema: crm_{crm}}}",
            "--target-path",
            str(out / f"loader-{crm}" / "target"),
            "--log-path",
            str(out / f"loader-{crm}" / "logs"),
        ]
    )


def build_adapter(crm: str, engine: str, out: Path) -> bool:
    """The CRM's adapter and the staging chain it feeds, with their unit and data tests."""
    return dbt(
        [
            "build",
            "--full-refresh",
            "--project-dir",
            str(PROJECT_DIR),
            "--target",
            engine,
            "--select",
            *SELECTION,
            "--indirect-selection",
            "empty",
            "--vars",
            f"{{crm_source: {crm}, crm_schema: crm_{crm}}}",
            "--target-path",
            str(out / crm / "target"),
            "--log-path",
            str(out / crm / "logs"),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build the CRM adapters from their fixtures on Postgres or Spark.",
    )
    parser.add_argument("engine", choices=ENGINES, help="the dbt target to build on")
    parser.add_argument(
        "--crm", nargs="+", choices=CRMS, default=list(CRMS), help="the CRMs (default: all)"
    )
    args = parser.parse_args(argv)

    out = PROJECT_DIR / "build" / f"{args.engine}-crm"
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    if args.engine == "spark":
        # never the engine's full build (make exports LEAD_FUNNEL_SPARK_DIR for that one)
        spark_dir = out / "spark"
        os.environ["LEAD_FUNNEL_SPARK_DIR"] = str(spark_dir)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        shutil.rmtree(spark_dir / "warehouse", ignore_errors=True)
        shutil.rmtree(spark_dir / "derby", ignore_errors=True)
        (spark_dir / "derby").mkdir(parents=True)

    start = time.monotonic()
    failed = []
    for crm in args.crm:
        if not load_fixture(crm, args.engine, out):
            failed.append(f"loading {crm}")
        elif not build_adapter(crm, args.engine, out):
            failed.append(f"building {crm}")
    seconds = round(time.monotonic() - start)
    (out / "build_seconds").write_text(f"{seconds}\n")
    if failed:
        print(
            f"== {args.engine}: CRM adapters FAILED ({', '.join(failed)}) after {seconds} s;"
            f" logs: {out}/<crm>/logs/dbt.log",
            file=sys.stderr,
        )
        return 1
    print(f"== {args.engine}: CRM adapters ({', '.join(args.crm)}) built in {seconds} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
