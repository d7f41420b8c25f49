"""A model's column_rules test (macros/run/column_rules.sql) checks, in one query, the column
rules declared in its YAML (not_null, unique, accepted_values, value_between, not_greater_than,
expression_is_true, unique_combination) that the build does not run as nodes of their own, as
`lead-funnel run` does (pipeline.consolidated_tests): a broken rule fails it, naming the rule
and the column.

A copy of the project whose market_benchmarks seed breaks one rule of each kind, built the way
the run builds (the rule tests left out) and the way make test builds (every test a node)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dbt_helpers import PROJECT_DIR, copy_project, run_dbt, run_results
from lead_funnel.pipeline import COLUMN_RULE_TESTS

SEED = "market_benchmarks"
# the way `lead-funnel run` builds: the rule tests left out, column_rules checks them
AS_THE_RUN = ["--exclude", *(f"test_name:{rule}" for rule in COLUMN_RULE_TESTS)]
GOOD = "metric,low,high,source,source_year,notes\nlead_to_mql,0.04,0.25,a study,2012,\n"
# one row breaking a rule of each kind: an unknown and a duplicated metric, a null low, a high
# above 1 (value_between), low above high (expression_is_true and not_greater_than); every row
# has the same source and no notes (unique_combination, where a null is a value)
BAD = (
    "metric,low,high,source,source_year,notes\n"
    "lead_to_mql,0.04,0.25,a study,2012,\n"
    "lead_to_mql,0.04,0.25,a study,2012,\n"
    "lead_to_anything,0.04,0.25,a study,2012,\n"
    "mql_to_sal,,0.5,a study,2012,\n"
    "sal_to_sql,0.5,1.5,a study,2012,\n"
    "sql_to_opportunity,0.8,0.4,a study,2012,\n"
)
BROKEN = [
    "unique on market_benchmarks.metric: 1 duplicated values",
    "accepted_values on market_benchmarks.metric: 1 rows",
    "not_null on market_benchmarks.low: 1 rows",
    "value_between on market_benchmarks.high: 1 rows",
    "expression_is_true on market_benchmarks: 2 rows",  # a null low is not true either
    "not_greater_than on market_benchmarks.low: 1 rows",
    "unique_combination on market_benchmarks (source, notes): 1 duplicated combinations",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with two more rules on the seed: low not greater than high, and one row
    per source and notes (the seeds declare no not_greater_than or unique_combination of their
    own)."""
    copy = copy_project(tmp_path_factory.mktemp("project") / "lead_funnel")
    yml = copy / "seeds" / "config" / f"{SEED}.yml"
    source = yml.read_text(encoding="utf-8")
    rules = "[not_null, value_between]"  # low's, the first column with these rules
    assert rules in source
    more = "[not_null, value_between, not_greater_than: {arguments: {other_column: high}}]"
    source = source.replace(rules, more, 1)
    model_rules = "data_tests:\n      - column_rules\n"
    assert model_rules in source
    combination = "      - unique_combination: {arguments: {columns: [source, notes]}}\n"
    yml.write_text(source.replace(model_rules, model_rules + combination, 1), encoding="utf-8")
    return copy


def build(project: Path, db_path: Path, rows: str, *selection: str) -> dict[str, dict]:
    """dbt build of the seed (with `rows` as its file) and its tests; result per test name."""
    (project / "seeds" / "config" / f"{SEED}.csv").write_text(rows, encoding="utf-8")
    raw = db_path.parent / "raw"  # the raw tables are not built: no file needed
    dbt_vars = {"raw_dir": str(raw)}
    run_dbt(
        ["build", "--select", SEED, *selection],
        db_path,
        dbt_vars,
        project,
        check=False,
        artifacts=True,
    )
    return run_results(db_path)[1]


def column_rules_result(results: dict[str, dict]) -> dict:
    [name] = [name for name in results if name.startswith("column_rules_")]
    return results[name]


def test_column_rules_checks_the_rules_the_build_leaves_out(project: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "dbt" / "lead_funnel.duckdb"
    db_path.parent.mkdir()

    results = build(project, db_path, GOOD, *AS_THE_RUN)
    tests = [name for name, result in results.items() if result["unique_id"].startswith("test.")]
    assert tests == [f"column_rules_{SEED}_"], "the rule tests are left out"
    assert column_rules_result(results)["status"] == "pass"

    results = build(project, db_path, BAD, *AS_THE_RUN)
    checked = column_rules_result(results)
    assert checked["status"] == "error"
    for broken in BROKEN:
        assert broken in checked["message"], f"{broken!r} not named in {checked['message']}"
    assert "not_null on market_benchmarks.metric" not in checked["message"]


def test_rules_run_as_nodes_are_not_checked_again(project: Path, tmp_path: Path) -> None:
    """make test's build runs every rule as a node of its own: each broken one fails by name,
    and column_rules has nothing left to check."""
    db_path = tmp_path / "dbt" / "lead_funnel.duckdb"
    db_path.parent.mkdir()
    results = build(project, db_path, BAD)
    assert column_rules_result(results)["status"] == "pass"
    failed = {name for name, result in results.items() if result["status"] == "fail"}
    assert {
        "unique_market_benchmarks_metric",
        "not_null_market_benchmarks_low",
        "not_greater_than_market_benchmarks_low__high",
        "unique_combination_market_benchmarks_source__notes",
    } <= failed
    assert len(failed) == len(BROKEN)


def rule_names(tests: list | None) -> set[str]:
    """The test names of a `data_tests:` list (a name, or a mapping from the name)."""
    return {test if isinstance(test, str) else next(iter(test)) for test in tests or []}


# The CRM adapters' staging models (enabled by crm_source) keep their rules as nodes of their
# own for now: their YAML does not declare column_rules.
NOT_YET: tuple[str, ...] = ()


def test_every_model_with_column_rules_declares_column_rules() -> None:
    """Otherwise `lead-funnel run` runs its rules as a node each (nothing is lost, but the
    run pays dbt's overhead per rule)."""
    missing = []
    for path in sorted([*PROJECT_DIR.glob("models/**/*.yml"), *PROJECT_DIR.glob("seeds/**/*.yml")]):
        relative = path.relative_to(PROJECT_DIR).as_posix()
        if relative.startswith(NOT_YET):
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in [*document.get("models", []), *document.get("seeds", [])]:
            declared = rule_names(entry.get("data_tests"))
            rules = declared | {
                name
                for column in entry.get("columns", [])
                for name in rule_names(column.get("data_tests"))
            }
            if rules & set(COLUMN_RULE_TESTS) and "column_rules" not in declared:
                missing.append(f"{relative}: {entry['name']}")
    assert not missing, "declare data_tests: [column_rules] on:\n" + "\n".join(missing)


def test_the_run_leaves_out_exactly_the_consolidated_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lead-funnel run` leaves the consolidated tests out with a few selectors, not 1,100
    names (dbt matches each name against every node: about 18 s a build): the tests dbt lists
    with those exclusions are exactly every test but consolidated_tests."""
    from lead_funnel import pipeline
    from lead_funnel.common import run_dbt as run_in_process

    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    db_path = tmp_path / "lead_funnel.duckdb"
    manifest = pipeline.parse_project(db_path, [])
    assert manifest is not None
    consolidated = set(pipeline.consolidated_tests(manifest))
    exclusions = pipeline.consolidated_test_exclusions(manifest)
    assert len(consolidated) > 500
    assert exclusions == [f"test_name:{rule},config.severity:error" for rule in COLUMN_RULE_TESTS]

    listing = ["ls", "--quiet", "--resource-type", "test", "--output", "name"]
    every_test = set(run_in_process(listing, db_path, manifest=manifest).listed)
    kept = set(
        run_in_process([*listing, "--exclude", *exclusions], db_path, manifest=manifest).listed
    )
    assert every_test - kept == consolidated
