"""One pipeline run per build database, and recovery from what an interrupted run left behind.

- run_lock(build_db): a lock file beside the build database (NAME.build.duckdb.lock) held
  with an exclusive flock for the whole run and holding the run's pid. A second run on the
  same database stops at once with "another run is building FILE (pid N)". The kernel
  releases a flock when its process dies (kill -9 included), so a lock left by a killed run
  is stale by construction and the next run takes it over, saying so.
- remove_leftover_partials(published): the `.NAME.PID.partial` copies a publish killed
  mid-copy leaves beside the published file (only a run holding the lock publishes there,
  so any such file is a leftover).
- check_build_db(build_db): a build database that DuckDB cannot open (truncated, not a
  DuckDB file) is removed, with its write-ahead log, so the run rebuilds it from the raw
  data (a full build); one held by another process is a PipelineError. The published file
  is never touched by any of this.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from lead_funnel.common import PipelineError

LOCK_SUFFIX = ".lock"


class RunBusy(PipelineError):
    """Another run holds the build database's lock."""


def lock_path(build_db: Path) -> Path:
    """The lock file of a build database (beside it)."""
    return build_db.with_name(build_db.name + LOCK_SUFFIX)


def _pid_is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # running, under another user
        return True
    return True


def _recorded_pid(text: str) -> int | None:
    first = text.strip().split()[0] if text.strip() else ""
    return int(first) if first.isdigit() else None


@contextlib.contextmanager
def run_lock(build_db: Path, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the build database's lock for the block; RunBusy when another run holds it."""
    path = lock_path(build_db)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _recorded_pid(os.pread(handle, 64, 0).decode("ascii", "replace"))
            who = f"pid {holder}" if holder else "pid unknown"
            raise RunBusy(
                f"another run is building {build_db} ({who}). Wait for it to finish, or "
                f"give this run its own --db. Its lock file is {path}."
            ) from None
        previous = _recorded_pid(os.pread(handle, 64, 0).decode("ascii", "replace"))
        if previous and previous != os.getpid():
            state = "still running but not building" if _pid_is_running(previous) else "gone"
            say(
                f"took over the lock of an earlier run (pid {previous}, {state}) that did "
                f"not finish: {path}"
            )
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            os.ftruncate(handle, 0)
            with contextlib.suppress(OSError):
                path.unlink()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def remove_leftover_partials(
    published: Path, say: Callable[[str], None], parquet_export: Path | None = None
) -> list[Path]:
    """Remove the partial copies an interrupted publish left beside the published file, and
    the half-written folders of an interrupted Parquet export (never a finished version)."""
    from lead_funnel.publish import parquet_versions_dir

    # the names are data: a `[` in --db must not match (and delete) another file's copies
    leftovers = sorted(published.parent.glob(f".{glob.escape(published.name)}.*.partial"))
    if parquet_export is not None:
        # an export folder is not tied to one build database: a run on another --db may be
        # writing its version right now (`STAMP-PID.partial`), so only a dead run's is removed
        for folder in sorted(parquet_versions_dir(parquet_export).glob("*.partial")):
            pid = folder.name.removesuffix(".partial").rsplit("-", 1)[-1]
            if not (pid.isdigit() and int(pid) != os.getpid() and _pid_is_running(int(pid))):
                leftovers.append(folder)
    removed = []
    for leftover in leftovers:
        with contextlib.suppress(FileNotFoundError):
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.chmod(0o644)
                leftover.unlink()
            removed.append(leftover)
            say(f"removed {leftover.name}, a partial copy left by an interrupted publish")
    return removed


def check_build_db(build_db: Path, say: Callable[[str], None]) -> bool:
    """True when the build database was unreadable and has been removed (the caller then
    builds everything from the raw data); PipelineError when another process holds it."""
    import duckdb

    if not build_db.exists():
        return False
    try:
        with duckdb.connect(str(build_db)) as connection:
            connection.execute("select count(*) from duckdb_tables()").fetchall()
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        if "could not set lock" in message.lower() or "conflicting lock" in message.lower():
            raise PipelineError(
                f"the build database {build_db} is in use by another process ({message}). "
                "Close whatever has it open (a BI tool or notebook should read the published "
                "file instead) and run again."
            ) from error
        say(
            f"the build database {build_db} cannot be opened ({message}); it is removed "
            "and rebuilt from the raw data (a full build). The published file is untouched."
        )
        for stale in (build_db, build_db.with_name(build_db.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        return True
    return False
