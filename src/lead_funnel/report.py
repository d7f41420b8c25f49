"""Write the funnel and SLA report: one self-contained HTML file with inline SVG charts.

    python scripts/report.py --db warehouse/lead_funnel.duckdb --out report.html

The report reads only the published marts (mart_funnel_cohort, mart_mql_monthly,
mart_sla_mql_response, mart_sla_open_breaches, mart_score_calibration,
mart_mql_threshold_curve) and draws its charts here, in Python, as SVG: the file needs no
network, no JavaScript and no charting library to be viewed, mailed or archived.
"""

from __future__ import annotations

import argparse
import html
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PipelineError, published_db_path

STAGES = ("lead", "mql", "sal", "sql", "opportunity", "customer")
STAGE_COLUMNS = ("leads", "mqls", "sals", "sqls", "opportunities", "customers")
# Speed-to-lead buckets (hours); the one-hour line and the SLA target are added as edges.
SPEED_EDGES = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 24.0, 48.0, 96.0, 168.0)
BREACH_ROWS = 10

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


# ---------------------------------------------------------------------------------- data


def _records(connection: Any, sql: str) -> list[dict[str, Any]]:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def load_report_data(db_path: Path) -> ReportData:
    """Read the marts the report draws from the published DuckDB file (read-only)."""
    import duckdb

    if not db_path.is_file():
        raise PipelineError(f"{db_path} does not exist; build it with scripts/pipeline.py run")
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
    )


# ----------------------------------------------------------------------------- SVG parts


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


def _svg(chart: str, title: str, height: int, body: list[str]) -> str:
    return (
        f'<svg class="chart" data-chart="{chart}" role="img" aria-label="{_text(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>"
    )


def _label(x: float, y: float, text: str, anchor: str = "middle", **style: str) -> str:
    attributes = " ".join(f'{key.replace("_", "-")}="{value}"' for key, value in style.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {attributes}>{_text(text)}</text>'


def _nice_max(value: float) -> float:
    """A round axis maximum at or above value (1, 2, 2.5, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _y_axis(
    top: float, bottom: float, left: float, right: float, maximum: float, fmt: str = "count"
) -> list[str]:
    parts: list[str] = []
    for tick in range(5):
        value = maximum * tick / 4
        y = bottom - (bottom - top) * tick / 4
        parts.append(
            f'<line class="grid" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{PALETTE["grid"]}"/>'
        )
        if fmt == "rate":
            shown = f"{value:.0%}"
        else:
            shown = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
        parts.append(_label(left - 6, y + 4, shown, "end", fill=PALETTE["muted"], font_size="11"))
    return parts


# -------------------------------------------------------------------------------- charts


def funnel_chart(funnel: Sequence[tuple[str, int]]) -> str:
    """Cohort waterfall: leads reaching each stage, with the step rate from the stage before."""
    height, top, bottom, left, right = 270, 30, 220, 60, WIDTH - 20
    maximum = _nice_max(max((count for _, count in funnel), default=0))
    slot = (right - left) / max(len(funnel), 1)
    body = _y_axis(top, bottom, left, right, maximum)
    previous: int | None = None
    for index, (stage, count) in enumerate(funnel):
        bar_height = (bottom - top) * count / maximum
        x = left + index * slot + slot * 0.15
        body.append(
            f'<rect class="mark" data-stage="{stage}" data-value="{count}" x="{x:.1f}" '
            f'y="{bottom - bar_height:.1f}" width="{slot * 0.7:.1f}" height="{bar_height:.1f}" '
            f'fill="{PALETTE["bar"]}"><title>{stage}: {count:,}</title></rect>'
        )
        center = x + slot * 0.35
        body.append(_label(center, bottom - bar_height - 6, f"{count:,}", font_size="12"))
        body.append(_label(center, bottom + 18, stage, font_size="12", font_weight="600"))
        if previous is not None:
            rate = count / previous if previous else None
            body.append(
                _label(
                    center - slot * 0.5,
                    bottom + 36,
                    f"→ {_percent(rate)}",
                    fill=PALETTE["muted"],
                    font_size="11",
                )
            )
        previous = count
    return _svg("funnel", "Cohort waterfall", height, body)


def monthly_chart(monthly: Sequence[dict[str, Any]]) -> str:
    """MQLs per month (bars) against the month's target (marks and a line)."""
    height, top, bottom, left, right = 250, 30, 210, 60, WIDTH - 20
    values = [row["mqls"] or 0 for row in monthly] + [row["target_mqls"] or 0 for row in monthly]
    maximum = _nice_max(max(values, default=0))
    slot = (right - left) / max(len(monthly), 1)
    body = _y_axis(top, bottom, left, right, maximum)
    target_points: list[str] = []
    for index, row in enumerate(monthly):
        mqls = int(row["mqls"] or 0)
        x = left + index * slot
        bar_height = (bottom - top) * mqls / maximum
        attained = row["target_attainment"]
        colour = PALETTE["good"] if attained is not None and attained >= 1 else PALETTE["bar"]
        month = row["month"]
        month_text = month.strftime("%Y-%m") if isinstance(month, date) else str(month)
        body.append(
            f'<rect class="mark" data-month="{month_text}" data-value="{mqls}" '
            f'x="{x + slot * 0.15:.1f}" y="{bottom - bar_height:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{bar_height:.1f}" fill="{colour}">'
            f"<title>{month_text}: {mqls} MQLs, target {row['target_mqls']}, "
            f"attainment {_percent(attained, 0)}</title></rect>"
        )
        if row["target_mqls"] is not None:
            y = bottom - (bottom - top) * row["target_mqls"] / maximum
            target_points.append(f"{x + slot / 2:.1f},{y:.1f}")
            body.append(
                f'<circle class="mark target" cx="{x + slot / 2:.1f}" cy="{y:.1f}" r="3.5" '
                f'fill="{PALETTE["target"]}"/>'
            )
        if len(monthly) <= 12 or index % 3 == 0:
            body.append(
                _label(x + slot / 2, bottom + 16, month_text, font_size="10", fill=PALETTE["muted"])
            )
    if len(target_points) > 1:
        body.append(
            f'<polyline class="ref-line" points="{" ".join(target_points)}" fill="none" '
            f'stroke="{PALETTE["target"]}" stroke-width="2"/>'
        )
    body.append(
        _legend(
            left,
            16,
            [
                ("MQLs (target met)", PALETTE["good"]),
                ("MQLs", PALETTE["bar"]),
                ("target", PALETTE["target"]),
            ],
        )
    )
    return _svg("mql-monthly", "MQLs against target by month", height, body)


def _legend(x: float, y: float, items: Sequence[tuple[str, str]]) -> str:
    parts: list[str] = []
    for name, colour in items:
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(_label(x + 14, y, name, "start", font_size="11", fill=PALETTE["text"]))
        x += 24 + 7 * len(name)
    return "".join(parts)


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
    height, top, bottom, left, right = 280, 36, 225, 60, WIDTH - 20
    edges = speed_edges(data.first_touch_target_hours)
    counts = speed_histogram(data.speed_hours, edges)
    maximum = _nice_max(max(counts, default=0))
    slot = (right - left) / max(len(counts), 1)
    body = _y_axis(top, bottom, left, right, maximum)
    for index, count in enumerate(counts):
        x = left + index * slot
        bar_height = (bottom - top) * count / maximum
        within_hour = edges[index + 1] <= 1
        colour = PALETTE["good"] if within_hour else PALETTE["bar"]
        body.append(
            f'<rect class="mark" data-bucket="{edges[index]:g}" data-value="{count}" '
            f'x="{x + 2:.1f}" y="{bottom - bar_height:.1f}" width="{slot - 4:.1f}" '
            f'height="{bar_height:.1f}" fill="{colour}">'
            f"<title>{_hours(edges[index])} to {_hours(edges[index + 1])}: {count}</title></rect>"
        )
        body.append(_label(x + slot / 2, bottom - bar_height - 5, str(count), font_size="11"))
        body.append(
            _label(x, bottom + 16, _hours(edges[index]), font_size="10", fill=PALETTE["muted"])
        )
    unit = "business h" if data.target_in_business_hours else "h"
    lines = [(1.0, "1 hour", PALETTE["good"])]
    if data.first_touch_target_hours:
        lines.append(
            (
                data.first_touch_target_hours,
                f"SLA {data.first_touch_target_hours:g} {unit}",
                PALETTE["alert"],
            )
        )
    for hours, name, colour in lines:
        x = left + edges.index(hours) * slot
        body.append(
            f'<line class="ref-line" data-line="{_text(name)}" x1="{x:.1f}" x2="{x:.1f}" '
            f'y1="{top - 14}" y2="{bottom}" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="6 4"/>'
        )
        body.append(_label(x + 4, top - 18, name, "start", fill=colour, font_size="12"))
    body.append(
        _label(
            left,
            bottom + 40,
            f"hours to first sales touch ({unit}); "
            f"{data.untouched} MQL entries not touched yet are not shown",
            "start",
            fill=PALETTE["muted"],
            font_size="11",
        )
    )
    return _svg("speed-to-lead", "Speed to lead", height, body)


def breach_owner_chart(by_owner: Sequence[tuple[str, int]]) -> str:
    """Open breaches per owner (the whole breach list), as horizontal bars."""
    ranked = list(by_owner)
    row_height, left, right = 18, 120, WIDTH - 60
    height = 20 + row_height * max(len(ranked), 1)
    maximum = max((count for _, count in ranked), default=1)
    body: list[str] = []
    for index, (owner, count) in enumerate(ranked):
        y = 10 + index * row_height
        width = (right - left) * count / maximum
        body.append(_label(left - 8, y + 15, owner, "end", font_size="12"))
        body.append(
            f'<rect class="mark" data-owner="{_text(owner)}" data-value="{count}" x="{left}" '
            f'y="{y + 3}" width="{width:.1f}" height="{row_height - 6}" '
            f'fill="{PALETTE["alert"]}"><title>{_text(owner)}: {count}</title></rect>'
        )
        body.append(_label(left + width + 6, y + 15, str(count), "start", font_size="12"))
    if not ranked:
        body.append(_label(WIDTH / 2, 30, "no open breaches", fill=PALETTE["muted"]))
    return _svg("breaches-by-owner", "Open breaches by owner", height, body)


def calibration_chart(calibration: Sequence[dict[str, Any]], threshold: float | None) -> str:
    """SQL rate by score band (score at the calibration horizon), the threshold marked."""
    height, top, bottom, left, right = 290, 36, 230, 60, WIDTH - 20
    maximum = _nice_max(max((row["sql_rate"] or 0 for row in calibration), default=0))
    slot = (right - left) / max(len(calibration), 1)
    body = _y_axis(top, bottom, left, right, maximum, fmt="rate")
    threshold_x: float | None = None
    for index, row in enumerate(calibration):
        x = left + index * slot
        rate = float(row["sql_rate"] or 0)
        bar_height = (bottom - top) * rate / maximum
        above = threshold is not None and row["band_min"] >= threshold
        colour = PALETTE["bar"] if above else PALETTE["bar_light"]
        body.append(
            f'<rect class="mark" data-band="{_text(row["score_band"])}" data-value="{rate:.4f}" '
            f'x="{x + 2:.1f}" y="{bottom - bar_height:.1f}" width="{slot - 4:.1f}" '
            f'height="{bar_height:.1f}" fill="{colour}"><title>score {_text(row["score_band"])}: '
            f"{row['reached_sql']} of {row['leads']} leads reached SQL ({_percent(rate)})"
            "</title></rect>"
        )
        body.append(
            _label(
                x + slot / 2,
                bottom + 16,
                f"{row['band_min']}",
                font_size="10",
                fill=PALETTE["muted"],
            )
        )
        body.append(
            _label(
                x + slot / 2, bottom + 30, f"n={row['leads']}", font_size="9", fill=PALETTE["muted"]
            )
        )
        if threshold is not None and row["band_min"] <= threshold < row["band_max"]:
            share = (threshold - row["band_min"]) / (row["band_max"] - row["band_min"])
            threshold_x = x + slot * share
    if threshold_x is not None:
        body.append(
            f'<line class="ref-line" data-line="threshold" x1="{threshold_x:.1f}" '
            f'x2="{threshold_x:.1f}" y1="{top - 14}" y2="{bottom}" stroke="{PALETTE["target"]}" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
        )
        body.append(
            _label(
                threshold_x + 4,
                top - 18,
                f"MQL threshold {threshold:g}",
                "start",
                fill=PALETTE["target"],
                font_size="12",
            )
        )
    body.append(
        _label(
            left,
            bottom + 50,
            "lead score band (lower bound), leads per band",
            "start",
            fill=PALETTE["muted"],
            font_size="11",
        )
    )
    return _svg("calibration", "Score calibration", height, body)


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


# -------------------------------------------------------------------------------- report

STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #22262a; margin: 24px auto; max-width: 920px; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; margin: 22px 0 4px; }
p.note { color: #6b737c; font-size: 13px; margin: 0 0 8px; }
.kpis { display: flex; gap: 12px; margin: 16px 0; }
.kpi { flex: 1; border: 1px solid #e3e6ea; border-radius: 6px; padding: 10px 12px; }
.kpi b { display: block; font-size: 22px; } .kpi span { color: #6b737c; font-size: 12px; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
table.breaches { border-collapse: collapse; font-size: 12px; width: 100%; }
table.breaches th, table.breaches td { border-bottom: 1px solid #e3e6ea; padding: 4px 6px;
       text-align: left; }
table.breaches th { background: #f5f6f8; }
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
            "seeds/mql_targets.csv.",
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
        "Built from the published warehouse by scripts/report.py.</p>"
        f'<div class="kpis">{kpi_html}</div>{section_html}</body></html>\n'
    )


def write_report(db_path: Path, out: Path) -> Path:
    """Read the published file and write the HTML report; returns the written path."""
    document = render_report(load_report_data(db_path))
    out = out.expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(document, encoding="utf-8")
    return out


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="report.py",
        description=(
            "Write the lead funnel and SLA report: one self-contained HTML file (inline SVG "
            "charts, no network or JavaScript needed to view it) with the cohort waterfall, "
            "MQLs against target by month, speed to lead with the one-hour and SLA lines, the "
            "open SLA breach list and the score calibration with the MQL threshold."
        ),
        epilog="Example: python scripts/report.py --db warehouse/lead_funnel.duckdb "
        "--out build/report.html",
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


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        written = write_report(published_db_path(args.db), Path(args.out))
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Report written to {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
