"""Companies and leads: who the leads are, when they were created, how good they are, and
the leads table's text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .catalogues import (
    COMPANY_ROOTS,
    COMPETITOR_DOMAIN,
    COUNTRIES,
    COUNTRY_SALES_REGION,
    EDU_DOMAINS,
    EMAIL_KIND_EFFECT,
    FIRST_NAMES,
    FREE_MAIL_DOMAINS,
    FREE_MAIL_WEIGHTS,
    HOUR_WEIGHTS_WORK,
    INDUSTRIES,
    LAST_NAMES,
    LEAD_SOURCES,
    MONTH_SEASON,
    OFFER_BY_SOURCE,
    OFFER_EFFECT,
    OFFER_MISSING,
    OFFERS,
    REGION_REPS,
    REPS,
    SOURCE_EFFECT,
    SOURCE_MISSING,
    SOURCE_WEIGHTS,
    TITLE_BANDS,
    TITLE_MISSING,
    TITLE_MISSING_EFFECT,
    TS_STYLE_WEIGHTS,
    US_OFFSET_WEIGHTS,
    US_OFFSETS,
    WEEKDAY_WEIGHTS,
)
from .config import DAY, HOUR, LEAD_ID_WIDTH, MINUTE, Config
from .sampling import cumulative_weights, draw, draw_rows, slug, weekday
from .text import format_ids, format_timestamps, int_text, join, month_of, take


@dataclass
class Leads:
    """Per-lead arrays, sorted by created_at (lead i has id i + 1)."""

    created: np.ndarray
    country: np.ndarray
    tz_min: np.ndarray
    company: np.ndarray
    source: np.ndarray
    offer: np.ndarray
    title: np.ndarray
    title_band: np.ndarray
    email_kind: np.ndarray
    first: np.ndarray
    last: np.ndarray
    quality: np.ndarray
    rep: np.ndarray
    extras: dict[str, np.ndarray]

    @property
    def tz_s(self) -> np.ndarray:
        return self.tz_min.astype(np.int64) * MINUTE


@dataclass
class Companies:
    root: np.ndarray
    noun: np.ndarray
    legal: np.ndarray
    industry: np.ndarray
    country: np.ndarray
    size: np.ndarray
    tld: np.ndarray


def simulate_companies(rng: np.random.Generator, n_leads: int) -> Companies:
    m = int(min(max(n_leads // 3, 50), 250_000))
    industry = draw(rng, [w for _, w, _ in INDUSTRIES], m)
    noun_counts = np.array([len(nouns) for _, _, nouns in INDUSTRIES])
    noun_offsets = np.concatenate([[0], np.cumsum(noun_counts)[:-1]])
    noun = noun_offsets[industry] + (rng.random(m) * noun_counts[industry]).astype(np.int64)
    country = draw(rng, [c[1] for c in COUNTRIES], m)
    legal_counts = np.array([len(c[7]) for c in COUNTRIES])
    legal_offsets = np.concatenate([[0], np.cumsum(legal_counts)[:-1]])
    legal = legal_offsets[country] + (rng.random(m) * legal_counts[country]).astype(np.int64)
    public_sector = np.isin(industry, [5, 6])
    legal = np.where((rng.random(m) < 0.45) & ~public_sector, legal, -1)
    size = np.clip(np.rint(rng.lognormal(np.log(120), 1.9, m)), 1, 50_000).astype(np.int64)
    size = np.where(industry == 6, np.maximum(size, 200), size)  # governments are not tiny
    # TLD: 0 the country's, 1 .com, 2 .io (software), 3 .gov / .edu (public sector)
    tld = np.where(rng.random(m) < 0.6, 0, 1)
    tld = np.where((industry == 0) & (rng.random(m) < 0.25), 2, tld)
    tld = np.where(public_sector & (country == 0), 3, tld)
    root = (rng.random(m) * len(COMPANY_ROOTS)).astype(np.int64)
    return Companies(root, noun, legal, industry, country, size, tld)


def _creation_times(rng: np.random.Generator, cfg: Config, tz_s: np.ndarray) -> np.ndarray:
    n = tz_s.size
    first_day, last_day = cfg.start_s // DAY, cfg.end_s // DAY
    days = np.arange(first_day, last_day + 1)
    d64 = days.astype("datetime64[D]")
    month = d64.astype("datetime64[M]").astype(np.int64) % 12
    dom = (d64 - d64.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    trend = 1.0 + 0.6 * (days - first_day) / max(last_day - first_day, 1)
    holidays = np.where(((month == 11) & (dom >= 23)) | ((month == 0) & (dom <= 2)), 0.35, 1.0)
    weight = trend * MONTH_SEASON[month] * WEEKDAY_WEIGHTS[weekday(days)] * holidays
    day = days[np.searchsorted(cumulative_weights(weight), rng.random(n), side="right")]
    hour = np.searchsorted(cumulative_weights(HOUR_WEIGHTS_WORK), rng.random(n), side="right")
    local = day * DAY + hour * HOUR + rng.integers(0, HOUR, n)
    return np.clip(local - tz_s, cfg.start_s, cfg.end_s)


def simulate_leads(rng: np.random.Generator, cfg: Config, co: Companies) -> Leads:
    n = cfg.leads
    m = co.size.size
    company = np.minimum((m * rng.random(n) ** 1.6).astype(np.int64), m - 1)
    country = co.country[company].astype(np.int64)
    std_offset = np.array([c[4] for c in COUNTRIES])
    tz_min = std_offset[country]
    is_us = country == 0
    tz_min = np.where(is_us, np.array(US_OFFSETS)[draw(rng, US_OFFSET_WEIGHTS, n)], tz_min)
    tz_s = tz_min.astype(np.int64) * MINUTE

    source = draw(rng, SOURCE_WEIGHTS, n).astype(np.int64)
    source = np.where(rng.random(n) < SOURCE_MISSING, -1, source)
    offer = draw_rows(rng, OFFER_BY_SOURCE, np.where(source < 0, 10, source)).astype(np.int64)
    offer = np.where(rng.random(n) < OFFER_MISSING, -1, offer)

    band = draw(rng, [b[1] for b in TITLE_BANDS], n).astype(np.int64)
    size = co.size[company]
    small = size <= 10
    band = np.where(small & (rng.random(n) < 0.3), 0, band)  # founders of small firms
    title_counts = np.array([len(b[3]) for b in TITLE_BANDS])
    title_offsets = np.concatenate([[0], np.cumsum(title_counts)[:-1]])
    title = title_offsets[band] + (rng.random(n) * title_counts[band]).astype(np.int64)
    title = np.where(rng.random(n) < TITLE_MISSING, -1, title)

    student = band == 7
    u = rng.random(n)
    email_kind = np.where(u < 0.17, 1, 0)
    email_kind = np.where(student, np.where(u < 0.5, 2, np.where(u < 0.9, 1, 0)), email_kind)
    email_kind = np.where(rng.random(n) < 0.003, 3, email_kind)

    region = np.array([c[2] for c in COUNTRIES])[country]
    region = np.where(rng.random(n) < 0.25, (rng.random(n) * 5).astype(np.int64), region)
    first_counts = np.array([len(r) for r in FIRST_NAMES])
    last_counts = np.array([len(r) for r in LAST_NAMES])
    first = np.concatenate([[0], np.cumsum(first_counts)[:-1]])[region] + (
        rng.random(n) * first_counts[region]
    ).astype(np.int64)
    last = np.concatenate([[0], np.cumsum(last_counts)[:-1]])[region] + (
        rng.random(n) * last_counts[region]
    ).astype(np.int64)

    # latent quality (log-odds scale): offer, channel, seniority, size, e-mail kind, noise
    band_effect = np.array([b[2] for b in TITLE_BANDS])[band]
    band_effect = np.where(title < 0, TITLE_MISSING_EFFECT, band_effect)
    size_effect = np.select([size <= 10, size <= 50, size <= 1000], [-0.6, -0.2, 0.2], 0.1)
    quality = (
        np.where(offer >= 0, np.array(OFFER_EFFECT)[np.maximum(offer, 0)], -0.3)
        + np.where(source >= 0, np.array(SOURCE_EFFECT)[np.maximum(source, 0)], -0.2)
        + band_effect
        + size_effect
        + np.array(EMAIL_KIND_EFFECT)[email_kind]
        + rng.normal(0.0, 0.7, n)
    )

    sales_region = np.array(
        [list(REGION_REPS).index(COUNTRY_SALES_REGION.get(c[0], "emea")) for c in COUNTRIES]
    )[country]
    lo = np.array([r[0] for r in REGION_REPS.values()])[sales_region]
    hi = np.array([r[1] for r in REGION_REPS.values()])[sales_region]
    rep = lo + (rng.random(n) * (hi - lo)).astype(np.int64)

    created = _creation_times(rng, cfg, tz_s)
    extras = {
        "email_pattern": draw(rng, [0.6, 0.2, 0.08, 0.07, 0.05], n).astype(np.int64),
        "email_number": rng.integers(1, 99, n),
        "email_case": draw(rng, [0.97, 0.02, 0.01], n).astype(np.int64),
        "free_mail": draw(rng, FREE_MAIL_WEIGHTS, n).astype(np.int64),
        "edu": (rng.random(n) * len(EDU_DOMAINS)).astype(np.int64),
        "phone_style": np.where(rng.random(n) < 0.45, -1, draw(rng, [0.7, 0.2, 0.1], n)),
        "phone_area": rng.integers(200, 999, n),
        "phone_line": rng.integers(0, 10_000, n),
        "missing": rng.random((n, 6)),  # first, last, email, size, industry, country
        "variant": rng.random((n, 3)),  # industry / country / source spelling variants
        "owner_anyway": rng.random(n) < 0.4,
        "ts_style": draw(rng, TS_STYLE_WEIGHTS, n).astype(np.int64),
    }
    order = np.argsort(created, kind="stable")
    leads = Leads(
        created=created[order],
        country=country[order],
        tz_min=tz_min[order],
        company=company[order],
        source=source[order],
        offer=offer[order],
        title=title[order],
        title_band=band[order],
        email_kind=email_kind[order],
        first=first[order],
        last=last[order],
        quality=quality[order],
        rep=rep[order],
        extras={k: v[order] for k, v in extras.items()},
    )
    return leads


def offset_minutes(t: np.ndarray, lead: np.ndarray, leads: Leads) -> np.ndarray:
    """The lead's local UTC offset at time t (standard offset + a simple DST rule)."""
    month = month_of(t)
    rule = np.array([c[5] for c in COUNTRIES])[leads.country[lead]]
    summer_north = (month >= 4) & (month <= 10)
    summer_south = (month >= 10) | (month <= 3)
    dst = np.where(rule == 1, summer_north, np.where(rule == 2, summer_south, False))
    return leads.tz_min[lead] + np.where(dst, 60, 0)


def lead_renderer(leads: Leads, co: Companies) -> Callable[[np.ndarray], dict[str, pa.Array]]:
    first_names = pa.array([name for region in FIRST_NAMES for name in region])
    last_names = pa.array([name for region in LAST_NAMES for name in region])
    first_slugs = pa.array([slug(name) for region in FIRST_NAMES for name in region])
    last_slugs = pa.array([slug(name) for region in LAST_NAMES for name in region])
    titles = pa.array([t for band in TITLE_BANDS for t in band[3]])
    industries = pa.array([name for name, _, _ in INDUSTRIES])
    industry_labels = pa.array([name.replace("_", " ").title() for name, _, _ in INDUSTRIES])
    nouns = pa.array([noun for _, _, group in INDUSTRIES for noun in group])
    noun_slugs = pa.array([slug(noun) for _, _, group in INDUSTRIES for noun in group])
    roots = pa.array(COMPANY_ROOTS)
    root_slugs = pa.array([slug(r) for r in COMPANY_ROOTS])
    legal = pa.array([form for c in COUNTRIES for form in c[7]])
    countries = pa.array([c[0] for c in COUNTRIES])
    country_tlds = np.array([c[6] for c in COUNTRIES])
    phone_codes = pa.array(["+" + c[3] for c in COUNTRIES])
    free = pa.array(FREE_MAIL_DOMAINS)
    edu = pa.array(EDU_DOMAINS)
    sources = pa.array(LEAD_SOURCES)
    source_labels = pa.array([s if "_" in s else s.title() for s in LEAD_SOURCES])
    offers = pa.array(OFFERS)
    reps = pa.array(REPS)
    owner = np.where(leads.extras["owner_anyway"], leads.rep, -1)

    def render(rows: np.ndarray) -> dict[str, pa.Array]:
        x = {k: v[rows] for k, v in leads.extras.items()}
        comp = leads.company[rows]
        miss = x["missing"]
        variant = x["variant"]
        first_slug = take(first_slugs, leads.first[rows])
        last_slug = take(last_slugs, leads.last[rows])
        initial = pc.utf8_slice_codeunits(first_slug, 0, 1)
        number = int_text(x["email_number"], np.zeros(rows.size, dtype=bool))
        local = pc.choose(
            pa.array(x["email_pattern"].astype(np.int8)),
            join(first_slug, ".", last_slug),
            join(initial, last_slug),
            first_slug,
            join(first_slug, "_", last_slug),
            join(first_slug, last_slug, number),
        )
        kind = leads.email_kind[rows]
        local = pc.if_else(
            pa.array((kind == 1) & (x["email_pattern"] < 4) & (x["email_number"] < 40)),
            join(local, number),
            local,
        )
        c_country = co.country[comp]
        tld_text = np.where(
            co.tld[comp] == 0,
            country_tlds[c_country],
            np.where(
                co.tld[comp] == 2,
                ".io",
                np.where(
                    co.tld[comp] == 3, np.where(co.industry[comp] == 5, ".edu", ".gov"), ".com"
                ),
            ),
        )
        company_domain = join(
            take(root_slugs, co.root[comp]), take(noun_slugs, co.noun[comp]), pa.array(tld_text)
        )
        domain = pc.choose(
            pa.array(kind.astype(np.int8)),
            company_domain,
            take(free, x["free_mail"]),
            take(edu, x["edu"]),
            pa.array(np.full(rows.size, COMPETITOR_DOMAIN)),
        )
        email = join(local, "@", domain)
        case = x["email_case"]
        email = pc.if_else(pa.array(case == 1), pc.utf8_capitalize(email), email)
        email = pc.if_else(pa.array(case == 2), pc.utf8_upper(email), email)
        email = pc.if_else(pa.array(miss[:, 2] < 0.01), pa.scalar(None, pa.string()), email)

        company_name = join(take(roots, co.root[comp]), " ", take(nouns, co.noun[comp]))
        legal_idx = co.legal[comp]
        company_name = pc.if_else(
            pa.array(legal_idx >= 0),
            join(company_name, " ", take(legal, legal_idx)),
            company_name,
        )
        size = co.size[comp]
        ind = co.industry[comp].astype(np.int64)
        industry = pc.if_else(
            pa.array(variant[:, 0] < 0.05), take(industry_labels, ind), take(industries, ind)
        )
        industry = pc.if_else(pa.array(miss[:, 4] < 0.04), pa.scalar(None, pa.string()), industry)
        country = take(countries, leads.country[rows])
        country = pc.if_else(pa.array(variant[:, 1] < 0.01), pc.utf8_lower(country), country)
        country = pc.if_else(pa.array(miss[:, 5] < 0.02), pa.scalar(None, pa.string()), country)

        style = x["phone_style"]
        code = take(phone_codes, leads.country[rows])
        area = int_text(x["phone_area"], np.zeros(rows.size, dtype=bool))
        line = pc.utf8_lpad(int_text(x["phone_line"], np.zeros(rows.size, dtype=bool)), 4, "0")
        spaced = join(code, " ", area, " 555 ", line)
        compact = join(code, area, "555", line)
        us_style = join("(", area, ") 555-", line)
        phone = pc.choose(
            pa.array(np.maximum(style, 0).astype(np.int8)),
            spaced,
            compact,
            pc.if_else(pa.array(leads.country[rows] <= 1), us_style, spaced),
        )
        phone = pc.if_else(pa.array(style < 0), pa.scalar(None, pa.string()), phone)

        source = leads.source[rows]
        lead_source = pc.if_else(
            pa.array(variant[:, 2] < 0.01), take(source_labels, source), take(sources, source)
        )
        t = leads.created[rows]
        return {
            "lead_id": format_ids("L", rows + 1, LEAD_ID_WIDTH),
            "created_at": format_timestamps(t, x["ts_style"], offset_minutes(t, rows, leads)),
            "email": email,
            "first_name": take(first_names, np.where(miss[:, 0] < 0.01, -1, leads.first[rows])),
            "last_name": take(last_names, np.where(miss[:, 1] < 0.015, -1, leads.last[rows])),
            "job_title": take(titles, leads.title[rows]),
            "phone": phone,
            "company_name": company_name,
            "company_size": int_text(size, miss[:, 3] < 0.03),
            "industry": industry,
            "country": country,
            "lead_source": lead_source,
            "acquisition_offer": take(offers, leads.offer[rows]),
            "owner_id": take(reps, owner[rows]),
        }

    return render
