"""A daily `lead-funnel run` loads and tests again only the seeds that changed
(lead_funnel.seed_loads). The end-to-end runs are in test_publish.py's two runs into one
export: the second loads no seed, and a changed seed in a copy of the project is loaded and
fails its test."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from lead_funnel import seed_loads


class _Config(SimpleNamespace):
    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def _seed(name: str, checksum: str = "c", **config: Any) -> Any:
    return SimpleNamespace(
        unique_id=f"seed.lead_funnel.{name}",
        name=name,
        resource_type="seed",
        schema="main",
        alias=name,
        relation_name=f'"lead_funnel"."main"."{name}"',
        checksum=SimpleNamespace(name="sha256", checksum=checksum),
        root_path="/nonexistent",
        original_file_path=f"data/{name}.csv",
        config=_Config(enabled=True, **config),
        depends_on=SimpleNamespace(nodes=[]),
    )


def _test(name: str, *parents: str) -> Any:
    return SimpleNamespace(
        unique_id=f"test.lead_funnel.{name}",
        name=name,
        resource_type="test",
        config=_Config(enabled=True),
        depends_on=SimpleNamespace(nodes=list(parents)),
    )


def _manifest(*nodes: Any) -> Any:
    return SimpleNamespace(nodes={node.unique_id: node for node in nodes})


STAGES = _seed("stages")
RULES = _seed("scoring_rules", column_types={"points": "integer"})
TABLES = {("main", "stages"), ("main", "scoring_rules")}
MANIFEST = _manifest(
    STAGES,
    RULES,
    _test("unique_stages_stage", STAGES.unique_id),
    _test("rules_and_stages", STAGES.unique_id, RULES.unique_id),
    _test("relationships_model_stage", "model.lead_funnel.scored_leads", STAGES.unique_id),
)


def _recorded() -> dict[str, str]:
    return {node.unique_id: seed_loads.fingerprint(node) for node in (STAGES, RULES)}


def test_unchanged_seeds_and_the_tests_of_only_them_are_left_out() -> None:
    plan = seed_loads.plan(MANIFEST, _recorded(), TABLES, full_refresh=False)
    assert plan.exclusions == ["scoring_rules", "stages"]
    # a test that also reads a model runs: the model is rebuilt
    assert sorted(node.name for node in plan.skipped_tests) == [
        "rules_and_stages",
        "unique_stages_stage",
    ]
    assert plan.kept_record == _recorded()


def test_a_changed_file_or_config_loads_the_seed_again() -> None:
    changed_file = _seed("stages", checksum="other")
    changed_config = _seed("scoring_rules", column_types={"points": "double"})
    manifest = _manifest(changed_file, changed_config, *list(MANIFEST.nodes.values())[2:])
    plan = seed_loads.plan(manifest, _recorded(), TABLES, full_refresh=False)
    assert plan.exclusions == []
    assert plan.skipped_tests == ()
    # the record no longer vouches for them while the build loads them
    assert plan.kept_record == {}
    assert plan.fingerprints[changed_file.unique_id] != _recorded()[STAGES.unique_id]


def test_one_changed_seed_keeps_the_other_and_runs_the_tests_that_read_it() -> None:
    manifest = _manifest(_seed("stages", checksum="other"), *list(MANIFEST.nodes.values())[1:])
    plan = seed_loads.plan(manifest, _recorded(), TABLES, full_refresh=False)
    assert plan.exclusions == ["scoring_rules"]
    assert plan.skipped_tests == ()  # each of the three tests reads stages
    assert plan.kept_record == {RULES.unique_id: _recorded()[RULES.unique_id]}


def test_full_refresh_missing_tables_or_no_record_load_every_seed() -> None:
    assert seed_loads.plan(MANIFEST, _recorded(), TABLES, full_refresh=True).exclusions == []
    assert seed_loads.plan(MANIFEST, {}, TABLES, full_refresh=False).exclusions == []
    gone = seed_loads.plan(MANIFEST, _recorded(), {("main", "stages")}, full_refresh=False)
    assert gone.exclusions == ["stages"]


def test_a_disabled_seed_is_not_recorded() -> None:
    disabled = _seed("raw_leads")
    disabled.config.enabled = False
    plan = seed_loads.plan(_manifest(STAGES, disabled), {}, TABLES, full_refresh=False)
    assert list(plan.fingerprints) == [STAGES.unique_id]


def test_the_record_round_trips_and_a_bad_record_reads_as_none(tmp_path: Path) -> None:
    build_db = tmp_path / "lead_funnel.build.duckdb"
    assert seed_loads.read_record(build_db) == {}
    seed_loads.write_record(build_db, _recorded())
    assert seed_loads.read_record(build_db) == _recorded()
    seed_loads.record_path(build_db).write_text("[1, 2]")
    assert seed_loads.read_record(build_db) == {}
    seed_loads.record_path(build_db).write_text("{not json")
    assert seed_loads.read_record(build_db) == {}


def test_existing_tables_reads_the_build_database(tmp_path: Path) -> None:
    import duckdb

    build_db = tmp_path / "lead_funnel.build.duckdb"
    assert seed_loads.existing_tables(build_db) == set()
    with duckdb.connect(str(build_db)) as connection:
        connection.execute("create table Stages (stage varchar)")
        connection.execute("create schema main_staging")
        connection.execute("create view main_staging.v as select 1")
    assert seed_loads.existing_tables(build_db) == {("main", "stages")}


def test_a_large_seed_is_fingerprinted_by_its_content(tmp_path: Path) -> None:
    """dbt's checksum of a seed over 1 MiB is its path, the same after an edit: the
    fingerprint reads the file itself."""
    seeds = tmp_path / "data"
    seeds.mkdir()
    (seeds / "raw_activities.csv").write_text("activity_id\nA1\n")
    node = _seed("raw_activities")
    node.checksum = SimpleNamespace(name="path", checksum="data/raw_activities.csv")
    node.root_path = str(tmp_path)
    node.original_file_path = "data/raw_activities.csv"
    before = seed_loads.fingerprint(node)
    assert seed_loads.fingerprint(node) == before
    (seeds / "raw_activities.csv").write_text("activity_id\nA1\nA2\n")
    assert seed_loads.fingerprint(node) != before
