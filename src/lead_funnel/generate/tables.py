"""The generated raw tables: numeric columns plus a renderer to text, and the defects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class RawTable:
    """One raw table: `size` generated rows (rendered to text chunk by chunk), overrides of
    single cells (defects) and extra text rows appended at the end (defects)."""

    name: str
    columns: tuple[str, ...]
    size: int
    render_rows: Callable[[np.ndarray], dict[str, pa.Array]]
    landing_day: np.ndarray
    overrides: dict[str, dict[int, str | None]] = field(default_factory=dict)
    extra_rows: list[dict[str, str | None]] = field(default_factory=list)

    def render(self, rows: np.ndarray) -> pa.Table:
        arrays = self.render_rows(rows)
        for column, cells in self.overrides.items():
            hits = [(pos, value) for pos, value in cells.items() if np.any(rows == pos)]
            if not hits:
                continue
            where = {int(np.flatnonzero(rows == pos)[0]): value for pos, value in hits}
            mask = np.zeros(rows.size, dtype=bool)
            mask[list(where)] = True
            replacement = pa.array([where[i] for i in sorted(where)], type=pa.string())
            arrays[column] = pc.replace_with_mask(arrays[column], pa.array(mask), replacement)
        return pa.table([arrays[c] for c in self.columns], names=list(self.columns))

    def render_extra(self) -> pa.Table:
        data = {c: pa.array([r.get(c) for r in self.extra_rows], pa.string()) for c in self.columns}
        return pa.table(data)

    def row(self, position: int) -> dict[str, str | None]:
        return self.render(np.array([position])).to_pylist()[0]

    @property
    def total_rows(self) -> int:
        return self.size + len(self.extra_rows)


@dataclass
class Defect:
    table: str
    key: str
    defect: str


@dataclass
class Dataset:
    leads: RawTable
    activities: RawTable
    stage_changes: RawTable
    defects: list[Defect] = field(default_factory=list)
    # offer_spend.csv rows (plan.PlanRow); None when seeds/config/channel_spend.csv is missing
    offer_plan: list[tuple[str, str, str, int]] | None = None

    def tables(self) -> tuple[RawTable, RawTable, RawTable]:
        return (self.leads, self.activities, self.stage_changes)
