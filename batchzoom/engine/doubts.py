"""Settling the creates an interrupted run left in doubt, by what the journal says was sent.

A run killed after sending a create, before reading its answer, leaves the row's journal
entry at ``intent`` with the body it sent and the host it sent it for. The sheet may have
changed since (a new topic, start or host, a cancellation): looking for the meeting by the
row's new values would miss it and create a duplicate. So ``sync`` settles these entries
first, against Zoom, from the journal alone: each is looked for in its host's listing by
the topic and start it was sent with. A meeting found is journalled as the row's (with the
body sent, so the plan that follows sees what to change); none found, the create is known
never to have happened. Only then is the plan computed from the sheet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from batchzoom.engine.journal import Entry, Journal
from batchzoom.zoom import ZoomClient
from batchzoom.zoom.meetings import RECURRING, WEBINAR_RECURRING, is_webinar_body


def in_doubt(entries: Mapping[str, Entry]) -> list[Entry]:
    """The entries whose create was sent and never confirmed."""
    return [
        entry
        for entry in entries.values()
        if entry.state == "intent" and entry.meeting_id is None and entry.body is not None
    ]


def is_sent_meeting(meeting: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    """Whether a listed meeting is the one created from ``body``.

    Zoom lists a meeting at its start; a series at its next occurrence; and a meeting
    created with a start already past at the time of its creation (see ``is_meeting_of``).
    """
    if meeting.get("topic") != body.get("topic"):
        return False
    listed, sent = str(meeting.get("start_time", "")), str(body.get("start_time", ""))
    if listed == sent:
        return True
    same_length = meeting.get("duration") == body.get("duration")
    if body.get("type") in {RECURRING, WEBINAR_RECURRING}:
        return same_length and listed >= sent
    created = str(meeting.get("created_at", ""))
    return bool(created) and sent < created and listed >= sent and same_length


def settle_doubts(client: ZoomClient, journal: Journal, claimed: set[int]) -> int:
    """Settle every create in doubt (one listing per host); returns how many were found."""
    doubts = in_doubt(journal.entries())
    # A host's webinars are listed apart from its meetings (``GET /users/{userId}/webinars``).
    by_host: dict[tuple[str, bool], list[Entry]] = defaultdict(list)
    for entry in doubts:
        by_host[(entry.host, is_webinar_body(entry.body))].append(entry)
    found = 0
    for (host, webinar), entries in sorted(by_host.items()):

        def complete(meetings: list[dict[str, Any]], entries: list[Entry] = entries) -> bool:
            return all(any(is_sent_meeting(m, e.body or {}) for m in meetings) for e in entries)

        if webinar:
            listed = [dict(w.raw) for w in client.settling_webinars(host, complete)]
        else:
            listed = client.settling_listing(host, complete)
        for entry in entries:
            assert entry.body is not None
            candidates = [
                m for m in listed if int(m["id"]) not in claimed and is_sent_meeting(m, entry.body)
            ]
            if not candidates:
                journal.record_absent(entry.row_key)
                continue
            meeting_id = int(candidates[0]["id"])
            claimed.add(meeting_id)
            journal.record_created(
                entry.row_key,
                client.get_meeting(meeting_id, webinar=webinar) or dict(candidates[0]),
            )
            found += 1
    return found
