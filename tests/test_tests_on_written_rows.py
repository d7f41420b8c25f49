"""Data tests on the large incremental models check the rows the build wrote
(macros/run/written_this_run.sql): a daily build checks the rows it wrote (the leads it rebuilt,
the new activities of the leads it extended), a --full-refresh, `dbt test` or the var data_tests_on_all_rows check every row.

A copy of the project, on a raw_dir of two leads, whose int_activities_scored nulls the points
of the activities of one type (the environment variable LEAD_FUNNEL_TEST_TRAP_TYPE): a bad row
wherever the model writes an activity of that type, which not_null_int_activities_scored_points
catches. The trap leaves the leads' fingerprints alone (it is no var, and the model's file does
not change), so a daily build rebuilds only the leads with new inputs. The view
fct_lead_activities shows those rows: its not_null on points follows the store's written rows
by activity_id (its YAML's meta written_rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbt_helpers import copy_project, query, raw_activity, raw_lead, run_dbt, run_results, write_csv
from lead_funnel.common import raw_columns

TEST = "not_null_int_activities_scored_points"
# what checks TEST's rule when TEST itself is left out of the build, as `lead-funnel run` does
COLUMN_RULES = "column_rules_int_activities_scored_"
# the same rule on the view of the store, and its column_rules
VIEW_TEST = "not_null_fct_lead_activities_points"
VIEW_COLUMN_RULES = "column_rules_fct_lead_activities_"
TRAP = "LEAD_FUNNEL_TEST_TRAP_TYPE"

# the raw contract's columns, from their one home (the raw_columns macro)
LEAD_COLUMNS = raw_columns("leads")
ACTIVITY_COLUMNS = raw_columns("activities")
STAGE_COLUMNS = raw_columns("stage_changes")


def land(raw: Path, day: int, activities: list[dict[str, str]]) -> None:
    """One day's activities landing (a file of its own)."""
    write_csv(raw / "activities" / f"activities_{day}.csv", activities, ACTIVITY_COLUMNS)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = copy_project(tmp_path_factory.mktemp("project") / "lead_funnel")
    model = copy / "models" / "intermediate" / "scoring" / "int_activities_scored.sql"
    points = "coalesce(activity_points.points, 0) as points,"
    source = model.read_text(encoding="utf-8")
    assert points in source
    trapped = (
        f'case when activities.activity_type = \'{{{{ env_var("{TRAP}", "none") }}}}\' '
        f"then null else {points.removesuffix(' as points,')} end as points,"
    )
    model.write_text(source.replace(points, trapped), encoding="utf-8")
    return copy


def outcome_of_test(db_path: Path, test: str) -> tuple[str, str, str]:
    """The last dbt command's invocation_id, the test's status (a failing column_rules is an
    error, counted as a fail here) and its compiled SQL."""
    invocation_id, results = run_results(db_path)
    result = results[test]
    column_rules = test.startswith("column_rules_")
    status = "fail" if result["status"] == "error" and column_rules else result["status"]
    return invocation_id, status, result["compiled_code"]


def written_by(db_path: Path) -> dict[str, str]:
    """activity_id -> written_by_run_id in int_activities_scored."""
    sql = "select activity_id, written_by_run_id from intermediate.int_activities_scored"
    return dict(query(db_path, sql))


def null_points(db_path: Path) -> list[str]:
    sql = "select activity_id from intermediate.int_activities_scored where points is null"
    return sorted(activity_id for (activity_id,) in query(db_path, sql))


@pytest.mark.parametrize(
    ("model", "test"),
    [
        ("int_activities_scored", TEST),
        ("int_activities_scored", COLUMN_RULES),
        ("fct_lead_activities", VIEW_TEST),
        ("fct_lead_activities", VIEW_COLUMN_RULES),
    ],
    ids=["own node", "column_rules", "view own node", "view column_rules"],
)
def test_a_daily_build_checks_the_rows_it_wrote_a_full_refresh_every_row(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str, test: str
) -> None:
    # the models and seeds the model is built from, itself, and the test alone
    select = [
        *("--select", f"+{model},resource_type:model"),
        *(f"+{model},resource_type:seed", test),
        *("--indirect-selection", "empty"),
    ]
    # column_rules runs the rule's query itself (its compiled SQL shows no filter): for it the
    # statuses tell which rows were checked
    own_node = not test.startswith("column_rules_")
    # the view's filter: the keys of the store's rows this run wrote, and every row without
    # a key (so that a not_null on the key still checks every row)
    view_filter = "(activity_id is null or activity_id in (select activity_id from"
    raw = tmp_path / "raw"
    for table in ("leads", "activities", "stage_changes"):
        (raw / table).mkdir(parents=True)
    write_csv(raw / "leads" / "leads_1.csv", [raw_lead("L1"), raw_lead("L2")], LEAD_COLUMNS)
    change = {"change_id": "S1", "lead_id": "L1", "stage": "mql", "changed_at": "2025-02-01"}
    write_csv(raw / "stage_changes" / "stage_changes_1.csv", [change], STAGE_COLUMNS)
    land(
        raw,
        1,
        [
            raw_activity("A1", "L1", "webinar_attended", 1),
            raw_activity("A2", "L2", "email_open", 1),
        ],
    )
    db_path = tmp_path / "dbt" / "lead_funnel.duckdb"
    db_path.parent.mkdir()
    dbt_vars = {"raw_dir": str(raw), "as_of": "2025-06-30 00:00:00"}

    def build(trap: str, *extra: str, variables: dict | None = None) -> tuple[str, str, str]:
        """dbt build of int_activities_scored (and what it is built from) and TEST, with
        activities of type `trap` written with null points."""
        monkeypatch.setenv(TRAP, trap)
        run_dbt(
            ["build", *select, *extra],
            db_path,
            variables or dbt_vars,
            project,
            check=False,
            artifacts=True,
        )
        return outcome_of_test(db_path, test)

    # the history, built from scratch: the test reads the whole model
    first_run, status, sql = build("none", "--full-refresh")
    assert status == "pass"
    assert not own_node or "written_by_run_id" not in sql, "a full refresh checks every row"
    assert set(written_by(db_path).values()) == {first_run}

    # L1's webinar is bad from now on, but L1 gets no new rows: a daily build does not write
    # its rows again and does not check them; it checks L2's new one, which it wrote (L2 only
    # got a later activity: it is extended, its stored row stays as the first run wrote it)
    land(raw, 2, [raw_activity("A3", "L2", "email_open", 2)])
    second_run, status, sql = build("webinar_attended")
    assert status == "pass"
    assert not own_node or f"written_by_run_id = '{second_run}'" in sql
    assert not own_node or (view_filter in sql) == (model == "fct_lead_activities")
    assert written_by(db_path) == {"A1": first_run, "A2": first_run, "A3": second_run}

    # a bad row this build writes fails its test: L2's new demo request
    land(raw, 3, [raw_activity("A4", "L2", "demo_request", 3)])
    third_run, status, sql = build("demo_request")
    assert status == "fail", "the row written this run is checked"
    assert not own_node or f"written_by_run_id = '{third_run}'" in sql
    assert null_points(db_path) == ["A4"]

    # `dbt test` wrote nothing: it checks every row
    run_dbt(["test", "--select", test], db_path, dbt_vars, project, check=False, artifacts=True)
    _, status, sql = outcome_of_test(db_path, test)
    assert status == "fail"
    assert not own_node or "written_by_run_id" not in sql

    # a full refresh writes and checks every row: L1's old webinar is caught
    land(raw, 3, [raw_activity("A4", "L2", "sales_call", 3)])
    _, status, sql = build("webinar_attended", "--full-refresh")
    assert status == "fail", "a full refresh checks the rows of old landings too"
    assert not own_node or "written_by_run_id" not in sql
    assert null_points(db_path) == ["A1"]

    # the failed build's rows stay: the next daily build does not write L1's again and passes;
    # with data_tests_on_all_rows it checks every row
    assert build("none")[1] == "pass"
    _, status, sql = build("none", variables={**dbt_vars, "data_tests_on_all_rows": True})
    assert status == "fail"
    assert not own_node or "written_by_run_id" not in sql
