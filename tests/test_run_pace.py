"""A run's fixed costs: the requests a run waits for go at once from an idle pacer, one
listing per host for rows never sent, and no workbook or calendar library loaded for a
CSV run that writes neither."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import RateLimits, RetryPolicy
from batchzoom.zoom.ratelimit import HEADROOM, Pacer
from tests.clocks import FakeTime
from tests.conftest import MakeSettings, quick_client, zoom_settings
from tests.rosters import session_rows, write_csv

HOSTS = ("alice@school.example", "bob@school.example", "carol@school.example")


def test_an_idle_pacer_sends_its_next_second_of_early_requests_at_once() -> None:
    fake = FakeTime()
    pacer = Pacer(20, clock=fake.clock, sleep=fake.sleep)
    sent = [pacer.acquire(early=True) for _ in range(25)]
    per_second = 20 * HEADROOM
    burst = math.ceil(per_second)  # the slots k / per_second within the first second
    assert burst < 25
    assert sent[:burst] == [100.0] * burst  # the burst: each took its slot, none waited for it
    assert sent[burst] == pytest.approx(100.0 + burst / per_second)  # then the even pace
    assert sent[-1] == pytest.approx(100.0 + 24 / per_second)  # the same end as without it
    fake.now += 5  # a quiet while: the next second goes at once again
    assert [pacer.acquire(early=True) for _ in range(3)] == [fake.now] * 3


def test_other_requests_keep_the_even_pace_and_a_429_ends_a_burst() -> None:
    fake = FakeTime()
    pacer = Pacer(10, clock=fake.clock, sleep=fake.sleep)
    assert len({pacer.acquire() for _ in range(3)}) == 3  # creates: one slot after another
    fake.now += 5
    pacer.acquire(early=True)
    pacer.slow_down()
    second = pacer.acquire(early=True)
    assert second > fake.now - 1e-9 > 105.0  # after the 429 the request waited for its slot
    fake.now += 0.5  # sent within the last second: not idle, no burst
    assert pacer.acquire(early=True) >= second + 1 / pacer.rate - 1e-9


def test_listings_and_user_lookups_go_early_and_creates_keep_the_pace(
    three_hosts: Sandbox,
) -> None:
    fake = FakeTime()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        fake.sleep(seconds)

    limits = RateLimits({"LIGHT": 10.0, "MEDIUM": 10.0}, clock=fake.clock, sleep=sleep)
    with quick_client(zoom_settings(three_hosts), limits=limits) as client:
        for host in HOSTS:
            client.listing(host)
        fake.now += 5  # LIGHT idle too
        for host in HOSTS:
            client.get_user(host)
        assert slept == []  # each went at once, in its own slot
        fake.now += 5
        for n in range(3):
            body = {"topic": f"T{n}", "type": 2, "start_time": "2027-05-03T00:00:00Z"}
            client.create_meeting(HOSTS[0], body)
        assert len(slept) == 2  # the second and third create waited for their slots


@settings(max_examples=60, deadline=None)
@given(
    rate=st.integers(min_value=1, max_value=100),
    calls=st.lists(
        st.tuples(st.sampled_from([0.0, 0.0, 0.0, 0.01, 0.3, 1.0, 2.5]), st.booleans()),
        min_size=2,
        max_size=300,
    ),
)
def test_early_requests_never_put_more_than_the_limit_in_any_second(
    rate: int, calls: list[tuple[float, bool]]
) -> None:
    fake = FakeTime()
    pacer = Pacer(rate, clock=fake.clock, sleep=fake.sleep)
    times = []
    for gap, early in calls:
        fake.now += gap  # callers arrive now and then, some after a quiet while
        times.append(pacer.acquire(early=early))
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t < start + 1.0) <= rate


@pytest.fixture
def three_hosts(sandbox_factory: Callable[..., Sandbox]) -> Sandbox:
    return sandbox_factory(SandboxConfig(users=[SandboxUser(email=h) for h in HOSTS]))


def test_rows_never_sent_are_looked_for_with_one_listing_per_host(
    tmp_path: Path, three_hosts: Sandbox, make_settings: MakeSettings
) -> None:
    """Before creating, each host is listed once: a row this journal never sent has no
    create of moments ago that Zoom's list might not show yet, so no second listing."""
    roster = write_csv(tmp_path / "r.csv", session_rows(6, HOSTS))
    # Real retry timing, so that the client waits out Zoom's listing lag when it must.
    settings = make_settings(three_hosts, rate=50, retry=RetryPolicy())
    report = schedule(load(roster, settings), settings)
    assert report.counts()["created"] == 6
    assert three_hosts.counters()["meetings"]["requests"] == len(HOSTS)


def test_a_csv_run_loads_no_workbook_or_calendar_library(tmp_path: Path) -> None:
    """Reading a CSV roster and writing its result sheet needs neither openpyxl (nor the
    numpy it loads) nor icalendar, nor the workbook writer."""
    roster = write_csv(tmp_path / "r.csv", session_rows(2, HOSTS))
    probe = (
        "import sys\n"
        "from batchzoom.engine.planning import load\n"
        "from batchzoom.engine.settings import resolve\n"
        "import batchzoom.engine.batch, batchzoom.engine.sync, batchzoom.api.runs\n"
        f"load({str(roster)!r}, resolve(allow_past=True))\n"
        "heavy = ('openpyxl', 'numpy', 'icalendar', 'batchzoom.files.xlsx')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert found.stdout.strip() == "[]"
