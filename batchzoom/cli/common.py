"""Pieces shared by the commands that talk to Zoom (``schedule``, ``sync``).

``run_options`` adds the options every such command takes and hands them over as
one ``RunChoices``; ``connect`` turns those into Zoom settings (starting an
in-process sandbox for ``--sandbox``); the rest renders reports.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from batchzoom.cli.alerts import alerts
from batchzoom.cli.options import echo_report, problem_table
from batchzoom.core.secret import Secret
from batchzoom.engine.batch import Loaded, RunReport, ScheduleOptions
from batchzoom.engine.journal import default_path
from batchzoom.files.ics import without_passcode
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import Plan, RateLimits, ZoomSettings, load_settings

if TYPE_CHECKING:
    from batchzoom.cli.progress import RunProgress

OptionsT = TypeVar("OptionsT", bound=ScheduleOptions)

EXIT_CODES = (
    "Exit codes: 0 every row done; 1 could not run (input unusable, credentials, "
    "Zoom unreachable); 2 usage; 3 invalid rows; 4 some rows failed or were deferred (run again "
    "later); 5 another run holds the roster's lock."
)


@dataclass(frozen=True)
class RunChoices:
    """The command-line choices shared by the commands that talk to Zoom."""

    output: Path | None
    in_place: bool
    plan: Plan  # --plan, else the configuration file's, else "pro"
    rate: float | None
    concurrency: int | None
    dry_run: bool
    skip_invalid: bool
    use_sandbox: bool
    env_file: Path | None
    token_url: str | None
    api_url: str | None
    state: Path | None
    wait: float
    include_start_url: bool
    as_json: bool
    json_include_password: bool
    quiet: bool

    def options(self, kind: type[OptionsT], **extra: Any) -> OptionsT:
        """The run options of ``kind`` (ScheduleOptions or a subclass) these choices stand for."""
        return kind(
            output=self.output,
            in_place=self.in_place,
            skip_invalid=self.skip_invalid,
            dry_run=self.dry_run,
            include_start_url=self.include_start_url,
            concurrency=self.concurrency,
            state=self.state,
            wait=self.wait,
            **extra,
        )

    def limits(self) -> RateLimits:
        return RateLimits.for_plan(self.plan, rate=self.rate)

    def progress(self) -> RunProgress | None:
        """A progress bar on a terminal, lines in a log, nothing when quiet or JSON."""
        from batchzoom.cli.progress import display

        return display(sys.stderr, quiet=self.quiet or self.as_json)


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
    click.option("--sandbox", "use_sandbox", is_flag=True,
                 help="Run against a local Zoom sandbox instead of Zoom (no credentials needed)."),
    click.option("--env-file", type=click.Path(path_type=Path, dir_okay=False),
                 help="Read ZOOM_* settings from this file (default: .env in the current folder)."),
    click.option("--token-url", metavar="URL", help="Zoom's OAuth token URL (env ZOOM_TOKEN_URL)."),
    click.option("--api-url", metavar="URL", help="Zoom's API base URL (env ZOOM_API_URL)."),
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


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared options to ``command``; it receives them as ``choices``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in list(RunChoices.__dataclass_fields__)}
        roster, reading = kwargs.get("roster"), kwargs.get("reading")
        configured = reading.configuration(roster).plan if roster and reading else None
        values["plan"] = cast(Plan, values["plan"] or configured or "pro")
        choices = RunChoices(**values)
        if choices.output is not None and choices.in_place:
            raise click.UsageError("Use either --output or --in-place, not both.")
        if choices.json_include_password and not choices.as_json:
            raise click.UsageError("--json-include-password needs --json.")
        if choices.use_sandbox and (choices.token_url or choices.api_url):
            raise click.UsageError("--sandbox sets its own URLs; drop --token-url/--api-url.")
        return command(*args, choices=choices, **kwargs)

    decorated: Callable[..., Any] = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated


def sandbox_for(loaded: Loaded, state_file: Path, plan: Plan) -> Sandbox:
    """A sandbox account whose users are the roster's hosts (and co-hosts), keeping its meetings."""
    sessions = loaded.validation.sessions
    named = {s.host for s in sessions} | {a for s in sessions for a in s.alternative_hosts}
    hosts = sorted(named - {"me"}, key=str.lower)
    users = [SandboxUser(email="owner@sandbox.example", first_name="Sandbox", last_name="Owner")]
    for host in hosts:
        if "@" in host:
            users.append(SandboxUser(email=host))
        else:
            users.append(SandboxUser(email=f"{host.lower()}@sandbox.example", id=host))
    return Sandbox(SandboxConfig(users=users, plan=plan, state_file=state_file))


def connect(
    stack: ExitStack, loaded: Loaded, choices: RunChoices, *, required: bool = True
) -> ZoomSettings | None:
    """Zoom settings from the environment, or from a sandbox started for ``--sandbox``.

    Returns None when nothing is needed (not ``required``) and no sandbox was asked for.
    """
    if choices.use_sandbox:
        journal = choices.state or default_path(loaded.roster.source.path)
        sandbox = stack.enter_context(
            sandbox_for(loaded, journal.with_suffix(".sandbox.json"), choices.plan)
        )
        if not choices.quiet and not choices.as_json:
            click.echo(
                f"Using a local Zoom sandbox at {sandbox.base_url} (no real meetings).", err=True
            )
        return ZoomSettings(
            sandbox.account_id,
            sandbox.client_id,
            Secret(sandbox.client_secret),
            token_url=sandbox.token_url,
            api_url=sandbox.api_url,
        )
    if not required:
        return None
    return load_settings(
        os.environ,
        env_file=choices.env_file,
        cwd=Path.cwd(),
        token_url=choices.token_url,
        api_url=choices.api_url,
    )


def refuse_invalid(loaded: Loaded, choices: RunChoices, *, verb: str) -> None:
    """Print the problems and exit 3 when a row is invalid (unless --skip-invalid)."""
    validation = loaded.validation
    if validation.ok or choices.skip_invalid:
        return
    if choices.as_json:
        document = json.loads(report_json(RunReport([], validation.problems), loaded))
        click.echo(json.dumps(document | {"exit_code": 3}, ensure_ascii=False, indent=2))
    else:
        echo_report(loaded.roster, validation)
        click.echo(
            f"Nothing was sent to Zoom: fix the rows above, or pass --skip-invalid to {verb} "
            "only the valid rows.",
            err=True,
        )
    sys.exit(3)


def report_json(
    report: RunReport, loaded: Loaded, *, include_password: bool = False, **extra: Any
) -> str:
    """The machine-readable summary: counts and per-row results, no start URLs.

    Passcodes follow the calendar file's rule: none, and join links without ``pwd=``
    (which lets anyone in without the passcode), unless ``include_password``.
    """
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
                "join_url": o.join_url
                if include_password or o.join_url is None
                else without_passcode(o.join_url),
                **({"password": o.password} if include_password else {}),
                "error": o.error,
            }
            for o in report.outcomes
        ],
        "problems": [
            {"row": p.row, "column": p.column, "code": p.code, "message": p.message}
            for p in report.problems
        ],
        **extra,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def summary_line(report: RunReport) -> str:
    shown = [f"{n} {status}" for status, n in report.counts().items() if n]
    text = f"{len(report.outcomes)} rows: " + (", ".join(shown) or "nothing to do") + "."
    if report.output is not None:
        text += f" Results written to {report.output.path}."
    return text


def print_report(report: RunReport, loaded: Loaded, choices: RunChoices, **extra: Any) -> None:
    if choices.as_json:
        click.echo(
            report_json(report, loaded, include_password=choices.json_include_password, **extra)
        )
        return
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if report.output is not None and report.output.diverted and report.output.reason:
        click.echo(f"Note: {report.output.reason}", err=True)
    if choices.quiet:
        # Cron mails stderr: what needs a person still gets one line per condition.
        command = click.get_current_context().info_name or "schedule"
        roster = str(loaded.roster.source.path)
        for line in alerts(report.outcomes, roster, command=command):
            click.echo(line, err=True)
        return
    if report.problems:
        click.echo(problem_table(report.problems))
    for outcome in report.outcomes:
        if outcome.status in {"failed", "deferred", "changed"}:
            click.echo(f"Row {outcome.row} {outcome.status}: {outcome.error}")
    click.echo(summary_line(report))
