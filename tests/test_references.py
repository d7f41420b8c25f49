# reference-check: off
"""The repository cites only itself, and every path it cites exists.

Two kinds of finding, each reported as ``file:line: kind: detail``:

(a) citations of things a clone of this repository does not have: the old product spec
    (its file name, a numbered section of it, or its bare upper-case name), the style and
    toolchain guides that lived beside it, anything in the shared folder two levels up, and
    issue numbers (the word issue followed by a number, with or without "#" or "-", or a
    bare "#" and number in prose);
(b) repository paths that do not exist: a token that starts with a top-level directory of
    the repository (``models/``, ``macros/``, ``seeds/``, ``src/``, ``tests/``, ...) or names
    a top-level file (README.md, CONTRIBUTING.md, ...), and relative markdown links; an
    ``#anchor`` after a markdown file must be a heading of that file.

What counts as a path, exactly (see ``path_tokens`` and ``path_exists``):

- a token is a run of path characters that starts at a top-level directory name followed by
  ``/`` (not preceded by a word character, ``/``, ``.``, ``~``, ``$`` or ``-``, so URLs,
  absolute paths and ``.venv/...`` are not tokens) or at a top-level file name; trailing
  ``.`` and ``,`` (sentence punctuation, an ellipsis) are dropped;
- placeholders: ``<...>``, ``$VAR``, ``${VAR}``, ``{name}`` and upper-case words such as
  ``NAME`` or ``DIR`` stand for any file-name part (``*``); ``{a,b}`` is expanded, and every
  alternative must exist; ``*``, ``?`` and ``**`` glob; a token ending with ``/`` must be an
  existing directory; a token without an extension may name a file stem
  (``models/staging/stg_leads`` is ``stg_leads.sql``);
- paths under ``build/``, ``target/``, ``warehouse/``, ``logs/`` are run outputs: never
  checked (they are not top-level directories of the repository anyway);
- existence is judged against the tracked files (``git ls-files``) and their directories.

Scanned: tracked text files, except data (``*.csv``, ``*.parquet``), lock files, ignore files
and CHANGELOG.md (for paths only: ignore files name untracked outputs on purpose, and the
changelog is history, whose entries name the paths of their day), the few old-layout paths a
file names on purpose (``OLD_LAYOUT_PATHS``) and, in this file, the region that defines the
patterns.
"""
# reference-check: on

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# reference-check: off
# Top-level directories whose paths are checked (those that exist in the repository).
TOP_LEVEL_DIRS = (
    "models",
    "macros",
    "seeds",
    "src",
    "tests",
    "data_tests",
    "docs",
    "scripts",
    "make",
    "expectations",
    "analyses",
)
# Top-level files whose mentions are checked (with an optional #anchor).
TOP_LEVEL_FILES = (
    "README.md",
    "CONTRIBUTING.md",
    "DECISIONLOG.md",
    "CHANGELOG.md",
    "dbt_project.yml",
    "profiles.yml",
    "pyproject.toml",
)
OUTPUT_DIRS = ("build", "target", "warehouse", "logs")
# path parts that only ever exist after an install or a run (never tracked)
OUTPUT_PARTS = ("node_modules", "__pycache__", ".venv", "dbt_packages")
# tokens that look like paths but are not (token -> why)
NOT_PATHS = {
    "models/lower": "a ratio label in the benchmark's results (model time / lower bound)",
}
# Files that record history: an entry names the paths of its day, which later moves may have
# renamed, and history is not rewritten. Their paths are not checked; their citations are.
HISTORY_FILES = ("CHANGELOG.md",)
# Paths a file names on purpose although this tree no longer has them: (file, path) -> why
OLD_LAYOUT_PATHS = {
    ("src/lead_funnel/equivalence.py", "scripts/common.py"): (
        "where an older revision (the scripts layout) lists its contract models; compare-builds"
        " reads it when BEFORE is such a revision"
    ),
}
SKIPPED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".png", ".jpg", ".duckdb")
SKIPPED_NAMES = ("package-lock.json", "constraints.txt")

CITATION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("spec citation", re.compile(r"\bSPEC\.md\b", re.IGNORECASE)),
    ("spec citation", re.compile(r"\bSPEC\b(?!\.md|\s+[Ss]ection)")),
    ("spec citation", re.compile(r"\bspec section\b", re.IGNORECASE)),
    ("spec citation", re.compile(r"\bthe (?:product )?spec(?:ification)?\b(?!\.md|\s+sect)", re.I)),
    ("style/toolchain citation", re.compile(r"\b(?:STYLE|TOOLCHAIN)\.md\b", re.IGNORECASE)),
    ("shared-folder reference", re.compile(r"(?:\.\./|/work/)shared\b")),
    ("issue reference", re.compile(r"\bissues?[ -]?#?\d+\b", re.IGNORECASE)),
    # a bare #17 in prose: not part of a word, an anchor, a Jinja comment, a quoted value
    # ("#333" in HTML) or a CSS colour (color: #333)
    ("issue reference", re.compile(r"(?<![\w&#/{\"'=:.-])#\d{1,5}\b(?![\w-])")),
)
CSS_CONTEXT = re.compile(r"(?:colou?r|fill|stroke|background|border)[\w-]*\s*[:=]\s*$", re.I)

PATH_CHARS = r"(?:[\w.*?$/-]|<(?!/)[^<>\s]+>|\{[^{}\s]+\})"
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
# reference-check: on


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.detail}"


# ---------------------------------------------------------------------------------------
# The repository: tracked files and directories
# ---------------------------------------------------------------------------------------


def tracked_files(root: Path) -> list[str]:
    """Repository-relative paths of the tracked files that exist in the work tree."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True
        ).stdout.decode()
        names = [name for name in out.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        names = [
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and ".git" not in p.parts
        ]
    return sorted(name for name in names if (root / name).is_file())


def directories_of(files: list[str]) -> set[str]:
    dirs: set[str] = set()
    for name in files:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    return dirs


def read_text(root: Path, name: str) -> str | None:
    """The file's text, or None for binary and data files."""
    if name.endswith(SKIPPED_SUFFIXES) or Path(name).name in SKIPPED_NAMES:
        return None
    data = (root / name).read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def checked_lines(name: str, text: str, self_name: str) -> list[tuple[int, str]]:
    """(line number, line) pairs to check; in this test file, the pattern region is left out."""
    lines = text.splitlines()
    if name != self_name:
        return list(enumerate(lines, start=1))
    kept, on = [], True
    for number, line in enumerate(lines, start=1):
        if line.strip() == "# reference-check: off":
            on = False
        elif line.strip() == "# reference-check: on":
            on = True
        elif on:
            kept.append((number, line))
    return kept


# ---------------------------------------------------------------------------------------
# (a) citations of things outside the repository
# ---------------------------------------------------------------------------------------


def citation_findings(name: str, lines: list[tuple[int, str]]) -> list[Finding]:
    findings = []
    for number, line in lines:
        for kind, pattern in CITATION_PATTERNS:
            for match in pattern.finditer(line):
                is_bare_number = kind == "issue reference" and match.group().startswith("#")
                if is_bare_number and CSS_CONTEXT.search(line[: match.start()]):
                    continue
                findings.append(Finding(name, number, kind, match.group()))
    return findings


# ---------------------------------------------------------------------------------------
# (b) paths and anchors
# ---------------------------------------------------------------------------------------


def path_token_pattern(top_dirs: tuple[str, ...], top_files: tuple[str, ...]) -> re.Pattern[str]:
    dirs = "|".join(re.escape(d) for d in top_dirs)
    files = "|".join(re.escape(f) for f in top_files)
    return re.compile(rf"(?<![\w./~$-])((?:(?:{dirs})/{PATH_CHARS}*|(?:{files})\b)(?:#[\w-]+)?)")


def path_tokens(line: str, pattern: re.Pattern[str]) -> list[str]:
    tokens = []
    for match in pattern.finditer(line):
        token = match.group(1)
        path, _, anchor = token.partition("#")
        path = path.rstrip(".,")
        if not path:
            continue
        tokens.append(f"{path}#{anchor}" if anchor else path)
    return tokens


def expand_braces(path: str) -> list[str]:
    """{a,b} -> both alternatives; a brace without a comma ({name}) is a placeholder."""
    match = re.search(r"\{([^{}]*)\}", path)
    if not match:
        return [path]
    options = match.group(1).split(",") if "," in match.group(1) else ["*"]
    head, tail = path[: match.start()], path[match.end() :]
    return [expanded for option in options for expanded in expand_braces(head + option + tail)]


def placeholders_to_glob(path: str) -> str:
    path = re.sub(r"<[^<>]*>", "*", path)
    path = re.sub(r"\$\{[^}]*\}|\$\w+", "*", path)
    # upper-case placeholder words in a path part: NAME.csv, DIR/, FILE
    path = re.sub(r"(?<![A-Za-z0-9])[A-Z][A-Z_]{1,}(?![a-z0-9])", "*", path)
    return path


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regex: ** any depth, * and ? within one path part."""
    out = []
    for piece in re.split(r"(\*\*|\*|\?)", pattern):
        out.append({"**": ".*", "*": "[^/]*", "?": "[^/]"}.get(piece, re.escape(piece)))
    return re.compile("".join(out) + r"\Z")


def glob_matches(pattern: str, candidates: set[str]) -> bool:
    regex = glob_regex(pattern)
    return any(regex.match(candidate) for candidate in candidates)


def path_exists(path: str, files: set[str], dirs: set[str]) -> bool:
    """Whether a cited path (literal, or with placeholders) names tracked files or folders."""
    parts = path.split("/")
    if parts[0] in OUTPUT_DIRS or any(part in OUTPUT_PARTS for part in parts):
        return True
    if path in NOT_PATHS:
        return True
    literal = path.rstrip("/")
    if path.endswith("/") and literal in dirs:
        return True
    if not path.endswith("/") and (literal in files or literal in dirs):
        return True
    for alternative in expand_braces(path):
        pattern = placeholders_to_glob(alternative)
        wanted_dir = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        candidates = dirs if wanted_dir else files | dirs
        if glob_matches(pattern, candidates):
            continue
        names_a_stem = not wanted_dir and "." not in pattern.rsplit("/", 1)[-1]
        if names_a_stem and glob_matches(pattern + ".*", files):  # a model named by its stem
            continue
        return False
    return True


def github_slug(heading: str) -> str:
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def markdown_anchors(text: str) -> set[str]:
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if in_fence or not match:
            continue
        slug = github_slug(match.group(1))
        count = seen.get(slug, 0)
        anchors.add(slug if count == 0 else f"{slug}-{count}")
        seen[slug] = count + 1
    anchors.update(re.findall(r"<a\s+(?:name|id)=\"([^\"]+)\"", text))
    return anchors


def anchor_finding(
    root: Path, name: str, number: int, target: str, anchor: str, shown: str
) -> Finding | None:
    if not target.endswith(".md") or not (root / target).is_file():
        return None
    if anchor in markdown_anchors((root / target).read_text(encoding="utf-8")):
        return None
    return Finding(name, number, "missing anchor", f"{shown} (no heading #{anchor} in {target})")


def resolve_link(name: str, target: str) -> str | None:
    """A markdown link target relative to the linking file, as a repository path."""
    parts = list(Path(name).parent.parts)
    for part in target.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None  # outside the repository
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def path_findings(
    root: Path,
    name: str,
    lines: list[tuple[int, str]],
    files: set[str],
    dirs: set[str],
    pattern: re.Pattern[str],
) -> list[Finding]:
    findings: list[Finding] = []
    for number, line in lines:
        # a markdown link's target is checked as a link (relative to the file), not as a token
        prose = MARKDOWN_LINK.sub("", line) if name.endswith(".md") else line
        for token in path_tokens(prose, pattern):
            path, _, anchor = token.partition("#")
            if (name, path) in OLD_LAYOUT_PATHS:
                continue
            if not path_exists(path, files, dirs):
                findings.append(Finding(name, number, "missing path", token))
            elif anchor:
                finding = anchor_finding(root, name, number, path, anchor, token)
                if finding:
                    findings.append(finding)
        if not name.endswith(".md"):
            continue
        for target in MARKDOWN_LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # a URL (https:, mailto:, ...)
            path, _, anchor = target.partition("#")
            resolved = resolve_link(name, path) if path else name
            if resolved is None or (path and not path_exists(resolved, files, dirs)):
                findings.append(Finding(name, number, "broken link", target))
            elif anchor:
                finding = anchor_finding(root, name, number, resolved, anchor, target)
                if finding:
                    findings.append(finding)
    return findings


# ---------------------------------------------------------------------------------------
# Both checks over a tree
# ---------------------------------------------------------------------------------------


def check_tree(root: Path, self_name: str = "") -> list[Finding]:
    files = tracked_files(root)
    file_set, dirs = set(files), directories_of(files)
    top_dirs = tuple(d for d in TOP_LEVEL_DIRS if d in dirs)
    top_files = tuple(f for f in TOP_LEVEL_FILES if f in file_set)
    pattern = path_token_pattern(top_dirs, top_files)
    findings: list[Finding] = []
    for name in files:
        text = read_text(root, name)
        if text is None:
            continue
        lines = checked_lines(name, text, self_name)
        findings += citation_findings(name, lines)
        if not Path(name).name.endswith("ignore") and name not in HISTORY_FILES:
            findings += path_findings(root, name, lines, file_set, dirs, pattern)
    return sorted(set(findings), key=lambda f: (f.path, f.line, f.kind, f.detail))


def format_findings(findings: list[Finding]) -> str:
    kinds: dict[str, int] = {}
    for finding in findings:
        kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return f"{len(findings)} findings ({summary}):\n" + "\n".join(map(str, findings))


# ---------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------


# reference-check: off
def test_checker_finds_what_it_should(tmp_path: Path) -> None:
    """The checker itself, on a synthetic repository (so it can fail)."""
    spec = "SP" + "EC"  # built so this file does not cite it
    (tmp_path / "models" / "marts").mkdir(parents=True)
    (tmp_path / "models" / "marts" / "scored_leads.sql").write_text("select 1\n")
    (tmp_path / "models" / "marts" / "scored_leads.yml").write_text("version: 2\n")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "stages.csv").write_text("stage\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "definitions.md").write_text(
        "# Title\n\n## Raw data contract\n\n### as_of\n"
    )
    (tmp_path / "README.md").write_text(
        "\n".join(
            [
                "See models/marts/scored_leads.sql and `models/marts/*.yml`.",  # ok
                # models/staging/ is missing
                "Seeds: seeds/<name>.csv, seeds/NAME.csv, models/{marts,staging}/.",
                "Gone: models/marts/old_mart.sql, and models/staging/.",  # two missing
                f"Cite {spec}.md, {spec} section 7, {spec} 8, the spec and STYLE" + ".md.",
                "Fixed in iss" + "ue 17; see also #" + "12 (and colour: #333).",  # two issues
                "[defs](docs/definitions.md#raw-data-contract), [x](docs/definitions.md#nope).",
                "[a](docs/missing.md) [b](https://example.com/models/x) [c](#links) [d](#gone)",
                "Plain docs/definitions.md#as_of and docs/definitions.md#stages.",
                "Outputs: target/compiled/x.sql, /work/main/models/nothing.sql; a stem:"
                " models/marts/scored_leads.",
                "../" + "shared/notes.txt",
                "## Links",
            ]
        )
        + "\n"
    )
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)

    found = {(f.line, f.kind, f.detail) for f in check_tree(tmp_path)}
    expected = {
        (2, "missing path", "models/{marts,staging}/"),
        (3, "missing path", "models/marts/old_mart.sql"),
        (3, "missing path", "models/staging/"),
        (4, "spec citation", f"{spec}.md"),
        (4, "spec citation", f"{spec} section"),
        (4, "spec citation", spec),
        (4, "spec citation", "the spec"),
        (4, "style/toolchain citation", "STYLE" + ".md"),
        (5, "issue reference", "iss" + "ue 17"),
        (5, "issue reference", "#12"),
        (6, "missing anchor", "docs/definitions.md#nope (no heading #nope in docs/definitions.md)"),
        (7, "broken link", "docs/missing.md"),
        (7, "missing anchor", "#gone (no heading #gone in README.md)"),
        (
            8,
            "missing anchor",
            "docs/definitions.md#stages (no heading #stages in docs/definitions.md)",
        ),
        (10, "shared-folder reference", "../" + "shared"),
    }
    assert found == expected, format_findings(check_tree(tmp_path))


# reference-check: on


def test_github_slugs() -> None:
    assert github_slug("Raw data contract") == "raw-data-contract"
    assert github_slug("`as_of`") == "as_of"
    assert github_slug("Score backtest, threshold curve and calibration") == (
        "score-backtest-threshold-curve-and-calibration"
    )


def test_repository_cites_only_itself_and_existing_paths() -> None:
    self_name = Path(__file__).resolve().relative_to(REPO).as_posix()
    findings = check_tree(REPO, self_name)
    if findings:
        pytest.fail(format_findings(findings), pytrace=False)


if __name__ == "__main__":  # print the findings: python tests/test_references.py
    print(format_findings(check_tree(REPO, Path(__file__).resolve().relative_to(REPO).as_posix())))
