"""Build, validate and publish the Lead Funnel Warehouse (`lead-funnel run`).

    lead-funnel run [--raw-dir DIR] [--db PATH] [--vars YAML] [--full-refresh] [--mask-pii]
                    [--storage-version VERSION] [--export-parquet DIR] [--report HTML]

Steps: dbt build (seeds, models, data tests; not the unit tests, which check the project's code
rather than the day's data: `make test` runs them; nor, unless --full-refresh, a seed an earlier
run loaded that is unchanged since, and the tests of only such seeds: lead_funnel.seed_loads)
into the working build database, Great
Expectations validation of the marts, then an atomic publish of a read-only copy to
the published file that BI tools read, in a storage format duckdb 1.x clients open, and
optionally a Parquet export (lead_funnel.publish). A failure at any step exits non-zero and
leaves the previously published file untouched. Arguments, --vars (incl. as_of), --raw-dir,
--db, --storage-version, --export-parquet and the --mask-pii key are checked before dbt
starts (exit 64). A Great Expectations warning is printed and published
anyway; only a blocking expectation stops the publish (suites: expectations/, or
$LEAD_FUNNEL_EXPECTATIONS_DIR). When a build or validation fails, or a table has a large
share of rejected rows, the top reasons from dq_rejected_rows are printed with an example.
One run at a time per build database (lead_funnel.run_lock): a second run exits 75 naming the
first one's pid; a killed run's lock and partial publish copy are cleaned up, and a build
database DuckDB cannot open is rebuilt from the raw data. Every run writes its profile beside
the build database, NAME.build.duckdb.timings.json (RunProfile): wall seconds of the dbt build,
validation, publish and report, and the build's summed execution seconds per phase.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from lead_funnel import seed_loads
from lead_funnel.common import (
    PipelineError,
    build_db_path,
    check_vars,
    count_build_nodes,
    funnel_stages,
    is_enabled,
    macro_returned_names,
    missing_raw_tables,
    optional_raw_tables,
    parse_project,
    parse_vars,
    published_db_path,
    raw_file_globs,
    raw_key_column,
    raw_tables,
    raw_timestamp_column,
    reject_reasons,
    run_dbt,
)
from lead_funnel.publish import (
    DEFAULT_STORAGE_VERSION,
    STORAGE_VERSION_ENV,
    check_export_location,
    publish,
    storage_version,
)
from lead_funnel.run_lock import RunBusy, check_build_db, remove_leftover_partials, run_lock

console = Console(stderr=False, highlight=False, soft_wrap=True)

EXIT_BUILD_FAILED = 1
EXIT_VALIDATION_FAILED = 2
EXIT_PUBLISH_FAILED = 3
EXIT_USAGE = 64
EXIT_REPORT_FAILED = 4
EXIT_BUSY = 75  # EX_TEMPFAIL: another run is building the same database; try again later


def dbt_vars(raw_dir: str | None, vars_text: str | None, mask_pii: bool = False) -> dict[str, Any]:
    """The vars passed to dbt: --vars, with --raw-dir as the raw_dir var and --mask-pii as
    mask_pii: true. as_of and the raw directory (--raw-dir, else a raw_dir var) are checked
    here, so a mistake is a usage error with a clear message instead of a failed dbt node."""
    merged = parse_vars(vars_text)
    check_vars(merged)  # every var's type and range: fails here, not as SQL or a dbt test
    if mask_pii:
        merged["mask_pii"] = True
    option = "--raw-dir" if raw_dir else "the raw_dir var"
    raw_dir = raw_dir or merged.get("raw_dir")
    if raw_dir:
        directory = Path(str(raw_dir)).expanduser().resolve()
        if not directory.is_dir():
            raise PipelineError(
                f"{option} {raw_dir} is not a directory. Point it at a folder holding "
                "leads, activities and stage_changes (.csv, .parquet or folders of them)."
            )
        missing = missing_raw_tables(directory)
        if missing:
            raise PipelineError(_missing_tables_message(option, directory, missing))
        merged["raw_dir"] = str(directory)
    return merged


def _missing_tables_message(option: str, directory: Path, missing: list[str]) -> str:
    """Which raw tables the raw directory lacks, what dbt reads, and look-alikes found."""
    optional = optional_raw_tables()
    required = [name for name in raw_tables() if name not in optional]
    optional_note = f" ({', '.join(optional)} may be left out)" if optional else ""
    lines = [
        f"{option} {directory} has no {' and no '.join(missing)}: each of "
        f"{', '.join(required)} must be there as NAME.csv, NAME.csv.gz, NAME.parquet or a "
        f"folder NAME/ of .csv/.csv.gz/.parquet files{optional_note}."
    ]
    for name in missing:
        # the names read at the top of the folder (raw_file_globs), and a landing folder
        readable_names = {
            pattern.format(name=name) for pattern in raw_file_globs() if "/" not in pattern
        } | {name}
        for entry in sorted(directory.iterdir()):
            lowered = entry.name.lower()
            if not lowered.startswith((name, f"raw_{name}")):
                continue
            if lowered.endswith((".gz", ".zst", ".zip", ".bz2")):
                why = "only gzip-compressed CSV (NAME.csv.gz) is read: decompress it"
            elif lowered in readable_names:
                why = f"names are case-sensitive: rename it to {lowered}"
            else:
                why = "not a name or format that is read"
            lines.append(f"Found {entry.name} ({why}).")
    return " ".join(lines)


def export_location(export_parquet: str | None) -> Path | None:
    """Where --export-parquet publishes (None without it), checked early (a usage error) by
    check_export_location: absolute, not resolved, since DIR is a link to the current
    export's folder."""
    if not export_parquet:
        return None
    export = Path(os.path.abspath(Path(export_parquet).expanduser()))
    check_export_location(export)
    return export


def check_db_location(published: Path) -> None:
    """Fail early (a usage error) when the published file cannot be written where asked."""
    if published.is_dir():
        raise PipelineError(
            f"--db {published} is a folder; give the file to publish, e.g. "
            f"{published / 'lead_funnel.duckdb'}"
        )
    folder = published.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise PipelineError(
            f"cannot write to {folder} ({reason}), where the published file {published.name} "
            "and its build database would go. Choose a writable --db (or $LEAD_FUNNEL_DB)."
        ) from error


class BuildFailed(PipelineError):
    """dbt build failed; `succeeded` holds the nodes it still built (fresh in the build db)."""

    def __init__(self, message: str, succeeded: Iterable[str]) -> None:
        super().__init__(message)
        self.succeeded = set(succeeded)


# What `lead-funnel run` leaves out of its dbt build: unit tests check the project's code on
# fixed inputs, not the day's data (make test's dbt build runs them).
EXCLUDED_RESOURCE_TYPES = ("unit_test",)

# The data tests a model's column_rules test checks in one query when the build leaves them
# out, read from their one home, the dbt macro column_rule_tests (macros/run/column_rules.sql):
# each would otherwise be a dbt node of its own, whose overhead costs more than its query on a
# daily run.
COLUMN_RULE_TESTS = macro_returned_names("column_rule_tests")


def consolidated_tests(manifest: Any) -> list[str]:
    """The names of the data tests `lead-funnel run` leaves out of its build because their
    model's column_rules test checks them: a COLUMN_RULE_TESTS test of severity error with no
    other test config (error_if, warn_if, store_failures, limit) and no Jinja left in its
    arguments, on a model that declares column_rules. Every other test runs as its own node."""
    return sorted(node.name for node in _consolidated_test_nodes(manifest))


def _rule_test_nodes(manifest: Any) -> list[Any]:
    """The enabled generic data tests of the manifest."""
    return [
        node
        for node in manifest.nodes.values()
        if str(node.resource_type) == "test"
        and is_enabled(node)
        and getattr(node, "test_metadata", None) is not None
    ]


def _consolidated_test_nodes(manifest: Any) -> list[Any]:
    nodes = _rule_test_nodes(manifest)
    with_column_rules = {
        node.attached_node for node in nodes if node.test_metadata.name == "column_rules"
    }
    consolidated = []
    for node in nodes:
        config = node.config
        arguments = {k: v for k, v in node.test_metadata.kwargs.items() if k != "model"}
        if (
            node.test_metadata.name in COLUMN_RULE_TESTS
            and node.attached_node in with_column_rules
            and _is_error_severity(node)
            and (config.error_if, config.warn_if) == ("!= 0", "!= 0")
            and not config.store_failures
            and config.limit is None
            and not any("{" in str(value) for value in arguments.values())
        ):
            consolidated.append(node)
    return consolidated


def _is_error_severity(node: Any) -> bool:
    return str(node.config.severity).lower() == "error"


def consolidated_test_exclusions(manifest: Any) -> list[str]:
    """The `--exclude` arguments that leave exactly consolidated_tests out of a build, and
    cheaply. dbt matches a node name against every node of the project: the 1,100 names of
    this project cost a build about 18 s before its first node. So a rule whose error-severity
    tests are all consolidated is left out by one selector,
    `test_name:RULE,config.severity:error`; only a rule with an exception (a test that stays
    a node: other config, Jinja in its arguments, a model without column_rules) is left out
    by the names of its consolidated tests."""
    consolidated = _consolidated_test_nodes(manifest)
    exclusions: list[str] = []
    for rule in COLUMN_RULE_TESTS:
        left_out = sorted(node.name for node in consolidated if node.test_metadata.name == rule)
        every_error_test = sorted(
            node.name
            for node in _rule_test_nodes(manifest)
            if node.test_metadata.name == rule and _is_error_severity(node)
        )
        if not left_out:
            continue
        if left_out == every_error_test:
            exclusions.append(f"test_name:{rule},config.severity:error")
        else:
            exclusions += left_out
    return exclusions


# The phases of a dbt build: a model's phase is the first folder prefix of its path under
# models/ found here; seeds stage the inputs, and tests are their own phase.
MODEL_PHASES = (
    ("staging", ("staging/", "run_context/")),
    ("scoring", ("intermediate/scoring/",)),
    ("funnel", ("intermediate/funnel/",)),
    ("sla", ("intermediate/sla/",)),
    ("quality", ("intermediate/quality/",)),
    ("revenue", ("intermediate/revenue/",)),
    ("accounts", ("intermediate/accounts/",)),
    ("marts", ("marts/", "semantic/")),
)
RESOURCE_PHASES = {
    "seed": "staging",
    "test": "data tests",
    "unit_test": "unit tests",
    "exposure": "marts",  # the marts' readers: dbt reports a result for each, no work
}
OTHER_PHASE = "other"
DBT_PHASES = (*(phase for phase, _ in MODEL_PHASES), "data tests", "unit tests", OTHER_PHASE)


def phase_of(resource_type: str, path: str) -> str:
    """The build phase of a dbt node, from its resource type and its path (the manifest's
    `path`: a model's file under models/, e.g. intermediate/scoring/int_x.sql)."""
    if resource_type in RESOURCE_PHASES:
        return RESOURCE_PHASES[resource_type]
    if resource_type == "model":
        path = path.replace("\\", "/").removeprefix("models/")
        for phase, prefixes in MODEL_PHASES:
            if path.startswith(prefixes):
                return phase
    return OTHER_PHASE


def phase_seconds(nodes: Iterable[tuple[str, str, float]]) -> dict[str, float]:
    """Summed execution seconds per build phase (in DBT_PHASES order, phases with no node
    left out) of (resource type, path, seconds) triples. With threads these are
    thread-seconds: they add up to more than the wall time of the build."""
    totals: dict[str, float] = {}
    for resource_type, path, seconds in nodes:
        phase = phase_of(resource_type, path)
        totals[phase] = totals.get(phase, 0.0) + seconds
    return {phase: round(totals[phase], 3) for phase in DBT_PHASES if phase in totals}


def build(build_db: Path, variables: dict[str, Any], full_refresh: bool) -> dict[str, Any]:
    """dbt build (no unit tests: EXCLUDED_RESOURCE_TYPES) with a progress bar; returns its
    profile (summed execution seconds per phase, node counts per resource type); raises
    BuildFailed naming the failing nodes."""
    import yaml

    common_args = ["--vars", yaml.safe_dump(variables, default_flow_style=True).strip()]
    counting = time.monotonic()
    manifest = parse_project(build_db, common_args)
    consolidated = consolidated_tests(manifest) if manifest is not None else []
    exclusions = consolidated_test_exclusions(manifest) if manifest is not None else []
    total = count_build_nodes(manifest, EXCLUDED_RESOURCE_TYPES) - len(consolidated)
    parse_seconds = round(time.monotonic() - counting, 3)
    if not total:
        raise PipelineError("dbt could not parse the project; run `dbt parse` to see why.")
    # the seeds loaded by an earlier run and unchanged since, with the tests of only them
    seeds = seed_loads.plan(
        manifest,
        seed_loads.read_record(build_db),
        seed_loads.existing_tables(build_db),
        full_refresh,
    )
    seed_loads.write_record(build_db, seeds.kept_record)
    # the tests of only unchanged seeds that would otherwise have run as nodes
    seed_tests = {node.name for node in seeds.skipped_tests} - set(consolidated)
    total -= len(seeds.skipped_seeds) + len(seed_tests)

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
        finished: list[tuple[str, str, float]] = []

        def on_event(event: Any) -> None:
            if event.info.name == "NodeFinished":
                node = event.data.node_info
                if node.resource_type == "operation":  # the on-run-start hook: not a node
                    return
                finished.append(
                    (node.resource_type, node.node_path, event.data.run_result.execution_time)
                )
                progress.update(task, advance=1, last=f"{node.node_name} {node.node_status}")

        args = ["build", "--quiet", *common_args]
        for resource_type in EXCLUDED_RESOURCE_TYPES:
            args += ["--exclude-resource-type", resource_type]
        if exclusions or seeds.exclusions:
            # checked by their models' column_rules tests; loaded and tested by an earlier run
            args += ["--exclude", *exclusions, *seeds.exclusions]
        if seeds.exclusions:  # a test that also reads a model the build rebuilds still runs
            args += ["--indirect-selection", "cautious"]
        if full_refresh:
            args.append("--full-refresh")
        # after the parse (both are Python: they would only take turns), while dbt's nodes
        # mostly wait on the database
        preload_validation()
        outcome = run_dbt(args, build_db, on_event=on_event, manifest=manifest)
    if not outcome.success:
        lines = "\n  ".join(outcome.failures) or str(outcome.exception or "see the dbt output")
        raise BuildFailed(f"dbt build failed:\n  {lines}", outcome.succeeded)
    seed_loads.write_record(build_db, seeds.fingerprints)
    nodes: dict[str, int] = {}
    for resource_type, _, _ in finished:
        nodes[resource_type] = nodes.get(resource_type, 0) + 1
    return {
        "phase_seconds": phase_seconds(finished),
        "nodes": nodes,
        "nodes_expected": total,
        "parse_seconds": parse_seconds,
        "seeds_unchanged": sorted(node.name for node in seeds.skipped_seeds),
        "seed_tests_left_out": len(seed_tests),
    }


def print_landings(build_db: Path, since: dt.datetime) -> None:
    """What the landing ledger says after a raw_dir build: the files this run read, and in
    yellow the files read by earlier runs that are gone from raw_dir (their rows are kept)."""
    from lead_funnel.landings import landing_summary, missing_message, reread_message

    summary = landing_summary(build_db, since)
    if summary is None:
        return
    console.print(
        f"Landings: read {summary.files_read:,} new or changed file(s) "
        f"({summary.rows_read:,} rows) of {summary.files_known:,} in the ledger"
    )
    if summary.files_reread_for_new_logic:
        console.print(escape(reread_message(summary.files_reread_for_new_logic)))
    if summary.missing:
        console.print(f"[yellow]warning:[/] {escape(missing_message(summary.missing))}")


def raw_input_label(variables: dict[str, Any]) -> str:
    """What the build reads its raw tables from, for the opening line of a run."""
    crm = variables.get("crm_source") or "files"
    if crm != "files":
        where = variables.get("crm_dir") or f"schema {variables.get('crm_schema') or crm}"
        return f"the {crm} connector tables in {where}"
    if variables.get("raw_dir"):
        return str(variables["raw_dir"])
    if variables.get("raw_schema"):
        return f"the raw tables in schema {variables['raw_schema']}"
    return "the demo seeds"


def preload_validation() -> None:
    """Start importing Great Expectations in the background (validate.preload)."""
    from lead_funnel.validate import preload

    preload()


def validate(build_db: Path) -> list[Any]:
    """Great Expectations suites on the freshly built marts: prints the warnings
    (validate.Finding) and returns them, or raises PipelineError on a blocking failure (after
    the warnings of the same validation)."""
    from lead_funnel.validate import validate as run_suites

    with console.status("[bold]Great Expectations[/] validating the marts"):
        results = run_suites(build_db)
    failures = [failure for result in results for failure in result.failures]
    warnings = [warning for result in results for warning in result.warnings]
    evaluated = sum(result.evaluated for result in results)
    if failures:
        print_warnings(warnings)
        lines = "\n  ".join(str(failure) for failure in failures)
        raise PipelineError(f"Great Expectations validation failed:\n  {lines}")
    console.print(f"[green]✓[/] {evaluated} expectations in {len(results)} suites passed")
    print_warnings(warnings)
    return warnings


def print_warnings(warnings: list[Any]) -> None:
    """Warnings in yellow: evaluated and reported, never a reason not to publish."""
    if warnings:
        noun = "warning" if len(warnings) == 1 else "warnings"
        console.print(f"[yellow]{len(warnings)} {noun}:[/]")
        for warning in warnings:
            console.print(f"  [yellow]{escape(str(warning))}[/]")


# The warning that says a large share of a table's rows were rejected (the threshold lives in
# the suite); its rows name the tables to explain from dq_rejected_rows.
BAD_ROW_SHARE = ("row_reconciliation", "bad_row_share")

HINTS_PER_TABLE = 2


def tables_with_many_rejects(warnings: list[Any]) -> list[str]:
    """The tables a bad_row_share warning names."""
    return sorted(
        {
            str(row.get("source_table"))
            for warning in warnings
            if (warning.suite, warning.column) == BAD_ROW_SHARE
            for row in warning.rows
        }
    )


def rejected_rows_hint(build_db: Path, tables: Iterable[str] | None = None) -> list[str]:
    """The top reasons rows were rejected, per table (all tables, or the given ones), each
    with one example raw value and what to do; [] when dq_rejected_rows cannot be read."""
    import duckdb

    wanted = None if tables is None else set(tables)
    try:
        with duckdb.connect(str(build_db), read_only=True) as connection:
            rows = connection.execute(
                """
                with by_reason as (
                    select source_table, reason, count(*) as rejected, min(raw_values) as example
                    from dq_rejected_rows
                    group by source_table, reason
                )
                select
                    source_table, reason, rejected, example,
                    row_number() over (
                        partition by source_table order by rejected desc, reason
                    ) as rank
                from by_reason
                order by source_table, rank
                """
            ).fetchall()
    except duckdb.Error:
        return []
    known = reject_reasons()
    lines = []
    for table, reason, rejected, example, rank in rows:
        if (wanted is not None and table not in wanted) or rank > HINTS_PER_TABLE:
            continue
        column, advice = _reason_column_and_advice(table, known.get(reason))
        value = _raw_value(example or "", column) if column else None
        shown = f", e.g. {column}={value}" if value is not None else ""
        noun = "row" if rejected == 1 else "rows"
        lines.append(f"{table}: {rejected:,} {noun} rejected as {reason}{shown}; {advice}")
    return lines


def _reason_column_and_advice(table: str, reason: dict[str, str] | None) -> tuple[str | None, str]:
    """The raw column an example is shown from and the advice, for one table, from the
    reason's row of seeds/config/reject_reasons.csv (<key>, <timestamp>, {key} and
    {timestamp} name the table's key and required timestamp)."""
    if reason is None:
        return None, "see dq_rejected_rows"
    try:
        names = {"key": raw_key_column(table), "timestamp": raw_timestamp_column(table)}
    except (PipelineError, StopIteration):  # a table the raw source does not describe
        names = {"key": "the key", "timestamp": "the timestamp"}
    example = (reason.get("example_column") or "").strip()
    if example.startswith("<") and example.endswith(">"):
        column = names.get(example[1:-1])
        example = column if column and " " not in column else ""
    return example or None, (reason.get("hint") or "see dq_rejected_rows").format(**names)


def _raw_value(raw_values: str, column: str) -> str | None:
    """One column's value from dq_rejected_rows.raw_values ('col=value | col=value')."""
    for part in raw_values.split(" | "):
        name, separator, value = part.partition("=")
        if separator and name == column:
            return value
    return None


def print_rejected_rows_hint(build_db: Path, tables: Iterable[str] | None = None) -> None:
    lines = rejected_rows_hint(build_db, tables)
    if lines:
        console.print("[bold]Rejected rows[/] (top reasons, dq_rejected_rows):")
        for line in lines:
            console.print(f"  {escape(line)}")


def is_masking(variables: dict[str, Any]) -> bool:
    """Whether the dbt vars ask for PII-safe publishing: mask_pii is a YAML boolean (checked
    by common.check_vars here and by the dbt macro mask_pii_enabled, which rejects anything
    else, so the two cannot read one value differently)."""
    return variables.get("mask_pii", False) is True


PII_KEY_ENV = "LEAD_FUNNEL_PII_KEY"
PII_KEY_MIN_LENGTH = 16


def check_pii_key() -> None:
    """--mask-pii hashes contacts with a secret key from the environment: without one (or with
    a short one, easy to guess) masking would be reversible, so it is a usage error."""
    key = os.environ.get(PII_KEY_ENV, "")
    if len(key) < PII_KEY_MIN_LENGTH:
        problem = "is not set" if not key else f"is shorter than {PII_KEY_MIN_LENGTH} characters"
        raise PipelineError(
            f"--mask-pii needs a secret key: ${PII_KEY_ENV} {problem}. Set it to a long random "
            f"value kept out of the repository, e.g. export {PII_KEY_ENV}=$(openssl rand -hex "
            "32), and use the same key on every run so masked data stays joinable."
        )


def print_summary(published: Path) -> None:
    """A short funnel and SLA summary from the published file."""
    import duckdb

    stages = funnel_stages()
    # mart_funnel_cohort counts each stage in a column named for it in the plural
    sums = ", ".join(f"sum({_plural(stage)})" for stage in stages)
    with duckdb.connect(str(published), read_only=True) as connection:
        funnel = connection.execute(f"select {sums} from mart_funnel_cohort").fetchone()
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
        # scored_as_of is as_of (a masked publish has no staging schema holding run_as_of)
        as_of = connection.execute("select max(scored_as_of) from scored_leads").fetchone()[0]

    as_of_text = f"{as_of:%Y-%m-%d %H:%M} UTC" if as_of else "n/a"
    table = Table(title=f"Funnel (all cohorts, as of {as_of_text})")
    table.add_column("stage")
    table.add_column("leads reached", justify="right")
    table.add_column("from previous", justify="right")
    table.add_column("from lead", justify="right")
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


def _plural(stage: str) -> str:
    """opportunity -> opportunities, mql -> mqls."""
    return f"{stage[:-1]}ies" if stage.endswith("y") else f"{stage}s"


def _percent(numerator: int, denominator: int | None) -> str:
    return f"{numerator / denominator:.1%}" if denominator else "n/a"


def _share(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "n/a"


def nothing_published(published: Path) -> str:
    """What a failed run left behind for BI readers."""
    if published.exists():
        return f"Nothing was published; {published} is unchanged."
    return f"Nothing was published (no previous file at {published})."


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    try:
        published = published_db_path(args.db)
        check_db_location(published)
        build_db = build_db_path(published)
        variables = dbt_vars(args.raw_dir, args.vars, args.mask_pii)
        version = storage_version(args.storage_version)
        export = export_location(args.export_parquet)
        if is_masking(variables):
            check_pii_key()
    except PipelineError as error:
        console.print(f"[red]error:[/] {escape(str(error))}")
        return EXIT_USAGE

    def say(message: str) -> None:
        console.print(f"[yellow]note:[/] {escape(message)}")

    try:
        with run_lock(build_db, say):
            return _locked_run(
                args, published, build_db, variables, (version, export), started, say
            )
    except RunBusy as error:
        console.print(f"[red]error:[/] {escape(str(error))}")
        console.print(escape(nothing_published(published)))
        return EXIT_BUSY


class RunProfile:
    """Where a run's time went, written beside the build database (timings_path): wall
    seconds per step and the dbt build's summed execution seconds per phase."""

    def __init__(self) -> None:
        self.wall_seconds: dict[str, float] = {}
        self.dbt: dict[str, Any] = {}
        self.full_refresh: bool | None = None

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time one step (its wall seconds), also when it fails."""
        started = time.monotonic()
        try:
            yield
        finally:
            self.wall_seconds[name] = round(time.monotonic() - started, 3)

    def as_json(self, exit_code: int | None, total_seconds: float) -> dict[str, Any]:
        return {
            "exit_code": exit_code,
            "full_refresh": self.full_refresh,
            "wall_seconds": {**self.wall_seconds, "total": round(total_seconds, 3)},
            "dbt_phase_seconds": self.dbt.get("phase_seconds", {}),
            "dbt_nodes": self.dbt.get("nodes", {}),
            "dbt_nodes_expected": self.dbt.get("nodes_expected"),
            "dbt_parse_seconds": self.dbt.get("parse_seconds"),
            # loaded and tested by an earlier run, unchanged since: left out (seed_loads)
            "seeds_unchanged": self.dbt.get("seeds_unchanged", []),
            "seed_tests_left_out": self.dbt.get("seed_tests_left_out", 0),
        }


def timings_path(build_db: Path) -> Path:
    """Beside the build database: the last run's profile (RunProfile)."""
    return build_db.with_name(f"{build_db.name}.timings.json")


def _locked_run(
    args: argparse.Namespace,
    published: Path,
    build_db: Path,
    variables: dict[str, Any],
    publish_to: tuple[str, Path | None],
    started: float,
    say: Any,
) -> int:
    """_build_and_publish, its profile written to timings_path whatever the outcome."""
    profile = RunProfile()
    exit_code = None
    try:
        exit_code = _build_and_publish(
            args, published, build_db, variables, publish_to, started, say, profile
        )
        return exit_code
    finally:
        payload = profile.as_json(exit_code, time.monotonic() - started)
        with contextlib.suppress(OSError):
            timings_path(build_db).write_text(json.dumps(payload, indent=2), encoding="utf-8")


def _build_and_publish(
    args: argparse.Namespace,
    published: Path,
    build_db: Path,
    variables: dict[str, Any],
    publish_to: tuple[str, Path | None],
    started: float,
    say: Any,
    profile: RunProfile,
) -> int:
    """Build, validate and publish (in storage format `version`, and as Parquet to `export`
    when given) while holding the build database's lock, each step timed in `profile`."""
    import duckdb

    version, export = publish_to

    def fail(error: Exception, exit_code: int, hint_tables: Iterable[str] | None) -> int:
        console.print(f"[red]error:[/] {escape(str(error))}")
        if hint_tables is not None:
            print_rejected_rows_hint(build_db, hint_tables)
        console.print(
            f"{escape(nothing_published(published))} Fix the problem above and run again."
        )
        return exit_code

    remove_leftover_partials(published, say, export)
    try:
        full_refresh = check_build_db(build_db, say) or args.full_refresh
        profile.full_refresh = full_refresh
    except PipelineError as error:
        return fail(error, EXIT_BUILD_FAILED, None)
    console.print(
        f"Building from {escape(raw_input_label(variables))} into [bold]{escape(str(build_db))}[/]"
    )
    marker = built_marker(build_db)
    raw_input = {"raw_dir": variables.get("raw_dir"), "raw_schema": variables.get("raw_schema")}
    crm = variables.get("crm_source") or "files"
    if crm != "files":
        # a CRM's connector tables are another raw input: switching to or from one rebuilds
        raw_input |= {name: variables.get(name) for name in ("crm_source", "crm_schema", "crm_dir")}
    if not full_refresh and previous_raw_input(marker) not in (None, raw_input):
        # staging by landing keeps the rows of the raw input it was built from
        say("the raw input changed since the last build: this build is a full refresh")
        full_refresh = True
        profile.full_refresh = True
    marker.unlink(missing_ok=True)  # a build that does not finish leaves nothing to republish
    build_started = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    try:
        with profile.step("dbt build"):
            profile.dbt = build(build_db, variables, full_refresh)
    except BuildFailed as error:
        # explain the rejects only from a dq_rejected_rows this build wrote (not a stale one)
        fresh = any(node.endswith(".dq_rejected_rows") for node in error.succeeded)
        return fail(error, EXIT_BUILD_FAILED, None if not fresh else raw_tables())
    except PipelineError as error:
        return fail(error, EXIT_BUILD_FAILED, None)
    marker.write_text(
        json.dumps({"mask_pii": is_masking(variables), "raw_input": raw_input}), encoding="utf-8"
    )
    print_landings(build_db, build_started)
    try:
        with profile.step("validation"):
            warnings = validate(build_db)
    except PipelineError as error:
        return fail(error, EXIT_VALIDATION_FAILED, raw_tables())
    except duckdb.Error as error:  # e.g. another process opened the build database meanwhile
        reason = str(error).splitlines()[0]
        return fail(
            PipelineError(f"the build database {build_db} could not be validated: {reason}"),
            EXIT_VALIDATION_FAILED,
            None,
        )
    many_rejects = tables_with_many_rejects(warnings)
    if many_rejects:
        print_rejected_rows_hint(build_db, many_rejects)
    try:
        with profile.step("publish"):
            publish(build_db, published, is_masking(variables), version, export)
    except PipelineError as error:
        return fail(error, EXIT_PUBLISH_FAILED, None)
    except duckdb.Error as error:
        reason = str(error).splitlines()[0]
        return fail(
            PipelineError(f"could not publish from {build_db}: {reason}"),
            EXIT_PUBLISH_FAILED,
            None,
        )
    print_summary(published)
    masked = " with PII masked" if is_masking(variables) else ""
    console.print(
        f"[green]Published[/] {escape(str(published))} (read-only{masked}, DuckDB storage "
        f"{escape(version)}) in "
        f"{time.monotonic() - started:.1f} s. "
        "Open it with duckdb.connect(path, read_only=True) or point a BI tool at it."
    )
    if export is not None:
        console.print(f"[green]Parquet[/] {escape(str(export))} (one file per contract model)")
    if args.report:
        try:
            from lead_funnel.report import write_report

            with profile.step("report"):
                written = write_report(published, Path(args.report))
        except Exception as error:  # any failure: the publish stands, the report is named
            console.print(f"[red]error:[/] the report was not written: {escape(str(error))}")
            return EXIT_REPORT_FAILED
        console.print(f"[green]Report[/] {escape(str(written))}")
    return 0


def previous_raw_input(marker: Path) -> dict[str, Any] | None:
    """The raw input (raw_dir, raw_schema) the last finished build read, from its marker;
    None when unknown (no finished build, or one from before the marker said)."""
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    raw_input = recorded.get("raw_input") if isinstance(recorded, dict) else None
    return raw_input if isinstance(raw_input, dict) else None


def built_marker(build_db: Path) -> Path:
    """Beside the build database, written when a dbt build finished: whether it was masked
    (what `lead-funnel publish` publishes again, and how)."""
    return build_db.with_name(f"{build_db.name}.built.json")


def republish(args: argparse.Namespace) -> int:
    """`lead-funnel publish`: validate the last finished build and publish it again."""
    import duckdb

    try:
        published = published_db_path(args.db)
        check_db_location(published)
        build_db = build_db_path(published)
        version = storage_version(args.storage_version)
        export = export_location(args.export_parquet)
    except PipelineError as error:
        console.print(f"[red]error:[/] {escape(str(error))}")
        return EXIT_USAGE

    def say(message: str) -> None:
        console.print(f"[yellow]note:[/] {escape(message)}")

    def fail(message: str, exit_code: int) -> int:
        console.print(f"[red]error:[/] {escape(message)}")
        console.print(escape(nothing_published(published)))
        return exit_code

    try:
        with run_lock(build_db, say):
            marker = built_marker(build_db)
            if not build_db.exists() or not marker.exists():
                return fail(
                    f"no finished build at {build_db} to publish: run `lead-funnel run` "
                    "(with the same --db) first.",
                    EXIT_PUBLISH_FAILED,
                )
            masked = bool(json.loads(marker.read_text(encoding="utf-8")).get("mask_pii"))
            remove_leftover_partials(published, say, export)
            try:
                validate(build_db)
                publish(build_db, published, masked, version, export)
            except PipelineError as error:
                return fail(str(error), EXIT_PUBLISH_FAILED)
            except duckdb.Error as error:
                return fail(f"could not publish from {build_db}: {error}", EXIT_PUBLISH_FAILED)
    except RunBusy as error:
        return fail(str(error), EXIT_BUSY)
    print_summary(published)
    console.print(
        f"[green]Published[/] {escape(str(published))} again (read-only"
        f"{' with PII masked' if masked else ''}, DuckDB storage {escape(version)})"
    )
    if export is not None:
        console.print(f"[green]Parquet[/] {escape(str(export))} (one file per contract model)")
    return 0


class UsageParser(argparse.ArgumentParser):
    """argparse with the pipeline's usage exit code (64, EX_USAGE) instead of 2, which the
    pipeline uses for a failed validation."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


RUN_EPILOG = """\
examples:
  lead-funnel run                                  the demo seeds -> warehouse/lead_funnel.duckdb
  lead-funnel run --raw-dir /data/crm_export --db /srv/bi/lead_funnel.duckdb
  lead-funnel run --raw-dir DIR --vars "{as_of: '2025-06-30', engagement_half_life_days: 0}"
  lead-funnel run --export-parquet /srv/lake/lead_funnel     also every contract model as Parquet
  LEAD_FUNNEL_PII_KEY=... lead-funnel run --mask-pii --db /srv/bi/shared.duckdb

exit codes:
  0   published (Great Expectations warnings, if any, are printed in yellow)
  1   dbt build failed (a seed, model or data test)
  2   a blocking Great Expectations expectation failed
  3   publishing failed
  4   published, but the --report failed
  64  usage: bad arguments, --vars (any var of the wrong type or range), as_of, --raw-dir,
      --db, --storage-version, --export-parquet, or --mask-pii without $LEAD_FUNNEL_PII_KEY
  75  another run is building the same database (its pid is named); try again later
On 1, 2, 3 and 75 the previously published file (and Parquet export) is left byte-identical.
"""


def _wrapped(text: str) -> str:
    """A help paragraph wrapped for a RawDescriptionHelpFormatter (which keeps line breaks)."""
    return textwrap.fill(text, width=88)


def make_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The options of `lead-funnel run`."""
    run_parser = UsageParser(
        prog=prog,
        description=_wrapped(
            "Build the warehouse with dbt (seeds, models, data tests), validate the "
            "marts with Great Expectations, and only then publish a read-only copy to the "
            "published DuckDB file. The working build database lives beside it "
            "(NAME.build.duckdb) so incremental state survives between runs. On failure the "
            "published file is untouched and the exit code is non-zero."
        ),
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run_parser.add_argument(
        "--raw-dir",
        metavar="DIR",
        help="read raw leads/activities/stage_changes (and, optionally, qualifications) files "
        "(.csv, .parquet or folders of daily landings) from DIR instead of the demo seeds",
    )
    run_parser.add_argument(
        "--db",
        metavar="PATH",
        help="published DuckDB file (default: $LEAD_FUNNEL_DB, else warehouse/lead_funnel.duckdb)",
    )
    run_parser.add_argument(
        "--vars",
        metavar="YAML",
        help="dbt vars as a YAML mapping or a YAML file, e.g. "
        "\"{as_of: '2025-06-30', engagement_half_life_days: 0}\"",
    )
    run_parser.add_argument(
        "--full-refresh", action="store_true", help="rebuild incremental models from scratch"
    )
    run_parser.add_argument(
        "--mask-pii",
        action="store_true",
        help="publish for audiences that must not see contacts: emails as keyed hashes (key: "
        f"${PII_KEY_ENV}, required), no phone or names, emails and phones replaced in free "
        "text and dq raw values (dbt var mask_pii; the published file then holds only the "
        "main schema's models and configuration seeds)",
    )
    add_publish_arguments(run_parser)
    run_parser.add_argument(
        "--report",
        metavar="HTML",
        help="after publishing, write the funnel and SLA report (as `lead-funnel report`) to HTML",
    )
    return run_parser


def add_publish_arguments(parser: argparse.ArgumentParser) -> None:
    """--storage-version and --export-parquet (lead-funnel run and lead-funnel publish)."""
    parser.add_argument(
        "--storage-version",
        metavar="VERSION",
        help="DuckDB storage format of the published file: the oldest duckdb release that must "
        f"open it (default: ${STORAGE_VERSION_ENV}, else {DEFAULT_STORAGE_VERSION}, which duckdb "
        "1.0 and later and the BI drivers built on them read; latest = DuckDB 2.0's own format)",
    )
    parser.add_argument(
        "--export-parquet",
        metavar="DIR",
        help="also publish every contract model as DIR/<model>.parquet (DIR is a link swapped "
        "atomically to the new export's folder; the previous export is kept beside it)",
    )


def make_publish_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The options of `lead-funnel publish`."""
    parser = UsageParser(
        prog=prog,
        description=(
            "Publish the last finished build again, without building: validate the working "
            "build database (NAME.build.duckdb beside the published file) with Great "
            "Expectations, then publish it atomically, e.g. in another storage format or "
            "to a Parquet export. A build made with --mask-pii is published masked."
        ),
        epilog="exit codes: 0 published; 3 nothing to publish, validation or publishing "
        "failed; 64 usage; 75 a run is building the same database. On failure the "
        "previously published file is left byte-identical.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="published DuckDB file (default: $LEAD_FUNNEL_DB, else warehouse/lead_funnel.duckdb)",
    )
    add_publish_arguments(parser)
    return parser


def publish_main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """`lead-funnel publish`: publish the last finished build again."""
    return republish(make_publish_parser(prog).parse_args(argv))


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """`lead-funnel run`: build, validate, publish."""
    return run(make_parser(prog).parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
