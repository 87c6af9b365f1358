"""``batchzoom template``: write a ready-to-fill roster workbook."""

from __future__ import annotations

from pathlib import Path

import click

from batchzoom.cli.app import cli
from batchzoom.cli.options import _check_zone
from batchzoom.core.i18n import _


@cli.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.option(
    "--timezone",
    metavar="ZONE",
    callback=_check_zone,
    help="Time zone offered first in the drop-down and used by the example rows "
    "(default: timezone in batchzoom.toml beside PATH, else Asia/Seoul first).",
)
def template(path: Path, force: bool, timezone: str | None) -> None:
    """Write an empty roster to PATH (.xlsx) with example rows, drop-downs and a Help sheet.

    Replace the example rows with your sessions (the Help sheet explains every
    column, in English and Korean), then check it with batchzoom validate.

    \b
    Example:
        batchzoom template spring.xlsx
        batchzoom validate spring.xlsx
    """
    from batchzoom.engine.settings import resolve
    from batchzoom.files.template import write_template

    settings = resolve(path, timezone=timezone)
    write_template(path, force=force, today=settings.now().date(), timezone=settings.timezone)
    click.echo(
        _("Wrote {path}: fill in the Sessions sheet, then run: batchzoom validate {path}").format(
            path=path
        )
    )
