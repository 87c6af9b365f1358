"""Zoom's account limits on registering people, planned before anything is sent.

**Registrants per meeting** (docs/zoom-facts.md#registrant-limits). A meeting holds at most
4,999 registrants (``REGISTRANTS_MAX``). The attendee sheet's own check
(``batchzoom.model.attendees``) keeps each session's rows within it, which is enough for a
meeting this run created: it holds only what batchzoom adds, so it costs no request. A
meeting that existed before this run may also hold registrants added by hand in Zoom or by
an earlier run; before adding anyone to it, its registrants of the statuses that count
(``COUNTED``) are listed (``batchzoom.engine.registrant_listing``): those already listed are
settled, not added, and the rest are split against the room the listing leaves
(``split_at_room``): the people past it are not sent.

**Daily pools** (docs/zoom-facts.md#rate-limits, and #registrant-limits for what is
uncertain). Zoom's published daily caps are per account: Pro and Business share one pool
between Heavy and Resource-intensive requests (30,000 and 60,000 a day), Free has one per
category (Light 6,000, Medium 2,000, Heavy 1,000); batchzoom assumes they reset at 00:00
UTC, as the per-host limit does. The batch endpoint is the only
Heavy call batchzoom makes (the Meetings spec's labels, ``zoomspec``); single additions are
Light. ``DailyPools`` starts from what the plan allows less what the journal counted of
batchzoom's own addition calls today, and hands out one call at a time in sheet order: a
call it refuses is deferred to 00:00 UTC without being sent. Other apps on the account, and
batchzoom runs with another journal, spend the same pool unseen: Zoom's own refusal still
holds back the rest of a run (``registrations._Held``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, TypeVar

from batchzoom import zoomspec
from batchzoom.core.i18n import _, ngettext
from batchzoom.model.attendees import REGISTRANTS_MAX

# The statuses that fill a meeting's 4,999: approved registrants, and pending ones (awaiting
# the host's approval, who take a place once approved). Denied and cancelled ones (Zoom files
# both under ``denied``) are not counted. No public source says which statuses Zoom counts:
# its one recorded refusal came at 5,000 approved registrants (devforum.zoom.us/t/45949);
# docs/zoom-facts.md#registrant-limits says what this assumes.
COUNTED: tuple[Literal["approved", "pending"], ...] = ("approved", "pending")

# Zoom's daily pools (zoomspec); a module name of its own, so that a test can shrink them.
DAILY_POOLS: Mapping[str, Mapping[str, tuple[str, int]]] = zoomspec.DAILY_POOLS

T = TypeVar("T")


def addition_category(*, batch: bool, webinar: bool = False) -> str:
    """The rate-limit category of one addition call (the Meetings spec's label)."""
    if batch:
        return zoomspec.rate_limit_label("addBatchRegistrants")
    return zoomspec.rate_limit_label(
        "webinarRegistrantCreate" if webinar else "meetingRegistrantCreate"
    )


def split_at_room(
    people: Sequence[T], held: int, limit: int = REGISTRANTS_MAX
) -> tuple[list[T], list[T]]:
    """``people`` (in sheet order) split into those the meeting still has room for, given
    the ``held`` registrants Zoom counts, and those past the limit."""
    room = max(0, limit - held)
    return list(people[:room]), list(people[room:])


def over_capacity_error(meeting_id: int, held: int, limit: int = REGISTRANTS_MAX) -> str:
    """The sentence on an attendee row the meeting has no room left for."""
    return ngettext(
        "Zoom takes at most {limit} registrants per meeting and meeting {meeting} has no room "
        "left for this person ({held} was already registered on Zoom), so they were not sent.",
        "Zoom takes at most {limit} registrants per meeting and meeting {meeting} has no room "
        "left for this person ({held} were already registered on Zoom), so they were not sent.",
        held,
    ).format(limit=f"{limit:,}", meeting=meeting_id, held=f"{held:,}")


class DailyPools:
    """What the plan's daily pools leave today, handed out one call at a time.

    ``used`` is the addition calls the journal counted today, by category. Not thread-safe:
    the plan is made before any call is sent.
    """

    def __init__(self, caps: Mapping[str, tuple[str, int]], used: Mapping[str, int]) -> None:
        self._caps = dict(caps)
        self._left: dict[str, int] = {}
        for pool, cap in self._caps.values():
            self._left.setdefault(pool, cap)
        for category, count in used.items():
            found = self._caps.get(category)
            if found is not None:
                self._left[found[0]] -= count

    @classmethod
    def for_plan(cls, plan: str, used: Mapping[str, int]) -> DailyPools:
        """Zoom's published pools of ``plan`` (``DAILY_POOLS``), less ``used``."""
        return cls(DAILY_POOLS.get(plan, {}), used)

    def take(self, category: str) -> bool:
        """Count one call of ``category``; False (counting nothing) when its pool is empty."""
        found = self._caps.get(category)
        if found is None:
            return True
        if self._left[found[0]] <= 0:
            return False
        self._left[found[0]] -= 1
        return True

    def cap(self, category: str) -> int | None:
        """The daily cap of the pool ``category`` draws on (None: no cap on this plan)."""
        found = self._caps.get(category)
        return found[1] if found is not None else None


def pool_deferred_error(category: str, cap: int, until: str) -> str:
    """The sentence on an attendee row a daily pool deferred before it was sent."""
    return _(
        "Zoom's daily limit of {cap} {category} requests for this account is used up today "
        "as far as batchzoom counted, so this person was not sent; the next run after {until} "
        "UTC registers them."
    ).format(cap=f"{cap:,}", category=zoomspec.CATEGORY_NAMES.get(category, category), until=until)


def pool_warning(count: int, category: str, cap: int, until: str) -> str:
    """The run's one line about the attendees a daily pool deferred before sending."""
    return ngettext(
        "{count} attendee was not sent: Zoom's daily limit of {cap} {category} requests for "
        "this account is used up today as far as batchzoom counted; run again after {until} "
        "UTC.",
        "{count} attendees were not sent: Zoom's daily limit of {cap} {category} requests for "
        "this account is used up today as far as batchzoom counted; run again after {until} "
        "UTC.",
        count,
    ).format(
        count=count,
        cap=f"{cap:,}",
        category=zoomspec.CATEGORY_NAMES.get(category, category),
        until=until,
    )
