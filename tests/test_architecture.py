"""The package's dependency rules hold: they keep the architecture easy to see."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "batchzoom"

# module -> batchzoom modules it must never import (directly). The layers, top to bottom:
#   cli -> (sync, planning, ics, template) -> audit -> batch -> (roster, writeback, journal, lock, zoom, config,
#   pools) -> (extras, recurrence, meeting_settings) -> rows -> times;  sandbox stands alone.
UPPER = {"cli", "sync", "audit", "ics", "template", "planning", "batch"}
IO = {"roster", "writeback", "journal", "lock", "zoom", "config", "pools"}
PURE = {"extras", "recurrence", "meeting_settings", "rows", "times"}
FORBIDDEN: dict[str, set[str]] = {
    "times": UPPER | IO | {"extras", "recurrence", "meeting_settings", "rows", "sandbox"},
    "rows": UPPER | IO | {"sandbox"},
    "extras": UPPER | IO | {"sandbox"},
    "recurrence": UPPER | IO | {"extras", "sandbox"},
    "meeting_settings": UPPER | IO | {"extras", "sandbox"},
    "roster": UPPER | {"zoom", "journal", "writeback", "sandbox"},
    "writeback": UPPER | {"zoom", "journal", "sandbox"},
    "journal": UPPER | {"zoom", "writeback", "roster", "sandbox"},
    "lock": UPPER | IO | PURE | {"sandbox"},
    "zoom": UPPER | {"roster", "writeback", "journal", "lock", "config", "pools", "sandbox"},
    "config": UPPER | {"journal", "writeback", "sandbox"},
    "pools": UPPER | {"zoom", "journal", "writeback", "roster", "sandbox"},
    "batch": {"cli", "sync", "audit", "ics", "template", "planning", "sandbox"},
    "planning": {"cli", "sync", "ics", "template", "sandbox"},
    "sync": {"cli", "audit", "ics", "template", "sandbox"},
    "audit": {"cli", "sync", "ics", "template", "sandbox"},
    "ics": {"cli", "sync", "audit", "template", "sandbox"},
    "template": {"cli", "sync", "audit", "ics", "sandbox"},
    "sandbox": UPPER | IO | PURE | {"secret", "errors"},
}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _top(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """The top-level batchzoom submodules a file imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "batchzoom":
                names += [f"batchzoom.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "batchzoom" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_dependencies_point_one_way() -> None:
    """Each layer imports only the layers below it; the sandbox stands alone."""
    violations = []
    for path in _modules():
        top = _top(path)
        bad = _imports(path) & FORBIDDEN.get(top, set())
        if bad:
            violations.append(f"{path.relative_to(PACKAGE)} imports {sorted(bad)}")
    assert violations == []


def test_only_the_cli_imports_click() -> None:
    """The library never imports click, so it can be used without the command line."""
    offenders = []
    for path in _modules():
        if _top(path) == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(
                a.name.split(".")[0] == "click" for a in node.names
            ):
                offenders.append(str(path))
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "click":
                offenders.append(str(path))
    assert offenders == []


def test_library_modules_do_not_print() -> None:
    """Progress reaches the CLI through callbacks; only the CLI writes to the terminal."""
    offenders = []
    for path in _modules():
        if _top(path) in {"cli", "__main__"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []
