"""Publishing the built warehouse for readers: the DuckDB file BI tools open, in a storage
format that duckdb 1.x clients read, and an optional Parquet export of the contract models.

Both are published atomically: everything is written and checked beside its target first, then
swapped in with one rename (os.replace for the file, a symlink swap for the Parquet folder), so
a reader sees the previous publish or the new one, never a part of one, and a failed or killed
run leaves the previous publish byte-identical.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lead_funnel.common import CONTRACT_MODELS, PipelineError, raw_tables

# The storage format of the published file. DuckDB 2.0 writes its own format by default, which
# no 1.x client (the JDBC / ODBC drivers of DBeaver, Metabase, Tableau, Power BI; Superset's
# duckdb-engine; Evidence's @duckdb/node-api) can open. v1.0.0 opens in duckdb 1.0 and later:
# see DECISIONLOG.md ("Publishing").
DEFAULT_STORAGE_VERSION = "v1.0.0"
STORAGE_VERSION_ENV = "LEAD_FUNNEL_STORAGE_VERSION"
# DuckDB 2.0's own format, for readers that all run duckdb 2.x
NATIVE_STORAGE_VERSION = "latest"


# Parquet exports kept besides the current one (a reader that listed the previous folder
# just before a swap can still read its files).
PARQUET_VERSIONS_KEPT = 2


def raw_seeds() -> list[str]:
    """The demo raw data loaded as seeds (seeds/demo/raw_<table>.csv): contacts as delivered,
    never in a masked publish."""
    return [f"raw_{table}" for table in raw_tables()]


def _quote(text: str | Path) -> str:
    return str(text).replace("'", "''")


def storage_version(option: str | None) -> str:
    """The published file's storage format: --storage-version, else $LEAD_FUNNEL_STORAGE_VERSION,
    else DEFAULT_STORAGE_VERSION; a version DuckDB does not know (or one older than v1.0.0,
    whose readers cannot read every type) is a PipelineError naming the choices."""
    import duckdb

    source = "--storage-version" if option else STORAGE_VERSION_ENV
    chosen = (option or os.environ.get(STORAGE_VERSION_ENV) or DEFAULT_STORAGE_VERSION).strip()
    hint = (
        f"Use a DuckDB version such as {DEFAULT_STORAGE_VERSION} (the default: duckdb 1.0 and "
        "later open it), v1.4.0 (1.4 and later) or latest (DuckDB 2.0's own format)."
    )
    is_release = chosen.startswith("v") and not chosen.startswith("v0.")
    if chosen != NATIVE_STORAGE_VERSION and not is_release:
        raise PipelineError(f"{source} {chosen!r} is not a storage version. {hint}")
    with tempfile.TemporaryDirectory(prefix="lead-funnel-storage-") as folder:
        probe = Path(folder) / "probe.duckdb"
        try:
            with duckdb.connect() as connection:
                connection.execute(
                    f"attach '{_quote(probe)}' as probe (storage_version '{_quote(chosen)}')"
                )
        except duckdb.Error as error:
            raise PipelineError(f"{source} {chosen!r} is not a storage version. {hint}") from error
    return chosen


def write_published_copy(
    build_db: Path, target: Path, version: str, mask_pii: bool = False
) -> None:
    """Write the build database's main schema to a new file `target` in the given storage
    format: every contract model, mart and configuration seed, each as a table.

    The staging and intermediate schemas stay in the build database: they are the building
    blocks (the landings' raw text, the lead-partitioned stores), most of the build's bytes,
    and rewriting them in the readers' format would cost more than the build of a day's
    landing. With mask_pii the demo's raw seeds are left out too (the contacts as delivered);
    the file is written table by table, so no dropped table's bytes remain in it.

    A contract model that the build keeps as a view over its intermediate store (the two
    facts) is written out as a table, so BI clients read rows, never a view they would have
    to bind themselves."""
    import duckdb

    with duckdb.connect() as connection:
        connection.execute(f"attach '{_quote(build_db)}' as build (read_only)")
        connection.execute(
            f"attach '{_quote(target)}' as published (storage_version '{_quote(version)}')"
        )
        written = _published_relations(connection, mask_pii)
        for name in written:
            connection.execute(
                f'create table published.main."{name}" as select * from build.main."{name}"'
            )
        connection.execute("checkpoint published")
        connection.execute("detach published")
        connection.execute("detach build")


@dataclass(frozen=True)
class AsOfRows:
    """The rows of a fact that change with every run although their lead's inputs did not
    (an open stage entry's time in stage runs up to as_of): `predicate` names them, and `key`
    (a column the fact's YAML tests unique) finds each in the previous publish."""

    predicate: str
    key: str


# Contract models published lead by lead (update_published_copy): each row carries the
# fingerprint of the lead's inputs it was built from, so a lead whose fingerprint is the same
# in the build and in the previous publish has the same rows, but for its AsOfRows.
# The fingerprint covers the store a fact reads, not the fact's own view (its text cleaning,
# its time in stage): a fact whose view definition changed since the last publish is written
# whole (view_definitions).
PUBLISHED_BY_LEAD: dict[str, AsOfRows | None] = {
    "fct_lead_activities": None,
    "fct_lead_stage_history": AsOfRows(predicate="exited_at is null", key="stage_entry_id"),
}


def publish_state_path(build_db: Path) -> Path:
    """Beside the build database: what the last publish wrote (file, size, mtime, format)."""
    return build_db.with_name(f"{build_db.name}.published.json")


def _file_signature(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _read_publish_state(build_db: Path) -> dict[str, object]:
    import json

    try:
        state = json.loads(publish_state_path(build_db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def previous_publish(build_db: Path, published: Path, version: str, mask_pii: bool) -> bool:
    """True when the published file is the one the last publish from this build database
    wrote, unchanged since (same size and modification time), in the same storage format and
    masking: the next publish can start from a byte copy of it (update_published_copy)."""
    if not published.exists():
        return False
    state = _read_publish_state(build_db)
    state.pop("definitions", None)
    return state == {
        "published": str(published),
        "version": version,
        "mask_pii": mask_pii,
        **_file_signature(published),
    }


def published_definitions(build_db: Path) -> dict[str, str]:
    """The view definitions (view_definitions) the last publish from this build database
    wrote its lead-by-lead facts with; empty when it did not record them."""
    definitions = _read_publish_state(build_db).get("definitions")
    return dict(definitions) if isinstance(definitions, dict) else {}


def record_publish(
    build_db: Path,
    published: Path,
    version: str,
    mask_pii: bool,
    definitions: dict[str, str] | None = None,
) -> None:
    import json

    state = {
        "published": str(published),
        "version": version,
        "mask_pii": mask_pii,
        **_file_signature(published),
        "definitions": definitions or {},
    }
    publish_state_path(build_db).write_text(json.dumps(state), encoding="utf-8")


def view_definitions(connection: object, catalog: str | None = "build") -> dict[str, str]:
    """A digest of the SQL of each lead-by-lead fact (PUBLISHED_BY_LEAD) that the build
    keeps as a view: the part of its rows that no lead fingerprint covers. catalog None is
    the connection's own database."""
    import hashlib

    rows = connection.execute(  # type: ignore[attr-defined]
        "select view_name, sql from duckdb_views() "
        "where database_name = coalesce(?, current_database()) and schema_name = 'main' "
        "and list_contains(?, view_name)",
        [catalog, list(PUBLISHED_BY_LEAD)],
    ).fetchall()
    return {name: hashlib.sha256(sql.encode()).hexdigest() for name, sql in rows}


def update_published_copy(
    build_db: Path,
    target: Path,
    mask_pii: bool = False,
    definitions: dict[str, str] | None = None,
) -> None:
    """Bring `target`, a byte copy of the previous publish (in its storage format), up to the
    build: the same tables as write_published_copy writes, with the two facts updated lead by
    lead (PUBLISHED_BY_LEAD: the leads whose fingerprint changed, and the rows that change
    with every run) and every other table written again (they are small). What a day's
    landing changed costs the publish, not the whole history.

    `definitions` are the view definitions the previous publish was written with
    (published_definitions): a fact whose view is defined otherwise now is written whole."""
    import duckdb

    with duckdb.connect() as connection:
        connection.execute(f"attach '{_quote(build_db)}' as build (read_only)")
        connection.execute(f"attach '{_quote(target)}' as published")
        wanted = _published_relations(connection, mask_pii)
        current = view_definitions(connection)
        unchanged_views = {
            name for name, digest in current.items() if (definitions or {}).get(name) == digest
        }
        present = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'published' and table_schema = 'main'"
            ).fetchall()
        }
        for name in sorted(present - set(wanted)):
            connection.execute(f'drop table published.main."{name}"')
        for name in wanted:
            if (
                name in unchanged_views
                and name in present
                and _columns(connection, "build", name) == _columns(connection, "published", name)
            ):
                _update_by_lead(connection, name, PUBLISHED_BY_LEAD[name])
            else:
                connection.execute(
                    f'create or replace table published.main."{name}" as '
                    f'select * from build.main."{name}"'
                )
        connection.execute("checkpoint published")
        connection.execute("detach published")
        connection.execute("detach build")


def _published_relations(connection: object, mask_pii: bool) -> list[str]:
    """The build's main relations a publish writes (every table, and the contract views)."""
    left_out = raw_seeds() if mask_pii else []
    main_relations = connection.execute(  # type: ignore[attr-defined]
        """
        select table_name, table_type = 'VIEW' from information_schema.tables
        where table_catalog = 'build' and table_schema = 'main'
            and not list_contains(?, table_name)
        order by table_name
        """,
        [left_out],
    ).fetchall()
    return [name for name, is_view in main_relations if not is_view or name in CONTRACT_MODELS]


def _columns(connection: object, catalog: str, name: str) -> list[tuple[str, str]]:
    return connection.execute(  # type: ignore[attr-defined]
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = 'main' and table_name = ? "
        "order by ordinal_position",
        [catalog, name],
    ).fetchall()


def _update_by_lead(connection: object, name: str, as_of_rows: AsOfRows | None) -> None:
    """Replace, in published.main.NAME, the rows of the leads whose (lead_id,
    lead_input_fingerprint) pairs differ from the build's; then bring the other leads'
    as_of_rows up to the build (_update_as_of_rows)."""
    build = f'build.main."{name}"'
    published = f'published.main."{name}"'
    execute = connection.execute  # type: ignore[attr-defined]
    execute(
        f"""
        create temporary table changed_leads as
        with
        built as (select distinct lead_id, lead_input_fingerprint from {build}),
        shown as (select distinct lead_id, lead_input_fingerprint from {published}),
        differing as (
            (select * from built except select * from shown)
            union all
            (select * from shown except select * from built)
        )
        select distinct lead_id from differing
        """
    )
    changed = "lead_id in (select lead_id from changed_leads)"
    execute(f"delete from {published} where {changed}")
    execute(f"insert into {published} select * from {build} where {changed}")
    if as_of_rows is not None:
        _update_as_of_rows(connection, name, as_of_rows)
    execute("drop table changed_leads")


def _update_as_of_rows(connection: object, name: str, as_of_rows: AsOfRows) -> None:
    """Set every column of the unchanged leads' as_of_rows in published.main.NAME to the
    build's, row by row on the key. An update writes only the changed columns' new values:
    at 200k leads it took 0.24 s where deleting and inserting the same 180k open stage entries
    took 0.6 to 1.2 s. Should the two sides not hold the same such rows (a key on one side
    only), they are deleted and inserted instead."""
    build = f'build.main."{name}"'
    published = f'published.main."{name}"'
    execute = connection.execute  # type: ignore[attr-defined]
    rows = f"({as_of_rows.predicate}) and lead_id not in (select lead_id from changed_leads)"
    key = f'"{as_of_rows.key}"'
    assignments = ", ".join(
        f'"{column}" = built."{column}"'
        for column, _ in _columns(connection, "build", name)
        if column != as_of_rows.key
    )
    (updated,) = execute(
        f"update {published} as shown set {assignments} "
        f"from (select * from {build} where {rows}) as built "
        f"where shown.{key} = built.{key}"
    ).fetchone()
    (built,) = execute(f"select count(*) from {build} where {rows}").fetchone()
    (shown,) = execute(f"select count(*) from {published} where {rows}").fetchone()
    if updated != built or shown != built:
        execute(f"delete from {published} where {rows}")
        execute(f"insert into {published} select * from {build} where {rows}")


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk (a rename is durable once its folder is)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _check_contract_models(database: Path) -> None:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        present = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        }
    missing = [model for model in CONTRACT_MODELS if model not in present]
    if missing:
        raise PipelineError(f"the build lacks contract models {missing}; not publishing")


def write_parquet_export(database: Path, folder: Path) -> None:
    """Every contract model of `database` as folder/<model>.parquet (zstd), folder created."""
    import duckdb

    folder.mkdir(parents=True)
    with duckdb.connect(str(database), read_only=True) as connection:
        for model in CONTRACT_MODELS:
            path = folder / f"{model}.parquet"
            connection.execute(
                f"copy (select * from main.\"{model}\") to '{_quote(path)}' "
                "(format parquet, compression zstd)"
            )
    for path in folder.iterdir():
        _fsync(path)
    _fsync(folder)


def parquet_versions_dir(export: Path) -> Path:
    """Where the versions of an export live: a hidden folder beside it (DIR -> .DIR.versions/V)."""
    return export.with_name(f".{export.name}.versions")


def check_export_location(export: Path) -> None:
    """Fail early (a usage error) when --export-parquet cannot be published where asked: it is
    a symlink the pipeline manages, so an existing folder of other files is not replaced."""
    if export.is_symlink() or not export.exists():
        try:
            export.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=export.parent, prefix=".write-check-"):
                pass
        except OSError as error:
            raise PipelineError(
                f"cannot write to {export.parent} ({error.strerror or error}), where the "
                f"Parquet export {export.name} would go. Choose a writable --export-parquet."
            ) from error
        return
    if export.is_dir() and not any(export.iterdir()):
        return
    raise PipelineError(
        f"--export-parquet {export} exists and is not an export made by the pipeline (a link "
        "to its latest version). Give a new path, or remove it first."
    )


def _swap_export(export: Path, version: Path) -> None:
    """Point export at version with one rename of a fresh symlink over it (atomic for readers),
    then remove the versions older than the PARQUET_VERSIONS_KEPT most recent ones."""
    if export.is_dir() and not export.is_symlink():
        export.rmdir()  # an empty folder (check_export_location allows nothing else)
    link = export.with_name(f".{export.name}.{os.getpid()}.link")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    link.symlink_to(os.path.relpath(version, export.parent))
    os.replace(link, export)
    _fsync(export.parent)
    versions = sorted(
        (path for path in version.parent.iterdir() if not path.name.endswith(".partial")),
        key=lambda path: path.name,
    )
    for old in versions[: -PARQUET_VERSIONS_KEPT - 1]:
        if old != version:
            shutil.rmtree(old, ignore_errors=True)


def publish(
    build_db: Path,
    published: Path,
    mask_pii: bool = False,
    version: str = DEFAULT_STORAGE_VERSION,
    parquet_export: Path | None = None,
) -> None:
    """Atomically replace the published file with a read-only, checkpointed copy of the
    build's main schema in the given storage format (write_published_copy), and with
    parquet_export, the contract models' Parquet export beside it.

    Both are written and checked before either is swapped in, so a failure (or a kill) at any
    point before the swap leaves the previous publish byte-identical."""
    import duckdb

    published.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(build_db)) as connection:
        connection.execute("checkpoint")
        definitions = view_definitions(connection, catalog=None)
    staging_copy = published.with_name(f".{published.name}.{os.getpid()}.partial")
    export_version: Path | None = None
    try:
        if staging_copy.exists():
            staging_copy.unlink()
        if previous_publish(build_db, published, version, mask_pii):
            shutil.copyfile(published, staging_copy)
            staging_copy.chmod(0o644)
            update_published_copy(
                build_db,
                staging_copy,
                mask_pii=mask_pii,
                definitions=published_definitions(build_db),
            )
        else:
            write_published_copy(build_db, staging_copy, version, mask_pii=mask_pii)
        _check_contract_models(staging_copy)
        if parquet_export is not None:
            versions = parquet_versions_dir(parquet_export)
            versions.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
            export_version = versions / f"{stamp}-{os.getpid()}.partial"
            write_parquet_export(staging_copy, export_version)
        _fsync(staging_copy)
        staging_copy.chmod(0o444)
        os.replace(staging_copy, published)
        _fsync(published.parent)
        record_publish(build_db, published, version, mask_pii, definitions)
        if parquet_export is not None and export_version is not None:
            finished = export_version.with_name(export_version.name.removesuffix(".partial"))
            export_version.rename(finished)
            export_version = None
            _swap_export(parquet_export, finished)
    except (OSError, duckdb.Error) as error:
        raise PipelineError(
            f"could not publish to {published}: {error}. Check the folder is writable."
        ) from error
    finally:
        if staging_copy.exists():
            staging_copy.chmod(0o644)
            staging_copy.unlink()
        if export_version is not None and export_version.exists():
            shutil.rmtree(export_version, ignore_errors=True)
