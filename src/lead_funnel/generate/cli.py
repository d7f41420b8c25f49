"""The command line: arguments, their checks, progress and the summary."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from lead_funnel import common

from .config import (
    DEFAULT_END,
    DEFAULT_START,
    GRACE_DAYS,
    MAX_LEADS,
    TABLE_COLUMNS,
    Config,
    UsageError,
)
from .crm_shapes import SHAPES, write_crm_dataset
from .plan import CHANNEL_SPEND, OFFER_SPEND_NAME, write_offer_plan
from .simulate import generate
from .writers import write_dataset

PROG = "lead-funnel generate"
# the committed demo seeds: seeds/demo/raw_leads.csv, raw_activities.csv, raw_stage_changes.csv
DEMO = {
    "leads": 2000,
    "seed": 42,
    "activities_per_lead": 10.0,
    "out": common.PROJECT_DIR / "seeds" / "demo",
}
# the demo's offer-level spend plan (seeds/config/offer_spend.csv), written with the demo
DEMO_OFFER_PLAN = common.PROJECT_DIR / "seeds" / "config" / OFFER_SPEND_NAME


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from error


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from error
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from error
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from error
    if not value > 0 or value > 1000:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1000, got {text}")
    return value


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Generate deterministic, realistic synthetic raw data for the Lead Funnel\n"
            "Warehouse: DIR/leads, DIR/activities and DIR/stage_changes (the raw tables of\n"
            "docs/definitions.md#raw-data-contract), every column as text, and\n"
            "DIR/offer_spend.csv: the offer-level spend plan (month, lead_source,\n"
            "acquisition_offer, spend) for the revenue marts, the paid channels' spend of\n"
            "seeds/config/channel_spend.csv scaled to the generated leads (per lead on the\n"
            "channel) and split across the offers the channel's leads convert on (by leads\n"
            "and cost per lead of the offer), in cents summing to the channel's month. The\n"
            "same arguments always give the same bytes.\n"
            "\n"
            "--shape salesforce|hubspot writes the same population as that CRM's connector\n"
            "tables instead (Fivetran's names: DIR/lead.csv, DIR/task.csv, ... or\n"
            "DIR/contact.csv, DIR/deal_stage.csv, ...), a folder the CRM adapter reads as\n"
            "crm_dir (README: CRM adapters). Activity types the CRM has no record for\n"
            "(page views, unsubscribes, ...) are left out."
        ),
        epilog=(
            "examples:\n"
            f"  {prog} --leads 100000 --seed 7 --out /tmp/raw\n"
            f"  {prog} --leads 1000000 --seed 1 --out /tmp/raw --format parquet\n"
            f"  {prog} --leads 5000 --seed 3 --out /tmp/raw --defects --landing-days 30\n"
            f"  {prog} --leads 5000 --seed 3 --out /tmp/sf --shape salesforce\n"
            f"  {prog} --demo    # rewrite seeds/demo/raw_*.csv (the committed demo)\n"
            "\n"
            "Then build from the files: lead-funnel run --raw-dir /tmp/raw\n"
            'or from a CRM shape: lead-funnel run --vars "{crm_source: salesforce, '
            'crm_dir: /tmp/sf}"'
        ),
    )
    parser.add_argument(
        "--leads",
        type=_positive_int,
        metavar="N",
        help="number of leads to generate (about 20 activities each)",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        metavar="S",
        help="random seed; the same seed gives the same files (default 0)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output directory, created if missing (--demo: seeds/demo/)",
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=("csv", "parquet"),
        default=None,
        help="file format (default csv)",
    )
    parser.add_argument(
        "--start-date",
        type=_date,
        metavar="YYYY-MM-DD",
        help=f"first day leads are created (default {DEFAULT_START})",
    )
    parser.add_argument(
        "--end-date",
        type=_date,
        metavar="YYYY-MM-DD",
        help=f"last day leads are created (default {DEFAULT_END}); activities "
        f"and stage changes run until {GRACE_DAYS} days later, when the extract "
        "is taken",
    )
    parser.add_argument(
        "--activities-per-lead",
        type=_positive_float,
        metavar="X",
        help="average number of activities per lead (default 20)",
    )
    parser.add_argument(
        "--defects",
        action="store_true",
        help="inject a handful of realistic data-quality defects (duplicates, "
        "bad timestamps, unknown leads, unmapped stage, malformed values) and "
        "list their keys",
    )
    parser.add_argument(
        "--landing-days",
        type=_positive_int,
        metavar="K",
        help="write each table as a folder of daily landing files "
        "DIR/NAME/NAME_YYYY-MM-DD.csv for the last K days of the extract: the "
        "first holds the history up to that day, the others one day each",
    )
    parser.add_argument(
        "--shape",
        choices=SHAPES,
        default=None,
        help="files (default): the raw tables leads, activities, stage_changes; "
        "salesforce / hubspot: the same population as that CRM connector's tables, "
        "for crm_source + crm_dir (not with --defects, --landing-days or --demo)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"write the committed demo seeds seeds/demo/raw_leads.csv, "
        f"raw_activities.csv, raw_stage_changes.csv ({DEMO['leads']} leads, "
        f"seed {DEMO['seed']}, with --defects) and the offer plan "
        f"seeds/config/offer_spend.csv (channel_spend.csv's paid channels split "
        f"across the offers of the demo's leads); --out may redirect them all",
    )
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    """Validate the arguments together; raises UsageError with what to do instead."""
    if args.demo:
        clashing = [
            flag
            for flag, value in (
                ("--leads", args.leads),
                ("--seed", args.seed),
                ("--format", args.fmt),
                ("--start-date", args.start_date),
                ("--end-date", args.end_date),
                ("--activities-per-lead", args.activities_per_lead),
                ("--landing-days", args.landing_days),
                ("--shape", args.shape),
            )
            if value is not None
        ]
        if clashing:
            raise UsageError(
                f"--demo writes the fixed demo seeds and takes no {', '.join(clashing)}; "
                "drop them, or leave out --demo to generate your own data"
            )
        return Config(
            leads=int(DEMO["leads"]),
            seed=int(DEMO["seed"]),
            out=args.out if args.out is not None else Path(DEMO["out"]),
            activities_per_lead=float(DEMO["activities_per_lead"]),
            defects=True,
            file_prefix="raw_",
            demo=True,
            offer_plan=DEMO_OFFER_PLAN if args.out is None else None,
        )
    missing = [
        flag for flag, value in (("--leads", args.leads), ("--out", args.out)) if value is None
    ]
    if missing:
        raise UsageError(f"{' and '.join(missing)} required (or use --demo for the demo seeds)")
    if args.leads > MAX_LEADS:
        raise UsageError(
            f"--leads {args.leads} is more than this generator supports "
            f"({MAX_LEADS}); generate several directories with different --seed"
        )
    start = args.start_date or DEFAULT_START
    end = args.end_date or DEFAULT_END
    if start > end:
        raise UsageError(f"--start-date {start} is after --end-date {end}")
    if end + dt.timedelta(days=GRACE_DAYS) > dt.date.today():
        raise UsageError(
            f"--end-date {end} is too recent: events run until {GRACE_DAYS} days after it, "
            f"which would be in the future; use an end date before "
            f"{dt.date.today() - dt.timedelta(days=GRACE_DAYS)}"
        )
    shape = args.shape or "files"
    if shape != "files":
        for flag, value in (("--defects", args.defects), ("--landing-days", args.landing_days)):
            if value:
                raise UsageError(
                    f"{flag} is for the files shape only; drop it or leave out --shape {shape}"
                )
    if args.defects and args.leads < 50:
        raise UsageError("--defects needs at least 50 leads to place its defects; raise --leads")
    return Config(
        leads=args.leads,
        seed=args.seed if args.seed is not None else 0,
        out=args.out,
        fmt=args.fmt or "csv",
        start=start,
        end=end,
        activities_per_lead=args.activities_per_lead or 20.0,
        defects=args.defects,
        landing_days=args.landing_days,
        shape=shape,
    )


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OSError(
            f"cannot create output directory {out}: {error.strerror}; choose another --out"
        ) from error
    if not out.is_dir():
        raise OSError(f"--out {out} exists and is not a directory; choose another --out")
    if not os.access(out, os.W_OK | os.X_OK):
        raise OSError(f"cannot write to {out} (permission denied); choose a writable --out")


def _sibling_warnings(cfg: Config) -> list[str]:
    """Other layouts of the same table in DIR make raw_dir ambiguous: say so."""
    warnings: list[str] = []
    if cfg.shape != "files":
        return warnings
    other = "csv" if cfg.fmt == "parquet" else "parquet"
    for table in TABLE_COLUMNS:
        name = f"{cfg.file_prefix}{table}"
        candidates = [cfg.out / f"{name}.{other}"]
        if cfg.landing_days is None:
            candidates.append(cfg.out / name)
        else:
            candidates += [cfg.out / f"{name}.csv", cfg.out / f"{name}.parquet"]
        warnings += [
            f"{c} also exists; remove it so readers see only the new data"
            for c in candidates
            if c.exists()
        ]
    return warnings


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    """Generate and write the data for the command-line arguments; returns the exit code."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    console = Console(stderr=True, highlight=False)
    try:
        cfg = config_from_args(args)
    except UsageError as error:
        parser.error(str(error))
    began = time.perf_counter()
    try:
        _check_writable(cfg.out)
        with console.status(f"simulating {cfg.leads:,} leads (seed {cfg.seed})..."):
            data = generate(cfg)
        generated = time.perf_counter() - began
        total = sum(t.size for t in data.tables())
        done = 0

        def progress(rows: int) -> None:
            nonlocal done
            done += rows
            of_total = f" / {total:,}" if cfg.shape == "files" else ""
            status.update(f"writing {cfg.fmt} to {cfg.out}: {done:,}{of_total} rows")

        with console.status(f"writing {cfg.fmt} to {cfg.out}...") as status:
            if cfg.shape == "files":
                files = write_dataset(data, cfg, progress)
                connector_rows = {}
            else:
                connector_rows = write_crm_dataset(data, cfg, progress)
                files = list(connector_rows)
            plan_file = None
            if data.offer_plan is not None:
                plan_path = cfg.offer_plan or cfg.out / OFFER_SPEND_NAME
                plan_file = write_offer_plan(data.offer_plan, plan_path)
    except (OSError, UsageError) as error:
        console.print(f"[red]error:[/red] {error}")
        return 1
    elapsed = time.perf_counter() - began
    out = Console(highlight=False)
    if data.defects:
        table = Table(title="injected defects", title_justify="left")
        for column in ("table", "key", "defect"):
            table.add_column(column)
        for d in data.defects:
            table.add_row(d.table, d.key, d.defect)
        out.print(table)
    for warning in _sibling_warnings(cfg):
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if data.offer_plan is None:
        console.print(
            f"[yellow]warning:[/yellow] no {OFFER_SPEND_NAME} written: "
            f"{CHANNEL_SPEND} (the channel plan it splits) is missing"
        )
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    if connector_rows:
        rows = ", ".join(f"{path.stem} {count:,}" for path, count in connector_rows.items())
        out.print(
            f"[green]wrote[/green] {data.leads.total_rows:,} leads as {cfg.shape} connector "
            f"tables ({len(files)} {cfg.fmt} files, {size_mb:,.1f} MB) to {cfg.out} "
            f"in {elapsed:.1f}s (simulation {generated:.1f}s): {rows}"
        )
    else:
        out.print(
            f"[green]wrote[/green] {data.leads.total_rows:,} leads, "
            f"{data.activities.total_rows:,} activities, "
            f"{data.stage_changes.total_rows:,} stage changes "
            f"({len(files)} {cfg.fmt} files, {size_mb:,.1f} MB) to {cfg.out} "
            f"in {elapsed:.1f}s (simulation {generated:.1f}s)"
        )
    if plan_file is not None:
        rows = len(data.offer_plan or [])
        out.print(f"[green]wrote[/green] the offer plan ({rows} rows) to {plan_file}")
    return 0
