"""`docgen sign` and `docgen verify`: digital signatures from the command line (docgen.signing)."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import settings
from .errors import UserError

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _password(prompt: str) -> str:
    """DOCGEN_KEY_PASSWORD, else asked without echo; never stored."""
    given = settings.KEY_PASSWORD.value()
    if given is not None:
        return given
    return click.prompt(prompt, hide_input=True, show_default=False, err=True)


@contextmanager
def _signer(key: Path | None, lib: Path | None, token: str | None, label: str | None,
            crl: Path | None):
    """(signer, certificate) from the PKCS#12 file or the PKCS#11 token named."""
    from . import signing
    if (key is None) == (lib is None):
        raise UserError("Chọn đúng một nguồn khóa: --key (tệp PKCS#12) hoặc --pkcs11-lib "
                        "(thiết bị ký số).")
    if key is not None:
        yield signing.open_pkcs12(key, _password(f"Mật khẩu của tệp khóa {key.name}"), crl=crl)
        return
    if not token or not label:
        raise UserError("Với --pkcs11-lib cần cả --token-label (tên thiết bị) và --key-label "
                        "(tên khóa).")
    from .signing.token import open_token
    with open_token(lib, token, label, _password(f"Mã PIN của thiết bị ký số {token}"),
                    crl=crl) as opened:
        yield opened


@click.command()
@click.argument("src", type=FILE)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Tệp PDF đã ký.")
@click.option("--key", type=FILE, help="Tệp khóa PKCS#12 (.p12, .pfx) có mật khẩu.")
@click.option("--pkcs11-lib", "lib", type=FILE,
              help="Thư viện PKCS#11 của thiết bị ký số (USB token, HSM).")
@click.option("--token-label", "token", help="Tên (label) của thiết bị ký số.")
@click.option("--key-label", "label", help="Tên (label) của khóa và chứng thư số trên thiết bị.")
@click.option("--image", type=FILE, help="Ảnh chữ ký (PNG nền trong suốt, màu xanh): ký với "
              "tư cách người có thẩm quyền.")
@click.option("--seal", type=FILE, help="Ảnh con dấu (PNG nền trong suốt, màu đỏ, kích thước "
              "thật): ký với tư cách cơ quan, sau người có thẩm quyền.")
@click.option("--attachment-of", "symbol", metavar="SỐ/KÝ-HIỆU",
              help="Số, ký hiệu văn bản chính: cơ quan ký văn bản kèm theo, không có ảnh.")
@click.option("--crl", type=FILE, help="Danh sách chứng thư số bị thu hồi (CRL) để kiểm tra.")
def sign(src: Path, output: Path, key: Path | None, lib: Path | None, token: str | None,
         label: str | None, image: Path | None, seal: Path | None, symbol: str | None,
         crl: Path | None) -> None:
    """Ký số tệp PDF theo Nghị định 30/2020 (người ký, cơ quan, hoặc văn bản kèm theo)."""
    chosen = [name for name, value in (("--image", image), ("--seal", seal),
                                       ("--attachment-of", symbol)) if value is not None]
    if len(chosen) != 1:
        raise UserError("Chọn đúng một trong --image (người ký), --seal (cơ quan) hoặc "
                        "--attachment-of (văn bản kèm theo)" +
                        (f"; đã chọn {', '.join(chosen)}" if chosen else "") + ".")
    from . import signing
    with _signer(key, lib, token, label, crl) as (signer, cert):
        if image is not None:
            signing.sign_person(src, output, signer, cert, image)
            what = "người có thẩm quyền"
        elif seal is not None:
            signing.sign_organisation(src, output, signer, seal)
            what = "cơ quan, tổ chức"
        else:
            signing.sign_attachment(src, output, signer, symbol)
            what = f"cơ quan, tổ chức trên văn bản kèm theo {symbol}"
    click.echo(f"Đã ký số ({what}) vào {output}")


@click.command()
@click.argument("pdf", type=FILE)
@click.option("--trust", type=FILE, multiple=True,
              help="Chứng thư số gốc tin cậy (PEM hoặc DER); dùng nhiều lần được.")
@click.option("--crl", type=FILE, multiple=True,
              help="Danh sách chứng thư số bị thu hồi (CRL, PEM hoặc DER) để kiểm tra; dùng "
                   "nhiều lần được.")
@click.option("--crl-from-certificate", is_flag=True,
              help="Tải danh sách thu hồi từ địa chỉ ghi trong chứng thư số (CRL "
                   "distribution point) để kiểm tra.")
def verify(pdf: Path, trust: tuple[Path, ...], crl: tuple[Path, ...],
           crl_from_certificate: bool) -> None:
    """Kiểm tra các chữ ký số của tệp PDF và cách thể hiện theo Nghị định 30/2020."""
    from . import signing
    from .signing.verify import archive_format
    found = signing.verify(pdf, trust=list(trust), crls=list(crl),
                           crl_from_certificate=crl_from_certificate)
    if not found:
        click.echo(f"Tệp «{pdf.name}» không có chữ ký số nào.")
        sys.exit(1)
    for sig in found:
        for line in signing.describe(sig):
            click.echo(line)
    archive, lost = archive_format(pdf)
    click.echo(archive)
    problems = sum(len(sig.problems) for sig in found) + (lost is not None)
    if lost is not None:
        click.echo(f"Lỗi: {lost}")
    if problems:
        click.echo(f"Có {problems} lỗi trong {len(found)} chữ ký số.")
        sys.exit(1)
    click.echo(f"{len(found)} chữ ký số hợp lệ, đúng thể thức.")
