"""`batchzoom validate`: check a roster without contacting Zoom."""

from __future__ import annotations

from pathlib import Path

import click

from batchzoom.cli.app import cli
from batchzoom.cli.options import ReadingOptions, echo_report, reading_options

INVALID_ROWS_EXIT = 3


@cli.command()
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=True))
@reading_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def validate(roster: Path, reading: ReadingOptions, as_json: bool) -> None:
    """Check every row of ROSTER (.xlsx or .csv) and list what to fix; Zoom is not contacted.

    Every problem is listed with its Excel row number and column. Exit status: 0 every row
    is valid, 3 some rows are invalid, 1 the file cannot be used, 2 bad usage.

    \b
    Example:
        batchzoom validate timetable.xlsx --timezone Asia/Seoul --host kim.minji@school.example
    """
    table, validation = reading.load(roster)
    echo_report(table, validation, output="json" if as_json else "table")
    if not validation.ok:
        click.get_current_context().exit(INVALID_ROWS_EXIT)
