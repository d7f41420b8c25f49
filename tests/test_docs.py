"""The documentation site (`make docs`) describes every contract model and column, reuses the
docs/definitions.md#metric-definitions definitions from `{% docs %}` blocks, and lists the exposures.

Read from the YAML beside the models (what dbt renders) and compared with the columns of the
published demo warehouse, so a new column without a description fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from dbt_helpers import PROJECT_DIR, query

MARTS = PROJECT_DIR / "models" / "marts"

# docs/definitions.md#metric-definitions, one doc block per definition, each used by at least one column or model.
DEFINITION_DOCS = (
    "funnel_reached",
    "funnel_step_rate",
    "funnel_cohort_vs_period",
    "funnel_cohort_complete",
    "funnel_mql_efficiency",
    "sla_clocks",
    "sla_business_hours",
    "sla_first_touch_within_1h",
    "sla_first_touch_within_sla",
    "sla_decision_within_sla",
    "sla_is_breached",
    "sla_pct_within_sla",
    "scoring_rules",
    "scoring_caps",
    "scoring_decay",
    "scoring_is_mql_eligible",
    "scoring_mql_eligible_at",
    "scoring_calibration_horizon",
    "scoring_backtest",
    "rate_interval_lower",
    "rate_interval_upper",
    "funnel_rate_maturity",
    "mql_handoff_status",
    "mql_counts_reconciled",
)


def mart_yaml() -> dict[str, dict]:
    """model name -> its YAML entry, from models/marts/**/*.yml (one folder per domain)."""
    models = {}
    for path in sorted(MARTS.rglob("*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            models[model["name"]] = model
    return models


def test_every_published_mart_column_is_described(published: Path) -> None:
    from lead_funnel.common import CONTRACT_MODELS

    described = mart_yaml()
    tables = [
        row[0]
        for row in query(
            published,
            "select table_name from information_schema.tables where table_schema = 'main' "
            "and (table_name like 'mart_%' or table_name like 'fct_%' "
            "or table_name like 'dq_%' or table_name like 'dim_%' or table_name = 'scored_leads')",
        )
    ]
    assert set(CONTRACT_MODELS) <= set(tables)
    undocumented = []
    for table in tables:
        model = described.get(table)
        if not model or not (model.get("description") or "").strip():
            undocumented.append(f"{table} (model)")
            continue
        columns = {
            column["name"]: (column.get("description") or "").strip()
            for column in model.get("columns", [])
        }
        for (column,) in query(
            published,
            f"select column_name from information_schema.columns "
            f"where table_schema = 'main' and table_name = '{table}'",
        ):
            if not columns.get(column):
                undocumented.append(f"{table}.{column}")
    assert undocumented == [], f"describe these in models/marts/**/*.yml: {undocumented}"


def test_metric_definitions_are_doc_blocks_reused_in_the_yaml() -> None:
    blocks = {
        name
        for path in MARTS.rglob("_*__docs.md")
        for name in re.findall(r"{%\s*docs\s+(\w+)\s*%}", path.read_text())
    }
    used = {
        name
        for path in MARTS.rglob("*.yml")
        for name in re.findall(r"doc\(['\"](\w+)['\"]\)", path.read_text())
    }
    missing = [name for name in DEFINITION_DOCS if name not in blocks]
    unused = [name for name in DEFINITION_DOCS if name not in used]
    assert missing == [] and unused == [], f"missing blocks {missing}, unused blocks {unused}"


def test_exposures_name_the_report_and_a_dashboard() -> None:
    exposures = yaml.safe_load((PROJECT_DIR / "models" / "exposures.yml").read_text())
    kinds = {exposure["type"] for exposure in exposures["exposures"]}
    assert {"analysis", "dashboard"} <= kinds
    models = set(mart_yaml())
    for exposure in exposures["exposures"]:
        assert exposure.get("description") and exposure.get("owner"), exposure["name"]
        refs = [re.fullmatch(r"ref\('(\w+)'\)", ref).group(1) for ref in exposure["depends_on"]]
        assert refs and set(refs) <= models, exposure["name"]
