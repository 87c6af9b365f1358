"""The command line: a thin click layer over the library.

Only this package imports click, prints, or chooses exit codes; each command
module turns its options into library calls and renders the result.
"""

from __future__ import annotations

import sys

from batchzoom.cli import (  # noqa: F401  (each registers its command)
    reconcile,
    sandbox,
    schedule,
    status,
    sync,
    template,
    validate,
)
from batchzoom.cli.app import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    # This process never runs httpx's own command line: when httpx is imported, its
    # ``httpx.main`` falls back to a stub instead of importing click's, pygments' and
    # rich's parts for it (a few hundredths of a second of every run's start-up).
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    cli.main(prog_name="batchzoom")
