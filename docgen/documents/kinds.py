"""The record every document kind publishes: its name, abbreviation, template and code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Callable


@dataclass(frozen=True)
class Kind:
    """A document kind: `input` is its dataclass, `context` turns a parsed input into the
    template's variables, `summary` gives the trích yếu for the register."""

    name: str
    label: str
    abbreviation: str | None
    template: str
    input: type
    context: Callable[[Any], dict]
    summary: Callable[[Any], str]
    description: str = ""
