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
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

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
    """The progress callback of a run; call ``close`` when the run ends."""

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
        self.last_line: float | None = None
        self.latest: Progress | None = None
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
        if live:
            self.bar, self.task = self._bar()
            self.bar.start()

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
            TextColumn("ETA"),
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
        self.latest = progress
        outcome = progress.outcome
        if outcome is not None and outcome.status == "deferred" and outcome.host:
            self.deferred(outcome.host, outcome.resume_at)
        if self.live:
            topic = (outcome.topic or "") if outcome is not None else ""
            self.bar.update(
                self.task,
                total=progress.total,
                completed=progress.done,
                counts=self.counts(progress),
                rate=f"{self.rate(progress):.1f}/s",
                topic=fit(topic, TOPIC_CELLS),
            )
            return
        now = self.clock()
        if self.last_line is None or now - self.last_line >= self.every:
            self.last_line = now
            self.console.print(self.line(progress))

    def deferred(self, host: str, resume_at: datetime | None) -> None:
        """Say once per host that Zoom's daily limit holds it back, and until when."""
        if host.lower() in self.held:
            return
        self.held[host.lower()] = resume_at
        until = f"{resume_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if resume_at else "tomorrow"
        self.console.print(
            f"Host {host} reached Zoom's daily limit: its rows are deferred until {until}.",
            markup=False,
        )

    def close(self) -> None:
        """Stop the bar (it stays on screen); in a log, write the last line."""
        if self.live:
            self.bar.stop()
        elif self.latest is not None and self.last_line != self.clock():
            self.console.print(self.line(self.latest))

    # -- words ----------------------------------------------------------------------------

    def rate(self, progress: Progress) -> float:
        return progress.done / max(self.clock() - self.started, 1e-6)

    @staticmethod
    def counts(progress: Progress) -> str:
        """Counts by outcome; a sync's updates and cancellations once it has any."""
        shown = [f"created {progress.created}"]
        if progress.updated:
            shown.append(f"updated {progress.updated}")
        if progress.cancelled:
            shown.append(f"cancelled {progress.cancelled}")
        shown += [f"failed {progress.failed}", f"deferred {progress.deferred}"]
        return " · ".join(shown)

    def line(self, progress: Progress) -> str:
        """One plain line for a log: done of total, rate, time left, counts."""
        rate = self.rate(progress)
        left = progress.total - progress.done
        eta = duration_text(left / rate) if rate > 0 and left else "-"
        return (
            f"{progress.done}/{progress.total} rows, {rate:.1f} rows/s, ETA {eta}: "
            f"{self.counts(progress)}"
        )


def display(stream: TextIO, *, quiet: bool) -> RunProgress | None:
    """The progress display for ``stream``: a bar on a terminal, lines in a log, or none."""
    if quiet:
        return None
    return RunProgress(stream, live=stream.isatty())
