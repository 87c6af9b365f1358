"""Where a roster's results go: the result sheet beside it, its backup, Excel's lock file.

An ``.xls`` or OpenDocument roster (whatever its name says) gets an ``.xlsx`` result sheet and
cannot be updated in place.
"""

from __future__ import annotations

from pathlib import Path

from batchzoom.core.errors import OutputError
from batchzoom.core.i18n import _
from batchzoom.files.convert import CONVERTED
from batchzoom.files.roster import SourceInfo
from batchzoom.files.sniff import NAMES

__all__ = [
    "backup_path",
    "default_output_path",
    "excel_lock_path",
    "output_suffix",
    "refuse_in_place",
]


def default_output_path(source: SourceInfo) -> Path:
    """``<stem>.scheduled.<ext>`` beside the roster, e.g. ``spring.scheduled.xlsx``.

    An ``.xls`` or OpenDocument roster (whatever its name says) gets an ``.xlsx`` result.
    """
    path = source.path
    return path.with_name(f"{path.stem}.scheduled{output_suffix(source)}")


def output_suffix(source: SourceInfo) -> str:
    """The extension of the roster's result sheet: the roster's own, or .xlsx for a converted one."""
    return ".xlsx" if source.format in CONVERTED else source.path.suffix


def refuse_in_place(source: SourceInfo) -> None:
    """An .xls or OpenDocument roster cannot be updated in place: one sentence, before sending."""
    if source.format in CONVERTED:
        raise OutputError(
            _(
                "{file} is {kind}, which batchzoom reads but cannot update in place; drop "
                "--in-place (the results go to {output}), or save the roster as .xlsx first."
            ).format(
                file=source.path.name,
                kind=_(NAMES[source.format]),
                output=default_output_path(source).name,
            )
        )


def backup_path(path: Path) -> Path:
    """``<name>.bak`` beside a file, e.g. ``spring.xlsx.bak``."""
    return path.with_name(f"{path.name}.bak")


def excel_lock_path(path: Path) -> Path:
    """The owner file ``~$<name>`` Excel keeps beside a workbook while it is open."""
    return path.with_name(f"~${path.name}")
