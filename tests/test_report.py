"""lead_funnel.report: a self-contained HTML report whose charts Chromium shows.

The report is rendered from the published demo warehouse (the session's `published`
fixture) and opened in headless Chromium (Debian's `chromium`, installed by
`make setup-browser`, which `make test` runs first; without it the browser test is skipped):
the DOM Chromium built must hold every chart with its marks and the tables (the open breach
list, the top accounts), and a screenshot is written to docs/report.png for the README.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dbt_helpers import query
from lead_funnel import report

PROJECT_DIR = Path(__file__).resolve().parents[1]
SCREENSHOT = PROJECT_DIR / "docs" / "report.png"
CHARTS = (
    "funnel",
    "mql-monthly",
    "speed-to-lead",
    "breaches-by-owner",
    "calibration",
    "revenue-by-channel",
    "targets-pacing",
    "market-bands",
)


def chromium() -> str:
    """The Chromium binary; the test is skipped when it is not installed."""
    found = shutil.which("chromium")
    if not found:
        pytest.skip("chromium is not installed: run `make setup-browser` (as root)")
    return found


def report_command(*args: str) -> subprocess.CompletedProcess[str]:
    """python -m lead_funnel.report with this checkout's package, installed or not."""
    src = str(PROJECT_DIR / "src")
    path = os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "lead_funnel.report", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        check=False,
    )


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def report_html(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    completed = report_command("--db", str(published), "--out", str(out))
    assert completed.returncode == 0, completed.stderr[-3000:]
    return out


def test_help_reads_well() -> None:
    completed = report_command("--help")
    assert completed.returncode == 0
    assert "--db" in completed.stdout and "--out" in completed.stdout
    assert "self-contained" in completed.stdout


def test_report_is_self_contained(report_html: Path) -> None:
    document = report_html.read_text()
    # nothing is fetched at view time: no scripts, stylesheets, images or fonts from elsewhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", document)
    assert "<script" not in document and "@import" not in document
    for chart in CHARTS:
        assert f'data-chart="{chart}"' in document
    # the charts are inlined one after another: every id in the page is its own
    ids = re.findall(r'\bid="([^"]+)"', document)
    assert ids and len(ids) == len(set(ids))


def test_speed_buckets_include_the_sla_target() -> None:
    edges = report.speed_edges(36)
    assert 1.0 in edges and 36.0 in edges and edges[-1] == float("inf")
    assert report.speed_histogram([0.1, 0.9, 1.0, 40, 500], edges)[0] == 1
    assert sum(report.speed_histogram([0.1, 0.9, 1.0, 40, 500], edges)) == 5


def test_top_accounts_table_ranks_by_account_score(report_html: Path, published: Path) -> None:
    """The table lists dim_accounts' 10 best account scores (ties: more leads, then the id),
    with the account's leads, engaged contacts, score, furthest stage, MQA and customer."""
    expected = query(
        published,
        """
        select account_id, account_name, lead_count, engaged_contacts, account_score,
            furthest_stage, is_mqa, is_customer
        from dim_accounts
        order by account_score desc nulls last, lead_count desc, account_id
        limit 10
        """,
    )
    assert len(expected) == 10, "the demo has fewer than 10 accounts"
    table = re.search(r'<table class="accounts">.*?</table>', report_html.read_text(), re.S)
    assert table, "no top-accounts table"
    rows = re.findall(r'<tr data-account="([^"]*)">(.*?)</tr>', table.group(0), re.S)
    assert [account for account, _ in rows] == [row[0] for row in expected]
    for (_, cells), row in zip(rows, expected, strict=True):
        values = re.findall(r"<td>(.*?)</td>", cells)
        account_id, name, leads, engaged, score, stage, is_mqa, is_customer = row
        assert values[1] == html.escape(name, quote=True), account_id
        assert values[3:7] == [f"{leads:,}", f"{engaged:,}", f"{score:,.1f}", stage], account_id
        assert (values[7] != "no") == is_mqa, account_id
        assert (values[8] != "no") == is_customer, account_id
    scores = [row[4] for row in expected]
    assert scores == sorted(scores, reverse=True)


def test_accounts_table_reads_well() -> None:
    when = report.datetime(2025, 4, 10, 15, 0)
    table = report.accounts_table(
        [
            {
                "account_id": "acme.com",
                "account_name": "Acme <R&D>",
                "account_domain": "acme.com",
                "lead_count": 1200,
                "engaged_contacts": 3,
                "account_score": 152.4,
                "furthest_stage": "customer",
                "is_mqa": True,
                "mqa_at": when,
                "is_customer": True,
                "customer_at": when,
            },
            {
                "account_id": "name:wayne enterprises",
                "account_name": "Wayne Enterprises",
                "account_domain": None,
                "lead_count": 2,
                "engaged_contacts": 0,
                "account_score": 0,
                "furthest_stage": "lead",
                "is_mqa": False,
                "mqa_at": None,
                "is_customer": False,
                "customer_at": None,
            },
        ]
    )
    rows = re.findall(r"<tr data-account[^>]*>(.*?)</tr>", table)
    acme = ["1", "Acme &lt;R&amp;D&gt;", "acme.com", "1,200", "3", "152.4", "customer"]
    wayne = ["2", "Wayne Enterprises", "(name only)", "2", "0", "0.0", "lead", "no", "no"]
    assert [re.findall(r"<td>(.*?)</td>", row) for row in rows] == [
        [*acme, "2025-04-10", "2025-04-10"],
        wayne,
    ]
    assert "no accounts" in report.accounts_table([])


def test_market_bands_chart_places_each_rate_against_its_band() -> None:
    """Each metric's band, interval and dot are drawn; the dot carries the mart's judgement,
    and a metric without a rate (no mature group) shows its band only."""
    bands = [
        {
            "metric": "lead_to_mql",
            "numerator": 30,
            "denominator": 200,
            "rate": 0.15,
            "rate_ci_lower": 0.107,
            "rate_ci_upper": 0.206,
            "band_low": 0.04,
            "band_high": 0.25,
            "band_position": "within",
        },
        {
            "metric": "mql_to_sal",
            "numerator": 5,
            "denominator": 100,
            "rate": 0.05,
            "rate_ci_lower": 0.022,
            "rate_ci_upper": 0.112,
            "band_low": 0.40,
            "band_high": 0.60,
            "band_position": "below",
        },
        {
            "metric": "sal_to_sql",
            "numerator": 0,
            "denominator": 0,
            "rate": None,
            "rate_ci_lower": None,
            "rate_ci_upper": None,
            "band_low": 0.50,
            "band_high": 0.70,
            "band_position": None,
        },
    ]
    svg = report.market_bands_chart(bands)
    assert svg.count('class="band"') == 3
    assert svg.count('class="interval"') == 2
    dots = re.findall(
        r'class="mark" data-metric="([^"]+)" data-value="([^"]+)" data-position="([^"]+)"', svg
    )
    assert dots == [("lead_to_mql", "0.1500", "within"), ("mql_to_sal", "0.0500", "below")]
    assert "5.0% (5 of 100), below the band" in svg
    assert "no market bands" in report.market_bands_chart([])


def test_market_bands_follow_the_funnel_order(published: Path) -> None:
    """The panel reads the company rows of mart_benchmark_comparison in funnel order."""
    data = report.load_report_data(published)
    metrics = [row["metric"] for row in data.market_bands]
    assert metrics[:5] == [
        "lead_to_mql",
        "mql_to_sal",
        "sal_to_sql",
        "sql_to_opportunity",
        "opportunity_to_won",
    ]
    assert set(metrics[5:]) == {"sales_ready_share", "inquiry_response_within_1h"}


def test_chromium_draws_every_chart_and_writes_the_screenshot(
    report_html: Path, tmp_path: Path
) -> None:
    binary = chromium()
    dumped = run_chromium(binary, tmp_path / "profile-dom", "--dump-dom", report_html.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = dumped.stdout
    for chart in CHARTS:
        match = re.search(rf'<svg[^>]*data-chart="{chart}".*?</svg>', dom, re.S)
        assert match, f"chart {chart} missing from the rendered DOM"
        marks = re.findall(r'class="mark"[^>]*>\s*<title>[^<]+</title>\s*<path d=', match.group(0))
        assert len(marks) >= 3, f"chart {chart} has {len(marks)} drawn marks"
    for line in ("1 hour", "SLA 24 h", "threshold"):
        assert f'data-line="{line}' in dom, line
    assert dom.count("<tr>") > 5  # the open breach list
    assert len(re.findall(r'<tr data-account="[^"]+">', dom)) == report.TOP_ACCOUNTS

    SCREENSHOT.parent.mkdir(exist_ok=True)
    shot = tmp_path / "report.png"
    # tall enough for the whole demo report, down to the top accounts at its end
    taken = run_chromium(
        binary,
        tmp_path / "profile-shot",
        f"--screenshot={shot}",
        "--window-size=1280,4200",
        report_html.as_uri(),
    )
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    shutil.copyfile(shot, SCREENSHOT)
