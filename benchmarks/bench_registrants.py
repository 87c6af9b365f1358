"""Registering attendees runs at Zoom's limits, not at batchzoom's pace.

Run:  .venv/bin/python benchmarks/bench_registrants.py [--one-off 100 --per-meeting 30
      --series 10 --per-series 100]

Against a local sandbox with Pro's per-category limits (batch registration is HEAVY,
10 a second; one addition is LIGHT, 30 a second): ``--one-off`` scheduled one-off
meetings each get ``--per-meeting`` attendees through the batch endpoint (30 a call),
and ``--series`` recurring meetings each ``--per-series`` attendees one by one, through
``batchzoom.engine.registrations`` with its journal. Prints, for each, the calls made, the
achieved rate as a share of the category's limit (goal: at least 0.9), the tokens fetched
(goal: one) and the 429s (goal: none in steady state).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from batchzoom.core.secret import Secret
from batchzoom.engine.journal.registrants import RegistrantJournal
from batchzoom.engine.registrations import Target, register_all
from batchzoom.model.attendees import Attendee
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import PLAN_LIMITS, RateLimits, RetryPolicy, ZoomClient, ZoomSettings

HOSTS = [f"teacher{n}@school.example" for n in range(4)]


def meeting(client: ZoomClient, host: str, n: int, *, series: bool) -> int:
    body: dict[str, object] = {
        "topic": f"Session {n}",
        "type": 8 if series else 2,
        "start_time": f"2031-05-{n % 28 + 1:02d}T09:00:00Z",
        "duration": 50,
        "timezone": "Asia/Seoul",
        "settings": {"approval_type": 0, **({"registration_type": 1} if series else {})},
    }
    if series:
        body["recurrence"] = {"type": 2, "repeat_interval": 1, "weekly_days": "2", "end_times": 4}
    return int(client.create_meeting(host, body)["id"])


def phase(
    client: ZoomClient, journal: RegistrantJournal, targets: list[Target], per: int, label: str
) -> None:
    people = [
        Attendee(n + 2, target.session, f"p{n}.{target.session}@example.com", f"P{n}")
        for target in targets
        for n in range(per)
    ]
    operation = "addBatchRegistrants" if targets[0].batch else "meetingRegistrantCreate"
    category = "HEAVY" if targets[0].batch else "LIGHT"
    limit = PLAN_LIMITS["pro"][category]
    before, refused = client.stats["requests"], client.stats["qps_429"]
    started = time.monotonic()
    result = register_all(client, journal, targets, people, now=journal.now)
    elapsed = time.monotonic() - started
    calls = client.stats["requests"] - before
    rate = calls / elapsed
    print(
        f"{label}: {result.added} attendees over {len(targets)} meetings in {calls} calls "
        f"({operation}) in {elapsed:.1f} s: {rate:.1f}/s of {category}'s {limit}/s "
        f"= {rate / limit:.2f} of the limit; 429s: {client.stats['qps_429'] - refused}; "
        f"failed {result.failed}, in doubt {result.in_doubt}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one-off", type=int, default=100)
    parser.add_argument("--per-meeting", type=int, default=30)
    parser.add_argument("--series", type=int, default=10)
    parser.add_argument("--per-series", type=int, default=100)
    args = parser.parse_args()
    config = SandboxConfig(users=[SandboxUser(host) for host in HOSTS], daily_limit=0)
    with Sandbox(config) as sb, tempfile.TemporaryDirectory() as folder:
        settings = ZoomSettings(
            sb.account_id, sb.client_id, Secret(sb.client_secret), sb.token_url, sb.api_url
        )
        limits = RateLimits.for_plan("pro")
        with ZoomClient(settings, limits=limits, retry=RetryPolicy()) as client:
            one_off = [
                Target(f"O{n}", meeting(client, HOSTS[n % 4], n, series=False), batch=True)
                for n in range(args.one_off)
            ]
            series = [
                Target(f"S{n}", meeting(client, HOSTS[n % 4], n, series=True), batch=False)
                for n in range(args.series)
            ]
            path = Path(folder) / "bench.batchzoom.db"
            with RegistrantJournal(path, account=sb.account_id, now=sb.clock.now) as journal:
                phase(client, journal, one_off, args.per_meeting, "batch (one-off meetings)")
                phase(client, journal, series, args.per_series, "one by one (recurring)")
            print(f"tokens fetched: {client.tokens_fetched}")


if __name__ == "__main__":
    main()
