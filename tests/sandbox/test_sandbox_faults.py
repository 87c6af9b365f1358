"""Injected faults and the admin paths that let another process drive a sandbox."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import httpx
import pytest

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser

ClientFor = Callable[[Sandbox], httpx.Client]
BODY = {"topic": "T", "start_time": "2031-06-01T09:00:00Z"}


def test_fail_next_fails_exactly_count_requests_without_effect(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    """fail_next(op, 503, 2): two 503s that store nothing, then normal service."""
    sandbox.faults.fail_next("meetingCreate", status=503, count=2)
    statuses = [api.post("users/me/meetings", json=BODY).status_code for _ in range(3)]
    assert statuses == [503, 503, 201]
    assert len(sandbox.meetings()) == 1
    counters = sandbox.counters()["meetingCreate"]
    assert counters["faults"] == {"503": 2}
    assert counters["responses"] == {"503": 2, "201": 1}
    assert counters["committed"] == 1


def test_fail_next_only_matches_its_operation(api: httpx.Client, sandbox: Sandbox) -> None:
    """A fault armed for meetingCreate leaves other operations alone."""
    sandbox.faults.fail_next("meetingCreate", status=500)
    assert api.get("users/me").status_code == 200
    failed = api.post("users/me/meetings", json=BODY)
    assert failed.status_code == 500 and failed.json()["code"] == 500


def test_502_has_a_gateway_html_body(api: httpx.Client, sandbox: Sandbox) -> None:
    """A 502 comes as HTML, as from a gateway, so clients cannot assume JSON errors."""
    sandbox.faults.fail_next("*", status=502)
    response = api.get("users/me")
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")


def test_drop_next_commits_then_closes_without_response(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    """drop_next: the meeting is created but the client gets no bytes at all."""
    sandbox.faults.drop_next("meetingCreate", count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("users/me/meetings", json=BODY)
    assert len(sandbox.meetings()) == 1
    counters = sandbox.counters()["meetingCreate"]
    assert counters["committed"] == 1 and counters["faults"] == {"drop": 1}
    assert counters["responses"] == {}
    assert api.post("users/me/meetings", json=BODY).status_code == 201


def test_qps_429_next_gives_a_real_looking_qps_429(api: httpx.Client, sandbox: Sandbox) -> None:
    """qps_429_next: the next matching request gets Zoom's QPS 429 and changes nothing."""
    sandbox.faults.qps_429_next("meetingCreate")
    response = api.post("users/me/meetings", json=BODY)
    assert response.status_code == 429
    assert response.headers["X-RateLimit-Type"] == "QPS"
    assert response.headers["X-RateLimit-Limit"] == "30"
    assert sandbox.meetings() == []


def test_random_faults_follow_the_seed(
    sandbox_factory: Callable[[SandboxConfig], Sandbox], client_for: ClientFor
) -> None:
    """The same seed gives the same sequence of injected statuses."""
    runs = []
    for _ in range(2):
        sb = sandbox_factory(
            SandboxConfig(users=[SandboxUser("a@x.example")], fault_rate=0.5, seed=7)
        )
        api = client_for(sb)
        runs.append([api.get("users/me").status_code for _ in range(20)])
    assert runs[0] == runs[1]
    assert set(runs[0]) - {200} <= {500, 502, 503} and 200 in runs[0] and len(set(runs[0])) > 1


def test_drop_rate_one_drops_every_create(
    sandbox_factory: Callable[[SandboxConfig], Sandbox], client_for: ClientFor
) -> None:
    """drop_rate applies to creates: all are committed, none answered; reads are unaffected."""
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser("a@x.example")], drop_rate=1.0, seed=1))
    api = client_for(sb)
    for _ in range(3):
        with pytest.raises(httpx.RemoteProtocolError):
            api.post("users/me/meetings", json=BODY)
    assert len(sb.meetings()) == 3
    assert api.get("users/me").status_code == 200


def test_latency_can_make_a_client_time_out(api: httpx.Client, sandbox: Sandbox) -> None:
    """Added latency delays responses: a client with a shorter timeout gives up."""
    sandbox.faults.latency = 1.0
    with pytest.raises(httpx.ReadTimeout):
        api.get("users/me", timeout=0.05)


def test_jitter_delays_each_request_by_its_own_seeded_draw(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
) -> None:
    """jitter: each request waits the latency plus its own draw of up to ``jitter`` seconds
    (from the seeded generator, so a seed repeats a run) before it is counted and served."""
    sb = sandbox_factory(
        SandboxConfig(users=[SandboxUser("a@x.example")], latency=0.05, jitter=0.3, seed=3)
    )
    draws = random.Random(3)
    expected = [0.05 + draws.uniform(0.0, 0.3) for _ in range(4)]
    assert len({round(e, 3) for e in expected}) == 4  # the draws differ
    with httpx.Client(base_url=sb.base_url) as client:
        for wait in expected:
            started = time.monotonic()
            assert client.get("/v2/users/me").status_code == 401  # no token: still delayed
            assert time.monotonic() - started >= wait
    assert sb.faults.state()["jitter"] == 0.3


def test_admin_paths_inspect_and_control_the_sandbox(api: httpx.Client, sandbox: Sandbox) -> None:
    """/_sandbox/* adds users, arms faults, moves the clock and shows meetings and counters."""
    admin = httpx.Client(base_url=sandbox.base_url + "/_sandbox/")
    added = admin.post("users", json={"email": "dan@school.example", "licensed": True})
    assert added.status_code == 201 and len(added.json()["id"]) == 22
    assert any(u["email"] == "dan@school.example" for u in admin.get("users").json())
    assert api.post("users/dan@school.example/meetings", json=BODY).status_code == 201
    assert [m["host_email"] for m in admin.get("meetings").json()] == ["dan@school.example"]
    assert admin.get("counters").json()["meetingCreate"]["committed"] == 1
    armed = admin.post(
        "faults", json={"fail_next": {"operation": "user", "status": 503, "count": 1}}
    )
    assert armed.json()["fail_next"] == [{"operation": "user", "count": 1, "status": 503}]
    assert api.get("users/me").status_code == 503
    before = admin.get("clock").json()["now"]
    moved = admin.post("clock", json={"advance": 7200}).json()["now"]
    assert moved > before
    assert api.get("users/me").status_code == 401  # the token expired with the move
    assert admin.post("faults", json={"jitter": 0.02}).json()["jitter"] == 0.02
    cleared = admin.post("faults", json={"clear": True}).json()
    assert cleared["fail_next"] == [] and cleared["jitter"] == 0.0
    assert admin.post("users", json={"email": "dan@school.example"}).status_code == 400
    assert admin.get("nothing").status_code == 404
    admin.close()


def test_stop_cuts_keep_alive_connections(
    sandbox_factory: Callable[[SandboxConfig], Sandbox],
) -> None:
    """After stop(), a client's open connection is not served any more."""
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser("a@x.example")]))
    with httpx.Client(base_url=sb.base_url) as client:
        assert client.get("/_sandbox/health").status_code == 200
        sb.stop()
        with pytest.raises(httpx.TransportError):
            client.get("/_sandbox/health")
