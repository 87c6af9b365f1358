"""Allow ``python -m batchzoom``."""

from batchzoom.cli import main

main()
