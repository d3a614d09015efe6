"""The README stays true: its settings, commands and kinds match the code."""

from __future__ import annotations

import re
from pathlib import Path

from docgen import documents
from docgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8")
                     for folder in ("docgen", "webform") for p in (ROOT / folder).rglob("*.py"))


def test_the_settings_table_is_the_table_in_docgen_settings():
    """The README's table of settings is docgen.settings.SETTINGS, row by row."""
    from docgen import settings
    rows = re.findall(r"^\| `(DOCGEN_[A-Z_]+)` \| (.+?) \| (.+?) \|$", README, re.M)
    assert rows == [(s.name, s.meaning, s.default) for s in settings.SETTINGS]


def test_every_setting_the_code_names_is_in_the_settings_table_and_vice_versa():
    from docgen import settings
    in_code = set(re.findall(r"DOCGEN_[A-Z_]+", code_text()))
    in_readme = set(re.findall(r"DOCGEN_[A-Z_]+", README))
    assert in_code == {s.name for s in settings.SETTINGS}
    assert in_readme - in_code == set(), "settings in the README that the code does not read"


def test_every_command_is_in_the_readme():
    for name, command in main.commands.items():
        assert f"docgen {name}" in README, name
        for sub in getattr(command, "commands", {}):
            assert f"docgen {name} {sub}" in README, f"{name} {sub}"


def test_every_document_kind_has_a_render_example():
    for kind in documents.KINDS:
        assert f"docgen render {kind} " in README, kind


def test_ci_runs_the_readme_test_command():
    """The README opens with `make serve` and `make test`; CI runs `make test`, which fails
    when pytest collects nothing (exit status 5) and runs the slow tests too."""
    first = re.search(r"^```bash\n(.*?)^```", README, re.S | re.M)[1]
    assert [line.split()[:2] for line in first.splitlines()] == [["make", "serve"],
                                                                 ["make", "test"]]
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)
    make = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", make, re.M)[1]
    assert '-m "slow or not slow"' in recipe
    assert '"$$status" -eq 5' in recipe and "exit 1" in recipe  # no tests collected fails CI
    assert re.search(r"^python -m pytest\b", README, re.M)  # the quick run, by hand


def test_every_sample_render_in_the_readme_works(tmp_path):
    """The README's `docgen render KIND samples/… -o FILE.docx` lines, run as written."""
    from click.testing import CliRunner
    from docgen import nd30
    lines = re.findall(r"^docgen render (\w+) (samples/\S+\.json) -o (\S+\.docx)\s*(?:#.*)?$",
                       README, re.M)
    assert len(lines) >= 8
    runner = CliRunner()
    for kind, source, target in lines:
        out = tmp_path / target
        result = runner.invoke(main, ["render", kind, str(ROOT / source), "-o", str(out)])
        assert result.exit_code == 0, (kind, source, result.output)
        assert nd30.check(out.read_bytes()) == [], source
