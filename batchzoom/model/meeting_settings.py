"""Meeting settings columns: ``settings.<field>`` cells typed and checked by Zoom's schema.

Pure logic, no I/O. A column named ``settings.waiting_room`` (or a friendly alias
such as ``waiting room``, see ``batchzoom.model.columns.ALIASES``) sets that field of the
``settings`` object of Zoom's ``meetingCreate`` request. Its type, allowed values
and range come from the request schema in ``batchzoom.zoomspec``; a field of a
settings object is reached with one more dot (``settings.waiting_room_options.mode``).

Yes/no cells accept yes/no, true/false, y/n, on/off, 1/0, 예/아니오, 네/아니요, O/X.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from batchzoom import zoomspec
from batchzoom.core.i18n import _
from batchzoom.model.cells import NO_WORDS, YES_WORDS
from batchzoom.model.problems import CellError

PREFIX = "settings."

TRUE = YES_WORDS
FALSE = NO_WORDS
# Words for enum values (auto_recording: cloud, local, none).
VALUE_WORDS = {"클라우드": "cloud", "로컬": "local", "컴퓨터": "local", "없음": "none"}
# Fields set through their own column, not as settings.<field>.
OWN_COLUMN = {"alternative_hosts": "alternative_hosts"}


@dataclass(frozen=True)
class Setting:
    """One settable field of Zoom's meeting ``settings``: its path and schema."""

    path: tuple[str, ...]  # e.g. ("waiting_room",) or ("waiting_room_options", "mode")
    schema: Mapping[str, Any]

    @property
    def name(self) -> str:
        """The column name that sets it, e.g. ``settings.waiting_room``."""
        return PREFIX + ".".join(self.path)

    def parse(self, cell: object) -> Any:
        """The cell as the value Zoom expects for this field; else a ``CellError``."""
        return _typed(self, cell)


@cache
def _settings_schema() -> dict[str, Any]:
    schema: dict[str, Any] = zoomspec.request_schema("meetingCreate")["properties"]["settings"]
    return schema


def _scalar(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") in {"boolean", "integer", "number", "string"}


@cache
def known_fields() -> tuple[str, ...]:
    """Every ``settings.<field>`` column name a roster may use."""
    names: list[str] = []

    def walk(node: Mapping[str, Any], path: tuple[str, ...]) -> None:
        for key, sub in node.get("properties", {}).items():
            if not path and key in OWN_COLUMN:
                continue
            if _scalar(sub):
                names.append(PREFIX + ".".join((*path, key)))
            elif sub.get("type") == "object" and len(path) < 1:
                walk(sub, (*path, key))

    walk(_settings_schema(), ())
    return tuple(names)


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z.]", "", text.casefold())


def suggestion(name: str) -> str | None:
    """The known ``settings.<field>`` most like ``name``, or None."""
    by_key = {_key(known).removeprefix(PREFIX): known for known in known_fields()}
    wanted = _key(name).removeprefix(PREFIX)
    found = difflib.get_close_matches(wanted, list(by_key), n=1, cutoff=0.6)
    return by_key[found[0]] if found else None


def field_for(column: str) -> Setting:
    """The setting a ``settings.<field>`` column names; else a ``CellError`` saying why.

    Matching ignores case, spaces, ``-`` and ``_`` (``settings.Waiting Room`` works).
    """
    wanted = _key(column)
    wanted_path = wanted.removeprefix("settings.").split(".")
    node: Mapping[str, Any] = _settings_schema()
    path: list[str] = []
    for part in wanted_path:
        properties = node.get("properties", {}) if node.get("type") == "object" else {}
        match = next((key for key in properties if _key(key) == part), None)
        if match is None:
            break
        path.append(match)
        node = properties[match]
    else:
        if path and path[0] in OWN_COLUMN:
            raise CellError(
                "settings-own-column",
                _('use the {own} column for {column}; it takes emails separated by ";".').format(
                    own=OWN_COLUMN[path[0]], column=column
                ),
            )
        if _scalar(node):
            return Setting(tuple(path), node)
        fields = [PREFIX + ".".join((*path, key)) for key in node.get("properties", {})]
        if fields:
            group = _(
                "{column} is a group of settings, not one value; name one of its fields such "
                "as {field}."
            )
        else:
            group = _("{column} is a group of settings, not one value; name one of its fields.")
        raise CellError(
            "settings-not-settable", group.format(column=column, field=fields[0] if fields else "")
        )
    near = suggestion(column)
    if near:
        unknown = _("Zoom has no meeting setting {column}; did you mean {near}?")
    else:
        unknown = _(
            "Zoom has no meeting setting {column}; check the name in Zoom's meeting settings."
        )
    raise CellError("settings-unknown", unknown.format(column=column, near=near))


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def parse_bool(cell: object) -> bool:
    """A yes/no cell (yes/no, true/false, 1/0, 예/아니오...) as a boolean; else ``ValueError``."""
    if isinstance(cell, bool):
        return cell
    text = _cell_text(cell).casefold()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(text)


def _typed(setting: Setting, cell: object) -> Any:
    schema = setting.schema
    kind = schema.get("type")
    text = _cell_text(cell)
    shown = text if len(text) <= 40 else text[:39] + "…"
    enum = schema.get("enum")
    if kind == "boolean":
        try:
            return parse_bool(cell)
        except ValueError:
            raise CellError(
                "settings-value",
                _('{name} "{value}" is not yes or no; write yes or no (예/아니오).').format(
                    name=setting.name, value=shown
                ),
            ) from None
    if kind in {"integer", "number"}:
        try:
            number: int | float = int(text) if kind == "integer" else float(text)
        except ValueError:
            raise CellError(
                "settings-value",
                _('{name} "{value}" is not a whole number.').format(name=setting.name, value=shown),
            ) from None
        if enum is not None and number not in enum:
            allowed = ", ".join(map(str, enum))
            raise CellError(
                "settings-value",
                _("{name} {value} is not one of {allowed}.").format(
                    name=setting.name, value=shown, allowed=allowed
                ),
            )
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and number < low) or (high is not None and number > high):
            raise CellError(
                "settings-value",
                _("{name} {value} is outside {low}-{high}.").format(
                    name=setting.name, value=shown, low=low, high=high
                ),
            )
        return number
    if enum is not None:
        by_key = {str(value).casefold(): value for value in enum}
        key = VALUE_WORDS.get(text.casefold(), text.casefold())
        if key in by_key:
            return by_key[key]
        if key in FALSE and "none" in by_key:
            return by_key["none"]
        allowed = ", ".join(map(str, enum))
        raise CellError(
            "settings-value",
            _('{name} "{value}" is not one of {allowed}.').format(
                name=setting.name, value=shown, allowed=allowed
            ),
        )
    limit = schema.get("maxLength")
    if limit is not None and len(text) > limit:
        raise CellError(
            "settings-value",
            _("{name} has {length} characters, more than Zoom's {limit}; shorten it.").format(
                name=setting.name, length=len(text), limit=limit
            ),
        )
    return text


def merge(target: dict[str, Any], setting: Setting, value: Any) -> None:
    """Put ``value`` at ``setting``'s place in a ``settings`` object."""
    node = target
    for part in setting.path[:-1]:
        node = node.setdefault(part, {})
    node[setting.path[-1]] = value
