"""Options shared by the commands that read a roster, and the problem table they print.

``@reading_options`` adds --sheet, --timezone, --date-order, --encoding, --allow-past,
--host, --config, --attendees and --strict to a command. The values given land in the command's ``flags``
dict, from which the command builds its one ``Settings`` with ``resolve``: a choice
left off the command line comes from the configuration file (``batchzoom.toml``
beside the roster, or --config), else from the built-in default.
"""

from __future__ import annotations

import codecs
import functools
import json
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from batchzoom.core.i18n import _, ngettext
from batchzoom.engine.config import FILE_NAME

# The row model is imported where it is used, so that ``--help`` starts quickly.
if TYPE_CHECKING:
    from batchzoom.api.results import Result
    from batchzoom.files.roster import Roster
    from batchzoom.model.attendees import AttendeeValidation
    from batchzoom.model.problems import Problem
    from batchzoom.model.rows import Validation


def add_flags(
    names: Sequence[str], options: Sequence[Callable[[Any], Any]]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A decorator adding ``options`` to a command; the values of ``names`` go into its
    ``flags`` dict (shared by every such decorator), the rest stay keyword arguments."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            flags = dict(kwargs.pop("flags", {}))
            flags.update((name, kwargs.pop(name)) for name in names)
            return command(*args, flags=flags, **kwargs)

        decorated: Callable[..., Any] = wrapper
        for option in reversed(options):
            decorated = option(decorated)
        return decorated

    return decorate


def with_options(
    options: Sequence[Callable[[Any], Any]],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A decorator adding ``options`` to a command as keyword arguments."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _check_zone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from batchzoom.model.problems import CellError
    from batchzoom.model.times import zone

    try:
        return zone(value).key
    except CellError as error:
        raise click.BadParameter(error.message) from None


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(
            _('"{value}" is not a known encoding; use utf-8, utf-8-sig or cp949.').format(
                value=value
            )
        ) from None
    return value


def _check_host(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from batchzoom.model.cells import check_host
    from batchzoom.model.problems import CellError

    try:
        return check_host(value.strip())
    except CellError as error:
        raise click.BadParameter(error.message) from None


def _given_or_none(ctx: click.Context, param: click.Parameter, value: bool) -> bool | None:
    """A flag left off is not given (None), so that the configuration file may set it."""
    return True if value else None


def _date_order(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return value.upper() if value else None


_OPTIONS = [
    click.option(
        "--sheet", metavar="NAME", help="Worksheet to read (default: the first visible sheet)."
    ),
    click.option(
        "--timezone",
        metavar="ZONE",
        callback=_check_zone,
        help="IANA time zone for rows without one, e.g. Asia/Seoul.",
    ),
    click.option(
        "--date-order",
        type=click.Choice(["DMY", "MDY", "YMD"], case_sensitive=False),
        callback=_date_order,
        help="How to read text dates like 03/04/2027 (otherwise they are rejected as ambiguous).",
    ),
    click.option(
        "--encoding",
        metavar="CODEC",
        callback=_check_encoding,
        help="CSV encoding, e.g. cp949 (default: detect UTF-8, UTF-8 with BOM, CP949).",
    ),
    click.option("--allow-past", is_flag=True, help="Accept sessions that start in the past."),
    click.option(
        "--host",
        callback=_check_host,
        help="Host (Zoom email or user id) for rows without one (default: me, the account owner).",
    ),
    click.option(
        "--config",
        type=click.Path(path_type=Path, dir_okay=False),
        help=f"Configuration file (default: {FILE_NAME} beside the roster, if any).",
    ),
    click.option(
        "--attendees",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Attendee sheet (.csv or .xlsx) of people to register for sessions "
        "(default: the roster workbook's Attendees sheet, if any).",
    ),
    click.option(
        "--strict",
        is_flag=True,
        callback=_given_or_none,
        help="Treat every warning (such as a host with overlapping sessions) as an error.",
    ),
]


reading_options = add_flags(
    (
        "sheet",
        "timezone",
        "date_order",
        "encoding",
        "allow_past",
        "host",
        "config",
        "attendees",
        "strict",
    ),
    _OPTIONS,
)
"""Add the roster-reading options to a command; their values go into ``flags``."""


CHECK_HOSTS = click.option(
    "--check-hosts/--no-check-hosts",
    default=True,
    help="Before sending, look every host, alternative host, pool member and panelist up on "
    "Zoom; rows naming a user Zoom refuses are invalid (default: on; a dry run looks "
    "nobody up).",
)
"""``schedule`` and ``sync``: the users are looked up first unless --no-check-hosts."""

_CREDENTIAL_FLAGS = ("env_file", "token_url", "api_url", "allow_insecure_http")
ENV_FILE_HELP = (
    "Read ZOOM_* settings from this file (default: .env in the current folder, else beside "
    "the roster)."
)


def account_options(env_file_help: str = ENV_FILE_HELP) -> list[Callable[[Any], Any]]:
    """Where the account's settings come from: ``--env-file``, ``--token-url``, ``--api-url``
    and ``--allow-insecure-http``, as every command that talks to Zoom takes them."""
    return [
        click.option(
            "--env-file", type=click.Path(path_type=Path, dir_okay=False), help=env_file_help
        ),
        click.option(
            "--token-url", metavar="URL", help="Zoom's OAuth token URL (env ZOOM_TOKEN_URL)."
        ),
        click.option("--api-url", metavar="URL", help="Zoom's API base URL (env ZOOM_API_URL)."),
        click.option(
            "--allow-insecure-http",
            is_flag=True,
            help="Allow http:// token/API URLs to another machine (the secret travels "
            "unencrypted).",
        ),
    ]


def refuse_sandbox_urls(sandbox: bool, token_url: str | None, api_url: str | None) -> None:
    """``--sandbox`` with a URL of Zoom's is a usage error: the sandbox sets its own."""
    if sandbox and (token_url or api_url):
        raise click.UsageError(_("--sandbox sets its own URLs; drop --token-url/--api-url."))


credential_options = add_flags(
    _CREDENTIAL_FLAGS,
    account_options(
        "With --check-hosts: read ZOOM_* settings from this file (default: .env in the "
        "current folder, else beside the roster)."
    ),
)
"""``validate --check-hosts``: the account options ``schedule`` takes; into ``flags``."""


def attendees_json(result: Result, include_password: bool) -> dict[str, Any]:
    """``--json``'s ``attendees`` of a run that registered people, else nothing."""
    document = result.attendees(include_password=include_password)
    return {} if document is None else {"attendees": document}


def credentials_given(flags: dict[str, Any]) -> bool:
    """Whether any account option of ``credential_options`` was given."""
    return any(flags.get(name) for name in _CREDENTIAL_FLAGS)


# ---------------------------------------------------------------------------------------------
# Rendering


def _width(text: str) -> int:
    """Columns a text takes in a terminal (Korean characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def problem_table(problems: Sequence[Problem]) -> str:
    """Problems as an aligned text table: Row, Column, Problem, Message."""
    head = (_("Row"), _("Column"), _("Problem"), _("Message"))
    lines = [
        (
            "-" if problem.row is None else str(problem.row),
            problem.where(),
            problem.code,
            problem.message,
        )
        for problem in problems
    ]
    widths = [max(_width(line[i]) for line in [head, *lines]) for i in range(3)]
    out = []
    for line in [head, *lines]:
        cells = [_pad(line[i], widths[i]) for i in range(3)]
        out.append("  ".join([*cells, line[3]]).rstrip())
    return "\n".join(out)


def summary(validation: Validation) -> str:
    """One line: how many rows were checked, valid and invalid."""
    rows = len(validation.rows)
    invalid = len(validation.invalid_rows)
    text = ngettext(
        "{rows} row checked: {valid} valid, {invalid} invalid",
        "{rows} rows checked: {valid} valid, {invalid} invalid",
        rows,
    ).format(rows=rows, valid=rows - invalid, invalid=invalid)
    count = len(validation.problems)
    if count:
        text += ngettext(" ({count} problem)", " ({count} problems)", count).format(count=count)
    warned = len(validation.warnings)
    if warned:
        text += ngettext("; {count} warning", "; {count} warnings", warned).format(count=warned)
    return text + "."


def attendee_summary(attendees: AttendeeValidation) -> str:
    """One line: how many attendee rows were checked, and the attendees to register."""
    rows = len(attendees.rows)
    invalid = len(attendees.invalid_rows)
    registrants = len(attendees.attendees)
    checked = ngettext(
        "{sheet}: {rows} attendee row checked: {valid} valid, {invalid} invalid;",
        "{sheet}: {rows} attendee rows checked: {valid} valid, {invalid} invalid;",
        rows,
    ).format(sheet=attendees.sheet, rows=rows, valid=rows - invalid, invalid=invalid)
    to_make = ngettext(
        "{count} registration to make.", "{count} registrations to make.", registrants
    ).format(count=registrants)
    return f"{checked} {to_make}"


def _attendees_json(attendees: AttendeeValidation) -> dict[str, Any]:
    return {
        "sheet": attendees.sheet,
        "rows": len(attendees.rows),
        "invalid": len(attendees.invalid_rows),
        "registrations": len(attendees.attendees),
        "per_session": attendees.counts(),
        "problems": [p.record() for p in attendees.problems],
        "summary": attendee_summary(attendees),
    }


def problems_json(
    roster: Roster, validation: Validation, attendees: AttendeeValidation | None = None
) -> str:
    """The validation result as a JSON document (with the attendee sheet's, when there is one)."""
    document: dict[str, Any] = {
        "file": str(roster.source.path),
        "sheet": roster.source.sheet,
        "header_row": roster.source.header_row,
        "rows": len(validation.rows),
        "valid": len(validation.rows) - len(validation.invalid_rows),
        "invalid": len(validation.invalid_rows),
        "ignored_columns": roster.ignored,
        "problems": [p.record() for p in validation.problems],
        "warnings": [p.record() for p in validation.warnings],
        "summary": summary(validation),
    }
    if attendees is not None:
        document["attendees"] = _attendees_json(attendees)
    return json.dumps(document, ensure_ascii=False, indent=2)


def echo_report(
    roster: Roster,
    validation: Validation,
    *,
    output: Literal["table", "json"] = "table",
    attendees: AttendeeValidation | None = None,
) -> None:
    """Print the ignored columns, the problem table and the summary (or all of it as JSON).

    The attendee sheet's problems and summary follow the roster's, when there is one.
    """
    if output == "json":
        click.echo(problems_json(roster, validation, attendees))
        return
    if roster.ignored:
        names = ", ".join(name.strip() for name in roster.ignored)
        click.echo(_("Ignored columns: {names}").format(names=names))
    if validation.problems:
        click.echo(problem_table(validation.problems))
    if validation.warnings:
        click.echo(_("Warnings (these rows are still scheduled; --strict makes them errors):"))
        click.echo(problem_table(validation.warnings))
    click.echo(summary(validation))
    if attendees is not None:
        if attendees.problems:
            click.echo(_("Problems on the {sheet} sheet:").format(sheet=attendees.sheet))
            click.echo(problem_table(attendees.problems))
        click.echo(attendee_summary(attendees))
