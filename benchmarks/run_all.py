"""Every benchmark, one after another, each in its own process with its default sizes.

Run:  .venv/bin/python benchmarks/run_all.py [NAME ...]   (e.g. ``read schedule``)

Each benchmark prints its own figures and ratios; this prints which one runs and exits
non-zero if any of them failed to run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    available = sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py"))
    chosen = sys.argv[1:] or available
    unknown = sorted(set(chosen) - set(available))
    if unknown:
        print(f"No benchmark named {', '.join(unknown)}; choose from {', '.join(available)}.")
        return 2
    failed = []
    for name in chosen:
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, str(HERE / f"bench_{name}.py")], check=False).returncode:
            failed.append(name)
    if failed:
        print(f"Failed to run: {', '.join(failed)}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
