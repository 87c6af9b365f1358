"""Report inputs for tests and the report benchmark: a term of sessions in every status."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from batchzoom.core import tzdb
from batchzoom.files.report import ReportInput, ReportRow
from batchzoom.model.problems import Problem

STATUSES = ("created", "existing", "changed", "deferred", "failed", "planned", "cancelled")
TOPICS = ("Algebra I", "국어 읽기", "World Literature", "물리 실험 Physics Lab", "Design 디자인")
ZONES = ("Asia/Seoul", "Asia/Seoul", "Asia/Seoul", "America/New_York", "Europe/London")
NOW = datetime(2027, 2, 20, 3, 0, tzinfo=UTC)


def term_input(rows: int = 600, hosts: int = 10, *, seed: int = 14, **extra: object) -> ReportInput:
    """``rows`` rows over ``hosts`` hosts in a 15-week term, every status present.

    Every 25th row is invalid (with a problem), every 40th repeats weekly for 4 weeks,
    and the first host has two sessions at once (beyond a Pro host's one).
    """
    pick = random.Random(seed)
    names = [f"teacher{n:02d}@school.example" for n in range(hosts)]
    first = date(2027, 3, 1)
    out: list[ReportRow] = []
    problems: list[Problem] = []
    for n in range(rows):
        excel_row = n + 2
        key = f"T{n:04d}"
        if n % 25 == 24:
            out.append(
                ReportRow(
                    row=excel_row, status="invalid", key=key, detail="Duration: not a number."
                )
            )
            problems.append(
                Problem(
                    excel_row,
                    "Duration",
                    "duration-format",
                    f'duration "x{n}" is not a number of minutes; enter minutes, e.g. 90.',
                )
            )
            continue
        zone = ZONES[n % len(ZONES)]
        day = first + timedelta(days=pick.randrange(15 * 7))
        hour = 8 + pick.randrange(11)
        start = datetime(day.year, day.month, day.day, hour, 0, tzinfo=tzdb.zone(zone))
        status = STATUSES[n % len(STATUSES)]
        host = names[n % hosts]
        if n in (0, 10):  # same host (teacher00), same time: two at once
            start = datetime(2027, 3, 2, 10, 0, tzinfo=tzdb.zone("Asia/Seoul"))
            zone, status, host = "Asia/Seoul", "created", names[0]
        meeting = 80000000000 + n if status in {"created", "existing", "changed"} else None
        out.append(
            ReportRow(
                row=excel_row,
                status=status,
                key=key,
                host=host,
                topic=f"{TOPICS[n % len(TOPICS)]} {n}",
                start=start,
                zone=zone,
                duration=50 + 10 * (n % 5),
                recurrence={"type": 2, "repeat_interval": 1, "end_times": 4}
                if n % 40 == 39
                else None,
                meeting_id=meeting,
                join_url=f"https://zoom.example/j/{meeting}?pwd=Secret{n}" if meeting else None,
                password=f"pw{n:04d}" if meeting else None,
                detail="Zoom refused it." if status == "failed" else None,
                resume_at=datetime(2027, 2, 21, tzinfo=UTC) if status == "deferred" else None,
            )
        )
    crowded = [(12, datetime(2027, 3, 2, 1, 0, tzinfo=UTC))]  # row 12 beside row 2: two at once
    quota = {name.lower(): {NOW.date(): 40 + 5 * i} for i, name in enumerate(names)}
    values: dict[str, object] = {
        "roster": "/srv/rosters/spring term 봄학기.xlsx",
        "command": "batchzoom schedule 'spring term 봄학기.xlsx' --report term.html",
        "generated_at": NOW,
        "rows": out,
        "problems": problems,
        "exit_code": 3,
        "exit_meaning": "some rows are invalid: nothing was sent for them.",
        "default_zone": "Asia/Seoul",
        "plan": "pro",
        "concurrency": 1,
        "crowded": crowded,
        "quota_used": quota,
    }
    values.update(extra)
    return ReportInput(**values)  # type: ignore[arg-type]
