"""The same project on DuckDB, Postgres and Spark gives the same numbers.

`make test-engines` builds the project on the three engines (make/engines.mk), keeps the
Postgres server up and runs this module with LEAD_FUNNEL_COMPARE_ENGINES=1: every contract
mart (docs/definitions.md#contract-models), and the shared staging and intermediate models they rest on, must
hold the same rows on every engine once numbers are rounded to 1e-9 and timestamps are read
as UTC. Elsewhere (plain `make test`) the comparison is skipped; the static check that every
relation name fits Postgres' 63-character limit always runs.

Where each engine's build is read (the defaults are what make/engines.mk writes):
- DuckDB: LEAD_FUNNEL_ENGINES_DUCKDB (build/duckdb/lead_funnel.duckdb);
- Postgres: the LEAD_FUNNEL_PG_* variables of profiles.yml (psycopg2);
- Spark: the parquet files under LEAD_FUNNEL_SPARK_DIR (build/spark)/warehouse, read with
  duckdb (no JVM needed).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from dbt_helpers import PROJECT_DIR, load_module

# one list for the pipeline and this test; read by path: this test runs from .venv-postgres,
# which has no lead_funnel installed
CONTRACT_MODELS = load_module(PROJECT_DIR / "src" / "lead_funnel" / "common.py").CONTRACT_MODELS

BUILD_DIR = PROJECT_DIR / "build"
QUANTUM = Decimal("1e-9")
WIDE = Context(prec=60)  # room for 1e-9 steps on large numbers
POSTGRES_MAX_IDENTIFIER = 63

# The shared building blocks the marts rest on: a difference here explains one in a mart.
SHARED_MODELS = (
    ("staging", "run_as_of"),
    ("staging", "stg_leads"),
    # stg_activities is a view (nothing stored on Spark to read): fct_lead_activities covers it
    ("staging", "stg_stage_changes"),
    ("intermediate", "int_lead_stage_entries"),
    ("intermediate", "int_mql_entries"),
    ("intermediate", "int_lead_stages_reached"),
)

Row = tuple[Any, ...]

# Incremental bookkeeping hashed with each engine's own hash function (macros/materializations/incremental.sql):
# engine-specific by design, never read by a mart, so left out of the comparison.
ENGINE_SPECIFIC_COLUMNS = {"lead_input_fingerprint"}
# The dbt invocation that wrote a row (macros/run/written_this_run.sql): each build its own.
BUILD_SPECIFIC_COLUMNS = {"written_by_run_id"}


MODELS = [("marts", name) for name in CONTRACT_MODELS] + list(SHARED_MODELS)

compare_engines = pytest.mark.skipif(
    os.environ.get("LEAD_FUNNEL_COMPARE_ENGINES") != "1",
    reason="cross-engine comparison: run `make test-engines` (builds DuckDB, Postgres, Spark)",
)


# --- normalising values ---------------------------------------------------------------------


def normalise(value: Any) -> Any:
    """One engine-independent form of a value: numbers as Decimals rounded to 1e-9,
    timestamps as naive UTC, everything else as is."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        value = Decimal(repr(value))
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Decimal(value).quantize(QUANTUM, rounding=ROUND_HALF_EVEN, context=WIDE)
    return value


def normalise_rows(rows: Iterable[Sequence[Any]]) -> Counter[Row]:
    return Counter(tuple(normalise(value) for value in row) for row in rows)


# --- reading one table from each engine -------------------------------------------------------


class Table:
    """Columns (lower-case) and rows of one relation as an engine holds it."""

    def __init__(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.columns = [column.lower() for column in columns]
        self.rows = [tuple(row) for row in rows]

    def in_column_order(self, columns: Sequence[str]) -> list[Row]:
        positions = [self.columns.index(column) for column in columns]
        return [tuple(row[position] for position in positions) for row in self.rows]


def schema_of(layer: str, target_schema: str) -> str:
    """Staging and intermediate models have schemas named for their layer on every engine
    (macros/run/generate_schema_name.sql); marts are in the target's schema."""
    return layer if layer in ("staging", "intermediate") else target_schema


TABLE_EXISTS = (
    "select 1 from information_schema.tables where table_schema = {0} and table_name = {0}"
)


def read_duckdb(layer: str, name: str) -> Table | None:
    default_path = BUILD_DIR / "duckdb" / "lead_funnel.duckdb"
    path = Path(os.environ.get("LEAD_FUNNEL_ENGINES_DUCKDB", default_path))
    if not path.exists():
        pytest.fail(f"no DuckDB build at {path}: run `make test-engines`")
    with duckdb.connect(str(path), read_only=True) as connection:
        schema = schema_of(layer, "main")
        if connection.execute(TABLE_EXISTS.format("?"), [schema, name]).fetchone() is None:
            return None
        result = connection.execute(f'select * from "{schema}"."{name}"')
        return Table([column[0] for column in result.description], result.fetchall())


def read_postgres(layer: str, name: str) -> Table | None:
    psycopg2 = pytest.importorskip("psycopg2")
    schema = schema_of(layer, os.environ.get("LEAD_FUNNEL_PG_SCHEMA", "public"))
    connection = psycopg2.connect(
        host=os.environ.get("LEAD_FUNNEL_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("LEAD_FUNNEL_PG_PORT", "54329")),
        user=os.environ.get("LEAD_FUNNEL_PG_USER", "lead_funnel"),
        password=os.environ.get("LEAD_FUNNEL_PG_PASSWORD", ""),
        dbname=os.environ.get("LEAD_FUNNEL_PG_DBNAME", "lead_funnel"),
        connect_timeout=10,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("set time zone 'UTC'")
            cursor.execute(TABLE_EXISTS.format("%s"), (schema, name))
            if cursor.fetchone() is None:
                return None
            cursor.execute(f'select * from "{schema}"."{name}"')
            return Table([column.name for column in cursor.description], cursor.fetchall())
    finally:
        connection.close()


def read_spark(layer: str, name: str) -> Table | None:
    spark_dir = Path(os.environ.get("LEAD_FUNNEL_SPARK_DIR", BUILD_DIR / "spark"))
    schema = schema_of(layer, os.environ.get("LEAD_FUNNEL_SPARK_SCHEMA", "lead_funnel"))
    table_dir = spark_dir / "warehouse" / f"{schema}.db" / name
    if not table_dir.is_dir():
        return None
    files = sorted(str(path) for path in table_dir.glob("*.parquet"))
    if not files:
        return Table([], [])  # an empty table written without a data file
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        result = connection.execute("select * from read_parquet(?)", [files])
        return Table([column[0] for column in result.description], result.fetchall())


# --- the tests --------------------------------------------------------------------------------


def describe_difference(reference: Counter[Row], other: Counter[Row], limit: int = 5) -> str:
    missing = list((reference - other).elements())[:limit]
    extra = list((other - reference).elements())[:limit]
    return f"only on DuckDB: {missing}\nonly on the other engine: {extra}"


@compare_engines
@pytest.mark.parametrize("engine", ["postgres", "spark"])
@pytest.mark.parametrize(("layer", "name"), MODELS, ids=[name for _, name in MODELS])
def test_engine_matches_duckdb(engine: str, layer: str, name: str) -> None:
    reference = read_duckdb(layer, name)
    if reference is None:
        pytest.skip(f"{name} is not in the DuckDB build (not written yet)")
    other = (read_postgres if engine == "postgres" else read_spark)(layer, name)
    assert other is not None, f"{name} was built on DuckDB but not on {engine}"
    if not other.columns and not other.rows:
        assert not reference.rows, f"{name} is empty on {engine}, not on DuckDB"
        return
    assert sorted(other.columns) == sorted(reference.columns), f"{name}: columns differ on {engine}"
    compared = [
        column
        for column in reference.columns
        if column not in ENGINE_SPECIFIC_COLUMNS | BUILD_SPECIFIC_COLUMNS
    ]
    expected = normalise_rows(reference.in_column_order(compared))
    actual = normalise_rows(other.in_column_order(compared))
    assert actual == expected, (
        f"{name} differs on {engine} ({sum(actual.values())} rows vs {sum(expected.values())} "
        f"on DuckDB; columns {compared})\n{describe_difference(expected, actual)}"
    )


def test_relation_names_fit_postgres() -> None:
    """Postgres cuts identifiers at 63 characters and dbt refuses longer relation names; a
    unit test's name is a relation name too (its fixture table)."""
    too_long = [
        path.stem
        for path in (PROJECT_DIR / "models").rglob("*.sql")
        if len(path.stem) > POSTGRES_MAX_IDENTIFIER
    ]
    for path in (PROJECT_DIR / "models").rglob("*.yml"):
        document = yaml.safe_load(path.read_text()) or {}
        too_long += [
            f"{path.name}: unit test {test['name']}"
            for test in document.get("unit_tests") or []
            if len(test.get("name", "")) > POSTGRES_MAX_IDENTIFIER
        ]
    assert not too_long, f"names longer than {POSTGRES_MAX_IDENTIFIER} characters: {too_long}"
