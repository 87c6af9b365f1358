"""How fast the HTML report of a 600-row, 10-host term is built and rendered in Chromium.

Target: the page renders (load event) in under 2 s. Run from the project root:

    .venv/bin/python benchmarks/bench_report.py [--rows 600] [--hosts 10] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from batchzoom.files.report import render, write_report
from tests.browser import Browser, find_chromium
from tests.report_data import term_input

TARGET = 2.0  # seconds from navigation to the load event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    data = term_input(rows=options.rows, hosts=options.hosts)

    started = time.perf_counter()
    page = render(data)
    built = time.perf_counter() - started
    print(f"{options.rows} rows, {options.hosts} hosts: page built in {built:.3f} s, ", end="")
    print(f"{len(page.encode()) / 1e6:.2f} MB")

    chromium = find_chromium()
    if chromium is None:
        print("no Chromium on this machine: install it to measure rendering")
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "term.html"
        write_report(path, data)
        with Browser(chromium) as browser:
            browser.open(path)  # a first load warms the browser
            loads, painted = [], []
            for _ in range(options.runs):
                loads.append(browser.open(path))
                started = time.perf_counter()
                browser.screenshot()
                painted.append(loads[-1] + time.perf_counter() - started)
    load = statistics.median(loads)
    paint = statistics.median(painted)
    print(
        f"Chromium: load event after {load:.3f} s, first screenshot after {paint:.3f} s "
        f"(median of {options.runs}; target {TARGET} s: {'met' if paint <= TARGET else 'NOT met'}"
        f", {paint / TARGET:.2f} of it)"
    )


if __name__ == "__main__":
    main()
