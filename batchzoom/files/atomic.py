"""Files written whole or not at all: a private temporary file, fsync'd, renamed into place.

A crash never leaves a half-written file, and each way the write can fail (a full disk, a
read-only folder, a file open in another program) is one sentence saying what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from batchzoom.core.errors import OutputError
from batchzoom.core.i18n import _


class RosterChangedError(Exception):
    """The file to be replaced changed after it was read."""


def atomic_write(
    target: Path,
    content: bytes,
    *,
    mode: int = 0o600,
    keep: os.stat_result | None = None,
    still: Callable[[], bool] | None = None,
    elsewhere: str | None = None,
) -> None:
    """Write ``content`` to ``target`` through a temporary file (``mode``) renamed over it.

    ``keep``, the ``stat`` of a user's own file being replaced, gives the new file that
    file's mode, owner and group instead (as far as this process may set them), so that
    updating a roster in place does not change who may read it. ``still``, when given, is
    asked right before the rename; if it says no, nothing is replaced and
    ``RosterChangedError`` is raised. A failure is an ``OutputError`` whose sentence ends
    with ``elsewhere`` (what the user can do instead; by default, ``--output``).
    """
    if keep is not None:
        mode = stat.S_IMODE(keep.st_mode)
    temp: str | None = None
    try:
        # mkstemp creates the file with mode 0600 before any data is written.
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            if keep is not None:
                _keep_owner(handle.fileno(), keep)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if still is not None and not still():
            raise RosterChangedError
        os.replace(temp, target)
        temp = None
    except OSError as error:
        raise OutputError(write_failure(target, error, elsewhere)) from error
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    _fsync_directory(target.parent)


def _keep_owner(fd: int, keep: os.stat_result) -> None:
    """Give the file ``keep``'s owner and group where this process may (root, or its group)."""
    if not hasattr(os, "fchown"):
        return
    here = os.fstat(fd)
    if (here.st_uid, here.st_gid) == (keep.st_uid, keep.st_gid):
        return
    with contextlib.suppress(OSError):
        os.fchown(fd, keep.st_uid, keep.st_gid)
        return
    with contextlib.suppress(OSError):  # not allowed to give it away: keep at least its group
        os.fchown(fd, -1, keep.st_gid)


def write_failure(target: Path, error: OSError, elsewhere: str | None = None) -> str:
    """One sentence for a failed write, ending with ``elsewhere`` (a translated clause, as
    ``_("choose another output")``; by default, ``--output``)."""
    if elsewhere is None:
        elsewhere = _("write the results elsewhere with --output")
    if error.errno == errno.ENOSPC or error.errno == getattr(errno, "EDQUOT", errno.ENOSPC):
        message = _(
            "Cannot write {target} because the disk is full; free some space or {elsewhere}."
        )
    elif error.errno == errno.EROFS:
        message = _(
            "Cannot write {target} because its folder is on a read-only file system; {elsewhere}."
        )
    elif isinstance(error, PermissionError):
        message = _(
            "Cannot write {target} because it is open in another program or its folder is "
            "read-only; close the file or {elsewhere}."
        )
    elif isinstance(error, (FileNotFoundError, NotADirectoryError)):
        message = _(
            "Cannot write {target} because its folder {folder} does not exist or is not "
            "a folder; create the folder or {elsewhere}."
        )
    else:
        message = _("Cannot write {target} ({why}); free some space or {elsewhere}.")
    return message.format(target=target, folder=target.parent, why=_why(error), elsewhere=elsewhere)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; not every system can open a folder, which is fine."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _why(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()
