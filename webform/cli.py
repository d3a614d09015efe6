"""`docgen serve`: the web form's command, attached to the `docgen` group through the
`docgen.commands` entry point group (the core never imports the web package)."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading

import click


def _warm_pdf_converter() -> None:
    """Start LibreOffice in the background so the first preview or PDF does not wait."""
    from docgen import pdf
    from docgen.errors import UserError

    def start() -> None:
        with contextlib.suppress(UserError):  # the first real conversion reports it
            pdf.converter().start()

    if pdf.available():
        threading.Thread(target=start, daemon=True).start()


def _start_job_workers(app, workers: int) -> None:
    """Run `workers` job workers in this process (none: `docgen worker` runs the jobs)."""
    if not workers:
        return
    from docgen import pdf
    if workers > 1:
        pdf.configure(workers=min(workers, pdf.MAX_WORKERS))  # a LibreOffice per worker
    queue = app.extensions["docgen_jobs"]
    queue.recover()  # jobs of workers that died while this service was down
    queue.run_workers(workers)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-sample", is_flag=True,
              help="Không nạp huyện mẫu vào cơ sở dữ liệu trống (bắt đầu với dữ liệu của mình).")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Số tiến trình web cùng phục vụ một địa chỉ (trên 1: dùng gunicorn, "
                   "không chạy trên Windows).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(0, 32),
              help="Số việc in hàng loạt, chuyển PDF chạy cùng lúc ngay trong mỗi tiến trình web; "
                   "0: chỉ xếp việc vào hàng đợi cho các máy chạy «docgen worker».")
def serve(host: str, port: int, no_sample: bool, processes: int, workers: int) -> None:
    """Chạy biểu mẫu web (cơ sở dữ liệu SQLite nhúng, tạo ở lần chạy đầu)."""
    from . import create_app
    config = {"JOB_WORKERS": workers, **({"SEED": False} if no_sample else {})}
    if processes > 1:
        from . import processes as many

        def worker_started(app) -> None:
            _start_job_workers(app, workers)
            _warm_pdf_converter()
        many.run(lambda: create_app(config), host, port, processes,
                 on_worker_start=worker_started,
                 banner=f"docgen đang chạy tại http://{host}:{port}/ với {processes} tiến trình "
                        "(Ctrl+C để dừng)")
        return
    import waitress  # a production WSGI server: threads, timeouts, no debugger

    # Refuses (exit status 2, the Group prints why) a damaged SQLite file and a schema older
    # or newer than the code: `docgen db upgrade` is the only way a schema changes.
    app = create_app(config)
    _start_job_workers(app, workers)
    _warm_pdf_converter()
    click.echo(f"docgen đang chạy tại http://{host}:{port}/ (Ctrl+C để dừng)")
    # systemd and `kill` stop a service with SIGTERM: exit normally so clean-up runs
    # (LibreOffice and its profile folder are removed at exit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    waitress.serve(app, host=host, port=port, threads=8, ident="docgen",
                   max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + (1 << 20))
