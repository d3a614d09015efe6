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


def test_every_setting_the_code_reads_is_documented_and_vice_versa():
    in_code = set(re.findall(r"DOCGEN_[A-Z_]+", code_text()))
    in_readme = set(re.findall(r"DOCGEN_[A-Z_]+", README))
    assert in_code - in_readme == set(), "settings read by the code but not in the README"
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
    command = re.search(r"^(python3? -m pytest)\b", README, re.M)[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert command.replace("python ", "python3 ") in ci or command in ci
    assert "exit 1" in ci and '"$status" -eq 5' in ci  # no tests collected fails CI


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
