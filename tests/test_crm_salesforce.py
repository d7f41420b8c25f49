"""The Salesforce adapter end to end (docs/definitions.md#salesforce): the pipeline builds and
publishes from a folder of Fivetran-shaped Salesforce tables (tests/fixtures/crm/salesforce),
and the contract marts hold the counts worked out by hand from that fixture.

The fixture, by hand:
- lead: 6 rows. 00Q..3 is soft-deleted, 00Q..5 is deleted by a merge into 00Q..4
  (master_record_id): 4 leads are kept (1 Alice, converted; 2 Bob; 4 Dan; 6 Eve).
- lead_history: Alice Open -> Working -> Closed - Converted (plus a `created` and a
  `leadConverted` row, not Status); Bob Open -> Working -> Open (backwards; plus a Rating
  change); one soft-deleted Status row of Carol. Dan and Eve have no history: their current
  status (Closed - Not Converted, Open - Not Contacted) is their status at creation.
- opportunity 006..1 (Alice's converted opportunity, Closed Won, 50,000) with 5 history rows:
  Prospecting 40,000, Prospecting 45,000 (an amount edit: the same entry), Negotiation/Review
  50,000, Closed Won 50,000, Closed Won again (a close-date edit: the same entry);
  opportunity 006..2 and its history row are soft-deleted.
- task: a call on Alice's converted contact (003..1: counts for Alice), an email to Bob, a
  soft-deleted call, a to-do for Eve (sales_task), a call on a contact no lead was converted
  into (003..99: rejected as unknown_lead). event: a meeting with Alice, a soft-deleted one.
- campaign_member: Bob Attended the webinar (registered + attended), Eve Registered, Dan was
  Sent only (no response), Alice's contact responded to an email campaign (email_click), a
  soft-deleted member.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dbt_helpers import PROJECT_DIR, load_crm_fixture, pipeline, query, run_dbt

FIXTURE = PROJECT_DIR / "tests" / "fixtures" / "crm" / "salesforce"
ALICE, BOB, DAN, EVE = (f"00Q00000000000{n}AAA" for n in (1, 2, 4, 6))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse built and published from the Salesforce fixture folder (crm_dir)."""
    work = tmp_path_factory.mktemp("crm_salesforce")
    crm_dir = work / "salesforce"
    shutil.copytree(FIXTURE, crm_dir)
    db_path = work / "lead_funnel.duckdb"
    dbt_vars = f"{{crm_source: salesforce, crm_dir: '{crm_dir}', as_of: '2024-05-01'}}"
    completed = pipeline("run", "--db", str(db_path), "--vars", dbt_vars)
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-3000:]
    assert "Published" in completed.stdout
    return db_path


def test_kept_leads_are_scored_once(published: Path) -> None:
    # 6 lead rows - 1 soft-deleted - 1 merged; Alice's contact is no second lead
    rows = query(published, "select lead_id from scored_leads order by lead_id")
    assert [lead_id for (lead_id,) in rows] == [ALICE, BOB, DAN, EVE]


def test_stage_history_has_the_hand_worked_entries(published: Path) -> None:
    rows = query(
        published,
        "select lead_id, stage, entry_number from fct_lead_stage_history"
        " order by lead_id, entry_sequence",
    )
    by_lead: dict[str, list[tuple[str, int]]] = {}
    for lead_id, stage, entry_number in rows:
        by_lead.setdefault(lead_id, []).append((stage, entry_number))
    assert by_lead[ALICE] == [
        ("lead", 1),  # Open - Not Contacted at creation (the first change's old value)
        ("sal", 1),  # Working - Contacted
        ("sql", 1),  # Closed - Converted
        ("opportunity", 1),  # Prospecting (two history rows, one entry)
        ("opportunity", 2),  # Negotiation/Review
        ("customer", 1),  # Closed Won (two history rows, one entry)
    ]
    assert by_lead[BOB] == [("lead", 1), ("sal", 1), ("lead", 2)]  # moved backwards
    # Dan: the implicit lead entry at creation, then his status Closed - Not Converted
    assert by_lead[DAN] == [("lead", 1), ("disqualified", 1)]
    assert by_lead[EVE] == [("lead", 1)]
    assert len(rows) == 12


def test_the_converted_opportunity_is_won_with_its_amounts(published: Path) -> None:
    rows = query(
        published,
        "select lead_id, outcome, amount_at_creation, won_amount, opportunity_entries"
        " from fct_opportunities",
    )
    assert len(rows) == 1
    lead_id, outcome, amount_at_creation, won_amount, entries = rows[0]
    assert (lead_id, outcome, entries) == (ALICE, "won", 2)
    # the Prospecting entry carries the run's last amount (45,000 after the 40,000 edit)
    assert (float(amount_at_creation), float(won_amount)) == (45000.0, 50000.0)


def test_activities_map_contacts_back_to_their_lead(published: Path) -> None:
    rows = query(
        published,
        "select lead_id, activity_type, count(*) from fct_lead_activities group by 1, 2 order by 1, 2",
    )
    assert rows == [
        (ALICE, "email_click", 1),  # the contact's email campaign response
        (ALICE, "sales_call", 1),  # the call on the converted contact
        (ALICE, "sales_meeting", 1),
        (BOB, "sales_email", 1),
        (BOB, "webinar_attended", 1),
        (BOB, "webinar_registered", 1),
        (EVE, "sales_task", 1),
        (EVE, "webinar_registered", 1),
    ]


def test_bad_input_accounting_names_the_source_table_and_key(published: Path) -> None:
    rejected = query(published, "select source_table, source_key, reason from dq_rejected_rows")
    assert rejected == [("activities", "00T000000000005AAA", "unknown_lead")]
    landings = query(
        published,
        "select source_table, landing_file, raw_rows, rejected_rows from dq_landing_reconciliation"
        " order by 1, 2",
    )
    assert landings == [
        ("activities", "salesforce.campaign_member", 4, 0),
        ("activities", "salesforce.event", 1, 0),
        ("activities", "salesforce.task", 4, 1),
        ("leads", "salesforce.lead", 4, 0),
        ("stage_changes", "salesforce.lead", 4, 0),  # each kept lead's status at creation
        ("stage_changes", "salesforce.lead_history", 4, 0),
        ("stage_changes", "salesforce.opportunity_history", 3, 0),
    ]


def test_soft_deleted_and_unresponsive_rows_are_excluded_and_counted(published: Path) -> None:
    build_db = published.with_name("lead_funnel.build.duckdb")
    rows = query(
        build_db,
        "select source_table, exclusion_reason, count(*) from staging.crm_excluded_rows"
        " group by 1, 2 order by 1, 2",
    )
    assert rows == [
        ("salesforce.campaign_member", "no_response", 1),
        ("salesforce.campaign_member", "soft_deleted", 1),
        ("salesforce.event", "soft_deleted", 1),
        ("salesforce.lead", "merged", 1),
        ("salesforce.lead", "soft_deleted", 1),
        ("salesforce.lead_history", "soft_deleted", 1),
        ("salesforce.opportunity", "soft_deleted", 1),
        ("salesforce.opportunity_history", "soft_deleted", 1),
        ("salesforce.task", "soft_deleted", 1),
    ]
    owners = query(build_db, "select owner_id, owner_name from staging.crm_owners order by 1")
    assert owners == [("005000000000001AAA", "Ada Lovelace"), ("005000000000002AAA", "Ben Okafor")]


def test_typed_connector_tables_in_a_schema_read_the_same(tmp_path: Path) -> None:
    """The fixture loaded as typed tables into a schema (the loader project: booleans,
    timestamps and numbers typed as the connector types them), read through crm_schema: the
    raw tables hold the same rows as from the files."""
    db_path = tmp_path / "w.duckdb"
    load_crm_fixture("salesforce", "sf_fixture", db_path, tmp_path)
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
        {"crm_source": "salesforce", "crm_schema": "sf_fixture"},
    )
    counts = query(
        db_path,
        "select (select count(*) from staging.stg_leads), (select count(*) from staging.stg_activities),"
        " (select count(*) from staging.stg_stage_changes),"
        " (select sum(amount) from staging.stg_stage_changes)",
    )
    # 9 activities: staging keeps the unknown lead's row (checked after staging)
    leads, activities, stage_changes, amounts = counts[0]
    assert (leads, activities, stage_changes, float(amounts)) == (4, 9, 11, 145000.0)


def test_unit_tests_run_with_crm_dir(published: Path) -> None:
    """`dbt build` with crm_dir set also runs the adapter's unit tests: their inputs stand
    for the connector tables (dbt sources) whether the tables come from files or a schema."""
    build_db = published.with_name("lead_funnel.build.duckdb")
    completed = run_dbt(
        ["test", "-s", "path:models/staging/crm/salesforce,test_type:unit"],
        build_db,
        {"crm_source": "salesforce", "crm_dir": str(FIXTURE)},
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    assert "PASS=" in completed.stdout and "ERROR=0" in completed.stdout
