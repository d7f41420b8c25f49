"""What to generate (Config), the raw tables' columns and the generator's fixed sizes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from lead_funnel import common


def raw_columns(table: str) -> tuple[str, ...]:
    """The columns of raw table `table` (leads, activities, stage_changes), in contract order,
    from their one home (lead_funnel.common.raw_columns)."""
    return tuple(common.raw_columns(table))


LEAD_COLUMNS = raw_columns("leads")
ACTIVITY_COLUMNS = raw_columns("activities")
STAGE_COLUMNS = raw_columns("stage_changes")
TABLE_COLUMNS = {
    "leads": LEAD_COLUMNS,
    "activities": ACTIVITY_COLUMNS,
    "stage_changes": STAGE_COLUMNS,
}

DEFAULT_START = dt.date(2024, 1, 1)
DEFAULT_END = dt.date(2025, 12, 31)
GRACE_DAYS = 14  # the extract is taken this many days after the end of the creation window
LEAD_ID_WIDTH = 7  # L0000001 .. L9999999
EVENT_ID_WIDTH = 8  # A00000001 / S00000001: room for 30M+ activities
CHUNK_ROWS = 1_000_000
MAX_LEADS = 20_000_000

DAY = 86_400
HOUR = 3_600
MINUTE = 60


class UsageError(Exception):
    """A bad argument combination; the message says what to do instead."""


@dataclass(frozen=True)
class Config:
    """What to generate and where to write it."""

    leads: int
    seed: int
    out: Path
    fmt: str = "csv"
    start: dt.date = DEFAULT_START
    end: dt.date = DEFAULT_END
    activities_per_lead: float = 20.0
    defects: bool = False
    landing_days: int | None = None
    shape: str = "files"  # files: the raw tables; salesforce / hubspot: connector tables
    file_prefix: str = ""
    demo: bool = False  # the committed demo: the offer plan splits channel_spend.csv as it is
    offer_plan: Path | None = None  # where offer_spend.csv goes (default: OUT/offer_spend.csv)

    @property
    def start_s(self) -> int:
        return epoch(self.start)

    @property
    def end_s(self) -> int:
        """Last second of the creation window."""
        return epoch(self.end) + DAY - 1

    @property
    def cutoff_s(self) -> int:
        """The moment the extract was taken: no event is later."""
        return self.end_s + GRACE_DAYS * DAY


def epoch(day: dt.date) -> int:
    """Seconds since 1970-01-01 at the start of the day (UTC)."""
    return int((day - dt.date(1970, 1, 1)).days) * DAY
