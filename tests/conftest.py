"""Share builds between test modules (one build per session): the published demo warehouse
and the hand-built accounts warehouse.

The tests import the installed lead_funnel package (`make setup` installs it editable) and
run the `lead-funnel` command as a user would; dbt_helpers sits beside them (pytest puts
this folder on the import path, as for any rootdir-less test folder)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from dbt_helpers import PARSE_STATES, pipeline

# The modules that take minutes, longest first (pytest --durations=0, summed per file). With
# `--dist loadfile --no-loadscope-reorder` (the Makefile) pytest-xdist hands whole files to its
# workers in collection order: starting the longest ones lets the short ones fill in around
# them at the end, instead of one worker running the last long file alone. A module missing
# here runs after these, in the usual order.
LONGEST_FIRST = (
    "test_incremental.py",
    "test_landings.py",
    "test_tests_on_written_rows.py",
    "test_pipeline.py",
    "test_bad_files.py",
    "test_raw_formats.py",
    "test_pii.py",
    "test_bad_input.py",
    "test_qualifications.py",
    "test_publish.py",
    "test_logic_version.py",
    "test_accounts.py",
    "test_crm_hubspot.py",
    "test_event_attendance.py",
    "test_crm_salesforce.py",
)


# the folder of parse states this process made (and removes)
PARSE_STATES_MADE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """One folder of dbt parse states for the session (dbt_helpers.shared_parse_state), made
    by the process that starts pytest-xdist's workers: they inherit its environment."""
    if not hasattr(config, "workerinput") and PARSE_STATES not in os.environ:
        os.environ[PARSE_STATES] = tempfile.mkdtemp(prefix="lead-funnel-dbt-parse-")
        config.stash[PARSE_STATES_MADE] = os.environ[PARSE_STATES]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's parse states (only the folder pytest_configure made)."""
    made = config.stash.get(PARSE_STATES_MADE, None)
    if made:
        shutil.rmtree(made, ignore_errors=True)
        os.environ.pop(PARSE_STATES, None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the longest modules first (LONGEST_FIRST); the sort keeps every other order."""
    missing = [name for name in LONGEST_FIRST if not (Path(__file__).parent / name).is_file()]
    if missing:
        raise pytest.UsageError(f"tests/conftest.py LONGEST_FIRST names no test file: {missing}")
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


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
