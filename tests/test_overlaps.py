"""Host overlaps are measured in real time (UTC instants), for every occurrence, per plan."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from batchzoom.cli import cli
from batchzoom.model import times
from batchzoom.model.pools import assign, concurrent_meetings, host_overlaps
from batchzoom.model.rows import Session
from tests.rosters import write_csv

NEW_YORK = "America/New_York"
HOST = "kim@school.example"


def at(wall: str, *, fold: int = 0, zone: str = NEW_YORK) -> datetime:
    return datetime.fromisoformat(wall).replace(tzinfo=times.zone(zone), fold=fold)


def one(
    row: int, start: datetime, minutes: int, host: str = HOST, pool: str | None = None
) -> Session:
    return Session(
        row=row,
        key=f"S{row}",
        topic=f"Class {row}",
        start=start,
        timezone=NEW_YORK,
        duration=minutes,
        host=host,
        pool=pool,
    )


def test_an_overlap_across_spring_forward_is_found() -> None:
    """01:40 EST for 60 minutes ends at 03:40 EDT, so a 03:20 session overlaps it."""
    warnings = host_overlaps(
        [one(2, at("2027-03-14 01:40"), 60), one(3, at("2027-03-14 03:20"), 30)]
    )
    assert [w.row for w in warnings] == [3]
    assert "2027-03-14 03:20 EDT" in warnings[0].message
    assert "overlaps row 2 (2027-03-14 01:40 EST)" in warnings[0].message


def test_no_false_overlap_across_fall_back() -> None:
    """01:00 EDT for 60 minutes ends at 01:00 EST; the second 01:30 (EST) is after it."""
    first = one(2, at("2027-11-07 01:00"), 60)
    second = one(3, at("2027-11-07 01:30", fold=1), 30)
    assert host_overlaps([first, second]) == []
    assert host_overlaps([first, one(3, at("2027-11-07 01:30"), 30)]) != []


def test_pools_never_double_book_across_a_change() -> None:
    pools = {"t": ("a@x.example",)}
    sessions = [
        one(2, at("2027-03-14 01:40"), 60, host="pool:t", pool="t"),
        one(3, at("2027-03-14 03:20"), 30, host="pool:t", pool="t"),
    ]
    placed, problems = assign(sessions, pools)
    assert [p.row for p in problems] == [3] and [s.row for s in placed] == [2]


def test_concurrency_follows_zooms_plans() -> None:
    assert [concurrent_meetings(p) for p in ("free", "pro", "business", "Education")] == [
        1,
        1,
        2,
        2,
    ]


def test_every_occurrence_of_a_series_counts() -> None:
    weekly = {"type": 2, "repeat_interval": 1, "weekly_days": "1", "end_times": 3}
    series = Session(
        row=2,
        key="W",
        topic="Weekly",
        start=at("2027-03-07 02:30"),
        timezone=NEW_YORK,
        duration=30,
        host=HOST,
        recurrence=weekly,
    )
    later = one(3, at("2027-03-21 02:45"), 30)

    from batchzoom.engine.planning import occurrences_of

    warnings = host_overlaps([series, later], occurrences=occurrences_of)
    assert [w.row for w in warnings] == [3]


# ---- against an independent computation (the stdlib zoneinfo on the same tzdata)


@st.composite
def timetables(draw: st.DrawFn) -> list[tuple[datetime, int, str]]:
    """Sessions near New York's 2027 changes: (aware start, minutes, host)."""
    count = draw(st.integers(2, 8))
    base = draw(st.sampled_from([datetime(2027, 3, 14), datetime(2027, 11, 7)]))
    found = []
    for _ in range(count):
        minutes = draw(st.integers(-6 * 4, 8 * 4)) * 15
        wall = base + timedelta(minutes=minutes)
        fold = draw(st.integers(0, 1))
        found.append(
            (
                wall.replace(fold=fold),
                draw(st.sampled_from([30, 60, 90])),
                draw(st.sampled_from([HOST, "lee@x.example"])),
            )
        )
    return found


@settings(max_examples=200, deadline=None)
@given(timetables(), st.sampled_from(["pro", "business"]))
def test_overlap_warnings_match_a_brute_force_count_in_utc(
    drafted: Sequence[tuple[datetime, int, str]], plan: str
) -> None:
    oracle_zone = ZoneInfo(NEW_YORK)
    sessions = []
    spans: list[tuple[datetime, datetime, str]] = []
    for row, (wall, minutes, host) in enumerate(drafted, start=2):
        local = wall.replace(tzinfo=oracle_zone)
        utc = local.astimezone(UTC)
        if utc.astimezone(oracle_zone).replace(tzinfo=None) != wall:
            continue  # a wall time the spring change skips: validation refuses it
        sessions.append(one(row, utc.astimezone(times.zone(NEW_YORK)), minutes, host))
        spans.append((utc, utc + timedelta(minutes=minutes), host))
    limit = concurrent_meetings(plan)
    expected = []
    for index, (start, end, host) in enumerate(spans):
        earlier = [(s, e) for s, e, h in spans[:index] if h == host and s < end and start < e]
        moments = [max(start, s) for s, _ in earlier]
        if any(sum(1 for s, e in earlier if s <= m < e) >= limit for m in moments):
            expected.append(sessions[index].row)
    assert [w.row for w in host_overlaps(sessions, plan=plan)] == expected


def test_schedule_lists_the_overlap_warning_and_still_plans_both_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["A-1", "Maths", "2027-03-14 01:40", NEW_YORK, "60", HOST, ""],
            ["B-1", "Art", "2027-03-14 03:20", NEW_YORK, "30", HOST, ""],
        ],
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["schedule", str(path), "--dry-run", "--allow-past"])
    assert result.exit_code == 0
    assert (
        "Warning: row 3" in result.stderr
        and "overlaps row 2 (2027-03-14 01:40 EST)" in result.stderr
    )
    assert "2 planned" in result.stdout
    document = json.loads(
        runner.invoke(cli, ["schedule", str(path), "--dry-run", "--allow-past", "--json"]).stdout
    )
    assert any("host-overlap" in w or "overlaps row 2" in w for w in document["warnings"])
    strict = runner.invoke(cli, ["schedule", str(path), "--dry-run", "--allow-past", "--strict"])
    assert strict.exit_code == 3 and "host-overlap" in strict.stdout


def test_validate_json_lists_warnings_apart_from_problems(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["A-1", "Maths", "2027-11-07T01:00-04:00", NEW_YORK, "60", HOST, ""],
            ["B-1", "Art", "2027-11-07T01:30-04:00", NEW_YORK, "30", HOST, ""],
            ["C-1", "Music", "2027-11-07T01:30-05:00", NEW_YORK, "30", HOST, ""],
        ],
    )
    result = CliRunner().invoke(cli, ["validate", str(path), "--json", "--allow-past"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["problems"] == []
    # Row 3 (01:30 EDT) is within row 2's hour; row 4 (01:30 EST) is after it ended.
    assert [(w["row"], w["code"]) for w in document["warnings"]] == [(3, "host-overlap")]


def test_validate_plan_sets_how_many_sessions_a_host_may_run_at_once(tmp_path: Path) -> None:
    """``validate --plan business`` (two meetings at once) drops the warning Pro gives."""
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["A-1", "Maths", "2040-05-07 09:00", NEW_YORK, "60", HOST, ""],
            ["B-1", "Art", "2040-05-07 09:30", NEW_YORK, "60", HOST, ""],
        ],
    )

    def warnings(*plan: str) -> list[tuple[int, str]]:
        shown = CliRunner().invoke(cli, ["validate", str(path), "--json", *plan])
        assert shown.exit_code == 0, shown.output
        return [(w["row"], w["code"]) for w in json.loads(shown.stdout)["warnings"]]

    assert warnings() == warnings("--plan", "pro") == [(3, "host-overlap")]
    assert warnings("--plan", "business") == []
    bad = CliRunner().invoke(cli, ["validate", str(path), "--plan", "gold"])
    assert bad.exit_code == 2
