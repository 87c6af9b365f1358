"""``batchzoom sync``: bring Zoom in step with the sheet (create, update, cancel)."""

from __future__ import annotations

import sys
from collections.abc import Callable
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
from batchzoom.cli.schedule import echo_panelists
from batchzoom.cli.status import text_table
from batchzoom.core import i18n
from batchzoom.core.errors import NotConfirmedError
from batchzoom.core.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from batchzoom.api.reports import ReportChoice
    from batchzoom.engine.sync_plan import Step, SyncPlan


# What each step of a plan does, as the plan table shows it (the action itself stays as it is).
ACTION_WORDS = {
    "create": N_("create"),
    "update": N_("update"),
    "restore": N_("restore"),
    "recreate": N_("recreate"),
    "re-create": N_("re-create"),
    "cancel": N_("cancel"),
    "delete": N_("delete"),
}
# What became of the meeting of a row removed from the sheet (the status stays in --json).
REMOVED_WORDS = {
    "cancelled": N_("Removed row {topic}: cancelled {error}"),
    "failed": N_("Removed row {topic}: failed {error}"),
}
PLAN_HEAD = (N_("Row"), N_("Action"), N_("Changes"))
# The answers a yes/no question takes, besides click's y/yes and n/no, in each language.
ANSWERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "ko": (frozenset({"예", "네", "ㅇ", "응"}), frozenset({"아니요", "아니오", "아니", "ㄴ"})),
}


def plan_table(steps: list[Step]) -> str:
    lines = [
        [
            "-" if s.row is None else str(s.row),
            _(ACTION_WORDS.get(s.action, s.action)),
            s.describe(),
        ]
        for s in steps
    ]
    return text_table([_(word) for word in PLAN_HEAD], lines)


def show_plan(plan: SyncPlan) -> None:
    if plan.changes:
        click.echo(_("Changes:"))
        click.echo(plan_table(plan.changes))
    if plan.deletions:
        click.echo(_("Deletions:"))
        click.echo(plan_table(plan.deletions))
    click.echo(
        _(
            "Plan: {changes} to create or update, {deletions} to delete, {unchanged} unchanged."
        ).format(
            changes=len(plan.changes), deletions=len(plan.deletions), unchanged=len(plan.unchanged)
        )
    )
    attendees = plan.attendees
    if attendees is not None and not attendees.empty:
        if attendees.cancel:
            click.echo(_("Registrations to cancel:"))
            click.echo(
                text_table(
                    [_("Session"), _("Email")],
                    [[session, email] for session, email in attendees.cancel],
                )
            )
        click.echo(
            _("Attendees: {register} to register, {cancel} to cancel.").format(
                register=attendees.register, cancel=len(attendees.cancel)
            )
        )
    for line in plan.panelist_lines():
        click.echo(line)


def can_ask() -> bool:
    """Whether someone at a terminal can answer the plan's questions."""
    return sys.stdin.isatty()


def ask(question: str) -> bool:
    """``click.confirm(question)`` (default no), also taking the run's language's answers
    (Korean: 예, 네, ㅇ or 아니요, 아니오), its error in that language."""
    yes, no = ANSWERS.get(i18n.language(), (frozenset(), frozenset()))
    while True:
        answer = click.prompt(
            question, default="", show_default=False, prompt_suffix=" [y/N]: "
        ).strip()
        if answer.lower() in {"y", "yes"} or answer in yes:
            return True
        if not answer or answer.lower() in {"n", "no"} or answer in no:
            return False
        click.echo(_("Error: invalid input"))


def confirmer(*, silent: bool, yes: bool) -> Callable[[SyncPlan], bool]:
    """Ask on a terminal; ``--yes`` answers for cron. Deletions need --yes or their own yes."""

    def confirm(plan: SyncPlan) -> bool:
        if not silent:
            show_plan(plan)
        if yes:
            return True
        if not can_ask():
            raise NotConfirmedError(
                _(
                    "Nothing was changed: sync applies its plan only after a yes; run it on a "
                    "terminal to confirm, or pass --yes."
                )
            )
        changes, deletions = plan.changes, plan.deletions
        if changes and not ask(
            ngettext(
                "Apply {count} create or update?", "Apply {count} creates/updates?", len(changes)
            ).format(count=len(changes))
        ):
            changes = []
        if deletions and not ask(
            ngettext(
                "Delete {count} meeting on Zoom? This cannot be undone",
                "Delete {count} meetings on Zoom? This cannot be undone",
                len(deletions),
            ).format(count=len(deletions))
        ):
            deletions = []
        plan.steps[:] = changes + deletions
        attendees = plan.attendees
        if attendees is not None and attendees.register:
            plan.register_new = ask(
                ngettext(
                    "Register {count} attendee?", "Register {count} attendees?", attendees.register
                ).format(count=attendees.register)
            )
        if attendees is not None and attendees.cancel:
            plan.cancel_removed = ask(
                ngettext(
                    "Cancel {count} registration on Zoom? Zoom may email that person",
                    "Cancel {count} registrations on Zoom? Zoom may email those people",
                    len(attendees.cancel),
                ).format(count=len(attendees.cancel))
            )
        if plan.panelist_additions:
            plan.add_panelists = ask(
                ngettext(
                    "Add {count} panelist?", "Add {count} panelists?", plan.panelist_additions
                ).format(count=plan.panelist_additions)
            )
        if plan.panelist_removals:
            plan.remove_panelists = ask(
                ngettext(
                    "Remove {count} panelist from its webinar on Zoom?",
                    "Remove {count} panelists from their webinars on Zoom?",
                    plan.panelist_removals,
                ).format(count=plan.panelist_removals)
            )
        return plan.asks and bool(
            plan.steps
            or (attendees is not None and attendees.register and plan.register_new)
            or (attendees is not None and attendees.cancel and plan.cancel_removed)
            or (plan.panelist_additions and plan.add_panelists)
            or (plan.panelist_removals and plan.remove_panelists)
        )

    return confirm


@cli.command(name="sync", epilog=EXIT_CODES)
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@reading_options
@run_options
@click.option("--yes", "-y", is_flag=True, help="Apply the plan without asking (needed in cron).")
@click.option("--delete-missing", is_flag=True,
              help="Also delete the meetings of rows that are gone from the sheet.")  # fmt: skip
@click.option(
    "--notify",
    is_flag=True,
    help="Let Zoom email the cancellation of each deleted meeting to host and registrants. "
    "Whether a registrant sync cancels (gone from the attendee sheet, or marked cancelled) "
    "is emailed is the meeting's own registrants_email_notification setting in Zoom, not "
    "--notify.",
)
@click.option("--ics", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the meetings to this iCalendar (.ics) file; a deleted meeting "
                   "is written as cancelled, so calendars that imported it remove it.")  # fmt: skip
@click.option("--ics-per-attendee", type=click.Path(path_type=Path, file_okay=False),
              help="Also write one .ics file per registered attendee, with their own link, "
              "into this folder.")  # fmt: skip
@click.option("--ics-include-password", is_flag=True,
              help="Put passcodes (and passcode-bearing join links) into the .ics file.")  # fmt: skip
@click.option("--force", is_flag=True,
              help="Overwrite meetings that were changed on Zoom since batchzoom last saw them.")  # fmt: skip
@CHECK_HOSTS
@report_options
def sync_command(
    roster: Path,
    flags: dict[str, Any],
    as_json: bool,
    json_include_password: bool,
    quiet: bool,
    yes: bool,
    delete_missing: bool,
    notify: bool,
    ics: Path | None,
    ics_per_attendee: Path | None,
    ics_include_password: bool,
    force: bool,
    check_hosts: bool,
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
    from batchzoom.api.runs import sync
    from batchzoom.engine.sync import SyncReport

    check_folder(ics, "--ics")
    flags.update(delete_missing=delete_missing, notify=notify, force=force)
    silent = quiet or as_json
    result, stop = until_interrupted(
        sync,
        roster,
        **flags,
        confirm=confirmer(silent=silent, yes=yes),
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
        refuse_invalid(loaded, settings, as_json=as_json, verb="sync", quiet=quiet)
    assert isinstance(report, SyncReport)
    if report.plan is not None and settings.dry_run and not silent:
        show_plan(report.plan)
    missing = [
        {"row_key": o.row_key, "status": o.status, "meeting_id": o.meeting_id, "error": o.error}
        for o in report.missing
    ]
    print_report(
        report,
        loaded,
        as_json=as_json,
        quiet=quiet,
        json_include_password=json_include_password,
        exit_code=result.exit_code,
        **attendees_json(result, json_include_password),
        applied=report.applied,
        missing_rows=missing,
        **result.panelists(),
    )
    echo_panelists(report.panelists_added, report.panelists_removed, quiet=silent)
    echo_registrations(report, quiet=silent, alert=quiet and not as_json, roster=roster)
    written(result.report, quiet=silent)
    echo_calendar(result.calendar_events, ics, quiet=silent)
    echo_attendee_calendars(result.attendee_calendars, ics_per_attendee, quiet=silent)
    for outcome in report.missing:
        said = REMOVED_WORDS.get(outcome.status, N_("Removed row {topic}: {status} {error}"))
        line = (
            _(said)
            .format(topic=repr(outcome.topic), status=outcome.status, error=outcome.error or "")
            .rstrip()
        )
        if not silent:
            click.echo(line)
        elif outcome.status == "failed" and not as_json:  # said even under --quiet
            click.echo(line, err=True)
    if stop is not None:
        raise stop
    finish(result.exit_code)
