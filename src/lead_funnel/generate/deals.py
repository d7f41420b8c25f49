"""Deal history beyond the funnel's first pass: re-opened lost deals, amount revisions while
an opportunity is open and opportunity rows delivered without an amount (a CRM gap).

How the warehouse reads deals: an opportunity starts at an `opportunity` entry and is closed
by the next outcome (customer = won, lost / disqualified / rejected / recycled = lost); a
further `opportunity` row while the deal is open is the same deal with an updated amount; an
`opportunity` row after a lost outcome is a re-opened deal (a new opportunity).

Everything here is drawn from a random stream of its own (simulate.DEAL_STREAM), after the
funnel, so the funnel's rows stay as they were (the amounts of a few customer rows aside:
a revised deal that is won closes at its revised amount).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalogues import CUSTOMER, LOST, OPP
from .config import DAY
from .sampling import bounded, draw, lognormal_s, office_forward
from .stage_changes import FunnelSimulator

REOPEN_SHARE = 0.10  # of lost deals, re-opened 1-6 months later
REOPEN_OUTCOME = (0.35, 0.40, 0.25)  # won, lost again, still open
REVISED_SHARE = 0.22  # of deals, one or two amount revisions before they close
SECOND_REVISION = 0.3
REVISION_DOWN = 0.8  # a revision is mostly a cut (5-30%), sometimes a rise (5-25%)
MISSING_AMOUNT = 0.02  # of the rows opening a deal, delivered without an amount

# what a new stage row is: an amount revision, a re-opened deal or its outcome
REVISION, REOPEN, REOPEN_CLOSE = 1, 2, 3


def _hundreds(x: np.ndarray) -> np.ndarray:
    return (x / 100).round().astype(np.int64) * 100


@dataclass
class DealChanges:
    """New stage rows (kind: REVISION, REOPEN, REOPEN_CLOSE; deal_t: when the revised deal
    opened), new amounts of existing customer rows and the re-opened deals (for sales
    touches)."""

    rows: dict[str, np.ndarray]
    customer_key: np.ndarray  # (lead << 32) | t of an existing customer row
    customer_amount: np.ndarray
    reopened: dict[str, np.ndarray]


def row_key(lead: np.ndarray, t: np.ndarray) -> np.ndarray:
    return (np.asarray(lead, dtype=np.int64) << 32) | np.asarray(t, dtype=np.int64)


def deal_changes(rng: np.random.Generator, funnel: FunnelSimulator, cutoff: int) -> DealChanges:
    d = {k: np.concatenate([part[k] for part in funnel.deals]) for k in funnel.deals[0]}
    tz_of = funnel.leads.tz_s
    out: dict[str, list[np.ndarray]] = {
        k: [] for k in ("lead", "code", "t", "owner", "reason", "amount", "kind", "deal_t")
    }

    def emit(
        code: int,
        lead: np.ndarray,
        t: np.ndarray,
        owner: np.ndarray,
        amount: np.ndarray | int,
        kind: int,
        deal_t: np.ndarray | int = -1,
        reason: np.ndarray | int = -1,
    ) -> None:
        size = lead.size
        for name, value in (
            ("lead", lead),
            ("code", code),
            ("t", t),
            ("owner", owner),
            ("reason", reason),
            ("amount", amount),
            ("kind", kind),
            ("deal_t", deal_t),
        ):
            out[name].append(np.broadcast_to(np.asarray(value, dtype=np.int64), (size,)))

    # re-opened deals: a share of the lost deals come back 1-6 months after the loss
    lost = np.flatnonzero(d["outcome"] == 2)
    k = round(REOPEN_SHARE * lost.size)
    eligible = lost[d["t_close"][lost] + 30 * DAY < cutoff]
    pick = np.sort(rng.permutation(eligible)[:k])
    lead = d["lead"][pick]
    tz = tz_of[lead]
    t_re = office_forward(
        rng, d["t_close"][pick] + rng.integers(30 * DAY, 183 * DAY, pick.size), tz, 0.9
    )
    amount_re = _hundreds(d["amount"][pick] * rng.uniform(0.7, 1.15, pick.size))
    fate = draw(rng, REOPEN_OUTCOME, pick.size)
    t_close_re = office_forward(
        rng, t_re + lognormal_s(rng, 35 * DAY, 0.6, pick.size, low=3 * DAY), tz, 0.9
    )
    final_re = _hundreds(amount_re * rng.uniform(0.85, 1.0, pick.size))
    reopened = {
        "lead": lead,
        "t_opp": t_re,
        "rep": d["rep"][pick],
        "amount": amount_re,
        "final": np.where(fate == 0, final_re, -1),
        "outcome": np.array([1, 2, 0])[fate],
        "t_close": np.where(fate < 2, t_close_re, -1),
    }
    emit(OPP, lead, t_re, reopened["rep"], amount_re, REOPEN)

    # amount revisions while the deal is open (the funnel's deals and the re-opened ones)
    n_old = d["lead"].size
    deals = {k: np.concatenate([d[k], reopened[k]]) for k in reopened}
    n = deals["lead"].size
    t_end = np.where(deals["t_close"] >= 0, deals["t_close"], deals["t_opp"] + 120 * DAY)
    t_end = np.minimum(t_end, cutoff)
    revised = (rng.random(n) < REVISED_SHARE) & (t_end - deals["t_opp"] > 2 * DAY)
    count = np.where(revised, 1 + (rng.random(n) < SECOND_REVISION), 0)
    frac = np.sort(rng.uniform(0.1, 0.9, (n, 2)), axis=1)
    factor = np.where(
        rng.random((n, 2)) < REVISION_DOWN,
        rng.uniform(0.70, 0.95, (n, 2)),
        rng.uniform(1.05, 1.25, (n, 2)),
    )
    latest = deals["amount"].copy()
    previous = deals["t_opp"].copy()
    for j in range(2):
        r = np.flatnonzero(count > j)
        lead = deals["lead"][r]
        t = deals["t_opp"][r] + (frac[r, j] * (t_end[r] - deals["t_opp"][r])).astype(np.int64)
        t = np.maximum(t, previous[r] + 60)
        t = bounded(office_forward(rng, t, tz_of[lead], 0.9), t, t, t_end[r] - 1)
        ok = t < t_end[r]
        r, lead, t = r[ok], lead[ok], t[ok]
        count[np.flatnonzero(count > j)[~ok]] = j
        previous[r] = t
        latest[r] = _hundreds(latest[r] * factor[r, j])
        emit(OPP, lead, t, deals["rep"][r], latest[r], REVISION, deal_t=deals["t_opp"][r])

    # a won deal that was revised closes at its latest amount, less the same final discount
    won = (deals["outcome"] == 1) & (count > 0)
    ratio = deals["final"] / np.maximum(deals["amount"], 1)
    final = np.where(won, _hundreds(latest * ratio), deals["final"])
    old = np.flatnonzero(won[:n_old])
    customer_key = row_key(deals["lead"][old], deals["t_close"][old])
    new_final = final[n_old:]

    # the re-opened deals' outcomes
    lead, rep = reopened["lead"], reopened["rep"]
    w = reopened["outcome"] == 1
    emit(CUSTOMER, lead[w], reopened["t_close"][w], rep[w], new_final[w], REOPEN_CLOSE)
    lo = reopened["outcome"] == 2
    reason = funnel._reasons(LOST, lead[lo], rng)
    emit(LOST, lead[lo], reopened["t_close"][lo], rep[lo], -1, REOPEN_CLOSE, reason=reason)

    rows = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in out.items()}
    return DealChanges(rows, customer_key, final[old], reopened)
