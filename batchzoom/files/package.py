"""An .xlsx/.xlsm zip package, rewritten with some members changed and every other one copied.

A member that is not changed is copied as its stored bytes — local header, compressed data
and central-directory record — so it comes out byte-identical, however it was compressed.
Only the members given new content are compressed afresh.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Final

from batchzoom.core.errors import OutputError

_LOCAL: Final = b"PK\x03\x04"
_CENTRAL: Final = b"PK\x01\x02"
_END: Final = b"PK\x05\x06"
_DESCRIPTOR: Final = b"PK\x07\x08"
_UTF8_FLAG: Final = 0x0800
_DOS_1980: Final = (0, 0x21)  # 00:00:00 on 1980-01-01, the zip epoch


class PackageError(OutputError):
    """The file is not a zip package batchzoom can rewrite."""


@dataclass(frozen=True)
class _Member:
    name: str
    central: bytes  # its central-directory record, as stored
    start: int  # offset of its local header
    end: int  # offset just past its data (and data descriptor)
    flags: int
    time: int
    date: int


class Package:
    """The members of a zip package, readable by name, in their stored order."""

    def __init__(self, data: bytes, what: str) -> None:
        self._data = data
        self._what = what
        self._members = _members(data, what)
        # Some writers store "xl\\workbook.xml"; readers take "\\" for "/", and so does this.
        self._by_name = {_normal(member.name): member for member in self._members}

    def names(self) -> list[str]:
        return [_normal(member.name) for member in self._members]

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    def read(self, name: str) -> bytes:
        """A member's content, decompressed."""
        member = self._by_name[name]
        data = self._data
        (method,) = struct.unpack_from("<H", data, member.start + 8)
        name_length, extra_length = struct.unpack_from("<HH", data, member.start + 26)
        (compressed_size,) = struct.unpack_from("<I", member.central, 20)
        begin = member.start + 30 + name_length + extra_length
        raw = data[begin : begin + compressed_size]
        try:
            if method == 0:
                return raw
            if method == 8:
                return zlib.decompress(raw, -15)
        except zlib.error as error:
            raise PackageError(f"{self._what} is damaged ({name} cannot be read).") from error
        raise PackageError(f"{self._what} stores {name} in a way batchzoom cannot read.")

    def rewrite(self, changed: dict[str, bytes | None], added: dict[str, bytes]) -> bytes:
        """The package with ``changed`` members replaced (None: left out) and ``added`` ones added.

        Members keep their order; added ones come last. Every other member is copied byte for byte.
        """
        out = bytearray()
        central = bytearray()
        count = 0
        for member in self._members:
            if _normal(member.name) in changed:
                content = changed[_normal(member.name)]
                if content is None:
                    continue
                local, record = _fresh(member.name, content, member.flags, member.time, member.date)
                record = _at(record, len(out))
                out += local
            else:
                record = _at(member.central, len(out))
                out += self._data[member.start : member.end]
            central += record
            count += 1
        for name, content in added.items():
            local, record = _fresh(name, content, _UTF8_FLAG, *_DOS_1980)
            central += _at(record, len(out))
            out += local
            count += 1
        offset = len(out)
        out += central
        out += _END + struct.pack("<HHHHII", 0, 0, count, count, len(central), offset)
        comment = self._comment()
        out += struct.pack("<H", len(comment)) + comment
        return bytes(out)

    def _comment(self) -> bytes:
        end = self._data.rfind(_END)
        (length,) = struct.unpack_from("<H", self._data, end + 20)
        return self._data[end + 22 : end + 22 + length]


def _normal(name: str) -> str:
    return name.replace("\\", "/")


def _at(record: bytes, offset: int) -> bytes:
    """A central-directory record pointing at a local header at ``offset``."""
    return record[:42] + struct.pack("<I", offset) + record[46:]


def _fresh(name: str, content: bytes, flags: int, time: int, date: int) -> tuple[bytes, bytes]:
    """Local header + deflated data, and the central record, for new content."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = compressor.compress(content) + compressor.flush()
    encoded = name.encode("utf-8")
    flags = (flags & _UTF8_FLAG) | (_UTF8_FLAG if not name.isascii() else 0)
    crc = zlib.crc32(content)
    common = struct.pack("<HHHHHIII", 20, flags, 8, time, date, crc, len(packed), len(content))
    local = _LOCAL + common + struct.pack("<HH", len(encoded), 0) + encoded + packed
    record = (
        _CENTRAL
        + struct.pack("<H", 20)
        + common
        + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, 0)
        + encoded
    )
    return local, record


def _members(data: bytes, what: str) -> list[_Member]:
    damaged = PackageError(f"{what} is not a readable workbook (its zip structure is damaged).")
    end = data.rfind(_END, max(0, len(data) - 65557))
    if end < 0 or end + 22 > len(data):
        raise damaged
    entries, size, offset = struct.unpack_from("<HII", data, end + 10)
    if entries == 0xFFFF or 0xFFFFFFFF in (size, offset):
        raise PackageError(f"{what} is a zip64 package, which batchzoom cannot rewrite.")
    members: list[_Member] = []
    position = offset
    try:
        for _ in range(entries):
            if data[position : position + 4] != _CENTRAL:
                raise damaged
            flags, _method, time, date = struct.unpack_from("<HHHH", data, position + 8)
            compressed, name_length, extra_length, comment_length = struct.unpack_from(
                "<I4xHHH", data, position + 20
            )
            (start,) = struct.unpack_from("<I", data, position + 42)
            length = 46 + name_length + extra_length + comment_length
            raw_name = data[position + 46 : position + 46 + name_length]
            name = raw_name.decode("utf-8" if flags & _UTF8_FLAG else "cp437")
            if data[start : start + 4] != _LOCAL:
                raise damaged
            local_name, local_extra = struct.unpack_from("<HH", data, start + 26)
            stop = start + 30 + local_name + local_extra + compressed
            if flags & 0x08:  # a data descriptor follows the data
                stop += 16 if data[stop : stop + 4] == _DESCRIPTOR else 12
            if stop > len(data):
                raise damaged
            members.append(
                _Member(name, data[position : position + length], start, stop, flags, time, date)
            )
            position += length
    except struct.error as error:
        raise damaged from error
    return members
