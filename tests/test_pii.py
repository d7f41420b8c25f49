"""PII-safe publishing: with --mask-pii no email, phone or name of the input survives anywhere.

The input is the demo seeds as a raw directory plus rows that used to leak: an activity
detail "form filled by <a lead's email>" with a phone, a stage-change reason with an email, a
rejected lead row whose quoted last name holds a line break and whose job title holds the text
` | job_title=`, bad optional values (a duration that is a phone number, an amount that is an
email). Every text column of every table of the published file and of the Parquet export,
and the bytes of both, are searched for the input's emails (as delivered and lower case), their
plain md5 and sha256, phones, and names: the masked publish holds none. The same search over
the unmasked publish of the same input finds them, which proves it finds what it looks for.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from dbt_helpers import LEAD_FUNNEL, PROJECT_DIR, pipeline, query, run_dbt
from lead_funnel.common import CONTRACT_MODELS

DEMO_SEEDS = PROJECT_DIR / "seeds" / "demo"
PII_KEY = "test-key-0123456789abcdef"
AS_OF = "2025-12-31"

# rows that used to leak, appended to the demo seeds (lead L0000005 is a valid demo lead)
EXTRA_LEADS = [
    {
        "lead_id": "L9000001",
        "created_at": "not a date",  # rejected: unparseable_timestamp
        "email": " Eve.Rossi@Quillfirm.example ",
        "first_name": "Evangelina",
        "last_name": "Rossignoli\nMarchetti",
        "job_title": "CTO | job_title=CEO | phone=+39 06 6982 1234",
        "phone": "+39 06 6982 1234",
        "company_name": "Quill | email=eve.rossi@quillfirm.example",
        "country": "IT",
    },
    {
        "lead_id": "L9000002",
        "created_at": "2099-01-01",  # rejected: future_timestamp
        "email": "zeb.q@quillfirm.example",
        "first_name": "Zebedee | job_title=",
        "last_name": "Quartermaine",
        "phone": "(555) 010-4477",
    },
    {
        "lead_id": "L9000003",
        "created_at": "2025-03-01 10:00:00",  # valid, with a malformed email: dq_field_issues
        "email": "orla.fenwick@@quillfirm.example",
        "first_name": "Orla",
        "last_name": "Fenwick",
        "phone": "+44 20 7946 0958",
        "company_name": "Quillfirm",
        "company_size": "call +44 20 7946 0958",
        "country": "GB",
    },
]
EXTRA_ACTIVITIES = [
    {
        "activity_id": "A9000001",
        "lead_id": "L0000005",
        "activity_type": "form_submit",
        "occurred_at": "2025-03-02 10:00:00",
        "campaign": "list from daniel.tan@vistainsurance.com",
        "detail": "form filled by daniel.tan@vistainsurance.com, call +61 867 555 1669",
        "duration_seconds": "+52 385 555 4006",  # a phone in a number column: dq_field_issues
    },
    {
        "activity_id": "A9000002",
        "lead_id": "L0000005",
        "activity_type": "email_open",
        "occurred_at": "not a date",  # rejected, with a quoted line break in its detail
        "detail": "reply from\nrachel@copperassociates.com",
    },
]
EXTRA_STAGE_CHANGES = [
    {
        "change_id": "S9000001",
        "lead_id": "L0000005",
        "stage": "sql",
        "changed_at": "2025-03-03 10:00:00",
        "reason": "emailed richard.robinson@borealbank.com and +52 385 555 4006",
        "amount": "zeb.q@quillfirm.example",  # an email in a number column: dq_field_issues
    },
]


def write_raw_dir(folder: Path) -> Path:
    """The demo seeds as a raw directory, with the leaking rows appended."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, extra in (
        ("leads", EXTRA_LEADS),
        ("activities", EXTRA_ACTIVITIES),
        ("stage_changes", EXTRA_STAGE_CHANGES),
    ):
        target = folder / f"{table}.csv"
        shutil.copyfile(DEMO_SEEDS / f"raw_{table}.csv", target)
        with target.open(newline="") as handle:
            columns = next(csv.reader(handle))
        with target.open("a", newline="") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=columns, quoting=csv.QUOTE_MINIMAL, lineterminator="\n"
            )
            for row in extra:
                writer.writerow({column: row.get(column, "") for column in columns})
    return folder


def input_pii(raw_dir: Path) -> dict[str, set[str]]:
    """What must not be found: every email (as delivered, trimmed, lower case) with its plain
    md5 and sha256, every phone, every full name, and the first and last names of the extra
    leads (distinctive; a demo first name such as "Rachel" may be part of a company name)."""
    found: dict[str, set[str]] = {"email": set(), "hash": set(), "phone": set(), "name": set()}
    with (raw_dir / "leads.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            email = row["email"] or ""
            if "@" in email:
                for variant in {email.strip(), email.strip().lower()}:
                    found["email"].add(variant)
                    found["hash"].add(hashlib.md5(variant.encode()).hexdigest())
                    found["hash"].add(hashlib.sha256(variant.encode()).hexdigest())
            phone = (row["phone"] or "").strip()
            if sum(character.isdigit() for character in phone) >= 7:
                found["phone"].add(phone)
            first, last = (row["first_name"] or "").strip(), (row["last_name"] or "").strip()
            if first and last:
                found["name"].add(f"{first} {last}")
    for row in EXTRA_LEADS:  # their name parts, not the injected ` | job_title=` text
        parts = re.split(r"[|\n]", f"{row['first_name']}\n{row['last_name']}")
        found["name"].update(part.strip() for part in parts if "=" not in part and part.strip())
    return found


def pii_hits(db_path: Path, pii: dict[str, set[str]]) -> dict[str, int]:
    """`schema.table.column:kind` -> how many distinct values of the column contain a value of
    that kind, over every text column of every table and view."""
    hits: dict[str, int] = {}
    with duckdb.connect() as connection:
        connection.execute(f"attach '{db_path}' as published (read_only)")
        connection.execute("create temp table pii (kind varchar, value varchar)")
        connection.executemany(
            "insert into pii values (?, ?)",
            [(kind, value) for kind, values in pii.items() for value in values],
        )
        columns = connection.execute(
            """
            select table_schema, table_name, column_name
            from information_schema.columns
            where table_catalog = 'published' and data_type in ('VARCHAR', 'JSON')
            order by all
            """
        ).fetchall()
        for schema, table, column in columns:
            counts = connection.execute(
                f"""
                with column_values as (
                    select distinct "{column}" as value
                    from published."{schema}"."{table}"
                    where "{column}" is not null
                )
                select pii.kind, count(distinct column_values.value)
                from column_values
                inner join pii on contains(column_values.value, pii.value)
                group by pii.kind
                """
            ).fetchall()
            for kind, count in counts:
                hits[f"{schema}.{table}.{column}:{kind}"] = count
    return hits


def parquet_hits(folder: Path, pii: dict[str, set[str]]) -> dict[str, int]:
    """pii_hits over the Parquet files of an export (each read as a view)."""
    database = folder.parent / f"{folder.name}-scan.duckdb"
    with duckdb.connect(str(database)) as connection:
        for path in sorted(folder.glob("*.parquet")):
            connection.execute(
                f"create view \"{path.stem}\" as select * from read_parquet('{path}')"
            )
    try:
        return pii_hits(database, pii)
    finally:
        database.unlink()


def bytes_hits(path: Path, pii: dict[str, set[str]]) -> list[str]:
    """The input values found in a file's (or a folder's files') bytes, as UTF-8."""
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    content = b"".join(item.read_bytes() for item in files if item.is_file())
    return sorted(
        value
        for values in pii.values()
        for value in values
        if len(value) >= 8 and value.encode() in content
    )


def keyed_hash(value: str, key: str = PII_KEY) -> str:
    """The documented construction, worked out independently: sha256(key || sha256(key || v))."""
    inner = hashlib.sha256((key + value).encode()).hexdigest()
    return hashlib.sha256((key + inner).encode()).hexdigest()


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_raw_dir(tmp_path_factory.mktemp("pii_raw"))


@pytest.fixture(scope="module")
def masked(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Path:
    """The leaking input published with --mask-pii, a Parquet export and --report (the report
    reads only published marts, so it works on a masked file)."""
    db_path = tmp_path_factory.mktemp("masked") / "lead_funnel.duckdb"
    report = db_path.with_name("report.html")
    completed = pipeline(
        "run",
        "--db",
        str(db_path),
        "--raw-dir",
        str(raw_dir),
        "--vars",
        f"{{as_of: '{AS_OF}'}}",
        "--mask-pii",
        "--export-parquet",
        str(db_path.with_name("parquet")),
        "--report",
        str(report),
        env={"LEAD_FUNNEL_PII_KEY": PII_KEY},
    )
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-3000:]
    assert "PII masked" in completed.stdout
    assert PII_KEY not in completed.stdout + completed.stderr
    assert report.is_file() and 'data-chart="funnel"' in report.read_text()
    return db_path


@pytest.fixture(scope="module")
def unmasked(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Path:
    db_path = tmp_path_factory.mktemp("unmasked") / "lead_funnel.duckdb"
    completed = pipeline(
        "run", "--db", str(db_path), "--raw-dir", str(raw_dir), "--vars", f"{{as_of: '{AS_OF}'}}"
    )
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-3000:]
    return db_path


def test_the_input_has_contacts_to_look_for(raw_dir: Path) -> None:
    pii = input_pii(raw_dir)
    assert len(pii["email"]) > 1000 and len(pii["phone"]) > 500 and len(pii["name"]) > 1000
    assert {"Rossignoli", "Marchetti", "Zebedee", "eve.rossi@quillfirm.example"} <= set().union(
        *pii.values()
    )


def test_unmasked_publish_shows_what_the_search_looks_for(unmasked: Path, raw_dir: Path) -> None:
    hits = pii_hits(unmasked, input_pii(raw_dir))
    for column in (
        "main.scored_leads.email:email",
        "main.scored_leads.phone:phone",
        "main.fct_lead_activities.detail:email",
        "main.fct_lead_activities.detail:phone",
        "main.fct_lead_activities.campaign:email",
        "main.fct_lead_stage_history.reason:email",
        "main.dq_rejected_rows.raw_values:email",
        "main.dq_rejected_rows.raw_values:name",
        "main.dq_rejected_rows.raw_values:phone",
        "main.dq_field_issues.raw_value:phone",
    ):
        assert hits.get(column, 0) > 0, column
    (named,) = query(unmasked, "select count(first_name) from scored_leads")
    assert named[0] > 1000


def test_masked_publish_holds_no_contact_anywhere(masked: Path, raw_dir: Path) -> None:
    pii = input_pii(raw_dir)
    assert pii_hits(masked, pii) == {}
    assert bytes_hits(masked, pii) == []


def test_masked_parquet_export_holds_no_contact(masked: Path, raw_dir: Path) -> None:
    pii = input_pii(raw_dir)
    export = masked.with_name("parquet")
    assert export.is_dir() and len(list(export.glob("*.parquet"))) == len(CONTRACT_MODELS)
    assert parquet_hits(export, pii) == {}
    assert bytes_hits(export, pii) == []


def test_masked_free_text_keeps_its_words(masked: Path) -> None:
    rows = query(
        masked,
        """
        select 'detail', detail from fct_lead_activities where activity_id = 'A9000001'
        union all
        select 'campaign', campaign from fct_lead_activities where activity_id = 'A9000001'
        union all
        select 'reason', reason from fct_lead_stage_history where reason like 'emailed%'
        """,
    )
    assert dict(rows) == {
        "detail": "form filled by <email>, call <phone>",
        "campaign": "list from <email>",
        "reason": "emailed <email> and <phone>",
    }


def test_masked_rejected_rows_render_masked_values(masked: Path) -> None:
    (row,) = query(masked, "select raw_values from dq_rejected_rows where source_key = 'L9000001'")
    email_hash = keyed_hash("eve.rossi@quillfirm.example")
    assert row[0] == (
        f"lead_id=L9000001 | created_at=not a date | email={email_hash} | "
        "first_name=<masked> | last_name=<masked> | job_title=CTO | job_title=CEO | "
        "phone=<phone> | phone=<masked> | company_name=Quill | email=<email> | "
        "company_size=<null> | industry=<null> | country=IT | lead_source=<null> | "
        "acquisition_offer=<null> | owner_id=<null>"
    )


def test_masked_emails_are_keyed_hashes_stable_for_the_key(masked: Path) -> None:
    rows = dict(
        query(masked, "select lead_id, email from scored_leads where lead_id in ('L0000005')")
    )
    assert rows == {"L0000005": keyed_hash("daniel.tan@vistainsurance.com")}
    assert rows["L0000005"] != keyed_hash("daniel.tan@vistainsurance.com", key="another key")
    (field_issue,) = query(
        masked,
        "select raw_value from dq_field_issues where source_key = 'L9000003' "
        "and column_name = 'email'",
    )
    assert field_issue[0] == keyed_hash("orla.fenwick@@quillfirm.example")
    (counts,) = query(
        masked,
        "select count(*) filter (where email is not null), "
        "count(*) filter (where regexp_matches(email, '^[0-9a-f]{64}$')), "
        "count(first_name) + count(last_name) + count(phone) from scored_leads",
    )
    emails, hashed, named = counts
    assert emails > 1000 and hashed == emails and named == 0


def test_masked_publish_keeps_only_the_main_schema(masked: Path) -> None:
    from lead_funnel.common import CONTRACT_MODELS

    # the leaking input has no qualifications table (an optional raw table): the checklist
    # marts are published, and empty
    checklist = {model for model in CONTRACT_MODELS if model.startswith("mart_sql_qualification")}
    assert checklist, "the checklist marts are contract models"
    for model in CONTRACT_MODELS:
        rows = query(masked, f"select count(*) from {model}")[0][0]
        assert (rows == 0) if model in checklist else (rows > 0), model
    (schemas,) = query(masked, "select list(distinct table_schema) from information_schema.tables")
    assert schemas[0] == ["main"]


def test_the_key_is_in_no_compiled_file_or_log(masked: Path) -> None:
    for folder in (PROJECT_DIR / "target", PROJECT_DIR / "logs", masked.parent):
        for path in folder.rglob("*") if folder.is_dir() else []:
            if path.is_file() and path.stat().st_size < 200_000_000:
                assert PII_KEY.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(
    ("key", "message"),
    [(None, "is not set"), ("short", "is shorter than 16 characters")],
)
def test_masking_without_a_key_is_a_usage_error(
    tmp_path: Path, key: str | None, message: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "LEAD_FUNNEL_PII_KEY"}
    if key is not None:
        env["LEAD_FUNNEL_PII_KEY"] = key
    completed = pipeline_without_key(tmp_path, env)
    assert completed.returncode == 64, completed.stdout + completed.stderr
    assert f"$LEAD_FUNNEL_PII_KEY {message}" in completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr
    assert "dbt build" not in completed.stdout
    assert not (tmp_path / "lead_funnel.build.duckdb").exists()


def pipeline_without_key(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`lead-funnel run --mask-pii` with exactly the given environment."""
    return subprocess.run(
        [
            *LEAD_FUNNEL,
            "run",
            "--db",
            str(tmp_path / "lead_funnel.duckdb"),
            "--mask-pii",
        ],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "120"},
        check=False,
    )


def test_validate_runs_on_a_masked_publish(masked: Path) -> None:
    """The suites read only the main schema (as_of from scored_leads.scored_as_of), so a
    masked publish, which has no staging schema, validates."""
    completed = subprocess.run(
        [*LEAD_FUNNEL, "validate", "--db", str(masked)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "query failed" not in completed.stdout


@pytest.mark.parametrize("value", ["true", "1", "yes"])  # text, not YAML booleans
def test_dbt_refuses_a_mask_flag_that_is_not_a_boolean(tmp_path: Path, value: str) -> None:
    """dbt run directly (no lead-funnel check before it): a mask_pii that only looks true
    stops the build instead of being read as false, which would publish contacts."""
    completed = run_dbt(
        ["compile", "--select", "scored_leads"],
        tmp_path / "w.duckdb",
        {"mask_pii": value},
        check=False,
    )
    assert completed.returncode != 0
    assert "mask_pii var must be true or false" in completed.stdout
