"""Write the funnel and SLA report: one self-contained HTML file with inline SVG charts.

    lead-funnel report --db warehouse/lead_funnel.duckdb --out report.html

The report reads only the published marts (mart_funnel_cohort, mart_mql_monthly,
mart_sla_mql_response, mart_sla_open_breaches, mart_score_calibration,
mart_mql_threshold_curve, mart_revenue_by_channel, mart_targets_pacing,
mart_benchmark_comparison, dim_accounts, and scored_leads for the unmatched leads). Its
charts are drawn with matplotlib when the report is written and inlined as SVG (text as
paths): the file needs no network, no JavaScript and no fonts to be viewed, mailed or archived.
"""

from __future__ import annotations

import argparse
import html
import io
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter, StrMethodFormatter
from matplotlib.transforms import blended_transform_factory

from lead_funnel import common

STAGES = ("lead", "mql", "sal", "sql", "opportunity", "customer")
STAGE_COLUMNS = ("leads", "mqls", "sals", "sqls", "opportunities", "customers")
# Speed-to-lead buckets (hours); the one-hour line and the SLA target are added as edges.
SPEED_EDGES = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 24.0, 48.0, 96.0, 168.0)
BREACH_ROWS = 10
TOP_ACCOUNTS = 10

WIDTH = 880
PALETTE = {
    "bar": "#3b6ea8",
    "bar_light": "#9bb8d9",
    "target": "#d9822b",
    "good": "#2e8540",
    "alert": "#c0392b",
    "grid": "#e3e6ea",
    "text": "#22262a",
    "muted": "#6b737c",
}


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, read from the published marts."""

    as_of: datetime | None
    funnel: list[tuple[str, int]]
    complete_cohorts_only: bool
    monthly: list[dict[str, Any]]
    speed_hours: list[float]
    untouched: int
    first_touch_target_hours: float | None
    target_in_business_hours: bool
    breaches: list[dict[str, Any]]
    breach_count: int
    breaches_by_owner: list[tuple[str, int]]
    calibration: list[dict[str, Any]]
    threshold: float | None
    revenue_by_channel: list[dict[str, Any]] = field(default_factory=list)
    pacing: list[dict[str, Any]] = field(default_factory=list)
    pacing_month: date | None = None
    top_accounts: list[dict[str, Any]] = field(default_factory=list)
    account_counts: dict[str, int] = field(default_factory=dict)
    market_bands: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------------------------- data


def _records(connection: Any, sql: str) -> list[dict[str, Any]]:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def load_report_data(db_path: Path) -> ReportData:
    """Read the marts the report draws from the published DuckDB file (read-only)."""
    import duckdb

    if not db_path.is_file():
        raise common.PipelineError(f"{db_path} does not exist; build it with lead-funnel run")
    with duckdb.connect(str(db_path), read_only=True) as connection:
        (as_of,) = connection.execute("select max(scored_as_of) from scored_leads").fetchone()
        (complete,) = connection.execute(
            "select count(*) from mart_funnel_cohort where is_cohort_complete"
        ).fetchone()
        where = "where is_cohort_complete" if complete else ""
        sums = ", ".join(f"coalesce(sum({column}), 0)" for column in STAGE_COLUMNS)
        counts = connection.execute(f"select {sums} from mart_funnel_cohort {where}").fetchone()
        monthly = _records(
            connection,
            """
            select month, mqls, target_mqls, target_attainment, mql_to_sql_rate
            from mart_mql_monthly order by month
            """,
        )
        policy = connection.execute(
            """
            select max(first_touch_target_hours), bool_or(is_first_touch_target_in_business_hours)
            from mart_sla_mql_response
            """
        ).fetchone()
        in_business_hours = bool(policy[1])
        duration = "business_hours_to_first_touch" if in_business_hours else "hours_to_first_touch"
        speed = [
            float(row[0])
            for row in connection.execute(
                f"select {duration} from mart_sla_mql_response where {duration} is not null"
            ).fetchall()
        ]
        (untouched,) = connection.execute(
            "select count(*) from mart_sla_mql_response where first_touch_at is null"
        ).fetchone()
        breaches = _records(
            connection,
            f"""
            select queue_rank, breach_rank, lead_id, owner_id, company_name, lead_source,
                lead_grade, priority_tier_at_mql_entry, lead_score_at_mql_entry, lead_score,
                mql_entered_at, hours_waiting, decision_target_hours,
                hours_past_decision_target, waiting_age_bucket
            from mart_sla_open_breaches
            order by queue_rank nulls last, breach_rank limit {BREACH_ROWS}
            """,
        )
        (breach_count,) = connection.execute(
            "select count(*) from mart_sla_open_breaches"
        ).fetchone()
        by_owner = connection.execute(
            """
            select coalesce(owner_id, 'unassigned') as owner, count(*) as breaches
            from mart_sla_open_breaches group by all order by breaches desc, owner
            """
        ).fetchall()
        calibration = _records(
            connection,
            """
            select score_band, band_min, band_max, leads, reached_sql, sql_rate
            from mart_score_calibration order by band_min
            """,
        )
        threshold_row = connection.execute(
            "select max(threshold) from mart_mql_threshold_curve where is_current_threshold"
        ).fetchone()
        # the period view: results and spend of the same months, every month of the window
        revenue_by_channel = _records(
            connection,
            """
            select lead_source, sum(pipeline_amount) as pipeline, sum(won_amount) as won_amount,
                sum(spend) as spend
            from mart_revenue_by_channel where view = 'period'
            group by lead_source
            having sum(opportunities) > 0 or sum(spend) > 0
            order by won_amount desc, pipeline desc, lead_source
            """,
        )
        pacing = _records(
            connection,
            """
            select month, metric, actual, target, plan_share_elapsed as expected_share,
                forecast_at_pace as forecast
            from mart_targets_pacing
            where month_status = 'in_progress'
            order by case metric when 'mql' then 1 when 'sql' then 2 when 'opportunity' then 3
                when 'customer' then 4 else 5 end
            """,
        )
        # the accounts ranked by account score (ties: more leads, then the id, so the list is
        # stable); an account without a score (no scored member) ranks last
        top_accounts = _records(
            connection,
            f"""
            select account_id, account_name, account_domain, lead_count, engaged_contacts,
                account_score, furthest_stage, is_mqa, mqa_at, is_customer, customer_at
            from dim_accounts
            order by account_score desc nulls last, lead_count desc, account_id
            limit {TOP_ACCOUNTS}
            """,
        )
        (account_counts,) = _records(
            connection,
            """
            select
                (select count(*) from dim_accounts) as accounts,
                (select count(*) from dim_accounts where is_mqa) as mqa_accounts,
                (select count(*) from dim_accounts where is_customer) as customer_accounts,
                (select count(*) from scored_leads) as leads,
                (select count(*) from scored_leads where account_id is null) as unmatched_leads
            """,
        )
        # the company's rates against the published bands, in funnel order
        market_bands = _records(
            connection,
            """
            select metric, numerator, denominator, rate, rate_ci_lower, rate_ci_upper,
                band_low, band_high, band_position
            from mart_benchmark_comparison
            where scope_type = 'company'
            order by metric_order
            """,
        )
    return ReportData(
        as_of=as_of,
        funnel=list(zip(STAGES, [int(value) for value in counts], strict=True)),
        complete_cohorts_only=bool(complete),
        monthly=monthly,
        speed_hours=speed,
        untouched=int(untouched),
        first_touch_target_hours=float(policy[0]) if policy[0] is not None else None,
        target_in_business_hours=in_business_hours,
        breaches=breaches,
        breach_count=int(breach_count),
        breaches_by_owner=[(str(owner), int(count)) for owner, count in by_owner],
        calibration=calibration,
        threshold=float(threshold_row[0]) if threshold_row[0] is not None else None,
        revenue_by_channel=revenue_by_channel,
        pacing=pacing,
        pacing_month=pacing[0]["month"] if pacing else None,
        top_accounts=top_accounts,
        account_counts={name: int(value or 0) for name, value in account_counts.items()},
        market_bands=market_bands,
    )


# ------------------------------------------------------------------------------- charts

# matplotlib settings of every chart: text drawn as paths (the chart looks the same in any
# browser, with no font to load), stable ids (the same data gives the same file), the page's
# colours and a light frame
CHART_STYLE: dict[str, Any] = {
    "svg.fonttype": "path",
    "svg.hashsalt": "lead-funnel-report",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "text.color": PALETTE["text"],
    "axes.edgecolor": PALETTE["grid"],
    "axes.labelcolor": PALETTE["muted"],
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.spines.left": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": PALETTE["grid"],
    "xtick.color": PALETTE["muted"],
    "ytick.color": PALETTE["muted"],
    "ytick.left": False,
    "legend.frameon": False,
    "legend.fontsize": 9,
}
# SVG metadata matplotlib would write (creator, date): left out, the file stays the same
SVG_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
INCH = 96  # CSS pixels per inch: figure sizes are given in pixels of the page


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _percent(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}%}"


def _hours(value: float) -> str:
    if value == math.inf:
        return "∞"
    if value < 1:
        return f"{value * 60:g} min"
    return f"{value:g} h"


@dataclass
class Chart:
    """One chart being drawn: its matplotlib figure and what its SVG elements are tagged with
    (class, data-* attributes, a tooltip), so the page and its tests can find the marks."""

    name: str
    title: str
    figure: Figure
    axes: Axes
    tags: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def new(cls, name: str, title: str, height: int) -> Chart:
        """A WIDTH x height (page pixels) figure with one set of axes."""
        figure = Figure(figsize=(WIDTH / INCH, height / INCH), layout="constrained")
        return cls(name, title, figure, figure.add_subplot())

    def tag(self, artist: Artist, kind: str, tooltip: str, **data: object) -> None:
        """Tag an artist: its SVG group gets class=kind, data-NAME attributes and a title."""
        gid = f"{kind.split()[0]}-{len(self.tags)}"
        artist.set_gid(gid)
        attributes = {f"data-{key.replace('_', '-')}": str(value) for key, value in data.items()}
        self.tags[gid] = {"class": kind, **attributes, "": tooltip}

    def top_label(self, x: float, text: str, colour: str) -> None:
        """A label above the plot at data position x (reference lines)."""
        transform = blended_transform_factory(self.axes.transData, self.axes.transAxes)
        self.axes.text(x, 1.02, f" {text}", transform=transform, color=colour, va="bottom")

    def svg(self) -> str:
        """The chart as an inline <svg> element: ids prefixed with the chart's name (unique in
        the page), no XML prolog, no page-wide style, tags applied."""
        buffer = io.StringIO()
        self.figure.savefig(buffer, format="svg", metadata=SVG_METADATA)
        document = buffer.getvalue()
        document = document[document.index("<svg") :]
        document = re.sub(
            r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", document, count=1, flags=re.S
        )
        prefix = f"{self.name}-"
        document = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', document)
        document = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', document)
        document = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", document)
        for gid, tag in self.tags.items():
            attributes = "".join(f' {key}="{_text(value)}"' for key, value in tag.items() if key)
            document = document.replace(
                f'<g id="{prefix}{gid}">',
                f'<g id="{prefix}{gid}"{attributes}><title>{_text(tag[""])}</title>',
                1,
            )
        root = (
            f'<svg class="chart" data-chart="{self.name}" role="img" '
            f'aria-label="{_text(self.title)}" '
        )
        return document.replace("<svg ", root, 1)


def _count_axis(axes: Axes) -> None:
    axes.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    axes.margins(y=0.15)


def funnel_chart(funnel: Sequence[tuple[str, int]]) -> str:
    """Cohort waterfall: leads reaching each stage, with the step rate from the stage before."""
    with rc_context(CHART_STYLE):
        chart = Chart.new("funnel", "Cohort waterfall", 270)
        axes = chart.axes
        stages = [stage for stage, _ in funnel]
        counts = [count for _, count in funnel]
        bars = axes.bar(range(len(counts)), counts, width=0.7, color=PALETTE["bar"])
        for bar, stage, count in zip(bars, stages, counts, strict=True):
            chart.tag(bar, "mark", f"{stage}: {count:,}", stage=stage, value=count)
        axes.bar_label(bars, labels=[f"{count:,}" for count in counts], padding=3)
        axes.set_xticks(range(len(stages)), stages, fontweight="bold", color=PALETTE["text"])
        below = blended_transform_factory(axes.transData, axes.transAxes)
        for index in range(1, len(counts)):
            previous = counts[index - 1]
            rate = counts[index] / previous if previous else None
            axes.text(
                index - 0.5,
                -0.13,
                f"→ {_percent(rate)}",
                transform=below,
                ha="center",
                va="top",
                color=PALETTE["muted"],
            )
        _count_axis(axes)
        return chart.svg()


def monthly_chart(monthly: Sequence[dict[str, Any]]) -> str:
    """MQLs per month (bars) against the month's target (marks and a line)."""
    with rc_context(CHART_STYLE):
        chart = Chart.new("mql-monthly", "MQLs against target by month", 250)
        axes = chart.axes
        months: list[str] = []
        for index, row in enumerate(monthly):
            mqls = int(row["mqls"] or 0)
            attained = row["target_attainment"]
            met = attained is not None and attained >= 1
            month = row["month"]
            month_text = month.strftime("%Y-%m") if isinstance(month, date) else str(month)
            months.append(month_text)
            (bar,) = axes.bar(
                index, mqls, width=0.7, color=PALETTE["good"] if met else PALETTE["bar"]
            )
            chart.tag(
                bar,
                "mark",
                f"{month_text}: {mqls} MQLs, target {row['target_mqls']}, "
                f"attainment {_percent(attained, 0)}",
                month=month_text,
                value=mqls,
            )
        targets = [
            (index, float(row["target_mqls"]))
            for index, row in enumerate(monthly)
            if row["target_mqls"] is not None
        ]
        if targets:
            (line,) = axes.plot(
                *zip(*targets, strict=True),
                color=PALETTE["target"],
                linewidth=2,
                marker="o",
                markersize=4,
            )
            chart.tag(line, "ref-line", "monthly MQL target", line="target")
        step = 1 if len(months) <= 12 else 3
        axes.set_xticks(range(0, len(months), step), months[::step], fontsize=8)
        _count_axis(axes)
        chart.figure.legend(
            handles=[
                Patch(color=PALETTE["good"], label="MQLs (target met)"),
                Patch(color=PALETTE["bar"], label="MQLs"),
                Line2D([], [], color=PALETTE["target"], linewidth=2, marker="o", label="target"),
            ],
            loc="outside upper left",
            ncols=3,
        )
        return chart.svg()


def speed_edges(target_hours: float | None) -> list[float]:
    """Bucket edges for the speed-to-lead histogram: SPEED_EDGES plus the SLA target, then
    an open last bucket."""
    edges = set(SPEED_EDGES)
    if target_hours:
        edges.add(float(target_hours))
    return [*sorted(edges), math.inf]


def speed_histogram(hours: Sequence[float], edges: Sequence[float]) -> list[int]:
    """How many durations fall in each [edge, next edge) bucket."""
    counts = [0] * (len(edges) - 1)
    for value in hours:
        for index in range(len(edges) - 1):
            if edges[index] <= value < edges[index + 1]:
                counts[index] += 1
                break
    return counts


def speed_chart(data: ReportData) -> str:
    """Speed to first touch after each MQL entry, with the one-hour and SLA lines."""
    edges = speed_edges(data.first_touch_target_hours)
    counts = speed_histogram(data.speed_hours, edges)
    with rc_context(CHART_STYLE):
        chart = Chart.new("speed-to-lead", "Speed to lead", 280)
        axes = chart.axes
        colours = [
            PALETTE["good"] if edges[index + 1] <= 1 else PALETTE["bar"]
            for index in range(len(counts))
        ]
        bars = axes.bar(range(len(counts)), counts, width=0.92, color=colours)
        for index, (bar, count) in enumerate(zip(bars, counts, strict=True)):
            chart.tag(
                bar,
                "mark",
                f"{_hours(edges[index])} to {_hours(edges[index + 1])}: {count}",
                bucket=f"{edges[index]:g}",
                value=count,
            )
        axes.bar_label(bars, padding=2, fontsize=8)
        # bucket i spans [i - 0.5, i + 0.5]: its lower edge is at i - 0.5
        axes.set_xticks([index - 0.5 for index in range(len(counts))], map(_hours, edges[:-1]))
        axes.tick_params(axis="x", labelsize=8)
        unit = "business h" if data.target_in_business_hours else "h"
        lines = [(1.0, "1 hour", PALETTE["good"])]
        if data.first_touch_target_hours:
            target = data.first_touch_target_hours
            lines.append((target, f"SLA {target:g} {unit}", PALETTE["alert"]))
        for hours, name, colour in lines:
            x = edges.index(hours) - 0.5
            line = axes.axvline(x, color=colour, linewidth=2, linestyle=(0, (6, 4)))
            chart.tag(line, "ref-line", name, line=name)
            chart.top_label(x, name, colour)
        axes.set_xlabel(
            f"hours to first sales touch ({unit}); "
            f"{data.untouched} MQL entries not touched yet are not shown",
            loc="left",
        )
        _count_axis(axes)
        return chart.svg()


def breach_owner_chart(by_owner: Sequence[tuple[str, int]]) -> str:
    """Open breaches per owner (the whole breach list), as horizontal bars."""
    ranked = list(by_owner)
    with rc_context({**CHART_STYLE, "axes.grid.axis": "x"}):
        chart = Chart.new("breaches-by-owner", "Open breaches by owner", 30 + 22 * len(ranked))
        axes = chart.axes
        if not ranked:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "no open breaches", ha="center", color=PALETTE["muted"])
            return chart.svg()
        owners = [owner for owner, _ in ranked]
        counts = [count for _, count in ranked]
        bars = axes.barh(range(len(ranked)), counts, height=0.65, color=PALETTE["alert"])
        for bar, owner, count in zip(bars, owners, counts, strict=True):
            chart.tag(bar, "mark", f"{owner}: {count}", owner=owner, value=count)
        axes.bar_label(bars, padding=4)
        axes.set_yticks(range(len(owners)), owners, color=PALETTE["text"])
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.margins(x=0.08)
        return chart.svg()


def calibration_chart(calibration: Sequence[dict[str, Any]], threshold: float | None) -> str:
    """SQL rate by score band (score at the calibration horizon), the threshold marked."""
    with rc_context(CHART_STYLE):
        chart = Chart.new("calibration", "Score calibration", 290)
        axes = chart.axes
        threshold_x: float | None = None
        for index, row in enumerate(calibration):
            rate = float(row["sql_rate"] or 0)
            above = threshold is not None and row["band_min"] >= threshold
            colour = PALETTE["bar"] if above else PALETTE["bar_light"]
            (bar,) = axes.bar(index, rate, width=0.92, color=colour)
            chart.tag(
                bar,
                "mark",
                f"score {row['score_band']}: {row['reached_sql']} of {row['leads']} leads "
                f"reached SQL ({_percent(rate)})",
                band=row["score_band"],
                value=f"{rate:.4f}",
            )
            if threshold is not None and row["band_min"] <= threshold < row["band_max"]:
                low, high = float(row["band_min"]), float(row["band_max"])
                threshold_x = index - 0.5 + (threshold - low) / (high - low)
        axes.set_xticks(
            range(len(calibration)),
            [f"{row['band_min']}\nn={row['leads']}" for row in calibration],
            fontsize=8,
        )
        axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.yaxis.set_major_locator(MaxNLocator(nbins=4))
        axes.margins(y=0.1)
        if threshold_x is not None:
            line = axes.axvline(
                threshold_x, color=PALETTE["target"], linewidth=2, linestyle=(0, (6, 4))
            )
            chart.tag(line, "ref-line", f"MQL threshold {threshold:g}", line="threshold")
            chart.top_label(threshold_x, f"MQL threshold {threshold:g}", PALETTE["target"])
        axes.set_xlabel("lead score band (lower bound), leads per band", loc="left")
        return chart.svg()


def _money(value: float) -> str:
    """An amount in thousands or millions (the reporting currency, unnamed)."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.2f}M"
    if abs(value) >= 1_000:
        return f"{value / 1_000:.0f}k"
    return f"{value:,.0f}"


def revenue_chart(channels: Sequence[dict[str, Any]]) -> str:
    """Pipeline created and revenue won per channel (period view, the whole window), as
    paired horizontal bars, with the channel's return on spend beside them."""
    ranked = list(channels)
    with rc_context({**CHART_STYLE, "axes.grid.axis": "x"}):
        chart = Chart.new(
            "revenue-by-channel", "Pipeline and revenue by channel", 60 + 34 * len(ranked)
        )
        axes = chart.axes
        if not ranked:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "no opportunities", ha="center", color=PALETTE["muted"])
            return chart.svg()
        for index, row in enumerate(ranked):
            source = str(row["lead_source"])
            pipeline = float(row["pipeline"] or 0)
            won = float(row["won_amount"] or 0)
            spend = row["spend"]
            roi = won / float(spend) if spend else None
            (pipe_bar,) = axes.barh(index - 0.18, pipeline, height=0.34, color=PALETTE["bar_light"])
            chart.tag(
                pipe_bar,
                "mark",
                f"{source}: pipeline created {_money(pipeline)}",
                channel=source,
                measure="pipeline",
                value=f"{pipeline:.2f}",
            )
            (won_bar,) = axes.barh(index + 0.18, won, height=0.34, color=PALETTE["good"])
            chart.tag(
                won_bar,
                "mark",
                f"{source}: won {_money(won)}"
                + (f", {roi:.1f}x its spend of {_money(float(spend))}" if roi is not None else ""),
                channel=source,
                measure="won",
                value=f"{won:.2f}",
            )
            label = f"{_money(won)}" + (f"  ROI {roi:.1f}x" if roi is not None else "  no spend")
            axes.text(max(pipeline, won), index + 0.18, f"  {label}", va="center", fontsize=8)
        axes.set_yticks(range(len(ranked)), [str(row["lead_source"]) for row in ranked])
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        axes.xaxis.set_major_locator(MaxNLocator(nbins=5))
        axes.margins(x=0.25)
        chart.figure.legend(
            handles=[
                Patch(color=PALETTE["bar_light"], label="pipeline created"),
                Patch(color=PALETTE["good"], label="revenue won (ROI = won / spend)"),
            ],
            loc="outside upper left",
            ncols=2,
        )
        return chart.svg()


def pacing_chart(pacing: Sequence[dict[str, Any]], month_label: str) -> str:
    """The current month against its targets: the share of each target reached so far (bars),
    the share the plan expects by as_of (a tick) and the forecast at the current pace (a dot)."""
    rows = [row for row in pacing if row["target"]]
    with rc_context({**CHART_STYLE, "axes.grid.axis": "x"}):
        chart = Chart.new("targets-pacing", f"Targets pacing, {month_label}", 60 + 34 * len(rows))
        axes = chart.axes
        if not rows:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "no targets for this month", ha="center", color=PALETTE["muted"])
            return chart.svg()
        for index, row in enumerate(rows):
            metric = str(row["metric"])
            target = float(row["target"])
            attained = float(row["actual"] or 0) / target
            expected = row["expected_share"]
            forecast = row["forecast"]
            on_pace = expected is None or attained >= float(expected)
            (bar,) = axes.barh(
                index, attained, height=0.6, color=PALETTE["good"] if on_pace else PALETTE["alert"]
            )
            chart.tag(
                bar,
                "mark",
                f"{metric}: {row['actual']} of {row['target']} ({_percent(attained, 0)}); "
                f"plan by now {_percent(float(expected) if expected is not None else None, 0)}",
                metric=metric,
                value=f"{attained:.4f}",
            )
            if expected is not None:
                (tick,) = axes.plot(
                    [float(expected)] * 2,
                    [index - 0.4, index + 0.4],
                    color=PALETTE["text"],
                    linewidth=2,
                )
                chart.tag(tick, "ref-line", f"{metric}: plan by as_of", line="plan")
            if forecast is not None:
                (dot,) = axes.plot(
                    float(forecast) / target, index, marker="o", color=PALETTE["target"]
                )
                chart.tag(
                    dot,
                    "forecast",
                    f"{metric}: forecast {_percent(float(forecast) / target, 0)} of target",
                    metric=metric,
                )
        axes.axvline(1.0, color=PALETTE["muted"], linewidth=1, linestyle=(0, (4, 3)))
        axes.set_yticks(range(len(rows)), [str(row["metric"]) for row in rows])
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.margins(x=0.08)
        chart.figure.legend(
            handles=[
                Patch(color=PALETTE["good"], label="reached (on pace)"),
                Patch(color=PALETTE["alert"], label="reached (behind plan)"),
                Line2D([], [], color=PALETTE["text"], linewidth=2, label="plan by as_of"),
                Line2D([], [], color=PALETTE["target"], marker="o", linewidth=0, label="forecast"),
            ],
            loc="outside upper left",
            ncols=4,
        )
        return chart.svg()


def market_bands_chart(bands: Sequence[dict[str, Any]]) -> str:
    """The company's rates against the market: each metric's published band (a shaded bar),
    the rate (a dot, coloured by band_position: judged on the interval) and its Wilson
    interval (a line). A metric without a mature group shows its band only."""
    colours = {"below": PALETTE["alert"], "above": PALETTE["good"], "within": PALETTE["bar"]}
    with rc_context({**CHART_STYLE, "axes.grid.axis": "x"}):
        chart = Chart.new("market-bands", "Rates against market bands", 60 + 34 * len(bands))
        axes = chart.axes
        if not bands:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "no market bands", ha="center", color=PALETTE["muted"])
            return chart.svg()
        for index, row in enumerate(bands):
            metric = str(row["metric"])
            low, high = float(row["band_low"]), float(row["band_high"])
            (band,) = axes.barh(
                index, high - low, left=low, height=0.5, color=PALETTE["grid"], zorder=1
            )
            chart.tag(
                band, "band", f"{metric}: market band {_percent(low, 0)} to {_percent(high, 0)}"
            )
            if row["rate"] is None:
                continue
            rate = float(row["rate"])
            (interval,) = axes.plot(
                [float(row["rate_ci_lower"]), float(row["rate_ci_upper"])],
                [index, index],
                color=PALETTE["text"],
                linewidth=1.5,
                zorder=2,
            )
            chart.tag(interval, "interval", f"{metric}: 95% interval", metric=metric)
            (dot,) = axes.plot(
                rate,
                index,
                marker="o",
                markersize=8,
                color=colours.get(str(row["band_position"]), PALETTE["bar"]),
                zorder=3,
            )
            chart.tag(
                dot,
                "mark",
                f"{metric}: {_percent(rate)} ({row['numerator']:,} of {row['denominator']:,}), "
                f"{row['band_position']} the band",
                metric=metric,
                value=f"{rate:.4f}",
                position=str(row["band_position"]),
            )
        axes.set_yticks(range(len(bands)), [str(row["metric"]) for row in bands])
        axes.invert_yaxis()
        axes.set_xlim(0, 1)
        axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        chart.figure.legend(
            handles=[
                Patch(color=PALETTE["grid"], label="market band"),
                Line2D([], [], color=PALETTE["alert"], marker="o", linewidth=0, label="below"),
                Line2D([], [], color=PALETTE["bar"], marker="o", linewidth=0, label="within"),
                Line2D([], [], color=PALETTE["good"], marker="o", linewidth=0, label="above"),
            ],
            loc="outside upper left",
            ncols=4,
        )
        return chart.svg()


# ------------------------------------------------------------------------------- tables


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def breach_table(breaches: Sequence[dict[str, Any]]) -> str:
    """The open breach list as an HTML table: the actionable queue by priority (queue_rank),
    then the abandoned breaches (no queue rank), oldest first."""
    columns = [
        ("queue_rank", "queue #"),
        ("lead_id", "lead"),
        ("owner_id", "owner"),
        ("company_name", "company"),
        ("lead_source", "source"),
        ("lead_grade", "grade"),
        ("priority_tier_at_mql_entry", "tier at MQL"),
        ("lead_score_at_mql_entry", "score at MQL"),
        ("lead_score", "score now"),
        ("mql_entered_at", "MQL at"),
        ("waiting_age_bucket", "waiting"),
        ("hours_past_decision_target", "hours past target"),
    ]
    head = "".join(f"<th>{_text(name)}</th>" for _, name in columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_text(_cell(row[key]))}</td>" for key, _ in columns) + "</tr>"
        for row in breaches
    )
    if not breaches:
        rows = f'<tr><td colspan="{len(columns)}">no open breaches</td></tr>'
    return f'<table class="breaches"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _since(flag: object, moment: object) -> str:
    """The date a flag became true (yes when it has none), or no."""
    if not flag:
        return "no"
    return f"{moment:%Y-%m-%d}" if isinstance(moment, datetime | date) else "yes"


def accounts_table(accounts: Sequence[dict[str, Any]]) -> str:
    """The top accounts by account score as an HTML table (dim_accounts): who they are, how
    many leads and engaged contacts they have, how far they got."""
    columns = ["#", "account", "domain", "leads", "engaged contacts", "account score"]
    columns += ["furthest stage", "MQA since", "customer since"]
    head = "".join(f"<th>{_text(name)}</th>" for name in columns)
    body = []
    for rank, row in enumerate(accounts, start=1):
        score = row["account_score"]
        cells = [
            str(rank),
            _cell(row["account_name"]),
            _cell(row["account_domain"]) or "(name only)",
            f"{int(row['lead_count'] or 0):,}",
            f"{int(row['engaged_contacts'] or 0):,}",
            "" if score is None else f"{float(score):,.1f}",
            _cell(row["furthest_stage"]),
            _since(row["is_mqa"], row["mqa_at"]),
            _since(row["is_customer"], row["customer_at"]),
        ]
        body.append(
            f'<tr data-account="{_text(row["account_id"])}">'
            + "".join(f"<td>{_text(cell)}</td>" for cell in cells)
            + "</tr>"
        )
    rows = "".join(body) or f'<tr><td colspan="{len(columns)}">no accounts</td></tr>'
    return f'<table class="accounts"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


# -------------------------------------------------------------------------------- report

STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #22262a; margin: 24px auto; max-width: 920px; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; margin: 22px 0 4px; }
p.note { color: #6b737c; font-size: 13px; margin: 0 0 8px; }
.kpis { display: flex; gap: 12px; margin: 16px 0; }
.kpi { flex: 1; border: 1px solid #e3e6ea; border-radius: 6px; padding: 10px 12px; }
.kpi b { display: block; font-size: 22px; } .kpi span { color: #6b737c; font-size: 12px; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 4px 0 8px; }
svg.chart * { stroke-linejoin: round; stroke-linecap: butt; }
table.breaches, table.accounts { border-collapse: collapse; font-size: 12px; width: 100%; }
table.breaches th, table.breaches td, table.accounts th, table.accounts td {
       border-bottom: 1px solid #e3e6ea; padding: 4px 6px; text-align: left; }
table.breaches th, table.accounts th { background: #f5f6f8; }
table.accounts td { white-space: nowrap; } table.accounts td:nth-child(2) { white-space: normal; }
"""


def render_report(data: ReportData) -> str:
    """The whole report as one HTML document (no external resources)."""
    as_of = f"{data.as_of:%Y-%m-%d %H:%M} UTC" if data.as_of else "n/a"
    counts = dict(data.funnel)
    mql_to_sql = counts["sql"] / counts["mql"] if counts.get("mql") else None
    within_hour = sum(1 for hours in data.speed_hours if hours <= 1)
    touched = len(data.speed_hours)
    cohorts = "complete cohorts" if data.complete_cohorts_only else "all cohorts (none complete)"
    kpis = [
        (f"{counts.get('lead', 0):,}", f"leads ({cohorts})"),
        (f"{counts.get('mql', 0):,}", "reached MQL"),
        (_percent(mql_to_sql), "MQL → SQL (MQL efficiency)"),
        (_percent(within_hour / touched if touched else None), "first touch within 1 hour"),
        (f"{data.breach_count:,}", "open SLA breaches"),
    ]
    kpi_html = "".join(
        f'<div class="kpi"><b>{_text(v)}</b><span>{_text(k)}</span></div>' for v, k in kpis
    )
    shown = min(len(data.breaches), data.breach_count)
    accounts = {
        name: data.account_counts.get(name, 0)
        for name in ("accounts", "mqa_accounts", "customer_accounts", "leads", "unmatched_leads")
    }
    sections = [
        (
            "Cohort waterfall",
            f"Leads reaching each stage ({cohorts}, by lead creation month; a lead reached a stage "
            "if it entered it or any later one) and the step rate from the stage before.",
            funnel_chart(data.funnel),
        ),
        (
            "MQLs against target by month",
            "MQL entries per month (green: target met) and the monthly target from "
            "seeds/config/mql_targets.csv.",
            monthly_chart(data.monthly),
        ),
        (
            "Speed to lead",
            "Time from each MQL entry to the first sales touch. HBR (2011): a contact attempt "
            "within an hour is about 7x likelier to qualify the lead than one an hour later.",
            speed_chart(data),
        ),
        (
            "Open SLA breaches",
            f"MQLs whose decision is past its target and still open at as_of: all of them per "
            f"owner, then {shown} of {data.breach_count} (mart_sla_open_breaches): the "
            "actionable queue by the tier at MQL entry, then the wait; then the abandoned "
            "ones (no queue #, waiting past sla_abandoned_after_days), oldest first.",
            breach_owner_chart(data.breaches_by_owner) + breach_table(data.breaches),
        ),
        (
            "Score calibration",
            "Share of mature leads, not yet SQL at the calibration horizon, that became SQL "
            "after it, by the score they had then (no later behaviour or earlier outcome "
            "leaks in); dark bars are at or above the MQL threshold.",
            calibration_chart(data.calibration, data.threshold),
        ),
        (
            "Pipeline and revenue by channel",
            "Pipeline created and revenue won per channel over the reporting window, each dated "
            "by when it happened (mart_revenue_by_channel, period view), and the return on the "
            "channel's spend (won / spend; seeds/config/channel_spend.csv and offer_spend.csv).",
            revenue_chart(data.revenue_by_channel),
        ),
        (
            "Targets pacing",
            "The month of as_of against its targets (mart_targets_pacing): the share of each "
            "target reached so far, the share the plan expects by now (the tick) and where the "
            "month ends at the current pace (the dot).",
            pacing_chart(data.pacing, f"{data.pacing_month:%Y-%m}" if data.pacing_month else "n/a"),
        ),
        (
            "Rates against market bands",
            "The company's funnel step rates over mature cohorts, its sales-ready share and "
            "its within-one-hour response rate (mart_benchmark_comparison), each with its 95% "
            "Wilson interval, against the published band of seeds/config/market_benchmarks.csv. "
            "A rate is called below or above only when its whole interval is outside the band.",
            market_bands_chart(data.market_bands),
        ),
        (
            "Top accounts",
            f"The {len(data.top_accounts)} accounts with the highest account score "
            f"(dim_accounts) of {accounts['accounts']:,} accounts, {accounts['mqa_accounts']:,} "
            f"of them marketing-qualified (MQA) and {accounts['customer_accounts']:,} "
            f"customers; {accounts['unmatched_leads']:,} of {accounts['leads']:,} leads match "
            "no account. Engaged contacts: leads of the account engaged in the last "
            "account_engaged_days days.",
            accounts_table(data.top_accounts),
        ),
    ]
    section_html = "".join(
        f'<section><h2>{_text(title)}</h2><p class="note">{_text(note)}</p>{content}</section>'
        for title, note, content in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Lead funnel report, as of {_text(as_of)}</title>"
        f"<style>{STYLE}</style></head><body>"
        f'<h1>Lead funnel and SLA report</h1><p class="note">As of {_text(as_of)}. '
        "Built from the published warehouse by lead-funnel report.</p>"
        f'<div class="kpis">{kpi_html}</div>{section_html}</body></html>\n'
    )


def write_report(db_path: Path, out: Path) -> Path:
    """Read the published file and write the HTML report; returns the written path."""
    document = render_report(load_report_data(db_path))
    out = out.expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(document, encoding="utf-8")
    return out


def make_parser(prog: str = "lead-funnel report") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Write the lead funnel and SLA report: one self-contained HTML file (charts drawn "
            "with matplotlib and inlined as SVG; no network, JavaScript or fonts needed to view "
            "it) with the cohort waterfall, "
            "MQLs against target by month, speed to lead with the one-hour and SLA lines, the "
            "open SLA breach list, the score calibration with the MQL threshold, pipeline and "
            "revenue by channel with the return on spend, the current month's pacing "
            "against its targets, the rates against market bands, and the top accounts by "
            "account score."
        ),
        epilog=f"Example: {prog} --db warehouse/lead_funnel.duckdb --out build/report.html",
    )
    parser.add_argument(
        "--db",
        help="published DuckDB file to read (read-only; default: $LEAD_FUNNEL_DB, else "
        "warehouse/lead_funnel.duckdb)",
    )
    parser.add_argument(
        "--out", default="report.html", help="HTML file to write (default: report.html)"
    )
    return parser


def main(argv: list[str] | None = None, prog: str = "lead-funnel report") -> int:
    """Write the report for the command-line arguments; returns the exit code."""
    args = make_parser(prog).parse_args(argv)
    try:
        written = write_report(common.published_db_path(args.db), Path(args.out))
    except common.PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Report written to {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(prog="python -m lead_funnel.report"))
