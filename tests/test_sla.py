"""SLA marts end to end (docs/definitions.md#contract-models and #metric-definitions) on hand-built raw data with known response
times: every expected share, median, breach count and business-hour duration below is
computed here from how the data was built, never copied from a build.

The SLA policies are the defaults of seeds/config/sla_policies.csv (first touch within 24
calendar hours, decision within 48). Business hours run on a Europe/Berlin schedule so that the
clocks cross the daylight-saving change of 2025-03-30; the expected business hours come from
an independent per-day reference built on zoneinfo.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dbt_helpers import query, run_dbt, write_csv
from lead_funnel.common import raw_columns

AS_OF = datetime(2025, 6, 30, 12, 0)
FIRST_TOUCH_TARGET_HOURS = 24.0
DECISION_TARGET_HOURS = 48.0
SCHEDULE = {
    "timezone": "Europe/Berlin",
    "start_hour": 9,
    "end_hour": 17,
    "weekdays": [1, 2, 3, 4, 5],
}
SLA_MODELS = ["mart_sla_mql_response", "mart_sla_compliance", "mart_sla_open_breaches"]
ACCEPTING = {"SAL", "SQL", "Opportunity", "Customer"}
REJECTING = {"Rejected", "Recycled", "Disqualified"}


@dataclass(frozen=True)
class Clock:
    """One MQL entry and what followed it, in minutes after the entry."""

    lead_id: str
    mql_at: datetime
    lead_owner: str | None = None
    touch_after_minutes: int | None = None
    touched_by: str | None = None
    decision_after_minutes: int | None = None
    decision_label: str | None = None
    decided_by: str | None = None


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# Months: March (rep_a owns the leads), April (no lead owner: the rep who acts first owns
# the entry), May/June (a lead that is MQL twice, open clocks at as_of).
CLOCKS = [
    Clock("L01", at("2025-03-03 09:00"), "rep_a", 30, "rep_a", 20 * 60, "SAL", "rep_a"),
    Clock("L02", at("2025-03-04 14:00"), "rep_a", 90, "rep_a", 50 * 60, "Rejected", "rep_a"),
    Clock("L03", at("2025-03-10 08:00"), "rep_a", 25 * 60, "rep_z", 47 * 60, "SQL", "rep_a"),
    Clock("L04", at("2025-03-12 16:30"), "rep_a", 45, "rep_a", 72 * 60, "Disqualified", "rep_a"),
    Clock("L05", at("2025-03-20 11:00"), "rep_a", None, None, 30 * 60, "SAL", "rep_a"),
    Clock("L06", at("2025-03-25 10:00"), "rep_a"),  # never touched nor decided: a breach
    Clock("L07", at("2025-03-28 15:00"), "rep_a", 62 * 60 + 15, "rep_a", 70 * 60, "SAL", "rep_a"),
    Clock("L08", at("2025-04-02 09:15"), None, 10, "rep_b", 10 * 60, "SAL", "rep_b"),
    Clock("L09", at("2025-04-03 12:00"), None, 3 * 60, "rep_b", 24 * 60, "Recycled", "rep_b"),
    Clock("L10", at("2025-04-07 10:00"), None, 60, "rep_b", 48 * 60, "SAL", "rep_c"),  # on target
    Clock("L11", at("2025-04-08 10:00"), None, 3 * 60, "rep_d", 2 * 60, "SAL", "rep_c"),
    Clock("L12", at("2025-04-15 10:00"), "rep_b", 61, "rep_b"),  # touched, never decided
    Clock("L13", at("2025-05-05 09:00"), "rep_c", 20, "rep_c", 5 * 60, "Recycled", "rep_c"),
    Clock("L13", at("2025-06-02 09:00"), "rep_c", 2 * 60, "rep_c"),  # MQL again: open, breached
    Clock("L14", at("2025-06-29 18:00"), "rep_c"),  # 18 h old: past 1 h, not yet due
    Clock("L15", at("2025-06-30 10:00"), "rep_c"),  # 2 h old: past 1 h, not yet due
    Clock("L16", at("2025-06-30 11:30"), "rep_c"),  # 30 min old: nothing judged yet
]


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def business_hours(start: datetime, end: datetime) -> float:
    """Working hours of SCHEDULE between two UTC moments, day by day on real UTC time."""
    zone, utc = ZoneInfo(SCHEDULE["timezone"]), ZoneInfo("UTC")
    start_utc, end_utc = start.replace(tzinfo=utc), end.replace(tzinfo=utc)
    total = 0.0
    day = start_utc.astimezone(zone).date() - timedelta(days=1)
    while day <= end_utc.astimezone(zone).date():
        if day.isoweekday() in SCHEDULE["weekdays"]:
            opens = datetime(day.year, day.month, day.day, SCHEDULE["start_hour"], tzinfo=zone)
            closes = datetime(day.year, day.month, day.day, SCHEDULE["end_hour"], tzinfo=zone)
            overlap = min(end_utc, closes.astimezone(utc)) - max(start_utc, opens.astimezone(utc))
            total += max(hours(overlap), 0.0)
        day += timedelta(days=1)
    return total


@dataclass
class Expected:
    """One clock as docs/definitions.md#metric-definitions defines it, derived from the raw events built below."""

    lead_id: str
    mql_at: datetime
    owner_id: str | None
    first_touch_at: datetime | None
    decided_at: datetime | None

    @property
    def month(self) -> date:
        return self.mql_at.date().replace(day=1)

    @property
    def hours_to_first_touch(self) -> float | None:
        return hours(self.first_touch_at - self.mql_at) if self.first_touch_at else None

    @property
    def hours_to_decision(self) -> float | None:
        return hours(self.decided_at - self.mql_at) if self.decided_at else None

    @property
    def hours_open(self) -> float:
        return hours(AS_OF - self.mql_at)

    def judged(self, ended: float | None, target: float) -> bool | None:
        if ended is not None:
            return ended <= target
        return False if self.hours_open > target else None

    @property
    def first_touch_within_1h(self) -> bool | None:
        return self.judged(self.hours_to_first_touch, 1.0)

    @property
    def first_touch_within_sla(self) -> bool | None:
        return self.judged(self.hours_to_first_touch, FIRST_TOUCH_TARGET_HOURS)

    @property
    def decision_within_sla(self) -> bool | None:
        return self.judged(self.hours_to_decision, DECISION_TARGET_HOURS)

    @property
    def is_breached(self) -> bool:
        return self.decided_at is None and self.hours_open > DECISION_TARGET_HOURS


def raw_events() -> tuple[dict[str, str | None], list[dict[str, str]], list[dict[str, str]]]:
    """Lead owners, activities and stage changes of CLOCKS, plus decoys that must not count."""
    owners: dict[str, str | None] = {}
    activities: list[dict[str, str]] = []
    changes: list[dict[str, str]] = []
    for number, clock in enumerate(CLOCKS, start=1):
        owners.setdefault(clock.lead_id, clock.lead_owner)
        changes.append(change(f"S{number:02d}m", clock.lead_id, "MQL", clock.mql_at, None))
        if clock.touch_after_minutes is not None:
            touched_at = clock.mql_at + timedelta(minutes=clock.touch_after_minutes)
            activities.append(
                activity(
                    f"A{number:02d}t", clock.lead_id, "sales_call", touched_at, clock.touched_by
                )
            )
        if clock.decision_after_minutes is not None:
            decided_at = clock.mql_at + timedelta(minutes=clock.decision_after_minutes)
            changes.append(
                change(
                    f"S{number:02d}d",
                    clock.lead_id,
                    clock.decision_label,
                    decided_at,
                    clock.decided_by,
                )
            )
        # decoys: a sales call before the entry, an email open after it
        activities.append(
            activity(
                f"A{number:02d}b",
                clock.lead_id,
                "sales_email",
                clock.mql_at - timedelta(hours=2),
                "rep_x",
            )
        )
        activities.append(
            activity(
                f"A{number:02d}o",
                clock.lead_id,
                "email_open",
                clock.mql_at + timedelta(minutes=5),
                None,
            )
        )
    return owners, activities, changes


def activity(
    activity_id: str, lead_id: str, kind: str, occurred_at: datetime, owner: str | None
) -> dict[str, str]:
    return {
        "activity_id": activity_id,
        "lead_id": lead_id,
        "activity_type": kind,
        "occurred_at": occurred_at.isoformat(sep=" "),
        "owner_id": owner or "",
    }


def change(
    change_id: str, lead_id: str, stage: str | None, changed_at: datetime, owner: str | None
) -> dict[str, str]:
    return {
        "change_id": change_id,
        "lead_id": lead_id,
        "stage": stage or "",
        "changed_at": changed_at.isoformat(sep=" "),
        "owner_id": owner or "",
    }


def expected_clocks() -> list[Expected]:
    """The clocks by the definitions of docs/definitions.md#metric-definitions, from the raw events (not CLOCKS' minutes)."""
    owners, activities, changes = raw_events()
    touches = defaultdict(list)
    for row in activities:
        if row["activity_type"].startswith("sales_"):
            touches[row["lead_id"]].append((at(row["occurred_at"]), row["owner_id"] or None))
    decisions = defaultdict(list)
    for row in changes:
        if row["stage"] in ACCEPTING | REJECTING:
            decisions[row["lead_id"]].append((at(row["changed_at"]), row["owner_id"] or None))
    clocks = []
    for row in changes:
        if row["stage"] != "MQL":
            continue
        lead_id, mql_at = row["lead_id"], at(row["changed_at"])
        touch = min((t for t in touches[lead_id] if t[0] >= mql_at), default=(None, None))
        decision = min((d for d in decisions[lead_id] if d[0] > mql_at), default=(None, None))
        acting = [event for event in (touch, decision) if event[0] is not None]
        first_rep = min(acting, key=lambda event: event[0])[1] if acting else None
        clocks.append(
            Expected(lead_id, mql_at, owners[lead_id] or first_rep, touch[0], decision[0])
        )
    return clocks


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("sla")
    raw_dir = work / "raw"
    raw_dir.mkdir()
    owners, activities, changes = raw_events()
    leads = [
        {
            "lead_id": lead_id,
            "created_at": "2025-03-01 08:00:00",
            "email": f"{lead_id.lower()}@acme.example",
            "first_name": "Test",
            "last_name": lead_id,
            "job_title": "Head of Operations",
            "company_name": f"Company {lead_id}",
            "company_size": "250",
            "lead_source": "paid_search",
            "acquisition_offer": "demo_request",
            "owner_id": owner or "",
        }
        for lead_id, owner in owners.items()
    ]
    write_csv(raw_dir / "leads.csv", leads, raw_columns("leads"))
    write_csv(raw_dir / "activities.csv", activities, raw_columns("activities"))
    write_csv(raw_dir / "stage_changes.csv", changes, raw_columns("stage_changes"))
    db_path = work / "warehouse.duckdb"
    dbt_vars = {
        "raw_dir": str(raw_dir),
        "as_of": AS_OF.isoformat(sep=" "),
        "business_hours": SCHEDULE,
    }
    ancestors = " ".join(f"+{model}" for model in SLA_MODELS)
    run_dbt(
        ["build", "--select", ancestors, "--exclude-resource-type", "test", "unit_test"],
        db_path,
        dbt_vars,
    )
    # the data and unit tests of the SLA models themselves (upstream ones have their own tests)
    run_dbt(
        # cautious: a singular test that also reads models this build leaves out is not run
        [
            "test",
            "--select",
            "int_mql_sla_clocks",
            "sla_policies",
            *SLA_MODELS,
            "--indirect-selection",
            "cautious",
        ],
        db_path,
        dbt_vars,
    )
    return db_path


def test_one_row_per_mql_entry_with_the_clocks_as_defined(built: Path) -> None:
    rows = query(
        built,
        "select lead_id, mql_entered_at, owner_id, first_touch_at, decided_at,"
        " hours_to_first_touch, hours_to_decision, first_touch_within_1h,"
        " first_touch_within_sla, decision_within_sla, is_breached"
        " from mart_sla_mql_response order by mql_entered_at",
    )
    expected = sorted(expected_clocks(), key=lambda clock: clock.mql_at)
    assert len(rows) == len(expected) == len(CLOCKS)
    for row, clock in zip(rows, expected, strict=True):
        assert row[:5] == (
            clock.lead_id,
            clock.mql_at,
            clock.owner_id,
            clock.first_touch_at,
            clock.decided_at,
        )
        assert row[5] == pytest.approx(clock.hours_to_first_touch)
        assert row[6] == pytest.approx(clock.hours_to_decision)
        assert row[7:] == (
            clock.first_touch_within_1h,
            clock.first_touch_within_sla,
            clock.decision_within_sla,
            clock.is_breached,
        ), clock.lead_id


def test_business_hours_match_a_berlin_schedule_across_dst(built: Path) -> None:
    rows = query(
        built,
        "select lead_id, mql_entered_at, business_hours_to_first_touch, business_hours_to_decision,"
        " business_hours_waiting from mart_sla_mql_response order by mql_entered_at",
    )
    expected = sorted(expected_clocks(), key=lambda clock: clock.mql_at)
    for (lead_id, _, to_touch, to_decision, waiting), clock in zip(rows, expected, strict=True):
        touch = business_hours(clock.mql_at, clock.first_touch_at) if clock.first_touch_at else None
        decision = business_hours(clock.mql_at, clock.decided_at) if clock.decided_at else None
        open_for = business_hours(clock.mql_at, AS_OF) if clock.decided_at is None else None
        assert (to_touch, to_decision, waiting) == (
            pytest.approx(touch),
            pytest.approx(decision),
            pytest.approx(open_for),
        ), lead_id
    # L07: MQL Friday 2025-03-28 15:00 UTC (16:00 CET), touched Monday 2025-03-31 05:15 UTC
    # (07:15 CEST, before opening), decided Monday 13:00 UTC (15:00 CEST): 1 h + 6 h.
    by_lead = {row[0]: row for row in rows}
    assert by_lead["L07"][2:4] == (pytest.approx(1.0), pytest.approx(7.0))


def test_compliance_shares_medians_and_breaches(built: Path) -> None:
    groups: dict[tuple[date, str | None], list[Expected]] = defaultdict(list)
    for clock in expected_clocks():
        groups[(clock.month, clock.owner_id)].append(clock)

    def share(flags: list[bool | None]) -> float | None:
        judged = [flag for flag in flags if flag is not None]
        return sum(judged) / len(judged) if judged else None

    def median(values: list[float | None]) -> float | None:
        ended = [value for value in values if value is not None]
        return statistics.median(ended) if ended else None

    expected = {
        key: (
            len(clocks),
            share([c.first_touch_within_1h for c in clocks]),
            share([c.first_touch_within_sla for c in clocks]),
            share([c.decision_within_sla for c in clocks]),
            median([c.hours_to_first_touch for c in clocks]),
            median([c.hours_to_decision for c in clocks]),
            sum(c.is_breached for c in clocks),
        )
        for key, clocks in groups.items()
    }
    rows = query(
        built,
        "select month, owner_id, mqls, pct_first_touch_within_1h, pct_first_touch_within_sla,"
        " pct_decision_within_sla, median_hours_to_first_touch, median_hours_to_decision, breaches"
        " from mart_sla_compliance",
    )
    actual = {(row[0], row[1]): row[2:] for row in rows}
    assert actual.keys() == expected.keys()
    for key, values in expected.items():
        assert actual[key] == pytest.approx(values), key
    # spelled out for March x rep_a (7 entries, all judged by as_of): touched within 1 h: L01,
    # L04; within 24 h: L01, L02, L04 (L05 and L06 were never touched); decided within 48 h:
    # L01, L03, L05 (L06 is open past the target); median hours to first touch of 0.5, 0.75,
    # 1.5, 25, 62.25 = 1.5; to decision of 20, 30, 47, 50, 70, 72 = (47 + 50) / 2; one breach
    march = actual[(date(2025, 3, 1), "rep_a")]
    assert march == pytest.approx((7, 2 / 7, 3 / 7, 3 / 7, 1.5, 48.5, 1))


def test_breach_list_is_oldest_first(built: Path) -> None:
    breached = sorted((c for c in expected_clocks() if c.is_breached), key=lambda c: c.mql_at)
    rows = query(
        built,
        "select breach_rank, lead_id, mql_entered_at, owner_id, lead_score is not null"
        " from mart_sla_open_breaches order by breach_rank",
    )
    assert [(row[1], row[2], row[3]) for row in rows] == [
        (c.lead_id, c.mql_at, c.owner_id) for c in breached
    ]
    assert [row[0] for row in rows] == list(range(1, len(breached) + 1))
    assert all(row[4] for row in rows)  # every breach carries its lead's score
    assert len(rows) == 3  # L06, L12, L13's second entry
