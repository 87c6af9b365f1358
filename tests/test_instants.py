"""Every start reaches Zoom, the calendar file and the duplicate check as its exact instant."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar

from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.engine.settings import resolve
from batchzoom.files.ics import write_calendar
from batchzoom.model import recurrence, times
from batchzoom.model.outcomes import RowOutcome
from batchzoom.model.rows import Session
from batchzoom.sandbox import Sandbox
from batchzoom.zoom import RetryPolicy
from batchzoom.zoom.meetings import create_body, fingerprint
from tests.conftest import quick_client, zoom_settings
from tests.rosters import write_csv

ALICE = "alice@school.example"
NOW = datetime(2027, 1, 4, tzinfo=UTC)
NEW_YORK = "America/New_York"


def rows(path: Path, *starts: str, zone: str = NEW_YORK) -> list[Session]:
    table = [
        [f"F{n}", "Night class", start, zone, "30", ALICE, ""] for n, start in enumerate(starts)
    ]
    loaded = load(write_csv(path, table), resolve(now=lambda: NOW))
    assert loaded.validation.problems == []
    return loaded.validation.sessions


def test_the_second_0130_of_a_fold_is_sent_as_its_own_utc_instant(tmp_path: Path) -> None:
    (session,) = rows(tmp_path / "r.csv", "2027-11-07T01:30-05:00")
    body = create_body(session)
    assert body["start_time"] == "2027-11-07T06:30:00Z"
    assert body["timezone"] == NEW_YORK


def test_every_start_is_sent_in_utc_with_the_rows_zone(tmp_path: Path) -> None:
    (session,) = rows(tmp_path / "r.csv", "2027-05-03 18:30", zone="Asia/Seoul")
    assert create_body(session)["start_time"] == "2027-05-03T09:30:00Z"
    assert create_body(session)["timezone"] == "Asia/Seoul"


def test_the_sandbox_keeps_the_instant_of_a_utc_start_sent_with_a_zone(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    first, second = rows(tmp_path / "r.csv", "2027-11-07T01:30-04:00", "2027-11-07T01:30-05:00")
    with quick_client(zoom_settings(sandbox)) as client:
        made = [client.create_meeting(ALICE, create_body(s)) for s in (first, second)]
    assert [meeting["start_time"] for meeting in made] == [
        "2027-11-07T05:30:00Z",
        "2027-11-07T06:30:00Z",
    ]
    assert {meeting["timezone"] for meeting in made} == {NEW_YORK}


def test_two_sessions_an_hour_apart_across_a_fold_are_not_duplicates(tmp_path: Path) -> None:
    first, second = rows(tmp_path / "r.csv", "2027-11-07T01:30-04:00", "2027-11-07T01:30-05:00")
    # (Python subtracts datetimes of one zone as wall times, so compare in UTC.)
    assert (second.start.astimezone(UTC) - first.start.astimezone(UTC)).total_seconds() == 3600
    assert fingerprint(create_body(first)) != fingerprint(create_body(second))


def test_a_fingerprint_reads_a_utc_start_as_the_wall_time_it_names() -> None:
    """Meetings created when starts were sent as wall times keep their fingerprint."""
    session = Session(
        row=2,
        key="A",
        topic="Maths",
        start=datetime(2027, 5, 3, 9, tzinfo=times.zone("Asia/Seoul")),
        timezone="Asia/Seoul",
        duration=50,
        host=ALICE,
    )
    old_style = create_body(session) | {"start_time": "2027-05-03T09:00:00"}
    assert fingerprint(create_body(session)) == fingerprint(old_style)


def test_the_calendar_writes_the_two_sides_of_a_fold_as_two_instants(tmp_path: Path) -> None:
    sessions = rows(tmp_path / "r.csv", "2027-11-07T01:30-04:00", "2027-11-07T01:30-05:00")
    items = [
        (s, RowOutcome(s.row, "created", meeting_id=85746065430 + n, join_url=f"https://z/j/{n}"))
        for n, s in enumerate(sessions)
    ]
    target = tmp_path / "fold.ics"
    assert write_calendar(target, items, include_password=False, now=NOW) == 2
    calendar = Calendar.from_ical(target.read_bytes())
    starts = sorted(event.decoded("dtstart").astimezone(UTC) for event in calendar.walk("VEVENT"))
    assert starts == [
        datetime(2027, 11, 7, 5, 30, tzinfo=UTC),
        datetime(2027, 11, 7, 6, 30, tzinfo=UTC),
    ]


def test_a_past_series_is_sent_from_its_next_occurrence_keeping_its_local_time(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """--allow-past: Zoom would move a past start to "now"; the next occurrence is sent."""
    moment = datetime(2027, 1, 27, tzinfo=UTC)
    sandbox.clock.advance((moment - sandbox.clock.now()).total_seconds())
    table = [["W1", "Monday class", "2027-01-04 09:00", "Asia/Seoul", "50", ALICE, "weekly", "10"]]
    headers = ("ID", "Topic", "Start", "Time zone", "Duration", "Host", "Repeat", "End times")
    path = write_csv(tmp_path / "r.csv", table, headers)
    settings = resolve(
        now=lambda: moment,
        allow_past=True,
        zoom=zoom_settings(sandbox),
        rate=30,
        retry=RetryPolicy.for_tests(),
    )
    loaded = load(path, settings)
    (session,) = loaded.validation.sessions
    report = schedule(loaded, settings)
    assert report.counts()["created"] == 1
    (meeting,) = sandbox.meetings()
    assert meeting["start_time"] == "2027-02-01T00:00:00Z"  # Monday 1 February, 09:00 KST
    assert meeting["recurrence"]["end_times"] == 6
    assert session.recurrence is not None
    remaining = recurrence.occurrences(session.start, session.timezone, session.recurrence)[4:]
    assert [o["start_time"] for o in meeting["occurrences"]] == [
        times.utc_text(start) for start in remaining
    ]
    # A second run recognises the meeting: nothing is sent again.
    again = schedule(load(path, settings), settings)
    assert again.counts()["created"] == 0 and len(sandbox.meetings()) == 1
