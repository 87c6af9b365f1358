"""Zoom's account limits on registering, planned before sending, against the sandbox over HTTP:
a meeting that already holds registrants added in Zoom takes only the attendees it has room
for, and the batches past the account's daily Heavy pool wait for the next UTC day unsent."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.engine import registrant_limits
from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.sandbox import Sandbox, SandboxConfig
from batchzoom.zoom.ratelimit import RateLimits
from tests.conftest import (
    TEST_NOW,
    MakeSettings,
    quick_client,
    sandbox_env,
    sandbox_users,
    zoom_settings,
)
from tests.rosters import write_csv
from tests.test_registrations_http import HEADERS, ROSTER, files, results

PEOPLE = ("id", "email", "first_name", "last_name")


def _rate_limited(counters: dict[str, dict[str, Any]]) -> int:
    """Every 429 the sandbox answered, of any kind and endpoint."""
    return sum(sum(entry["rate_limited"].values()) for entry in counters.values())


def _add_by_hand(sandbox: Sandbox, meeting_id: int, count: int) -> None:
    """Register ``count`` people as someone else would, in Zoom itself, not through batchzoom."""
    batches = [
        [{"email": f"hand{n}@example.org", "first_name": "Hand"} for n in range(start, stop)]
        for start, stop in ((s, min(s + 30, count)) for s in range(0, count, 30))
    ]
    fast = RateLimits.for_plan("pro", rate=300)
    with quick_client(zoom_settings(sandbox), limits=fast) as other, ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda b: other.batch_registrants(meeting_id, b, auto_approve=True), batches))


def test_a_meeting_holding_registrants_added_in_zoom_takes_only_those_it_has_room_for(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox], make_settings: MakeSettings
) -> None:
    sandbox = sandbox_factory(
        SandboxConfig(users=sandbox_users(), qps_by_category={"HEAVY": 400, "LIGHT": 400})
    )
    one = ROSTER[0]
    two = ["TWO", "Open day 2", "2027-05-06 09:00", *one[3:]]
    roster = write_csv(tmp_path / "roster.csv", [one], HEADERS)
    earlier = [["ONE", f"early{n}@example.com", f"Early{n}", "Kim"] for n in range(5)]
    people = write_csv(tmp_path / "people.csv", earlier, PEOPLE)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    first = schedule(load(roster, settings), settings)
    assert first.registered is not None and first.registered.added == 5
    # The meeting was made by this run: nobody else's registrants to count.
    assert "meetingRegistrants" not in sandbox.counters()
    meeting_id = first.outcomes[0].meeting_id
    assert meeting_id is not None

    _add_by_hand(sandbox, meeting_id, 4990)  # another app, the web portal: 4,995 in all
    before = sandbox.counters()

    roster = write_csv(tmp_path / "roster.csv", [one, two], HEADERS)
    new = [["ONE", f"new{n}@example.com", f"New{n}", "Lee"] for n in range(10)]
    second_people = [["TWO", f"two{n}@example.com", f"Two{n}", "Park"] for n in range(3)]
    people = write_csv(tmp_path / "people.csv", earlier + new + second_people, PEOPLE)
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    second = schedule(load(roster, settings), settings)
    after = sandbox.counters()
    assert second.registered is not None
    # ONE existed: its approved (4,995, 300 a page: 17 pages) and pending (one empty page)
    # registrants listed once; TWO was made now: none.
    lists = after["meetingRegistrants"]["requests"] - before.get("meetingRegistrants", {}).get(
        "requests", 0
    )
    assert lists == 17 + 1
    assert (second.registered.added, second.registered.existing) == (4 + 3, 5)
    assert second.registered.failed == 6
    assert after["addBatchRegistrants"]["responses"].get("400", 0) == 0  # Zoom refused none
    with quick_client(zoom_settings(sandbox)) as client:
        assert len(client.list_registrants(meeting_id)) == 4999
    written = results(tmp_path / "people.registered.csv")
    refused = [row for row in written if row["zoom_status"] == "failed"]
    assert [row["email"] for row in refused] == [f"new{n}@example.com" for n in range(4, 10)]
    assert all(
        row["zoom_error"]
        == f"Zoom takes at most 4,999 registrants per meeting and meeting {meeting_id} has no "
        "room left for this person (4,995 were already registered on Zoom), so they were not "
        "sent."
        for row in refused
    )
    assert not any(row["zoom_registrant_id"] for row in refused)
    assert sum(row["zoom_status"] == "registered" for row in written) == 5 + 4 + 3


def test_batches_past_the_daily_heavy_pool_wait_unsent_for_the_next_utc_day(
    tmp_path: Path,
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The account's pool is Zoom's published figure (30,000 Heavy requests a day on Pro);
    here it is the sandbox's two, for the engine and the sandbox alike."""
    monkeypatch.setattr(
        registrant_limits, "DAILY_POOLS", {"pro": {"HEAVY": ("HEAVY+RESOURCE-INTENSIVE", 2)}}
    )
    sandbox = sandbox_factory(
        SandboxConfig(users=sandbox_users(), daily_by_category={"HEAVY": 2}, frozen_clock=True)
    )
    roster, people = files(tmp_path, one=94, series=1)  # 95 for ONE: four batches
    day = TEST_NOW
    env = sandbox_env(sandbox, BATCHZOOM_NOW=f"{day:%Y-%m-%dT%H:%M:%SZ}")
    args = ["schedule", str(roster), "--attendees", str(people), "--quiet", "--rate", "50"]
    first = CliRunner(env=env).invoke(cli, args)
    assert first.exit_code == 4, first.output
    counters = sandbox.counters()
    assert counters["addBatchRegistrants"]["requests"] == 2  # the other two were never sent
    assert _rate_limited(counters) == 0
    assert first.stderr.splitlines()[0] == (
        "Warning: 35 attendees were not sent: Zoom's daily limit of 2 Heavy requests for this "
        "account is used up today as far as batchzoom counted; run again after 2026-09-02 "
        "00:00 UTC."
    )
    written = results(tmp_path / "people.registered.csv")
    waiting = [row for row in written if "deferred" in row["zoom_status"]]
    assert len(waiting) == 35
    assert all("daily limit of 2 Heavy requests" in row["zoom_error"] for row in waiting)

    again = CliRunner(env=env).invoke(cli, args)  # the same UTC day: the journal knows
    assert again.exit_code == 4
    assert sandbox.counters()["addBatchRegistrants"]["requests"] == 2

    tomorrow = datetime.combine(day.date() + timedelta(days=1), day.timetz()).astimezone(UTC)
    sandbox.clock.set(tomorrow)
    env = sandbox_env(sandbox, BATCHZOOM_NOW=f"{tomorrow:%Y-%m-%dT%H:%M:%SZ}")
    last = CliRunner(env=env).invoke(cli, args)
    assert last.exit_code == 0, last.output
    counters = sandbox.counters()
    assert counters["addBatchRegistrants"]["requests"] == 4
    assert _rate_limited(counters) == 0
    written = results(tmp_path / "people.registered.csv")
    assert all(set(row["zoom_status"].split("; ")) == {"registered"} for row in written)
    assert len({row["zoom_join_url"] for row in written}) == len(written)


def test_sync_adds_only_what_a_meeting_holding_registrants_has_room_for(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    """The same through ``sync``: the meeting it creates is not counted, the one an earlier
    run made is, and its attendees past 4,999 are refused on their rows."""
    sandbox = sandbox_factory(
        SandboxConfig(users=sandbox_users(), qps_by_category={"HEAVY": 400, "LIGHT": 400})
    )
    env = sandbox_env(sandbox)
    one = ROSTER[0]
    roster = write_csv(tmp_path / "roster.csv", [one], HEADERS)
    earlier = [["ONE", "early@example.com", "Early", "Kim"]]
    people = write_csv(tmp_path / "people.csv", earlier, PEOPLE)
    first = CliRunner(env=env).invoke(cli, ["schedule", str(roster), "--attendees", str(people)])
    assert first.exit_code == 0, first.output
    meeting_id = int(results(tmp_path / "roster.scheduled.csv")[0]["zoom_meeting_id"])
    _add_by_hand(sandbox, meeting_id, 4997)  # 4,998 registrants in all
    assert "meetingRegistrants" not in sandbox.counters()  # schedule made ONE: not counted

    two = ["TWO", "Open day 2", "2027-05-06 09:00", *one[3:]]
    roster = write_csv(tmp_path / "roster.csv", [one, two], HEADERS)
    new = [["ONE", f"new{n}@example.com", f"New{n}", "Lee"] for n in range(3)]
    others = [["TWO", f"two{n}@example.com", f"Two{n}", "Park"] for n in range(2)]
    write_csv(tmp_path / "people.csv", earlier + new + others, PEOPLE)
    synced = CliRunner(env=env).invoke(
        cli, ["sync", str(roster), "--attendees", str(people), "--yes"]
    )
    assert synced.exit_code == 4, synced.output  # two registrations did not go through
    # ONE listed once (4,998 approved: 17 pages; pending: 1), not TWO
    assert sandbox.counters()["meetingRegistrants"]["requests"] == 17 + 1
    with quick_client(zoom_settings(sandbox)) as client:
        assert len(client.list_registrants(meeting_id)) == 4999
    written = {row["email"]: row for row in results(tmp_path / "people.registered.csv")}
    assert [email for email, row in written.items() if row["zoom_status"] == "failed"] == [
        "new1@example.com",
        "new2@example.com",
    ]
    assert "at most 4,999 registrants per meeting" in written["new2@example.com"]["zoom_error"]
    assert written["two1@example.com"]["zoom_status"] == "registered"
