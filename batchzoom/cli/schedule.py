"""``batchzoom schedule``: create the roster's meetings and write the result sheet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from batchzoom.cli.app import EXIT_CODES, cli, finish
from batchzoom.cli.common import (
    check_folder,
    echo_attendee_calendars,
    echo_calendar,
    echo_registrations,
    print_report,
    progress_line,
    refuse_invalid,
    run_options,
    sandbox_said,
    until_interrupted,
)
from batchzoom.cli.options import CHECK_HOSTS, attendees_json, reading_options
from batchzoom.cli.report import report_arguments, report_options, written
from batchzoom.core.i18n import ngettext

if TYPE_CHECKING:
    from batchzoom.api.reports import ReportChoice


def echo_panelists(added: int, removed: int = 0, *, quiet: bool) -> None:
    """One line on the webinar panelists a run added or removed, when it did any."""
    if quiet or not (added or removed):
        return
    parts = []
    if added:
        parts.append(
            ngettext(
                "{count} webinar panelist added", "{count} webinar panelists added", added
            ).format(count=added)
        )
    if removed:
        parts.append(
            ngettext(
                "{count} webinar panelist removed", "{count} webinar panelists removed", removed
            ).format(count=removed)
        )
    click.echo(", ".join(parts) + ".")


@cli.command(epilog=EXIT_CODES)
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@reading_options
@run_options
@click.option("--ics", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the meetings to this iCalendar (.ics) file.")  # fmt: skip
@click.option("--ics-per-attendee", type=click.Path(path_type=Path, file_okay=False),
              help="Also write one .ics file per registered attendee, with their own link, "
              "into this folder.")  # fmt: skip
@click.option("--ics-include-password", is_flag=True,
              help="Put passcodes (and passcode-bearing join links) into the .ics file.")  # fmt: skip
@CHECK_HOSTS
@report_options
def schedule_command(
    roster: Path,
    flags: dict[str, Any],
    as_json: bool,
    json_include_password: bool,
    quiet: bool,
    ics: Path | None,
    ics_per_attendee: Path | None,
    ics_include_password: bool,
    check_hosts: bool,
    html: ReportChoice | None,
) -> None:
    """Create a Zoom meeting for every row of ROSTER and write the links into a result sheet.

    Every row is validated first; by default one invalid row stops the run before
    anything is sent. Runs are safe to repeat: rows that already have a meeting are
    not created again, even after a crash.

    \b
    Example:
        batchzoom schedule spring.xlsx --timezone Asia/Seoul
        batchzoom schedule samples/timetable.xlsx --sandbox
    """
    from batchzoom.api.runs import schedule

    check_folder(ics, "--ics")
    silent = quiet or as_json
    result, stop = until_interrupted(
        schedule,
        roster,
        **flags,
        check_hosts=check_hosts,
        ics=ics,
        ics_per_attendee=ics_per_attendee,
        ics_include_password=ics_include_password,
        **report_arguments(html),
        said=None if silent else sandbox_said,
        progress_display=progress_line(quiet=quiet, as_json=as_json),
    )
    loaded, settings, report = result.loaded, result.settings, result.run
    assert loaded is not None and settings is not None and report is not None
    if not result.sent:
        written(result.report, quiet=silent)
        refuse_invalid(loaded, settings, as_json=as_json, verb="schedule", quiet=quiet)
    shown = settings.dry_run and as_json  # the bodies that would be sent
    extra = {"planned_requests": list(result.planned_requests)} if shown else {}
    print_report(
        report,
        loaded,
        as_json=as_json,
        quiet=quiet,
        json_include_password=json_include_password,
        exit_code=result.exit_code,
        **attendees_json(result, json_include_password),
        **extra,
        **result.panelists(),
    )
    echo_panelists(result.panelists().get("panelists_added", 0), quiet=silent)
    echo_registrations(report, quiet=silent, alert=quiet and not as_json, roster=roster)
    written(result.report, quiet=silent)
    echo_calendar(result.calendar_events, ics, quiet=silent)
    echo_attendee_calendars(result.attendee_calendars, ics_per_attendee, quiet=silent)
    if stop is not None:
        raise stop
    finish(result.exit_code)
