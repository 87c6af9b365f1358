"""What a file really is, by its first bytes and (for a zip) its members, whatever its name.

An ``.xls`` renamed ``.xlsx`` is not password-protected, and an OpenDocument sheet renamed
``.xlsx`` must not validate only to fail at write-back: a file's format is named by its
content. Workbooks are zip packages (``.xlsx``/``.xlsm``: ``[Content_Types].xml`` with
``xl/``; ``.ods``: a ``mimetype`` member naming OpenDocument) or OLE2 compound files (legacy
``.xls``: a ``Workbook`` or ``Book`` stream; an encrypted ``.xlsx``: ``EncryptionInfo``).
"""

from __future__ import annotations

import io
import zipfile
from typing import Final, Literal

from batchzoom.core.i18n import N_

Kind = Literal["xlsx", "xls", "ods", "encrypted", "zip", "ole2", "text"]

ZIP_MAGIC: Final = b"PK\x03\x04"
CFB_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file
ODS_MIMETYPE: Final = b"application/vnd.oasis.opendocument.spreadsheet"

NAMES: Final[dict[Kind, str]] = {
    "xlsx": N_("an Excel workbook (.xlsx)"),
    "xls": N_("an Excel 97-2003 workbook (.xls)"),
    "ods": N_("an OpenDocument spreadsheet (.ods)"),
    "encrypted": N_("a password-protected (encrypted) Excel workbook"),
    "zip": N_("a zip archive that is no spreadsheet"),
    "ole2": N_("an Office file that is no spreadsheet"),
    "text": N_("a text file"),
}


def kind_of(data: bytes) -> Kind:
    """The format ``data`` is in, by its content."""
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(CFB_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            return "encrypted"
        if any(name.encode("utf-16-le") in data for name in ("Workbook", "Book")):
            return "xls"
        return "ole2"
    return "text"


def _zip_kind(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "mimetype" in names and package.read("mimetype").strip() == ODS_MIMETYPE:
                return "ods"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return "xlsx"  # a damaged zip: most likely a damaged workbook, so said by its reader
    if "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names):
        return "xlsx"
    return "zip"
