"""The HTML report in a real browser: headless Chromium renders it, and the rendered DOM is
read back over the DevTools protocol (``tests/browser.py``).

Skipped, saying why, only when the machine has no Chromium (``.ci/run`` installs it).
"""

from __future__ import annotations

import http.server
import io
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from PIL import Image, ImageStat

from batchzoom.core.i18n import use_language
from batchzoom.files.report import ReportInput, write_report
from tests.browser import Browser, find_chromium
from tests.report_data import term_input

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on this machine: install it (apt-get install chromium) to test the "
    "HTML report in a browser",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as opened:
        yield opened


@pytest.fixture(scope="module")
def term(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportInput, Path]:
    """The 600-row, 10-host term, written once for the module."""
    data = term_input(rows=600, hosts=10)
    path = tmp_path_factory.mktemp("report") / "term.html"
    write_report(path, data)
    return data, path


@pytest.fixture
def page(browser: Browser, term: tuple[ReportInput, Path]) -> ReportInput:
    browser.open(term[1])
    return term[0]


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request made to it."""
    Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.hits
    server.shutdown()
    server.server_close()


def rows_shown(browser: Browser) -> list[str]:
    """The Row column of the rows table, in order, of the rows not filtered out."""
    value = browser.js(
        "Array.from(document.querySelectorAll('#rows-table tbody tr'))"
        ".filter(r => !r.hidden).map(r => r.cells[0].textContent)"
    )
    assert isinstance(value, list)
    return [str(cell) for cell in value]


def test_every_row_problem_and_status_is_on_the_rendered_page(
    browser: Browser, page: ReportInput
) -> None:
    assert rows_shown(browser) == [str(row.row) for row in page.rows]
    statuses = browser.js(
        "Array.from(document.querySelectorAll('#rows-table tbody tr')).map(r => r.dataset.status)"
    )
    assert statuses == [row.status for row in page.rows]
    messages = browser.js(
        "Array.from(document.querySelectorAll('table.problems tbody tr'))"
        ".map(r => [r.cells[0].textContent, r.cells[1].textContent, r.cells[3].textContent])"
    )
    assert messages == [[str(p.row), p.column, p.message] for p in page.problems]
    badges = browser.js(
        "Array.from(document.querySelectorAll('header .badges .badge'))"
        ".map(b => b.textContent.trim())"
    )
    counts = Counter(row.status for row in page.rows)
    glyph_free = sorted(" ".join(text.split()[1:]) for text in badges)
    assert glyph_free == sorted(f"{status} {n}" for status, n in counts.items())


def test_the_timetable_draws_every_sitting_of_every_session(
    browser: Browser, page: ReportInput
) -> None:
    drawn = browser.js("document.querySelectorAll('table.week .ev').length")
    series = sum(1 for row in page.rows if row.recurrence)
    one_offs = sum(1 for row in page.rows if row.start is not None and not row.recurrence)
    assert drawn == one_offs + 4 * series  # each series has 4 weekly sittings
    over = browser.js("document.querySelectorAll('table.week .ev.over .flag').length")
    assert over >= 1


def test_the_page_makes_no_network_request(
    browser: Browser, term: tuple[ReportInput, Path]
) -> None:
    browser.open(term[1])
    assert browser.requests() == [term[1].resolve().as_uri()]


def test_markup_in_a_cell_cannot_reach_the_network(
    browser: Browser, tmp_path: Path, loopback: tuple[str, list[str]]
) -> None:
    base, hits = loopback
    # The recorder works: a plain page with an image on it is seen.
    control = tmp_path / "control.html"
    control.write_text(f'<!DOCTYPE html><img src="{base}/control.png">', encoding="utf-8")
    browser.open(control)
    assert hits == ["/control.png"]
    hostile = f'<img src="{base}/topic.png"><script src="{base}/x.js"></script>'
    data = term_input(rows=30, hosts=3)
    rows = [data.rows[0].__class__(**{**vars(data.rows[0]), "topic": hostile}), *data.rows[1:]]
    path = tmp_path / "hostile.html"
    write_report(path, ReportInput(**{**vars(data), "rows": rows}))
    browser.open(path)
    assert hits == ["/control.png"]
    assert browser.requests() == [path.resolve().as_uri()]
    assert browser.js("document.querySelectorAll('img').length") == 0


def test_sorting_by_a_column_orders_the_rows_both_ways(browser: Browser, page: ReportInput) -> None:
    browser.js("document.querySelector('#rows-table th:nth-child(5) button').click()")
    topics = [str(row.topic or "").lower() for row in page.rows]
    shown = browser.js(
        "Array.from(document.querySelectorAll('#rows-table tbody tr'))"
        ".map(r => r.cells[4].textContent.toLowerCase())"
    )
    assert shown == sorted(topics)
    assert browser.js("document.querySelector('#rows-table th:nth-child(5)').ariaSort") == (
        "ascending"
    )
    browser.js("document.querySelector('#rows-table th:nth-child(1) button').click()")
    browser.js("document.querySelector('#rows-table th:nth-child(1) button').click()")
    assert rows_shown(browser) == [str(row.row) for row in reversed(page.rows)]


def _choose(browser: Browser, name: str, value: str) -> None:
    browser.js(
        f"(() => {{ const s = document.querySelector('#filters select[name={name}]');"
        f" s.value = {value!r}; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()"
    )


def test_filters_by_host_status_and_day_work_without_a_server(
    browser: Browser, page: ReportInput
) -> None:
    host = "teacher03@school.example"
    _choose(browser, "host", host)
    _choose(browser, "status", "deferred")
    expected = [str(r.row) for r in page.rows if r.host == host and r.status == "deferred"]
    assert expected and rows_shown(browser) == expected
    assert browser.js("document.getElementById('shown').textContent") == (
        f"{len(expected)} of {len(page.rows)} rows"
    )
    _choose(browser, "host", "")
    _choose(browser, "status", "")
    _choose(browser, "day", "2027-03-02")
    on_day = browser.js(
        "Array.from(document.querySelectorAll('table.week .ev'))"
        ".filter(e => e.closest('td').cellIndex === 2 &&"
        " e.closest('table').caption.textContent.startsWith('Week of 2027-03-01'))"
        ".map(e => e.dataset.row)"
    )
    assert sorted(set(rows_shown(browser)), key=int) == sorted(set(on_day), key=int)


def test_a_session_shows_its_details_on_keyboard_focus(browser: Browser, page: ReportInput) -> None:
    browser.js("document.activeElement.blur()")
    visited = []
    for _ in range(6):
        browser.press_tab()
        visited.append(
            browser.js("document.activeElement.className || document.activeElement.tagName")
        )
        if str(visited[-1]).startswith("ev "):
            break
    # The skip link, the link to the problems, the legend, then the first session.
    assert visited[:3] == ["skip", "A", "SUMMARY"]
    assert str(visited[-1]).startswith("ev ") and len(visited) == 4
    tip = browser.js(
        "(() => { const t = document.activeElement.querySelector('.tip');"
        " return [getComputedStyle(t).display, t.textContent]; })()"
    )
    assert tip[0] == "block"
    assert "Local:" in tip[1] and "UTC:" in tip[1]
    hidden = browser.js("getComputedStyle(document.querySelectorAll('.ev .tip')[5]).display")
    assert hidden == "none"


def test_a_screenshot_of_the_600_row_term_is_not_blank(browser: Browser, page: ReportInput) -> None:
    image = Image.open(io.BytesIO(browser.screenshot())).convert("L")
    stats = ImageStat.Stat(image)
    assert image.size[0] >= 1000
    assert stats.stddev[0] > 20  # text, lines and colours, not a flat page
    dark = sum(image.histogram()[:128])
    assert dark > 0.01 * image.size[0] * image.size[1]


def test_print_shows_every_row_without_the_controls_and_dark_mode_stays_readable(
    browser: Browser, page: ReportInput
) -> None:
    _choose(browser, "status", "failed")  # some rows hidden on screen
    browser.call("Emulation.setEmulatedMedia", media="print")
    try:
        printed = browser.js(
            "[getComputedStyle(document.getElementById('filters')).display,"
            " Array.from(document.querySelectorAll('#rows-table tbody tr'))"
            ".filter(r => getComputedStyle(r).display !== 'none').length,"
            " getComputedStyle(document.body).backgroundColor]"
        )
    finally:
        browser.call("Emulation.setEmulatedMedia", media="")
    assert printed == ["none", len(page.rows), "rgb(255, 255, 255)"]
    browser.call(
        "Emulation.setEmulatedMedia",
        features=[{"name": "prefers-color-scheme", "value": "dark"}],
    )
    try:
        colours = browser.js(
            "[getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.body).color]"
        )
    finally:
        browser.call("Emulation.setEmulatedMedia", features=[])
    assert colours == ["rgb(20, 20, 20)", "rgb(236, 236, 236)"]


def test_a_korean_page_counts_its_filtered_rows_in_korean(browser: Browser, tmp_path: Path) -> None:
    """The script takes its words from the page, so the count it rewrites stays Korean."""
    data = term_input(rows=60, hosts=3)
    path = tmp_path / "ko.html"
    with use_language("ko"):
        write_report(path, data)
    browser.open(path)
    assert browser.js("document.documentElement.lang") == "ko"
    host = "teacher01@school.example"
    _choose(browser, "host", host)
    expected = [str(r.row) for r in data.rows if r.host == host]
    assert expected and rows_shown(browser) == expected
    assert browser.js("document.getElementById('shown').textContent") == (
        f"전체 {len(data.rows)}개 행 중 {len(expected)}개"
    )
