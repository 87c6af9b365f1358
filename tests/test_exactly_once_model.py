"""Issue 21's rule as a model: random sheet edits, syncs killed after N write requests.

A hypothesis state machine edits a three-row sheet of two hosts (retitles, moves, host
changes, cancels, removals, inserts, repeat rules), runs syncs
that die after a random number of write requests (before or after Zoom acts), and after
every sync that finishes checks Zoom's state as the sandbox itself holds it: one live
meeting per live row with the sheet's values; no meeting deleted unless its row was
cancelled, removed (``--delete-missing``) or moved to another host; a second sync sends
nothing. ``python scripts/exactly_once.py --examples 500`` runs it longer.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from batchzoom.engine.planning import load
from batchzoom.engine.settings import resolve
from batchzoom.engine.sync import sync
from batchzoom.sandbox import Sandbox, SandboxConfig
from tests.conftest import FAST, TEST_NOW, sandbox_users, zoom_settings
from tests.crashes import Crash
from tests.rosters import write_csv

HOSTS = ("alice@school.example", "bob@school.example")
HEADERS = (
    "ID", "Topic", "Start", "Time zone", "Duration", "Host", "Agenda", "Status", "Repeat",
    "End times",
)  # fmt: skip
WRITES = {"POST", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Row:
    id: str
    topic: str
    hour: int
    host: str
    agenda: str = ""
    cancelled: bool = False
    weekly: bool = False

    def cells(self) -> list[str]:
        return [
            self.id,
            self.topic,
            f"2027-05-03 {self.hour:02d}:00",
            "UTC",
            "50",
            self.host,
            self.agenda,
            "cancelled" if self.cancelled else "",
            "weekly" if self.weekly else "",
            "3" if self.weekly else "",
        ]


class KillAfter(httpx.BaseTransport):
    """Real HTTP; the process 'dies' at the ``n``th write request (before or after Zoom acts)."""

    def __init__(self, n: int, after: bool) -> None:
        self.inner = httpx.HTTPTransport()
        self.n, self.after, self.seen = n, after, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method in WRITES and "/oauth" not in request.url.path:
            self.seen += 1
            if self.seen == self.n and not self.after:
                raise Crash
            if self.seen == self.n:
                self.inner.handle_request(request).read()
                raise Crash
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class ExactlyOnce(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.roster = Path(self.folder.name) / "term.csv"
        self.sb = Sandbox(SandboxConfig(users=sandbox_users(), qps=FAST)).start()
        self.sb.clock.set(TEST_NOW)
        self.rows: dict[str, Row] = {}
        self.count = 0
        self.seen: dict[str, tuple[int, str]] = {}  # row id -> (meeting id, host) after a sync

    def teardown(self) -> None:
        self.sb.stop()
        self.folder.cleanup()

    def _write(self) -> None:
        write_csv(self.roster, [r.cells() for r in self.rows.values()], HEADERS)

    def _sync(self, transport: httpx.BaseTransport | None = None) -> Any:
        options = replace(
            resolve(None, allow_past=True, rate=1000, delete_missing=True),
            zoom=zoom_settings(self.sb),
            now=self.sb.clock.now,
        )
        return sync(load(self.roster, options), options, transport=transport)

    def _writes(self) -> int:
        counters = self.sb.counters()
        return sum(
            int(counters.get(e, {}).get("requests", 0))
            for e in ("meetingCreate", "meetingUpdate", "meetingDelete")
        )

    @initialize(n=st.integers(1, 3), hosts=st.lists(st.sampled_from(HOSTS), min_size=3))
    def start(self, n: int, hosts: list[str]) -> None:
        for _ in range(n):
            self.insert(hosts[self.count % len(hosts)])
        self.finish()

    @rule(host=st.sampled_from(HOSTS))
    def insert(self, host: str) -> None:
        if len(self.rows) < 3:
            key = f"S{self.count}"
            self.rows[key] = Row(key, f"Class {key}", 9 + self.count, host)
            self.count += 1
        self._write()

    @rule(data=st.data(), edit=st.sampled_from(["retitle", "move", "host", "cancel", "agenda",
                                                  "weekly", "remove"]))  # fmt: skip
    def edit(self, data: st.DataObject, edit: str) -> None:
        if not self.rows:
            return
        key = data.draw(st.sampled_from(sorted(self.rows)))
        row = self.rows[key]
        if edit == "remove":
            if len(self.rows) > 1:  # a sheet with no rows is refused (InputError)
                del self.rows[key]
        else:
            if edit == "cancel":
                # A sync between cancelling and restoring the row may have deleted its meeting
                # (then the restored row gets a new one): it need not keep its meeting.
                self.seen.pop(key, None)
            self.rows[key] = {
                "retitle": lambda: replace(row, topic=row.topic + "'"),
                "move": lambda: replace(row, hour=(row.hour + 1) % 24),
                "host": lambda: replace(row, host=HOSTS[1 - HOSTS.index(row.host)]),
                "cancel": lambda: replace(row, cancelled=not row.cancelled),
                "agenda": lambda: replace(row, agenda="" if row.agenda else "Unit 2"),
                "weekly": lambda: replace(row, weekly=not row.weekly),
            }[edit]()
        self._write()

    @rule(n=st.integers(1, 4), after=st.booleans())
    def killed_sync(self, n: int, after: bool) -> None:
        with contextlib.suppress(Crash):
            self._sync(KillAfter(n, after))

    @rule()
    def finish(self) -> None:
        """A sync that runs to the end, then a second that must send nothing."""
        self._sync()
        report = self._sync()
        before = self._writes()
        assert self._sync().plan.steps == [] and self._writes() == before, report.plan.steps
        self.check()

    def check(self) -> None:
        meetings = {int(m["id"]): m for m in self.sb.meetings()}
        live = [r for r in self.rows.values() if not r.cancelled]
        by_topic = {m["topic"]: m for m in meetings.values()}
        assert len(meetings) == len(live), (sorted(by_topic), [r.topic for r in live])
        for row in live:
            meeting = by_topic.get(row.topic)
            assert meeting is not None, (row, sorted(by_topic))
            assert meeting["host_email"] == row.host
            assert meeting["start_time"] == f"2027-05-03T{row.hour:02d}:00:00Z" or row.weekly
            assert (meeting["agenda"] or "") == row.agenda
            assert ("recurrence" in meeting) == row.weekly
            earlier = self.seen.get(row.id)
            if earlier is not None and earlier[1] == row.host and row.id in self.rows:
                assert int(meeting["id"]) == earlier[0], "a row kept its host but lost its meeting"
        self.seen = {
            r.id: (int(by_topic[r.topic]["id"]), r.host) for r in live if r.topic in by_topic
        }


def machine_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


TestExactlyOnce = ExactlyOnce.TestCase
TestExactlyOnce.settings = machine_settings(6)
