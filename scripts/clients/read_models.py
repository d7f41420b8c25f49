"""Read every contract model of a published file the way a BI client does, and checksum it.

Runs inside a client's own environment (make test-bi-clients: duckdb 1.4.x, duckdb 1.5.x, or
Superset's SQLAlchemy 1.4 + duckdb-engine + pandas), so it imports nothing from the project.

    python read_models.py --db FILE --plan PLAN.json --via duckdb|sqlalchemy

PLAN.json maps each model to its canonical query (scripts/clients/canonical.py): one text per
row, every value rendered by SQL the same way in every client. The file is opened read-only;
the output (stdout, JSON) gives, per model, the row count and a checksum: sha256 of the sorted
sha256 digests of the rows (independent of row order). Exit 1 when the file cannot be opened.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path


def checksum(rows: Iterable[str]) -> tuple[int, str]:
    """(row count, sha256 of the newline-joined sorted sha256 hex digests of the rows)."""
    digests = sorted(hashlib.sha256(row.encode("utf-8")).hexdigest() for row in rows)
    return len(digests), hashlib.sha256("\n".join(digests).encode("ascii")).hexdigest()


def read_with_duckdb(db: Path, plan: dict[str, str]) -> dict[str, object]:
    """The duckdb Python client, read-only."""
    import duckdb

    results: dict[str, object] = {"client": f"duckdb {duckdb.__version__}"}
    with duckdb.connect(str(db), read_only=True) as connection:
        for model, sql in plan.items():
            rows = [row[0] for row in connection.execute(sql).fetchall()]
            results[model] = dict(zip(("rows", "checksum"), checksum(rows), strict=True))
    return results


def read_with_sqlalchemy(db: Path, plan: dict[str, str]) -> dict[str, object]:
    """Superset's way: a SQLAlchemy engine over duckdb-engine, read-only, pandas.read_sql."""
    import duckdb
    import pandas
    import sqlalchemy

    engine = sqlalchemy.create_engine(
        f"duckdb:///{db}", connect_args={"read_only": True}, poolclass=sqlalchemy.pool.NullPool
    )
    results: dict[str, object] = {
        "client": f"sqlalchemy {sqlalchemy.__version__} + duckdb-engine + pandas "
        f"{pandas.__version__} + duckdb {duckdb.__version__}"
    }
    with engine.connect() as connection:
        for model, sql in plan.items():
            frame = pandas.read_sql(sqlalchemy.text(sql), connection)
            rows = [str(value) for value in frame.iloc[:, 0].tolist()]
            results[model] = dict(zip(("rows", "checksum"), checksum(rows), strict=True))
    engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Read every contract model of a published file as a BI client does; print "
        "row counts and checksums as JSON."
    )
    parser.add_argument("--db", required=True, type=Path, help="the published DuckDB file")
    parser.add_argument("--plan", required=True, type=Path, help="model -> canonical query JSON")
    parser.add_argument("--via", choices=("duckdb", "sqlalchemy"), default="duckdb")
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text())
    reader = read_with_duckdb if args.via == "duckdb" else read_with_sqlalchemy
    try:
        results = reader(args.db, plan)
    except Exception as error:  # any client error: the file does not open or read here
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    json.dump(results, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
