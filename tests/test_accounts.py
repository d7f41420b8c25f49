"""Accounts end to end (docs/definitions.md, "Accounts: matching leads to accounts",
"Duplicate leads", "Account engagement, MQA and the account funnel", "Buying groups and
existing customers") on a small hand-built raw dataset: 17 leads of six companies and four
leads that match none. Every expected value below is worked out by hand from how the data
is built (the comments show the arithmetic), never copied from a build.

Scores are made easy to add up: no decay (engagement_half_life_days 0), and every lead's
profile earns no fit points (no size, industry, country; a title, source and offer without
points), so a lead's score is its engagement points, minus 20 for free mail. The account
vars are set small: an account is an MQA when the sum of its 3 best member scores reaches
150, or when 3 of its members are engaged at once (an engagement activity in the trailing
30 days).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from dbt_helpers import query, run_dbt, write_csv
from lead_funnel.common import raw_columns

AS_OF = "2025-06-30 12:00:00"
VARS = {
    "as_of": AS_OF,
    "engagement_half_life_days": 0,
    "account_engaged_days": 30,
    "account_score_top_n": 3,
    "mqa_account_score": 150,
    "mqa_engaged_contacts": 3,
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# lead_id, created_at, email, first_name, last_name, company_name, lead_source, owner_id
LEADS = [
    # acme.com: two business emails (one on a subdomain), a free-mail lead naming the
    # company ("The Acme Inc." normalises to acme), and one person entered twice by email
    (
        "ACME1",
        "2025-03-03 09:00",
        "alice@acme.com",
        "Alice",
        "Wong",
        "Acme Inc",
        "paid_search",
        "rep_a",
    ),
    (
        "ACME2",
        "2025-03-10 09:00",
        "bob@mail.acme.com",
        "Bob",
        "Stone",
        "ACME, Inc.",
        "organic_search",
        "rep_b",
    ),
    (
        "ACME3",
        "2025-03-20 09:00",
        "bobstone@gmail.com",
        "bob",
        "STONE",
        "The Acme Inc.",
        "social",
        None,
    ),
    ("ACME4", "2025-04-20 09:00", "dan@acme.com", "Dan", "Brown", "Acme", "paid_search", "rep_c"),
    ("ACME5", "2025-05-01 09:00", "Dan@Acme.com", "Dan", "Brown", "Acme", "email", None),
    # one company, two domains, no override: two accounts; initech.co.uk through a subdomain
    # under a second-level public suffix; a free-mail "initech" is ambiguous between them
    (
        "INIT1",
        "2025-03-15 09:00",
        "ian@initech.com",
        "Ian",
        "Hall",
        "Initech Ltd",
        "organic_search",
        "rep_d",
    ),
    (
        "INIT2",
        "2025-04-02 09:00",
        "ivy@eu.initech.co.uk",
        "Ivy",
        "Hall",
        "Initech Ltd",
        "paid_search",
        None,
    ),
    ("INIT3", "2025-04-03 09:00", "ike@yahoo.com", "Ike", "Moss", "initech", "social", None),
    # a generic name shared by two companies: summit.io and summit-partners.com are both
    # known as "summit", so a free-mail "SUMMIT" is ambiguous
    ("SUMM1", "2025-05-05 09:00", "sam@summit.io", "Sam", "Lee", "Summit Inc", "direct", None),
    (
        "SUMM2",
        "2025-05-06 09:00",
        "sue@summit-partners.com",
        "Sue",
        "Park",
        "Summit LLC",
        "direct",
        None,
    ),
    ("SUMM3", "2025-05-06 10:00", "sal@hotmail.com", "Sal", "Ray", "SUMMIT", "direct", None),
    ("SUMM4", "2025-05-07 09:00", "sky@summit.io", "Sky", "Cole", "Summit", "email", None),
    ("SUMM5", "2025-05-08 09:00", "stu@summit.io", "Stu", "Fox", "Summit, Inc.", "email", None),
    # no business email anywhere: an account known only by its name
    (
        "WAYN1",
        "2025-05-10 09:00",
        "wendy@gmail.com",
        "Wendy",
        "Kim",
        "Wayne Enterprises, Inc.",
        "email",
        None,
    ),
    ("WAYN2", "2025-05-12 09:00", None, "Walt", "Kim", "wayne enterprises", "email", None),
    # nothing usable: free mail without a company, no email and a company of punctuation only;
    # both named Uma Hill, yet unmatched leads form no name group
    ("UNMT1", "2025-05-15 09:00", "uma@outlook.com", "Uma", "Hill", None, "social", None),
    ("UNMT2", "2025-05-16 09:00", None, "Uma", "Hill", "---", "social", None),
]

# lead_id, activity_type (points, none decays), occurred_at
ACTIVITIES = [
    ("ACME1", "content_download", "2025-03-03 09:00"),  # ACME1: 20
    ("ACME1", "webinar_attended", "2025-04-01 10:00"),  # ACME1: 70
    ("ACME2", "demo_request", "2025-04-10 15:00"),  # ACME2: 80; acme: 70 + 80 = 150, an MQA
    ("ACME3", "pricing_page_view", "2025-04-12 09:00"),  # ACME3: -20 + 15 = -5; 3rd engaged
    ("ACME4", "page_view", "2025-06-20 10:00"),  # ACME4: 2
    ("INIT1", "demo_request", "2025-03-20 10:00"),  # INIT1: 80
    ("INIT2", "email_open", "2025-04-02 09:00"),  # INIT2: 2
    ("SUMM1", "email_click", "2025-05-20 10:00"),  # 5 each: summit.io scores 15, but three
    ("SUMM4", "email_click", "2025-05-22 10:00"),  # of its contacts are engaged at once
    ("SUMM5", "email_click", "2025-05-25 10:00"),  # from 2025-05-25 10:00: an MQA
    ("SUMM1", "sales_call", "2025-05-26 10:00"),  # a sales touch: no engagement
]

# lead_id, source label, changed_at
STAGE_CHANGES = [
    ("ACME1", "MQL", "2025-04-02 09:00"),
    ("ACME1", "SAL", "2025-04-03 09:00"),
    ("ACME1", "SQL", "2025-04-10 09:00"),
    ("ACME1", "Opportunity", "2025-04-20 10:00"),
    ("ACME1", "Closed Won", "2025-05-20 10:00"),
    ("ACME2", "MQL", "2025-04-11 09:00"),
    ("INIT1", "MQL", "2025-04-01 09:00"),
    ("INIT1", "SQL", "2025-04-05 09:00"),
    ("INIT1", "Opportunity", "2025-04-15 10:00"),
    ("INIT1", "Closed Lost", "2025-05-15 10:00"),
]

MATCHED = {
    # lead_id: (account_id, account_match_method)
    "ACME1": ("acme.com", "email_domain"),
    "ACME2": ("acme.com", "email_domain"),
    "ACME3": ("acme.com", "company_name"),
    "ACME4": ("acme.com", "email_domain"),
    "ACME5": ("acme.com", "email_domain"),
    "INIT1": ("initech.com", "email_domain"),
    "INIT2": ("initech.co.uk", "email_domain"),
    "INIT3": (None, "unmatched"),
    "SUMM1": ("summit.io", "email_domain"),
    "SUMM2": ("summit-partners.com", "email_domain"),
    "SUMM3": (None, "unmatched"),
    "SUMM4": ("summit.io", "email_domain"),
    "SUMM5": ("summit.io", "email_domain"),
    "WAYN1": ("name:wayne enterprises", "company_name"),
    "WAYN2": ("name:wayne enterprises", "company_name"),
    "UNMT1": (None, "unmatched"),
    "UNMT2": (None, "unmatched"),
}


def write_raw_files(raw_dir: Path) -> None:
    """leads.csv, activities.csv and stage_changes.csv in the raw layout
    (docs/definitions.md#raw-data-contract)."""
    leads = [
        {
            "lead_id": lead_id,
            "created_at": created_at,
            "email": email or "",
            "first_name": first_name,
            "last_name": last_name,
            "job_title": "Analyst",
            "company_name": company or "",
            "lead_source": source,
            "acquisition_offer": "ebook",
            "owner_id": owner or "",
        }
        for lead_id, created_at, email, first_name, last_name, company, source, owner in LEADS
    ]
    activities = [
        {
            "activity_id": f"A{number:02d}",
            "lead_id": lead_id,
            "activity_type": activity_type,
            "occurred_at": occurred_at,
        }
        for number, (lead_id, activity_type, occurred_at) in enumerate(ACTIVITIES, start=1)
    ]
    changes = [
        {
            "change_id": f"S{number:02d}",
            "lead_id": lead_id,
            "stage": label,
            "changed_at": changed_at,
        }
        for number, (lead_id, label, changed_at) in enumerate(STAGE_CHANGES, start=1)
    ]
    for name, rows in [("leads", leads), ("activities", activities), ("stage_changes", changes)]:
        write_csv(raw_dir / f"{name}.csv", rows, raw_columns(name))


def build_accounts_warehouse(
    work: Path, extra_vars: dict[str, object] | None = None, db_name: str = "warehouse.duckdb"
) -> Path:
    """The hand-built raw files in work/raw, built into work/db_name: the account
    models, their parents and their data tests (and the time spine, for MetricFlow). The unit
    tests are left out: they read no raw data (make test-dbt runs them)."""
    raw_dir = work / "raw"
    raw_dir.mkdir()
    write_raw_files(raw_dir)
    db_path = work / db_name
    selection = [
        "+dim_accounts",
        "+mart_account_funnel",
        "+mart_duplicate_leads",
        "+dq_unmatched_account_leads",
        "+scored_leads",
        "metricflow_time_spine",
    ]
    run_dbt(
        [
            "build",
            "--full-refresh",
            "--select",
            *selection,
            "--indirect-selection",
            "cautious",
            "--exclude",
            "test_type:unit",
        ],
        db_path,
        {"raw_dir": str(raw_dir), **VARS, **(extra_vars or {})},
    )
    return db_path


@pytest.fixture(scope="module")
def built(accounts_warehouse: Path) -> Path:
    """The session's accounts warehouse (conftest.py), shared with tests/test_metrics.py."""
    return accounts_warehouse


def records(db_path: Path, sql: str) -> list[dict[str, object]]:
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def accounts(db_path: Path) -> dict[str, dict[str, object]]:
    return {str(row["account_id"]): row for row in records(db_path, "select * from dim_accounts")}


# ------------------------------------------------------------------------------ matching


def test_every_lead_is_matched_or_listed(built: Path) -> None:
    rows = query(built, "select lead_id, account_id, account_match_method from scored_leads")
    assert {lead_id: (account, method) for lead_id, account, method in rows} == MATCHED


def test_unmatched_leads_are_listed_with_their_reason(built: Path) -> None:
    rows = query(
        built,
        "select lead_id, unmatched_reason, candidate_account_ids from dq_unmatched_account_leads "
        "order by lead_id",
    )
    assert rows == [
        # two domain accounts are known as "initech": one company, two domains, no override
        ("INIT3", "ambiguous_company_name", "initech.co.uk, initech.com"),
        # two companies called Summit
        ("SUMM3", "ambiguous_company_name", "summit-partners.com, summit.io"),
        ("UNMT1", "no_business_domain_or_company", None),  # free mail, no company
        ("UNMT2", "no_business_domain_or_company", None),  # no email, "---" normalises to nothing
    ]


def test_account_identity(built: Path) -> None:
    found = accounts(built)
    assert sorted(found) == [
        "acme.com",
        "initech.co.uk",
        "initech.com",
        "name:wayne enterprises",
        "summit-partners.com",
        "summit.io",
    ]
    expected = {
        # (account_name, account_domain, leads, by domain, by company name, by override)
        # "Acme" is written by two of the five (ACME4, ACME5); every other spelling by one
        "acme.com": ("Acme", "acme.com", 5, 4, 1, 0),
        "initech.com": ("Initech Ltd", "initech.com", 1, 1, 0, 0),
        "initech.co.uk": ("Initech Ltd", "initech.co.uk", 1, 1, 0, 0),
        # three spellings once each: the earliest created lead's (SUMM1)
        "summit.io": ("Summit Inc", "summit.io", 3, 3, 0, 0),
        "summit-partners.com": ("Summit LLC", "summit-partners.com", 1, 1, 0, 0),
        # a tie between two spellings: the earliest created lead's (WAYN1); no domain
        "name:wayne enterprises": ("Wayne Enterprises, Inc.", None, 2, 0, 2, 0),
    }
    for account_id, values in expected.items():
        row = found[account_id]
        assert (
            row["account_name"],
            row["account_domain"],
            row["lead_count"],
            row["leads_matched_by_domain"],
            row["leads_matched_by_company_name"],
            row["leads_matched_by_override"],
        ) == values, account_id


def test_an_override_joins_the_two_domains_of_one_company(tmp_path: Path) -> None:
    """With two account_overrides domain rows, initech.com and initech.co.uk are one account,
    and the free-mail "initech" lead, ambiguous without them, joins it by its name."""
    from dbt_helpers import copy_project

    project = copy_project(tmp_path / "project")
    (project / "seeds" / "config" / "account_overrides.csv").write_text(
        "match_type,match_value,account_id,account_name\n"
        "domain,initech.com,initech,Initech\n"
        "domain,www.initech.co.uk,initech,Initech\n"
    )
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    write_raw_files(raw_dir)
    db_path = tmp_path / "warehouse.duckdb"
    run_dbt(
        [
            "build",
            "--full-refresh",
            "--select",
            "+int_lead_accounts",
            "--indirect-selection",
            "cautious",
            "--exclude",
            "test_type:unit",
        ],
        db_path,
        {"raw_dir": str(raw_dir), **VARS},
        project_dir=project,
    )
    rows = query(
        db_path,
        "select lead_id, account_id, account_name, account_match_method "
        "from intermediate.int_lead_accounts where lead_id like 'INIT%' order by lead_id",
    )
    assert rows == [
        ("INIT1", "initech", "Initech", "override_domain"),
        ("INIT2", "initech", "Initech", "override_domain"),
        ("INIT3", "initech", "Initech", "company_name"),
    ]


# ------------------------------------------------------------------ engagement and MQA


def test_engagement_and_account_score_at_as_of(built: Path) -> None:
    found = accounts(built)
    # (engaged contacts at as_of, account score = the 3 best member scores, 0 or less adds
    # nothing)
    expected = {
        # members 70, 80, -5, 2, 0: 80 + 70 + 2; only ACME4 was active in the last 30 days
        # (2025-06-20); ACME1's window ended 2025-05-01 10:00, ACME2's 05-10, ACME3's 05-12
        "acme.com": (1, 152.0),
        "initech.com": (0, 80.0),
        "initech.co.uk": (0, 2.0),
        # 5 + 5 + 5; the last click (05-25 10:00) stopped counting on 06-24 10:00
        "summit.io": (0, 15.0),
        "summit-partners.com": (0, 0.0),
        "name:wayne enterprises": (0, 0.0),  # WAYN1 is -20 (free mail), WAYN2 0
    }
    for account_id, (engaged, score) in expected.items():
        row = found[account_id]
        assert (row["engaged_contacts"], row["account_score"]) == (engaged, score), account_id


def test_mqa_crossing_moments(built: Path) -> None:
    found = accounts(built)
    # acme.com: 20 from 03-03, 70 from 04-01 10:00; ACME2's demo request brings it to exactly
    # 150 on 04-10 15:00 (reaching the threshold counts). Three members are engaged at once
    # only from ACME3's page view on 04-12 09:00 (ACME1 since 03-03, ACME2 since 04-10).
    acme = found["acme.com"]
    assert acme["is_mqa"] is True
    assert acme["mqa_at"] == at("2025-04-10 15:00")
    assert acme["mqa_trigger"] == "account_score"
    assert acme["account_score_reached_at"] == at("2025-04-10 15:00")
    assert acme["engaged_contacts_reached_at"] == at("2025-04-12 09:00")
    # summit.io: a score of 15 at most, but SUMM1 (05-20), SUMM4 (05-22) and SUMM5 (05-25
    # 10:00) are engaged together from 05-25 10:00
    summit = found["summit.io"]
    assert (summit["is_mqa"], summit["mqa_at"], summit["mqa_trigger"]) == (
        True,
        at("2025-05-25 10:00"),
        "engaged_contacts",
    )
    assert summit["account_score_reached_at"] is None
    for account_id in (
        "initech.com",
        "initech.co.uk",
        "summit-partners.com",
        "name:wayne enterprises",
    ):
        assert (found[account_id]["is_mqa"], found[account_id]["mqa_at"]) == (False, None)


def test_an_account_score_one_point_short_is_no_mqa(tmp_path: Path) -> None:
    """At a threshold of 151, acme.com's best score before its third engaged contact is 150:
    it becomes an MQA by engaged contacts on 04-12 09:00 instead."""
    db_path = build_accounts_warehouse(tmp_path, {"mqa_account_score": 151})
    ((mqa_at, trigger, score_at),) = query(
        db_path,
        "select mqa_at, mqa_trigger, account_score_reached_at from dim_accounts "
        "where account_id = 'acme.com'",
    )
    assert (mqa_at, trigger, score_at) == (at("2025-04-12 09:00"), "engaged_contacts", None)


# --------------------------------------------------------------- funnel and customers


def test_account_funnel_and_customer_facts(built: Path) -> None:
    found = accounts(built)
    acme = found["acme.com"]
    assert (acme["furthest_stage"], acme["is_customer"], acme["customer_at"]) == (
        "customer",
        True,
        at("2025-05-20 10:00"),
    )
    assert acme["opportunity_at"] == at("2025-04-20 10:00")
    assert acme["account_owner_id"] == "rep_a"  # the owner of the customer lead ACME1
    initech = found["initech.com"]
    assert (initech["furthest_stage"], initech["is_customer"], initech["opportunity_at"]) == (
        "opportunity",
        False,
        at("2025-04-15 10:00"),
    )
    assert found["summit.io"]["furthest_stage"] == "lead"


def test_mart_account_funnel_by_hand(built: Path) -> None:
    rows = records(
        built,
        "select * from mart_account_funnel order by cohort_month, first_lead_source",
    )
    got = {(str(row["cohort_month"]), row["first_lead_source"]): row for row in rows}
    # cohort = the month of the account's first lead, source = that lead's source
    expected_counts = {
        # accounts, MQA, opportunity, customer accounts
        ("2025-03-01", "organic_search"): (1, 0, 1, 0),  # initech.com
        ("2025-03-01", "paid_search"): (1, 1, 1, 1),  # acme.com (ACME1)
        ("2025-04-01", "paid_search"): (1, 0, 0, 0),  # initech.co.uk
        ("2025-05-01", "direct"): (2, 1, 0, 0),  # summit.io (MQA), summit-partners.com
        ("2025-05-01", "email"): (1, 0, 0, 0),  # name:wayne enterprises
    }
    assert sorted(got) == sorted(expected_counts)
    for key, counts in expected_counts.items():
        row = got[key]
        assert (
            row["accounts"],
            row["mqa_accounts"],
            row["opportunity_accounts"],
            row["customer_accounts"],
        ) == counts, key
    direct = got[("2025-05-01", "direct")]
    assert direct["account_to_mqa_rate"] == 0.5
    assert direct["account_to_customer_rate"] == 0.0
    assert direct["opportunity_to_customer_rate"] is None  # no opportunity account
    # summit.io: 2025-05-05 09:00 -> 05-25 10:00
    assert direct["median_days_first_lead_to_mqa"] == pytest.approx(20 + 1 / 24)
    acme = got[("2025-03-01", "paid_search")]
    assert acme["account_to_mqa_rate"] == 1.0
    assert acme["median_days_first_lead_to_mqa"] == pytest.approx(
        38.25
    )  # 03-03 09:00 -> 04-10 15:00
    assert acme["median_days_mqa_to_opportunity"] == pytest.approx(9 + 19 / 24)  # -> 04-20 10:00
    assert acme["median_days_opportunity_to_customer"] == pytest.approx(30.0)  # -> 05-20 10:00
    assert acme["median_days_first_lead_to_customer"] == pytest.approx(78 + 1 / 24)
    initech = got[("2025-03-01", "organic_search")]
    assert initech["opportunity_to_customer_rate"] == 0.0  # lost
    assert initech["median_days_mqa_to_opportunity"] is None  # never an MQA


def test_existing_customer_flag(built: Path) -> None:
    rows = query(
        built,
        "select lead_id, is_existing_customer_account, account_customer_since, account_owner_id "
        "from scored_leads order by lead_id",
    )
    flagged = {lead_id: (flag, since, owner) for lead_id, flag, since, owner in rows}
    won = at("2025-05-20 10:00")
    # ACME1 is the customer itself; its four colleagues are leads of an existing customer,
    # routed to the account owner (ACME1's rep_a)
    assert flagged["ACME1"] == (False, won, "rep_a")
    for lead_id in ("ACME2", "ACME3", "ACME4", "ACME5"):
        assert flagged[lead_id] == (True, won, "rep_a"), lead_id
    others = {lead_id for lead_id in flagged if not lead_id.startswith("ACME")}
    assert all(flagged[lead_id][0] is False for lead_id in others)
    assert all(flagged[lead_id][1] is None for lead_id in others)


# -------------------------------------------------------------------------- duplicates


def test_duplicate_groups(built: Path) -> None:
    rows = query(
        built,
        "select duplicate_group_id, match_reason, group_size, lead_id, survivor_lead_id, is_survivor "
        "from mart_duplicate_leads order by duplicate_group_id, lead_id",
    )
    assert rows == [
        # "Dan@Acme.com" is dan@acme.com: one email; both at lead, ACME4 created first. Their
        # shared name makes no second group (the name group would be the email group again)
        ("same_email:ACME4", "same_email", 2, "ACME4", "ACME4", True),
        ("same_email:ACME4", "same_email", 2, "ACME5", "ACME4", False),
        # Bob Stone twice in acme.com with two emails; ACME2 reached MQL, ACME3 only lead
        ("same_name_in_account:ACME2", "same_name_in_account", 2, "ACME2", "ACME2", True),
        ("same_name_in_account:ACME2", "same_name_in_account", 2, "ACME3", "ACME2", False),
        # the two unmatched Uma Hills form no group; nor do the Halls (other first names)
    ]
