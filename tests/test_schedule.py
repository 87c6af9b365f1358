"""Scheduling runs against the sandbox over loopback HTTP: exactly once, at the right time."""

from __future__ import annotations

import csv
import shutil
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import openpyxl
import pytest
from openpyxl.styles import Font

from batchzoom.cli.app import outcome_exit
from batchzoom.core.secret import Secret
from batchzoom.engine.batch import schedule
from batchzoom.engine.journal import default_path
from batchzoom.engine.planning import load
from batchzoom.files.results import Loaded, RunReport
from batchzoom.model.local_times import local_then_utc
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import ZoomSettings
from batchzoom.zoom.meetings import create_body
from batchzoom.zoomspec import request_schema, to_json_schema
from tests.conftest import MakeSettings
from tests.rosters import session_rows, write_csv

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ALICE, BOB = "alice@school.example", "bob@school.example"


Run = Callable[..., tuple[Loaded, RunReport]]


@pytest.fixture
def run(make_settings: MakeSettings) -> Run:
    """``run(path, sandbox, **flags)``: load and schedule a roster at 30 requests a second."""

    def run(
        path: Path, sb: Sandbox, *, rate: float = 30, **flags: object
    ) -> tuple[Loaded, RunReport]:
        settings = make_settings(sb, rate=rate, **flags)
        loaded = load(path, settings)
        return loaded, schedule(loaded, settings)

    return run


def creates(sb: Sandbox) -> int:
    return int(sb.counters().get("meetingCreate", {}).get("requests", 0))


def meetings_by_topic(sb: Sandbox) -> Counter[str]:
    return Counter(m["topic"] for m in sb.meetings())


def sheet_rows(path: Path) -> list[dict[str, object]]:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if "zoom_status" in row)
    headers = [str(header) for header in rows[header_at]]
    return [dict(zip(headers, row, strict=True)) for row in rows[header_at + 1 :] if any(row)]


def test_sample_timetable_end_to_end(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox], make_settings: MakeSettings, run: Run
) -> None:
    """Every meeting exists once at the roster's instant; the sheet carries it; the workbook survives."""
    roster = tmp_path / "timetable.xlsx"
    shutil.copy(SAMPLES / "timetable.xlsx", roster)
    workbook = openpyxl.load_workbook(roster)
    notes = workbook.create_sheet("Notes")
    notes["A1"] = "Keep me"
    notes["A1"].font = Font(bold=True, color="FF0000")
    notes.column_dimensions["A"].width = 42
    workbook.save(roster)

    loaded = load(roster, make_settings())
    hosts = sorted({s.host for s in loaded.validation.sessions})
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(h) for h in hosts]))
    _, report = run(roster, sb)
    assert outcome_exit(report.counts()) == 0

    stored = {m["id"]: m for m in sb.meetings()}
    assert len(stored) == len(loaded.validation.sessions)
    output = tmp_path / "timetable.scheduled.xlsx"
    rows = sheet_rows(output)
    by_id = {row["ID"]: row for row in rows}
    for session in loaded.validation.sessions:
        row = by_id[session.key]
        meeting = stored[row["zoom_meeting_id"]]
        assert meeting["start_time"] == session.start_utc == row["zoom_start_time"]
        assert meeting["topic"] == session.topic and meeting["duration"] == session.duration
        assert meeting["host_email"] == session.host
        assert row["zoom_join_url"] == meeting["join_url"]
        assert row["zoom_password"] == meeting["password"]
        assert row["zoom_status"] == "created"
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    kept = openpyxl.load_workbook(output)["Notes"]
    assert kept["A1"].value == "Keep me" and kept["A1"].font.b
    assert kept.column_dimensions["A"].width == 42


def test_request_bodies_are_valid_per_zooms_schema(make_settings: MakeSettings) -> None:
    loaded = load(SAMPLES / "timetable.xlsx", make_settings())
    schema = to_json_schema(request_schema("meetingCreate"))
    for session in loaded.validation.sessions:
        jsonschema.validate(create_body(session), schema)


def test_one_token_for_a_run_with_twenty_workers(
    tmp_path: Path, sandbox: Sandbox, run: Run
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(60, [ALICE, BOB]))
    _, report = run(roster, sandbox, concurrency=20)
    assert report.counts()["created"] == 60
    assert report.tokens_fetched == 1
    assert sandbox.counters()["token"]["tokens_issued"] == 1


def test_token_expiring_mid_run_is_renewed_once(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(30, [ALICE]))
    moved: list[bool] = []

    def move_clock(progress: object) -> None:
        if getattr(progress, "done", 0) == 10 and not moved:
            moved.append(True)
            sandbox.clock.advance(3601)

    settings = make_settings(sandbox, concurrency=1)
    loaded = load(roster, settings)
    report = schedule(loaded, settings, progress=move_clock)
    assert moved and report.counts()["created"] == 30
    assert report.tokens_fetched == 2
    assert sandbox.counters()["token"]["tokens_issued"] == 2


def test_faults_and_429s_still_give_every_row_exactly_one_meeting(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox], run: Run
) -> None:
    sb = sandbox_factory(
        SandboxConfig(
            users=[SandboxUser(ALICE), SandboxUser(BOB)], fault_rate=0.2, drop_rate=0.05, seed=7
        )
    )
    sb.faults.qps_429_next("meetingCreate", count=4)
    roster = write_csv(tmp_path / "r.csv", session_rows(80, [ALICE, BOB]))
    codes = []
    for _ in range(4):  # as cron would: run again until nothing is left
        _, report = run(roster, sb, concurrency=8)
        codes.append(outcome_exit(report.counts()))
        if outcome_exit(report.counts()) == 0:
            break
    assert codes[-1] == 0
    assert set(codes[:-1]) <= {4}
    assert meetings_by_topic(sb) == Counter(f"Class S{n}" for n in range(80))
    ids = {row["zoom_meeting_id"] for row in _csv_rows(tmp_path / "r.scheduled.csv")}
    assert ids == {str(m["id"]) for m in sb.meetings()}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_dropped_creates_are_found_by_listing_not_duplicated(
    tmp_path: Path, sandbox: Sandbox, run: Run
) -> None:
    sandbox.faults.drop_next("meetingCreate", count=3)
    roster = write_csv(tmp_path / "r.csv", session_rows(12, [ALICE]))
    _, report = run(roster, sandbox, concurrency=4)
    assert report.counts()["created"] == 12
    assert creates(sandbox) == 12  # no create was sent twice
    assert meetings_by_topic(sandbox) == Counter(f"Class S{n}" for n in range(12))


def test_daily_limit_creates_exactly_100_and_defers_the_rest_quickly(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox], run: Run
) -> None:
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(ALICE), SandboxUser(BOB)], qps=1000))
    rows = session_rows(130, [ALICE]) + session_rows(10, [BOB], prefix="B")
    roster = write_csv(tmp_path / "r.csv", rows)
    _, report = run(roster, sb, rate=1000, concurrency=8)
    counts = report.counts()
    assert counts["created"] == 110 and counts["deferred"] == 30
    assert outcome_exit(report.counts()) == 4
    assert sum(1 for m in sb.meetings() if m["host_email"] == ALICE) == 100
    refused = creates(sb) - 110
    assert 1 <= refused <= 8  # alice's host stops at once: at most the requests in flight
    deferred = [o for o in report.outcomes if o.status == "deferred"]
    resume = sb.clock.next_utc_midnight()
    # When to run again: in the rows' zone, then in UTC.
    until = local_then_utc(resume, "Asia/Seoul")
    assert all(f"run again after {until}." in (o.error or "") for o in deferred)

    before = creates(sb)
    _, again = run(roster, sb, rate=1000)
    # One probe create for alice (the limit may have reset early); refused, the rest wait.
    assert creates(sb) == before + 1
    assert again.counts()["deferred"] == 30

    sb.clock.set(resume + timedelta(minutes=1))
    _, later = run(roster, sb, rate=1000)
    assert outcome_exit(later.counts()) == 0
    assert len(sb.meetings()) == 140


def test_zoom_refusing_one_row_fails_only_that_row(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox], run: Run
) -> None:
    sb = sandbox_factory(
        SandboxConfig(users=[SandboxUser(ALICE), SandboxUser(BOB, licensed=False)])
    )
    roster = write_csv(tmp_path / "r.csv", session_rows(6, [ALICE, ALICE, BOB]))
    _, report = run(roster, sb)
    failed = [o for o in report.outcomes if o.status == "failed"]
    assert [o.host for o in failed] == [BOB, BOB]
    assert all("3161" in (o.error or "") for o in failed)
    assert report.counts()["created"] == 4
    assert outcome_exit(report.counts()) == 4


def test_dry_run_sends_no_create_and_leaves_no_journal(
    tmp_path: Path, sandbox: Sandbox, run: Run
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(5, [ALICE]))
    _, report = run(roster, sandbox, dry_run=True)
    assert report.counts()["planned"] == 5
    assert creates(sandbox) == 0 and sandbox.counters().get("token") is None
    assert not default_path(roster).exists()
    assert not (tmp_path / "r.scheduled.csv").exists()  # without --output a dry run writes nothing
    _, report = run(roster, sandbox, dry_run=True, output=tmp_path / "plan.csv")
    assert {row["zoom_status"] for row in _csv_rows(tmp_path / "plan.csv")} == {"planned"}


def test_scheduling_the_output_sheet_again_creates_nothing(
    tmp_path: Path, sandbox: Sandbox, run: Run
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(5, [ALICE]))
    run(roster, sandbox)
    output = tmp_path / "r.scheduled.csv"
    second = tmp_path / "again.csv"
    shutil.copy(output, second)
    _, report = run(second, sandbox)
    assert report.counts()["existing"] == 5
    assert creates(sandbox) == 5


def test_rerun_reports_existing_and_sends_nothing(
    tmp_path: Path, sandbox: Sandbox, run: Run
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(5, [ALICE]))
    run(roster, sandbox)
    requests = sandbox.counters()["meetingCreate"]["requests"]
    _, report = run(roster, sandbox)
    assert report.counts()["existing"] == 5
    assert sandbox.counters()["meetingCreate"]["requests"] == requests


def test_lost_journal_still_prevents_duplicates(tmp_path: Path, sandbox: Sandbox, run: Run) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(8, [ALICE, BOB]))
    _, first = run(roster, sandbox)
    first_ids = {o.row: o.meeting_id for o in first.outcomes}
    default_path(roster).unlink()
    _, second = run(roster, sandbox)
    assert creates(sandbox) == 8
    assert {o.row: o.meeting_id for o in second.outcomes} == first_ids


def test_invalid_rows_stop_the_run_unless_skipped(
    tmp_path: Path, sandbox: Sandbox, run: Run
) -> None:
    rows = session_rows(3, [ALICE])
    rows[1][4] = "two hours"  # not a duration
    roster = write_csv(tmp_path / "r.csv", rows)
    _, report = run(roster, sandbox)
    assert outcome_exit(report.counts()) == 3 and creates(sandbox) == 0
    _, report = run(roster, sandbox, skip_invalid=True)
    counts = report.counts()
    assert {status: n for status, n in counts.items() if n} == {"created": 2, "invalid": 1}
    assert outcome_exit(report.counts()) == 3
    statuses = [row["zoom_status"] for row in _csv_rows(tmp_path / "r.scheduled.csv")]
    assert statuses == ["created", "invalid", "created"]


def test_unreachable_zoom_is_one_error_and_nothing_is_lost(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    from batchzoom.core.errors import ZoomUnreachableError

    roster = write_csv(tmp_path / "r.csv", session_rows(3, [ALICE]))
    settings = ZoomSettings(
        "a", "b", Secret("c"), "http://127.0.0.1:9/oauth/token", "http://127.0.0.1:9/v2"
    )
    with pytest.raises(ZoomUnreachableError):
        schedule(load(roster, make_settings()), make_settings(zoom=settings))


def test_quota_warning_names_each_host_that_needs_more_than_a_day(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    from batchzoom.engine.batch import quota_warnings

    rows = session_rows(130, [ALICE]) + session_rows(30, [BOB], prefix="B")
    loaded = load(write_csv(tmp_path / "r.csv", rows), make_settings())
    used = {BOB: 80}
    now = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    warnings = quota_warnings(loaded.validation.sessions, lambda host: used.get(host, 0), now)
    again = "run again after 2026-09-02 09:00 KST (00:00 UTC)."  # the rows are in Asia/Seoul
    assert warnings == [
        f"Host {ALICE} needs 130 new meetings but Zoom allows 100 creates per host per UTC day "
        f"(100 left today): this takes 2 days; the rest will be deferred, so {again}",
        f"Host {BOB} needs 30 new meetings but Zoom allows 100 creates per host per UTC day "
        f"(20 left today): this takes 2 days; the rest will be deferred, so {again}",
    ]


def test_sheet_ids_from_another_account_are_checked_not_trusted(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox], run: Run
) -> None:
    first = sandbox_factory(SandboxConfig(users=[SandboxUser(ALICE)]))
    second = sandbox_factory(SandboxConfig(users=[SandboxUser(ALICE)], account_id="other_account"))
    roster = write_csv(tmp_path / "r.csv", session_rows(2, [ALICE]))
    run(roster, first, in_place=True)
    assert _csv_rows(roster)[0]["zoom_meeting_id"]  # the roster now names account one's meetings
    _, report = run(roster, second, in_place=True)
    assert len(second.meetings()) == 2  # created on account two, not taken as existing
    assert report.counts()["created"] == 2
    _, again = run(roster, second, in_place=True)
    assert again.counts()["existing"] == 2 and len(second.meetings()) == 2


def test_a_row_copied_with_its_meeting_id_is_flagged(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings, run: Run
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(1, [ALICE]))
    run(roster, sandbox, in_place=True)
    rows = _csv_rows(roster)
    copy = dict(rows[0], ID="S9999", Topic="New class", Start="2027-06-01 09:00")
    with roster.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([rows[0], copy])
    loaded = load(roster, make_settings())
    [problem] = loaded.validation.problems
    assert (problem.row, problem.code) == (3, "meeting-id-copied")


def test_rows_already_on_zoom_do_not_block_a_later_run_once_they_have_started(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings, run: Run
) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(2, [ALICE]))
    run(roster, sandbox)
    sandbox.clock.set(datetime(2027, 5, 3, 12, 0, tzinfo=UTC))  # the first class has begun
    later = load(roster, make_settings(now=datetime(2027, 5, 3, 12, 0, tzinfo=UTC)))
    assert later.validation.ok
    fresh = write_csv(tmp_path / "other.csv", session_rows(2, [ALICE]))
    never_sent = load(fresh, make_settings(now=datetime(2027, 5, 3, 12, 0, tzinfo=UTC)))
    assert [p.code for p in never_sent.validation.problems] == ["start-in-past", "start-in-past"]


def test_a_dropped_create_of_a_past_or_recurring_session_is_found_not_repeated(
    tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings
) -> None:
    from batchzoom.engine.run import is_meeting_of

    past = session_rows(1, [ALICE], first=datetime(2020, 1, 6, 9, 0))
    roster = write_csv(tmp_path / "past.csv", past)
    sandbox.faults.drop_next("meetingCreate")
    settings = make_settings(sandbox, allow_past=True)
    loaded = load(roster, settings)
    schedule(loaded, settings)
    assert creates(sandbox) == 1 and len(sandbox.meetings()) == 1
    # Zoom lists a recurring meeting at an occurrence, not at the row's start.
    session = replace(
        loaded.validation.sessions[0],
        start=datetime(2027, 5, 3, 9, 0, tzinfo=ZoneInfo("Asia/Seoul")),
        recurrence={"type": 2, "repeat_interval": 1, "weekly_days": "4", "end_times": 3},
    )
    listed = {"topic": session.topic, "start_time": "2027-05-05T00:00:00Z", "duration": 50}
    assert is_meeting_of(listed, session)
    assert not is_meeting_of(dict(listed, start_time="2027-05-06T00:00:00Z"), session)


def test_quota_warning_says_when_to_run_again_in_the_hosts_zone_then_utc(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    from datetime import UTC, datetime

    from batchzoom.engine.batch import quota_warnings

    rows = session_rows(101, [ALICE])  # in Asia/Seoul
    loaded = load(write_csv(tmp_path / "r.csv", rows), make_settings())
    now = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    (warning,) = quota_warnings(loaded.validation.sessions, lambda host: 0, now)
    assert warning.endswith("so run again after 2026-09-02 09:00 KST (00:00 UTC).")
