"""The `lead-funnel` command: one entry point, a subcommand per task.

    lead-funnel run [--raw-dir DIR] [--db PATH] [--vars YAML] ...   build, validate, publish
    lead-funnel COMMAND --help                                        a command's options

Each subcommand is a module's main(argv), imported only when it runs (dbt, Great Expectations
and the generator load nothing they are not asked for).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

EXIT_USAGE = 64  # EX_USAGE, as `lead-funnel run` (2 means a failed validation there)


@dataclass(frozen=True)
class Command:
    """A subcommand: the module and function that run it, and one line for the overview."""

    module: str
    function: str
    summary: str


COMMANDS: dict[str, Command] = {
    "run": Command(
        "lead_funnel.pipeline",
        "main",
        "build with dbt, validate with Great Expectations, publish atomically for BI readers",
    ),
    "validate": Command(
        "lead_funnel.validate",
        "main",
        "run the Great Expectations suites (expectations/) on a built or published warehouse",
    ),
    "publish": Command(
        "lead_funnel.pipeline",
        "publish_main",
        "publish the last finished build again (another storage format, a Parquet export)",
    ),
    "report": Command(
        "lead_funnel.report",
        "main",
        "write the funnel and SLA report (HTML) from a published warehouse",
    ),
    "generate": Command(
        "lead_funnel.generate",
        "main",
        "generate synthetic raw leads, activities and stage changes (CSV or Parquet)",
    ),
    "benchmark": Command(
        "lead_funnel.benchmark",
        "main",
        "benchmark full, one-day and two-day runs at scale against the floor and lower bound",
    ),
    "compare-builds": Command(
        "lead_funnel.equivalence",
        "main",
        "compare the contract models of two builds row for row",
    ),
}

PROG = "lead-funnel"


def overview() -> str:
    """The top-level help: usage, the subcommands, where to read more."""
    width = max(len(name) for name in COMMANDS)
    lines = [
        f"usage: {PROG} COMMAND [OPTIONS]",
        "",
        "Build, check and publish the Lead Funnel Warehouse (a dbt + DuckDB project).",
        "",
        "commands:",
        *(f"  {name:<{width}}  {command.summary}" for name, command in COMMANDS.items()),
        "",
        f"`{PROG} COMMAND --help` lists a command's options. `{PROG} run` with no options",
        "builds the demo warehouse into warehouse/lead_funnel.duckdb (as `make run`).",
    ]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def _program_name(name: str) -> Iterator[None]:
    """argparse names the program after sys.argv[0]: `lead-funnel run` in a command's usage."""
    saved = sys.argv[0] if sys.argv else ""
    if sys.argv:
        sys.argv[0] = name
    else:
        sys.argv.append(name)
    try:
        yield
    finally:
        sys.argv[0] = saved


def entry(name: str) -> Callable[[list[str]], int | None]:
    """A subcommand's main function (imported now)."""
    command = COMMANDS[name]
    return getattr(importlib.import_module(command.module), command.function)


def main(argv: list[str] | None = None) -> int:
    """Run `lead-funnel COMMAND ARGS...`; the exit code of the command."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        sys.stderr.write(overview())
        return EXIT_USAGE
    name, rest = args[0], args[1:]
    if name in {"-h", "--help", "help"}:
        sys.stdout.write(overview())
        return 0
    if name not in COMMANDS:
        sys.stderr.write(
            f"usage: {PROG} COMMAND [OPTIONS]\n"
            f"{PROG}: error: unknown command {name!r}; the commands are "
            f"{', '.join(COMMANDS)} (`{PROG} --help`).\n"
        )
        return EXIT_USAGE
    with _program_name(f"{PROG} {name}"):
        try:
            result = entry(name)(rest)
        except SystemExit as exit_:  # argparse's --help and usage errors
            code = exit_.code
            return code if isinstance(code, int) else (0 if code is None else 1)
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
