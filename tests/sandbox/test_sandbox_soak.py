"""Soak: many clients, a per-second limit and faults; afterwards store and counters agree.

The sandbox's clock is frozen and moved a second on by a client that meets the
per-second limit, so the test spends no wall-clock time waiting for windows to pass.
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser

HOSTS = 5
PER_HOST = 100  # exactly Zoom's daily create/update allowance per host
WORKERS = 8


@pytest.mark.slow
def test_five_hundred_creates_under_limits_and_faults(
    sandbox_factory: Callable[[SandboxConfig], Sandbox], token_for: Callable[[Sandbox], str]
) -> None:
    """500 creates over 5 hosts at 30/s with 5xx and dropped connections: every create is
    stored exactly once (drops count as committed), nothing refused is stored, and the
    counters match what the clients saw."""
    users = [SandboxUser(f"teacher{i:02d}@school.example") for i in range(HOSTS)]
    sb = sandbox_factory(
        SandboxConfig(
            users=users, qps=30, fault_rate=0.03, drop_rate=0.02, seed=20, frozen_clock=True
        )
    )
    token = token_for(sb)
    jobs: queue.Queue[tuple[str, str]] = queue.Queue()
    for n in range(PER_HOST):
        for user in users:
            jobs.put((user.email, f"{user.email} #{n}"))
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def work() -> None:
        with httpx.Client(
            base_url=sb.api_url + "/", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ) as client:
            while True:
                try:
                    email, topic = jobs.get_nowait()
                except queue.Empty:
                    return
                while True:
                    try:
                        response = client.post(f"users/{email}/meetings", json={"topic": topic})
                    except httpx.RemoteProtocolError:
                        with lock:
                            seen["drop"] += 1
                        break  # committed without an answer: retrying would duplicate it
                    with lock:
                        seen[str(response.status_code)] += 1
                        if response.status_code == 429:
                            seen[response.headers.get("X-RateLimit-Type", "none")] += 1
                    if response.status_code == 201:
                        break
                    assert response.status_code in (429, 500, 502, 503), response.text
                    if response.status_code == 429:
                        sb.clock.advance(1.0)  # the next per-second window

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    meetings = sb.meetings()
    assert sorted(m["topic"] for m in meetings) == sorted(
        f"{u.email} #{n}" for u in users for n in range(PER_HOST)
    )
    assert Counter(m["host_email"] for m in meetings) == {u.email: PER_HOST for u in users}
    counters = sb.counters()["meetingCreate"]
    assert counters["committed"] == len(meetings) == HOSTS * PER_HOST
    assert counters["responses"].get("201", 0) == seen["201"]
    assert counters["faults"].get("drop", 0) == seen["drop"] > 0
    assert seen["201"] + seen["drop"] == HOSTS * PER_HOST
    assert counters["rate_limited"] == {"QPS": seen["QPS"]}
    assert seen["QPS"] == seen["429"] > 0
    for status in ("500", "502", "503"):
        assert counters["faults"].get(status, 0) == seen[status]
    assert counters["requests"] == sum(seen[s] for s in ("201", "429", "500", "502", "503", "drop"))
    # Every host has used its daily allowance: one more create is refused and stores nothing.
    refused = httpx.post(
        f"{sb.api_url}/users/{users[0].email}/meetings",
        headers={"Authorization": f"Bearer {token}"},
        json={"topic": "one too many"},
    )
    while (
        refused.status_code in (500, 502, 503) or refused.headers.get("X-RateLimit-Type") == "QPS"
    ):
        sb.clock.advance(1.0)
        refused = httpx.post(
            f"{sb.api_url}/users/{users[0].email}/meetings",
            headers={"Authorization": f"Bearer {token}"},
            json={"topic": "one too many"},
        )
    assert refused.status_code == 429 and "daily rate limit (100)" in refused.json()["message"]
    assert len(sb.meetings()) == HOSTS * PER_HOST
