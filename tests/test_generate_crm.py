"""`lead-funnel generate --shape salesforce|hubspot`: the generated population written as a
CRM connector's tables (src/lead_funnel/generate/crm_shapes.py) and read back by that CRM's
adapter gives the raw tables of the files shape, for everything the CRM can carry.

One population (300 leads, seed 5) is generated in each shape. Each CRM shape is built (the
adapter and staging: seeds and the models up to stg_leads / stg_activities /
stg_stage_changes) and its raw tables are compared with the files shape's raw tables, which
are the generated files themselves:
- leads: the same number, every one valid;
- stage changes: the same count per funnel stage (labels through stage_mapping.csv), raw and
  valid;
- activities: the same count per type for each type the CRM records, and no other type.
  What differs, and why:
  - Salesforce keeps a webinar as one campaign member whose status is Registered or
    Attended, and the adapter reads an Attended member as registered and attended: an
    attendance without an earlier registration of the same lead and webinar (the generator
    makes some) gives one webinar_registered more;
  - HubSpot matches a marketing e-mail event to its contact by the recipient address: the
    events of a lead without an e-mail address reach the adapter without a lead, and
    staging rejects them as unknown_lead.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dbt_helpers import PROJECT_DIR, query, run_dbt
from lead_funnel.generate import cli
from lead_funnel.generate.crm_shapes import ACTIVITY_TYPES, HUBSPOT_EMAIL_EVENTS, adapter_tables

LEADS, SEED = 300, 5
SELECT = ["+stg_leads", "+stg_activities", "+stg_stage_changes"]


def _generate(out: Path, *extra: str) -> None:
    argv = ["--leads", str(LEADS), "--seed", str(SEED), "--out", str(out), *extra]
    assert cli.main(argv) == 0


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _stage_of() -> dict[str, str]:
    rows = _rows(PROJECT_DIR / "seeds" / "config" / "stage_mapping.csv")
    return {row["source_label"].strip().lower(): row["stage"] for row in rows}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    """The files shape: the raw tables, read as text."""
    out = tmp_path_factory.mktemp("files_shape")
    _generate(out)
    return {
        table: _rows(out / f"{table}.csv") for table in ("leads", "activities", "stage_changes")
    }


def _build(crm: str, work: Path) -> Path:
    crm_dir = work / crm
    _generate(crm_dir, "--shape", crm)
    db_path = work / "lead_funnel.duckdb"
    args = ["build", "--select", *SELECT, "--resource-type", "seed", "--resource-type", "model"]
    run_dbt([*args, "--threads", "2"], db_path, {"crm_source": crm, "crm_dir": str(crm_dir)})
    return db_path


@pytest.fixture(scope="module")
def salesforce(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build("salesforce", tmp_path_factory.mktemp("salesforce_shape"))


@pytest.fixture(scope="module")
def hubspot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build("hubspot", tmp_path_factory.mktemp("hubspot_shape"))


def _counts(db_path: Path, sql: str) -> Counter[str]:
    return Counter({key: count for key, count in query(db_path, sql)})


def _stage_counts(db_path: Path, table: str) -> Counter[str]:
    stage_of = _stage_of()
    labels = _counts(db_path, f"select stage, count(*) from staging.{table} group by 1")
    counts: Counter[str] = Counter()
    for label, count in labels.items():
        counts[stage_of[label.strip().lower()]] += count
    return counts


def _webinar_registrations_salesforce_adds(activities: list[dict[str, str]]) -> int:
    """Attendances with no earlier registration of the same lead and webinar left to pair."""
    open_registrations: Counter[tuple[str, str]] = Counter()
    unpaired = 0
    for row in activities:  # the generated file is in time order
        pair = (row["lead_id"], row["campaign"])
        if row["activity_type"] == "webinar_registered":
            open_registrations[pair] += 1
        elif row["activity_type"] == "webinar_attended":
            if open_registrations[pair]:
                open_registrations[pair] -= 1
            else:
                unpaired += 1
    return unpaired


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_leads_and_stage_entries_match_the_files_shape(
    crm: str, files: dict[str, list[dict[str, str]]], request: pytest.FixtureRequest
) -> None:
    db_path = request.getfixturevalue(crm)
    assert query(db_path, f"select count(*) from staging.{crm}__leads") == [(LEADS,)]
    assert query(db_path, "select count(*) from staging.stg_leads") == [(LEADS,)]
    stage_of = _stage_of()
    expected = Counter(stage_of[row["stage"].strip().lower()] for row in files["stage_changes"])
    assert set(expected) == set(_stage_of().values())  # every stage is exercised
    assert _stage_counts(db_path, f"{crm}__stage_changes") == expected
    assert _stage_counts(db_path, "stg_stage_changes") == expected


def test_salesforce_activities_match_the_files_shape(
    salesforce: Path, files: dict[str, list[dict[str, str]]]
) -> None:
    carried = set(ACTIVITY_TYPES["salesforce"])
    expected = Counter(
        r["activity_type"] for r in files["activities"] if r["activity_type"] in carried
    )
    added = _webinar_registrations_salesforce_adds(files["activities"])
    assert added > 0  # the generator makes attendances without a registration
    expected["webinar_registered"] += added
    raw = _counts(
        salesforce, "select activity_type, count(*) from staging.salesforce__activities group by 1"
    )
    assert raw == expected
    valid = _counts(
        salesforce, "select activity_type, count(*) from staging.stg_activities group by 1"
    )
    assert valid == expected


def test_hubspot_activities_match_the_files_shape(
    hubspot: Path, files: dict[str, list[dict[str, str]]]
) -> None:
    carried = set(ACTIVITY_TYPES["hubspot"])
    expected = Counter(
        r["activity_type"] for r in files["activities"] if r["activity_type"] in carried
    )
    raw = _counts(
        hubspot, "select activity_type, count(*) from staging.hubspot__activities group by 1"
    )
    assert raw == expected
    # e-mail events of leads without an address cannot be matched to their contact
    no_email = {row["lead_id"] for row in files["leads"] if not row["email"]}
    unmatched = Counter(
        r["activity_type"]
        for r in files["activities"]
        if r["activity_type"] in HUBSPOT_EMAIL_EVENTS and r["lead_id"] in no_email
    )
    assert sum(unmatched.values()) > 0
    valid = _counts(
        hubspot, "select activity_type, count(*) from staging.stg_activities group by 1"
    )
    assert valid == expected - unmatched
    rejected = query(
        hubspot,
        "select count(*) from staging.stg_activities_triaged where reject_reason = 'unknown_lead'",
    )
    assert rejected == [(sum(unmatched.values()),)]


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_every_table_and_column_the_adapter_reads_is_written(crm: str, tmp_path: Path) -> None:
    _generate(tmp_path, "--shape", crm, "--format", "parquet")
    for table, columns in adapter_tables(crm).items():
        assert tuple(pq.read_schema(tmp_path / f"{table}.parquet").names) == columns
    people = "lead" if crm == "salesforce" else "contact"
    assert pq.read_metadata(tmp_path / f"{people}.parquet").num_rows == LEADS


def test_shape_is_for_generated_data_without_defects(capsys: pytest.CaptureFixture[str]) -> None:
    for extra in (["--defects"], ["--landing-days", "3"]):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["--leads", "100", "--out", "/tmp/never", "--shape", "hubspot", *extra])
        assert stopped.value.code == 2
        assert "files shape only" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--demo", "--shape", "salesforce"])
    assert "--shape" in capsys.readouterr().err
