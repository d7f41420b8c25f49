"""The offer-level spend plan (offer_spend.csv: month, lead_source, acquisition_offer, spend).

Each paid channel's monthly spend is split across the acquisition offers that channel's
leads convert on, in proportion to the channel's leads by offer (over the whole window)
times what a lead on the offer costs (OFFER_COST: high-intent offers such as a demo request
bid on dearer keywords and audiences than an e-book), rounded to cents by largest remainder
so that the offers sum exactly to the channel's spend for the month.

The channels' monthly spend: for the demo, seeds/config/channel_spend.csv as it is (the
channels with spend); for other data, the same plan scaled to the generated volume: each
paid channel costs what it costs per lead in channel_spend.csv (its total spend over the
demo's expected leads on the channel) times its generated leads created in the month.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import numpy as np

from lead_funnel import common

from .catalogues import LEAD_SOURCES, OFFERS, SOURCE_MISSING, SOURCE_WEIGHTS
from .config import Config
from .people import Leads
from .text import month_index

CHANNEL_SPEND = common.PROJECT_DIR / "seeds" / "config" / "channel_spend.csv"
OFFER_SPEND_NAME = "offer_spend.csv"
# relative cost of a lead on each offer (OFFERS order)
OFFER_COST = (0.6, 0.8, 0.9, 1.8, 1.5, 1.2, 1.0)

PlanRow = tuple[str, str, str, int]  # month (YYYY-MM-01), lead_source, offer, spend in cents


def read_channel_spend(path: Path = CHANNEL_SPEND) -> list[PlanRow]:
    """The channel plan's rows with spend (month, lead_source, '', cents)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [
            (r["month"], r["lead_source"].strip().lower(), "", round(Decimal(r["spend"]) * 100))
            for r in csv.DictReader(handle)
        ]
    return [row for row in rows if row[3] > 0]


def split_cents(total: int, weights: np.ndarray) -> np.ndarray:
    """`total` cents split by `weights` (largest remainder; ties to the first): sums to total."""
    raw = total * weights / weights.sum()
    cents = np.floor(raw).astype(np.int64)
    rest = total - int(cents.sum())
    cents[np.argsort(-(raw - cents), kind="stable")[:rest]] += 1
    return cents


def offer_plan(cfg: Config, leads: Leads, demo: bool, path: Path = CHANNEL_SPEND) -> list[PlanRow]:
    """The offer plan's rows, by month, channel (channel_spend order) and offer."""
    channel_rows = read_channel_spend(path)
    known = (leads.source >= 0) & (leads.offer >= 0)
    mix = np.zeros((len(LEAD_SOURCES), len(OFFERS)))
    np.add.at(mix, (leads.source[known], leads.offer[known]), 1.0)
    weights = mix * np.array(OFFER_COST)
    if not demo:
        channel_rows = _scaled_channel_plan(cfg, leads, channel_rows)
    plan: list[PlanRow] = []
    for month, source, _, cents in channel_rows:
        channel = LEAD_SOURCES.index(source) if source in LEAD_SOURCES else -1
        if channel < 0 or weights[channel].sum() == 0:
            continue  # no lead converts on this channel: its spend stays at channel level
        offers = np.flatnonzero(weights[channel])
        split = split_cents(cents, weights[channel, offers])
        plan += [(month, source, OFFERS[o], int(c)) for o, c in zip(offers, split, strict=True)]
    return plan


def _scaled_channel_plan(cfg: Config, leads: Leads, channel_rows: list[PlanRow]) -> list[PlanRow]:
    from .cli import DEMO  # the demo's size: what channel_spend.csv was planned for

    first_month = int(np.datetime64(cfg.start, "M").astype(np.int64))
    n_months = int(np.datetime64(cfg.end, "M").astype(np.int64)) - first_month + 1
    month = month_index(leads.created, first_month)
    totals: dict[str, int] = {}
    for _, source, _, cents in channel_rows:
        totals[source] = totals.get(source, 0) + cents
    rows: list[PlanRow] = []
    for i in range(n_months):
        stamp = f"{np.datetime64(first_month + i, 'M')}-01"
        for source, total in totals.items():
            if source not in LEAD_SOURCES:
                continue
            channel = LEAD_SOURCES.index(source)
            expected = float(DEMO["leads"]) * SOURCE_WEIGHTS[channel] * (1 - SOURCE_MISSING)
            count = int(np.count_nonzero((month == i) & (leads.source == channel)))
            cents = round(total / expected * count)
            if cents > 0:
                rows.append((stamp, source, "", cents))
    return rows


def write_offer_plan(plan: list[PlanRow], path: Path) -> Path:
    """Write the plan as CSV (spend with two decimals), atomically."""
    tmp = path.with_name(path.name + ".tmp")
    lines = ["month,lead_source,acquisition_offer,spend"]
    lines += [f"{m},{s},{o},{c // 100}.{c % 100:02d}" for m, s, o, c in plan]
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
