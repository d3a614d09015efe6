"""PAdES signatures with the ND30 appearances: the signer's image (mục II.7.d), then the
organisation's seal as a second incremental signature (mục II.8.a), or the organisation's
image-less stamp on an attachment (mục II.8.b)."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image, ImageStat
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from ..errors import UserError
from ..output import write_atomic
from . import layout
from .keys import common_name

PERSON, ORGANISATION, ATTACHMENT = "NguoiKy", "CoQuan", "KemTheo"  # signature field names
VIETNAM = timezone(timedelta(hours=7))
ISO = "%Y-%m-%dT%H:%M:%S%z"
STAMP_FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"


def stamp_text(symbol: str, when: datetime) -> str:
    """The attachment stamp: the main document's number and symbol, the signing time."""
    moment = when.astimezone(VIETNAM)
    return (f"Kèm theo văn bản số: {symbol}\n"
            f"Thời gian ký: {moment:%d/%m/%Y %H:%M:%S} +07:00")


class _StampStyle(TextStampStyle):
    """The attachment stamp, its time given in Vietnam time from the signature's own time."""

    def create_stamp(self, writer, box, text_params):
        params = dict(text_params)
        when = datetime.strptime(params.pop("ts"), ISO)
        params["text"] = stamp_text(params.pop("symbol"), when)
        return super().create_stamp(writer, box, params)


@functools.lru_cache(maxsize=2)
def _font_at_1000_upem(path: str) -> bytes:
    """The font rescaled to 1000 units per em: pyHanko 0.38 writes glyph widths (/W, TJ)
    in font units, right only for such fonts (Times New Roman has 2048)."""
    # fontTools comes with pyhanko[opentype]; imported here, where it is used.
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(path)
    if "FFTM" in font:  # FontForge's timestamps: fontTools cannot subset them, says so
        del font["FFTM"]
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _Font(GlyphAccumulatorFactory):
    """pyHanko's font engine on the rescaled font, read into memory (pyHanko leaves the
    file it opens open)."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(
            _font_at_1000_upem(self.font_file)), font_size=self.font_size,
            obj_stream=obj_stream)


def times_font() -> str:
    """Times New Roman if installed, else its metric twin Liberation Serif."""
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "Times New Roman:style=Regular"],
                               capture_output=True, text=True, check=False).stdout.strip()
        if found.lower().endswith((".ttf", ".otf")) and Path(found).is_file():
            return found
    if Path(STAMP_FONT).is_file():
        return STAMP_FONT
    raise UserError("Không tìm thấy phông Times New Roman (hay Liberation Serif, gói "
                    "fonts-liberation2) cho dòng chữ ký số trên văn bản kèm theo.")


@dataclass(frozen=True)
class Picture:
    """A PNG with a transparent background: its pixels and its pyHanko content."""

    image: Image.Image
    dpi: tuple[float, float] | None = None

    @classmethod
    def open(cls, path: Path, *, what: str, colour: str) -> Picture:
        try:
            with Image.open(path) as image:
                image.load()
        except (OSError, ValueError):
            raise UserError(f"Không đọc được ảnh {what} «{Path(path).name}».") from None
        if image.format != "PNG" or not (image.mode in ("RGBA", "LA")
                                         or "transparency" in image.info):
            raise UserError(f"Ảnh {what} «{Path(path).name}» phải là tệp PNG nền trong suốt.")
        rgba = image.convert("RGBA")
        opaque = rgba.getchannel("A").point(lambda a: 255 if a > 128 else 0)
        stat = ImageStat.Stat(rgba.convert("RGB"), opaque)
        red, blue = stat.mean[0], stat.mean[2]
        if stat.count[0] == 0:
            raise UserError(f"Ảnh {what} «{Path(path).name}» trong suốt hoàn toàn.")
        if (colour == "blue" and blue <= red) or (colour == "red" and red <= blue):
            name = "xanh" if colour == "blue" else "đỏ"
            raise UserError(f"Ảnh {what} «{Path(path).name}» phải màu {name} (Nghị định "
                            "30/2020, Phụ lục I).")
        return cls(rgba, image.info.get("dpi"))

    def style(self) -> StaticStampStyle:
        return StaticStampStyle(background=PdfImage(self.image), border_width=0,
                                background_opacity=1.0)


def _sign(src: Path, dst: Path, signer: SimpleSigner, *, field: str, page: int,
          box: layout.Box, style, reason: str, params: dict | None = None) -> None:
    with open(src, "rb") as fh:
        writer = IncrementalPdfFileWriter(fh, strict=False)
        meta = PdfSignatureMetadata(field_name=field, md_algorithm="sha256", reason=reason,
                                    subfilter=SigSeedSubFilter.PADES)
        spec = SigFieldSpec(field, on_page=page, box=tuple(round(v, 2) for v in box))
        out = io.BytesIO()
        PdfSigner(meta, signer, stamp_style=style, new_field_spec=spec).sign_pdf(
            writer, output=out, appearance_text_params=params)
    write_atomic(Path(dst), out.getvalue())


def _page_refs(node, found: list) -> list:
    for kid in node["/Kids"]:
        obj = kid.get_object()
        if obj.get("/Type") == "/Pages":
            _page_refs(obj, found)
        else:
            found.append(kid.idnum)
    return found


def signature_fields(pdf: Path) -> dict[str, tuple[int, layout.Box, bool]]:
    """Signature field name → (page, widget /Rect, signed) of the PDF's fields."""
    with open(pdf, "rb") as fh:
        reader = PdfFileReader(fh, strict=False)
        pages = _page_refs(reader.root["/Pages"], [])
        form = reader.root.get("/AcroForm")
        fields = form.get_object().get("/Fields") if form is not None else None
        found = {}
        for ref in (fields.get_object() if fields is not None else []):
            field = ref.get_object()
            if field.get("/FT") != "/Sig" or "/Rect" not in field:
                continue
            page = field.raw_get("/P").idnum if "/P" in field else -1
            rect = tuple(float(v) for v in field["/Rect"])
            found[str(field["/T"])] = (pages.index(page) if page in pages else -1, rect,
                                       "/V" in field)
        return found


def _refuse_existing(src: Path, field: str, what: str) -> dict:
    fields = _fields(src)
    if field in fields:
        raise UserError(f"Tệp «{src.name}» đã có chữ ký {what}.")
    return fields


def _fields(src: Path) -> dict:
    try:
        return signature_fields(src)
    except Exception:  # pyHanko raises several kinds on a file that is not a PDF
        raise UserError(f"Tệp «{src.name}» không phải tệp PDF đọc được.") from None


def sign_person(src: Path, dst: Path, signer: SimpleSigner, cert, image: Path) -> layout.Box:
    """Sign as the competent person, the signature image centred in the signature block."""
    src = Path(src)
    picture = Picture.open(image, what="chữ ký", colour="blue")
    _refuse_existing(src, PERSON, "của người có thẩm quyền")
    block = layout.signature_block(src, common_name(cert))
    box = layout.signature_box(block, picture.image.size)
    _sign(src, dst, signer, field=PERSON, page=block.page, box=box, style=picture.style(),
          reason="Ký với tư cách người có thẩm quyền")
    return box


def sign_organisation(src: Path, dst: Path, signer: SimpleSigner, seal: Path) -> layout.Box:
    """Sign as the organisation after the person: the seal over the left third of the
    signer's image, as a second incremental signature."""
    src = Path(src)
    picture = Picture.open(seal, what="con dấu", colour="red")
    fields = _refuse_existing(src, ORGANISATION, "của cơ quan, tổ chức")
    if PERSON not in fields or not fields[PERSON][2]:
        raise UserError(f"Tệp «{src.name}» chưa có chữ ký số của người có thẩm quyền; cơ quan "
                        "chỉ ký số sau người có thẩm quyền (Nghị định 30/2020, Điều 5).")
    page, person_box, _ = fields[PERSON]
    box = layout.seal_box(person_box, layout.seal_diameter(picture.dpi, picture.image.size))
    _sign(src, dst, signer, field=ORGANISATION, page=page, box=box, style=picture.style(),
          reason="Ký với tư cách cơ quan, tổ chức")
    return box


def sign_attachment(src: Path, dst: Path, signer: SimpleSigner, symbol: str) -> layout.Box:
    """Sign an attachment as the organisation: no image, the stamp text at the top right
    of the first page."""
    src = Path(src)
    if not symbol.strip():
        raise UserError("Thiếu số, ký hiệu của văn bản chính (--attachment-of).")
    _refuse_existing(src, ATTACHMENT, "của cơ quan trên văn bản kèm theo")
    size = layout.pages(src)[0][0]
    box = layout.stamp_box(size)
    style = _StampStyle(
        stamp_text="%(text)s", timestamp_format=ISO, border_width=0,
        text_box_style=TextBoxStyle(font=_Font(times_font(), font_size=10), font_size=10),
        # 10 pt as ND30 says: set at the top right of the box, never shrunk to fit.
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MAX, y_align=AxisAlignment.ALIGN_MAX,
            margins=Margins(0, 0, 0, 0), inner_content_scaling=InnerScaling.NO_SCALING))
    _sign(src, dst, signer, field=ATTACHMENT, page=0, box=box, style=style,
          reason=f"Kèm theo văn bản số: {symbol.strip()}", params={"symbol": symbol.strip()})
    return box
