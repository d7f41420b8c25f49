"""Scoring by attendance share end to end, when an event's length is its longest attendance:
a later, longer attendance of another lead lowers an earlier attendee's share, and the
incremental run rebuilds that lead exactly as a full refresh does
(docs/definitions.md#event-outcomes-and-attendance).

A copy of the project with campaign_events.csv emptied (no configured lengths) and the demo
scoring rules (eng_webinar_attended_short `..0.5` 20 points, eng_webinar_attended `0.5..` 50):

    landing 1: E1 attends web_x for 1200 s: the longest, share 1 -> full (50)
    landing 2: E2 attends web_x for 3600 s: the event is now 3600 s long, E1's share is
               1200 / 3600 = 1/3 -> short (20); E2's share 1 -> full (50)
"""

from __future__ import annotations

from pathlib import Path

from dbt_helpers import build_from_scratch, copy_project, query, run_dbt

ACTIVITIES = (
    "activity_id,lead_id,activity_type,occurred_at,owner_id,campaign,detail,duration_seconds"
)
LEADS = (
    "lead_id,created_at,email,first_name,last_name,job_title,phone,company_name,company_size,"
    "industry,country,lead_source,acquisition_offer,owner_id"
)
STAGES = "change_id,lead_id,stage,changed_at,owner_id,reason,amount"
MATCHES = (
    "select activity_id, rule_id, points from intermediate.int_activity_rule_matches "
    "where rule_id like 'eng_webinar_attended%' order by activity_id"
)
OUTCOMES = (
    "select lead_id, outcome, attended_seconds, event_length_seconds, event_length_source "
    "from intermediate.int_lead_event_outcomes order by lead_id"
)


def write(path: Path, header: str, rows: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n")


def test_a_longer_attendance_rescores_earlier_attendees_incrementally(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "seeds" / "config" / "campaign_events.csv").write_text(
        "campaign,event_length_minutes\n"
    )
    raw = tmp_path / "raw"
    write(
        raw / "leads" / "leads_2025-01-01.csv",
        LEADS,
        [
            "E1,2025-01-01 00:00:00,e1@acme.io,Eve,One,Manager,,Acme,50,software,US,email,webinar,",
            "E2,2025-01-01 00:00:00,e2@acme.io,Ed,Two,Manager,,Acme,50,software,US,email,webinar,",
        ],
    )
    write(raw / "stage_changes" / "stage_changes_2025-01-01.csv", STAGES, [])
    write(
        raw / "activities" / "activities_2025-01-10.csv",
        ACTIVITIES,
        [
            "W1,E1,webinar_registered,2025-01-05 09:00:00,,web_x,Webinar X,",
            "W2,E1,webinar_attended,2025-01-10 16:00:00,,web_x,Webinar X,1200",
        ],
    )
    variables = {"raw_dir": str(raw), "as_of": "2025-02-01 00:00:00"}
    incremental_db = build_from_scratch(
        tmp_path / "incremental" / "lf.duckdb", variables, project_dir=project
    )
    assert query(incremental_db, MATCHES) == [("W2", "eng_webinar_attended", 50.0)]

    write(
        raw / "activities" / "activities_2025-01-11.csv",
        ACTIVITIES,
        ["W3,E2,webinar_attended,2025-01-11 16:00:00,,web_x,Webinar X,3600"],
    )
    run_dbt(["run"], incremental_db, variables, project_dir=project)
    full_db = build_from_scratch(tmp_path / "full" / "lf.duckdb", variables, project_dir=project)

    expected = [("W2", "eng_webinar_attended_short", 20.0), ("W3", "eng_webinar_attended", 50.0)]
    assert query(full_db, MATCHES) == expected
    assert query(incremental_db, MATCHES) == expected
    scores = "select lead_id, engagement_score from scored_leads order by lead_id"
    assert query(incremental_db, scores) == query(full_db, scores)
    assert query(full_db, OUTCOMES) == [
        ("E1", "registered_and_attended", 1200, 3600.0, "longest_attendance"),
        ("E2", "attended_only", 3600, 3600.0, "longest_attendance"),
    ]
