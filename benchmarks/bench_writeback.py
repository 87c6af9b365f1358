"""How long writing results into a large workbook takes, against openpyxl's load and save.

Run:  .venv/bin/python benchmarks/bench_writeback.py [--rows 20000] [--repeat 3]

Builds a workbook with a roster sheet of ``--rows`` rows (and a second sheet), then times
``write_results`` (results for every row, written into the package's XML) and, for scale,
openpyxl loading and saving the same workbook unchanged (what write-back used to cost).
Prints the best of ``--repeat`` runs and their ratio (below 1.00: the XML edit is faster).
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook, load_workbook

from batchzoom.files.roster import SourceInfo
from batchzoom.files.writeback import write_results
from batchzoom.model.outcomes import RowResult


def build(path: Path, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Roster")
    sheet.append(["id", "topic", "start", "duration", "timezone", "host", "notes"])
    first = datetime(2027, 5, 3, 9, 0)
    for n in range(rows):
        start = first + timedelta(hours=n)
        sheet.append([f"S{n:06d}", f"Class {n}", start, 50, "Asia/Seoul", "a@x.example", "n"])
    other = book.create_sheet("Notes")
    for n in range(1000):
        other.append([n, f"note {n}", n * 1.5])
    book.save(path)


def best(repeat: int, action: object) -> float:
    assert callable(action)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.xlsx"
        build(path, args.rows)
        data = path.read_bytes()
        size, mtime_ns, sha256 = (
            len(data),
            path.stat().st_mtime_ns,
            hashlib.sha256(data).hexdigest(),
        )
        source = SourceInfo(path, "xlsx", "Roster", 1, None, None, size, mtime_ns, sha256)
        results = {
            row: RowResult(
                status="created",
                meeting_id=80_000_000_000 + row,
                join_url=f"https://zoom.example/j/{80_000_000_000 + row}?pwd=abc",
                password="123456",
                start_time="2027-05-03T00:00:00Z",
            )
            for row in range(2, args.rows + 2)
        }
        ours = best(args.repeat, lambda: write_results(source, results))

        def openpyxl_round_trip() -> None:
            load_workbook(path).save(BytesIO())

        theirs = best(args.repeat, openpyxl_round_trip)
        print(f"{args.rows} rows, {size / 1e6:.1f} MB workbook")
        print(f"write_results (XML edit, every row's results): {ours:.2f} s")
        print(f"openpyxl load + save, nothing changed:          {theirs:.2f} s")
        print(f"ratio: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
