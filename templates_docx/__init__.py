"""The shipped DOCX templates (a package so that they travel in the wheel)."""
