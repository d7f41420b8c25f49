"""The check that fct_lead_activities holds exactly one row per valid activity
(data_tests/assert_scored_activities_one_row_per_valid_activity.sql) counts the valid
activities as the staging activities less the unknown_lead rejects (int_unknown_lead_rows).

A copy of the project, on a raw_dir of two leads and an activity of a third lead that does
not exist, whose int_activities_scored drops the activities of one type
(LEAD_FUNNEL_TEST_DROP_TYPE) or writes them twice (LEAD_FUNNEL_TEST_DOUBLE_TYPE): the check
passes on the true store, with the unknown lead's activity left out of the count, and fails
on a store with a row too few or too many."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbt_helpers import copy_project, query, raw_activity, raw_lead, run_dbt, run_results, write_csv
from lead_funnel.common import raw_columns

TEST = "assert_scored_activities_one_row_per_valid_activity"
DROP = "LEAD_FUNNEL_TEST_DROP_TYPE"
DOUBLE = "LEAD_FUNNEL_TEST_DOUBLE_TYPE"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = copy_project(tmp_path_factory.mktemp("project") / "lead_funnel")
    model = copy / "models" / "intermediate" / "scoring" / "int_activities_scored.sql"
    source = model.read_text(encoding="utf-8")
    last = "select * from final"
    assert source.rstrip().endswith(last)
    trapped = (
        "select * from final\n"
        f'where activity_type != \'{{{{ env_var("{DROP}", "none") }}}}\'\n'
        "union all\n"
        "select * from final\n"
        f'where activity_type = \'{{{{ env_var("{DOUBLE}", "none") }}}}\'\n'
    )
    model.write_text(source.rstrip().removesuffix(last) + trapped, encoding="utf-8")
    return copy


def status_of(db_path: Path) -> str:
    return str(run_results(db_path)[1][TEST]["status"])


def test_fact_rows_counted_against_staging_less_unknown_leads(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    for table in ("leads", "activities", "stage_changes"):
        (raw / table).mkdir(parents=True)
    write_csv(raw / "leads" / "leads_1.csv", [raw_lead("L1"), raw_lead("L2")], raw_columns("leads"))
    activities = [
        raw_activity("A1", "L1", "email_open"),
        raw_activity("A2", "L2", "webinar_attended"),
        raw_activity("A3", "L2", "email_open"),
        raw_activity("A4", "L9", "email_open"),  # no lead L9: an unknown_lead reject
    ]
    write_csv(raw / "activities" / "activities_1.csv", activities, raw_columns("activities"))
    change = {"change_id": "S1", "lead_id": "L1", "stage": "mql", "changed_at": "2025-02-01"}
    write_csv(raw / "stage_changes" / "stage_changes_1.csv", [change], raw_columns("stage_changes"))
    db_path = tmp_path / "dbt" / "lead_funnel.duckdb"
    db_path.parent.mkdir()
    dbt_vars = {"raw_dir": str(raw), "as_of": "2025-06-30 00:00:00"}
    monkeypatch.setenv(DROP, "none")
    monkeypatch.setenv(DOUBLE, "none")

    # the true store: three valid activities (four staged, one of them of no lead)
    run_dbt(
        ["build", "--select", f"+{TEST}"], db_path, dbt_vars, project, check=False, artifacts=True
    )
    assert status_of(db_path) == "pass"
    assert query(db_path, "select count(*) from main.fct_lead_activities") == [(3,)]
    unknown = "select source_key from intermediate.int_unknown_lead_rows"
    assert query(db_path, unknown) == [("A4",)]

    def check_with(variable: str, activity_type: str) -> str:
        """The store rebuilt with the trap set, then the check on its own."""
        monkeypatch.setenv(variable, activity_type)
        rebuild = ["run", "--select", "int_activities_scored", "--full-refresh"]
        run_dbt(rebuild, db_path, dbt_vars, project)
        run_dbt(["test", "--select", TEST], db_path, dbt_vars, project, check=False, artifacts=True)
        monkeypatch.setenv(variable, "none")
        return status_of(db_path)

    # L2's webinar missing from the store: one row too few
    assert check_with(DROP, "webinar_attended") == "fail"
    # L1's and L2's email opens written twice: two rows too many
    assert check_with(DOUBLE, "email_open") == "fail"
    # the store as it should be again
    assert check_with(DROP, "none") == "pass"
