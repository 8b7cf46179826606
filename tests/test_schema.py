"""The one schema definition: every field documented, the committed JSON Schema up to date and in
agreement with the validator."""

from __future__ import annotations

import jsonschema
import pytest

from generator.cli import schema_files
from generator.model import iter_records
from generator.schema import FILE_KINDS, Record, json_schemas

from conftest import MINIMAL, ROOT


def _models() -> set[type[Record]]:
    found: set[type[Record]] = set()

    def visit(model: type[Record]) -> None:
        if model in found:
            return
        found.add(model)
        for info in model.model_fields.values():
            for arg in _flatten(info.annotation):
                if isinstance(arg, type) and issubclass(arg, Record):
                    visit(arg)

    for kind in FILE_KINDS:
        visit(kind.model)
    return found


def _flatten(annotation):
    yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _flatten(arg)


def test_every_record_and_field_is_documented():
    undocumented = [f"{m.__name__}.{name}" for m in _models() for name, info in m.model_fields.items()
                    if not info.description]
    assert undocumented == []
    assert all(m.__doc__ and m.__doc__.strip() for m in _models())


def test_committed_schema_is_up_to_date():
    stale = [name for name, text in schema_files().items()
             if not (ROOT / "schema" / name).exists()
             or (ROOT / "schema" / name).read_text(encoding="utf-8") != text]
    assert stale == [], "run `briefing schema` (make schema) and commit schema/"


@pytest.mark.parametrize("kind", FILE_KINDS, ids=lambda k: k.filename)
def test_json_schema_accepts_valid_content(kind):
    schema = json_schemas()[kind.filename.removesuffix(".yml") + ".schema.json"]
    jsonschema.Draft202012Validator.check_schema(schema)
    examples = [v for k, v in MINIMAL.items() if k.endswith(kind.filename)]
    for example in examples:
        jsonschema.validate(example, schema)


def test_json_schema_rejects_what_the_validator_rejects():
    schema = json_schemas()["people.schema.json"]
    person = dict(MINIMAL["people.yml"][0])
    for bad in ({**person, "nmae": "x"}, {**person, "id": "Not An Id"}, {**person, "name": 12},
                {k: v for k, v in person.items() if k != "roles"}, {**person, "sources": []}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([bad], schema)


def test_iter_records_walks_nested_records():
    from generator.schema import Person

    person = Person.model_validate(MINIMAL["people.yml"][0])
    paths = [path for path, _ in iter_records(person)]
    assert paths == [(), ("roles", 0), ("roles", 0, "sources", 0), ("sources", 0)]
