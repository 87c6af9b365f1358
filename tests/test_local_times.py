"""Times where people read them: the row's own zone first, UTC after it.

``local_then_utc`` against zones read independently from the tzdata package (conftest
empties zoneinfo's search path, so ``ZoneInfo`` reads tzdata too, never the machine), and
the places that use it: the live deferral line, the ``--quiet`` cron line, ``status`` and
the ``sync`` plan, each against the sandbox.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from batchzoom.cli import cli
from batchzoom.cli.alerts import held_back
from batchzoom.cli.progress import RunProgress
from batchzoom.core import tzdb
from batchzoom.files.results import Progress
from batchzoom.model.local_times import local_then_utc, shown_zoom_time, wall_time
from batchzoom.model.outcomes import RowOutcome
from batchzoom.model.zone_names import FIXED_ABBREVIATIONS
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import sandbox_env
from tests.rosters import session_rows, write_csv

KIM = "kim@school.example"
# Every place of the database (the old fixed-offset EST/MST/HST are no row's zone: refused).
ZONES = sorted(tzdb.names() - FIXED_ABBREVIATIONS)
SHOWN = re.compile(
    r"(?P<local>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) (?P<label>\S+) "
    r"\((?P<utc>(?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}) UTC\)"
)
instants = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
).map(lambda moment: moment.replace(second=0, microsecond=0))


@given(st.sampled_from(ZONES), instants)
def test_the_wall_time_and_the_abbreviation_in_force_come_first_then_utc(
    zone: str, instant: datetime
) -> None:
    text = local_then_utc(instant, zone)
    local = instant.astimezone(ZoneInfo(zone))
    abbreviation = local.tzname() or ""
    if abbreviation == "UTC" and local.utcoffset() == timedelta(0):
        assert text == f"{instant:%Y-%m-%d %H:%M} UTC"
        return
    found = SHOWN.fullmatch(text)
    assert found is not None, text
    # The abbreviation of that instant (EST in winter, EDT in summer), or the zone's name
    # when the database has only an offset such as "+05" for it.
    numeric = abbreviation[:1] in "+-" or abbreviation[:1].isdigit()
    assert found["label"] == (zone if numeric else abbreviation)
    # The local wall time is the instant's in that zone...
    assert found["local"] == f"{local:%Y-%m-%d %H:%M}"
    wall = datetime.strptime(found["local"], "%Y-%m-%d %H:%M")
    back = {wall.replace(tzinfo=ZoneInfo(zone), fold=fold).astimezone(UTC) for fold in (0, 1)}
    assert instant in back
    # ...and the UTC part is the instant, with its date only when it is another day.
    if instant.date() == local.date():
        assert found["utc"] == f"{instant:%H:%M}"
    else:
        assert found["utc"] == f"{instant:%Y-%m-%d %H:%M}"


@pytest.mark.parametrize(
    ("instant", "zone", "shown"),
    [
        (datetime(2027, 3, 3, 5, 0), "Asia/Seoul", "2027-03-03 14:00 KST (05:00 UTC)"),
        (datetime(2026, 12, 8, 0, 0), "Asia/Seoul", "2026-12-08 09:00 KST (00:00 UTC)"),
        (
            datetime(2026, 12, 7, 23, 0),
            "Asia/Seoul",
            "2026-12-08 08:00 KST (2026-12-07 23:00 UTC)",
        ),
        # The minute before and the minute after New York's clocks jump forward.
        (datetime(2027, 3, 14, 6, 59), "America/New_York", "2027-03-14 01:59 EST (06:59 UTC)"),
        (datetime(2027, 3, 14, 7, 0), "America/New_York", "2027-03-14 03:00 EDT (07:00 UTC)"),
        # 01:30 happens twice when they go back: the abbreviation tells the two apart.
        (datetime(2027, 11, 7, 5, 30), "America/New_York", "2027-11-07 01:30 EDT (05:30 UTC)"),
        (datetime(2027, 11, 7, 6, 30), "America/New_York", "2027-11-07 01:30 EST (06:30 UTC)"),
        (datetime(2027, 1, 4, 9, 0), "Europe/London", "2027-01-04 09:00 GMT (09:00 UTC)"),
        (datetime(2027, 7, 4, 9, 0), "Europe/London", "2027-07-04 10:00 BST (09:00 UTC)"),
        # Only an offset ("+05") in the database: the zone's name instead.
        (datetime(2027, 3, 3, 5, 0), "Asia/Tashkent", "2027-03-03 10:00 Asia/Tashkent (05:00 UTC)"),
        (datetime(2027, 3, 3, 5, 0), "UTC", "2027-03-03 05:00 UTC"),
        (datetime(2027, 3, 3, 5, 0), "Etc/UTC", "2027-03-03 05:00 UTC"),
        (datetime(2027, 3, 3, 5, 0), None, "2027-03-03 05:00 UTC"),
        (datetime(2027, 3, 3, 5, 0), "Mars/Olympus", "2027-03-03 05:00 UTC"),
    ],
)
def test_examples(instant: datetime, zone: str | None, shown: str) -> None:
    assert local_then_utc(instant.replace(tzinfo=UTC), zone) == shown


def test_zoom_times_are_read_and_anything_else_is_shown_as_it_is() -> None:
    assert shown_zoom_time("2036-05-05T00:00:00Z", "Asia/Seoul") == (
        "2036-05-05 09:00 KST (00:00 UTC)"
    )
    assert shown_zoom_time("2036-05-05T09:00:00+09:00", "Asia/Seoul") == (
        "2036-05-05 09:00 KST (00:00 UTC)"
    )
    assert shown_zoom_time("soon", "Asia/Seoul") == "soon"
    assert shown_zoom_time(None, "Asia/Seoul") == ""
    assert wall_time("2036-05-05T00:00:00Z", "America/New_York") == datetime(2036, 5, 4, 20, 0)
    assert wall_time("2036-05-05T00:00:00Z", None) is None


# ---------------------------------------------------------------------------------------------
# The daily-limit lines


def _deferred(row: int, host: str, zone: str | None) -> RowOutcome:
    resume = datetime(2027, 3, 3, tzinfo=UTC)
    return RowOutcome(row=row, status="deferred", host=host, resume_at=resume, timezone=zone)


def test_the_live_deferral_line_is_in_the_zone_of_the_hosts_rows() -> None:
    out = io.StringIO()
    shown = RunProgress(out, live=False, every=60, clock=lambda: 1000.0)
    shown(Progress(3, 1, 0, 0, 1, _deferred(2, KIM, "Asia/Seoul")))
    shown(Progress(3, 2, 0, 0, 2, _deferred(3, "lee@school.example", "America/New_York")))
    shown(Progress(3, 3, 0, 0, 3, _deferred(4, "park@school.example", None)))
    hosts = [line for line in out.getvalue().splitlines() if line.startswith("Host ")]
    assert hosts == [
        f"Host {KIM} reached Zoom's daily limit: its rows are deferred until "
        "2027-03-03 09:00 KST (00:00 UTC).",
        "Host lee@school.example reached Zoom's daily limit: its rows are deferred until "
        "2027-03-02 19:00 EST (2027-03-03 00:00 UTC).",
        "Host park@school.example reached Zoom's daily limit: its rows are deferred until "
        "2027-03-03 00:00 UTC.",
    ]


def test_the_cron_line_takes_the_zone_most_of_the_hosts_rows_have() -> None:
    rows = [
        _deferred(2, KIM, "Europe/London"),
        _deferred(3, KIM, "Asia/Seoul"),
        _deferred(4, KIM, "Asia/Seoul"),
    ]
    assert held_back(rows) == [
        f"Host {KIM} is held back by Zoom's daily limit until 2027-03-03 09:00 KST "
        "(00:00 UTC): 3 rows wait; the next run after that sends them"
    ]


def _roster(path: Path) -> Path:
    """A class for Kim in New York at 21:00 (01:00 UTC the next day), then five in Seoul."""
    rows = session_rows(1, [KIM], first=datetime(2040, 5, 1, 21, 0), zone="America/New_York")
    rows[0][0] = "NY"
    rows += session_rows(5, [KIM], first=datetime(2040, 5, 1, 9, 0))
    return write_csv(path, rows)


@pytest.fixture
def held(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> tuple[Path, dict[str, str | None]]:
    """Kim's daily limit is 2, the sandbox's clock and the run's at 2039-05-05 10:00 UTC."""
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(KIM)], daily_limit=2, frozen_clock=True))
    sb.clock.set(datetime(2039, 5, 5, 10, 0, tzinfo=UTC))
    return _roster(tmp_path / "spring.csv"), sandbox_env(sb, BATCHZOOM_NOW="2039-05-05T10:00:00Z")


def test_a_run_says_when_a_held_back_host_resumes_in_its_rows_zone(
    held: tuple[Path, dict[str, str | None]],
) -> None:
    roster, env = held
    run = CliRunner(env=env).invoke(cli, ["schedule", str(roster), "--concurrency", "1"])
    assert run.exit_code == 4, run.output
    # stderr is no terminal here: the plain progress lines, and the host's own line.
    assert (
        f"Host {KIM} reached Zoom's daily limit: its rows are deferred until "
        "2039-05-06 09:00 KST (00:00 UTC)."
    ) in run.stderr.splitlines()
    # The deferred rows' zoom_error says when to run again the same way.
    with (roster.parent / "spring.scheduled.csv").open(encoding="utf-8", newline="") as handle:
        errors = {row["zoom_status"]: row["zoom_error"] for row in csv.DictReader(handle)}
    assert errors["deferred"].startswith("Deferred: Zoom's daily limit for host ")
    assert errors["deferred"].endswith("; run again after 2039-05-06 09:00 KST (00:00 UTC).")


def test_quiet_and_status_show_the_rows_zone_then_utc(
    held: tuple[Path, dict[str, str | None]],
) -> None:
    roster, env = held
    runner = CliRunner(env=env)
    quiet = runner.invoke(cli, ["schedule", str(roster), "--quiet", "--concurrency", "1"])
    assert quiet.exit_code == 4
    assert quiet.stderr == (
        f"Host {KIM} is held back by Zoom's daily limit until 2039-05-06 09:00 KST "
        "(00:00 UTC): 4 rows wait; the next run after that sends them\n"
    )
    shown = runner.invoke(cli, ["status", str(roster)])
    assert shown.exit_code == 0, shown.output
    lines = {line.split()[1]: line for line in shown.stdout.splitlines()[2:8]}
    assert lines["NY"].split()[2] == "created"
    assert lines["NY"].endswith("starts 2040-05-01 21:00 EDT (2040-05-02 01:00 UTC)")
    assert lines["S0000"].endswith("starts 2040-05-01 09:00 KST (00:00 UTC)")
    assert lines["S0002"].split()[2:4] == ["deferred", "-"]
    assert lines["S0002"].endswith("until 2039-05-06 09:00 KST (00:00 UTC)")
    document = json.loads(runner.invoke(cli, ["status", str(roster), "--json"]).stdout)
    rows = {row["id"]: row for row in document["rows"]}
    # --json keeps Zoom's UTC forms, and adds the start in the row's zone.
    assert rows["S0000"]["detail"] == "starts 2040-05-01T00:00:00Z"
    assert rows["S0000"]["start_local"] == "2040-05-01T09:00:00"
    assert rows["S0002"]["detail"] == "until 2039-05-06T00:00:00Z"
    assert rows["NY"]["start_time"] == "2040-05-02T01:00:00Z"
    assert rows["NY"]["start_local"] == "2040-05-01T21:00:00"


# ---------------------------------------------------------------------------------------------
# The sync plan


def test_the_sync_plan_shows_a_moved_start_in_the_rows_zone_then_utc(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    rows = session_rows(2, first=datetime(2027, 5, 3, 9, 0))
    roster = write_csv(tmp_path / "term.csv", rows)
    runner = CliRunner(env=sandbox_env(sandbox))
    assert runner.invoke(cli, ["schedule", str(roster)]).exit_code == 0
    rows[0][2] = "2027-05-03 10:00"  # an hour later
    rows[1][3] = "Europe/London"  # the same wall time in another zone: another instant
    write_csv(roster, rows)
    plan = runner.invoke(cli, ["sync", str(roster), "--dry-run"])
    assert plan.exit_code == 0, plan.output
    assert (
        "start_time: 2027-05-03 09:00 KST (00:00 UTC) -> 2027-05-03 10:00 KST (01:00 UTC)"
    ) in plan.stdout
    assert (
        "start_time: 2027-05-03 10:00 KST (01:00 UTC) -> 2027-05-03 10:00 BST (09:00 UTC); "
        "timezone: Asia/Seoul -> Europe/London"
    ) in plan.stdout


# ---------------------------------------------------------------------------------------------
# zoom_start_local in the result sheet


def test_a_workbooks_result_gets_the_local_start_as_a_real_date_time(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    from openpyxl import Workbook, load_workbook
    from openpyxl.cell.cell import Cell

    path = tmp_path / "term.xlsx"
    book = Workbook()  # no number formats of its own: the date-time one is added
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Topic", "Start", "Time zone", "Duration", "Host"])
    sheet.append(["S1", "Algebra", "2027-05-03 09:00", "Asia/Seoul", 50, "alice@school.example"])
    sheet.append(
        ["S2", "Biology", "2027-05-03 21:00", "America/New_York", 50, "alice@school.example"]
    )
    book.save(path)
    runner = CliRunner(env=sandbox_env(sandbox))
    assert runner.invoke(cli, ["schedule", str(path)]).exit_code == 0
    result = tmp_path / "term.scheduled.xlsx"
    written = load_workbook(result).active
    assert written is not None
    head = [c.value for c in written[1]]
    at = head.index("zoom_start_local")
    assert head[at - 1] == "zoom_start_time"  # beside the UTC instant
    rows = list(written.iter_rows(min_row=2))
    assert [(r[at - 1].value, r[at].value) for r in rows] == [
        ("2027-05-03T00:00:00Z", datetime(2027, 5, 3, 9, 0)),
        ("2027-05-04T01:00:00Z", datetime(2027, 5, 3, 21, 0)),
    ]
    assert {r[at].number_format for r in rows} == {"yyyy-mm-dd hh:mm"}
    cells = [r[at] for r in rows]
    assert all(isinstance(c, Cell) and c.is_date for c in cells)
    # A second run finds its format in the workbook: nothing more is added.
    styles = _member(result, "xl/styles.xml")
    assert runner.invoke(cli, ["schedule", str(path)]).exit_code == 0
    assert _member(result, "xl/styles.xml") == styles


def test_a_column_the_user_formatted_as_text_gets_the_local_start_as_text(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """Never a bare serial number (46510.375) in a cell whose format shows no date."""
    from openpyxl import Workbook, load_workbook

    path = tmp_path / "term.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Topic", "Start", "Time zone", "Duration", "Host", "zoom_start_local"])
    sheet.append(
        ["S1", "Algebra", "2027-05-03 09:00", "Asia/Seoul", 50, "alice@school.example", None]
    )
    sheet["G2"].number_format = "@"  # the user's own text column
    book.save(path)
    result = CliRunner(env=sandbox_env(sandbox)).invoke(cli, ["schedule", str(path), "--in-place"])
    assert result.exit_code == 0, result.output
    written = load_workbook(path).active
    assert written is not None
    assert (written["G2"].value, written["G2"].number_format) == ("2027-05-03 09:00", "@")


def _member(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_a_csv_result_gets_the_local_start_as_text(tmp_path: Path, sandbox: Sandbox) -> None:
    rows = session_rows(1, first=datetime(2027, 5, 3, 9, 0))
    rows += session_rows(1, first=datetime(2027, 5, 3, 21, 0), zone="America/New_York", prefix="N")
    roster = write_csv(tmp_path / "term.csv", rows)
    result = CliRunner(env=sandbox_env(sandbox)).invoke(cli, ["schedule", str(roster), "--json"])
    assert result.exit_code == 0, result.output
    with (tmp_path / "term.scheduled.csv").open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [(r["zoom_start_time"], r["zoom_start_local"]) for r in written] == [
        ("2027-05-03T00:00:00Z", "2027-05-03 09:00"),
        ("2027-05-04T01:00:00Z", "2027-05-03 21:00"),
    ]
    header = list(written[0])
    assert header.index("zoom_start_local") == header.index("zoom_start_time") + 1
    # --json keeps start_time in UTC and adds the start in the row's zone.
    records = json.loads(result.stdout)["rows"]
    assert [(r["start_time"], r["start_local"]) for r in records] == [
        ("2027-05-03T00:00:00Z", "2027-05-03T09:00:00"),
        ("2027-05-04T01:00:00Z", "2027-05-03T21:00:00"),
    ]


# ---------------------------------------------------------------------------------------------
# reconcile


def test_reconcile_shows_a_start_moved_on_zoom_in_the_rows_zone(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    import httpx

    roster = write_csv(tmp_path / "term.csv", session_rows(1, first=datetime(2027, 5, 3, 9, 0)))
    runner = CliRunner(env=sandbox_env(sandbox))
    assert runner.invoke(cli, ["schedule", str(roster)]).exit_code == 0
    (meeting,) = sandbox.meetings()
    token = httpx.post(
        sandbox.token_url,
        data={"grant_type": "account_credentials", "account_id": sandbox.account_id},
        auth=(sandbox.client_id, sandbox.client_secret),
    ).json()["access_token"]
    httpx.patch(  # moved an hour later in Zoom's web portal
        f"{sandbox.api_url}/meetings/{meeting['id']}",
        json={"start_time": "2027-05-03T01:00:00Z"},
        headers={"Authorization": f"Bearer {token}"},
    ).raise_for_status()
    checked = runner.invoke(cli, ["reconcile", str(roster)])
    assert checked.exit_code == 4, checked.output
    assert checked.stdout.splitlines()[1].endswith(
        "start 2027-05-03 09:00 KST (00:00 UTC) -> 2027-05-03 10:00 KST (01:00 UTC)"
    )
