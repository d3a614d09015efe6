"""The classification policy: the shipped example's table, loading a district's own file,
and broken files refused with the file and the key named."""

from __future__ import annotations

import pytest

from docgen import policy as policy_module
from docgen.errors import UserError
from docgen.policy import SHIPPED, load_policy, parse_policy


@pytest.fixture
def shipped():
    return load_policy(SHIPPED)


@pytest.mark.parametrize("score, safe, expected", [
    (90, True, "xuat_sac"),
    (100, True, "xuat_sac"),
    (89.99, True, "kha"),
    (90, False, "trung_binh"),
    (70, True, "kha"),
    (70, False, "trung_binh"),
    (69.5, True, "trung_binh"),
    (50, False, "trung_binh"),
    (49.9, True, "yeu"),
    (0, False, "yeu"),
    (None, True, None),
], ids=[
    "a score of 90 recognised safe is Xuất sắc",
    "a full score recognised safe is Xuất sắc",
    "just under 90 recognised safe is Khá",
    "90 without the safe recognition is only Trung bình",
    "a score of 70 recognised safe is Khá",
    "70 without the safe recognition is Trung bình",
    "69.5 recognised safe is Trung bình",
    "a score of 50 is Trung bình",
    "under 50 is Yếu even when safe",
    "zero is Yếu",
    "no score gives no suggestion",
])
def test_shipped_policy_table(shipped, score, safe, expected):
    assert shipped.suggest(score, safe) == expected


def test_shipped_policy_says_it_is_an_example(shipped):
    assert "MẪU" in shipped.warning and "510/QĐ-BCA-V05" in shipped.warning
    assert "chưa được xác nhận" in shipped.warning
    assert "\n" not in shipped.warning
    assert SHIPPED.read_text(encoding="utf-8").startswith("# Classification policy")
    assert "THIS FILE IS AN EXAMPLE" in SHIPPED.read_text(encoding="utf-8")


def test_policy_explains_its_rules_in_vietnamese(shipped):
    assert shipped.describe() == [
        "Xuất sắc: điểm từ 90 trở lên và được công nhận đạt tiêu chuẩn “An toàn về an ninh, "
        "trật tự”",
        "Khá: điểm từ 70 trở lên và được công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "Trung bình: điểm từ 50 trở lên",
        "Yếu: các trường hợp còn lại",
    ]


def test_a_district_policy_file_is_read(tmp_path):
    path = tmp_path / "tinh.toml"
    path.write_text('name = "Hướng dẫn của tỉnh"\nwarning = ""\n'
                    '[[class]]\ncode = "xuat_sac"\nmin_score = 95.5\nrequires_safe = true\n'
                    '[[class]]\ncode = "kha"\nmin_score = 80\n'
                    '[[class]]\ncode = "yeu"\n', encoding="utf-8")
    policy = load_policy(path)
    assert policy.name == "Hướng dẫn của tỉnh" and policy.warning == ""
    assert [policy.suggest(s, True) for s in (96, 95.4, 80, 79)] == \
        ["xuat_sac", "kha", "kha", "yeu"]
    assert policy.describe()[0] == ("Xuất sắc: điểm từ 95,5 trở lên và được công nhận đạt tiêu "
                                    "chuẩn “An toàn về an ninh, trật tự”")


def test_docgen_policy_variable_selects_the_file(tmp_path, monkeypatch):
    path = tmp_path / "env.toml"
    path.write_text('[[class]]\ncode = "kha"\n', encoding="utf-8")
    monkeypatch.setenv(policy_module.ENV_VAR, str(path))
    assert load_policy().suggest(99, True) == "kha"
    monkeypatch.delenv(policy_module.ENV_VAR)
    assert load_policy().suggest(99, True) == "xuat_sac"


def test_an_edited_file_is_read_again(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[class]]\ncode = "kha"\n', encoding="utf-8")
    assert load_policy(path).suggest(99, True) == "kha"
    path.write_text('[[class]]\ncode = "yeu"\n\n', encoding="utf-8")
    assert load_policy(path).suggest(99, True) == "yeu"


@pytest.mark.parametrize("content, words", [
    ('name = \n', "sai cú pháp TOML ở dòng 1, cột 8"),
    ('[[class]]\ncode = "gioi"\n', "khóa «class[1].code»: «gioi» không phải mã xếp loại; chọn một "
                                   "trong: xuat_sac, kha, trung_binh, yeu"),
    ('[[class]]\ncode = "Khá"\n', "khóa «class[1].code»: «Khá» không phải mã xếp loại"),
    ('[[class]]\ncode = "kha"\nmin_score = 120\n[[class]]\ncode = "yeu"\n',
     "khóa «class[1].min_score»: «120» phải là số từ 0 đến 100"),
    ('[[class]]\ncode = "kha"\nmin_score = "70"\n[[class]]\ncode = "yeu"\n',
     "khóa «class[1].min_score»"),
    ('[[class]]\ncode = "kha"\nrequires_safe = "yes"\n[[class]]\ncode = "yeu"\n',
     "khóa «class[1].requires_safe»: phải là true hoặc false"),
    ('[[class]]\ncode = "kha"\nmax_score = 80\n[[class]]\ncode = "yeu"\n',
     "khóa «class[1].max_score»: không phải khóa hợp lệ"),
    ('threshold = 5\n[[class]]\ncode = "yeu"\n', "khóa «threshold»: không phải khóa hợp lệ"),
    ('[[class]]\ncode = "kha"\n[[class]]\ncode = "kha"\n',
     "khóa «class[2].code»: xếp loại «kha» đã có ở mục trước"),
    ('[[class]]\ncode = "kha"\nmin_score = 50\n',
     "khóa «class[1]»: mục cuối cùng không được có điều kiện"),
    ('name = "x"\n', "khóa «class»: cần ít nhất một mục [[class]]"),
    ('warning = 3\n[[class]]\ncode = "yeu"\n', "khóa «warning»: phải là chuỗi văn bản"),
], ids=[
    "broken TOML names the line and column",
    "an unknown class code is refused",
    "a label is not a code",
    "a threshold above 100 is refused",
    "a threshold in quotes is refused",
    "requires_safe must be a boolean",
    "an unknown condition is refused",
    "an unknown top-level key is refused",
    "a class listed twice is refused",
    "the last class must catch every score",
    "a policy needs classes",
    "the warning must be text",
])
def test_broken_policy_names_the_file_and_key(tmp_path, content, words):
    path = tmp_path / "xa.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_policy(path)
    message = str(err.value)
    assert message.startswith(f"Tệp chính sách xếp loại «{path}»")
    assert words in message


def test_missing_and_non_utf8_files_are_refused(tmp_path):
    with pytest.raises(UserError, match="Không đọc được tệp chính sách xếp loại"):
        load_policy(tmp_path / "none.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "Khá"'.encode("cp1258", errors="replace") + b"\xff")
    with pytest.raises(UserError, match="không phải văn bản UTF-8"):
        load_policy(latin)


def test_parse_policy_accepts_text():
    assert parse_policy('[[class]]\ncode = "trung_binh"\n').suggest(10, False) == "trung_binh"
