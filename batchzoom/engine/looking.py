"""Zoom's meetings as ``sync`` sees them before it plans: one listing per host.

Every live meeting the journal knows is looked for in its host's listing (hosts in
parallel); one a listing does not show (past, or a series, listed at its next occurrence
and without its rule) is read. A meeting Zoom no longer has is re-created by the plan; one
changed there is a conflict, or with ``--force`` is put back (see ``engine/sync.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from batchzoom.core.errors import AuthError, BatchzoomError, ZoomUnreachableError
from batchzoom.engine.audit import changed_on_zoom
from batchzoom.engine.journal import Entry
from batchzoom.engine.run import Run, looking
from batchzoom.files.results import ProgressCallback
from batchzoom.zoom.meetings import RECURRING, is_webinar_body


@dataclass
class _Listed:
    meetings: dict[int, dict[str, Any]]
    hosts: set[str]  # the hosts whose listing answered


def listings(run: Run, hosts: list[str], workers: int) -> _Listed:
    """One listing per host (hosts in parallel); a host whose listing fails is left out."""

    def listing(host: str) -> tuple[str, list[dict[str, Any]] | None]:
        if run.fatal is not None:
            return host, None
        try:
            return host, run.client.listing(host)
        except (AuthError, ZoomUnreachableError) as error:
            run.stop(error)
        except BatchzoomError:
            pass
        return host, None

    found = _Listed({}, set())
    if not hosts:
        return found
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(hosts)))) as pool:
        for host, meetings in pool.map(listing, hosts):
            if meetings is None:
                continue
            found.hosts.add(host)
            for meeting in meetings:
                with contextlib.suppress(KeyError, TypeError, ValueError):
                    found.meetings[int(meeting["id"])] = meeting
    return found


@dataclass
class ZoomView:
    """Zoom's meetings as one listing per host (and a read of each meeting a listing
    does not show) found them before the plan: ``None`` for a meeting Zoom no longer has."""

    meetings: dict[int, dict[str, Any] | None]
    listed: set[int]

    def shown(self, entry: Entry) -> tuple[str, ...] | None:
        """The fields changed on Zoom; None when the meeting was deleted there; () when
        Zoom was not asked (its host could not be listed)."""
        assert entry.meeting_id is not None
        if entry.meeting_id not in self.meetings:
            return ()
        meeting = self.meetings[entry.meeting_id]
        if meeting is None:
            return None
        return changed_on_zoom(entry, meeting, listed=entry.meeting_id in self.listed)


def look_at_zoom(
    run: Run,
    entries: Mapping[str, Entry],
    workers: int,
    progress: ProgressCallback | None = None,
) -> ZoomView:
    """Every live meeting of the journal as Zoom shows it now (a webinar is read on its own:
    the meetings' listing does not show it); ``progress`` hears of the look first."""
    live = [e for e in entries.values() if e.state == "created" and e.meeting_id is not None]
    hosts = sorted({e.host for e in live if not is_webinar_body(e.body)}, key=str.lower)
    looking(progress, len(live), hosts)
    listed = listings(run, hosts, workers)
    view = ZoomView({}, set())
    for entry in live:
        assert entry.meeting_id is not None
        webinar = is_webinar_body(entry.body)
        if not webinar and entry.host not in listed.hosts:
            continue  # the listing failed: nothing known, nothing concluded
        meeting = None if webinar else listed.meetings.get(entry.meeting_id)
        if meeting is not None and meeting.get("type") != RECURRING:
            view.meetings[entry.meeting_id] = meeting
            view.listed.add(entry.meeting_id)
            continue
        try:  # past, or a series (listed at its next occurrence, without its rule), a webinar
            view.meetings[entry.meeting_id] = run.client.get_meeting(
                entry.meeting_id, webinar=webinar
            )
        except (AuthError, ZoomUnreachableError):
            raise
        except BatchzoomError:
            continue
    return view
