"""Marketing and sales activities for every lead, their campaign/detail/duration columns
and the activities text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .catalogues import (
    ACTIVITY_TYPES,
    CASE_STUDIES,
    CONTENT,
    FIXED_CAMPAIGNS,
    FOLLOW_UP_REQUESTS,
    INTENT_MIX,
    NURTURE_MIX,
    OFFER_ACTIVITY,
    OTHER_DETAILS,
    PAGES,
    PRICING_PAGES,
    REPS,
    SALES_NOTES,
    SOURCE_CAMPAIGN,
    TRADE_SHOWS,
    WEBINAR_TOPICS,
    A,
)
from .config import DAY, EVENT_ID_WIDTH, HOUR, LEAD_ID_WIDTH, MINUTE, Config
from .people import Leads, offset_minutes
from .sampling import (
    Rows,
    bounded,
    diurnal,
    draw,
    lognormal_s,
    office_forward,
    slug,
    spread,
    trunc_exp_s,
)
from .stage_changes import MqlEntries
from .text import format_ids, format_timestamps, int_text, month_index, take


class ActivitySimulator:
    """Marketing and sales activities for all leads."""

    def __init__(
        self, rng: np.random.Generator, cfg: Config, leads: Leads, entries: MqlEntries
    ) -> None:
        self.rng = rng
        self.cfg = cfg
        self.leads = leads
        self.entries = entries
        self.rows = Rows("lead", "type", "t", "owner")

    def run(self) -> dict[str, np.ndarray]:
        rng, le, en, cfg = self.rng, self.leads, self.entries, self.cfg
        n = le.created.size
        tz = le.tz_s
        cutoff = cfg.cutoff_s

        # the conversion that created the lead (form fill, sign-up, badge scan)
        offer_type = np.array(OFFER_ACTIVITY)[np.where(le.offer >= 0, le.offer, 7)]
        self.rows.add(lead=np.arange(n), type=offer_type, t=le.created)
        # webinar sign-ups: most attend the live session (16:00 UTC) 1-14 days later
        web = np.flatnonzero((le.offer == 2) & (rng.random(n) < 0.55))
        day = (le.created[web] + rng.integers(DAY, 14 * DAY, web.size)) // DAY
        self.rows.add(lead=web, type=A["webinar_attended"], t=day * DAY + 16 * HOUR)

        # intent burst before every MQL entry (the behaviour that made it an MQL)
        k = 2 + rng.poisson(4.0, en.lead.size)
        owner, _ = spread(rng, k, en.t_low, en.t_mql)
        window = np.maximum(en.t_mql - en.t_low, 0)[owner]
        t = en.t_mql[owner] - trunc_exp_s(rng, 2 * DAY, window)
        lead = en.lead[owner]
        t = bounded(diurnal(rng, t, tz[lead], 0.7), t, en.t_low[owner], en.t_mql[owner])
        self.rows.add(lead=lead, type=draw(rng, list(INTENT_MIX.values()), lead.size), t=t)
        self._remap_last(INTENT_MIX)

        self._sales_touches()

        # nurture and background engagement over the lead's life: fills up to the target
        so_far = sum(p.size for p in self.rows.parts["lead"])
        engagement = rng.lognormal(0.0, 0.9, n)
        engagement[en.lead] *= 2.0
        budget = max(cfg.activities_per_lead * n - so_far, 0.0)
        counts = rng.poisson(engagement * budget / engagement.sum())
        owner = np.repeat(np.arange(n), counts)
        life = cutoff - le.created[owner]
        burst = rng.random(owner.size) < 0.35
        offset = np.where(
            burst,
            trunc_exp_s(rng, 1.5 * DAY, life),
            trunc_exp_s(rng, 150 * DAY, life),
        )
        t = le.created[owner] + offset
        t = bounded(diurnal(rng, t, tz[owner], 0.8), t, le.created[owner], cutoff)
        self.rows.add(lead=owner, type=draw(rng, list(NURTURE_MIX.values()), owner.size), t=t)
        self._remap_last(NURTURE_MIX)

        out = self.rows.concat()
        keep = (out["t"] <= cutoff) & (out["t"] >= le.created[out["lead"]])
        return {k: v[keep] for k, v in out.items()}

    def _remap_last(self, mix: dict[str, float]) -> None:
        """The last added block drew indices into `mix`: turn them into activity types."""
        lut = np.array([A[name] for name in mix])
        self.rows.parts["type"][-1] = lut[self.rows.parts["type"][-1]]

    def _sales_touches(self) -> None:
        rng, le, en = self.rng, self.leads, self.entries
        tz = le.tz_s
        # first touch after the MQL
        touched = np.flatnonzero(en.t_touch >= 0)
        first_type = np.where(rng.random(touched.size) < 0.55, A["sales_call"], A["sales_email"])
        self.rows.add(
            lead=en.lead[touched], type=first_type, t=en.t_touch[touched], owner=en.rep[touched]
        )

        def follow_ups(
            mean: float, start: np.ndarray, end: np.ndarray, mix: Sequence[float], valid: np.ndarray
        ) -> None:
            counts = np.where(valid, rng.poisson(mean, en.lead.size), 0)
            owner, t = spread(rng, counts, start, end)
            lead = en.lead[owner]
            t = office_forward(rng, t, tz[lead], 0.92)
            types = np.array([A["sales_call"], A["sales_email"], A["sales_meeting"]])
            kind = types[draw(rng, mix, owner.size)]
            colleague = rng.random(owner.size) < 0.1
            rep = np.where(
                colleague, (rng.random(owner.size) * len(REPS)).astype(np.int64), en.rep[owner]
            )
            self.rows.add(lead=lead, type=kind, t=t, owner=rep)

        start = np.where(en.t_touch >= 0, en.t_touch, en.t_mql)
        end = np.where(en.t_dec >= 0, en.t_dec, start + 10 * DAY)
        follow_ups(1.2, start, np.maximum(end, start + HOUR), [0.5, 0.5, 0.0], en.t_touch >= 0)
        sal_end = np.where(en.t_sql >= 0, en.t_sql, en.t_dec + 21 * DAY)
        follow_ups(
            2.0,
            en.t_dec,
            np.maximum(sal_end, en.t_dec + HOUR),
            [0.4, 0.4, 0.2],
            en.accepted & (en.t_dec >= 0),
        )
        sql_end = np.where(en.t_opp >= 0, en.t_opp, en.t_sql + 21 * DAY)
        follow_ups(
            2.0, en.t_sql, np.maximum(sql_end, en.t_sql + HOUR), [0.35, 0.35, 0.3], en.t_sql >= 0
        )
        opp_end = np.where(en.t_close >= 0, en.t_close, en.t_opp + 45 * DAY)
        follow_ups(
            4.0, en.t_opp, np.maximum(opp_end, en.t_opp + HOUR), [0.3, 0.3, 0.4], en.t_opp >= 0
        )


@dataclass
class _Catalogue:
    """A flat list of strings; named ranges inside it."""

    items: list[str] = field(default_factory=list)
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, name: str, texts: Sequence[str]) -> None:
        self.ranges[name] = (len(self.items), len(texts))
        self.items.extend(texts)

    def pick(self, rng: np.random.Generator, name: str, size: int) -> np.ndarray:
        start, count = self.ranges[name]
        return start + (rng.random(size) * count).astype(np.int64)

    def at(self, name: str, index: np.ndarray) -> np.ndarray:
        start, count = self.ranges[name]
        return start + np.clip(index, 0, count - 1)


def activity_columns(
    rng: np.random.Generator, cfg: Config, leads: Leads, acts: dict[str, np.ndarray]
) -> tuple[dict[str, np.ndarray], _Catalogue, _Catalogue]:
    """campaign, detail and duration for every activity (indices into catalogues)."""
    first_month = int(np.datetime64(cfg.start, "M").astype(np.int64))
    n_months = int(np.datetime64(cfg.end, "M").astype(np.int64)) - first_month + 2
    months = [np.datetime64(first_month, "M") + i for i in range(n_months)]
    ym = [str(mo) for mo in months]  # YYYY-MM

    details = _Catalogue()
    details.add("pages", PAGES)
    details.add("pricing", PRICING_PAGES)
    details.add("content", CONTENT)
    details.add("case", CASE_STUDIES)
    details.add(
        "webinar",
        [f"Webinar {m}: {WEBINAR_TOPICS[i % len(WEBINAR_TOPICS)]}" for i, m in enumerate(ym)],
    )
    details.add(
        "show", [f"{TRADE_SHOWS[i % len(TRADE_SHOWS)]} {m[:4]} booth" for i, m in enumerate(ym)]
    )
    details.add("newsletter", [f"Newsletter {m}" for m in ym])
    for name, texts in {**SALES_NOTES, **OTHER_DETAILS}.items():
        details.add(name, texts)
    details.add("follow_up", FOLLOW_UP_REQUESTS)  # last: the positions above stay

    campaigns = _Catalogue()
    campaigns.add("fixed", FIXED_CAMPAIGNS)
    campaigns.add("newsletter", [f"newsletter_{m.replace('-', '_')}" for m in ym])
    campaigns.add("webinar", [f"webinar_{m.replace('-', '_')}" for m in ym])
    campaigns.add(
        "event",
        [
            f"event_{m.replace('-', '_')}_{slug(TRADE_SHOWS[i % len(TRADE_SHOWS)])}"
            for i, m in enumerate(ym)
        ],
    )
    quarters = sorted({f"promo_{m[:4]}_q{(int(m[5:]) - 1) // 3 + 1}" for m in ym})
    campaigns.add("promo", quarters)

    typ = acts["type"]
    lead = acts["lead"]
    n = typ.size
    detail = np.full(n, -1, dtype=np.int32)
    campaign = np.full(n, -1, dtype=np.int32)
    duration = np.full(n, -1, dtype=np.int32)
    fixed = campaigns.ranges["fixed"][0]
    source_utm = np.array([*SOURCE_CAMPAIGN, -1])  # index -1: unknown source
    # rows of each activity type (one stable pass), filled type by type on those rows only
    order = np.argsort(typ, kind="stable")
    bounds = np.searchsorted(typ[order], np.arange(len(ACTIVITY_TYPES) + 1))

    def rows_of(*names: str) -> np.ndarray:
        return np.sort(np.concatenate([order[bounds[A[x]] : bounds[A[x] + 1]] for x in names]))

    def month_at(rows: np.ndarray) -> np.ndarray:
        return month_index(acts["t"][rows], first_month)

    def utm_at(rows: np.ndarray) -> np.ndarray:
        return source_utm[leads.source[lead[rows]]]

    # e-mail activities: monthly newsletter, a nurture track by offer, or the quarter's promo
    rows = rows_of("email_open", "email_click", "unsubscribe", "email_bounce")
    month = month_at(rows)
    quarter = (first_month + month) // 3 - first_month // 3
    offer = leads.offer[lead[rows]]
    track = np.select([offer == 0, offer == 4, offer == 2], [8, 9, 10], 11) + fixed
    which = rng.random(rows.size)
    campaign[rows] = np.where(
        which < 0.45,
        campaigns.at("newsletter", month),
        np.where(which < 0.8, track, campaigns.at("promo", quarter)),
    )
    rows = rows_of("email_open")
    detail[rows] = details.at("newsletter", month_at(rows))
    for name, catalogue in (
        ("email_click", "pages"),
        ("page_view", "pages"),
        ("pricing_page_view", "pricing"),
    ):
        rows = rows_of(name)
        detail[rows] = details.pick(rng, catalogue, rows.size)
    rows = rows_of("webinar_registered", "webinar_attended")
    campaign[rows] = campaigns.at("webinar", month_at(rows))
    detail[rows] = details.at("webinar", month_at(rows))
    rows = rows_of("trade_show_visit")
    campaign[rows] = campaigns.at("event", month_at(rows))
    detail[rows] = details.at("show", month_at(rows))
    rows = rows_of("content_download")
    case_study = (leads.offer[lead[rows]] == 1) & (rng.random(rows.size) < 0.6)
    detail[rows] = np.where(
        case_study, details.pick(rng, "case", rows.size), details.pick(rng, "content", rows.size)
    )
    utm = utm_at(rows)
    campaign[rows] = np.where(utm >= 0, fixed + utm, fixed + 6)
    rows = rows_of(
        "page_view", "pricing_page_view", "demo_request", "free_trial_signup", "contact_form"
    )
    utm = utm_at(rows)
    tracked = (utm >= 0) & (rng.random(rows.size) < 0.35)
    campaign[rows[tracked]] = fixed + utm[tracked]
    campaign[rows_of("newsletter_signup")] = fixed + 7
    for name in (*SALES_NOTES, *OTHER_DETAILS):
        rows = rows_of(name)
        detail[rows] = details.pick(rng, name, rows.size)

    # durations: seconds on page (some tracking gaps), minutes attended, call/meeting length
    rows = rows_of("page_view")
    seen = lognormal_s(rng, 40, 1.0, rows.size, low=1, high=1800)
    duration[rows] = np.where(rng.random(rows.size) < 0.05, -1, seen)
    rows = rows_of("pricing_page_view")
    duration[rows] = lognormal_s(rng, 75, 0.9, rows.size, low=2, high=1800)
    rows = rows_of("webinar_attended")
    duration[rows] = np.where(
        rng.random(rows.size) < 0.4,
        rng.integers(3000, 3601, rows.size),
        rng.integers(300, 3000, rows.size),
    )
    rows = rows_of("sales_call")
    duration[rows] = np.where(
        rng.random(rows.size) < 0.4,
        rng.integers(8, 60, rows.size),
        lognormal_s(rng, 420, 0.7, rows.size, low=60, high=5400),
    )
    rows = rows_of("sales_meeting")
    duration[rows] = np.where(rng.random(rows.size) < 0.6, 1800, 3600) + rng.integers(
        -300, 600, rows.size
    )
    return {"campaign": campaign, "detail": detail, "duration": duration}, campaigns, details


def activity_renderer(
    leads: Leads,
    acts: dict[str, np.ndarray],
    extra: dict[str, np.ndarray],
    campaigns: _Catalogue,
    details: _Catalogue,
    style: np.ndarray,
):
    types = pa.array(ACTIVITY_TYPES)
    reps = pa.array(REPS)
    campaign_text = pa.array(campaigns.items)
    detail_text = pa.array(details.items)

    def render(rows: np.ndarray) -> dict[str, pa.Array]:
        t = acts["t"][rows]
        lead = acts["lead"][rows]
        duration = extra["duration"][rows]
        return {
            "activity_id": format_ids("A", rows + 1, EVENT_ID_WIDTH),
            "lead_id": format_ids("L", lead + 1, LEAD_ID_WIDTH),
            "activity_type": take(types, acts["type"][rows]),
            "occurred_at": format_timestamps(t, style[rows], offset_minutes(t, lead, leads)),
            "owner_id": take(reps, acts["owner"][rows]),
            "campaign": take(campaign_text, extra["campaign"][rows]),
            "detail": take(detail_text, extra["detail"][rows]),
            "duration_seconds": int_text(duration, duration < 0),
        }

    return render


# the campaign of the conversion that created the lead, by lead_source (LEAD_SOURCES order):
# a FIXED_CAMPAIGNS position, or NEWSLETTER / EVENT (the month's), or -1 (none: referral,
# direct, other)
NEWSLETTER, EVENT = -2, -3
ACQUISITION_CAMPAIGN = (6, 1, 2, NEWSLETTER, -1, EVENT, 5, -1, 4, -1)
BRAND_SEARCH = 0.3  # of paid_search acquisitions on the brand campaign (gads_brand)
# paid retargeting clicks (page views): per lead on average, twice as many for MQLs; campaigns
RETARGETING_RATE = 0.25
RETARGETING_CAMPAIGNS = {"meta_retargeting": 0.45, "display_programmatic": 0.30, "gads_brand": 0.25}
REOPEN_TOUCHES = 3.0  # sales touches per re-opened deal


def acquisition_and_retargeting(
    rng: np.random.Generator,
    cfg: Config,
    leads: Leads,
    entries: MqlEntries,
    acts: dict[str, np.ndarray],
    extra: dict[str, np.ndarray],
    campaigns: _Catalogue,
    details: _Catalogue,
    reopened: dict[str, np.ndarray],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Campaign paths (drawn from their own random stream, after the other activities): the
    conversion that created the lead carries the campaign of its channel when it had none
    (extra["campaign"] is updated in place), and new rows: paid retargeting clicks over the
    lead's life, and sales touches on re-opened deals. Returns the new rows (lead, type, t,
    owner) and their campaign, detail and duration."""
    le = leads
    first_month = int(np.datetime64(cfg.start, "M").astype(np.int64))
    fixed = campaigns.ranges["fixed"][0]

    # the acquisition touch: the creating conversion (its type, at created_at)
    offer_type = np.array(OFFER_ACTIVITY)[np.where(le.offer >= 0, le.offer, 7)]
    lead = acts["lead"]
    creating = (acts["t"] == le.created[lead]) & (acts["type"] == offer_type[lead])
    rows = np.flatnonzero(creating & (extra["campaign"] < 0) & (le.source[lead] >= 0))
    wanted = np.array(ACQUISITION_CAMPAIGN)[le.source[lead[rows]]]
    month = month_index(acts["t"][rows], first_month)
    brand = (wanted == 1) & (rng.random(rows.size) < BRAND_SEARCH)
    campaign = np.select(
        [wanted == NEWSLETTER, wanted == EVENT, brand, wanted >= 0],
        [
            campaigns.at("newsletter", month),
            campaigns.at("event", month),
            np.full(rows.size, fixed),
            fixed + wanted,
        ],
        -1,
    )
    extra["campaign"][rows] = campaign

    n = le.created.size
    cutoff = cfg.cutoff_s
    new = Rows("lead", "type", "t", "owner", "campaign", "detail", "duration")
    # paid retargeting: ad clicks back to the site over the lead's life
    rate = np.full(n, RETARGETING_RATE)
    rate[entries.lead] = 2 * RETARGETING_RATE
    owner = np.repeat(np.arange(n), rng.poisson(rate))
    life = cutoff - le.created[owner]
    t = le.created[owner] + trunc_exp_s(rng, 60 * DAY, life)
    t = bounded(diurnal(rng, t, le.tz_s[owner], 0.8), t, le.created[owner], cutoff)
    names = list(RETARGETING_CAMPAIGNS)
    pick = draw(rng, list(RETARGETING_CAMPAIGNS.values()), owner.size)
    positions = np.array([FIXED_CAMPAIGNS.index(name) for name in names])
    new.add(
        lead=owner,
        type=A["page_view"],
        t=t,
        campaign=fixed + positions[pick],
        detail=details.pick(rng, "pages", owner.size),
        duration=lognormal_s(rng, 35, 1.0, owner.size, low=1, high=1800),
    )

    # sales touches on re-opened deals, from a few days before until the close
    start = reopened["t_opp"] - 5 * DAY
    end = np.where(reopened["t_close"] >= 0, reopened["t_close"], reopened["t_opp"] + 45 * DAY)
    deal, t = spread(rng, rng.poisson(REOPEN_TOUCHES, start.size), start, end)
    lead = reopened["lead"][deal]
    t = office_forward(rng, t, le.tz_s[lead], 0.92)
    types = np.array([A["sales_call"], A["sales_email"], A["sales_meeting"]])
    kind = draw(rng, [0.35, 0.35, 0.3], deal.size)
    detail = np.zeros(deal.size, dtype=np.int64)
    for i, name in enumerate(("sales_call", "sales_email", "sales_meeting")):
        hit = kind == i
        detail[hit] = details.pick(rng, name, int(hit.sum()))
    duration = np.select(
        [kind == 0, kind == 2],
        [
            lognormal_s(rng, 420, 0.7, deal.size, low=60, high=5400),
            np.where(rng.random(deal.size) < 0.6, 1800, 3600),
        ],
        -1,
    )
    new.add(
        lead=lead,
        type=types[kind],
        t=t,
        owner=reopened["rep"][deal],
        campaign=-1,
        detail=detail,
        duration=duration,
    )

    out = new.concat()
    keep = (out["t"] <= cutoff) & (out["t"] >= le.created[out["lead"]])
    out = {k: v[keep] for k, v in out.items()}
    columns = {k: out.pop(k).astype(np.int32) for k in ("campaign", "detail", "duration")}
    return out, columns


# event depth (event_depth): a trade-show badge scan leads to a conversation at the booth,
# and some conversations to a follow-up request; leads that become MQLs talk and ask more
TALK_RATE = (0.35, 0.6)  # P(conversation | visit): other leads, MQL leads
ASK_RATE = (0.2, 0.45)  # P(follow-up requested | conversation): other leads, MQL leads
REGISTRATION_CARRY = 30 * DAY  # an attendance is of the webinar registered for this recently


def event_depth(
    rng: np.random.Generator,
    cfg: Config,
    entries: MqlEntries,
    acts: dict[str, np.ndarray],
    extra: dict[str, np.ndarray],
    details: _Catalogue,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Event depth, drawn from its own random stream after everything else so the rows drawn
    before stay as they were.

    - An attendance of a webinar carries the campaign (and title) of the lead's latest
      webinar registration in the REGISTRATION_CARRY before it, so registrations and
      attendances pair per campaign (extra["campaign"] and extra["detail"] are updated in
      place; no draw). Attendances without such a registration keep their month's webinar.
    - New rows: trade_show_conversation 2-45 minutes after a trade_show_visit (TALK_RATE;
      the conversation's length in duration_seconds, ~5 minutes), and follow_up_requested at
      the end of some conversations (ASK_RATE; what was asked in detail), with the visit's
      campaign. Returns the new rows (lead, type, t, owner) and their campaign, detail and
      duration, like acquisition_and_retargeting."""
    t_all, lead_all, type_all = acts["t"], acts["lead"], acts["type"]

    # attendances take the campaign of the registration just before them (same lead)
    rows = np.flatnonzero(
        (type_all == A["webinar_registered"]) | (type_all == A["webinar_attended"])
    )
    is_reg = type_all[rows] == A["webinar_registered"]
    # by lead, then time, registrations first at the same instant (lexsort: last key first)
    order = np.lexsort((~is_reg, t_all[rows], lead_all[rows]))
    rows, is_reg = rows[order], is_reg[order]
    latest = np.maximum.accumulate(np.where(is_reg, np.arange(rows.size), -1))
    source = rows[np.maximum(latest, 0)]
    carry = (
        ~is_reg
        & (latest >= 0)
        & (lead_all[source] == lead_all[rows])
        & (t_all[rows] - t_all[source] <= REGISTRATION_CARRY)
    )
    extra["campaign"][rows[carry]] = extra["campaign"][source[carry]]
    extra["detail"][rows[carry]] = extra["detail"][source[carry]]

    # conversations at the booth, and follow-up requests at their end
    visit = np.flatnonzero(type_all == A["trade_show_visit"])
    mql_lead = np.isin(lead_all[visit], entries.lead)
    talk = rng.random(visit.size) < np.where(mql_lead, TALK_RATE[1], TALK_RATE[0])
    visit, mql_lead = visit[talk], mql_lead[talk]
    t_talk = t_all[visit] + rng.integers(2 * MINUTE, 45 * MINUTE, visit.size)
    talk_length = lognormal_s(rng, 300, 0.6, visit.size, low=60, high=1800)
    ask = rng.random(visit.size) < np.where(mql_lead, ASK_RATE[1], ASK_RATE[0])

    new = Rows("lead", "type", "t", "owner", "campaign", "detail", "duration")
    new.add(
        lead=lead_all[visit],
        type=A["trade_show_conversation"],
        t=t_talk,
        campaign=extra["campaign"][visit],
        detail=extra["detail"][visit],
        duration=talk_length,
    )
    new.add(
        lead=lead_all[visit[ask]],
        type=A["follow_up_requested"],
        t=t_talk[ask] + talk_length[ask],
        campaign=extra["campaign"][visit[ask]],
        detail=details.pick(rng, "follow_up", int(ask.sum())),
        duration=-1,
    )
    out = new.concat()
    keep = out["t"] <= cfg.cutoff_s
    out = {k: v[keep] for k, v in out.items()}
    columns = {k: out.pop(k).astype(np.int32) for k in ("campaign", "detail", "duration")}
    return out, columns
