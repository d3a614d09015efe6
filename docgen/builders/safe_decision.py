"""Builds templates_docx/safe_decision.docx: ND30 Mẫu 1.2 (an individual decision) plus the
recognised units attached in their own section, grouped by unit kind — the layout of the
classification decision (`decision.build_decision`) with the list's own columns."""

from __future__ import annotations

from . import lists
from .decision import build_decision

TEMPLATE = "safe_decision.docx"


def build(path) -> None:
    build_decision(path, "Quyết định công nhận đạt tiêu chuẩn An toàn về an ninh, trật tự", [
        lists.Column("STT", "{{ u.stt }}", 794, centred=True),
        lists.Column("Tên đơn vị", "{{ u.name }}", 4252),
        lists.Column("Địa bàn", "{{ u.place }}", 2608),
        lists.Column("Ghi chú", "{{ u.note }}", 1700)])
