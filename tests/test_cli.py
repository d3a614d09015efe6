"""The command line as a user types it: exit codes, one-line messages, no half files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from docgen import documents
from docgen.cli import main
from helpers import texts


def run(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def test_render_decision_writes_a_docx(runner, tmp_path, sample, write_json):
    out = tmp_path / "qd.docx"
    result = run(runner, "render", "decision", write_json(sample("decision")), "-o", out)
    assert result.exit_code == 0, result.output
    assert "Số: 2158/QĐ-UBND" in texts(out.read_bytes())


@pytest.mark.parametrize("content, words", [
    pytest.param("{not json", "không phải JSON hợp lệ: dòng 1", id="broken JSON names the line"),
    pytest.param("[1, 2]", "phải chứa một đối tượng JSON", id="a list instead of an object"),
    pytest.param(b"\xff\xfe\x00bad", "không phải văn bản UTF-8", id="not UTF-8"),
])
def test_bad_json_is_refused_with_exit_2(runner, tmp_path, content, words):
    data = tmp_path / "bad.json"
    data.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "out.docx"
    result = run(runner, "render", "decision", data, "-o", out)
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("mutate, words", [
    pytest.param(lambda d: d.pop("proposer"), "«proposer»", id="missing field named"),
    pytest.param(lambda d: d["units"][4].update(kind="Nhà máy"), "«units[5].kind»",
                 id="unknown unit kind named with its row"),
    pytest.param(lambda d: d["issuer"].pop("place"), "«issuer.place»", id="nested field named"),
])
def test_input_errors_name_the_field_and_leave_no_file(runner, tmp_path, sample, write_json,
                                                       mutate, words):
    data = sample("decision")
    mutate(data)
    out = tmp_path / "out.docx"
    result = run(runner, "render", "decision", write_json(data), "-o", out)
    assert result.exit_code == 2
    assert words in result.output and result.output.startswith("Lỗi: Trường")
    assert not out.exists()
    assert os.listdir(tmp_path) == ["data.json"]


def test_unknown_kind_lists_the_kinds(runner, tmp_path, write_json):
    result = run(runner, "render", "thong-bao", write_json({}), "-o", tmp_path / "x.docx")
    assert result.exit_code == 2
    assert "Không có loại văn bản «thong-bao»" in result.output and "decision" in result.output


def test_unwritable_output_is_a_message(runner, tmp_path, sample, write_json):
    result = run(runner, "render", "decision", write_json(sample("decision")),
                 "-o", tmp_path / "khong-co" / "qd.docx")
    assert result.exit_code == 2 and "không tồn tại" in result.output


def test_output_that_is_a_folder_is_a_message(runner, tmp_path, sample, write_json):
    folder = tmp_path / "thu-muc.docx"
    folder.mkdir()
    result = run(runner, "render", "decision", write_json(sample("decision")), "-o", folder)
    assert result.exit_code == 2 and "Không ghi được" in result.output
    assert sorted(os.listdir(tmp_path)) == ["data.json", "thu-muc.docx"]


def test_a_template_with_an_unknown_variable_is_refused(runner, tmp_path, sample, write_json):
    doc = docx.Document()
    doc.add_paragraph("{{ issuer.name }} {{ chu_ky_so }}")
    template = tmp_path / "mine.docx"
    doc.save(template)
    out = tmp_path / "out.docx"
    result = run(runner, "render", "decision", write_json(sample("decision")), "-o", out,
                 "--template", template)
    assert result.exit_code == 2
    assert "chu_ky_so" in result.output and "mine.docx" in result.output
    assert "Cảnh báo mẫu" in result.output  # the user's template was checked against ND30
    assert not out.exists()


def test_check_passes_a_rendered_decision(runner, tmp_path, sample, write_json):
    out = tmp_path / "qd.docx"
    run(runner, "render", "decision", write_json(sample("decision")), "-o", out)
    result = run(runner, "check", out)
    assert result.exit_code == 0 and "đúng thể thức" in result.output


def test_check_reports_a_default_python_docx_document(runner, tmp_path):
    path = tmp_path / "default.docx"
    doc = docx.Document()
    doc.add_paragraph("Một đoạn văn bản bình thường.")
    doc.save(path)
    result = run(runner, "check", path)
    assert result.exit_code == 1
    rules = {line.split(":")[0] for line in result.output.splitlines()}
    assert {"page.paper", "page.margins", "font.family"} <= rules


def test_check_on_a_file_that_is_not_a_docx(runner, tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("hello")
    result = run(runner, "check", path)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_kinds_lists_every_kind_with_its_fields(runner):
    result = run(runner, "kinds")
    assert result.exit_code == 0
    for kind in documents.KINDS.values():
        assert kind.name in result.output
    assert "units: Danh sách đơn vị" in result.output


def test_python_m_docgen_works(tmp_path):
    done = subprocess.run([sys.executable, "-m", "docgen", "kinds"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "decision" in done.stdout


def console_script() -> str:
    """The `docgen` script of this environment (beside sys.executable), whether or not the
    virtual environment is activated (PATH may hold another docgen, or none)."""
    script = Path(sys.executable).parent / "docgen"
    assert script.is_file(), f"no docgen script beside {sys.executable}: pip install -e ."
    return str(script)


def test_console_script_renders_the_readme_command(tmp_path):
    out = tmp_path / "quyet-dinh.docx"
    done = subprocess.run([console_script(), "render", "decision",
                           "samples/quan-son-2022/decision.json", "-o", str(out)],
                          capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert json.loads(json.dumps(texts(out.read_bytes())))[0] == "ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN"
