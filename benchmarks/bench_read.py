"""How long `batchzoom validate` takes on a large roster, as a whole process.

Run:  .venv/bin/python benchmarks/bench_read.py [--sizes 10000 100000] [--repeat 3]

Builds rosters of each size (csv and xlsx) in a temporary folder, then runs
``python -m batchzoom validate ROSTER --allow-past`` in a fresh process for each: the time
counts everything the user waits for (interpreter start-up, imports, reading, checking,
the summary), and the peak memory is the child's own maximum resident set size. Prints
the seconds and peak MB of the best run and their ratio to the targets:

- 10,000 rows: at most 1.5 s;
- 100,000 rows: at most 15 s and 600 MB.

Also prints the start-up alone (``python -m batchzoom --help``) for scale.
A ratio above 1.00 misses the target.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time as clock_time
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

HEADER = ["ID", "Topic", "Date", "Time", "Duration", "Time zone", "Host", "Agenda", "Room"]
ZONES = ["Asia/Seoul"] * 8 + ["America/New_York", "Europe/London"]
# rows -> (seconds, peak MB or None): the targets of the issue that set them.
TARGETS: dict[int, tuple[float | None, float | None]] = {
    10_000: (1.5, None),
    100_000: (15.0, 600.0),
}


def rows(count: int) -> list[list[object]]:
    """``count`` distinct sessions: 100 hosts, each in one zone, six 2-hour slots a day.

    No host is double-booked, so every row is valid (with ``--allow-past``).
    """
    hosts, slots = 100, 6
    out: list[list[object]] = []
    first = date(2027, 3, 1)
    for number in range(count):
        host, turn = number % hosts, number // hosts
        day = first + timedelta(days=turn // slots)
        clock = time(8 + 2 * (turn % slots), 0)
        out.append(
            [
                f"C{number:06d}",
                f"Course {number // 300} session {number % 300}",
                day,
                clock,
                [50, 75, 90, 120][number % 4],
                ZONES[host % len(ZONES)],
                f"teacher{host:02d}@school.example",
                f"Week {number % 16 + 1}: lecture and Q&A",
                f"Room {number % 50}",
            ]
        )
    return out


def build_csv(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for row in rows(count):
            day, clock = row[2], row[3]
            assert isinstance(day, date) and not isinstance(day, datetime)
            writer.writerow([*row[:2], day.isoformat(), f"{clock:%H:%M}", *row[4:]])


def build_xlsx(path: Path, count: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Timetable")
    sheet.append(["Timetable"])  # a title row above the header row
    sheet.append(HEADER)
    for row in rows(count):
        sheet.append(row)
    book.save(path)


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock, start-up included
    cpu: float  # user + system CPU seconds of the child (less sensitive to a busy machine)
    peak_mb: float
    exit_code: int


def run(arguments: list[str]) -> Run:
    """One child process: wall-clock seconds, its own peak RSS, its exit status."""
    started = clock_time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "batchzoom", *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = clock_time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss / scale, child.returncode)


def best(arguments: list[str], repeat: int) -> Run:
    runs = [run(arguments) for _ in range(repeat)]
    return min(runs, key=lambda one: one.seconds)


def _ratio(value: float, target: float | None, digits: int) -> str:
    """``value``, its target and their ratio as three columns ("-" without a target)."""
    if target is None:
        return f"{value:>9.{digits}f}{'-':>8}{'-':>8}"
    return f"{value:>9.{digits}f}{target:>8.{digits}f}{value / target:>7.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=sorted(TARGETS))
    parser.add_argument("--repeat", type=int, default=3, help="runs per file; the best counts")
    args = parser.parse_args()

    startup = best(["--help"], args.repeat)
    print(
        f"start-up alone (batchzoom --help): {startup.seconds:.2f} s "
        f"({startup.cpu:.2f} s CPU), {startup.peak_mb:.0f} MB"
    )
    print(
        f"{'roster':<16}{'seconds':>9}{'target':>8}{'ratio':>8}{'CPU s':>8}"
        f"{'peak MB':>9}{'target':>8}{'ratio':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            seconds_target, mb_target = TARGETS.get(size, (None, None))
            for suffix, build in ((".csv", build_csv), (".xlsx", build_xlsx)):
                path = Path(folder) / f"roster-{size}{suffix}"
                build(path, size)
                result = best(["validate", str(path), "--allow-past"], args.repeat)
                if result.exit_code != 0:
                    raise SystemExit(f"validate exited {result.exit_code} on {path.name}")
                print(
                    f"{f'{size:,} {suffix[1:]}':<16}"
                    f"{_ratio(result.seconds, seconds_target, 2)}{result.cpu:>8.2f}"
                    f"{_ratio(result.peak_mb, mb_target, 0)}"
                )


if __name__ == "__main__":
    main()
