"""The repository's shape: dev tooling depends one way, and no file outside tests/ grows too big.

``tests/``, ``scripts/`` and ``benchmarks/`` share code through ``devtools/``;
nothing outside ``tests/`` imports the ``tests`` package. Parsed with ``ast``,
so a mention in a string or a comment does not count.
"""

from __future__ import annotations

import ast
from pathlib import Path
import sys

ROOT = Path(__file__).resolve().parents[2]
# Every Python package outside tests/ (.venv, .ci-work and .git are not walked).
NON_TEST_PACKAGES = ("custom_components", "simulator", "scripts", "benchmarks", "devtools")
MAX_LINES = 400


def _python_files(packages: tuple[str, ...]) -> list[Path]:
    return sorted(path for package in packages for path in (ROOT / package).rglob("*.py"))


def _imported_modules(path: Path) -> list[str]:
    """Absolute module names ``path`` imports (relative imports stay inside their package)."""
    modules: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


def test_nothing_outside_tests_imports_tests() -> None:
    """The dependency runs one way: the tests use the tooling, never the reverse."""
    files = _python_files(NON_TEST_PACKAGES)
    assert any(path.parts[-2:] == ("devtools", "waits.py") for path in files)
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in files
        for module in _imported_modules(path)
        if module == "tests" or module.startswith("tests.")
    ]
    assert offenders == []


def test_no_file_outside_tests_is_over_the_line_limit() -> None:
    """Every module outside tests/ (scripts/ included) stays at or under ``MAX_LINES`` lines."""
    files = _python_files(NON_TEST_PACKAGES)
    assert files
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in files
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


# What the device client may import besides the standard library: it takes an
# injected aiohttp session, and aiohttp brings yarl.
CLIENT_DEPENDENCIES = frozenset({"aiohttp", "yarl"})


def test_the_client_imports_nothing_outside_its_own_package() -> None:
    """The client could be published as a library: standard library, aiohttp and itself."""
    client = ROOT / "custom_components" / "bas_ip" / "client"
    files = sorted(client.rglob("*.py"))
    assert len(files) > 10
    outside = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in files
        for module in _imported_modules(path)
        if module.split(".")[0] not in sys.stdlib_module_names | CLIENT_DEPENDENCIES
        and module != "__future__"
    ]
    assert outside == []
