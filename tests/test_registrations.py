"""Registering attendees: journalled like creates, never added twice, within the daily quota."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl

from batchzoom.engine.journal.registrants import RegistrantJournal
from batchzoom.engine.registrations import BATCH_MAX, Target, register_all
from batchzoom.files.attendee_results import AttendeeResult, write_attendee_results
from batchzoom.files.attendees import read_attendees
from batchzoom.model.attendees import Attendee
from batchzoom.zoom import InDoubtError

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Answer:
    email: str
    registrant_id: str
    join_url: str | None


class FakeZoom:
    """Zoom's registrant calls as recorded (see batchzoom/sandbox/registrants.py): re-adding
    returns the same registrant; ``lose_after`` adds people, then loses the answer."""

    def __init__(self) -> None:
        self.registrants: dict[tuple[int, str], Answer] = {}
        self.calls: list[tuple[str, int, int]] = []  # (operation, meeting, people)
        self.adds: dict[tuple[int, str], int] = {}
        self.lose_after: int | None = None
        self.by_hand: dict[tuple[int, str], int] = {}  # (meeting, status): added in Zoom itself

    def _add(self, meeting_id: int, body: Mapping[str, Any]) -> Answer:
        key = (meeting_id, str(body["email"]).casefold())
        self.adds[key] = self.adds.get(key, 0) + 1
        number = len(self.registrants) + 1
        link = f"https://zoom.example/w/{meeting_id}?tk={number}"
        return self.registrants.setdefault(key, Answer(str(body["email"]), f"r{number}", link))

    def _maybe_lose(self) -> None:
        if self.lose_after is not None:
            self.lose_after -= 1
            if self.lose_after < 0:
                self.lose_after = None
                raise InDoubtError("the connection was reset")

    def add_registrant(
        self, meeting_id: int, body: Mapping[str, Any], *, webinar: bool = False
    ) -> Answer:
        self.calls.append(("add", meeting_id, 1))
        answer = self._add(meeting_id, body)
        self._maybe_lose()
        return answer

    def batch_registrants(
        self, meeting_id: int, registrants: Sequence[Mapping[str, Any]], *, auto_approve: bool
    ) -> list[Answer]:
        assert len(registrants) <= BATCH_MAX
        self.calls.append(("batch", meeting_id, len(registrants)))
        answers = [self._add(meeting_id, body) for body in registrants]
        self._maybe_lose()
        return answers

    def list_registrants(
        self, meeting_id: int, *, status: str = "approved", webinar: bool = False
    ) -> list[Answer]:
        self.calls.append((f"list {status}", meeting_id, 0))
        hand = [
            Answer(f"hand{n}-{status}@zoom.example", f"h{status}{n}", None)
            for n in range(self.by_hand.get((meeting_id, status), 0))
        ]
        ours = [r for (m, _), r in self.registrants.items() if m == meeting_id]
        return hand + (ours if status == "approved" else [])

    def update_registrant_status(
        self, meeting_id: int, action: str, registrants: Any, *, webinar: bool = False
    ) -> None:
        self.calls.append((action, meeting_id, len(registrants)))


def people(session: str, count: int) -> list[Attendee]:
    return [Attendee(n + 2, session, f"P{n}@example.com", f"P{n}") for n in range(count)]


TARGETS = [Target("ONE", 111, batch=True), Target("SERIES", 222, batch=False)]


def test_a_lost_answer_and_a_rerun_register_everyone_exactly_once(tmp_path: Path) -> None:
    zoom = FakeZoom()
    attendees = people("ONE", 65) + people("SERIES", 4)
    zoom.lose_after = 1  # the second batch's answer is lost
    with RegistrantJournal(tmp_path / "j.db", account="acct", now=lambda: NOW) as journal:
        first = register_all(zoom, journal, TARGETS, attendees, now=lambda: NOW, workers=1)
    assert (first.added, first.in_doubt) == (65 - 30 + 4, 30)
    assert [c for c in zoom.calls if c[0] == "batch"] == [
        ("batch", 111, 30),
        ("batch", 111, 30),
        ("batch", 111, 5),
    ]
    zoom.calls.clear()
    with RegistrantJournal(tmp_path / "j.db", account="acct", now=lambda: NOW) as journal:
        second = register_all(zoom, journal, TARGETS, attendees, now=lambda: NOW, workers=1)
        records = journal.all()
    # The rerun settles the lost batch from Zoom's list and sends nothing.
    assert zoom.calls == [("list pending", 111, 0), ("list approved", 111, 0)]
    assert (second.added, second.existing, second.in_doubt) == (0, 69, 0)
    assert set(zoom.adds.values()) == {1}  # nobody's quota spent twice
    assert len(records) == 69 and {r.state for r in records} == {"added"}
    assert all(r.join_url and r.registrant_id for r in records)


def test_a_person_whose_quota_is_spent_is_deferred_to_midnight_utc(tmp_path: Path) -> None:
    zoom = FakeZoom()
    attendee = people("SERIES", 1)
    with RegistrantJournal(tmp_path / "j.db", account="acct", now=lambda: NOW) as journal:
        for _ in range(3):  # three additions whose answers were all lost
            journal.intend(222, [(attendee[0].email, "SERIES", 2)])
        journal.record(
            journal.of(222)["p0@example.com"].__class__(
                meeting_id=222, email="p0@example.com", session="SERIES", excel_row=2,
                state="failed", error="refused",
            )
        )  # fmt: skip
        result = register_all(zoom, journal, TARGETS, attendee, now=lambda: NOW, workers=1)
        record = journal.of(222)["p0@example.com"]
    assert zoom.calls == []
    assert result.deferred == 1
    assert record.state == "deferred"
    assert record.resume_at == datetime(2026, 9, 2, tzinfo=UTC)


def test_results_are_written_into_the_attendee_sheet_only(tmp_path: Path) -> None:
    path = tmp_path / "events.xlsx"
    book = openpyxl.Workbook()
    roster = book.active
    assert roster is not None
    roster.append(["id", "topic"])
    roster.append(["ONE", "Korean"])
    sheet = book.create_sheet("Attendees")
    sheet.append(["id", "email", "first_name", "Note"])
    sheet.append(["ONE", "a@example.com", "A", "keep me"])
    sheet.append(["all", "b@example.com", "B", 42])
    book.save(path)
    table = read_attendees(path, sheet="Attendees")
    target = tmp_path / "events.scheduled.xlsx"
    write_attendee_results(
        table.source,
        [
            AttendeeResult(2, "ONE", "added", "r1", "https://zoom.example/w/1?tk=1"),
            AttendeeResult(3, "TWO", "deferred", error="later"),
            AttendeeResult(3, "ONE", "added", "r2", "https://zoom.example/w/1?tk=2"),
        ],
        target,
    )  # a workbook of its own: the result is a copy of it
    written = openpyxl.load_workbook(target)
    assert [[c.value for c in row] for row in written["Attendees"].iter_rows()] == [
        ["id", "email", "first_name", "Note", "zoom_registrant_id", "zoom_join_url",
         "zoom_status", "zoom_error"],
        ["ONE", "a@example.com", "A", "keep me", "r1", "https://zoom.example/w/1?tk=1",
         "added", None],
        ["all", "b@example.com", "B", 42, "r2", "https://zoom.example/w/1?tk=2",
         "added; deferred", "later"],
    ]  # fmt: skip
    assert [[c.value for c in row] for row in written["Sheet"].iter_rows()] == [
        ["id", "topic"],
        ["ONE", "Korean"],
    ]


def test_results_are_appended_to_an_attendee_csv_keeping_every_other_byte(
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes('id;email;이름\r\nONE;"a@example.com";  Ann \r\n'.encode())
    table = read_attendees(path)
    target = tmp_path / "people.registered.csv"
    write_attendee_results(
        table.source, [AttendeeResult(2, "ONE", "added", "r1", "https://z.example/w?tk=1")], target
    )
    assert target.read_bytes().decode() == (
        "id;email;이름;zoom_registrant_id;zoom_join_url;zoom_status;zoom_error\r\n"
        'ONE;"a@example.com";  Ann ;r1;https://z.example/w?tk=1;added;\r\n'
    )
