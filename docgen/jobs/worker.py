"""`docgen worker`: a process that runs jobs from the queue (DOCGEN_BROKER, else the
instance folder's SQLite queue) against the database (DOCGEN_DATABASE_URL), on any machine
that reaches both. Each worker thread has a LibreOffice of its own for PDF."""

from __future__ import annotations

import signal
import threading

import click


def run_workers(queue, count: int, *, stop: threading.Event) -> None:
    """Run `count` workers of `queue` until `stop` is set, then let them finish their job."""
    from .. import pdf
    if count > 1:
        pdf.configure(workers=min(count, pdf.MAX_WORKERS))  # one LibreOffice per worker
    queue.recover()  # jobs of workers that died while none ran
    queue.run_workers(count)
    stop.wait()
    queue.stop()


@click.command()
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Số việc chạy cùng lúc (mỗi việc một LibreOffice riêng).")
def worker(workers: int) -> None:
    """Chạy máy xử lý việc in hàng loạt và chuyển PDF (dừng bằng Ctrl+C hoặc SIGTERM)."""
    from .. import settings
    from ..store.configured import open_store
    from . import Queue

    store = open_store()  # refuses a damaged database or one older than the code (exit 2)
    queue = Queue(store, settings.instance_path())
    queue.folders.sweep()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    where = settings.BROKER.value() or "hàng đợi SQLite trong thư mục dữ liệu"
    click.echo(f"Máy xử lý việc đang chạy với {workers} luồng ({where}); "
               "Ctrl+C để dừng sau việc đang làm.")
    run_workers(queue, workers, stop=stop)
    store.dispose()
    click.echo("Máy xử lý việc đã dừng.")
