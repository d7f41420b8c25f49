"""Share the published demo warehouse between test modules (one build per session).

The tests import the installed lead_funnel package (`make setup` installs it editable) and
run the `lead-funnel` command as a user would; dbt_helpers sits beside them (pytest puts
this folder on the import path, as for any rootdir-less test folder)."""

from pathlib import Path

import pytest

from dbt_helpers import pipeline


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse, built and published once for the session (unmasked)."""
    db_path = tmp_path_factory.mktemp("published") / "lead_funnel.duckdb"
    completed = pipeline("run", "--db", str(db_path))
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-3000:]
    assert "Published" in completed.stdout
    return db_path
