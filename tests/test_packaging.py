"""What a fresh install needs is declared: every module the tests import comes with the
project's dependencies or its `test` extra, every module docgen and webform import at load
time with the dependencies; the package data the code reads is listed in pyproject.toml."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Our own top-level names: the packages in the wheel and the tests' own modules.
OURS = {"docgen", "webform", "templates_docx", "samples", "tests"} | {
    p.stem for p in (ROOT / "tests").rglob("*.py")}
# The UNO helper runs under the system python3 (Debian's python3-uno), not in the project's
# environment: its `uno` and `com` come from Debian.
SYSTEM_PYTHON = {"docgen/pdf/uno_worker.py": {"uno", "com"}}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalise(re.match(r"[A-Za-z0-9._-]+", requirement)[0])


@cache
def closure(names: frozenset[str]) -> frozenset[str]:
    """The distributions `names` bring in when installed (their requirements, recursively,
    extras and environment markers ignored: a superset is fine for this check)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo.extend(requirement_name(r) for r in requires if "extra ==" not in r)
    return frozenset(seen)


def declared(*extras: str) -> frozenset[str]:
    project = PYPROJECT["project"]
    names = [requirement_name(r) for r in project["dependencies"]]
    for extra in extras:
        names += [requirement_name(r) for r in project["optional-dependencies"][extra]]
    return closure(frozenset(names))


@cache
def providers() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def distributions(module: str) -> set[str]:
    """The distributions that provide top-level `module` (its own name when none is
    installed: a missing package must still be reported)."""
    found = providers().get(module)
    return {normalise(d) for d in found} if found else {normalise(module)}


def imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """Top-level module names `path` imports (and asks for with pytest.importorskip)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    nodes = tree.body if top_level_only else ast.walk(tree)
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "importorskip" and node.args
              and isinstance(node.args[0], ast.Constant)):
            names.add(node.args[0].value.split(".")[0])
    return names


def third_party(names: set[str]) -> set[str]:
    return {n for n in names if n not in sys.stdlib_module_names and n not in OURS
            and n != "__future__"}


def undeclared(paths, allowed: frozenset[str], **kwargs) -> dict[str, list[str]]:
    """Module name → the files importing it, for modules no allowed distribution provides."""
    missing: dict[str, list[str]] = {}
    for path in paths:
        system = SYSTEM_PYTHON.get(path.relative_to(ROOT).as_posix(), set())
        for module in third_party(imports(path, **kwargs)) - system:
            if not distributions(module) & allowed:
                missing.setdefault(module, []).append(str(path.relative_to(ROOT)))
    return missing


def test_every_module_the_tests_import_is_in_the_test_extra():
    missing = undeclared(sorted((ROOT / "tests").rglob("*.py")), declared("test"))
    assert missing == {}, "add these to [project.optional-dependencies] test in pyproject.toml"


def test_every_module_the_code_imports_at_load_time_is_a_dependency():
    paths = sorted(p for folder in ("docgen", "webform") for p in (ROOT / folder).rglob("*.py"))
    missing = undeclared(paths, declared(), top_level_only=True)
    assert missing == {}, "add these to [project] dependencies in pyproject.toml"


def test_the_check_finds_an_undeclared_import(tmp_path):
    """The check itself: a test importing a package nobody declared is reported."""
    (tmp_path / "test_x.py").write_text("import requests\nimport yaml_nobody_declared\n"
                                        "pytest.importorskip('fontTools')\n")
    found = {m for m in third_party(imports(tmp_path / "test_x.py"))
             if not distributions(m) & declared()}
    assert found == {"requests", "yaml_nobody_declared", "fontTools"}
    assert {m for m in found if not distributions(m) & declared("test")} == \
        {"yaml_nobody_declared"}


def test_ruff_and_the_tests_tools_are_in_the_test_extra():
    extra = {requirement_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]}
    assert {"pytest", "ruff", "requests", "fonttools"} <= extra


@pytest.mark.parametrize("package, pattern, folder", [
    ("templates_docx", "*.docx", ROOT / "templates_docx"),
    ("samples", "*/*.json", ROOT / "samples"),
    ("samples", "*.xlsx", ROOT / "samples"),
    ("docgen", "data/*", ROOT / "docgen"),
])
def test_the_files_the_code_reads_are_package_data(package, pattern, folder):
    """Each shipped folder's files are matched by a package-data pattern, so they are in
    the wheel (tests/test_wheel.py installs one and uses them)."""
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"][package]
    assert pattern in patterns
    assert list(folder.glob(pattern)), f"{pattern} matches nothing in {folder}"
    assert package in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"] or \
        any(package.startswith(p.rstrip("*"))
            for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"])


def test_no_module_finds_its_files_by_walking_up_from_its_own_path():
    """Shipped files are read with importlib.resources (docgen/shipped.py), never from
    `Path(__file__).parent.parent`, which is not the project inside site-packages."""
    walking = re.compile(r"__file__\)?(\.resolve\(\))?\.(parent\.parent|parents\[)")
    offenders = [str(p.relative_to(ROOT))
                 for folder in ("docgen", "webform") for p in (ROOT / folder).rglob("*.py")
                 if walking.search(p.read_text(encoding="utf-8"))
                 and p.relative_to(ROOT).as_posix() != "docgen/settings.py"]
    assert offenders == []


def test_ruff_check_finds_nothing():
    """`ruff check .` with the project's configuration reports no finding (`make lint`)."""
    ruff = Path(sys.executable).parent / "ruff"
    assert ruff.is_file(), "ruff is not installed beside this Python: pip install -e '.[test]'"
    done = subprocess.run([str(ruff), "check", "--no-cache", "--output-format", "json", "."],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    findings = json.loads(done.stdout)
    where = [f"{Path(f['filename']).relative_to(ROOT).as_posix()}:{f['location']['row']} "
             f"{f['code']}" for f in findings]
    assert where == [], "\n".join(where)


def test_only_the_settings_module_reads_the_environment():
    readers = {p.relative_to(ROOT).as_posix()
               for folder in ("docgen", "webform") for p in (ROOT / folder).rglob("*.py")
               if re.search(r"os\.environ|os\.getenv|getenv\(", p.read_text(encoding="utf-8"))}
    assert readers == {"docgen/settings.py"}


def test_a_checkout_keeps_its_instance_folder_beside_the_package(monkeypatch):
    """In a source checkout the instance folder is `instance/` as it always was (an
    installed wheel uses the user's data folder: tests/test_wheel.py)."""
    from docgen import settings
    monkeypatch.delenv("DOCGEN_INSTANCE", raising=False)
    assert settings.instance_path() == ROOT / "instance"
    monkeypatch.setenv("DOCGEN_INSTANCE", "elsewhere")
    assert settings.instance_path() == Path("elsewhere").resolve()


def test_the_settings_module_imports_nothing_of_docgen():
    """Every layer reads its settings from docgen.settings, so it must depend on none of
    them (the policy reads DOCGEN_POLICY and the store imports the policy)."""
    tree = ast.parse((ROOT / "docgen" / "settings.py").read_text(encoding="utf-8"))
    found = [node for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and (node.level or "docgen" in node.module)
             or isinstance(node, ast.Import) and any("docgen" in a.name for a in node.names)]
    assert found == []
