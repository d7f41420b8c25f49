"""Make the scripts importable from the tests (they are run as files by users), and share the
published demo warehouse between test modules (one build per session)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dbt_helpers import pipeline


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse, built and published once for the session (unmasked)."""
    db_path = tmp_path_factory.mktemp("published") / "lead_funnel.duckdb"
    completed = pipeline("run", "--db", str(db_path))
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-3000:]
    assert "Published" in completed.stdout
    return db_path
