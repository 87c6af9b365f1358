"""The whole-run part of ``bench_schedule.py``: the real CLI, timed from process start to exit.

One sandbox (in the bench process) serves one lifecycle of a roster: ``batchzoom schedule``
creates every row, the sandbox's clock moves on a day (so that Zoom's 100 creates and
updates per host per day allow the updates too), every topic is changed, and ``batchzoom
sync --yes`` updates every meeting. Each command runs as ``python -m batchzoom`` in its own
process, timed from just before ``Popen`` to its exit, with the account in the ``ZOOM_*``
variables that ``batchzoom sandbox`` prints.

While a command runs, a watcher polls the sandbox's counters every few milliseconds, so the
time goes into phases: process start to the first request (interpreter, imports, reading,
validation, journal), first request to the first create or update (token, host checks,
listings), the creates or updates, and the last of them to the process's exit (last answer,
result sheet, journal, shut-down). The fixed costs are also measured apart: start-up
(``--version`` as a whole process, and the import of the modules a run loads), reading and
validation (``planning.load`` in-process) and the write-back (``write_sheet``, timed in the
in-process runs of ``bench_schedule.py``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import batchzoom
from batchzoom.engine.planning import load
from batchzoom.engine.settings import resolve
from batchzoom.sandbox import Sandbox

START = datetime(2027, 1, 1, tzinfo=UTC)  # the run's clock: before every row
RUN_IMPORTS = (
    "import batchzoom.cli.app, batchzoom.api.runs, batchzoom.engine.batch, "
    "batchzoom.engine.sync, batchzoom.zoom.client, httpx"
)


class Watch(threading.Thread):
    """Polls the sandbox's counters: when each endpoint saw its first and last request."""

    def __init__(self, sb: Sandbox, every: float = 0.005) -> None:
        super().__init__(daemon=True, name="bench-watch")
        self.sb = sb
        self.every = every
        self.before = sb.counters()
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self._seen: dict[str, int] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.poll()
            self._halt.wait(self.every)
        self.poll()

    def poll(self) -> None:
        now = time.perf_counter()
        for name, entry in self.sb.counters().items():
            count = entry.get("requests", 0) - self.before.get(name, {}).get("requests", 0)
            if count > self._seen.get(name, 0):
                self.first.setdefault(name, now)
                self.last[name] = now
                self._seen[name] = count

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def requests(self) -> dict[str, int]:
        return dict(self._seen)

    def first_of_any(self) -> float | None:
        return min(self.first.values(), default=None)


@dataclass
class Phases:
    """One CLI run, timed from just before ``Popen`` to its exit."""

    command: str
    rows: int
    done: int  # rows created / updated, as the sandbox counted
    seconds: float
    code: int
    to_first_request: float | None
    to_first_write: float | None  # first create / update request
    writing: float | None  # first to last create / update request
    after_last_write: float | None  # last create / update request to exit
    requests: dict[str, int]
    refused: int = 0  # 429s the sandbox answered
    output: str = ""

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


PYCACHE: dict[str, str] = {}  # PYTHONPYCACHEPREFIX, once ``byte_compiled`` has filled it


def python_env() -> dict[str, str]:
    """The shell's environment for a fresh interpreter, batchzoom byte-compiled as an installed
    package is (``PYTHONDONTWRITEBYTECODE`` left out; the cache in ``byte_compiled``'s folder)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | PYCACHE


def byte_compiled(folder: Path) -> None:
    """Compile batchzoom's modules into a cache under ``folder``, used by every process here."""
    PYCACHE["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    package = Path(batchzoom.__file__).parent
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package)], env=python_env(), check=True
    )


def cli_env(sb: Sandbox, now: datetime) -> dict[str, str]:
    """The shell's environment, its Zoom and batchzoom settings replaced by the sandbox's."""
    env = {k: v for k, v in python_env().items() if not k.startswith(("ZOOM_", "BATCHZOOM_"))}
    env.update(
        ZOOM_ACCOUNT_ID=sb.account_id,
        ZOOM_CLIENT_ID=sb.client_id,
        ZOOM_CLIENT_SECRET=sb.client_secret,
        ZOOM_TOKEN_URL=sb.token_url,
        ZOOM_API_URL=sb.api_url,
        BATCHZOOM_NOW=now.isoformat().replace("+00:00", "Z"),
    )
    return env


def run_cli(
    sb: Sandbox,
    args: list[str],
    *,
    cwd: Path,
    now: datetime,
    rows: int,
    endpoint: str,
    python: tuple[str, ...] = (),
) -> Phases:
    """``python [PYTHON] -m batchzoom ARGS`` against ``sb``, timed and watched."""
    env = cli_env(sb, now)
    log = cwd / f"{args[0]}.log"
    watch = Watch(sb)
    watch.start()
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, *python, "-m", "batchzoom", *args],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        code = process.wait()
        ended = time.perf_counter()
    watch.stop()
    first_any, first, last = (
        watch.first_of_any(),
        watch.first.get(endpoint),
        watch.last.get(endpoint),
    )
    after = sb.counters()
    committed = after.get(endpoint, {}).get("committed", 0)
    committed -= watch.before.get(endpoint, {}).get("committed", 0)
    refused = sum(sum(e.get("rate_limited", {}).values()) for e in after.values()) - sum(
        sum(e.get("rate_limited", {}).values()) for e in watch.before.values()
    )
    return Phases(
        command=args[0],
        rows=rows,
        done=committed,
        seconds=ended - started,
        code=code,
        to_first_request=None if first_any is None else first_any - started,
        to_first_write=None if first is None else first - started,
        writing=None if first is None or last is None else last - first,
        after_last_write=None if last is None else ended - last,
        requests=watch.requests(),
        refused=refused,
        output=log.read_text(encoding="utf-8"),
    )


@dataclass
class FixedCosts:
    """The fixed costs of a run, measured apart."""

    bare_python: float
    version: float
    run_imports: float
    reading: float
    write_back: dict[str, float] = field(default_factory=dict)  # by command, from write_sheet


def whole_process(code: list[str], runs: int = 5) -> float:
    """The median wall time of ``python ARGS`` as a fresh process."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, *code], capture_output=True, env=python_env(), check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def fixed_costs(roster: Path) -> FixedCosts:
    readings = []
    for _ in range(3):
        started = time.perf_counter()
        loaded = load(roster, resolve(now=lambda: START))
        readings.append(time.perf_counter() - started)
        assert loaded.validation.ok
    return FixedCosts(
        bare_python=whole_process(["-c", "pass"]),
        version=whole_process(["-m", "batchzoom", "--version"]),
        run_imports=whole_process(["-c", RUN_IMPORTS]),
        reading=statistics.median(readings),
    )


def lifecycle(
    folder: Path,
    rows: list[dict[str, str]],
    *,
    make_sandbox: Callable[[], Sandbox],
    write_csv: Callable[[Path, list[dict[str, str]]], None],
    rate: float,
    extra: tuple[str, ...] = (),
    python: tuple[str, ...] = (),
) -> list[Phases]:
    """Schedule ``rows`` with the CLI, then change every topic and sync: both timed."""
    work = folder / "whole"
    work.mkdir()
    roster = work / "roster.csv"
    write_csv(roster, rows)
    common = ["--rate", f"{rate:g}", *extra]
    results = []
    with make_sandbox() as sb:
        sb.clock.set(START)
        results.append(
            run_cli(
                sb,
                ["schedule", str(roster), *common],
                cwd=work,
                now=START,
                rows=len(rows),
                endpoint="meetingCreate",
                python=python,
            )
        )
        # A new UTC day: Zoom's daily create/update limit per host allows the updates too.
        sb.clock.advance(86400)
        write_csv(roster, [dict(row, Topic=row["Topic"] + " (moved online)") for row in rows])
        results.append(
            run_cli(
                sb,
                ["sync", str(roster), "--yes", *common],
                cwd=work,
                now=START + timedelta(days=1),
                rows=len(rows),
                endpoint="meetingUpdate",
                python=python,
            )
        )
    return results


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def report(results: list[Phases], costs: FixedCosts, rate: float, *, target: float) -> list[str]:
    """Lines for the whole-run table and the fixed costs; the last says whether it met."""
    head = (
        f"{'command':<10}{'rows':>6}{'done':>6}{'seconds':>9}{'rows/s':>8}{'/limit':>8}"
        f"{'to 1st req':>12}{'to 1st write':>14}{'writes':>8}{'after last':>12}{'429s':>6}  requests"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        counted = ", ".join(f"{k} {v}" for k, v in sorted(r.requests.items()))
        lines.append(
            f"{r.command:<10}{r.rows:>6}{r.done:>6}{r.seconds:>9.2f}{r.rate:>8.2f}"
            f"{r.rate / rate:>8.3f}{seconds(r.to_first_request):>12}"
            f"{seconds(r.to_first_write):>14}{seconds(r.writing):>8}"
            f"{seconds(r.after_last_write):>12}{r.refused:>6}  {counted}"
        )
    for r in results:
        if r.code != 0 or r.done != r.rows:
            tail = "\n".join(r.output.splitlines()[-5:])
            lines.append(f"{r.command}: exit {r.code}, {r.done} of {r.rows} rows; output:\n{tail}")
    lines.append("")
    lines.append(
        f"fixed costs: python start {costs.bare_python:.3f} s; batchzoom --version "
        f"{costs.version:.3f} s; a run's imports {costs.run_imports:.3f} s (whole processes); "
        f"reading+validation {costs.reading:.3f} s (planning.load in-process)"
    )
    if costs.write_back:
        shown = ", ".join(f"{k} {v:.3f} s" for k, v in costs.write_back.items())
        lines.append(f"write-back (write_sheet, in-process): {shown}")
    for r in results:
        other = {k: v for k, v in r.requests.items() if k not in {"meetingCreate", "meetingUpdate"}}
        lines.append(
            f"{r.command}: {r.done / rate:.1f} s at the limit for its rows; "
            f"{sum(other.values())} other requests ({', '.join(f'{k} {v}' for k, v in sorted(other.items()))}); "
            f"host checks (user) {r.requests.get('user', 0)}, listings {r.requests.get('meetings', 0)}"
        )
    met = all(r.code == 0 and r.done == r.rows and r.rate / rate >= target for r in results)
    ratios = ", ".join(f"{r.command} {r.rate / rate:.3f}" for r in results)
    lines.append(
        f"whole run from process start, rows/s / limit: {ratios} (target >= {target:.2f}): "
        + ("met" if met else "NOT met")
    )
    return lines
