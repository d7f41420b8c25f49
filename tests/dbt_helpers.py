"""Helpers for tests that build the warehouse: run dbt like a user would, read the result."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).with_name("dbt")
# The lead-funnel command of the Python running the tests (.venv: make setup installs it).
LEAD_FUNNEL = (sys.executable, "-m", "lead_funnel")


def run_dbt(
    args: list[str],
    db_path: Path,
    dbt_vars: dict[str, Any] | None = None,
    project_dir: Path = PROJECT_DIR,
    check: bool = True,
    artifacts: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run the dbt CLI against a DuckDB file of the test's own (never the user's warehouse).

    dbt runs in the database's folder, which also holds its target and logs folders. It names
    the database and the `raw_dir` var relative to that folder. Two tests with the same
    layout then give dbt the same profile and vars, so they can share dbt's parse state
    (shared_parse_state).

    dbt writes its JSON artifacts (manifest.json twice, graph.gpickle, run_results.json:
    about 2 s of a 25 s command here) only with `artifacts`, for a test that reads them. The
    compiled SQL and the parse state are written either way."""
    work = db_path.resolve().parent
    work.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "LEAD_FUNNEL_DB": db_path.name,
        "DBT_PROFILES_DIR": str(project_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(project_dir),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--write-json" if artifacts else "--no-write-json",
    ]
    if dbt_vars and dbt_vars.get("raw_dir"):
        dbt_vars = {**dbt_vars, "raw_dir": path_as_dbt_names_it(Path(dbt_vars["raw_dir"]), db_path)}
    vars_text = yaml.safe_dump(dbt_vars, default_flow_style=True).strip() if dbt_vars else ""
    if vars_text:
        command += ["--vars", vars_text]
    with shared_parse_state(work / "target", [str(project_dir), db_path.name, vars_text]):
        completed = subprocess.run(
            command, cwd=work, env=env, capture_output=True, text=True, check=False
        )
    if check and completed.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{completed.stdout[-6000:]}")
    return completed


def path_as_dbt_names_it(path: Path, db_path: Path) -> str:
    """A file under raw_dir as the warehouse names it (a ledger's landing_file, say) when
    run_dbt built db_path: relative to the database's folder, where run_dbt runs dbt and
    names raw_dir from."""
    return os.path.relpath(path, db_path.resolve().parent)


# Where the test session keeps dbt's parse states (tests/conftest.py sets it for the
# session; unset, nothing is shared)
PARSE_STATES = "LEAD_FUNNEL_TEST_PARSE_STATES"


@contextlib.contextmanager
def shared_parse_state(target: Path, inputs: list[str]) -> Iterator[None]:
    """Let a dbt command reuse the parse state another command of the session left for the
    same project, profile and vars.

    dbt parses the whole project (about 28 s here) when its target folder has no parse state
    (partial_parse.msgpack), or one saved under other vars or another profile. Otherwise it
    reparses only what changed (about 6.5 s). Most tests start in a new folder. Before the
    command, this copies in the state saved under the same inputs, unless the folder's last
    command had them. After it, this saves the folder's state under them. dbt checks the copied
    state as it checks its own: the same vars, profile and dbt version, and each file's hash.
    A state that does not match costs only the full parse it would have cost anyway."""
    states = os.environ.get(PARSE_STATES)
    if not states:
        yield
        return
    key = hashlib.sha256("\0".join(inputs).encode()).hexdigest()
    state = target / "partial_parse.msgpack"
    saved = Path(states) / f"{key}.msgpack"
    last_key = target / "parse_state_inputs.txt"
    if saved.is_file() and not (last_key.is_file() and last_key.read_text() == key):
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(saved, state)
    try:
        yield
    finally:
        if state.is_file():
            partial = saved.with_name(f"{key}.{os.getpid()}.partial")
            shutil.copyfile(state, partial)
            os.replace(partial, saved)
            last_key.write_text(key)


def build_from_scratch(
    db_path: Path, dbt_vars: dict[str, Any], *select: str, project_dir: Path = PROJECT_DIR
) -> Path:
    """The seeds and models (select: dbt's --select arguments; every one without) built with
    no test into an emptied database at db_path, in one dbt command: what `dbt seed` then
    `dbt run --full-refresh` build, without starting dbt twice.

    A test comparing an incremental database with builds from scratch keeps each database in
    a folder of its own, under one name, and builds from scratch at one path each time: run_dbt
    puts dbt's target folder beside the database, and the folders then share dbt's parse state
    (shared_parse_state)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (db_path, db_path.with_name(f"{db_path.name}.wal")):
        stale.unlink(missing_ok=True)
    selection = ["--select", *select] if select else []
    run_dbt(
        ["build", "--full-refresh", "--exclude-resource-type", "test", "unit_test", *selection],
        db_path,
        dbt_vars,
        project_dir,
    )
    return db_path


# What a copy of the dbt project for a test does not need: build outputs, the Python package
# and its tests (installed in the venv), and the demo raw seeds (the test sets raw_dir). The
# virtual environments (.venv and the .venv-* the engine and BI-client checks create:
# gigabytes) are left out by their prefix.
COPY_SKIPS_AT_ROOT = {
    ".git",
    "target",
    "logs",
    "build",
    "warehouse",
    "scripts",
    "src",
    "tests",
    "expectations",
}


def copy_project(destination: Path) -> Path:
    """A copy of the dbt project at destination, to edit or to build on raw_dir files."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        here = Path(directory)
        skipped = {name for name in names if name in {"__pycache__", ".pytest_cache"}}
        if here == PROJECT_DIR:
            skipped |= COPY_SKIPS_AT_ROOT & set(names)
            skipped |= {name for name in names if name.startswith(".venv")}
        if here == PROJECT_DIR / "seeds" / "demo":
            skipped |= {name for name in names if name.startswith("raw_")}
        return skipped

    shutil.copytree(PROJECT_DIR, destination, ignore=ignore)
    return destination


def run_results(db_path: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    """What the last dbt command on db_path wrote to run_results.json (run_dbt with
    artifacts=True): its invocation_id, and each node's result by the node's name (a generic
    test's name without the hash dbt appends)."""
    results = json.loads(
        (db_path.resolve().parent / "target" / "run_results.json").read_text("utf-8")
    )
    by_name = {result["unique_id"].split(".")[2]: result for result in results["results"]}
    return results["metadata"]["invocation_id"], by_name


def query(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query against the built database (read-only)."""
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def write_csv(path: Path, rows: Iterable[dict[str, str]], columns: list[str] | None = None) -> None:
    """Write rows as a raw CSV file with a header: `columns` (a value a row lacks is written
    empty), or the first row's keys."""
    records = list(rows)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or list(records[0]), restval="")
        writer.writeheader()
        writer.writerows(records)


def raw_lead(lead_id: str) -> dict[str, str]:
    """A raw leads row that passes triage: a business email, created 2025-01-02 10:00."""
    return {
        "lead_id": lead_id,
        "created_at": "2025-01-02 10:00:00",
        "email": f"{lead_id.lower()}@example-corp.com",
        "first_name": "Ana",
        "last_name": "Lopez",
        "job_title": "VP Marketing",
        "company_name": "Example Corp",
        "company_size": "500",
        "industry": "software",
        "country": "US",
        "lead_source": "event",
        "acquisition_offer": "demo_request",
    }


def raw_activity(
    activity_id: str, lead_id: str, activity_type: str, day: int = 1
) -> dict[str, str]:
    """A raw activities row, at 10:00 on day `day` of February 2025."""
    return {
        "activity_id": activity_id,
        "lead_id": lead_id,
        "activity_type": activity_type,
        "occurred_at": f"2025-02-{day:02d} 10:00:00",
    }


def pipeline(
    *args: str, project_dir: Path = PROJECT_DIR, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `lead-funnel ARGS...` like a user would (a subprocess), on the project at
    project_dir (a copy: $LEAD_FUNNEL_PROJECT_DIR), capturing its output (extra environment
    variables in env)."""
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "COLUMNS": "120",
        "LEAD_FUNNEL_PROJECT_DIR": str(project_dir),
        **(env or {}),
    }
    return subprocess.run(
        [*LEAD_FUNNEL, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def load_crm_fixture(crm: str, schema: str, db_path: Path, work: Path) -> None:
    """Load a CRM fixture (tests/fixtures/crm/<crm>) as typed tables into `schema` of a DuckDB
    file, through the loader project, as a connector would sync them."""
    loader = subprocess.run(
        [
            str(DBT),
            "seed",
            "--full-refresh",
            "--project-dir",
            str(PROJECT_DIR / "tests" / "fixtures" / "crm" / "loader"),
            "--target-path",
            str(work / "loader_target"),
            "--log-path",
            str(work / "loader_logs"),
            "--vars",
            f"{{crm_schema: {schema}}}",
        ],
        env={
            **os.environ,
            "CRM_FIXTURE": crm,
            "LEAD_FUNNEL_DB": str(db_path),
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert loader.returncode == 0, loader.stdout[-4000:]


def load_module(path: Path) -> ModuleType:
    """A Python file imported by its path, without the import path: for the BI-client scripts
    (they run in environments without the lead_funnel package) and, from an environment that
    has no lead_funnel installed (.venv-postgres), the package's common module."""
    spec = importlib.util.spec_from_file_location(f"_loaded_{path.stem}", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
