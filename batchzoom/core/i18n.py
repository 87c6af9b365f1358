"""The language batchzoom speaks: gettext catalogs, chosen once per run, injected like the clock.

How to write a message a person reads (every new one, in every module)::

    from batchzoom.core.i18n import _

    raise CellError(_("Row {row}: {column} is empty.").format(row=row, column=column))

- One whole sentence per call, with *named* placeholders filled by ``.format`` after the
  lookup (never before: the catalog is keyed by the English text with its ``{names}``).
  Korean orders words differently, so never build a sentence from fragments
  (``_("Row ") + str(n)``), and never pass an f-string to ``_``.
- A count that changes the wording uses ``ngettext("{n} row", "{n} rows", n).format(n=n)``.
- Text defined at import time (a module constant, a table of labels) is marked with
  ``N_("...")`` (extracted, not translated) and passed through ``_`` where it is shown.
- Machine-readable words stay as they are in every language: JSON keys, problem codes,
  ``zoom_status`` values, the column names batchzoom writes, exit codes. Do not wrap them.
- After adding or changing messages run ``python scripts/messages.py`` (extract with Babel,
  update ``batchzoom/locale/*/LC_MESSAGES/batchzoom.po``, compile ``.mo``), translate the new
  entries in the ``.po``, and run it again; ``tests/test_i18n.py`` fails while a message has
  no Korean translation or its placeholders differ.

The language is never read from the machine implicitly: the command line resolves it once
(``resolve_language``: ``--lang``, else ``BATCHZOOM_LANG``, else the locale's ``LC_ALL``,
``LC_MESSAGES``, ``LANG``, else on Windows the user's UI language, else English) and runs
the command inside ``use_language(lang)``. A library caller does the same, or passes nothing
and gets English. Lookups use only the catalogs shipped in the package (``.mo`` files), so
no Babel is needed at run time.
"""

from __future__ import annotations

import gettext
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "batchzoom"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
ENGLISH = "en"
# The languages batchzoom has a catalog for (English is the messages' own language).
LANGUAGES = ("en", "ko")
LANGUAGE_ENV = "BATCHZOOM_LANG"
# Where the locale names the user's language, in POSIX's order of precedence.
LOCALE_ENVS = ("LC_ALL", "LC_MESSAGES", "LANG")

_current: ContextVar[str | None] = ContextVar("batchzoom_language", default=None)
# The run's choice (``set_language``), seen by every thread the run starts (a thread
# begins with an empty context, so a context variable alone would not reach it).
_run_language = ENGLISH


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog for ``language`` (English: the messages as written)."""
    if language == ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def language() -> str:
    """The language of the current run (``use_language``), English by default."""
    return _current.get() or _run_language


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block (a code from ``LANGUAGES``)."""
    token = _current.set(lang if lang in LANGUAGES else ENGLISH)
    try:
        yield
    finally:
        _current.reset(token)


def set_language(lang: str) -> None:
    """Speak ``lang`` from now on, in every thread (the command line's one choice per run)."""
    global _run_language  # noqa: PLW0603 - the run's one language, like its one clock
    _run_language = lang if lang in LANGUAGES else ENGLISH
    _current.set(None)


def _(message: str) -> str:
    """``message`` in the current language (the English text when it has no translation)."""
    return catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the current language."""
    return catalog(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for it
    """Mark ``message`` for extraction without translating it now (translate it where shown)."""
    return message


def Np_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - as N_
    """Mark a singular/plural pair for extraction (shown later through ``ngettext``)."""
    return singular, plural


def normalize(value: str | None) -> str | None:
    """The language code a flag or locale name asks for (``ko_KR.UTF-8`` -> ``ko``), or None
    when it names no language batchzoom speaks (``C``, ``POSIX``, empty)."""
    if not value:
        return None
    code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    if code in ("c", "posix") or not code:
        return None
    return code if code in LANGUAGES else ENGLISH


def _windows_language() -> str | None:  # pragma: no cover - Windows only
    import ctypes
    import locale

    lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined,unused-ignore]
    return normalize(locale.windows_locale.get(int(lcid)))


def resolve_language(flag: str | None, environ: Mapping[str, str], platform: str = "") -> str:
    """The language a run speaks: ``flag`` (``--lang``), else ``BATCHZOOM_LANG``, else the
    first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set, else (on Windows) the user's
    UI language, else English."""
    for value in (flag, environ.get(LANGUAGE_ENV)):
        found = normalize(value)
        if found:
            return found
    for name in LOCALE_ENVS:
        if environ.get(name):
            return normalize(environ[name]) or ENGLISH
    if (platform or sys.platform) == "win32":
        return _windows_language() or ENGLISH
    return ENGLISH


def machine_language(flag: str | None = None) -> str:
    """``resolve_language`` for this process's environment (the command line's entry point)."""
    return resolve_language(flag, os.environ)
