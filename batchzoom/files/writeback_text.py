"""The sentences writing the results says: each a whole sentence, in the run's language."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from batchzoom.core.i18n import N_, _

# Why the roster itself was not overwritten, each ending with where the results went instead.
Diversion = Literal["changed", "excel", "read-only", "saved", "not-replaced"]
_DIVERTED: dict[Diversion, str] = {
    "changed": N_(
        "{path} was changed while batchzoom was running; the results were written to "
        "{fallback} instead."
    ),
    "excel": N_(
        "{path} is open in Excel, so it was not overwritten; the results were written to "
        "{fallback} instead."
    ),
    "read-only": N_(
        "{path} is read-only, so it was not overwritten; the results were written to "
        "{fallback} instead."
    ),
    "saved": N_(
        "{path} was saved while batchzoom was writing to it; the results were written to "
        "{fallback} instead."
    ),
    "not-replaced": N_(
        "{path} could not be replaced (is it open in another program?); the results were "
        "written to {fallback} instead."
    ),
}


def diverted(why: Diversion, path: Path, fallback: Path) -> str:
    """The note for a roster not overwritten: why, and the copy the results went to."""
    return _(_DIVERTED[why]).format(path=path, fallback=fallback)


def wrong_extension(target: Path, suffix: str, roster: str, converted: bool) -> str:
    """The refusal of an output whose extension is not the results' own."""
    message = (
        _(
            "Cannot write the results to {target} because it is not a {suffix} file; use "
            "{suffix} for the results of {roster}."
        )
        if converted
        else _(
            "Cannot write the results to {target} because it is not a {suffix} file; use the "
            "same extension as the roster {roster}."
        )
    )
    return message.format(target=target, suffix=suffix, roster=roster)


def is_a_folder(target: Path) -> str:
    return _(
        "Cannot write the results to {target} because it is a folder; give a file name."
    ).format(target=target)


def no_folder(target: Path) -> str:
    return _(
        "Cannot write the results to {target} because the folder {folder} does not exist; "
        "create it or choose another --output."
    ).format(target=target, folder=target.parent)


def open_in_excel(target: Path, lock: str) -> str:
    return _(
        "Cannot write the results to {target} because it is open in Excel; close it there "
        "(or delete a stale {lock}) and run again."
    ).format(target=target, lock=lock)


def cannot_reread(path: Path, why: str) -> str:
    return _(
        "Cannot read {path} again to write the results into it ({why}); make sure it is "
        "still there and run again."
    ).format(path=path, why=why)


def cannot_reread_csv(path: Path, error: object) -> str:
    return _(
        "Cannot read {path} again as CSV to write the results into it ({error}); make sure "
        "it is still the roster that was read and run again."
    ).format(path=path, error=error)
