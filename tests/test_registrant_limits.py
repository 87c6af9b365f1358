"""Zoom's account limits on registering, planned before sending: the registrants a meeting
already holds on Zoom, and the plan's daily pools of Heavy requests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from batchzoom.engine import registrant_limits
from batchzoom.engine.journal.registrants import RegistrantJournal
from batchzoom.engine.registrant_limits import (
    DAILY_POOLS,
    DailyPools,
    addition_category,
    over_capacity_error,
    split_at_room,
)
from batchzoom.engine.registrations import Target, register_all
from batchzoom.model.attendees import REGISTRANTS_MAX
from tests.test_registrations import NOW, Answer, FakeZoom, people


def test_the_people_past_the_room_left_are_split_off_in_sheet_order() -> None:
    assert split_at_room(["a", "b", "c", "d"], held=1, limit=3) == (["a", "b"], ["c", "d"])
    assert split_at_room(["a", "b"], held=5, limit=3) == ([], ["a", "b"])
    assert split_at_room(["a", "b"], held=0, limit=3) == (["a", "b"], [])


def test_a_meeting_that_existed_is_listed_on_zoom_and_the_excess_not_sent(
    tmp_path: Path,
) -> None:
    zoom = FakeZoom()
    zoom.by_hand[(111, "approved")] = REGISTRANTS_MAX - 10  # added by hand in Zoom
    zoom.by_hand[(111, "pending")] = 2  # awaiting the host's approval: they count too
    zoom.by_hand[(111, "denied")] = 500  # cancelled or denied: they do not
    target = Target("ONE", 111, batch=True, existing=True)
    with RegistrantJournal(tmp_path / "j.db", account="acct", now=lambda: NOW) as journal:
        earlier = register_all(zoom, journal, [target], people("ONE", 4), now=lambda: NOW)
        assert earlier.added == 4  # batchzoom's own: Zoom now holds 4,989 + 2 + 4
        zoom.calls.clear()
        sheet = people("ONE", 20)  # the 4 of before and 16 new ones; room for 4 of them
        result = register_all(zoom, journal, [target], sheet, now=lambda: NOW, workers=1)
        records = journal.of(111)
    assert zoom.calls == [
        ("list pending", 111, 0),
        ("list approved", 111, 0),  # one listing per status that counts, nothing more
        ("batch", 111, 4),
    ]
    assert (result.added, result.existing, result.failed) == (4, 4, 12)
    refused = [r for r in result.records if r.state == "failed"]
    assert [r.excel_row for r in refused] == [person.row for person in sheet[8:]]
    assert all(
        r.error
        == "Zoom takes at most 4,999 registrants per meeting and meeting 111 has no room left "
        "for this person (4,995 were already registered on Zoom), so they were not sent."
        for r in refused
    )
    assert sum(record.state == "failed" for record in records.values()) == 12  # journalled


def test_a_meeting_made_this_run_costs_no_count(tmp_path: Path) -> None:
    zoom = FakeZoom()
    fresh = Target("ONE", 111, batch=True)  # existing=False: this run created it
    with RegistrantJournal(tmp_path / "j.db", account="acct", now=lambda: NOW) as journal:
        result = register_all(zoom, journal, [fresh], people("ONE", 31), now=lambda: NOW)
    assert [call[0] for call in zoom.calls] == ["batch", "batch"]
    assert result.added == 31


def test_a_meeting_with_nothing_new_to_add_costs_no_count(tmp_path: Path) -> None:
    zoom = FakeZoom()
    target = Target("ONE", 111, batch=True, existing=True)
    with RegistrantJournal(tmp_path / "j.db", account="acct", now=lambda: NOW) as journal:
        register_all(
            zoom, journal, [replace(target, existing=False)], people("ONE", 3), now=lambda: NOW
        )
        zoom.calls.clear()
        result = register_all(zoom, journal, [target], people("ONE", 3), now=lambda: NOW)
    assert zoom.calls == []
    assert result.existing == 3


def test_the_pools_start_from_the_plan_less_what_the_journal_counted() -> None:
    pools = DailyPools({"HEAVY": ("H+R", 3), "RESOURCE-INTENSIVE": ("H+R", 3)}, {"HEAVY": 1})
    assert [pools.take("HEAVY") for _ in range(3)] == [True, True, False]
    assert pools.take("LIGHT")  # no daily cap on this category
    assert pools.cap("HEAVY") == 3 and pools.cap("LIGHT") is None
    shared = DailyPools(
        {"HEAVY": ("H+R", 2), "RESOURCE-INTENSIVE": ("H+R", 2)}, {"RESOURCE-INTENSIVE": 2}
    )
    assert not shared.take("HEAVY")  # one pool for both categories on Pro and Business
    assert DailyPools.for_plan("pro", {}).cap("HEAVY") == 30_000
    assert DailyPools.for_plan("business", {}).cap("HEAVY") == 60_000
    free = DailyPools.for_plan("free", {})
    assert (free.cap("LIGHT"), free.cap("MEDIUM"), free.cap("HEAVY")) == (6_000, 2_000, 1_000)
    assert DAILY_POOLS["pro"].get("LIGHT") is None  # Pro's Light requests have no daily cap
    assert addition_category(batch=True) == "HEAVY"
    assert addition_category(batch=False) == "LIGHT"


def test_batches_past_the_heavy_pool_are_deferred_before_sending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        registrant_limits, "DAILY_POOLS", {"pro": {"HEAVY": ("HEAVY+RESOURCE-INTENSIVE", 2)}}
    )
    zoom = FakeZoom()
    targets = [Target("ONE", 111, batch=True), Target("SERIES", 222, batch=False)]
    attendees = people("ONE", 65) + people("SERIES", 2)
    with RegistrantJournal(tmp_path / "j.db", account="acct", now=lambda: NOW) as journal:
        first = register_all(zoom, journal, targets, attendees, now=lambda: NOW, workers=1)
        assert [c for c in zoom.calls if c[0] == "batch"] == [("batch", 111, 30)] * 2
        assert (first.added, first.deferred) == (62, 5)  # the third batch waits; Light adds go
        assert first.warnings == [
            "5 attendees were not sent: Zoom's daily limit of 2 Heavy requests for this "
            "account is used up today as far as batchzoom counted; run again after "
            "2026-09-02 00:00 UTC."
        ]
        waiting = [r for r in first.records if r.state == "deferred"]
        assert {r.resume_at for r in waiting} == {datetime(2026, 9, 2, tzinfo=UTC)}
        zoom.calls.clear()
        again = register_all(zoom, journal, targets, attendees, now=lambda: NOW, workers=1)
        assert zoom.calls == []  # the journal knows today's two batches
        assert again.deferred == 5
    tomorrow = NOW + timedelta(days=1)
    with RegistrantJournal(tmp_path / "j.db", account="acct", now=lambda: tomorrow) as journal:
        later = register_all(zoom, journal, targets, attendees, now=lambda: tomorrow, workers=1)
    assert zoom.calls == [("batch", 111, 5)]
    assert (later.added, later.existing, later.deferred) == (5, 62, 0)
    assert later.warnings == []


def test_the_limits_are_named_in_korean_too() -> None:
    from batchzoom.core.i18n import use_language

    with use_language("ko"):
        full = registrant_limits.over_capacity_error(111, 4995)
        pooled = registrant_limits.pool_deferred_error("HEAVY", 30_000, "2026-09-02 00:00")
        line = registrant_limits.pool_warning(5, "HEAVY", 30_000, "2026-09-02 00:00")
    assert full == (
        "Zoom은 회의마다 등록자를 최대 4,999명까지 받는데 회의 111에는 이 사람을 위한 자리가 "
        "남지 않아(Zoom에 이미 4,995명 등록됨) 이 사람은 보내지 않았습니다."
    )
    assert "하루 Heavy 요청 한도 30,000건" in pooled and "2026-09-02 00:00 UTC" in pooled
    assert line.startswith("참석자 5명을 보내지 않았습니다.")


def test_a_daily_limit_on_the_listing_defers_the_meetings_people_until_it_resets(
    tmp_path: Path,
) -> None:
    from batchzoom.zoom import DailyLimitError

    resume = datetime(2026, 9, 2, tzinfo=UTC)

    class Limited(FakeZoom):
        def list_registrants(
            self, meeting_id: int, *, status: str = "approved", webinar: bool = False
        ) -> list[Answer]:
            if meeting_id == 111:
                raise DailyLimitError(None, resume, "Daily limit reached")
            return super().list_registrants(meeting_id, status=status, webinar=webinar)

    zoom = Limited()
    targets = [Target("ONE", 111, batch=True, existing=True), Target("TWO", 222, batch=True)]
    with RegistrantJournal(tmp_path / "j.db", account="acct", now=lambda: NOW) as journal:
        result = register_all(
            zoom, journal, targets, people("ONE", 2) + people("TWO", 1), now=lambda: NOW
        )
    assert (result.added, result.deferred, result.failed) == (1, 2, 0)  # TWO went on
    waiting = [r for r in result.records if r.state == "deferred"]
    assert {r.resume_at for r in waiting} == {resume}
    assert {r.error for r in waiting} == {
        "Zoom's daily limit refused listing the registrants of meeting 111, so this person "
        "was not sent; the next run after 2026-09-02 00:00 UTC registers them."
    }
    assert [c for c in zoom.calls if c[0] == "batch"] == [("batch", 222, 1)]


def test_the_room_left_is_worded_for_one_registrant_too() -> None:
    assert over_capacity_error(111, 1, limit=1) == (
        "Zoom takes at most 1 registrants per meeting and meeting 111 has no room left for "
        "this person (1 was already registered on Zoom), so they were not sent."
    )
