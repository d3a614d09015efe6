"""Field paths as a reader knows them: "units[3].name" is «Danh sách đơn vị, dòng 3, Tên
đơn vị». A cross-field rule of an input names the fields it is about by their paths
(«Trường «plan_deadline»: …», «(office_head)»); `place` moves such a message to the field it
is about and names every field in it by its label, as the web form shows them."""

from __future__ import annotations

import dataclasses
import re
import typing

from .schema import spec_of

_NAME = r"[a-z][a-z0-9_]*(?:\[\d+\])?"
_PATH = rf"{_NAME}(?:\.{_NAME})*"
_STEP = re.compile(r"([a-z][a-z0-9_]*)(?:\[(\d+)\])?")
# A field path quoted in a message: «Trường «x»», «x», «(x)», «(x, », «trường x».
_REFERENCE = re.compile(rf"(?:[Tt]rường )?«(?P<quoted>{_PATH})»(?P<colon>:\s*)?"
                        rf"|\s?\((?P<paren>{_PATH})(?P<more>\)|, )"
                        rf"|[Tt]rường (?P<bare>{_PATH})\b")


def _item_type(hint):
    if typing.get_origin(hint) is list:
        return typing.get_args(hint)[0]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return args[0] if args else hint


def _walk(cls: type, path: str) -> tuple[list[str], type | None] | None:
    """The labels along `path` in `cls` and the record type it ends at (None for a value);
    None when `path` names no field."""
    labels: list[str] = []
    current: type | None = cls
    for part in path.split(".") if path else []:
        step = _STEP.fullmatch(part)
        if step is None or current is None or not dataclasses.is_dataclass(current):
            return None
        fields = {f.name: f for f in dataclasses.fields(current) if "spec" in f.metadata}
        field = fields.get(step[1])
        if field is None:
            return None
        spec = spec_of(field)
        labels.append(spec.label + (f", dòng {step[2]}" if step[2] else ""))
        hint = typing.get_type_hints(current)[field.name]
        if spec.kind == "items":
            current = _item_type(hint) if step[2] else None
        elif spec.kind == "record":
            current = _item_type(hint)
        else:
            current = None
    return labels, current


def label(cls: type, path: str) -> str | None:
    """«Danh sách đơn vị, dòng 3, Tên đơn vị» for "units[3].name" in `cls`; None when the
    path names no field of it."""
    found = _walk(cls, path)
    return ", ".join(found[0]) if found and found[0] else None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def place(cls: type, path: str, message: str) -> tuple[str, str]:
    """(path, message) of a problem of `cls` as a form shows it. A record's message (a
    cross-field rule's) naming exactly one field by its path belongs to that field; every
    field path in it becomes the field's label, and the reference to the field the message
    now sits beside is left out. A value's message is kept as it is."""
    found = _walk(cls, path)
    record = found[1] if found else None
    if record is None:  # a value's own message quotes what was typed, never a field
        return path, message

    def resolve(name: str) -> tuple[str, str] | None:
        for base, within in ((path, record), ("", cls)):
            if within is not None and (text := label(within, name)):
                return _join(base, name), text
        return None

    named = {}
    for m in _REFERENCE.finditer(message):
        name = m["quoted"] or m["paren"] or m["bare"]
        if (hit := resolve(name)) is not None:
            named[name] = hit
    if not named:
        return path, message
    target = next(iter(named.values()))[0] if len(named) == 1 else path

    def reword(m: re.Match) -> str:
        name = m["quoted"] or m["paren"] or m["bare"]
        if name not in named:
            return m[0]
        full, text = named[name]
        beside = full == target  # the message will sit beside this field
        if m["paren"]:
            space = " " if m[0].startswith(" ") else ""
            if m["more"] == ")":
                return "" if beside or text in message else f"{space}(«{text}»)"
            return f"{space}(" if beside or text in message else f"{space}(«{text}», "
        if m["colon"] and beside and m.start() == 0:
            return ""  # «Trường «x»: …» beside x: the field's label says it
        return f"«{text}»" + (m["colon"] or "")

    reworded = _REFERENCE.sub(reword, message).strip()
    return target, reworded[:1].upper() + reworded[1:] if target != path else reworded
