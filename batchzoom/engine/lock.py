"""A lock per roster, so that two runs (say, overlapping cron jobs) never work at once.

It is an OS lock on an open file (``flock`` on Unix, ``msvcrt.locking`` on
Windows): the operating system releases it when the process ends in any way,
``kill -9`` included, so it never goes stale the way a PID file does.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from types import TracebackType

from batchzoom.core.errors import LockedError, OutputError
from batchzoom.core.i18n import _

POLL = 0.2


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class RunLock:
    """Hold the lock for ``path`` while in the ``with`` block.

    With ``wait=0`` a held lock raises ``LockedError`` at once; otherwise the
    lock is awaited for up to ``wait`` seconds.
    """

    def __init__(self, path: Path, *, wait: float = 0.0, what: str | None = None) -> None:
        self.path = path
        self.wait = wait
        self.what = what
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        deadline = time.monotonic() + self.wait
        while True:
            fd = self._open()
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    os.close(fd)
                    if self.wait:
                        message = _(
                            "Another batchzoom run is already working on {what}; try again "
                            "when it finishes."
                        )
                    else:
                        message = _(
                            "Another batchzoom run is already working on {what}; try again "
                            "when it finishes, or pass --wait SECONDS to wait for it."
                        )
                    raise LockedError(message.format(what=self.what or _("this roster")))
                time.sleep(POLL)
            if self._still_at_path(fd):
                break
            # The run that held it removed the file as it finished: lock the one there now.
            os.close(fd)
        try:  # the PID is for people looking; on a full disk the lock holds without it
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass
        self._fd = fd
        return self

    def _open(self) -> int:
        try:
            # O_NOFOLLOW: a symbolic link planted as the lock file is refused, never written through.
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
            return os.open(self.path, flags, 0o600)
        except OSError as error:
            if self.path.is_symlink():
                raise OutputError(
                    _(
                        "The lock file {path} is a symbolic link, which batchzoom does not "
                        "follow; delete it and run again."
                    ).format(path=self.path)
                ) from None
            raise OutputError(
                _(
                    "Cannot create the lock file {path} ({reason}); choose a writable "
                    "place with --state."
                ).format(path=self.path, reason=error.strerror)
            ) from None

    def _still_at_path(self, fd: int) -> bool:
        """Whether the locked file is still the one at ``path`` (not removed meanwhile)."""
        try:
            there = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return False
        held = os.fstat(fd)
        return (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Release the lock and remove its file: a finished run leaves no lock file behind.

        On Unix the file is removed while still locked, so a run waiting on it finds it gone
        and locks the new one (``_still_at_path``); Windows refuses to remove a file another
        run holds open, so there it is removed after closing, when no one else has it open.
        """
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            os.close(fd)
            with contextlib.suppress(OSError):
                self.path.unlink()
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(fd)  # closing the descriptor releases the lock
