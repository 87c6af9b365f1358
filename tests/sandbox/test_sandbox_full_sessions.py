"""A full meeting or webinar in the sandbox, over HTTP, as Zoom's spec documents it: a
meeting answers 3043, a webinar 3000 (Meetings.json meetingRegistrantCreate,
webinarRegistrantCreate), and a person registered already takes no room."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser

START = "2031-09-01T08:30:00Z"
HOST = "dana@school.example"


def _person(n: int) -> dict[str, str]:
    return {"email": f"p{n}@mail.example", "first_name": f"P{n}", "last_name": "Test"}


def _api(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    client_for: Callable[[Sandbox], httpx.Client],
) -> httpx.Client:
    config = SandboxConfig(users=[SandboxUser(HOST, webinar=True)], max_registrants=2)
    return client_for(sandbox_factory(config))


def test_a_full_webinar_answers_the_webinar_limit_error_zoom_documents(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    client_for: Callable[[Sandbox], httpx.Client],
) -> None:
    api = _api(sandbox_factory, client_for)
    body = {"topic": "Talk", "start_time": START, "settings": {"approval_type": 0}}
    wid = api.post(f"users/{HOST}/webinars", json=body).json()["id"]
    url = f"webinars/{wid}/registrants"
    first = api.post(url, json=_person(1)).json()
    assert api.post(url, json=_person(2)).status_code == 201
    full = api.post(url, json=_person(3))
    assert full.status_code == 400
    assert full.json() == {
        "code": 3000,
        "message": "You have reached the limit for the number of attendees you can add. "
        "Contact Zoom Support for more information.",
    }
    # At the limit exactly, someone registered already is returned, as Zoom returns them.
    again = api.post(url, json=_person(1))
    assert again.status_code == 201
    assert again.json()["registrant_id"] == first["registrant_id"]


def test_a_full_meeting_still_returns_a_registrant_added_again(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
    client_for: Callable[[Sandbox], httpx.Client],
) -> None:
    api = _api(sandbox_factory, client_for)
    body = {"topic": "Orientation", "type": 2, "start_time": START, "duration": 60,
            "timezone": "UTC", "settings": {"approval_type": 0}}  # fmt: skip
    meeting = api.post(f"users/{HOST}/meetings", json=body).json()
    url = f"meetings/{meeting['id']}/registrants"
    first = api.post(url, json=_person(1)).json()
    assert api.post(url, json=_person(2)).status_code == 201
    full = api.post(url, json=_person(3))
    assert full.status_code == 400
    assert full.json() == {
        "code": 3043,
        "message": "Meeting has reached maximum attendee capacity.",
    }
    again = api.post(url, json=_person(1))
    assert again.status_code == 201
    assert again.json()["registrant_id"] == first["registrant_id"]
    # A batch of people all registered already is returned too; one newcomer is refused.
    batch = f"meetings/{meeting['id']}/batch_registrants"
    known = api.post(batch, json={"registrants": [_person(1), _person(2)]})
    assert known.status_code == 201
    assert api.post(batch, json={"registrants": [_person(2), _person(4)]}).json()["code"] == 3043
