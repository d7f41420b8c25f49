"""The funnel: stage changes for every lead, cycle by cycle, and the stage_changes text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .catalogues import (
    CONTEXT_OFFSET,
    CUSTOMER,
    DISQUALIFIED,
    LEAD,
    LOST,
    MQL,
    OPP,
    REASON_CATALOGUE,
    REASON_OFFSETS,
    REASONS,
    RECYCLED,
    REJECTED,
    REPS,
    SAL,
    SQL,
    STAGE_LABELS,
)
from .config import DAY, EVENT_ID_WIDTH, HOUR, LEAD_ID_WIDTH, MINUTE
from .people import Companies, Leads, offset_minutes
from .sampling import (
    Rows,
    bounded,
    diurnal,
    draw,
    in_office,
    lognormal_s,
    office_forward,
    pick_exact,
)
from .text import format_ids, format_timestamps, int_text, join, take


@dataclass
class MqlEntries:
    """One row per MQL entry (first and re-MQL), for sales activities."""

    lead: np.ndarray
    t_mql: np.ndarray
    t_low: np.ndarray  # earliest time of the burst of intent before the MQL
    rep: np.ndarray
    t_touch: np.ndarray  # -1: never touched
    t_dec: np.ndarray  # -1: pending
    accepted: np.ndarray
    t_sql: np.ndarray
    t_opp: np.ndarray
    t_close: np.ndarray


class FunnelSimulator:
    """Stage changes for all leads, step by step, as vectorised cohorts."""

    ACCEPT_SHARE = (0.50, 0.45)  # first MQL, re-MQL
    SAL_TO_SQL = 0.58
    SKIP_SAL = 0.08
    SQL_TO_OPP = 0.52
    OPP_WIN = 0.28
    OPP_LOST = 0.62
    RE_MQL = 0.30
    LEAD_TO_MQL = 0.26
    DIRECT_OPP = 0.004

    def __init__(self, rng: np.random.Generator, leads: Leads, co: Companies) -> None:
        self.rng = rng
        self.leads = leads
        self.co = co
        self.stage = Rows("lead", "code", "t", "owner", "reason", "amount")
        self.entries: list[dict[str, np.ndarray]] = []
        # every opportunity opened by the funnel: lead, when, rep, amount, outcome, close time
        self.deals: list[dict[str, np.ndarray]] = []
        n = leads.created.size
        size = co.size[leads.company]
        amount = rng.lognormal(np.log(18_000), 0.7, n) * (size / 100.0) ** 0.22
        self.amount = (np.clip(amount, 1_500, 1_500_000) / 100).round().astype(np.int64) * 100

    # -- helpers ---------------------------------------------------------------------------

    def _reasons(
        self, code: int, lead: np.ndarray, rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """Reason index into the flat reason catalogue; 10% left empty."""
        rng = self.rng if rng is None else rng
        base = REASON_OFFSETS[code]
        count = len(REASONS[code])
        reason = base + (rng.random(lead.size) * count).astype(np.int64)
        if code in (REJECTED, DISQUALIFIED):
            student = self.leads.title_band[lead] == 7
            free = self.leads.email_kind[lead] == 1
            tiny = self.co.size[self.leads.company[lead]] <= 10
            ctx = CONTEXT_OFFSET
            pick = rng.random(lead.size)
            reason = np.where(tiny & (pick < 0.5), ctx + 2, reason)
            reason = np.where(free & (pick < 0.5), ctx + 1, reason)
            reason = np.where(student, ctx + (0 if code == REJECTED else 4), reason)
            reason = np.where(self.leads.email_kind[lead] == 3, ctx + 3, reason)
        return np.where(rng.random(lead.size) < 0.1, -1, reason)

    def _add(
        self,
        code: int,
        lead: np.ndarray,
        t: np.ndarray,
        owner: np.ndarray | int = -1,
        reason: bool = False,
        amount: np.ndarray | int = -1,
    ) -> None:
        if lead.size == 0:
            return
        reasons = self._reasons(code, lead) if reason else -1
        self.stage.add(lead=lead, code=code, t=t, owner=owner, reason=reasons, amount=amount)

    def _close_opportunities(
        self, lead: np.ndarray, t_opp: np.ndarray, rep: np.ndarray, win_share: float
    ) -> np.ndarray:
        rng = self.rng
        q = self.leads.quality[lead]
        won = pick_exact(rng, q, win_share)
        lost = ~won & (rng.random(lead.size) < self.OPP_LOST / (1 - win_share))
        tz = self.leads.tz_s[lead]
        t_close = office_forward(
            rng, t_opp + lognormal_s(rng, 40 * DAY, 0.6, lead.size, low=3 * DAY), tz, 0.9
        )
        deal = self.amount[lead]
        final = (deal * rng.uniform(0.85, 1.0, lead.size) / 100).round().astype(np.int64) * 100
        self._add(OPP, lead, t_opp, rep, amount=deal)
        self._add(CUSTOMER, lead[won], t_close[won], rep[won], amount=final[won])
        self._add(LOST, lead[lost], t_close[lost], rep[lost], reason=True)
        self.deals.append(
            {
                "lead": lead,
                "t_opp": t_opp,
                "rep": rep,
                "amount": deal,
                "final": np.where(won, final, -1),
                "outcome": np.where(won, 1, np.where(lost, 2, 0)),  # open, won, lost
                "t_close": np.where(won | lost, t_close, -1),
            }
        )
        return np.where(won | lost, t_close, -1)

    # -- steps -----------------------------------------------------------------------------

    def run(self) -> None:
        rng, le = self.rng, self.leads
        n = le.created.size
        tz = le.tz_s
        # an explicit "Lead" / "New" row at creation for a share of leads
        explicit = np.flatnonzero(rng.random(n) < 0.35)
        self._add(LEAD, explicit, le.created[explicit])

        # partner deal registrations / inbound enterprise deals: straight to opportunity
        direct_odds = np.where(np.isin(le.source, [4, 6]), 6.0, 1.0)
        direct = rng.random(n) < self.DIRECT_OPP * direct_odds / direct_odds.mean()
        d_idx = np.flatnonzero(direct)
        t_opp = office_forward(
            rng, le.created[d_idx] + lognormal_s(rng, 4 * DAY, 0.8, d_idx.size), tz[d_idx], 0.9
        )
        self._close_opportunities(d_idx, t_opp, le.rep[d_idx], 0.35)

        # lead -> MQL: the best leads by quality (exact share), after a lag
        candidates = np.flatnonzero(~direct)
        q = le.quality[candidates]
        mql = candidates[pick_exact(rng, q, self.LEAD_TO_MQL)]
        high_intent = np.isin(le.offer[mql], [3, 4, 5])
        instant = high_intent & (rng.random(mql.size) < 0.7)
        lag = np.where(
            instant,
            rng.integers(30, 15 * MINUTE, mql.size),
            lognormal_s(rng, 10 * DAY, 1.0, mql.size, low=HOUR, high=300 * DAY),
        )
        t_mql = le.created[mql] + lag
        t_mql = bounded(
            diurnal(rng, t_mql, tz[mql], 0.6), t_mql, le.created[mql] + 30, t_mql + 3 * DAY
        )

        # junk leads that never became MQL: disqualified by marketing operations
        not_mql = np.ones(n, dtype=bool)
        not_mql[mql] = False
        not_mql[d_idx] = False
        junk = (le.title_band == 7) | np.isin(le.email_kind, [2, 3])
        dq = np.flatnonzero(not_mql & ((junk & (rng.random(n) < 0.35)) | (rng.random(n) < 0.015)))
        t_dq = le.created[dq] + lognormal_s(rng, 2 * DAY, 1.0, dq.size, low=HOUR)
        self._add(DISQUALIFIED, dq, office_forward(rng, t_dq, tz[dq], 0.8), reason=True)

        recycled, t_rec = self._mql_cycle(mql, t_mql, le.created[mql], 0)
        # recycled leads: some come back as MQL months later
        back = pick_exact(rng, le.quality[recycled], self.RE_MQL)
        again = recycled[back]
        t_again = t_rec[back] + rng.integers(20 * DAY, 240 * DAY, again.size)
        self._mql_cycle(again, t_again, t_rec[back] + DAY, 1)

    def _mql_cycle(
        self, lead: np.ndarray, t_mql: np.ndarray, t_low: np.ndarray, cycle: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """MQL entry -> first touch -> decision -> SAL/SQL/opportunity/close. Returns the
        leads recycled in this cycle and when."""
        rng, le = self.rng, self.leads
        m = lead.size
        tz = le.tz_s[lead]
        q = le.quality[lead]
        self._add(MQL, lead, t_mql)
        # the rep working the MQL: the lead's owner, sometimes a colleague (SDR pool)
        rep = np.where(rng.random(m) < 0.9, le.rep[lead], (rng.random(m) * len(REPS)))
        rep = rep.astype(np.int64)

        # decision: accept (SAL, or straight to SQL) / reject / recycle / disqualify / pending
        accept = pick_exact(rng, q, self.ACCEPT_SHARE[cycle])
        other = draw(rng, [0.42, 0.30, 0.13, 0.15], m)  # reject, recycle, disqualify, pending
        reject = ~accept & (other == 0)
        recycle = ~accept & (other == 1)
        disq = ~accept & (other == 2)

        # first sales touch: fast (within the hour) mostly in office hours, a long tail of
        # days, and never for some of the MQLs sales does not take
        office = in_office(t_mql, tz)
        fast = rng.random(m) < np.where(office, 0.47, 0.10)
        never = ~fast & ~accept & (rng.random(m) < 0.3)
        slow = office_forward(
            rng,
            t_mql + lognormal_s(rng, 14 * HOUR, 1.0, m, low=HOUR + MINUTE, high=30 * DAY),
            tz,
            0.9,
        )
        t_touch = np.where(fast, t_mql + rng.integers(2 * MINUTE, 55 * MINUTE, m), slow)
        t_touch = np.where(never, -1, t_touch)

        kind = draw(rng, [0.6, 0.3, 0.1], m)
        delay = np.choose(
            kind,
            [
                lognormal_s(rng, 5 * HOUR, 0.9, m, low=10 * MINUTE, high=3 * DAY),
                rng.integers(DAY, 3 * DAY, m),
                lognormal_s(rng, 6 * DAY, 0.6, m, low=3 * DAY, high=60 * DAY),
            ],
        )
        t_dec = t_mql + delay
        t_dec = np.where(
            t_touch >= 0, np.maximum(t_dec, t_touch + rng.integers(300, 3 * HOUR, m)), t_dec
        )
        t_dec = office_forward(rng, t_dec, tz, 0.9)
        decided = accept | reject | recycle | disq

        skip_sal = accept & (rng.random(m) < self.SKIP_SAL)
        sal = accept & ~skip_sal
        self._add(SAL, lead[sal], t_dec[sal], rep[sal])
        self._add(REJECTED, lead[reject], t_dec[reject], rep[reject], reason=True)
        self._add(RECYCLED, lead[recycle], t_dec[recycle], rep[recycle], reason=True)
        self._add(DISQUALIFIED, lead[disq], t_dec[disq], rep[disq], reason=True)

        # rejected leads: marketing returns some of them to nurture a few days later
        back = reject & (rng.random(m) < 0.4)
        t_back = t_dec + rng.integers(HOUR, 7 * DAY, m)
        b = np.flatnonzero(back)
        self.stage.add(
            lead=lead[b],
            code=RECYCLED,
            t=t_back[b],
            owner=-1,
            reason=np.where(rng.random(b.size) < 0.5, CONTEXT_OFFSET + 5, -1),
            amount=-1,
        )

        # SAL -> SQL (exact share by quality), or stalled: recycled / disqualified / open
        s_idx = np.flatnonzero(sal)
        to_sql = pick_exact(rng, q[s_idx], self.SAL_TO_SQL)
        t_sql = np.full(m, -1, dtype=np.int64)
        t_sql[s_idx[to_sql]] = office_forward(
            rng,
            t_dec[s_idx[to_sql]] + lognormal_s(rng, 6 * DAY, 0.8, int(to_sql.sum())),
            tz[s_idx[to_sql]],
            0.9,
        )
        t_sql[skip_sal] = t_dec[skip_sal]
        sal_fate = np.full(m, -1)
        sal_fate[s_idx[~to_sql]] = draw(rng, [0.45, 0.35, 0.20], int((~to_sql).sum()))
        t_stall = office_forward(rng, t_dec + lognormal_s(rng, 12 * DAY, 0.7, m), tz, 0.9)
        sal_rec, sal_dq = sal_fate == 0, sal_fate == 1
        self._add(RECYCLED, lead[sal_rec], t_stall[sal_rec], rep[sal_rec], reason=True)
        self._add(DISQUALIFIED, lead[sal_dq], t_stall[sal_dq], rep[sal_dq], reason=True)

        # SQL -> opportunity, or disqualified / recycled / open
        sql = t_sql >= 0
        self._add(SQL, lead[sql], t_sql[sql], rep[sql])
        q_idx = np.flatnonzero(sql)
        to_opp = pick_exact(rng, q[q_idx], self.SQL_TO_OPP)
        o_idx = q_idx[to_opp]
        t_opp = np.full(m, -1, dtype=np.int64)
        t_opp[o_idx] = office_forward(
            rng, t_sql[o_idx] + lognormal_s(rng, 10 * DAY, 0.7, o_idx.size), tz[o_idx], 0.9
        )
        sql_fate = np.full(m, -1)
        sql_fate[q_idx[~to_opp]] = draw(rng, [0.35, 0.45, 0.20], int((~to_opp).sum()))
        t_stall2 = office_forward(rng, t_sql + lognormal_s(rng, 14 * DAY, 0.7, m), tz, 0.9)
        sql_rec, sql_dq = sql_fate == 0, sql_fate == 1
        self._add(RECYCLED, lead[sql_rec], t_stall2[sql_rec], rep[sql_rec], reason=True)
        self._add(DISQUALIFIED, lead[sql_dq], t_stall2[sql_dq], rep[sql_dq], reason=True)

        t_close = np.full(m, -1, dtype=np.int64)
        t_close[o_idx] = self._close_opportunities(
            lead[o_idx], t_opp[o_idx], rep[o_idx], self.OPP_WIN
        )
        self.entries.append(
            {
                "lead": lead,
                "t_mql": t_mql,
                "t_low": t_low,
                "rep": rep,
                "t_touch": t_touch,
                "t_dec": np.where(decided, t_dec, -1),
                "accepted": accept,
                "t_sql": t_sql,
                "t_opp": t_opp,
                "t_close": t_close,
            }
        )
        rec_lead = np.concatenate([lead[recycle], lead[b], lead[sal_rec], lead[sql_rec]])
        rec_t = np.concatenate([t_dec[recycle], t_back[b], t_stall[sal_rec], t_stall2[sql_rec]])
        return rec_lead, rec_t

    def mql_entries(self) -> MqlEntries:
        cols = {k: np.concatenate([e[k] for e in self.entries]) for k in self.entries[0]}
        return MqlEntries(**cols)


def stage_renderer(
    leads: Leads,
    st: dict[str, np.ndarray],
    label: np.ndarray,
    decimals: np.ndarray,
    style: np.ndarray,
):
    labels = pa.array([text for group in STAGE_LABELS for text, _ in group])
    reps = pa.array(REPS)
    reasons = pa.array(REASON_CATALOGUE)

    def render(rows: np.ndarray) -> dict[str, pa.Array]:
        t = st["t"][rows]
        lead = st["lead"][rows]
        amount = st["amount"][rows]
        amount_text = int_text(amount, amount < 0)
        amount_text = pc.if_else(pa.array(decimals[rows]), join(amount_text, ".00"), amount_text)
        return {
            "change_id": format_ids("S", rows + 1, EVENT_ID_WIDTH),
            "lead_id": format_ids("L", lead + 1, LEAD_ID_WIDTH),
            "stage": take(labels, label[rows]),
            "changed_at": format_timestamps(t, style[rows], offset_minutes(t, lead, leads)),
            "owner_id": take(reps, st["owner"][rows]),
            "reason": take(reasons, st["reason"][rows]),
            "amount": amount_text,
        }

    return render
