"""The table materialization on DuckDB (macros/materializations/table.sql), on a scratch dbt
project that holds that macro file and five models, built twice: what a second build of each
kind of table model leaves in the database."""

from __future__ import annotations

from pathlib import Path

import duckdb

from dbt_helpers import PROJECT_DIR, run_dbt

MATERIALIZATION = PROJECT_DIR / "macros" / "materializations" / "table.sql"

FIRST_BUILD = {
    # rebuilt with other rows; its post-hook adds one inside the model's transaction
    "replaced": "{{ config(materialized='table', post_hook=\"insert into {{ this }} values (99)\") }}\n"
    "select 1 as x",
    # a view at first, then a table of the same name
    "was_a_view": "{{ config(materialized='view') }}\nselect 1 as x",
    # its second build fails: the first build's table stays
    "kept_on_failure": "{{ config(materialized='table') }}\nselect 1 as x",
    # a view, then a table whose build fails: the view stays
    "view_kept_on_failure": "{{ config(materialized='view') }}\nselect 1 as x",
    # an index: dbt-duckdb's own materialization builds it
    "indexed": "{{ config(materialized='table', indexes=[{'columns': ['x']}]) }}\nselect 1 as x",
}
SECOND_BUILD = {
    **FIRST_BUILD,
    "replaced": FIRST_BUILD["replaced"].replace(
        "select 1 as x", "select 2 as x union all select 3"
    ),
    "was_a_view": "{{ config(materialized='table') }}\nselect 2 as x",
    "kept_on_failure": "{{ config(materialized='table') }}\nselect x from no_such_table",
    "view_kept_on_failure": "{{ config(materialized='table') }}\nselect x from no_such_table",
}


def scratch_project(root: Path, models: dict[str, str]) -> Path:
    """A dbt project at root with this project's table materialization and the given models,
    on a DuckDB file named by LEAD_FUNNEL_DB (as run_dbt sets it)."""
    (root / "macros").mkdir(parents=True, exist_ok=True)
    (root / "macros" / "table.sql").write_text(MATERIALIZATION.read_text())
    (root / "models").mkdir(exist_ok=True)
    for name, sql in models.items():
        (root / "models" / f"{name}.sql").write_text(sql)
    (root / "dbt_project.yml").write_text(
        "name: scratch\nversion: '1.0'\nconfig-version: 2\nprofile: scratch\n"
    )
    (root / "profiles.yml").write_text(
        "scratch:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('LEAD_FUNNEL_DB') }}\"\n      threads: 1\n"
    )
    return root


def rows(db_path: Path, table: str) -> list[int]:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return sorted(x for (x,) in connection.sql(f"select x from {table}").fetchall())


def test_a_second_build_replaces_each_table_or_keeps_it_on_failure(tmp_path: Path) -> None:
    project = scratch_project(tmp_path / "project", FIRST_BUILD)
    db_path = tmp_path / "db" / "scratch.duckdb"
    run_dbt(["run"], db_path, project_dir=project)
    scratch_project(project, SECOND_BUILD)
    second = run_dbt(["run"], db_path, project_dir=project, check=False)

    assert second.returncode == 1, second.stdout[-3000:]
    assert "kept_on_failure" in second.stdout and "no_such_table" in second.stdout
    assert rows(db_path, "replaced") == [2, 3, 99]
    assert rows(db_path, "was_a_view") == [2]
    assert rows(db_path, "kept_on_failure") == [1]
    assert rows(db_path, "view_kept_on_failure") == [1]
    assert rows(db_path, "indexed") == [1]
    with duckdb.connect(str(db_path), read_only=True) as connection:
        relations = dict(
            connection.sql(
                "select table_name, table_type from information_schema.tables"
            ).fetchall()
        )
        indexes = connection.sql("select table_name from duckdb_indexes()").fetchall()
    # nothing left under dbt's temporary or backup names
    assert relations == {
        "replaced": "BASE TABLE",
        "was_a_view": "BASE TABLE",
        "kept_on_failure": "BASE TABLE",
        "view_kept_on_failure": "VIEW",
        "indexed": "BASE TABLE",
    }
    assert indexes == [("indexed",)]

    # which materialization built each: one statement, or dbt-duckdb's own (renames)
    compiled = db_path.parent / "target" / "run" / "scratch" / "models"
    assert "create or replace table" in (compiled / "replaced.sql").read_text()
    assert "create or replace table" in (compiled / "was_a_view.sql").read_text()
    indexed = (compiled / "indexed.sql").read_text()
    assert "create or replace" not in indexed and "__dbt_tmp" in indexed
