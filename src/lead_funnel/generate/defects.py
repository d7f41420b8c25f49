"""The data-quality defects --defects injects (docs/definitions.md#bad-input)."""

from __future__ import annotations

import numpy as np

from .catalogues import OPP, A
from .config import DAY, EVENT_ID_WIDTH, HOUR, LEAD_ID_WIDTH, MINUTE, Config, UsageError
from .people import Leads
from .tables import Dataset, Defect
from .text import naive_timestamp


def _first_at_or_after(mask: np.ndarray, start: int) -> int:
    hits = np.flatnonzero(mask[start:])
    if hits.size == 0:
        hits = np.flatnonzero(mask)
        if hits.size == 0:
            raise UsageError("too few rows to inject --defects; use more --leads")
        return int(hits[0])
    return start + int(hits[0])


def inject_defects(
    data: Dataset,
    cfg: Config,
    leads: Leads,
    acts: dict[str, np.ndarray],
    duration: np.ndarray,
    st: dict[str, np.ndarray],
) -> None:
    """Append or mutate a handful of rows with realistic data-quality defects, at positions
    derived from the data (deterministic), and record which key holds which defect."""
    log = data.defects
    L, Ac, S = data.leads, data.activities, data.stage_changes
    n, m, k = L.size, Ac.size, S.size
    lead_id = lambda i: "L" + str(i + 1).zfill(LEAD_ID_WIDTH)  # noqa: E731
    act_id = lambda i: "A" + str(i + 1).zfill(EVENT_ID_WIDTH)  # noqa: E731
    stage_id = lambda i: "S" + str(i + 1).zfill(EVENT_ID_WIDTH)  # noqa: E731
    unknown_lead = "L" + "9" * max(LEAD_ID_WIDTH, len(str(n + 10)))
    # a valid, quiet moment inside the data for appended rows
    mid = int(leads.created[n // 2])

    def at(fraction: float, size: int) -> int:
        return min(int(size * fraction), size - 1)

    # ---- leads -------------------------------------------------------------------------
    i = at(0.05, n)
    L.extra_rows.append(L.row(i))
    log.append(Defect("leads", lead_id(i), "exact duplicate delivery (row appended twice)"))

    i = at(0.15, n)
    row = L.row(i)
    row["job_title"] = "Head of Operations" if row["job_title"] != "Head of Operations" else "COO"
    row["phone"] = "+1 555 010 0199"
    L.extra_rows.append(row)
    log.append(
        Defect(
            "leads",
            lead_id(i),
            "conflicting duplicate key: second row with another "
            "job_title and phone, same created_at",
        )
    )

    row = L.row(at(0.55, n))
    row["lead_id"] = None
    row["email"] = "no.key@" + (row["email"] or "x@acme.com").split("@")[-1]
    L.extra_rows.append(row)
    log.append(Defect("leads", "(empty)", "missing key: lead_id empty"))

    extra_lead = n
    for bad_value, what in (
        (f"{cfg.end.year}-13-45 09:30:00", "unparseable timestamp created_at"),
        (None, "missing required timestamp: created_at empty"),
        ("2099-01-01 00:00:00", "junk future created_at 2099-01-01"),
    ):
        row = L.row(at(0.6 + 0.05 * (extra_lead - n), n))
        row["lead_id"] = lead_id(extra_lead)
        row["created_at"] = bad_value
        L.extra_rows.append(row)
        shown = what if bad_value is None else f"{what} ({bad_value!r})"
        log.append(Defect("leads", lead_id(extra_lead), shown))
        extra_lead += 1

    has_email = np.ones(n, dtype=bool)
    has_email &= leads.extras["missing"][:, 2] >= 0.01
    for fraction, value in ((0.25, "john.doe@@example"), (0.35, "no-at-sign")):
        i = _first_at_or_after(has_email, at(fraction, n))
        L.overrides.setdefault("email", {})[i] = value
        log.append(Defect("leads", lead_id(i), f"malformed email {value!r} (field issue)"))
    i = _first_at_or_after(leads.extras["missing"][:, 3] >= 0.03, at(0.45, n))
    L.overrides.setdefault("company_size", {})[i] = "fifty"
    log.append(Defect("leads", lead_id(i), "unparseable company_size 'fifty' (field issue)"))

    # ---- activities --------------------------------------------------------------------
    for fraction in (0.2, 0.5, 0.8):
        j = at(fraction, m)
        Ac.extra_rows.append(Ac.row(j))
        log.append(Defect("activities", act_id(j), "exact duplicate delivery (row appended twice)"))

    j = at(0.3, m)
    row = Ac.row(j)
    row["occurred_at"] = naive_timestamp(int(acts["t"][j]) + 7 * MINUTE)
    Ac.extra_rows.append(row)
    log.append(
        Defect(
            "activities",
            act_id(j),
            "conflicting duplicate key: re-delivered with "
            "occurred_at 7 minutes later (the later row wins)",
        )
    )

    lead_a = _first_at_or_after(leads.created > cfg.start_s + DAY, at(0.4, n))
    valid_t = naive_timestamp(min(int(leads.created[lead_a]) + DAY, cfg.end_s))

    def activity(
        act: str | None,
        lead: str,
        kind: str,
        when: str | None,
        duration: str | None = None,
        detail: str | None = None,
    ) -> dict[str, str | None]:
        return {
            "activity_id": act,
            "lead_id": lead,
            "activity_type": kind,
            "occurred_at": when,
            "owner_id": None,
            "campaign": None,
            "detail": detail,
            "duration_seconds": duration,
        }

    Ac.extra_rows.append(activity(None, lead_id(lead_a), "page_view", valid_t, "35", "/pricing"))
    log.append(
        Defect("activities", "(empty)", f"missing key: activity_id empty (lead {lead_id(lead_a)})")
    )
    next_act = m
    appended = (
        (lead_id(lead_a), "email_open", "not a date", "unparseable timestamp 'not a date'"),
        (lead_id(lead_a), "email_click", None, "missing required timestamp: occurred_at empty"),
        (lead_id(lead_a), "page_view", "2099-01-01 00:00:00", "junk future occurred_at 2099"),
        (unknown_lead, "email_open", naive_timestamp(mid), f"unknown lead_id {unknown_lead}"),
        (
            lead_id(lead_a),
            "chat_message",
            valid_t,
            "activity_type without a scoring rule (chat_message)",
        ),
    )
    for lead, kind, when, what in appended:
        Ac.extra_rows.append(activity(act_id(next_act), lead, kind, when))
        log.append(Defect("activities", act_id(next_act), what))
        next_act += 1
    lead_b = _first_at_or_after(leads.created > cfg.start_s + DAY, at(0.5, n))
    before = naive_timestamp(int(leads.created[lead_b]) - 2 * HOUR)
    Ac.extra_rows.append(
        activity(
            act_id(next_act), lead_id(lead_b), "page_view", before, "48", "/blog/lead-scoring-101"
        )
    )
    log.append(
        Defect(
            "activities",
            act_id(next_act),
            f"dated 2 hours before its lead {lead_id(lead_b)} was created (kept, warning)",
        )
    )
    next_act += 1

    with_duration = (acts["type"] == A["page_view"]) & (duration >= 0)
    j = _first_at_or_after(with_duration, at(0.6, m))
    Ac.overrides.setdefault("duration_seconds", {})[j] = "-42"
    log.append(Defect("activities", act_id(j), "negative duration_seconds '-42' (field issue)"))

    # ---- stage changes ------------------------------------------------------------------
    next_stage = k
    S.extra_rows.append(
        {
            "change_id": stage_id(next_stage),
            "lead_id": unknown_lead,
            "stage": "MQL",
            "changed_at": naive_timestamp(mid),
            "owner_id": None,
            "reason": None,
            "amount": None,
        }
    )
    log.append(Defect("stage_changes", stage_id(next_stage), f"unknown lead_id {unknown_lead}"))
    next_stage += 1
    last_t = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_t, st["lead"], st["t"])
    quiet = (last_t > 0) & (last_t < cfg.cutoff_s - 3 * DAY)
    z = _first_at_or_after(quiet, at(0.3, n))
    S.extra_rows.append(
        {
            "change_id": stage_id(next_stage),
            "lead_id": lead_id(z),
            "stage": "Zombie",
            "changed_at": naive_timestamp(int(last_t[z]) + DAY),
            "owner_id": None,
            "reason": None,
            "amount": None,
        }
    )
    log.append(Defect("stage_changes", stage_id(next_stage), "unmapped stage label 'Zombie'"))
    opp_rows = (st["code"] == OPP) & (st["amount"] >= 0)
    if opp_rows.any():
        s = _first_at_or_after(opp_rows, at(0.3, k))
        S.overrides.setdefault("amount", {})[s] = "12k"
        log.append(Defect("stage_changes", stage_id(s), "unparseable amount '12k' (field issue)"))
