"""Extract, update and compile batchzoom's message catalogs (Babel; a dev dependency).

    python scripts/messages.py           # extract -> update every .po -> compile every .mo
    python scripts/messages.py --check   # exit 1 when a catalog is out of step with the code

Messages come from two places: the ``_``/``ngettext``/``N_``/``Np_`` calls in the package
(Babel's Python extractor, configured by ``babel.cfg``), and the help texts of the command
line (each command's help, short help and epilog, each option's help), read from the click
command tree, since they are written as plain strings in the decorators. The template is
``batchzoom/locale/batchzoom.pot``; each language's ``.po`` is updated from it (new entries
empty, vanished ones dropped) and compiled to the ``.mo`` the package ships.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir  # noqa: E402
from babel.messages.frontend import parse_mapping_cfg  # noqa: E402
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

LOCALE = ROOT / "batchzoom" / "locale"
TEMPLATE = LOCALE / "batchzoom.pot"
# The catalogs' header date, fixed so that extracting twice writes the same bytes.
DATE = datetime(2026, 12, 7, tzinfo=UTC)
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "Np_": (1, 2)}


def _help_texts() -> list[tuple[str, str]]:
    """(text, where) for every help text of the command line."""
    import click

    from batchzoom.cli import cli

    found: list[tuple[str, str]] = []

    def walk(command: click.Command, path: str) -> None:
        for attr in ("help", "short_help", "epilog"):
            text = getattr(command, attr)
            if text:
                found.append((text, f"{path} {attr}"))
        for param in command.params:
            if isinstance(param, click.Option) and param.help:
                found.append((param.help, f"{path} {param.opts[0]}"))
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}")

    walk(cli, "batchzoom")
    return found


def extract() -> Catalog:
    """The template catalog: every message the package and its command line show."""
    catalog = Catalog(
        project="batchzoom",
        domain="batchzoom",
        charset="utf-8",
        creation_date=DATE,
        revision_date=DATE,
    )
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for text, where in _help_texts():
        catalog.add(text, None, [(where.replace(" ", ":"), 0)])
    return catalog


def _po(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "batchzoom.po"


def _render_po(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, ignore_obsolete=True, include_lineno=False)
    return out.getvalue()


def _render_mo(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def languages() -> list[str]:
    """The languages with a catalog."""
    return sorted(path.name for path in LOCALE.iterdir() if (path / "LC_MESSAGES").is_dir())


def build() -> dict[Path, bytes]:
    """Every file the catalogs consist of, as they should be now."""
    template = extract()
    files: dict[Path, bytes] = {TEMPLATE: _render_po(template)}
    for language in languages():
        path = _po(language)
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=language, domain="batchzoom")
        else:
            catalog = Catalog(locale=language, domain="batchzoom", project="batchzoom")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.revision_date = catalog.creation_date = DATE
        catalog.obsolete.clear()
        catalog.fuzzy = False
        catalog.last_translator = catalog.language_team = "batchzoom"
        catalog.copyright_holder = "batchzoom"
        files[path] = _render_po(catalog)
        files[path.with_suffix(".mo")] = _render_mo(catalog)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report catalogs out of step")
    args = parser.parse_args()
    stale = []
    for path, content in build().items():
        if not path.exists() or path.read_bytes() != content:
            stale.append(path)
            if not args.check:
                path.write_bytes(content)
    for path in stale:
        print(("stale: " if args.check else "wrote: ") + str(path.relative_to(ROOT)))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
