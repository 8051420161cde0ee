"""How the code is put together: one class per concept across the layers."""

from __future__ import annotations


def test_one_class_for_an_unavailable_database() -> None:
    """The app layer re-exports the store's class, so catching it catches what the store
    raises (there were two, and the app's did not catch the store's)."""
    from engine.app import errors as app_errors
    from engine.storage import errors as storage_errors

    assert app_errors.DatabaseUnavailable is storage_errors.DatabaseUnavailable


def test_every_error_runstrong_raises_on_purpose_is_one_hierarchy() -> None:
    """A caller catches RunstrongError for anything runstrong refuses, and UserError for what
    the person can fix (the CLI's exit 2): every exception class the engine defines, bar the
    web app's own control flow and the parsers' private signals, is under the root."""
    import ast
    import importlib
    from pathlib import Path

    from engine.contract.errors import RunstrongError, UserError
    from engine.storage.errors import StoreError

    assert issubclass(StoreError, UserError)
    root = Path(__file__).resolve().parent.parent / "engine"
    # Raised and caught inside one module or the web layer, never reaching a caller.
    internal = {"LoginRequired", "_TooLarge", "_Refused", "QuickReadFailed", "Violation"}
    outside = []
    for path in root.rglob("*.py"):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef) or node.name in internal:
                continue
            cls = getattr(importlib.import_module(module), node.name, None)
            is_error = isinstance(cls, type) and issubclass(cls, BaseException)
            if is_error and not issubclass(cls, RunstrongError):
                outside.append(f"{module}.{node.name}")
    assert outside == []


def _package_imports() -> dict[str, set[str]]:
    """Which of runstrong's packages each package imports (engine.X -> engine.Y), read from
    the source with ast, lazy imports inside functions included."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "engine"
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if len(parts) < 3:  # engine/__init__.py, engine/api.py: the package root, above all
            continue
        source = parts[1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                target = name.split(".")
                if target[0] == "engine" and len(target) > 1 and target[1] != source:
                    graph.setdefault(source, set()).add(target[1])
    return graph


def test_the_packages_import_each_other_without_a_cycle() -> None:
    """The layers stand on each other one way (contract at the bottom, cli and web on top); a
    cycle between two packages means neither can be understood or tested alone."""
    graph = _package_imports()
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for package in sorted(graph):
        if package not in state:
            visit(package, [package])
    assert cycles == []


def test_the_core_and_the_contract_stay_at_the_bottom() -> None:
    """The engine core takes pydantic objects in and gives them out: it imports no storage, no
    use case and no front end."""
    graph = _package_imports()
    above = {"app", "cli", "web", "storage", "views", "ruletools", "evaluation"}
    assert not graph.get("core", set()) & above
    assert graph.get("contract", set()) == set()
    assert "storage" not in graph.get("web", set())
