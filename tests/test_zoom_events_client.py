"""The Zoom client's registrant, webinar and user calls against the sandbox over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import DailyLimitError, InDoubtError, RegistrantLimitError, ZoomRequestError
from batchzoom.zoom.client import ZoomClient
from batchzoom.zoom.ratelimit import RateLimits
from batchzoom.zoom.webinars import Panelist, WebinarLicenceError
from tests.conftest import quick_client, zoom_settings

START = "2031-09-01T08:30:00Z"


@pytest.fixture
def zoom(sandbox: Sandbox) -> Iterator[ZoomClient]:
    with quick_client(zoom_settings(sandbox)) as client:
        yield client


def _meeting(zoom: ZoomClient, approval: int = 0, **fields: Any) -> int:
    body: dict[str, Any] = {
        "topic": "Orientation",
        "type": 2,
        "start_time": START,
        "duration": 60,
        "timezone": "UTC",
        "settings": {"approval_type": approval},
    }
    body.update(fields)
    meeting_id: int = zoom.create_meeting("bob@school.example", body)["id"]
    return meeting_id


def _person(n: int) -> dict[str, str]:
    return {"email": f"p{n}@mail.example", "first_name": f"P{n}", "last_name": "Test"}


def test_add_registrant_returns_the_persons_link_and_the_same_registrant_again(
    zoom: ZoomClient,
) -> None:
    """A typed Registration with the person's own join link; a re-add is the same one."""
    meeting_id = _meeting(zoom)
    first = zoom.add_registrant(meeting_id, _person(1))
    assert first.meeting_id == meeting_id and first.email == "p1@mail.example"
    assert first.join_url and first.topic == "Orientation" and first.start_time == START
    again = zoom.add_registrant(meeting_id, _person(1))
    assert (again.registrant_id, again.join_url) == (first.registrant_id, first.join_url)


def test_manual_approval_registration_has_no_link(zoom: ZoomClient) -> None:
    """approval_type 1: the registration comes back without a join link."""
    assert zoom.add_registrant(_meeting(zoom, approval=1), _person(1)).join_url is None


def test_fourth_addition_in_a_day_is_a_registrant_limit_until_midnight(
    sandbox: Sandbox, zoom: ZoomClient
) -> None:
    """Zoom's 3-a-day 429 names the person and resumes at 00:00 UTC; no retry is sent."""
    meeting_id = _meeting(zoom)
    for _ in range(3):
        zoom.add_registrant(meeting_id, _person(1))
    sent = zoom.stats["requests"]
    with pytest.raises(RegistrantLimitError) as caught:
        zoom.add_registrant(meeting_id, _person(1))
    error = caught.value
    assert isinstance(error, DailyLimitError) and error.host is None
    assert error.registrant == "p1@mail.example"
    now = sandbox.clock.now()
    assert error.resume_at == datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    assert "p1@mail.example" in str(error) and "\n" not in str(error)
    assert zoom.stats["requests"] == sent + 1
    zoom.add_registrant(meeting_id, _person(2))  # another person goes on


def test_lost_registration_answer_is_in_doubt(sandbox: Sandbox, zoom: ZoomClient) -> None:
    """A dropped answer is never re-sent (it would spend the person's quota): in doubt."""
    meeting_id = _meeting(zoom)
    sandbox.faults.drop_next("meetingRegistrantCreate")
    with pytest.raises(InDoubtError) as caught:
        zoom.add_registrant(meeting_id, _person(1))
    assert "registration of p1@mail.example" in str(caught.value)
    listed = zoom.list_registrants(meeting_id)
    assert [r.email for r in listed] == ["p1@mail.example"]  # it had happened


def test_batch_registers_30_and_refuses_recurring_meetings(zoom: ZoomClient) -> None:
    """30 people in one call, each with a link; a series gets Zoom's code 303."""
    meeting_id = _meeting(zoom)
    done = zoom.batch_registrants(meeting_id, [_person(n) for n in range(30)])
    assert [r.email for r in done] == [f"p{n}@mail.example" for n in range(30)]
    assert all(r.join_url for r in done)
    series = _meeting(zoom, type=8, recurrence={"type": 1, "end_times": 2})
    with pytest.raises(ZoomRequestError) as caught:
        zoom.batch_registrants(series, [_person(1)])
    assert caught.value.code == 303
    with pytest.raises(ValueError):
        zoom.batch_registrants(meeting_id, [_person(n) for n in range(31)])


def test_list_registrants_reads_every_page_and_status_update_cancels(zoom: ZoomClient) -> None:
    """Over 300 registrants come back whole; cancelled ones move to the denied list."""
    meeting_id = _meeting(zoom)
    for start in range(0, 330, 30):
        zoom.batch_registrants(meeting_id, [_person(n) for n in range(start, start + 30)])
    listed = zoom.list_registrants(meeting_id)
    assert len(listed) == 330 and len({r.registrant_id for r in listed}) == 330
    gone = listed[:31]
    zoom.update_registrant_status(meeting_id, "cancel", [{"id": r.registrant_id} for r in gone])
    assert len(zoom.list_registrants(meeting_id)) == 299
    denied = zoom.list_registrants(meeting_id, status="denied")
    assert {r.registrant_id for r in denied} == {r.registrant_id for r in gone}


@pytest.fixture
def webinar_zoom(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
) -> Iterator[tuple[Sandbox, ZoomClient]]:
    sandbox = sandbox_factory(
        SandboxConfig(
            users=[
                SandboxUser("dana@school.example", webinar=True),
                SandboxUser("erin@school.example"),
                SandboxUser("finn@school.example", status="pending"),
                SandboxUser("gus@school.example", type=1),
            ]
        )
    )
    with quick_client(zoom_settings(sandbox)) as client:
        yield sandbox, client


def test_users_status_type_and_webinar_licence(webinar_zoom: tuple[Sandbox, ZoomClient]) -> None:
    """get_user: status and type as typed fields, None when unknown; settings: the add-on."""
    _, zoom = webinar_zoom
    finn = zoom.get_user("finn@school.example")
    assert finn is not None and finn.status == "pending" and not finn.active and finn.licensed
    gus = zoom.get_user("gus@school.example")
    assert gus is not None and gus.type == 1 and not gus.licensed and gus.active
    assert zoom.get_user("nobody@school.example") is None
    assert zoom.get_user_settings("dana@school.example").webinar is True
    assert zoom.get_user_settings("erin@school.example").webinar is False


def test_webinar_without_licence_is_explained(webinar_zoom: tuple[Sandbox, ZoomClient]) -> None:
    """Zoom's "Webinar plan is missing" becomes one sentence naming the host and the fix."""
    _, zoom = webinar_zoom
    with pytest.raises(WebinarLicenceError) as caught:
        zoom.create_webinar("erin@school.example", {"topic": "Talk", "start_time": START})
    message = str(caught.value)
    assert message.startswith("erin@school.example cannot host webinars")
    assert "Webinar licence" in message and "\n" not in message
    assert caught.value.code == 200


def test_webinar_lifecycle_with_registrants_and_panelists(
    webinar_zoom: tuple[Sandbox, ZoomClient],
) -> None:
    """create/get/update/list/delete, registrants and panelists, all typed."""
    _, zoom = webinar_zoom
    webinar = zoom.create_webinar(
        "dana@school.example",
        {
            "topic": "Open day",
            "type": 5,
            "start_time": START,
            "duration": 90,
            "timezone": "Asia/Seoul",
            "settings": {"approval_type": 0},
        },
    )
    assert webinar.type == 5 and webinar.start_time == START and webinar.password
    assert webinar.registration_url
    zoom.update_webinar(webinar.id, {"topic": "Open evening"}, host="dana@school.example")
    fetched = zoom.get_webinar(webinar.id)
    assert fetched is not None and fetched.topic == "Open evening"
    assert [w.id for w in zoom.list_webinars("dana@school.example")] == [webinar.id]

    registration = zoom.add_registrant(webinar.id, _person(1), webinar=True)
    assert registration.join_url
    listed = zoom.list_registrants(webinar.id, webinar=True)
    assert [r.registrant_id for r in listed] == [registration.registrant_id]

    zoom.add_panelists(
        webinar.id, [Panelist(name=f"N{n}", email=f"n{n}@x.example") for n in range(31)]
    )
    panelists = zoom.list_panelists(webinar.id)
    assert len(panelists) == 31 and all(p.join_url for p in panelists)

    zoom.delete_webinar(webinar.id)
    assert zoom.get_webinar(webinar.id) is None


def test_webinar_creates_share_the_hosts_daily_limit_with_meetings(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
) -> None:
    """A host at 100 meeting creates cannot create a webinar that day."""
    sandbox = sandbox_factory(
        SandboxConfig(users=[SandboxUser("dana@school.example", webinar=True)], daily_limit=2)
    )
    with quick_client(zoom_settings(sandbox)) as zoom:
        body = {"topic": "T", "type": 2, "start_time": START, "duration": 30, "timezone": "UTC"}
        zoom.create_meeting("dana@school.example", body)
        zoom.create_webinar("dana@school.example", {"topic": "W", "start_time": START})
        with pytest.raises(DailyLimitError) as caught:
            zoom.create_webinar("dana@school.example", {"topic": "W2", "start_time": START})
        assert caught.value.host == "dana@school.example"
        assert not isinstance(caught.value, RegistrantLimitError)


def test_each_call_is_paced_in_its_own_category(sandbox: Sandbox) -> None:
    """Batch registration waits on Heavy's pace; single additions on Light's are not held up."""
    moment = [1000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        moment[0] += seconds

    limits = RateLimits(
        {"LIGHT": 1000.0, "MEDIUM": 1000.0, "HEAVY": 1.0}, clock=lambda: moment[0], sleep=sleep
    )
    with quick_client(zoom_settings(sandbox), limits=limits) as zoom:
        meeting_id = _meeting(zoom)
        for n in range(3):
            zoom.add_registrant(meeting_id, _person(n))
        assert sum(slept) < 0.01
        zoom.batch_registrants(meeting_id, [_person(10)])
        zoom.batch_registrants(meeting_id, [_person(11)])
        assert sum(slept) > 1.0  # the second batch waited for Heavy's 1 a second


def test_a_batch_with_a_person_over_quota_is_that_persons_limit(zoom: ZoomClient) -> None:
    """A batch naming someone added 3 times today raises RegistrantLimitError for them."""
    meeting_id = _meeting(zoom)
    for _ in range(3):
        zoom.add_registrant(meeting_id, _person(1))
    with pytest.raises(RegistrantLimitError) as caught:
        zoom.batch_registrants(meeting_id, [_person(2), _person(1)])
    assert caught.value.registrant == "p1@mail.example"
    assert [r.email for r in zoom.list_registrants(meeting_id)] == ["p1@mail.example"]


def test_lost_webinar_create_is_in_doubt_and_settled_by_listing(
    webinar_zoom: tuple[Sandbox, ZoomClient],
) -> None:
    """A webinar create whose answer is lost is not re-sent; the host's list shows it."""
    sandbox, zoom = webinar_zoom
    sandbox.faults.drop_next("webinarCreate")
    with pytest.raises(InDoubtError) as caught:
        zoom.create_webinar("dana@school.example", {"topic": "Lost", "start_time": START})
    assert "Zoom did not confirm the webinar" in str(caught.value)
    assert [w.topic for w in zoom.list_webinars("dana@school.example")] == ["Lost"]
