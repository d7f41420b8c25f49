"""The logic version of the lead-partitioned models is derived from their code: a change to
a model they are built from, or to a project macro they use, re-fingerprints every lead
(int_lead_input_fingerprints), so the next incremental run rebuilds every lead of the
models that logic feeds, and no other; a change elsewhere re-fingerprints nothing.

The project is copied, built on the small hand-built raw files of fixtures/scoring_custom/,
and edited between incremental runs (a comment in a model, a comment inside a macro)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_helpers import copy_project, query, run_dbt

FIXTURE = Path(__file__).parent / "fixtures" / "scoring_custom"
DBT_VARS = {"raw_dir": str(FIXTURE), "as_of": "2025-03-01 00:00:00"}
# the lead-partitioned models and everything they are built from
MODELS = ["+int_lead_score_moments", "+int_lead_stage_entries"]
FINGERPRINTS = (
    "select lead_id, activity_input_fingerprint, stage_input_fingerprint, "
    "score_input_fingerprint from intermediate.int_lead_input_fingerprints"
)

Fingerprints = dict[str, tuple[object, object, object]]


def fingerprints(db_path: Path) -> Fingerprints:
    return {
        lead: (activity, stage, score)
        for lead, activity, stage, score in query(db_path, FINGERPRINTS)
    }


def changed(before: Fingerprints, after: Fingerprints, index: int) -> set[str]:
    """The leads whose fingerprint number `index` (0 activity, 1 stage, 2 score) changed."""
    assert before.keys() == after.keys()
    return {lead for lead in before if before[lead][index] != after[lead][index]}


def with_activities(prints: Fingerprints) -> set[str]:
    return {lead for lead, (activity, _, _) in prints.items() if activity is not None}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def mark_stored_rows(db_path: Path) -> None:
    """A marker on every stored row of two lead-partitioned models: a rebuilt lead loses it."""
    with duckdb.connect(str(db_path)) as connection:
        connection.execute(
            "update intermediate.int_lead_score_moments set points = -1 where moment_type = 'created'"
        )
        connection.execute("update intermediate.int_lead_stage_entries set entry_number = -1")


def marked_leads(db_path: Path, model: str, condition: str) -> set[str]:
    return {
        lead
        for (lead,) in query(
            db_path, f"select distinct lead_id from intermediate.{model} where {condition}"
        )
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the project, built once (seeds and the lead-partitioned models)."""
    work = tmp_path_factory.mktemp("logic_version")
    copy = work / "project"
    copy_project(copy)
    db_path = work / "warehouse.duckdb"
    run_dbt(["seed"], db_path, DBT_VARS, project_dir=copy)
    run_dbt(["run", "--select", *MODELS], db_path, DBT_VARS, project_dir=copy)
    return copy, db_path


@pytest.fixture
def project(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """This test's own copy of the built project and its database, to edit and run again."""
    copy = tmp_path / "project"
    shutil.copytree(built[0], copy)
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built[1], db_path)
    return copy, db_path


def test_a_model_change_rebuilds_every_lead_of_the_models_it_feeds(
    project: tuple[Path, Path],
) -> None:
    copy, db_path = project
    before = fingerprints(db_path)
    assert with_activities(before), "the fixture has leads with activities"
    mark_stored_rows(db_path)

    # a comment in a model the activity and score models are built from
    edit(
        copy / "models" / "intermediate" / "scoring" / "int_activities_scored.sql",
        "-- one row per valid activity",
        "-- (edited)\n-- one row per valid activity",
    )
    run_dbt(["run", "--select", *MODELS], db_path, DBT_VARS, project_dir=copy)
    after = fingerprints(db_path)

    assert changed(before, after, 0) == with_activities(before)
    assert changed(before, after, 2) == set(before), "every lead's score fingerprint changed"
    assert not changed(before, after, 1), "the stage entries are not built from that model"
    assert not marked_leads(db_path, "int_lead_score_moments", "points = -1"), (
        "the incremental run rebuilt the scoring moments of every lead"
    )
    assert marked_leads(db_path, "int_lead_stage_entries", "entry_number = -1") == set(before), (
        "the stage entries of every lead were left alone"
    )


def test_a_macro_change_rebuilds_every_lead_of_the_models_that_use_it(
    project: tuple[Path, Path],
) -> None:
    copy, db_path = project
    before = fingerprints(db_path)

    # a comment inside capped_points, which int_activity_rule_matches calls
    edit(
        copy / "macros" / "scoring" / "scoring.sql",
        "{% macro capped_points(points, max_points, points_before) -%}\n",
        "{% macro capped_points(points, max_points, points_before) -%}\n    {#- (edited) -#}\n",
    )
    run_dbt(["run", "--select", "int_lead_input_fingerprints"], db_path, DBT_VARS, project_dir=copy)
    after = fingerprints(db_path)

    assert changed(before, after, 0) == with_activities(before)
    assert changed(before, after, 2) == set(before)
    assert not changed(before, after, 1), "the stage entries do not use capped_points"


def test_a_change_outside_their_logic_rebuilds_nothing(project: tuple[Path, Path]) -> None:
    copy, db_path = project
    before = fingerprints(db_path)

    # a mart is built from the lead-partitioned models, not the other way round
    edit(
        copy / "models" / "marts" / "sla" / "mart_call_list.sql",
        "\nwith\n",
        "\n-- (edited)\nwith\n",
    )
    run_dbt(["run", "--select", "int_lead_input_fingerprints"], db_path, DBT_VARS, project_dir=copy)

    assert fingerprints(db_path) == before


def test_a_store_built_as_a_plain_table_is_built_again(project: tuple[Path, Path]) -> None:
    """An older version built int_leads_profile_scored as a table without the incremental
    bookkeeping: the next incremental run empties it and builds every lead again, instead of
    failing on the missing lead_input_fingerprint or keeping the old rows."""
    copy, db_path = project
    scores = {lead: score for lead, (_, _, score) in fingerprints(db_path).items()}
    with duckdb.connect(str(db_path)) as connection:
        connection.execute(
            "create or replace table intermediate.int_leads_profile_scored as "
            "select lead_id, created_at, -999 as fit_score, negative_score, matched_rule_ids, "
            "is_profile_complete from intermediate.int_leads_profile_scored"
        )
    run_dbt(["run", "--select", "int_leads_profile_scored"], db_path, DBT_VARS, project_dir=copy)
    rows = query(
        db_path,
        "select lead_id, fit_score, lead_input_fingerprint "
        "from intermediate.int_leads_profile_scored",
    )
    assert {lead for lead, _, _ in rows} == set(scores), "one row per valid lead"
    assert len(rows) == len(scores), "the old rows are gone"
    assert not [lead for lead, fit, _ in rows if fit == -999], "every lead was built again"
    assert {lead: fingerprint for lead, _, fingerprint in rows} == scores
