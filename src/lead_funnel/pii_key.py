"""A dbt-duckdb plugin (profiles.yml, target dev): hands $LEAD_FUNNEL_PII_KEY to DuckDB.

The key of --mask-pii's keyed hash (macros/staging/pii.sql, pii_hash) is set as the session variable
lead_funnel_pii_key on every connection and cursor dbt uses, as a bound parameter, so it never
appears in SQL text: not in target/compiled or target/run, not in dbt's logs, not in the
manifest. Without the variable set, a masked build fails on its first masked value.
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

PII_KEY_ENV = "LEAD_FUNNEL_PII_KEY"
VARIABLE = "lead_funnel_pii_key"


def set_pii_key(connection: Any) -> None:
    """Set the session variable from the environment, when the key is there."""
    key = os.environ.get(PII_KEY_ENV)
    if key:
        connection.execute(f"set variable {VARIABLE} = ?", [key])


class Plugin(BasePlugin):
    """Sets the PII key on dbt's DuckDB connection and each of its cursors."""

    def configure_connection(self, conn: Any) -> None:
        set_pii_key(conn)

    def configure_cursor(self, cursor: Any) -> None:
        set_pii_key(cursor)
