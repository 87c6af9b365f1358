"""Attendees: who registers for which session, and every rule they must meet before sending.

Pure logic, no I/O. The attendee sheet (``Attendees``/``참석자``, read by
``batchzoom.files.attendees``) has one row per person per session: the session's roster
``id`` (or ``all`` for every session that takes registration), ``email``, ``first_name``, ``last_name`` and an optional
``language`` and ``status`` (``cancelled``/``취소``, read as for roster rows: such a person is
not registered, and ``sync`` cancels their registration). ``validate_attendees`` checks it against the roster's valid sessions and
returns every attendee plus every problem, each named by the attendee sheet's row and
column; ``registration_problems`` finds the roster rows that take attendees without a
``registration`` column saying so. ``with_registration`` gives each registering session
Zoom's registration settings (automatic approval; a recurring meeting registers once for all
its occurrences).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from batchzoom import zoomspec
from batchzoom.core.i18n import N_, _, ngettext
from batchzoom.model.cells import cell_text
from batchzoom.model.extras import parse_status
from batchzoom.model.problems import CellError, Found, Problem, shorten
from batchzoom.model.rows import WEBINAR, Session, Table, Validation

ALL_SESSIONS = "all"  # an attendee row's id that means every session of the roster
REGISTRANTS_MAX = 4999  # Zoom's most registrants per meeting
NAME_MAX = 64  # Zoom's longest first and last name (``meetingRegistrantCreate``)
EMAIL_MAX = 128
# Zoom's registrant languages (``meetingRegistrantCreate``'s ``language`` enum).
LANGUAGES = (
    "en-US",
    "de-DE",
    "es-ES",
    "fr-FR",
    "jp-JP",
    "pt-PT",
    "ru-RU",
    "zh-CN",
    "zh-TW",
    "ko-KO",
    "it-IT",
    "vi-VN",
    "pl-PL",
    "Tr-TR",
)
_LANGUAGE_WORDS = {
    "ko": "ko-KO",
    "korean": "ko-KO",
    "한국어": "ko-KO",
    "en": "en-US",
    "english": "en-US",
    "영어": "en-US",
    "ja": "jp-JP",
    "jp": "jp-JP",
    "zh": "zh-CN",
}
APPROVE_AUTOMATICALLY = 0  # Zoom's ``approval_type``: 0 automatic, 1 manual, 2 no registration
NO_REGISTRATION = 2
REGISTER_ONCE = 1  # Zoom's ``registration_type``: 1 once for every occurrence of a series
_EMAIL = re.compile(r"[^@\s;,<>]+@[^@\s;,<>]+\.[^@\s;,.<>]+")


@dataclass(frozen=True)
class Attendee:
    """One valid attendee row for one session (an ``all`` row gives one per session)."""

    row: int  # Excel row number on the attendee sheet
    session: str  # the roster id (``Session.key``) of the session registered for
    email: str
    first_name: str
    last_name: str | None = None
    language: str | None = None

    @property
    def key(self) -> str:
        """The attendee's identity within one session: its email, case-folded."""
        return self.email.casefold()

    def body(self) -> dict[str, Any]:
        """Zoom's registrant request body."""
        body: dict[str, Any] = {"email": self.email, "first_name": self.first_name}
        if self.last_name:
            body["last_name"] = self.last_name
        if self.language:
            body["language"] = self.language
        return body


@dataclass
class AttendeeValidation:
    """Every valid attendee of an attendee sheet, and every problem of its rows."""

    sheet: str  # the sheet (or file) name the problems are on
    attendees: list[Attendee]
    problems: list[Problem]
    rows: list[int]
    invalid_rows: set[int] = field(default_factory=set)
    # valid rows whose status says cancelled: never registered, cancelled on Zoom by sync
    cancelled: list[Attendee] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no attendee row has a problem."""
        return not self.problems

    def of(self, key: str | None) -> list[Attendee]:
        """The attendees of the session with roster id ``key``, in sheet order."""
        return [attendee for attendee in self.attendees if attendee.session == key]

    def counts(self) -> dict[str, int]:
        """How many attendees each session has, by roster id."""
        counted: dict[str, int] = defaultdict(int)
        for attendee in self.attendees:
            counted[attendee.session] += 1
        return dict(counted)


def parse_language(cell: object) -> str:
    """Zoom's language code for a ``language`` cell (``ko-KO``, ``ko``, ``Korean``, ``한국어``)."""
    text = str(cell).strip()
    for code in LANGUAGES:
        if text.casefold() == code.casefold():
            return code
    found = _LANGUAGE_WORDS.get(text.casefold())
    if found is None:
        raise ValueError(text)
    return found


_CELLS = ("id", "email", "first_name", "last_name", "language", "status")


# The attendee sheet's required columns, as a message names them.
_COLUMN_WORDS = {"id": N_("id"), "email": N_("email")}


def validate_attendees(
    table: Table, sheet: str, validation: Validation, roster_ids: Sequence[str]
) -> AttendeeValidation:
    """Check every attendee row against the roster's sessions; every problem, by row and column.

    ``roster_ids`` are the ids of every roster row (an attendee of an invalid session is
    not a problem of the attendee sheet: the roster's problem says what to fix).
    """
    columns = table.columns
    missing = [name for name in ("id", "email") if name not in columns]
    if missing:
        missing_columns = [
            Problem(
                None,
                name,
                "column-missing",
                _("the {sheet} sheet has no {column} column; add one.").format(
                    sheet=sheet, column=_(_COLUMN_WORDS[name])
                ),
            )
            for name in missing
        ]
        return AttendeeValidation(sheet, [], missing_columns, list(table.rows))
    valid = {session.key for session in validation.sessions if session.key is not None}
    registering = sorted(
        session.key
        for session in validation.sessions
        if session.key is not None and session.registration
    )
    rank = {name: position for position, name in enumerate(columns)}
    present = {name: table.values(name) for name in _CELLS if name in columns}
    attendees: list[Attendee] = []
    cancelled: list[Attendee] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(table.rows):
        found = Found(row, columns, rank)
        cells = {name: values[index] for name, values in present.items() if values is not None}
        person = _person(row, cells, set(roster_ids), found)
        off = _cancelled(cells.get("status"), found)
        if person is not None:
            keys = registering if person.session.casefold() == ALL_SESSIONS else [person.session]
            if not keys:
                found.add(
                    "id",
                    "attendee-all-empty",
                    _(
                        '"{all}" stands for every session that takes registration, and no '
                        "valid session does; write yes (등록) in the roster's registration column."
                    ).format(all=ALL_SESSIONS),
                )
            for key in keys:
                first = seen.setdefault((key, person.key), row)
                if first != row:
                    found.add(
                        "email",
                        "attendee-duplicate",
                        _(
                            '{email} is already registered for session "{session}" in row '
                            "{row}; delete one of the rows."
                        ).format(email=shorten(person.email), session=shorten(key), row=first),
                    )
                elif key in valid:
                    (cancelled if off else attendees).append(replace(person, session=key))
        problems.extend(found.problems)
    problems += _over_limit(attendees, columns["id"])
    bad = {problem.row for problem in problems if problem.row is not None}
    return AttendeeValidation(
        sheet,
        [attendee for attendee in attendees if attendee.row not in bad],
        problems,
        list(table.rows),
        bad,
        [attendee for attendee in cancelled if attendee.row not in bad],
    )


def _cancelled(cell: object, found: Found) -> bool:
    """Whether a row's ``status`` cell says cancelled (the roster's words, ``parse_status``)."""
    if cell_text(cell) is None:
        return False
    try:
        return parse_status(cell)
    except CellError as error:
        found.error("status", error)
        return False


def _person(
    row: int, cells: Mapping[str, object], roster_ids: set[str], found: Found
) -> Attendee | None:
    """The attendee of one row (its ``id`` as written), or None after recording its problems."""
    key = cell_text(cells.get("id"))
    email = cell_text(cells.get("email"))
    first = cell_text(cells.get("first_name"))
    last = cell_text(cells.get("last_name"))
    language = None
    if cell_text(cells.get("language")) is not None:
        try:
            language = parse_language(cells["language"])
        except ValueError:
            found.add(
                "language",
                "language-value",
                _(
                    'language "{value}" is not one Zoom knows; write one of {languages}, '
                    "or leave it empty."
                ).format(value=shorten(cells["language"]), languages=", ".join(LANGUAGES)),
            )
    if key is None:
        found.add(
            "id",
            "attendee-session-missing",
            _(
                "the session id is empty; write the roster id of the session this person "
                'attends, or "{all}".'
            ).format(all=ALL_SESSIONS),
        )
    elif key.casefold() != ALL_SESSIONS and key not in roster_ids:
        found.add(
            "id",
            "attendee-session-unknown",
            _(
                'no roster row has the id "{id}"; write the id of one of the roster\'s sessions.'
            ).format(id=shorten(key)),
        )
    if email is None:
        found.add(
            "email", "attendee-email-missing", _("the email is empty; write the person's email.")
        )
    elif len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        found.add(
            "email",
            "attendee-email-format",
            _('"{value}" is not an email address; correct it.').format(value=shorten(email)),
        )
    if first is None:
        found.add(
            "first_name",
            "attendee-name-missing",
            _("the first name is empty; Zoom needs one for every registrant."),
        )
    for name, value in (("first_name", first), ("last_name", last)):
        if value is not None and len(value) > NAME_MAX:
            found.add(
                name,
                "attendee-name-length",
                _("the name has {length} characters, more than Zoom's {limit}; shorten it.").format(
                    length=len(value), limit=NAME_MAX
                ),
            )
    if found.ranked or key is None or email is None or first is None:
        return None
    return Attendee(row, key, email, first, last, language)


def _over_limit(attendees: Sequence[Attendee], column: str) -> list[Problem]:
    """Each attendee row beyond Zoom's registrants per meeting, as a problem."""
    counted: dict[str, int] = defaultdict(int)
    problems = []
    for attendee in attendees:
        counted[attendee.session] += 1
        if counted[attendee.session] == REGISTRANTS_MAX + 1:
            problems.append(
                Problem(
                    attendee.row,
                    column,
                    "attendees-over-limit",
                    _(
                        'session "{session}" has more than Zoom\'s {limit} registrants from '
                        "this row on; split it into two sessions."
                    ).format(session=shorten(attendee.session), limit=f"{REGISTRANTS_MAX:,}"),
                )
            )
    return problems


def registration_problems(
    columns: Mapping[str, str],
    validation: Validation,
    attendees: AttendeeValidation,
    *,
    plan: str = "pro",
) -> list[Problem]:
    """The roster rows whose attendees Zoom could not take, as problems of those roster rows.

    A row with attendees needs ``registration`` = yes; Zoom refuses registration on a row
    whose settings say there is none (``approval_type`` 2) and on the free plan.
    """
    counts = attendees.counts()
    column = columns.get("registration", "registration")
    problems = []
    for session in validation.sessions:
        count = counts.get(session.key or "", 0)
        approval = session.settings.get("approval_type")
        if session.registration and plan == "free":
            problems.append(
                Problem(
                    session.row,
                    column,
                    "registration-plan",
                    _(
                        "registration needs a licensed (paid) Zoom plan; remove it from this "
                        "row or run with the account's plan."
                    ),
                )
            )
        elif session.registration and approval == NO_REGISTRATION:
            problems.append(
                Problem(
                    session.row,
                    columns.get("settings.approval_type", column),
                    "registration-refused",
                    _(
                        "this row asks for registration but its approval_type (2) turns "
                        "registration off; clear one of them."
                    ),
                )
            )
        elif count and not session.registration:
            problems.append(
                Problem(
                    session.row,
                    column,
                    "registration-missing",
                    ngettext(
                        "{n} attendee on the {sheet} sheet register for this session but it "
                        'does not take registrants; write "yes" (등록) in its registration column.',
                        "{n} attendees on the {sheet} sheet register for this session but it "
                        'does not take registrants; write "yes" (등록) in its registration column.',
                        count,
                    ).format(n=count, sheet=attendees.sheet),
                )
            )
    return problems


def panelist_problems(columns: Mapping[str, str], validation: Validation) -> list[Problem]:
    """A meeting (not webinar) row with panelists, as a problem of that row."""
    column = columns.get("panelists", "panelists")
    return [
        Problem(
            session.row,
            column,
            "panelists-meeting",
            _(
                'only a webinar has panelists; write "webinar" in this row\'s kind column or '
                "clear its panelists."
            ),
        )
        for session in validation.sessions
        if session.panelists and session.kind != WEBINAR
    ]


def with_registration(session: Session) -> Session:
    """``session`` with Zoom's registration settings when it takes registrants.

    Automatic approval (``approval_type`` 0) unless the row sets its own; a recurring
    session registers once for every occurrence (``registration_type`` 1).
    """
    if not session.registration:
        return session
    settings = dict(session.settings)
    settings.setdefault("approval_type", APPROVE_AUTOMATICALLY)
    if session.recurrence is not None:
        settings.setdefault("registration_type", REGISTER_ONCE)
    return replace(session, settings=settings)


def webinar_problems(
    columns: Mapping[str, str], validation: Validation, *, plan: str = "pro"
) -> list[Problem]:
    """The webinar rows Zoom would refuse, as problems of those rows, before anything is sent.

    A webinar needs a paid plan with the Webinars add-on, so every webinar row is refused
    on the free plan; and a webinar has its own settings (webinarCreate ``settings``), so a
    settings column only meetings have (``waiting_room``, ``join_before_host``...) is
    refused on a webinar row. Whether the host holds the Webinar licence is checked on Zoom
    (``--check-hosts``, ``batchzoom.engine.hosts``).
    """
    known = _webinar_settings()
    problems = []
    for session in validation.sessions:
        if session.kind != WEBINAR:
            continue
        if plan == "free":
            problems.append(
                Problem(
                    session.row,
                    columns.get("kind", "kind"),
                    "webinar-plan",
                    _(
                        "a webinar needs a paid Zoom plan with the Webinars add-on; make the row "
                        "a meeting or run with the account's plan."
                    ),
                )
            )
            continue
        for name in sorted(set(session.settings) - known):
            column = next(
                (
                    text
                    for key, text in columns.items()
                    if key == f"settings.{name}" or key.startswith(f"settings.{name}.")
                ),
                f"settings.{name}",
            )
            problems.append(
                Problem(
                    session.row,
                    column,
                    "webinar-setting",
                    _(
                        "a webinar has no {setting} setting (only meetings do); clear it in "
                        "this row or make the row a meeting."
                    ).format(setting=name),
                )
            )
    return problems


@cache
def _webinar_settings() -> frozenset[str]:
    """The settings a webinar takes (webinarCreate's ``settings`` properties)."""
    schema = zoomspec.request_schema("webinarCreate")["properties"]["settings"]
    return frozenset(schema["properties"])
