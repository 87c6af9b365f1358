"""How fast the CLI starts: whole-process time of ``batchzoom --help`` (in English, and in
Korean both by ``--lang ko`` and by a Korean locale, which loads the Korean catalog) and of
``validate`` on a small CSV, and the import time of each module (``python -X importtime``).

Target: ``batchzoom --help`` in at most 0.3 s as a whole process in either language, loading
none of pandas, numpy, openpyxl or httpx. Run from the project root:

    .venv/bin/python benchmarks/bench_startup.py [--runs 7] [--top 15]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 0.3  # seconds, ``batchzoom --help`` as a whole process
HEAVY = ("pandas", "numpy", "openpyxl", "httpx")
LANGUAGE_VARIABLES = ("BATCHZOOM_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
CLI = "from batchzoom.cli import main; import sys; sys.argv[0] = 'batchzoom'; main()"


def whole_process(args: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    """The median wall time of ``batchzoom ARGS`` in a fresh interpreter (``env`` added to
    the environment, without any language setting of this shell)."""
    base = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", CLI, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            env=base | (env or {}),
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_times(args: list[str]) -> list[tuple[int, int, str]]:
    """(self us, cumulative us, module) for every module ``batchzoom ARGS`` imports."""
    process = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", CLI, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in process.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, total, name = (part.strip() for part in line[len("import time:") :].split("|"))
        rows.append((int(own), int(total), name))
    return rows


def small_csv(folder: Path) -> Path:
    path = folder / "small.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "Topic", "Start", "Time zone", "Duration", "Host"])
        for n in range(10):
            writer.writerow(
                [f"S{n}", f"Class {n}", f"2040-05-07 {9 + n}:00", "Asia/Seoul", 50, "me"]
            )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=15)
    options = parser.parse_args()

    whole_process(["--version"], 1)  # warm the file cache
    started = time.perf_counter()
    for _ in range(options.runs):
        subprocess.run([sys.executable, "-c", "pass"], check=False)
    python_alone = (time.perf_counter() - started) / options.runs

    help_time = whole_process(["--help"], options.runs)
    korean_flag = whole_process(["--help", "--lang", "ko"], options.runs)
    korean_locale = whole_process(["--help"], options.runs, {"LANG": "ko_KR.UTF-8"})
    with tempfile.TemporaryDirectory() as folder:
        validate_time = whole_process(["validate", str(small_csv(Path(folder)))], options.runs)

    rows = import_times(["--help"])
    names = {name.strip() for _, _, name in rows}
    heavy = [name for name in HEAVY if name in names]
    print(f"python -c pass:                    {python_alone:.3f} s")
    print(
        f"batchzoom --help:                  {help_time:.3f} s  "
        f"(target {TARGET} s: {'met' if help_time <= TARGET else 'NOT met'}; "
        f"{help_time / TARGET:.2f} of it)"
    )
    for label, seconds in (
        ("batchzoom --help --lang ko:", korean_flag),
        ("LANG=ko_KR.UTF-8 batchzoom --help:", korean_locale),
    ):
        print(
            f"{label:<35}{seconds:.3f} s  "
            f"(target {TARGET} s: {'met' if seconds <= TARGET else 'NOT met'}; "
            f"{seconds / TARGET:.2f} of it)"
        )
    print(f"batchzoom validate (10-row CSV):   {validate_time:.3f} s")
    print(f"heavy modules loaded by --help:    {', '.join(heavy) or 'none'}")
    print(f"\nThe {options.top} slowest imports of --help (cumulative, ms):")
    top_level = sorted(rows, key=lambda row: -row[1])[: options.top]
    for own, total, name in top_level:
        print(f"  {total / 1000:7.1f}  (self {own / 1000:5.1f})  {name}")


if __name__ == "__main__":
    main()
