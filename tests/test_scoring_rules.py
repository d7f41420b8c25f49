"""Scoring is configuration: replace seeds/config/scoring_rules.csv (and free_email_domains.csv)
with a custom rule set, build a copy of the project on hand-built raw files and check the
scores of a few hand-built leads end to end against values computed by hand from
docs/definitions.md#metric-definitions.

Fixture: fixtures/scoring_custom/ holds the raw files (leads, activities, stage_changes) and,
under seeds/ (copied to the copy's seeds/config/), the custom rules that replace the
project's for this run:

    c_visit      engagement  activity_type contains VISIT         7, capped at 21
    c_demo       engagement  activity_type equals   Demo_Request  100
    c_spam       engagement  activity_type equals   spam_report   -15, floor -20
    c_title_ops  fit         job_title     contains OPS           12
    c_size       fit         company_size  between  10..99        8
    c_country_de fit         country       equals   de            5
    c_free_mail  negative    is_free_email equals   true          -9
    c_rival      negative    email_domain  equals   rival.io      0, disqualifies
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from dbt_helpers import copy_project, query, run_dbt

FIXTURE = Path(__file__).parent / "fixtures" / "scoring_custom"
AS_OF = datetime(2025, 3, 1)
HALF_LIFE_DAYS = 10
THRESHOLD = 50
DBT_VARS = {
    "raw_dir": str(FIXTURE),
    "as_of": "2025-03-01 00:00:00",
    "engagement_half_life_days": HALF_LIFE_DAYS,
    "mql_threshold": THRESHOLD,
    "mql_required_fields": ["first_name", "last_name", "job_title", "email"],
    "calibration_horizon_days": 7,
    "backtest_outcome_window_days": 7,
    "calibration_band_width": 25,
    "lead_grade_bands": {"A": 20, "B": 10, "C": 5},
    "priority_tier_bands": {"high": 50, "medium": 20},
}
SCORING_MODELS = [
    "+scored_leads",
    "+fct_lead_activities",
    "+mart_score_calibration",
    "+mart_mql_threshold_curve",
]


def decayed(points: float, occurred_at: datetime, at: datetime = AS_OF) -> float:
    """points * 0.5 ^ (age_days / half_life): the docs/definitions.md#metric-definitions decay, by hand."""
    age_days = (at - occurred_at).total_seconds() / 86400
    return points * 0.5 ** (age_days / HALF_LIFE_DAYS)


def capped(total: float, cap: float) -> float:
    """A rule's decayed sum held to its max_points: a ceiling for positive points, a floor for
    negative ones (docs/definitions.md#configuration: max_points caps what one rule can add for one lead)."""
    return min(total, cap) if cap >= 0 else max(total, cap)


def day(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    work = tmp_path_factory.mktemp("scoring_custom")
    project = work / "project"
    copy_project(project)
    for seed in ("scoring_rules.csv", "free_email_domains.csv"):
        shutil.copyfile(FIXTURE / "seeds" / seed, project / "seeds" / "config" / seed)
    db_path = work / "warehouse.duckdb"
    completed = run_dbt(
        [
            "build",
            "--select",
            *SCORING_MODELS,
            # unit tests read no data; staging has its own tests in the full build
            "--exclude",
            "test_type:unit",
            "resource_type:test,path:models/staging",
            "--indirect-selection",
            "cautious",
        ],
        db_path,
        DBT_VARS,
        project_dir=project,
    )
    return db_path, completed.stdout


def scored(db_path: Path) -> dict[str, dict[str, object]]:
    rows = query(
        db_path,
        """
        select lead_id, fit_score, engagement_score, negative_score, lead_score, lead_grade,
            priority_tier, is_profile_complete, is_disqualified, disqualification_reasons,
            is_mql_eligible, mql_eligible_at, current_stage
        from scored_leads
        """,
    )
    columns = [
        "lead_id",
        "fit_score",
        "engagement_score",
        "negative_score",
        "lead_score",
        "lead_grade",
        "priority_tier",
        "is_profile_complete",
        "is_disqualified",
        "disqualification_reasons",
        "is_mql_eligible",
        "mql_eligible_at",
        "current_stage",
    ]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


def test_activity_points_follow_the_custom_rules(built: tuple[Path, str]) -> None:
    db_path, _ = built
    points = dict(query(db_path, "select activity_id, points from fct_lead_activities"))
    assert points == {
        # contains VISIT (case-insensitive) matches site_visit and booth_visit: 7 each until
        # the cap of 21; A14 comes after three visits and gets nothing
        "A11": 7,
        "A12": 7,
        "A13": 7,
        "A14": 0,
        "A15": 0,  # email_open: no rule in the custom set (kept, 0 points)
        "A21": 100,
        "A31": 100,  # Demo_Request equals demo_request case-insensitively
        "A41": -15,
        "A42": 100,
        "A43": -5,  # the floor of -20 leaves -5 for the second spam report
        "A44": 0,
        "A51": 100,
    }
    unscored = query(
        db_path,
        "select distinct activity_type from fct_lead_activities where not has_scoring_rule"
        " order by 1",
    )
    assert unscored == [("email_open",), ("sales_call",)]


def test_unscored_activity_types_raise_the_warning_test(built: tuple[Path, str]) -> None:
    _, stdout = built
    warning_lines = [
        line for line in stdout.splitlines() if "assert_scoring_rules_cover_activity_types" in line
    ]
    assert any("WARN 2" in line for line in warning_lines), warning_lines


def test_profile_scores_grades_and_disqualification(built: tuple[Path, str]) -> None:
    leads = scored(built[0])
    expected = {
        # DevOps Lead contains OPS (12), 50 employees in 10..99 (8), DE equals de (5)
        "K1": (25, 0, "A", False, None),
        # nothing fits; freemail.test is in the custom free-mail list (-9)
        "K2": (0, -9, "D", False, None),
        # Head of Ops (12), 10 employees: the lower edge of 10..99 (8); rival.io disqualifies
        "K3": (20, 0, "A", True, "c_rival"),
        # ops manager (12), 5000 employees and FR match nothing
        "K4": (12, 0, "B", False, None),
        "K5": (0, 0, "D", False, None),
    }
    actual = {
        lead_id: (
            row["fit_score"],
            row["negative_score"],
            row["lead_grade"],
            row["is_disqualified"],
            row["disqualification_reasons"],
        )
        for lead_id, row in leads.items()
    }
    assert actual == expected
    assert leads["K4"]["is_profile_complete"] is False  # no last name
    assert all(leads[lead]["is_profile_complete"] for lead in ("K1", "K2", "K3", "K5"))


def test_engagement_decays_and_scores_add_up(built: tuple[Path, str]) -> None:
    leads = scored(built[0])
    # each rule's activities decayed to as_of, summed, then capped (the cap holds the decayed
    # sum, so the fourth visit still counts: four decayed visits stay under 21)
    engagement = {
        "K1": capped(sum(decayed(7, day(f"2025-02-0{d}")) for d in (5, 6, 7, 8)), 21),
        "K2": decayed(100, day("2025-02-20")),
        "K3": decayed(100, day("2025-02-27")),
        # two spam reports decayed: -12.2 and -13.1 pass the floor of -20
        "K4": capped(decayed(-15, day("2025-02-26")) + decayed(-15, day("2025-02-27")), -20)
        + decayed(100, day("2025-02-26 12:00")),
        "K5": decayed(100, day("2025-02-14")),
    }
    for lead_id, expected in engagement.items():
        row = leads[lead_id]
        assert row["engagement_score"] == pytest.approx(expected, abs=1e-6), lead_id
        total = row["fit_score"] + row["engagement_score"] + row["negative_score"]
        assert row["lead_score"] == pytest.approx(total, abs=1e-6), lead_id
    tiers = {lead_id: row["priority_tier"] for lead_id, row in leads.items()}
    # K1 25 + 5.9, K2 -9 + 53.6, K3 20 + 81.2, K4 12 + 61.2, K5 0 + 35.4
    assert tiers == {"K1": "medium", "K2": "medium", "K3": "high", "K4": "high", "K5": "medium"}


def test_mql_eligibility_and_the_moment_it_was_reached(built: tuple[Path, str]) -> None:
    leads = scored(built[0])
    # K1 never reaches 50: 25 + at most 7 + 7 * 2^-0.1 + 7 * 2^-0.2 + 7 * 2^-0.3 (the visits
    # decay)
    assert (leads["K1"]["is_mql_eligible"], leads["K1"]["mql_eligible_at"]) == (False, None)
    # K2 reached 91 at its demo request; decayed to 44.6 since: no longer eligible, but it
    # became eligible then
    assert -9 + 100 >= THRESHOLD > -9 + decayed(100, day("2025-02-20"))
    assert (leads["K2"]["is_mql_eligible"], leads["K2"]["mql_eligible_at"]) == (
        False,
        day("2025-02-20"),
    )
    # K3 scores 101 but is disqualified; K4 scores 91 but its profile is incomplete
    assert leads["K3"]["lead_score"] >= THRESHOLD and leads["K4"]["lead_score"] >= THRESHOLD
    for lead_id in ("K3", "K4"):
        assert (leads[lead_id]["is_mql_eligible"], leads[lead_id]["mql_eligible_at"]) == (
            False,
            None,
        )
    # K5's demo request is dated a day before the lead was created: it counts (93.3 at
    # creation), and the lead is eligible from its creation, not before it existed
    assert decayed(100, day("2025-02-14"), at=day("2025-02-15")) >= THRESHOLD
    assert leads["K5"]["mql_eligible_at"] == day("2025-02-15")
    assert leads["K5"]["is_mql_eligible"] is False  # 35.4 at as_of
    assert leads["K2"]["current_stage"] == "sql"


def test_calibration_scores_each_lead_at_its_horizon(built: tuple[Path, str]) -> None:
    db_path, _ = built
    horizon = dict(
        query(
            db_path,
            "select lead_id, lead_score_at_horizon from intermediate.int_lead_score_backtest",
        )
    )
    # mature leads (created 7 days or more before as_of) scored at created + 7 days; K4
    # (created 2025-02-25) is too young: not in the backtest
    expected = {
        # the visits up to 2025-02-08 (the fourth at the horizon itself), decayed to then:
        # 7 + 7 * 2^-0.1 + 7 * 2^-0.2 + 7 * 2^-0.3 = 25.1, over the cap of 21
        "K1": 25
        + capped(
            sum(decayed(7, day(f"2025-02-0{d}"), at=day("2025-02-08")) for d in (5, 6, 7, 8)), 21
        ),
        # the demo request (2025-02-20) comes after the horizon (2025-02-17): no leakage
        "K2": -9,
        # the demo request is exactly at the horizon: counted
        "K3": 20 + 100,
        "K5": decayed(100, day("2025-02-14"), at=day("2025-02-22")),
    }
    assert horizon.keys() == expected.keys()
    for lead_id, score in expected.items():
        assert horizon[lead_id] == pytest.approx(score, abs=1e-6), lead_id

    bands = query(
        db_path,
        "select score_band, leads, reached_sql, sql_rate from mart_score_calibration"
        " order by band_min",
    )
    assert bands == [
        ("-25-0", 1, 1, 1.0),  # K2 became SQL on 2025-02-25, after its horizon
        ("25-50", 1, 0, 0.0),  # K1 46
        ("50-75", 1, 0, 0.0),  # K5 57.4
        ("100-125", 1, 0, 0.0),  # K3 120
    ]
    # the backtest routes a lead when its score first reaches the threshold before its SQL:
    # K2's demo request (2025-02-20) took it to 100 - 9 = 91, five days before it became SQL
    # (routed, a hit); K3 reached 120 and K5 93.3 at its creation (the demo request a day
    # before, decayed a day), neither became SQL (routed, not hits); K1 peaked at 46 on
    # 2025-02-08 (not routed)
    peaks = dict(
        query(
            db_path,
            "select lead_id, peak_score_before_sql from intermediate.int_lead_score_backtest",
        )
    )
    assert peaks["K2"] == pytest.approx(91, abs=1e-6)
    assert peaks["K3"] == pytest.approx(120, abs=1e-6)
    assert peaks["K5"] == pytest.approx(decayed(100, day("2025-02-14"), at=day("2025-02-15")))
    assert peaks["K1"] == pytest.approx(expected["K1"], abs=1e-6)
    current = query(
        db_path,
        "select leads, sql_leads, routed_leads, hits, precision, recall"
        " from mart_mql_threshold_curve where is_current_threshold",
    )
    assert current == [(4, 1, 3, 1, pytest.approx(1 / 3), 1.0)]
