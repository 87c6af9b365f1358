"""The commands' work as functions: ``validate``, ``schedule``, ``sync`` and ``status``.

Each takes a roster (a path, a pandas DataFrame, or any iterable of mappings) and the
command line's options under the same names and defaults (``dry_run``, ``skip_invalid``,
``output``, ``in_place``, ``plan``, ``state``, ``sandbox``, ``timezone``...), and returns a
result (``batchzoom.api.results``); what stops a run is raised as a ``RunStoppingError``.
Nothing is printed: progress reaches ``progress``, a function called after every row::

    import batchzoom

    result = batchzoom.schedule("spring.xlsx", timezone="Asia/Seoul", skip_invalid=True)
    print(result.counts, result.exit_code)

The HTTP stack loads only for a run that sends (``status`` reads the journal alone).
A run holds the roster's lock from before its journal is first read until its result
sheet is written, and sends every request through one Zoom client (one token): ``zoom=``
lends it a ``batchzoom.Zoom`` the caller keeps open, else one is opened for the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batchzoom.api.reports import ReportChoice, report_run, report_status, report_validation
from batchzoom.api.results import ReconcileResult, Result, StatusResult
from batchzoom.core.errors import InterruptedRunError
from batchzoom.core.exits import (
    INCOMPLETE,
    INTERRUPTED,
    INVALID_ROWS,
    OK,
    attendee_exit,
    outcome_exit,
)
from batchzoom.engine.lifecycle import RunPaths, holding_lock
from batchzoom.engine.planning import load
from batchzoom.engine.settings import Settings, resolve
from batchzoom.files.records import is_records, records_path
from batchzoom.files.results import (
    Loaded,
    ProgressCallback,
    RunReport,
    cancelled_outcomes,
    invalid_outcomes,
)
from batchzoom.model.outcomes import RowOutcome, row_outcome

if TYPE_CHECKING:
    from batchzoom.api.zoom import Zoom
    from batchzoom.engine.registrations import Registered
    from batchzoom.engine.sync_plan import SyncPlan

Said = Callable[[str], None]


def _path_of(source: object) -> Path | None:
    return None if is_records(source) else Path(str(source))


PATH_OPTIONS = ("output", "state", "config", "env_file", "attendees")


def _paths(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` with a path given as text made a ``Path``."""
    return options | {
        name: Path(options[name]) for name in PATH_OPTIONS if isinstance(options.get(name), str)
    }


def _resolve(source: object, options: dict[str, Any], zoom: Zoom | None) -> Settings:
    """The run's settings: the options (None: not given), the configuration file, defaults."""
    options = _paths(options)
    if zoom is not None and options.get("plan") is None:
        options = options | {"plan": zoom.plan}
    if zoom is not None and options.get("now") is None:
        options = options | {"now": zoom.now}
    if zoom is not None and options.get("sandbox"):
        raise TypeError("pass either zoom= or sandbox=True, not both")
    return resolve(_path_of(source), **options)


def _run_paths(source: object, settings: Settings) -> RunPaths:
    """Where the run's journal and lock live (a records roster goes by ``records_path``)."""
    path = _path_of(source)
    if path is None:
        path = records_path(settings.state, settings.output)
    return RunPaths.for_settings(path, settings)


def _report_choice(
    report: Path | str | None, include_password: bool, command: str
) -> ReportChoice | None:
    if report is None:
        return None
    return ReportChoice(Path(report), include_password, command)


def _sessions_only(loaded: Loaded) -> tuple[RowOutcome, ...]:
    """Every row of a roster nothing was sent for: ``planned`` (valid) or ``invalid``."""
    outcomes = invalid_outcomes(loaded.validation) | cancelled_outcomes(loaded.validation)
    for session in loaded.validation.sessions:
        outcomes.setdefault(session.row, row_outcome(session, "planned"))
    return tuple(outcomes[row] for row in sorted(outcomes))


def _refused(command: str, loaded: Loaded, settings: Settings, report: Path | None) -> Result:
    """The result of a run that sent nothing because rows are invalid (exit status 3)."""
    validation = loaded.validation
    return Result(
        command=command,
        roster=str(loaded.roster.source.path),
        rows=_sessions_only(loaded),
        problems=tuple(validation.problems),
        warnings=(),
        exit_code=INVALID_ROWS,
        dry_run=settings.dry_run,
        report=report,
        loaded=loaded,
        run=RunReport([], list(validation.problems)),
        settings=settings,
    )


def _must_refuse(loaded: Loaded, settings: Settings) -> bool:
    attendees = loaded.attendees
    valid = loaded.validation.ok and (attendees is None or attendees.ok)
    return not (valid or settings.skip_invalid)


def _finished(
    command: str,
    loaded: Loaded,
    settings: Settings,
    run: RunReport,
    *,
    exit_code: int,
    **extra: Any,
) -> Result:
    return Result(
        command=command,
        roster=str(loaded.roster.source.path),
        rows=tuple(run.outcomes),
        problems=tuple(run.problems),
        warnings=tuple(run.warnings),
        exit_code=INTERRUPTED if run.interrupted else exit_code,
        dry_run=run.dry_run,
        sent=True,
        output=run.output.path if run.output is not None else None,
        tokens_fetched=run.tokens_fetched,
        requests=run.requests,
        loaded=loaded,
        run=run,
        settings=settings,
        **extra,
    )


@contextmanager
def _counting(settings: Settings, run: Sequence[RunReport]) -> Iterator[None]:
    """Once the run ends: its report counts every request of the run's client, host checks
    and registrations included (a lent ``Zoom`` counts only this run's)."""
    client = settings.client
    if client is None:
        yield
        return
    tokens, requests, limited = (
        client.tokens_fetched,
        client.stats["requests"],
        client.stats["qps_429"],
    )
    try:
        yield
    finally:
        if run:
            run[0].tokens_fetched = client.tokens_fetched - tokens
            run[0].requests = client.stats["requests"] - requests
            run[0].rate_limited = client.stats["qps_429"] - limited


def validate(
    source: object,
    *,
    check_hosts: bool = False,
    zoom: Zoom | None = None,
    report: Path | str | None = None,
    report_include_password: bool = False,
    said: Said | None = None,
    command_line: str = "batchzoom.validate()",
    **options: Any,
) -> Result:
    """Check every row; nothing is sent to Zoom unless ``check_hosts`` looks the users up.

    ``exit_code`` is 0 when every row (and attendee) is valid, else 3; ``problems`` name each
    row and column. Raises ``InputError`` when the roster cannot be read at all.
    """
    settings = _resolve(source, options, zoom)
    loaded = load(source, settings)
    if check_hosts:
        from batchzoom.api.accounts import connect
        from batchzoom.engine.hosts import look_up_hosts

        with ExitStack() as stack:
            account = connect(stack, loaded, settings, zoom=zoom, said=said)
            loaded = look_up_hosts(loaded, account)
    choice = _report_choice(report, report_include_password, command_line)
    written = report_validation(choice, loaded, settings=settings) if choice else None
    attendees = loaded.attendees
    valid = loaded.validation.ok and (attendees is None or attendees.ok)
    problems = [*loaded.validation.problems, *(attendees.problems if attendees else ())]
    return Result(
        command="validate",
        roster=str(loaded.roster.source.path),
        rows=_sessions_only(loaded),
        problems=tuple(problems),
        warnings=tuple(p.message for p in loaded.validation.warnings),
        exit_code=OK if valid else INVALID_ROWS,
        report=written,
        loaded=loaded,
        settings=settings,
    )


@dataclass
class _Run:
    """One ``schedule`` or ``sync`` as it goes: the roster, the settings (with the run's
    one client once connected), the engine's report, and how it ended."""

    loaded: Loaded
    settings: Settings
    report: RunReport | None = None
    stop: InterruptedRunError | None = None  # Ctrl-C: the report holds what was done
    refused: Result | None = None  # invalid rows: nothing was sent


def _lifecycle(
    command: str,
    source: object,
    settings: Settings,
    choice: ReportChoice | None,
    work: Callable[[_Run], None],
    *,
    zoom: Zoom | None,
    said: Said | None,
    required: bool,
) -> _Run:
    """The one run lifecycle of ``schedule`` and ``sync``: take the roster's lock before its
    journal is first read, load and validate (invalid rows refuse the run), connect one
    Zoom client for every request (the account ``required`` or not), ``work``, count the
    requests; Ctrl-C keeps its report."""
    from batchzoom.api.accounts import connect
    from batchzoom.engine.connection import sharing_client

    with holding_lock(_run_paths(source, settings), settings, create=not settings.dry_run):
        run = _Run(load(source, settings), settings)
        if _must_refuse(run.loaded, settings):
            run.refused = _refusal(command, run, choice)
            return run
        reports: list[RunReport] = []
        with ExitStack() as stack:
            run.settings = connect(
                stack, run.loaded, settings, required=required, zoom=zoom, said=said
            )
            run.settings = stack.enter_context(sharing_client(run.settings))
            stack.enter_context(_counting(run.settings, reports))
            try:
                work(run)
            except InterruptedRunError as error:
                if not isinstance(error.report, RunReport):
                    raise
                run.report, run.stop = error.report, error
            if run.report is not None:
                reports.append(run.report)
    return run


def _refusal(command: str, run: _Run, choice: ReportChoice | None) -> Result:
    written = report_run(choice, run.loaded, None, settings=run.settings) if choice else None
    return _refused(command, run.loaded, run.settings, written)


def _hosts_pass(command: str, run: _Run, choice: ReportChoice | None) -> bool:
    """Look every user the roster names up on the run's account (``engine.hosts``) before
    anything is sent; False when the rows naming a refused user refuse the run. A dry run
    asks Zoom nothing, so it looks nobody up."""
    if run.settings.zoom is None or run.settings.dry_run:
        return True
    from batchzoom.engine.hosts import look_up_hosts

    run.loaded = look_up_hosts(run.loaded, run.settings)
    if _must_refuse(run.loaded, run.settings):
        run.refused = _refusal(command, run, choice)
        return False
    return True


def _report_of(run: _Run, choice: ReportChoice | None, exit_code: int) -> dict[str, Any]:
    """The HTML report of a finished run, when one is asked for, with its exit status."""
    if choice is None or run.report is None:
        return {}
    zoom = run.settings.zoom
    account = zoom.account_id if zoom is not None else None
    if run.report.interrupted:
        exit_code = INTERRUPTED
    written = report_run(
        choice, run.loaded, run.report, settings=run.settings, account=account, exit_code=exit_code
    )
    return {"report": written}


def _calendars(
    run: _Run,
    ics: Path | str | None,
    per_attendee: Path | str | None,
    include_password: bool,
    *,
    removed: Sequence[RowOutcome] = (),
) -> dict[str, Any]:
    """The calendars a finished run was asked for (none after a dry run): the roster's
    (``removed`` rows as cancelled events) and one per registered attendee."""
    written: dict[str, Any] = {}
    done, settings = run.report, run.settings
    if done is None or settings.dry_run:
        return written
    if ics is not None:
        from batchzoom.files.ics import pair, write_calendar

        written["calendar_events"] = write_calendar(
            Path(ics),
            pair(run.loaded.validation.sessions, done.outcomes),
            include_password=include_password,
            now=settings.now(),
            removed=removed,
        )
    if per_attendee is not None:
        from batchzoom.engine.events import attendee_calendars

        written["attendee_calendars"] = attendee_calendars(
            run.loaded,
            done,
            Path(per_attendee),
            include_password=include_password,
            now=settings.now(),
        )
    return written


def _ended(command: str, run: _Run, exit_code: int, extra: dict[str, Any]) -> Result:
    """The run's result; after Ctrl-C, raised with it (its results already written)."""
    assert run.report is not None
    result = _finished(command, run.loaded, run.settings, run.report, exit_code=exit_code, **extra)
    if run.stop is not None:
        run.stop.result = result
        raise run.stop
    return result


def schedule(
    source: object,
    *,
    check_hosts: bool = True,
    zoom: Zoom | None = None,
    progress: ProgressCallback | None = None,
    ics: Path | str | None = None,
    ics_per_attendee: Path | str | None = None,
    ics_include_password: bool = False,
    report: Path | str | None = None,
    report_include_password: bool = False,
    said: Said | None = None,
    command_line: str = "batchzoom.schedule()",
    **options: Any,
) -> Result:
    """Create a meeting for every new row, exactly once, and write the result sheet.

    Rows are validated first: with an invalid row and no ``skip_invalid=True`` nothing is
    sent and the result has ``exit_code`` 3. Unless ``check_hosts=False`` (or a dry run),
    every user the rows name is looked up on Zoom first (``GET /users/{id}``, counted in
    ``requests``): an unknown, pending, deactivated or unlicensed one makes its rows invalid. A run stopped by Ctrl-C raises
    ``InterruptedRunError`` whose ``result`` holds what was done (already written).
    """
    from batchzoom.engine.batch import schedule as run_schedule
    from batchzoom.engine.events import ScheduleReport

    choice = _report_choice(report, report_include_password, command_line)

    def work(run: _Run) -> None:
        if check_hosts and not _hosts_pass("schedule", run, choice):
            return
        run.report = run_schedule(run.loaded, run.settings, progress=progress)

    settings = _resolve(source, options, zoom)
    # A dry run needs no account; when one is set, it shows that account's journal.
    run = _lifecycle(
        "schedule",
        source,
        settings,
        choice,
        work,
        zoom=zoom,
        said=said,
        required=not settings.dry_run,
    )
    if run.refused is not None:
        return run.refused
    done, loaded, settings = run.report, run.loaded, run.settings
    assert isinstance(done, ScheduleReport)
    code = _with_attendees(outcome_exit(done.counts()), done)  # before the report: its warning
    extra = _report_of(run, choice, code)
    extra |= _calendars(run, ics, ics_per_attendee, ics_include_password)
    if settings.dry_run:
        from batchzoom.engine import preview

        sessions = loaded.validation.sessions
        extra["planned_requests"] = tuple(preview.requests(sessions, now=settings.now()))
    return _ended("schedule", run, code, extra)


def sync(
    source: object,
    *,
    check_hosts: bool = True,
    confirm: Callable[[SyncPlan], bool] | None = None,
    zoom: Zoom | None = None,
    progress: ProgressCallback | None = None,
    ics: Path | str | None = None,
    ics_per_attendee: Path | str | None = None,
    ics_include_password: bool = False,
    report: Path | str | None = None,
    report_include_password: bool = False,
    said: Said | None = None,
    command_line: str = "batchzoom.sync()",
    **options: Any,
) -> Result:
    """Bring Zoom in step with the sheet: create new rows, update changed ones, delete
    cancelled ones (and, with ``delete_missing=True``, those gone from the sheet).

    ``confirm(plan)`` sees the plan first and may trim ``plan.steps``; it returns whether to
    apply (default: apply, as ``--yes``). ``ics`` writes the calendar as ``schedule``'s,
    each deleted meeting as a cancelled event; ``ics_per_attendee`` each registered
    person's, as ``schedule``'s. Registers the attendee sheet's new people and
    cancels those removed. Users are looked up first as ``schedule``'s ``check_hosts``.
    ``exit_code`` as ``schedule``'s; a removed row whose meeting could not be deleted also
    gives 4.
    """
    from batchzoom.engine.events import sync_registrations
    from batchzoom.engine.sync import SyncReport
    from batchzoom.engine.sync import sync as run_sync

    choice = _report_choice(report, report_include_password, command_line)

    def work(run: _Run) -> None:
        if check_hosts and not _hosts_pass("sync", run, choice):
            return
        done = run_sync(run.loaded, run.settings, confirm=confirm or _yes, progress=progress)
        run.report = done
        plan = done.plan
        done.registered = sync_registrations(
            run.loaded,
            run.settings,
            done,
            register=plan is None or plan.register_new,
            cancel=plan is None or plan.cancel_removed,
        )
        if done.registered is not None and (done.registered.added or done.registered.cancelled):
            done.applied = True  # Zoom was changed, even when no meeting was

    settings = _resolve(source, options, zoom)
    # A sync always needs the account: even its dry run reads that account's journal.
    run = _lifecycle("sync", source, settings, choice, work, zoom=zoom, said=said, required=True)
    if run.refused is not None:
        return run.refused
    done = run.report
    assert isinstance(done, SyncReport)
    code = outcome_exit(done.counts())
    if code == OK and any(o.status == "failed" for o in done.missing):
        code = INCOMPLETE  # a removed row whose meeting was not deleted is unfinished too
    code = _with_attendees(code, done)  # before the report: its warning
    extra = _report_of(run, choice, code)
    extra |= _calendars(run, ics, ics_per_attendee, ics_include_password, removed=done.missing)
    return _ended("sync", run, code, extra)


def _with_attendees(code: int, done: RunReport) -> int:
    """The run's exit status with its registrations (``attendee_exit``). Registrants
    of rows changed since their meeting was created wait for sync: said once per run."""
    registered: Registered | None = getattr(done, "registered", None)
    if registered is None:
        return code
    done.warnings += registered.warnings  # a daily pool that deferred people before sending
    if registered.held:
        from batchzoom.core.i18n import ngettext

        done.warnings.append(
            ngettext(
                "{count} attendee of rows changed since their meeting was created was not "
                "registered: run batchzoom sync, which applies the rows (their registration "
                "setting first) and then registers them.",
                "{count} attendees of rows changed since their meeting was created were not "
                "registered: run batchzoom sync, which applies the rows (their registration "
                "setting first) and then registers them.",
                registered.held,
            ).format(count=registered.held)
        )
    return attendee_exit(code, vars(registered))


def _yes(plan: SyncPlan) -> bool:
    return True


def status(
    source: object,
    *,
    env_file: Path | str | None = None,
    report: Path | str | None = None,
    report_include_password: bool = False,
    command_line: str = "batchzoom.status()",
    **options: Any,
) -> StatusResult:
    """Where each row stands in the journal (created, deferred, failed, in doubt, new), and
    today's creates and updates per host; Zoom is not called.

    With Zoom credentials set (or ``env_file``) only that account's entries are shown.
    """
    from batchzoom.api.accounts import current_account
    from batchzoom.engine.audit import status as journal_status

    env = Path(env_file) if env_file is not None else None
    # Sessions that have started since they were scheduled are still the same rows.
    settings = resolve(_path_of(source), **_paths(options) | {"allow_past": True})
    loaded = load(source, settings)
    roster = loaded.roster.source.path
    account = current_account(env, roster)
    now = settings.now()
    paths = _run_paths(source, settings)
    journal = paths.read(now.date().isoformat(), must_exist=paths.explicit)
    found = journal_status(loaded, journal, account=account, now=now)
    choice = _report_choice(report, report_include_password, command_line)
    written = report_status(choice, loaded, found, settings=settings) if choice else None
    return StatusResult(
        roster=str(roster),
        journal=journal.path,
        journal_exists=journal.exists,
        account=found.account,
        rows=tuple(row for row in found.rows if row.in_roster),
        not_in_roster=tuple(row for row in found.rows if not row.in_roster),
        quota=tuple(found.quota),
        now=now,
        report=written,
        status=found,
        loaded=loaded,
    )


def reconcile(
    source: object,
    *,
    zoom: Zoom | None = None,
    said: Said | None = None,
    **options: Any,
) -> ReconcileResult:
    """Ask Zoom for every meeting the roster's journal recorded as created (one
    ``GET /meetings/{id}`` each): deleted there, changed there, or matching. Only reads.

    Options as the command's: ``state``, ``env_file``, ``token_url``, ``api_url``,
    ``allow_insecure_http``, ``sandbox`` (the sandbox ``schedule(sandbox=True)`` kept).
    """
    from batchzoom.api.accounts import from_environment, kept_sandbox, started
    from batchzoom.engine.audit import reconcile as check_all

    settings = _resolve(source, options, zoom)
    paths = _run_paths(source, settings)
    journal = paths.read(settings.now().date().isoformat(), must_exist=True)
    with ExitStack() as stack:
        if zoom is not None:
            settings = replace(settings, zoom=zoom.settings, client=zoom.client)
        elif settings.sandbox:
            sandbox = kept_sandbox(paths.sandbox_state)
            settings = replace(settings, zoom=started(stack, sandbox, settings, said))
        else:
            settings = replace(settings, zoom=from_environment(settings, paths.roster))
        report = check_all(journal, settings)
    return ReconcileResult(
        journal=paths.journal,
        account=report.account,
        checks=tuple(report.checks),
        other_accounts=report.other_accounts,
        exit_code=OK if report.all_match else INCOMPLETE,
        report=report,
    )
