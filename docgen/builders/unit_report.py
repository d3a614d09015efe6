"""Builds templates_docx/unit_report.docx (see `unit_papers`)."""

from .unit_papers import build_report as build

TEMPLATE = "unit_report.docx"
__all__ = ["TEMPLATE", "build"]
