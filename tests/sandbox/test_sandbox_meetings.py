"""Meeting create, get, update, list and delete, and users, as Zoom documents them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser

FUTURE = "2031-03-10T09:00:00"


def _create(api: httpx.Client, user: str = "me", **body: object) -> httpx.Response:
    payload: dict[str, object] = {"topic": "Math", "start_time": FUTURE, "timezone": "Asia/Seoul"}
    payload.update(body)
    return api.post(f"users/{user}/meetings", json=payload)


def test_create_returns_201_with_zoom_fields(api: httpx.Client, sandbox: Sandbox) -> None:
    """A created meeting has an 11-digit id, UTC start_time, host, URLs and a generated passcode."""
    response = _create(api, duration=45, agenda="Unit 3")
    assert response.status_code == 201
    meeting = response.json()
    assert isinstance(meeting["id"], int) and len(str(meeting["id"])) == 11
    assert meeting["start_time"] == "2031-03-10T00:00:00Z"  # 09:00 in Seoul
    assert meeting["timezone"] == "Asia/Seoul"
    assert meeting["host_email"] == "alice@school.example"
    assert meeting["duration"] == 45 and meeting["agenda"] == "Unit 3"
    assert meeting["status"] == "waiting" and meeting["type"] == 2
    assert meeting["password"] and len(meeting["password"]) == 6
    assert meeting["h323_password"].isdigit() and meeting["pstn_password"].isdigit()
    assert str(meeting["id"]) in meeting["join_url"] and "pwd=" in meeting["join_url"]
    assert meeting["start_url"] != meeting["join_url"]
    assert sandbox.meetings() == [meeting]


def test_utc_start_time_is_kept_as_given(api: httpx.Client) -> None:
    """start_time ending in Z is GMT whatever the timezone field says."""
    meeting = _create(api, start_time="2031-01-02T03:04:05Z", timezone="America/New_York").json()
    assert meeting["start_time"] == "2031-01-02T03:04:05Z"


def test_local_start_without_timezone_uses_the_account_timezone(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    """Without timezone, Zoom reads a local start_time in the account's timezone."""
    response = api.post("users/me/meetings", json={"start_time": "2031-07-01T09:00:00"})
    meeting = response.json()
    assert meeting["timezone"] == sandbox.config.account_timezone == "America/Los_Angeles"
    assert meeting["start_time"] == "2031-07-01T16:00:00Z"


def test_past_or_missing_start_time_defaults_to_now(api: httpx.Client, sandbox: Sandbox) -> None:
    """'If start_time is not specified or is set to a past value, it defaults to the current time.'"""
    for body in ({"start_time": "2001-01-01T00:00:00Z"}, {}):
        meeting = api.post("users/me/meetings", json=body).json()
        started = datetime.strptime(meeting["start_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert abs(started - sandbox.clock.now()) < timedelta(seconds=5)


def test_default_password_false_creates_no_passcode(api: httpx.Client) -> None:
    """With default_password false and no password, the meeting has no passcode."""
    meeting = _create(api, default_password=False).json()
    assert "password" not in meeting
    assert "pwd=" not in meeting["join_url"]


def test_given_password_is_kept(api: httpx.Client) -> None:
    """A valid passcode is stored as given; a numeric one is also the phone passcode."""
    meeting = _create(api, password="123456").json()
    assert meeting["password"] == meeting["pstn_password"] == "123456"


def test_host_can_be_named_by_email_or_id(api: httpx.Client, sandbox: Sandbox) -> None:
    """userId may be an email (any case) or a user id."""
    bob = sandbox.users()[1]
    by_email = _create(api, user="BOB@school.example").json()
    by_id = _create(api, user=bob.user_id).json()
    assert by_email["host_id"] == by_id["host_id"] == bob.id


def test_get_returns_the_stored_meeting(api: httpx.Client) -> None:
    """GET /meetings/{id} returns what create returned."""
    created = _create(api).json()
    response = api.get(f"meetings/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_unknown_meeting_is_404_code_3001(api: httpx.Client) -> None:
    """GET, PATCH and DELETE of a meeting that does not exist: 404 code 3001."""
    for method in ("GET", "PATCH", "DELETE"):
        response = api.request(
            method, "meetings/12345678901", json={} if method == "PATCH" else None
        )
        assert response.status_code == 404
        assert response.json() == {"code": 3001, "message": "Meeting does not exist: 12345678901."}


def test_update_changes_fields_and_returns_204(api: httpx.Client) -> None:
    """PATCH answers 204 with no body; GET shows the change, other fields kept."""
    created = _create(api, agenda="keep").json()
    response = api.patch(
        f"meetings/{created['id']}",
        json={
            "topic": "Physics",
            "start_time": "2031-03-11T10:00:00",
            "settings": {"mute_upon_entry": True},
        },
    )
    assert response.status_code == 204 and response.content == b""
    meeting = api.get(f"meetings/{created['id']}").json()
    assert meeting["topic"] == "Physics"
    assert meeting["start_time"] == "2031-03-11T01:00:00Z"
    assert meeting["agenda"] == "keep"
    assert meeting["settings"]["mute_upon_entry"] is True
    assert meeting["password"] == created["password"]


def test_update_ignores_a_past_start_time(api: httpx.Client) -> None:
    """'If the value is omitted or a date is in the past, the API ignores this value.'"""
    created = _create(api).json()
    api.patch(f"meetings/{created['id']}", json={"start_time": "2001-01-01T00:00:00Z"})
    assert api.get(f"meetings/{created['id']}").json()["start_time"] == created["start_time"]


def test_delete_removes_the_meeting(api: httpx.Client, sandbox: Sandbox) -> None:
    """DELETE answers 204; the meeting is gone from GET and the store."""
    created = _create(api).json()
    response = api.delete(f"meetings/{created['id']}")
    assert response.status_code == 204 and response.content == b""
    assert api.get(f"meetings/{created['id']}").status_code == 404
    assert sandbox.meetings() == []


def test_list_omits_passwords_and_start_urls(api: httpx.Client) -> None:
    """List items carry no password or start_url, and agenda cut to 250 characters."""
    _create(api, agenda="x" * 400)
    body = api.get("users/me/meetings").json()
    assert body["total_records"] == 1
    item = body["meetings"][0]
    assert "password" not in item and "start_url" not in item
    assert item["agenda"] == "x" * 250
    assert set(item) <= {
        "uuid", "id", "host_id", "topic", "type", "start_time", "duration",
        "timezone", "agenda", "created_at", "join_url", "pmi",
    }  # fmt: skip


def test_list_pages_with_next_page_token(api: httpx.Client) -> None:
    """page_size splits the list; next_page_token walks it; the last page has an empty token."""
    created = {_create(api, topic=f"T{i}").json()["id"] for i in range(7)}
    seen: list[int] = []
    params: dict[str, str | int] = {"page_size": 3}
    while True:
        body = api.get("users/me/meetings", params=params).json()
        assert body["total_records"] == 7 and body["page_count"] == 3
        seen += [m["id"] for m in body["meetings"]]
        if not body["next_page_token"]:
            break
        params = {"page_size": 3, "next_page_token": body["next_page_token"]}
    assert sorted(seen) == sorted(created)


def test_list_is_per_host(api: httpx.Client) -> None:
    """A user's list holds only the meetings that user hosts."""
    _create(api, user="bob@school.example")
    assert api.get("users/me/meetings").json()["total_records"] == 0
    assert api.get("users/bob@school.example/meetings").json()["total_records"] == 1


def test_list_page_size_over_300_is_refused(api: httpx.Client) -> None:
    """page_size is documented up to 300; more is a 400 code 300 naming page_size."""
    response = api.get("users/me/meetings", params={"page_size": 301})
    assert response.status_code == 400
    assert response.json()["code"] == 300
    assert response.json()["errors"] == [{"field": "page_size", "message": "Invalid field."}]


def test_upcoming_list_drops_meetings_that_have_ended(
    api: httpx.Client, sandbox: Sandbox, client_for: Callable[[Sandbox], httpx.Client]
) -> None:
    """type=upcoming lists meetings not yet over; scheduled keeps them until they expire."""
    _create(api, start_time="2031-03-10T09:00:00Z", duration=60)
    sandbox.clock.set(datetime(2031, 3, 10, 10, 30, tzinfo=UTC))
    api = client_for(sandbox)  # the first token expired years ago
    assert api.get("users/me/meetings", params={"type": "upcoming"}).json()["total_records"] == 0
    assert api.get("users/me/meetings").json()["total_records"] == 1
    sandbox.clock.advance(31 * 86400)
    api = client_for(sandbox)
    assert api.get("users/me/meetings").json()["total_records"] == 0


def test_unknown_user_is_404_code_1001(api: httpx.Client) -> None:
    """Creating for, listing or getting an unknown user: 404 code 1001."""
    for response in (
        _create(api, user="nobody@school.example"),
        api.get("users/nobody@school.example/meetings"),
        api.get("users/nobody@school.example"),
    ):
        assert response.status_code == 404
        assert response.json() == {
            "code": 1001,
            "message": "User does not exist: nobody@school.example.",
        }


def test_me_is_the_account_owner(api: httpx.Client, sandbox: Sandbox) -> None:
    """GET /users/me returns the first configured user, licensed (type 2)."""
    me = api.get("users/me").json()
    assert me["email"] == "alice@school.example"
    assert me["id"] == sandbox.users()[0].id
    assert me["type"] == 2 and me["account_id"] == sandbox.account_id


def test_unlicensed_host_gets_3161(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    client_for: Callable[[Sandbox], httpx.Client],
) -> None:
    """An unlicensed user cannot host: 400 code 3161; GET /users shows type 1."""
    sb = sandbox_factory(
        SandboxConfig(
            users=[SandboxUser("owner@x.example"), SandboxUser("basic@x.example", licensed=False)]
        )
    )
    api = client_for(sb)
    response = _create(api, user="basic@x.example")
    assert response.status_code == 400
    assert response.json() == {
        "code": 3161,
        "message": "Your user account is not allowed meeting hosting and scheduling capabilities.",
    }
    assert api.get("users/basic@x.example").json()["type"] == 1
    assert sb.meetings() == []


def test_users_can_be_added_while_running(api: httpx.Client, sandbox: Sandbox) -> None:
    """add_user makes a new host available at once, with a 22-character Zoom-like id."""
    dan = sandbox.add_user(SandboxUser("dan@school.example"))
    assert dan.id is not None and len(dan.id) == 22
    assert _create(api, user="dan@school.example").status_code == 201


def test_clock_moves_without_sleeping(sandbox: Sandbox) -> None:
    """clock.advance and clock.set move sandbox time; freeze stops it."""
    before = sandbox.clock.now()
    sandbox.clock.advance(86400)
    assert sandbox.clock.now() - before >= timedelta(days=1)
    sandbox.clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    sandbox.clock.freeze()
    assert sandbox.clock.now() == sandbox.clock.now()
    assert sandbox.clock.now().year == 2030


def test_a_host_email_with_korean_letters_is_found_through_its_percent_encoded_path(
    sandbox_factory: Callable[..., Sandbox], client_for: Callable[[Sandbox], httpx.Client]
) -> None:
    """The path parameter is decoded before the user is looked up."""
    host = "김민지@school.example"
    api = client_for(sandbox_factory(SandboxConfig(users=[SandboxUser(host)])))
    response = _create(api, user=host)
    assert response.status_code == 201, response.text
    assert response.json()["host_email"] == host
    listed = api.get(f"users/{host}/meetings")
    assert [m["id"] for m in listed.json()["meetings"]] == [response.json()["id"]]
