"""How long reading + validating a large roster takes, beside pandas reading the same file.

Run:  .venv/bin/python benchmarks/bench_read.py [--sizes 10000 100000]

Builds rosters of each size (xlsx and csv) in a temporary folder, then times, each in a
fresh process so peak memory is its own: pandas alone reading the file, and batchzoom's
read_roster + validate. Prints seconds, peak RSS and the ratio to the bare pandas read.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HEADER = ["ID", "Topic", "Date", "Time", "Duration", "Time zone", "Host", "Agenda", "Room"]
ZONES = ["Asia/Seoul"] * 8 + ["America/New_York", "Europe/London"]


def rows(count: int) -> list[list[object]]:
    """``count`` distinct sessions over a year: 40 hosts, 30 start times, 3 zones."""
    out: list[list[object]] = []
    first = date(2027, 3, 1)
    for number in range(count):
        day = first + timedelta(days=number % 300)
        start = datetime(2000, 1, 1, 8, 0) + timedelta(minutes=30 * (number % 24))
        out.append(
            [
                f"C{number:06d}",
                f"Course {number // 300} session {number % 300}",
                day,
                start.time(),
                [50, 75, 90, 120][number % 4],
                ZONES[number % len(ZONES)],
                f"teacher{number % 40:02d}@school.example",
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
    sheet.append(["Timetable"])
    sheet.append(HEADER)
    for row in rows(count):
        sheet.append(row)
    book.save(path)


def measure(kind: str, path: Path) -> dict[str, float]:
    """Run one measurement in this process (called in a child process)."""
    import pandas as pd

    from batchzoom.files.roster import read_roster
    from batchzoom.model.rows import ValidationOptions, validate

    started = time.perf_counter()  # imports are not timed
    if kind == "pandas":
        if path.suffix == ".csv":
            pd.read_csv(path, header=None, dtype=object, encoding="utf-8-sig")
        else:
            pd.read_excel(path, header=None, dtype=object, engine="openpyxl")
    elif kind == "pandas-calamine":
        pd.read_excel(path, header=None, dtype=object, engine="calamine")
    else:
        roster = read_roster(path)
        result = validate(roster, ValidationOptions(now=datetime(2027, 1, 1, tzinfo=UTC)))
        assert result.ok, result.problems[:3]
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb}


def in_child(kind: str, path: Path, repeat: int) -> dict[str, float]:
    """Best time and its peak memory over ``repeat`` fresh processes."""
    results = []
    for _ in range(repeat):
        output = subprocess.run(
            [sys.executable, __file__, "--measure", kind, str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results.append(json.loads(output))
    return min(results, key=lambda result: result["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, path = args.measure
        print(json.dumps(measure(kind, Path(path))))
        return

    print(f"{'file':<18}{'reader':<28}{'seconds':>9}{'peak MB':>9}{'ratio':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            repeat = 3 if size <= 20_000 else 1
            for suffix, build in ((".csv", build_csv), (".xlsx", build_xlsx)):
                path = Path(folder) / f"roster-{size}{suffix}"
                built = time.perf_counter()
                build(path, size)
                label = f"{size:,} {suffix[1:]}"
                print(f"{label:<18}(built in {time.perf_counter() - built:.1f} s)")
                bare = in_child("pandas", path, repeat)
                kinds = [("pandas.read_csv" if suffix == ".csv" else "pandas (openpyxl)", "pandas")]
                if suffix == ".xlsx":
                    kinds.append(("pandas (calamine)", "pandas-calamine"))
                kinds.append(("batchzoom read+validate", "batchzoom"))
                for name, kind in kinds:
                    result = bare if kind == "pandas" else in_child(kind, path, repeat)
                    ratio = result["seconds"] / bare["seconds"]
                    print(
                        f"{'':<18}{name:<28}{result['seconds']:>9.2f}"
                        f"{result['peak_mb']:>9.0f}{ratio:>7.2f}x"
                    )


if __name__ == "__main__":
    main()
