"""Webinar rows against the sandbox over HTTP: created exactly once, panelists and registrants
on the webinar, the sheet written; a crash and a rerun; an unlicensed host refused first."""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from batchzoom.engine.batch import schedule
from batchzoom.engine.hosts import look_up_hosts
from batchzoom.engine.planning import load
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import MakeSettings, quick_client, zoom_settings
from tests.crashes import Crash, CrashingTransport
from tests.rosters import headers, write_csv

HEADERS = headers(
    "Registration", "Kind", "Panelists", "Alternative hosts", "Repeat", "Until", "Status"
)
HOST = "dana@school.example"  # holds the Webinar add-on
PANELISTS = ("guest.speaker@outside.example", "carol@school.example")


def roster_rows(host: str = HOST) -> list[list[str]]:
    return [
        ["MEET", "Staff meeting", "2027-05-03 09:00", "Asia/Seoul", "50", host, "yes", "", "",
         "", "", "", ""],
        ["WEB", "Open lecture", "2027-05-04 10:00", "Asia/Seoul", "90", host, "yes", "웨비나",
         "; ".join(PANELISTS), "bob@school.example; carol@school.example", "", "", ""],
        ["SERIES", "Weekly webinar", "2027-05-05 10:00", "Asia/Seoul", "60", host, "등록",
         "webinar", PANELISTS[0], "", "weekly", "2027-05-26", ""],
    ]  # fmt: skip


@pytest.fixture
def sandbox(sandbox_factory: Callable[[SandboxConfig], Sandbox]) -> Sandbox:
    """Alice (owner), bob and carol licensed; dana with the Webinar add-on; erin without."""
    users = [
        SandboxUser("alice@school.example"),
        SandboxUser("bob@school.example"),
        SandboxUser("carol@school.example"),
        SandboxUser(HOST, webinar=True),
        SandboxUser("erin@school.example"),
    ]
    return sandbox_factory(SandboxConfig(users=users))


def files(tmp_path: Path, host: str = HOST) -> tuple[Path, Path]:
    roster = write_csv(tmp_path / "roster.csv", roster_rows(host), HEADERS)
    rows = [
        ["MEET", "m1@example.com", "Min", "Kim"],
        ["WEB", "w1@example.com", "Woo", "Lee"],
        ["WEB", "w2@example.com", "Won", "Park"],
        ["SERIES", "s1@example.com", "Seo", "Choi"],
        ["all", "all@example.com", "Ari", "Jung"],
    ]
    people = write_csv(tmp_path / "people.csv", rows, ("id", "email", "first_name", "last_name"))
    return roster, people


def results(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def on_zoom(sb: Sandbox, host: str = HOST) -> tuple[list[int], list[int]]:
    """The ids of the host's meetings and of its webinars on the sandbox."""
    with quick_client(zoom_settings(sb)) as client:
        meetings = [int(m["id"]) for m in client.listing(host)]
        webinars = [w.id for w in client.list_webinars(host)]
    return meetings, webinars


def test_a_roster_with_meetings_and_webinars_creates_each_once_with_panelists_and_registrants(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    roster, people = files(tmp_path)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    report = schedule(load(roster, settings), settings)
    assert {o.key: o.status for o in report.outcomes} == {
        "MEET": "created",
        "WEB": "created",
        "SERIES": "created",
    }
    ids = {o.key: o.meeting_id or 0 for o in report.outcomes}
    meetings, webinars = on_zoom(sandbox)
    assert meetings == [ids["MEET"]]
    assert sorted(webinars) == sorted([ids["WEB"], ids["SERIES"]])
    counters = sandbox.counters()
    assert counters["meetingCreate"]["requests"] == 1
    assert counters["webinarCreate"]["requests"] == 2
    with quick_client(zoom_settings(sandbox)) as client:
        web = client.get_webinar(ids["WEB"])
        series = client.get_webinar(ids["SERIES"])
        assert web is not None and series is not None
        assert (web.type, series.type) == (5, 9)  # a webinar; a recurring one, fixed time
        # Alternative hosts as webinars take them: comma-separated.
        settings_shown = web.raw["settings"]
        assert settings_shown["alternative_hosts"] == "bob@school.example,carol@school.example"
        assert settings_shown["approval_type"] == 0  # registration, approved automatically
        panelists = sorted(p.email for p in client.list_panelists(ids["WEB"]))
        assert panelists == sorted(PANELISTS)
        assert [p.email for p in client.list_panelists(ids["SERIES"])] == [PANELISTS[0]]
        registrants = client.list_registrants(ids["WEB"], webinar=True)
        assert sorted(r.email for r in registrants) == [
            "all@example.com",
            "w1@example.com",
            "w2@example.com",
        ]
        meeting_people = client.list_registrants(ids["MEET"])
        assert sorted(r.email for r in meeting_people) == ["all@example.com", "m1@example.com"]
    assert report.panelists_added == 3
    assert report.registered is not None
    assert (report.registered.added, report.registered.failed) == (2 + 3 + 2, 0)
    assert counters.get("meetingRegistrantCreate", {}).get("requests", 0) == 0  # batch for MEET
    # The sheet: the webinar's id, link and passcode, as for a meeting.
    assert report.output is not None
    written = {row["ID"]: row for row in results(report.output.path)}
    assert written["WEB"]["zoom_meeting_id"] == str(ids["WEB"])
    assert written["WEB"]["zoom_join_url"] == web.join_url
    assert written["WEB"]["zoom_password"] == web.password
    assert written["WEB"]["zoom_status"] == "created"
    attendees = results(tmp_path / "people.registered.csv")
    assert {row["zoom_status"] for row in attendees} == {"registered"}

    # A rerun creates nothing, adds no panelist and registers nobody again.
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    again = schedule(load(roster, settings), settings)
    assert {o.status for o in again.outcomes} == {"existing"}
    counters = sandbox.counters()
    assert counters["meetingCreate"]["requests"] == 1
    assert counters["webinarCreate"]["requests"] == 2
    assert counters["webinarPanelistCreate"]["requests"] == 2
    assert counters["webinarRegistrantCreate"]["requests"] == 5
    assert again.panelists_added == 0
    assert on_zoom(sandbox)[1] == webinars


@pytest.mark.parametrize(
    ("method", "path", "nth"),
    [
        ("POST", "/webinars", 1),  # the first webinar created, its answer lost
        ("POST", "/webinars", 2),  # the second
        ("POST", "/panelists", 1),  # the first webinar's panelists added, answer lost
        ("POST", "/registrants", 2),  # the second webinar registration made, answer lost
    ],
)
def test_a_crash_mid_run_and_a_rerun_create_every_webinar_exactly_once(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings, method: str, path: str, nth: int
) -> None:
    roster, people = files(tmp_path)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    transport = CrashingTransport(method, path, nth=nth, after_response=True)
    with pytest.raises(Crash):
        schedule(load(roster, settings), settings, transport=transport)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    report = schedule(load(roster, settings), settings)
    assert {o.status for o in report.outcomes} <= {"created", "existing"}
    ids = {o.key: o.meeting_id or 0 for o in report.outcomes}
    meetings, webinars = on_zoom(sandbox)
    assert meetings == [ids["MEET"]]
    assert sorted(webinars) == sorted([ids["WEB"], ids["SERIES"]])
    assert sandbox.counters()["webinarCreate"]["requests"] == 2  # none sent twice
    with quick_client(zoom_settings(sandbox)) as client:
        assert sorted(p.email for p in client.list_panelists(ids["WEB"])) == sorted(PANELISTS)
        registrants = client.list_registrants(ids["WEB"], webinar=True)
        assert sorted(r.email for r in registrants) == [
            "all@example.com",
            "w1@example.com",
            "w2@example.com",
        ]
        series = client.list_registrants(ids["SERIES"], webinar=True)
        assert sorted(r.email for r in series) == ["all@example.com", "s1@example.com"]
    assert report.registered is not None
    assert (report.registered.failed, report.registered.in_doubt) == (0, 0)
    assert report.output is not None
    written = {row["ID"]: row for row in results(report.output.path)}
    assert written["WEB"]["zoom_meeting_id"] == str(ids["WEB"])
    # A rerun after that: nothing more.
    requests = sandbox.counters()["webinarCreate"]["requests"]
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    with contextlib.suppress(Crash):
        schedule(load(roster, settings), settings)
    assert sandbox.counters()["webinarCreate"]["requests"] == requests


def test_a_host_without_the_webinar_licence_is_named_before_anything_is_sent(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    roster, people = files(tmp_path, host="erin@school.example")
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    loaded = look_up_hosts(load(roster, settings), settings)
    problems = [(p.row, p.column, p.code) for p in loaded.validation.problems]
    assert problems == [(3, "Kind", "webinar-unlicensed"), (4, "Kind", "webinar-unlicensed")]
    assert loaded.validation.problems[0].message == (
        "these hosts have no webinar licence: erin@school.example; assign them the Zoom "
        "Webinars add-on (Admin > User Management > Users) or make the rows meetings."
    )
    report = schedule(loaded, settings)  # refused: invalid rows and no --skip-invalid
    assert {o.row: o.status for o in report.outcomes} == {3: "invalid", 4: "invalid"}
    counters = sandbox.counters()
    assert "meetingCreate" not in counters and "webinarCreate" not in counters


def test_without_the_webinar_add_on_zoom_refuses_and_the_row_says_why(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    """No --check-hosts: Zoom's own "Webinar plan is missing" (code 200) is explained in one
    sentence on each webinar row; the meeting row is created as usual."""
    roster, people = files(tmp_path, host="erin@school.example")
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    report = schedule(load(roster, settings), settings)
    outcomes = {o.key: o for o in report.outcomes}
    assert outcomes["MEET"].status == "created"
    for key in ("WEB", "SERIES"):
        assert outcomes[key].status == "failed"
        error = outcomes[key].error or ""
        assert error.startswith("erin@school.example cannot host webinars: Zoom says the webinar")
        assert "assign the user a Webinar licence in Zoom" in error
        assert error.count(". ") == 1  # Zoom's own sentence inside ours, nothing more
    assert "webinarCreate" not in sandbox.counters()
    with quick_client(zoom_settings(sandbox)) as client:
        listed = [int(m["id"]) for m in client.listing("erin@school.example")]
    assert listed == [outcomes["MEET"].meeting_id]


def test_sync_updates_and_deletes_webinars_at_the_webinars_endpoints(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    from batchzoom.engine.sync import sync

    roster, people = files(tmp_path)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    first = schedule(load(roster, settings), settings)
    ids = {o.key: o.meeting_id or 0 for o in first.outcomes}
    # Nothing changed: sync sends no change, and does not take the webinars for deleted.
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    calm = sync(load(roster, settings), settings)
    assert {o.key: o.status for o in calm.outcomes} == dict.fromkeys(ids, "unchanged")
    rows = roster_rows()
    rows[1][1] = "Open lecture (moved)"  # WEB: a new topic and start
    rows[1][2] = "2027-05-04 11:00"
    rows[2][12] = "cancelled"  # SERIES: cancelled
    rows.append(
        ["NEW", "Late webinar", "2027-05-06 10:00", "Asia/Seoul", "30", HOST, "", "webinar",
         PANELISTS[1], "", "", "", ""]
    )  # fmt: skip
    write_csv(roster, rows, HEADERS)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    report = sync(load(roster, settings), settings)
    statuses = {o.key: o.status for o in report.outcomes}
    assert statuses == {
        "MEET": "unchanged",
        "WEB": "updated",
        "SERIES": "cancelled",
        "NEW": "created",
    }
    counters = sandbox.counters()
    assert counters["webinarUpdate"]["requests"] == 1
    assert counters["webinarDelete"]["requests"] == 1
    assert "meetingUpdate" not in counters and "meetingDelete" not in counters
    assert counters["webinarCreate"]["requests"] == 3
    new_id = next(o.meeting_id for o in report.outcomes if o.key == "NEW")
    with quick_client(zoom_settings(sandbox)) as client:
        web = client.get_webinar(ids["WEB"])
        assert web is not None
        assert (web.topic, web.start_time) == ("Open lecture (moved)", "2027-05-04T02:00:00Z")
        assert client.get_webinar(ids["SERIES"]) is None
        assert [p.email for p in client.list_panelists(new_id or 0)] == [PANELISTS[1]]
    # Again: nothing to do.
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    again = sync(load(roster, settings), settings)
    assert {o.status for o in again.outcomes} == {"unchanged", "cancelled"}
    counters = sandbox.counters()
    assert counters["webinarUpdate"]["requests"] == 1
    assert counters["webinarCreate"]["requests"] == 3


def test_sync_refuses_a_row_whose_kind_changed_after_it_was_created(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    from batchzoom.engine.sync import sync

    roster, people = files(tmp_path)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    schedule(load(roster, settings), settings)
    rows = roster_rows()
    rows[0][7] = "webinar"  # MEET was created as a meeting
    write_csv(roster, rows, HEADERS)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    report = sync(load(roster, settings), settings)
    meet = next(o for o in report.outcomes if o.key == "MEET")
    assert meet.status == "failed"
    assert (meet.error or "").startswith("this row's kind changed after its session was created")
    counters = sandbox.counters()
    assert counters["meetingCreate"]["requests"] == 1
    assert counters["webinarCreate"]["requests"] == 2
    assert "meetingDelete" not in counters and "meetingUpdate" not in counters


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/webinars"), ("PATCH", ""), ("DELETE", "")],
)
def test_a_sync_killed_mid_webinar_change_and_run_again_changes_each_once(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings, method: str, path: str
) -> None:
    from batchzoom.engine.sync import sync

    roster, people = files(tmp_path)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    ids = {o.key: o.meeting_id or 0 for o in schedule(load(roster, settings), settings).outcomes}
    rows = roster_rows()
    rows[1][1] = "Open lecture (moved)"
    rows[2][12] = "cancelled"
    rows.append(
        ["NEW", "Late webinar", "2027-05-06 10:00", "Asia/Seoul", "30", HOST, "", "webinar",
         "", "", "", "", ""]
    )  # fmt: skip
    write_csv(roster, rows, HEADERS)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    transport = CrashingTransport(method, path, after_response=True)
    with pytest.raises(Crash):
        sync(load(roster, settings), settings, transport=transport)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    report = sync(load(roster, settings), settings)
    statuses = {o.key: o.status for o in report.outcomes}
    assert statuses["SERIES"] == "cancelled"
    assert statuses["WEB"] in {"updated", "unchanged"}
    assert statuses["NEW"] in {"created", "existing", "unchanged"}
    _, webinars = on_zoom(sandbox)
    new_id = next(o.meeting_id or 0 for o in report.outcomes if o.key == "NEW")
    assert sorted(webinars) == sorted([ids["WEB"], new_id])  # the new one once, SERIES gone
    assert sandbox.counters()["webinarCreate"]["requests"] == 3
    with quick_client(zoom_settings(sandbox)) as client:
        web = client.get_webinar(ids["WEB"])
        assert web is not None and web.topic == "Open lecture (moved)"


def test_reconcile_reads_webinars_back_from_the_webinars_endpoint(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    from batchzoom.engine.audit import reconcile
    from batchzoom.engine.journal import default_path, read_journal

    roster, people = files(tmp_path)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    ids = {o.key: o.meeting_id for o in schedule(load(roster, settings), settings).outcomes}
    contents = read_journal(default_path(roster), day=sandbox.clock.now().date().isoformat())
    report = reconcile(contents, make_settings(sandbox))
    verdicts = {c.meeting_id: c.verdict for c in report.checks}
    assert verdicts == dict.fromkeys(ids.values(), "match")
    assert sandbox.counters()["webinar"]["requests"] == 2


def test_the_command_line_names_the_unlicensed_host_and_schedules_webinars_for_a_licensed_one(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    from click.testing import CliRunner

    from batchzoom.cli import cli
    from tests.conftest import sandbox_env

    roster, people = files(tmp_path, host="erin@school.example")
    refused = CliRunner().invoke(
        cli,
        ["schedule", str(roster), "--attendees", str(people), "--check-hosts"],
        env=sandbox_env(sandbox),
    )
    assert refused.exit_code == 3, refused.output
    assert "these hosts have no webinar licence: erin@school.example" in refused.output
    assert "webinarCreate" not in sandbox.counters()
    roster, people = files(tmp_path)
    done = CliRunner().invoke(
        cli,
        ["schedule", str(roster), "--attendees", str(people), "--check-hosts"],
        env=sandbox_env(sandbox),
    )
    assert done.exit_code == 0, done.output
    assert sandbox.counters()["webinarCreate"]["requests"] == 2
    assert sandbox.counters()["userSettings"]["requests"] == 2  # erin's, then dana's: once each
