"""Vectorised text rendering: ids, ISO 8601 timestamps and catalogue lookups written into
byte matrices and Arrow string arrays (no per-row Python)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .config import DAY, HOUR, MINUTE


def month_index(t: np.ndarray, first_month: int) -> np.ndarray:
    """Months since `first_month` (months since 1970) for epoch seconds."""
    days = t // DAY
    cal = _Calendar.spanning(days)
    return cal.months[cal.index(days)] - first_month


def _put_digits(buf: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    v = values.astype(np.int64)
    for k in range(width - 1, -1, -1):
        buf[:, col + k] = 48 + v % 10
        v = v // 10


def _matrix_to_strings(buf: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """Rows of a uint8 matrix, each cut to its length, as an Arrow string array."""
    n = buf.shape[0]
    if n and lengths.min() == buf.shape[1]:
        data = np.ascontiguousarray(buf).ravel()
    else:
        data = np.ascontiguousarray(buf[np.arange(buf.shape[1]) < lengths[:, None]])
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def format_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`prefix` + zero-padded number, e.g. L0000042."""
    n = numbers.size
    width = max(width, len(str(int(numbers.max()))) if n else width)
    buf = np.empty((n, 1 + width), dtype=np.uint8)
    buf[:, 0] = ord(prefix)
    _put_digits(buf, 1, numbers, width)
    return _matrix_to_strings(buf, np.full(n, 1 + width, dtype=np.int64))


@dataclass(frozen=True)
class _Calendar:
    """Lookup tables for the days first_day..last_day: date text, month since 1970, month."""

    first_day: int
    date_text: np.ndarray  # (days, 10) uint8: YYYY-MM-DD
    months: np.ndarray  # months since 1970-01
    month: np.ndarray  # 1..12

    @classmethod
    def spanning(cls, days: np.ndarray) -> _Calendar:
        lo, hi = (int(days.min()), int(days.max())) if days.size else (0, 0)
        d64 = np.arange(lo, hi + 1).astype("datetime64[D]")
        months = d64.astype("datetime64[M]")
        year = months.astype("datetime64[Y]").astype(np.int64) + 1970
        month = months.astype(np.int64) % 12 + 1
        dom = (d64 - months.astype("datetime64[D]")).astype(np.int64) + 1
        text = np.empty((d64.size, 10), dtype=np.uint8)
        _put_digits(text, 0, year, 4)
        text[:, 4] = text[:, 7] = ord("-")
        _put_digits(text, 5, month, 2)
        _put_digits(text, 8, dom, 2)
        return cls(lo, text, months.astype(np.int64), month)

    def index(self, days: np.ndarray) -> np.ndarray:
        return days - self.first_day


def _clock_table() -> np.ndarray:
    """(86400, 8) uint8: HH:MM:SS for every second of the day."""
    sod = np.arange(DAY)
    table = np.empty((DAY, 8), dtype=np.uint8)
    _put_digits(table, 0, sod // HOUR, 2)
    table[:, 2] = table[:, 5] = ord(":")
    _put_digits(table, 3, sod // MINUTE % 60, 2)
    _put_digits(table, 6, sod % 60, 2)
    return table


_CLOCK = _clock_table()


def month_of(t: np.ndarray) -> np.ndarray:
    """Calendar month (1..12) of epoch seconds (UTC)."""
    days = t // DAY
    cal = _Calendar.spanning(days)
    return cal.month[cal.index(days)]


def format_timestamps(t: np.ndarray, style: np.ndarray, offset_min: np.ndarray) -> pa.Array:
    """ISO 8601 text: style 0 `YYYY-MM-DD HH:MM:SS` (UTC), 1 `YYYY-MM-DDTHH:MM:SSZ`, 2 local
    time `YYYY-MM-DDTHH:MM:SS+HH:MM` (the local clock shifted by the offset: same instant)."""
    n = t.size
    off = np.where(style == 2, offset_min, 0).astype(np.int64)
    local = t.astype(np.int64) + off * MINUTE
    days = local // DAY
    cal = _Calendar.spanning(days)
    buf = np.empty((n, 25), dtype=np.uint8)
    buf[:, :10] = cal.date_text[cal.index(days)]
    buf[:, 10] = np.where(style == 0, ord(" "), ord("T"))
    buf[:, 11:19] = _CLOCK[local - days * DAY]
    offset = style == 2
    buf[:, 19] = np.where(style == 1, ord("Z"), np.where(off < 0, ord("-"), ord("+")))
    if offset.any():
        hhmm = np.abs(off[offset])
        buf[offset, 20:25] = _CLOCK[hhmm * MINUTE][:, 0:5]
    lengths = np.where(style == 0, 19, np.where(style == 1, 20, 25))
    return _matrix_to_strings(buf, lengths)


def naive_timestamp(t: int) -> str:
    """One UTC instant as naive `YYYY-MM-DD HH:MM:SS` text."""
    return dt.datetime.fromtimestamp(int(t), dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def take(catalogue: pa.Array, index: np.ndarray) -> pa.Array:
    """catalogue[index] as strings; a negative index gives null."""
    idx = pa.array(np.maximum(index, 0).astype(np.int32), mask=index < 0)
    return pc.take(catalogue, idx)


def int_text(values: np.ndarray, missing: np.ndarray) -> pa.Array:
    """Whole numbers as text; null where `missing`."""
    return pa.array(values.astype(np.int64), mask=missing).cast(pa.string())


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literals."""
    return pc.binary_join_element_wise(*parts, "")
