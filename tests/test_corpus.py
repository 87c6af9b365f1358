"""Write-back on workbooks no one on the project wrote (tests/corpus, see SOURCES.md).

Each corpus workbook gets a roster sheet added at the XML level and goes through
``schedule`` against the sandbox; every zip member batchzoom does not own must come back
with the very same stored bytes, and every result must open in LibreOffice with its links.
The headline workbook — a chart, a picture, comments, data validation, a formula-computed
start and a VBA project — goes through ``schedule --in-place`` twice, as from cron.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from python_calamine import CalamineWorkbook

from batchzoom.cli import cli
from tests.workbooks import CORPUS, ROSTER_SHEET, corpus_files, stored_members, with_roster_sheet

ROWS: list[list[str | int]] = [
    ["id", "topic", "start", "duration", "timezone", "host"],
    ["C-01", "Algebra", "2027-05-03 09:00", 50, "Asia/Seoul", "teacher@school.example"],
    ["C-02", "Geometry & shapes", "2027-05-04 14:30", 90, "Asia/Seoul", "teacher@school.example"],
    ["C-03", "Statistics", "2027-05-05 18:00", 75, "UTC", "teacher@school.example"],
]
ROSTER_PART = "xl/worksheets/batchzoom_roster.xml"
ROSTER_RELS = "xl/worksheets/_rels/batchzoom_roster.xml.rels"
LINK = re.compile(r"https://[\w./-]+/j/\d+\?pwd=[\w.-]+")
# --allow-past: the rosters' dates must not go stale as the calendar moves on.
SCHEDULE = ["schedule", "--sandbox", "--allow-past", "--quiet"]


@dataclass(frozen=True)
class Run:
    name: str
    built: Path  # the roster as given to batchzoom
    result: Path  # what batchzoom wrote
    outcome: Result


def invoke(args: list[str], cwd: Path) -> Result:
    with contextlib.chdir(cwd):
        # instant retries: no waiting for Zoom's listing to catch up (the sandbox has no lag)
        env = {"BATCHZOOM_INSTANT_RETRIES": "1"}
        return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def grid(path: Path, sheet: str) -> list[list[object]]:
    book = CalamineWorkbook.from_path(str(path))
    return [list(row) for row in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    folder = tmp_path_factory.mktemp("corpus")
    done: dict[str, Run] = {}
    for source in corpus_files():
        name = f"{source.parent.name}-{source.name}"
        built = folder / name
        with_roster_sheet(source, built, ROWS)
        outcome = invoke([*SCHEDULE, str(built), "--sheet", ROSTER_SHEET], folder)
        result = built.with_name(f"{built.stem}.scheduled{built.suffix}")
        done[name] = Run(name, built, result, outcome)
    return done


@pytest.fixture(scope="module")
def headline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Result]]:
    """The headline roster before and after two cron-style ``--in-place`` runs."""
    folder = tmp_path_factory.mktemp("headline")
    roster = folder / "headline.xlsm"
    shutil.copyfile(CORPUS / "headline.xlsm", roster)
    original = folder / "original.xlsm"
    shutil.copyfile(roster, original)
    outcomes = [invoke([*SCHEDULE, str(roster), "--in-place"], folder) for _ in range(2)]
    return original, roster, outcomes


def test_the_corpus_has_the_promised_variety() -> None:
    """Charts, pictures, comments, VBA, pivot caches, Excel's extension data validation."""
    members = {name for path in corpus_files() for name in stored_members(path)}
    for part in ("xl/charts/", "xl/media/", "xl/comments", "xl/vbaProject.bin", "xl/pivotCache/"):
        assert any(name.startswith(part) for name in members), part
    assert len(corpus_files()) >= 10


@pytest.mark.parametrize("source", corpus_files(), ids=lambda p: f"{p.parent.name}-{p.name}")
def test_every_member_batchzoom_does_not_own_keeps_its_stored_bytes(
    source: Path, runs: dict[str, Run]
) -> None:
    run = runs[f"{source.parent.name}-{source.name}"]
    assert run.outcome.exit_code == 0, run.outcome.output
    before, after = stored_members(run.built), stored_members(run.result)
    owned = {ROSTER_PART, ROSTER_RELS, "xl/styles.xml"}
    types = zipfile.ZipFile(run.built).read("[Content_Types].xml")
    if b'Extension="rels"' not in types:  # a package declaring no default for .rels parts
        owned.add("[Content_Types].xml")
    assert set(before) - set(after) == set()
    assert set(after) - set(before) <= {ROSTER_RELS}
    changed = {name for name in before if name not in owned and before[name] != after[name]}
    assert changed == set()
    assert before[ROSTER_PART] != after[ROSTER_PART]


@pytest.mark.parametrize("source", corpus_files(), ids=lambda p: f"{p.parent.name}-{p.name}")
def test_the_roster_keeps_its_cells_and_gains_the_results(
    source: Path, runs: dict[str, Run]
) -> None:
    run = runs[f"{source.parent.name}-{source.name}"]
    cells = grid(run.result, ROSTER_SHEET)
    header = cells[0]
    assert header[:6] == ROWS[0]
    assert header[6:13] == [
        "zoom_meeting_id",
        "zoom_join_url",
        "zoom_password",
        "zoom_start_time",
        "zoom_start_local",
        "zoom_status",
        "zoom_error",
    ]
    for row, expected in zip(cells[1:], ROWS[1:], strict=True):
        assert [int(v) if isinstance(v, float) else v for v in row[:6]] == expected
        assert isinstance(row[6], float) and row[6] > 10**9  # the meeting id, a number
        assert LINK.fullmatch(str(row[7]))
        # The start in the row's zone: a date-time, or its text in a workbook without any
        # cell formats (an empty styles.xml) to give it a date-time one.
        if source.name == "nonstandard-xml-ns-prefix.xlsx":
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", str(row[10]))
        else:
            assert isinstance(row[10], datetime)
        assert row[11] == "created"
    # every other sheet reads as before
    book = CalamineWorkbook.from_path(str(run.built))
    for name in book.sheet_names:
        if name != ROSTER_SHEET:
            assert grid(run.result, name) == grid(run.built, name)


def test_headline_workbook_survives_two_cron_runs_with_only_zoom_cells_changed(
    headline: tuple[Path, Path, list[Result]],
) -> None:
    original, roster, outcomes = headline
    assert [o.exit_code for o in outcomes] == [0, 0], [o.output for o in outcomes]
    before, after = stored_members(original), stored_members(roster)
    owned = {"xl/worksheets/sheet1.xml", "xl/worksheets/_rels/sheet1.xml.rels", "xl/styles.xml"}
    assert set(after) == set(before)
    assert {n for n in before if before[n] != after[n]} == owned
    for part in ("xl/vbaProject.bin", "xl/charts/chart1.xml", "xl/media/image1.png"):
        assert after[part] == before[part]

    old, new = grid(original, "Sessions"), grid(roster, "Sessions")
    assert [row[:7] for row in new] == [row[:7] for row in old]  # formula dates included
    assert new[0][7:] == [
        "zoom_meeting_id",
        "zoom_join_url",
        "zoom_password",
        "zoom_start_time",
        "zoom_start_local",
        "zoom_status",
        "zoom_error",
    ]
    assert [row[12] for row in new[1:]] == ["existing"] * 3  # the second run created nothing
    # each untouched cell keeps its exact XML, the formulas their cached values
    xml_before = _cells_xml(original)
    xml_after = _cells_xml(roster)
    assert {ref: x for ref, x in xml_after.items() if ref[0] in "ABCDEFG"} == xml_before
    assert "<f>C2+7</f><v>46510.375</v>" in xml_after["D2"]


def _sheet_of(result: Path) -> str:
    return "Sessions" if result.name == "headline.xlsm" else ROSTER_SHEET


def _cells_xml(path: Path) -> dict[str, str]:
    text = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', text)
    }


def test_libreoffice_opens_every_result_and_shows_its_links(
    runs: dict[str, Run],
    headline: tuple[Path, Path, list[Result]],
    tmp_path: Path,
) -> None:
    """One soffice run converts every result to HTML; each shows its join links as links."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    results = [run.result for run in runs.values()] + [headline[1]]
    converted = _to_html(soffice, results, tmp_path / "html", tmp_path / "profile")
    unopened = [result for result in results if result not in converted]
    # A workbook LibreOffice cannot open at all (issue_530 stores "xl\\..." paths) is
    # excused only when the roster given to batchzoom did not open either.
    built = {run.result: run.built for run in runs.values()}
    assert all(result in built for result in unopened)
    before = _to_html(soffice, [built[r] for r in unopened], tmp_path / "before", tmp_path / "p2")
    assert before == {}
    assert len(converted) >= len(results) - 1
    for result, page in converted.items():
        cells = [c for row in grid(result, _sheet_of(result)) for c in row if isinstance(c, str)]
        links = [c for c in cells if LINK.fullmatch(c)]
        assert len(links) == 3
        for link in links:
            assert f'<a href="{link}"' in page, (result.name, link)


def _to_html(soffice: str, paths: list[Path], folder: Path, profile: Path) -> dict[Path, str]:
    """One LibreOffice run converting ``paths`` to HTML: path -> page, for those it opened."""
    if not paths:
        return {}
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "html:HTML (StarCalc)",
            "--outdir",
            str(folder),
            *map(str, paths),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    pages = {path: folder / f"{path.stem}.html" for path in paths}
    return {path: page.read_text(errors="replace") for path, page in pages.items() if page.exists()}
