"""Every column name batchzoom knows: the headers it reads and the columns it writes.

Input fields are matched by their aliases (``ALIASES``); the result columns batchzoom
writes into a sheet (``OUTPUT_COLUMNS``, ``START_URL_COLUMN``, ``HOST_COLUMN``) are
fields too, so a sheet written once reads back without any of them reported as ignored.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from typing import Final

# The result columns, in the order they are appended to a sheet.
OUTPUT_COLUMNS: Final = (
    "zoom_meeting_id",
    "zoom_join_url",
    "zoom_password",
    "zoom_start_time",  # the UTC instant, as Zoom returned it
    "zoom_start_local",  # the same start as the wall time in the row's zone
    "zoom_status",
    "zoom_error",
)
START_URL_COLUMN: Final = "zoom_start_url"  # a host credential: written only when asked for
HOST_COLUMN: Final = "zoom_host"  # written when some row's host was picked from a pool


def result_columns(*, include_host: bool, include_start_url: bool) -> tuple[str, ...]:
    """The result columns a sheet gets: ``OUTPUT_COLUMNS``, then host and start URL if asked."""
    return (
        *OUTPUT_COLUMNS,
        *((HOST_COLUMN,) if include_host else ()),
        *((START_URL_COLUMN,) if include_start_url else ()),
    )


# Canonical field -> header texts that mean it. Matching ignores case, spaces and punctuation,
# so "Start time", "start_time" and "START-TIME" are one alias. Extend here (one place).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "session id", "key", "session key", "code", "아이디", "세션 ID", "번호", "코드"),
    "topic": (
        "topic",
        "title",
        "subject",
        "session",
        "session title",
        "meeting",
        "meeting topic",
        "class",
        "course",
        "주제",
        "제목",
        "과목",
        "강의명",
        "수업명",
        "회의 주제",
    ),
    "start": (
        "start",
        "start time",
        "starts",
        "datetime",
        "date time",
        "일시",
        "시작",
        "시작 일시",
    ),
    "date": ("date", "day", "날짜", "일자", "수업일", "강의일"),
    "time": ("time", "시간", "시작 시간", "시각", "시작 시각"),
    "duration": (
        "duration",
        "minutes",
        "mins",
        "length",
        "duration min",
        "duration minutes",
        "length min",
        "진행 시간",
        "진행 시간(분)",
        "기간",
        "시간(분)",
        "소요 시간",
        "분",
    ),
    "timezone": ("timezone", "tz", "time zone", "zone", "시간대", "표준 시간대", "타임존"),
    "host": ("host", "host email", "host id", "email", "호스트", "호스트 이메일", "진행자"),
    "agenda": ("agenda", "description", "설명", "안건", "내용"),
    "password": ("password", "passcode", "비밀번호", "암호", "패스코드"),
    "status": ("status", "state", "상태", "진행 상태"),
    # Recurring sessions (see ``batchzoom.model.recurrence``).
    "repeat": ("repeat", "repeats", "recurrence", "recurring", "반복"),
    "repeat_interval": ("repeat interval", "interval", "every", "반복 간격", "간격"),
    "weekly_days": ("weekly days", "days of week", "weekdays", "요일", "반복 요일"),
    "monthly_day": ("monthly day", "day of month", "매월 날짜"),
    "monthly_week": ("monthly week", "week of month", "매월 주", "몇째 주"),
    "monthly_week_day": ("monthly week day", "monthly weekday", "매월 요일"),
    "end_times": ("end times", "occurrences", "repeat times", "반복 횟수", "횟수"),
    "end_date": ("end date", "until", "repeat until", "종료일", "반복 종료일", "종료 날짜"),
    "alternative_hosts": (
        "alternative hosts",
        "alternative host",
        "alt hosts",
        "settings.alternative_hosts",
        "대체 호스트",
        "공동 진행자",
    ),
    # Events (see ``batchzoom.model.attendees``): registration, webinars and their panelists.
    "registration": ("registration", "registrants", "register", "등록", "참가 등록"),
    "kind": ("kind", "meeting kind", "session kind", "종류"),
    "panelists": ("panelists", "panelist", "패널리스트", "패널"),
    # Meeting settings with friendly names; any "settings.<field>" header is matched too.
    "settings.waiting_room": ("waiting room", "대기실"),
    "settings.auto_recording": ("recording", "auto recording", "녹화", "자동 녹화"),
    "settings.mute_upon_entry": ("mute on entry", "mute upon entry", "입장 시 음소거"),
    "settings.join_before_host": ("join before host", "호스트 전 참가"),
    # Columns batchzoom writes; a roster scheduled once is read back with them.
    **{name: (name,) for name in (*OUTPUT_COLUMNS, START_URL_COLUMN, HOST_COLUMN)},
}
# The attendee sheet (``Attendees``/``참석자``): one row per person per session. Its own
# aliases, apart from the roster's (there ``email`` names the host).
ATTENDEE_SHEETS: Final = ("Attendees", "참석자")
ATTENDEE_OUTPUT_COLUMNS: Final = (
    "zoom_registrant_id",
    "zoom_join_url",
    "zoom_status",
    "zoom_error",
)
ATTENDEE_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "session id", "session", "key", "session key", "세션", "세션 ID", "아이디"),
    "email": ("email", "e-mail", "email address", "mail", "이메일", "이메일 주소", "메일"),
    "first_name": ("first name", "given name", "name", "firstname", "이름"),
    "last_name": ("last name", "family name", "surname", "lastname", "성"),
    "language": ("language", "lang", "언어"),
    "status": ALIASES["status"],  # cancelled (취소): not registered, cancelled by sync
    **{name: (name,) for name in ATTENDEE_OUTPUT_COLUMNS},
}
ATTENDEE_INPUT_FIELDS = tuple(name for name in ATTENDEE_ALIASES if not name.startswith("zoom_"))

_ATTENDEE_INDEX: dict[str, str] = {}


def match_attendee_header(text: object) -> str | None:
    """The attendee-sheet field a header names (``ATTENDEE_ALIASES``), or None."""
    if not _ATTENDEE_INDEX:
        for name, aliases in ATTENDEE_ALIASES.items():
            for alias in (name, *aliases):
                _ATTENDEE_INDEX.setdefault(normalize_header(alias), name)
    return _ATTENDEE_INDEX.get(normalize_header(text))


OUTPUT_FIELDS = tuple(name for name in ALIASES if name.startswith("zoom_"))
INPUT_FIELDS = tuple(name for name in ALIASES if name not in OUTPUT_FIELDS)


def normalize_header(text: object) -> str:
    """A header reduced for matching: case-folded, without spaces or punctuation."""
    if text is None:
        return ""
    return "".join(
        ch
        for ch in unicodedata.normalize("NFKC", str(text)).casefold()
        if unicodedata.category(ch)[0] not in "PZSC"
    )


_ALIAS_INDEX: dict[str, str] = {}


def _index() -> dict[str, str]:
    if not _ALIAS_INDEX:
        for name, aliases in ALIASES.items():
            for alias in (name, *aliases):
                _ALIAS_INDEX.setdefault(normalize_header(alias), name)
    return _ALIAS_INDEX


SETTINGS_PREFIX = "settings."
_SETTINGS_HEADER = re.compile(r"(?:settings|setting|설정)\s*[.:]\s*(\S.*)")


def match_header(text: object) -> str | None:
    """The canonical field a header names, or None when it names none.

    A header ``settings.<field>`` (also ``settings: <field>``, ``설정.<field>``) names the
    field ``settings.<field>`` whatever ``<field>`` is; ``batchzoom.model.meeting_settings``
    checks it against Zoom's settings.
    """
    key = normalize_header(text)
    if not key:
        return None
    name = _index().get(key)
    if name is None and isinstance(text, str):
        found = _SETTINGS_HEADER.fullmatch(unicodedata.normalize("NFKC", text).strip().casefold())
        if found:
            field_name = re.sub(r"[\s-]+", "_", found[1].strip())
            name = SETTINGS_PREFIX + field_name
    return name


def closest_header(name: str, headers: Sequence[str]) -> str | None:
    """Among ``headers``, the one most like an alias of field ``name`` (or None)."""
    aliases = [normalize_header(alias) for alias in (name, *ALIASES.get(name, ()))]
    best: tuple[float, str] | None = None
    for header in headers:
        key = normalize_header(header)
        if not key or match_header(header) is not None:
            continue
        score = max(difflib.SequenceMatcher(None, key, alias).ratio() for alias in aliases)
        if score >= 0.75 and (best is None or score > best[0]):
            best = (score, header)
    return best[1] if best else None
