"""The client against what Zoom and hostile networks really send, over real loopback HTTP.

A small hostile server (tests/hostile.py) answers some requests itself and passes
the rest to the sandbox. Retries are instant (RetryPolicy.for_tests()); deadlines
are short so that a trickling server costs a fraction of a second.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from batchzoom.core.errors import AuthError, ConfigError, ZoomUnreachableError
from batchzoom.core.secret import Secret
from batchzoom.engine.batch import schedule
from batchzoom.engine.journal import Journal, default_path
from batchzoom.engine.planning import load
from batchzoom.files.results import RunReport
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import (
    DailyLimitError,
    InDoubtError,
    RateLimits,
    RetryPolicy,
    ZoomClient,
    ZoomRequestError,
    ZoomSettings,
)
from batchzoom.zoom.client import ScopeError, UnprovenListingError
from batchzoom.zoom.retry import parse_retry_after
from tests.conftest import MakeSettings, quick_client, sandbox_env, zoom_settings
from tests.hostile import Answer, HostileServer, Seen, hostile, token_answer
from tests.rosters import session_rows, write_csv

HOST = "alice@school.example"
MEETING = {"topic": "T", "type": 2, "start_time": "2031-05-01T09:00:00Z", "duration": 30}
MEETING_ID = 86123456789
HTML = Answer(
    200, "<html><body>Please sign in to the network</body></html>", content_type="text/html"
)


def settings_at(base: str, *, account: str = "acct", secret: str = "s3cret") -> ZoomSettings:
    return ZoomSettings(
        account, "client", Secret(secret), token_url=f"{base}/oauth/token", api_url=f"{base}/v2"
    )


@contextmanager
def client_at(base: str, **kwargs: Any) -> Iterator[ZoomClient]:
    with quick_client(settings_at(base), **kwargs) as client:
        yield client


def only(answers: dict[tuple[str, str], Answer]) -> Callable[[Seen], Answer | None]:
    """A rule: the token endpoint issues good tokens; (method, path prefix) -> answer."""

    def rule(seen: Seen) -> Answer | None:
        if seen.path.startswith("/oauth/token"):
            return token_answer()
        for (method, prefix), answer in answers.items():
            if seen.method == method and seen.path.startswith(prefix):
                return answer
        return Answer(404, json.dumps({"code": 404, "message": "Not Found."}))

    return rule


def run_once(make_settings: MakeSettings, roster: Path, sb: Sandbox, **flags: Any) -> RunReport:
    """One scheduling run of ``roster`` on ``sb``'s account (``zoom=`` for other URLs)."""
    settings = make_settings(sb, retry=RetryPolicy.for_tests(), **flags)
    return schedule(load(roster, settings), settings)


def meeting_id_read(client: ZoomClient) -> Any:
    """The id of meeting MEETING_ID as the client reads it from the server."""
    meeting = client.get_meeting(MEETING_ID)
    assert meeting is not None
    return meeting["id"]


def one_sentence(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and "Traceback" not in text
    assert text.endswith(".")
    return text


# -- exactly once: only a complete JSON listing proves absence -------------------------


def _sandbox_settings(sb: Sandbox, base: str) -> ZoomSettings:
    return ZoomSettings(
        sb.account_id,
        sb.client_id,
        Secret(sb.client_secret),
        token_url=f"{base}/oauth/token",
        api_url=f"{base}/v2",
    )


@pytest.mark.parametrize(
    "bad_listing",
    [
        HTML,
        Answer(200, "{}"),
        Answer(200, json.dumps({"meetings": "none"})),
        Answer(200, json.dumps({"meetings": [{"id": "86"}], "next_page_token": ""})),
        Answer(302, "", headers={"Location": "https://login.example/"}, content_type=None),
    ],
    ids=["html", "no-meetings-key", "meetings-not-a-list", "string-id", "redirect"],
)
def test_a_lost_create_is_never_sent_twice_on_a_listing_that_proves_nothing(
    tmp_path: Path,
    sandbox_factory: Callable[..., Sandbox],
    make_settings: MakeSettings,
    bad_listing: Answer,
) -> None:
    """The create's answer is lost; every later listing is not Zoom's JSON list: the row
    stays in doubt (one meeting on Zoom), and a run with a good listing finds it."""
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(HOST)]))
    lists = 0

    def rule(seen: Seen) -> Answer | None:
        nonlocal lists
        if seen.method == "POST" and seen.path.startswith("/v2/users/"):
            return Answer(drop=True, forward_first=True)  # created, then the line goes dead
        if seen.method == "GET" and "/meetings" in seen.path and seen.path.startswith("/v2/users"):
            lists += 1
            return None if lists == 1 else bad_listing  # the first (before creating) is real
        return None

    roster = write_csv(tmp_path / "r.csv", session_rows(1, [HOST]))
    with hostile(rule, upstream=sb.base_url) as server:
        for _ in range(2):  # the second run meets the same network
            try:
                report = run_once(make_settings, roster, sb, zoom=_sandbox_settings(sb, server.url))
                assert report.outcomes[0].status == "failed"
            except ZoomUnreachableError as error:
                assert "redirect" in one_sentence(error)
        assert server.count("POST", "/v2/users/") == 1
    assert len(sb.meetings()) == 1
    with Journal(default_path(roster), account=sb.account_id) as journal:
        assert all(e.state != "absent" for e in journal.entries().values())
    report = run_once(make_settings, roster, sb)  # a network that lets Zoom's answers through
    assert report.outcomes[0].status == "created"
    assert report.outcomes[0].meeting_id == sb.meetings()[0]["id"]
    assert len(sb.meetings()) == 1


def test_listing_whose_next_page_token_never_ends_is_not_proof() -> None:
    page = Answer(200, json.dumps({"meetings": [], "next_page_token": "again", "total_records": 1}))
    with hostile(only({("GET", "/v2/users/"): page})) as server, client_at(server.url) as client:
        with pytest.raises(UnprovenListingError) as caught:
            client.listing(HOST)
        assert server.count("GET", "/v2/users/") == 2
    assert "same next_page_token" in one_sentence(caught.value)


def test_a_lagging_listing_is_asked_again_before_concluding_absence(
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    """A fresh meeting shows in the list only after a moment: list again after a short wait."""
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(HOST)], listing_delay=0.3))
    with quick_client(zoom_settings(sb), listing_lag=0.4) as client:
        created = client.create_meeting(HOST, MEETING)

        def has_it(meetings: list[dict[str, Any]]) -> bool:
            return any(m["id"] == created["id"] for m in meetings)

        assert not has_it(client.listing(HOST))
        assert has_it(client.settling_listing(HOST, has_it))


# -- no hangs: a total deadline per request ----------------------------------------------

SLOW = 0.05  # seconds between bytes
DEADLINE = 0.3  # the whole answer must arrive within this; the body needs 10x longer


def _trickled(status: int, body: dict[str, Any]) -> Answer:
    return Answer(status, json.dumps(body | {"padding": "x" * 200}), trickle=SLOW)


def test_a_trickled_create_answer_is_in_doubt() -> None:
    slow = _trickled(201, {"id": 8612345678, "join_url": "https://zoom.example/j/1"})
    with hostile(only({("POST", "/v2/users/"): slow})) as server:
        with client_at(server.url, deadline=DEADLINE) as client, pytest.raises(InDoubtError):
            client.create_meeting(HOST, MEETING)
        assert server.count("POST", "/v2/users/") == 1  # never sent twice


def test_a_trickled_listing_stops_the_run_with_one_sentence() -> None:
    slow = _trickled(200, {"meetings": [], "next_page_token": ""})
    with (
        hostile(only({("GET", "/v2/users/"): slow})) as server,
        client_at(server.url, deadline=DEADLINE) as client,
        pytest.raises(ZoomUnreachableError) as caught,
    ):
        client.listing(HOST)
    assert "GET /users/{userId}/meetings answered too slowly" in one_sentence(caught.value)


def test_a_trickled_token_stops_the_run_with_one_sentence() -> None:
    def rule(seen: Seen) -> Answer:
        return Answer(
            200, json.dumps({"access_token": "t" * 300, "expires_in": 3600}), trickle=SLOW
        )

    with (
        hostile(rule) as server,
        client_at(server.url, deadline=DEADLINE) as client,
        pytest.raises(ZoomUnreachableError) as caught,
    ):
        client.get_meeting(MEETING_ID)
    text = one_sentence(caught.value)
    assert "/oauth/token" in text and "t" * 50 not in text


# -- malformed answers are one sentence ----------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        Answer(201, json.dumps({"topic": "T", "join_url": "https://zoom.example/j/1"})),
        Answer(201, json.dumps({"id": "86123456789"})),
        Answer(201, json.dumps({"id": True})),
        Answer(201, json.dumps([{"id": 86123456789}])),
        Answer(201, "<html>Created</html>", content_type="text/html"),
        Answer(201, ""),
    ],
    ids=["no-id", "string-id", "bool-id", "list", "html", "empty"],
)
def test_a_create_answer_without_a_meeting_is_in_doubt(answer: Answer) -> None:
    """The create may well have happened: in doubt (settled by listing), never a traceback."""
    with (
        hostile(only({("POST", "/v2/users/"): answer})) as server,
        client_at(server.url) as client,
        pytest.raises(InDoubtError) as caught,
    ):
        client.create_meeting(HOST, MEETING)
    one_sentence(caught.value)


def test_an_html_meeting_answer_is_one_sentence() -> None:
    with (
        hostile(only({("GET", "/v2/meetings/"): HTML})) as server,
        client_at(server.url) as client,
        pytest.raises(ZoomRequestError) as caught,
    ):
        client.get_meeting(86123456789)
    assert "HTML page" in one_sentence(caught.value)


def test_an_xml_validation_error_is_read_and_explained() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><result><code>300</code>'
        "<message>Validation Failed.</message><errors><field>duration</field>"
        "<message>Invalid field.</message></errors></result>"
    )
    refused = Answer(400, xml, content_type="application/xml")
    with (
        hostile(only({("POST", "/v2/users/"): refused})) as server,
        client_at(server.url) as client,
        pytest.raises(ZoomRequestError) as caught,
    ):
        client.create_meeting(HOST, MEETING)
    assert caught.value.code == 300 and caught.value.fields == ["duration"]
    text = one_sentence(caught.value)
    assert "the duration 30" in text and "Invalid field" not in text


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (Answer(200, "[1, 2]"), "not a token"),
        (Answer(200, "<html>Sign in</html>", content_type="text/html"), "text/html"),
        (
            Answer(307, "", headers={"Location": "https://sso.example/login"}, content_type=None),
            "redirected (HTTP 307) to https://sso.example/login",
        ),
        (Answer(200, json.dumps({"token_type": "bearer"})), "without an access token"),
    ],
    ids=["list", "html", "redirect", "no-token"],
)
def test_a_token_endpoint_that_answers_oddly_says_what_happened(
    answer: Answer, expected: str
) -> None:
    with (
        hostile(lambda seen: answer) as server,
        client_at(server.url) as client,
        pytest.raises(AuthError) as caught,
    ):
        client.get_meeting(MEETING_ID)
    text = one_sentence(caught.value)
    assert expected in text and "rejected the credentials" not in text
    assert "s3cret" not in text


@pytest.mark.parametrize(
    "expires_in", ["0", "-5", "NaN", '"soon"', "1" + "0" * 400, "1e400", "true", "null"]
)
def test_an_odd_token_lifetime_does_not_fetch_a_token_per_request(expires_in: str) -> None:
    token = Answer(200, '{"access_token": "t0ken", "expires_in": ' + expires_in + "}")
    meeting = Answer(200, json.dumps({"id": MEETING_ID, "topic": "T"}))

    def rule(seen: Seen) -> Answer:
        return token if seen.path.startswith("/oauth/token") else meeting

    with hostile(rule) as server, client_at(server.url) as client:
        for _ in range(3):
            assert meeting_id_read(client) == MEETING_ID
        assert server.count("POST", "/oauth/token") == 1


@given(st.text(max_size=80))
def test_any_retry_after_text_gives_none_or_a_wait(value: str) -> None:
    """Retry-After values that are not numbers or dates are ignored, never a crash."""
    import httpx

    try:
        response = httpx.Response(429, headers={"Retry-After": value})
    except (ValueError, UnicodeEncodeError):
        return  # not a value a header can carry
    wait = parse_retry_after(response, now=datetime(2031, 5, 5, tzinfo=UTC))
    assert wait is None or 0 <= wait < float("inf")


@pytest.mark.parametrize("retry_after", ["soon", "-3", "NaN", "1e9", "Fri, 99 Foo 2031", "²"])
def test_a_qps_429_with_a_strange_retry_after_is_retried(retry_after: str) -> None:
    calls = 0

    def rule(seen: Seen) -> Answer:
        nonlocal calls
        if seen.path.startswith("/oauth/token"):
            return token_answer()
        calls += 1
        if calls == 1:
            body = {"code": 429, "message": "You have reached the maximum per-second rate limit"}
            return Answer(429, json.dumps(body), headers={"Retry-After": retry_after})
        return Answer(200, json.dumps({"id": MEETING_ID}))

    with hostile(rule) as server, client_at(server.url) as client:
        assert meeting_id_read(client) == MEETING_ID
    assert calls == 2


def test_a_daily_limit_resuming_in_the_year_9999_resumes_at_the_next_utc_midnight() -> None:
    body = {
        "code": 429,
        "message": "You have exceeded the daily rate limit (100) of Meeting Create/Update API "
        "requests permitted for this particular user. You may resume these requests at GMT "
        "00:00:00.",
    }
    headers = {"Retry-After": "9999-12-31T00:00:00Z", "Date": "Mon, 05 May 2031 10:00:00 GMT"}
    refused = Answer(429, json.dumps(body), headers=headers)
    with (
        hostile(only({("POST", "/v2/users/"): refused})) as server,
        client_at(server.url, now=lambda: datetime(2031, 5, 5, 9, 59, tzinfo=UTC)) as client,
        pytest.raises(DailyLimitError) as caught,
    ):
        client.create_meeting(HOST, MEETING)
    assert caught.value.host == HOST
    assert caught.value.resume_at == datetime(2031, 5, 6, tzinfo=UTC)


DAILY_LIMIT_BODY = json.dumps(
    {
        "code": 429,
        "message": "You have exceeded the daily rate limit (100) of Meeting Create/Update API "
        "requests permitted for this particular user. You may resume these requests at GMT "
        "00:00:00.",
    }
)


@pytest.mark.parametrize(
    "headers",
    [
        {"Date": "Fri, 31 Dec 9999 23:59:59 GMT"},
        {"Retry-After": "2999-01-01T00:00:00Z", "Date": "Fri, 31 Dec 9999 12:00:00 GMT"},
        {"Retry-After": "99999999999", "Date": "Mon, 05 May 2031 10:00:00 GMT"},
        {"X-RateLimit-Reset": "999999999999", "Date": "Mon, 05 May 2031 10:00:00 GMT"},
    ],
)
def test_a_daily_limit_whose_reset_lies_centuries_ahead_resumes_at_our_next_midnight(
    headers: dict[str, str],
) -> None:
    """A reset (or a server clock) centuries ahead is capped at the next 00:00 UTC, no crash."""
    refused = Answer(429, DAILY_LIMIT_BODY, headers=headers)
    with (
        hostile(only({("POST", "/v2/users/"): refused})) as server,
        client_at(server.url, now=lambda: datetime(2031, 5, 5, 10, tzinfo=UTC)) as client,
        pytest.raises(DailyLimitError) as caught,
    ):
        client.create_meeting(HOST, MEETING)
    assert caught.value.resume_at == datetime(2031, 5, 6, tzinfo=UTC)


@pytest.mark.parametrize("retry_after", ["²", "³¹", "½"])
def test_a_retry_after_of_non_ascii_digits_is_ignored_and_the_written_backoff_applies(
    retry_after: str,
) -> None:
    """``str.isdigit`` takes ``²`` for a digit; the header is ignored instead of crashing."""
    response = httpx.Response(429, headers={b"Retry-After": retry_after.encode("latin-1")})
    assert parse_retry_after(response, now=datetime(2031, 5, 5, tzinfo=UTC)) is None


def test_a_proxy_refusing_connect_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTPS_PROXY answering 403 to CONNECT: the run stops naming the proxy setting."""
    refuse = Answer(403, "Forbidden by policy", content_type="text/plain")
    with hostile(lambda seen: refuse) as proxy:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        with (
            client_at("https://127.0.0.1:9") as client,
            pytest.raises(ZoomUnreachableError) as caught,
        ):
            client.get_meeting(MEETING_ID)
        assert proxy.count("CONNECT", "") >= 1
    assert "HTTPS_PROXY" in one_sentence(caught.value)


# -- scopes, daily limit, sustained 429s, insecure http ------------------------------------


def test_a_missing_scope_stops_the_run_naming_the_scope_and_the_app_setting(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox], make_settings: MakeSettings
) -> None:
    sb = sandbox_factory(
        SandboxConfig(users=[SandboxUser(HOST)], scopes=("meeting:write:meeting:admin",))
    )
    roster = write_csv(tmp_path / "r.csv", session_rows(5, [HOST]))
    with pytest.raises(ScopeError) as caught:
        run_once(make_settings, roster, sb)
    text = one_sentence(caught.value)
    assert "meeting:read:list_meetings:admin" in text and "Scopes" in text
    assert sb.meetings() == []
    assert sb.counters()["meetings"]["requests"] == 1  # one request, not one per row


def test_a_deferred_host_is_probed_once_and_goes_on_when_zoom_allows(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox], make_settings: MakeSettings
) -> None:
    """Zoom's limit may reset before the remembered 00:00 UTC: one probe create finds out."""
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(HOST)], daily_limit=2, qps=1000))
    roster = write_csv(tmp_path / "r.csv", session_rows(5, [HOST]))

    def run() -> RunReport:
        return run_once(make_settings, roster, sb, concurrency=1)

    first = run()
    assert first.counts()["created"] == 2 and first.counts()["deferred"] == 3
    sent = sb.counters()["meetingCreate"]["requests"]
    sb.limiter.daily_per_host = 100  # Zoom's window let go early
    second = run()
    assert second.counts()["deferred"] == 0 and len(sb.meetings()) == 5
    assert sb.counters()["meetingCreate"]["requests"] == sent + 3


def test_sustained_429s_from_another_app_slow_the_pace_and_every_create_lands(
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    """--rate 50 against an account with 2/s left: slower, but created, not failed."""
    from concurrent.futures import ThreadPoolExecutor

    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(HOST)], qps=4, shared_qps=2))
    limits = RateLimits.for_plan("pro", rate=50)
    with quick_client(zoom_settings(sb), limits=limits) as client:
        with ThreadPoolExecutor(8) as pool:
            made = list(
                pool.map(
                    lambda n: client.create_meeting(HOST, MEETING | {"topic": f"T{n}"}), range(8)
                )
            )
        assert client.stats["qps_429"] > 0
    assert len({m["id"] for m in made}) == 8 == len(sb.meetings())
    assert limits.pacer("LIGHT").rate < 50 * 0.5


@pytest.mark.parametrize("name", ["token_url", "api_url"])
def test_plain_http_to_another_machine_is_refused_unless_allowed(name: str) -> None:
    base = settings_at("http://127.0.0.1:9")
    fields: dict[str, Any] = {"token_url": base.token_url, "api_url": base.api_url}
    fields[name] = "http://zoom.example.org/x"
    settings = ZoomSettings("a", "c", Secret("s3cret"), **fields)
    with pytest.raises(ConfigError) as caught:
        ZoomClient(settings)
    text = one_sentence(caught.value)
    assert "--allow-insecure-http" in text and "s3cret" not in text
    ZoomClient(ZoomSettings("a", "c", Secret("s"), **fields, allow_insecure_http=True)).close()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.0.1", "localhost", "[::1]"])
def test_plain_http_to_this_machine_is_fine(host: str) -> None:
    ZoomClient(settings_at(f"http://{host}:9")).close()


def test_hostile_server_helper_forwards_to_the_sandbox(sandbox: Sandbox) -> None:
    """The helper itself: with no rule, everything reaches the sandbox unchanged."""
    with HostileServer(lambda seen: None, upstream=sandbox.base_url) as server:
        settings = _sandbox_settings(sandbox, server.url)
        with quick_client(settings) as client:
            made = client.create_meeting(HOST, MEETING)
            meeting = client.get_meeting(made["id"])
            assert meeting is not None and meeting["topic"] == "T"


# -- as the command line shows it ---------------------------------------------------------


def _cli(args: list[str], env: dict[str, str | None], cwd: Path) -> Any:
    import contextlib

    from click.testing import CliRunner

    from batchzoom.cli import cli

    with contextlib.chdir(cwd):
        return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def _env(sb: Sandbox, **overrides: str) -> dict[str, str | None]:
    return sandbox_env(sb, BATCHZOOM_INSTANT_RETRIES="1", **overrides)


def test_cli_refuses_plain_http_to_another_machine(tmp_path: Path, sandbox: Sandbox) -> None:
    roster = write_csv(tmp_path / "r.csv", session_rows(1, [HOST]))
    env = _env(sandbox, ZOOM_TOKEN_URL="http://zoom.example.org/oauth/token")
    result = _cli(["schedule", str(roster)], env, tmp_path)
    assert result.exit_code == 1
    assert "--allow-insecure-http" in result.output and "Traceback" not in result.output
    assert sandbox.counters().get("meetingCreate") is None


def test_cli_missing_scope_is_one_sentence_and_exit_1(
    tmp_path: Path, sandbox_factory: Callable[..., Sandbox]
) -> None:
    # The hosts are looked up first (user:read:user:admin), then the creates lack their scope.
    scopes = ("meeting:read:list_meetings:admin", "user:read:user:admin")
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser(HOST)], scopes=scopes))
    roster = write_csv(tmp_path / "r.csv", session_rows(6, [HOST]))
    result = _cli(["schedule", str(roster), "--concurrency", "1"], _env(sb), tmp_path)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "meeting:write:meeting:admin" in line]
    assert len(errors) == 1 and "Scopes" in errors[0]
    assert sb.counters()["meetingCreate"]["requests"] == 1  # the run stopped at the first
