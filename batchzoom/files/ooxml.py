"""Small tools for editing Office Open XML text in place: tags, attributes, cell references.

The workbook's XML is edited as text, tag by tag, so that everything batchzoom does not
change keeps its exact bytes: namespace prefixes, attribute order, Excel's extension blocks
and markup-compatibility (``mc:Ignorable``) declarations included.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final
from xml.sax.saxutils import escape, quoteattr, unescape

from batchzoom.model.problems import column_letters

# A comment, CDATA section, processing instruction or declaration (group "other"), or a tag:
# end slash, prefix, local name, attributes (quoted values may hold ">"), empty-element slash.
_TAG: Final = re.compile(
    r"<(?:(?P<other>!--.*?-->|!\[CDATA\[.*?\]\]>|[?!][^>]*>)"
    r"|(?P<end>/)?(?:(?P<prefix>[A-Za-z_][\w.-]*):)?(?P<name>[A-Za-z_][\w.-]*)"
    r"(?P<attrs>(?:[^>\"'/]|/(?!>)|\"[^\"]*\"|'[^']*')*)(?P<empty>/)?>)",
    re.S,
)
_ATTR: Final = re.compile(r"([\w.:-]+)\s*=\s*(\"[^\"]*\"|'[^']*')")
_REF: Final = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_ENTITIES: Final = {"&quot;": '"', "&apos;": "'"}
RELATIONSHIPS_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_RELATIONSHIPS_NS: Final = "http://purl.oclc.org/ooxml/officeDocument/relationships"


@dataclass(frozen=True)
class Tag:
    """One tag of the text: where it is and what it says."""

    start: int
    end: int
    name: str  # local name, without prefix; "" for comments, CDATA and the like
    prefix: str
    closing: bool  # </name>
    empty: bool  # <name/>
    text: str  # the tag's own text

    @property
    def opening(self) -> bool:
        return bool(self.name) and not self.closing

    def attrs(self) -> dict[str, str]:
        return attributes(self.text)


def tags(text: str, start: int = 0, end: int | None = None) -> Iterator[Tag]:
    """The tags of ``text[start:end]`` in order, CDATA and comments as nameless tags."""
    for match in _TAG.finditer(text, start, len(text) if end is None else end):
        yield Tag(
            start=match.start(),
            end=match.end(),
            name=match.group("name") or "",
            prefix=match.group("prefix") or "",
            closing=match.group("end") is not None,
            empty=match.group("empty") is not None,
            text=match.group(0),
        )


def attributes(tag: str) -> dict[str, str]:
    """The attributes of one tag's text, unescaped."""
    if "&" not in tag:
        return {name: value[1:-1] for name, value in _ATTR.findall(tag)}
    return {name: unescape(value[1:-1], _ENTITIES) for name, value in _ATTR.findall(tag)}


def with_attr(tag: str, name: str, value: str | None) -> str:
    """The tag's text with attribute ``name`` set to ``value`` (None: removed)."""
    pattern = re.compile(r"(\s+)" + re.escape(name) + r"\s*=\s*(\"[^\"]*\"|'[^']*')")
    found = pattern.search(tag)
    if value is None:
        return tag if found is None else tag[: found.start()] + tag[found.end() :]
    rendered = f" {name}={quoteattr(value)}"
    if found is not None:
        return tag[: found.start()] + rendered + tag[found.end() :]
    close = len(tag) - (2 if tag.endswith("/>") else 1)
    return tag[:close].rstrip() + rendered + tag[close:]


def text_of(fragment: str) -> str:
    """The character data of an XML fragment (tags dropped, entities and CDATA resolved)."""
    if "<" not in fragment and "&" not in fragment:
        return fragment  # the common case: a number or plain text
    parts: list[str] = []
    position = 0
    for tag in tags(fragment):
        parts.append(unescape(fragment[position : tag.start], _ENTITIES))
        if tag.text.startswith("<![CDATA["):
            parts.append(tag.text[9:-3])
        position = tag.end
    parts.append(unescape(fragment[position:], _ENTITIES))
    return "".join(parts)


def xml_text(value: str) -> str:
    """Character data for an element."""
    return escape(value)


def xml_attr(value: str) -> str:
    """An attribute value, with its quotes."""
    return quoteattr(value)


def column_number(letters: str) -> int:
    """A -> 1, AA -> 27."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def parse_ref(ref: str) -> tuple[int, int] | None:
    """``"B7"`` -> (row 7, column 2); None when it is not a cell reference."""
    found = _REF.fullmatch(ref.strip())
    if found is None:
        return None
    return int(found.group(2)), column_number(found.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """``"A1:C4"`` (or one cell) -> (first row, first column, last row, last column)."""
    first, _, last = ref.strip().partition(":")
    top = parse_ref(first)
    bottom = parse_ref(last) if last else top
    if top is None or bottom is None:
        return None
    return (
        min(top[0], bottom[0]),
        min(top[1], bottom[1]),
        max(top[0], bottom[0]),
        max(top[1], bottom[1]),
    )


def range_text(first_row: int, first_column: int, last_row: int, last_column: int) -> str:
    return f"{column_letters(first_column)}{first_row}:{column_letters(last_column)}{last_row}"


def find_element(text: str, name: str, start: int = 0) -> tuple[Tag, int] | None:
    """The first ``name`` element at or after ``start``: its opening tag and where it ends.

    The tags are found with one regular-expression search each, not by reading every tag
    in between, so finding an element after a large ``sheetData`` costs little.
    """
    opening_at = _opening(name)
    found = opening_at.search(text, start)
    if found is None:
        return None
    opening = next(tags(text, found.start()))
    if opening.empty:
        return opening, opening.end
    closing_at = _closing(name)
    depth, position = 1, opening.end
    while True:
        closing = closing_at.search(text, position)
        if closing is None:
            return None
        for inner in opening_at.finditer(text, position, closing.start()):
            if not next(tags(text, inner.start())).empty:
                depth += 1  # the same element nested inside itself
        depth -= 1
        if depth == 0:
            return opening, closing.end()
        position = closing.end()


@functools.lru_cache(maxsize=64)
def _opening(name: str) -> re.Pattern[str]:
    return re.compile(rf"<(?:[A-Za-z_][\w.-]*:)?{re.escape(name)}(?=[\s/>])")


@functools.lru_cache(maxsize=64)
def _closing(name: str) -> re.Pattern[str]:
    return re.compile(rf"</(?:[A-Za-z_][\w.-]*:)?{re.escape(name)}\s*>")


def relationship_prefix(root: Tag) -> str | None:
    """The prefix the root element binds to the relationships namespace, if any."""
    for name, value in root.attrs().items():
        if name.startswith("xmlns:") and value in (RELATIONSHIPS_NS, STRICT_RELATIONSHIPS_NS):
            return name[6:]
    return None
