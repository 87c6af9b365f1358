"""``batchzoom schedule``: create the roster's meetings and write the result sheet."""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any, cast

import click

from batchzoom.batch import Loaded, Progress, RunReport, ScheduleOptions, schedule
from batchzoom.cli.app import cli
from batchzoom.cli.options import ReadingOptions, echo_report, problem_table, reading_options
from batchzoom.journal import default_path
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.secret import Secret
from batchzoom.zoom import Plan, RateLimits, ZoomSettings, load_settings

EXIT_CODES = (
    "Exit codes: 0 every row created or existing; 1 could not run (input unusable, credentials, "
    "Zoom unreachable); 2 usage; 3 invalid rows; 4 some rows failed or were deferred (run again "
    "later); 5 another run holds the roster's lock."
)


def sandbox_for(loaded: Loaded, state_file: Path, plan: Plan) -> Sandbox:
    """A sandbox account whose users are the roster's hosts, keeping its meetings in ``state_file``."""
    hosts = sorted({s.host for s in loaded.validation.sessions if s.host != "me"}, key=str.lower)
    users = [SandboxUser(email="owner@sandbox.example", first_name="Sandbox", last_name="Owner")]
    for host in hosts:
        if "@" in host:
            users.append(SandboxUser(email=host))
        else:
            users.append(SandboxUser(email=f"{host.lower()}@sandbox.example", id=host))
    return Sandbox(SandboxConfig(users=users, plan=plan, state_file=state_file))


class _ProgressLine:
    """One self-updating status line on a terminal."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, progress: Progress) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        line = (
            f"\r{progress.done}/{progress.total} rows  created {progress.created}  "
            f"failed {progress.failed}  deferred {progress.deferred}  "
            f"{progress.done / elapsed:.1f}/s"
        )
        click.echo(line, nl=False, err=True)

    def close(self) -> None:
        click.echo("", err=True)


def report_json(report: RunReport, loaded: Loaded) -> str:
    """The machine-readable summary: counts and per-row results, no passcodes or start URLs."""
    document: dict[str, Any] = {
        "roster": str(loaded.roster.source.path),
        "output": str(report.output.path) if report.output else None,
        "dry_run": report.dry_run,
        "exit_code": report.exit_code,
        "counts": report.counts(),
        "warnings": report.warnings,
        "tokens_fetched": report.tokens_fetched,
        "requests": report.requests,
        "rate_limited": report.rate_limited,
        "rows": [
            {
                "row": o.row,
                "id": o.key,
                "status": o.status,
                "host": o.host,
                "topic": o.topic,
                "start_time": o.start_time or o.start_utc,
                "meeting_id": o.meeting_id,
                "join_url": o.join_url,
                "error": o.error,
            }
            for o in report.outcomes
        ],
        "problems": [
            {"row": p.row, "column": p.column, "code": p.code, "message": p.message}
            for p in report.problems
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def summary_line(report: RunReport) -> str:
    counts = report.counts()
    shown = [f"{n} {status}" for status, n in counts.items() if n]
    text = f"{len(report.outcomes)} rows: " + (", ".join(shown) or "nothing to do") + "."
    if report.output is not None:
        text += f" Results written to {report.output.path}."
    return text


@cli.command(epilog=EXIT_CODES)
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the result sheet (default: <name>.scheduled.<ext> beside the roster).",
)
@click.option("--in-place", is_flag=True, help="Update the roster itself, keeping <name>.bak.")
@reading_options
@click.option(
    "--plan",
    type=click.Choice(["free", "pro", "business"]),
    default="pro",
    show_default=True,
    help="Your Zoom plan; sets the request rate Zoom allows.",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0.1),
    metavar="N",
    help="Requests per second to stay under, instead of the plan's numbers.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    metavar="N",
    help="Requests in flight at once (default: enough to reach the rate).",
)
@click.option(
    "--dry-run", is_flag=True, help="Validate and plan; send nothing to Zoom; status 'planned'."
)
@click.option(
    "--skip-invalid", is_flag=True, help="Schedule the valid rows and mark the rest 'invalid'."
)
@click.option(
    "--sandbox",
    "use_sandbox",
    is_flag=True,
    help="Run against a local Zoom sandbox instead of Zoom (no credentials needed).",
)
@click.option(
    "--env-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read ZOOM_* settings from this file (default: .env in the current folder).",
)
@click.option("--token-url", metavar="URL", help="Zoom's OAuth token URL (env ZOOM_TOKEN_URL).")
@click.option("--api-url", metavar="URL", help="Zoom's API base URL (env ZOOM_API_URL).")
@click.option(
    "--state",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The journal file (default: <name>.batchzoom.db beside the roster).",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help="Wait this long for another run on the same roster to finish.",
)
@click.option(
    "--include-start-url",
    is_flag=True,
    help="Also write each meeting's host start URL (a credential) to the sheet.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def schedule_command(
    roster: Path,
    output: Path | None,
    in_place: bool,
    reading: ReadingOptions,
    plan: str,
    rate: float | None,
    concurrency: int | None,
    dry_run: bool,
    skip_invalid: bool,
    use_sandbox: bool,
    env_file: Path | None,
    token_url: str | None,
    api_url: str | None,
    state: Path | None,
    wait: float,
    include_start_url: bool,
    as_json: bool,
    quiet: bool,
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
    if output is not None and in_place:
        raise click.UsageError("Use either --output or --in-place, not both.")
    if use_sandbox and (token_url or api_url):
        raise click.UsageError("--sandbox sets its own URLs; drop --token-url/--api-url.")
    roster_data, validation = reading.load(roster)
    loaded = Loaded(roster_data, validation)
    if not validation.ok and not skip_invalid:
        if as_json:
            click.echo(
                json.dumps(
                    json.loads(report_json(RunReport([], validation.problems), loaded))
                    | {"exit_code": 3},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            echo_report(roster_data, validation)
            click.echo(
                "Nothing was sent to Zoom: fix the rows above, or pass --skip-invalid to "
                "schedule only the valid rows.",
                err=True,
            )
        sys.exit(3)

    options = ScheduleOptions(
        output=output,
        in_place=in_place,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        include_start_url=include_start_url,
        concurrency=concurrency,
        state=state,
        wait=wait,
    )
    limits = RateLimits.for_plan(cast(Plan, plan), rate=rate)
    show_progress = not (quiet or as_json) and sys.stderr.isatty()
    progress = _ProgressLine() if show_progress else None
    with ExitStack() as stack:
        settings: ZoomSettings | None = None
        if use_sandbox:
            journal = state or default_path(roster)
            sandbox = stack.enter_context(
                sandbox_for(
                    loaded, journal.with_name(journal.name + ".sandbox.json"), cast(Plan, plan)
                )
            )
            settings = ZoomSettings(
                sandbox.account_id,
                sandbox.client_id,
                Secret(sandbox.client_secret),
                token_url=sandbox.token_url,
                api_url=sandbox.api_url,
            )
            if not quiet and not as_json:
                click.echo(
                    f"Using a local Zoom sandbox at {sandbox.base_url} (no real meetings).",
                    err=True,
                )
        elif not dry_run:
            settings = load_settings(
                os.environ, env_file=env_file, cwd=Path.cwd(), token_url=token_url, api_url=api_url
            )
        try:
            report = schedule(loaded, settings, options, limits=limits, progress=progress)
        finally:
            if progress is not None:
                progress.close()
    _print_report(report, loaded, as_json=as_json, quiet=quiet)
    sys.exit(report.exit_code)


def _print_report(report: RunReport, loaded: Loaded, *, as_json: bool, quiet: bool) -> None:
    if as_json:
        click.echo(report_json(report, loaded))
        return
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if report.output is not None and report.output.diverted and report.output.reason:
        click.echo(f"Note: {report.output.reason}", err=True)
    if quiet:
        return
    if report.problems:
        click.echo(problem_table(report.problems))
    trouble = [o for o in report.outcomes if o.status in {"failed", "deferred"}]
    for outcome in trouble:
        click.echo(f"Row {outcome.row} {outcome.status}: {outcome.error}")
    click.echo(summary_line(report))
