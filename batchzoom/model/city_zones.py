"""City and country names people type in a zone cell, and the zones they name.

``서울`` or ``Seoul`` is not a zone name, but it says which zone was meant: the refusal
suggests ``Asia/Seoul``, as it does for ``KST``. A name that fits several zones (a country
spanning several, a city name shared by two places) lists them for the user to choose.
Names are matched case-folded, with spaces, dots, hyphens and underscores ignored.
"""

from __future__ import annotations

import re

# Korean and English names of the cities and countries a school's sessions are held from.
_PLACES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("서울", "Seoul", "서울시", "서울특별시"), ("Asia/Seoul",)),
    (("부산", "Busan", "Pusan", "부산시", "부산광역시"), ("Asia/Seoul",)),
    (("인천", "Incheon", "대구", "Daegu", "대전", "Daejeon", "광주", "Gwangju"), ("Asia/Seoul",)),
    (("울산", "Ulsan", "수원", "Suwon", "세종", "Sejong", "제주", "Jeju"), ("Asia/Seoul",)),
    (("한국", "대한민국", "Korea", "South Korea", "Republic of Korea"), ("Asia/Seoul",)),
    (("평양", "Pyongyang", "북한", "North Korea"), ("Asia/Pyongyang",)),
    (("도쿄", "동경", "Tokyo", "오사카", "Osaka", "교토", "Kyoto"), ("Asia/Tokyo",)),
    (("일본", "Japan", "후쿠오카", "Fukuoka", "삿포로", "Sapporo"), ("Asia/Tokyo",)),
    (("베이징", "북경", "Beijing", "상하이", "Shanghai", "중국", "China"), ("Asia/Shanghai",)),
    (("홍콩", "Hong Kong"), ("Asia/Hong_Kong",)),
    (("타이베이", "Taipei", "대만", "Taiwan"), ("Asia/Taipei",)),
    (("싱가포르", "Singapore"), ("Asia/Singapore",)),
    (
        ("하노이", "Hanoi", "호찌민", "호치민", "Ho Chi Minh City", "베트남", "Vietnam"),
        ("Asia/Ho_Chi_Minh",),
    ),
    (("방콕", "Bangkok", "태국", "Thailand"), ("Asia/Bangkok",)),
    (("마닐라", "Manila", "필리핀", "Philippines"), ("Asia/Manila",)),
    (("자카르타", "Jakarta"), ("Asia/Jakarta",)),
    (("인도", "India", "뉴델리", "New Delhi", "Delhi", "뭄바이", "Mumbai"), ("Asia/Kolkata",)),
    (("두바이", "Dubai"), ("Asia/Dubai",)),
    (("모스크바", "Moscow"), ("Europe/Moscow",)),
    (("런던", "London", "영국", "United Kingdom", "UK"), ("Europe/London",)),
    (("파리", "Paris", "프랑스", "France"), ("Europe/Paris",)),
    (("베를린", "Berlin", "독일", "Germany"), ("Europe/Berlin",)),
    (("마드리드", "Madrid"), ("Europe/Madrid",)),
    (("로마", "Rome"), ("Europe/Rome",)),
    (("암스테르담", "Amsterdam"), ("Europe/Amsterdam",)),
    (
        ("뉴욕", "New York", "New York City", "NYC", "워싱턴", "Washington DC", "보스턴", "Boston"),
        ("America/New_York",),
    ),
    (("토론토", "Toronto"), ("America/Toronto",)),
    (("시카고", "Chicago"), ("America/Chicago",)),
    (("덴버", "Denver"), ("America/Denver",)),
    (
        (
            "로스앤젤레스",
            "엘에이",
            "LA",
            "Los Angeles",
            "샌프란시스코",
            "San Francisco",
            "시애틀",
            "Seattle",
        ),
        ("America/Los_Angeles",),
    ),
    (("밴쿠버", "Vancouver"), ("America/Vancouver",)),
    (("하와이", "호놀룰루", "Hawaii", "Honolulu"), ("Pacific/Honolulu",)),
    (("멕시코시티", "Mexico City"), ("America/Mexico_City",)),
    (("상파울루", "Sao Paulo", "São Paulo"), ("America/Sao_Paulo",)),
    (("시드니", "Sydney"), ("Australia/Sydney",)),
    (("멜버른", "Melbourne"), ("Australia/Melbourne",)),
    (("브리즈번", "Brisbane"), ("Australia/Brisbane",)),
    (("퍼스", "Perth"), ("Australia/Perth",)),
    (("오클랜드", "Auckland", "뉴질랜드", "New Zealand"), ("Pacific/Auckland",)),
    # Names that fit several zones: the user chooses.
    (
        ("미국", "USA", "United States", "America"),
        ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"),
    ),
    (("캐나다", "Canada"), ("America/Toronto", "America/Winnipeg", "America/Vancouver")),
    (("호주", "Australia"), ("Australia/Sydney", "Australia/Brisbane", "Australia/Perth")),
    (("인도네시아", "Indonesia"), ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")),
    (("러시아", "Russia"), ("Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok")),
    (("브라질", "Brazil"), ("America/Sao_Paulo", "America/Manaus")),
    (("멕시코", "Mexico"), ("America/Mexico_City", "America/Tijuana", "America/Cancun")),
    (("Portland", "포틀랜드"), ("America/Los_Angeles", "America/New_York")),
    (("Kansas City", "캔자스시티"), ("America/Chicago",)),
)

_IGNORED = re.compile(r"[\s._\-]+")


def _key(text: str) -> str:
    return _IGNORED.sub("", text).casefold()


def _table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for names, zones in _PLACES:
        for name in names:
            table[_key(name)] = zones
    return table


_BY_NAME = _table()


def zones_of_place(text: str) -> tuple[str, ...]:
    """The zones a city or country name names (empty when it names no place batchzoom knows)."""
    return _BY_NAME.get(_key(text), ())
