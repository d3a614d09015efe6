"""A dossier as Vietnamese lines for the command line."""

from __future__ import annotations

from .model import Dossier


def lines(dossier: Dossier) -> list[str]:
    """The checklist, then the findings (or that there are none), then the notes."""
    out = [dossier.title, ""]
    for part, items in dossier.parts():
        out.append(part)
        for item in items:
            out.append(f"  [{item.status_words}] {item.label}")
            for paper in item.papers:
                out.append(f"      - {paper.ref.label}"
                           + (f" — {paper.issuer}" if paper.issuer else ""))
    out.append("")
    if dossier.missing:
        out.append("Hồ sơ còn thiếu: " + "; ".join(i.label for i in dossier.missing) + ".")
    if dossier.findings:
        out.append(f"Phát hiện {len(dossier.findings)} điểm không thống nhất:")
        out += [f"  {i}. [{f.code}] {f.message}" for i, f in enumerate(dossier.findings, 1)]
    else:
        out.append("Không phát hiện điểm không thống nhất nào.")
    if dossier.notes:
        out.append("")
        out.append("Chưa kiểm tra được:")
        out += [f"  - {note}" for note in dossier.notes]
    return out
