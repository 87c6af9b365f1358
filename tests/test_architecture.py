"""The package's dependency rules hold: they keep the architecture easy to see.

The layers, top to bottom (a module may import its own subpackage and those below it):

    cli -> api -> engine -> (files, zoom) -> model -> (core, zoomspec)

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
    "api": {"engine", "files", "zoom", "model", "core", "zoomspec", "sandbox"},
    "cli": {"api", "engine", "files", "zoom", "model", "core", "zoomspec", "sandbox"},
    "sandbox": {"zoomspec"},
    "__init__": {"core", "api"},
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


def test_library_modules_never_exit() -> None:
    """A library caller gets an exception, never a ``sys.exit`` (the CLI picks exit codes)."""
    offenders = []
    for path in _modules():
        if _top(path) in {"cli", "__main__"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            owner = getattr(func, "value", None)
            if name in {"exit", "_exit", "quit"} and (
                isinstance(func, ast.Name) or getattr(owner, "id", None) in {"sys", "os"}
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


# ---- the import graph, module by module

MAX_LINES = 600
# Modules over MAX_LINES waiting to be split; each must still be over it (remove it when split).
TO_SPLIT: set[str] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except those inside ``if TYPE_CHECKING:`` blocks."""
    found: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        found.append(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                pending.extend(child.orelse)  # the else branch runs
                continue
            pending.append(child)
    return found


def _module_imports(path: Path, known: set[str]) -> set[str]:
    """The batchzoom modules a file imports at run time, function-level imports included.

    ``from package import name`` counts as importing the module ``package.name`` when that
    is a module, else the package itself; relative imports are resolved.
    """
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.add(name if name in known else base)
    return {name for name in found if name in known and name != here}


def _import_graph() -> dict[str, set[str]]:
    paths = _modules()
    known = {_module_name(path) for path in paths}
    return {_module_name(path): _module_imports(path, known) for path in paths}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_module_imports_itself_through_others() -> None:
    """No import cycle among modules, imports inside functions included."""
    assert _cycles(_import_graph()) == []


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import skipped\nelse:\n    import kept\n"
        "def f():\n    import inner\n"
    )
    imported = {
        alias.name
        for node in _runtime_nodes(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported == {"kept", "inner"}


def test_no_module_is_over_the_line_limit() -> None:
    """One responsibility per module: none over MAX_LINES lines (TO_SPLIT aside, for now)."""
    lengths = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in _modules()
    }
    over = {name for name, count in lengths.items() if count > MAX_LINES}
    assert over == TO_SPLIT, {name: lengths.get(name) for name in over ^ TO_SPLIT}


def test_the_library_never_prints_or_exits() -> None:
    """Only the command line prints and picks an exit status; the library raises."""
    offenders = []
    for path in _modules():
        if _top(path) in ("cli", "__main__"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else f"{getattr(func.value, 'id', '')}.{func.attr}"
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name in ("print", "exit", "quit", "sys.exit", "os._exit"):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} calls {name}")
    assert offenders == []
