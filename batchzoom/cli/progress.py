"""A run's progress on stderr: rows done of total, rate, time left and counts by outcome.

On a terminal a ``rich`` progress bar updates in place; in a log (stderr not a terminal)
one plain line is written every few seconds, and once at the end. Each host that Zoom's
daily limit holds back gets one line of its own, with the time it resumes. ``--quiet``
shows nothing (the commands then pass no display at all).

``rich`` is imported when a display is made, not when the CLI starts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from batchzoom.core.i18n import _, ngettext
from batchzoom.model.local_times import local_then_utc

if TYPE_CHECKING:
    from batchzoom.files.results import Progress

TOPIC_CELLS = 24  # the width of the current-row column, in terminal cells
LOG_EVERY = 5.0  # seconds between two plain lines
WIDE = 110  # terminal cells from which the bar also shows the current row's topic


def duration_text(seconds: float) -> str:
    """``1h02m``, ``3m05s``, ``12s``: a time left as people read it."""
    hours, rest = divmod(max(round(seconds), 0), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def fit(text: str, cells: int) -> str:
    """``text`` cut or padded to exactly ``cells`` terminal cells (Hangul takes two)."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > cells:
        return set_cell_size(text, cells - 1) + "…"
    return set_cell_size(text, cells)


class RunProgress:
    """The progress callback of a run; call ``close`` when the run ends.

    On a terminal, before the first row, it says what the run is doing (looking at each
    host's meetings on Zoom), in a line that gives way to the bar; the rate counts from when sending began, so that time spent before (the
    look, a ``sync`` waiting at its prompt) does not drag it down.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        live: bool,
        every: float = LOG_EVERY,
        clock: Callable[[], float] = time.monotonic,
        width: int | None = None,
    ) -> None:
        from rich.console import Console

        self.live = live
        self.every = every
        self.clock = clock
        self.started = clock()
        self.sending_since: float | None = None
        self.last_line: float | None = None
        self.latest: Progress | None = None
        self.printed: Progress | None = None  # the progress of the last plain line
        self.held: dict[str, datetime | None] = {}
        self.console = Console(
            file=stream,
            force_terminal=live,
            no_color=not live,
            highlight=False,
            width=width,
            soft_wrap=True,  # a log line is never broken in two
        )
        self.bar: Any = None
        self.task: Any = None
        self.status: Any = None  # what the run does before its first row, on a terminal

    def _end_status(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None

    def _bar(self) -> tuple[Any, Any]:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        columns = [
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn(_("ETA")),
            TimeRemainingColumn(compact=True),
            TextColumn("{task.fields[counts]}"),
        ]
        if self.console.width >= WIDE:  # room for the row being sent
            columns.append(TextColumn("{task.fields[topic]}"))
        bar = Progress(*columns, console=self.console, transient=False)
        task = bar.add_task("rows", total=None, counts="", rate="", topic=fit("", TOPIC_CELLS))
        return bar, task

    # -- what a run reports ---------------------------------------------------------------

    def __call__(self, progress: Progress) -> None:
        if progress.stage == "looking":
            if self.live and self.status is None:  # on a terminal, until the first row
                self.status = self.console.status(self.looking(progress.hosts))
                self.status.start()
            return
        self._end_status()
        if self.sending_since is None:  # the run's first word that sending began
            self.sending_since = self.clock() if progress.done == 0 else self.started
        self.latest = progress
        outcome = progress.outcome
        if outcome is not None and outcome.status == "deferred" and outcome.host:
            self.deferred(outcome.host, outcome.resume_at, outcome.timezone)
        if self.live:
            if self.bar is None:
                self.bar, self.task = self._bar()
                self.bar.start()
            topic = (outcome.topic or "") if outcome is not None else ""
            self.bar.update(
                self.task,
                total=progress.total + progress.earlier,
                completed=progress.done + progress.earlier,
                counts=self.counts(progress),
                rate=_("{rate:.1f}/s").format(rate=self.rate(progress)),
                topic=fit(topic, TOPIC_CELLS),
            )
            return
        if progress.done == 0:  # sending begins: the first row's line says more
            return
        now = self.clock()
        if self.last_line is None or now - self.last_line >= self.every:
            self.last_line = now
            self.printed = progress
            self.console.print(self.line(progress), markup=False)

    @staticmethod
    def looking(hosts: int) -> str:
        return ngettext(
            "Looking at the meetings of {count} host on Zoom first (for any an earlier run "
            "made)...",
            "Looking at the meetings of {count} hosts on Zoom first (for any an earlier run "
            "made)...",
            hosts,
        ).format(count=hosts)

    def deferred(self, host: str, resume_at: datetime | None, zone: str | None = None) -> None:
        """Say once per host that Zoom's daily limit holds it back, and until when: in the
        zone of its rows (``zone``), then in UTC."""
        if host.lower() in self.held:
            return
        self.held[host.lower()] = resume_at
        if resume_at is None:
            text = _(
                "Host {host} reached Zoom's daily limit: its rows are deferred until tomorrow."
            )
        else:
            text = _("Host {host} reached Zoom's daily limit: its rows are deferred until {until}.")
        until = local_then_utc(resume_at, zone) if resume_at else ""
        self.console.print(text.format(host=host, until=until), markup=False)

    def close(self) -> None:
        """Stop the bar (it stays on screen); in a log, write the last line unless it is
        already the last one written."""
        self._end_status()
        if self.bar is not None:
            self.bar.stop()
            return
        latest = self.latest
        if not self.live and latest is not None and latest is not self.printed and latest.done:
            self.console.print(self.line(latest), markup=False)

    # -- words ----------------------------------------------------------------------------

    def rate(self, progress: Progress) -> float:
        since = self.started if self.sending_since is None else self.sending_since
        return progress.done / max(self.clock() - since, 1e-6)

    @staticmethod
    def counts(progress: Progress) -> str:
        """Counts by outcome; a sync's updates and cancellations once it has any."""
        shown = [_("created {count}").format(count=progress.created)]
        if progress.updated:
            shown.append(_("updated {count}").format(count=progress.updated))
        if progress.cancelled:
            shown.append(_("cancelled {count}").format(count=progress.cancelled))
        shown += [
            _("failed {count}").format(count=progress.failed),
            _("deferred {count}").format(count=progress.deferred),
        ]
        return " · ".join(shown)

    def line(self, progress: Progress) -> str:
        """One plain line for a log: done of total (earlier runs' rows included), rate,
        time left, counts."""
        rate = self.rate(progress)
        left = progress.total - progress.done
        eta = duration_text(left / rate) if rate > 0 and left else "-"
        return _("{done}/{total} rows, {rate:.1f} rows/s, ETA {eta}: {counts}").format(
            done=progress.done + progress.earlier,
            total=progress.total + progress.earlier,
            rate=rate,
            eta=eta,
            counts=self.counts(progress),
        )


def display(stream: TextIO, *, quiet: bool) -> RunProgress | None:
    """The progress display for ``stream``: a bar on a terminal, lines in a log, or none."""
    if quiet:
        return None
    return RunProgress(stream, live=stream.isatty())
