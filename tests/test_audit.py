"""`status` and `reconcile`: the journal beside the roster, and the journal beside Zoom.

Meetings are made by real `schedule` runs against the sandbox over loopback;
then some are deleted or changed through the sandbox's Zoom API, as a person
in Zoom's web portal would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import batchzoom.cli.reconcile
import batchzoom.cli.status  # noqa: F401  (each registers its command)
from batchzoom.cli import cli
from batchzoom.core.errors import InputError
from batchzoom.engine.audit import compare, reconcile, status
from batchzoom.engine.batch import schedule
from batchzoom.engine.journal import Entry, Journal, RowInfo, read_journal
from batchzoom.engine.planning import load
from batchzoom.model.outcomes import row_key
from batchzoom.sandbox import Sandbox, SandboxConfig
from tests.conftest import TEST_NOW, MakeSettings, sandbox_env, sandbox_users

HEADER = "ID,Topic,Date,Time,Duration,Time zone,Host"
ALICE, BOB = "alice@school.example", "bob@school.example"
NOBODY = "dave@school.example"  # not a user of the sandbox account: Zoom refuses the create


def line(key: str, topic: str, day: int, host: str, hour: int = 9) -> str:
    return f"{key},{topic},2027-05-{day:02d},{hour:02d}:00,50,Asia/Seoul,{host}"


def write_roster(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


RunSchedule = Callable[[Path, Sandbox, Path], None]


@pytest.fixture
def run_schedule(make_settings: MakeSettings) -> RunSchedule:
    """``run_schedule(roster, sandbox, journal)``: one row at a time."""

    def run_schedule(roster: Path, sb: Sandbox, state: Path) -> None:
        settings = make_settings(sb, state=state, concurrency=1)
        schedule(load(roster, settings), settings)

    return run_schedule


def zoom_api(sb: Sandbox) -> httpx.Client:
    """A plain HTTP client with a token of the sandbox account, like Zoom's web portal."""
    token = httpx.post(
        sb.token_url,
        data={"grant_type": "account_credentials", "account_id": sb.account_id},
        auth=(sb.client_id, sb.client_secret),
    ).json()["access_token"]
    return httpx.Client(base_url=sb.api_url + "/", headers={"Authorization": f"Bearer {token}"})


def today() -> str:
    """The UTC day of every clock in the tests (runs and sandboxes start at ``TEST_NOW``)."""
    return TEST_NOW.date().isoformat()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str | None]]:
    """No .env file and no ZOOM_* variables from the machine running the tests."""
    monkeypatch.chdir(tmp_path)
    yield {
        "ZOOM_ACCOUNT_ID": None,
        "ZOOM_CLIENT_ID": None,
        "ZOOM_CLIENT_SECRET": None,
        "ZOOM_TOKEN_URL": None,
        "ZOOM_API_URL": None,
    }


def invoke(env: dict[str, str | None], *args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(cli, [*map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------------------------------------
# A roster with one row in every state


@pytest.fixture
def mixed(
    tmp_path: Path,
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    make_settings: MakeSettings,
    run_schedule: RunSchedule,
) -> tuple[Path, Path, Sandbox]:
    """Rows 2-3 created, 4-5 created and 6 deferred (Bob's daily limit is 2), 7 failed,
    8 in doubt (an intent left in the journal), 9 new. Returns roster, journal, sandbox."""
    sb = sandbox_factory(SandboxConfig(users=sandbox_users(), daily_limit=2))
    rows = [
        line("A-1", "Algebra 1", 3, ALICE),
        line("A-2", "Algebra 2", 4, ALICE),
        line("B-1", "Biology 1", 3, BOB),
        line("B-2", "Biology 2", 4, BOB),
        line("B-3", "Biology 3", 5, BOB),
        line("D-1", "Drama 1", 3, NOBODY),
        line("C-1", "Chemistry 1", 6, ALICE),
        line("C-2", "Chemistry 2", 7, ALICE),
    ]
    journal = tmp_path / "state.db"
    first = write_roster(tmp_path / "first.csv", rows[:6])
    run_schedule(first, sb, journal)  # the unknown host fails when its meetings are listed
    roster = write_roster(tmp_path / "term.csv", rows)
    session = load(roster, make_settings()).validation.sessions[6]
    with Journal(journal, account=sb.account_id, now=sb.clock.now) as j:
        j.record_intent(
            RowInfo(
                row_key=row_key(session),
                host=session.host,
                topic=session.topic,
                start_utc=session.start_utc,
                fingerprint="-",
                excel_row=session.row,
            ),
        )
    return roster, journal, sb


def test_status_shows_each_rows_state_from_the_journal(
    mixed: tuple[Path, Path, Sandbox], make_settings: MakeSettings
) -> None:
    roster, journal, sb = mixed
    requests_before = sb.counters()
    report = status(
        load(roster, make_settings()),
        read_journal(journal, day=today()),
        now=sb.clock.now(),
        account=sb.account_id,
    )
    by_row = {row.row: row for row in report.rows}
    assert {row: s.status for row, s in by_row.items()} == {
        2: "created",
        3: "created",
        4: "created",
        5: "created",
        6: "deferred",
        7: "failed",
        8: "in doubt",
        9: "new",
    }
    assert sb.counters() == requests_before  # status never calls Zoom
    meetings = {m["id"] for m in sb.meetings()}
    assert {by_row[r].meeting_id for r in (2, 3, 4, 5)} == meetings
    assert by_row[6].resume_at is not None and by_row[6].resume_at > sb.clock.now()
    assert by_row[6].detail(report.now).startswith("until ")
    assert by_row[7].error is not None and "1001" in by_row[7].error
    assert report.counts() == {
        "created": 4,
        "existing": 0,
        "deferred": 1,
        "failed": 1,
        "in doubt": 1,
        "new": 1,
        "cancelled": 0,
        "invalid": 0,
    }


def test_status_counts_todays_creates_per_host(
    mixed: tuple[Path, Path, Sandbox], make_settings: MakeSettings
) -> None:
    roster, journal, sb = mixed
    report = status(
        load(roster, make_settings()),
        read_journal(journal, day=today()),
        now=sb.clock.now(),
        account=sb.account_id,
    )
    # Every create sent counts, refused or not: Bob's third was refused by the daily limit.
    # No create was sent for the unknown host: listing its meetings failed first.
    assert {(q.host, q.used, q.limit) for q in report.quota} == {
        (ALICE, 3, 100),
        (BOB, 3, 100),
    }
    tomorrow = (TEST_NOW + timedelta(days=1)).date().isoformat()
    later = read_journal(journal, day=tomorrow)
    assert status(load(roster, make_settings()), later, now=sb.clock.now()).quota == []


def test_status_says_its_daily_count_is_of_creates_and_updates(
    mixed: tuple[Path, Path, Sandbox], env: dict[str, str | None]
) -> None:
    # Zoom's daily limit and the journal's count take creates and updates alike, so the
    # line says both: an update (a PATCH sync sends) adds one to Alice's three creates.
    roster, journal, sb = mixed
    with Journal(journal, account=sb.account_id, now=sb.clock.now) as j:
        j.record_update_intent("id:A-1", {"topic": "Algebra I"}, host=ALICE)
    code, out, _ = invoke(env, "status", roster, "--state", journal)
    assert code == 0
    quota = out.splitlines()[-2]
    assert quota.startswith(f"Creates and updates today (UTC {today()}, per host, ")
    assert f"{ALICE} 4/100" in quota
    fresh = write_roster(roster.parent / "fresh.csv", [line("F-1", "French", 3, ALICE)])
    code, out, _ = invoke(env, "status", fresh)
    assert out.splitlines()[-2] == f"Creates and updates today (UTC {today()}): none."


def test_status_cli_prints_a_table_without_credentials(
    mixed: tuple[Path, Path, Sandbox], env: dict[str, str | None]
) -> None:
    roster, journal, sb = mixed
    code, out, err = invoke(env, "status", roster, "--state", journal)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Journal: {journal} (all accounts)"
    assert lines[1].split() == ["Row", "ID", "Status", "Meeting", "Detail"]
    assert lines[2].split()[:3] == ["2", "A-1", "created"]
    assert lines[6].split()[:4] == ["6", "B-3", "deferred", "-"]
    assert lines[7].split()[:3] == ["7", "D-1", "failed"]
    assert lines[8].split()[:4] == ["8", "C-1", "in", "doubt"]
    assert lines[9].split() == ["9", "C-2", "new", "-"]
    assert lines[-2].startswith(f"Creates and updates today (UTC {today()}")
    assert f"{ALICE} 3/100" in lines[-2]
    assert lines[-1] == "8 rows: 4 created, 1 deferred, 1 failed, 1 in doubt, 1 new."
    assert sb.client_secret not in out


def test_status_json_has_every_row_and_no_passcodes(
    mixed: tuple[Path, Path, Sandbox], env: dict[str, str | None]
) -> None:
    roster, journal, sb = mixed
    code, out, _ = invoke(env | sandbox_env(sb), "status", roster, "--state", journal, "--json")
    assert code == 0
    document = json.loads(out)
    assert document["account"] == sb.account_id
    assert [(r["row"], r["status"]) for r in document["rows"]] == [
        (2, "created"),
        (3, "created"),
        (4, "created"),
        (5, "created"),
        (6, "deferred"),
        (7, "failed"),
        (8, "in doubt"),
        (9, "new"),
    ]
    assert document["rows"][4]["resume_at"].endswith("Z")
    for meeting in sb.meetings():
        assert meeting["password"] not in out
        assert meeting["join_url"] not in out


def test_status_with_credentials_shows_only_that_accounts_entries(
    mixed: tuple[Path, Path, Sandbox], env: dict[str, str | None]
) -> None:
    roster, journal, sb = mixed
    other = env | sandbox_env(sb) | {"ZOOM_ACCOUNT_ID": "another-account"}
    code, out, _ = invoke(other, "status", roster, "--state", journal)
    assert code == 0
    assert out.splitlines()[0] == f"Journal: {journal} (account another-account)"
    assert out.splitlines()[-1] == "8 rows: 8 new."
    assert "Note: 7 journal entries of other Zoom accounts are not shown" in out


def test_status_of_a_roster_never_scheduled_lists_every_row_as_new(
    tmp_path: Path, env: dict[str, str | None]
) -> None:
    roster = write_roster(tmp_path / "term.csv", [line("A-1", "Algebra", 3, ALICE)])
    code, out, _ = invoke(env, "status", roster)
    assert code == 0
    assert out.splitlines()[0].startswith("No journal at ")
    assert out.splitlines()[-1] == "1 row: 1 new."
    assert not (tmp_path / "term.batchzoom.db").exists()  # status creates nothing


def test_status_lists_invalid_rows_and_entries_no_longer_in_the_roster(
    mixed: tuple[Path, Path, Sandbox], tmp_path: Path, env: dict[str, str | None]
) -> None:
    _, journal, _ = mixed
    roster = write_roster(
        tmp_path / "edited.csv",
        [line("A-1", "Algebra 1", 3, ALICE), "A-9,Broken,not a date,09:00,50,Asia/Seoul,x"],
    )
    code, out, _ = invoke(env, "status", roster, "--state", journal)
    assert code == 0
    lines = out.splitlines()
    assert lines[2].split()[:3] == ["2", "A-1", "created"]
    assert lines[3].split()[:3] == ["3", "A-9", "invalid"]
    assert "In the journal but no longer in the roster:" in lines
    assert out.splitlines()[-1] == "2 rows: 1 created, 1 invalid."


def test_status_of_a_past_session_still_finds_its_meeting(
    tmp_path: Path, sandbox: Sandbox, env: dict[str, str | None], make_settings: MakeSettings
) -> None:
    """Status reads rows whose start has passed; a row keyed by its content keeps its key."""
    roster = write_roster(
        tmp_path / "term.csv", [",Old class,2001-05-03,09:00,50,Asia/Seoul," + ALICE]
    )
    settings = make_settings(sandbox, allow_past=True)
    schedule(load(roster, settings), settings)
    code, out, _ = invoke(env, "status", roster)
    assert code == 0
    assert out.splitlines()[2].split()[:3] == ["2", "-", "created"]
    assert out.splitlines()[-1] == "1 row: 1 created."


@pytest.mark.parametrize(
    ("contents", "expected"),
    [
        (b"not a database at all, just text" * 100, "Cannot read the state file"),
        (None, "There is no state file at"),
    ],
)
def test_status_exits_1_when_the_journal_cannot_be_read(
    tmp_path: Path, env: dict[str, str | None], contents: bytes | None, expected: str
) -> None:
    roster = write_roster(tmp_path / "term.csv", [line("A-1", "Algebra", 3, ALICE)])
    journal = tmp_path / "state.db"
    if contents is not None:
        journal.write_bytes(contents)
    code, out, err = invoke(env, "status", roster, "--state", journal)
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: {expected} {journal}")
    assert err.count("\n") == 1


def test_status_exits_1_when_the_roster_cannot_be_read(
    tmp_path: Path, env: dict[str, str | None]
) -> None:
    code, out, err = invoke(env, "status", tmp_path / "missing.csv")
    assert (code, out) == (1, "")
    assert err.startswith("Error: ") and err.count("\n") == 1


def test_read_journal_refuses_a_missing_file_only_when_told() -> None:
    missing = Path("/nonexistent/state.db")
    assert read_journal(missing, day="2027-01-01").entries == {}
    with pytest.raises(InputError):
        read_journal(missing, day="2027-01-01", must_exist=True)


# ---------------------------------------------------------------------------------------------
# reconcile


@pytest.fixture
def scheduled(
    tmp_path: Path, sandbox: Sandbox, run_schedule: RunSchedule
) -> tuple[Path, Path, list[dict[str, Any]]]:
    """Five meetings made by a schedule run; returns roster, journal, meetings in row order."""
    rows = [line(f"K-{n}", f"Korean {n} 국어", 3 + n, ALICE if n % 2 else BOB) for n in range(5)]
    roster = write_roster(tmp_path / "term.csv", rows)
    journal = tmp_path / "term.batchzoom.db"
    run_schedule(roster, sandbox, journal)
    by_topic = {m["topic"]: m for m in sandbox.meetings()}
    return roster, journal, [by_topic[f"Korean {n} 국어"] for n in range(5)]


def test_reconcile_finds_exactly_the_meetings_deleted_or_changed_on_zoom(
    scheduled: tuple[Path, Path, list[dict[str, Any]]],
    sandbox: Sandbox,
    make_settings: MakeSettings,
) -> None:
    _, journal, meetings = scheduled
    with zoom_api(sandbox) as api:
        assert api.delete(f"meetings/{meetings[1]['id']}").status_code == 204
        assert api.patch(f"meetings/{meetings[2]['id']}", json={"topic": "Renamed"}).is_success
        moved = {"start_time": "2027-05-20T10:00:00", "timezone": "Asia/Seoul"}
        assert api.patch(f"meetings/{meetings[4]['id']}", json=moved).is_success
    before = len(sandbox.meetings())
    report = reconcile(
        read_journal(journal, day=today()),
        make_settings(sandbox),
    )
    verdicts = {c.meeting_id: (c.verdict, c.changed) for c in report.checks}
    assert verdicts == {
        meetings[0]["id"]: ("match", ()),
        meetings[1]["id"]: ("deleted", ()),
        meetings[2]["id"]: ("changed", ("topic",)),
        meetings[3]["id"]: ("match", ()),
        meetings[4]["id"]: ("changed", ("start_time",)),
    }
    assert [c.row for c in report.checks] == [2, 3, 4, 5, 6]
    assert report.checks[4].zoom_start_time == "2027-05-20T01:00:00Z"
    assert report.tokens_fetched == 1
    assert report.requests == 5
    assert len(sandbox.meetings()) == before  # nothing was changed on Zoom
    assert sandbox.counters().get("meetingUpdate", {}).get("requests", 0) == 2  # only ours


def test_reconcile_leaves_the_journal_unchanged(
    scheduled: tuple[Path, Path, list[dict[str, Any]]],
    sandbox: Sandbox,
    make_settings: MakeSettings,
) -> None:
    _, journal, meetings = scheduled
    with zoom_api(sandbox) as api:
        api.delete(f"meetings/{meetings[0]['id']}")
    before = read_journal(journal, day=today())
    reconcile(before, make_settings(sandbox))
    assert read_journal(journal, day=today()) == before


def test_reconcile_cli_exits_4_and_names_the_rows_to_look_at(
    scheduled: tuple[Path, Path, list[dict[str, Any]]],
    sandbox: Sandbox,
    env: dict[str, str | None],
) -> None:
    roster, _, meetings = scheduled
    with zoom_api(sandbox) as api:
        api.delete(f"meetings/{meetings[1]['id']}")
        api.patch(f"meetings/{meetings[2]['id']}", json={"topic": "Renamed"})
    code, out, err = invoke(env | sandbox_env(sandbox), "reconcile", roster)
    assert code == 4
    lines = out.splitlines()
    assert lines[0].split() == ["Row", "Meeting", "Result", "Detail"]
    assert lines[1].split()[:3] == ["3", str(meetings[1]["id"]), "deleted"]
    assert lines[1].endswith(
        "'Korean 1 국어' at 2027-05-04 09:00 KST (00:00 UTC) is no longer on Zoom"
    )
    assert lines[2].split()[:3] == ["4", str(meetings[2]["id"]), "changed"]
    assert lines[2].endswith("topic 'Korean 2 국어' -> 'Renamed'")
    assert lines[3] == "5 meetings checked: 3 match, 1 deleted, 1 changed."
    assert len(lines) == 4
    assert err.splitlines() == [  # issue 18.9: it says which command repairs what
        "Nothing was changed on Zoom or in the journal; look at these meetings in Zoom.",
        "To repair them: 'batchzoom sync --yes' re-creates a meeting deleted on Zoom "
        "(new id and link, written to the sheet).",
        "To repair them: 'batchzoom sync --force --yes' puts the sheet's values back on "
        "a meeting changed on Zoom.",
    ]
    assert sandbox.client_secret not in out + err


def test_reconcile_cli_exits_0_when_every_meeting_matches(
    scheduled: tuple[Path, Path, list[dict[str, Any]]],
    sandbox: Sandbox,
    env: dict[str, str | None],
) -> None:
    roster, _, _ = scheduled
    code, out, err = invoke(env | sandbox_env(sandbox), "reconcile", roster, "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["exit_code"] == 0
    assert document["counts"] == {"match": 5, "deleted": 0, "changed": 0, "unchecked": 0}
    assert document["tokens_fetched"] == 1
    assert sandbox.client_secret not in out


def test_reconcile_cli_exits_1_without_credentials(
    scheduled: tuple[Path, Path, list[dict[str, Any]]], env: dict[str, str | None]
) -> None:
    roster, _, _ = scheduled
    code, out, err = invoke(env, "reconcile", roster)
    assert (code, out) == (1, "")
    assert err.startswith("Error: Missing Zoom credentials")


def test_reconcile_cli_exits_1_when_the_credentials_are_wrong(
    scheduled: tuple[Path, Path, list[dict[str, Any]]],
    sandbox: Sandbox,
    env: dict[str, str | None],
) -> None:
    roster, _, _ = scheduled
    wrong = env | sandbox_env(sandbox) | {"ZOOM_CLIENT_SECRET": "not-the-secret-value"}
    code, out, err = invoke(wrong, "reconcile", roster)
    assert (code, out) == (1, "")
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert "not-the-secret-value" not in err


def test_reconcile_cli_exits_1_without_a_journal(
    tmp_path: Path, sandbox: Sandbox, env: dict[str, str | None]
) -> None:
    roster = write_roster(tmp_path / "term.csv", [line("A-1", "Algebra", 3, ALICE)])
    code, out, err = invoke(env | sandbox_env(sandbox), "reconcile", roster)
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: There is no state file at {tmp_path / 'term.batchzoom.db'}")
    assert sandbox.counters().get("token", {}).get("requests", 0) == 0


def test_reconcile_checks_only_the_current_accounts_meetings(
    scheduled: tuple[Path, Path, list[dict[str, Any]]],
    sandbox: Sandbox,
    env: dict[str, str | None],
) -> None:
    roster, journal, _ = scheduled
    with Journal(journal, account="another-account") as other:
        other.record_intent(
            RowInfo(
                row_key="id:X",
                host=ALICE,
                topic="X",
                start_utc="2027-05-03T00:00:00Z",
                fingerprint="-",
                excel_row=99,
            ),
        )
        other.record_created("id:X", {"id": 1, "start_time": "2027-05-03T00:00:00Z"})
    code, out, _ = invoke(env | sandbox_env(sandbox), "reconcile", roster)
    assert code == 0
    assert out.splitlines() == [
        "Note: 1 meeting in the journal belongs to another Zoom account and was not checked.",
        "5 meetings checked: 5 match.",
    ]


# ---------------------------------------------------------------------------------------------
# comparing one entry (pure)


def entry(start_time: str | None = "2027-05-03T00:00:00Z", topic: str = "Algebra") -> Entry:
    return Entry(
        row_key="id:A",
        host=ALICE,
        topic=topic,
        start_utc="2027-05-03T00:00:00Z",
        fingerprint="-",
        excel_row=2,
        state="created",
        meeting_id=123,
        start_time=start_time,
    )


@settings(max_examples=50, deadline=None)
@given(offset=st.integers(min_value=-14 * 60, max_value=14 * 60))
def test_the_same_instant_written_in_any_offset_matches(offset: int) -> None:
    moment = datetime(2027, 5, 3, tzinfo=UTC)
    shifted = moment.astimezone(timezone(timedelta(minutes=offset)))
    verdict = compare(entry(), {"topic": "Algebra", "start_time": shifted.isoformat()}).verdict
    assert verdict == "match"


@settings(max_examples=50, deadline=None)
@given(topic=st.text(max_size=40))
def test_any_other_topic_is_a_change(topic: str) -> None:
    check = compare(entry(), {"topic": topic, "start_time": "2027-05-03T00:00:00Z"})
    assert (check.verdict == "changed") == (topic != "Algebra")


def test_the_start_recorded_at_planning_is_used_when_zoom_returned_none() -> None:
    check = compare(
        entry(start_time=None), {"topic": "Algebra", "start_time": "2027-05-03T01:00:00Z"}
    )
    assert (check.verdict, check.changed) == ("changed", ("start_time",))
    assert compare(entry(), None).verdict == "deleted"


def test_reconcile_sandbox_checks_the_meetings_schedule_sandbox_made(
    tmp_path: Path, env: dict[str, str | None]
) -> None:
    """reconcile --sandbox reads the sandbox that schedule --sandbox kept beside the roster."""
    roster = write_roster(
        tmp_path / "term.csv", [line("S1", "Math", 3, ALICE), line("S2", "Art", 4, BOB)]
    )
    code, out, err = invoke(env, "schedule", roster, "--sandbox", "--quiet")
    assert code == 0, out + err
    code, out, err = invoke(env, "reconcile", roster, "--sandbox")
    assert code == 0, out + err
    assert out.splitlines()[-1] == "2 meetings checked: 2 match."
    state = Sandbox(SandboxConfig(state_file=tmp_path / "term.batchzoom.sandbox.json"))
    with state, zoom_api(state) as api:
        deleted = state.meetings()[0]["id"]
        assert api.delete(f"meetings/{deleted}").status_code == 204
    code, out, err = invoke(env, "reconcile", roster, "--sandbox", "--json")
    assert code == 4
    assert json.loads(out)["counts"]["deleted"] == 1


def test_reconcile_quiet_says_nothing_while_all_match_and_one_line_otherwise(
    scheduled: tuple[Path, Path, list[dict[str, Any]]],
    sandbox: Sandbox,
    env: dict[str, str | None],
) -> None:
    roster, _, meetings = scheduled
    code, out, err = invoke(env | sandbox_env(sandbox), "reconcile", roster, "--quiet")
    assert (code, out, err) == (0, "", "")
    with zoom_api(sandbox) as api:
        api.delete(f"meetings/{meetings[1]['id']}")
    code, out, err = invoke(env | sandbox_env(sandbox), "reconcile", roster, "--quiet")
    assert (code, out) == (4, "")
    assert err.count("\n") == 1
    assert err.startswith("1 of 5 meetings was deleted or changed on Zoom (row 3): run ")
