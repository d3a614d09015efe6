"""The web form's job queue: one job at a time in order, owners only, failures cleaned up,
finished jobs and their files expiring."""

from __future__ import annotations

import threading
import time

from docgen.errors import UserError
from webform.jobs import DONE, FAILED, RUNNING, WAITING, Jobs


def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def writes(text: str, gate: threading.Event | None = None):
    def work(job) -> None:
        if gate is not None:
            gate.wait(10)
        path = job.folder / "out.txt"
        path.write_text(text, encoding="utf-8")
        job.file = path
    return work


def test_jobs_run_one_at_a_time_in_order_and_only_their_owner_sees_them(tmp_path):
    jobs = Jobs(tmp_path)
    gate = threading.Event()
    first = jobs.start(1, "một", writes("một", gate))
    second = jobs.start(1, "hai", writes("hai"))
    assert wait_until(lambda: first.state == RUNNING)
    assert second.state == WAITING and jobs.waiting_before(second) == 1
    assert jobs.get(first.id, 1) is first and jobs.get(first.id, 2) is None
    gate.set()
    assert wait_until(lambda: second.state == DONE)
    assert first.state == DONE and first.finished <= second.finished
    assert second.file.read_text(encoding="utf-8") == "hai"
    assert second.file.parent.name == f"docgen-batch-{second.id}"


def test_a_failed_job_keeps_its_message_and_leaves_no_folder(tmp_path, capsys):
    jobs = Jobs(tmp_path)

    def refused(job) -> None:
        raise UserError("Không có dòng hợp lệ nào để điền")

    def broken(job) -> None:
        (job.folder / "half.docx").write_bytes(b"PK")
        raise RuntimeError("disk full")

    def nothing(job) -> None:
        pass  # ended without a file: not done

    ended = [jobs.start(1, name, work) for name, work in
             (("refused", refused), ("broken", broken), ("nothing", nothing))]
    assert wait_until(lambda: all(j.finished for j in ended))
    assert [j.state for j in ended] == [FAILED] * 3
    assert ended[0].message == "Không có dòng hợp lệ nào để điền"
    assert ended[1].message.startswith("Đã có lỗi ngoài dự kiến")
    assert "RuntimeError: disk full" in capsys.readouterr().err  # for the service's log
    assert [j for j in ended if j.folder.exists()] == []


def test_finished_jobs_expire_with_their_files(tmp_path):
    jobs = Jobs(tmp_path, keep_seconds=0.05)
    old = jobs.start(1, "cũ", writes("cũ"))
    assert wait_until(lambda: old.state == DONE)
    time.sleep(0.1)
    new = jobs.start(1, "mới", writes("mới"))  # starting a job sweeps the expired ones
    assert jobs.get(old.id, 1) is None and not old.folder.exists()
    assert wait_until(lambda: new.state == DONE) and jobs.get(new.id, 1) is new
