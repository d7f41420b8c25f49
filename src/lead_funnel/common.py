"""Shared helpers of the lead_funnel package: paths, the database locations, the facts read
from the dbt project (stages, raw columns, reject reasons) and dbt calls."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# The dbt project (dbt_project.yml, seeds, models) the command builds: $LEAD_FUNNEL_PROJECT_DIR
# (e.g. a copy of the project with other configuration seeds), else the project this package
# is part of (it lives in the project's src/).
PROJECT_DIR_ENV = "LEAD_FUNNEL_PROJECT_DIR"
PROJECT_DIR = Path(os.environ.get(PROJECT_DIR_ENV) or Path(__file__).resolve().parents[2]).resolve()
DEFAULT_DB = PROJECT_DIR / "warehouse" / "lead_funnel.duckdb"

# Contract models (docs/definitions.md#contract-models): the tables BI tools and analysts read.
CONTRACT_MODELS = (
    "scored_leads",
    "fct_lead_stage_history",
    "fct_lead_activities",
    "mart_funnel_cohort",
    "mart_funnel_period",
    "mart_stage_velocity",
    "mart_stage_velocity_overall",
    "mart_stage_time_in_stage",
    "mart_mql_monthly",
    "mart_sla_mql_response",
    "mart_sla_compliance",
    "mart_sla_inquiry_response",
    "mart_call_list",
    "mart_channel_performance",
    "mart_score_calibration",
    "mart_mql_threshold_curve",
    "mart_mql_handoff",
    "dq_rejected_rows",
    "dq_row_reconciliation",
    "dq_landing_reconciliation",
    "dq_field_issues",
    "fct_opportunities",
    "mart_revenue_by_channel",
    "mart_campaign_attribution",
    "mart_targets_pacing",
    "dim_accounts",
    "mart_account_funnel",
    "mart_buying_group_coverage",
    "mart_duplicate_leads",
    "dq_unmatched_account_leads",
    "mart_mql_outcome_reasons",
    "mart_benchmark_comparison",
    "mart_mql_levels",
    "mart_event_outcomes",
    "mart_sql_qualification",
    "mart_sql_qualification_conversion",
    "mart_sql_qualification_gaps",
)


class PipelineError(Exception):
    """A step failed; the message says what and what to do."""


def dev_profile_duckdb_settings() -> dict[str, str]:
    """The DuckDB session settings of the dev profile (profiles.yml), for code that runs the
    project's SQL outside dbt (the benchmark's lower bound and floor): read from the profile,
    an `env_var('NAME', 'default')` as the environment has it, else its default."""
    profiles = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    settings: dict[str, object] = profiles["lead_funnel"]["outputs"]["dev"]["settings"]
    rendered: dict[str, str] = {}
    for name, value in settings.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        variable = re.fullmatch(r"\{\{\s*env_var\('([A-Z_]+)',\s*'([^']*)'\)\s*\}\}", text)
        if variable:
            text = os.environ.get(variable.group(1), variable.group(2))
        elif "{{" in text:
            raise PipelineError(
                f"profiles.yml: the dev setting {name} is a template this reader does not know "
                f"({text}); write it as a value or as {{{{ env_var('NAME', 'default') }}}}."
            )
        rendered[name] = text
    return rendered


def published_db_path(db: str | os.PathLike[str] | None) -> Path:
    """The published DuckDB file: --db, else $LEAD_FUNNEL_DB, else warehouse/lead_funnel.duckdb."""
    chosen = db or os.environ.get("LEAD_FUNNEL_DB") or DEFAULT_DB
    return Path(chosen).expanduser().resolve()


def build_db_path(published: Path) -> Path:
    """The working build database, beside the published file (incremental state lives here)."""
    return published.with_name(f"{published.stem}.build{published.suffix or '.duckdb'}")


def parse_vars(text: str | None) -> dict[str, Any]:
    """dbt vars from a YAML mapping given inline (`{as_of: '2025-06-30'}`) or as a file path.

    A file that is not UTF-8, YAML that is not a mapping, or a date that is no calendar day
    (`2025-06-31`, which YAML reads as a date) is a PipelineError naming the problem."""
    if not text:
        return {}
    source = Path(text).expanduser()
    if source.is_file():
        try:
            raw = source.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise PipelineError(
                f"--vars file {source} is not UTF-8 text (byte {error.start} cannot be read). "
                "Save it as UTF-8."
            ) from error
        except OSError as error:
            raise PipelineError(
                f"--vars file {source} cannot be read: {error.strerror or error}"
            ) from error
    elif _looks_like_path(text):
        raise PipelineError(
            f"--vars file not found: {source}. Pass a YAML file that exists, or the vars "
            "inline, e.g. \"{as_of: '2025-06-30'}\"."
        )
    else:
        raw = text
    try:
        loaded = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        raise PipelineError(f"--vars is not valid YAML: {error}") from error
    except ValueError as error:  # YAML reads 2025-06-31 as a date and fails on the calendar
        raise PipelineError(
            f"--vars holds a date that is not a calendar day ({error}). Use a real date, "
            "e.g. \"{as_of: '2025-06-30'}\"."
        ) from error
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise PipelineError(
            f"--vars must be a YAML mapping such as \"{{as_of: '2025-06-30'}}\", got: {text!r}"
        )
    return loaded


def _looks_like_path(text: str) -> bool:
    """A --vars value meant as a file: ends in .yml/.yaml and is no inline mapping."""
    stripped = text.strip()
    return stripped.lower().endswith((".yml", ".yaml")) and not any(
        mark in stripped for mark in ("{", ":")
    )


def macro_body(name: str) -> str:
    """The Jinja body of the dbt macro `name`, from whichever file under macros/ defines it
    (for facts whose one home is a macro: Python reads them instead of copying them)."""
    marker = re.compile(r"\{%-?\s*macro\s+" + re.escape(name) + r"\s*\(")
    for path in sorted((PROJECT_DIR / "macros").rglob("*.sql")):
        text = path.read_text(encoding="utf-8")
        found = marker.search(text)
        if found:
            return text[found.end() :].split("endmacro", 1)[0]
    raise PipelineError(f"the dbt macro {name} was not found under {PROJECT_DIR / 'macros'}")


def iso_timestamp_pattern() -> re.Pattern[str]:
    """The ISO 8601 shape of a timestamp text, read from the dbt macro iso_timestamp_pattern():
    the one definition the as_of var and raw timestamps are held to (the dbt macro
    as_of_var_text applies it too), so the check before dbt and the models agree."""
    body = macro_body("iso_timestamp_pattern").split(")", 1)[1]
    return re.compile("".join(re.findall(r"'([^']*)'", body)))


def parse_as_of(value: Any) -> str:
    """The as_of var as a UTC timestamp text, or PipelineError when it is not one.

    The rules are the dbt macro's (the dbt macro as_of_var_text): an ISO 8601 date
    or timestamp (iso_timestamp_pattern: `T` or space, optional seconds and fraction, an
    optional offset Z, UTC, +02, +0200, +02:00; no time zone names) on a real calendar day;
    naive = UTC. The UTC value is DuckDB's timestamptz cast, the cast staging uses
    (parse_timestamp_utc).
    """
    import datetime as dt

    import duckdb

    if isinstance(value, dt.datetime | dt.date):  # YAML reads an unquoted 2025-06-30 as a date
        value = value.isoformat()
    text = str(value).strip()
    parsed = None
    if (
        isinstance(value, str)
        and iso_timestamp_pattern().fullmatch(text)
        and _is_calendar_day(text)
    ):
        with duckdb.connect() as connection:
            connection.execute("set TimeZone = 'UTC'")
            parsed = connection.execute(
                """
                select strftime(utc, '%Y-%m-%d %H:%M:%S') from (
                    select cast(try_cast(trim(?) as timestamptz) at time zone 'UTC' as timestamp)
                        as utc
                ) where isfinite(utc)
                """,
                [text],
            ).fetchone()
    if not parsed or parsed[0] is None:
        raise PipelineError(
            f"as_of {text!r} is not a date or timestamp. Use ISO 8601 on a real calendar day, "
            "e.g. \"{as_of: '2025-06-30'}\" or \"{as_of: '2025-06-30T17:00:00+02:00'}\" "
            "(naive = UTC; an offset, not a time zone name)."
        )
    return parsed[0]


def _is_calendar_day(text: str) -> bool:
    """The date part of an ISO text is a real day of year 1 or later (2025-02-30 is not)."""
    import calendar

    found = re.match(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})", text)
    if not found:
        return False
    year, month, day = (int(part) for part in found.groups())
    return year > 0 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


# The rules every dbt var is checked against before dbt starts (check_vars), so a var's text
# never reaches SQL unchecked: numbers (minimum, whether 0 is allowed, whole numbers),
# booleans, lists of names, score bands, the business-hours schedule, dates. A var of
# dbt_project.yml that is not listed here is held to the type of its default there.
NUMBER_VARS: dict[str, tuple[float | None, bool, bool]] = {
    # name: (minimum or None, minimum allowed, whole number)
    "engagement_half_life_days": (0, True, False),
    "mql_threshold": (None, True, False),
    "calibration_horizon_days": (0, True, False),
    "calibration_band_width": (0, False, False),
    "mql_threshold_curve_step": (0, False, False),
    "min_leads_at_or_above": (0, True, True),
    "cohort_maturity_days": (0, True, True),
    "backtest_outcome_window_days": (0, True, False),
    "rate_interval_z": (0, False, False),
    "sla_abandoned_after_days": (0, True, False),
    "attribution_window_days": (0, True, False),
    "account_engaged_days": (0, False, False),
    "account_score_top_n": (1, True, True),
    "mqa_account_score": (None, True, False),
    "mqa_engaged_contacts": (1, True, True),
}
NULLABLE_VARS = {
    "as_of",
    "raw_dir",
    "raw_schema",
    "engagement_half_life_days",
    "sla_abandoned_after_days",
    "funnel_step_maturity_days",
    "attribution_window_days",
    "mqa_account_score",
    "mqa_engaged_contacts",
}
NAME_LIST_VARS = ("mql_required_fields", "sales_touch_activity_types", "inquiry_activity_types")
BAND_VARS = ("lead_grade_bands", "priority_tier_bands")
DATE_VARS = ("time_spine_start_date", "time_spine_end_date")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_ -]*$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TIME_OF_DAY = re.compile(r"^[0-9]{1,2}(:[0-5][0-9]){0,2}$")


CONFIG_SEEDS_DIR = PROJECT_DIR / "seeds" / "config"


def config_seed(name: str) -> list[dict[str, str]]:
    """The rows of a configuration seed, seeds/config/NAME.csv, as text."""
    import csv

    path = CONFIG_SEEDS_DIR / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def funnel_stages() -> list[str]:
    """The funnel stages in order, read from their one home, seeds/config/stages.csv."""
    rows = [row for row in config_seed("stages") if row["stage_group"] == "funnel"]
    return [row["stage"] for row in sorted(rows, key=lambda row: int(row["stage_order"]))]


def reject_reasons() -> dict[str, dict[str, str]]:
    """The reasons a raw row is rejected for (seeds/config/reject_reasons.csv), by reason:
    the column an example value is shown from and what to do."""
    return {row["reject_reason"]: row for row in config_seed("reject_reasons")}


def project_var_defaults() -> dict[str, Any]:
    """The vars dbt_project.yml declares, with their defaults."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return dict(project.get("vars") or {})


def check_vars(variables: dict[str, Any]) -> None:
    """Every var checked for type and range (PipelineError naming the var), before dbt."""
    defaults = project_var_defaults()
    known = set(defaults) | set(NUMBER_VARS) | set(DATE_VARS)
    for name, value in variables.items():
        if not isinstance(name, str) or name not in known:
            raise PipelineError(
                f"--vars: unknown var {name!r}. The project's vars are: "
                f"{', '.join(sorted(known))} (README: Configuration)."
            )
        if value is None or (isinstance(value, str) and not value.strip()):
            if name in NULLABLE_VARS:
                continue
            raise PipelineError(f"--vars: {name} needs a value (default: {defaults.get(name)!r}).")
        _check_var(name, value, defaults.get(name))


def _check_var(name: str, value: Any, default: Any) -> None:
    if name == "as_of":
        parse_as_of(value)
    elif name in NUMBER_VARS:
        _check_number(name, value, *NUMBER_VARS[name])
    elif name == "mask_pii" or isinstance(default, bool):
        if not isinstance(value, bool):
            raise PipelineError(f"--vars: {name} must be true or false, got {value!r}.")
    elif name in NAME_LIST_VARS:
        if not isinstance(value, list) or not all(
            isinstance(item, str) and _NAME.match(item) for item in value
        ):
            raise PipelineError(
                f"--vars: {name} must be a list of names (letters, digits, _), got {value!r}."
            )
    elif name in BAND_VARS:
        if not isinstance(value, dict) or not value:
            raise PipelineError(
                f"--vars: {name} must map each band to its minimum score, e.g. {default}."
            )
        for band, minimum in value.items():
            if not isinstance(band, str) or not _NAME.match(band):
                raise PipelineError(f"--vars: {name} has a band name that is no name: {band!r}.")
            _check_number(f"{name}.{band}", minimum, None, True, False)
    elif name == "funnel_step_maturity_days":
        _check_step_days(name, value)
    elif name == "business_hours":
        _check_business_hours(value)
    elif name in DATE_VARS:
        import datetime as dt

        if not isinstance(value, dt.date) and not (
            isinstance(value, str)
            and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip())
            and _is_calendar_day(value.strip())
        ):
            raise PipelineError(f"--vars: {name} must be a date YYYY-MM-DD, got {value!r}.")
    elif name == "raw_schema":
        if not isinstance(value, str) or not _IDENTIFIER.match(value):
            raise PipelineError(f"--vars: raw_schema must be a schema name, got {value!r}.")
    elif name == "raw_dir":
        if not isinstance(value, str):
            raise PipelineError(f"--vars: raw_dir must be a folder path, got {value!r}.")
    elif default is not None and type(value) is not type(default):
        raise PipelineError(
            f"--vars: {name} must be a {type(default).__name__} like its default "
            f"{default!r}, got {value!r}."
        )


def _check_step_days(name: str, value: Any) -> None:
    """A mapping of funnel steps (`<from>_to_<to>`, from before to) to a number of days."""
    stages = funnel_stages()
    steps = [f"{a}_to_{b}" for i, a in enumerate(stages) for b in stages[i + 1 :]]
    if not isinstance(value, dict):
        raise PipelineError(
            f"--vars: {name} must map funnel steps to days, e.g. {{lead_to_customer: 120}}, "
            f"got {value!r}."
        )
    for step, days in value.items():
        if step not in steps:
            raise PipelineError(
                f"--vars: {name} names an unknown funnel step {step!r}; the steps are "
                f"{', '.join(steps)}."
            )
        _check_number(f"{name}.{step}", days, 0, True, False)


def _check_number(
    name: str, value: Any, minimum: float | None, inclusive: bool, whole: bool
) -> None:
    """A YAML number (not text, not a boolean), finite, within range."""
    import math

    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or not math.isfinite(value) or (whole and value != int(value)):
        kind = "a whole number" if whole else "a number"
        raise PipelineError(f"--vars: {name} must be {kind}, got {value!r}.")
    if minimum is not None and (value < minimum or (value == minimum and not inclusive)):
        bound = f">= {minimum}" if inclusive else f"> {minimum}"
        raise PipelineError(f"--vars: {name} must be {bound}, got {value!r}.")


def _check_business_hours(value: Any) -> None:
    """The business_hours schedule (the dbt macros of business hours): an IANA time zone, start and
    end hours (9, 9.5, "09:30"), weekdays 1-7."""
    import zoneinfo

    if not isinstance(value, dict):
        raise PipelineError(
            "--vars: business_hours must be a mapping such as "
            "{timezone: Europe/Berlin, start_hour: 9, end_hour: 17, weekdays: [1, 2, 3, 4, 5]}."
        )
    allowed = {"timezone", "start_hour", "end_hour", "start_time", "end_time", "weekdays"}
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        raise PipelineError(f"--vars: business_hours has unknown keys {unknown}.")
    timezone = value.get("timezone", "UTC")
    try:
        if not isinstance(timezone, str) or "'" in timezone:
            raise zoneinfo.ZoneInfoNotFoundError(timezone)
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise PipelineError(
            f"--vars: business_hours.timezone must be an IANA time zone such as Europe/Berlin, "
            f"got {timezone!r}."
        ) from error
    for key in ("start_hour", "end_hour", "start_time", "end_time"):
        if key not in value:
            continue
        hour = value[key]
        is_number = isinstance(hour, int | float) and not isinstance(hour, bool)
        if (is_number and not 0 <= hour <= 24) or (
            not is_number and not (isinstance(hour, str) and _TIME_OF_DAY.match(hour.strip()))
        ):
            raise PipelineError(
                f'--vars: business_hours.{key} must be an hour 0-24 (9, 9.5) or "HH:MM[:SS]", '
                f"got {hour!r}."
            )
    weekdays = value.get("weekdays", [1, 2, 3, 4, 5])
    if (
        not isinstance(weekdays, list)
        or not weekdays
        or not all(
            isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7 for day in weekdays
        )
    ):
        raise PipelineError(
            f"--vars: business_hours.weekdays must list ISO days 1 (Monday) to 7, got {weekdays!r}."
        )


def _raw_contract() -> dict[str, list[str]]:
    """The raw tables and their columns in contract order, from their one home: the YAML block
    of the dbt macro raw_columns (docs/definitions.md#raw-data-contract)."""
    body = macro_body("raw_columns")
    found = re.search(r"\{%-?\s*set raw_contract_yaml\s*-?%\}(.*?)\{%-?\s*endset", body, re.S)
    if not found:
        raise PipelineError("the dbt macro raw_columns holds no raw_contract_yaml block")
    contract = yaml.safe_load(found.group(1)) or {}
    return {str(table): [str(column) for column in columns] for table, columns in contract.items()}


def raw_tables() -> tuple[str, ...]:
    """The raw tables (docs/definitions.md#raw-data-contract), in contract order."""
    return tuple(_raw_contract())


def macro_returned_names(name: str) -> tuple[str, ...]:
    """The quoted names of the list the dbt macro `name` returns (`return(['a', 'b'])`)."""
    listed = re.search(r"return\(\[([^\]]*)\]\)", macro_body(name))
    if not listed:
        raise PipelineError(f"the dbt macro {name} returns no list of names")
    return tuple(re.findall(r"'([^']+)'", listed.group(1)))


def optional_raw_tables() -> tuple[str, ...]:
    """The raw tables a source may lack (absent, they read as no rows), from the dbt macro
    raw_optional_tables (docs/definitions.md#raw-data-contract)."""
    return macro_returned_names("raw_optional_tables")


def raw_columns(table: str) -> list[str]:
    """A raw table's columns in contract order (docs/definitions.md#raw-data-contract)."""
    contract = _raw_contract()
    if table not in contract:
        raise PipelineError(f"unknown raw table {table!r}; the raw tables are {tuple(contract)}")
    return contract[table]


def raw_key_column(table: str) -> str:
    """A raw table's key: its first column in contract order (lead_id, activity_id,
    change_id)."""
    return raw_columns(table)[0]


def raw_timestamp_column(table: str) -> str:
    """A raw table's required timestamp: its first `*_at` column in contract order
    (created_at, occurred_at, changed_at)."""
    return next(column for column in raw_columns(table) if column.endswith("_at"))


def raw_file_globs() -> tuple[str, ...]:
    """The files the dbt macro raw_file_patterns reads for a raw table from raw_dir (NAME.csv,
    NAME.csv.gz, NAME.parquet, or a folder NAME/ of such files at any depth), as globs with a
    {name} placeholder: read from the macro, so the check before dbt and dbt agree."""
    globs = re.findall(r"name ~ '([^']*)'", macro_body("raw_file_patterns"))
    if not globs:
        raise PipelineError("the dbt macro raw_file_patterns names no file pattern")
    return tuple("{name}" + pattern for pattern in globs)


def glob_literal(path: str) -> str:
    """A path as a DuckDB string literal naming exactly that path: DuckDB globs every path
    it reads, so [ * ? are bracketed, and a quote is doubled (as raw_path_literal in
    macros/staging/raw_source.sql)."""
    escaped = path.replace("[", "[[]").replace("*", "[*]").replace("?", "[?]")
    return "'" + escaped.replace("'", "''") + "'"


def missing_raw_tables(raw_dir: Path) -> list[str]:
    """The required raw tables that raw_dir holds no file for, found with DuckDB's glob as
    dbt does (the directory escaped, so `data[1]` never finds `data1`); an optional table
    (optional_raw_tables) is never missing."""
    import duckdb

    base = glob_literal(str(raw_dir).rstrip("/"))[1:-1]
    missing = []
    with duckdb.connect() as connection:
        for name in raw_tables():
            if name in optional_raw_tables():
                continue
            found = connection.execute(
                " union all ".join(
                    f"select file from glob('{base}/{pattern.format(name=name)}')"
                    for pattern in raw_file_globs()
                )
            ).fetchall()
            if not found:
                missing.append(name)
    return missing


@dataclass
class DbtOutcome:
    """What one dbt command did: success, and the nodes that errored or failed."""

    success: bool
    failures: list[str] = field(default_factory=list)
    exception: BaseException | None = None
    listed: list[str] = field(default_factory=list)
    succeeded: list[str] = field(default_factory=list)


def run_dbt(
    args: list[str],
    db_path: Path,
    on_event: Callable[[Any], None] | None = None,
    manifest: Any | None = None,
) -> DbtOutcome:
    """Run one dbt command in-process (dbtRunner) against the given DuckDB file. With a
    `manifest` (from parse_project, parsed with the same --vars) dbt does not parse the
    project again."""
    from dbt.cli.main import dbtRunner

    os.environ["LEAD_FUNNEL_DB"] = str(db_path)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DBT_VERSION_CHECK", "false")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    callbacks = [_defensive(on_event)] if on_event else []
    runner = dbtRunner(manifest=manifest, callbacks=callbacks)
    full_args = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
    ]
    try:
        result = runner.invoke(full_args)
    finally:
        release_duckdb()
    failures: list[str] = []
    succeeded: list[str] = []
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result, "status", "")).lower()
        node = getattr(node_result, "node", None)
        name = getattr(node, "unique_id", "?")
        if status in {"success", "pass"}:
            succeeded.append(name)
        if status in {"error", "fail", "runtime error"}:
            message = (getattr(node_result, "message", "") or "").strip().splitlines()
            if len(message) > 1 and message[0].startswith("Compilation Error"):
                # what failed is on the next line (e.g. a failing column_rules test's rules)
                message = [f"{message[0]}: {message[1].strip()}"]
            failures.append(f"{name}: {message[0] if message else status}")
    listed = [str(item) for item in result.result] if isinstance(result.result, list) else []
    return DbtOutcome(
        success=bool(result.success),
        failures=failures,
        exception=result.exception,
        listed=listed,
        succeeded=succeeded,
    )


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a command, so the
    file can be read (read-only), copied or used by another process right away."""
    with contextlib.suppress(Exception):
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        with DuckDBConnectionManager._LOCK:
            if DuckDBConnectionManager._ENV is not None:
                DuckDBConnectionManager._ENV.close()
                DuckDBConnectionManager._ENV = None


def parse_project(db_path: Path, extra_args: list[str]) -> Any | None:
    """Parse the project once (dbt parse, with the --vars the build will use); returns the
    manifest, or None when the project does not parse. run_dbt reuses it, so a build does
    not parse again."""
    from dbt.cli.main import dbtRunner

    os.environ["LEAD_FUNNEL_DB"] = str(db_path)
    result = dbtRunner().invoke(
        [
            "parse",
            "--quiet",
            # the build that follows writes target/manifest.json (about 1.5 s): not twice;
            # the partial-parse state is written either way
            "--no-write-json",
            *extra_args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
        ]
    )
    return result.result if result.success else None


def is_enabled(node: Any) -> bool:
    """Whether a manifest node is enabled (a node without the config counts as enabled)."""
    return getattr(node.config, "enabled", True) is not False


def count_build_nodes(manifest: Any | None, exclude_resource_types: Iterable[str] = ()) -> int:
    """How many seeds, models, tests, unit tests and exposures `dbt build` will run (for
    progress; dbt 1.11's build reports a result for each exposure too), leaving out the
    resource types the build excludes (its --exclude-resource-type); 0 without a manifest."""
    if manifest is None:
        return 0
    excluded = set(exclude_resource_types)
    kinds = {"seed", "model", "test", "unit_test"} - excluded
    # a test of a disabled model (a CRM adapter's, with another crm_source) stays among the
    # nodes, disabled, and is not run
    nodes = [
        node
        for node in manifest.nodes.values()
        if str(node.resource_type) in kinds and is_enabled(node)
    ]
    extra = 0 if "unit_test" in excluded else len(getattr(manifest, "unit_tests", {}) or {})
    if "exposure" not in excluded:
        extra += len(getattr(manifest, "exposures", {}) or {})
    return len(nodes) + extra


def _defensive(callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """An exception inside a dbt event callback marks every node as errored: swallow it."""

    def wrapped(event: Any) -> None:
        with contextlib.suppress(Exception):
            callback(event)

    return wrapped
