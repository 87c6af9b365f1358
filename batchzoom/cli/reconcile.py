"""``batchzoom reconcile``: check the journalled meetings against Zoom, changing nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from batchzoom.cli.app import cli, finish
from batchzoom.cli.common import sandbox_said
from batchzoom.cli.options import account_options, refuse_sandbox_urls, with_options
from batchzoom.cli.status import text_table
from batchzoom.cli.words import counted
from batchzoom.core.i18n import N_, _, ngettext
from batchzoom.model.local_times import shown_zoom_time

if TYPE_CHECKING:
    from batchzoom.engine.audit import MeetingCheck, ReconcileReport

RECONCILE_HEAD = (N_("Row"), N_("Meeting"), N_("Result"), N_("Detail"))
EXIT_CODES = (
    "Exit codes: 0 every meeting matches; 1 could not run (state file, credentials, Zoom "
    "unreachable); 2 usage; 4 some meetings were deleted or changed on Zoom, or could not be "
    "checked (look at them)."
)


def summary_line(report: ReconcileReport) -> str:
    total = len(report.checks)
    shown = counted(report.counts())
    if shown:
        return ngettext(
            "{count} meeting checked: {counts}.", "{count} meetings checked: {counts}.", total
        ).format(count=total, counts=shown)
    return ngettext("{count} meeting checked.", "{count} meetings checked.", total).format(
        count=total
    )


def reconcile_json(report: ReconcileReport, journal: Path, exit_code: int) -> str:
    from batchzoom.api.results import check_record

    document = {
        "journal": str(journal),
        "account": report.account,
        "exit_code": exit_code,
        "counts": report.counts(),
        "meetings": [check_record(check) for check in report.checks],
        "other_accounts_meetings": report.other_accounts,
        "tokens_fetched": report.tokens_fetched,
        "requests": report.requests,
        "summary": summary_line(report),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _detail(check: MeetingCheck) -> str:
    if check.verdict == "deleted":
        return _("{topic} at {start} is no longer on Zoom").format(
            topic=repr(check.topic), start=shown_zoom_time(check.start_time, check.timezone)
        )
    return check.detail()


@cli.command("reconcile", epilog=EXIT_CODES)
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--state",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The journal file (default: <name>.batchzoom.db beside the roster).",
)
@with_options(account_options())
@click.option("--sandbox", "sandbox", is_flag=True,
              help="Check against the local Zoom sandbox that schedule --sandbox used.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing while every meeting matches; else one line on stderr.")  # fmt: skip
def reconcile_command(
    roster: Path,
    state: Path | None,
    env_file: Path | None,
    token_url: str | None,
    api_url: str | None,
    allow_insecure_http: bool,
    sandbox: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Check every meeting the journal of ROSTER recorded against Zoom.

    Reports meetings deleted on Zoom's side, or whose topic or start time was
    changed there. It only reads: nothing on Zoom and nothing in the journal is
    changed.

    \b
    Example:
        batchzoom reconcile spring.xlsx
        batchzoom reconcile spring.xlsx --json
    """
    from batchzoom.api.runs import reconcile

    refuse_sandbox_urls(sandbox, token_url, api_url)
    result = reconcile(
        roster,
        state=state,
        env_file=env_file,
        token_url=token_url,
        api_url=api_url,
        allow_insecure_http=allow_insecure_http or None,
        sandbox=sandbox or None,
        said=None if quiet or as_json else sandbox_said,
    )
    report, journal_path, exit_code = result.report, result.journal, result.exit_code
    if as_json:
        click.echo(reconcile_json(report, journal_path, exit_code))
        finish(exit_code)
    trouble = [check for check in report.checks if check.verdict != "match"]
    if quiet:
        if trouble:
            rows = sorted({c.row for c in trouble if c.row is not None})
            values = {
                "count": len(trouble),
                "total": len(report.checks),
                "rows": ", ".join(map(str, rows)),
                "roster": roster,
            }
            if rows:
                line = ngettext(
                    "{count} of {total} meetings was deleted or changed on Zoom (row {rows}): "
                    "run batchzoom reconcile {roster} to see it.",
                    "{count} of {total} meetings were deleted or changed on Zoom (rows {rows}): "
                    "run batchzoom reconcile {roster} to see them.",
                    len(trouble),
                )
            else:
                line = ngettext(
                    "{count} of {total} meetings was deleted or changed on Zoom: "
                    "run batchzoom reconcile {roster} to see it.",
                    "{count} of {total} meetings were deleted or changed on Zoom: "
                    "run batchzoom reconcile {roster} to see them.",
                    len(trouble),
                )
            click.echo(line.format(**values), err=True)
        finish(exit_code)
    if trouble:
        click.echo(
            text_table(
                [_(word) for word in RECONCILE_HEAD],
                [
                    [
                        "-" if c.row is None else str(c.row),
                        str(c.meeting_id),
                        c.verdict,
                        _detail(c),
                    ]
                    for c in trouble
                ],
            )
        )
    if report.other_accounts:
        click.echo(
            ngettext(
                "Note: {count} meeting in the journal belongs to another Zoom account and was "
                "not checked.",
                "Note: {count} meetings in the journal belong to other Zoom accounts and were "
                "not checked.",
                report.other_accounts,
            ).format(count=report.other_accounts)
        )
    click.echo(summary_line(report))
    if trouble:
        click.echo(
            _("Nothing was changed on Zoom or in the journal; look at these meetings in Zoom."),
            err=True,
        )
        if any(c.verdict == "deleted" for c in trouble):
            click.echo(
                _(
                    "To repair them: 'batchzoom sync --yes' re-creates a meeting deleted on "
                    "Zoom (new id and link, written to the sheet)."
                ),
                err=True,
            )
        if any(c.verdict == "changed" for c in trouble):
            click.echo(
                _(
                    "To repair them: 'batchzoom sync --force --yes' puts the sheet's values "
                    "back on a meeting changed on Zoom."
                ),
                err=True,
            )
    finish(exit_code)
