"""The published file opens, read-only, in the clients BI tools embed (make test-bi-clients).

A fresh demo publish is read by each client in its own pinned environment (make/clients.mk):
duckdb 1.4.x and 1.5.x for Python, Superset's SQLAlchemy 1.4 + duckdb-engine + pandas.read_sql,
and @duckdb/node-api 1.5 (Evidence) through node. For every contract model the row count and a
content checksum (scripts/clients/canonical.py, read_models.py) must equal what the project's
own duckdb reads. A client that cannot open the file fails. Outside `make test-bi-clients`
(which sets LEAD_FUNNEL_BI_CLIENTS=1) the module is skipped: the environments may not exist.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dbt_helpers import PROJECT_DIR, load_module, pipeline
from lead_funnel.common import CONTRACT_MODELS

pytestmark = pytest.mark.skipif(
    os.environ.get("LEAD_FUNNEL_BI_CLIENTS") != "1",
    reason="the BI-client environments are made by `make test-bi-clients`",
)

CLIENTS = PROJECT_DIR / "scripts" / "clients"
# standalone scripts (they run in the clients' environments), imported by their path
canonical = load_module(CLIENTS / "canonical.py")
read_models = load_module(CLIENTS / "read_models.py")
NODE_CLIENT = CLIENTS / "node"
# client -> (its environment's python, how read_models.py reads)
PYTHON_CLIENTS = {
    "duckdb14": (PROJECT_DIR / ".venv-client-duckdb14" / "bin" / "python", "duckdb"),
    "duckdb15": (PROJECT_DIR / ".venv-client-duckdb15" / "bin" / "python", "duckdb"),
    "superset": (PROJECT_DIR / ".venv-client-superset" / "bin" / "python", "sqlalchemy"),
}
EXPECTED_VERSIONS = {
    "duckdb14": "duckdb 1.4.",
    "duckdb15": "duckdb 1.5.",
    "superset": "sqlalchemy 1.4.",
    "node": "@duckdb/node-api (duckdb v1.5.",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse, published by the pipeline with its default storage version."""
    db_path = tmp_path_factory.mktemp("bi_clients") / "lead_funnel.duckdb"
    completed = pipeline("run", "--db", str(db_path))
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-3000:]
    return db_path


@pytest.fixture(scope="module")
def plan(demo: Path) -> Path:
    with duckdb.connect(str(demo), read_only=True) as connection:
        queries = canonical.model_queries(connection, CONTRACT_MODELS)
    path = demo.with_name("plan.json")
    path.write_text(json.dumps(queries))
    return path


@pytest.fixture(scope="module")
def reference(demo: Path, plan: Path) -> dict[str, Any]:
    """What the project's own duckdb (2.0) reads."""
    return read_models.read_with_duckdb(demo, json.loads(plan.read_text()))


def run_client(client: str, db: Path, plan: Path) -> subprocess.CompletedProcess[str]:
    if client == "node":
        command = ["node", str(NODE_CLIENT / "read_models.mjs"), str(db), str(plan)]
    else:
        python, via = PYTHON_CLIENTS[client]
        assert python.exists(), f"{python} is missing: run `make setup-bi-clients`"
        command = [str(python), str(CLIENTS / "read_models.py"), "--db", str(db)]
        command += ["--plan", str(plan), "--via", via]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)


def node_available() -> bool:
    return shutil.which("node") is not None and (NODE_CLIENT / "node_modules").is_dir()


@pytest.mark.parametrize("client", [*PYTHON_CLIENTS, "node"])
def test_client_reads_every_contract_model_as_duckdb_does(
    client: str, demo: Path, plan: Path, reference: dict[str, Any]
) -> None:
    if client == "node" and not node_available():
        pytest.skip("node (or scripts/clients/node/node_modules) not found: install node 18+")
    completed = run_client(client, demo, plan)
    assert completed.returncode == 0, f"{client} cannot read the file: {completed.stderr}"
    results = json.loads(completed.stdout)
    assert results.pop("client").startswith(EXPECTED_VERSIONS[client])
    expected = {model: reference[model] for model in CONTRACT_MODELS}
    assert results == expected
    assert all(counts["rows"] > 0 for counts in expected.values())


def test_a_file_in_duckdb_2_format_fails_the_check(demo: Path, plan: Path) -> None:
    """The check does fail on a file a 1.x client cannot open (DuckDB 2.0's own format)."""
    from lead_funnel.publish import NATIVE_STORAGE_VERSION, write_published_copy

    native = demo.with_name("native.duckdb")
    write_published_copy(demo.with_name("lead_funnel.build.duckdb"), native, NATIVE_STORAGE_VERSION)
    completed = run_client("duckdb15", native, plan)
    assert completed.returncode == 1
    assert "error:" in completed.stderr and "version" in completed.stderr.lower()
