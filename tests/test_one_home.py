"""Facts with one home stay in one home: where a copy cannot be avoided, it must agree.

The raw contract's columns live in the raw_columns macro (read by dbt and by
lead_funnel.common.raw_columns). dbt cannot load a seed as text without naming each column,
so the demo raw seeds' column types in dbt_project.yml name them again: these tests hold that
copy, and the demo files' headers, to the one home."""

from __future__ import annotations

import csv
import re

import pytest
import yaml

from lead_funnel import common


def demo_seed_column_types() -> dict[str, dict[str, str]]:
    project = yaml.safe_load((common.PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    demo = project["seeds"]["lead_funnel"]["demo"]
    return {name: config for name, config in demo.items() if not name.startswith("+")}


@pytest.mark.parametrize("table", common.raw_tables())
def test_demo_seed_types_name_the_raw_columns_in_order(table: str) -> None:
    column_types = demo_seed_column_types()[f"raw_{table}"]["+column_types"]
    assert list(column_types) == common.raw_columns(table)


@pytest.mark.parametrize("table", common.raw_tables())
def test_demo_files_have_the_raw_columns_in_order(table: str) -> None:
    path = common.PROJECT_DIR / "seeds" / "demo" / f"raw_{table}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == common.raw_columns(table)


def test_every_raw_table_has_a_demo_seed_and_nothing_else_does() -> None:
    assert set(demo_seed_column_types()) == {f"raw_{table}" for table in common.raw_tables()}


def test_funnel_stages_come_from_the_stages_seed_in_order() -> None:
    rows = common.config_seed("stages")
    funnel = sorted(
        (int(row["stage_order"]), row["stage"]) for row in rows if row["stage_group"] == "funnel"
    )
    assert common.funnel_stages() == [stage for _, stage in funnel]
    assert common.funnel_stages()[0] == "lead"


def test_the_funnel_stage_macro_lists_the_seeds_funnel_stages() -> None:
    """Models named after the stages (reached_mql ...) read the macro; it must be the seed's list."""
    body = common.macro_body("funnel_stage_names").split(")", 1)[1]
    assert re.findall(r"'([a-z_]+)'", body) == common.funnel_stages()


def test_the_benchmark_reads_the_dev_profiles_duckdb_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The benchmark's lower bound and floor run SQL outside dbt in the session the dev
    profile sets up: its settings as values, an env_var as the environment has it, else its
    default."""
    monkeypatch.delenv("LEAD_FUNNEL_MEMORY_LIMIT", raising=False)
    settings = common.dev_profile_duckdb_settings()
    assert settings["memory_limit"] == "5GB"
    assert settings["preserve_insertion_order"] == "false"
    assert settings["allocator_background_threads"] == "true"
    assert settings["block_allocator_memory"] == "4GB"
    monkeypatch.setenv("LEAD_FUNNEL_MEMORY_LIMIT", "3GB")
    assert common.dev_profile_duckdb_settings()["memory_limit"] == "3GB"
