"""Generate deterministic, realistic synthetic raw funnel data (SPEC section 3 layout).

    python scripts/generate_data.py --leads N --seed S --out DIR [--format csv|parquet]
    python scripts/generate_data.py --demo        # rewrite the committed demo seeds

Everything is vectorised (numpy arrays, DuckDB for formatting and writing): 1M leads with
~20 activities each take about a minute. The same arguments always give the same bytes.

What makes it realistic: channels and offers of different quality (demo requests and
referrals convert far better than ebooks and display ads); activities clustered after
creation and before qualification, on weekdays and office hours; stage progress within
published conversion bands (lead->MQL 10-40%, MQL->SAL 40-60%, SAL->SQL 50-70%,
SQL->opportunity 30-75%, opportunity->customer 20-30%); sales response where about a third
of MQLs are touched within an hour and a long tail waits days; rejections, recycling and
re-MQL, skipped stages, several reps, source-system stage labels in several spellings.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

DEMO_LEADS = 2000
DEMO_SEED = 42
DEMO_ACTIVITIES_PER_LEAD = 10.0
SECONDS_PER_DAY = 86_400
HOUR = 3_600

SOURCES = [
    "organic_search",
    "paid_search",
    "social",
    "email",
    "referral",
    "event",
    "partner",
    "direct",
    "display",
    "other",
    "",
]
SOURCE_SHARE = [0.22, 0.18, 0.1, 0.1, 0.07, 0.07, 0.05, 0.09, 0.06, 0.03, 0.03]
SOURCE_QUALITY = [1.0, 0.9, 0.5, 0.8, 2.0, 1.6, 1.4, 1.1, 0.4, 0.7, 0.8]
OFFERS = [
    "ebook",
    "customer_case",
    "webinar",
    "demo_request",
    "free_trial",
    "contact_form",
    "trade_show",
    "",
]
OFFER_SHARE = [0.3, 0.12, 0.18, 0.1, 0.1, 0.1, 0.07, 0.03]
OFFER_QUALITY = [0.45, 0.8, 0.9, 3.0, 2.3, 1.9, 1.2, 0.8]
TITLES = [
    "CEO",
    "CTO",
    "VP Sales",
    "VP Marketing",
    "Head of Marketing",
    "Director of IT",
    "Sales Director",
    "Marketing Manager",
    "IT Manager",
    "Operations Manager",
    "Analyst",
    "Consultant",
    "Engineer",
    "Student",
    "Intern",
    "",
]
TITLE_SHARE = [
    0.03,
    0.03,
    0.05,
    0.05,
    0.06,
    0.06,
    0.06,
    0.12,
    0.1,
    0.1,
    0.1,
    0.06,
    0.08,
    0.04,
    0.02,
    0.04,
]
TITLE_QUALITY = [1.6, 1.5, 1.7, 1.6, 1.5, 1.4, 1.4, 1.1, 1.0, 1.0, 0.7, 0.6, 0.7, 0.1, 0.1, 0.6]
INDUSTRIES = [
    "software",
    "financial_services",
    "manufacturing",
    "healthcare",
    "retail",
    "education",
    "government",
    "logistics",
    "media",
]
COUNTRIES = ["US", "GB", "DE", "FR", "NL", "SE", "CA", "AU", "BR", "IN", "ES"]
COUNTRY_SHARE = [0.35, 0.12, 0.1, 0.07, 0.05, 0.04, 0.07, 0.05, 0.05, 0.06, 0.04]
FIRST_NAMES = [
    "Ann",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kim",
    "Lena",
    "Marco",
    "Nina",
    "Omar",
    "Paula",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
    "Will",
    "Yara",
    "Zoe",
]
LAST_NAMES = [
    "Smith",
    "Garcia",
    "Müller",
    "Martin",
    "Rossi",
    "Jansen",
    "Nowak",
    "Silva",
    "Kim",
    "Patel",
    "Brown",
    "Dubois",
    "Berg",
    "Costa",
    "Novak",
    "Lee",
    "Schmidt",
    "Walker",
    "Khan",
    "Moreau",
]
COMPANY_WORDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Wonka",
    "Oscorp",
    "Aperture",
    "Massive",
    "Dunder",
    "Pied",
    "Gringotts",
    "Monarch",
    "Nakatomi",
]
COMPANY_SUFFIXES = [
    "Labs",
    "Systems",
    "Group",
    "Logistics",
    "Health",
    "Capital",
    "Works",
    "Software",
    "Retail",
    "Industries",
]
FREE_MAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"]
REPS = [f"rep_{number:02d}" for number in range(1, 13)]

# Activity types: (name, share for ordinary leads, share for engaged leads).
ACTIVITY_TYPES = [
    ("email_open", 0.34, 0.2),
    ("email_click", 0.14, 0.12),
    ("page_view", 0.26, 0.2),
    ("pricing_page_view", 0.02, 0.08),
    ("content_download", 0.07, 0.08),
    ("newsletter_signup", 0.03, 0.02),
    ("webinar_registered", 0.03, 0.05),
    ("webinar_attended", 0.015, 0.05),
    ("demo_request", 0.003, 0.06),
    ("free_trial_signup", 0.002, 0.04),
    ("contact_form", 0.005, 0.04),
    ("trade_show_visit", 0.01, 0.02),
    ("unsubscribe", 0.02, 0.004),
    ("email_bounce", 0.02, 0.004),
    ("sales_email", 0.02, 0.04),
]
STAGE_LABELS = {
    "lead": ["Lead", "New", "lead"],
    "mql": ["MQL", "Marketing Qualified Lead", "mql"],
    "sal": ["SAL", "Sales Accepted Lead", "Accepted"],
    "sql": ["SQL", "Sales Qualified Lead"],
    "opportunity": ["Opportunity", "QSO", "Opp"],
    "customer": ["Customer", "Closed Won", "Won"],
    "rejected": ["Rejected", "Sales Rejected"],
    "recycled": ["Recycled", "Nurture"],
    "disqualified": ["Disqualified", "Unqualified"],
    "lost": ["Closed Lost", "Lost"],
}
REASONS = {
    "rejected": ["no budget", "wrong persona", "duplicate contact", "not reachable"],
    "recycled": ["timing: next quarter", "early research", "no project yet"],
    "disqualified": ["student", "competitor", "fake data"],
    "lost": ["chose competitor", "no decision", "price", "timing"],
}


@dataclass(frozen=True)
class Options:
    """What to generate."""

    leads: int
    seed: int
    out: Path
    file_format: str
    start: date
    end: date
    activities_per_lead: float
    defects: bool
    demo_names: bool


@dataclass
class Tables:
    """The three raw tables as Arrow tables of text columns."""

    leads: pa.Table
    activities: pa.Table
    stage_changes: pa.Table


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day).timestamp()) - int(
        datetime(1970, 1, 1).timestamp()
    )


def _pick(
    rng: np.random.Generator, values: list[str], shares: list[float], size: int
) -> np.ndarray:
    probabilities = np.asarray(shares, dtype=float)
    return rng.choice(len(values), size=size, p=probabilities / probabilities.sum())


def _office_seconds(rng: np.random.Generator, size: int, night_share: float = 0.12) -> np.ndarray:
    """Seconds into a day: mostly 08:00-18:00, a share at night."""
    office = rng.uniform(8 * HOUR, 18 * HOUR, size)
    night = rng.uniform(0, SECONDS_PER_DAY, size)
    return np.where(rng.random(size) < night_share, night, office).astype(np.int64)


def _to_weekday(seconds: np.ndarray, rng: np.random.Generator, keep_weekend: float) -> np.ndarray:
    """Move most weekend moments to the following Monday morning-ish (same time of day)."""
    days = seconds // SECONDS_PER_DAY
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
    weekend = weekday >= 5
    move = weekend & (rng.random(seconds.size) >= keep_weekend)
    return seconds + np.where(move, (7 - weekday) * SECONDS_PER_DAY, 0)


def _labels(rng: np.random.Generator, stage: str, size: int) -> np.ndarray:
    options = np.array(STAGE_LABELS[stage], dtype=object)
    return options[rng.integers(0, len(options), size)]


def generate(options: Options) -> Tables:
    """Build the three raw tables (deterministic for the options)."""
    rng = np.random.default_rng(options.seed)
    n = options.leads
    start, end = _epoch(options.start), _epoch(options.end) + SECONDS_PER_DAY
    horizon = end + 45 * SECONDS_PER_DAY  # data is extracted 45 days after the last lead

    # ---- leads -------------------------------------------------------------------------
    lead_ids = np.char.add("L", np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(object)
    days = rng.integers(start // SECONDS_PER_DAY, end // SECONDS_PER_DAY, n)
    created = _to_weekday(days * SECONDS_PER_DAY + _office_seconds(rng, n), rng, 0.25)
    created = np.minimum(created, end - 1)
    order = np.argsort(created, kind="stable")
    created = created[order]
    source = _pick(rng, SOURCES, SOURCE_SHARE, n)
    offer = _pick(rng, OFFERS, OFFER_SHARE, n)
    title = _pick(rng, TITLES, TITLE_SHARE, n)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    company_index = rng.integers(0, len(COMPANY_WORDS) * len(COMPANY_SUFFIXES), n)
    company_size = np.clip(rng.lognormal(4.6, 1.6, n), 1, 50_000).astype(np.int64)
    industry = rng.integers(0, len(INDUSTRIES), n)
    country = _pick(rng, COUNTRIES, COUNTRY_SHARE, n)
    mail_kind = rng.random(n)  # < 0.15 free mail, < 0.17 student .edu, else company domain
    has_phone = rng.random(n) < 0.6
    owner = np.where(rng.random(n) < 0.85, rng.integers(0, len(REPS), n), -1)
    size_quality = np.where((company_size >= 50) & (company_size <= 5000), 1.3, 0.8)
    quality = (
        np.asarray(SOURCE_QUALITY)[source]
        * np.asarray(OFFER_QUALITY)[offer]
        * np.asarray(TITLE_QUALITY)[title]
        * size_quality
        * np.where(mail_kind < 0.17, 0.5, 1.0)
    )

    # ---- stage progression ---------------------------------------------------------------
    stage_lead, stage_name, stage_at, stage_owner = [], [], [], []

    def add(leads_idx: np.ndarray, name: str, at: np.ndarray, owners: np.ndarray) -> None:
        keep = at <= horizon
        stage_lead.append(leads_idx[keep])
        stage_name.append(np.full(int(keep.sum()), name, dtype=object))
        stage_at.append(at[keep])
        stage_owner.append(owners[keep])

    everyone = np.arange(n)
    no_owner = np.full(n, -1)
    explicit = rng.random(n) < 0.3
    add(everyone[explicit], "lead", created[explicit], no_owner[explicit])

    def rep_for(idx: np.ndarray) -> np.ndarray:
        random_rep = rng.integers(0, len(REPS), idx.size)
        return np.where(owner[idx] >= 0, owner[idx], random_rep)

    def delay_hours(size: int, median: float, sigma: float) -> np.ndarray:
        return (rng.lognormal(np.log(median), sigma, size) * HOUR).astype(np.int64)

    p_mql = np.clip(0.2 * quality, 0.01, 0.9)
    is_mql = rng.random(n) < p_mql
    mql_idx = everyone[is_mql]
    mql_at = created[mql_idx] + (rng.exponential(9, mql_idx.size) * SECONDS_PER_DAY).astype(
        np.int64
    )
    mql_at = _to_weekday(mql_at, rng, 0.3)
    # a few leads jump straight to opportunity (inbound demo requests passed to sales)
    jumpers = everyone[~is_mql & (rng.random(n) < 0.01)]
    add(
        jumpers,
        "opportunity",
        created[jumpers] + delay_hours(jumpers.size, 30, 0.8),
        rep_for(jumpers),
    )

    touch_lead, touch_at, touch_owner = [], [], []

    def respond(idx: np.ndarray, entered: np.ndarray) -> None:
        """Sales touches after an MQL entry: ~1/3 within an hour, a long tail, some never."""
        bucket = rng.random(idx.size)
        minutes = np.select(
            [bucket < 0.34, bucket < 0.7, bucket < 0.9],
            [
                rng.uniform(1, 60, idx.size),
                rng.uniform(60, 24 * 60, idx.size),
                rng.uniform(24 * 60, 8 * 24 * 60, idx.size),
            ],
            default=-1,
        )
        touched = minutes >= 0
        touch_lead.append(idx[touched])
        touch_at.append(entered[touched] + (minutes[touched] * 60).astype(np.int64))
        touch_owner.append(rep_for(idx[touched]))

    def qualify(idx: np.ndarray, entered: np.ndarray, accept_share: float) -> np.ndarray:
        """MQL entry, response and decision; returns the leads recycled (candidates for re-MQL)."""
        add(idx, "mql", entered, no_owner[idx])
        respond(idx, entered)
        outcome = rng.random(idx.size)
        decided_at = entered + delay_hours(idx.size, 20, 1.1)
        accepted = outcome < accept_share
        rejected = (outcome >= accept_share) & (outcome < accept_share + 0.32)
        reps = rep_for(idx)
        skip_sal = accepted & (rng.random(idx.size) < 0.06)
        add(
            idx[accepted & ~skip_sal],
            "sal",
            decided_at[accepted & ~skip_sal],
            reps[accepted & ~skip_sal],
        )
        kind = rng.random(idx.size)
        for name, low, high in (
            ("rejected", 0, 0.55),
            ("recycled", 0.55, 0.9),
            ("disqualified", 0.9, 1),
        ):
            chosen = rejected & (kind >= low) & (kind < high)
            add(idx[chosen], name, decided_at[chosen], reps[chosen])
        # SAL -> SQL -> opportunity -> customer / lost
        step_at = decided_at.copy()
        at_sql = accepted & ((rng.random(idx.size) < 0.6) | skip_sal)
        step_at = step_at + (rng.exponential(6, idx.size) * SECONDS_PER_DAY).astype(np.int64)
        add(idx[at_sql], "sql", step_at[at_sql], reps[at_sql])
        at_opp = at_sql & (rng.random(idx.size) < 0.5)
        step_at = step_at + (rng.exponential(12, idx.size) * SECONDS_PER_DAY).astype(np.int64)
        add(idx[at_opp], "opportunity", step_at[at_opp], reps[at_opp])
        won = at_opp & (rng.random(idx.size) < 0.32)
        step_at = step_at + (rng.exponential(25, idx.size) * SECONDS_PER_DAY).astype(np.int64)
        add(idx[won], "customer", step_at[won], reps[won])
        lost = at_opp & ~won & (rng.random(idx.size) < 0.7)
        add(idx[lost], "lost", step_at[lost], reps[lost])
        recycled = rejected & (kind >= 0.55) & (kind < 0.9)
        return np.stack([idx[recycled], decided_at[recycled]])

    recycled = qualify(mql_idx, mql_at, 0.55)
    again = rng.random(recycled.shape[1]) < 0.35
    re_idx = recycled[0][again]
    re_at = recycled[1][again] + (rng.uniform(20, 90, re_idx.size) * SECONDS_PER_DAY).astype(
        np.int64
    )
    qualify(re_idx, _to_weekday(re_at, rng, 0.3), 0.5)

    stage_lead_all = np.concatenate(stage_lead)
    stage_name_all = np.concatenate(stage_name)
    stage_at_all = np.concatenate(stage_at)
    stage_owner_all = np.concatenate(stage_owner)
    stage_order = np.lexsort((stage_lead_all, stage_at_all))
    stage_lead_all, stage_name_all = stage_lead_all[stage_order], stage_name_all[stage_order]
    stage_at_all, stage_owner_all = stage_at_all[stage_order], stage_owner_all[stage_order]
    label = np.empty(stage_name_all.size, dtype=object)
    reason = np.full(stage_name_all.size, "", dtype=object)
    amount = np.full(stage_name_all.size, "", dtype=object)
    for name in STAGE_LABELS:
        where = stage_name_all == name
        label[where] = _labels(rng, name, int(where.sum()))
        if name in REASONS:
            choices = np.array(REASONS[name], dtype=object)
            reason[where] = choices[rng.integers(0, len(choices), int(where.sum()))]
        if name in ("opportunity", "customer"):
            values = np.round(rng.lognormal(9.5, 0.8, int(where.sum())), -2).astype(np.int64)
            amount[where] = values.astype(str).astype(object)

    # ---- activities ------------------------------------------------------------------------
    engaged = np.zeros(n, dtype=bool)
    engaged[mql_idx] = True
    per_lead = rng.poisson(np.where(engaged, 2.2, 0.75) * options.activities_per_lead)
    act_lead = np.repeat(everyone, per_lead)
    act_engaged = engaged[act_lead]
    shares_plain = np.array([share for _, share, _ in ACTIVITY_TYPES])
    shares_engaged = np.array([share for _, _, share in ACTIVITY_TYPES])
    pick_plain = rng.choice(len(ACTIVITY_TYPES), act_lead.size, p=shares_plain / shares_plain.sum())
    pick_engaged = rng.choice(
        len(ACTIVITY_TYPES), act_lead.size, p=shares_engaged / shares_engaged.sum()
    )
    act_type = np.where(act_engaged, pick_engaged, pick_plain)
    # clustered in time: a burst after creation, and for engaged leads a burst before the MQL
    first_mql = np.full(n, -1, dtype=np.int64)
    first_mql[mql_idx] = mql_at
    base = created[act_lead]
    near_mql = act_engaged & (rng.random(act_lead.size) < 0.5)
    anchor = np.where(near_mql, first_mql[act_lead] - 3 * SECONDS_PER_DAY, base)
    anchor = np.maximum(anchor, base)
    offset_days = np.where(
        near_mql, rng.exponential(2, act_lead.size), rng.exponential(25, act_lead.size)
    )
    act_day = (anchor + (offset_days * SECONDS_PER_DAY).astype(np.int64)) // SECONDS_PER_DAY
    act_at = _to_weekday(
        act_day * SECONDS_PER_DAY + _office_seconds(rng, act_lead.size, 0.2), rng, 0.2
    )
    act_at = np.maximum(act_at, base + 60)
    touches_lead = np.concatenate(touch_lead)
    touches_at = np.concatenate(touch_at)
    touches_owner = np.concatenate(touch_owner)
    type_names = np.array([name for name, _, _ in ACTIVITY_TYPES] + ["sales_call"], dtype=object)
    all_lead = np.concatenate([act_lead, touches_lead])
    all_at = np.concatenate([act_at, touches_at])
    all_type = np.concatenate([act_type, np.full(touches_lead.size, len(ACTIVITY_TYPES))])
    all_owner = np.concatenate([np.full(act_lead.size, -1), touches_owner])
    is_touch_call = all_type == len(ACTIVITY_TYPES)
    all_type = np.where(
        is_touch_call & (rng.random(all_lead.size) < 0.4), 14, all_type
    )  # sales_email
    sales_email = all_type == 14
    all_owner = np.where(sales_email & (all_owner < 0), rep_for(all_lead), all_owner)
    keep = all_at <= horizon
    all_lead, all_at, all_type, all_owner = (
        all_lead[keep],
        all_at[keep],
        all_type[keep],
        all_owner[keep],
    )
    act_order = np.lexsort((all_lead, all_at))
    all_lead, all_at, all_type, all_owner = (
        all_lead[act_order],
        all_at[act_order],
        all_type[act_order],
        all_owner[act_order],
    )
    duration = np.where(
        np.isin(all_type, [2, 3]),
        rng.integers(5, 600, all_lead.size),
        np.where(all_type == 7, rng.integers(600, 3600, all_lead.size), -1),
    )

    tables = _assemble(
        rng,
        options,
        leads={
            "lead_id": lead_ids,
            "created": created,
            "first": first,
            "last": last,
            "title": title,
            "has_phone": has_phone,
            "company_index": company_index,
            "company_size": company_size,
            "industry": industry,
            "country": country,
            "source": source,
            "offer": offer,
            "owner": owner,
            "mail_kind": mail_kind,
        },
        stages={
            "lead": stage_lead_all,
            "label": label,
            "at": stage_at_all,
            "owner": stage_owner_all,
            "reason": reason,
            "amount": amount,
        },
        activities={
            "lead": all_lead,
            "at": all_at,
            "type": all_type,
            "owner": all_owner,
            "duration": duration,
            "type_names": type_names,
        },
    )
    return tables


def _assemble(
    rng: np.random.Generator, options: Options, leads: dict, stages: dict, activities: dict
) -> Tables:
    """Format the arrays as the raw text tables (DuckDB does the string work)."""
    n = options.leads
    con = duckdb.connect()
    con.execute("set threads = 2")
    fmt_leads = rng.choice(3, n, p=[0.75, 0.2, 0.05])
    leads_arrow = pa.table(
        {
            "lead_id": pa.array(leads["lead_id"], pa.string()),
            "created": pa.array(leads["created"], pa.int64()),
            "fmt": pa.array(fmt_leads, pa.int8()),
            "first_name": pa.array(
                np.array(FIRST_NAMES, dtype=object)[leads["first"]], pa.string()
            ),
            "last_name": pa.array(np.array(LAST_NAMES, dtype=object)[leads["last"]], pa.string()),
            "job_title": pa.array(np.array(TITLES, dtype=object)[leads["title"]], pa.string()),
            "has_phone": pa.array(leads["has_phone"]),
            "company_word": pa.array(
                np.array(COMPANY_WORDS, dtype=object)[leads["company_index"] % len(COMPANY_WORDS)],
                pa.string(),
            ),
            "company_suffix": pa.array(
                np.array(COMPANY_SUFFIXES, dtype=object)[
                    leads["company_index"] // len(COMPANY_WORDS)
                ],
                pa.string(),
            ),
            "company_size": pa.array(leads["company_size"], pa.int64()),
            "industry": pa.array(
                np.array(INDUSTRIES, dtype=object)[leads["industry"]], pa.string()
            ),
            "country": pa.array(np.array(COUNTRIES, dtype=object)[leads["country"]], pa.string()),
            "lead_source": pa.array(np.array(SOURCES, dtype=object)[leads["source"]], pa.string()),
            "acquisition_offer": pa.array(
                np.array(OFFERS, dtype=object)[leads["offer"]], pa.string()
            ),
            "owner": pa.array(leads["owner"], pa.int64()),
            "mail_kind": pa.array(leads["mail_kind"], pa.float64()),
            "free_mail": pa.array(
                np.array(FREE_MAIL, dtype=object)[
                    (leads["mail_kind"] * 1000).astype(int) % len(FREE_MAIL)
                ],
                pa.string(),
            ),
            "row_number": pa.array(np.arange(n), pa.int64()),
        }
    )
    con.register("leads_arrow", leads_arrow)
    ts = _timestamp_sql
    leads_table = con.sql(
        f"""
        select
            lead_id,
            {ts("created", "fmt")} as created_at,
            lower(first_name || '.' || replace(last_name, 'ü', 'ue') || (row_number % 97)::varchar
                || '@' ||
                case when mail_kind < 0.15 then free_mail
                     when mail_kind < 0.17 then 'uni-' || lower(company_word) || '.edu'
                     else lower(company_word) || lower(company_suffix) || '.com' end) as email,
            first_name,
            last_name,
            nullif(job_title, '') as job_title,
            case when has_phone
                then '+1 555 ' || lpad(((row_number * 7919) % 10000)::varchar, 4, '0')
            end as phone,
            company_word || ' ' || company_suffix as company_name,
            company_size::varchar as company_size,
            industry,
            country,
            nullif(lead_source, '') as lead_source,
            nullif(acquisition_offer, '') as acquisition_offer,
            case when owner >= 0 then 'rep_' || lpad((owner + 1)::varchar, 2, '0') end as owner_id
        from leads_arrow
        order by row_number
        """
    ).to_arrow_table()

    stage_count = stages["lead"].size
    stage_arrow = pa.table(
        {
            "row_number": pa.array(np.arange(stage_count), pa.int64()),
            "lead_id": pa.array(leads["lead_id"][stages["lead"]], pa.string()),
            "label": pa.array(stages["label"], pa.string()),
            "event_at": pa.array(stages["at"], pa.int64()),
            "fmt": pa.array(rng.choice(3, stage_count, p=[0.75, 0.2, 0.05]), pa.int8()),
            "owner": pa.array(stages["owner"], pa.int64()),
            "reason": pa.array(stages["reason"], pa.string()),
            "amount": pa.array(stages["amount"], pa.string()),
        }
    )
    con.register("stage_arrow", stage_arrow)
    stage_table = con.sql(
        f"""
        select
            'S' || lpad((row_number + 1)::varchar, 8, '0') as change_id,
            lead_id,
            label as stage,
            {ts("event_at", "fmt")} as changed_at,
            case when owner >= 0 then 'rep_' || lpad((owner + 1)::varchar, 2, '0') end as owner_id,
            nullif(reason, '') as reason,
            nullif(amount, '') as amount
        from stage_arrow
        order by row_number
        """
    ).to_arrow_table()

    act_count = activities["lead"].size
    activity_arrow = pa.table(
        {
            "row_number": pa.array(np.arange(act_count), pa.int64()),
            "lead_id": pa.array(leads["lead_id"][activities["lead"]], pa.string()),
            "activity_type": pa.array(activities["type_names"][activities["type"]], pa.string()),
            "event_at": pa.array(activities["at"], pa.int64()),
            "fmt": pa.array(rng.choice(3, act_count, p=[0.75, 0.2, 0.05]), pa.int8()),
            "owner": pa.array(activities["owner"], pa.int64()),
            "duration": pa.array(activities["duration"], pa.int64()),
            "campaign_pick": pa.array(rng.integers(0, 6, act_count), pa.int8()),
        }
    )
    con.register("activity_arrow", activity_arrow)
    activity_table = con.sql(
        f"""
        select
            'A' || lpad((row_number + 1)::varchar, 9, '0') as activity_id,
            lead_id,
            activity_type,
            {ts("event_at", "fmt")} as occurred_at,
            case when owner >= 0 then 'rep_' || lpad((owner + 1)::varchar, 2, '0') end as owner_id,
            case when activity_type like 'email%' or activity_type like 'webinar%'
                then ['spring_launch', 'q2_nurture', 'product_update', 'webinar_series',
                      'partner_push', 'year_end'][campaign_pick + 1] end as campaign,
            case activity_type
                when 'page_view' then '/' || ['features', 'blog/lead-scoring', 'integrations',
                    'about', 'customers', 'docs'][campaign_pick + 1]
                when 'pricing_page_view' then '/pricing'
                when 'content_download' then ['Funnel benchmarks 2025', 'MQL playbook',
                    'RevOps guide', 'SLA template', 'Scoring checklist', 'Case study: Acme']
                    [campaign_pick + 1]
                when 'webinar_attended' then 'Pipeline 101'
            end as detail,
            case when duration >= 0 then duration::varchar end as duration_seconds
        from activity_arrow
        order by row_number
        """
    ).to_arrow_table()
    tables = Tables(leads_table, activity_table, stage_table)
    if options.defects:
        tables = _with_defects(con, tables)
    con.close()
    return tables


def _timestamp_sql(column: str, fmt: str) -> str:
    """Epoch seconds -> ISO text: mostly naive UTC, some with Z, a few with a +02:00 offset."""
    moment = f"make_timestamp({column} * 1000000)"
    return f"""case {fmt}
        when 0 then strftime({moment}, '%Y-%m-%d %H:%M:%S')
        when 1 then strftime({moment}, '%Y-%m-%dT%H:%M:%SZ')
        else strftime({moment} + interval 2 hour, '%Y-%m-%dT%H:%M:%S') || '+02:00' end"""


def _with_defects(con: duckdb.DuckDBPyConnection, tables: Tables) -> Tables:
    """A handful of realistic data-quality defects (SPEC section 8), at fixed positions."""
    con.execute("set threads = 1")  # row_number() over () must follow the input order
    con.register("leads_t", tables.leads)
    con.register("activities_t", tables.activities)
    con.register("stages_t", tables.stage_changes)
    leads = con.sql(
        """
        with numbered as (select *, row_number() over () as n from leads_t)
        select * exclude (n) replace (
            case when n = 20 then replace(email, '@', '@@')
                 when n = 21 then replace(email, '@', ' at ') else email end as email,
            case when n = 22 then 'fifty' else company_size end as company_size)
        from numbered
        union all select * exclude (n) from numbered where n = 5            -- exact duplicate
        union all select * exclude (n) replace ('ceo@' || split_part(email, '@', 2) as email,
            '2024-01-01 08:00:00' as created_at) from numbered where n = 10  -- conflicting key
        union all select null, '2025-03-03 10:00:00', 'nokey@example.com', 'No', 'Key', 'Manager',
            null, 'Acme Labs', '40', 'software', 'US', 'email', 'ebook', null   -- missing key
        union all select 'L9000001', 'not a date', 'bad.date@globex.com', 'Bad', 'Date', 'CTO',
            null, 'Globex Labs', '300', 'software', 'US', 'event', 'webinar', null
        union all select 'L9000002', '2025-13-45 10:00:00', 'bad.month@globex.com', 'Bad', 'Month',
            'CTO', null, 'Globex Labs', '300', 'software', 'US', 'event', 'webinar', null
        union all select 'L9000003', null, 'no.date@globex.com', 'No', 'Date', 'CTO', null,
            'Globex Labs', '300', 'software', 'US', 'event', 'webinar', null
        union all select 'L9000004', '2099-01-01 00:00:00', 'future@globex.com', 'Fut', 'Ure',
            'CTO', null, 'Globex Labs', '300', 'software', 'US', 'event', 'webinar', null
        """
    ).to_arrow_table()
    activities = con.sql(
        """
        with numbered as (select *, row_number() over () as n from activities_t),
        first_lead as (select lead_id, created_at from leads_t limit 1 offset 2)
        select * exclude (n) replace (
            case when n = 30 then '-12' else duration_seconds end as duration_seconds,
            case when n in (40, 41) then 'chat_message' else activity_type end as activity_type)
        from numbered
        union all select * exclude (n) from numbered where n in (7, 8, 9)   -- exact duplicates
        union all select * exclude (n) replace ('re-delivered with a new title' as detail)
            from numbered where n = 11                                      -- conflicting key
        union all select null, lead_id, 'email_open', occurred_at, null, null, null, null
            from numbered where n = 12                                      -- missing key
        union all select 'A900000001', 'L9999999', 'email_open', '2025-02-02 10:00:00', null,
            null, null, null                                                -- unknown lead
        union all select 'A900000002', lead_id, 'email_click', '02/30/2025 10:00', null, null,
            null, null from numbered where n = 13                           -- unparseable time
        union all select 'A900000003', lead_id, 'email_open', '2099-06-01 10:00:00', null, null,
            null, null from numbered where n = 14                           -- future date
        union all select 'A900000004', lead_id, 'page_view',
            strftime(cast(try_cast(created_at as timestamptz) at time zone 'UTC' as timestamp)
                - interval 1 hour, '%Y-%m-%d %H:%M:%S'), null, null, '/pricing', '40'
            from first_lead                                                 -- before creation
        """
    ).to_arrow_table()
    stages = con.sql(
        """
        with numbered as (select *, row_number() over () as n from stages_t),
        opportunity as (select change_id from stages_t where amount is not null limit 1)
        select * exclude (n) replace (
            case when change_id in (select change_id from opportunity) then '12k' else amount end
            as amount)
        from numbered
        union all select 'S90000001', 'L9999999', 'MQL', '2025-02-02 10:00:00', null, null, null
        union all select 'S90000002', lead_id, 'Zombie', changed_at, null, null, null
            from numbered where n = 15                                      -- unmapped label
        union all select 'S90000003', lead_id, 'SAL', null, 'rep_01', null, null
            from numbered where n = 16                                      -- missing time
        union all select 'S90000004', lead_id, 'Customer', '2099-01-01 00:00:00', 'rep_01', null,
            '5000' from numbered where n = 17                               -- future date
        """
    ).to_arrow_table()
    return Tables(leads, activities, stages)


def write(tables: Tables, options: Options) -> dict[str, Path]:
    """Write the tables as CSV or Parquet; returns the written paths."""
    options.out.mkdir(parents=True, exist_ok=True)
    prefix = "raw_" if options.demo_names else ""
    written: dict[str, Path] = {}
    con = duckdb.connect()
    con.execute("set threads = 2")
    con.execute("set preserve_insertion_order = true")
    for name, table in (
        ("leads", tables.leads),
        ("activities", tables.activities),
        ("stage_changes", tables.stage_changes),
    ):
        path = options.out / f"{prefix}{name}.{options.file_format}"
        con.register("frame", table)
        if options.file_format == "csv":
            con.execute(f"copy frame to '{path}' (header, delimiter ',', quote '\"')")
        else:
            con.execute(f"copy frame to '{path}' (format parquet)")
        con.unregister("frame")
        written[name] = path
    con.close()
    return written


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="generate_data.py",
        description="Generate deterministic, realistic synthetic raw funnel data: "
        "leads, activities and stage_changes (SPEC section 3 layout).",
    )
    parser.add_argument("--leads", type=int, default=DEMO_LEADS, help="number of leads (>= 1)")
    parser.add_argument(
        "--seed", type=int, default=DEMO_SEED, help="random seed (same seed, same bytes)"
    )
    parser.add_argument("--out", type=Path, help="output directory (created if missing)")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv", dest="file_format")
    parser.add_argument(
        "--start-date",
        type=date.fromisoformat,
        default=date(2024, 1, 1),
        help="first lead creation date (default 2024-01-01)",
    )
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=date(2025, 12, 31),
        help="last lead creation date (default 2025-12-31); events run 45 days past it",
    )
    parser.add_argument(
        "--activities-per-lead",
        type=float,
        default=20.0,
        help="average activities per lead (default 20; engaged leads get more)",
    )
    parser.add_argument(
        "--defects",
        action="store_true",
        help="add a handful of realistic bad rows (duplicates, bad dates, ...)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"write the committed demo seeds: {DEMO_LEADS} leads, seed {DEMO_SEED}, "
        "defects, into seeds/raw_*.csv (or --out)",
    )
    args = parser.parse_args(argv)
    if args.demo:
        out = args.out or Path(__file__).resolve().parent.parent / "seeds"
        return Options(
            DEMO_LEADS,
            DEMO_SEED,
            out,
            "csv",
            date(2024, 1, 1),
            date(2025, 12, 31),
            DEMO_ACTIVITIES_PER_LEAD,
            True,
            True,
        )
    if args.leads < 1:
        parser.error("--leads must be at least 1")
    if args.out is None:
        parser.error("--out DIR is required (or use --demo)")
    if args.end_date < args.start_date:
        parser.error("--end-date must not be before --start-date")
    if args.activities_per_lead <= 0:
        parser.error("--activities-per-lead must be positive")
    return Options(
        args.leads,
        args.seed,
        args.out,
        args.file_format,
        args.start_date,
        args.end_date,
        args.activities_per_lead,
        args.defects,
        False,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    started = time.monotonic()
    from rich.console import Console

    console = Console(stderr=True)
    with console.status(f"Generating {options.leads:,} leads (seed {options.seed})"):
        tables = generate(options)
        try:
            written = write(tables, options)
        except (OSError, duckdb.IOException) as error:
            console.print(
                f"[red]error:[/] cannot write to {options.out}: {error}. "
                "Choose a writable --out directory."
            )
            return 1
    for name, path in written.items():
        rows = getattr(tables, name).num_rows
        console.print(f"{name:>14}: {rows:>11,} rows -> {path}")
    console.print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
