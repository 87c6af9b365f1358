"""The cells of a row's recurrence read one by one: the series' kind, days of the week,
weeks of the month and whole numbers, each refused in a sentence naming the user's column."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from batchzoom.core.i18n import _
from batchzoom.model.problems import CellError, shorten

DAILY, WEEKLY, MONTHLY = 1, 2, 3

_KINDS: dict[str, int | None] = {
    **dict.fromkeys(("daily", "day", "every day", "매일", "일간", "날마다"), DAILY),
    **dict.fromkeys(("weekly", "week", "every week", "매주", "주간", "주마다"), WEEKLY),
    **dict.fromkeys(("monthly", "month", "every month", "매월", "월간", "매달"), MONTHLY),
    **dict.fromkeys(("no", "none", "once", "never", "없음", "안 함", "한 번", "1회"), None),
}

# Zoom's day numbers: 1 Sunday ... 7 Saturday.
_DAY_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("sun", "sunday", "일", "일요일"),
        ("mon", "monday", "월", "월요일"),
        ("tue", "tues", "tuesday", "화", "화요일"),
        ("wed", "wednesday", "수", "수요일"),
        ("thu", "thur", "thurs", "thursday", "목", "목요일"),
        ("fri", "friday", "금", "금요일"),
        ("sat", "saturday", "토", "토요일"),
    ),
    start=1,
):
    for _name in _names:
        _DAY_NAMES[_name] = _number
_DAY_SPLIT = re.compile(r"[\s,;/·、]+")
_KOREAN_DAYS = re.compile(r"[일월화수목금토]+")

_WEEKS: dict[str, int] = {
    **dict.fromkeys(("last", "마지막", "마지막 주", "-1"), -1),
    **{str(n): n for n in range(1, 5)},
    **dict.fromkeys(("first", "1st", "첫째", "첫째 주"), 1),
    **dict.fromkeys(("second", "2nd", "둘째", "둘째 주"), 2),
    **dict.fromkeys(("third", "3rd", "셋째", "셋째 주"), 3),
    **dict.fromkeys(("fourth", "4th", "넷째", "넷째 주"), 4),
}


def refused(field: str, code: str, message: str) -> CellError:
    """A recurrence cell (or combination of cells) Zoom would not accept, in column ``field``."""
    return CellError(code, message, field=field)


def plain_text(cell: object) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, float):
        if math.isnan(cell):  # an empty cell
            return None
        if cell.is_integer():
            return str(int(cell))
    text = " ".join(str(cell).split())
    return text or None


Names = Mapping[str, str]  # field -> the header text of its column, as the user wrote it


def column(names: Names | None, field: str) -> str:
    """The user's name for field ``field``'s column (the field's own name without a header)."""
    return (names or {}).get(field, field)


def whole_number(field: str, cell: object, message: str, names: Names | None = None) -> int:
    """An integer cell; ``message`` (with ``{column}`` and ``{value}``) refuses any other."""
    text = plain_text(cell) or ""
    if isinstance(cell, bool) or not re.fullmatch(r"[+-]?\d+", text):
        shown = message.format(column=column(names, field), value=shorten(text))
        raise refused(field, f"{field}-format", shown)
    return int(text)


def parse_kind(cell: object, names: Names | None = None) -> int | None:
    """Zoom's recurrence type of a ``repeat`` cell (None for "once"/"none")."""
    text = (plain_text(cell) or "").casefold()
    if text in _KINDS:
        return _KINDS[text]
    raise refused(
        "repeat",
        "repeat-unknown",
        _(
            '{column} "{value}" is not understood; write daily, weekly or monthly '
            "(매일, 매주, 매월), or leave it empty."
        ).format(column=column(names, "repeat"), value=shorten(text)),
    )


def parse_day(field: str, text: str, names: Names | None = None) -> int:
    """One day of the week: a name (Mon, 월, 월요일) or Zoom's digit (1 Sunday ... 7 Saturday)."""
    key = text.strip().casefold().rstrip(".")
    if key in _DAY_NAMES:
        return _DAY_NAMES[key]
    if re.fullmatch(r"[1-7]", key):
        return int(key)
    raise refused(
        field,
        f"{field}-format",
        _(
            '{column}: "{value}" is not a day of the week; write Mon, Wed (월, 수) '
            "or Zoom's numbers 1 (Sunday) to 7 (Saturday)."
        ).format(column=column(names, field), value=shorten(text)),
    )


def parse_days(cell: object, names: Names | None = None) -> tuple[int, ...]:
    """Days of the week of a ``weekly_days`` cell (``Mon,Wed``, ``월,수``, ``월수금``, ``2,4``)."""
    text = plain_text(cell) or ""
    parts = [part for part in _DAY_SPLIT.split(text) if part]
    if len(parts) == 1 and _KOREAN_DAYS.fullmatch(parts[0]) and len(parts[0]) > 1:
        parts = list(parts[0])  # 월수금
    if len(parts) == 1 and re.fullmatch(r"[1-7]{2,7}", parts[0]):
        parts = list(parts[0])  # a number cell such as 24 (Excel turned "2,4" into it)
    days = sorted({parse_day("weekly_days", part, names) for part in parts})
    if not days:
        empty = _("{column} is empty.").format(column=column(names, "weekly_days"))
        raise refused("weekly_days", "weekly_days-format", empty)
    return tuple(days)


def parse_week(cell: object, names: Names | None = None) -> int:
    """A ``monthly_week`` cell: 1-4, or -1 / last (마지막) for the last week of the month."""
    text = (plain_text(cell) or "").casefold()
    if text in _WEEKS:
        return _WEEKS[text]
    raise refused(
        "monthly_week",
        "monthly_week-format",
        _('{column} "{value}" is not a week of the month; write 1 to 4, or last (마지막).').format(
            column=column(names, "monthly_week"), value=shorten(text)
        ),
    )
