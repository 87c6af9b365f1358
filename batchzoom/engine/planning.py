"""A roster made ready to run: read, validated, with configuration defaults and host pools.

``load`` is the one way to read a roster, for every command and for the tests: it
validates the rows against the settings, then applies what needs the whole roster
and the journal: a start already past is an error only while Zoom has no meeting
for it, a meeting id copied with a row belongs to the first row, the configured
meeting settings lie under each row's own, a host with more sessions at once than
the plan runs is warned of, and every ``pool:<name>`` host is given a member of that
pool (keeping the member an earlier run chose).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import cast

from batchzoom.core.i18n import _
from batchzoom.engine.events import attendee_table, check_attendees
from batchzoom.engine.journal import sent_row_keys
from batchzoom.engine.journal.schema import Entry
from batchzoom.engine.lifecycle import RunPaths
from batchzoom.engine.settings import Settings
from batchzoom.files.records import is_records, read_records, records_path, refuse_records_in_place
from batchzoom.files.results import Loaded
from batchzoom.files.roster import Roster, read_roster
from batchzoom.files.targets import refuse_in_place
from batchzoom.model import pools, recurrence, times
from batchzoom.model.cells import cell_text, is_blank
from batchzoom.model.extras import parse_status
from batchzoom.model.missing_columns import missing_column_warnings
from batchzoom.model.outcomes import row_key
from batchzoom.model.problems import CellError, Problem, lettered
from batchzoom.model.rows import Session, Validation
from batchzoom.model.validation import validate


def load(path: Path | object, settings: Settings) -> Loaded:
    """Read, validate and plan the roster at ``path`` (raises ``InputError`` if unusable).

    ``path`` may also be a pandas DataFrame or an iterable of mappings
    (``batchzoom.files.records``): read with the same headers and checks as a file.

    With ``settings.strict`` (--strict, or ``strict = true`` in the file) every warning is
    a problem. A session already past is an error only while Zoom has no meeting for it: once a
    run has created it, later runs (cron, all term) go on even after it has started.
    """
    if is_records(path):
        name = records_path(settings.state, settings.output)
        roster = read_records(path, path=name, aliases=settings.aliases)
        if settings.in_place:
            refuse_records_in_place()
    else:
        roster = read_roster(
            Path(cast(Path, path)),
            sheet=settings.sheet,
            encoding=settings.encoding,
            aliases=settings.aliases,
        )
    if settings.in_place:
        refuse_in_place(roster.source)  # an .xls or .ods roster: before anything is sent
    options = settings.validation()
    paths = RunPaths.for_settings(roster.source.path, settings)
    sent = set() if options.allow_past else sent_row_keys(paths.journal)
    if not sent:
        validation = validate(roster, options)
    else:
        validation = validate(roster, replace(options, allow_past=True))
        validation = validation.amended(_past_starts(roster, validation, sent, settings.now()))
    validation = validation.warned(roster.warnings)  # the file's text: encodings, controls
    validation = validation.warned(_missing_columns(roster, settings))
    validation = plan_hosts(roster, validation.amended(_copied_ids(roster, validation)), settings)
    validation = _cancelled_by_id(roster, validation, paths, settings.now())
    table = attendee_table(roster, settings.attendees)
    validation, attendees = check_attendees(roster, validation, table, plan=settings.plan)
    if settings.strict:
        validation = validation.strict()
    # Each problem names its column as the sheet does: the header, and its letter.
    validation = replace(
        validation,
        problems=lettered(validation.problems, roster.headers),
        warnings=lettered(validation.warnings, roster.headers),
    )
    if attendees is not None and table is not None:
        attendees = replace(attendees, problems=lettered(attendees.problems, table.headers))
    return Loaded(roster, validation, attendees, table.source if table is not None else None)


def _missing_columns(roster: Roster, settings: Settings) -> list[Problem]:
    """Warnings for a roster without a host or time-zone column (the defaults then apply)."""
    ignored = [(header, roster.cells[roster.headers.index(header)]) for header in roster.ignored]
    return missing_column_warnings(
        list(roster.columns),
        ignored,
        default_host=settings.host,
        default_zone=settings.timezone,
    )


def _copied_ids(roster: Roster, validation: Validation) -> list[Problem]:
    """A meeting id that stands in two rows was copied with a row: it belongs to the first."""
    first: dict[int, int] = {}
    problems = []
    for session in validation.sessions:
        if session.meeting_id is None:
            continue
        row = first.setdefault(session.meeting_id, session.row)
        if row != session.row:
            problems.append(
                Problem(
                    session.row,
                    roster.columns.get("zoom_meeting_id", "zoom_meeting_id"),
                    "meeting-id-copied",
                    _(
                        "this row has the meeting id of row {row} (copied with it?); clear its "
                        "zoom_* cells so that it gets a meeting of its own."
                    ).format(row=row),
                )
            )
    return problems


def _past_starts(
    roster: Roster, validation: Validation, sent: set[str], now: datetime
) -> list[Problem]:
    """``start-in-past`` for each session that starts before ``now`` and is not on Zoom yet."""
    column = roster.columns.get("start") or roster.columns.get("date") or "start"
    return [
        Problem(
            session.row,
            column,
            "start-in-past",
            _(
                "the start {start} ({zone}) is in the past; "
                "correct the date or run with --allow-past."
            ).format(start=f"{session.start:%Y-%m-%d %H:%M}", zone=session.timezone),
        )
        for session in validation.sessions
        if session.start < now and session.meeting_id is None and row_key(session) not in sent
    ]


def plan_hosts(
    roster: Roster,
    validation: Validation,
    settings: Settings,
    *,
    previous: Mapping[str, str] | None = None,
    used_today: Mapping[str, int] | None = None,
) -> Validation:
    """``validation`` with config settings as defaults, host overlaps warned of, pools assigned.

    A host with more sessions at once than the settings' plan runs gets a warning (``validation.warnings``); a pool never double-books a member.
    ``previous`` (row key -> host) and ``used_today`` (host -> creates) default to what
    the roster's journal holds, read without changing it.
    """
    column = roster.columns.get("host", "host")
    sessions = validation.sessions
    if settings.meeting_settings:
        sessions = [
            replace(session, settings={**settings.meeting_settings, **session.settings})
            for session in sessions
        ]
    overlaps = pools.host_overlaps(
        sessions, occurrences=occurrences_of, column=column, plan=settings.plan
    )
    problems = []
    if any(session.pool is not None for session in sessions):
        if previous is None or used_today is None:
            found_previous, found_used = _journal_hosts(roster, settings)
            previous = found_previous if previous is None else previous
            used_today = found_used if used_today is None else used_today
        sessions, unplaced = pools.assign(
            sessions,
            settings.pools,
            buffer=settings.buffer,
            used_today=used_today,
            previous=previous,
            key=row_key,
            occurrences=occurrences_of,
            column=column,
        )
        problems += unplaced
    return validation.amended(problems, sessions).warned(overlaps)


def occurrences_of(session: Session) -> Sequence[datetime]:
    """The starts of every occurrence of a session (one, unless it recurs)."""
    if session.recurrence is None:
        return (session.start,)
    return recurrence.occurrences(session.start, session.timezone, session.recurrence)


def _journal_hosts(roster: Roster, settings: Settings) -> tuple[dict[str, str], dict[str, int]]:
    """From the roster's journal: the host of each row sent to Zoom, and today's creates."""
    today = settings.now().date().isoformat()
    journal = RunPaths.for_settings(roster.source.path, settings).read(today)
    previous: dict[str, str] = {}
    used: dict[str, int] = {}
    for entries in journal.entries.values():
        for key, entry in entries.items():
            if entry.meeting_id is not None or entry.in_doubt:
                previous.setdefault(key, entry.host)
    for quota in journal.quota.values():
        for host, count in quota.items():
            used[host] = max(used.get(host, 0), count)
    return previous, used


def _cancelled_by_id(
    roster: Roster, validation: Validation, paths: RunPaths, now: datetime
) -> Validation:
    """A cancelled row needs only its id: an invalid row whose status says cancelled and
    whose id is its own is cancelled, whatever its other cells (a bad date) say.

    Its meeting is the one the journal recorded for that id: the row becomes that session,
    marked cancelled, so that ``sync`` deletes it and the calendar drops it. A row no meeting
    was ever made for needs nothing at all (``Validation.cancelled_rows``).
    """
    if "status" not in roster.columns or "id" not in roster.columns:
        return validation
    repeated = {p.row for p in validation.problems if p.code == "id-duplicate"}
    ids = dict(zip(roster.rows, roster.values("id") or (), strict=False))
    statuses = dict(zip(roster.rows, roster.values("status") or (), strict=False))
    keys: dict[int, str] = {}
    for row in sorted(validation.invalid_rows - repeated):
        key = cell_text(ids.get(row))
        if key is not None and _says_cancelled(statuses.get(row)):
            keys[row] = key
    if not keys:
        return validation
    recorded = _recorded(paths, now)
    sessions = list(validation.sessions)
    cancelled_rows = set(validation.cancelled_rows)
    for row, key in keys.items():
        entry = recorded.get(f"id:{key}")
        if entry is None:
            cancelled_rows.add(row)
        else:
            sessions.append(_session_of(row, key, entry))
    return replace(
        validation,
        sessions=sorted(sessions, key=lambda session: session.row),
        problems=[p for p in validation.problems if p.row not in keys],
        invalid_rows=validation.invalid_rows - keys.keys(),
        warnings=[w for w in validation.warnings if w.row not in keys],
        cancelled_rows=cancelled_rows,
    )


def _says_cancelled(cell: object) -> bool:
    if cell is None or is_blank(cell):
        return False
    try:
        return parse_status(cell)
    except CellError:
        return False


def _recorded(paths: RunPaths, now: datetime) -> dict[str, Entry]:
    """Each row key's entry in the journal, of any account (one with a meeting first)."""
    if not paths.journal.exists():
        return {}
    found: dict[str, Entry] = {}
    for entries in paths.read(now.date().isoformat()).entries.values():
        for key, entry in entries.items():
            if key not in found or found[key].meeting_id is None:
                found[key] = entry
    return found


def _session_of(row: int, key: str, entry: Entry) -> Session:
    """A cancelled row as the session the journal recorded for it."""
    body = entry.body or {}
    zone = body.get("timezone") if isinstance(body.get("timezone"), str) else None
    start = times.parse_utc(entry.start_utc)
    try:
        local = start.astimezone(times.zone(zone)) if zone else start
    except (CellError, ValueError):  # a zone the tz database no longer has
        zone, local = None, start
    duration = body.get("duration")
    return Session(
        row=row,
        key=key,
        topic=entry.topic,
        start=local,
        timezone=zone or "UTC",
        duration=duration if isinstance(duration, int) and duration > 0 else 60,
        host=entry.host,
        meeting_id=entry.meeting_id,
        cancelled=True,
    )
