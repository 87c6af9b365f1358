"""``batchzoom schedule``: create the roster's meetings and write the result sheet."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import click

from batchzoom.cli.app import cli
from batchzoom.cli.common import (
    EXIT_CODES,
    RunChoices,
    connect,
    print_report,
    refuse_invalid,
    run_options,
)
from batchzoom.cli.options import ReadingOptions, reading_options
from batchzoom.cli.report import ReportChoice, report_options, report_run
from batchzoom.engine import preview
from batchzoom.engine.batch import Loaded, ScheduleOptions, schedule
from batchzoom.files.ics import pair, write_calendar


@cli.command(epilog=EXIT_CODES)
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@reading_options
@run_options
@click.option("--ics", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the meetings to this iCalendar (.ics) file.")  # fmt: skip
@click.option("--ics-include-password", is_flag=True,
              help="Put passcodes (and passcode-bearing join links) into the .ics file.")  # fmt: skip
@report_options
def schedule_command(
    roster: Path,
    reading: ReadingOptions,
    choices: RunChoices,
    ics: Path | None,
    ics_include_password: bool,
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
    if ics is not None and not ics.parent.is_dir():
        raise click.BadParameter(f"the folder {ics.parent} does not exist.", param_hint="--ics")
    loaded = Loaded(*reading.load(roster, plan=choices.plan))
    if html is not None and not (loaded.validation.ok or choices.skip_invalid):
        report_run(html, loaded, None, reading=reading, choices=choices)
    refuse_invalid(loaded, choices, verb="schedule")
    options = choices.options(ScheduleOptions)
    progress = choices.progress()
    with ExitStack() as stack:
        settings = connect(stack, loaded, choices, required=not choices.dry_run)
        try:
            report = schedule(loaded, settings, options, limits=choices.limits(), progress=progress)
        finally:
            if progress is not None:
                progress.close()
    shown = choices.dry_run and choices.as_json  # the bodies that would be sent
    extra = {"requests": preview.requests(loaded.validation.sessions)} if shown else {}
    print_report(report, loaded, choices, **extra)
    if html is not None:
        account = settings.account_id if settings is not None else None
        report_run(html, loaded, report, reading=reading, choices=choices, account=account)
    if ics is not None and not choices.dry_run:
        count = write_calendar(
            ics,
            pair(loaded.validation.sessions, report.outcomes),
            include_password=ics_include_password,
        )
        if not (choices.quiet or choices.as_json):
            click.echo(f"Wrote {count} events to {ics}.")
    sys.exit(report.exit_code)
