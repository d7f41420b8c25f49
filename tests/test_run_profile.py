"""`lead-funnel run` builds without the unit tests (they check code, not the day's data) and
writes its profile beside the build database: wall seconds per step, dbt seconds per phase."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from lead_funnel import pipeline
from lead_funnel.common import DbtOutcome


@pytest.mark.parametrize(
    ("resource_type", "path", "phase"),
    [
        ("seed", "config/scoring_rules.csv", "staging"),
        ("model", "staging/base_leads.sql", "staging"),
        ("model", "run_context/run_as_of.sql", "staging"),
        ("model", "intermediate/scoring/int_activities_scored.sql", "scoring"),
        ("model", "models/intermediate/scoring/int_activities_scored.sql", "scoring"),
        ("model", "intermediate/funnel/int_lead_stage_entries.sql", "funnel"),
        ("model", "intermediate/sla/int_x.sql", "sla"),
        ("model", "intermediate/quality/int_x.sql", "quality"),
        ("model", "intermediate/accounts/int_accounts.sql", "accounts"),
        ("model", "marts/funnel/mart_funnel_cohort.sql", "marts"),
        ("model", "semantic/metricflow_time_spine.sql", "marts"),
        ("test", "not_null_scored_leads_lead_id.sql", "data tests"),
        ("unit_test", "marts/x.yml", "unit tests"),
        ("model", "somewhere_new/x.sql", "other"),
        ("snapshot", "x.sql", "other"),
    ],
)
def test_a_node_s_phase_comes_from_its_path(resource_type: str, path: str, phase: str) -> None:
    assert pipeline.phase_of(resource_type, path) == phase


def test_phase_seconds_sum_per_phase_in_build_order() -> None:
    totals = pipeline.phase_seconds(
        [
            ("test", "t.sql", 1.0),
            ("model", "marts/a.sql", 0.5),
            ("model", "staging/a.sql", 2.0),
            ("seed", "config/s.csv", 0.25),
            ("test", "u.sql", 3.0),
        ]
    )
    assert totals == {"staging": 2.25, "marts": 0.5, "data tests": 4.0}
    assert list(totals) == ["staging", "marts", "data tests"]


def _node_finished(resource_type: str, path: str, seconds: float) -> Any:
    node = SimpleNamespace(
        resource_type=resource_type, node_path=path, node_name=path, node_status="success"
    )
    return SimpleNamespace(
        info=SimpleNamespace(name="NodeFinished"),
        data=SimpleNamespace(node_info=node, run_result=SimpleNamespace(execution_time=seconds)),
    )


def test_the_run_s_dbt_build_leaves_the_unit_tests_out(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The dbt build of `lead-funnel run` excludes unit tests, and its progress count does
    too (the same EXCLUDED_RESOURCE_TYPES)."""
    calls: dict[str, Any] = {}
    parsed = SimpleNamespace(nodes={})

    def parse(db_path: Path, extra_args: list[str]) -> object:
        calls["parse_args"] = extra_args
        return parsed

    def count(manifest: Any, excluded: Any = ()) -> int:
        calls["count_excluded"] = tuple(excluded)
        return 2

    def run_dbt(
        args: list[str], db_path: Path, on_event: Any = None, manifest: Any = None
    ) -> DbtOutcome:
        calls["args"] = args
        calls["manifest"] = manifest
        on_event(_node_finished("model", "staging/a.sql", 1.5))
        on_event(_node_finished("test", "t.sql", 0.5))
        return DbtOutcome(success=True)

    monkeypatch.setattr(pipeline, "parse_project", parse)
    monkeypatch.setattr(pipeline, "count_build_nodes", count)
    monkeypatch.setattr(pipeline, "run_dbt", run_dbt)
    profile = pipeline.build(tmp_path / "b.duckdb", {}, full_refresh=False)
    args = calls["args"]
    assert args[0] == "build"
    excluded = [args[i + 1] for i, arg in enumerate(args) if arg == "--exclude-resource-type"]
    assert "unit_test" in excluded
    assert calls["count_excluded"] == tuple(excluded)
    # the project is parsed once, with the build's vars, and the build reuses that manifest
    assert calls["manifest"] is parsed
    assert calls["parse_args"] == args[args.index("--vars") : args.index("--vars") + 2]
    assert profile["phase_seconds"] == {"staging": 1.5, "data tests": 0.5}
    assert profile["nodes"] == {"model": 1, "test": 1}
    assert profile["nodes_expected"] == 2


def test_a_run_writes_its_profile_and_runs_no_unit_test(published: Path) -> None:
    """The demo run (the session's published warehouse): its profile beside the build
    database, no unit test among the nodes dbt ran, and as many nodes as it counted."""
    build_db = published.with_name("lead_funnel.build.duckdb")
    profile = json.loads(pipeline.timings_path(build_db).read_text())
    assert profile["exit_code"] == 0
    assert set(profile["wall_seconds"]) >= {"dbt build", "validation", "publish", "total"}
    assert "unit_test" not in profile["dbt_nodes"]
    assert "unit tests" not in profile["dbt_phase_seconds"]
    assert sum(profile["dbt_nodes"].values()) == profile["dbt_nodes_expected"]
    for phase in ("staging", "scoring", "funnel", "sla", "quality", "marts", "data tests"):
        assert profile["dbt_phase_seconds"][phase] > 0, phase
    assert "other" not in profile["dbt_phase_seconds"]


def _test_node(name: str, rule: str, model: str, severity: str = "ERROR", **kwargs: Any) -> Any:
    config = SimpleNamespace(
        enabled=True,
        severity=severity,
        error_if="!= 0",
        warn_if="!= 0",
        store_failures=None,
        limit=None,
    )
    metadata = SimpleNamespace(name=rule, kwargs={"model": "{{ ref('m') }}", **kwargs})
    return SimpleNamespace(
        name=name,
        resource_type="test",
        config=config,
        test_metadata=metadata,
        attached_node=f"model.lead_funnel.{model}",
    )


def test_the_run_leaves_out_the_rules_column_rules_checks() -> None:
    """consolidated_tests: the error-severity rule tests of a model that declares
    column_rules; a warn rule, a templated one, a relationships test and the rules of a model
    without column_rules stay nodes."""
    nodes = [
        _test_node("column_rules_a_", "column_rules", "a"),
        _test_node("not_null_a_x", "not_null", "a", column_name="x"),
        _test_node("accepted_values_a_y", "accepted_values", "a", column_name="y", values=[1]),
        _test_node("unique_a_x", "unique", "a", severity="warn", column_name="x"),
        _test_node("expression_is_true_a", "expression_is_true", "a", expression="{{ var('v') }}"),
        _test_node("relationships_a_x", "relationships", "a", column_name="x", to="ref('b')"),
        _test_node("not_null_b_x", "not_null", "b", column_name="x"),
    ]
    manifest = SimpleNamespace(nodes={node.name: node for node in nodes})
    assert pipeline.consolidated_tests(manifest) == ["accepted_values_a_y", "not_null_a_x"]


def test_the_run_excludes_a_rule_by_one_selector_unless_it_has_an_exception() -> None:
    """consolidated_test_exclusions: a rule whose error-severity tests are all consolidated is
    left out by one selector; a rule with a test that stays a node (here a templated
    expression_is_true) by the names of its consolidated tests only; a warn test does not
    stop its rule's selector (the selector matches severity error)."""
    nodes = [
        _test_node("column_rules_a_", "column_rules", "a"),
        _test_node("not_null_a_x", "not_null", "a", column_name="x"),
        _test_node("not_null_a_y", "not_null", "a", severity="warn", column_name="y"),
        _test_node("expression_is_true_a_1", "expression_is_true", "a", expression="x > 0"),
        _test_node("expression_is_true_a_2", "expression_is_true", "a", expression="{{ v }}"),
        _test_node("unique_b_x", "unique", "b", column_name="x"),
    ]
    manifest = SimpleNamespace(nodes={node.name: node for node in nodes})
    assert pipeline.consolidated_test_exclusions(manifest) == [
        "test_name:not_null,config.severity:error",
        "expression_is_true_a_1",
    ]


def test_validation_s_imports_are_preloaded_in_the_background() -> None:
    """validate.preload imports Great Expectations in a thread (so a run's import overlaps its
    dbt build): in a fresh interpreter the module is loaded once the thread is done, and the
    caller was not kept waiting for it."""
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from lead_funnel.validate import preload\n"
        "assert 'great_expectations' not in sys.modules\n"
        "started = time.monotonic()\n"
        "thread = preload()\n"
        "returned = time.monotonic() - started\n"
        "thread.join()\n"
        "loaded = time.monotonic() - started\n"
        "assert 'great_expectations' in sys.modules\n"
        "assert thread.daemon\n"
        "print(returned < loaded / 2)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_the_run_s_parse_leaves_writing_the_manifest_to_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """parse_project writes dbt's partial-parse state but not target/manifest.json: the build
    that follows writes it (once)."""
    from lead_funnel.common import parse_project

    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    assert parse_project(tmp_path / "lead_funnel.duckdb", []) is not None
    assert (tmp_path / "target" / "partial_parse.msgpack").exists()
    assert not (tmp_path / "target" / "manifest.json").exists()
