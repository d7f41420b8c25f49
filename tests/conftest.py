"""Share builds between test modules (one build per session): the published demo warehouse
and the hand-built accounts warehouse.

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


@pytest.fixture(scope="session")
def accounts_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-built accounts warehouse of test_accounts.py (six accounts), built once for
    the session: test_accounts.py and test_metrics.py only read it. Named like the build
    database: the semantic manifest names its catalog (lead_funnel)."""
    from test_accounts import build_accounts_warehouse

    return build_accounts_warehouse(
        tmp_path_factory.mktemp("accounts"), db_name="lead_funnel.duckdb"
    )
