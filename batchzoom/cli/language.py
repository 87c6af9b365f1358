"""The command line's language: ``--lang`` on every command, and click's own words translated.

Every command (and the group) takes ``--lang ko|en``; the choice is read from the arguments
before click parses them, so ``--help`` anywhere on the line is already in that language.
Without it the language comes from ``BATCHZOOM_LANG`` or the locale (``core.i18n``).

Click writes its own words (``Usage:``, ``Options``, its error sentences) through the standard
library's ``gettext``; its modules look the name ``_`` up at call time, so pointing it at
batchzoom's catalog translates them with the rest (``CLICK_WORDS`` lists them for extraction).
Help texts written in the decorators are English in the source and looked up in the catalog
as a command's help is shown (``scripts/messages.py`` extracts them from the command tree).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from batchzoom.core import i18n
from batchzoom.core.i18n import N_, Np_, _

OPTION = "--lang"
LANG_HELP = N_(
    "The language of messages and help: ko or en (default: BATCHZOOM_LANG, else the locale)."
)

# Click's own words, so that extraction puts them in the catalog.
CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("Aborted!"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("required"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("Option {name!r} does not take a value."),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a directory."),
    N_("Could not open file {filename!r}: {message}"),
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
    N_("Error: invalid input"),
)

# Click's words that change with a count: (singular, plural).
CLICK_PLURALS = (
    Np_("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    Np_("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    Np_("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    Np_(
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ),
    Np_("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
)

_CLICK_MODULES = ("core", "formatting", "exceptions", "parser", "types", "decorators", "termui")


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.ngettext(singular, plural, n)


def install_click_words() -> None:
    """Point click's ``gettext`` at batchzoom's catalog (its untranslated words stay English)."""
    import importlib

    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]


def flag_in(args: Sequence[str]) -> str | None:
    """The value of ``--lang`` among ``args`` (the last one given), if any."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == OPTION and index + 1 < len(args):
            found = args[index + 1]
        elif arg.startswith(OPTION + "="):
            found = arg.split("=", 1)[1]
    return found


def choose(args: Sequence[str]) -> None:
    """Set the run's language from ``args`` and the environment (``core.i18n``)."""
    i18n.set_language(i18n.machine_language(flag_in(args)))


def lang_option() -> click.Option:
    """The ``--lang`` option every command carries (already applied by ``choose``)."""
    return click.Option(
        [OPTION],
        type=click.Choice(i18n.LANGUAGES),
        expose_value=False,
        is_eager=True,
        help=LANG_HELP,
    )


def _translated(text: Any) -> Any:
    return _(text) if isinstance(text, str) and text else text


@contextmanager
def translated_help(commands: Sequence[click.Command]) -> Iterator[None]:
    """Show the commands' and their options' help texts in the run's language meanwhile."""
    saved: list[tuple[object, str, Any]] = []
    for command in commands:
        for attr in ("help", "epilog", "short_help"):
            saved.append((command, attr, getattr(command, attr)))
        for param in command.params:
            if isinstance(param, click.Option):
                saved.append((param, "help", param.help))
    try:
        for owner, attr, value in saved:
            setattr(owner, attr, _translated(value))
        yield
    finally:
        for owner, attr, value in saved:
            setattr(owner, attr, value)


def help_option(option: click.Option | None) -> click.Option | None:
    """Click's cached ``--help`` option, its help text in the run's language (click words it
    once, in the language of the first run in the process)."""
    if option is not None:
        option.help = _("Show this message and exit.")
    return option


class Command(click.Command):
    """A command with ``--lang``, whose help is shown in the run's language."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return help_option(super().get_help_option(ctx))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(lang_option())

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated_help([self]):
            super().format_help(ctx, formatter)
