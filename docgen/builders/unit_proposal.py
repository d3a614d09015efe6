"""Builds templates_docx/unit_proposal.docx (see `unit_papers`)."""

from .unit_papers import build_proposal as build

TEMPLATE = "unit_proposal.docx"
__all__ = ["TEMPLATE", "build"]
