"""Comments cite Zoom's behaviour through docs/zoom-facts.md, which a reader can open.

No tracked file may point at notes kept on a build machine (a numbered facts file,
its bracketed source tags, a machine path), and every section of docs/zoom-facts.md
cited by anchor anywhere must exist.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACTS_DOC = ROOT / "docs" / "zoom-facts.md"
# Built from pieces so that this file does not match itself.
PRIVATE = re.compile("FA" + r"CTS\b|\[S[0-9]+\]|/wo" + "rk/|shared/zo" + "om")
CITATION = re.compile(r"docs/zoom-facts\.md#([A-Za-z0-9_-]+)")
ANCHOR = re.compile(r'<a id="([A-Za-z0-9_-]+)"></a>')


def tracked_texts() -> dict[str, str]:
    """Every text file git tracks (or would add), by its path in the repository."""
    names = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    texts = {}
    for name in names:
        path = ROOT / name
        if not path.is_file() or path.suffix in {".png", ".mo", ".xlsx", ".gz", ".zip"}:
            continue
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
    return texts


def test_no_file_cites_the_build_machines_notes() -> None:
    found = [
        f"{name}:{number}: {line.strip()}"
        for name, text in tracked_texts().items()
        for number, line in enumerate(text.splitlines(), 1)
        if PRIVATE.search(line)
    ]
    assert found == []


def test_every_cited_section_of_the_zoom_facts_exists() -> None:
    anchors = set(ANCHOR.findall(FACTS_DOC.read_text(encoding="utf-8")))
    cited = {
        (name, anchor)
        for name, text in tracked_texts().items()
        for anchor in CITATION.findall(text)
    }
    assert len(cited) >= 10  # the code does cite the document
    assert sorted(c for c in cited if c[1] not in anchors) == []


def test_the_anchor_pattern_sees_the_documents_sections() -> None:
    anchors = ANCHOR.findall(FACTS_DOC.read_text(encoding="utf-8"))
    assert "rate-limits" in anchors
    assert len(anchors) == len(set(anchors))
