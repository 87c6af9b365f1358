"""`batchzoom sandbox` as a user runs it: a foreground process printing its settings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from click.testing import CliRunner

from batchzoom.cli import cli


def _start(*args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "batchzoom", "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    settings: dict[str, str] = {}
    for line in process.stdout:
        if "=" in line and line.startswith("ZOOM_"):
            key, _, value = line.strip().partition("=")
            settings[key] = value
        if line.startswith("Users:"):
            break
    return process, settings


def test_sandbox_command_prints_env_lines_serves_and_stops_on_sigint(tmp_path: Path) -> None:
    """The printed settings work with a real token request; SIGINT ends it with status 0."""
    state = tmp_path / "state.json"
    process, env = _start("--users", "kim@school.example,lee@school.example", "--state", str(state))
    try:
        assert set(env) == {
            "ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_TOKEN_URL", "ZOOM_API_URL",
        }  # fmt: skip
        token = httpx.post(
            env["ZOOM_TOKEN_URL"],
            auth=(env["ZOOM_CLIENT_ID"], env["ZOOM_CLIENT_SECRET"]),
            data={"grant_type": "account_credentials", "account_id": env["ZOOM_ACCOUNT_ID"]},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(
            f"{env['ZOOM_API_URL']}/users/me/meetings", headers=headers, json={"topic": "T"}
        )
        assert created.status_code == 201
        assert created.json()["host_email"] == "kim@school.example"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in err
    assert "Sandbox stopped." in out
    # The state file keeps the meeting for the next run.
    process, env = _start("--state", str(state))
    try:
        token = httpx.post(
            env["ZOOM_TOKEN_URL"],
            auth=(env["ZOOM_CLIENT_ID"], env["ZOOM_CLIENT_SECRET"]),
            data={"grant_type": "account_credentials", "account_id": env["ZOOM_ACCOUNT_ID"]},
        ).json()["access_token"]
        listed = httpx.get(
            f"{env['ZOOM_API_URL']}/users/kim@school.example/meetings",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert listed.json()["total_records"] == 1
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert process.returncode == 0


def test_sandbox_command_rejects_a_bad_user_list() -> None:
    """A user that is not an email is a usage error (exit 2)."""
    result = CliRunner().invoke(cli, ["sandbox", "--users", "kim"])
    assert result.exit_code == 2
    assert "'kim' is not an email address." in result.output


def test_sandbox_command_has_help() -> None:
    """--help explains the command with an example."""
    result = CliRunner().invoke(cli, ["sandbox", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--daily-limit" in result.output


def test_sandbox_command_with_scopes_answers_zooms_4711() -> None:
    """--scopes: the token carries only those, and a request needing another gets 4711."""
    process, env = _start("--scopes", "meeting:write:meeting:admin,user:read:user:admin")
    try:
        token = httpx.post(
            env["ZOOM_TOKEN_URL"],
            auth=(env["ZOOM_CLIENT_ID"], env["ZOOM_CLIENT_SECRET"]),
            data={"grant_type": "account_credentials", "account_id": env["ZOOM_ACCOUNT_ID"]},
        ).json()
        assert token["scope"] == "meeting:write:meeting:admin user:read:user:admin"
        headers = {"Authorization": f"Bearer {token['access_token']}", "Accept": "application/json"}
        assert httpx.get(f"{env['ZOOM_API_URL']}/users/me", headers=headers).status_code == 200
        listed = httpx.get(f"{env['ZOOM_API_URL']}/users/me/meetings", headers=headers)
        assert listed.status_code == 400 and listed.json()["code"] == 4711
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert process.returncode == 0


def test_sandbox_command_marks_webinar_pending_and_deactivated_users() -> None:
    """--webinar, --pending and --deactivated set what Zoom reports for those users."""
    process, env = _start(
        "--users", "kim@school.example,lee@school.example",
        "--webinar", "kim@school.example,web@school.example",
        "--pending", "lee@school.example",
        "--deactivated", "old@school.example",
    )  # fmt: skip
    try:
        token = httpx.post(
            env["ZOOM_TOKEN_URL"],
            auth=(env["ZOOM_CLIENT_ID"], env["ZOOM_CLIENT_SECRET"]),
            data={"grant_type": "account_credentials", "account_id": env["ZOOM_ACCOUNT_ID"]},
        ).json()["access_token"]
        api = httpx.Client(
            base_url=env["ZOOM_API_URL"] + "/",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        with api:
            assert api.get("users/lee@school.example").json()["status"] == "pending"
            assert api.get("users/old@school.example").json()["status"] == "inactive"
            for email, webinar in [("kim", True), ("web", True), ("lee", False)]:
                settings = api.get(f"users/{email}@school.example/settings").json()
                assert settings["feature"]["webinar"] is webinar
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert process.returncode == 0


def test_sandbox_command_rejects_a_bad_webinar_email() -> None:
    """A --webinar value that is not an email is refused naming the option."""
    result = CliRunner().invoke(cli, ["sandbox", "--webinar", "kim"])
    assert result.exit_code == 2
    assert "--webinar" in result.output and "'kim' is not an email address." in result.output
