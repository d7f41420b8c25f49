"""Which seeds a daily `lead-funnel run` loads again.

A seed is a small file, yet `dbt build` drops and reloads every seed on every run, and runs
every data test on it: 55 dbt nodes, a seventh of the thread-seconds of a one-day run's build
at 200k leads, for tables that did not change (they run beside the models: about 1 s of the
run's wall time). So the run records, beside the build database, what it loaded: per seed
a fingerprint of what loading it writes (its file's content, its resolved config and its
relation). A run that is not a full refresh leaves out a seed whose fingerprint is the
recorded one and whose table is in the build database, and the data tests that read nothing
but such seeds.

The record only ever names seeds whose table holds what the fingerprint says:
  - before the build it keeps only the seeds the build leaves out (a seed the build loads
    may be half loaded if the build fails: it is loaded again next time);
  - after a successful build it names every seed of the project;
  - a full refresh, or a build database that is gone or was rebuilt, loads every seed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lead_funnel.common import is_enabled


@dataclass(frozen=True)
class SeedPlan:
    """What a build does with the seeds: the enabled seeds' fingerprints (unique_id ->
    fingerprint), the seeds it leaves out and the data tests it leaves out with them."""

    fingerprints: dict[str, str]
    skipped_seeds: tuple[Any, ...] = ()
    skipped_tests: tuple[Any, ...] = ()

    @property
    def exclusions(self) -> list[str]:
        """The `--exclude` arguments that leave the skipped seeds out (their tests go with
        them under `--indirect-selection cautious`: a test also reading a model stays)."""
        return sorted(node.name for node in self.skipped_seeds)

    @property
    def kept_record(self) -> dict[str, str]:
        """The record that holds while the build runs: the seeds it leaves out."""
        skipped = {node.unique_id for node in self.skipped_seeds}
        return {uid: fp for uid, fp in self.fingerprints.items() if uid in skipped}


def record_path(build_db: Path) -> Path:
    """Beside the build database: the seeds it holds and their fingerprints."""
    return build_db.with_name(f"{build_db.name}.seeds.json")


def read_record(build_db: Path) -> dict[str, str]:
    """The recorded fingerprints; empty when there is no record or it cannot be read."""
    try:
        recorded = json.loads(record_path(build_db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(recorded, dict):
        return {}
    return {str(uid): str(fp) for uid, fp in recorded.items() if isinstance(fp, str)}


def write_record(build_db: Path, fingerprints: dict[str, str]) -> None:
    """Replace the record (written to a temporary file, then renamed over it)."""
    path = record_path(build_db)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(fingerprints, indent=2, sort_keys=True), encoding="utf-8")
    partial.replace(path)


def seed_nodes(manifest: Any) -> list[Any]:
    """The enabled seeds of the manifest."""
    return [
        node
        for node in manifest.nodes.values()
        if str(node.resource_type) == "seed" and is_enabled(node)
    ]


def file_digest(node: Any) -> str:
    """The SHA-256 of the seed's file. dbt's own checksum of a seed over 1 MiB is its path,
    not its content (the demo's raw_activities.csv is one), so the file is read here; when it
    cannot be read, dbt's checksum stands in, named by its kind."""
    path = Path(str(getattr(node, "root_path", ""))) / str(node.original_file_path)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return f"{node.checksum.name}:{node.checksum.checksum}"


def fingerprint(node: Any) -> str:
    """What loading the seed writes: its file's content (file_digest), its config as dbt
    resolved it (column types, delimiter, quoting, schema, alias, hooks ...) and its
    relation."""
    config = node.config.to_dict() if hasattr(node.config, "to_dict") else vars(node.config)
    payload = {
        "content": file_digest(node),
        "config": config,
        "relation": str(node.relation_name),
    }
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()


def existing_tables(build_db: Path) -> set[tuple[str, str]]:
    """(schema, table) of every table in the build database, lower case; empty when there
    is no database or it cannot be read."""
    import duckdb

    if not build_db.exists():
        return set()
    with contextlib.suppress(duckdb.Error), duckdb.connect(str(build_db)) as connection:
        rows = connection.execute(
            "select schema_name, table_name from duckdb_tables() where not temporary"
        ).fetchall()
        return {(str(schema).lower(), str(table).lower()) for schema, table in rows}
    return set()


def tests_reading_only(manifest: Any, seed_ids: Iterable[str]) -> list[Any]:
    """The enabled data tests that read nothing but these seeds."""
    seeds = set(seed_ids)
    return [
        node
        for node in manifest.nodes.values()
        if str(node.resource_type) == "test"
        and is_enabled(node)
        and node.depends_on.nodes
        and set(node.depends_on.nodes) <= seeds
    ]


def plan(
    manifest: Any, recorded: dict[str, str], tables: set[tuple[str, str]], full_refresh: bool
) -> SeedPlan:
    """The seeds a build leaves out: none in a full refresh; otherwise those whose
    fingerprint is the recorded one and whose table exists."""
    seeds = seed_nodes(manifest)
    fingerprints = {node.unique_id: fingerprint(node) for node in seeds}
    if full_refresh:
        return SeedPlan(fingerprints)
    skipped = tuple(
        node
        for node in seeds
        if recorded.get(node.unique_id) == fingerprints[node.unique_id]
        and (str(node.schema).lower(), str(node.alias).lower()) in tables
    )
    tests = tuple(tests_reading_only(manifest, (node.unique_id for node in skipped)))
    return SeedPlan(fingerprints, skipped, tests)
