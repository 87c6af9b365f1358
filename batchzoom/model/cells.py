"""Reading one cell: blank or not, its text, and the cells Zoom sets limits on.

The limits come from Zoom's description of ``POST /users/{userId}/meetings``:
topic at most 200 characters, agenda at most 2000, duration 1-1440 whole
minutes, passcode at most 10 characters of ``A-Z a-z 0-9 @ - _ *``.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, time, timedelta

from batchzoom.core.i18n import _
from batchzoom.model.problems import CellError, shorten

TOPIC_MAX = 200
AGENDA_MAX = 2000
DURATION_MIN, DURATION_MAX = 1, 1440
PASSWORD_MAX = 10


# The words a yes/no cell takes, in English and Korean, whatever the column: a setting,
# registration (which also takes 등록 / 미등록).
YES_WORDS = frozenset({"yes", "y", "true", "t", "on", "1", "o", "예", "네", "사용", "켜기"})
NO_WORDS = frozenset(
    {"no", "n", "false", "f", "off", "0", "x", "아니오", "아니요", "사용 안 함", "끄기"}
)


def is_blank(value: object) -> bool:
    """True for an empty cell: None, NaN, NaT, or text of only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(value != value)  # NaT and friends  # noqa: PLR0124
    except (TypeError, ValueError):
        return False


def cell_text(value: object) -> str | None:
    """A cell as trimmed text (whole-number floats without ".0"), or None when blank."""
    if isinstance(value, str):
        return value.strip() or None
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


_DURATION_UNITS = (
    r"(?:(?P<h>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours|시간)\s*)?"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:m|min|mins|minute|minutes|분)?)?"
)
_DURATION_TEXT = re.compile(_DURATION_UNITS, re.IGNORECASE)
_DURATION_CLOCK = re.compile(r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::00)?")


def _whole_minutes(minutes: float, shown: str) -> int:
    if not math.isfinite(minutes) or not float(minutes).is_integer():
        raise CellError(
            "duration-format",
            _(
                'duration "{value}" is not a whole number of minutes; enter minutes, e.g. 90.'
            ).format(value=shown),
        )
    return int(minutes)


def parse_duration(value: object) -> int:
    """Minutes from ``90``, ``90.0``, ``1:30``, ``1h30m``, ``90 min``, ``90분``, ``1시간 30분``...

    The result is not range-checked; see ``check_duration``.
    """
    shown = cell_text(value) or ""
    if isinstance(value, bool):
        pass
    elif isinstance(value, int | float):
        return _whole_minutes(float(value), shown)
    elif isinstance(value, timedelta):
        return _whole_minutes(value.total_seconds() / 60, shown)
    elif isinstance(value, time):
        return _whole_minutes(value.hour * 60 + value.minute + value.second / 60, shown)
    elif isinstance(value, str):
        text = " ".join(value.split()).lower()
        clock = _DURATION_CLOCK.fullmatch(text)
        if clock:
            return int(clock["h"]) * 60 + int(clock["m"])
        found = _DURATION_TEXT.fullmatch(text)
        if text and found and (found["h"] or found["m"]):
            minutes = float(found["h"] or 0) * 60 + float(found["m"] or 0)
            return _whole_minutes(round(minutes, 6), shown)
    raise CellError(
        "duration-format",
        _('duration "{value}" is not a number of minutes; enter minutes, e.g. 90.').format(
            value=shorten(shown)
        ),
    )


def check_duration(minutes: int) -> int:
    """``minutes`` when Zoom accepts it (1..1440), else a ``CellError``."""
    if not DURATION_MIN <= minutes <= DURATION_MAX:
        raise CellError(
            "duration-range",
            _(
                "duration {minutes} is outside 1-1440 minutes (24 hours); "
                "enter a length Zoom accepts."
            ).format(minutes=minutes),
        )
    return minutes


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_USER_ID = re.compile(r"(?=.*[A-Z0-9])[A-Za-z0-9_-]{12,64}")  # e.g. 30R7kT7bTIKSNUFEuH_Qlg
_POOL = re.compile(r"(?i:pool):\s*\S.*")  # pool:teachers -- a member is picked by the planner
_PASSWORD = re.compile(r"[A-Za-z0-9@_*-]+")


def check_host(text: str) -> str:
    """A plausible host: ``me``, an email, a Zoom user id or ``pool:<name>``; else a ``CellError``."""
    if text == "me" or _EMAIL.fullmatch(text) or _USER_ID.fullmatch(text) or _POOL.fullmatch(text):
        return text
    raise CellError(
        "host-format",
        _(
            'host "{value}" is not an email address or Zoom user id; '
            "enter the host's Zoom email, e.g. kim.minji@school.example."
        ).format(value=shorten(text)),
    )


def check_password(text: str) -> str:
    """A passcode Zoom accepts: 1-10 of A-Z a-z 0-9 @ - _ *; else a ``CellError``."""
    if not _PASSWORD.fullmatch(text):
        bad = " ".join(dict.fromkeys(repr(ch) for ch in text if not _PASSWORD.fullmatch(ch)))
        raise CellError(
            "password-format",
            _(
                "the passcode may hold only letters, digits and @ - _ * (not {characters}); "
                "change it."
            ).format(characters=bad),
        )
    if len(text) > PASSWORD_MAX:
        raise CellError(
            "password-format",
            _(
                "the passcode must be at most {limit} characters of letters, digits and "
                "@ - _ *; shorten or change it."
            ).format(limit=PASSWORD_MAX),
        )
    return text


def parse_meeting_id(value: object) -> int:
    """A Zoom meeting number from a cell (``85746065432``, ``857 4606 5432``)."""
    if isinstance(value, float) and value.is_integer() and value > 0:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    text = re.sub(r"[\s-]", "", cell_text(value) or "")
    if text.isascii() and text.isdigit() and 0 < int(text) < 2**63:
        return int(text)
    raise CellError(
        "meeting-id-format",
        _(
            'zoom_meeting_id "{value}" is not a Zoom meeting number; '
            "correct it or clear the cell to schedule the row again."
        ).format(value=shorten(cell_text(value))),
    )
