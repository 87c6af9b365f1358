"""``batchzoom sync``: bring Zoom in step with the sheet (create, update, cancel)."""

from __future__ import annotations

import sys
from collections.abc import Callable
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
from batchzoom.core.errors import BatchzoomError
from batchzoom.engine.batch import Loaded
from batchzoom.engine.sync import Step, SyncOptions, SyncPlan, sync


class NotConfirmedError(BatchzoomError):
    """Changes need a yes, and there was nobody to ask."""


def plan_table(steps: list[Step]) -> str:
    head = ("Row", "Action", "Changes")
    lines = [("-" if s.row is None else str(s.row), s.action, s.describe()) for s in steps]
    widths = [max(len(line[i]) for line in [head, *lines]) for i in range(2)]
    return "\n".join(
        f"{line[0]:<{widths[0]}}  {line[1]:<{widths[1]}}  {line[2]}".rstrip()
        for line in [head, *lines]
    )


def show_plan(plan: SyncPlan) -> None:
    if plan.changes:
        click.echo("Changes:")
        click.echo(plan_table(plan.changes))
    if plan.deletions:
        click.echo("Deletions:")
        click.echo(plan_table(plan.deletions))
    click.echo(
        f"Plan: {len(plan.changes)} to create or update, {len(plan.deletions)} to delete, "
        f"{len(plan.unchanged)} unchanged."
    )


def confirmer(choices: RunChoices, yes: bool) -> Callable[[SyncPlan], bool]:
    """Ask on a terminal; ``--yes`` answers for cron. Deletions need --yes or their own yes."""

    def confirm(plan: SyncPlan) -> bool:
        if not (choices.quiet or choices.as_json):
            show_plan(plan)
        if yes:
            return True
        if not sys.stdin.isatty():
            raise NotConfirmedError(
                "Nothing was changed: sync applies its plan only after a yes; run it on a terminal "
                "to confirm, or pass --yes."
            )
        changes, deletions = plan.changes, plan.deletions
        if changes and not click.confirm(f"Apply {len(changes)} creates/updates?"):
            changes = []
        if deletions and not click.confirm(
            f"Delete {len(deletions)} meetings on Zoom? This cannot be undone"
        ):
            deletions = []
        plan.steps[:] = changes + deletions
        return bool(plan.steps)

    return confirm


@cli.command(name="sync", epilog=EXIT_CODES)
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@reading_options
@run_options
@click.option("--yes", "-y", is_flag=True, help="Apply the plan without asking (needed in cron).")
@click.option("--delete-missing", is_flag=True,
              help="Also delete the meetings of rows that are gone from the sheet.")  # fmt: skip
@click.option(
    "--notify", is_flag=True, help="Let Zoom email the cancellation to host and registrants."
)
@click.option("--force", is_flag=True,
              help="Overwrite meetings that were changed on Zoom since batchzoom last saw them.")  # fmt: skip
@report_options
def sync_command(
    roster: Path,
    reading: ReadingOptions,
    choices: RunChoices,
    yes: bool,
    delete_missing: bool,
    notify: bool,
    force: bool,
    html: ReportChoice | None,
) -> None:
    """Update Zoom to match ROSTER: create new rows, update changed ones, cancel removed ones.

    The plan is shown first and applied only after a yes on the terminal, or with --yes.
    Rows whose status column says "cancelled" (취소) have their meeting deleted; with
    --delete-missing so do rows removed from the sheet. A meeting edited on Zoom since
    batchzoom last saw it is reported, not overwritten, unless --force.

    \b
    Example:
        batchzoom sync spring.xlsx --dry-run
        batchzoom sync spring.xlsx --yes --delete-missing
    """
    loaded = Loaded(*reading.load(roster, plan=choices.plan))
    if html is not None and not (loaded.validation.ok or choices.skip_invalid):
        report_run(html, loaded, None, reading=reading, choices=choices)
    refuse_invalid(loaded, choices, verb="sync")
    options = choices.options(
        SyncOptions, delete_missing=delete_missing, notify=notify, force=force
    )
    with ExitStack() as stack:
        settings = connect(stack, loaded, choices)
        assert settings is not None
        report = sync(
            loaded, settings, options, confirm=confirmer(choices, yes), limits=choices.limits()
        )
    if report.plan is not None and choices.dry_run and not (choices.quiet or choices.as_json):
        show_plan(report.plan)
    missing = [
        {"row_key": o.row_key, "status": o.status, "meeting_id": o.meeting_id, "error": o.error}
        for o in report.missing
    ]
    print_report(report, loaded, choices, applied=report.applied, missing_rows=missing)
    if html is not None:
        report_run(
            html, loaded, report, reading=reading, choices=choices, account=settings.account_id
        )
    for outcome in report.missing:
        if not (choices.quiet or choices.as_json):
            click.echo(
                f"Removed row {outcome.topic!r}: {outcome.status} {outcome.error or ''}".rstrip()
            )
    sys.exit(report.exit_code)
