"""Writing the tables as CSV or Parquet files, whole or as daily landing files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .config import CHUNK_ROWS, DAY, Config
from .tables import Dataset, RawTable


def _file_name(cfg: Config, table: str, day: str | None = None) -> str:
    ext = "parquet" if cfg.fmt == "parquet" else "csv"
    name = f"{cfg.file_prefix}{table}"
    return f"{name}_{day}.{ext}" if day else f"{name}.{ext}"


class _Sink:
    """Streams Arrow tables into one CSV or Parquet file, written atomically."""

    def __init__(self, path: Path, columns: tuple[str, ...], fmt: str) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.schema = pa.schema([(c, pa.string()) for c in columns])
        self.fmt = fmt
        if fmt == "parquet":
            self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        else:
            self.file = pa.OSFile(str(self.tmp), "wb")
            self.file.write((",".join(columns) + "\n").encode())
            options = pacsv.WriteOptions(include_header=False, quoting_style="none")
            self.writer = pacsv.CSVWriter(self.file, self.schema, write_options=options)

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self.writer.write_table(table.cast(self.schema))

    def close(self) -> None:
        self.writer.close()
        if self.fmt != "parquet":
            self.file.close()
        os.replace(self.tmp, self.path)


def _write_table(
    table: RawTable,
    path: Path,
    fmt: str,
    rows: np.ndarray | None = None,
    with_extra: bool = True,
    on_rows: Callable[[int], None] | None = None,
) -> None:
    sink = _Sink(path, table.columns, fmt)
    try:
        positions = np.arange(table.size) if rows is None else rows
        for start in range(0, positions.size, CHUNK_ROWS):
            chunk = positions[start : start + CHUNK_ROWS]
            sink.write(table.render(chunk))
            if on_rows:
                on_rows(chunk.size)
        if with_extra and table.extra_rows:
            sink.write(table.render_extra())
        sink.close()
    except BaseException:
        sink.tmp.unlink(missing_ok=True)
        raise


def write_dataset(
    data: Dataset, cfg: Config, on_rows: Callable[[int], None] | None = None
) -> list[Path]:
    """Write the three tables; returns the files written."""
    cfg.out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table in data.tables():
        if cfg.landing_days is None:
            path = cfg.out / _file_name(cfg, table.name)
            _write_table(table, path, cfg.fmt, on_rows=on_rows)
            written.append(path)
            continue
        folder = cfg.out / f"{cfg.file_prefix}{table.name}"
        folder.mkdir(parents=True, exist_ok=True)
        ext = "parquet" if cfg.fmt == "parquet" else "csv"
        for stale in folder.glob(f"{cfg.file_prefix}{table.name}_????-??-??.{ext}"):
            stale.unlink()
        last_day = cfg.cutoff_s // DAY
        first_day = last_day - cfg.landing_days + 1
        day = np.maximum(table.landing_day, first_day)
        bounds = np.searchsorted(day, np.arange(first_day, last_day + 2), side="left")
        for offset in range(cfg.landing_days):
            lo, hi = bounds[offset], bounds[offset + 1]
            is_last = offset == cfg.landing_days - 1
            if hi <= lo and not (is_last and table.extra_rows):
                continue
            stamp = str(np.datetime64(int(first_day + offset), "D"))
            path = folder / _file_name(cfg, table.name, stamp)
            _write_table(
                table, path, cfg.fmt, np.arange(lo, hi), with_extra=is_last, on_rows=on_rows
            )
            written.append(path)
    return written
