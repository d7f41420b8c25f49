"""The HubSpot adapter end to end: `lead-funnel run` on the Fivetran-shaped fixture
(tests/fixtures/crm/hubspot, read from files with crm_dir) publishes contract marts that
hold the figures worked out by hand from the fixture below.

The fixture (contacts are leads; owners 101 Ana Silva, 102 Ben Okafor):
- 1001 Alice: subscriber -> lead -> MQL -> lead status CONNECTED (sal) -> SQL; deal 7001
  (appointment scheduled, contract sent, closed won, 12000). Her lifecycle stages
  opportunity and customer, which HubSpot set from the deal, are not entries of their own.
  A call (5 min), a sales email (an incoming reply is no touch), a demo request form, a
  newsletter open and click.
- 1002 Bob: lead -> MQL -> ATTEMPTED_TO_CONTACT (sal) -> BAD_TIMING (recycled) -> the
  lifecycle cleared and set back to lead (a move backwards). A content download and a
  contact-us form; a bounce. His only call is soft-deleted.
- 1003 Carol: a soft-deleted contact; her history row, call, email open and form submission
  are left out with her.
- 1004 Dan: lead -> SQL; second contact on deal 7001 (Alice, created earlier, is credited)
  and only contact on deal 7002 (lost, Budget, 5000). Alice's call 5001 also concerns him.
- 1005 Eve: subscriber -> lead -> MQL (set twice: one change). A webinar registration form,
  a held 45-minute meeting (a no-show meeting is not one), a webinar invite open and click
  (one open is a filtered bot event, one event only SENT). Deal 7003 of hers is deleted.
- An email open to an address no contact has: rejected as unknown_lead.
"""

from pathlib import Path

import pytest

from dbt_helpers import PROJECT_DIR, load_crm_fixture, pipeline, query, run_dbt

FIXTURE_DIR = PROJECT_DIR / "tests" / "fixtures" / "crm" / "hubspot"


@pytest.fixture(scope="module")
def hubspot_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse published from the HubSpot fixture (its build database beside it)."""
    db_path = tmp_path_factory.mktemp("hubspot") / "lead_funnel.duckdb"
    completed = pipeline(
        "run",
        "--db",
        str(db_path),
        "--vars",
        f"{{crm_source: hubspot, crm_dir: '{FIXTURE_DIR}'}}",
    )
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-3000:]
    assert "Published" in completed.stdout
    return db_path


def build_db(published: Path) -> Path:
    """The build database of a run (staging models stay there, not in the published file)."""
    return published.with_name(f"{published.stem}.build.duckdb")


def test_contacts_not_deleted_are_the_leads(hubspot_db: Path) -> None:
    rows = query(
        hubspot_db,
        "select lead_id, lead_source, company_size, owner_id from scored_leads order by lead_id",
    )
    assert rows == [
        ("1001", "organic_search", 100, "101"),
        ("1002", "email", 25, "102"),
        ("1004", "referral", 100, "101"),
        ("1005", "social", 1000, "102"),
    ]


def test_stage_history_from_lifecycle_lead_status_and_deals(hubspot_db: Path) -> None:
    rows = query(
        hubspot_db,
        "select lead_id, stage from fct_lead_stage_history order by lead_id, entered_at, stage",
    )
    stages: dict[str, list[str]] = {}
    for lead_id, stage in rows:
        stages.setdefault(lead_id, []).append(stage)
    assert stages == {
        # subscriber and lead both map to lead; CONNECTED is sal; the deal gives the rest
        "1001": ["lead", "lead", "mql", "sal", "sql", "opportunity", "opportunity", "customer"],
        # the lifecycle stage moves back to lead after the recycle
        "1002": ["lead", "mql", "sal", "recycled", "lead"],
        # skips mql and sal; deal 7002 opened and lost
        "1004": ["lead", "sql", "opportunity", "lost"],
        "1005": ["lead", "lead", "mql"],
    }


def test_deals_counted_once_with_their_amounts(hubspot_db: Path) -> None:
    rows = query(
        hubspot_db,
        "select lead_id, outcome, amount_at_creation, won_amount from fct_opportunities order by lead_id",
    )
    # deal 7001 (two contacts) is Alice's only; Dan has his own 7002; 7003 is deleted
    assert [
        (lead, outcome, float(created), won and float(won)) for lead, outcome, created, won in rows
    ] == [
        ("1001", "won", 12000.0, 12000.0),
        ("1004", "lost", 5000.0, None),
    ]
    won = query(
        hubspot_db,
        "select sum(won_amount), sum(won_deals) from mart_revenue_by_channel where view = 'cohort'",
    )
    assert [(float(amount), deals) for amount, deals in won] == [(12000.0, 1)]


def test_activities_mapped_to_the_activity_types(hubspot_db: Path) -> None:
    rows = query(
        hubspot_db,
        "select activity_type, count(*) from fct_lead_activities group by 1 order by 1",
    )
    assert dict(rows) == {
        "sales_call": 2,  # call 5001, once for each of its two contacts
        "sales_email": 1,
        "sales_meeting": 1,
        "email_open": 2,
        "email_click": 2,
        "email_bounce": 1,
        "demo_request": 1,
        "content_download": 1,
        "contact_form": 1,
        "webinar_registered": 1,
    }
    durations = query(
        hubspot_db,
        "select activity_id, duration_seconds from fct_lead_activities"
        " where duration_seconds is not null order by activity_id",
    )
    assert durations == [("5001-1001", 300.0), ("5001-1004", 300.0), ("5003-1005", 2700.0)]


def test_unknown_recipient_rejected_naming_its_key(hubspot_db: Path) -> None:
    rows = query(hubspot_db, "select source_table, source_key, reason from dq_rejected_rows")
    assert rows == [("activities", "0a1f6c2e-0008-3e07-8b50-5c02724ad808", "unknown_lead")]


def test_soft_deleted_rows_excluded_and_counted(hubspot_db: Path) -> None:
    rows = query(
        build_db(hubspot_db),
        "select source_table, count(*) from staging.crm_excluded_rows"
        " where exclusion_reason = 'soft_deleted' group by 1 order by 1",
    )
    assert rows == [
        ("hubspot.contact", 1),  # Carol
        ("hubspot.contact_form_submission", 1),  # Carol's
        ("hubspot.contact_property_history", 1),  # Carol's
        ("hubspot.deal", 1),  # 7003
        ("hubspot.deal_stage", 1),  # 7003's
        ("hubspot.email_event", 1),  # to Carol
        ("hubspot.engagement_call", 2),  # 5005 deleted; 5006 Carol's
    ]
    owners = query(
        build_db(hubspot_db), "select owner_id, owner_name from staging.crm_owners order by 1"
    )
    assert owners == [("101", "Ana Silva"), ("102", "Ben Okafor")]


def test_typed_connector_tables_in_a_schema_read_the_same(hubspot_db: Path, tmp_path: Path) -> None:
    """The fixture loaded as typed tables into a schema (the loader project) and read through
    crm_schema, with the adapter's unit tests run on the way: staging holds the same rows as
    the run that read the files."""
    db_path = tmp_path / "w.duckdb"
    load_crm_fixture("hubspot", "hs_fixture", db_path, tmp_path)
    as_of = query(build_db(hubspot_db), "select as_of_at from staging.run_as_of")[0][0]
    run_dbt(
        [
            "build",
            "-s",
            "+stg_leads",
            "+stg_activities",
            "+stg_stage_changes",
            "--exclude",
            "test_type:data",
        ],
        db_path,
        {"crm_source": "hubspot", "crm_schema": "hs_fixture", "as_of": str(as_of)},
    )
    counts = (
        "select (select count(*) from staging.stg_leads),"
        " (select count(*) from staging.stg_activities),"
        " (select count(*) from staging.stg_stage_changes),"
        " (select sum(amount) from staging.stg_stage_changes)"
    )
    assert query(db_path, counts) == query(build_db(hubspot_db), counts)


def test_unit_tests_run_with_crm_dir(hubspot_db: Path) -> None:
    """`dbt build` with crm_dir set also runs the adapter's unit tests: their inputs stand
    for the connector tables (dbt sources) whether the tables come from files or a schema."""
    completed = run_dbt(
        ["test", "-s", "path:models/staging/crm/hubspot,test_type:unit"],
        build_db(hubspot_db),
        {"crm_source": "hubspot", "crm_dir": str(FIXTURE_DIR)},
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    assert "PASS=" in completed.stdout and "ERROR=0" in completed.stdout
