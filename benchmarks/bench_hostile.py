"""How the Zoom client fares when the network or the account works against it.

Run:  .venv/bin/python benchmarks/bench_hostile.py [--creates 40 --rate 50 --qps 4 --shared 2]

1. Another app spends the account's per-second budget: ``--creates`` creates, ``--rate``
   requests a second planned by the client, against a local sandbox allowing ``--qps`` a
   second of which a simulated second app spends ``--shared``. The production retry policy
   (real waits) is used. Prints rows created and failed, 429s, the pace the client settled
   at, and the achieved rate as a share of what the account had left.
2. A server that sends the headers of a create's answer, then one byte every ``--trickle``
   seconds: prints how long the client waited before calling the create in doubt, as a
   share of its ``--deadline`` and of the time the whole answer would have taken.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from batchzoom.core.errors import BatchzoomError
from batchzoom.core.secret import Secret
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import InDoubtError, RateLimits, RetryPolicy, ZoomClient, ZoomSettings
from tests.hostile import Answer, Seen, hostile, token_answer

HOST = "alice@school.example"


def sustained(creates: int, rate: float, qps: float, shared: float) -> None:
    config = SandboxConfig(users=[SandboxUser(HOST)], qps=qps, shared_qps=shared, daily_limit=0)
    with Sandbox(config) as sb:
        settings = ZoomSettings(
            sb.account_id, sb.client_id, Secret(sb.client_secret), sb.token_url, sb.api_url
        )
        limits = RateLimits.for_plan("pro", rate=rate)
        results: list[str] = []

        def one(n: int) -> str:
            body = {"topic": f"T{n}", "type": 2, "start_time": "2031-05-01T09:00:00Z"}
            try:
                client.create_meeting(HOST, body)
                return "created"
            except BatchzoomError:
                return "failed"

        started = time.monotonic()
        with ZoomClient(settings, limits=limits, retry=RetryPolicy()) as client:
            with ThreadPoolExecutor(16) as pool:
                results = list(pool.map(one, range(creates)))
            elapsed = time.monotonic() - started
            refused = client.stats["qps_429"]
        left = qps - shared
        print(f"sustained 429s: {creates} creates planned at {rate}/s, account allows {qps}/s, "
              f"another app spends {shared}/s")  # fmt: skip
        print(f"  created {results.count('created')}, failed {results.count('failed')}, "
              f"{refused} QPS 429s, {elapsed:.1f} s")  # fmt: skip
        print(f"  pace settled at {limits.pacer('LIGHT').rate:.2f}/s; achieved "
              f"{creates / elapsed:.2f}/s = {creates / elapsed / left:.2f} of the {left}/s left")  # fmt: skip


def trickle(pause: float, deadline: float, size: int) -> None:
    body = json.dumps({"id": 86123456789, "padding": "x" * size})

    def rule(seen: Seen) -> Answer:
        if seen.path.startswith("/oauth/token"):
            return token_answer()
        return Answer(201, body, trickle=pause)

    with hostile(rule) as server:
        settings = ZoomSettings(
            "a", "c", Secret("s"), token_url=f"{server.url}/oauth/token", api_url=f"{server.url}/v2"
        )
        with ZoomClient(settings, retry=RetryPolicy.for_tests(), deadline=deadline) as client:
            started = time.monotonic()
            outcome: Any = "answered"
            try:
                client.create_meeting(HOST, {"topic": "T"})
            except InDoubtError:
                outcome = "in doubt"
            waited = time.monotonic() - started
    whole = len(body) * pause
    print(f"trickled answer: one byte every {pause} s, {len(body)} bytes (~{whole:.0f} s in full)")
    print(f"  create {outcome} after {waited:.2f} s = {waited / deadline:.2f} of the "
          f"{deadline} s deadline, {waited / whole:.3f} of the full answer's time")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creates", type=int, default=40)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--qps", type=float, default=4)
    parser.add_argument("--shared", type=float, default=2)
    parser.add_argument("--trickle", type=float, default=0.5)
    parser.add_argument("--deadline", type=float, default=3.0)
    args = parser.parse_args()
    sustained(args.creates, args.rate, args.qps, args.shared)
    trickle(args.trickle, args.deadline, 400)


if __name__ == "__main__":
    main()
