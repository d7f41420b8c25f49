"""Simulate the three raw tables (generate()): deterministic, realistic synthetic raw data
for the Lead Funnel Warehouse, and the offer-level spend plan that goes with it.

Writes the raw tables of docs/definitions.md#raw-data-contract (leads, activities,
stage_changes), every column as text; the command line is in cli.py, the files are written by
writers.py.

The simulation is vectorised (numpy arrays, no per-row Python) and deterministic: the same
arguments give the same bytes. How the data is made:

* leads: created over the --start-date..--end-date window (growth trend, seasonality, fewer
  at weekends and at night in the lead's local time), at companies drawn from a shared pool
  (several leads per account), with channel (lead_source) and offer (acquisition_offer),
  names, seniority-bearing job titles, company e-mail domains, free-mail and student
  addresses, optional phone numbers;
* funnel: a latent quality per lead (offer, channel, seniority, company size, e-mail kind)
  decides who becomes an MQL and who sales accepts; then SAL -> SQL -> opportunity ->
  customer with published step rates, rejections, recycling (with re-MQL), disqualification,
  lost deals, a few skipped stages and leads entered straight as opportunities; stage labels
  mix the synonyms of seeds/config/stage_mapping.csv;
* deals (deals.py): heavy-tailed amounts by company size; a fifth of the deals get one or two
  amount revisions while open (an opportunity row with the deal's label, mostly 5-30% down),
  a tenth of the lost deals re-open 1-6 months later (won, lost again or still open), and
  about 2% of the rows opening a deal come without an amount (never a customer row);
* sales response: a third of MQLs get a sales touch within the hour (mostly in office hours),
  a long tail of days, some never; decisions mostly within 1-3 days, some pending;
* activities: bursts after creation and before each MQL (high-intent), nurture over the
  lead's life, sales touches by the deciding rep (and on re-opened deals), office-hour and
  weekday patterns; campaigns: the creating conversion carries its channel's campaign (or
  the offer's webinar / event), then newsletters, nurture tracks, webinars, events, quarterly
  promos and a few paid retargeting clicks;
* event depth (activities.event_depth): a webinar attendance carries the webinar its lead
  registered for (within 30 days before), and trade-show badge scans lead to booth
  conversations (with their length) and some of those to a follow-up request;
* offer plan (plan.py): offer_spend.csv, each paid channel's monthly spend split across the
  offers its leads convert on (the demo: channel_spend.csv as it is; other data: scaled to
  the generated leads);
* events stop at end-date + 14 days (the moment the extract was taken);
* --defects appends or mutates a handful of rows with the data-quality problems of
  docs/definitions.md#bad-input (defects.py) and prints which keys hold which defect.
"""

from __future__ import annotations

import numpy as np

from .activities import (
    ActivitySimulator,
    acquisition_and_retargeting,
    activity_columns,
    activity_renderer,
    event_depth,
)
from .catalogues import CUSTOMER, MQL, OPP, STAGE_LABELS, TS_STYLE_WEIGHTS
from .config import ACTIVITY_COLUMNS, DAY, LEAD_COLUMNS, STAGE_COLUMNS, Config
from .deals import MISSING_AMOUNT, REVISION, DealChanges, deal_changes, row_key
from .defects import inject_defects
from .people import lead_renderer, simulate_companies, simulate_leads
from .plan import offer_plan
from .sampling import draw
from .stage_changes import FunnelSimulator, stage_renderer
from .tables import Dataset, RawTable

# the random streams of the deal history (deals.py) and of the campaign paths
# (activities.acquisition_and_retargeting), drawn after everything else so the rows drawn
# before stay as they were: np.random.default_rng([seed, DEAL_STREAM]) and [seed, TOUCH_STREAM]
DEAL_STREAM = 2026
TOUCH_STREAM = 2027
# event depth (activities.event_depth): [seed, EVENT_STREAM], drawn last
EVENT_STREAM = 2028


def generate(cfg: Config) -> Dataset:
    """Simulate the three raw tables (deterministic for the config)."""
    rng = np.random.default_rng(cfg.seed)
    co = simulate_companies(rng, cfg.leads)
    leads = simulate_leads(rng, cfg, co)

    funnel = FunnelSimulator(rng, leads, co)
    funnel.run()
    st = funnel.stage.concat()
    keep = st["t"] <= cfg.cutoff_s
    st = {k: v[keep] for k, v in st.items()}
    order = np.argsort(st["t"], kind="stable")
    st = {k: v[order] for k, v in st.items()}
    entries = funnel.mql_entries()

    acts = ActivitySimulator(rng, cfg, leads, entries).run()
    order = np.argsort(acts["t"], kind="stable")
    acts = {k: v[order] for k, v in acts.items()}
    acts["lead"] = acts["lead"].astype(np.int32)
    acts["type"] = acts["type"].astype(np.int8)
    acts["owner"] = acts["owner"].astype(np.int8)
    extra, campaigns, details = activity_columns(rng, cfg, leads, acts)
    extra = {
        "campaign": extra["campaign"].astype(np.int32),
        "detail": extra["detail"].astype(np.int32),
        "duration": extra["duration"].astype(np.int32),
    }

    # owner on the lead record: the rep working it once it was an MQL or an opportunity
    worked = np.zeros(leads.created.size, dtype=bool)
    worked[st["lead"][np.isin(st["code"], [MQL, OPP])]] = True
    leads.extras["owner_anyway"] = leads.extras["owner_anyway"] | worked

    # stage labels (synonyms, letter case), amount formatting, timestamp text styles
    label = _labels(rng, st["code"])
    decimals = rng.random(st["code"].size) < 0.1
    stage_style = draw(rng, TS_STYLE_WEIGHTS, st["code"].size).astype(np.int8)
    act_style = draw(rng, TS_STYLE_WEIGHTS, acts["t"].size).astype(np.int8)

    # deal history and campaign paths, from streams of their own so the rows above stay
    rng2 = np.random.default_rng([cfg.seed, DEAL_STREAM])
    changes = deal_changes(rng2, funnel, cfg.cutoff_s)
    st, label, decimals, stage_style = _merge_deal_changes(
        rng2, cfg, st, label, decimals, stage_style, changes
    )
    rng3 = np.random.default_rng([cfg.seed, TOUCH_STREAM])
    new_acts, new_extra = acquisition_and_retargeting(
        rng3, cfg, leads, entries, acts, extra, campaigns, details, changes.reopened
    )
    new_acts = {k: v.astype(acts[k].dtype) for k, v in new_acts.items()}
    new_style = draw(rng3, TS_STYLE_WEIGHTS, new_acts["t"].size).astype(np.int8)
    order = np.argsort(np.concatenate([acts["t"], new_acts["t"]]), kind="stable")
    acts = {k: np.concatenate([v, new_acts[k]])[order] for k, v in acts.items()}
    extra = {k: np.concatenate([v, new_extra[k]])[order] for k, v in extra.items()}
    act_style = np.concatenate([act_style, new_style])[order]

    # event depth: attendances paired with their registration's webinar, trade-show
    # conversations and follow-up requests
    rng4 = np.random.default_rng([cfg.seed, EVENT_STREAM])
    new_acts, new_extra = event_depth(rng4, cfg, entries, acts, extra, details)
    new_acts = {k: v.astype(acts[k].dtype) for k, v in new_acts.items()}
    new_style = draw(rng4, TS_STYLE_WEIGHTS, new_acts["t"].size).astype(np.int8)
    order = np.argsort(np.concatenate([acts["t"], new_acts["t"]]), kind="stable")
    acts = {k: np.concatenate([v, new_acts[k]])[order] for k, v in acts.items()}
    extra = {k: np.concatenate([v, new_extra[k]])[order] for k, v in extra.items()}
    act_style = np.concatenate([act_style, new_style])[order]

    if cfg.shape != "files":
        # a CRM writes UTC timestamps of one style (the styles were drawn all the same, so
        # the population is the files shape's)
        for style in (leads.extras["ts_style"], act_style, stage_style):
            style[:] = 0
    data = Dataset(
        leads=RawTable(
            "leads",
            LEAD_COLUMNS,
            leads.created.size,
            lead_renderer(leads, co),
            leads.created // DAY,
        ),
        activities=RawTable(
            "activities",
            ACTIVITY_COLUMNS,
            acts["t"].size,
            activity_renderer(leads, acts, extra, campaigns, details, act_style),
            acts["t"] // DAY,
        ),
        stage_changes=RawTable(
            "stage_changes",
            STAGE_COLUMNS,
            st["t"].size,
            stage_renderer(leads, st, label, decimals, stage_style),
            st["t"] // DAY,
        ),
    )
    if cfg.defects:
        inject_defects(data, cfg, leads, acts, extra["duration"], st)
    try:
        data.offer_plan = offer_plan(cfg, leads, cfg.demo)
    except FileNotFoundError:
        data.offer_plan = None  # no channel plan to split (the package outside its project)
    return data


def _labels(rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    """A source label (position in the flat STAGE_LABELS) for every stage row."""
    label_offsets = np.cumsum([0] + [len(g) for g in STAGE_LABELS])[:-1]
    label = np.zeros(codes.size, dtype=np.int64)
    for code, group in enumerate(STAGE_LABELS):
        rows = np.flatnonzero(codes == code)
        label[rows] = label_offsets[code] + draw(rng, [w for _, w in group], rows.size)
    return label


def _merge_deal_changes(
    rng: np.random.Generator,
    cfg: Config,
    st: dict[str, np.ndarray],
    label: np.ndarray,
    decimals: np.ndarray,
    style: np.ndarray,
    changes: DealChanges,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """Add the deal history's rows to the stage rows (in time order, ties after the existing
    rows), update the amounts of revised won deals and drop the amount of a few rows opening
    a deal. An amount revision carries the label of the row that opened its deal."""
    st = {k: v.copy() for k, v in st.items()}
    hit = np.flatnonzero(
        (st["code"] == CUSTOMER) & np.isin(row_key(st["lead"], st["t"]), changes.customer_key)
    )
    if hit.size:
        amounts = changes.customer_amount.tolist()
        where = dict(zip(changes.customer_key.tolist(), amounts, strict=True))
        keys = row_key(st["lead"][hit], st["t"][hit]).tolist()
        st["amount"][hit] = [where[k] for k in keys]

    new = changes.rows
    keep = new["t"] <= cfg.cutoff_s
    new = {k: v[keep] for k, v in new.items()}
    size = new["t"].size
    new_label = _labels(rng, new["code"])
    new_decimals = rng.random(size) < 0.1
    new_style = draw(rng, TS_STYLE_WEIGHTS, size).astype(np.int8)
    kind = np.concatenate([np.zeros(st["t"].size, np.int64), new["kind"]])
    deal_t = np.concatenate([np.full(st["t"].size, -1, np.int64), new["deal_t"]])
    order = np.argsort(np.concatenate([st["t"], new["t"]]), kind="stable")
    st = {k: np.concatenate([v, new[k]])[order] for k, v in st.items()}
    label = np.concatenate([label, new_label])[order]
    decimals = np.concatenate([decimals, new_decimals])[order]
    style = np.concatenate([style, new_style])[order]
    kind, deal_t = kind[order], deal_t[order]

    # revisions: the label of the row that opened the deal
    opening = np.flatnonzero((st["code"] == OPP) & (kind != REVISION))
    revision = np.flatnonzero(kind == REVISION)
    if revision.size:
        keys = row_key(st["lead"][opening], st["t"][opening]).tolist()
        opened = dict(zip(keys, opening.tolist(), strict=True))
        source = [opened[k] for k in row_key(st["lead"][revision], deal_t[revision]).tolist()]
        label[revision] = label[source]
    # a CRM gap: a few rows opening one of the funnel's deals come without an amount (a
    # re-opened deal is always quoted)
    first = np.flatnonzero((st["code"] == OPP) & (kind == 0))
    gaps = round(MISSING_AMOUNT * first.size)
    st["amount"][np.sort(rng.permutation(first)[:gaps])] = -1
    return st, label, decimals, style
