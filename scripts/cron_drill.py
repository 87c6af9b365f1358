"""Cron drill: the README's crontab line against a faulty sandbox while the roster is edited.

Every tick (one "minute") starts ``batchzoom schedule spring.xlsx --in-place --quiet`` without
waiting for the previous run; meanwhile runs are SIGKILLed, the roster is edited the way Excel
saves it, and the sandbox fails and drops creates. At the end, with faults off, the command is
run until it exits 0, and every row must have exactly one meeting, shown correctly in the sheet.

    .venv/bin/python scripts/cron_drill.py [--minutes N] [--tick SECONDS] [--rows N] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

BIN = Path(__file__).resolve().parent.parent / ".venv" / "bin"
COMMAND = ("schedule", "spring.xlsx", "--in-place", "--quiet")  # after "batchzoom"
HOSTS = [f"teacher{n}@school.example" for n in range(5)]
HEADERS = ("ID", "Topic", "Date", "Time", "Duration", "Time zone", "Host", "Agenda", "Notes")
ZONES = ("Asia/Seoul", "Asia/Seoul", "America/New_York", "UTC")
HEADER_ROW = 2  # a title row sits above the header
EXPECTED = {"spring.xlsx", "spring.xlsx.bak", "spring.scheduled.xlsx", "sandbox.json"}
EXPECTED_PREFIX = "spring.batchzoom."  # the journal (+ -wal/-shm) and the lock


@dataclass
class Drill:
    """Shared state of one drill; counters are updated under ``lock``."""

    work: Path
    env: dict[str, str]
    rng: random.Random
    tick: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    running: list[subprocess.Popen[bytes]] = field(default_factory=list)
    exits: Counter[int] = field(default_factory=Counter)
    started: int = 0
    kills: int = 0
    edits: int = 0
    next_id: int = 0
    # What the editor wrote last, by session id: the sheet must still show it at the end.
    edited: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)  # timeline, written to logs/events.txt
    watchers: list[threading.Thread] = field(default_factory=list)

    def note(self, event: str) -> None:
        self.events.append(f"{time.monotonic():.3f} {event}")

    def start_run(self) -> subprocess.Popen[bytes]:
        """Start the cron command; a thread notes its exit."""
        with (self.work.parent / "logs" / f"run{self.started:04d}.err").open("wb") as err:
            proc = subprocess.Popen([str(BIN / "batchzoom"), *COMMAND], cwd=self.work,
                                    env=self.env, stdout=subprocess.DEVNULL, stderr=err)  # fmt: skip
        with self.lock:
            self.started += 1
            self.running.append(proc)
            self.note(f"run {self.started - 1} started, pid {proc.pid}")
        watcher = threading.Thread(target=self.watch, args=(proc,))
        self.watchers.append(watcher)
        watcher.start()
        return proc

    def watch(self, proc: subprocess.Popen[bytes]) -> None:
        code = proc.wait()
        with self.lock:
            self.exits[code] += 1
            self.running.remove(proc)
            self.note(f"pid {proc.pid} exited {code}")


def session(n: int, prefix: str, rng: random.Random) -> list[Any]:
    """One roster row: real Excel date and time cells, a 2027 date, a unique topic."""
    day = date(2027, 3, 1) + timedelta(days=n // 8 + (50 if prefix == "N" else 0))
    start = clock(9 + n % 8, rng.choice((0, 15, 30)))
    key = f"{prefix}{n:04d}"
    host = HOSTS[n % len(HOSTS)]  # a host's sessions of one day are five hours apart
    zone = ZONES[n % len(HOSTS) % len(ZONES)]  # and each host keeps one zone: never overlapping
    return [key, f"Class {key}", day, start, rng.choice((45, 50, 90)), zone, host,
            f"Agenda of {key}", f"note {n}"]  # fmt: skip


def write_roster(path: Path, rows: int, rng: random.Random) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Timetable"
    sheet.append(["Spring 2027 timetable"])
    sheet.append(list(HEADERS))
    for n in range(rows):
        sheet.append(session(n, "S", rng))
    style_dates(sheet, HEADER_ROW + 1, sheet.max_row)
    rooms = book.create_sheet("Rooms")
    for values in [["Room", "Seats"], *([f"R{101 + n}", 20 + 5 * n] for n in range(5))]:
        rooms.append(values)
    rooms.append(["Total", "=SUM(B2:B6)"])
    rooms["A1"].font = Font(bold=True, color="FFFFFF")
    rooms["A1"].fill = PatternFill("solid", fgColor="1F4E78")
    rooms.column_dimensions["A"].width = 30
    rooms.merge_cells("C1:E1")
    book.save(path)


def style_dates(sheet: Worksheet, first: int, last: int) -> None:
    for row in range(first, last + 1):
        sheet.cell(row, 3).number_format = "yyyy-mm-dd"
        sheet.cell(row, 4).number_format = "hh:mm"


def rooms_intact(path: Path) -> bool:
    rooms = openpyxl.load_workbook(path)["Rooms"]
    return (
        rooms["A1"].font.bold is True
        and str(rooms["A1"].fill.fgColor.rgb).endswith("1F4E78")
        and rooms.column_dimensions["A"].width == 30
        and "C1:E1" in {str(r) for r in rooms.merged_cells.ranges}
        and rooms["B7"].value == "=SUM(B2:B6)"
    )


def edit(drill: Drill) -> None:
    """What a person does in Excel: add rows, change an agenda or a note, sort; then save."""
    path = drill.work / "spring.xlsx"
    drill.note(f"edit {drill.edits} loads")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    rng = drill.rng
    last = sheet.max_row
    for _ in range(rng.randint(1, 3)):
        drill.next_id += 1
        row = session(drill.next_id, "N", rng)
        for column, value in enumerate(row, start=1):
            sheet.cell(last + 1, column, value)
        style_dates(sheet, last + 1, last + 1)
        last += 1
        drill.edited[row[0]] = {"Agenda": row[7], "Notes": row[8]}
    data = range(HEADER_ROW + 1, last + 1)
    target = rng.choice(data)
    column = rng.choice((8, 9))
    value = f"{HEADERS[column - 1]} edited {drill.edits}"
    sheet.cell(target, column).value = value
    drill.edited.setdefault(str(sheet.cell(target, 1).value), {})[HEADERS[column - 1]] = value
    for _ in range(rng.randint(0, 3)):  # move whole rows, as sorting does
        a, b = rng.sample(data, 2)
        for col in range(1, sheet.max_column + 1):
            x, y = sheet.cell(a, col), sheet.cell(b, col)
            x.value, y.value = y.value, x.value
            x.number_format, y.number_format = y.number_format, x.number_format
    fd, temp = tempfile.mkstemp(prefix="~edit", suffix=".xlsx", dir=drill.work)
    os.close(fd)  # Excel, too, saves to a temporary file and renames it over the workbook
    book.save(temp)
    os.replace(temp, path)
    drill.note(f"edit {drill.edits} saved, rows {sheet.max_row}")
    drill.edits += 1


def editor(drill: Drill) -> None:
    while not drill.stop.wait(drill.tick * drill.rng.uniform(0.3, 2.0)):
        edit(drill)


def chaos(drill: Drill) -> None:
    while not drill.stop.wait(drill.tick * drill.rng.uniform(0.5, 3.0)):
        with drill.lock:
            alive = [p for p in drill.running if p.poll() is None]
            if alive:
                victim = drill.rng.choice(alive)
                victim.send_signal(signal.SIGKILL)
                drill.kills += 1
                drill.note(f"killed pid {victim.pid}")


def start_sandbox(work: Path, seed: int) -> tuple[subprocess.Popen[str], dict[str, str]]:
    args = ["sandbox", "--port", "0", "--users", ",".join(HOSTS), "--state", "sandbox.json",
            "--fault-rate", "0.05", "--latency", "0.02", "--qps", "30", "--seed", str(seed)]  # fmt: skip
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([str(BIN / "batchzoom"), *args], cwd=work, env=env,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    settings: dict[str, str] = {}
    for line in proc.stdout or ():
        if line.startswith("ZOOM_"):
            name, _, value = line.strip().partition("=")
            settings[name] = value
        if line.startswith("Users:"):
            return proc, settings
    raise SystemExit("the sandbox did not start")


def sheet_rows(path: Path) -> list[dict[str, Any]]:
    values = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))
    header = [str(v) for v in values[HEADER_ROW - 1]]
    return [dict(zip(header, row, strict=True)) for row in values[HEADER_ROW:] if any(row)]


def start_utc(row: dict[str, Any]) -> str:
    day, at = row["Date"], row["Time"]
    day = day.date() if isinstance(day, datetime) else day
    local = datetime.combine(day, at, tzinfo=ZoneInfo(row["Time zone"]))
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Failures:
    """Broken invariants counted by kind; the first few of each kind are printed."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def __call__(self, kind: str, message: str) -> None:
        self.counts[kind] += 1
        if self.counts[kind] <= 5:
            print(f"  {kind}: {message}")


def verify(drill: Drill, meetings: list[dict[str, Any]], ids: set[str]) -> dict[str, int]:
    """Count every broken invariant (and print the first few of each)."""
    fail = _Failures()
    roster = drill.work / "spring.xlsx"
    rows = sheet_rows(roster)
    by_key: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for m in meetings:
        key = (m["topic"], m["start_time"], m["host_email"].lower())
        by_key.setdefault(key, []).append(m)
    _verify_row_ids(rows, ids, fail)
    keys = {_verify_row(drill, row, by_key, fail) for row in rows}
    for key in set(by_key) - keys:
        fail("meetings without a row", f"{key}")
    _verify_files(drill, roster, fail)
    return dict(fail.counts)


def _verify_row_ids(rows: list[dict[str, Any]], ids: set[str], fail: _Failures) -> None:
    """Every session's row is in the sheet exactly once, and no other row is."""
    seen: Counter[str] = Counter(str(r["ID"]) for r in rows)
    for sid in sorted(ids ^ set(seen)):
        fail("lost rows", f"{sid} is {'missing from' if sid in ids else 'new in'} sheet")
    for sid in (s for s, n in seen.items() if n > 1):
        fail("lost rows", f"{sid} appears {seen[sid]} times in the sheet")


def _verify_row(
    drill: Drill,
    row: dict[str, Any],
    by_key: dict[tuple[str, str, str], list[dict[str, Any]]],
    fail: _Failures,
) -> tuple[str, str, str]:
    """One row has exactly one meeting, shows it, and kept the editor's edits; its key."""
    sid, key = str(row["ID"]), (row["Topic"], start_utc(row), row["Host"].lower())
    found = by_key.get(key, [])
    if len(found) != 1:
        fail("duplicates" if found else "missing meetings", f"{sid} has {len(found)}")
        return key
    m = found[0]
    got = (str(row.get("zoom_meeting_id")), row.get("zoom_join_url"), row.get("zoom_status"))
    # "changed": the editor edited the row's agenda after its meeting was created.
    if got[:2] != (str(m["id"]), m["join_url"]) or got[2] not in {
        "created",
        "existing",
        "changed",
    }:
        fail("sheet mismatches", f"{sid} shows {got}; Zoom has {m['id']}")
    for column, value in drill.edited.get(sid, {}).items():
        if row[column] != value:
            fail("lost edits", f"{sid} {column} is {row[column]!r}, not {value!r}")
    return key


def _verify_files(drill: Drill, roster: Path, fail: _Failures) -> None:
    """The second sheet is intact, the backup exists, and no stray file was left."""
    if not rooms_intact(roster):
        fail("second sheet damaged", "Rooms lost its content or formatting")
    if not (drill.work / "spring.xlsx.bak").exists():
        fail("no backup", "spring.xlsx.bak is missing")
    for name in sorted(p.name for p in drill.work.iterdir()):
        if name not in EXPECTED and not name.startswith(EXPECTED_PREFIX):
            fail("stray files", name)


def run(args: argparse.Namespace, root: Path) -> bool:
    work = root / "work"
    work.mkdir()
    (root / "logs").mkdir()
    rng = random.Random(args.seed)
    sandbox, settings = start_sandbox(work, args.seed)
    api = settings["ZOOM_API_URL"].split("/v2")[0] + "/_sandbox"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")} | settings
    drill = Drill(work=work, env=env, rng=rng, tick=args.tick)
    try:
        write_roster(work / "spring.xlsx", args.rows, rng)
        httpx.post(f"{api}/faults", json={"drop_rate": 0.03}).raise_for_status()
        threads = [threading.Thread(target=f, args=(drill,)) for f in (editor, chaos)]
        for thread in threads:
            thread.start()
        for _ in range(args.minutes):
            drill.start_run()
            time.sleep(args.tick)
        drill.stop.set()
        for thread in threads:
            thread.join()
        httpx.post(f"{api}/faults", json={"clear": True, "fault_rate": 0}).raise_for_status()
        final: list[int] = []
        while len(final) < 10 and (not final or final[-1] != 0):
            final.append(drill.start_run().wait())
        for watcher in list(drill.watchers):
            watcher.join()
        meetings = httpx.get(f"{api}/meetings").json()
        ids = {f"S{n:04d}" for n in range(args.rows)} | set(drill.edited)
        print(f"drill in {root} (seed {args.seed}, {args.minutes} ticks of {args.tick}s)")
        bad = verify(drill, meetings, ids)
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait()
        (root / "logs" / "events.txt").write_text("\n".join(drill.events) + "\n")
    exits = ", ".join(f"{code}: {n}" for code, n in sorted(drill.exits.items()))
    print(f"runs started {drill.started} (exit codes {exits}); kills {drill.kills}; "
          f"edits {drill.edits}; final runs {final}; meetings {len(meetings)}; "
          f"duplicates {bad.get('duplicates', 0)}; sheet mismatches "
          f"{bad.get('sheet mismatches', 0)}; lost edits {bad.get('lost edits', 0)}")  # fmt: skip
    print("ALL INVARIANTS HOLD" if not bad else f"FAILED: {bad}")
    return not bad and final[-1] == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=int, default=15, help="cron ticks to simulate")
    parser.add_argument("--tick", type=float, default=2.0, help="seconds that stand for a minute")
    parser.add_argument("--rows", type=int, default=150, help="rows in the initial roster")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir even on success")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cron_drill."))
    ok = run(args, root)
    if ok and not args.keep:
        shutil.rmtree(root)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
