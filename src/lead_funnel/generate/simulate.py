"""Simulate the three raw tables (generate()): deterministic, realistic synthetic raw data
for the Lead Funnel Warehouse.

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
* sales response: a third of MQLs get a sales touch within the hour (mostly in office hours),
  a long tail of days, some never; decisions mostly within 1-3 days, some pending;
* activities: bursts after creation and before each MQL (high-intent), nurture over the
  lead's life, sales touches by the deciding rep, office-hour and weekday patterns;
* events stop at end-date + 14 days (the moment the extract was taken);
* --defects appends or mutates a handful of rows with the data-quality problems of
  docs/definitions.md#bad-input (defects.py) and prints which keys hold which defect.
"""

from __future__ import annotations

import numpy as np

from .activities import ActivitySimulator, activity_columns, activity_renderer
from .catalogues import MQL, OPP, STAGE_LABELS, TS_STYLE_WEIGHTS
from .config import ACTIVITY_COLUMNS, DAY, LEAD_COLUMNS, STAGE_COLUMNS, Config
from .defects import inject_defects
from .people import lead_renderer, simulate_companies, simulate_leads
from .sampling import draw
from .stage_changes import FunnelSimulator, stage_renderer
from .tables import Dataset, RawTable


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
    label_offsets = np.cumsum([0] + [len(g) for g in STAGE_LABELS])[:-1]
    label = np.zeros(st["code"].size, dtype=np.int64)
    for code, group in enumerate(STAGE_LABELS):
        rows = np.flatnonzero(st["code"] == code)
        label[rows] = label_offsets[code] + draw(rng, [w for _, w in group], rows.size)
    decimals = rng.random(st["code"].size) < 0.1
    stage_style = draw(rng, TS_STYLE_WEIGHTS, st["code"].size).astype(np.int8)
    act_style = draw(rng, TS_STYLE_WEIGHTS, acts["t"].size).astype(np.int8)

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
    return data
