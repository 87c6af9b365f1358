"""Registering attendees against the sandbox over HTTP: links written back, a crash and a rerun."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path

from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.sandbox import Sandbox
from tests.conftest import MakeSettings, quick_client, zoom_settings
from tests.crashes import Crash, CrashingTransport
from tests.rosters import headers, write_csv

HEADERS = headers("Registration", "Repeat", "Until")
ROSTER = [
    [
        "ONE",
        "Open day",
        "2027-05-03 09:00",
        "Asia/Seoul",
        "50",
        "alice@school.example",
        "yes",
        "",
        "",
    ],
    [
        "SERIES",
        "Weekly class",
        "2027-05-04 09:00",
        "Asia/Seoul",
        "50",
        "bob@school.example",
        "등록",
        "weekly",
        "2027-05-25",
    ],
    ["PLAIN", "Staff", "2027-05-05 09:00", "Asia/Seoul", "50", "bob@school.example", "", "", ""],
]


def files(tmp_path: Path, one: int, series: int) -> tuple[Path, Path]:
    roster = write_csv(tmp_path / "roster.csv", ROSTER, HEADERS)
    rows = [["ONE", f"one{n}@example.com", f"One{n}", "Kim"] for n in range(one)]
    rows += [["SERIES", f"series{n}@example.com", f"Series{n}", "Lee"] for n in range(series)]
    rows.append(["all", "both@example.com", "Both", "Park"])
    people = write_csv(tmp_path / "people.csv", rows, ("id", "email", "first_name", "last_name"))
    return roster, people


def registered(sb: Sandbox, meeting_id: int) -> list[str]:
    with quick_client(zoom_settings(sb)) as client:
        return sorted(r.email for r in client.list_registrants(meeting_id))


def results(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_attendees_get_their_own_links_written_back(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    roster, people = files(tmp_path, one=35, series=2)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    loaded = load(roster, settings)
    report = schedule(loaded, settings)
    assert report.registered is not None
    assert (report.registered.added, report.registered.failed) == (35 + 2 + 2, 0)
    ids = {o.key: o.meeting_id for o in report.outcomes}
    assert ids["ONE"] is not None and ids["SERIES"] is not None
    assert registered(sandbox, ids["ONE"]) == sorted(
        [f"one{n}@example.com" for n in range(35)] + ["both@example.com"]
    )
    assert registered(sandbox, ids["SERIES"]) == sorted(
        ["series0@example.com", "series1@example.com", "both@example.com"]
    )
    counters = sandbox.counters()
    # 36 people of the one-off meeting in two batch calls; the series' 3 one by one.
    assert counters["addBatchRegistrants"]["requests"] == 2
    assert counters["meetingRegistrantCreate"]["requests"] == 3
    written = results(tmp_path / "people.registered.csv")
    assert [row["zoom_status"] for row in written] == ["registered"] * 38
    links = [row["zoom_join_url"] for row in written[:37]]
    assert all(links) and len(set(links)) == 37  # each person's own link
    assert written[-1]["zoom_join_url"].count("; ") == 1  # "all": one link per session
    assert all(row["zoom_registrant_id"] for row in written)


def test_a_crash_mid_registration_and_a_rerun_register_everyone_exactly_once(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    roster, people = files(tmp_path, one=40, series=3)
    # The process dies once Zoom has taken the second batch, before its answer is read;
    # then, on the next run, after the second one-by-one addition was made.
    crashes = [
        CrashingTransport("POST", "/batch_registrants", nth=2, after_response=True),
        CrashingTransport("POST", "/registrants", nth=2, after_response=True),
    ]
    for transport in crashes:
        settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
        with contextlib.suppress(Crash):
            schedule(load(roster, settings), settings, transport=transport)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    report = schedule(load(roster, settings), settings)
    assert report.registered is not None
    assert (report.registered.failed, report.registered.in_doubt) == (0, 0)
    ids = {o.key: o.meeting_id for o in report.outcomes}
    assert ids["ONE"] is not None and ids["SERIES"] is not None
    one = registered(sandbox, ids["ONE"])
    series = registered(sandbox, ids["SERIES"])
    assert one == sorted([f"one{n}@example.com" for n in range(40)] + ["both@example.com"])
    assert series == sorted([f"series{n}@example.com" for n in range(3)] + ["both@example.com"])
    # Nobody was added twice: one addition per person, the lost answers settled from the list.
    counters = sandbox.counters()
    batch_people = 30 + 11  # two batches sent in the first run (the second's answer lost)
    assert counters["addBatchRegistrants"]["requests"] == 2
    assert counters["meetingRegistrantCreate"]["requests"] == 4
    assert len(one) == batch_people
    written = results(tmp_path / "people.registered.csv")
    assert {row["zoom_status"] for row in written} == {"registered"}


def test_ics_per_attendee_writes_each_person_a_calendar_with_their_own_link(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    from click.testing import CliRunner
    from icalendar import Calendar

    from batchzoom.cli import cli
    from tests.conftest import sandbox_env

    roster, people = files(tmp_path, one=2, series=1)
    folder = tmp_path / "calendars"
    result = CliRunner().invoke(
        cli,
        ["schedule", str(roster), "--attendees", str(people), "--ics-per-attendee", str(folder)],
        env=sandbox_env(sandbox),
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 4 attendee calendars to" in result.stdout
    assert "Attendees: 5 attendees registered.\n" in result.stdout  # "all" counts per session
    names = sorted(path.name for path in folder.iterdir())
    assert names == [
        "both@example.com.ics",
        "one0@example.com.ics",
        "one1@example.com.ics",
        "series0@example.com.ics",
    ]
    links = {
        row["email"]: row["zoom_join_url"] for row in results(tmp_path / "people.registered.csv")
    }
    calendar = Calendar.from_ical((folder / "one0@example.com.ics").read_bytes())
    events = [part for part in calendar.walk("VEVENT")]
    assert [str(event.get("summary")) for event in events] == ["Open day"]
    assert links["one0@example.com"] in calendar.to_ical().decode().replace("\r\n ", "")
    both = Calendar.from_ical((folder / "both@example.com.ics").read_bytes())
    assert sorted(str(e.get("summary")) for e in both.walk("VEVENT")) == [
        "Open day",
        "Weekly class",
    ]


def test_sync_adds_new_attendees_and_cancels_removed_ones_but_not_those_added_by_hand(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    from click.testing import CliRunner

    from batchzoom.cli import cli
    from tests.conftest import sandbox_env

    roster, people = files(tmp_path, one=3, series=0)
    env = sandbox_env(sandbox)
    first = CliRunner().invoke(cli, ["schedule", str(roster), "--attendees", str(people)], env=env)
    assert first.exit_code == 0, first.output
    meeting = int(results(tmp_path / "roster.scheduled.csv")[0]["zoom_meeting_id"])
    with quick_client(zoom_settings(sandbox)) as client:
        client.add_registrant(meeting, {"email": "walkin@example.com", "first_name": "Walk"})
    # one0 leaves the sheet; new@ joins it.
    rows = [["ONE", f"one{n}@example.com", f"One{n}", "Kim"] for n in (1, 2)]
    rows.append(["ONE", "new@example.com", "New", "Choi"])
    write_csv(people, rows, ("id", "email", "first_name", "last_name"))
    second = CliRunner().invoke(
        cli, ["sync", str(roster), "--attendees", str(people), "--yes"], env=env
    )
    assert second.exit_code == 0, second.output
    assert (
        "Attendees: 1 attendee registered, 2 already registered, 3 cancelled (no longer on the "
        "sheet).\n" in second.stdout  # one0, and "both" of both sessions
    )
    assert registered(sandbox, meeting) == [
        "new@example.com",
        "one1@example.com",
        "one2@example.com",
        "walkin@example.com",
    ]
    assert "both@example.com" not in registered(sandbox, meeting)  # removed: cancelled
    written = results(tmp_path / "people.registered.csv")
    assert [(row["email"], row["zoom_status"]) for row in written] == [
        ("one1@example.com", "registered"),
        ("one2@example.com", "registered"),
        ("new@example.com", "registered"),
    ]


def test_a_cancelled_attendee_is_not_registered_and_sync_cancels_one_registered_before(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    from click.testing import CliRunner

    from batchzoom.cli import cli
    from tests.conftest import sandbox_env

    roster = write_csv(tmp_path / "roster.csv", ROSTER[:1], HEADERS)
    header = ("id", "email", "first_name", "상태")
    people = tmp_path / "people.csv"
    write_csv(
        people, [["ONE", "a@example.com", "A", ""], ["ONE", "b@example.com", "B", "취소"]], header
    )
    env = sandbox_env(sandbox)
    first = CliRunner().invoke(cli, ["schedule", str(roster), "--attendees", str(people)], env=env)
    assert first.exit_code == 0, first.output
    meeting = int(results(tmp_path / "roster.scheduled.csv")[0]["zoom_meeting_id"])
    assert registered(sandbox, meeting) == ["a@example.com"]  # b is cancelled: never added
    written = results(tmp_path / "people.registered.csv")
    assert [(row["email"], row["zoom_status"]) for row in written] == [
        ("a@example.com", "registered"),
        ("b@example.com", "cancelled"),
    ]
    assert written[1]["zoom_join_url"] == "" and written[1]["zoom_registrant_id"] == ""
    # Now a is cancelled too: sync cancels the registrant batchzoom added.
    write_csv(
        people,
        [["ONE", "a@example.com", "A", "cancelled"], ["ONE", "b@example.com", "B", "취소"]],
        header,
    )
    second = CliRunner().invoke(
        cli, ["sync", str(roster), "--attendees", str(people), "--yes"], env=env
    )
    assert second.exit_code == 0, second.output
    assert registered(sandbox, meeting) == []
    assert "cancelled (no longer on the sheet)" not in second.stdout  # both are still on it
    with quick_client(zoom_settings(sandbox)) as client:
        denied = client.list_registrants(meeting, status="denied")  # Zoom files cancelled here
    assert [r.email for r in denied] == ["a@example.com"]
    written = results(tmp_path / "people.registered.csv")
    assert [(row["email"], row["zoom_status"]) for row in written] == [
        ("a@example.com", "cancelled"),
        ("b@example.com", "cancelled"),
    ]
    assert written[0]["zoom_join_url"] == ""
    assert sandbox.counters()["meetingRegistrantStatus"]["requests"] == 1


def test_someone_cancelled_and_put_back_is_registered_again_exactly_once(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    from click.testing import CliRunner

    from batchzoom.cli import cli
    from tests.conftest import sandbox_env

    roster = write_csv(tmp_path / "roster.csv", ROSTER[:1], HEADERS)
    header = ("id", "email", "first_name", "status")
    people = tmp_path / "people.csv"
    everyone = [
        ["ONE", "a@example.com", "A", ""],
        ["ONE", "b@example.com", "B", ""],
        ["ONE", "c@example.com", "C", ""],
    ]
    write_csv(people, everyone, header)
    env = sandbox_env(sandbox)
    sync = ["sync", str(roster), "--attendees", str(people), "--yes"]
    first = CliRunner().invoke(cli, ["schedule", str(roster), "--attendees", str(people)], env=env)
    assert first.exit_code == 0, first.output
    meeting = int(results(tmp_path / "roster.scheduled.csv")[0]["zoom_meeting_id"])
    links = {
        row["email"]: row["zoom_join_url"] for row in results(tmp_path / "people.registered.csv")
    }
    # a leaves the sheet, b is marked cancelled; both are cancelled on Zoom.
    write_csv(people, [["ONE", "b@example.com", "B", "cancelled"], everyone[2]], header)
    second = CliRunner().invoke(cli, sync, env=env)
    assert second.exit_code == 0, second.output
    assert registered(sandbox, meeting) == ["c@example.com"]
    # Both come back: approved again, with their links, and nobody is added anew.
    write_csv(people, everyone, header)
    for _ in range(2):  # a second sync changes nothing
        again = CliRunner().invoke(cli, sync, env=env)
        assert again.exit_code == 0, again.output
    assert registered(sandbox, meeting) == ["a@example.com", "b@example.com", "c@example.com"]
    with quick_client(zoom_settings(sandbox)) as client:
        assert client.list_registrants(meeting, status="denied") == []
    counters = sandbox.counters()
    assert counters["addBatchRegistrants"]["requests"] == 1  # the first schedule only
    assert (
        "meetingRegistrantCreate" not in counters
        or not counters["meetingRegistrantCreate"]["requests"]
    )
    assert counters["meetingRegistrantStatus"]["requests"] == 2  # one cancel, one approve
    written = results(tmp_path / "people.registered.csv")
    assert [row["zoom_status"] for row in written] == ["registered"] * 3
    assert {row["email"]: row["zoom_join_url"] for row in written} == links


def test_a_sync_that_only_registers_attendees_says_it_applied(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """No meeting changes, one newcomer registered: --json's ``applied`` is true."""
    import json

    from click.testing import CliRunner

    from batchzoom.cli import cli
    from tests.conftest import sandbox_env

    roster, people = files(tmp_path, one=1, series=0)
    env = sandbox_env(sandbox)
    first = CliRunner().invoke(cli, ["schedule", str(roster), "--attendees", str(people)], env=env)
    assert first.exit_code == 0, first.output
    rows = [["ONE", "one0@example.com", "One0", "Kim"], ["all", "both@example.com", "Both", "Park"]]
    rows.append(["ONE", "new@example.com", "New", "Choi"])  # the only change
    write_csv(people, rows, ("id", "email", "first_name", "last_name"))
    args = ["sync", str(roster), "--attendees", str(people), "--yes", "--json"]
    second = CliRunner().invoke(cli, args, env=env)
    assert second.exit_code == 0, second.output
    document = json.loads(second.stdout)
    meeting = int(results(tmp_path / "roster.scheduled.csv")[0]["zoom_meeting_id"])
    assert registered(sandbox, meeting) == [  # one added, nobody cancelled
        "both@example.com",
        "new@example.com",
        "one0@example.com",
    ]
    assert document["applied"] is True
    assert document["counts"].get("created", 0) == 0 and document["counts"].get("updated", 0) == 0
    again = json.loads(CliRunner().invoke(cli, args, env=env).stdout)
    assert again["applied"] is False  # nothing left to change
