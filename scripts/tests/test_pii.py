"""PII-safe publishing: with --mask-pii no raw email or phone survives in any published table.

The contacts of the demo seeds (seeds/raw_leads.csv) are searched for, as substrings, in every
text column of every table of the published file: a masked build must hold none of them, while
the ordinary (unmasked) build shows them in scored_leads, the sales work list, which also
proves the search finds what it looks for.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dbt_helpers import PROJECT_DIR, pipeline, query

RAW_LEADS = PROJECT_DIR / "seeds" / "raw_leads.csv"


def raw_contacts() -> dict[str, set[str]]:
    """The emails (lower case, as staging cleans them, and as delivered) and phones of the
    demo leads."""
    emails: set[str] = set()
    phones: set[str] = set()
    with RAW_LEADS.open(newline="") as handle:
        for row in csv.DictReader(handle):
            email = (row["email"] or "").strip()
            if "@" in email:
                emails.update({email, email.lower()})
            phone = (row["phone"] or "").strip()
            if sum(character.isdigit() for character in phone) >= 7:
                phones.add(phone)
    return {"email": emails, "phone": phones}


def contact_hits(db_path: Path, tables: tuple[str, ...] = ()) -> dict[str, int]:
    """`schema.table.column:kind` -> how many distinct values of the column contain a raw
    email or phone of the demo leads, for every text column of every table and view (or of
    the named tables only)."""
    contacts = raw_contacts()
    hits: dict[str, int] = {}
    with duckdb.connect() as connection:
        connection.execute(f"attach '{db_path}' as published (read_only)")
        connection.execute("create temp table contacts (kind varchar, contact varchar)")
        connection.executemany(
            "insert into contacts values (?, ?)",
            [(kind, value) for kind, values in contacts.items() for value in values],
        )
        columns = connection.execute(
            """
            select table_schema, table_name, column_name
            from information_schema.columns
            where table_catalog = 'published' and data_type in ('VARCHAR', 'JSON')
            order by all
            """
        ).fetchall()
        if tables:
            columns = [column for column in columns if column[1] in tables]
        for schema, table, column in columns:
            counts = connection.execute(
                f"""
                with column_values as (
                    select distinct "{column}" as value
                    from published."{schema}"."{table}"
                    where "{column}" is not null
                )
                select contacts.kind, count(distinct column_values.value)
                from column_values
                inner join contacts on contains(column_values.value, contacts.contact)
                group by contacts.kind
                """
            ).fetchall()
            for kind, count in counts:
                hits[f"{schema}.{table}.{column}:{kind}"] = count
    return hits


@pytest.fixture(scope="module")
def masked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse published with --mask-pii (and --report: the report reads only
    published marts, so it works on a masked file)."""
    db_path = tmp_path_factory.mktemp("masked") / "lead_funnel.duckdb"
    report = db_path.with_name("report.html")
    completed = pipeline("run", "--db", str(db_path), "--mask-pii", "--report", str(report))
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-3000:]
    assert "PII masked" in completed.stdout
    assert report.is_file() and 'data-chart="funnel"' in report.read_text()
    return db_path


def test_demo_seeds_have_contacts_to_look_for() -> None:
    contacts = raw_contacts()
    assert len(contacts["email"]) > 1000
    assert len(contacts["phone"]) > 500


def test_unmasked_publish_shows_contacts_in_scored_leads(published: Path) -> None:
    hits = contact_hits(published, tables=("scored_leads",))
    assert hits.get("main.scored_leads.email:email", 0) > 1000
    assert hits.get("main.scored_leads.phone:phone", 0) > 500
    (named,) = query(published, "select count(first_name) from scored_leads")
    assert named[0] > 1000


def test_masked_publish_holds_no_raw_email_or_phone_anywhere(masked: Path) -> None:
    hits = contact_hits(masked)
    assert hits == {}, f"raw contacts survive in {sorted(hits)}"


def test_masked_publish_keeps_every_contract_model_and_hashes_emails(masked: Path) -> None:
    from common import CONTRACT_MODELS

    for model in CONTRACT_MODELS:
        assert query(masked, f"select count(*) from {model}")[0][0] > 0, model
    (schemas,) = query(masked, "select list(distinct table_schema) from information_schema.tables")
    assert schemas[0] == ["main"]
    (row,) = query(
        masked,
        """
        select
            count(*) filter (where email is not null),
            count(*) filter (where regexp_matches(email, '^[0-9a-f]{32}$')),
            count(first_name) + count(last_name) + count(phone)
        from scored_leads
        """,
    )
    emails, hashed, named = row
    assert emails > 1000 and hashed == emails and named == 0
    # the data-quality models keep the row and the reason, not the contact
    (masked_rows,) = query(
        masked,
        "select count(*) from dq_rejected_rows "
        "where source_table = 'leads' and raw_values like '%email=<masked>%phone=<masked>%'",
    )
    assert masked_rows[0] > 0


def test_validate_runs_on_a_masked_publish(masked: Path) -> None:
    """The suites read only the main schema (as_of from scored_leads.scored_as_of), so a
    masked publish, which has no staging schema, validates."""
    completed = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "validate.py"), "--db", str(masked)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "query failed" not in completed.stdout
    assert "freshness: 3 expectations, ok" in completed.stdout
