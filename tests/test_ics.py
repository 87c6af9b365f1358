"""The calendar file: parsed back, its events agree with the meetings the sandbox holds."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from dateutil.rrule import rrulestr
from dateutil.tz import resolve_imaginary, tzical
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event
from icalendar.prop import vDDDLists, vDDDTypes

from batchzoom.cli import cli
from batchzoom.cli.app import outcome_exit
from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.files.ics import meeting_event, pair, write_calendar
from batchzoom.model import recurrence, times
from batchzoom.model.outcomes import RowOutcome
from batchzoom.model.problems import CellError
from batchzoom.model.rows import Session
from batchzoom.sandbox import Sandbox
from batchzoom.sandbox.recurrence import occurrences as sandbox_occurrences
from batchzoom.zoom.meetings import create_body
from tests.conftest import MakeSettings, quick_client, zoom_settings
from tests.rosters import session_rows, write_csv

ALICE, BOB = "alice@school.example", "bob@school.example"
STAMP = datetime(2027, 1, 4, tzinfo=UTC)


def read_calendar(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def events(cal: Calendar) -> list[Event]:
    return [component for component in cal.walk("VEVENT") if isinstance(component, Event)]


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def series_session(start: datetime, zone: str, rule: dict[str, Any]) -> Session:
    """A recurring session of ALICE's on row 2, first meeting at ``start``."""
    return Session(
        row=2,
        key=None,
        topic="Series",
        start=start,
        timezone=zone,
        duration=45,
        host=ALICE,
        recurrence=rule,
    )


def written_alone(target: Path, session: Session) -> Event:
    """The one event of a calendar written to ``target`` for ``session`` (its meeting created)."""
    outcome = RowOutcome(session.row, "created", meeting_id=81234567890, join_url="https://z/j/1")
    write_calendar(target, [(session, outcome)], include_password=False, now=STAMP)
    (event,) = events(read_calendar(target))
    return event


def rule_text(event: Event) -> str:
    """An event's RRULE as written in the file."""
    value = event["rrule"].to_ical()
    return value.decode() if isinstance(value, bytes) else value


def written_start(event: Event) -> tuple[datetime, str | None]:
    """An event's DTSTART as written (a local time when it has a TZID) and its TZID."""
    prop = event["dtstart"]
    assert isinstance(prop, vDDDTypes) and isinstance(prop.dt, datetime)
    return prop.dt, prop.params.get("TZID")


def listed_moments(event: Event, name: str) -> list[datetime]:
    """The moments of an event's EXDATE or RDATE (written as one property or several)."""
    value = event[name]
    moments: list[datetime] = []
    for prop in value if isinstance(value, list) else [value]:
        assert isinstance(prop, vDDDLists)
        for when in prop.dts:
            assert isinstance(when.dt, datetime)
            moments.append(when.dt)
    return moments


def expand(event: Event) -> list[str]:
    """Every start of an event in UTC: its RRULE expanded from its DTSTART (TZID honoured)."""
    start = event.decoded("dtstart")
    if "rrule" not in event:
        return [utc_text(start)]
    return [utc_text(moment) for moment in rrulestr(rule_text(event), dtstart=start)]


def scheduled(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> list[tuple[Session, RowOutcome]]:
    rows = session_rows(3, [ALICE], first=datetime(2027, 3, 12, 17, 0), zone="America/New_York")
    rows += session_rows(2, [BOB], first=datetime(2027, 5, 3, 9, 0), zone="Asia/Seoul", prefix="K")
    roster = write_csv(tmp_path / "term.csv", rows)
    settings = make_settings(sandbox, rate=30)
    loaded = load(roster, settings)
    report = schedule(loaded, settings)
    assert outcome_exit(report.counts()) == 0
    items = pair(loaded.validation.sessions, report.outcomes)
    assert len(items) == len(loaded.validation.sessions)
    return items


def test_events_start_when_the_sandbox_says_in_the_sessions_zone(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    """One event per meeting; DTSTART (with TZID) is the stored start_time; no passcode, no start URL."""
    items = scheduled(tmp_path, sandbox, make_settings)
    target = tmp_path / "term.ics"
    assert write_calendar(target, items, include_password=False, now=STAMP) == 5
    stored = {meeting["id"]: meeting for meeting in sandbox.meetings()}
    cal = read_calendar(target)
    found = {str(event["uid"]): event for event in events(cal)}
    assert len(found) == 5
    assert {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")} == {"America/New_York", "Asia/Seoul"}
    text = target.read_text(encoding="utf-8")
    for session, outcome in items:
        meeting = stored[outcome.meeting_id]
        event = found[f"{outcome.meeting_id}@batchzoom"]
        assert expand(event) == [meeting["start_time"]]
        assert written_start(event)[1] == session.timezone == meeting["timezone"]
        assert event.decoded("duration") == timedelta(minutes=meeting["duration"])
        assert str(event["summary"]) == meeting["topic"]
        assert str(event["location"]) == meeting["join_url"].split("?")[0]
        assert meeting["join_url"].split("?")[0] in str(event["description"])
        assert meeting["password"] not in text
        assert meeting["start_url"] not in text
    assert "pwd=" not in text and "zak=" not in text and "Passcode" not in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_passcodes_and_full_join_links_only_when_asked(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    """With include_password the description carries each passcode and the link its pwd."""
    items = scheduled(tmp_path, sandbox, make_settings)
    target = tmp_path / "term.ics"
    write_calendar(target, items, include_password=True, now=STAMP)
    stored = {meeting["id"]: meeting for meeting in sandbox.meetings()}
    found = {str(event["uid"]): event for event in events(read_calendar(target))}
    for _, outcome in items:
        meeting = stored[outcome.meeting_id]
        event = found[f"{outcome.meeting_id}@batchzoom"]
        assert f"Passcode: {meeting['password']}" in str(event["description"])
        assert str(event["location"]) == meeting["join_url"]
        assert meeting["start_url"] not in target.read_text(encoding="utf-8")


def test_rows_without_a_meeting_are_left_out(tmp_path: Path) -> None:
    """Failed, invalid, deferred and planned rows have no event; the count says so."""
    start = datetime(2027, 5, 3, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    session = Session(
        row=2,
        key="A",
        topic="Maths",
        start=start,
        timezone="Asia/Seoul",
        duration=50,
        host=ALICE,
        agenda="Chapter 3",
    )
    items = [
        (session, RowOutcome(2, "created", meeting_id=85746065432, join_url="https://z/j/1")),
        (session, RowOutcome(3, "failed", error="no")),
        (session, RowOutcome(4, "planned")),
        (session, RowOutcome(5, "deferred")),
        (session, RowOutcome(6, "existing", meeting_id=85746065432, join_url="https://z/j/1")),
    ]
    target = tmp_path / "x.ics"
    assert write_calendar(target, items, include_password=False, now=STAMP) == 1
    (event,) = events(read_calendar(target))
    assert "Meeting ID: 857 4606 5432" in str(event["description"])
    assert "Chapter 3" in str(event["description"])


def test_weekly_series_across_dst_matches_the_sandbox_occurrences(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """A Mon/Wed 18:00 New York class over the March change: RRULE starts = Zoom's occurrences."""
    zone = ZoneInfo("America/New_York")
    rule = {"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 8}
    # Starts on a Sunday, which is not a class day: the first occurrence is Monday.
    start = datetime(2027, 3, 7, 18, 0, tzinfo=zone)
    session = Session(
        row=2,
        key="W1",
        topic="Evening class",
        start=start,
        timezone="America/New_York",
        duration=60,
        host=ALICE,
        recurrence=rule,
    )
    with quick_client(zoom_settings(sandbox)) as client:
        body = create_body(session) | {"type": 8, "recurrence": rule}
        meeting = client.create_meeting(ALICE, body)
    outcome = RowOutcome(
        2,
        "created",
        meeting_id=meeting["id"],
        join_url=meeting["join_url"],
        password=meeting["password"],
    )
    target = tmp_path / "series.ics"
    assert write_calendar(target, [(session, outcome)], include_password=False, now=STAMP) == 1
    (stored,) = sandbox.meetings()
    (event,) = events(read_calendar(target))
    expected = [o["start_time"] for o in stored["occurrences"]]
    assert expand(event) == expected
    assert expected[0] == stored["start_time"] == "2027-03-08T23:00:00Z"  # EST
    assert expected[-1] == "2027-03-31T22:00:00Z"  # EDT: still 18:00 local
    assert "RRULE:FREQ=WEEKLY;COUNT=8;INTERVAL=1;BYDAY=MO,WE;WKST=SU" in target.read_text()


# ---------------------------------------------------------------------------------------------
# Any recurrence: the RRULE's starts equal the sandbox's occurrences


ZONES = ("America/New_York", "Europe/London", "Asia/Seoul", "Australia/Sydney", "UTC")


@st.composite
def recurrences(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from([1, 2, 3]))
    rule: dict[str, Any] = {"type": kind}
    rule["repeat_interval"] = draw(st.integers(1, {1: 20, 2: 6, 3: 4}[kind]))
    if kind == 2:
        days = draw(st.sets(st.integers(1, 7), min_size=1, max_size=7))
        rule["weekly_days"] = ",".join(str(day) for day in sorted(days))
    elif kind == 3:
        if draw(st.booleans()):
            rule["monthly_day"] = draw(st.integers(1, 31))
        else:
            rule["monthly_week"] = draw(st.sampled_from([-1, 1, 2, 3, 4]))
            rule["monthly_week_day"] = draw(st.integers(1, 7))
    if draw(st.booleans()):
        rule["end_times"] = draw(st.integers(1, 60))
    else:
        end = draw(st.datetimes(datetime(2027, 1, 2), datetime(2029, 1, 1)))
        rule["end_date_time"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
    return rule


@settings(max_examples=150, deadline=None)
@given(
    rule=recurrences(),
    day=st.dates(date(2027, 1, 1), date(2027, 12, 31)),
    clock=st.times(time(8, 0), time(20, 0)).map(lambda t: t.replace(second=0, microsecond=0)),
    zone=st.sampled_from(ZONES),
)
def test_any_recurrence_expands_to_the_sandbox_occurrences(
    rule: dict[str, Any], day: date, clock: time, zone: str
) -> None:
    """For every valid Zoom recurrence the event's RRULE gives exactly Zoom's occurrences."""
    start = datetime.combine(day, clock, ZoneInfo(zone))
    expected = [utc_text(when) for when in sandbox_occurrences(start, zone, rule)]
    assume(1 <= len(expected) <= 60)
    outcome = RowOutcome(2, "created", meeting_id=81234567890, join_url="https://z/j/81234567890")
    event, _ = meeting_event(series_session(start, zone, rule), outcome, include_password=False)
    parsed = Calendar.from_ical(event.to_ical())
    assert isinstance(parsed, Event)
    assert expand(parsed) == expected


# ---------------------------------------------------------------------------------------------
# The file's own VTIMEZONEs, read back by an independent implementation (dateutil's tzical)

TZICAL_ZONES = (
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "America/Santiago",
    "Pacific/Auckland",
    "Asia/Tehran",
    "Africa/Casablanca",
    "America/Havana",
    "Asia/Seoul",
    "UTC",
)


def own_zones(path: Path) -> dict[str, Any]:
    """Each VTIMEZONE of the file, parsed by dateutil (not by batchzoom nor icalendar)."""
    import io

    text = path.read_text(encoding="utf-8")
    blocks = text.split("BEGIN:VTIMEZONE")[1:]
    zones = {}
    for block in blocks:
        body = "BEGIN:VTIMEZONE" + block.split("END:VTIMEZONE")[0] + "END:VTIMEZONE\r\n"
        parsed = tzical(io.StringIO(body))
        (name,) = parsed.keys()
        zones[name] = parsed.get(name)
    return zones


def expand_with(event: Event, zones: dict[str, Any]) -> list[str]:
    """Every start of an event in UTC, its local DTSTART read in the file's own VTIMEZONE."""
    start, tzid = written_start(event)
    if tzid is not None:
        start = start.replace(tzinfo=zones[tzid])
    if "rrule" not in event:
        return [utc_text(start)]
    text = rule_text(event)
    # RFC 5545 (3.3.5) reads a local time skipped by a change with the offset before it.
    return [utc_text(resolve_imaginary(moment)) for moment in rrulestr(text, dtstart=start)]


@settings(max_examples=40, deadline=None)
@given(
    rules=st.lists(recurrences(), min_size=1, max_size=4),
    days=st.lists(st.dates(date(2027, 1, 1), date(2027, 12, 31)), min_size=4, max_size=4),
    clock=st.sampled_from([time(0, 30), time(1, 30), time(2, 30), time(9, 0), time(23, 30)]),
    zones=st.lists(st.sampled_from(TZICAL_ZONES), min_size=4, max_size=4),
)
def test_every_occurrence_read_through_the_files_own_vtimezone_is_batchzooms_instant(
    tmp_path_factory: Any,
    rules: list[dict[str, Any]],
    days: list[date],
    clock: time,
    zones: list[str],
) -> None:
    items = []
    expected: dict[str, list[str]] = {}
    for number, rule in enumerate(rules):
        zone = zones[number]
        where = times.zone(zone)
        try:
            start = times.localize(datetime.combine(days[number], clock), where)
        except CellError:
            continue  # a start in a gap or fold is refused by validation
        starts = recurrence.occurrences(start, zone, rule, limit=61)
        if not 1 <= len(starts) <= 60:
            continue
        meeting_id = 81234567890 + number
        session = Session(
            row=2 + number,
            key=None,
            topic="Series",
            start=start,
            timezone=zone,
            duration=45,
            host=ALICE,
            recurrence=rule,
        )
        outcome = RowOutcome(2 + number, "created", meeting_id=meeting_id, join_url="https://z/j/1")
        items.append((session, outcome))
        expected[f"{meeting_id}@batchzoom"] = [utc_text(when) for when in starts]
    assume(items)
    target = tmp_path_factory.mktemp("ics") / "term.ics"
    write_calendar(target, items, include_password=False, now=STAMP)
    text = target.read_text(encoding="utf-8")
    assert "RDATE" not in text
    file_zones = own_zones(target)
    for event in events(read_calendar(target)):
        assert expand_with(event, file_zones) == expected[str(event["uid"])]


@pytest.mark.parametrize(
    ("zone", "first", "rule"),
    [
        ("America/New_York", datetime(2027, 11, 5, 1, 30), {"type": 1, "end_times": 5}),
        ("America/New_York", datetime(2027, 3, 12, 3, 30), {"type": 1, "end_times": 5}),
        ("Europe/London", datetime(2027, 10, 29, 1, 30), {"type": 1, "end_times": 5}),
        ("America/Santiago", datetime(2027, 4, 1, 23, 30), {"type": 1, "end_times": 5}),
        ("Pacific/Auckland", datetime(2027, 4, 2, 2, 30), {"type": 1, "end_times": 5}),
        ("Australia/Sydney", datetime(2027, 9, 30, 2, 30), {"type": 1, "end_times": 7}),
    ],
)
def test_series_through_a_change_read_through_the_files_own_vtimezone(
    tmp_path: Path, zone: str, first: datetime, rule: dict[str, Any]
) -> None:
    """Series that meet a change at its very hour: each instant as batchzoom counts it."""
    start = times.localize(first, times.zone(zone))
    target = tmp_path / "t.ics"
    event = written_alone(target, series_session(start, zone, rule))
    expected = [utc_text(when) for when in recurrence.occurrences(start, zone, rule)]
    assert expand_with(event, own_zones(target)) == expected


def test_daylight_onsets_are_local_times_in_tzoffsetfrom_terms(tmp_path: Path) -> None:
    """New York's spring change at 02:00, London's at 01:00; rules, not lists of dates."""
    items = []
    for number, zone in enumerate(("America/New_York", "Europe/London")):
        start = datetime(2027, 5, 3, 9, tzinfo=times.zone(zone))
        session = Session(
            row=2 + number, key=None, topic="S", start=start, timezone=zone, duration=45, host=ALICE
        )
        items.append(
            (
                session,
                RowOutcome(
                    2 + number, "created", meeting_id=81234567890 + number, join_url="https://z/j/1"
                ),
            )
        )
    target = tmp_path / "t.ics"
    write_calendar(target, items, include_password=False, now=STAMP)
    text = target.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert (
        "BEGIN:DAYLIGHT\nDTSTART:20260308T020000\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\n" in text
    )
    assert (
        "BEGIN:DAYLIGHT\nDTSTART:20260329T010000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\n" in text
    )
    assert "RDATE" not in text


def test_a_series_starting_at_the_second_side_of_a_fold_starts_there(tmp_path: Path) -> None:
    """Daily at 01:30 from the second 01:30 (EST) of New York's 2027 fall-back night."""
    from dateutil.rrule import rruleset

    zone = "America/New_York"
    start = datetime(2027, 11, 7, 1, 30, fold=1, tzinfo=times.zone(zone))
    rule = {"type": 1, "repeat_interval": 1, "end_times": 3}
    target = tmp_path / "t.ics"
    event = written_alone(target, series_session(start, zone, rule))
    zones = own_zones(target)
    local = written_start(event)[0].replace(tzinfo=zones[zone])
    series = rruleset()
    series.rrule(rrulestr(rule_text(event), dtstart=local))
    # (compared in the series' own zone: Python never equates a time in a fold with one
    # of another zone)
    for when in listed_moments(event, "exdate"):
        series.exdate(when.astimezone(zones[zone]))
    for when in listed_moments(event, "rdate"):
        series.rdate(when)
    assert [utc_text(moment) for moment in series] == [
        "2027-11-07T06:30:00Z",
        "2027-11-08T06:30:00Z",
        "2027-11-09T06:30:00Z",
    ]
    assert [utc_text(w) for w in recurrence.occurrences(start, zone, rule)] == [
        utc_text(moment) for moment in series
    ]


def test_sync_ics_writes_deleted_meetings_as_cancelled_events(tmp_path: Path) -> None:
    """``sync --ics``: a cancelled row and a removed row keep their UIDs, as cancelled events
    with a higher SEQUENCE, so calendars that imported them take them out (RFC 5545)."""
    headers = ("ID", "Topic", "Start", "Time zone", "Duration", "Host", "Status")
    rows = [
        [f"C{n}", f"Class {n}", f"2040-05-0{n + 1} 09:00", "Asia/Seoul", "50", "me", ""]
        for n in range(3)
    ]
    path = write_csv(tmp_path / "term.csv", rows, headers=headers)
    runner = CliRunner()
    first = runner.invoke(
        cli, ["schedule", str(path), "--sandbox", "--ics", str(tmp_path / "a.ics")]
    )
    assert first.exit_code == 0, first.output
    before = {str(e["summary"]): str(e["uid"]) for e in events(read_calendar(tmp_path / "a.ics"))}
    rows[1][6] = "취소"
    write_csv(path, rows[:2], headers=headers)  # row 3 removed from the sheet
    synced = runner.invoke(
        cli,
        [
            "sync",
            str(path),
            "--sandbox",
            "--yes",
            "--delete-missing",
            "--ics",
            str(tmp_path / "b.ics"),
        ],
    )
    assert synced.exit_code == 0, synced.output
    assert f"Wrote 3 events to {tmp_path / 'b.ics'}." in synced.stdout
    after = {str(e["summary"]): e for e in events(read_calendar(tmp_path / "b.ics"))}
    assert {name: str(e["uid"]) for name, e in after.items()} == before
    assert "status" not in after["Class 0"] and after["Class 0"].get("sequence", 0) == 0
    for name in ("Class 1", "Class 2"):
        assert str(after[name]["status"]) == "CANCELLED"
        assert after[name].decoded("sequence") == 1
        assert after[name].decoded("dtstart") == datetime(
            2040, 5, int(name[-1]) + 1, 0, 0, tzinfo=UTC
        )
