"""The configuration file, ``batchzoom.toml``: defaults for every row of a roster.

It is found beside the roster (or given with ``--config``) and may hold::

    [defaults]
    timezone = "Asia/Seoul"        # for rows without a time zone
    plan = "pro"                   # free, pro or business
    host = "office@school.example" # for rows without a host
    buffer_minutes = 10            # free time a pool host keeps after each session
    strict = true                  # every warning is an error (as --strict)

    [settings]                     # Zoom meeting settings for every row
    waiting_room = true
    auto_recording = "cloud"

    [aliases]                      # more header texts for a column
    topic = ["강좌", "Lecture"]

    [pools]                        # a host cell "pool:teachers" picks one of these
    teachers = ["kim.minji@school.example", "lee.jun@school.example"]

``find`` returns what the file sets, named as the fields of ``Settings`` are
(``engine.settings``), which lays command-line flags over it.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from batchzoom import zoomspec
from batchzoom.core.errors import ConfigError
from batchzoom.core.i18n import _
from batchzoom.model.cells import check_host
from batchzoom.model.columns import INPUT_FIELDS, match_header, normalize_header
from batchzoom.model.problems import CellError
from batchzoom.model.times import zone
from batchzoom.zoom import Plan

FILE_NAME = "batchzoom.toml"
BUFFER_MAX = 240  # minutes

_SECTIONS = {
    "defaults": ("timezone", "plan", "host", "buffer_minutes", "strict"),
    "settings": (),
    "aliases": (),
    "pools": (),
}


def find(roster: Path | None, explicit: Path | None = None) -> dict[str, Any]:
    """What the configuration for ``roster`` sets: ``explicit``, else ``batchzoom.toml`` beside it.

    No file beside the roster sets nothing; a missing ``explicit`` file is an error.
    """
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(
                _("The configuration file {path} does not exist; check the --config path.").format(
                    path=explicit
                )
            )
        return load(explicit)
    if roster is None:
        return {}
    beside = Path(roster).parent / FILE_NAME
    return load(beside) if beside.is_file() else {}


def load(path: Path) -> dict[str, Any]:
    """Read and check the configuration file at ``path`` (raises ``ConfigError``)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise ConfigError(
            _(
                "Cannot read the configuration file {path} ({reason}); check that you may read it."
            ).format(path=path, reason=error.strerror)
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            _("The configuration file {path} is not UTF-8 text; save it as UTF-8.").format(
                path=path
            )
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            _(
                "The configuration file {path} is not valid TOML ({error}); correct it, e.g. "
                'timezone = "Asia/Seoul" under [defaults].'
            ).format(path=path, error=error)
        ) from None
    return parse(document, path)


def parse(document: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """The settings a TOML document read from ``path`` sets (``path`` is named in errors)."""
    where = _Where(path)
    for name, value in document.items():
        if name not in _SECTIONS:
            raise where.error(
                name,
                _("In {path}, {key} is not a section batchzoom knows; use {choice}."),
                choice=_one_of(list(_SECTIONS), name),
            )
        if not isinstance(value, dict):
            raise where.error(
                name,
                _("In {path}, {key} must be a table; write it as [{name}] on a line of its own."),
                name=name,
            )
    defaults = document.get("defaults", {})
    for name in defaults:
        if name not in _SECTIONS["defaults"]:
            raise where.error(
                f"defaults.{name}",
                _("In {path}, {key} is not a default batchzoom knows; use {choice}."),
                choice=_one_of(_SECTIONS["defaults"], name),
            )
    values: dict[str, Any] = {
        "config": path,
        "timezone": _timezone(defaults.get("timezone"), where),
        "plan": _plan(defaults.get("plan"), where),
        "host": _host(defaults.get("host"), where),
        "buffer_minutes": _buffer(defaults.get("buffer_minutes"), where),
        "strict": _strict(defaults.get("strict"), where),
        "meeting_settings": _settings(document.get("settings", {}), where),
        "aliases": _aliases(document.get("aliases", {}), where),
        "pools": _pools(document.get("pools", {}), where),
    }
    return {name: value for name, value in values.items() if value is not None and value != {}}


# ---------------------------------------------------------------------------------------------
# Checks


@dataclass(frozen=True)
class _Where:
    path: Path

    def error(self, key: str, message: str, **fields: object) -> ConfigError:
        """The error ``message`` (a whole sentence naming ``{path}`` and ``{key}``) says."""
        return ConfigError(message.format(path=self.path, key=key, **fields))


def _one_of(names: Any, given: str) -> str:
    names = list(names)
    close = difflib.get_close_matches(given, names, n=1, cutoff=0.6)
    if close:
        return f'"{close[0]}"'
    return _("one of {names}").format(names=", ".join(names))


def _timezone(value: object, where: _Where) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise where.error(
            "defaults.timezone", _('In {path}, {key} must be text, e.g. timezone = "Asia/Seoul".')
        )
    try:
        return zone(value).key
    except CellError as error:
        raise where.error(
            "defaults.timezone",
            _("In {path}, {key} is wrong: {error}."),
            error=error.message.rstrip("."),
        ) from None


def _strict(value: object, where: _Where) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise where.error(
            "defaults.strict", _("In {path}, {key} must be true or false, e.g. strict = true.")
        )
    return value


def _plan(value: object, where: _Where) -> Plan | None:
    if value is None:
        return None
    plans: tuple[Plan, ...] = get_args(Plan)
    for plan in plans:
        if isinstance(value, str) and value.strip().lower() == plan:
            return plan
    raise where.error(
        "defaults.plan",
        _("In {path}, {key} must be one of {choices}, not {value}."),
        choices=", ".join(plans),
        value=repr(value),
    )


def _host(value: object, where: _Where) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise where.error(
            "defaults.host",
            _('In {path}, {key} must be text, e.g. host = "kim.minji@school.example".'),
        )
    try:
        return check_host(value.strip())
    except CellError as error:
        raise where.error(
            "defaults.host",
            _("In {path}, {key} is wrong: {error}."),
            error=error.message.rstrip("."),
        ) from None


def _buffer(value: object, where: _Where) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BUFFER_MAX:
        raise where.error(
            "defaults.buffer_minutes",
            _(
                "In {path}, {key} must be a whole number of minutes from 0 to {most}, "
                "e.g. buffer_minutes = 10."
            ),
            most=BUFFER_MAX,
        )
    return value


_TYPES: dict[str, tuple[type, ...]] = {
    "boolean": (bool,),
    "integer": (int,),
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "number": (int, float),
}


def _setting_schemas() -> dict[str, Any]:
    schema = zoomspec.request_schema("meetingCreate")
    properties: dict[str, Any] = schema["properties"]["settings"]["properties"]
    return properties


def _settings(section: Mapping[str, Any], where: _Where) -> dict[str, Any]:
    known = _setting_schemas()
    settings: dict[str, Any] = {}
    for name, value in section.items():
        key = f"settings.{name}"
        schema = known.get(name)
        if schema is None:
            raise where.error(
                key,
                _("In {path}, {key} is not a Zoom meeting setting; use {choice}."),
                choice=_one_of(sorted(known), name),
            )
        kind = schema.get("type")
        types = _TYPES.get(kind, (object,))
        wrong_bool = isinstance(value, bool) and kind != "boolean"
        if wrong_bool or not isinstance(value, types):
            example = {"boolean": "true", "integer": "1", "string": '"text"'}.get(kind, "a value")
            raise where.error(
                key,
                _("In {path}, {key} must be of type {kind}, e.g. {name} = {example}."),
                kind=kind,
                name=name,
                example=example,
            )
        choices = schema.get("enum")
        if choices and value not in choices:
            listed = ", ".join(repr(choice) for choice in choices)
            raise where.error(
                key,
                _("In {path}, {key} must be one of {choices}, not {value}."),
                choices=listed,
                value=repr(value),
            )
        settings[name] = value
    return settings


def _aliases(section: Mapping[str, Any], where: _Where) -> dict[str, tuple[str, ...]]:
    aliases: dict[str, tuple[str, ...]] = {}
    taken: dict[str, str] = {}
    for name, value in section.items():
        key = f"aliases.{name}"
        if name not in INPUT_FIELDS:
            raise where.error(
                key,
                _("In {path}, {key} is not a column batchzoom reads; use {choice}."),
                choice=_one_of(INPUT_FIELDS, name),
            )
        texts = [value] if isinstance(value, str) else value
        if not isinstance(texts, list) or not all(isinstance(t, str) and t.strip() for t in texts):
            raise where.error(
                key,
                _('In {path}, {key} must be a list of header texts, e.g. {name} = ["강좌"].'),
                name=name,
            )
        for text in texts:
            normal = normalize_header(text)
            field_now = match_header(text) or taken.get(normal)
            if field_now is not None and field_now != name:
                raise where.error(
                    key,
                    _(
                        'In {path}, {key} gives "{text}", which already names the {column} '
                        "column; remove it."
                    ),
                    text=text,
                    column=field_now,
                )
            taken[normal] = name
        aliases[name] = tuple(text.strip() for text in texts)
    return aliases


def _pools(section: Mapping[str, Any], where: _Where) -> dict[str, tuple[str, ...]]:
    pools: dict[str, tuple[str, ...]] = {}
    for name, value in section.items():
        key = f"pools.{name}"
        if not name.strip() or any(ch.isspace() or ch == ":" for ch in name):
            raise where.error(
                key,
                _("In {path}, {key} is not a usable pool name; use letters, digits, - or _."),
            )
        if not isinstance(value, list) or not value:
            raise where.error(
                key,
                _(
                    'In {path}, {key} must list the pool\'s hosts, e.g. {name} = ["kim@school.example"].'
                ),
                name=name,
            )
        members: list[str] = []
        for member in value:
            if not isinstance(member, str):
                raise where.error(key, _("In {path}, {key} must list hosts as text in quotes."))
            try:
                host = check_host(member.strip())
            except CellError as error:
                raise where.error(
                    key,
                    _("In {path}, {key} has a wrong host: {error}."),
                    error=error.message.rstrip("."),
                ) from None
            if host.casefold() in (m.casefold() for m in members):
                raise where.error(
                    key, _("In {path}, {key} lists {host} twice; remove one."), host=host
                )
            members.append(host)
        pools[name] = tuple(members)
    return pools
