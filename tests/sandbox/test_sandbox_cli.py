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
    printed: list[str] = []
    for line in process.stdout:
        if line.startswith("Users:"):
            break
        printed.append(line)
    return process, _pasted_into_a_shell(printed)


def _pasted_into_a_shell(printed: list[str]) -> dict[str, str]:
    """The ZOOM_* variables a POSIX shell has after the printed lines are pasted into it."""
    script = "".join(line for line in printed if line.startswith("export ")) + "env\n"
    shell = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True, env={})
    pairs = (line.partition("=") for line in shell.stdout.splitlines())
    return {key: value for key, _, value in pairs if key.startswith("ZOOM_")}


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


def test_sandbox_settings_pasted_into_a_shell_are_exported() -> None:
    """Every printed setting is an export line a POSIX shell takes as it is."""
    process, env = _start("--users", "kim@school.example")
    try:
        assert set(env) == {
            "ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_TOKEN_URL", "ZOOM_API_URL",
        }  # fmt: skip
        assert env["ZOOM_API_URL"].startswith("http://127.0.0.1:")
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(os.environ['ZOOM_TOKEN_URL'])"],
            capture_output=True, text=True, check=True, env={**os.environ, **env},
        )  # fmt: skip
        assert child.stdout.strip() == env["ZOOM_TOKEN_URL"]
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)


def test_print_env_prints_dotenv_lines_that_batchzoom_reads(tmp_path: Path) -> None:
    """--print-env prints KEY=value lines; saved as .env they are read as the shell's would be."""
    from dotenv import dotenv_values

    process = subprocess.Popen(
        [sys.executable, "-m", "batchzoom", "sandbox", "--print-env"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        if line.startswith("Users:"):
            break
        lines.append(line)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=10)
    assert not any(line.startswith("export ") for line in lines)
    env_file = tmp_path / ".env"
    env_file.write_text("".join(line for line in lines if line.startswith("ZOOM_")))
    values = dotenv_values(env_file)
    assert sorted(values) == sorted(
        [
            "ZOOM_ACCOUNT_ID",
            "ZOOM_CLIENT_ID",
            "ZOOM_CLIENT_SECRET",
            "ZOOM_TOKEN_URL",
            "ZOOM_API_URL",
        ]
    )
    assert all(values.values())


def test_settings_lines_survive_values_a_shell_would_split() -> None:
    """A value with spaces, quotes or $ still reaches the shell (and .env) as it is."""
    from batchzoom.cli.sandbox import settings_lines

    value = "a b'c\"$HOME;`x`"
    shell = subprocess.run(
        ["sh", "-c", settings_lines({"ZOOM_X": value}, dotenv=False)[0] + '\nprintf %s "$ZOOM_X"'],
        capture_output=True, text=True, check=True, env={},
    )  # fmt: skip
    assert shell.stdout == value


def test_sandbox_help_says_how_to_point_schedule_at_it() -> None:
    result = CliRunner().invoke(cli, ["sandbox", "--help"])
    assert result.exit_code == 0
    assert "batchzoom schedule" in result.output and "--print-env" in result.output


def test_a_state_file_that_is_a_json_list_is_one_sentence(tmp_path: Path) -> None:
    """A state file holding a JSON list (not the sandbox's) is refused in one sentence."""
    state = tmp_path / "sandbox.json"
    state.write_text("[1, 2, 3]")
    result = CliRunner().invoke(cli, ["sandbox", "--state", str(state)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a ClickException, not a traceback
    assert "cannot use its state file" in result.output and "JSON list" in result.output
