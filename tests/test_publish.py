"""Publishing: the storage format of the published file and the Parquet export.

The published file is written in an older DuckDB storage format (default v1.0.0) that 1.x
clients open (make test-bi-clients opens it in them); --storage-version and
$LEAD_FUNNEL_STORAGE_VERSION choose another, an unknown one is a usage error. --export-parquet
DIR publishes every contract model as DIR/<model>.parquet, swapped in atomically; a failed run
leaves the previous export (and the published file) byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
from pathlib import Path

import duckdb
import pytest

from dbt_helpers import PROJECT_DIR, pipeline, query
from lead_funnel import seed_loads
from lead_funnel.pipeline import timings_path as pipeline_timings

# DuckDB's storage version numbers, from the main header of a database file: what duckdb
# writes for storage_version v1.0.0 (read by duckdb 1.0 to 1.5 and 2.x); 2.0's own is newer.
V1_0_0_FORMAT = 64


def storage_format(path: Path) -> int:
    """The version number in a DuckDB file's main header (after the checksum and magic)."""
    header = path.read_bytes()[:20]
    assert header[8:12] == b"DUCK", f"{path} is not a DuckDB file"
    return struct.unpack("<Q", header[12:20])[0]


def tree_digest(path: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under a folder (or symlink target: '-> target')."""
    digests = {}
    for item in sorted(path.parent.glob(f"{path.name}*")) + sorted(
        path.parent.glob(f".{path.name}*/**/*")
    ):
        key = str(item.relative_to(path.parent))
        if item.is_symlink():
            digests[key] = f"-> {os.readlink(item)}"
        elif item.is_file():
            digests[key] = hashlib.sha256(item.read_bytes()).hexdigest()
    return digests


def assert_same_rows(
    connection: duckdb.DuckDBPyConnection, one: str, other: str, table: str
) -> None:
    """The table holds the same rows, duplicates included, in two attached databases."""
    for left, right in ((one, other), (other, one)):
        (differing,) = connection.execute(
            f'select count(*) from (select * from {left}.main."{table}" '
            f'except all select * from {right}.main."{table}")'
        ).fetchone()
        assert differing == 0, f"{table}: {differing} rows of {left} not in {right}"


def test_default_publish_is_in_the_v1_0_0_format(published: Path) -> None:
    assert storage_format(published) == V1_0_0_FORMAT
    assert storage_format(published.with_name("lead_funnel.build.duckdb")) > V1_0_0_FORMAT


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (("--storage-version", "v9.9.9"), {}, "--storage-version 'v9.9.9'"),
        (("--storage-version", "1.0"), {}, "--storage-version '1.0'"),
        (("--storage-version", "v0.9.0"), {}, "--storage-version 'v0.9.0'"),
        ((), {"LEAD_FUNNEL_STORAGE_VERSION": "newest"}, "LEAD_FUNNEL_STORAGE_VERSION 'newest'"),
    ],
)
def test_unknown_storage_version_is_a_usage_error(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], named: str
) -> None:
    completed = pipeline("run", "--db", str(tmp_path / "lead_funnel.duckdb"), *args, env=env)
    assert completed.returncode == 64, completed.stdout + completed.stderr
    assert f"{named} is not a storage version" in completed.stdout
    assert "v1.4.0" in completed.stdout and "Traceback" not in completed.stdout
    assert not (tmp_path / "lead_funnel.build.duckdb").exists()


def test_storage_version_choices_are_the_ones_duckdb_reads() -> None:
    from lead_funnel.publish import storage_version

    assert storage_version(None) == "v1.0.0"
    assert storage_version("v1.4.0") == "v1.4.0"
    assert storage_version("latest") == "latest"


def test_export_parquet_publishes_every_contract_model_atomically(
    published: Path, tmp_path: Path
) -> None:
    """Two runs into one export: each swaps DIR (a link) to a complete new folder and keeps the
    previous one; then a failed run (a failing dbt test) leaves both publishes untouched."""
    from lead_funnel.common import CONTRACT_MODELS

    db = tmp_path / "lead_funnel.duckdb"
    export = tmp_path / "lake" / "lead_funnel"
    first = pipeline("run", "--db", str(db), "--export-parquet", str(export))
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    assert export.is_symlink() and export.is_dir()
    assert sorted(path.stem for path in export.glob("*.parquet")) == sorted(CONTRACT_MODELS)
    first_version = export.resolve()
    with duckdb.connect() as connection:
        for model in CONTRACT_MODELS:
            (parquet_rows,) = connection.execute(
                f"select count(*) from read_parquet('{export / model}.parquet')"
            ).fetchone()
            assert parquet_rows == query(db, f"select count(*) from {model}")[0][0], model
        # types survive: timestamps stay timestamps, booleans booleans
        types = dict(
            connection.execute(
                f"select column_name, column_type from (describe select * from "
                f"read_parquet('{export}/scored_leads.parquet'))"
            ).fetchall()
        )
    assert (
        types["mql_eligible_at"].startswith("TIMESTAMP") and types["is_mql_eligible"] == "BOOLEAN"
    )

    second = pipeline("run", "--db", str(db), "--export-parquet", str(export))
    assert second.returncode == 0, second.stdout[-4000:]
    assert export.resolve() != first_version and first_version.is_dir()  # the previous is kept
    assert not list(export.parent.glob(".lead_funnel.versions/*.partial"))
    # nothing about the seeds changed: the second run loaded none, nor ran the tests that read
    # only seeds (the profile still counts every node it ran)
    build_db = db.with_name("lead_funnel.build.duckdb")
    seeds = seed_loads.read_record(build_db)
    profile = json.loads(pipeline_timings(build_db).read_text())
    assert "seed" not in profile["dbt_nodes"]
    assert sorted(f"seed.lead_funnel.{name}" for name in profile["seeds_unchanged"]) == sorted(
        seeds
    )
    assert "seed.lead_funnel.stage_mapping" in seeds
    assert profile["seed_tests_left_out"] > 0
    assert sum(profile["dbt_nodes"].values()) == profile["dbt_nodes_expected"]

    # a failing dbt test: nothing is published, neither the file nor the export changes
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns(
            ".venv*", "target*", "build", "warehouse", ".git", "logs", "node_modules"
        ),
    )
    with (project / "seeds" / "config" / "stage_mapping.csv").open("a") as mapping:
        mapping.write("MQL,sql\n")
    before = tree_digest(export) | {"db": hashlib.sha256(db.read_bytes()).hexdigest()}
    failed = pipeline("run", "--db", str(db), "--export-parquet", str(export), project_dir=project)
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert "stage_mapping" in failed.stdout  # the changed seed was loaded, and its test ran
    after = tree_digest(export) | {"db": hashlib.sha256(db.read_bytes()).hexdigest()}
    assert after == before
    # the build database holds the failed mapping: the record no longer vouches for it, so
    # the next run (the mapping as it was) loads it again, and only it
    assert set(seed_loads.read_record(build_db)) == set(seeds) - {"seed.lead_funnel.stage_mapping"}
    third = pipeline("run", "--db", str(db), "--export-parquet", str(export))
    assert third.returncode == 0, third.stdout[-4000:]
    profile = json.loads(pipeline_timings(build_db).read_text())
    assert profile["dbt_nodes"]["seed"] == 1
    assert "stage_mapping" not in profile["seeds_unchanged"]
    stage_counts = "select stage, count(*) from fct_lead_stage_history group by stage order by 1"
    assert query(db, stage_counts) == query(published, stage_counts)


def test_a_failure_while_exporting_leaves_both_publishes_untouched(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the new file is written but before anything is swapped in (here: the
    Parquet export breaks half-way) leaves the published file and the export as they were,
    and no partial file or folder behind."""
    from lead_funnel import publish
    from lead_funnel.common import PipelineError

    build_db = tmp_path / "lead_funnel.build.duckdb"
    shutil.copyfile(published.with_name("lead_funnel.build.duckdb"), build_db)
    db = tmp_path / "lead_funnel.duckdb"
    export = tmp_path / "export"
    publish.publish(build_db, db, parquet_export=export)
    before = tree_digest(export) | {"db": hashlib.sha256(db.read_bytes()).hexdigest()}

    def broken_export(database: Path, folder: Path) -> None:
        folder.mkdir(parents=True)
        (folder / "scored_leads.parquet").write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "write_parquet_export", broken_export)
    with pytest.raises(PipelineError, match="No space left on device"):
        publish.publish(build_db, db, parquet_export=export)
    after = tree_digest(export) | {"db": hashlib.sha256(db.read_bytes()).hexdigest()}
    assert after == before
    leftovers = [path.name for path in tmp_path.rglob("*") if "partial" in path.name]
    assert leftovers == []


def test_export_into_a_folder_of_other_files_is_a_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    completed = pipeline(
        "run", "--db", str(tmp_path / "lead_funnel.duckdb"), "--export-parquet", str(folder)
    )
    assert completed.returncode == 64, completed.stdout + completed.stderr
    assert "is not an export made by the pipeline" in completed.stdout
    assert (folder / "notes.txt").read_text() == "mine"


def publish_again_as_an_update(build: Path, target: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Publish the build over target again, which must update the previous publish (a write
    from scratch fails); returns a publish from scratch of the same build beside it, to
    compare with."""
    from lead_funnel import publish as publishing

    def no_full_write(*_: object, **__: object) -> None:
        raise AssertionError("the second publish wrote the file from scratch")

    with monkeypatch.context() as patched:
        patched.setattr(publishing, "write_published_copy", no_full_write)
        publishing.publish(build, target)
    fresh = target.with_name("fresh.duckdb")
    publishing.write_published_copy(build, fresh, publishing.DEFAULT_STORAGE_VERSION)
    return fresh


def test_a_publish_after_a_publish_updates_the_facts_lead_by_lead(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second publish from a build database starts from a byte copy of the first and
    rewrites only the leads whose fingerprint changed (and the open stage entries, whose time
    runs up to as_of): the result holds exactly what a publish from scratch holds, in the same
    storage format. A published file changed since (another mtime) is written from scratch."""
    from lead_funnel import publish as publishing

    build = tmp_path / "copy.build.duckdb"
    shutil.copyfile(published.with_name("lead_funnel.build.duckdb"), build)
    target = tmp_path / "copy.duckdb"
    publishing.publish(build, target)
    assert publishing.previous_publish(build, target, publishing.DEFAULT_STORAGE_VERSION, False)

    # a day's build: one lead's activities rebuilt (new fingerprint), one lead gone, as_of
    # a day later, a mart rewritten
    with duckdb.connect(str(build)) as connection:
        changed, gone = (
            row[0]
            for row in connection.execute(
                "select distinct lead_id from intermediate.int_activities_scored "
                "order by lead_id limit 2"
            ).fetchall()
        )
        connection.execute(
            "update intermediate.int_activities_scored set points = points + 1, "
            "lead_input_fingerprint = lead_input_fingerprint + 1 where lead_id = ?",
            [changed],
        )
        connection.execute(
            "delete from intermediate.int_activities_scored where lead_id = ?", [gone]
        )
        connection.execute("update staging.run_as_of set as_of_at = as_of_at + interval 1 day")
        connection.execute("update main.mart_mql_monthly set target_mqls = 1")

    fresh = publish_again_as_an_update(build, target, monkeypatch)
    assert storage_format(target) == V1_0_0_FORMAT
    with duckdb.connect() as connection:
        connection.execute(f"attach '{target}' as updated (read_only)")
        connection.execute(f"attach '{fresh}' as fresh (read_only)")
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'fresh' order by 1"
            ).fetchall()
        ]
        assert {"fct_lead_activities", "fct_lead_stage_history", "mart_mql_monthly"} <= set(tables)
        for table in tables:
            assert_same_rows(connection, "updated", "fresh", table)
        (shown,) = connection.execute(
            "select count(*) from updated.main.fct_lead_activities where lead_id = ?", [gone]
        ).fetchone()
        assert shown == 0

    # the published file changed since: the next publish does not start from it
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 1_000_000_000))
    assert not publishing.previous_publish(build, target, publishing.DEFAULT_STORAGE_VERSION, False)


def test_open_stage_entries_the_previous_publish_lacks_are_published(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish after a publish updates the open stage entries of the unchanged leads in
    place, on their key; should the build hold an open entry the previous publish lacks, for a
    lead whose fingerprint did not change, the open entries are written again instead, and the
    result still holds exactly what a publish from scratch holds."""
    from lead_funnel import publish as publishing

    build = tmp_path / "copy.build.duckdb"
    shutil.copyfile(published.with_name("lead_funnel.build.duckdb"), build)
    target = tmp_path / "copy.duckdb"
    publishing.publish(build, target)

    with duckdb.connect(str(build)) as connection:
        (lead,) = connection.execute(
            "select min(lead_id) from intermediate.int_lead_stage_entries"
        ).fetchone()
        connection.execute(
            "insert into intermediate.int_lead_stage_entries "
            "select * replace (stage_entry_id || '-extra' as stage_entry_id, "
            "cast(null as timestamp) as exited_at) "
            "from intermediate.int_lead_stage_entries where lead_id = ? limit 1",
            [lead],
        )
        connection.execute("update staging.run_as_of set as_of_at = as_of_at + interval 1 day")

    fresh = publish_again_as_an_update(build, target, monkeypatch)
    with duckdb.connect() as connection:
        connection.execute(f"attach '{target}' as updated (read_only)")
        connection.execute(f"attach '{fresh}' as fresh (read_only)")
        assert_same_rows(connection, "updated", "fresh", "fct_lead_stage_history")
        (extra,) = connection.execute(
            "select count(*) from updated.main.fct_lead_stage_history "
            "where stage_entry_id like '%-extra'"
        ).fetchone()
        assert extra == 1


def test_a_fact_whose_view_changed_is_published_whole(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lead fingerprints cover the store a fact reads, not the fact's own view (its text
    cleaning): after a change to the view alone, every lead's rows show the new definition,
    while the other fact is still updated lead by lead. A publish state that recorded no view
    definitions (an older version's) writes both facts whole."""
    from lead_funnel import publish as publishing

    build = tmp_path / "copy.build.duckdb"
    shutil.copyfile(published.with_name("lead_funnel.build.duckdb"), build)
    target = tmp_path / "copy.duckdb"
    publishing.publish(build, target)
    assert set(publishing.published_definitions(build)) == set(publishing.PUBLISHED_BY_LEAD)

    updated_by_lead: list[str] = []
    update_by_lead = publishing._update_by_lead

    def spy(connection: object, name: str, volatile: str | None) -> None:
        updated_by_lead.append(name)
        update_by_lead(connection, name, volatile)

    def no_full_write(*_: object, **__: object) -> None:
        raise AssertionError("the publish wrote the file from scratch")

    monkeypatch.setattr(publishing, "_update_by_lead", spy)
    monkeypatch.setattr(publishing, "write_published_copy", no_full_write)

    # the same build published again: both facts lead by lead
    publishing.publish(build, target)
    assert sorted(updated_by_lead) == sorted(publishing.PUBLISHED_BY_LEAD)

    # a new text cleaning in fct_lead_activities' view, no fingerprint changed
    with duckdb.connect(str(build)) as connection:
        connection.execute("alter view main.fct_lead_activities rename to activities_before")
        connection.execute(
            "create view main.fct_lead_activities as select * replace "
            "(coalesce(detail, '') || ' [cleaned again]' as detail) from main.activities_before"
        )
    updated_by_lead.clear()
    publishing.publish(build, target)
    assert updated_by_lead == ["fct_lead_stage_history"]
    with duckdb.connect() as connection:
        connection.execute(f"attach '{build}' as build (read_only)")
        connection.execute(f"attach '{target}' as updated (read_only)")
        assert_same_rows(connection, "build", "updated", "fct_lead_activities")
        (cleaned_again,) = connection.execute(
            "select count(*) from updated.main.fct_lead_activities "
            "where detail like '% [cleaned again]'"
        ).fetchone()
        assert cleaned_again > 0

    # a publish state without view definitions: nothing is trusted lead by lead
    state_file = publishing.publish_state_path(build)
    state = json.loads(state_file.read_text(encoding="utf-8"))
    del state["definitions"]
    state_file.write_text(json.dumps(state), encoding="utf-8")
    assert publishing.previous_publish(build, target, publishing.DEFAULT_STORAGE_VERSION, False)
    updated_by_lead.clear()
    publishing.publish(build, target)
    assert updated_by_lead == []
    assert set(publishing.published_definitions(build)) == set(publishing.PUBLISHED_BY_LEAD)
