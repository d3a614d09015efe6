"""The registry of document kinds; every entry point finds a kind here by its name."""

from __future__ import annotations

from ..errors import UserError
from . import decision
from .kinds import Kind

KINDS: dict[str, Kind] = {k.name: k for k in (decision.KIND,)}


def get(name: str) -> Kind:
    """The kind called `name`; a UserError listing the kinds otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        raise UserError(f"Không có loại văn bản «{name}»; các loại hiện có: "
                        + ", ".join(KINDS)) from None
