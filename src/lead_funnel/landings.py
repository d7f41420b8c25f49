"""The landing ledger (models/staging/stg_landing_ledger.sql) as the run reports it: which
landing files of raw_dir this run read, and which ones the ledger holds that are gone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LEDGER = "staging.stg_landing_ledger"


@dataclass(frozen=True)
class MissingLanding:
    """A file the ledger read once that is no longer in raw_dir (its rows are kept)."""

    source_table: str
    landing_file: str
    raw_rows: int
    missing_since: str


@dataclass(frozen=True)
class LandingSummary:
    """What the ledger says after a build: files read by this run (and how many of them were
    read again, unchanged, because the staging logic changed), files missing."""

    files_read: int
    rows_read: int
    files_known: int
    missing: list[MissingLanding]
    files_reread_for_new_logic: int = 0


def landing_summary(build_db: Path, since: datetime) -> LandingSummary | None:
    """The ledger's state in the build database: the files read by a run started at or after
    `since` (UTC), and the missing ones; None when the ledger has no rows (no raw_dir)."""
    import duckdb

    with duckdb.connect(str(build_db), read_only=True) as connection:
        exists = connection.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'staging' and table_name = 'stg_landing_ledger'"
        ).fetchone()
        if not exists or not exists[0]:
            return None
        has_logic_column = connection.execute(
            "select count(*) from duckdb_columns() where schema_name = 'staging' "
            "and table_name = 'stg_landing_ledger' and column_name = 'is_reread_for_new_logic'"
        ).fetchone()
        reread = "is_reread_for_new_logic" if has_logic_column and has_logic_column[0] else "false"
        known, read, rows, reread_files = connection.execute(
            f"select count(*), count(*) filter (where loaded_at >= ?), "
            f"coalesce(sum(raw_rows) filter (where loaded_at >= ?), 0), "
            f"count(*) filter (where loaded_at >= ? and {reread}) from {LEDGER}",
            [since, since, since],
        ).fetchone()
        if not known:
            return None
        missing = [
            MissingLanding(table, path, int(raw_rows or 0), str(missing_since))
            for table, path, raw_rows, missing_since in connection.execute(
                f"select source_table, landing_file, raw_rows, missing_since from {LEDGER} "
                "where not is_present order by source_table, landing_file"
            ).fetchall()
        ]
    return LandingSummary(int(read), int(rows), int(known), missing, int(reread_files))


def reread_message(files: int) -> str:
    """Why a run read landing files again that had not changed."""
    noun = "file was" if files == 1 else "files were"
    return (
        f"{files:,} landing {noun} read again, unchanged: the staging logic or its "
        "configuration (typing, triage, seeds/config/stage_mapping.csv, ...) changed since "
        "they were read, so their rows are rebuilt with it."
    )


def missing_message(missing: list[MissingLanding], shown: int = 5) -> str:
    """What to tell the operator about landing files gone from raw_dir."""
    rows = sum(file.raw_rows for file in missing)
    noun = "file" if len(missing) == 1 else "files"
    listed = "\n  ".join(
        f"{file.source_table}: {file.landing_file} ({file.raw_rows:,} rows, missing since "
        f"{file.missing_since})"
        for file in missing[:shown]
    )
    more = f"\n  ... and {len(missing) - shown} more" if len(missing) > shown else ""
    one = len(missing) == 1
    return (
        f"{len(missing)} landing {noun} read by earlier runs {'is' if one else 'are'} "
        f"no longer in raw_dir; {'its' if one else 'their'} {rows:,} rows are kept "
        f"(staging.stg_landing_ledger lists them):\n  {listed}{more}\n"
        "Put the files back, or run with --full-refresh to rebuild from the files that are there."
    )
