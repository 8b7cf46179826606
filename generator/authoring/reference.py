"""The field reference of the authoring guide, generated from the schema so it never drifts.

Every field's description is its docstring in `generator/content/schema.py`; its type is said in words
(`text`, `date YYYY-MM-DD`, `list of person ids`). `briefing docs` writes the reference into the
guide between two marker lines; the scaffolds of `briefing new` use the same words in comments.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Callable, Iterator, Literal, Union, get_args, get_origin

from pydantic import BaseModel, WithJsonSchema
from pydantic.fields import FieldInfo

from ..content import schema
from ..content.fields import Ref
from ..content.schema import FILE_KINDS

START = "<!-- reference:start (generated from generator/content/schema.py by `briefing docs`; do not edit) -->"
END = "<!-- reference:end -->"

# (singular, plural) of each named string type of the schema.
_NAMED: dict[int, tuple[str, str]] = {
    id(get_args(annotation)[-1]): words for annotation, words in (
        (schema.Text, ("text", "texts")),
        (schema.Markdown, ("Markdown text", "Markdown texts")),
        (schema.Id, ("id", "ids")),
        (schema.Date, ("date `YYYY-MM-DD`", "dates `YYYY-MM-DD`")),
        (schema.ApproxDate, ("date `YYYY`, `YYYY-MM` or `YYYY-MM-DD`", "dates")),
        (schema.Time, ("time `HH:MM` (24-hour)", "times")),
        (schema.Url, ("web address (`https://…`)", "web addresses")),
        (schema.Country, ("country code (`US`, `CN`)", "country codes")),
        (schema.WikidataId, ("Wikidata id (`Q42`)", "Wikidata ids")),
        (schema.TextFile, ("text file (`texts/NAME.txt`)", "text files")),
    )
}
_REFS: dict[str, tuple[str, str]] = {
    "source": ("source id", "source ids"),
    "person": ("person id", "person ids"),
    "organization": ("organisation id", "organisation ids"),
    "actor": ("person or organisation id", "person or organisation ids"),
    "agenda": ("agenda item id", "agenda item ids"),
    "dispute": ("dispute id", "dispute ids"),
    "agreement": ("agreement id", "agreement ids"),
    "issue": ("dispute or agreement id", "dispute or agreement ids"),
    "event": ("shared event or briefing id", "shared event or briefing ids"),
}


def _plain(model: type[BaseModel]) -> str:
    return model.__name__


def type_words(annotation: Any, metadata: list[Any] = (), *, plural: bool = False,
               link: Callable[[type[BaseModel]], str] = _plain) -> str:
    """A field's type in an editor's words: `text`, `list of person ids`, `one of `a`, `b``."""
    for meta in metadata:
        if isinstance(meta, Ref):
            return _REFS[meta.kind][plural]
    for meta in metadata:
        if isinstance(meta, WithJsonSchema) and id(meta) in _NAMED:
            return _NAMED[id(meta)][plural]
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        inner, *more = get_args(annotation)
        return type_words(inner, [*more, *metadata], plural=plural, link=link)
    if origin in (Union, types.UnionType):
        kept = [a for a in get_args(annotation) if a is not type(None)]
        return type_words(kept[0], metadata, plural=plural, link=link)
    if origin is list:
        return "list of " + type_words(get_args(annotation)[0], plural=True, link=link)
    if origin is Literal:
        return "one of " + ", ".join(f"`{v}`" for v in get_args(annotation))
    if annotation is int:
        return "whole numbers" if plural else "whole number"
    if annotation is bool:
        return "`true` or `false`"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return link(annotation) + (" records" if plural else " record")
    raise TypeError(f"no words for the type {annotation!r}")  # a new type in schema.py needs a name here


def field_words(info: FieldInfo, *, link: Callable[[type[BaseModel]], str] = _plain) -> str:
    """A field's type in words, as type_words, from its pydantic FieldInfo."""
    return type_words(info.annotation, info.metadata, link=link)


def description(model: type[BaseModel], name: str) -> str:
    """A field's docstring; every field must have one."""
    text = model.model_fields[name].description
    if not text:
        raise ValueError(f"{model.__name__}.{name} has no docstring in generator/content/schema.py")
    return " ".join(text.split())


def nested_models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """The record types used inside `model`, depth first, each once."""
    seen: set[type] = set()

    def walk(annotation: Any) -> Iterator[type[BaseModel]]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in seen:
                seen.add(annotation)
                yield annotation
                for info in annotation.model_fields.values():
                    yield from walk(info.annotation)
        for arg in get_args(annotation):
            yield from walk(arg)

    for info in model.model_fields.values():
        yield from walk(info.annotation)


def _anchor(model: type[BaseModel]) -> str:
    return f"[{model.__name__}](#{model.__name__.lower()})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _field_table(model: type[BaseModel]) -> list[str]:
    lines = ["| field | required | type | what it holds |", "| --- | --- | --- | --- |"]
    for name, info in model.model_fields.items():
        required = "yes" if info.is_required() else "no"
        lines.append(f"| `{name}` | {required} | {_cell(field_words(info, link=_anchor))} "
                     f"| {_cell(description(model, name))} |")
    return lines


def render_reference() -> str:
    """The field reference as Markdown: one section per content file, then the parts they share."""
    lines = ["### Files at a glance", "",
             "| file | holds | record |", "| --- | --- | --- |"]
    for kind in FILE_KINDS:
        where = f"content/{kind.filename}" if kind.shared else f"content/briefings/<id>/{kind.filename}"
        holds = "a list of records" if kind.is_list else "one record"
        lines.append(f"| `{where}` | {holds} | {_anchor(kind.model)} |")
    parts: list[type[BaseModel]] = []
    for kind in FILE_KINDS:
        lines += ["", f"### {kind.model.__name__}", "",
                  f"`{kind.filename}`: {' '.join((kind.model.__doc__ or '').split())}", ""]
        lines += _field_table(kind.model)
        parts += [m for m in nested_models(kind.model) if m not in parts]
    lines += ["", "### Parts used inside records", "",
              "These are written inside the records above, never in a file of their own."]
    for model in parts:
        lines += ["", f"#### {model.__name__}", "", " ".join((model.__doc__ or "").split()), ""]
        lines += _field_table(model)
    return "\n".join(lines) + "\n"


def update_guide(text: str) -> str:
    """The guide's text with the generated reference between its two marker lines."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the guide needs the two marker lines:\n{START}\n{END}")
    return text[: start + len(START)] + "\n\n" + render_reference() + "\n" + text[end:]

