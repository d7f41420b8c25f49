"""The generated population as a CRM connector's tables (`--shape salesforce|hubspot`): a
folder the Salesforce or HubSpot adapter reads as `crm_dir` (docs/definitions.md#crm-adapters).

The translation starts from the three generated raw tables (rendered chunk by chunk, as the
files are written) and writes each record where the CRM keeps it, with the CRM's standard
values, which the adapter maps back:

* leads -> Salesforce `lead` / HubSpot `contact`;
* stage changes: the stage of each row is its label read through
  seeds/config/stage_mapping.csv; it is written with the CRM's own label for that stage
  (SALESFORCE_* / HUBSPOT_* below, each checked against the seed: the seed says what a label
  means, this module only which labels a CRM uses). Lead stages become Salesforce lead status
  history (`lead_history`, the status at creation on `lead`) or HubSpot lifecycle stage /
  lead status history (`contact_property_history`); opportunity, customer and lost rows
  become the stages of the lead's one deal (Salesforce: the opportunity it was converted
  into, `opportunity_history`; HubSpot: `deal`, `deal_stage`, `deal_contact`). Successive open
  deal rows (an amount revision) move the deal to the next open pipeline stage, so each
  stays an entry of its own;
* activities, the types a CRM records (ACTIVITY_TYPES): Salesforce calls and e-mails as
  `task`, meetings as `event`, webinar registrations and attendances, trade-show visits and
  e-mail clicks as `campaign_member` of a Webinar / Trade Show / Email `campaign`; HubSpot
  calls, e-mails and meetings as engagements, e-mail opens, clicks and bounces as
  `email_event`, form fills (demo, trial, webinar, newsletter, download, contact) as
  `contact_form_submission` of a `form` named for what it is. Other activity types
  (page views, unsubscribes, ...) have no standard CRM record and are not written.

The tables and columns written are those the adapter reads, from its `<crm>_tables()` macro
(adapter_tables). Owners rep_01..rep_12 become CRM users / owners. Timestamps are written
as UTC text (`YYYY-MM-DD HH:MM:SS`); every column is text, as the adapters read them. No row
is soft-deleted (the generator's defects are for the files shape only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from lead_funnel import common

from .catalogues import REPS
from .config import CHUNK_ROWS, Config
from .tables import Dataset, RawTable
from .writers import _Sink

SHAPES = ("files", "salesforce", "hubspot")

# ------------------------------------------------------------- the CRMs' own vocabularies

# Salesforce's default lead statuses, then the custom statuses an org adds for the funnel
# stages Salesforce has no status for (in preference order: the first that maps to a stage
# is written for it)
SALESFORCE_LEAD_STATUSES = (
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
    "Marketing Qualified Lead",
    "Sales Rejected",
    "Recycled",
)
# Salesforce's default opportunity stages, in pipeline order
SALESFORCE_OPPORTUNITY_STAGES = (
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Id. Decision Makers",
    "Perception Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
)
# HubSpot's lifecycle stages (internal values) and default lead statuses, then a custom lead
# status for the funnel stage HubSpot has none for
HUBSPOT_LIFECYCLE_STAGES = (
    "lead",
    "subscriber",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
)
HUBSPOT_LEAD_STATUSES = (
    "IN_PROGRESS",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "UNQUALIFIED",
    "BAD_TIMING",
    "REJECTED",
)
# HubSpot's default sales pipeline: stage id, probability, closed won, closed
HUBSPOT_PIPELINE = (
    ("appointmentscheduled", "0.2", False, False),
    ("qualifiedtobuy", "0.4", False, False),
    ("presentationscheduled", "0.6", False, False),
    ("decisionmakerboughtin", "0.8", False, False),
    ("contractsent", "0.9", False, False),
    ("closedwon", "1.0", True, True),
    ("closedlost", "0.0", False, True),
)
# the stages a CRM keeps on its deal object (opportunity / deal), not on the lead or contact
DEAL_STAGES = ("opportunity", "customer", "lost")

# Salesforce: task type, campaign type and member status of the activity types
SALESFORCE_TASK_TYPES = {"sales_call": "Call", "sales_email": "Email"}
SALESFORCE_EVENT_TYPES = {"sales_meeting": "Meeting"}
SALESFORCE_CAMPAIGNS = {
    "webinar_registered": ("Webinar", "Registered"),
    "webinar_attended": ("Webinar", "Attended"),
    "trade_show_visit": ("Trade Show", "Attended"),
    "email_click": ("Email", "Responded"),
}
# HubSpot: the engagement tables, e-mail event types and the forms (named so the name says
# what the form is for)
HUBSPOT_ENGAGEMENTS = {
    "sales_call": "engagement_call",
    "sales_email": "engagement_email",
    "sales_meeting": "engagement_meeting",
}
HUBSPOT_EMAIL_EVENTS = {"email_open": "OPEN", "email_click": "CLICK", "email_bounce": "BOUNCE"}
HUBSPOT_FORMS = {
    "demo_request": "Request a demo",
    "free_trial_signup": "Free trial sign-up",
    "webinar_registered": "Webinar registration",
    "newsletter_signup": "Newsletter sign-up",
    "content_download": "Content download",
    "contact_form": "Contact us",
}
# the activity types each CRM records (the others are not written)
ACTIVITY_TYPES = {
    "salesforce": (*SALESFORCE_TASK_TYPES, *SALESFORCE_EVENT_TYPES, *SALESFORCE_CAMPAIGNS),
    "hubspot": (*HUBSPOT_ENGAGEMENTS, *HUBSPOT_EMAIL_EVENTS, *HUBSPOT_FORMS),
}


TS_FORMAT = "%Y-%m-%d %H:%M:%S"
NULL = pa.scalar(None, pa.string())


# ------------------------------------------------------------- the adapters' tables


@cache
def adapter_tables(crm: str) -> dict[str, tuple[str, ...]]:
    """The connector tables the CRM's adapter reads, with their columns, from their one home:
    the dbt macro `<crm>_tables()` (macros/staging/crm_<crm>.sql), rendered with Jinja."""
    captured: list[dict] = []

    def return_(value: dict) -> str:
        captured.append(value)
        return ""

    source = f"{{% macro tables({common.macro_body(f'{crm}_tables')}endmacro %}}{{{{ tables() }}}}"
    environment = jinja2.Environment(autoescape=False)
    environment.globals.update({"return": return_, "fromyaml": yaml.safe_load})
    environment.from_string(source).render()
    return {table: tuple(spec["columns"]) for table, spec in captured[-1].items()}


# ------------------------------------------------------------------------ stage labels


def stage_of_label() -> dict[str, str]:
    """Source label (lower case) -> funnel stage, from seeds/config/stage_mapping.csv."""
    return {
        row["source_label"].strip().lower(): row["stage"]
        for row in common.config_seed("stage_mapping")
    }


def crm_labels(vocabulary: tuple[str, ...], seed: dict[str, str]) -> dict[str, list[str]]:
    """Stage -> the labels of `vocabulary` the stage mapping maps to it, in vocabulary order.
    Every label must be in the seed: a CRM label the seed does not know would be rejected."""
    unknown = [label for label in vocabulary if label.lower() not in seed]
    if unknown:
        raise ValueError(f"labels missing from seeds/config/stage_mapping.csv: {unknown}")
    labels: dict[str, list[str]] = {}
    for label in vocabulary:
        labels.setdefault(seed[label.lower()], []).append(label)
    return labels


# ------------------------------------------------------------------------------ helpers


def _ids(prefix: str, numbers: np.ndarray, width: int = 12) -> pa.Array:
    """`prefix` + zero-padded number (Salesforce-like 15-character ids for width 12)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")


def _text(numbers: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(numbers, pa.int64()), pa.string())


def _const(value: str | None, n: int) -> pa.Array:
    return pa.array(np.full(n, value, dtype=object), pa.string())


def _number_of(ids: pa.Array) -> np.ndarray:
    """L0000042 -> 42."""
    return pc.cast(pc.utf8_slice_codeunits(ids, 1), pa.int64()).to_numpy(zero_copy_only=False)


def _seconds(text: pa.Array) -> np.ndarray:
    parsed = pc.strptime(text, format=TS_FORMAT, unit="s")
    return pc.cast(parsed, pa.int64()).to_numpy(zero_copy_only=False)


def _timestamps(seconds: np.ndarray) -> pa.Array:
    return pc.strftime(pa.array(seconds.astype("datetime64[s]")), format=TS_FORMAT)


def _dates(text: pa.Array) -> pa.Array:
    return pc.utf8_slice_codeunits(text, 0, 10)


def _take(values: pa.Array, positions: np.ndarray) -> pa.Array:
    """values[positions], null where a position is -1."""
    return values.take(pa.array(positions, pa.int64(), mask=positions < 0))


def _rep_positions(owner: pa.Array) -> np.ndarray:
    """Position of each owner in REPS (-1: none)."""
    where = pc.index_in(owner, value_set=pa.array(REPS))
    return pc.fill_null(where, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _render_all(table: RawTable) -> pa.Table:
    return pa.concat_tables(list(_render_chunks(table)))


def _render_chunks(table: RawTable) -> Iterator[pa.Table]:
    for start in range(0, table.size, CHUNK_ROWS):
        yield table.render(np.arange(start, min(start + CHUNK_ROWS, table.size)))
    if table.extra_rows:
        yield table.render_extra()


def _previous_in_group(group: np.ndarray) -> np.ndarray:
    """For rows in time order: the position of the previous row of the same group (-1: none)."""
    order = np.argsort(group, kind="stable")
    previous = np.full(group.size, -1, dtype=np.int64)
    same = group[order][1:] == group[order][:-1]
    previous[order[1:][same]] = order[:-1][same]
    return previous


def _rank_in_group(group: np.ndarray) -> np.ndarray:
    """For rows in time order: 0 for a group's first row, 1 for its second, ..."""
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(sorted_group[1:] != sorted_group[:-1]) + 1]
    sizes = np.diff(np.r_[starts, group.size])
    rank = np.empty(group.size, dtype=np.int64)
    rank[order] = np.arange(group.size) - np.repeat(starts, sizes)
    return rank


def _last_in_group(group: np.ndarray, size: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Per group number 0..size-1: the position of its last row (where mask), -1: none."""
    last = np.full(size, -1, dtype=np.int64)
    rows = np.arange(group.size) if mask is None else np.flatnonzero(mask)
    last[group[rows]] = rows  # later rows overwrite earlier ones
    return last


def _first_in_group(group: np.ndarray, size: int) -> np.ndarray:
    first = np.full(size, -1, dtype=np.int64)
    rows = np.arange(group.size)[::-1]
    first[group[rows]] = rows
    return first


@dataclass
class _Writer:
    """Streams the connector tables of one CRM into `out`, one file per table."""

    crm: str
    out: Path
    fmt: str
    on_rows: Callable[[int], None] | None = None
    sinks: dict[str, _Sink] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def write(self, table: str, columns: dict[str, pa.Array]) -> None:
        """Append rows to `table`: the columns its adapter reads (one it is not given is
        null; a given column the adapter does not read is left out)."""
        names = adapter_tables(self.crm)[table]
        if table not in self.sinks:
            ext = "parquet" if self.fmt == "parquet" else "csv"
            self.sinks[table] = _Sink(self.out / f"{table}.{ext}", names, self.fmt)
            self.rows[table] = 0
        size = len(next(iter(columns.values())))
        data = pa.table(
            [columns[c] if c in columns else _const(None, size) for c in names], names=list(names)
        )
        self.sinks[table].write(data)
        self.rows[table] += data.num_rows
        if self.on_rows:
            self.on_rows(data.num_rows)

    def close(self) -> dict[Path, int]:
        tables = adapter_tables(self.crm)
        for table, names in tables.items():  # every table, even an empty one
            if table not in self.sinks:
                self.write(table, {c: pa.array([], pa.string()) for c in names})
        for sink in self.sinks.values():
            sink.close()
        return {self.sinks[t].path: self.rows[t] for t in tables}

    def abort(self) -> None:
        for sink in self.sinks.values():
            sink.writer.close()
            if sink.fmt != "parquet":
                sink.file.close()
            sink.tmp.unlink(missing_ok=True)


# ------------------------------------------------------------------------ the population


@dataclass
class _Population:
    """What both CRMs need from the rendered leads and stage changes."""

    leads: pa.Table
    stages: pa.Table
    stage: np.ndarray  # funnel stage of each stage row (object array)
    stage_lead: np.ndarray  # 0-based lead position of each stage row
    is_deal: np.ndarray
    first_deal_s: np.ndarray  # per lead: when its first deal row was (int64 max: none)

    @property
    def size(self) -> int:
        return self.leads.num_rows


def _population(data: Dataset) -> _Population:
    leads = _render_all(data.leads)
    if not np.array_equal(
        _number_of(leads["lead_id"].combine_chunks()), np.arange(1, leads.num_rows + 1)
    ):
        raise ValueError("the CRM shapes need the generated leads L0000001.. in order")
    stages = _render_all(data.stage_changes).combine_chunks()
    seed = stage_of_label()
    labels = pc.utf8_lower(stages["stage"]).to_numpy(zero_copy_only=False)
    unknown = sorted({label for label in labels if label not in seed})
    if unknown:
        raise ValueError(f"generated stage labels missing from the stage mapping: {unknown}")
    stage = np.array([seed[label] for label in labels], dtype=object)
    stage_lead = _number_of(stages["lead_id"]) - 1
    is_deal = np.isin(stage, DEAL_STAGES)
    first_deal_s = np.full(leads.num_rows, np.iinfo(np.int64).max, dtype=np.int64)
    deal_rows = np.flatnonzero(is_deal)[::-1]
    first_deal_s[stage_lead[deal_rows]] = _seconds(stages["changed_at"])[deal_rows]
    return _Population(leads.combine_chunks(), stages, stage, stage_lead, is_deal, first_deal_s)


def write_crm_dataset(
    data: Dataset, cfg: Config, on_rows: Callable[[int], None] | None = None
) -> dict[Path, int]:
    """Write the dataset as cfg.shape's connector tables into cfg.out; returns each file
    written with its rows."""
    cfg.out.mkdir(parents=True, exist_ok=True)
    writer = _Writer(cfg.shape, cfg.out, cfg.fmt, on_rows)
    try:
        pop = _population(data)
        if cfg.shape == "salesforce":
            _salesforce(writer, pop, data.activities)
        elif cfg.shape == "hubspot":
            _hubspot(writer, pop, data.activities)
        else:
            raise ValueError(f"no connector tables for shape {cfg.shape!r}")
        return writer.close()
    except BaseException:
        writer.abort()
        raise


# ---------------------------------------------------------------------------- Salesforce


def _salesforce(writer: _Writer, pop: _Population, activities: RawTable) -> None:
    seed = stage_of_label()
    statuses = crm_labels(SALESFORCE_LEAD_STATUSES, seed)
    opportunity_stages = crm_labels(SALESFORCE_OPPORTUNITY_STAGES, seed)
    users = _ids("005", np.arange(1, len(REPS) + 1))
    st, n = pop.stages, pop.size
    owner = _take(users, _rep_positions(st["owner_id"]))

    # lead status: history rows, the status at creation and the current status
    status_rows = np.flatnonzero(~pop.is_deal)
    lead = pop.stage_lead[status_rows]
    changed_at = st["changed_at"].take(pa.array(status_rows))
    label = pa.array([statuses[s][0] for s in pop.stage[status_rows]], pa.string())
    previous = _previous_in_group(lead)
    created_at = pop.leads["created_at"].take(pa.array(lead))
    at_creation = (previous < 0) & pc.equal(changed_at, created_at).to_numpy(zero_copy_only=False)
    history = np.flatnonzero(~at_creation)
    writer.write(
        "lead_history",
        {
            "id": _ids("017", np.arange(1, history.size + 1)),
            "lead_id": _ids("00Q", lead[history] + 1),
            "field": _const("Status", history.size),
            "old_value": _take(label, previous[history]),
            "new_value": label.take(pa.array(history)),
            "created_date": changed_at.take(pa.array(history)),
            "created_by_id": owner.take(pa.array(status_rows[history])),
            "is_deleted": _const("false", history.size),
        },
    )
    current_status = _take(label, _last_in_group(lead, n))

    # the deal: the opportunity each lead with deal rows was converted into
    deal_rows = np.flatnonzero(pop.is_deal)
    deal_lead = pop.stage_lead[deal_rows]
    deal_stage = pop.stage[deal_rows]
    open_rank = np.zeros(deal_rows.size, dtype=np.int64)
    is_open = deal_stage == "opportunity"
    open_rank[is_open] = _rank_in_group(deal_lead[is_open])
    open_labels = opportunity_stages["opportunity"]
    closed = {s: labels[0] for s, labels in opportunity_stages.items() if s != "opportunity"}
    stage_name = pa.array(
        [
            open_labels[rank % len(open_labels)] if s == "opportunity" else closed[s]
            for s, rank in zip(deal_stage, open_rank, strict=True)
        ],
        pa.string(),
    )
    deal_at = st["changed_at"].take(pa.array(deal_rows))
    amount = st["amount"].take(pa.array(deal_rows))
    writer.write(
        "opportunity_history",
        {
            "id": _ids("008", np.arange(1, deal_rows.size + 1)),
            "opportunity_id": _ids("006", deal_lead + 1),
            "stage_name": stage_name,
            "amount": amount,
            "created_date": deal_at,
            "created_by_id": owner.take(pa.array(deal_rows)),
            "is_deleted": _const("false", deal_rows.size),
        },
    )
    has_deal = np.flatnonzero(pop.first_deal_s < np.iinfo(np.int64).max)
    last = _last_in_group(deal_lead, n)[has_deal]
    first = _first_in_group(deal_lead, n)[has_deal]
    last_amount = _last_in_group(deal_lead, n, pc.is_valid(amount).to_numpy(zero_copy_only=False))
    is_closed = np.isin(deal_stage[last], ("customer", "lost"))
    writer.write(
        "opportunity",
        {
            "id": _ids("006", has_deal + 1),
            "stage_name": stage_name.take(pa.array(last)),
            "amount": _take(amount, last_amount[has_deal]),
            "is_closed": pa.array(np.where(is_closed, "true", "false")),
            "created_date": deal_at.take(pa.array(first)),
            "close_date": pc.if_else(
                pa.array(is_closed), _dates(deal_at.take(pa.array(last))), NULL
            ),
            "is_deleted": _const("false", has_deal.size),
        },
    )

    # the leads
    converted = pop.first_deal_s < np.iinfo(np.int64).max
    numbers = np.arange(1, n + 1)
    ld = pop.leads
    writer.write(
        "lead",
        {
            "id": _ids("00Q", numbers),
            "created_date": ld["created_at"],
            "email": ld["email"],
            "first_name": ld["first_name"],
            "last_name": ld["last_name"],
            "title": ld["job_title"],
            "phone": ld["phone"],
            "company": ld["company_name"],
            "number_of_employees": ld["company_size"],
            "industry": ld["industry"],
            "country": ld["country"],
            "lead_source": ld["lead_source"],
            "status": current_status,
            "owner_id": _take(users, _rep_positions(ld["owner_id"])),
            "is_deleted": _const("false", n),
            "master_record_id": _const(None, n),
            "converted_contact_id": pc.if_else(pa.array(converted), _ids("003", numbers), NULL),
            "converted_opportunity_id": pc.if_else(pa.array(converted), _ids("006", numbers), NULL),
        },
    )
    first_names = [f"Rep {i + 1:02d}" for i in range(len(REPS))]
    writer.write(
        "user",
        {
            "id": users,
            "name": pa.array([f"{first} Sales" for first in first_names]),
            "first_name": pa.array(first_names),
            "last_name": _const("Sales", len(REPS)),
            "email": pa.array([f"{rep}@example.com" for rep in REPS]),
        },
    )

    # activities: tasks and events as they come, campaign members at the end (an
    # attendance updates its registration's member)
    members: list[pa.Table] = []
    tasks = events = 0
    for chunk in _render_chunks(activities):
        kind = chunk["activity_type"]
        lead = _number_of(chunk["lead_id"]) - 1
        t = _seconds(chunk["occurred_at"])
        # after conversion, activities land on the lead's contact
        on_contact = t >= pop.first_deal_s[lead]
        who = pc.if_else(pa.array(on_contact), _ids("003", lead + 1), _ids("00Q", lead + 1))
        chunk = chunk.append_column("who_id", who)
        for task_type in SALESFORCE_TASK_TYPES:
            rows = chunk.filter(pc.equal(kind, task_type))
            size = rows.num_rows
            writer.write(
                "task",
                {
                    "id": _ids("00T", np.arange(tasks + 1, tasks + size + 1)),
                    "who_id": rows["who_id"],
                    "owner_id": _take(users, _rep_positions(rows["owner_id"])),
                    "type": _const(SALESFORCE_TASK_TYPES[task_type], size),
                    "task_subtype": _const(SALESFORCE_TASK_TYPES[task_type], size),
                    "subject": rows["detail"],
                    "activity_date": _dates(rows["occurred_at"]),
                    "created_date": rows["occurred_at"],
                    "call_duration_in_seconds": rows["duration_seconds"],
                    "is_deleted": _const("false", size),
                },
            )
            tasks += size
        for event_type, label in SALESFORCE_EVENT_TYPES.items():
            rows = chunk.filter(pc.equal(kind, event_type))
            size = rows.num_rows
            seconds = pc.cast(rows["duration_seconds"], pa.float64())
            minutes = pc.cast(pc.round(pc.divide(seconds, 60.0)), pa.int64())
            writer.write(
                "event",
                {
                    "id": _ids("00U", np.arange(events + 1, events + size + 1)),
                    "who_id": rows["who_id"],
                    "owner_id": _take(users, _rep_positions(rows["owner_id"])),
                    "type": _const(label, size),
                    "subject": rows["detail"],
                    "activity_date_time": rows["occurred_at"],
                    "activity_date": _dates(rows["occurred_at"]),
                    "created_date": rows["occurred_at"],
                    "duration_in_minutes": pc.cast(minutes, pa.string()),
                    "is_deleted": _const("false", size),
                },
            )
            events += size
        is_member = pc.is_in(kind, value_set=pa.array(list(SALESFORCE_CAMPAIGNS)))
        members.append(
            chunk.filter(is_member).select(
                ["activity_type", "lead_id", "who_id", "occurred_at", "campaign"]
            )
        )
    _salesforce_campaigns(writer, pa.concat_tables(members).combine_chunks())


def _salesforce_campaigns(writer: _Writer, members: pa.Table) -> None:
    """Campaigns and their members. One member per registration, its status Attended (set
    when the lead attended) when an attendance of the same lead and webinar follows it; an
    attendance without an earlier registration is a member of its own, Attended."""
    kind = members["activity_type"].to_numpy(zero_copy_only=False)
    campaign_type = np.array([SALESFORCE_CAMPAIGNS[k][0] for k in kind], dtype=object)
    status = np.array([SALESFORCE_CAMPAIGNS[k][1] for k in kind], dtype=object)
    name = pc.fill_null(members["campaign"], "(no campaign)")
    key = pc.binary_join_element_wise(pa.array(campaign_type, pa.string()), name, "|")
    campaigns = pc.unique(key)
    campaign_no = pc.index_in(key, value_set=campaigns).to_numpy(zero_copy_only=False)
    parts = pc.split_pattern(campaigns, "|", max_splits=1).to_pylist()
    writer.write(
        "campaign",
        {
            "id": _ids("701", np.arange(1, len(campaigns) + 1)),
            "name": pa.array([p[1] for p in parts]),
            "type": pa.array([p[0] for p in parts]),
            "is_deleted": _const("false", len(campaigns)),
        },
    )

    # pair each attendance with the latest unpaired registration of its lead and webinar
    lead = members["lead_id"].to_numpy(zero_copy_only=False)
    attended_at = np.full(kind.size, -1, dtype=np.int64)
    keep = kind != "webinar_attended"
    open_registrations: dict[tuple[str, int], list[int]] = {}
    for row in np.flatnonzero(np.isin(kind, ("webinar_registered", "webinar_attended"))):
        pair = (lead[row], int(campaign_no[row]))
        if kind[row] == "webinar_registered":
            open_registrations.setdefault(pair, []).append(int(row))
        elif open_registrations.get(pair):
            attended_at[open_registrations[pair].pop()] = row
        else:
            keep[row] = True
    status[attended_at >= 0] = "Attended"
    rows = np.flatnonzero(keep)
    at = members["occurred_at"]
    modified = np.where(attended_at >= 0, attended_at, np.arange(kind.size))[rows]
    who = members["who_id"].take(pa.array(rows))
    on_lead = pc.starts_with(who, "00Q")
    writer.write(
        "campaign_member",
        {
            "id": _ids("00v", np.arange(1, rows.size + 1)),
            "campaign_id": _ids("701", campaign_no[rows] + 1),
            "lead_id": pc.if_else(on_lead, who, NULL),
            "contact_id": pc.if_else(on_lead, NULL, who),
            "status": pa.array(status[rows], pa.string()),
            "has_responded": _const("true", rows.size),
            "first_responded_date": _dates(at.take(pa.array(rows))),
            "created_date": at.take(pa.array(rows)),
            "last_modified_date": at.take(pa.array(modified)),
            "is_deleted": _const("false", rows.size),
        },
    )


# ------------------------------------------------------------------------------- HubSpot


def _hubspot(writer: _Writer, pop: _Population, activities: RawTable) -> None:
    seed = stage_of_label()
    lifecycle = crm_labels(HUBSPOT_LIFECYCLE_STAGES, seed)
    lead_status = crm_labels(HUBSPOT_LEAD_STATUSES, seed)
    owners = _text(50_000_000 + np.arange(1, len(REPS) + 1))
    st, n = pop.stages, pop.size
    ld = pop.leads
    numbers = np.arange(1, n + 1)
    writer.write(
        "contact",
        {
            "id": _text(numbers),
            "_fivetran_deleted": _const("false", n),
            "property_email": ld["email"],
            "property_firstname": ld["first_name"],
            "property_lastname": ld["last_name"],
            "property_jobtitle": ld["job_title"],
            "property_phone": ld["phone"],
            "property_company": ld["company_name"],
            "property_numemployees": ld["company_size"],
            "property_industry": ld["industry"],
            "property_country": ld["country"],
            "property_hs_analytics_source": pc.utf8_upper(ld["lead_source"]),
            "property_createdate": ld["created_at"],
            "property_hubspot_owner_id": _take(owners, _rep_positions(ld["owner_id"])),
        },
    )
    writer.write(
        "owner",
        {
            "owner_id": owners,
            "email": pa.array([f"{rep}@example.com" for rep in REPS]),
            "first_name": pa.array([f"Rep {i + 1:02d}" for i in range(len(REPS))]),
            "last_name": _const("Sales", len(REPS)),
        },
    )

    # lifecycle stage and lead status history: a stage with a lifecycle value sets the
    # lifecycle stage, the others the lead status. HubSpot moves a lifecycle stage back (or
    # sets it again) only by clearing it first; a lead status set again is cleared first too
    # (a value that repeats the previous one is no change), a second earlier
    rows = np.flatnonzero(~pop.is_deal)
    stage = pop.stage[rows]
    on_lifecycle = np.array([s in lifecycle for s in stage])
    value = np.array(
        [lifecycle[s][0] if s in lifecycle else lead_status[s][0] for s in stage], dtype=object
    )
    lead = pop.stage_lead[rows]
    group = lead * 2 + on_lifecycle
    previous = _previous_in_group(group)
    order = {s: i for i, s in enumerate(common.funnel_stages())}
    rank = np.array([order.get(s, -1) for s in stage])
    has_previous = previous >= 0
    prev = np.where(has_previous, previous, 0)
    clears = has_previous & np.where(on_lifecycle, rank <= rank[prev], value == value[prev])
    t = _seconds(st["changed_at"].take(pa.array(rows)))
    clear_rows = np.flatnonzero(clears)
    all_rows = np.r_[np.arange(rows.size), clear_rows]
    all_t = np.r_[t, t[clear_rows] - 1]
    all_value = pa.array(np.r_[value, np.full(clear_rows.size, None, dtype=object)], pa.string())
    in_order = np.argsort(all_t, kind="stable")
    writer.write(
        "contact_property_history",
        {
            "contact_id": _text(lead[all_rows[in_order]] + 1),
            "name": pa.array(
                np.where(on_lifecycle[all_rows[in_order]], "lifecyclestage", "hs_lead_status")
            ),
            "value": all_value.take(pa.array(in_order)),
            "timestamp": _timestamps(all_t[in_order]),
        },
    )

    # deals: one per lead with deal rows, its stages the lead's deal rows
    pipeline_open = [s for s, _, won, closed in HUBSPOT_PIPELINE if not closed]
    closed_stage = {
        "customer": next(s for s, _, won, _ in HUBSPOT_PIPELINE if won),
        "lost": next(s for s, _, won, closed in HUBSPOT_PIPELINE if closed and not won),
    }
    deal_rows = np.flatnonzero(pop.is_deal)
    deal_lead = pop.stage_lead[deal_rows]
    deal_stage = pop.stage[deal_rows]
    is_open = deal_stage == "opportunity"
    open_rank = np.zeros(deal_rows.size, dtype=np.int64)
    open_rank[is_open] = _rank_in_group(deal_lead[is_open])
    stage_id = [
        pipeline_open[r % len(pipeline_open)] if s == "opportunity" else closed_stage[s]
        for s, r in zip(deal_stage, open_rank, strict=True)
    ]
    writer.write(
        "deal_stage",
        {
            "deal_id": _text(deal_lead + 1),
            "value": pa.array(stage_id, pa.string()),
            "date_entered": st["changed_at"].take(pa.array(deal_rows)),
        },
    )
    has_deal = np.flatnonzero(pop.first_deal_s < np.iinfo(np.int64).max)
    amount = st["amount"].take(pa.array(deal_rows))
    last_amount = _last_in_group(deal_lead, n, pc.is_valid(amount).to_numpy(zero_copy_only=False))
    deal_owner = st["owner_id"].take(pa.array(deal_rows))
    last_owner = _last_in_group(
        deal_lead, n, pc.is_valid(deal_owner).to_numpy(zero_copy_only=False)
    )
    reason = st["reason"].take(pa.array(deal_rows))
    last_lost = _last_in_group(deal_lead, n, deal_stage == "lost")
    size = has_deal.size
    writer.write(
        "deal",
        {
            "deal_id": _text(has_deal + 1),
            "is_deleted": _const("false", size),
            "_fivetran_deleted": _const("false", size),
            "owner_id": _take(owners, _rep_positions(_take(deal_owner, last_owner[has_deal]))),
            "property_amount": _take(amount, last_amount[has_deal]),
            "property_closed_lost_reason": _take(reason, last_lost[has_deal]),
        },
    )
    writer.write(
        "deal_contact", {"deal_id": _text(has_deal + 1), "contact_id": _text(has_deal + 1)}
    )
    writer.write(
        "deal_pipeline_stage",
        {
            "stage_id": pa.array([s for s, *_ in HUBSPOT_PIPELINE]),
            "closed_won": pa.array([str(won).lower() for _, _, won, _ in HUBSPOT_PIPELINE]),
            "is_closed": pa.array([str(closed).lower() for *_, closed in HUBSPOT_PIPELINE]),
            "probability": pa.array([p for _, p, _, _ in HUBSPOT_PIPELINE]),
            "_fivetran_deleted": _const("false", len(HUBSPOT_PIPELINE)),
        },
    )
    forms = list(HUBSPOT_FORMS)
    form_ids = pa.array([f"f0000000-0000-4000-8000-{i:012d}" for i in range(1, len(forms) + 1)])
    writer.write("form", {"guid": form_ids, "name": pa.array(list(HUBSPOT_FORMS.values()))})
    _hubspot_activities(writer, pop, activities, owners, forms, form_ids)


def _hubspot_activities(
    writer: _Writer,
    pop: _Population,
    activities: RawTable,
    owners: pa.Array,
    forms: list[str],
    form_ids: pa.Array,
) -> None:
    emails = pop.leads["email"]
    email_campaigns: dict[str, int] = {}
    engagements = events = submissions = 0
    for chunk in _render_chunks(activities):
        kind = chunk["activity_type"]
        # sales engagements: one id sequence across calls, e-mails and meetings
        for activity_type, table in HUBSPOT_ENGAGEMENTS.items():
            rows = chunk.filter(pc.equal(kind, activity_type))
            size = rows.num_rows
            ids = _text(np.arange(engagements + 1, engagements + size + 1))
            engagements += size
            common_columns = {
                "engagement_id": ids,
                "_fivetran_deleted": _const("false", size),
                "property_hs_timestamp": rows["occurred_at"],
                "property_hubspot_owner_id": _take(owners, _rep_positions(rows["owner_id"])),
            }
            if table == "engagement_call":
                ms = pc.multiply(pc.cast(rows["duration_seconds"], pa.int64()), 1000)
                specific = {
                    "property_hs_call_title": rows["detail"],
                    "property_hs_call_duration": pc.cast(ms, pa.string()),
                }
            elif table == "engagement_email":
                specific = {
                    "type": _const("EMAIL", size),
                    "property_hs_email_direction": _const("EMAIL", size),
                    "property_hs_email_subject": rows["detail"],
                }
            else:
                start = _seconds(rows["occurred_at"])
                seconds = pc.fill_null(pc.cast(rows["duration_seconds"], pa.int64()), 1800)
                specific = {
                    "property_hs_meeting_title": rows["detail"],
                    "property_hs_meeting_start_time": rows["occurred_at"],
                    "property_hs_meeting_end_time": _timestamps(
                        start + seconds.to_numpy(zero_copy_only=False)
                    ),
                    "property_hs_meeting_outcome": _const("COMPLETED", size),
                }
            writer.write(table, common_columns | specific)
            writer.write(
                "engagement_contact",
                {"engagement_id": ids, "contact_id": _text(_number_of(rows["lead_id"]))},
            )

        # marketing e-mail events, matched to the contact by the recipient address
        rows = chunk.filter(pc.is_in(kind, value_set=pa.array(list(HUBSPOT_EMAIL_EVENTS))))
        size = rows.num_rows
        name = pc.fill_null(rows["campaign"], "(no campaign)")
        for new in pc.unique(name).to_pylist():
            email_campaigns.setdefault(new, len(email_campaigns) + 1)
        known = pa.array(list(email_campaigns))
        campaign_no = pc.index_in(name, value_set=known).to_numpy(zero_copy_only=False) + 1
        event_type = pc.index_in(
            rows["activity_type"], value_set=pa.array(list(HUBSPOT_EMAIL_EVENTS))
        )
        writer.write(
            "email_event",
            {
                "id": _text(np.arange(events + 1, events + size + 1)),
                "type": pa.array(list(HUBSPOT_EMAIL_EVENTS.values())).take(event_type),
                "created": rows["occurred_at"],
                "recipient": emails.take(pa.array(_number_of(rows["lead_id"]) - 1)),
                "email_campaign_id": _text(campaign_no),
                "filtered_event": _const("false", size),
            },
        )
        events += size

        # form submissions, of the form named for the activity type
        rows = chunk.filter(pc.is_in(kind, value_set=pa.array(forms)))
        size = rows.num_rows
        detail = rows["detail"]
        writer.write(
            "contact_form_submission",
            {
                "contact_id": _text(_number_of(rows["lead_id"])),
                "form_id": form_ids.take(
                    pc.index_in(rows["activity_type"], value_set=pa.array(forms))
                ),
                "conversion_id": _ids("c", np.arange(submissions + 1, submissions + size + 1)),
                "page_url": pc.if_else(pc.starts_with(pc.fill_null(detail, ""), "/"), detail, NULL),
                "title": detail,
                "timestamp": rows["occurred_at"],
            },
        )
        submissions += size
    writer.write(
        "email_campaign",
        {
            "id": _text(np.arange(1, len(email_campaigns) + 1)),
            "name": pa.array(list(email_campaigns)),
        },
    )
