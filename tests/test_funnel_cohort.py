"""mart_funnel_cohort on a hand-built case: 100 leads that converted on an ebook and 100 on
a demo request, each lead following one of a few stage paths (skipped stages, a recycled lead
qualifying again, a move back from SQL to SAL, rejections, losses). The expected counts and
rates are worked out below from the paths, not from the models."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dbt_helpers import query, run_dbt, write_csv
from lead_funnel.common import funnel_stages

# The funnel order (docs/definitions.md#stages), from seeds/config/stages.csv; outcome stages
# have none.
FUNNEL_ORDER = {stage: order for order, stage in enumerate(funnel_stages(), start=1)}
# Source-system labels the stage changes are written with (mapped by
# seeds/config/stage_mapping.csv).
LABELS = {
    "mql": "Marketing Qualified Lead",
    "sal": "SAL",
    "sql": "Sales Qualified Lead",
    "opportunity": "QSO",
    "customer": "Closed Won",
    "lost": "Closed Lost",
    "recycled": "Recycled",
    "rejected": "Sales Rejected",
    "disqualified": "Disqualified",
}
COHORT_START = datetime(2025, 3, 1, 9, 0, 0)
AS_OF = "2025-12-31 00:00:00"
LEAD_SOURCE = "paid_search"

StagePath = list[tuple[str, int]]  # (stage entered, days after the lead's creation)


@dataclass(frozen=True)
class Group:
    """`leads` leads of one offer that all follow the same stage path."""

    name: str
    leads: int
    path: StagePath


OFFERS: dict[str, list[Group]] = {
    "ebook": [
        Group("no stage changes", 60, []),
        Group("mql only", 15, [("mql", 2)]),
        Group("rejected by sales", 5, [("mql", 2), ("rejected", 3)]),
        Group("recycled, mql again", 2, [("mql", 2), ("recycled", 5), ("mql", 20), ("sal", 21)]),
        Group("accepted", 6, [("mql", 3), ("sal", 4)]),
        Group("qualified", 8, [("mql", 3), ("sal", 4), ("sql", 8)]),
        Group("skipped straight to sql", 4, [("sql", 6)]),
    ],
    "demo_request": [
        Group("no stage changes", 30, []),
        Group("mql only", 10, [("mql", 1)]),
        Group("accepted", 10, [("mql", 1), ("sal", 2)]),
        Group("qualified", 15, [("mql", 1), ("sal", 2), ("sql", 5)]),
        Group("opportunity", 10, [("mql", 1), ("sal", 2), ("sql", 5), ("opportunity", 15)]),
        Group(
            "customer",
            8,
            [("mql", 1), ("sal", 2), ("sql", 5), ("opportunity", 15), ("customer", 45)],
        ),
        Group("lost", 4, [("mql", 1), ("sal", 2), ("sql", 5), ("opportunity", 15), ("lost", 40)]),
        Group("skipped sal and sql", 3, [("mql", 1), ("opportunity", 10)]),
        Group("back from sql to sal", 5, [("mql", 1), ("sal", 2), ("sql", 5), ("sal", 9)]),
        Group("recycled, mql again", 3, [("mql", 1), ("recycled", 4), ("mql", 30), ("sql", 33)]),
        Group("disqualified", 2, [("disqualified", 1)]),
    ],
}

# What the paths above add up to, counted by hand (the test also derives them below).
HAND_COUNTED = {
    "ebook": {"leads": 100, "mqls": 40, "sals": 20, "sqls": 12, "opportunities": 0},
    "demo_request": {"leads": 100, "mqls": 68, "sals": 58, "sqls": 48, "opportunities": 25},
}

STAGE_COUNTS = {
    "lead": "leads",
    "mql": "mqls",
    "sal": "sals",
    "sql": "sqls",
    "opportunity": "opportunities",
    "customer": "customers",
}
RATES = [
    ("lead", "mql"),
    ("mql", "sal"),
    ("sal", "sql"),
    ("mql", "sql"),
    ("sql", "opportunity"),
    ("opportunity", "customer"),
    ("lead", "customer"),
]


def first_reached_day(path: StagePath, stage: str) -> int | None:
    """Days to the first entry into `stage` or any later funnel stage (the "reached" rule)."""
    if stage == "lead":
        return 0
    days = [day for entered, day in path if FUNNEL_ORDER.get(entered, 0) >= FUNNEL_ORDER[stage]]
    return min(days) if days else None


def expected_cohort_row(groups: list[Group]) -> dict[str, object]:
    """The mart_funnel_cohort row the groups of one offer should produce."""
    counts = {
        STAGE_COUNTS[stage]: sum(
            group.leads for group in groups if first_reached_day(group.path, stage) is not None
        )
        for stage in FUNNEL_ORDER
    }
    row: dict[str, object] = dict(counts)
    for from_stage, to_stage in RATES:
        numerator, denominator = counts[STAGE_COUNTS[to_stage]], counts[STAGE_COUNTS[from_stage]]
        row[f"{from_stage}_to_{to_stage}_rate"] = numerator / denominator if denominator else None
    lead_to_mql_days = [
        float(day)
        for group in groups
        for day in [first_reached_day(group.path, "mql")] * group.leads
        if day is not None
    ]
    row["median_days_lead_to_mql"] = statistics.median(lead_to_mql_days)
    return row


def write_raw_files(raw_dir: Path) -> None:
    """leads.csv, activities.csv and stage_changes.csv in the raw layout (docs/definitions.md#raw-data-contract)."""
    leads, activities, changes = [], [], []
    number = 0
    for offer, groups in OFFERS.items():
        for group in groups:
            for _ in range(group.leads):
                number += 1
                lead_id = f"L{number:04d}"
                created_at = COHORT_START + timedelta(days=number % 28)
                leads.append(
                    {
                        "lead_id": lead_id,
                        "created_at": created_at.isoformat(sep=" "),
                        "email": f"person{number}@company{number}.com",
                        "first_name": "Test",
                        "last_name": f"Person {number}",
                        "job_title": "Head of Operations",
                        "company_name": f"Company {number}",
                        "company_size": "200",
                        "industry": "software",
                        "country": "US",
                        "lead_source": LEAD_SOURCE,
                        "acquisition_offer": offer,
                        "owner_id": "rep_01",
                    }
                )
                activities.append(
                    {
                        "activity_id": f"A{number:04d}",
                        "lead_id": lead_id,
                        "activity_type": "content_download" if offer == "ebook" else "demo_request",
                        "occurred_at": created_at.isoformat(sep=" "),
                    }
                )
                for step, (stage, day) in enumerate(group.path, start=1):
                    changes.append(
                        {
                            "change_id": f"S{number:04d}_{step}",
                            "lead_id": lead_id,
                            "stage": LABELS[stage],
                            "changed_at": (created_at + timedelta(days=day)).isoformat(sep=" "),
                            "owner_id": "rep_01",
                        }
                    )
    for name, rows in [("leads", leads), ("activities", activities), ("stage_changes", changes)]:
        write_csv(raw_dir / f"{name}.csv", rows)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("funnel_cohort")
    raw_dir = work / "raw"
    raw_dir.mkdir()
    write_raw_files(raw_dir)
    db_path = work / "warehouse.duckdb"
    # the funnel models, their parents and the tests of those (not other marts' tests)
    selection = ["+fct_lead_stage_history", "+mart_funnel_cohort", "+mart_mql_monthly"]
    run_dbt(
        ["build", "--full-refresh", "--select", *selection, "--indirect-selection", "cautious"],
        db_path,
        {"raw_dir": str(raw_dir), "as_of": AS_OF},
    )
    return db_path


def cohort_rows(db_path: Path) -> dict[str, dict[str, object]]:
    columns = [
        "cohort_month",
        "lead_source",
        "acquisition_offer",
        *STAGE_COUNTS.values(),
        *(f"{from_stage}_to_{to_stage}_rate" for from_stage, to_stage in RATES),
        "median_days_lead_to_mql",
        "is_cohort_complete",
    ]
    rows = query(db_path, f"select {', '.join(columns)} from mart_funnel_cohort")
    return {row[2]: dict(zip(columns, row, strict=True)) for row in rows}


def test_one_row_per_offer_in_the_cohort(built: Path) -> None:
    rows = cohort_rows(built)
    assert sorted(rows) == ["demo_request", "ebook"]
    for row in rows.values():
        assert str(row["cohort_month"]) == "2025-03-01"
        assert row["lead_source"] == LEAD_SOURCE
        assert row["is_cohort_complete"] is True  # 2025-04-01 + 90 days <= as_of


@pytest.mark.parametrize("offer", list(OFFERS))
def test_cohort_reproduces_counts_and_rates(built: Path, offer: str) -> None:
    expected = expected_cohort_row(OFFERS[offer])
    for column, count in HAND_COUNTED[offer].items():
        assert expected[column] == count, f"the test's own arithmetic is off for {column}"
    actual = cohort_rows(built)[offer]
    for column, value in expected.items():
        assert actual[column] == value, f"{offer} {column}: {actual[column]} != {value}"


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval, written out here independently of the macro."""
    p = successes / trials
    centre = p + z * z / (2 * trials)
    spread = z * (p * (1 - p) / trials + z * z / (4 * trials * trials)) ** 0.5
    return (centre - spread) / (1 + z * z / trials), (centre + spread) / (1 + z * z / trials)


def test_rates_carry_wilson_intervals_and_maturity(built: Path) -> None:
    rows = query(
        built,
        "select acquisition_offer, lead_to_mql_rate_ci_lower, lead_to_mql_rate_ci_upper,"
        " opportunity_to_customer_rate_ci_lower, is_lead_to_mql_rate_mature,"
        " is_lead_to_customer_rate_mature from mart_funnel_cohort",
    )
    by_offer = {row[0]: row[1:] for row in rows}
    assert by_offer["ebook"][:2] == pytest.approx(wilson(40, 100))
    assert by_offer["demo_request"][:2] == pytest.approx(wilson(68, 100))
    assert by_offer["ebook"][2] is None  # no opportunity: no rate, no interval
    # the slowest step (lead -> customer: 45 days for every customer) has long passed since
    # the cohort ended (2025-04-01)
    assert all(row[3] is True and row[4] is True for row in by_offer.values())


def test_rates_without_a_denominator_are_null(built: Path) -> None:
    ebook = cohort_rows(built)["ebook"]
    assert ebook["opportunities"] == 0
    assert ebook["sql_to_opportunity_rate"] == 0.0
    assert ebook["opportunity_to_customer_rate"] is None


def test_funnel_starts_at_contacts(built: Path) -> None:
    """Every record here is created with an ebook download or a demo request at its creation
    (both positive-point engagement rules): each contact is a lead at once, and the lead
    stage still counts every record."""
    rows = query(
        built,
        "select acquisition_offer, contacts, engaged_leads, leads, contact_to_lead_rate,"
        " median_days_contact_to_lead from mart_funnel_cohort",
    )
    by_offer = {row[0]: row[1:] for row in rows}
    for offer in OFFERS:
        assert by_offer[offer] == (100, 100, 100, 1.0, 0.0), offer


def test_re_mqls_count_as_entries_not_as_leads(built: Path) -> None:
    recycled_leads = 2 + 3
    (re_entries,) = query(
        built,
        "select count(*) from fct_lead_stage_history "
        "where stage = 'mql' and entry_number = 2 and is_recycled",
    )
    assert re_entries[0] == recycled_leads
    # every MQL entry counts in the monthly report (the skips to sql have none)
    entries = sum(
        group.leads * [stage for stage, _ in group.path].count("mql")
        for groups in OFFERS.values()
        for group in groups
    )
    assert entries == 40 - 4 + 2 + 68 + 3
    (monthly,) = query(built, "select sum(mqls), sum(re_mqls) from mart_mql_monthly")
    assert monthly == (entries, recycled_leads)


def test_backdated_stage_change_is_kept_and_warned(tmp_path: Path) -> None:
    """docs/definitions.md#bad-input: a stage change dated before its lead's created_at stays in the
    history (no implicit lead entry is added before it) and only raises a warning."""
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    files = {
        "leads": "lead_id,created_at,lead_source,acquisition_offer\n"
        "L1,2025-03-10 09:00:00,event,trade_show\n"
        "L2,2025-03-10 09:00:00,event,trade_show\n",
        "activities": "activity_id,lead_id,activity_type,occurred_at\n"
        "A1,L1,trade_show_visit,2025-03-10 09:00:00\n",
        "stage_changes": "change_id,lead_id,stage,changed_at\n"
        "S1,L1,MQL,2025-03-01 09:00:00\n"  # imported with the date of an earlier event
        "S2,L1,SAL,2025-03-12 09:00:00\n"
        "S3,L2,MQL,2025-03-11 09:00:00\n",
    }
    for name, text in files.items():
        (raw_dir / f"{name}.csv").write_text(text)
    db_path = tmp_path / "warehouse.duckdb"
    completed = run_dbt(
        [
            "build",
            "--select",
            "+fct_lead_stage_history",
            "assert_stage_history_changes_not_before_lead_created",
            "--indirect-selection",
            "cautious",
        ],
        db_path,
        {"raw_dir": str(raw_dir), "as_of": AS_OF},
    )
    assert "WARN 1 assert_stage_history_changes_not_before_lead_created" in completed.stdout
    history = query(
        db_path,
        "select lead_id, stage, is_skip from fct_lead_stage_history "
        "order by lead_id, entry_sequence",
    )
    assert history == [
        ("L1", "mql", True),  # no lead entry before it: it skipped lead
        ("L1", "sal", False),
        ("L2", "lead", False),
        ("L2", "mql", False),
    ]
