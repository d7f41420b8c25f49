"""The canonical query of each contract model for the BI-client check (make test-bi-clients).

Each query returns one text per row with every value rendered by SQL in a way that does not
depend on the client (duckdb 1.4, 1.5, 2.0, through Python, SQLAlchemy + pandas or node):
numbers of any type as fixed-point text with 9 decimals (integers exactly), timestamps as
`YYYY-MM-DD HH:MM:SS.ffffff` (UTC for timestamptz), dates ISO, booleans true / false, lists
and other types cast to text, null as \\N; values joined by the unit separator (U+001F). The
columns come from the published file's own catalog, the models from common.CONTRACT_MODELS.
"""

from __future__ import annotations

from typing import Any

SEPARATOR = "\x1f"
NULL = "\\N"
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                 "UINTEGER", "UBIGINT", "UHUGEINT"}  # fmt: skip


def render(column: str, data_type: str) -> str:
    """SQL rendering one value of a column as canonical text (null as \\N)."""
    quoted = '"' + column.replace('"', '""') + '"'
    if data_type in INTEGER_TYPES:
        text = f"cast({quoted} as varchar)"
    elif data_type in {"DOUBLE", "FLOAT", "REAL"} or data_type.startswith("DECIMAL"):
        text = f"printf('%.9f', cast({quoted} as double))"
    elif data_type == "TIMESTAMP WITH TIME ZONE":
        text = f"strftime(make_timestamp(epoch_us({quoted})), '%Y-%m-%d %H:%M:%S.%f')"
    elif data_type.startswith("TIMESTAMP"):
        text = f"strftime(cast({quoted} as timestamp), '%Y-%m-%d %H:%M:%S.%f')"
    elif data_type == "DATE":
        text = f"strftime({quoted}, '%Y-%m-%d')"
    elif data_type == "BOOLEAN":
        text = f"case when {quoted} then 'true' else 'false' end"
    else:
        text = f"cast({quoted} as varchar)"
    return f"coalesce({text}, '{NULL}')"


def model_queries(connection: Any, models: tuple[str, ...]) -> dict[str, str]:
    """model -> its canonical query, from the columns a (duckdb) connection sees in main."""
    queries = {}
    for model in models:
        columns = connection.execute(
            """
            select column_name, data_type from information_schema.columns
            where table_schema = 'main' and table_name = ? order by ordinal_position
            """,
            [model],
        ).fetchall()
        if not columns:
            raise LookupError(f"{model} is not in the published file")
        rendered = ", ".join(render(name, data_type) for name, data_type in columns)
        queries[model] = f'select concat_ws(chr(31), {rendered}) as row_text from main."{model}"'
    return queries
