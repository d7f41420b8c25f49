"""The MetricFlow semantic layer answers from the demo warehouse what the marts say.

`make metrics` (the analyst's entry point) runs `mf query` against the session's build
database: the MQL -> SQL rate by channel by month must equal the ratio recomputed from
mart_funnel_cohort. In the shadow project it leaves behind, `mf validate-configs` (semantics
and the warehouse) passes, and the SLA metrics (a ratio and a median) match
mart_sla_mql_response.
"""

from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dbt_helpers import PROJECT_DIR, query

MF = Path(sys.executable).with_name("mf")


def mf(project: Path, build_db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the MetricFlow CLI in the shadow project `make metrics` parsed."""
    env = {
        **os.environ,
        "LEAD_FUNNEL_DB": str(build_db),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    return subprocess.run(
        [str(MF), *args], cwd=project, env=env, capture_output=True, text=True, check=False
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def number(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


@pytest.fixture(scope="module")
def metrics_run(published: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`make metrics` on the session's build database, its answer written as CSV."""
    build_db = published.with_name(f"{published.stem}.build.duckdb")
    out = tmp_path_factory.mktemp("metrics")
    answer = out / "mql_to_sql_rate.csv"
    completed = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "metrics",
            f"METRICS_DB={build_db}",
            f"METRICS_OUT={out}",
            f"MF_ARGS=--csv {answer}",
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return {"answer": answer, "project": out / "project", "build_db": build_db}


def test_make_metrics_answers_mql_to_sql_rate_by_channel_by_month(
    metrics_run: dict[str, Path], published: Path
) -> None:
    rows = read_csv(metrics_run["answer"])
    assert rows, "mf query returned no rows"
    assert set(rows[0]) == {
        "metric_time__month",
        "funnel_cohort__lead_source",
        "mql_to_sql_rate",
        "mqls",
        "sqls",
    }
    expected = {
        (str(month), source): (mqls, sqls, rate)
        for month, source, mqls, sqls, rate in query(
            published,
            """
            select cohort_month, lead_source, sum(mqls), sum(sqls),
                sum(sqls) / nullif(sum(mqls), 0)
            from mart_funnel_cohort group by cohort_month, lead_source
            """,
        )
    }
    answered = {}
    for row in rows:
        key = (row["metric_time__month"][:10], row["funnel_cohort__lead_source"])
        answered[key] = (int(row["mqls"]), int(row["sqls"]), number(row["mql_to_sql_rate"]))
    assert answered.keys() == expected.keys()
    for key, (mqls, sqls, rate) in answered.items():
        want_mqls, want_sqls, want_rate = expected[key]
        assert (mqls, sqls) == (want_mqls, want_sqls), key
        if want_rate is None:
            assert rate is None, key
        else:
            assert rate is not None and math.isclose(rate, want_rate, abs_tol=1e-9), key


def test_semantic_manifest_validates_against_the_warehouse(metrics_run: dict[str, Path]) -> None:
    completed = mf(metrics_run["project"], metrics_run["build_db"], "validate-configs")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-4000:]
    assert "Successfully validated metrics against data warehouse" in output, output[-4000:]


def test_sla_ratio_and_median_metrics_match_the_mart(
    metrics_run: dict[str, Path], published: Path
) -> None:
    answer = metrics_run["project"].parent / "sla.csv"
    completed = mf(
        metrics_run["project"],
        metrics_run["build_db"],
        "query",
        "--quiet",
        "--metrics",
        "pct_decided_within_sla,median_hours_to_decision,mql_entries,sla_breaches",
        "--group-by",
        "lead__lead_source",
        "--csv",
        str(answer),
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-4000:]
    answered = {row["lead__lead_source"]: row for row in read_csv(answer)}
    expected = query(
        published,
        """
        select leads.lead_source,
            count(*) filter (where clocks.decision_within_sla)
                / count(clocks.decision_within_sla),
            median(clocks.hours_to_decision),
            count(*),
            count(*) filter (where clocks.is_breached)
        from mart_sla_mql_response as clocks
        inner join scored_leads as leads on leads.lead_id = clocks.lead_id
        group by leads.lead_source
        """,
    )
    assert answered.keys() == {row[0] for row in expected}
    for source, pct_within, median_hours, entries, breaches in expected:
        row = answered[source]
        assert math.isclose(float(row["pct_decided_within_sla"]), pct_within, abs_tol=1e-9)
        assert math.isclose(float(row["median_hours_to_decision"]), median_hours, abs_tol=1e-6)
        assert int(row["mql_entries"]) == entries
        assert int(row["sla_breaches"]) == breaches


def test_revenue_metrics_roll_up_as_summed_ratios(
    metrics_run: dict[str, Path], published: Path
) -> None:
    """Win rate and average deal size per channel over all time: summed numerator over summed
    denominator of the deals, never an average of monthly rates."""
    answer = metrics_run["project"].parent / "revenue.csv"
    completed = mf(
        metrics_run["project"],
        metrics_run["build_db"],
        "query",
        "--quiet",
        "--metrics",
        "win_rate,revenue,pipeline,average_deal_size",
        "--group-by",
        "opportunity__lead_source",
        "--csv",
        str(answer),
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-4000:]
    answered = {row["opportunity__lead_source"]: row for row in read_csv(answer)}
    expected = query(
        published,
        """
        select lead_source,
            count(*) filter (where outcome = 'won')
                / nullif(count(*) filter (where outcome in ('won', 'lost')), 0),
            sum(won_amount), sum(amount_at_creation),
            sum(won_amount) / nullif(count(won_amount), 0)
        from fct_opportunities
        group by lead_source
        """,
    )
    assert answered.keys() == {row[0] for row in expected}
    assert any(row[2] for row in expected), "the demo has no won revenue"
    for source, win_rate, revenue, pipeline, deal_size in expected:
        row = answered[source]
        for name, want in (
            ("win_rate", win_rate),
            ("revenue", revenue),
            ("pipeline", pipeline),
            ("average_deal_size", deal_size),
        ):
            got = number(row[name])
            if want is None or (name in ("revenue", "pipeline") and not want):
                assert got in (None, 0.0), (source, name, got)
            else:
                assert got is not None and math.isclose(got, float(want), rel_tol=1e-9), (
                    source,
                    name,
                )


ACCOUNT_METRICS = (
    "accounts",
    "mqa_accounts",
    "account_mqa_rate",
    "opportunity_accounts",
    "customer_accounts",
    "account_to_customer_rate",
    "account_opportunity_to_customer_rate",
    "engaged_contacts",
)


@pytest.fixture(scope="module")
def accounts_db(accounts_warehouse: Path) -> Path:
    """The hand-built accounts warehouse of tests/test_accounts.py (six accounts): the
    session's (conftest.py)."""
    return accounts_warehouse


def account_query(
    metrics_run: dict[str, Path], db_path: Path, name: str, *group_by: str
) -> list[dict[str, str]]:
    answer = metrics_run["project"].parent / f"{name}.csv"
    arguments = ["--metrics", ",".join(ACCOUNT_METRICS)]
    if group_by:
        arguments += ["--group-by", ",".join(group_by)]
    completed = mf(
        metrics_run["project"], db_path, "query", "--quiet", *arguments, "--csv", str(answer)
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-4000:]
    return read_csv(answer)


def test_account_rates_roll_up_as_summed_ratios_by_hand(
    metrics_run: dict[str, Path], accounts_db: Path
) -> None:
    """The hand-built accounts (tests/test_accounts.py), by cohort month of the first lead:
    March acme.com (MQA, opportunity, customer) and initech.com (opportunity); April
    initech.co.uk; May summit.io (MQA), summit-partners.com and name:wayne enterprises.
    Over the three months the MQA rate is 2 / 6, not the mean of the monthly rates
    (1/2 + 0/1 + 1/3) / 3; the customer rate 1 / 6; opportunity -> customer 1 / 2."""
    by_month = {
        row["metric_time__month"][:10]: row
        for row in account_query(
            metrics_run, accounts_db, "accounts_by_month", "metric_time__month"
        )
    }
    expected_months = {
        # accounts, MQA, MQA rate, opportunity, customer, customer rate, opp -> customer, engaged
        "2025-03-01": (2, 1, 1 / 2, 2, 1, 1 / 2, 1 / 2, 1),  # acme.com: ACME4 engaged at as_of
        "2025-04-01": (1, 0, 0.0, 0, 0, 0.0, None, 0),
        "2025-05-01": (3, 1, 1 / 3, 0, 0, 0.0, None, 0),
    }
    overall = account_query(metrics_run, accounts_db, "accounts_overall")
    assert len(overall) == 1
    answers = {**by_month, "all": overall[0]}
    expected = {**expected_months, "all": (6, 2, 2 / 6, 2, 1, 1 / 6, 1 / 2, 1)}
    assert answers.keys() == expected.keys()
    for key, values in expected.items():
        for name, want in zip(ACCOUNT_METRICS, values, strict=True):
            got = number(answers[key][name])
            if want is None:
                assert got is None, (key, name, got)
            else:
                assert got is not None and math.isclose(got, want, abs_tol=1e-9), (key, name)
    mean_of_monthly_rates = (1 / 2 + 0 + 1 / 3) / 3
    assert not math.isclose(number(overall[0]["account_mqa_rate"]) or 0, mean_of_monthly_rates)


def test_account_metrics_match_the_account_funnel(
    metrics_run: dict[str, Path], published: Path
) -> None:
    """On the demo, per first-lead source over all months: the semantic layer (on dim_accounts)
    gives mart_account_funnel's summed counts and their summed ratios."""
    answered = {
        row["account__first_lead_source"]: row
        for row in account_query(
            metrics_run, metrics_run["build_db"], "accounts_by_source", "account__first_lead_source"
        )
    }
    expected = query(
        published,
        """
        select first_lead_source, sum(accounts), sum(mqa_accounts),
            sum(mqa_accounts) / sum(accounts), sum(opportunity_accounts),
            sum(customer_accounts), sum(customer_accounts) / sum(accounts),
            sum(customer_accounts) / nullif(sum(opportunity_accounts), 0)
        from mart_account_funnel
        group by first_lead_source
        """,
    )
    assert answered.keys() == {row[0] for row in expected}
    assert any(row[5] for row in expected), "the demo has no customer account"
    for source, *values in expected:
        row = answered[source]
        for name, want in zip(ACCOUNT_METRICS[:-1], values, strict=True):
            got = number(row[name])
            if want is None:
                assert got is None, (source, name, got)
            else:
                assert got is not None and math.isclose(got, float(want), abs_tol=1e-9), (
                    source,
                    name,
                )
    (engaged,) = query(published, "select sum(engaged_contacts) from dim_accounts")[0]
    assert sum(number(row["engaged_contacts"]) or 0 for row in answered.values()) == engaged


def test_re_mql_metrics_roll_up_by_reason_group(
    metrics_run: dict[str, Path], published: Path
) -> None:
    """The re-MQL rate per reason group over all months: re-MQLs summed over negative
    decisions summed across months, owners and sources, never an average of row rates."""
    answer = metrics_run["project"].parent / "outcome_reasons.csv"
    completed = mf(
        metrics_run["project"],
        metrics_run["build_db"],
        "query",
        "--quiet",
        "--metrics",
        "negative_mql_decisions,re_mql_rate_after_negative_decision,re_mql_to_sql_rate",
        "--group-by",
        "mql_outcome_reason_group__reason_group",
        "--csv",
        str(answer),
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-4000:]
    answered = {row["mql_outcome_reason_group__reason_group"]: row for row in read_csv(answer)}
    expected = query(
        published,
        """
        select reason_group, sum(decisions), sum(re_mqls) / sum(decisions),
            sum(re_mqls_reaching_sql) / nullif(sum(re_mqls), 0)
        from mart_mql_outcome_reasons
        group by reason_group
        """,
    )
    assert len(expected) > 3, "the demo has too few reason groups"
    assert answered.keys() == {row[0] for row in expected}
    for reason_group, decisions, re_mql_rate, re_mql_to_sql in expected:
        row = answered[reason_group]
        assert int(row["negative_mql_decisions"]) == decisions
        assert math.isclose(float(row["re_mql_rate_after_negative_decision"]), re_mql_rate)
        got = number(row["re_mql_to_sql_rate"])
        assert (got is None) == (re_mql_to_sql is None), reason_group
        if got is not None:
            assert math.isclose(got, re_mql_to_sql, abs_tol=1e-9)
