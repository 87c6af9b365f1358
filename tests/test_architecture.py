"""The package's dependency rules hold: they keep the architecture easy to see.

The layers, top to bottom (a module may import its own subpackage and those below it):

    cli -> engine -> (files, zoom) -> model -> (core, zoomspec)

The sandbox stands alone beside them: it imports only ``zoomspec`` and itself, so it can
never agree with the client by accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "batchzoom"

# subpackage -> the subpackages it may import besides itself
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "zoomspec": set(),
    "model": {"core", "zoomspec"},
    "files": {"model", "core", "zoomspec"},
    "zoom": {"model", "core", "zoomspec"},
    "engine": {"files", "zoom", "model", "core", "zoomspec"},
    "cli": {"engine", "files", "zoom", "model", "core", "zoomspec", "sandbox"},
    "sandbox": {"zoomspec"},
    "__init__": set(),
    "__main__": {"cli"},
}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _top(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """The batchzoom subpackages a file imports, function-level imports included."""
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
            if parts[0] == "batchzoom" and len(parts) > 1 and parts[1] != "__version__":
                found.add(parts[1])
    return found


def test_every_subpackage_has_a_layer() -> None:
    """A new subpackage must be placed in the layering before it is used."""
    assert {_top(path) for path in _modules()} <= set(ALLOWED)


def test_dependencies_point_one_way() -> None:
    """Each layer imports only the layers below it; the sandbox stands alone."""
    violations = []
    for path in _modules():
        top = _top(path)
        bad = _imports(path) - ALLOWED[top] - {top}
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
