"""The click group every command registers on, and the one place errors become exit codes.

Exit codes (documented in the README and ``batchzoom --help``):

    0  success
    1  the run could not be done (input unusable, credentials, Zoom unreachable)
    2  bad command-line usage
    3  some rows are invalid
    4  some rows failed or were deferred; run again later
    5  another run holds the roster's lock
"""

from __future__ import annotations

from typing import Any

import click

from batchzoom import __version__
from batchzoom.core import tzdb
from batchzoom.core.errors import BatchzoomError


class _Group(click.Group):
    """Turns library errors into one line on stderr and an exit status, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BatchzoomError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted; run the same command again to continue.", err=True)
            ctx.exit(130)


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
