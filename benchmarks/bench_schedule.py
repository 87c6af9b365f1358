"""How fast ``batchzoom.engine.batch.schedule`` creates meetings at a fixed rate limit.

Run:  .venv/bin/python benchmarks/bench_schedule.py [--rows 600 --hosts 10 --rate 20 --latency 0.1]

Builds a CSV roster (``--rows`` sessions in 2027, spread evenly over ``--hosts`` hosts, so no
host reaches Zoom's 100 creates a day when each has at most 100 rows) in a temporary folder,
then, each against its own fresh local sandbox that allows ``--rate`` requests per second and
answers every API request after ``--latency`` seconds (plus, with ``--jitter``, up to that
many seconds more, drawn for each request: a network's varying delay):

- batchzoom: ``load`` + ``schedule`` with settings ``rate=RATE``;
- baseline: the usual copied snippet in plain httpx, one row at a time: POST a token, POST
  the meeting, no retries. It runs the first ``--baseline-rows`` rows and its time for
  ``--rows`` rows is extrapolated from its rate.

Prints achieved creates per second (whole run, and steady state: the middle 80% of rows),
that rate as a share of the limit, the sandbox's 429s by type (all, and after the first 10% of
rows), token and API requests as the sandbox counted them, and batchzoom's speed-up over
the baseline. Target: >= 0.9 of the limit, no 429s in steady state, one token request.

``--updates`` rows (300) are then scheduled against another sandbox, every topic is changed,
and ``sync`` is timed applying the updates on the same engine: updates per second as a share
of the limit (target >= 0.9, as for creates).

``--capacity`` adds a run with no server limit and a client rate far above what the stack can
reach, to show what the sandbox and client can do at this latency and concurrency.

Whole run (``schedule_whole.py``): one lifecycle of a ``--rows`` roster with the real CLI,
each command a process of its own timed from just before ``Popen`` to its exit, against one
sandbox started here (limit ``--rate``, latency ``--latency``) whose account the ``ZOOM_*``
variables carry, as ``batchzoom sandbox`` prints them: ``batchzoom schedule ROSTER --rate
RATE`` creates every row; then, a UTC day later on the sandbox's clock, every topic is
changed and ``batchzoom sync ROSTER --yes --rate RATE`` updates every meeting. Each prints
rows/s and its ratio to the limit (rows / seconds / rate; target >= 0.93), its phases as the
sandbox's counters saw them (process start to first request, to first create/update, the
creates/updates, the last of them to exit), the 429s the sandbox answered and the requests
by endpoint (``user``: the host checks each run makes first, unless ``--no-check-hosts``;
``meetings``: listings). The host checks are LIGHT requests, as creates and updates are, so
they share the creates' per-second budget: 10 of them before 600 creates cost half a second
at 19.6/s, which the rows/s ratio counts against the run. Every
process runs batchzoom byte-compiled, as an installed package is (a cache in the temporary
folder, whatever ``PYTHONDONTWRITEBYTECODE`` says). The fixed costs measured apart:
start-up (``python -c pass``, ``python -m batchzoom --version`` and the imports of a run, each
a whole process), reading and validation (``planning.load`` in-process) and the write-back
(``write_sheet`` timed inside the in-process runs above). ``--whole-only`` runs just this.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import schedule_whole

import batchzoom.engine.batch
import batchzoom.engine.sync
from batchzoom.core.secret import Secret
from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.engine.settings import resolve
from batchzoom.engine.sync import sync
from batchzoom.files.results import Progress
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import ZoomSettings, default_concurrency

HEADER = ["ID", "Topic", "Date", "Time", "Duration", "Time zone", "Host"]
TIMEZONE = "Asia/Seoul"
FIRST_DAY = date(2027, 3, 1)
UNLIMITED = 1_000_000.0  # requests per second that nothing here can reach
WHOLE_TARGET = 0.93  # rows / seconds / limit, the CLI from process start to exit


def host_email(number: int) -> str:
    return f"teacher{number:02d}@school.example"


def roster_rows(count: int, hosts: int) -> list[dict[str, str]]:
    """``count`` distinct sessions, host by host in turn, on weekdays from March 2027."""
    rows = []
    for number in range(count):
        day = FIRST_DAY + timedelta(days=number // (hosts * 8))
        start = datetime(2000, 1, 1, 8, 0) + timedelta(hours=(number // hosts) % 8)
        rows.append(
            {
                "ID": f"B{number:05d}",
                "Topic": f"Course {number % hosts} session {number // hosts}",
                "Date": day.isoformat(),
                "Time": f"{start:%H:%M}",
                "Duration": "50",
                "Time zone": TIMEZONE,
                "Host": host_email(number % hosts),
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def zoom_of(sb: Sandbox) -> ZoomSettings:
    return ZoomSettings(
        sb.account_id,
        sb.client_id,
        Secret(sb.client_secret),
        token_url=sb.token_url,
        api_url=sb.api_url,
    )


JITTER = [0.0]  # ``--jitter``: every sandbox of the run draws this much more delay per request


def sandbox(hosts: int, qps: float, latency: float) -> Sandbox:
    users = [SandboxUser(email="owner@school.example")]
    users += [SandboxUser(email=host_email(n)) for n in range(hosts)]
    config = SandboxConfig(
        users=users, qps=qps, latency=latency, jitter=JITTER[0], seed=1, daily_limit=100
    )
    return Sandbox(config)


@dataclass
class Result:
    """One run, with the traffic the sandbox counted."""

    name: str
    rows: int
    created: int
    seconds: float
    steady_rate: float | None
    counters: dict[str, dict[str, Any]]
    late_429: int | None = None  # 429s after the first 10% of rows were done
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0

    def rate_limited(self) -> dict[str, int]:
        """429s by type (QPS, Daily-limit, User-daily-limit) over every endpoint."""
        kinds: dict[str, int] = {}
        for entry in self.counters.values():
            for kind, count in entry.get("rate_limited", {}).items():
                kinds[kind] = kinds.get(kind, 0) + count
        return kinds

    def token_requests(self) -> int:
        return int(self.counters.get("token", {}).get("requests", 0))

    def api_requests(self) -> int:
        return sum(e["requests"] for name, e in self.counters.items() if name != "token")


def count_429(counters: dict[str, dict[str, Any]]) -> int:
    return sum(sum(e.get("rate_limited", {}).values()) for e in counters.values())


def steady(times: list[float]) -> float | None:
    """Rows per second between the 10% and the 90% completion marks."""
    if len(times) < 10:
        return None
    low, high = len(times) // 10, len(times) - 1 - len(times) // 10
    span = times[high] - times[low]
    return (high - low) / span if span > 0 else None


WRITE_BACK: dict[str, float] = {}  # seconds of the last write_sheet, by command


def timed_write_sheet(command: str, module: Any) -> None:
    """Time ``module.write_sheet`` (the result sheet and journal marks) into ``WRITE_BACK``."""
    original = module.write_sheet

    def write_sheet(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            WRITE_BACK[command] = time.perf_counter() - started

    module.write_sheet = write_sheet


timed_write_sheet("schedule", batchzoom.engine.batch)
timed_write_sheet("sync", batchzoom.engine.sync)


def run_batchzoom(
    folder: Path,
    roster: Path,
    *,
    name: str,
    hosts: int,
    server_qps: float,
    client_rate: float,
    latency: float,
    concurrency: int | None,
) -> Result:
    """Schedule the whole roster with batchzoom against a fresh sandbox."""
    loaded = load(roster, resolve(now=lambda: datetime(2027, 1, 1, tzinfo=UTC)))
    assert loaded.validation.ok, loaded.validation.problems[:3]
    total = len(loaded.validation.sessions)
    done_at: list[float] = []
    marks: dict[str, dict[str, dict[str, Any]]] = {}
    lock = threading.Lock()
    with sandbox(hosts, server_qps, latency) as sb:

        def progress(update: Progress) -> None:
            with lock:
                done_at.append(time.perf_counter())
                if update.done == max(1, total // 10):
                    marks["warm"] = sb.counters()

        settings = resolve(
            zoom=zoom_of(sb),
            rate=client_rate,
            output=folder / f"{name}.scheduled.csv",
            state=folder / f"{name}.batchzoom.db",
            concurrency=concurrency,
            now=sb.clock.now,
            environ={},  # real retries, whatever the shell says
        )
        limits = settings.limits()
        started = time.perf_counter()
        report = schedule(loaded, settings, progress=progress)
        seconds = time.perf_counter() - started
        counters = sb.counters()
        stored = len(sb.meetings())
    counts = report.counts()
    result = Result(
        name=name,
        rows=total,
        created=counts["created"],
        seconds=seconds,
        steady_rate=steady(sorted(done_at)),
        counters=counters,
        late_429=count_429(counters) - count_429(marks["warm"]) if "warm" in marks else None,
    )
    workers = concurrency or default_concurrency(client_rate)
    result.notes.append(
        f"{name}: {workers} workers, client pace {limits.pacer('LIGHT').rate:.1f}/s, "
        f"{report.tokens_fetched} token(s) fetched, {report.requests} requests, "
        f"{report.rate_limited} QPS 429s seen, {stored} meetings stored, counts {counts}"
    )
    if counts["created"] != total or stored != total:
        result.notes.append(f"{name}: NOT every row was created: {counts}")
    return result


def run_updates(
    folder: Path,
    rows: list[dict[str, str]],
    *,
    hosts: int,
    rate: float,
    latency: float,
    concurrency: int | None,
) -> Result:
    """Schedule ``rows``, change every row's topic, then time ``sync`` applying the updates."""
    roster = folder / "updates.csv"
    write_csv(roster, rows)
    done_at: list[float] = []
    lock = threading.Lock()
    with sandbox(hosts, rate, latency) as sb:
        sb.clock.set(datetime(2027, 1, 1, tzinfo=UTC))  # before every row
        settings = resolve(
            zoom=zoom_of(sb),
            rate=rate,
            state=folder / "updates.batchzoom.db",
            output=folder / "updates.scheduled.csv",
            concurrency=concurrency,
            now=sb.clock.now,
            environ={},
        )
        schedule(load(roster, settings), settings)  # the meetings to update
        write_csv(roster, [dict(row, Topic=row["Topic"] + " (moved online)") for row in rows])
        before = sb.counters()
        loaded = load(roster, settings)

        def progress(update: Progress) -> None:
            with lock:
                done_at.append(time.perf_counter())

        started = time.perf_counter()
        report = sync(loaded, settings, progress=progress)
        seconds = time.perf_counter() - started
        after = sb.counters()
    counters = {
        name: {
            "requests": entry.get("requests", 0) - before.get(name, {}).get("requests", 0),
            "rate_limited": {
                kind: count - before.get(name, {}).get("rate_limited", {}).get(kind, 0)
                for kind, count in entry.get("rate_limited", {}).items()
            },
        }
        for name, entry in after.items()
    }
    counts = report.counts()
    result = Result(
        name="updates",
        rows=len(rows),
        created=counts["updated"],
        seconds=seconds,
        steady_rate=steady(sorted(done_at)),
        counters=counters,
    )
    reads = counters.get("meeting", {}).get("requests", 0)
    listings = counters.get("meetings", {}).get("requests", 0)
    result.notes.append(
        f"updates: {counts['updated']} updated, {reads} meetings read one by one, "
        f"{listings} listings, counts {counts}"
    )
    return result


def naive_create(
    client_id: str,
    client_secret: str,
    account_id: str,
    token_url: str,
    api_url: str,
    row: dict[str, str],
) -> httpx.Response:
    """The copied snippet: a fresh token for every meeting, then the create; no retries."""
    token = httpx.post(
        token_url,
        params={"grant_type": "account_credentials", "account_id": account_id},
        auth=(client_id, client_secret),
    ).json()["access_token"]
    return httpx.post(
        f"{api_url}/users/{row['Host']}/meetings",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "topic": row["Topic"],
            "type": 2,
            "start_time": f"{row['Date']}T{row['Time']}:00",
            "duration": int(row["Duration"]),
            "timezone": row["Time zone"],
        },
    )


def run_baseline(rows: list[dict[str, str]], *, hosts: int, rate: float, latency: float) -> Result:
    with sandbox(hosts, rate, latency) as sb:
        created = 0
        started = time.perf_counter()
        for row in rows:
            response = naive_create(
                sb.client_id, sb.client_secret, sb.account_id, sb.token_url, sb.api_url, row
            )
            created += response.status_code == 201
        seconds = time.perf_counter() - started
        counters = sb.counters()
    return Result("baseline", len(rows), created, seconds, None, counters)


def table(results: list[Result], limit: float, rows: int) -> str:
    head = (
        f"{'run':<12}{'rows':>6}{'created':>9}{'seconds':>9}{'creates/s':>11}{'steady/s':>10}"
        f"{'/limit':>8}{'429s':>6}{'late 429s':>11}{'tokens':>8}{'API reqs':>10}  429s by type"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(r.rate_limited().items())) or "-"
        steady_text = f"{r.steady_rate:.2f}" if r.steady_rate else "-"
        late = "-" if r.late_429 is None else str(r.late_429)
        lines.append(
            f"{r.name:<12}{r.rows:>6}{r.created:>9}{r.seconds:>9.2f}{r.rate:>11.2f}"
            f"{steady_text:>10}{r.rate / limit:>8.2f}{sum(r.rate_limited().values()):>6}"
            f"{late:>11}{r.token_requests():>8}{r.api_requests():>10}  {kinds}"
        )
        if r.name == "baseline" and r.rows != rows and r.rate:
            lines.append(
                f"{'':<12}(baseline ran {r.rows} rows; {rows} rows extrapolated at its rate: "
                f"{rows / r.rate:.1f} s, {rows} token requests)"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=600, help="roster rows (default 600)")
    parser.add_argument("--hosts", type=int, default=10, help="hosts the rows share (default 10)")
    parser.add_argument("--rate", type=float, default=20.0, help="requests/s limit (default 20)")
    parser.add_argument(
        "--latency", type=float, default=0.1, help="sandbox seconds per API request (default 0.1)"
    )
    parser.add_argument(
        "--jitter",
        type=float,
        default=0.0,
        help="up to this many seconds more per API request, drawn for each (default 0)",
    )
    parser.add_argument(
        "--baseline-rows", type=int, default=60, help="rows the baseline runs (default 60)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=None, help="batchzoom workers (default: its own)"
    )
    parser.add_argument(
        "--updates", type=int, default=300, help="rows the update run changes (default 300)"
    )
    parser.add_argument(
        "--capacity",
        action="store_true",
        help="also run batchzoom with no rate limit anywhere, to show the stack's raw throughput",
    )
    parser.add_argument(
        "--whole-only", action="store_true", help="run only the whole-run CLI measurement"
    )
    parser.add_argument(
        "--no-check-hosts",
        action="store_true",
        help="the whole run's schedule and sync skip their host checks (--no-check-hosts)",
    )
    args = parser.parse_args()
    JITTER[0] = args.jitter
    if args.rows > args.hosts * 100:
        parser.error("--rows must be at most 100 per host (Zoom's daily create limit per host)")

    rows = roster_rows(args.rows, args.hosts)
    print(
        f"{args.rows} rows, {args.hosts} hosts, limit {args.rate:g}/s, "
        f"latency {args.latency * 1000:.0f} ms per API request"
        + (f" + up to {args.jitter * 1000:.0f} ms of jitter" if args.jitter else "")
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        roster = folder / "roster.csv"
        write_csv(roster, rows)
        met = True
        write_back: dict[str, float] = {}
        if not args.whole_only:
            met = in_process(args, folder, roster, rows, write_back)
            print()
        met = whole_run(args, folder, roster, rows, write_back) and met
    print("target met" if met else "target NOT met")


def whole_run(
    args: argparse.Namespace,
    folder: Path,
    roster: Path,
    rows: list[dict[str, str]],
    write_back: dict[str, float],
) -> bool:
    """The CLI's schedule and sync as whole processes (``schedule_whole.py``); whether met."""
    print(f"Whole run: the CLI as a process, schedule then sync --yes, {args.rows} rows")
    schedule_whole.byte_compiled(folder)
    costs = schedule_whole.fixed_costs(roster)
    costs.write_back = write_back
    results = schedule_whole.lifecycle(
        folder,
        rows,
        make_sandbox=lambda: sandbox(args.hosts, args.rate, args.latency),
        write_csv=write_csv,
        rate=args.rate,
        extra=("--no-check-hosts",) if args.no_check_hosts else (),
    )
    lines = schedule_whole.report(results, costs, args.rate, target=WHOLE_TARGET)
    print("\n".join(lines))
    return lines[-1].endswith(": met")


def in_process(
    args: argparse.Namespace,
    folder: Path,
    roster: Path,
    rows: list[dict[str, str]],
    write_back: dict[str, float],
) -> bool:
    """The engine's runs in this process, and the baseline; whether their targets are met."""
    results: list[Result] = []
    common = {"hosts": args.hosts, "latency": args.latency, "concurrency": args.concurrency}
    results.append(
        run_batchzoom(
            folder,
            roster,
            name="batchzoom",
            server_qps=args.rate,
            client_rate=args.rate,
            **common,
        )
    )
    write_back[f"schedule {args.rows} rows"] = WRITE_BACK["schedule"]
    baseline_rows = rows[: max(1, min(args.baseline_rows, args.rows))]
    results.append(
        run_baseline(baseline_rows, hosts=args.hosts, rate=args.rate, latency=args.latency)
    )
    update_rows = roster_rows(max(1, min(args.updates, args.hosts * 50)), args.hosts)
    results.append(
        run_updates(
            folder,
            update_rows,
            hosts=args.hosts,
            rate=args.rate,
            latency=args.latency,
            concurrency=args.concurrency,
        )
    )
    write_back[f"sync {len(update_rows)} rows"] = WRITE_BACK["sync"]
    if args.capacity:
        results.append(
            run_batchzoom(
                folder,
                roster,
                name="no-limit",
                server_qps=UNLIMITED,
                client_rate=UNLIMITED,
                **common,
            )
        )
    print(table(results, args.rate, args.rows))
    bz, base = results[0], results[1]
    print()
    for result in results:
        for note in result.notes:
            print(note)
    print(f"batchzoom rate / limit: {bz.rate / args.rate:.2f} whole run", end="")
    if bz.steady_rate:
        print(f", {bz.steady_rate / args.rate:.2f} steady state", end="")
    print(" (target >= 0.90)")
    updates = next(r for r in results if r.name == "updates")
    print(f"sync updates rate / limit: {updates.rate / args.rate:.2f} whole run", end="")
    if updates.steady_rate:
        print(f", {updates.steady_rate / args.rate:.2f} steady state", end="")
    print(f" ({updates.created} updates in {updates.seconds:.1f} s; target >= 0.90)")
    if base.rate:
        print(
            f"batchzoom vs baseline speed-up: {bz.rate / base.rate:.1f}x "
            f"({args.rows} rows: {bz.seconds:.1f} s vs {args.rows / base.rate:.1f} s "
            f"extrapolated from {base.rows} baseline rows)"
        )
    return (
        bz.rate / args.rate >= 0.9
        and not bz.late_429
        and bz.token_requests() == 1
        and bz.created == bz.rows
        and updates.rate / args.rate >= 0.9
        and updates.created == updates.rows
    )


if __name__ == "__main__":
    main()
