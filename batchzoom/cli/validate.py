"""`batchzoom validate`: check a roster without contacting Zoom."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from batchzoom.cli.app import cli, finish
from batchzoom.cli.common import sandbox_said
from batchzoom.cli.options import (
    credential_options,
    credentials_given,
    echo_report,
    reading_options,
    refuse_sandbox_urls,
)
from batchzoom.cli.report import report_arguments, report_options, written
from batchzoom.core.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from batchzoom.api.reports import ReportChoice
    from batchzoom.model.rows import Validation

# Weekday names as --show-occurrences prints them (Monday first, as ``date.weekday()``).
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


@cli.command()
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=True))
@reading_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--show-occurrences",
    is_flag=True,
    help="List every occurrence of each repeating row, in its time zone and in UTC.",
)
@click.option(
    "--check-hosts",
    is_flag=True,
    help="Also look every host, alternative host, pool member and panelist up on Zoom "
    "(needs credentials or --sandbox); nothing is created.",
)
@click.option(
    "--sandbox",
    is_flag=True,
    help="With --check-hosts: look the users up in a local Zoom sandbox.",
)
@credential_options
@click.option("--plan", type=click.Choice(["free", "pro", "business"]),
              help="Your Zoom plan, for the warnings that depend on it (a host with more "
                   "sessions at once than the plan runs; default: the configuration "
                   "file's, else pro).")  # fmt: skip
@report_options
def validate(
    roster: Path,
    flags: dict[str, Any],
    as_json: bool,
    show_occurrences: bool,
    check_hosts: bool,
    sandbox: bool,
    plan: str | None,
    html: ReportChoice | None,
) -> None:
    """Check every row of ROSTER (.xlsx or .csv) and list what to fix; Zoom is not contacted.

    With --check-hosts every user the roster names is also looked up on Zoom (one request
    each, on the account of the ZOOM_* settings, --env-file or --sandbox), and an unknown,
    pending, deactivated or unlicensed one makes its rows invalid.
    Every problem is listed with its Excel row number and column, the attendee sheet's
    (an Attendees sheet, or --attendees FILE) after the roster's. Exit status: 0 every row
    is valid, 3 some rows are invalid, 1 the file cannot be used, 2 bad usage.

    \b
    Example:
        batchzoom validate timetable.xlsx --timezone Asia/Seoul --host kim.minji@school.example
    """
    from batchzoom.api.runs import validate as validate_roster

    if sandbox and not check_hosts:
        raise click.UsageError(_("--sandbox only goes with --check-hosts."))
    if credentials_given(flags) and not check_hosts:
        raise click.UsageError(
            _("--env-file, --token-url, --api-url and --allow-insecure-http go with --check-hosts.")
        )
    refuse_sandbox_urls(sandbox, flags["token_url"], flags["api_url"])
    result = validate_roster(
        roster,
        **flags,
        sandbox=sandbox or None,
        plan=plan,
        check_hosts=check_hosts,
        **report_arguments(html),
        said=None if as_json else sandbox_said,
    )
    loaded = result.loaded
    assert loaded is not None
    echo_report(
        loaded.roster,
        loaded.validation,
        output="json" if as_json else "table",
        attendees=loaded.attendees,
    )
    if show_occurrences and not as_json:
        echo_occurrences(loaded.validation)
    written(result.report, quiet=as_json)
    if result.exit_code:
        finish(result.exit_code)


def echo_occurrences(validation: Validation) -> None:
    """Each valid repeating row's occurrences: local date, weekday and time, then UTC."""
    from batchzoom.model import recurrence

    for session in validation.sessions:
        if not session.recurrence:
            continue
        starts = recurrence.occurrences(session.start, session.timezone, session.recurrence)
        click.echo(
            ngettext(
                "Row {row} {topic}: {count} occurrence ({zone})",
                "Row {row} {topic}: {count} occurrences ({zone})",
                len(starts),
            ).format(row=session.row, topic=session.topic, count=len(starts), zone=session.timezone)
        )
        for number, start in enumerate(starts, 1):
            utc = start.astimezone(UTC)
            day = _(WEEKDAYS[start.weekday()])
            click.echo(
                f"  {number:>2}  {start:%Y-%m-%d} {day} {start:%H:%M} {start:%Z}  "
                f"{utc:%Y-%m-%d %H:%M}Z"
            )
