"""Hosts checked first: every user a roster names looked up once, refusals named per row."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.engine.hosts import check_hosts
from batchzoom.files.roster import read_roster
from batchzoom.model.validation import validate
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from tests.conftest import MakeSettings, sandbox_env
from tests.rosters import headers, write_csv

HEADERS = headers("Alt hosts", "Kind", "Panelists")


def row(
    key: str, host: str, alternative: str = "", kind: str = "", panelists: str = ""
) -> list[str]:
    start = f"2027-05-0{len(key) % 9 + 1} 09:00"
    return [key, f"Class {key}", start, "Asia/Seoul", "50", host, alternative, kind, panelists]


USERS: dict[str, dict[str, Any]] = {
    "kim@school.example": {"status": "active", "type": 2},
    "lee@school.example": {"status": "pending", "type": 2},
    "park@school.example": {"status": "inactive", "type": 2},
    "choi@school.example": {"status": "active", "type": 1},
    "web@school.example": {"status": "active", "type": 2},
}
WEBINAR_LICENCE = {"web@school.example"}


def test_each_user_is_looked_up_once_and_refusals_name_the_user_and_the_fix(
    tmp_path: Path, make_settings: MakeSettings
) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        [
            row("A", "kim@school.example", "LEE@school.example"),
            row("BB", "Kim@School.example", "park@school.example; choi@school.example"),
            row("CCC", "ghost@school.example"),
            row("DDDD", "kim@school.example", kind="webinar", panelists="outside@example.org"),
            row("EEEEE", "web@school.example", kind="webinar", panelists="park@school.example"),
        ],
        HEADERS,
    )
    # The rows as validation reads them (a webinar host's licence is checked on Zoom, below).
    validation = validate(read_roster(path), make_settings(roster=path).validation())
    asked: list[str] = []

    def lookup(user: str) -> Mapping[str, Any] | None:
        asked.append(user)
        return USERS.get(user.lower())

    def user_settings(user: str) -> Mapping[str, Any]:
        asked.append(f"settings {user}")
        return {"feature": {"webinar": user in WEBINAR_LICENCE}}

    problems, warnings = check_hosts(
        {
            "host": "Host",
            "alternative_hosts": "Alt hosts",
            "kind": "Kind",
            "panelists": "Panelists",
        },
        validation,
        lookup,
        user_settings=user_settings,
    )
    assert sorted(asked) == sorted(
        [
            "kim@school.example",
            "LEE@school.example",
            "park@school.example",
            "choi@school.example",
            "ghost@school.example",
            "outside@example.org",
            "web@school.example",
            "settings kim@school.example",
            "settings web@school.example",
        ]
    )
    assert warnings == []
    found = sorted((p.row, p.column, p.code, p.message) for p in problems)
    assert found == [
        (
            2,
            "Alt hosts",
            "user-pending",
            "LEE@school.example (alternative host) has not yet accepted the invitation to the "
            "Zoom account; ask them to accept it, or name another user.",
        ),
        (
            3,
            "Alt hosts",
            "user-deactivated",
            "park@school.example (alternative host) is deactivated in Zoom; reactivate the user "
            "or name another one.",
        ),
        (
            3,
            "Alt hosts",
            "user-unlicensed",
            "choi@school.example (alternative host) has no Zoom licence (a Basic user); assign a "
            "licence in Zoom (Admin > User Management > Users) or name a licensed user.",
        ),
        (
            4,
            "Host",
            "user-unknown",
            "ghost@school.example (host) is not a user of this Zoom account; correct the email "
            "or add the user in Zoom (Admin > User Management > Users).",
        ),
        (
            5,
            "Kind",
            "webinar-unlicensed",
            "these hosts have no webinar licence: kim@school.example; assign them the Zoom "
            "Webinars add-on (Admin > User Management > Users) or make the rows meetings.",
        ),
        (
            6,
            "Panelists",
            "user-deactivated",
            "park@school.example (panelist) is deactivated in Zoom; reactivate the user or name "
            "another one.",
        ),
    ]
    assert validation.amended(problems).invalid_rows == {2, 3, 4, 5, 6}


def test_validate_check_hosts_looks_users_up_on_zoom_and_creates_nothing(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    sb = sandbox_factory(
        SandboxConfig(
            users=[
                SandboxUser(email="kim@school.example"),
                SandboxUser(email="lee@school.example", status="pending"),
                SandboxUser(email="choi@school.example", licensed=False),
            ]
        )
    )
    path = write_csv(
        tmp_path / "roster.csv",
        [
            row("A", "kim@school.example", "lee@school.example"),
            row("BB", "choi@school.example"),
            row("CCC", "kim@school.example"),
            row("DDDD", "ghost@school.example"),
        ],
        HEADERS,
    )
    env = sandbox_env(sb)
    result = CliRunner().invoke(cli, ["validate", str(path), "--check-hosts", "--json"], env=env)
    assert result.exit_code == 3, result.output
    problems = json.loads(result.stdout)["problems"]
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [
        (2, "Alt hosts", "user-pending"),
        (3, "Host", "user-unlicensed"),
        (5, "Host", "user-unknown"),
    ]
    counters = sb.counters()
    assert counters["user"]["requests"] == 4  # each user once
    assert "meetingCreate" not in counters
    # Without --check-hosts nothing is looked up and the rows are valid.
    plain = CliRunner().invoke(cli, ["validate", str(path)], env=env)
    assert plain.exit_code == 0
    assert sb.counters()["user"]["requests"] == 4


def test_schedule_check_hosts_stops_before_anything_is_sent(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    sb = sandbox_factory(
        SandboxConfig(
            users=[
                SandboxUser(email="kim@school.example"),
                SandboxUser(email="park@school.example", status="inactive"),
            ]
        )
    )
    path = write_csv(
        tmp_path / "roster.csv",
        [row("A", "kim@school.example"), row("BB", "kim@school.example", "park@school.example")],
        HEADERS,
    )
    result = CliRunner().invoke(cli, ["schedule", str(path), "--check-hosts"], env=sandbox_env(sb))
    assert result.exit_code == 3, result.output
    assert "user-deactivated" in result.stdout
    assert "meetingCreate" not in sb.counters()
    done = CliRunner().invoke(
        cli, ["schedule", str(path), "--check-hosts", "--skip-invalid"], env=sandbox_env(sb)
    )
    assert done.exit_code == 3, done.output  # one row invalid, the other created
    assert sb.counters()["meetingCreate"]["requests"] == 1


def _pending_host_roster(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "roster.csv",
        [row("A", "kim@school.example"), row("BB", "lee@school.example")],
        HEADERS,
    )


def _kim_and_pending_lee() -> SandboxConfig:
    return SandboxConfig(
        users=[
            SandboxUser(email="kim@school.example"),
            SandboxUser(email="lee@school.example", status="pending"),
        ]
    )


def test_schedule_checks_hosts_by_default_and_counts_the_lookups(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    sb = sandbox_factory(_kim_and_pending_lee())
    path = _pending_host_roster(tmp_path)
    env = sandbox_env(sb)
    refused = CliRunner().invoke(cli, ["schedule", str(path)], env=env)
    assert refused.exit_code == 3, refused.output
    assert "user-pending" in refused.stdout and "lee@school.example" in refused.stdout
    assert "meetingCreate" not in sb.counters()
    assert sb.counters()["user"]["requests"] == 2
    # The old flag still works; the valid row goes, each user looked up once more.
    done = CliRunner().invoke(
        cli, ["schedule", str(path), "--check-hosts", "--skip-invalid", "--json"], env=env
    )
    assert done.exit_code == 3, done.output
    document = json.loads(done.stdout)
    assert document["counts"]["created"] == 1 and document["counts"]["invalid"] == 1
    assert document["tokens_fetched"] == 1
    assert document["requests"] == 2 + 1 + sb.counters()["meetings"]["requests"]
    assert sb.counters()["user"]["requests"] == 4


def test_no_check_hosts_and_a_dry_run_look_nobody_up(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    sb = sandbox_factory(_kim_and_pending_lee())
    path = _pending_host_roster(tmp_path)
    env = sandbox_env(sb)
    dry = CliRunner().invoke(cli, ["schedule", str(path), "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    dry_sync = CliRunner().invoke(cli, ["sync", str(path), "--dry-run"], env=env)
    assert dry_sync.exit_code == 0, dry_sync.output
    assert "user" not in sb.counters()
    # Unchecked, the pending host's meeting is created (the sandbox, as Zoom, takes it).
    done = CliRunner().invoke(cli, ["schedule", str(path), "--no-check-hosts"], env=env)
    assert done.exit_code == 0, done.output
    assert "user" not in sb.counters()
    assert sb.counters()["meetingCreate"]["requests"] == 2


def test_sync_checks_hosts_first_and_the_library_does_too(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    import batchzoom

    sb = sandbox_factory(_kim_and_pending_lee())
    path = _pending_host_roster(tmp_path)
    result = CliRunner().invoke(cli, ["sync", str(path), "--yes"], env=sandbox_env(sb))
    assert result.exit_code == 3, result.output
    assert "user-pending" in result.stdout
    assert "meetingCreate" not in sb.counters()
    lent = batchzoom.Zoom(
        account_id=sb.account_id,
        client_id=sb.client_id,
        client_secret=sb.client_secret,
        token_url=sb.token_url,
        api_url=sb.api_url,
        now=sb.clock.now,
        instant_retries=True,
    )
    with lent as zoom:
        synced = batchzoom.sync(path, zoom=zoom)
        assert (synced.exit_code, synced.sent) == (3, False)
        assert [(p.row, p.code) for p in synced.problems] == [(3, "user-pending")]
        scheduled = batchzoom.schedule(path, zoom=zoom, skip_invalid=True)
        assert scheduled.counts["created"] == 1 and scheduled.requests >= 2 + 1
        unchecked = batchzoom.sync(path, zoom=zoom, check_hosts=False)
    assert unchecked.counts["created"] == 1  # lee's row, unchecked, goes to Zoom
    assert sb.counters()["user"]["requests"] == 2 * 3  # the CLI's sync, the library's two runs
    assert len(sb.store.tokens) == 1 + 1  # the CLI's run, and the lent Zoom's for its three


def test_validate_check_hosts_takes_the_account_options(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox]
) -> None:
    sb = sandbox_factory(_kim_and_pending_lee())
    path = _pending_host_roster(tmp_path)
    env_file = tmp_path / "zoom.env"
    env_file.write_text(
        f"ZOOM_ACCOUNT_ID={sb.account_id}\nZOOM_CLIENT_ID={sb.client_id}\n"
        f"ZOOM_CLIENT_SECRET={sb.client_secret}\n",
        encoding="utf-8",
    )
    no_env = {name: None for name in sandbox_env(sb)}
    args = ["validate", str(path), "--check-hosts", "--env-file", str(env_file), "--json"]
    urls = ["--token-url", sb.token_url, "--api-url", sb.api_url]
    result = CliRunner().invoke(cli, [*args, *urls], env=no_env)
    assert result.exit_code == 3, result.output
    assert [p["code"] for p in json.loads(result.stdout)["problems"]] == ["user-pending"]
    assert sb.counters()["user"]["requests"] == 2
    alone = CliRunner().invoke(cli, ["validate", str(path), "--env-file", str(env_file)])
    assert alone.exit_code == 2 and "--check-hosts" in alone.output
