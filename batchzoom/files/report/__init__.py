"""The HTML report: one self-contained page showing a roster's run at a glance.

``ReportInput`` holds what to show (built by the command from the run's results);
``render`` makes the page; ``write_report`` writes it atomically, readable only by
the user (it may hold join links, and passcodes when asked for).
"""

from __future__ import annotations

from pathlib import Path

from batchzoom.core.i18n import _
from batchzoom.files.atomic import atomic_write
from batchzoom.files.report.data import (
    STATUS_LABELS,
    QuotaDay,
    ReportInput,
    ReportRow,
    display_zone,
    row_of,
    rows_from,
    without_password,
)
from batchzoom.files.report.page import render

__all__ = [
    "STATUS_LABELS",
    "QuotaDay",
    "ReportInput",
    "ReportRow",
    "display_zone",
    "render",
    "row_of",
    "rows_from",
    "without_password",
    "write_report",
]


def write_report(path: Path, data: ReportInput) -> None:
    """Write the report of ``data`` to ``path`` (through a temporary file, mode 0600)."""
    atomic_write(path, render(data).encode("utf-8"), elsewhere=_("give another --report path"))
