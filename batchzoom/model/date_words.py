"""Dates in words: month and weekday names in the current language, a date as a person
writes it, and why a date someone wrote does not exist (which part is wrong, so it is
corrected in the layout it is written in)."""

from __future__ import annotations

import calendar
from datetime import date

from batchzoom.core.i18n import N_, _
from batchzoom.model.problems import shorten

MONTH_NAMES = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
WEEKDAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def month_name(month: int) -> str:
    """The name of month ``month`` (1-12) in the current language."""
    return _(MONTH_NAMES[month - 1])


def not_a_real_date(text: str, year: int, month: int, day: int) -> str:
    """Why ``text``, read as ``year``-``month``-``day`` in the layout it is written in, is
    no date: which part is wrong, so the user corrects it in their own layout."""
    if not 1 <= month <= 12:
        message = _(
            '"{value}" is not a real date: there is no month {month} (months are 1-12); '
            "correct the month."
        )
    elif not 1 <= year <= 9999:
        message = _('"{value}" is not a real date: there is no year {year}; correct the year.')
    else:
        return _(
            '"{value}" is not a real date: {month_name} {year} has {days} days, so there is '
            "no day {day}; correct the day."
        ).format(
            value=shorten(text),
            month_name=month_name(month),
            year=year,
            days=calendar.monthrange(year, month)[1],
            day=day,
        )
    return message.format(value=shorten(text), month=month, year=year)


def neither_a_month(text: str, first: int, second: int) -> str:
    return _(
        '"{value}" is not a real date: neither {first} nor {second} is a month (1-12); '
        "correct the date."
    ).format(value=shorten(text), first=first, second=second)


def describe(day: date) -> str:
    return _("{day} {month_name} {year}").format(
        day=day.day, month_name=month_name(day.month), year=day.year
    )
