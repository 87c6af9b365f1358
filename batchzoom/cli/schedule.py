"""``batchzoom schedule``: create the roster's meetings and write the result sheet."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click

from batchzoom.cli.app import EXIT_CODES, cli, finish, outcome_exit
from batchzoom.cli.common import (
    connect,
    echo_registrations,
    print_report,
    progress_line,
    refuse_invalid,
    run_options,
    until_interrupted,
)
from batchzoom.cli.options import reading_options
from batchzoom.cli.report import ReportChoice, report_options, report_run


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
@click.option("--check-hosts", is_flag=True,
              help="Before sending, look every host, alternative host, pool member and "
              "panelist up on Zoom; rows naming a user Zoom refuses are invalid.")  # fmt: skip
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
    from batchzoom.engine import preview
    from batchzoom.engine.batch import schedule
    from batchzoom.engine.lifecycle import RunPaths, holding_lock
    from batchzoom.engine.planning import load
    from batchzoom.engine.settings import resolve
    from batchzoom.files.ics import pair, write_calendar

    if ics is not None and not ics.parent.is_dir():
        raise click.BadParameter(f"the folder {ics.parent} does not exist.", param_hint="--ics")
    settings = resolve(roster, **flags)
    paths = RunPaths.for_settings(roster, settings)
    # The roster's lock is held from before the journal is first read (``load`` reads it).
    with holding_lock(paths, settings, create=not settings.dry_run):
        loaded = load(roster, settings)
        if html is not None and not (loaded.validation.ok or settings.skip_invalid):
            report_run(html, loaded, None, settings=settings, quiet=quiet or as_json)
        refuse_invalid(loaded, settings, as_json=as_json, verb="schedule", quiet=quiet)
        progress = progress_line(quiet=quiet, as_json=as_json)
        with ExitStack() as stack:
            settings = connect(
                stack, loaded, settings, quiet=quiet or as_json, required=not settings.dry_run
            )
            if check_hosts and settings.zoom is not None:
                from batchzoom.engine.hosts import look_up_hosts

                loaded = look_up_hosts(loaded, settings)
                refuse_invalid(loaded, settings, as_json=as_json, verb="schedule", quiet=quiet)
            try:
                report, stop = until_interrupted(schedule, loaded, settings, progress=progress)
            finally:
                if progress is not None:
                    progress.close()
    shown = settings.dry_run and as_json  # the bodies that would be sent
    sent = preview.requests(loaded.validation.sessions, now=settings.now()) if shown else None
    extra = {"planned_requests": sent} if shown else {}
    print_report(
        report,
        loaded,
        as_json=as_json,
        quiet=quiet,
        json_include_password=json_include_password,
        **extra,
    )
    echo_registrations(report, quiet=quiet or as_json)
    if html is not None:
        account = settings.zoom.account_id if settings.zoom is not None else None
        report_run(html, loaded, report, settings=settings, quiet=quiet or as_json, account=account)
    if ics is not None and not settings.dry_run:
        count = write_calendar(
            ics,
            pair(loaded.validation.sessions, report.outcomes),
            include_password=ics_include_password,
            now=settings.now(),
        )
        if not (quiet or as_json):
            click.echo(f"Wrote {count} events to {ics}.")
    if ics_per_attendee is not None and not settings.dry_run:
        from batchzoom.engine.events import attendee_calendars

        written = attendee_calendars(
            loaded,
            report,
            ics_per_attendee,
            include_password=ics_include_password,
            now=settings.now(),
        )
        if not (quiet or as_json):
            click.echo(f"Wrote {written} attendee calendars to {ics_per_attendee}.")
    if stop is not None:
        raise stop
    finish(outcome_exit(report.counts()))
