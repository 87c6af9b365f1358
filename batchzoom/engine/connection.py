"""The run's one Zoom client: every step of a run (host checks, creates and updates,
registrations, reconcile's look-ups) sends through it, under one token and one pacer.

A caller that holds a client for longer (``batchzoom.Zoom``, or a command that opens one
for its whole run) puts it in ``Settings.client``; ``zoom_client`` then lends it to each
step and leaves it open. Otherwise a step opens its own on ``Settings.zoom`` and closes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import httpx

from batchzoom.engine.settings import Settings
from batchzoom.zoom.client import ZoomClient

MAX_CONNECTIONS = 64  # the most requests in flight a run allows (--concurrency's bound)


def open_client(
    options: Settings,
    *,
    workers: int = MAX_CONNECTIONS,
    transport: httpx.BaseTransport | None = None,
) -> ZoomClient:
    """A new client on ``options.zoom`` with the run's pacing, retry policy and clock."""
    if options.zoom is None:
        raise ValueError("the Zoom account (options.zoom) is needed to send anything")
    return ZoomClient(
        options.zoom,
        limits=options.limits(),
        retry=options.retry,
        max_connections=max(1, workers),
        transport=transport,
        now=options.now,
    )


@contextmanager
def zoom_client(
    options: Settings,
    *,
    workers: int = MAX_CONNECTIONS,
    transport: httpx.BaseTransport | None = None,
) -> Iterator[ZoomClient]:
    """The run's shared client when it has one (and no test ``transport`` is asked for),
    else a client of this step's own, closed when the step ends."""
    if options.client is not None and transport is None:
        yield options.client
        return
    with open_client(options, workers=workers, transport=transport) as client:
        yield client


@contextmanager
def sharing_client(options: Settings) -> Iterator[Settings]:
    """``options`` with one client opened for all the steps of a run (when it has an account
    and no client yet), closed when the run ends."""
    if options.client is not None or options.zoom is None:
        yield options
        return
    with open_client(options) as client:
        yield replace(options, client=client)
