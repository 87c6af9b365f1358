"""The click group every command registers on, and the one table of exit codes.

Every exit status batchzoom returns is chosen here (documented in the README and
``batchzoom --help``); the library only raises errors and reports outcomes:

    0    success
    1    the run could not be done (input unusable, credentials, Zoom unreachable)
    2    bad command-line usage (click's own)
    3    some rows are invalid
    4    some rows failed or were deferred (run again later); for reconcile, some
         meetings were deleted or changed on Zoom, or could not be checked
    5    another run holds the roster's lock
    130  interrupted (Ctrl-C)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

import click

from batchzoom import __version__
from batchzoom.cli import language
from batchzoom.core import tzdb
from batchzoom.core.errors import BatchzoomError, InterruptedRunError, LockedError
from batchzoom.core.i18n import _

OK = 0
COULD_NOT_RUN = 1
INVALID_ROWS = 3
INCOMPLETE = 4
LOCKED = 5
INTERRUPTED = 130

# What each status tells a person reading a report of the run.
EXIT_MEANINGS = {
    OK: "every row is done (created or existing).",
    COULD_NOT_RUN: "the run could not be done (input unusable, credentials, Zoom unreachable).",
    INVALID_ROWS: "some rows are invalid: nothing was sent for them; fix them (see Problems).",
    INCOMPLETE: "some rows failed or were deferred: run the same command again later.",
    LOCKED: "another run holds the roster's lock.",
    INTERRUPTED: "the run was interrupted; run the same command again to continue.",
}

# An error's exit status: the first class it is an instance of.
ERROR_EXITS: tuple[tuple[type[BatchzoomError], int], ...] = (
    (LockedError, LOCKED),
    (InterruptedRunError, INTERRUPTED),
    (BatchzoomError, COULD_NOT_RUN),
)


def error_exit(error: BatchzoomError) -> int:
    """The exit status for a library error."""
    return next(code for kind, code in ERROR_EXITS if isinstance(error, kind))


def outcome_exit(counts: Mapping[str, int]) -> int:
    """The exit status for a run's row counts: invalid rows first, then unfinished ones."""
    if counts.get("invalid"):
        return INVALID_ROWS
    if counts.get("failed") or counts.get("deferred"):
        return INCOMPLETE
    return OK


def finish(code: int) -> NoReturn:
    """End the command with ``code``."""
    click.get_current_context().exit(code)


class _Group(click.Group):
    """Turns library errors into one line on stderr and an exit status, never a traceback;
    chooses the run's language (``--lang``, ``BATCHZOOM_LANG``, the locale) before parsing."""

    command_class = language.Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(language.lang_option())

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        language.install_click_words()
        language.choose(args)
        return super().make_context(info_name, args, parent, **extra)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return language.help_option(super().get_help_option(ctx))

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with language.translated_help([self, *self.commands.values()]):
            super().format_help(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BatchzoomError as error:
            click.echo(_("Error: {message}").format(message=error), err=True)
            ctx.exit(error_exit(error))
        except KeyboardInterrupt:
            click.echo(_("Interrupted; run the same command again to continue."), err=True)
            ctx.exit(INTERRUPTED)


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=(
        "Exit codes: 0 success; 1 could not run (input unusable, credentials, Zoom unreachable); "
        "2 usage; 3 invalid rows; 4 some rows failed or were deferred (run again later); "
        "5 another run holds the roster's lock."
    ),
)
@click.version_option(
    __version__,
    prog_name="batchzoom",
    message=f"%(prog)s %(version)s (time zones: IANA {tzdb.VERSION}, from the tzdata package)",
)
def cli() -> None:
    """Create Zoom meetings from a spreadsheet and write the links back into it."""
