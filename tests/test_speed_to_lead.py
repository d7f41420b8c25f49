"""Speed to lead from the inquiry, the actionable breach queue and time in stage, end to end
on hand-built raw data: every expected value below follows from how the data was built
(touch delays, MQL entries and their waits), never copied from a build.

Defaults: business hours 09:00-17:00 UTC Monday-Friday, inquiry types demo_request,
contact_form and free_trial_signup, a decision target of 48 hours, abandoned after 30 days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from dbt_helpers import query, run_dbt, write_csv
from lead_funnel.common import raw_columns

AS_OF = datetime(2025, 6, 30, 12, 0)  # a Monday
CREATED = datetime(2025, 3, 3, 8, 0)
MODELS = [
    "mart_sla_inquiry_response",
    "mart_sla_compliance",
    "mart_sla_open_breaches",
    "mart_stage_time_in_stage",
]

# (activity_id, lead_id, type, occurred_at): inquiries, sales touches and one webinar
ACTIVITIES = [
    # L1: a demo request called back after 3 minutes (Monday 2 June)
    ("I1", "L1", "demo_request", datetime(2025, 6, 2, 10, 0)),
    ("T1", "L1", "sales_call", datetime(2025, 6, 2, 10, 3)),
    # L2: a contact form answered after 45 minutes; a trial signup a week later never is
    ("I2", "L2", "contact_form", datetime(2025, 6, 3, 10, 0)),
    ("T2", "L2", "sales_email", datetime(2025, 6, 3, 10, 45)),
    ("I3", "L2", "free_trial_signup", datetime(2025, 6, 10, 9, 0)),
    # L3: a demo request 30 minutes before as_of, not yet touched
    ("I4", "L3", "demo_request", datetime(2025, 6, 30, 11, 30)),
    # L4: a Friday 16:30 demo request called on Monday 09:30: 65 hours, 1 business hour
    ("I5", "L4", "demo_request", datetime(2025, 6, 27, 16, 30)),
    ("T5", "L4", "sales_call", datetime(2025, 6, 30, 9, 30)),
    # no inquiry: a webinar
    ("W1", "L4", "webinar_attended", datetime(2025, 6, 20, 10, 0)),
]
# MQL entries: L1 accepted after 2 hours; L5 pending since 1 April (90 days: abandoned);
# L6 pending since 20 June (10 days: past the 48-hour target, actionable)
CHANGES = [
    ("S1", "L1", "MQL", datetime(2025, 6, 2, 10, 0)),
    ("S2", "L1", "SAL", datetime(2025, 6, 2, 12, 0)),
    ("S3", "L5", "MQL", datetime(2025, 4, 1, 12, 0)),
    ("S4", "L6", "MQL", datetime(2025, 6, 20, 12, 0)),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("speed_to_lead")
    raw_dir = work / "raw"
    raw_dir.mkdir()
    leads = [
        {
            "lead_id": f"L{number}",
            "created_at": CREATED.isoformat(sep=" "),
            "email": f"l{number}@acme.example",
            "first_name": "Test",
            "last_name": f"L{number}",
            "job_title": "Head of Operations",
            "company_name": f"Company {number}",
            "lead_source": "paid_search",
            "acquisition_offer": "demo_request",
            "owner_id": "rep_a",
        }
        for number in range(1, 7)
    ]
    activities = [
        {
            "activity_id": activity_id,
            "lead_id": lead_id,
            "activity_type": kind,
            "occurred_at": at.isoformat(sep=" "),
            "owner_id": "rep_a" if kind.startswith("sales_") else "",
        }
        for activity_id, lead_id, kind, at in ACTIVITIES
    ]
    changes = [
        {"change_id": change_id, "lead_id": lead_id, "stage": stage, "changed_at": str(at)}
        for change_id, lead_id, stage, at in CHANGES
    ]
    write_csv(raw_dir / "leads.csv", leads, raw_columns("leads"))
    write_csv(raw_dir / "activities.csv", activities, raw_columns("activities"))
    write_csv(raw_dir / "stage_changes.csv", changes, raw_columns("stage_changes"))
    db_path = work / "warehouse.duckdb"
    dbt_vars = {"raw_dir": str(raw_dir), "as_of": AS_OF.isoformat(sep=" ")}
    ancestors = " ".join(f"+{model}" for model in MODELS)
    run_dbt(
        ["build", "--select", ancestors, "--exclude-resource-type", "test", "unit_test"],
        db_path,
        dbt_vars,
    )
    # only the tests whose every parent was built (a relationships test to a fact is not)
    run_dbt(["test", "--select", *MODELS, "--indirect-selection", "cautious"], db_path, dbt_vars)
    return db_path


def test_one_row_per_inquiry_from_the_raised_hand(built: Path) -> None:
    rows = query(
        built,
        "select activity_id, first_touch_activity_id, minutes_to_first_touch,"
        " business_minutes_to_first_touch, touched_within_5_minutes, touched_within_1_hour,"
        " touched_within_24_hours, minutes_waiting from mart_sla_inquiry_response"
        " order by activity_id",
    )
    as_of_minutes = {
        "I3": (AS_OF - datetime(2025, 6, 10, 9, 0)) / timedelta(minutes=1),
        "I4": 30.0,
    }
    assert rows == [
        ("I1", "T1", 3.0, 3.0, True, True, True, None),
        ("I2", "T2", 45.0, 45.0, False, True, True, None),
        ("I3", None, None, None, False, False, False, as_of_minutes["I3"]),
        ("I4", None, None, None, False, None, None, as_of_minutes["I4"]),
        ("I5", "T5", 65 * 60.0, 60.0, False, False, False, None),
    ]


def test_compliance_counts_untouched_inquiries_as_not_within(built: Path) -> None:
    rows = query(
        built,
        "select month, owner_id, inquiries, inquiries_touched,"
        " pct_inquiries_touched_within_5_minutes, pct_inquiries_touched_within_1_hour,"
        " pct_inquiries_touched_within_24_hours, median_minutes_to_first_touch_from_inquiry,"
        " mqls, breaches, actionable_breaches, abandoned_mqls"
        " from mart_sla_compliance order by month",
    )
    # April: L5's MQL entry (abandoned). June: 5 inquiries, 3 touched (3, 45, 3,900 min);
    # 5 minutes: 1 of 5 judged; 1 hour: 2 of 4 (I4 not yet due); 24 hours: 2 of 4 (I5 came
    # after 65 hours); MQL entries of L1 (decided in time) and L6 (an actionable breach)
    assert rows == [
        (date(2025, 4, 1), "rep_a", 0, 0, None, None, None, None, 1, 1, 0, 1),
        (date(2025, 6, 1), "rep_a", 5, 3, 1 / 5, 2 / 4, 2 / 4, 45.0, 2, 1, 1, 0),
    ]


def test_breach_queue_leaves_abandoned_entries_out(built: Path) -> None:
    rows = query(
        built,
        "select lead_id, queue_rank, breach_rank, is_abandoned, waiting_age_bucket, days_waiting"
        " from mart_sla_open_breaches order by breach_rank",
    )
    assert rows == [
        ("L5", None, 1, True, "over_30_days", pytest.approx(90.0)),
        ("L6", 1, 2, False, "7_to_30_days", pytest.approx(10.0)),
    ]


def test_time_in_mql_counts_open_entries(built: Path) -> None:
    (row,) = query(
        built,
        "select entries, exited_entries, open_entries, km_median_days_in_stage,"
        " median_days_exited, median_days_open from mart_stage_time_in_stage where stage = 'mql'",
    )
    # one of three entries left after 2 hours (S = 2/3 after it); the two open ones have
    # waited 90 and 10 days: the curve never reaches one half, so no Kaplan-Meier median,
    # where the exited-only median says 2 hours
    assert row == (3, 1, 2, None, pytest.approx(2 / 24), pytest.approx(50.0))
