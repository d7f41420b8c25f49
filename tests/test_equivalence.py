"""lead_funnel.equivalence on tiny synthetic DuckDB files: snapshot + diff (no pipeline builds;
`make check-equivalence` runs the real ones)."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from lead_funnel import equivalence

ROWS = [
    (1, "alpha", 0.1 + 0.2, "2026-01-01 10:00:00"),
    (2, "beta", None, "2026-01-02 11:30:00"),
    (2, "beta", None, "2026-01-02 11:30:00"),  # an exact duplicate counts twice
    (3, None, 2.5, None),
]


def make_project(root: Path) -> Path:
    """A project tree whose contract list is read the way the real one is (ast, no import)."""
    (root / "src" / "lead_funnel").mkdir(parents=True)
    (root / "src" / "lead_funnel" / "common.py").write_text(
        "import os\n\nCONTRACT_MODELS: tuple[str, ...] = (\n"
        '    "scored_leads",\n    "mart_funnel_cohort",\n)\n',
        encoding="utf-8",
    )
    return root


def make_db(path: Path, rows: list[tuple[object, ...]]) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "create table scored_leads "
            "(lead_id integer, name varchar, score double, created_at timestamp)"
        )
        connection.executemany("insert into scored_leads values (?, ?, ?, ?)", rows)
        connection.execute(
            "create table mart_funnel_cohort as "
            "select * from (values ('2026-01', 10, 4), ('2026-02', 12, 5)) "
            "as t(cohort_month, leads, mqls)"
        )
        connection.execute("create schema staging")  # a same-named table elsewhere is ignored
        connection.execute("create table staging.scored_leads as select 1 as other")
    return path


def take(tmp_path: Path, name: str, rows: list[tuple[object, ...]], project: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = make_db(tmp_path / f"{name}.duckdb", rows)
    out = tmp_path / name
    code = equivalence.main(
        ["snapshot", "--db", str(db), "--out", str(out), "--project-dir", str(project)]
    )
    assert code == 0
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def test_contract_models_are_read_without_importing(project: Path, tmp_path: Path) -> None:
    assert equivalence.contract_models(project) == ("scored_leads", "mart_funnel_cohort")
    old = tmp_path / "old"
    (old / "scripts").mkdir(parents=True)
    (old / "scripts" / "common.py").write_text('CONTRACT_MODELS = ["scored_leads"]\n')
    assert equivalence.contract_models(old) == ("scored_leads",)
    with pytest.raises(equivalence.EquivalenceError, match="no lead-funnel project"):
        equivalence.contract_models(tmp_path / "nowhere")


def test_identical_snapshots(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = take(tmp_path, "before", ROWS, project)
    # other row order, and a double off in its last bit: the same content
    shuffled = [
        (*row[:2], math.nextafter(row[2], 9.0) if row[2] else row[2], row[3]) for row in ROWS[::-1]
    ]
    after = take(tmp_path, "after", shuffled, project)
    manifest = equivalence.load_manifest(before)
    assert manifest["models"]["scored_leads"]["rows"] == 4
    assert manifest["models"]["scored_leads"]["relation"] == '"main"."scored_leads"'
    assert (before / "scored_leads.parquet").is_file()

    assert equivalence.main(["diff", str(before), str(after)]) == 0
    assert "IDENTICAL: 2 model(s)" in capsys.readouterr().out


def test_one_changed_value_is_reported(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = take(tmp_path, "before", ROWS, project)
    changed = [*ROWS[:3], (3, None, 2.75, None)]
    after = take(tmp_path, "after", changed, project)

    assert equivalence.main(["diff", str(before), str(after)]) == 1
    out = capsys.readouterr().out
    assert "DIFFERENT: 1 model snapshot(s) differ: scored_leads" in out
    assert "1 row(s) only in A" in out and "score=2.5" in out
    assert "1 row(s) only in B" in out and "score=2.75" in out
    assert "mart_funnel_cohort" in out  # in the table, as the same


def test_scenario_folders_and_schema_changes(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Build folders (one snapshot per scenario) are diffed scenario by scenario; a lost
    duplicate or a changed column type is a difference."""
    take(tmp_path / "a", "demo", ROWS, project)
    take(tmp_path / "b", "demo", ROWS[:2] + ROWS[3:], project)
    assert equivalence.main(["diff", str(tmp_path / "a"), str(tmp_path / "b")]) == 1
    out = capsys.readouterr().out
    assert "demo" in out and "row count" in out

    db = make_db(tmp_path / "typed.duckdb", ROWS)
    with duckdb.connect(str(db)) as connection:
        connection.execute("alter table mart_funnel_cohort alter leads type bigint")
    typed = tmp_path / "typed"
    assert (
        equivalence.main(
            ["snapshot", "--db", str(db), "--out", str(typed), "--models", "mart_funnel_cohort"]
        )
        == 0
    )
    plain = take(tmp_path, "plain", ROWS, project)
    assert equivalence.main(["diff", str(plain), str(typed)]) == 1
    out = capsys.readouterr().out
    assert "types (leads INTEGER->BIGINT)" in out
    assert "scored_leads" in out and "missing in B" in out


def test_landing_days_are_the_raw_tables_days_only(tmp_path: Path) -> None:
    """The generator also writes offer_spend.csv beside the raw tables' folders: not a day."""
    for table, days in (
        ("leads", ["13", "14"]),
        ("activities", ["13", "14"]),
        ("stage_changes", ["14"]),
    ):
        (tmp_path / table).mkdir()
        for day in days:
            (tmp_path / table / f"{table}_2026-01-{day}.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "offer_spend.csv").write_text("offer,spend\n", encoding="utf-8")
    assert equivalence.landing_days(tmp_path) == ["2026-01-13", "2026-01-14"]
    (tmp_path / "leads" / "leads_2026-01-15.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(equivalence.EquivalenceError, match="holds 3 landing days, not 2"):
        equivalence.landing_days(tmp_path)


def test_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.duckdb"
    assert (
        equivalence.main(
            [
                "snapshot",
                "--db",
                str(missing),
                "--out",
                str(tmp_path / "s"),
                "--models",
                "scored_leads",
            ]
        )
        == 2
    )
    assert "no database at" in capsys.readouterr().err
    assert equivalence.main(["diff", str(tmp_path), str(tmp_path)]) == 2
    assert "holds no snapshot" in capsys.readouterr().err


def test_an_ignored_column_is_left_out_and_said_so(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = take(tmp_path / "a", "before", ROWS, project)
    renamed = [(1, "ALPHA", *ROWS[0][2:]), *ROWS[1:]]
    after = take(tmp_path / "b", "after", renamed, project)
    assert equivalence.main(["diff", str(before), str(after)]) == 1
    capsys.readouterr()
    code = equivalence.main(
        ["diff", str(before), str(after), "--ignore-column", "scored_leads.name"]
    )
    assert code == 0
    assert "not compared (--ignore-column): scored_leads.name" in capsys.readouterr().out
    # ignoring one column never hides a difference in another
    rescored = [(1, "alpha", 9.0, ROWS[0][3]), *ROWS[1:]]
    other = take(tmp_path / "c", "other", rescored, project)
    code = equivalence.main(
        ["diff", str(before), str(other), "--ignore-column", "scored_leads.name"]
    )
    assert code == 1
