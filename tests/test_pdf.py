"""PDF output through a real LibreOffice (no mocks): every kind, embedded fonts, Vietnamese
text read back, threads, time limits and restarts, a missing LibreOffice, page previews,
and no LibreOffice process left behind."""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

import pytest

import docgen
from docgen import documents, nd30, pdf
from docgen.cli import main as cli
from docgen.errors import UserError
from docgen.pdf.converter import Converter, uno_python
from docgen.samples import sample_path
from docgen.vietnamese import upper
from helpers import have, pdf_text, texts

needs_office = pytest.mark.skipif(not have("soffice"), reason="LibreOffice is not installed")
needs_uno = pytest.mark.skipif(not have("soffice") or uno_python(pdf.soffice()) is None,
                               reason="no Python with uno (apt-get install python3-uno)")

VIETNAMESE = ("Cộng hòa xã hội chủ nghĩa Việt Nam, Độc lập - Tự do - Hạnh phúc, "
              "ỦY BAN NHÂN DÂN, Nguyễn Thị Ượng")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def still_running(base: Path) -> str:
    """`pgrep -f` lines of processes whose command line names this instance's directory."""
    found = subprocess.run(["pgrep", "-af", str(base)], capture_output=True, text=True)
    return found.stdout.strip()


def office_pid(conv: Converter, name: str = "soffice.bin") -> int:
    for pid in conv.pids():
        if Path(f"/proc/{pid}/comm").read_text().strip() == name:
            return pid
    raise AssertionError(f"no {name} among {conv.pids()}")


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture(scope="module")
def conv():
    """The process-wide converter, started once for this module; at the end it is shut
    down and none of its processes may remain (checked with pgrep on its directory)."""
    if not have("soffice"):
        pytest.skip("LibreOffice is not installed")
    converter = pdf.converter()
    converter.start()
    yield converter
    bases = [office.base for office in converter.offices]
    pdf.shutdown()
    for base in bases:
        assert still_running(base) == ""
        assert not base.exists()


@pytest.fixture
def decision_data(sample):
    return sample("decision")


@pytest.fixture
def decision_docx(decision_data):
    return docgen.render_document("decision", decision_data)


def shipped_kinds():
    return [pytest.param(name, id=f"{name} converts with its key fields")
            for name in documents.KINDS if sample_path(name).exists()]


def key_fields(kind: str, data: dict) -> list[str]:
    """Strings a reader must find in the PDF of `kind`'s sample."""
    fields = []
    if isinstance(data.get("issuer"), dict) and data["issuer"].get("name"):
        fields.append(upper(data["issuer"]["name"]))
    if isinstance(data.get("signer"), dict) and data["signer"].get("name"):
        fields.append(data["signer"]["name"])
    if kind == "decision":
        fields += ["QUYẾT ĐỊNH", *(unit["name"] for unit in data["units"])]
    return fields


@needs_office
@pytest.mark.parametrize("kind", shipped_kinds())
def test_each_kind_converts_and_reads_back(conv, sample, kind):
    data = sample(kind)
    out = docgen.render_document(kind, data)
    text = flat(pdf_text(pdf.to_pdf(out)))
    for field in key_fields(kind, data):
        assert flat(field) in text, field
    # Every word of the DOCX, diacritics included, is in the PDF's text. Spaces and
    # hyphens are ignored: a narrow cell wraps a word ("ST" / "T") and pdftotext joins a
    # line ending in a hyphen to the next ("167/KH-" / "BCĐ" gives "167/KHBCĐ").
    solid = re.sub(r"[\s-]", "", text)
    words = {re.sub("-", "", w) for w in " ".join(texts(out)).split()} - {""}
    assert [w for w in words if w not in solid] == []


MM = 72 / 25.4  # PDF points per millimetre


def pdf_pages(pdf_bytes: bytes) -> list[tuple[float, float, list[tuple]]]:
    """Each page's (width, height, words): a word is (text, x0, y0, x1, y1) in points from
    the top left corner, as `pdftotext -bbox` reads it."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf_bytes)
        out = subprocess.run(["pdftotext", "-bbox", str(src), "-"], check=True,
                             capture_output=True).stdout.decode("utf-8")
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                      r'yMax="([\d.]+)">(.*?)</word>')
    return [(float(w), float(h), [(html.unescape(t), *map(float, box))
                                  for *box, t in word.findall(body)])
            for w, h, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>',
                                         out, re.S)]


@needs_office
@pytest.mark.skipif(not have("pdftotext"), reason="poppler-utils is not installed")
@pytest.mark.parametrize("kind", [k for k in shipped_kinds() if k.values[0] != "certificate"])
def test_the_pdf_keeps_the_nd30_page_layout(conv, sample, kind):
    """A4 pages; every word inside ND30's widest text area (left margin at least 30 mm,
    right 15 mm, top and bottom 20 mm); page numbers centred in the top margin, none on
    the first page, restarting for the list attached to a decision."""
    pages = pdf_pages(pdf.to_pdf(docgen.render_document(kind, sample(kind))))
    numbers = []
    for i, (width, height, words) in enumerate(pages, 1):
        size = (round(width / MM), round(height / MM))
        # A4; upright, or across for a table attached to the document (the proposal's list).
        assert size in ((210, 297), (297, 210)), f"page {i} is not A4"
        header = [w for w in words if w[2] < 19.5 * MM]
        body = [w for w in words if w not in header]
        assert body, f"page {i} is empty"
        outside = [w[0] for w in body if w[1] < 29.5 * MM or w[3] > (size[0] - 14.5) * MM
                   or w[4] > (size[1] - 19.5) * MM]
        assert outside == [], f"page {i}: words outside the margins: {outside[:10]}"
        assert len(header) <= 1, f"page {i}: more than a page number above the text"
        middle = (30 + size[0] - 15) / 2  # of the text area
        for text, x0, _y0, x1, _y1 in header:
            assert text.isdigit() and abs((x0 + x1) / 2 / MM - middle) < 2, (i, text)
        numbers.append(int(header[0][0]) if header else None)
    # A section's first page has no number; the next ones count on from 2.
    starts = [i for i, n in enumerate(numbers) if n is None]
    assert starts[0] == 0
    for start, end in zip(starts, starts[1:] + [len(numbers)], strict=True):
        assert numbers[start + 1:end] == list(range(2, end - start + 1)), numbers
    assert len(starts) == (2 if kind in ("decision", "proposal", "safe_decision") else 1), numbers


def fonts(pdf_bytes: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font name, emb column) for each font pdffonts lists."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf_bytes)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    # The last five columns are emb, sub, uni, object and generation.
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


@pytest.fixture
def vietnamese_docx(decision_data):
    decision_data["effect"] = VIETNAMESE
    decision_data["signer"]["name"] = "Nguyễn Thị Ượng"
    return docgen.render_document("decision", decision_data)


@needs_office
def test_vietnamese_text_comes_back_with_its_diacritics(conv, vietnamese_docx):
    assert nd30.check(vietnamese_docx) == []
    text = pdf_text(pdf.to_pdf(vietnamese_docx))
    assert unicodedata.is_normalized("NFC", text)
    assert VIETNAMESE in flat(text)
    assert "Nguyễn Thị Ượng" in text


@needs_office
@pytest.mark.skipif(not have("pdffonts"), reason="poppler-utils is not installed")
def test_every_font_is_embedded(conv, vietnamese_docx, tmp_path):
    listed = fonts(pdf.to_pdf(vietnamese_docx), tmp_path)
    assert len(listed) >= 3  # regular, bold, italic at least
    assert [name for name, emb in listed if emb != "yes"] == []


def signed_by(data: dict, name: str) -> bytes:
    data = dict(data, signer=dict(data["signer"], name=name))
    return docgen.render_document("decision", data)


@needs_office
def test_two_conversions_at_once_both_succeed(conv, decision_data):
    names = ["Nguyễn Văn Một", "Trần Thị Hai"]
    docs = [signed_by(decision_data, name) for name in names]
    results: dict[int, object] = {}
    start = threading.Barrier(2)

    def run(i):
        start.wait()
        try:
            results[i] = pdf.to_pdf(docs[i])
        except Exception as exc:  # reported by the assert below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, name in enumerate(names):
        assert isinstance(results[i], bytes), results[i]
        assert name in pdf_text(results[i])


@needs_office
def test_a_pool_of_two_runs_two_instances_each_with_its_own_profile(decision_data):
    pool = Converter(pdf.soffice(), size=2)
    try:
        docs = [signed_by(decision_data, name) for name in ("Lò Văn A", "Lò Văn B")]
        start = threading.Barrier(2)
        errors = []

        def run(i):
            start.wait()
            with pool.office() as office:
                src = office.base / f"in{i}.docx"
                src.write_bytes(docs[i])
                try:
                    office.convert(src, office.base / f"out{i}.pdf", pdf.TIMEOUT)
                except Exception as exc:  # reported by the assert below
                    errors.append(exc)
                time.sleep(0.2)  # hold the instance so the other thread needs its own

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(pool.offices) == 2
        assert len({office.profile for office in pool.offices}) == 2
        assert all(office.profile.is_dir() for office in pool.offices)
    finally:
        bases = [office.base for office in pool.offices]
        pool.close()
    assert [still_running(base) for base in bases] == ["", ""]


@needs_office
def test_to_pdf_many_keeps_the_order(conv, decision_data):
    names = ["Người Thứ Nhất", "Người Thứ Hai", "Người Thứ Ba"]
    results = pdf.to_pdf_many(signed_by(decision_data, name) for name in names)
    assert [next(n for n in names if n in pdf_text(r)) for r in results] == names
    assert pdf.to_pdf_many([]) == []


@needs_office
def test_a_conversion_past_its_time_limit_is_killed_and_the_next_works(conv, decision_data,
                                                                       monkeypatch):
    units = decision_data["units"]
    decision_data["units"] = [dict(units[i % len(units)], name=f"Đơn vị số {i + 1}")
                              for i in range(800)]
    large = docgen.render_document("decision", decision_data)
    conv.start()
    for office in conv.offices:  # the batch backend adds time for its start otherwise
        monkeypatch.setattr(office, "start_allowance", 0, raising=False)
    before = conv.pids()
    with pytest.raises(UserError, match="không chuyển xong sang PDF trong 0.5 giây"):
        pdf.to_pdf(large, timeout=0.5)
    assert wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in before))
    small = signed_by(dict(decision_data, units=units), "Sau Khi Dừng")
    assert "Sau Khi Dừng" in pdf_text(pdf.to_pdf(small))


@needs_uno
def test_a_hung_libreoffice_is_killed_reported_and_replaced(conv, decision_docx):
    conv.start()
    hung, sockets = office_pid(conv), conv.offices[0].sockets
    os.kill(hung, signal.SIGSTOP)  # LibreOffice stops answering, as when it hangs
    with pytest.raises(UserError) as caught:
        pdf.to_pdf(decision_docx, timeout=2)
    assert "không chuyển xong sang PDF trong 2 giây" in caught.value.message
    assert wait_for(lambda: not Path(f"/proc/{hung}").exists())
    assert [path for path in sockets if path.exists()] == []
    assert "QUYẾT ĐỊNH" in pdf_text(pdf.to_pdf(decision_docx))
    assert office_pid(conv) != hung


@needs_uno
def test_a_libreoffice_that_died_between_conversions_is_restarted(conv, decision_docx):
    conv.start()
    dead = office_pid(conv)
    os.kill(dead, signal.SIGKILL)
    # "Between conversions": the UNO helper has seen LibreOffice die and exited (it does so
    # at once). A conversion sent in the instant before that gets the "died" message instead.
    assert wait_for(lambda: not conv.pids(), seconds=60)
    assert "QUYẾT ĐỊNH" in pdf_text(pdf.to_pdf(decision_docx))


@needs_office
@pytest.mark.parametrize("data", [b"not a docx at all", b"PK\x03\x04broken zip"],
                         ids=["plain bytes are refused", "a broken zip is refused"])
def test_a_broken_docx_is_refused_and_the_next_works(conv, decision_docx, data):
    with pytest.raises(UserError, match="không tạo được tệp PDF"):
        pdf.to_pdf(data)
    assert "QUYẾT ĐỊNH" in pdf_text(pdf.to_pdf(decision_docx))


@needs_office
def test_convert_file_writes_to_a_path_and_leaves_nothing_else(conv, decision_docx, tmp_path):
    src = tmp_path / "quyết định.docx"
    src.write_bytes(decision_docx)
    out = tmp_path / "ra" / "quyết định.pdf"
    out.parent.mkdir()
    assert pdf.convert_file(src, out) == out
    assert out.read_bytes().startswith(b"%PDF")
    assert list(out.parent.iterdir()) == [out]
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not a private 0600 temp file
    with pytest.raises(UserError, match="Không tìm thấy tệp"):
        pdf.convert_file(tmp_path / "không có.docx", out)
    with pytest.raises(UserError, match="không tồn tại"):
        pdf.convert_file(src, tmp_path / "thiếu" / "x.pdf")


@needs_office
def test_the_batch_backend_converts_many_files_per_start(decision_data, tmp_path):
    batch = Converter(pdf.soffice(), backend="batch")
    try:
        pairs = []
        for i, name in enumerate(["Lô Một", "Lô Hai"]):
            src = tmp_path / f"{i}.docx"
            src.write_bytes(signed_by(decision_data, name))
            pairs.append((src, tmp_path / f"{i}.pdf"))
        batch.convert_many(pairs, pdf.TIMEOUT)
        assert ["Lô Một" in pdf_text(pairs[0][1].read_bytes()),
                "Lô Hai" in pdf_text(pairs[1][1].read_bytes())] == [True, True]
        assert batch.offices[0].starts == 1
        bad = tmp_path / "bad.docx"
        bad.write_bytes(b"junk")
        with pytest.raises(UserError, match="Văn bản thứ 2: .*không tạo được tệp PDF"):
            batch.convert_many([pairs[0], (bad, tmp_path / "bad.pdf")], pdf.TIMEOUT)
        batch.offices[0].start_allowance = 0
        with pytest.raises(UserError, match="không chuyển xong sang PDF trong 0.2 giây"):
            batch.convert_many(pairs[:1], 0.2)
    finally:
        base = batch.offices[0].base
        batch.close()
    assert still_running(base) == ""


@pytest.fixture
def no_office(tmp_path, monkeypatch):
    """A PATH with nothing on it, as on a machine without LibreOffice."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("DOCGEN_SOFFICE", raising=False)
    return empty


def test_without_libreoffice_to_pdf_says_so(no_office, decision_docx):
    with pytest.raises(UserError) as caught:
        pdf.to_pdf(decision_docx)
    assert caught.value.message == pdf.MISSING
    assert "tệp DOCX vẫn dùng được" in caught.value.message
    assert pdf.available() is False


def test_docgen_soffice_pointing_nowhere_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCGEN_SOFFICE", str(tmp_path / "soffice"))
    with pytest.raises(UserError) as caught:
        pdf.soffice()
    assert caught.value.message.startswith(pdf.MISSING)
    assert "DOCGEN_SOFFICE" in caught.value.message


def test_cli_pdf_without_libreoffice_exits_2_and_writes_nothing(runner, no_office, write_json,
                                                                decision_data, tmp_path):
    out = tmp_path / "x.pdf"
    result = runner.invoke(cli, ["render", "decision", str(write_json(decision_data)),
                                 "-o", str(out), "--pdf"])
    assert result.exit_code == 2
    assert "Không tìm thấy LibreOffice" in result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".tmp")] == []


@needs_office
def test_cli_pdf_writes_a_pdf(conv, runner, write_json, decision_data, tmp_path):
    out = tmp_path / "x.pdf"
    result = runner.invoke(cli, ["render", "decision", str(write_json(decision_data)),
                                 "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert "QUYẾT ĐỊNH" in pdf_text(out.read_bytes())


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


@needs_office
@pytest.mark.skipif(not have("pdftoppm"), reason="poppler-utils is not installed")
@pytest.mark.parametrize("pages", [2, 1, 9],
                         ids=["two pages asked, two given", "one page asked, one given",
                              "more pages asked than the PDF has, all given"])
def test_preview_gives_the_first_pages_as_png(conv, decision_docx, pages):
    document = pdf.to_pdf(decision_docx)  # the sample decision prints on 3–4 pages
    info = subprocess.run(["pdfinfo", "-"], input=document, capture_output=True, check=True)
    count = int(re.search(rb"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    assert 2 < count < 9
    images = pdf.preview_pngs(document, pages=pages, dpi=60)
    assert len(images) == min(pages, count)
    width, height = png_size(images[0])  # A4 at 60 dpi, give or take pdftoppm's rounding
    assert abs(width - 210 / 25.4 * 60) < 1.5 and abs(height - 297 / 25.4 * 60) < 1.5


def test_preview_without_pdftoppm_says_so(no_office):
    with pytest.raises(UserError) as caught:
        pdf.preview_pngs(b"%PDF-1.4")
    assert caught.value.message == pdf.MISSING_PDFTOPPM


@pytest.mark.skipif(not have("pdftoppm"), reason="poppler-utils is not installed")
def test_preview_of_a_broken_pdf_says_so():
    with pytest.raises(UserError, match="Không tạo được ảnh xem trước"):
        pdf.preview_pngs(b"this is not a pdf")


@needs_uno
def test_an_instance_outlives_the_thread_that_started_it_and_close_stops_it(
        decision_docx, tmp_path):
    own = Converter(pdf.soffice())
    starter = threading.Thread(target=own.start)  # as a web request's thread would
    starter.start()
    starter.join()
    time.sleep(0.5)
    src = tmp_path / "in.docx"
    src.write_bytes(decision_docx)
    own.convert(src, tmp_path / "out.pdf", pdf.TIMEOUT)
    assert own.offices[0].starts == 1
    base, sockets = own.offices[0].base, own.offices[0].sockets
    assert still_running(base) != ""
    assert sockets and all(path.exists() for path in sockets)
    own.close()
    assert still_running(base) == ""
    assert not base.exists()
    assert [path for path in sockets if path.exists()] == []  # LibreOffice's pipes in /tmp


EXIT_SCRIPT = """
import sys
from docgen import pdf
pdf.to_pdf(open(sys.argv[1], "rb").read())
print(pdf.converter().offices[0].base)
"""


@needs_office
def test_exiting_without_shutdown_leaves_no_process_behind(decision_docx, tmp_path):
    src = tmp_path / "in.docx"
    src.write_bytes(decision_docx)
    done = subprocess.run([sys.executable, "-c", EXIT_SCRIPT, str(src)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    base = Path(done.stdout.strip())
    assert base.name.startswith("docgen-lo-")
    assert wait_for(lambda: still_running(base) == "")
    assert not base.exists()


KILLED_SCRIPT = """
import sys, time
from docgen import pdf
pdf.to_pdf(open(sys.argv[1], "rb").read())
print(pdf.converter().offices[0].base, flush=True)
time.sleep(600)
"""


@needs_uno
def test_a_killed_docgen_takes_its_libreoffice_along(decision_docx, tmp_path):
    src = tmp_path / "in.docx"
    src.write_bytes(decision_docx)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SCRIPT, str(src)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    with proc:
        base = Path(proc.stdout.readline().strip())
        assert still_running(base) != ""
        proc.kill()  # no atexit, no clean-up: the helper notices its parent is gone
        proc.wait()
    try:
        assert base.name.startswith("docgen-lo-")
        assert wait_for(lambda: still_running(base) == "")
        assert wait_for(lambda: not base.exists())  # the helper removed it on its way out
    finally:
        shutil.rmtree(base, ignore_errors=True)


@needs_office
def test_configure_sets_how_many_instances_may_run():
    # Last in the module: configure() replaces the process-wide converter.
    with pytest.raises(ValueError):
        pdf.configure(workers=0)
    pdf.configure(workers=2)
    try:
        assert pdf.converter().size == 2
    finally:
        pdf.configure(workers=1)
    assert pdf.converter().size == 1
