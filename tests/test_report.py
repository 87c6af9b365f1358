"""The HTML report: what it reckons (zones, sittings, overlaps, quota) and what it writes."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from batchzoom.cli import cli
from batchzoom.core import tzdb
from batchzoom.files.report import ReportInput, ReportRow, render, write_report
from batchzoom.files.report.data import (
    display_zone,
    mark_over_limit,
    occurrences,
    quota_days,
    without_password,
)
from tests.report_data import NOW, term_input
from tests.rosters import write_csv

SEOUL = tzdb.zone("Asia/Seoul")
NEW_YORK = tzdb.zone("America/New_York")


def _row(
    n: int, start: datetime, *, host: str = "kim@school.example", **extra: object
) -> ReportRow:
    values: dict[str, object] = {
        "row": n,
        "status": "created",
        "host": host,
        "topic": f"Class {n}",
        "start": start,
        "zone": str(start.tzinfo),
        "duration": 60,
    }
    values.update(extra)
    return ReportRow(**values)  # type: ignore[arg-type]


def test_display_zone_is_the_configured_one_else_the_most_used() -> None:
    rows = [
        _row(2, datetime(2027, 3, 2, 9, tzinfo=NEW_YORK)),
        _row(3, datetime(2027, 3, 2, 9, tzinfo=SEOUL)),
        _row(4, datetime(2027, 3, 3, 9, tzinfo=SEOUL)),
    ]
    assert display_zone(rows, "Europe/London") == "Europe/London"
    assert display_zone(rows, None) == "Asia/Seoul"
    assert display_zone(rows[:2], None) == "America/New_York"  # a tie goes by name
    assert display_zone([ReportRow(5, "invalid")], None) == "UTC"


@given(
    st.dictionaries(
        st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6),
        st.text("abc123", max_size=8),
        max_size=4,
    ),
    st.text("AZaz09", min_size=1, max_size=12),
)
def test_join_links_lose_their_passcode_and_keep_the_rest(
    params: dict[str, str], secret: str
) -> None:
    params.pop("pwd", None)
    query = "&".join(f"{k}={v}" for k, v in [*params.items(), ("pwd", secret)])
    shown = without_password(f"https://zoom.example/j/123?{query}")
    assert shown is not None
    assert "pwd=" not in shown
    assert shown.startswith("https://zoom.example/j/123")
    for key in params:
        assert f"{key}=" in shown


def test_a_series_is_drawn_as_each_sitting_at_its_local_time_across_a_dst_change() -> None:
    start = datetime(2027, 3, 8, 18, 0, tzinfo=NEW_YORK)  # the Monday before the change
    rule = {"type": 2, "repeat_interval": 1, "weekly_days": "2", "end_times": 3}
    found = occurrences([_row(2, start, recurrence=rule)])
    assert [o.start.strftime("%m-%d %H:%M") for o in found] == [
        "03-08 18:00",
        "03-15 18:00",
        "03-22 18:00",
    ]
    assert [o.start_utc.hour for o in found] == [23, 22, 22]
    assert [(o.number, o.of) for o in found] == [(1, 3), (2, 3), (3, 3)]


def test_the_sittings_beyond_the_plan_are_the_ones_marked() -> None:
    start = datetime(2027, 3, 8, 18, 0, tzinfo=NEW_YORK)
    rule = {"type": 2, "repeat_interval": 1, "weekly_days": "2", "end_times": 3}
    found = occurrences([_row(2, start, recurrence=rule), _row(3, start)])
    second = datetime(2027, 3, 15, 22, 0, tzinfo=UTC)  # the series' second sitting
    assert mark_over_limit(found, [(2, second)]) == 1
    assert [(o.row.row, o.number) for o in found if o.over_limit] == [(2, 2)]


def test_pending_rows_fill_each_utc_day_up_to_the_limit() -> None:
    host = "kim@school.example"
    rows = [_row(n, datetime(2027, 5, 3, 9, tzinfo=SEOUL), status="planned") for n in range(150)]
    rows += [
        _row(
            200 + n,
            datetime(2027, 5, 3, 9, tzinfo=SEOUL),
            status="deferred",
            resume_at=datetime(2027, 2, 22, tzinfo=UTC),
        )
        for n in range(5)
    ]
    data = ReportInput(
        "r.xlsx",
        "batchzoom schedule r.xlsx",
        NOW,
        rows,
        quota_used={host: {date(2027, 2, 19): 100, date(2027, 2, 20): 30}},
    )
    days = [(d.day.isoformat(), d.used, d.pending, d.resume_at) for d in quota_days(data)]
    assert days == [
        ("2027-02-19", 100, 0, None),
        ("2027-02-20", 30, 70, None),
        ("2027-02-21", 0, 80, datetime(2027, 2, 21, tzinfo=UTC)),
        ("2027-02-22", 0, 5, datetime(2027, 2, 22, tzinfo=UTC)),
    ]


def test_the_page_holds_every_row_status_and_problem_and_no_secret() -> None:
    data = term_input(rows=120, hosts=4)
    page = render(data)
    for row in data.rows:
        assert f'id="row-{row.row}"' in page
    for problem in data.problems:
        assert problem.message.replace('"', "&quot;") in page
    for status in {row.status for row in data.rows}:
        assert f'data-status="{status}"' in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.count("⚠ too many at once") == 1
    assert '<div class="ev s-created over" tabindex="0" data-row="12">' in page  # beside row 2
    assert "pwd=" not in page
    assert "pw0000" not in page  # passcodes only when asked for
    with_passwords = render(term_input(rows=120, hosts=4, include_password=True))
    assert "pwd=Secret0" in with_passwords and "pw0000" in with_passwords


def test_cell_text_is_escaped_never_markup() -> None:
    hostile = '<img src="http://127.0.0.1:9/x" onerror="alert(1)">'
    page = render(
        ReportInput(
            "r.xlsx",
            "batchzoom validate r.xlsx",
            NOW,
            [_row(2, datetime(2027, 3, 2, 9, tzinfo=SEOUL), topic=hostile)],
        )
    )
    assert hostile not in page
    assert "&lt;img src=&quot;http://127.0.0.1:9/x&quot;" in page


def test_korean_text_is_marked_korean() -> None:
    row = _row(2, datetime(2027, 3, 2, 9, tzinfo=SEOUL), topic="국어 읽기")
    page = render(ReportInput("r.xlsx", "batchzoom validate r.xlsx", NOW, [row]))
    assert '<span lang="ko">국어 읽기</span>' in page
    assert '<html lang="en">' in page


def test_the_report_file_is_written_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "term.html"
    target.write_text("old")
    write_report(target, term_input(rows=30, hosts=3))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["term.html"]


# --- the commands -------------------------------------------------------------------------------

FUTURE = "2030-05-06 09:00"


def _roster(tmp_path: Path, *, bad: bool = False) -> Path:
    rows = [
        ["A1", "Algebra 알제브라", FUTURE, "Asia/Seoul", "60", "kim@school.example", ""],
        [
            "A2",
            "Biology",
            "2030-05-06 10:30",
            "Asia/Seoul",
            "60" if not bad else "two",
            "kim@school.example",
            "",
        ],
    ]
    return write_csv(tmp_path / "spring.csv", rows)


def test_validate_writes_a_report_with_its_problems_and_keeps_its_exit_code(tmp_path: Path) -> None:
    roster = _roster(tmp_path, bad=True)
    target = tmp_path / "check.html"
    result = CliRunner().invoke(cli, ["validate", str(roster), "--report", str(target)])
    assert result.exit_code == 3
    page = target.read_text(encoding="utf-8")
    problem_line = next(line for line in result.output.splitlines() if "duration-format" in line)
    message = problem_line.split("duration-format", 1)[1].strip()
    assert message.replace('"', "&quot;") in page
    assert 'href="#row-3"' in page  # the problem links to its row
    assert "batchzoom validate" in page and "--report" in page
    assert f"Report written to {target}." in result.stdout  # a "written to" line: stdout
    assert "Report written" not in result.stderr


def test_schedule_dry_run_report_shows_the_plan_and_a_host_double_booked(
    tmp_path: Path,
) -> None:
    roster = _roster(tmp_path)
    rows = [
        ["A1", "Algebra 알제브라", FUTURE, "Asia/Seoul", "60", "kim@school.example", ""],
        ["A2", "Biology", "2030-05-06 09:30", "Asia/Seoul", "60", "kim@school.example", ""],
    ]
    write_csv(roster, rows)
    target = tmp_path / "plan.html"
    result = CliRunner().invoke(
        cli, ["schedule", str(roster), "--dry-run", "--quiet", "--report", str(target)]
    )
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.count('data-status="planned"') == 2
    assert "every row is valid; a dry run sends nothing." in page
    # Row 3 starts while row 2 runs: a Pro host runs one meeting at a time.
    assert page.count("⚠ too many at once") == 1
    assert '<div class="ev s-planned over" tabindex="0" data-row="3">' in page
    assert 'host-overlap</code> <span class="warn">warning</span>' in page
    assert "Report written" not in result.output  # --quiet


def test_report_include_password_needs_report(tmp_path: Path) -> None:
    roster = _roster(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(roster), "--report-include-password"])
    assert result.exit_code == 2
    assert "--report-include-password needs --report" in result.output


def test_schedule_against_the_sandbox_reports_links_without_passcodes(tmp_path: Path) -> None:
    roster = _roster(tmp_path)
    target = tmp_path / "run.html"
    result = CliRunner().invoke(
        cli, ["schedule", str(roster), "--sandbox", "--quiet", "--report", str(target)]
    )
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.count('data-status="created"') == 2
    assert "/j/" in page and "pwd=" not in page
    status = CliRunner().invoke(cli, ["status", str(roster), "--report", str(tmp_path / "s.html")])
    assert status.exit_code == 0, status.output
    assert (tmp_path / "s.html").read_text(encoding="utf-8").count('data-status="created"') == 2


@pytest.mark.parametrize("command", ["schedule", "sync"])
def test_a_run_stopped_by_invalid_rows_still_reports_them(tmp_path: Path, command: str) -> None:
    roster = _roster(tmp_path, bad=True)
    target = tmp_path / "stop.html"
    result = CliRunner().invoke(cli, [command, str(roster), "--sandbox", "--report", str(target)])
    assert result.exit_code == 3
    page = target.read_text(encoding="utf-8")
    assert 'data-status="invalid"' in page and 'data-status="new"' in page
    assert '<span class="exit">3</span>' in page
