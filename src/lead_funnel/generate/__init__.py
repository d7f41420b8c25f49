"""The synthetic raw-data generator: `lead-funnel generate` (or python -m lead_funnel.generate).

Modules: config (what to generate, raw columns), catalogues (+ data/*.json), sampling and
text (vectorised helpers), people, stage_changes, deals and activities (the simulation),
defects, plan (offer_spend.csv), simulate (generate()), writers (CSV / Parquet files),
crm_shapes (the same data as Salesforce or HubSpot connector tables: --shape) and cli
(main()).
"""

from .activities import ActivitySimulator
from .catalogues import STAGE_LABELS
from .cli import build_parser, config_from_args, main
from .config import (
    ACTIVITY_COLUMNS,
    LEAD_COLUMNS,
    STAGE_COLUMNS,
    TABLE_COLUMNS,
    Config,
    UsageError,
)
from .people import Companies, Leads
from .simulate import generate
from .stage_changes import FunnelSimulator, MqlEntries
from .tables import Dataset, Defect, RawTable
from .text import format_ids, format_timestamps, month_of, naive_timestamp
from .writers import write_dataset

__all__ = [
    "ACTIVITY_COLUMNS",
    "LEAD_COLUMNS",
    "STAGE_COLUMNS",
    "STAGE_LABELS",
    "TABLE_COLUMNS",
    "ActivitySimulator",
    "Companies",
    "Config",
    "Dataset",
    "Defect",
    "FunnelSimulator",
    "Leads",
    "MqlEntries",
    "RawTable",
    "UsageError",
    "build_parser",
    "config_from_args",
    "format_ids",
    "format_timestamps",
    "generate",
    "main",
    "month_of",
    "naive_timestamp",
    "write_dataset",
]
