"""``batchzoom status``: each row's state from the journal, without calling Zoom."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from batchzoom.cli.app import cli
from batchzoom.cli.options import reading_options
from batchzoom.cli.report import report_arguments, report_options, written
from batchzoom.cli.words import counted
from batchzoom.core.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from batchzoom.api.reports import ReportChoice
    from batchzoom.engine.audit import RowStatus, StatusReport
    from batchzoom.files.results import Loaded

STATUS_HEAD = (N_("Row"), N_("ID"), N_("Status"), N_("Meeting"), N_("Detail"))
ACCOUNT_HEAD = (N_("Account"),)
EXIT_CODES = "Exit codes: 0 status shown; 1 the roster or the state file cannot be read; 2 usage."


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An aligned text table; the last column is left ragged (Korean text takes two columns)."""
    widths = [max(_width(line[i]) for line in [head, *rows]) for i in range(len(head) - 1)]
    out = []
    for line in [head, *rows]:
        cells = [text + " " * (widths[i] - _width(text)) for i, text in enumerate(line[:-1])]
        out.append("  ".join([*cells, line[-1]]).rstrip())
    return "\n".join(out)


def _line(row: RowStatus, report: StatusReport, with_account: bool) -> list[str]:
    cells = [
        "-" if row.row is None else str(row.row),
        row.key or "-",
        row.status,
        "-" if row.meeting_id is None else str(row.meeting_id),
        row.detail(report.now),
    ]
    return [row.account or "-", *cells] if with_account else cells


def summary_line(report: StatusReport) -> str:
    rows = [row for row in report.rows if row.in_roster]
    total = len({row.row for row in rows})
    shown = counted(report.counts())
    if shown:
        return ngettext("{count} row: {counts}.", "{count} rows: {counts}.", total).format(
            count=total, counts=shown
        )
    return ngettext(
        "{count} row: nothing to show.", "{count} rows: nothing to show.", total
    ).format(count=total)


def quota_line(report: StatusReport) -> str:
    day = report.journal.day
    if not report.quota:
        return _("Creates and updates today (UTC {day}): none.").format(day=day)
    multi = len({q.account for q in report.quota}) > 1
    parts = [
        (f"{q.account}/" if multi else "") + f"{q.host} {q.used}/{q.limit}" for q in report.quota
    ]
    # Zoom's daily limit counts creates and updates alike ("100 meetings can be created or
    # updated for one individual userID", https://devforum.zoom.us/t/rate-limits-which-ones-apply/19474),
    # and so does the journal's quota (record_intent and record_update_intent count both).
    return _(
        "Creates and updates today (UTC {day}, per host, out of Zoom's daily limit): {hosts}"
    ).format(day=day, hosts=", ".join(parts))


def status_json(report: StatusReport, loaded: Loaded) -> str:
    """The status as a JSON document (no passcodes, join or start URLs)."""
    from batchzoom.api.results import status_record

    document = {
        "roster": str(loaded.roster.source.path),
        "journal": str(report.journal.path),
        "journal_exists": report.journal.exists,
        "account": report.account,
        "today_utc": report.journal.day,
        "counts": report.counts(),
        "rows": [status_record(row, report.now) for row in report.rows if row.in_roster],
        "not_in_roster": [
            status_record(row, report.now) for row in report.rows if not row.in_roster
        ],
        "quota": [
            {"account": q.account, "host": q.host, "used": q.used, "limit": q.limit}
            for q in report.quota
        ],
        "other_accounts_entries": report.hidden,
        "summary": summary_line(report),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


@cli.command("status", epilog=EXIT_CODES)
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@reading_options
@click.option(
    "--state",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The journal file (default: <name>.batchzoom.db beside the roster).",
)
@click.option(
    "--env-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read ZOOM_ACCOUNT_ID from this file to show only that account's rows.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON on stdout.")
@report_options
def status_command(
    roster: Path,
    flags: dict[str, Any],
    state: Path | None,
    env_file: Path | None,
    as_json: bool,
    html: ReportChoice | None,
) -> None:
    """Show where each row of ROSTER stands, from the journal, without calling Zoom.

    Rows are created, deferred (and until when), failed (and why), in doubt (a
    create was sent but never confirmed), or new (not scheduled yet). Also shows
    how many creates and updates each host used today out of Zoom's daily limit. With Zoom
    credentials set, only that account's entries are shown; otherwise all.

    \b
    Example:
        batchzoom status spring.xlsx --timezone Asia/Seoul
        batchzoom status spring.xlsx --json
    """
    from batchzoom.api.runs import status

    result = status(roster, **flags, state=state, env_file=env_file, **report_arguments(html))
    report, loaded = result.status, result.loaded
    assert report is not None and loaded is not None
    journal, account = report.journal, report.account
    written(result.report, quiet=as_json)
    if as_json:
        click.echo(status_json(report, loaded))
        return
    if journal.exists and account:
        click.echo(
            _("Journal: {path} (account {account})").format(path=journal.path, account=account)
        )
    elif journal.exists:
        click.echo(_("Journal: {path} (all accounts)").format(path=journal.path))
    else:
        click.echo(
            _("No journal at {path} yet: nothing from this roster was scheduled.").format(
                path=journal.path
            )
        )
    with_account = len(report.accounts()) > 1
    head = [_(word) for word in (ACCOUNT_HEAD if with_account else ()) + STATUS_HEAD]
    listed = [_line(row, report, with_account) for row in report.rows if row.in_roster]
    if listed:
        click.echo(text_table(head, listed))
    orphans = [_line(row, report, with_account) for row in report.rows if not row.in_roster]
    if orphans:
        click.echo(_("In the journal but no longer in the roster:"))
        click.echo(text_table(head, orphans))
    click.echo(quota_line(report))
    if report.hidden:
        click.echo(
            ngettext(
                "Note: {count} journal entry of another Zoom account is not shown (it "
                "belongs to other credentials, such as the sandbox).",
                "Note: {count} journal entries of other Zoom accounts are not shown (they "
                "belong to other credentials, such as the sandbox).",
                report.hidden,
            ).format(count=report.hidden)
        )
    click.echo(summary_line(report))
