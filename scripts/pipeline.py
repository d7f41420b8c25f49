"""Build, validate and publish the Lead Funnel Warehouse.

    python scripts/pipeline.py run [--raw-dir DIR] [--db PATH] [--vars YAML] [--full-refresh]
                                   [--mask-pii] [--report HTML]

Steps: dbt build (seeds, models, data tests, unit tests) into the working build database,
Great Expectations validation of the marts, then an atomic publish of a read-only copy to
the published file that BI tools read. A failure at any step exits non-zero and leaves the
previously published file untouched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    CONTRACT_MODELS,
    PipelineError,
    build_db_path,
    count_build_nodes,
    parse_vars,
    published_db_path,
    run_dbt,
)
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

console = Console(stderr=False, highlight=False, soft_wrap=True)

EXIT_BUILD_FAILED = 1
EXIT_VALIDATION_FAILED = 2
EXIT_PUBLISH_FAILED = 3
EXIT_USAGE = 64
EXIT_REPORT_FAILED = 4

# Demo raw data loaded as seeds: contacts as delivered, never in a masked publish.
RAW_SEEDS = ("raw_leads", "raw_activities", "raw_stage_changes")


def dbt_vars(raw_dir: str | None, vars_text: str | None, mask_pii: bool = False) -> dict[str, Any]:
    """The vars passed to dbt: --vars, with --raw-dir as the raw_dir var and --mask-pii as
    mask_pii: true."""
    merged = parse_vars(vars_text)
    if mask_pii:
        merged["mask_pii"] = True
    if raw_dir:
        directory = Path(raw_dir).expanduser().resolve()
        if not directory.is_dir():
            raise PipelineError(
                f"--raw-dir {raw_dir} is not a directory. Point it at a folder holding "
                "leads, activities and stage_changes (.csv, .parquet or folders of them)."
            )
        merged["raw_dir"] = str(directory)
    return merged


def build(build_db: Path, variables: dict[str, Any], full_refresh: bool) -> None:
    """dbt build with a progress bar; raises PipelineError naming the failing nodes."""
    import yaml

    common_args = ["--vars", yaml.safe_dump(variables, default_flow_style=True).strip()]
    total = count_build_nodes(build_db, common_args)
    if not total:
        raise PipelineError("dbt could not parse the project; run `dbt parse` to see why.")

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]dbt build[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("build", total=total or None, last="")

        def on_event(event: Any) -> None:
            if event.info.name == "NodeFinished":
                node = event.data.node_info
                progress.update(task, advance=1, last=f"{node.node_name} {node.node_status}")

        args = ["build", "--quiet", *common_args]
        if full_refresh:
            args.append("--full-refresh")
        outcome = run_dbt(args, build_db, on_event=on_event)
    if not outcome.success:
        lines = "\n  ".join(outcome.failures) or str(outcome.exception or "see the dbt output")
        raise PipelineError(f"dbt build failed:\n  {lines}")


def validate(build_db: Path) -> None:
    """Great Expectations suites on the freshly built marts."""
    from validate import validate as run_suites

    with console.status("[bold]Great Expectations[/] validating the marts"):
        results = run_suites(build_db)
    failed = [result for result in results if not result.success]
    evaluated = sum(result.evaluated for result in results)
    if failed:
        lines = "\n  ".join(
            f"{result.suite}: {failure}" for result in failed for failure in result.failures
        )
        raise PipelineError(f"Great Expectations validation failed:\n  {lines}")
    console.print(f"[green]✓[/] {evaluated} expectations in {len(results)} suites passed")


def is_masking(variables: dict[str, Any]) -> bool:
    """Whether the dbt vars ask for PII-safe publishing (var mask_pii)."""
    return str(variables.get("mask_pii", False)).lower() in {"true", "1"}  # as mask_pii_enabled()


def copy_published_tables(build_db: Path, target: Path) -> None:
    """Write a fresh database holding only the main schema's tables without the raw seeds.

    Used with mask_pii: the staging and intermediate schemas and the raw_* seeds hold the
    contacts as delivered, and a copied-then-dropped table could leave their bytes in the file,
    so the published file is written table by table from the build instead of copied whole.
    """
    import duckdb

    with duckdb.connect(str(target)) as connection:
        quoted = str(build_db).replace("'", "''")
        connection.execute(f"attach '{quoted}' as build (read_only)")
        tables = [
            row[0]
            for row in connection.execute(
                """
                select table_name from information_schema.tables
                where table_catalog = 'build' and table_schema = 'main'
                    and table_type = 'BASE TABLE' and table_name not in (?, ?, ?)
                order by table_name
                """,
                list(RAW_SEEDS),
            ).fetchall()
        ]
        for table in tables:
            connection.execute(f'create table main."{table}" as select * from build.main."{table}"')
        connection.execute("detach build")
        connection.execute("checkpoint")


def publish(build_db: Path, published: Path, mask_pii: bool = False) -> None:
    """Atomically replace the published file with a read-only, checkpointed copy (with
    mask_pii: only the main schema's models and configuration seeds, see
    copy_published_tables)."""
    import duckdb

    published.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(build_db)) as connection:
        connection.execute("checkpoint")
    staging_copy = published.with_name(f".{published.name}.{os.getpid()}.partial")
    try:
        if staging_copy.exists():
            staging_copy.unlink()
        if mask_pii:
            copy_published_tables(build_db, staging_copy)
        else:
            shutil.copyfile(build_db, staging_copy)
        with duckdb.connect(str(staging_copy), read_only=True) as connection:
            present = {
                row[0]
                for row in connection.execute(
                    "select table_name from information_schema.tables"
                ).fetchall()
            }
        missing = [model for model in CONTRACT_MODELS if model not in present]
        if missing:
            raise PipelineError(f"the build lacks contract models {missing}; not publishing")
        staging_copy.chmod(0o444)
        os.replace(staging_copy, published)
    except OSError as error:
        raise PipelineError(
            f"could not publish to {published}: {error}. Check the folder is writable."
        ) from error
    finally:
        if staging_copy.exists():
            staging_copy.chmod(0o644)
            staging_copy.unlink()


def print_summary(published: Path) -> None:
    """A short funnel and SLA summary from the published file."""
    import duckdb

    with duckdb.connect(str(published), read_only=True) as connection:
        funnel = connection.execute(
            """
            select sum(leads), sum(mqls), sum(sals), sum(sqls), sum(opportunities), sum(customers)
            from mart_funnel_cohort
            """
        ).fetchone()
        sla = connection.execute(
            """
            select
                count(*),
                avg(case when first_touch_within_1h then 1.0 when first_touch_within_1h = false
                    then 0.0 end),
                avg(case when decision_within_sla then 1.0 when decision_within_sla = false
                    then 0.0 end),
                count(case when is_breached then 1 end)
            from mart_sla_mql_response
            """
        ).fetchone()
        # scored_as_of is as_of (a masked publish has no staging schema holding stg_as_of)
        as_of = connection.execute("select max(scored_as_of) from scored_leads").fetchone()[0]

    as_of_text = f"{as_of:%Y-%m-%d %H:%M} UTC" if as_of else "n/a"
    table = Table(title=f"Funnel (all cohorts, as of {as_of_text})")
    table.add_column("stage")
    table.add_column("leads reached", justify="right")
    table.add_column("from previous", justify="right")
    table.add_column("from lead", justify="right")
    stages = ["lead", "mql", "sal", "sql", "opportunity", "customer"]
    counts = [int(value or 0) for value in funnel]
    for index, (stage, count) in enumerate(zip(stages, counts, strict=True)):
        previous = counts[index - 1] if index else None
        table.add_row(
            stage,
            f"{count:,}",
            _percent(count, previous) if previous is not None else "",
            _percent(count, counts[0]),
        )
    console.print(table)
    clocks, within_hour, decided_within, breaches = sla
    console.print(
        f"SLA: {clocks:,} MQL clocks · first touch within 1 h: {_share(within_hour)} · "
        f"decided within SLA: {_share(decided_within)} · open breaches: {breaches:,}"
    )


def _percent(numerator: int, denominator: int | None) -> str:
    return f"{numerator / denominator:.1%}" if denominator else "n/a"


def _share(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "n/a"


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    try:
        published = published_db_path(args.db)
        build_db = build_db_path(published)
        variables = dbt_vars(args.raw_dir, args.vars, args.mask_pii)
    except PipelineError as error:
        console.print(f"[red]error:[/] {error}")
        return EXIT_USAGE
    source = variables.get("raw_dir") or "the demo seeds"
    console.print(f"Building from {source} into [bold]{build_db}[/]")
    steps = (
        (lambda: build(build_db, variables, args.full_refresh), EXIT_BUILD_FAILED),
        (lambda: validate(build_db), EXIT_VALIDATION_FAILED),
        (lambda: publish(build_db, published, is_masking(variables)), EXIT_PUBLISH_FAILED),
    )
    for step, exit_code in steps:
        try:
            step()
        except PipelineError as error:
            console.print(f"[red]error:[/] {error}")
            console.print(
                f"Nothing was published; {published} is unchanged. Fix the problem above "
                "and run again."
            )
            return exit_code
    print_summary(published)
    masked = " with PII masked" if is_masking(variables) else ""
    console.print(
        f"[green]Published[/] {published} (read-only{masked}) in "
        f"{time.monotonic() - started:.1f} s. "
        "Open it with duckdb.connect(path, read_only=True) or point a BI tool at it."
    )
    if args.report:
        try:
            from report import write_report

            written = write_report(published, Path(args.report))
        except Exception as error:  # any failure: the publish stands, the report is named
            console.print(f"[red]error:[/] the report was not written: {error}")
            return EXIT_REPORT_FAILED
        console.print(f"[green]Report[/] {written}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipeline.py",
        description="Build, validate and publish the Lead Funnel Warehouse.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser(
        "run",
        help="dbt build + Great Expectations, then publish atomically for BI readers",
        description=(
            "Build the warehouse with dbt (seeds, models, data and unit tests), validate the "
            "marts with Great Expectations, and only then publish a read-only copy to the "
            "published DuckDB file. The working build database lives beside it "
            "(NAME.build.duckdb) so incremental state survives between runs. On failure the "
            "published file is untouched and the exit code is non-zero."
        ),
    )
    run_parser.add_argument(
        "--raw-dir",
        help="read raw leads/activities/stage_changes files (.csv, .parquet or folders of "
        "daily landings) from DIR instead of the demo seeds",
    )
    run_parser.add_argument(
        "--db",
        help="published DuckDB file (default: $LEAD_FUNNEL_DB, else warehouse/lead_funnel.duckdb)",
    )
    run_parser.add_argument(
        "--vars",
        help="dbt vars as a YAML mapping or a YAML file, e.g. "
        "\"{as_of: '2025-06-30', engagement_half_life_days: 0}\"",
    )
    run_parser.add_argument(
        "--full-refresh", action="store_true", help="rebuild incremental models from scratch"
    )
    run_parser.add_argument(
        "--mask-pii",
        action="store_true",
        help="publish for audiences that must not see contacts: hashed emails, no phone or "
        "names in any table (dbt var mask_pii; the published file then holds only the main "
        "schema's models and configuration seeds)",
    )
    run_parser.add_argument(
        "--report",
        metavar="HTML",
        help="after publishing, write the funnel and SLA report (scripts/report.py) to HTML",
    )
    run_parser.set_defaults(handler=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
