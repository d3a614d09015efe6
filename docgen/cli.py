"""`docgen` command line: kinds, render, check, batch…; `serve` comes from the web package
(entry point group `docgen.commands`). Every command calls the core."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import InputError, UserError

if TYPE_CHECKING:
    import importlib.metadata

PLUGINS = "docgen.commands"  # entry point group of commands other packages add (`serve`)


class Group(click.Group):
    """A click group that turns user errors into one Vietnamese line and exit status 2,
    and lists the commands of the `docgen.commands` entry points, loading one only when
    it is shown or run."""

    def list_commands(self, ctx) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_plugins()))

    def get_command(self, ctx, name: str):
        command = super().get_command(ctx, name)
        if command is None and name in _plugins():
            command = _plugins()[name].load()
            self.add_command(command, name)
        return command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            for line in exc.lines():
                click.echo(f"Lỗi: {line}", err=True)
            sys.exit(2)
        except UserError as exc:
            click.echo(f"Lỗi: {exc.message}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Đã dừng theo yêu cầu; không có tệp dở dang nào được giữ lại.", err=True)
            sys.exit(130)


@functools.cache
def _plugins() -> dict[str, importlib.metadata.EntryPoint]:
    # Read once, and only to list the commands or run a plugin's: it scans every installed
    # package's metadata (about 30 ms), which `docgen kinds` and the like need not pay.
    import importlib.metadata
    return {ep.name: ep for ep in importlib.metadata.entry_points(group=PLUGINS)}


@click.group(cls=Group)
def main() -> None:
    """docgen: văn bản hành chính theo Nghị định 30/2020/NĐ-CP."""


def _register_users() -> None:
    from .users_cli import user
    main.add_command(user)


def _register_db() -> None:
    from .db_cli import db
    main.add_command(db)


def _register_dossier() -> None:
    from .dossier.cli import dossier
    main.add_command(dossier)


def _register_register() -> None:
    from .register.cli import register
    main.add_command(register)


def _register_signing() -> None:
    from .signing_cli import sign, verify
    main.add_command(sign)
    main.add_command(verify)


@main.command()
def kinds() -> None:
    """Liệt kê các loại văn bản và dữ liệu đầu vào của chúng."""
    from . import documents
    from .schema import describe
    for kind in documents.KINDS.values():
        abbr = f", ký hiệu {kind.abbreviation}" if kind.abbreviation else ""
        click.echo(f"{kind.name}: {kind.label}{abbr} (mẫu {kind.template})")
        for line in describe(kind.input):
            click.echo(line)


def load_json(path: Path) -> dict:
    """The input file as a dict; UserError naming the line and column when it is not JSON."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"Không đọc được tệp «{path}»: {exc.strerror}") from None
    try:
        # A huge integer stays text, so the schema refuses it naming its field.
        data = json.loads(raw.decode("utf-8-sig"),
                          parse_int=lambda digits: int(digits) if len(digits) <= 30 else digits)
    except UnicodeDecodeError:
        raise UserError(f"Tệp «{path}» không phải văn bản UTF-8") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"Tệp «{path}» không phải JSON hợp lệ: dòng {exc.lineno}, cột {exc.colno}"
                        f" ({exc.msg})") from None
    except (ValueError, RecursionError):  # e.g. an integer of more than 4,300 digits
        raise UserError(f"Tệp «{path}» có giá trị không đọc được (một số quá lớn hoặc lồng "
                        "nhau quá sâu)") from None
    if not isinstance(data, dict):
        raise UserError(f"Tệp «{path}» phải chứa một đối tượng JSON {{…}}")
    return data


@main.command()
@click.argument("kind")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Tệp DOCX (hoặc PDF với --pdf) kết quả.")
@click.option("--template", type=click.Path(path_type=Path), default=None,
              help="Dùng mẫu DOCX của riêng đơn vị thay cho mẫu có sẵn.")
@click.option("--pdf", is_flag=True, help="Xuất PDF (cần LibreOffice).")
def render(kind: str, data: Path, output: Path, template: Path | None, pdf: bool) -> None:
    """Tạo một văn bản loại KIND từ tệp dữ liệu JSON."""
    from . import documents, render_document
    from .output import write_atomic
    documents.get(kind)
    if template is not None:
        from . import nd30
        for finding in nd30.check(template):
            click.echo(f"Cảnh báo mẫu: {finding.message}", err=True)
    docx = render_document(kind, load_json(data), template=template)
    if pdf:
        from .pdf import to_pdf
        write_atomic(output, to_pdf(docx))
    else:
        write_atomic(output, docx)
    click.echo(f"Đã tạo {output}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
def check(file: Path) -> None:
    """Kiểm tra thể thức ND30 của một tệp DOCX; thoát mã 1 nếu có lỗi."""
    if not file.is_file():
        raise UserError(f"Không tìm thấy tệp «{file}»")
    from . import nd30
    profile = nd30.profile_of(file)
    findings = nd30.check(file, profile)
    if findings:
        click.echo(nd30.format_findings(findings))
        sys.exit(1)
    if profile == "certificate":
        click.echo(f"{file}: Giấy công nhận đúng thể thức (quy tắc riêng của Giấy công nhận và "
                   "các quy tắc Nghị định 30 áp dụng cho nó; không có lỗi).")
    else:
        click.echo(f"{file}: đúng thể thức Nghị định 30 (không có lỗi).")


@main.command()
@click.argument("kind")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Tệp kết quả: .docx (một tệp gộp, mỗi mẫu một trang), .zip (mỗi dòng một "
                   "tệp DOCX) hoặc .pdf.")
@click.option("--strict", is_flag=True,
              help="Dừng, không tạo tệp nào nếu danh sách có dòng lỗi (mặc định: bỏ qua dòng lỗi "
                   "và báo rõ).")
@click.option("--defaults", type=click.Path(path_type=Path), default=None,
              help="Tệp JSON các thông tin chung của mọi mẫu (năm, địa danh, ngày, nội dung cam "
                   "kết…); mỗi dòng danh sách điền thông tin riêng.")
def batch(kind: str, data: Path, output: Path, strict: bool, defaults: Path | None) -> None:
    """Điền hàng loạt mẫu KIND, mỗi dòng của danh sách Excel (.xlsx) hoặc CSV một mẫu."""
    from . import batch as batch_core
    from . import documents, importers

    if kind not in importers.batch_kinds():
        documents.get(kind)
        importers.columns(kind)
    fmt = batch_core.output_format(output)
    common = load_json(defaults) if defaults is not None else {}
    table = importers.stream(data, kind)  # read while the forms are filled
    tty = sys.stderr.isatty()
    last_shown = [0]

    def progress(done: int, total: int) -> None:
        if total <= 50:
            return
        step = max(1, total // 10)
        if tty:
            click.echo(f"\rĐã điền {done}/{total} mẫu", err=True, nl=done == total)
        elif done == total or done - last_shown[0] >= step:
            last_shown[0] = done
            click.echo(f"Đã điền {done}/{total} mẫu", err=True)

    result = batch_core.fill(kind, table, output, fmt=fmt, defaults=common, strict=strict,
                             progress=progress)
    for note in result.notes:
        click.echo(f"Lưu ý: {note}", err=True)
    if result.skipped:
        click.echo(result.skipped_message(), err=True)
    click.echo(f"Đã tạo {output}: {result.written} mẫu")


_register_users()
_register_db()
_register_dossier()
_register_signing()
_register_register()


@main.group(name="households")
def households() -> None:
    """Danh sách hộ đã lưu (dữ liệu cá nhân): xem theo năm, xóa sau khi đã in bản cam kết."""


@households.command(name="list")
def households_list() -> None:
    """Liệt kê các danh sách hộ đã lưu: năm, mã và tên khu dân cư, số hộ."""
    from . import store as q
    from .store.configured import open_store
    with open_store().session(readonly=True) as s:
        lists = q.household_lists(s)
    for item in lists:
        click.echo(f"{item.year}	{item.unit_id}	{item.label}")
    if not lists:
        click.echo("Không còn danh sách hộ nào được lưu.")


@households.command(name="purge")
@click.option("--year", type=int, required=True, help="Năm của các danh sách hộ cần xóa.")
@click.option("--unit", "unit_ids", type=int, multiple=True,
              help="Chỉ xóa danh sách của khu dân cư có mã này (xem «docgen households list»); "
                   "ghi nhiều lần cho nhiều khu; bỏ trống là mọi khu dân cư.")
@click.option("--yes", is_flag=True, help="Không hỏi lại trước khi xóa.")
def households_purge(year: int, unit_ids: tuple[int, ...], yes: bool) -> None:
    """Xóa vĩnh viễn danh sách hộ của năm --year (sau khi đã in bản cam kết), cùng các tệp
    in hàng loạt làm từ các danh sách đó; ghi vào nhật ký thao tác."""
    from . import settings, store as q
    from .store.configured import open_store
    db, instance = open_store(), settings.instance_path()
    chosen = list(unit_ids) or None
    with db.session(readonly=True) as s:
        plan = q.purge_plan(s, year, chosen, instance_path=instance)
    files = f", cùng {len(plan.jobs)} tệp in hàng loạt" if plan.jobs else ""
    click.echo(f"Sẽ xóa vĩnh viễn {plan.describe()}{files}.")
    if not yes and not click.confirm("Xóa?", default=False):
        click.echo("Đã hủy; chưa xóa gì.", err=True)
        sys.exit(1)
    done = q.purge(db, year, chosen, username="cli", instance_path=instance,
                   expected=plan.people)
    click.echo(f"Đã xóa {done.people} hộ của {len(done.lists)} khu dân cư năm {year}"
               + (f" và {len(done.jobs)} tệp in hàng loạt." if done.jobs else "."))


@main.command(name="backup")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--instance", type=click.Path(path_type=Path), default=None,
              help="Thư mục instance (mặc định: DOCGEN_INSTANCE hoặc thư mục instance cạnh "
                   "chương trình).")
def backup_command(out: Path, instance: Path | None) -> None:
    """Sao lưu cơ sở dữ liệu và các tệp cần giữ (secret_key, chính sách) vào tệp ZIP.

    Chạy được khi dịch vụ đang chạy: bản sao là một thời điểm nhất quán.
    """
    from .backup import backup as make_backup
    summary = make_backup(out, instance=instance)
    click.echo(f"Đã sao lưu vào {summary.path}: {summary.counts_text()}.")


@main.command(name="restore")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--instance", type=click.Path(path_type=Path), default=None,
              help="Thư mục instance (mặc định: DOCGEN_INSTANCE hoặc thư mục instance cạnh "
                   "chương trình).")
@click.option("--force", is_flag=True,
              help="Thay cơ sở dữ liệu đang có dữ liệu (bản cũ được giữ lại bên cạnh).")
def restore_command(archive: Path, instance: Path | None, force: bool) -> None:
    """Khôi phục từ tệp sao lưu ZIP (hãy dừng dịch vụ trước khi khôi phục)."""
    from .backup import restore
    summary = restore(archive, instance=instance, force=force)
    click.echo(f"Đã khôi phục từ {summary.path} (sao lưu lúc {summary.created}): "
               f"{summary.counts_text()}.")
    if summary.kept is not None:
        click.echo(f"Cơ sở dữ liệu cũ được giữ tại {summary.kept}.")
