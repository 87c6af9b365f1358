"""One time-zone database: every zone comes from the tzdata package, named by its IANA name."""

from __future__ import annotations

import shutil
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import tzdata
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.core import tzdb
from batchzoom.model import times
from batchzoom.model.problems import CellError
from batchzoom.sandbox import zones as sandbox_zones


@pytest.fixture
def misleading_system_database(tmp_path: Path) -> Iterator[Path]:
    """A system zone folder whose Asia/Seoul is really UTC, searched first by zoneinfo."""
    folder = tmp_path / "zoneinfo"
    (folder / "Asia").mkdir(parents=True)
    utc_file = Path(tzdata.__file__).parent / "zoneinfo" / "UTC"
    shutil.copy(utc_file, folder / "Asia" / "Seoul")
    zoneinfo.reset_tzpath(to=[str(folder)])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        yield folder
    finally:
        zoneinfo.reset_tzpath(to=[])
        zoneinfo.ZoneInfo.clear_cache()


def test_zones_come_from_tzdata_even_when_the_system_database_differs(
    misleading_system_database: Path,
) -> None:
    """zoneinfo itself now reads the wrong Seoul; batchzoom and its sandbox still read tzdata."""
    noon = datetime(2027, 5, 3, 12, tzinfo=UTC)
    assert noon.astimezone(zoneinfo.ZoneInfo("Asia/Seoul")).utcoffset() == timedelta(0)
    for where in (
        times.zone("Asia/Seoul"),
        tzdb.zone("Asia/Seoul"),
        sandbox_zones.zone("Asia/Seoul"),
    ):
        assert noon.astimezone(where).utcoffset() == timedelta(hours=9)


def test_a_zone_survives_copying_and_pickling_as_the_tzdata_zone() -> None:
    import copy
    import pickle

    start = datetime(2027, 11, 7, 1, 30, fold=1, tzinfo=times.zone("America/New_York"))
    for copied in (copy.deepcopy(start), pickle.loads(pickle.dumps(start))):
        assert copied.tzinfo is start.tzinfo
        assert copied.utcoffset() == timedelta(hours=-5)


def test_version_names_the_tzdata_release() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert f"IANA {tzdata.IANA_VERSION}" in result.stdout
    assert tzdb.VERSION == tzdata.IANA_VERSION


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Asia/Seoul", "Asia/Seoul"),
        ("asia/SEOUL", "Asia/Seoul"),
        (" America/New_York ", "America/New_York"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("US/Eastern", "US/Eastern"),
    ],
)
def test_iana_names_are_accepted_with_letter_case_forgiven(name: str, expected: str) -> None:
    assert times.zone(name).key == expected


def refusal(name: str) -> str:
    with pytest.raises(CellError) as caught:
        times.zone(name)
    assert caught.value.code == "timezone-unknown"
    return caught.value.message


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory", "factory"])
def test_zoneinfo_files_that_are_not_places_are_refused(name: str) -> None:
    message = refusal(name)
    assert "not a zone name" in message and "Asia/Seoul" in message


@pytest.mark.parametrize("name", ["posix/Asia/Seoul", "right/Asia/Seoul", "RIGHT/asia/seoul"])
def test_copies_in_posix_and_right_folders_are_refused_naming_the_real_zone(name: str) -> None:
    assert "write the zone name Asia/Seoul instead" in refusal(name)


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("KST", "Asia/Seoul"),
        ("kst", "Asia/Seoul"),
        ("JST", "Asia/Tokyo"),
        ("+05:45", "Asia/Kathmandu"),
    ],
)
def test_an_abbreviation_or_offset_with_one_zone_names_it(name: str, answer: str) -> None:
    assert f"write the zone name {answer} instead" in refusal(name)


@pytest.mark.parametrize("name", ["+09:00", "UTC+9", "GMT+9", "utc +09:00", "+0900"])
def test_an_offset_used_by_several_places_asks_for_a_zone_name_with_examples(name: str) -> None:
    message = refusal(name)
    assert "UTC offset (+09:00)" in message
    assert "Asia/Tokyo" in message and "Asia/Seoul" in message
    assert "write the IANA name" in message


@pytest.mark.parametrize("name", ["EST", "IST", "CST", "PST"])
def test_ambiguous_abbreviations_ask_for_a_zone_name(name: str) -> None:
    message = refusal(name)
    assert "is an abbreviation" in message and "write the IANA name" in message


def test_every_zone_batchzoom_accepts_is_in_tzdata_and_reads_the_same_as_zoneinfo() -> None:
    """The conftest points zoneinfo at tzdata only: both loaders agree zone by zone."""
    instants = [datetime(2027, month, 1, tzinfo=UTC) for month in (1, 4, 7, 10)]
    for name in sorted(tzdb.names()):
        ours, theirs = tzdb.zone(name), zoneinfo.ZoneInfo(name)
        assert [t.astimezone(ours).utcoffset() for t in instants] == [
            t.astimezone(theirs).utcoffset() for t in instants
        ], name
    assert "Factory" not in tzdb.names()
