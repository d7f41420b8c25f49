"""scripts/generate_data.py: deterministic, realistic, and the source of the demo seeds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from generate_data import main

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SCRIPT = Path(__file__).resolve().parents[1] / "generate_data.py"
COLUMNS = {
    "leads": "lead_id,created_at,email,first_name,last_name,job_title,phone,company_name,"
    "company_size,industry,country,lead_source,acquisition_offer,owner_id",
    "activities": "activity_id,lead_id,activity_type,occurred_at,owner_id,campaign,detail,"
    "duration_seconds",
    "stage_changes": "change_id,lead_id,stage,changed_at,owner_id,reason,amount",
}


@pytest.fixture(scope="module")
def five_thousand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("g5000")
    assert main(["--leads", "5000", "--seed", "11", "--out", str(out)]) == 0
    return out


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    for name, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        assert main(["--leads", "300", "--seed", seed, "--out", str(tmp_path / name)]) == 0
    for table in COLUMNS:
        first = (tmp_path / "a" / f"{table}.csv").read_bytes()
        assert first == (tmp_path / "b" / f"{table}.csv").read_bytes()
        assert first != (tmp_path / "c" / f"{table}.csv").read_bytes()


def test_demo_output_matches_the_committed_seeds(tmp_path: Path) -> None:
    assert main(["--demo", "--out", str(tmp_path)]) == 0
    for table in COLUMNS:
        name = f"raw_{table}.csv"
        assert (tmp_path / name).read_bytes() == (SEEDS / name).read_bytes(), (
            f"seeds/{name} is stale: run `python scripts/generate_data.py --demo`"
        )


def test_columns_follow_the_raw_contract(five_thousand: Path) -> None:
    for table, header in COLUMNS.items():
        assert (five_thousand / f"{table}.csv").read_text().splitlines()[0] == header


def test_parquet_holds_the_same_rows(tmp_path: Path) -> None:
    for file_format in ("csv", "parquet"):
        assert (
            main(
                [
                    "--leads",
                    "200",
                    "--seed",
                    "5",
                    "--out",
                    str(tmp_path / file_format),
                    "--format",
                    file_format,
                ]
            )
            == 0
        )
    with duckdb.connect() as connection:
        for table in COLUMNS:
            rows = connection.execute(
                f"select * from read_csv('{tmp_path}/csv/{table}.csv', all_varchar = true) "
                f"except all select * from read_parquet('{tmp_path}/parquet/{table}.parquet')"
            ).fetchall()
            assert rows == [], table


def test_conversion_rates_fall_in_published_bands(five_thousand: Path) -> None:
    with duckdb.connect() as connection:
        rates = connection.execute(
            f"""
            with mapping as (select lower(source_label) as label, stage from read_csv('{SEEDS}/stage_mapping.csv')),
            orders as (select * from (values ('lead', 1), ('mql', 2), ('sal', 3), ('sql', 4),
                ('opportunity', 5), ('customer', 6)) as t(stage, stage_order)),
            reached as (
                select changes.lead_id, max(orders.stage_order) as furthest
                from read_csv('{five_thousand}/stage_changes.csv', all_varchar = true) as changes
                inner join mapping on lower(changes.stage) = mapping.label
                inner join orders on mapping.stage = orders.stage
                group by changes.lead_id
            ),
            leads as (
                select coalesce(reached.furthest, 1) as furthest
                from read_csv('{five_thousand}/leads.csv', all_varchar = true) as leads
                left join reached on leads.lead_id = reached.lead_id
            )
            select
                count(*) filter (furthest >= 2) / count(*),
                count(*) filter (furthest >= 3) / count(*) filter (furthest >= 2),
                count(*) filter (furthest >= 4) / count(*) filter (furthest >= 3),
                count(*) filter (furthest >= 5) / count(*) filter (furthest >= 4),
                count(*) filter (furthest >= 6) / count(*) filter (furthest >= 5)
            from leads
            """
        ).fetchone()
    bands = [(0.10, 0.40), (0.40, 0.60), (0.50, 0.70), (0.30, 0.75), (0.20, 0.30)]
    for rate, (low, high) in zip(rates, bands, strict=True):
        assert low <= rate <= high, (rates, bands)


def test_about_a_third_of_mqls_are_touched_within_an_hour(five_thousand: Path) -> None:
    with duckdb.connect() as connection:
        share = connection.execute(
            f"""
            with mqls as (
                select lead_id, cast(try_cast(changed_at as timestamptz) at time zone 'UTC' as timestamp) as event_at
                from read_csv('{five_thousand}/stage_changes.csv', all_varchar = true)
                where lower(stage) in ('mql', 'marketing qualified lead')
            ),
            touches as (
                select lead_id, cast(try_cast(occurred_at as timestamptz) at time zone 'UTC' as timestamp) as event_at
                from read_csv('{five_thousand}/activities.csv', all_varchar = true)
                where activity_type in ('sales_call', 'sales_email', 'sales_meeting')
            ),
            first_touch as (
                select mqls.lead_id, mqls.event_at, min(touches.event_at) as touched
                from mqls left join touches on mqls.lead_id = touches.lead_id and touches.event_at >= mqls.event_at
                group by mqls.lead_id, mqls.event_at
            )
            select avg(case when touched <= event_at + interval 1 hour then 1 else 0 end) from first_touch
            """
        ).fetchone()[0]
    assert 0.2 <= share <= 0.5


def test_help_and_bad_arguments() -> None:
    help_run = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True
    )
    assert help_run.returncode == 0 and "--leads" in help_run.stdout
    for bad in (["--leads", "0", "--out", "x"], ["--format", "xml", "--out", "x"]):
        run = subprocess.run([sys.executable, str(SCRIPT), *bad], capture_output=True, text=True)
        assert run.returncode != 0
        assert "error" in run.stderr
