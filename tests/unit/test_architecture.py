"""The tree keeps its shape (docs/architecture.md): the import-linter contracts in pyproject.toml are
kept and cover every module of kiosk/, kiosk/ has no import cycle (not even one that only type
checkers follow), ruff passes, and tests, benchmarks and docs import only what they may."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


def contracted_packages() -> list[str]:
    """Every package a contract in pyproject.toml speaks for: the layers and the sources."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = settings["tool"]["importlinter"]["contracts"]
    packages = []
    for contract in contracts:
        packages += contract.get("layers", []) + contract.get("source_modules", [])
    return packages


def test_every_kiosk_module_is_inside_a_contract() -> None:
    graph = grimp.build_graph("kiosk")
    packages = contracted_packages()
    outside = sorted(
        module for module in graph.modules
        if module != "kiosk" and not any(module == p or module.startswith(p + ".") for p in packages)
    )  # fmt: skip
    assert outside == [], f"modules in no import contract: {outside} (put them in a layer)"
    assert graph.find_modules_directly_imported_by("kiosk") == set(), "the root package holds the version only"


def import_cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, directly or round a loop (Tarjan's strongly
    connected components of more than one module, or a module that imports itself)."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = lowest[module] = len(index)
        stack.append(module)
        for imported in sorted(imports.get(module, ())):
            if imported not in index:
                visit(imported)
                lowest[module] = min(lowest[module], lowest[imported])
            elif imported in stack:
                lowest[module] = min(lowest[module], index[imported])
        if lowest[module] == index[module]:
            group = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(group) > 1 or module in imports.get(module, ()):
                cycles.append(sorted(group))

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return cycles


def test_the_cycle_finder_finds_loops_and_only_loops() -> None:
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"a"}}) == [["a"]]
    assert sorted(import_cycles({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}})) == [["a", "b"], ["c", "d"]]


def test_kiosk_has_no_import_cycle() -> None:
    """Imports inside functions and for type checking count too: a loop is a loop (shell ->
    request flow -> rehearsal -> shell was one, through an import inside a function)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    graph = grimp.build_graph("kiosk", exclude_type_checking_imports=False)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    assert import_cycles(imports) == []


def test_core_imports_without_qt_installed_in_the_process() -> None:
    code = (
        "import sys, kiosk.core.catalog, kiosk.core.profiles, kiosk.core.search, kiosk.core.content;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'qasync'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_ruff_clean() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "--no-cache", "kiosk", "tests", "harness", "docs", "benchmarks", "translations"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def imported_modules(source: str, package: str) -> set[str]:
    """Every module ``source`` (a module of ``package``) imports, anywhere in it (inside functions
    too), by its absolute name; ``from package import name`` counts ``package.name`` as well when that
    is a module of this tree."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: counted up from the module's own package
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *filter(None, [node.module])])
            found.add(base)
            found.update(
                f"{base}.{alias.name}" for alias in node.names if is_module_of_this_tree(f"{base}.{alias.name}")
            )
    return found


def imports_of(path: Path) -> list[str]:
    package = ".".join(path.relative_to(ROOT).parts[:-1])
    return sorted(imported_modules(path.read_text(encoding="utf-8"), package))


def is_module_of_this_tree(module: str) -> bool:
    place = ROOT.joinpath(*module.split("."))
    return place.with_suffix(".py").is_file() or (place / "__init__.py").is_file()


def is_test_module(module: str) -> bool:
    """A module pytest collects or loads by itself: a ``test_*.py`` or a ``conftest.py``."""
    leaf = module.rpartition(".")[2]
    return module.split(".")[0] == "tests" and (leaf.startswith("test_") or leaf == "conftest")


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_the_import_check_sees_every_way_of_importing() -> None:
    source = (
        "import tests.ui.conftest\n"
        "from tests.unit import test_architecture\n"
        "from . import conftest\n"
        "from ..e2e.conftest import RegisteredKiosk\n"
        "def later():\n"
        "    from tests.support import faulty_proxy\n"
    )
    found = imported_modules(source, "tests.central")
    assert {m for m in found if is_test_module(m)} == {
        "tests.ui.conftest", "tests.unit.test_architecture", "tests.central.conftest", "tests.e2e.conftest",
    }  # fmt: skip
    assert "tests.support.faulty_proxy" in found


@pytest.mark.parametrize("folder", ["benchmarks", "docs", "harness"])
def test_benchmarks_docs_and_harness_import_nothing_from_tests(folder: str) -> None:
    assert python_files(folder), f"no Python files under {folder}/"
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files(folder)
        for module in imports_of(path)
        if module == "tests" or module.startswith("tests.")
    ]
    assert not found, "the tests' shared pieces belong in harness/:\n" + "\n".join(found)


def test_no_test_module_imports_another_or_a_conftest() -> None:
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files("tests")
        for module in imports_of(path)
        if is_test_module(module)
    ]
    assert not found, "helpers that tests share belong in tests/support/:\n" + "\n".join(found)
