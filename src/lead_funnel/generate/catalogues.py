"""What the generator draws from: the text catalogues (names, job titles, companies, countries,
e-mail domains, stage labels and reasons, activity details) read from the JSON files in
data/, and the channel, offer and activity-type lists with the weights of the simulation.

No catalogue text holds a comma, a quote or a line break: the CSV is written without quoting
(check_catalogue_text says so at import). The order of every list matters: the simulation
draws positions, so reordering a file changes the generated data.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import numpy as np


@cache
def load(name: str) -> Any:
    """One data file of this package, parsed (data/NAME.json)."""
    text = resources.files(__package__).joinpath("data", f"{name}.json").read_text("utf-8")
    return json.loads(text)


class Country(NamedTuple):
    code: str
    weight: float
    name_region: int  # position in names.json
    phone_code: str
    utc_offset_minutes: int  # standard time
    dst_rule: int  # 0 none, 1 northern summer Apr-Oct, 2 southern summer Oct-Mar
    tld: str
    legal_forms: tuple[str, ...]


class TitleBand(NamedTuple):
    band: str
    weight: float
    quality_effect: float  # log-odds
    titles: tuple[str, ...]


class Industry(NamedTuple):
    industry: str
    weight: float
    name_nouns: tuple[str, ...]


# ---------------------------------------------------------------------------- channels, offers

LEAD_SOURCES = (
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
)
SOURCE_WEIGHTS = (0.21, 0.17, 0.11, 0.09, 0.06, 0.07, 0.05, 0.09, 0.08, 0.04)
# logit effect of the channel on lead quality (referral/event convert far better than display)
SOURCE_EFFECT = (0.0, 0.0, -0.7, -0.1, 0.9, 0.6, 0.4, 0.3, -0.9, -0.3)
SOURCE_MISSING = 0.025

OFFERS = (
    "ebook",
    "customer_case",
    "webinar",
    "demo_request",
    "free_trial",
    "contact_form",
    "trade_show",
)
OFFER_EFFECT = (-0.9, -0.2, 0.1, 1.6, 1.2, 1.1, 0.3)
OFFER_MISSING = 0.02
# P(offer | source), rows in LEAD_SOURCES order, then one row for an unknown source
OFFER_BY_SOURCE = np.array(
    [
        [0.30, 0.10, 0.10, 0.15, 0.15, 0.20, 0.00],
        [0.30, 0.05, 0.05, 0.25, 0.25, 0.10, 0.00],
        [0.45, 0.15, 0.25, 0.05, 0.05, 0.05, 0.00],
        [0.20, 0.15, 0.40, 0.10, 0.05, 0.10, 0.00],
        [0.05, 0.10, 0.05, 0.40, 0.10, 0.30, 0.00],
        [0.05, 0.05, 0.10, 0.10, 0.00, 0.05, 0.65],
        [0.10, 0.10, 0.15, 0.35, 0.10, 0.20, 0.00],
        [0.05, 0.05, 0.05, 0.30, 0.25, 0.30, 0.00],
        [0.55, 0.20, 0.15, 0.05, 0.05, 0.00, 0.00],
        [0.25, 0.15, 0.20, 0.10, 0.10, 0.15, 0.05],
        [0.30, 0.10, 0.10, 0.15, 0.15, 0.20, 0.00],
    ]
)

# ---------------------------------------------------------------------- countries and reps

COUNTRIES: tuple[Country, ...] = tuple(
    Country(
        c["country"],
        c["weight"],
        c["name_region"],
        c["phone_code"],
        c["utc_offset_minutes"],
        c["dst_rule"],
        c["tld"],
        tuple(c["legal_forms"]),
    )
    for c in load("countries")["countries"]
)
US_OFFSETS = (-300, -360, -420, -480)  # Eastern, Central, Mountain, Pacific
US_OFFSET_WEIGHTS = (0.50, 0.20, 0.05, 0.25)
# sales regions: North America, EMEA, APAC + LATAM (reps rep_01 .. rep_12)
REPS = tuple(f"rep_{i:02d}" for i in range(1, 13))
REGION_REPS = {"na": (0, 5), "emea": (5, 9), "apac_latam": (9, 12)}
COUNTRY_SALES_REGION = {
    "US": "na",
    "CA": "na",
    "MX": "na",
    "IN": "apac_latam",
    "SG": "apac_latam",
    "JP": "apac_latam",
    "AU": "apac_latam",
    "NZ": "apac_latam",
    "BR": "apac_latam",
}

# ------------------------------------------------------------------ people and companies

# first and last names per name region (anglo, germanic/nordic, romance, indian, east asian)
_NAME_REGIONS = load("names")["regions"]
FIRST_NAMES: tuple[tuple[str, ...], ...] = tuple(tuple(r["first_names"]) for r in _NAME_REGIONS)
LAST_NAMES: tuple[tuple[str, ...], ...] = tuple(tuple(r["last_names"]) for r in _NAME_REGIONS)

# job titles by seniority band (the last band, students, is band 7)
TITLE_BANDS: tuple[TitleBand, ...] = tuple(
    TitleBand(b["band"], b["weight"], b["quality_effect"], tuple(b["titles"]))
    for b in load("job_titles")["bands"]
)
TITLE_MISSING = 0.08
TITLE_MISSING_EFFECT = -0.6

INDUSTRIES: tuple[Industry, ...] = tuple(
    Industry(i["industry"], i["weight"], tuple(i["name_nouns"]))
    for i in load("companies")["industries"]
)
COMPANY_ROOTS: tuple[str, ...] = tuple(load("companies")["roots"])

_DOMAINS = load("email_domains")
FREE_MAIL_DOMAINS: tuple[str, ...] = tuple(d["domain"] for d in _DOMAINS["free_mail"])
FREE_MAIL_WEIGHTS: tuple[float, ...] = tuple(d["weight"] for d in _DOMAINS["free_mail"])
EDU_DOMAINS: tuple[str, ...] = tuple(_DOMAINS["edu"])
COMPETITOR_DOMAIN: str = _DOMAINS["competitor"]
# e-mail kinds: company domain, free mail, student (.edu), competitor
EMAIL_KIND_EFFECT = (0.0, -0.6, -1.5, -3.0)

# ------------------------------------------------------------------------------- stages

# stage codes, in the order of stages.json's labels
LEAD, MQL, SAL, SQL, OPP, CUSTOMER, REJECTED, RECYCLED, DISQUALIFIED, LOST = range(10)
_STAGES = load("stages")
_STAGE_CODE = {group["stage"]: code for code, group in enumerate(_STAGES["labels"])}
# source labels (all in the stage mapping seed, case-insensitively) and their weights
STAGE_LABELS: tuple[tuple[tuple[str, float], ...], ...] = tuple(
    tuple((item["label"], item["weight"]) for item in group["labels"])
    for group in _STAGES["labels"]
)
REASONS: dict[int, tuple[str, ...]] = {
    _STAGE_CODE[stage]: tuple(texts) for stage, texts in _STAGES["reasons"].items()
}
CONTEXT_REASONS: tuple[str, ...] = tuple(_STAGES["context_reasons"])

# all reasons in one list: REASON_OFFSETS[code] is where a stage's reasons start, the context
# reasons start at CONTEXT_OFFSET
REASON_CATALOGUE: list[str] = []
REASON_OFFSETS: dict[int, int] = {}
for _code, _texts in REASONS.items():
    REASON_OFFSETS[_code] = len(REASON_CATALOGUE)
    REASON_CATALOGUE.extend(_texts)
CONTEXT_OFFSET = len(REASON_CATALOGUE)
REASON_CATALOGUE.extend(CONTEXT_REASONS)

# ---------------------------------------------------------------------------- activities

ACTIVITY_TYPES = (
    "email_open",
    "email_click",
    "page_view",
    "pricing_page_view",
    "content_download",
    "newsletter_signup",
    "webinar_registered",
    "webinar_attended",
    "demo_request",
    "free_trial_signup",
    "contact_form",
    "trade_show_visit",
    "unsubscribe",
    "email_bounce",
    "sales_call",
    "sales_email",
    "sales_meeting",
    # event depth (activities.event_depth, from a random stream of its own): appended last,
    # so the positions above, which the simulation draws, stay as they were
    "trade_show_conversation",
    "follow_up_requested",
)
A = {name: i for i, name in enumerate(ACTIVITY_TYPES)}
NURTURE_MIX = {
    "email_open": 0.36,
    "email_click": 0.10,
    "page_view": 0.31,
    "pricing_page_view": 0.03,
    "content_download": 0.07,
    "newsletter_signup": 0.015,
    "webinar_registered": 0.035,
    "webinar_attended": 0.018,
    "demo_request": 0.002,
    "free_trial_signup": 0.002,
    "contact_form": 0.003,
    "trade_show_visit": 0.006,
    "unsubscribe": 0.006,
    "email_bounce": 0.008,
}
INTENT_MIX = {
    "page_view": 0.22,
    "pricing_page_view": 0.24,
    "email_click": 0.10,
    "email_open": 0.05,
    "content_download": 0.12,
    "webinar_registered": 0.05,
    "webinar_attended": 0.08,
    "demo_request": 0.05,
    "contact_form": 0.04,
    "free_trial_signup": 0.03,
    "trade_show_visit": 0.02,
}
# the activity that created the lead, per acquisition offer (unknown offer: a page view)
OFFER_ACTIVITY = (
    A["content_download"],
    A["content_download"],
    A["webinar_registered"],
    A["demo_request"],
    A["free_trial_signup"],
    A["contact_form"],
    A["trade_show_visit"],
    A["page_view"],
)
_DETAILS = load("activity_details")
PAGES: tuple[str, ...] = tuple(_DETAILS["pages"])
PRICING_PAGES: tuple[str, ...] = tuple(_DETAILS["pricing_pages"])
CONTENT: tuple[str, ...] = tuple(_DETAILS["content"])
CASE_STUDIES: tuple[str, ...] = tuple(_DETAILS["case_studies"])
WEBINAR_TOPICS: tuple[str, ...] = tuple(_DETAILS["webinar_topics"])
TRADE_SHOWS: tuple[str, ...] = tuple(_DETAILS["trade_shows"])
SALES_NOTES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _DETAILS["sales_notes"].items()}
OTHER_DETAILS: dict[str, tuple[str, ...]] = {
    k: tuple(v) for k, v in _DETAILS["other_details"].items()
}
FIXED_CAMPAIGNS: tuple[str, ...] = tuple(_DETAILS["fixed_campaigns"])
FOLLOW_UP_REQUESTS: tuple[str, ...] = tuple(_DETAILS["follow_up_requests"])
# utm campaign (position in FIXED_CAMPAIGNS) for paid/social/display/partner traffic, by
# lead_source (-1: none)
SOURCE_CAMPAIGN = (-1, 1, 2, -1, -1, -1, 5, -1, 4, -1)

# ------------------------------------------------------------------------------- timing

HOUR_WEIGHTS_WORK = np.array(
    [
        *(0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5),  # 00-07
        *(3.5, 5.0, 5.5, 5.2, 4.2, 4.8, 5.2, 5.0),  # 08-15
        *(4.4, 3.4, 2.2, 1.6, 1.4, 1.2, 0.9, 0.6),  # 16-23
    ]
)
MONTH_SEASON = np.array([1.05, 1.05, 1.1, 1.05, 1.0, 0.95, 0.85, 0.75, 1.05, 1.15, 1.1, 0.8])
WEEKDAY_WEIGHTS = np.array([1.0, 1.05, 1.05, 1.0, 0.85, 0.3, 0.25])  # Monday .. Sunday

# timestamp text styles: naive UTC, 'T' + 'Z', local time with its UTC offset
TS_STYLE_WEIGHTS = (0.85, 0.12, 0.03)


def check_catalogue_text() -> None:
    """Every catalogue text is safe to write unquoted into CSV."""
    texts = [
        *(name for region in (*FIRST_NAMES, *LAST_NAMES) for name in region),
        *(title for band in TITLE_BANDS for title in band.titles),
        *(noun for industry in INDUSTRIES for noun in industry.name_nouns),
        *COMPANY_ROOTS,
        *(form for country in COUNTRIES for form in country.legal_forms),
        *FREE_MAIL_DOMAINS,
        *EDU_DOMAINS,
        *(label for group in STAGE_LABELS for label, _ in group),
        *REASON_CATALOGUE,
        *PAGES,
        *PRICING_PAGES,
        *CONTENT,
        *CASE_STUDIES,
        *WEBINAR_TOPICS,
        *TRADE_SHOWS,
        *(text for texts in (*SALES_NOTES.values(), *OTHER_DETAILS.values()) for text in texts),
        *FIXED_CAMPAIGNS,
        *FOLLOW_UP_REQUESTS,
    ]
    unsafe = sorted({text for text in texts if any(ch in text for ch in ',"\r\n')})
    if unsafe:
        raise ValueError(f"catalogue text with a comma, quote or line break: {unsafe}")


check_catalogue_text()
