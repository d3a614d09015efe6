"""The three TOML files a province replaces — rules, classification policy, scoring
criteria — are read by one reader (`docgen.tomlfile`): the same errors, naming the file,
the line and the key, and the same re-reading when a file changes."""

from __future__ import annotations

import os

import pytest

from docgen import policy, rules, scoring
from docgen.errors import UserError

LOADERS = [
    pytest.param(rules.load_rules, rules.SHIPPED, "quy tắc", id="rules"),
    pytest.param(policy.load_policy, policy.SHIPPED, "chính sách xếp loại", id="policy"),
    pytest.param(scoring.load_scoring, scoring.SHIPPED, "tiêu chí chấm điểm", id="scoring"),
]


@pytest.mark.parametrize("load, shipped, what", LOADERS)
def test_a_missing_file_names_what_it_is(tmp_path, load, shipped, what):
    with pytest.raises(UserError, match=f"^Không đọc được tệp {what} «.*khong-co.toml»"):
        load(tmp_path / "khong-co.toml")


@pytest.mark.parametrize("load, shipped, what", LOADERS)
@pytest.mark.parametrize("content, words", [
    pytest.param(b'name = "T\xe1\xba\xadp"\xff\n', "không phải văn bản UTF-8", id="not UTF-8"),
    pytest.param(b"name = \n", "sai cú pháp TOML ở dòng 1, cột 8", id="broken TOML"),
    pytest.param(b"nguon = 1\n", "khóa «nguon»: không phải khóa hợp lệ; các khóa hợp lệ: ",
                 id="unknown top-level key"),
    pytest.param(b"name = 3\n", "khóa «", id="a name that is not text, or no entries"),
])
def test_a_broken_file_names_the_file_and_the_spot(tmp_path, load, shipped, what, content,
                                                   words):
    path = tmp_path / "tinh.toml"
    path.write_bytes(content)
    with pytest.raises(UserError) as err:
        load(path)
    assert str(err.value).startswith(f"Tệp {what} «{path}»")
    assert words in str(err.value)


@pytest.mark.parametrize("load, shipped, what", LOADERS)
def test_a_file_is_read_again_when_it_changes(tmp_path, load, shipped, what):
    path = tmp_path / "tinh.toml"
    text = shipped.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    first = load(path)
    assert load(path) is first  # unchanged: kept
    path.write_text(text.replace('name = "', 'name = "Tỉnh: ', 1), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    again = load(path)
    assert again is not first and again.name.startswith("Tỉnh: ")
