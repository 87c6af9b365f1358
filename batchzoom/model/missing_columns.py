"""What a roster without a host or time-zone column means, said before anything is sent.

A roster whose host header was not recognised (``담당교사``, say) would otherwise give every
row the default host without a word, and one without a time-zone column would read every
time in the default zone. Each becomes a warning (``--strict`` makes it an error) naming the
default every row will use, the ignored columns that look like the missing one, and how to
name such a column in ``batchzoom.toml``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from batchzoom.core import tzdb
from batchzoom.core.i18n import _
from batchzoom.model.columns import ALIASES, normalize_header
from batchzoom.model.problems import Problem

# An ignored column looks like the missing one when most of its filled cells fit it, or
# when its header is close to one of the field's aliases.
MOST = 0.5
CLOSE = 0.6

Column = tuple[str, Sequence[object]]  # an ignored column: its header text and its cells


def missing_column_warnings(
    columns: Sequence[str],
    ignored: Sequence[Column],
    *,
    default_host: str,
    default_zone: str | None,
) -> list[Problem]:
    """The ``host-column-missing`` and ``timezone-column-missing`` warnings of a roster.

    ``columns`` are the fields the roster has; ``ignored`` its columns matched to none.
    No time-zone warning without a default zone: every row then has its own
    ``timezone-missing`` problem already.
    """
    warnings = []
    if "host" not in columns:
        host = _("the account owner (me)") if default_host == "me" else default_host
        looks = _lookalikes("host", ignored)
        if looks:
            message = _(
                "The roster has no host column, so every row will be scheduled for {host}; if "
                "the column {columns} is meant, name it under [aliases] in batchzoom.toml "
                "({alias}), or rename it host."
            )
        else:
            message = _(
                "The roster has no host column, so every row will be scheduled for {host}; add "
                "a host column, or name yours under [aliases] in batchzoom.toml ({alias})."
            )
        text = message.format(host=host, columns=_named(looks), alias=_alias("host", looks))
        warnings.append(Problem(None, None, "host-column-missing", text))
    if "timezone" not in columns and default_zone is not None:
        looks = _lookalikes("timezone", ignored)
        if looks:
            message = _(
                "The roster has no time-zone column, so every row's time is read in {zone}; if "
                "the column {columns} is meant, name it under [aliases] in batchzoom.toml "
                "({alias}), or rename it timezone."
            )
        else:
            message = _(
                "The roster has no time-zone column, so every row's time is read in {zone}; add "
                "a timezone column, or name yours under [aliases] in batchzoom.toml ({alias})."
            )
        text = message.format(
            zone=default_zone, columns=_named(looks), alias=_alias("timezone", looks)
        )
        warnings.append(Problem(None, None, "timezone-column-missing", text))
    return warnings


def _lookalikes(field: str, ignored: Sequence[Column]) -> list[str]:
    return [header for header, cells in ignored if _looks_like(field, header, cells)]


def _named(headers: Sequence[str]) -> str:
    return ", ".join(f'"{header}"' for header in headers)


def _alias(field: str, looks: Sequence[str]) -> str:
    return f'{field} = ["{looks[0] if looks else "Teacher"}"]'


def _looks_like(field: str, header: str, cells: Sequence[object]) -> bool:
    filled = [str(cell).strip() for cell in cells if str(cell).strip()]
    fits = _is_email if field == "host" else _is_zone
    if filled and sum(map(fits, filled)) / len(filled) > MOST:
        return True
    wanted = [normalize_header(alias) for alias in (field, *ALIASES[field])]
    return bool(difflib.get_close_matches(normalize_header(header), wanted, n=1, cutoff=CLOSE))


def _is_email(text: str) -> bool:
    name, at, domain = text.partition("@")
    return bool(name and at and "." in domain and " " not in text)


def _is_zone(text: str) -> bool:
    return text in tzdb.names()
