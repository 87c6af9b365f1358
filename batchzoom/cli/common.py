"""Pieces shared by the commands that talk to Zoom (``schedule``, ``sync``).

``run_options`` adds the options every such command takes: their values join the
command's ``flags`` (``--json`` and ``--quiet``, which only shape the output, stay
arguments of their own), which the command passes to the library (``batchzoom.api.runs``);
the rest renders what the library hands back.
"""

from __future__ import annotations

import functools
import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from batchzoom.cli.alerts import alerts, attendee_alert, held_back
from batchzoom.cli.app import INTERRUPTED, INVALID_ROWS, finish, outcome_exit
from batchzoom.cli.options import (
    account_options,
    add_flags,
    echo_report,
    problem_table,
    refuse_sandbox_urls,
)
from batchzoom.cli.words import counted
from batchzoom.core.errors import InterruptedRunError
from batchzoom.core.i18n import _, ngettext

# The library is imported inside the functions that use it: ``batchzoom --help`` must
# not load the HTTP stack, the workbook readers or the sandbox.
if TYPE_CHECKING:
    from batchzoom.api.results import Result
    from batchzoom.cli.progress import RunProgress
    from batchzoom.engine.settings import Settings
    from batchzoom.files.results import Loaded, Progress, RunReport


_OPTIONS = [
    click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
                 help="Where to write the result sheet (default: <name>.scheduled.<ext> beside the roster)."),
    click.option("--in-place", is_flag=True, help="Update the roster itself, keeping <name>.bak."),
    click.option("--plan", type=click.Choice(["free", "pro", "business"]),
                 help="Your Zoom plan, which sets the request rate Zoom allows (default: the "
                      "configuration file's, else pro)."),
    click.option("--rate", type=click.FloatRange(min=0.1), metavar="N",
                 help="Requests per second to stay under, instead of the plan's numbers."),
    click.option("--concurrency", type=click.IntRange(1, 64), metavar="N",
                 help="Requests in flight at once (default: enough to reach the rate)."),
    click.option("--dry-run", is_flag=True, help="Validate and plan; change nothing on Zoom."),
    click.option("--skip-invalid", is_flag=True, help="Go on with the valid rows; mark the rest 'invalid'."),
    click.option("--sandbox", "sandbox", is_flag=True,
                 help="Run against a local Zoom sandbox instead of Zoom (no credentials needed)."),
    *account_options(),
    click.option("--state", type=click.Path(path_type=Path, dir_okay=False),
                 help="The journal file (default: <name>.batchzoom.db beside the roster)."),
    click.option("--wait", type=click.FloatRange(min=0), default=0, metavar="SECONDS",
                 help="Wait this long for another run on the same roster to finish."),
    click.option("--include-start-url", is_flag=True,
                 help="Also write each meeting's host start URL (a credential) to the sheet."),
    click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout."),
    click.option("--json-include-password", is_flag=True,
                 help="Put passcodes (and the pwd= part of join links) in the --json summary."),
    click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors."),
]  # fmt: skip


_RUN_FLAGS = (
    "output", "in_place", "plan", "rate", "concurrency", "dry_run", "skip_invalid", "sandbox",
    "env_file", "token_url", "api_url", "allow_insecure_http", "state", "wait",
    "include_start_url",
)  # fmt: skip


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared options to ``command``: into ``flags``, and ``as_json``, ``quiet``."""

    @functools.wraps(command)
    def check(*args: Any, **kwargs: Any) -> Any:
        flags = kwargs["flags"]
        if flags["output"] is not None and flags["in_place"]:
            raise click.UsageError(_("Use either --output or --in-place, not both."))
        if kwargs["json_include_password"] and not kwargs["as_json"]:
            raise click.UsageError(_("--json-include-password needs --json."))
        refuse_sandbox_urls(flags["sandbox"], flags["token_url"], flags["api_url"])
        return command(*args, **kwargs)

    return add_flags(_RUN_FLAGS, _OPTIONS)(check)


def check_folder(path: Path | None, option: str) -> None:
    """Refuse an output path whose folder does not exist, before anything runs."""
    if path is not None and not path.parent.is_dir():
        raise click.BadParameter(
            _("the folder {folder} does not exist.").format(folder=path.parent), param_hint=option
        )


def echo_calendar(count: int | None, path: Path | None, *, quiet: bool) -> None:
    """Say how many events went into the calendar file, when one was written."""
    if count is not None and not quiet:
        click.echo(
            ngettext(
                "Wrote {count} event to {path}.", "Wrote {count} events to {path}.", count
            ).format(count=count, path=path)
        )


def echo_attendee_calendars(count: int | None, path: Path | None, *, quiet: bool) -> None:
    """Say how many attendees' calendar files were written, when they were."""
    if count is not None and not quiet:
        click.echo(
            ngettext(
                "Wrote {count} attendee calendar to {path}.",
                "Wrote {count} attendee calendars to {path}.",
                count,
            ).format(count=count, path=path)
        )


def sandbox_said(text: str) -> None:
    """Say on stderr which local sandbox a run uses."""
    click.echo(text, err=True)


class _Display:
    """A progress display made at the first row that needs Zoom (none is drawn for a run
    that stops before sending anything)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.shown: RunProgress | None = None

    def __call__(self, progress: Progress) -> None:
        from batchzoom.cli.progress import display

        if self.shown is None:
            self.shown = display(sys.stderr, quiet=self.quiet)
        if self.shown is not None:
            self.shown(progress)

    def close(self) -> None:
        if self.shown is not None:
            self.shown.close()


def until_interrupted(
    run: Callable[..., Result],
    *args: Any,
    progress_display: _Display | None = None,
    **kwargs: Any,
) -> tuple[Result, InterruptedRunError | None]:
    """``run(*args, **kwargs)``'s result; after Ctrl-C, the result of what was done (its
    results already written) with the error to end on once it is printed (exit 130)."""
    from batchzoom.api.results import Result

    try:
        return run(*args, progress=progress_display, **kwargs), None
    except InterruptedRunError as stop:
        if not isinstance(stop.result, Result):
            raise
        return stop.result, stop
    finally:
        if progress_display is not None:
            progress_display.close()


def refuse_invalid(
    loaded: Loaded, settings: Settings, *, as_json: bool, verb: str, quiet: bool = False
) -> None:
    """Print the problems and exit 3 when a row is invalid (unless --skip-invalid).

    Under ``--quiet`` (cron) nothing goes to stdout: one line on stderr says which rows
    stopped the run and what to run, as every other condition a person must act on.
    """
    from batchzoom.files.results import RunReport

    validation = loaded.validation
    attendees = loaded.attendees
    if (validation.ok and (attendees is None or attendees.ok)) or settings.skip_invalid:
        return
    if as_json:
        document = json.loads(report_json(RunReport([], validation.problems), loaded))
        click.echo(json.dumps(document | {"exit_code": INVALID_ROWS}, ensure_ascii=False, indent=2))
    elif quiet and not validation.invalid_rows:  # a whole-file problem, or the attendee sheet's
        click.echo(
            _(
                "The roster or its attendee sheet has problems and nothing was sent to Zoom: "
                "run batchzoom validate {roster}"
            ).format(roster=shlex.quote(str(loaded.roster.source.path))),
            err=True,
        )
    elif quiet:
        rows = sorted(validation.invalid_rows)
        shown = ", ".join(str(row) for row in rows[:5]) + (", ..." if len(rows) > 5 else "")
        click.echo(
            ngettext(
                "{count} row is invalid ({rows}) and nothing was sent to Zoom: run batchzoom "
                "validate {roster}, fix it, or pass --skip-invalid",
                "{count} rows are invalid ({rows}) and nothing was sent to Zoom: run batchzoom "
                "validate {roster}, fix them, or pass --skip-invalid",
                len(rows),
            ).format(
                count=len(rows), rows=shown, roster=shlex.quote(str(loaded.roster.source.path))
            ),
            err=True,
        )
    else:
        echo_report(loaded.roster, validation, attendees=attendees)
        click.echo(
            _(
                "Nothing was sent to Zoom: fix the rows above, or pass --skip-invalid to {verb} "
                "only the valid rows."
            ).format(verb=verb),
            err=True,
        )
    finish(INVALID_ROWS)


def progress_line(*, quiet: bool, as_json: bool) -> _Display | None:
    """A progress bar on a terminal, lines in a log, nothing when quiet or JSON."""
    return None if quiet or as_json else _Display(quiet=False)


def report_json(
    report: RunReport, loaded: Loaded, *, include_password: bool = False, **extra: Any
) -> str:
    """The machine-readable summary: counts and per-row results, no start URLs.

    Passcodes follow the calendar file's rule: none, and join links without ``pwd=``
    (which lets anyone in without the passcode), unless ``include_password``.
    """
    from batchzoom.api.results import outcome_record

    document: dict[str, Any] = {
        "roster": str(loaded.roster.source.path),
        "output": str(report.output.path) if report.output else None,
        "dry_run": report.dry_run,
        "exit_code": INTERRUPTED if report.interrupted else outcome_exit(report.counts()),
        "counts": report.counts(),
        "warnings": report.warnings,
        "tokens_fetched": report.tokens_fetched,
        "requests": report.requests,
        "rate_limited": report.rate_limited,
        "rows": [outcome_record(o, include_password=include_password) for o in report.outcomes],
        "problems": [p.record() for p in report.problems],
        **extra,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def summary_line(report: RunReport) -> str:
    """``24 rows: 24 created. Results written to X.``, in the run's language."""
    total = len(report.outcomes)
    shown = counted(report.counts())
    if shown:
        text = ngettext("{count} row: {counts}.", "{count} rows: {counts}.", total).format(
            count=total, counts=shown
        )
    else:
        text = ngettext(
            "{count} row: nothing to do.", "{count} rows: nothing to do.", total
        ).format(count=total)
    if report.output is not None:
        text += " " + _("Results written to {path}.").format(path=report.output.path)
    return text


def print_report(
    report: RunReport,
    loaded: Loaded,
    *,
    as_json: bool,
    quiet: bool,
    json_include_password: bool = False,
    **extra: Any,
) -> None:
    if as_json:
        click.echo(report_json(report, loaded, include_password=json_include_password, **extra))
        return
    for warning in report.warnings:
        click.echo(_("Warning: {warning}").format(warning=warning), err=True)
    if report.output is not None and report.output.diverted and report.output.reason:
        click.echo(_("Note: {reason}").format(reason=report.output.reason), err=True)
    if quiet:
        # Cron mails stderr: what needs a person still gets one line per condition.
        command = click.get_current_context().info_name or "schedule"
        roster = str(loaded.roster.source.path)
        for line in alerts(report.outcomes, roster, command=command):
            click.echo(line, err=True)
        return
    if report.problems:
        click.echo(problem_table(report.problems))
    for outcome in report.outcomes:
        if outcome.status == "failed":
            click.echo(_("Row {row} failed: {error}").format(row=outcome.row, error=outcome.error))
        elif outcome.status == "changed":
            click.echo(_("Row {row} changed: {error}").format(row=outcome.row, error=outcome.error))
    # Deferred rows are said once per host; the rows are listed in --json, the sheet and the report.
    for line in held_back(report.outcomes):
        click.echo(line, err=True)
    click.echo(summary_line(report))


def echo_registrations(
    report: RunReport, *, quiet: bool, alert: bool = False, roster: Path | None = None
) -> None:
    """One line on what registering attendees did, when the roster had any; with ``alert``
    (``--quiet``, for cron) only a line on stderr when some registrations did not go through."""
    from batchzoom.engine.events import ScheduleReport

    if isinstance(report, ScheduleReport):
        done = report.registered
    else:  # only a sync run has loaded the sync engine
        from batchzoom.engine.sync import SyncReport

        done = report.registered if isinstance(report, SyncReport) else None
    if done is not None and alert and roster is not None:
        command = click.get_current_context().info_name or "schedule"
        line = attendee_alert(done.failed, done.deferred, done.in_doubt, str(roster), command)
        if line is not None:
            click.echo(line, err=True)
    if done is None or quiet:
        return
    parts = [
        ngettext("{count} attendee registered", "{count} attendees registered", done.added).format(
            count=done.added
        )
    ]
    for count, what in (
        (done.existing, _("{count} already registered")),
        (done.deferred, _("{count} deferred by Zoom's daily limit")),
        (done.failed, _("{count} failed (see the attendee sheet's zoom_error)")),
        (done.in_doubt, _("{count} unconfirmed (looked for on the next run)")),
        (done.cancelled, _("{count} cancelled (no longer on the sheet)")),
    ):
        if count:
            parts.append(what.format(count=count))
    click.echo(_("Attendees: {counts}.").format(counts=", ".join(parts)))
