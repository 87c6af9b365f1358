"""The click group every command registers on, and the exit codes in words for ``--help``.

The statuses themselves are in ``batchzoom.core.exits`` (the library's results carry the
one the command returns); the README has the same table.
"""

from __future__ import annotations

from typing import Any, NoReturn

import click

from batchzoom import __version__
from batchzoom.cli import language
from batchzoom.core import tzdb
from batchzoom.core.errors import BatchzoomError
from batchzoom.core.exits import (
    COULD_NOT_RUN,
    EXIT_MEANINGS,
    INCOMPLETE,
    INTERRUPTED,
    INVALID_ROWS,
    LOCKED,
    OK,
    error_exit,
    outcome_exit,
)
from batchzoom.core.i18n import _

# The statuses, for the commands that pick theirs here.
__all__ = [
    "COULD_NOT_RUN",
    "EXIT_CODES",
    "EXIT_MEANINGS",
    "INCOMPLETE",
    "INTERRUPTED",
    "INVALID_ROWS",
    "LOCKED",
    "OK",
    "cli",
    "error_exit",
    "finish",
    "outcome_exit",
]

# The exit codes in one sentence, for ``--help`` (the README has the same table).
EXIT_CODES = (
    "Exit codes: 0 every row done; 1 could not run (input unusable, credentials, "
    "Zoom unreachable); 2 usage; 3 invalid rows; 4 some rows or attendee registrations failed "
    "or were deferred (run again later); 5 another run holds the roster's lock; 130 interrupted (Ctrl-C): the results of "
    "what was done are written."
)


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
    epilog=EXIT_CODES,
)
@click.version_option(
    __version__,
    prog_name="batchzoom",
    message=f"%(prog)s %(version)s (time zones: IANA {tzdb.VERSION}, from the tzdata package)",
)
def cli() -> None:
    """Create Zoom meetings from a spreadsheet and write the links back into it."""
