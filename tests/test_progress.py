"""The progress display: a bar on a terminal, a line every few seconds in a log, nothing quiet."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from batchzoom.cli.progress import RunProgress, display, duration_text, fit
from batchzoom.core.i18n import use_language
from batchzoom.files.results import Progress
from batchzoom.model.outcomes import RowOutcome


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _outcome(status: str, host: str = "kim@school.example", topic: str = "Algebra") -> RowOutcome:
    resume = datetime(2027, 3, 3, tzinfo=UTC) if status == "deferred" else None
    return RowOutcome(row=2, status=status, host=host, topic=topic, resume_at=resume)  # type: ignore[arg-type]


def test_a_log_gets_a_line_every_few_seconds_and_one_at_the_end() -> None:
    out, clock = io.StringIO(), Clock()
    shown = RunProgress(out, live=False, every=5, clock=clock)
    for done in range(1, 11):
        clock.now += 1  # a row a second
        shown(Progress(10, done, done, 0, 0, _outcome("created")))
    shown.close()
    assert out.getvalue().splitlines() == [
        "1/10 rows, 1.0 rows/s, ETA 9s: created 1 · failed 0 · deferred 0",
        "6/10 rows, 1.0 rows/s, ETA 4s: created 6 · failed 0 · deferred 0",
        "10/10 rows, 1.0 rows/s, ETA -: created 10 · failed 0 · deferred 0",
    ]


def test_each_deferred_host_gets_one_line_with_its_resume_time() -> None:
    out, clock = io.StringIO(), Clock()
    shown = RunProgress(out, live=False, every=60, clock=clock)
    shown(Progress(4, 1, 1, 0, 0, _outcome("created")))
    shown(Progress(4, 2, 1, 0, 1, _outcome("deferred")))
    shown(Progress(4, 3, 1, 0, 2, _outcome("deferred")))
    shown(Progress(4, 4, 1, 0, 3, _outcome("deferred", host="lee@school.example")))
    assert out.getvalue().splitlines()[1:] == [
        "Host kim@school.example reached Zoom's daily limit: its rows are deferred until "
        "2027-03-03 00:00 UTC.",
        "Host lee@school.example reached Zoom's daily limit: its rows are deferred until "
        "2027-03-03 00:00 UTC.",
    ]


def test_quiet_shows_nothing_and_a_log_is_not_a_terminal() -> None:
    assert display(io.StringIO(), quiet=True) is None
    shown = display(io.StringIO(), quiet=False)
    assert shown is not None and not shown.live


@given(st.text(alphabet=st.sampled_from("ab 가나다라国語🙂é"), max_size=40), st.integers(2, 30))
def test_a_topic_always_fills_exactly_its_cells(text: str, cells: int) -> None:
    assert cell_len(fit(text, cells)) == cells


def _bar_line(topic: str) -> str:
    out, clock = io.StringIO(), Clock()
    shown = RunProgress(out, live=True, clock=clock, width=140)
    clock.now += 4
    shown(Progress(600, 120, 100, 2, 18, _outcome("created", topic=topic)))
    table = shown.bar.make_tasks_table(shown.bar.tasks)
    shown.close()
    render = io.StringIO()
    Console(file=render, width=140, color_system=None).print(table)
    return render.getvalue().rstrip("\n")


def test_korean_topics_keep_the_bar_aligned() -> None:
    english = _bar_line("Algebra I, week 3")
    korean = _bar_line("국어 읽기와 쓰기 3주차 (봄학기 월요일반)")
    assert cell_len(english) == cell_len(korean)
    assert "120/600" in english and "30.0/s" in english
    assert "created 100 · failed 2 · deferred 18" in korean
    assert "국어 읽기" in korean and "…" in korean


def test_durations_read_as_people_say_them() -> None:
    assert [duration_text(s) for s in (0, 12.4, 185, 3720)] == ["0s", "12s", "3m05s", "1h02m"]


def test_a_sync_counts_its_updates_and_cancellations_once_it_has_any() -> None:
    out, clock = io.StringIO(), Clock()
    shown = RunProgress(out, live=False, every=60, clock=clock)
    clock.now += 1
    shown(Progress(4, 1, 0, 0, 0, _outcome("updated"), updated=1))
    clock.now += 1
    shown(Progress(4, 4, 1, 0, 0, _outcome("cancelled"), updated=2, cancelled=1))
    shown.close()
    assert out.getvalue().splitlines() == [
        "1/4 rows, 1.0 rows/s, ETA 3s: created 0 · updated 1 · failed 0 · deferred 0",
        "4/4 rows, 2.0 rows/s, ETA -: created 1 · updated 2 · cancelled 1 · failed 0 · deferred 0",
    ]


def test_on_a_terminal_the_look_before_the_first_row_is_said_then_gives_way_to_the_bar() -> None:
    out, clock = io.StringIO(), Clock()
    shown = RunProgress(out, live=True, clock=clock, width=140)
    shown(Progress(24, 0, 0, 0, 0, stage="looking", hosts=3))
    assert shown.status is not None and shown.bar is None
    assert "Looking at the meetings of 3 hosts on Zoom first" in str(shown.status.status)
    shown(Progress(24, 0, 0, 0, 0))
    assert shown.status is None and shown.bar is not None
    shown.close()


def test_a_log_says_nothing_of_the_look_and_nothing_until_a_row_is_done() -> None:
    out, clock = io.StringIO(), Clock()
    shown = RunProgress(out, live=False, every=5, clock=clock)
    shown(Progress(2, 0, 0, 0, 0, stage="looking", hosts=1))
    shown(Progress(2, 0, 0, 0, 0))
    assert out.getvalue() == ""
    shown.close()
    assert out.getvalue() == ""


def test_the_rate_counts_from_when_sending_began() -> None:
    """A sync that waited two minutes at its prompt still shows the rate it sends at."""
    out, clock = io.StringIO(), Clock()
    shown = RunProgress(out, live=False, every=60, clock=clock)
    clock.now += 120  # the plan, the prompt
    shown(Progress(4, 0, 0, 0, 0))
    for done in range(1, 5):
        clock.now += 0.5
        shown(Progress(4, done, 0, 0, 0, _outcome("updated"), updated=done))
    shown.close()
    assert out.getvalue().splitlines() == [
        "1/4 rows, 2.0 rows/s, ETA 2s: created 0 · updated 1 · failed 0 · deferred 0",
        "4/4 rows, 2.0 rows/s, ETA -: created 0 · updated 4 · failed 0 · deferred 0",
    ]


def test_a_resumed_run_counts_the_rows_earlier_runs_did() -> None:
    out, clock = io.StringIO(), Clock()
    shown = RunProgress(out, live=False, every=60, clock=clock)
    shown(Progress(122, 0, 0, 0, 0, earlier=178))
    clock.now += 1
    shown(Progress(122, 20, 20, 0, 0, _outcome("created"), earlier=178))
    shown.close()
    assert out.getvalue().splitlines() == [
        "198/300 rows, 20.0 rows/s, ETA 5s: created 20 · failed 0 · deferred 0",
    ]


def test_the_last_line_is_not_written_twice() -> None:
    out, clock = io.StringIO(), Clock()
    shown = RunProgress(out, live=False, every=5, clock=clock)
    clock.now += 1
    shown(Progress(1, 1, 1, 0, 0, _outcome("created")))
    clock.now += 1
    shown.close()
    assert len(out.getvalue().splitlines()) == 1


def test_the_display_speaks_korean() -> None:
    out, clock = io.StringIO(), Clock()
    with use_language("ko"):
        shown = RunProgress(out, live=False, every=60, clock=clock)
        shown(Progress(2, 0, 0, 0, 0))
        clock.now += 1
        shown(Progress(2, 1, 0, 0, 1, _outcome("deferred")))
        shown.close()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("호스트 kim@school.example") and "2027-03-03 00:00 UTC" in lines[0]
    assert lines[1] == "1/2행, 초당 1.0행, 남은 시간 1s: 생성 0 · 실패 0 · 미룸 1"
