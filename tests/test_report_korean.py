"""The HTML report in the run's language: under Korean every label, heading, tooltip and the
script's row count are Korean and the page says ``lang="ko"``; the English page keeps its words.
Machine-readable words (the statuses) stay as they are in both."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.core.i18n import use_language
from batchzoom.files.report import ReportInput, render
from batchzoom.model.problems import Problem
from tests.report_data import NOW, term_input
from tests.rosters import write_csv

HANGUL = re.compile(r"[\uac00-\ud7af]")


def _ascii_input() -> ReportInput:
    """A 60-row term whose own text (topics, roster, command) holds no Hangul."""
    data = term_input(rows=60, hosts=3)
    rows = [replace(row, topic=f"Class {row.row}") for row in data.rows]
    return replace(data, rows=rows, roster="/srv/spring.xlsx", command="batchzoom schedule s.xlsx")


WARNED = Problem(3, "Topic", "topic-long", "topic is long; Zoom keeps its first 200 characters.")


def _page(lang: str | None, data: ReportInput | None = None) -> str:
    data = data or term_input(rows=60, hosts=3, row_warnings=[WARNED])
    if lang is None:
        return render(data)
    with use_language(lang):
        return render(data)


def _shown(page: str) -> str:
    """The page without its inline style and script (what a person reads, attributes kept)."""
    return re.sub(r"<(style|script)>.*?</\1>", "", page, flags=re.DOTALL)


# Label text of the English page (each as it stands in the markup), none of them from the data.
ENGLISH_LABELS = (
    "<title>batchzoom report: ",
    '<h2 id="h-tt">Timetable</h2>',
    '<h2 id="h-q">Daily quota</h2>',
    '<h2 id="h-p">Problems</h2>',
    '<h2 id="h-r">Rows</h2>',
    "Skip to the rows table",
    "<summary>What the marks mean</summary>",
    "Counts by status",
    'aria-label="Rows by status"',
    'aria-label="Filter rows"',
    ">Show all</button>",
    ">Join link</button>",
    ">Local start</button>",
    "<dt>Times shown in</dt>",
    "<dt>Generated</dt>",
    "<dt>Roster</dt>",
    "<dt>Exit code</dt>",
    "<dt>Zoom plan</dt>",
    "a host may run 1 at once",
    'title="created by this run"',
    'title="same as on Zoom"',
    "<caption>Week of 2027-03-01",
    "60 of 60 rows",
    'data-template="{shown} of {total} rows"',
    "too many at once",
    "row 2 in the table",
    "still to send",
    "held back to 2027-02-21",
    "2 problems to fix: see",
    "60 rows:",
    "Times in <strong>",
    '<th scope="col">Tue <span',
    ">Feb</text>",
    ">all</option>",
    ">warning<",
)


def test_a_korean_report_is_marked_korean_and_labels_in_korean() -> None:
    page = _page("ko")
    assert page.startswith('<!DOCTYPE html>\n<html lang="ko">')
    for korean in (
        "<title>batchzoom 보고서: spring term 봄학기.xlsx</title>",
        '<h2 id="h-tt">시간표</h2>',
        '<h2 id="h-q">하루 한도</h2>',
        '<h2 id="h-p">문제</h2>',
        '<a class="skip" href="#rows">행 표로 건너뛰기</a>',
        "<summary>표시의 뜻</summary>",
        "<dt>명단</dt>",
        "<dt>종료 코드</dt>",
        'aria-label="행 거르기"',
        ">참가 링크</button>",
        ">시작 시각</button>",
        'title="이번 실행에서 만듦"',
        "60개 행:",
        '<span class="warn">경고</span>',
        '고칠 문제가 2개 있습니다. <a href="#problems">문제</a> 항목을 보세요.',
        '<output id="shown" aria-live="polite" data-template="전체 {total}개 행 중 {shown}개">'
        "전체 60개 행 중 60개</output>",
        "<caption>2027-03-01 주간(수업 ",
        '<th scope="col">화 <span class="d">03-02</span></th>',
        ">2월</text>",
        "2027-03-02 화 10:00 KST",
        "보낼 예정(2027-02-21 09:00 KST (00:00 UTC)에 다시 시작)",
        "pro 요금제에서 이 호스트가 동시에 열 수 있는 회의 1개를 넘습니다",
    ):
        assert korean in page, korean


def test_a_korean_report_carries_none_of_the_english_labels() -> None:
    english, korean = _shown(_page("en")), _shown(_page("ko"))
    for label in ENGLISH_LABELS:
        assert label in english, label  # the check can fail: each label is on the English page
        assert label not in korean, label


def test_statuses_stay_machine_words_in_korean() -> None:
    page = _page("ko")
    assert 'data-status="created"' in page
    assert re.search(
        r'<span class="badge s-created" title="이번 실행에서 만듦">'
        r'<span aria-hidden="true">✓</span> created',
        page,
    )
    assert '<option value="deferred">deferred</option>' in page


@pytest.mark.parametrize("lang", [None, "en"])
def test_the_english_report_is_english_and_as_before(lang: str | None) -> None:
    page = _page(lang, _ascii_input())
    assert page == _page("en", _ascii_input())
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert HANGUL.search(page) is None
    assert '<h2 id="h-tt">Timetable</h2>' in page
    assert '2 problems to fix: see <a href="#problems">Problems</a>.' in page
    assert "<caption>Week of 2027-03-01 (" in page
    assert HANGUL.search(_shown(_page("ko", _ascii_input())))  # the same data in Korean is not


def test_an_empty_korean_report_says_so_in_korean() -> None:
    empty = ReportInput("/srv/empty.csv", "batchzoom validate empty.csv", NOW, [])
    page = _page("ko", empty)
    assert (
        "<p>시간표에 그릴 시작 시각이 있는 수업이 없습니다(모든 행이 올바르지 않습니다).</p>"
        in page
    )
    assert "<p>기록된 생성·수정이 없고, 보낼 것도 없습니다.</p>" in page
    assert '<p class="ok">문제가 없습니다. 모든 행이 올바릅니다.</p>' in page
    assert "No problems" in _page("en", empty)
    assert "No problems" not in page


@pytest.mark.parametrize(
    "command", [["validate"], ["status"], ["schedule", "--sandbox"], ["sync", "--sandbox"]]
)
def test_each_command_writes_its_report_in_korean_under_lang_ko(
    tmp_path: Path, command: list[str]
) -> None:
    rows = [
        ["A1", "대수 Algebra", "2030-05-06 09:00", "Asia/Seoul", "60", "kim@school.example", ""],
        ["A2", "Biology", "2030-05-06 10:30", "Asia/Seoul", "two", "kim@school.example", ""],
    ]
    roster = write_csv(tmp_path / "spring.csv", rows)
    target = tmp_path / "report.html"
    name, *rest = command
    result = CliRunner().invoke(
        cli, [name, str(roster), *rest, "--lang", "ko", "--report", str(target)]
    )
    assert result.exit_code in (0, 3), result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="ko">')
    assert '<h2 id="h-tt">시간표</h2>' in page
    assert "전체 2개 행 중 2개</output>" in page
    assert 'data-status="invalid"' in page
    assert "Timetable" not in page and "of 2 rows" not in page


def test_text_not_in_the_pages_language_is_marked_as_what_it_is() -> None:
    data = term_input(rows=60, hosts=3)
    korean, english = _page("ko", data), _page("en", data)
    # term_input's topics: "World Literature 2" (English), "국어 읽기 1" (Korean)
    assert '<span lang="en">World Literature 2</span>' in korean
    assert "<span>국어 읽기 1</span>" in korean
    assert "<span>World Literature 2</span>" in english
    assert '<span lang="ko">국어 읽기 1</span>' in english


def test_the_exit_meaning_and_the_outcome_are_korean() -> None:
    """The report's exit-code sentence and its "every row is valid" speak the run's language."""
    from batchzoom.api.reports import DRY_RUN_DONE, meaning

    assert (
        meaning(3) == "some rows are invalid: nothing was sent for them; fix them (see Problems)."
    )
    assert meaning(0, done=DRY_RUN_DONE) == "every row is valid; a dry run sends nothing."
    with use_language("ko"):
        for code in (0, 1, 3, 4, 5, 130):
            text = meaning(code)
            assert text and sum("\uac00" <= ch <= "\ud7a3" for ch in text) > 5, (code, text)
        assert "시험 실행" in meaning(0, done=DRY_RUN_DONE)


def test_the_quota_chart_says_when_a_host_resumes_in_its_rows_zone_then_utc() -> None:
    page = _page("en")
    assert "still to send (resumes 2027-02-21 09:00 KST (00:00 UTC))" in page
    assert "resumes 2027-02-21 09:00 KST (00:00 UTC)</li>" in page
