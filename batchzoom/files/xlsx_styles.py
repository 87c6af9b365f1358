"""The cell formats batchzoom needs, found in or added to a workbook's ``styles.xml``.

A result cell keeps the format its cell had (fill, border, alignment, number format),
with one change where needed: an 11-digit meeting id gets the number format ``0``, a
passcode the text format ``@``, a local start the date-time format ``yyyy-mm-dd hh:mm``
(added to the workbook's number formats), and a join link a blue underlined font. A format
already in the workbook is reused, so a second run adds nothing and leaves ``styles.xml``
as it is.
"""

from __future__ import annotations

import re
from typing import Final

from batchzoom.files.ooxml import find_element, tags, with_attr, xml_attr

# Excel's built-in number formats that show dates or times (ECMA-376 Part 1, 18.8.30).
_BUILTIN_DATE_FORMATS: Final = frozenset({*map(str, range(14, 23)), "45", "46", "47"})
_LITERALS: Final = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # quoted text, escapes, [colours]
_DATE_PARTS: Final = re.compile(r"[ydh]", re.IGNORECASE)

NUMBER: Final = "1"  # Excel's built-in number format "0"
TEXT: Final = "49"  # Excel's built-in number format "@"
DATE_TIME: Final = "yyyy-mm-dd hh:mm"  # a custom format: Excel's own ids stop at 163
_FIRST_CUSTOM: Final = 164
# Excel's own order for a font's children; each is an empty element.
_FONT_ORDER: Final = (
    "b",
    "i",
    "strike",
    "condense",
    "extend",
    "outline",
    "shadow",
    "u",
    "vertAlign",
    "sz",
    "color",
    "name",
    "family",
    "charset",
    "scheme",
)
_LINK_COLOR: Final = 'rgb="FF0563C1"'  # the colour of Excel's Hyperlink style


class Styles:
    """The ``cellXfs`` and ``fonts`` of one ``styles.xml``, with what this run adds."""

    def __init__(self, text: str | None) -> None:
        self._text = text
        self._xfs = _children(text, "cellXfs", "xf")
        # a styles.xml without cell formats (some writers leave it empty): nothing to derive from
        self._usable = text is not None and find_element(text, "cellXfs") is not None
        self._fonts = _children(text, "fonts", "font")
        self._formats = _children(text, "numFmts", "numFmt")
        self._added_formats: list[str] = []
        self._added_xfs: list[str] = []
        self._added_fonts: list[str] = []
        self._derived: dict[tuple[int, str], int] = {}

    @property
    def usable(self) -> bool:
        """Whether the workbook has cell formats to derive new ones from."""
        return self._usable

    @property
    def changed(self) -> bool:
        return bool(self._added_xfs or self._added_fonts or self._added_formats)

    def number_format(self, index: int) -> str:
        """The number format id of cell format ``index`` ("0" is General)."""
        xf = self._xf(index)
        return "0" if xf is None else _start_attrs(xf).get("numFmtId", "0")

    def with_number_format(self, index: int, number_format: str) -> int:
        """A cell format like ``index`` with ``number_format``, when its own is General."""
        if not self._usable or self.number_format(index) != "0":
            return index
        return self._derive(index, f"numFmtId={number_format}")

    def with_format_code(self, index: int, code: str) -> int:
        """A cell format like ``index`` with the custom number format ``code`` (found in the
        workbook's number formats, or added to them), when its own is General."""
        if not self._usable or self.number_format(index) != "0":
            return index
        return self.with_number_format(index, self._format_id(code))

    def shows_dates(self, index: int) -> bool:
        """Whether cell format ``index`` shows a number as a date or time (one of Excel's
        built-in date formats, or a custom one with a year, day or hour in it)."""
        number_format = self.number_format(index)
        if number_format in _BUILTIN_DATE_FORMATS:
            return True
        for element in self._formats + self._added_formats:
            attrs = _start_attrs(element)
            if attrs.get("numFmtId") == number_format:
                shown = _LITERALS.sub("", attrs.get("formatCode", ""))
                return bool(_DATE_PARTS.search(shown))
        return False

    def _format_id(self, code: str) -> str:
        every = self._formats + self._added_formats
        ids = [_FIRST_CUSTOM - 1]
        for element in every:
            attrs = _start_attrs(element)
            if attrs.get("formatCode") == code:
                return attrs.get("numFmtId", "0")
            ids.append(int(attrs.get("numFmtId", "0")))
        wanted = str(max(ids) + 1)
        prefix = _prefix(self._text or "", "styleSheet")
        self._added_formats.append(
            f"<{prefix}numFmt numFmtId={xml_attr(wanted)} formatCode={xml_attr(code)}/>"
        )
        return wanted

    def as_link(self, index: int) -> int:
        """A cell format like ``index`` with the font of a link (blue, underlined)."""
        if not self._usable or not self._fonts:
            return index
        return self._derive(index, "link")

    def render(self) -> str:
        """The ``styles.xml`` text with the added fonts and formats."""
        assert self._text is not None
        text = self._text
        # fonts come before cellXfs in styles.xml: edit the later one first.
        text = _append(text, "cellXfs", self._added_xfs, len(self._xfs))
        text = _append(text, "fonts", self._added_fonts, len(self._fonts))
        if not self._added_formats or find_element(text, "numFmts") is not None:
            return _append(text, "numFmts", self._added_formats, len(self._formats))
        # No number formats yet: numFmts is the first child of styleSheet.
        root = find_element(text, "styleSheet")
        assert root is not None
        prefix = _prefix(text, "styleSheet")
        element = f'<{prefix}numFmts count="{len(self._added_formats)}">'
        element += "".join(self._added_formats) + f"</{prefix}numFmts>"
        return text[: root[0].end] + element + text[root[0].end :]

    def _xf(self, index: int) -> str | None:
        every = self._xfs + self._added_xfs
        return every[index] if 0 <= index < len(every) else (every[0] if every else None)

    def _derive(self, index: int, change: str) -> int:
        key = (index, change)
        if key in self._derived:
            return self._derived[key]
        base = self._xf(index) or "<xf/>"
        start, rest = _split_start(base)
        if change == "link":
            font = int(_start_attrs(base).get("fontId", "0"))
            start = with_attr(start, "fontId", str(self._link_font(font)))
            start = with_attr(start, "applyFont", "1")
        else:
            start = with_attr(start, "numFmtId", change.partition("=")[2])
            start = with_attr(start, "applyNumberFormat", "1")
        wanted = start + rest
        every = self._xfs + self._added_xfs
        if wanted in every:
            found = every.index(wanted)
        else:
            self._added_xfs.append(wanted)
            found = len(every)
        self._derived[key] = found
        return found

    def _link_font(self, index: int) -> int:
        fonts = self._fonts + self._added_fonts
        base = fonts[index] if 0 <= index < len(fonts) else fonts[0]
        wanted = _link_version(base)
        if wanted in fonts:
            return fonts.index(wanted)
        self._added_fonts.append(wanted)
        return len(fonts)


def _children(text: str | None, parent: str, child: str) -> list[str]:
    """The raw text of each ``child`` element of the first ``parent`` element."""
    if text is None:
        return []
    found = find_element(text, parent)
    if found is None or found[0].empty:
        return []
    opening, end = found
    items: list[str] = []
    position = opening.end
    while True:
        element = find_element(text[:end], child, position)
        if element is None:
            return items
        tag, stop = element
        items.append(text[tag.start : stop])
        position = stop


def _append(text: str, parent: str, added: list[str], existing: int) -> str:
    if not added:
        return text
    found = find_element(text, parent)
    assert found is not None
    opening, end = found
    counted = with_attr(opening.text, "count", str(existing + len(added)))
    if opening.empty:
        prefix = f"{opening.prefix}:" if opening.prefix else ""
        body = counted[:-2] + ">" + "".join(added) + f"</{prefix}{parent}>"
        return text[: opening.start] + body + text[end:]
    closing = text.rfind("</", opening.end, end)
    return (
        text[: opening.start]
        + counted
        + text[opening.end : closing]
        + "".join(added)
        + text[closing:]
    )


def _prefix(text: str, name: str) -> str:
    """``x:`` when the ``name`` element of ``text`` is written with a prefix, else empty."""
    found = find_element(text, name)
    return f"{found[0].prefix}:" if found is not None and found[0].prefix else ""


def _split_start(element: str) -> tuple[str, str]:
    first = next(tags(element))
    return element[: first.end], element[first.end :]


def _start_attrs(element: str) -> dict[str, str]:
    return next(tags(element)).attrs()


def _link_version(font: str) -> str:
    """The font element with a single underline and the link colour."""
    opening = next(tags(font))
    prefix = f"{opening.prefix}:" if opening.prefix else ""
    children: dict[str, str] = {}
    extra: list[str] = []
    for tag in tags(font, opening.end):
        if tag.closing or not tag.name:
            continue
        if tag.name in _FONT_ORDER and tag.empty:
            children[tag.name] = tag.text
        elif tag.empty:
            extra.append(tag.text)
    children["u"] = f"<{prefix}u/>"
    children["color"] = f"<{prefix}color {_LINK_COLOR}/>"
    body = "".join(children[name] for name in _FONT_ORDER if name in children) + "".join(extra)
    start = opening.text[:-2] + ">" if opening.empty else opening.text
    return f"{start}{body}</{prefix}font>"
