"""A city or country name in the zone cell is refused with the zone (or zones) it names."""

from __future__ import annotations

import pytest

from batchzoom.core import tzdb
from batchzoom.core.i18n import use_language
from batchzoom.model import times
from batchzoom.model.city_zones import _PLACES, zones_of_place
from batchzoom.model.problems import CellError


def refusal(name: str) -> str:
    with pytest.raises(CellError) as caught:
        times.zone(name)
    assert caught.value.code == "timezone-unknown"
    return caught.value.message


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("서울", "Asia/Seoul"),
        ("Seoul", "Asia/Seoul"),
        ("seoul", "Asia/Seoul"),
        (" 부산 ", "Asia/Seoul"),
        ("도쿄", "Asia/Tokyo"),
        ("Tokyo", "Asia/Tokyo"),
        ("뉴욕", "America/New_York"),
        ("New York", "America/New_York"),
        ("new-york", "America/New_York"),
        ("런던", "Europe/London"),
        ("London", "Europe/London"),
        ("Los Angeles", "America/Los_Angeles"),
    ],
)
def test_a_city_naming_one_zone_suggests_it(name: str, answer: str) -> None:
    message = refusal(name)
    assert f"write the zone name {answer} instead" in message
    assert "is a place" in message


@pytest.mark.parametrize("name", ["미국", "USA", "Canada", "호주"])
def test_a_name_fitting_several_zones_lists_them(name: str) -> None:
    message = refusal(name)
    zones = zones_of_place(name)
    assert len(zones) > 1
    assert "several time zones" in message
    assert all(zone in message for zone in zones)


def test_an_unknown_word_keeps_the_general_advice() -> None:
    assert zones_of_place("Gotham") == ()
    assert "is not an IANA time zone" in refusal("Gotham")


def test_the_suggestion_is_said_in_korean() -> None:
    with use_language("ko"):
        message = refusal("서울")
    assert "Asia/Seoul" in message
    assert "is a place" not in message


def test_every_zone_the_table_names_is_a_zone_batchzoom_accepts() -> None:
    names = tzdb.names()
    for _names, zones in _PLACES:
        assert zones and all(zone in names for zone in zones), zones
        assert all(times.zone(zone).key == zone for zone in zones)
