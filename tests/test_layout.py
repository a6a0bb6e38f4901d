"""The package's shape: short modules, small folders, layers without cycles, no evaluation code."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.helpers.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "factdb"
BENCHMARKS = REPO_ROOT / "benchmarks"
MAX_MODULE_LINES = 500
MAX_BENCHMARK_MODULE_LINES = 600
MAX_FOLDER_MODULES = 12


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(REPO_ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The factdb modules a module imports, at its top or inside any function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                )
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module in known and module != name}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state[nxt] == 1:
                return [*path[path.index(nxt) :], nxt]
            if state[nxt] == 0 and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state[node] == 0 and (found := visit(node)):
            return found
    return None


def test_no_module_is_longer_than_a_reader_can_hold() -> None:
    long = {
        str(path.relative_to(REPO_ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_benchmark_module_is_longer_than_six_hundred_lines() -> None:
    long = {
        str(path.relative_to(REPO_ROOT)): lines
        for path in BENCHMARKS.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines()))
        > MAX_BENCHMARK_MODULE_LINES
    }
    assert list(BENCHMARKS.rglob("*.py")), "no benchmark modules found"
    assert long == {}


def test_no_folder_holds_more_than_twelve_modules() -> None:
    crowded = {
        str(folder.relative_to(REPO_ROOT)): count
        for folder in [PACKAGE, *PACKAGE.rglob("*/")]
        if folder.name != "__pycache__"
        and (count := len(list(folder.glob("*.py")))) > MAX_FOLDER_MODULES
    }
    assert crowded == {}


def test_no_import_cycle_even_through_imports_inside_functions() -> None:
    modules = _modules()
    known = set(modules)
    graph = {name: _imports(path, name, known) for name, path in modules.items()}
    assert _cycle(graph) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_evaluation_code_or_gold_data_ships_in_the_package() -> None:
    suspicious = [
        str(path.relative_to(REPO_ROOT))
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and any(word in path.name for word in ("eval", "gold", "benchmark", "_test", "test_"))
    ]
    assert suspicious == []
