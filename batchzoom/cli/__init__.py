"""The command line: a thin click layer over the library.

Only this package imports click, prints, or chooses exit codes; each command
module turns its options into library calls and renders the result.
"""

from __future__ import annotations

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
    cli.main(prog_name="batchzoom")
