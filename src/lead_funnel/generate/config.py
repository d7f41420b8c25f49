"""What to generate (Config), the raw tables' columns and the generator's fixed sizes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# src/lead_funnel/generate/config.py -> the project directory
PROJECT_DIR = Path(__file__).resolve().parents[3]
RAW_SOURCES_YML = PROJECT_DIR / "models" / "staging" / "_raw__sources.yml"
RAW_COLUMNS_MACRO = PROJECT_DIR / "macros" / "raw_columns.sql"


def _raw_columns_from_project(table: str) -> tuple[str, ...]:
    """The raw table's columns in contract order, from the `raw` source's column list in
    models/staging/_raw__sources.yml (docs/definitions.md#raw-data-contract).

    Transitional: while that file lists no columns yet, they are read from the list in
    macros/raw_columns.sql instead. Both readers go once lead_funnel.common.raw_columns
    (which this module then uses) has landed."""
    sources = yaml.safe_load(RAW_SOURCES_YML.read_text(encoding="utf-8"))
    for source in sources.get("sources", []):
        if source.get("name") != "raw":
            continue
        for entry in source.get("tables", []):
            if entry.get("name") == table and entry.get("columns"):
                return tuple(column["name"] for column in entry["columns"])
    macro = RAW_COLUMNS_MACRO.read_text(encoding="utf-8")
    found = re.search(rf"'{re.escape(table)}':\s*\[([^\]]*)\]", macro)
    if not found:
        raise LookupError(f"no columns of raw table {table!r} in {RAW_SOURCES_YML}")
    return tuple(re.findall(r"'([a-z_]+)'", found.group(1)))


try:  # the package's one reader of the raw contract, where it exists
    from lead_funnel.common import raw_columns as _raw_columns  # type: ignore[attr-defined]
except ImportError:
    _raw_columns = _raw_columns_from_project


def raw_columns(table: str) -> tuple[str, ...]:
    """The columns of raw table `table` (leads, activities, stage_changes), in contract order."""
    return tuple(_raw_columns(table))


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
    file_prefix: str = ""

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
