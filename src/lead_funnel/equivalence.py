"""Equivalence check: every contract model holds the same rows before and after a change.

A refactoring (moved files, renamed intermediate models, a new package layout) must leave what
BI users read untouched. This module proves it on real builds:

  snapshot  one built warehouse -> a folder of canonical Parquet files (every row, ordered by
            all columns) and manifest.json (row count, column names and types and an
            order-independent sha256 of the content, per contract model)
  diff      two snapshots (or two `build` folders) -> a table per model; exit 1 with the first
            differing rows (EXCEPT ALL both ways) on any difference
  build     check out a revision into a temporary git worktree, build two scenarios with that
            revision's own pipeline and snapshot each:
              demo        the committed demo seeds
              landing10k  10,000 generated leads (with defects) landed as two daily landings:
                          the history is built, then the next day's landing is added and built
                          incrementally on the same build database
  check     build a "before" and an "after" and diff them

Runs are deterministic: fixed as_of per build, fixed generator seed, and the generated raw files
are made once into a cache folder and reused by every revision (the generator's output for the
same arguments is byte-identical; the cache records the sha256 of every file).

Doubles are compared to FLOAT_DIGITS significant digits: DuckDB fixes neither the order an
average sums its rows in between two builds nor after an incremental one, and a restructured
project may plan a query differently, so a last-bit difference is no change (the incremental
test compares the same way); --float-digits 0 compares them exactly. Everything else is
compared exactly. Only the standard library and duckdb are used, so any revision's virtual
environment runs this file.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import duckdb

# Where a project tree lists its contract models (the first file that exists wins): the package
# layout, then the scripts layout it replaced.
CONTRACT_SOURCES = ("src/lead_funnel/common.py", "scripts/common.py")
CONTRACT_NAME = "CONTRACT_MODELS"

# Significant digits doubles are compared to (0: exactly). See the module docstring.
FLOAT_DIGITS = 12
FLOAT_TYPES = frozenset({"DOUBLE", "FLOAT", "REAL", "FLOAT4", "FLOAT8"})

# Columns left out of the comparison because they differ between two builds of the same
# revision on the same data (a run's own timestamp, say): "model.column". When this check was
# written, two builds of one revision (both scenarios) were diffed, doubles compared exactly
# (--float-digits 0): every contract model was identical, so nothing is left out.
VOLATILE_COLUMNS: frozenset[str] = frozenset()

MANIFEST = "manifest.json"
BUILD_INFO = "build.json"
NULL_TOKEN = "\\N"
FIELD_SEPARATOR = "\x1f"

# The scenarios `build` makes; fixed inputs so two builds of one revision agree.
DEMO_AS_OF = "2026-01-15 00:00:00"
LANDING_LEADS = 10_000
LANDING_SEED = 11
LANDING_DAYS = 2
RAW_TABLES = ("leads", "activities", "stage_changes")
SCENARIOS = ("demo", "landing10k")

EXIT_OK = 0
EXIT_DIFFERENT = 1
EXIT_ERROR = 2
EXIT_USAGE = 64


class EquivalenceError(Exception):
    """A step failed; the message says what and what to do."""


def say(message: str) -> None:
    print(f"[equivalence {dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str | Path) -> str:
    return "'" + str(text).replace("'", "''") + "'"


# --------------------------------------------------------------------------------------------
# The contract list, read from a project tree without importing it
# --------------------------------------------------------------------------------------------


def contract_models(project_dir: Path) -> tuple[str, ...]:
    """CONTRACT_MODELS of the project at project_dir, parsed with ast (never imported: the
    module imports the project's dependencies and may be another revision's)."""
    for relative in CONTRACT_SOURCES:
        source = project_dir / relative
        if source.is_file():
            break
    else:
        tried = ", ".join(CONTRACT_SOURCES)
        raise EquivalenceError(
            f"{project_dir} is no lead-funnel project: none of {tried} exists "
            "(pass --project-dir, or --models a,b,...)"
        )
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = list(node.targets), node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        if value is None or not any(
            isinstance(target, ast.Name) and target.id == CONTRACT_NAME for target in targets
        ):
            continue
        try:
            models = ast.literal_eval(value)
        except ValueError as error:
            raise EquivalenceError(
                f"{source}: {CONTRACT_NAME} is not a literal list of names ({error})"
            ) from error
        if not isinstance(models, (list, tuple)) or not all(isinstance(m, str) for m in models):
            raise EquivalenceError(f"{source}: {CONTRACT_NAME} is not a list of model names")
        if not models:
            raise EquivalenceError(f"{source}: {CONTRACT_NAME} is empty")
        return tuple(models)
    raise EquivalenceError(f"{source} assigns no {CONTRACT_NAME} at module level")


# --------------------------------------------------------------------------------------------
# snapshot
# --------------------------------------------------------------------------------------------


def find_relation(connection: duckdb.DuckDBPyConnection, model: str) -> str:
    """The qualified name of a model's table or view: schema main first (the contract
    schema), else the only schema that holds it."""
    schemas = [
        row[0]
        for row in connection.execute(
            "select table_schema from information_schema.tables where table_name = ? "
            "order by table_schema",
            [model],
        ).fetchall()
    ]
    if not schemas:
        raise EquivalenceError(f"the database holds no table or view named {model}")
    schema = "main" if "main" in schemas else schemas[0]
    if schema != "main" and len(schemas) > 1:
        raise EquivalenceError(f"{model} is in several schemas ({', '.join(schemas)}), none main")
    return f"{quote_ident(schema)}.{quote_ident(model)}"


def canonical_field(column: str, column_type: str, float_digits: int) -> str:
    """SQL text of one column as compared: doubles to float_digits significant digits,
    everything else as DuckDB casts it to text; NULL as a token no value casts to."""
    ident = quote_ident(column)
    if float_digits and column_type.upper() in FLOAT_TYPES:
        text = f"format('{{:.{float_digits}g}}', {ident})"
    else:
        text = f"cast({ident} as varchar)"
    return f"coalesce({text}, {quote_text(NULL_TOKEN)})"


def canonical_select(relation: str, columns: Sequence[tuple[str, str]], float_digits: int) -> str:
    """A query of the compared columns as canonical text, one column per model column."""
    fields = ", ".join(
        f"{canonical_field(name, kind, float_digits)} as {quote_ident(name)}"
        for name, kind in columns
    )
    return f"select {fields} from {relation}"


def row_text_sql(columns: Sequence[tuple[str, str]], float_digits: int) -> str:
    parts = ", ".join(canonical_field(name, kind, float_digits) for name, kind in columns)
    return f"concat_ws({quote_text(FIELD_SEPARATOR)}, {parts})"


def content_sha256(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    columns: Sequence[tuple[str, str]],
    float_digits: int,
) -> str:
    """sha256 of the rows' canonical texts in sorted order: the same for the same multiset of
    rows, whatever order the table holds them in."""
    digest = hashlib.sha256()
    if not columns:
        return digest.hexdigest()
    cursor = connection.execute(
        f"select {row_text_sql(columns, float_digits)} as row_text from {relation} "
        "order by row_text"
    )
    while batch := cursor.fetchmany(10_000):
        for (text,) in batch:
            digest.update(text.encode("utf-8"))
            digest.update(b"\n")
    return digest.hexdigest()


def snapshot(
    db: Path,
    out: Path,
    models: Sequence[str],
    float_digits: int = FLOAT_DIGITS,
    exclude: frozenset[str] = VOLATILE_COLUMNS,
) -> dict[str, Any]:
    """Write out/<model>.parquet (all rows, ordered by all columns) and out/manifest.json."""
    if not db.is_file():
        raise EquivalenceError(f"no database at {db} (build it first)")
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.parquet"):
        stale.unlink()
    manifest: dict[str, Any] = {
        "database": str(db),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "duckdb_version": duckdb.__version__,
        "float_digits": float_digits,
        "excluded_columns": sorted(exclude),
        "models": {},
    }
    with duckdb.connect(str(db), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        for model in models:
            started = time.monotonic()
            relation = find_relation(connection, model)
            described = connection.execute(f"describe select * from {relation}").fetchall()
            columns = [(str(row[0]), str(row[1])) for row in described]
            compared = [(n, k) for n, k in columns if f"{model}.{n}" not in exclude]
            rows = connection.execute(f"select count(*) from {relation}").fetchone()
            row_count = int(rows[0]) if rows else 0
            target = out / f"{model}.parquet"
            order = "order by all" if columns else ""
            connection.execute(
                f"copy (select * from {relation} {order}) to {quote_text(target)} "
                "(format parquet, compression zstd)"
            )
            manifest["models"][model] = {
                "relation": relation,
                "rows": row_count,
                "columns": [{"name": n, "type": k} for n, k in columns],
                "compared_columns": [n for n, _ in compared],
                "sha256": content_sha256(connection, relation, compared, float_digits),
            }
            say(f"  {model}: {row_count:,} rows ({time.monotonic() - started:.1f}s)")
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


# --------------------------------------------------------------------------------------------
# diff
# --------------------------------------------------------------------------------------------


@dataclass
class ModelDiff:
    scenario: str
    model: str
    rows_a: int | None
    rows_b: int | None
    problems: list[str]
    samples: list[str]

    @property
    def same(self) -> bool:
        return not self.problems


def load_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise EquivalenceError(f"{directory} is no snapshot: {MANIFEST} is missing") from None
    except json.JSONDecodeError as error:
        raise EquivalenceError(f"{path} is not valid JSON: {error}") from error


def snapshot_dirs(directory: Path) -> dict[str, Path]:
    """A snapshot folder -> {"": folder}; a `build` folder -> {scenario: its snapshot}."""
    if not directory.is_dir():
        raise EquivalenceError(f"no snapshot folder {directory}")
    if (directory / MANIFEST).is_file():
        return {"": directory}
    found = {
        child.name: child
        for child in sorted(directory.iterdir())
        if child.is_dir() and (child / MANIFEST).is_file()
    }
    if not found:
        raise EquivalenceError(
            f"{directory} holds no snapshot ({MANIFEST}) nor scenario folders with one"
        )
    return found


def differing_rows(
    dir_a: Path,
    dir_b: Path,
    model: str,
    columns: Sequence[tuple[str, str]],
    float_digits: int,
    limit: int,
) -> list[str]:
    """The first rows only in A and only in B (EXCEPT ALL both ways, duplicates counted)."""
    lines: list[str] = []
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        sides = {
            side: canonical_select(
                f"read_parquet({quote_text(folder / f'{model}.parquet')})", columns, float_digits
            )
            for side, folder in (("A", dir_a), ("B", dir_b))
        }
        names = [name for name, _ in columns]
        for side, other in (("A", "B"), ("B", "A")):
            query = f"({sides[side]}) except all ({sides[other]})"
            count_row = connection.execute(f"select count(*) from ({query})").fetchone()
            count = int(count_row[0]) if count_row else 0
            if not count:
                continue
            lines.append(f"    {count:,} row(s) only in {side}; the first {min(count, limit)}:")
            rows = connection.execute(f"select * from ({query}) order by all limit {limit}")
            for row in rows.fetchall():
                pairs = ", ".join(
                    f"{n}={'NULL' if v == NULL_TOKEN else v}"
                    for n, v in zip(names, row, strict=True)
                )
                lines.append(f"      {pairs}")
    return lines


def diff_snapshots(
    dir_a: Path,
    dir_b: Path,
    scenario: str,
    limit: int,
    ignored: frozenset[str] = frozenset(),
) -> list[ModelDiff]:
    """Compare two snapshots model by model. `ignored` names columns ("model.column") left
    out of the content comparison (they must still exist on both sides, with the same type):
    for a column whose values change by design, such as a fingerprint that hashes the code."""
    manifest_a, manifest_b = load_manifest(dir_a), load_manifest(dir_b)
    digits = (manifest_a.get("float_digits"), manifest_b.get("float_digits"))
    if digits[0] != digits[1]:
        raise EquivalenceError(
            f"the snapshots compare doubles differently (float_digits {digits[0]} vs "
            f"{digits[1]}): take both with the same --float-digits"
        )
    float_digits = int(digits[0] or 0)
    models_a: dict[str, Any] = manifest_a["models"]
    models_b: dict[str, Any] = manifest_b["models"]
    results: list[ModelDiff] = []
    for model in [*models_a, *(m for m in models_b if m not in models_a)]:
        a, b = models_a.get(model), models_b.get(model)
        if a is None or b is None:
            results.append(
                ModelDiff(
                    scenario,
                    model,
                    None if a is None else int(a["rows"]),
                    None if b is None else int(b["rows"]),
                    [f"missing in {'A' if a is None else 'B'}"],
                    [],
                )
            )
            continue
        problems: list[str] = []
        columns_a = [(c["name"], c["type"]) for c in a["columns"]]
        columns_b = [(c["name"], c["type"]) for c in b["columns"]]
        if [n for n, _ in columns_a] != [n for n, _ in columns_b]:
            only_a = [n for n, _ in columns_a if n not in dict(columns_b)]
            only_b = [n for n, _ in columns_b if n not in dict(columns_a)]
            detail = f"only in A {only_a}, only in B {only_b}" if only_a or only_b else "order"
            problems.append(f"columns ({detail})")
        types_b = dict(columns_b)
        changed = [
            f"{n} {k}->{types_b[n]}" for n, k in columns_a if n in types_b and types_b[n] != k
        ]
        if changed:
            problems.append("types (" + ", ".join(changed) + ")")
        if a["rows"] != b["rows"]:
            problems.append("row count")
        samples: list[str] = []
        skipped = {c.split(".", 1)[1] for c in ignored if c.split(".", 1)[0] == model}
        shared = [
            (n, k)
            for n, k in columns_a
            if n in types_b
            and n in a["compared_columns"]
            and n in b["compared_columns"]
            and n not in skipped
        ]
        if skipped:
            samples = differing_rows(dir_a, dir_b, model, shared, float_digits, limit)
            if samples:
                problems.append("content (without " + ", ".join(sorted(skipped)) + ")")
        elif a["sha256"] != b["sha256"] or a["compared_columns"] != b["compared_columns"]:
            problems.append("content")
            samples = differing_rows(dir_a, dir_b, model, shared, float_digits, limit)
        results.append(ModelDiff(scenario, model, a["rows"], b["rows"], problems, samples))
    return results


def print_table(results: Sequence[ModelDiff]) -> None:
    header = ("scenario", "model", "rows A", "rows B", "result")
    body = [
        (
            r.scenario or "-",
            r.model,
            "-" if r.rows_a is None else f"{r.rows_a:,}",
            "-" if r.rows_b is None else f"{r.rows_b:,}",
            "same" if r.same else "DIFFERS: " + "; ".join(r.problems),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    for index, row in enumerate([header, *body]):
        cells = [
            cell.rjust(width) if 2 <= column <= 3 else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))


def diff(dir_a: Path, dir_b: Path, limit: int = 5, ignored: frozenset[str] = frozenset()) -> int:
    """Compare two snapshots (or two build folders, scenario by scenario); 0 same, 1 not.
    Columns in `ignored` ("model.column") are left out of the content comparison, and said so."""
    for column in sorted(ignored):
        if "." not in column:
            raise EquivalenceError(f"--ignore-column {column!r}: name it as MODEL.COLUMN")
    a_dirs, b_dirs = snapshot_dirs(dir_a), snapshot_dirs(dir_b)
    results: list[ModelDiff] = []
    missing: list[str] = []
    for scenario in [*a_dirs, *(s for s in b_dirs if s not in a_dirs)]:
        if scenario not in a_dirs or scenario not in b_dirs:
            missing.append(f"scenario {scenario} only in {'A' if scenario in a_dirs else 'B'}")
            continue
        say(f"diffing {scenario or 'snapshot'}: {a_dirs[scenario]} vs {b_dirs[scenario]}")
        results.extend(diff_snapshots(a_dirs[scenario], b_dirs[scenario], scenario, limit, ignored))
    print(f"A = {dir_a}\nB = {dir_b}\n")
    print_table(results)
    differing = [r for r in results if not r.same]
    for result in differing:
        if result.samples:
            print(f"\n{result.scenario + ': ' if result.scenario else ''}{result.model}")
            print("\n".join(result.samples))
    for line in missing:
        print(f"\n{line}")
    if differing or missing:
        names = sorted({r.model for r in differing})
        print(
            f"\nDIFFERENT: {len(differing)} model snapshot(s) differ: {', '.join(names)}"
            if names
            else ""
        )
        if missing:
            print("DIFFERENT: scenarios missing on one side")
        return EXIT_DIFFERENT
    if ignored:
        print(f"\nnot compared (--ignore-column): {', '.join(sorted(ignored))}")
    print(f"\nIDENTICAL: {len(results)} model(s), every row the same")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------------------------


def git(project_dir: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(project_dir), *args], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise EquivalenceError(f"git {' '.join(args)} failed: {completed.stderr.strip()}")
    return completed.stdout.strip()


def resolve_rev(project_dir: Path, rev: str) -> str:
    try:
        return git(project_dir, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except EquivalenceError:
        raise EquivalenceError(f"{rev!r} is no commit of the repository at {project_dir}") from None


def is_package_layout(tree: Path) -> bool:
    return (tree / "src" / "lead_funnel" / "cli.py").is_file()


def tree_env(tree: Path, db: Path, work: Path) -> dict[str, str]:
    """The environment a tree's pipeline runs in: its own profile and package, our database,
    dbt's target and logs outside the tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEAD_FUNNEL_", "DBT_"))}
    env.pop("PYTHONPATH", None)
    if "LEAD_FUNNEL_MEMORY_LIMIT" in os.environ:
        env["LEAD_FUNNEL_MEMORY_LIMIT"] = os.environ["LEAD_FUNNEL_MEMORY_LIMIT"]
    env.update(
        DBT_PROFILES_DIR=str(tree),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_VERSION_CHECK="false",
        DBT_TARGET_PATH=str(work / "target"),
        DBT_LOG_PATH=str(work / "logs"),
        LEAD_FUNNEL_DB=str(db),
    )
    if is_package_layout(tree):
        env["PYTHONPATH"] = str(tree / "src")
    return env


def tree_command(tree: Path, subcommand: str) -> list[str]:
    """The tree's own entry point for `run` or `generate`."""
    python = str(tree / ".venv" / "bin" / "python")
    if is_package_layout(tree):
        return [python, "-m", "lead_funnel.cli", subcommand]
    script = {"run": "pipeline.py", "generate": "generate_data.py"}[subcommand]
    return [python, str(tree / "scripts" / script), *(["run"] if subcommand == "run" else [])]


def run_logged(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> float:
    """Run a command, its output to log; seconds taken. On failure, the log's tail."""
    say("$ " + " ".join(command))
    started = time.monotonic()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write("$ " + " ".join(command) + "\n")
        handle.flush()
        completed = subprocess.run(
            command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, check=False
        )
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise EquivalenceError(
            f"exit {completed.returncode} after {seconds:.0f}s: {' '.join(command)}\n"
            f"last lines of {log}:\n{tail}"
        )
    return seconds


def generator_args(out: Path) -> list[str]:
    return [
        *("--leads", str(LANDING_LEADS), "--seed", str(LANDING_SEED), "--defects"),
        *("--landing-days", str(LANDING_DAYS), "--out", str(out)),
    ]


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def ensure_raw_cache(cache: Path, tree: Path, work: Path) -> Path:
    """The generated landings under cache/landing10k, generated once with the tree's own
    generator; reused while the recorded arguments and file hashes still match."""
    generated = cache / "landing10k"
    marker = cache / "landing10k.json"
    wanted = generator_args(Path("OUT"))
    if marker.is_file() and generated.is_dir():
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        if recorded.get("arguments") == wanted:
            if recorded.get("files") != file_hashes(generated):
                raise EquivalenceError(
                    f"the cached raw files under {generated} changed since they were generated; "
                    f"delete {cache} to generate them again"
                )
            say(f"reusing generated raw data in {generated}")
            return generated
    say(f"generating {LANDING_LEADS:,} leads into {generated}")
    shutil.rmtree(generated, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    env = tree_env(tree, work / "unused.duckdb", work)
    command = [*tree_command(tree, "generate"), *generator_args(generated)]
    seconds = run_logged(command, tree, env, work / "generate.log")
    record = {"arguments": wanted, "command": command, "files": file_hashes(generated)}
    marker.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    say(f"generated in {seconds:.0f}s")
    return generated


def landing_days(generated: Path) -> list[str]:
    """The landing days (YYYY-MM-DD) of the generated raw tables' files, oldest first (the
    generator's other outputs, such as offer_spend.csv, are not landings)."""
    days = sorted(
        {
            path.stem.rsplit("_", 1)[-1]
            for table in RAW_TABLES
            for path in (generated / table).glob("*.csv")
        }
    )
    if len(days) != LANDING_DAYS:
        raise EquivalenceError(f"{generated} holds {len(days)} landing days, not {LANDING_DAYS}")
    return days


def land(generated: Path, raw: Path, day: str) -> None:
    """Copy one landing day's files of every table into raw/<table>/."""
    for table in RAW_TABLES:
        (raw / table).mkdir(parents=True, exist_ok=True)
        for path in sorted((generated / table).glob(f"*_{day}.csv")):
            shutil.copy2(path, raw / table / path.name)


def next_midnight(day: str) -> str:
    return f"{dt.date.fromisoformat(day) + dt.timedelta(days=1)} 00:00:00"


def vars_text(as_of: str) -> str:
    return "{as_of: '" + as_of + "'}"


def build_tree(tree: Path, out: Path, cache: Path, work: Path, label: str) -> dict[str, Any]:
    """Build both scenarios from `tree` with its own pipeline and snapshot each into out/."""
    models = contract_models(tree)
    timings: dict[str, float] = {}
    commands: list[list[str]] = []
    run = tree_command(tree, "run")

    generated = ensure_raw_cache(cache, tree, work)

    say(f"[{label}] scenario demo: the demo seeds, as_of {DEMO_AS_OF}")
    demo_db = work / "demo" / "lead_funnel.duckdb"
    demo_db.parent.mkdir(parents=True, exist_ok=True)
    command = [*run, "--db", str(demo_db), "--vars", vars_text(DEMO_AS_OF)]
    commands.append(command)
    timings["demo build"] = run_logged(
        command, tree, tree_env(tree, demo_db, work / "demo"), work / "demo" / "pipeline.log"
    )

    landing_db = work / "landing10k" / "lead_funnel.duckdb"
    # the landings go into one folder beside the generated files, the same for both sides of
    # a check (built one after the other), so the landing paths the warehouse records
    # (dq_landing_reconciliation.landing_file, ...) are the same on both sides
    raw = cache / "landing10k-raw"
    shutil.rmtree(raw, ignore_errors=True)
    for index, day in enumerate(landing_days(generated)):
        land(generated, raw, day)
        as_of = next_midnight(day)
        kind = "full build of the history" if index == 0 else "incremental build"
        say(f"[{label}] scenario landing10k: landing {day}, {kind}, as_of {as_of}")
        command = [*run, "--raw-dir", str(raw), "--db", str(landing_db), "--vars", vars_text(as_of)]
        commands.append(command)
        timings[f"landing10k build {index + 1} ({day})"] = run_logged(
            command,
            tree,
            tree_env(tree, landing_db, work / "landing10k"),
            work / "landing10k" / "pipeline.log",
        )

    for scenario, db in (("demo", demo_db), ("landing10k", landing_db)):
        say(f"[{label}] snapshot {scenario} ({db.name}, the published file BI users read)")
        started = time.monotonic()
        snapshot(db, out / scenario, models)
        timings[f"{scenario} snapshot"] = time.monotonic() - started
    return {"contract_models": list(models), "commands": commands, "timings_seconds": timings}


def build(
    project_dir: Path,
    rev_or_tree: str,
    out: Path,
    cache: Path,
    work_root: Path | None,
    keep_work: bool = False,
) -> dict[str, Any]:
    """Build a revision (checked out into a temporary worktree) or an existing tree."""
    started = time.monotonic()
    (out / BUILD_INFO).unlink(missing_ok=True)  # written again only when this build succeeds
    if work_root is not None:
        work_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="equivalence-", dir=work_root))
    existing = Path(rev_or_tree)
    worktree: Path | None = None
    info: dict[str, Any] = {"source": rev_or_tree}
    try:
        if existing.is_dir() and contract_source_exists(existing):
            tree = existing.resolve()
            info["tree"] = str(tree)
            try:
                info["commit"] = git(tree, "rev-parse", "HEAD")
                info["dirty"] = bool(git(tree, "status", "--porcelain"))
            except EquivalenceError:
                info["commit"] = None
            say(f"building the tree {tree} as it is (commit {info['commit']})")
        else:
            commit = resolve_rev(project_dir, rev_or_tree)
            info["commit"] = commit
            worktree = work / "tree"
            say(f"checking out {rev_or_tree} ({commit[:12]}) into {worktree}")
            git(project_dir, "worktree", "add", "--detach", str(worktree), commit)
            for venv in sorted(project_dir.glob(".venv*")):
                (worktree / venv.name).symlink_to(venv.resolve(), target_is_directory=True)
            tree = worktree
        if not (tree / ".venv" / "bin" / "python").exists():
            raise EquivalenceError(f"{tree} has no .venv/bin/python (run `make setup` first)")
        info["layout"] = "src/lead_funnel" if is_package_layout(tree) else "scripts"
        info.update(build_tree(tree, out, cache, work, rev_or_tree))
        info["total_seconds"] = round(time.monotonic() - started, 1)
        info["timings_seconds"] = {k: round(v, 1) for k, v in info["timings_seconds"].items()}
        (out / BUILD_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        say(f"snapshots of {rev_or_tree} in {out} ({info['total_seconds']:.0f}s in all)")
        return info
    finally:
        if worktree is not None:
            subprocess.run(
                ["git", "-C", str(project_dir), "worktree", "remove", "--force", str(worktree)],
                capture_output=True,
                check=False,
            )
            subprocess.run(
                ["git", "-C", str(project_dir), "worktree", "prune"],
                capture_output=True,
                check=False,
            )
        if keep_work:
            say(f"kept the build folder {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def contract_source_exists(tree: Path) -> bool:
    return any((tree / relative).is_file() for relative in CONTRACT_SOURCES)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

PROG = "lead-funnel compare-builds"

EPILOG = f"""\
scenarios built by `build` (fixed inputs, so two builds of one revision agree):
  demo        the committed demo seeds, as_of {DEMO_AS_OF}
  landing10k  {LANDING_LEADS:,} generated leads (seed {LANDING_SEED}, with defects) as \
{LANDING_DAYS} daily landings:
              the history is built, then the next day is added and built
              incrementally; as_of is the midnight after each landing day

examples:
  {PROG} snapshot --db warehouse/lead_funnel.duckdb --out /tmp/snap
  {PROG} diff /tmp/before /tmp/after
  {PROG} build --rev HEAD~3 --out build/equivalence/before
  {PROG} check --before HEAD~1
      HEAD~1 against this working tree as it is (make check-equivalence BEFORE=HEAD~1)
  {PROG} check --before build/equivalence/before --after ../other-worktree
      snapshots an earlier build wrote against another worktree

exit codes:
  0   identical (diff, check) or done (snapshot, build)
  1   a contract model differs (its first differing rows are printed)
  2   a step failed (a build, git, a missing database); the message says which
  64  usage: bad arguments
"""


class UsageExitParser(argparse.ArgumentParser):
    """Bad arguments exit EXIT_USAGE (64), so 2 always means a failed step."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def add_ignore_column(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--ignore-column",
        action="append",
        default=[],
        metavar="MODEL.COLUMN",
        help="leave a column out of the content comparison (repeatable), for values that "
        "change by design, e.g. fct_lead_activities.lead_input_fingerprint when the code "
        "the fingerprints hash has changed; the output names every column left out",
    )


def make_parser() -> argparse.ArgumentParser:
    parser = UsageExitParser(
        prog=PROG,
        description=(
            "Prove that every contract model is identical, row for row, before and after a "
            "change: snapshot built warehouses, diff snapshots, or build a revision's two "
            "scenarios (the demo and an incremental landing of 10k generated leads) in a "
            "temporary git worktree and compare."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_project_dir(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--project-dir",
            type=Path,
            default=Path.cwd(),
            help="the lead-funnel repository (default: the current directory)",
        )

    sub = commands.add_parser(
        "snapshot",
        help="write a built warehouse's contract models as canonical Parquet + manifest",
        description=(
            "Open a built DuckDB warehouse read-only and write, for every contract model, "
            "OUT/<model>.parquet (all rows ordered by all columns) and OUT/manifest.json "
            "(row count, columns and types, an order-independent sha256 of the content)."
        ),
    )
    sub.add_argument("--db", type=Path, required=True, help="the DuckDB file to read")
    sub.add_argument("--out", type=Path, required=True, help="the snapshot folder to write")
    sub.add_argument(
        "--models",
        help="comma-separated model names (default: CONTRACT_MODELS of --project-dir)",
    )
    add_project_dir(sub)
    sub.add_argument(
        "--float-digits",
        type=int,
        default=FLOAT_DIGITS,
        help=f"significant digits doubles are compared to; 0 = exactly (default {FLOAT_DIGITS})",
    )

    sub = commands.add_parser(
        "diff",
        help="compare two snapshots (or two build folders); exit 1 on any difference",
        description=(
            "Compare two snapshots, or two `build` folders scenario by scenario: the same "
            "models, columns, types, row counts and content. Prints a table; on a difference "
            "prints the first rows only in A and only in B (EXCEPT ALL both ways) and exits 1."
        ),
    )
    sub.add_argument("dir_a", type=Path, metavar="DIR_A")
    sub.add_argument("dir_b", type=Path, metavar="DIR_B")
    sub.add_argument("--limit", type=int, default=5, help="differing rows shown per side")
    add_ignore_column(sub)

    def add_build_options(sub: argparse.ArgumentParser, beside: str) -> None:
        add_project_dir(sub)
        sub.add_argument(
            "--raw-cache",
            type=Path,
            help="where the generated raw landings are made once and reused "
            f"(default: raw-cache beside {beside})",
        )
        sub.add_argument(
            "--work-dir",
            type=Path,
            help="where temporary worktrees and databases go (default: the system temp dir)",
        )
        sub.add_argument(
            "--keep-work",
            action="store_true",
            help="keep the temporary databases and logs (the worktree is always removed)",
        )

    sub = commands.add_parser(
        "build",
        help="build a revision's scenarios in a temporary worktree and snapshot them",
        description=(
            "Check REV out into a temporary git worktree (the project's .venv* linked in), "
            "build the scenarios with that revision's own pipeline and snapshot the published "
            "file of each into OUT/demo and OUT/landing10k; OUT/build.json records the commit, "
            "commands and timings. REV may also be a directory: a tree built as it is."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--rev", required=True, help="a git revision, or a worktree directory")
    sub.add_argument("--out", type=Path, required=True, help="the folder for the snapshots")
    add_build_options(sub, "OUT")

    sub = commands.add_parser(
        "check",
        help="build before and after, then diff them",
        description=(
            "Build BEFORE and AFTER (see `build`) and diff every scenario. BEFORE may also be a "
            "folder `build` already wrote, which is reused as it is."
        ),
    )
    sub.add_argument(
        "--before",
        required=True,
        help="a git revision, or a folder of snapshots from an earlier `build`",
    )
    sub.add_argument(
        "--after",
        help="a git revision or a worktree directory (default: --project-dir as it is, "
        "uncommitted changes included)",
    )
    sub.add_argument(
        "--out",
        type=Path,
        default=Path("build/equivalence"),
        help="where OUT/before and OUT/after go (default build/equivalence)",
    )
    sub.add_argument("--limit", type=int, default=5, help="differing rows shown per side")
    add_ignore_column(sub)
    add_build_options(sub, "the before snapshots")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "snapshot":
            if args.models:
                models = tuple(m.strip() for m in args.models.split(",") if m.strip())
            else:
                models = contract_models(args.project_dir.resolve())
            say(f"snapshot of {len(models)} model(s) from {args.db} into {args.out}")
            snapshot(args.db.resolve(), args.out, models, args.float_digits)
            return EXIT_OK
        if args.command == "diff":
            return diff(args.dir_a, args.dir_b, args.limit, frozenset(args.ignore_column))
        project_dir = args.project_dir.resolve()
        if args.command == "build":
            out = args.out.resolve()
            cache = (args.raw_cache or out.parent / "raw-cache").resolve()
            build(project_dir, args.rev, out, cache, args.work_dir, args.keep_work)
            return EXIT_OK
        out = args.out if args.out.is_absolute() else project_dir / args.out
        before_dir = Path(args.before).resolve()
        reuse = before_dir.is_dir() and (before_dir / BUILD_INFO).is_file()
        # the raw cache beside the before snapshots, so both sides read the same files
        cache = (args.raw_cache or (before_dir.parent if reuse else out) / "raw-cache").resolve()
        if reuse:
            say(f"reusing the before snapshots in {before_dir}")
        else:
            before_dir = out / "before"
            build(project_dir, args.before, before_dir, cache, args.work_dir, args.keep_work)
        after_dir = out / "after"
        after = args.after or str(project_dir)
        build(project_dir, after, after_dir, cache, args.work_dir, args.keep_work)
        return diff(before_dir, after_dir, args.limit, frozenset(args.ignore_column))
    except EquivalenceError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except duckdb.Error as error:
        print(f"error: DuckDB: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
