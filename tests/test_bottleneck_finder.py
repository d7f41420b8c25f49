"""analyses/funnel_bottleneck_finder.sql on hand-built channels: a step is flagged only where
the channel's Wilson interval lies wholly below the company's rate, never for a channel that
beats the company or trails it on too few leads to tell.

One cohort (March 2025, as_of 2025-12-31: every step mature), three channels:

    channel   leads  MQLs  SALs   MQL -> SAL
    partner    120    60    40    0.667  (above the company)
    social     100    25    10    0.400  (below, but 25 MQLs: upper bound 0.59)
    email      100    40     4    0.100  (below: upper bound 0.23)

Company MQL -> SAL: 54 / 125 = 0.432. Lead -> MQL: partner 0.5, social 0.25, email 0.4 against
125 / 320 = 0.39: social's upper bound (0.34) is below it, email's (0.50) is not. The SAL
steps further down have no SQLs: no company rate above 0 to fall below.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from dbt_helpers import run_dbt, write_csv

AS_OF = "2025-12-31 00:00:00"
COHORT_START = datetime(2025, 3, 1, 9, 0, 0)
CHANNELS = {"partner": (120, 60, 40), "social": (100, 25, 10), "email": (100, 40, 4)}


def wilson_upper(successes: int, trials: int, z: float = 1.96) -> float:
    """The Wilson score interval's upper bound, written out independently of the macro."""
    p = successes / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return (centre + spread) / (1 + z * z / trials)


def write_raw_files(raw_dir: Path) -> None:
    leads, changes = [], []
    number = 0
    for channel, (lead_count, mql_count, sal_count) in CHANNELS.items():
        for index in range(lead_count):
            number += 1
            lead_id = f"L{number:04d}"
            created_at = COHORT_START + timedelta(days=index % 28)
            leads.append(
                {
                    "lead_id": lead_id,
                    "created_at": created_at.isoformat(sep=" "),
                    "lead_source": channel,
                    "acquisition_offer": "ebook",
                }
            )
            path = [("MQL", 2)] if index < mql_count else []
            if index < sal_count:
                path.append(("SAL", 4))
            for step, (stage, day) in enumerate(path, start=1):
                changes.append(
                    {
                        "change_id": f"S{number:04d}_{step}",
                        "lead_id": lead_id,
                        "stage": stage,
                        "changed_at": (created_at + timedelta(days=day)).isoformat(sep=" "),
                    }
                )
    activities = [{"activity_id": "A1", "lead_id": "L0001", "activity_type": "site_visit",
                   "occurred_at": COHORT_START.isoformat(sep=" ")}]  # fmt: skip
    for name, rows in [("leads", leads), ("activities", activities), ("stage_changes", changes)]:
        write_csv(raw_dir / f"{name}.csv", rows)


@pytest.fixture(scope="module")
def steps(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict]:
    work = tmp_path_factory.mktemp("bottleneck")
    raw_dir = work / "raw"
    raw_dir.mkdir()
    write_raw_files(raw_dir)
    db_path = work / "warehouse.duckdb"
    dbt_vars = {"raw_dir": str(raw_dir), "as_of": AS_OF}
    run_dbt(
        [
            "build",
            "--select",
            "+mart_funnel_cohort",
            "+mart_stage_velocity_overall",
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
        ],
        db_path,
        dbt_vars,
    )
    run_dbt(["compile", "--select", "funnel_bottleneck_finder"], db_path, dbt_vars)
    compiled = next((work / "target" / "compiled").rglob("funnel_bottleneck_finder.sql"))
    with duckdb.connect(str(db_path), read_only=True) as connection:
        result = connection.execute(compiled.read_text())
        columns = [column[0] for column in result.description]
        rows = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
    return {(row["lead_source"], row["from_stage"]): row for row in rows}


def test_company_rate_and_intervals(steps: dict[tuple[str, str], dict]) -> None:
    for channel, (_, mqls, sals) in CHANNELS.items():
        row = steps[(channel, "mql")]
        assert (row["entering"], row["converting"]) == (mqls, sals)
        assert row["company_step_rate"] == pytest.approx(54 / 125)
        assert row["step_rate_ci_upper"] == pytest.approx(wilson_upper(sals, mqls))


def test_a_channel_above_the_company_is_never_a_bottleneck(steps: dict) -> None:
    assert not any(
        row["is_bottleneck"] for (channel, _), row in steps.items() if channel == "partner"
    )
    assert steps[("partner", "mql")]["index_to_company"] > 1


def test_below_the_company_only_where_the_interval_says_so(steps: dict) -> None:
    social, email = steps[("social", "mql")], steps[("email", "mql")]
    assert social["index_to_company"] < 1 and not social["is_below_company"]
    assert email["is_below_company"] and email["is_bottleneck"]
    # lead -> MQL: social 25 / 100 is below 125 / 320 even at its upper bound, email is not
    assert steps[("social", "lead")]["is_below_company"]
    assert not steps[("email", "lead")]["is_below_company"]
    bottlenecks = {channel: step for (channel, step), row in steps.items() if row["is_bottleneck"]}
    assert bottlenecks == {"email": "mql", "social": "lead"}
