"""A longer run of issue 21's model (tests/test_exactly_once_model.py): random sheet edits,
syncs killed after a random number of write requests, invariants checked against the sandbox.

    python scripts/exactly_once.py --examples 500
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis.stateful import run_state_machine_as_test

from tests.test_exactly_once_model import ExactlyOnce, machine_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="edit sequences to try")
    args = parser.parse_args()
    started = time.monotonic()
    run_state_machine_as_test(ExactlyOnce, settings=machine_settings(args.examples))
    print(
        f"{args.examples} edit sequences held every invariant in {time.monotonic() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
