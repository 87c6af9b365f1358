"""batchzoom.toml: what it may hold, its errors, and how its defaults reach the rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.core.errors import ConfigError
from batchzoom.engine import config
from batchzoom.engine.planning import load, plan_hosts
from batchzoom.engine.settings import Settings, resolve
from batchzoom.files.roster import Roster
from batchzoom.model.rows import Validation
from tests.rosters import write_csv

FULL = """
[defaults]
timezone = "Asia/Seoul"
plan = "Business"
host = "office@school.example"
buffer_minutes = 10

[settings]
waiting_room = true
auto_recording = "cloud"

[aliases]
host = ["Teacher", "담당 교사"]

[pools]
teachers = ["kim@school.example", "lee@school.example"]
"""


def read(path: Path, **flags: Any) -> tuple[Roster, Validation]:
    """The roster at ``path``, loaded as the CLI does with ``flags``."""
    loaded = load(path, resolve(path, **flags))
    return loaded.roster, loaded.validation


def toml(folder: Path, text: str, name: str = "batchzoom.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_full_file_is_read(tmp_path: Path) -> None:
    """Every section is read into the settings it sets, names checked and normalised."""
    found = config.load(toml(tmp_path, FULL))
    assert found == {
        "config": tmp_path / "batchzoom.toml",
        "timezone": "Asia/Seoul",
        "plan": "business",
        "host": "office@school.example",
        "buffer_minutes": 10,
        "meeting_settings": {"waiting_room": True, "auto_recording": "cloud"},
        "aliases": {"host": ("Teacher", "담당 교사")},
        "pools": {"teachers": ("kim@school.example", "lee@school.example")},
    }
    assert Settings(**found).buffer == timedelta(minutes=10)


def test_a_flag_wins_over_the_file_and_the_file_over_the_default(tmp_path: Path) -> None:
    roster = tmp_path / "spring.csv"
    assert resolve(roster).timezone is None and resolve(roster).plan == "pro"
    toml(tmp_path, FULL)
    from_file = resolve(roster)
    assert (from_file.timezone, from_file.plan, from_file.host) == (
        "Asia/Seoul",
        "business",
        "office@school.example",
    )
    flagged = resolve(roster, timezone="Europe/Berlin", plan=None, host="kim@school.example")
    assert (flagged.timezone, flagged.plan, flagged.host) == (
        "Europe/Berlin",
        "business",  # None: not given on the command line
        "kim@school.example",
    )
    with pytest.raises(TypeError, match="not a setting: colour"):
        resolve(roster, colour="red")


def test_the_environment_can_make_retries_instant_and_start_the_clock() -> None:
    assert not resolve(environ={}).retry.instant
    assert resolve(environ={"BATCHZOOM_INSTANT_RETRIES": "1"}).retry.instant
    assert not resolve(environ={"BATCHZOOM_INSTANT_RETRIES": "0"}).retry.instant
    clock = resolve(environ={"BATCHZOOM_NOW": "2034-02-01T08:00:00Z"}).now
    assert timedelta(0) <= clock() - datetime(2034, 2, 1, 8, tzinfo=UTC) < timedelta(minutes=1)
    with pytest.raises(ConfigError, match="BATCHZOOM_NOW must be an instant with its offset"):
        resolve(environ={"BATCHZOOM_NOW": "2034-02-01 08:00"})


def test_found_beside_the_roster_or_given(tmp_path: Path) -> None:
    """batchzoom.toml beside the roster is used; none there is an empty Config; a missing
    --config file is an error."""
    roster = tmp_path / "spring.csv"
    assert config.find(roster) == {}
    toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\n')
    assert config.find(roster)["timezone"] == "Asia/Seoul"
    other = toml(tmp_path, '[defaults]\ntimezone = "Europe/Berlin"\n', "other.toml")
    assert config.find(roster, other)["timezone"] == "Europe/Berlin"
    with pytest.raises(ConfigError, match=r"nope\.toml does not exist; check the --config path"):
        config.find(roster, tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[defaults\n", r"is not valid TOML .*; correct it"),
        ("[default]\n", r'default is not a section batchzoom knows; use "defaults"\.$'),
        ("defaults = 3\n", r"defaults must be a table"),
        ("[defaults]\ntimezon = 'UTC'\n", r'defaults\.timezon is not a default .*use "timezone"'),
        ("[defaults]\ntimezone = 'Mars/Base'\n", r"defaults\.timezone is wrong: "),
        ("[defaults]\nplan = 'gold'\n", r"defaults\.plan must be one of free, pro, business"),
        ("[defaults]\nhost = 'kim'\n", r"defaults\.host is wrong: host \"kim\" is not an email"),
        ("[defaults]\nbuffer_minutes = -5\n", r"defaults\.buffer_minutes must be a whole number"),
        ("[settings]\nwaiting_rooms = true\n", r'settings\.waiting_rooms .*use "waiting_room"'),
        ("[settings]\nwaiting_room = 'yes'\n", r"settings\.waiting_room must be of type boolean"),
        ("[settings]\nauto_recording = 'disk'\n", r"settings\.auto_recording must be one of"),
        ("[settings]\njbh_time = true\n", r"settings\.jbh_time must be of type integer"),
        ("[aliases]\ntopics = ['Lecture']\n", r'aliases\.topics is not a column .*use "topic"'),
        ("[aliases]\nhost = ['Title']\n", r'"Title", which already names the topic column'),
        ("[aliases]\nhost = [3]\n", r"aliases\.host must be a list of header texts"),
        ("[pools]\nteachers = []\n", r"pools\.teachers must list the pool's hosts"),
        ("[pools]\nteachers = ['kim']\n", r"pools\.teachers has a wrong host"),
        ("[pools]\nt = ['a@x.example', 'A@x.example']\n", r"pools\.t lists A@x\.example twice"),
        ("[pools]\n\"a b\" = ['a@x.example']\n", r"pools\.a b is not a usable pool name"),
    ],
)
def test_errors_name_file_key_and_fix(tmp_path: Path, text: str, expected: str) -> None:
    """Each mistake is one ConfigError naming the file and the key, saying what to do."""
    path = toml(tmp_path, text)
    with pytest.raises(ConfigError, match=expected) as raised:
        config.load(path)
    message = str(raised.value)
    assert str(path) in message
    assert message.endswith(".")


HEADERS = ("ID", "Topic", "Start", "Duration", "Teacher")


def roster(folder: Path, rows: list[list[str]], headers: tuple[str, ...] = HEADERS) -> Path:
    return write_csv(folder / "spring.csv", rows, headers)


def validate(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def test_flag_beats_file_beats_builtin(tmp_path: Path) -> None:
    """--timezone and --host win over the file's defaults; the file's win over the built-ins."""
    path = roster(tmp_path, [["A-1", "Maths", "2031-05-03 09:00", "50", ""]])
    assert validate(path)[0] == 3  # no time zone anywhere
    toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\nhost = "office@school.example"\n')
    assert validate(path)[0] == 0
    _, validation = read(path)
    assert [(s.timezone, s.host) for s in validation.sessions] == [
        ("Asia/Seoul", "office@school.example")
    ]
    _, validation = read(path, timezone="Europe/Berlin", host="kim@school.example")
    assert [(s.timezone, s.host) for s in validation.sessions] == [
        ("Europe/Berlin", "kim@school.example")
    ]


def test_config_option_and_its_errors_on_the_command_line(tmp_path: Path) -> None:
    """--config picks the file; a wrong file is one 'Error:' line and exit 1."""
    path = roster(tmp_path, [["A-1", "Maths", "2031-05-03 09:00", "50", ""]])
    good = toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\n', "term.toml")
    assert validate(path, "--config", good)[0] == 0
    bad = toml(tmp_path, '[defaults]\nplan = "gold"\n', "bad.toml")
    code, output = validate(path, "--config", bad)
    assert code == 1
    assert output.startswith(f"Error: In {bad}, defaults.plan must be one of")


def test_aliases_match_headers_the_built_ins_do_not(tmp_path: Path) -> None:
    """A 'Teacher' column is read as the host once the file lists it as a host alias."""
    path = roster(tmp_path, [["A-1", "Maths", "2031-05-03 09:00", "50", "kim@school.example"]])
    toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\n')
    table, validation = read(path)
    assert "Teacher" in table.ignored and validation.sessions[0].host == "me"
    toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\n[aliases]\nhost = ["teacher"]\n')
    table, validation = read(path)
    assert table.columns["host"] == "Teacher" and "Teacher" not in table.ignored
    assert validation.sessions[0].host == "kim@school.example"


def test_pool_cells_get_members_and_full_pools_are_reported(tmp_path: Path) -> None:
    """'pool:teachers' rows get free members; a third session at once is 'pool-full', exit 3."""
    rows = [
        ["A-1", "Maths", "2031-05-03 09:00", "50", "pool:teachers"],
        ["B-1", "Art", "2031-05-03 09:30", "50", "pool:teachers"],
        ["C-1", "Music", "2031-05-03 10:25", "50", "pool:teachers"],
    ]
    path = roster(tmp_path, rows)
    toml(tmp_path, FULL)
    _, validation = read(path)
    assert validation.ok
    hosts = {s.key: s.host for s in validation.sessions}
    assert {s.pool for s in validation.sessions} == {"teachers"}
    assert hosts["A-1"] != hosts["B-1"]
    assert hosts["C-1"] == hosts["A-1"]  # 10:25 is within 09:30-10:20 plus the 10 minutes

    rows.append(["D-1", "Drama", "2031-05-03 09:10", "30", "pool:teachers"])
    roster(tmp_path, rows)
    code, output = validate(path)
    assert code == 3
    assert "pool-full" in output and "cannot be placed" in output


def test_unknown_pool_is_reported(tmp_path: Path) -> None:
    """A pool the file does not define is that row's 'pool-unknown' problem."""
    path = roster(tmp_path, [["A-1", "Maths", "2031-05-03 09:00", "50", "pool:tas"]])
    toml(tmp_path, FULL)
    code, output = validate(path)
    assert code == 3
    assert "pool-unknown" in output and "(pools: teachers)" in output


def test_overlapping_sessions_of_one_host_are_a_warning(tmp_path: Path) -> None:
    """Two rows of one explicit host at overlapping times: a 'host-overlap' warning, exit 0."""
    path = roster(
        tmp_path,
        [
            ["A-1", "Maths", "2031-05-03 09:00", "50", "kim@school.example"],
            ["B-1", "Art", "2031-05-03 09:30", "50", "kim@school.example"],
        ],
    )
    toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\n[aliases]\nhost = ["teacher"]\n')
    code, output = validate(path)
    assert code == 0
    assert "Warnings" in output and "host-overlap" in output
    assert "2031-05-03 09:30 KST" in output and "overlaps row 2 (2031-05-03 09:00 KST)" in output
    assert "timezone-column-missing" in output  # the default zone reads every row's time
    assert "2 rows checked: 2 valid, 0 invalid; 2 warnings." in output


def test_strict_makes_an_overlap_an_error_from_the_flag_or_the_file(tmp_path: Path) -> None:
    path = roster(
        tmp_path,
        [
            ["A-1", "Maths", "2031-05-03 09:00", "50", "kim@school.example"],
            ["B-1", "Art", "2031-05-03 09:30", "50", "kim@school.example"],
        ],
    )
    toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\n')
    code, output = validate(path, "--strict")
    assert code == 3 and "host-overlap" in output and "1 invalid" in output
    toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\nstrict = true\n')
    code, output = validate(path)
    assert code == 3 and "host-overlap" in output and "1 invalid" in output


def test_the_plan_sets_how_many_sessions_a_host_may_run_at_once(tmp_path: Path) -> None:
    """Zoom: one meeting at a time on Pro, two on Business; a third is a warning there."""
    rows = [
        ["A-1", "Maths", "2031-05-03 09:00", "50", "kim@school.example"],
        ["B-1", "Art", "2031-05-03 09:30", "50", "kim@school.example"],
        ["C-1", "Music", "2031-05-03 09:40", "50", "kim@school.example"],
    ]
    path = roster(tmp_path, rows)
    toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\nplan = "business"\n')
    code, output = validate(path)
    assert code == 0
    assert output.count("host-overlap") == 1 and "2 meetings at a time on a business plan" in output
    toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\nplan = "pro"\n')
    code, output = validate(path)
    assert output.count("host-overlap") == 2 and "1 meeting at a time on a pro plan" in output


def test_settings_fill_what_a_row_leaves_out(tmp_path: Path) -> None:
    """The file's settings become each session's defaults; a row's own settings win."""
    path = roster(tmp_path, [["A-1", "Maths", "2031-05-03 09:00", "50", "kim@school.example"]])
    toml(tmp_path, FULL)
    table, validation = read(path)
    assert validation.sessions[0].settings == {"waiting_room": True, "auto_recording": "cloud"}
    own = Validation(
        sessions=[replace(validation.sessions[0], settings={"waiting_room": False})],
        problems=[],
        invalid_rows=set(),
        rows=validation.rows,
    )
    merged = plan_hosts(table, own, resolve(path))
    assert merged.sessions[0].settings == {"waiting_room": False, "auto_recording": "cloud"}


def test_earlier_hosts_are_kept(tmp_path: Path) -> None:
    """A pool row that an earlier run placed keeps that member."""
    path = roster(
        tmp_path,
        [
            ["A-1", "Maths", "2031-05-03 09:00", "50", "pool:teachers"],
            ["B-1", "Art", "2031-05-03 12:00", "50", "pool:teachers"],
        ],
    )
    toml(tmp_path, FULL)
    table, validation = read(path)
    assert {s.host for s in validation.sessions} == {"kim@school.example", "lee@school.example"}
    again = plan_hosts(
        table,
        Validation(
            sessions=[replace(s, host="pool:teachers") for s in validation.sessions],
            problems=[],
            invalid_rows=set(),
            rows=validation.rows,
        ),
        resolve(path, config=tmp_path / "batchzoom.toml"),
        previous={"id:A-1": "lee@school.example"},
        used_today={},
    )
    assert {s.key: s.host for s in again.sessions}["A-1"] == "lee@school.example"


def test_weekly_series_blocks_its_host_every_week(tmp_path: Path) -> None:
    """A weekly row of a host overlaps that host's one-off row in the series' third week."""
    path = write_csv(
        tmp_path / "spring.csv",
        [
            ["A-1", "Maths", "2031-05-05 09:00", "50", "kim@school.example", "weekly", "4"],
            ["B-1", "Art", "2031-05-19 09:30", "50", "kim@school.example", "", ""],
        ],
        ("ID", "Topic", "Start", "Duration", "Host", "Repeat", "End times"),
    )
    toml(tmp_path, '[defaults]\ntimezone = "Asia/Seoul"\n')
    code, output = validate(path)
    assert code == 0
    assert "host-overlap" in output and "2031-05-19 09:30 KST" in output
    assert "overlaps row 2 (2031-05-19 09:00 KST)" in output


def test_a_configured_alias_can_name_a_required_column(tmp_path: Path) -> None:
    (tmp_path / "batchzoom.toml").write_text('[aliases]\ntopic = ["강좌"]\n', encoding="utf-8")
    roster = write_csv(
        tmp_path / "r.csv",
        [["A1", "Algebra", "2027-05-03 09:00", "Asia/Seoul", "50", "kim@school.example"]],
        ("ID", "강좌", "Start", "Time zone", "Duration", "Host"),
    )
    result = CliRunner().invoke(cli, ["validate", str(roster)])
    assert result.exit_code == 0, result.output
    assert "1 row checked: 1 valid, 0 invalid." in result.stdout
