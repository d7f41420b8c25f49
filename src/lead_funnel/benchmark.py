"""Benchmark the warehouse build at scale against the raw-SQL lower bound.

    lead-funnel benchmark [--leads 100000 1000000] [--out build/benchmark]
    lead-funnel benchmark --publish-formats [--leads 1000000]

For each scale: generate synthetic raw data (~20 activities per lead) as daily landing
folders, hold the last day's landing back, run the full pipeline build (`lead-funnel run
--full-refresh`: dbt build with data and unit tests, Great Expectations, publish), measure
the lower bound (DuckDB executing the same compiled model SQL of that build directly, model
after model, without dbt), then put the held-back day in place and run the incremental
pipeline build. Prints wall time, peak memory, rows per second, the ratios to the full build
and to the lower bound, the hottest models, and the scaling ratio between the largest and
the smallest scale; writes everything to OUT/results.json so runs can be compared.

--publish-formats measures the publish instead: after one full build per scale, the same
build database is published in each storage format (PUBLISH_FORMATS: DuckDB 2.0's own, the
default v1.0.0 that duckdb 1.x clients read, v1.4.0), each timed and sized, beside the plain
file copy publishing used before; OUT/publish_formats.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from lead_funnel.common import CONTRACT_MODELS, DUCKDB_SETTINGS, PROJECT_DIR, raw_tables

# The build's targets (a benchmark, not a test: reported, never enforced).
TARGET_FULL_SECONDS_AT_1M = 120.0
TARGET_INCREMENTAL_SHARE = 0.15
TARGET_LOWER_BOUND_RATIO = 2.0
TARGET_PEAK_MEMORY_GB = 8.0
TARGET_SCALING_RATIO = 12.0

# The lead-funnel command of this Python (children run it as a user would).
LEAD_FUNNEL = (sys.executable, "-m", "lead_funnel")

console = Console(highlight=False, soft_wrap=True)


@dataclass
class Measured:
    """One timed child process: wall seconds, its peak resident memory, its exit code."""

    seconds: float
    peak_memory_mb: float
    returncode: int
    output_tail: str = ""


@dataclass
class ScaleResult:
    """Everything measured at one scale."""

    leads: int
    raw_rows_initial: int
    raw_rows_landing: int
    generate_seconds: float
    full: Measured
    lower_bound: Measured
    incremental: Measured
    full_model_seconds: float
    incremental_model_seconds: float
    lower_bound_model_seconds: float
    hot_models: list[dict[str, Any]] = field(default_factory=list)
    incremental_hot_models: list[dict[str, Any]] = field(default_factory=list)
    verified_equal: bool | None = None

    @property
    def incremental_share(self) -> float:
        return self.incremental.seconds / self.full.seconds

    @property
    def lower_bound_ratio(self) -> float:
        return self.full.seconds / self.lower_bound.seconds

    @property
    def model_lower_bound_ratio(self) -> float:
        return self.full_model_seconds / self.lower_bound_model_seconds


def timed(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run a child process to the end; its wall time and peak RSS (os.wait4 of that child)."""
    started = time.monotonic()
    with subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=PROJECT_DIR,
    ) as process:
        output = process.stdout.read() if process.stdout else ""
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    # ru_maxrss is in kilobytes on Linux
    return Measured(seconds, usage.ru_maxrss / 1024, process.returncode, output[-4000:])


def generate(leads: int, seed: int, activities_per_lead: float, raw_dir: Path) -> float:
    """Generate raw data as daily landing folders (parquet); seconds taken (0 when reused)."""
    marker = raw_dir / ".benchmark.json"
    wanted = {"leads": leads, "seed": seed, "activities_per_lead": activities_per_lead}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return 0.0
    shutil.rmtree(raw_dir, ignore_errors=True)
    command = [
        *LEAD_FUNNEL,
        "generate",
        "--leads",
        str(leads),
        "--seed",
        str(seed),
        "--activities-per-lead",
        str(activities_per_lead),
        "--out",
        str(raw_dir),
        "--format",
        "parquet",
        "--landing-days",
        "2",
    ]
    measured = timed(command)
    if measured.returncode != 0:
        raise SystemExit(f"lead-funnel generate failed:\n{measured.output_tail}")
    marker.write_text(json.dumps(wanted))
    return measured.seconds


def last_landing(raw_dir: Path) -> list[Path]:
    """The files of the last landing day (the latest file name of each table's folder)."""
    files = [path for table in raw_tables() for path in (raw_dir / table).glob("*.parquet")]
    if not files:
        raise SystemExit(f"no landing files under {raw_dir}")
    last_day = max(path.stem.rsplit("_", 1)[-1] for path in files)
    return [path for path in files if path.stem.endswith(last_day)]


def count_rows(files: list[Path]) -> int:
    import duckdb

    if not files:
        return 0
    listed = ", ".join(f"'{path}'" for path in files)
    with duckdb.connect() as connection:
        return int(
            connection.execute(f"select count(*) from read_parquet([{listed}])").fetchone()[0]
        )


def pipeline(raw_dir: Path, db: Path, work: Path, full_refresh: bool) -> Measured:
    """`lead-funnel run` as a user runs it, with its own dbt target and log folders."""
    command = [
        *LEAD_FUNNEL,
        "run",
        "--raw-dir",
        str(raw_dir),
        "--db",
        str(db),
    ]
    if full_refresh:
        command.append("--full-refresh")
    env = {
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "COLUMNS": "120",
    }
    return timed(command, env)


def model_results(target: Path) -> list[dict[str, Any]]:
    """The model nodes of a dbt run_results.json, in the order they finished (a DAG order)."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return [result for result in results if result["unique_id"].startswith("model.")]


def hottest(results: list[dict[str, Any]], count: int = 8) -> list[dict[str, Any]]:
    ranked = sorted(results, key=lambda result: -result["execution_time"])[:count]
    return [
        {"model": result["unique_id"].split(".")[-1], "seconds": round(result["execution_time"], 2)}
        for result in ranked
    ]


def lower_bound(target: Path, build_db: Path, lower_db: Path) -> dict[str, float]:
    """Run the compiled SQL of every model of a dbt build directly in DuckDB, in DAG order,
    into a fresh database of the same name (seeds copied from the build); seconds per model."""
    import duckdb

    manifest = json.loads((target / "manifest.json").read_text())
    results = model_results(target)
    if lower_db.exists():
        lower_db.unlink()
    lower_db.parent.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with duckdb.connect(str(lower_db)) as connection:
        for name, value in DUCKDB_SETTINGS.items():  # the session dbt's profile sets up
            connection.execute(f"set {name} = '{value}'")
        connection.execute(f"attach '{build_db}' as build_copy (read_only)")
        for node in manifest["nodes"].values():
            if node["resource_type"] != "seed":
                continue
            connection.execute(f'create schema if not exists "{node["schema"]}"')
            connection.execute(
                f'create table "{node["schema"]}"."{node["alias"]}" as '
                f'select * from build_copy."{node["schema"]}"."{node["alias"]}"'
            )
        connection.execute("detach build_copy")
        for result in results:
            node = manifest["nodes"][result["unique_id"]]
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            started = time.monotonic()
            connection.execute(f'create schema if not exists "{node["schema"]}"')
            connection.execute(
                f"create or replace {kind} {result['relation_name']} as "
                f"(\n{result['compiled_code']}\n)"
            )
            timings[node["name"]] = time.monotonic() - started
    return timings


def contract_models_equal(left: Path, right: Path) -> bool:
    """Every contract model holds the same rows in both databases (EXCEPT ALL both ways)."""
    import duckdb

    with duckdb.connect() as connection:
        connection.execute(f"attach '{left}' as left_db (read_only)")
        connection.execute(f"attach '{right}' as right_db (read_only)")
        for model in CONTRACT_MODELS:
            for one, other in (("left_db", "right_db"), ("right_db", "left_db")):
                differing = connection.execute(
                    f"select count(*) from (select * from {one}.main.{model} "
                    f"except all select * from {other}.main.{model})"
                ).fetchone()[0]
                if differing:
                    console.print(f"[red]{model}: {differing} rows of {one} not in {other}[/]")
                    return False
    return True


def run_scale(leads: int, args: argparse.Namespace, progress: Progress, task: Any) -> ScaleResult:
    out: Path = args.out
    raw_dir = out / f"raw_{leads}"
    held_dir = out / f"held_{leads}"
    work = out / f"leads_{leads}"

    def step(text: str) -> None:
        progress.update(task, description=f"{leads:,} leads: {text}")

    step("generating raw data")
    generate_seconds = generate(leads, args.seed, args.activities_per_lead, raw_dir)
    held_dir.mkdir(parents=True, exist_ok=True)
    for path in held_dir.iterdir():  # a previous, interrupted run
        shutil.move(path, raw_dir / path.name.split("__", 1)[0] / path.name.split("__", 1)[1])
    landing = last_landing(raw_dir)
    raw_rows_landing = count_rows(landing)
    held = []
    for path in landing:
        target = held_dir / f"{path.parent.name}__{path.name}"
        shutil.move(path, target)
        held.append((target, path))
    all_initial = [path for table in raw_tables() for path in (raw_dir / table).glob("*.parquet")]
    raw_rows_initial = count_rows(all_initial)

    shutil.rmtree(work, ignore_errors=True)
    db = work / "lead_funnel.duckdb"
    build_db = work / "lead_funnel.build.duckdb"

    step("full build (lead-funnel run --full-refresh)")
    full = pipeline(raw_dir, db, work / "full", full_refresh=True)
    if full.returncode != 0:
        raise SystemExit(f"full build failed at {leads} leads:\n{full.output_tail}")
    full_results = model_results(work / "full" / "target")

    step("lower bound (compiled SQL straight into DuckDB)")
    lower_db = work / "lower_bound" / build_db.name
    lower_command = [
        *LEAD_FUNNEL,
        "benchmark",
        "--lower-bound",
        str(work / "full" / "target"),
        str(build_db),
        str(lower_db),
    ]
    lower = timed(lower_command)
    if lower.returncode != 0:
        raise SystemExit(f"lower bound failed at {leads} leads:\n{lower.output_tail}")
    lower_timings = json.loads((lower_db.parent / "timings.json").read_text())
    lower_db.unlink(missing_ok=True)

    step("incremental build after one more day's landing")
    for target, original in held:
        shutil.move(target, original)
    incremental = pipeline(raw_dir, db, work / "incremental", full_refresh=False)
    if incremental.returncode != 0:
        raise SystemExit(f"incremental build failed at {leads} leads:\n{incremental.output_tail}")
    incremental_results = model_results(work / "incremental" / "target")

    verified = None
    if args.verify:
        step("verifying: full refresh on all data, contract models compared")
        check_db = work / "check" / "lead_funnel.duckdb"
        checked = pipeline(raw_dir, check_db, work / "check", full_refresh=True)
        verified = checked.returncode == 0 and contract_models_equal(
            build_db, check_db.with_name("lead_funnel.build.duckdb")
        )

    hot = hottest(full_results)
    for row in hot:
        row["lower_bound_seconds"] = round(lower_timings.get(row["model"], float("nan")), 2)
    return ScaleResult(
        leads=leads,
        raw_rows_initial=raw_rows_initial,
        raw_rows_landing=raw_rows_landing,
        generate_seconds=round(generate_seconds, 1),
        full=full,
        lower_bound=lower,
        incremental=incremental,
        full_model_seconds=round(sum(r["execution_time"] for r in full_results), 2),
        incremental_model_seconds=round(sum(r["execution_time"] for r in incremental_results), 2),
        lower_bound_model_seconds=round(sum(lower_timings.values()), 2),
        hot_models=hot,
        incremental_hot_models=hottest(incremental_results),
        verified_equal=verified,
    )


def verdict(ok: bool) -> str:
    return "[green]met[/]" if ok else "[red]missed[/]"


def report(results: list[ScaleResult]) -> dict[str, Any]:
    """Print the tables and return the JSON summary."""
    table = Table(title="Lead Funnel Warehouse benchmark (lead-funnel run; times in seconds)")
    for column in (
        "leads",
        "raw rows",
        "full build",
        "rows/s",
        "peak MB",
        "+1 day rows",
        "incremental",
        "incr/full",
        "incr peak MB",
        "lower bound",
        "full/lower",
        "models/lower",
    ):
        table.add_column(column, justify="right")
    for result in results:
        table.add_row(
            f"{result.leads:,}",
            f"{result.raw_rows_initial:,}",
            f"{result.full.seconds:.1f}",
            f"{result.raw_rows_initial / result.full.seconds:,.0f}",
            f"{result.full.peak_memory_mb:,.0f}",
            f"{result.raw_rows_landing:,}",
            f"{result.incremental.seconds:.1f}",
            f"{result.incremental_share:.0%}",
            f"{result.incremental.peak_memory_mb:,.0f}",
            f"{result.lower_bound.seconds:.1f}",
            f"{result.lower_bound_ratio:.2f}x",
            f"{result.model_lower_bound_ratio:.2f}x",
        )
    console.print(table)
    console.print(
        "full build / incremental: lead-funnel run wall time (dbt build with data and unit "
        "tests, Great Expectations, publish). lower bound: the build's compiled model SQL run "
        "directly in DuckDB (models only). models/lower: dbt's summed model execution time "
        "over the lower bound's."
    )
    for result in results:
        hot = Table(title=f"Hottest models at {result.leads:,} leads (seconds)")
        for column in ("model", "dbt (full)", "lower bound"):
            hot.add_column(column, justify="right" if column != "model" else "left")
        for row in result.hot_models:
            hot.add_row(row["model"], f"{row['seconds']:.2f}", f"{row['lower_bound_seconds']:.2f}")
        console.print(hot)
        incremental_hot = ", ".join(
            f"{row['model']} {row['seconds']:.1f}" for row in result.incremental_hot_models[:5]
        )
        console.print(f"incremental run, slowest models: {incremental_hot}")
        if result.verified_equal is not None:
            console.print(
                "incremental = full refresh on all data: "
                + ("[green]yes[/]" if result.verified_equal else "[red]NO[/]")
            )

    summary: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
            "python": platform.python_version(),
        },
        "scales": [
            {
                **asdict(result),
                "incremental_share": round(result.incremental_share, 4),
                "lower_bound_ratio": round(result.lower_bound_ratio, 3),
                "model_lower_bound_ratio": round(result.model_lower_bound_ratio, 3),
                "rows_per_second_full": round(result.raw_rows_initial / result.full.seconds),
                "rows_per_second_incremental": round(
                    result.raw_rows_landing / result.incremental.seconds
                ),
            }
            for result in results
        ],
    }
    for result in summary["scales"]:
        for run in ("full", "lower_bound", "incremental"):
            result[run].pop("output_tail", None)

    targets: dict[str, bool] = {}
    largest, smallest = max(results, key=lambda r: r.leads), min(results, key=lambda r: r.leads)
    if largest.leads >= 1_000_000:
        targets["full build of 1M leads within 2 minutes"] = (
            largest.full.seconds <= TARGET_FULL_SECONDS_AT_1M
        )
    targets["incremental one-day landing within 15% of the full build"] = all(
        r.incremental_share <= TARGET_INCREMENTAL_SHARE for r in results
    )
    targets["full build within 2x the raw-SQL lower bound"] = all(
        r.lower_bound_ratio <= TARGET_LOWER_BOUND_RATIO for r in results
    )
    targets["peak memory under 8 GB"] = all(
        max(r.full.peak_memory_mb, r.incremental.peak_memory_mb) < TARGET_PEAK_MEMORY_GB * 1024
        for r in results
    )
    if largest.leads > smallest.leads:
        ratio = largest.full.seconds / smallest.full.seconds
        summary["scaling"] = {
            "from_leads": smallest.leads,
            "to_leads": largest.leads,
            "time_ratio": round(ratio, 2),
        }
        console.print(
            f"scaling {largest.leads:,} / {smallest.leads:,} leads: full build time x{ratio:.1f} "
            f"for x{largest.leads / smallest.leads:.0f} the data"
        )
        targets[f"{largest.leads:,}/{smallest.leads:,} time ratio at most 12"] = (
            ratio <= TARGET_SCALING_RATIO
        )
    summary["targets"] = targets
    for name, ok in targets.items():
        console.print(f"  {verdict(ok)}  {name}")
    return summary


# The storage formats --publish-formats compares (publish.py: the default, DuckDB 2.0's own).
PUBLISH_FORMATS = ("latest", "v1.0.0", "v1.4.0")


def publish_formats(
    build_db: Path, work: Path, versions: tuple[str, ...] = PUBLISH_FORMATS
) -> list[dict[str, Any]]:
    """Publish one build database in each storage format (and as a plain file copy, the
    publish before formats were chosen): seconds, bytes, and the size relative to 2.0's."""
    from lead_funnel.publish import write_published_copy

    measured: list[dict[str, Any]] = []
    started = time.monotonic()
    copied = work / "copy.duckdb"
    shutil.copyfile(build_db, copied)
    measured.append(
        {
            "format": "file copy (2.0)",
            "seconds": time.monotonic() - started,
            "bytes": copied.stat().st_size,
        }
    )
    copied.unlink()
    for version in versions:
        target = work / f"published-{version}.duckdb"
        target.unlink(missing_ok=True)
        started = time.monotonic()
        write_published_copy(build_db, target, version)
        measured.append(
            {
                "format": version,
                "seconds": time.monotonic() - started,
                "bytes": target.stat().st_size,
            }
        )
        target.unlink()
    native = next(row["bytes"] for row in measured if row["format"] == "latest")
    for row in measured:
        row["size_vs_latest"] = row["bytes"] / native
    return measured


def run_publish_formats(args: argparse.Namespace) -> int:
    """--publish-formats: per scale, generate, build once (or take --build-db), then publish
    in every format."""
    summary: dict[str, Any] = {"machine": platform.platform(), "scales": {}}
    versions = tuple(args.formats or PUBLISH_FORMATS)
    for leads in sorted(args.leads):
        work = args.out / f"{leads}_leads"
        db = work / "formats" / "lead_funnel.duckdb"
        db.parent.mkdir(parents=True, exist_ok=True)
        build_db = db.with_name("lead_funnel.build.duckdb")
        pipeline_seconds = None
        if not (args.build_db and build_db.exists()):
            raw_dir = work / "raw"
            generate(leads, args.seed, args.activities_per_lead, raw_dir)
            built = pipeline(raw_dir, db, work / "formats", full_refresh=True)
            if built.returncode != 0:
                console.print(f"[red]error:[/] the build failed:\n{built.output_tail}")
                return 1
            pipeline_seconds = built.seconds
        rows = publish_formats(build_db, db.parent, versions)
        summary["scales"][leads] = {"pipeline_seconds": pipeline_seconds, "publish": rows}
        table = Table(title=f"Publishing one build of {leads:,} leads")
        for column in ("format", "seconds", "MB", "size vs 2.0"):
            table.add_column(column, justify="left" if column == "format" else "right")
        for row in rows:
            table.add_row(
                row["format"],
                f"{row['seconds']:.1f}",
                f"{row['bytes'] / 1e6:,.1f}",
                f"{row['size_vs_latest']:.1%}",
            )
        console.print(table)
    results_file = args.out / "publish_formats.json"
    results_file.write_text(json.dumps(summary, indent=2))
    console.print(f"results: {results_file}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=textwrap.fill(
            "Benchmark the pipeline at scale: generate raw data as daily landings, run the full "
            "build, measure the raw-SQL lower bound, then run the incremental build after one "
            "more day's landing. Prints wall times, peak memory, rows per second and ratios; "
            "writes OUT/results.json.",
            width=88,
        ),
        epilog=(
            "examples:\n"
            "  lead-funnel benchmark --leads 10000            # a quick look\n"
            "  lead-funnel benchmark --leads 100000 1000000   # the full benchmark\n"
            "  lead-funnel benchmark --leads 5000 --verify    # also: incremental = full refresh"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--leads",
        type=int,
        nargs="+",
        default=[100_000, 1_000_000],
        metavar="N",
        help="scales to run, in leads (default: 100000 1000000)",
    )
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument(
        "--activities-per-lead",
        type=float,
        default=20,
        metavar="X",
        help="average activities per lead (default 20)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=PROJECT_DIR / "build" / "benchmark",
        metavar="DIR",
        help="working folder for data, databases and results.json (default build/benchmark); "
        "generated data is reused when the arguments match",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="after the incremental run, also run a full refresh on all the data and check "
        "every contract model is identical (one more full build per scale)",
    )
    parser.add_argument(
        "--publish-formats",
        action="store_true",
        help="measure the publish instead: one build per scale published in each storage "
        f"format ({', '.join(PUBLISH_FORMATS)}) and as a file copy; OUT/publish_formats.json",
    )
    parser.add_argument(
        "--formats",
        nargs="+",
        metavar="VERSION",
        help="with --publish-formats: the formats to compare (default: "
        f"{' '.join(PUBLISH_FORMATS)})",
    )
    parser.add_argument(
        "--build-db",
        action="store_true",
        help="with --publish-formats: reuse the build database a previous run left in OUT "
        "instead of generating and building again",
    )
    parser.add_argument("--lower-bound", nargs=3, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if args.lower_bound:  # internal: the lower-bound measurement in its own process
        target, build_db, lower_db = (Path(value) for value in args.lower_bound)
        timings = lower_bound(target, build_db, lower_db)
        (lower_db.parent / "timings.json").write_text(json.dumps(timings, indent=2))
        return 0
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    free_gb = shutil.disk_usage(args.out).free / 1e9
    needed_gb = sum(args.leads) * 20e-6  # ~20 KB per lead: raw parquet and the databases
    if free_gb < needed_gb:
        console.print(
            f"[red]error:[/] {free_gb:.0f} GB free under {args.out}, ~{needed_gb:.0f} needed"
        )
        return 1
    if args.publish_formats:
        return run_publish_formats(args)
    results: list[ScaleResult] = []
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("benchmark", total=None)
        for leads in sorted(args.leads):
            results.append(run_scale(leads, args, progress, task))
            console.print(
                f"{leads:,} leads: full {results[-1].full.seconds:.1f} s, incremental "
                f"{results[-1].incremental.seconds:.1f} s, lower bound "
                f"{results[-1].lower_bound.seconds:.1f} s"
            )
    summary = report(results)
    results_file = args.out / "results.json"
    results_file.write_text(json.dumps(summary, indent=2, default=str))
    console.print(f"results: {results_file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
