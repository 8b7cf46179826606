"""How a schema problem reads: pydantic's errors in words an editor understands, at their place."""

from __future__ import annotations

import re
from typing import Any, get_args

from pydantic import BaseModel

from ..errors import ContentError, did_you_mean, shown
from ..content.fields import ACCEPTED_ID, ACCEPTED_TEXT, ID_MAX, id_problem, text_problem
from ..read.parse import Document, Path_


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if value is None or isinstance(value, (list, dict)):
        return {type(None): "nothing (null)", list: "a list", dict: "a mapping"}[type(value)]
    return shown(value)


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _unwrap_model(arg)
        if found:
            return found
    return None


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The model that holds the last field of `loc`."""
    for part in loc[:-1]:
        if isinstance(part, str) and part in model.model_fields:
            inner = _unwrap_model(model.model_fields[part].annotation)
            if inner is not None:
                model = inner
    return model


def _field_label(loc: tuple) -> str:
    names = [p for p in loc if isinstance(p, str)]
    return names[-1] if names else "value"


def schema_error(doc: Document, at: Path_, model: type[BaseModel], err: dict) -> ContentError:
    """Turn one pydantic error into a ContentError in words an editor understands."""
    loc = tuple(err["loc"])
    where = at + loc
    kind = err["type"]
    field = _field_label(loc)
    value = err.get("input")
    if kind == "missing":
        return doc.error(where[:-1], f"missing field '{loc[-1]}'",
                         _doc_of(_model_at(model, loc), str(loc[-1])))
    if kind == "extra_forbidden":
        allowed = _model_at(model, loc).model_fields
        hint = did_you_mean(str(loc[-1]), allowed) or "allowed fields: " + ", ".join(allowed)
        return doc.error(where, f"unknown field {shown(loc[-1])}", hint, key=True)
    if kind == "content":
        return doc.error(where, err["msg"], (err.get("ctx") or {}).get("hint"))
    problem = pattern_problem(err)
    if problem is not None:
        return doc.error(where, *problem)
    if kind == "string_type":
        hint = "put the value in quotes" if isinstance(value, (bool, int, float)) else None
        return doc.error(where, f"'{field}' should be text, not {describe(value)}", hint)
    if kind in ("int_type", "int_parsing"):
        return doc.error(where, f"'{field}' should be a whole number, not {describe(value)}")
    if kind == "list_type":
        return doc.error(where, f"'{field}' should be a list, not {describe(value)}",
                         "write each item on its own line starting with '- '")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return doc.error(where, f"'{field}' should be a mapping of fields, not {describe(value)}")
    if kind == "literal_error":
        expected = err["ctx"]["expected"]
        hint = did_you_mean(str(value), re.findall(r"'([^']*)'", expected)) or f"one of {expected}"
        return doc.error(where, f"'{field}' cannot be {describe(value)}", hint)
    if kind == "too_short" and isinstance(value, list):
        need = err["ctx"]["min_length"]
        return doc.error(where, f"'{field}' needs at least {need} {'entry' if need == 1 else 'entries'}")
    if kind == "string_too_long":
        return doc.error(where, f"'{field}' is longer than {err['ctx']['max_length']} characters",
                         "quote a shorter excerpt")
    return doc.error(where, f"'{field}': {err['msg']}")


def pattern_problem(err: dict) -> tuple[str, str | None] | None:
    """The words for an id or a text that pydantic-core's patterns refused (see fields.ACCEPTED_ID)."""
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if err["type"] == "string_pattern_mismatch" and ctx.get("pattern") == ACCEPTED_ID:
        return id_problem(value)
    if err["type"] == "string_too_long" and ctx.get("max_length") == ID_MAX and id_problem(value):
        return id_problem(value)
    if err["type"] == "string_pattern_mismatch" and ctx.get("pattern") == ACCEPTED_TEXT:
        return text_problem(value)
    if err["type"] == "string_pattern_mismatch":  # never the pattern itself: it is ours, not the editor's
        return f"{shown(value)} is not in the form this field takes", None
    return None


def _doc_of(model: type[BaseModel], name: str) -> str | None:
    info = model.model_fields.get(name)
    if not (info and info.description):
        return None
    text = info.description.split("\n")[0].rstrip(".")
    return text[0].lower() + text[1:]
