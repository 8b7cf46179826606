"""The one schema definition: every field documented, the committed JSON Schema up to date and in
agreement with the validator."""

from __future__ import annotations

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest
from pydantic import ValidationError

from generator.cli import schema_files
from generator.dataset.model import iter_records
from generator.content.schema import FILE_KINDS, Record, json_schemas
from generator.check.schema_errors import pattern_problem

from support import MINIMAL, ROOT


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
    from generator.content.schema import Person

    person = Person.model_validate(MINIMAL["people.yml"][0])
    paths = [path for path, _ in iter_records(person)]
    assert paths == [(), ("roles", 0), ("roles", 0, "sources", 0), ("sources", 0)]


# Ids and texts are checked by pydantic-core's patterns; the words come from id_problem and
# text_problem. The patterns must accept exactly what those accept.
def _id_adapter():
    from pydantic import TypeAdapter

    from generator.content.fields import Id

    return TypeAdapter(Id)


def _refused_words(adapter, value):
    from pydantic import ValidationError

    from generator.check.schema_errors import pattern_problem

    try:
        adapter.validate_python(value)
    except ValidationError as exc:
        (error,) = exc.errors()
        return pattern_problem(error)
    return None


def test_the_id_pattern_accepts_exactly_the_ids_id_problem_accepts():
    import itertools

    from generator.content.fields import _RESERVED_NAMES, id_problem

    adapter = _id_adapter()
    values = {"".join(p) for n in range(1, 5) for p in itertools.product("acln-1", repeat=n)}
    values |= set(_RESERVED_NAMES) | {n + "-1" for n in _RESERVED_NAMES} | {n + "x" for n in _RESERVED_NAMES}
    values |= {"CON", "Com1", "com10", "lpt", "Index", "indexes", "inde", "a" * 64, "a" * 65, "a-" * 40, "", "-", "a--b", "a b", "é"}
    for value in sorted(values):
        assert _refused_words(adapter, value) == id_problem(value), value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdeinoprtuxlm0123456789-", max_size=70) | st.text(max_size=10))
def test_the_id_pattern_agrees_with_id_problem_on_any_text(value):
    from generator.content.fields import id_problem

    assert _refused_words(_id_adapter(), value) == id_problem(value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
       | st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\x00\x07\x1b\x7fab", max_size=6))
def test_the_text_pattern_agrees_with_text_problem(value):
    from pydantic import TypeAdapter

    from generator.content.fields import Text, text_problem

    assert _refused_words(TypeAdapter(Text), value) == text_problem(value)


def test_no_space_lies_beyond_the_range_the_text_pattern_lists():
    assert not [c for c in map(chr, range(0x3001, 0x110000)) if c.isspace()]


def test_only_ids_are_limited_to_the_id_length():
    # A string_too_long error at ID_MAX is read as an id's (schema_errors.pattern_problem).
    from generator.content.fields import ACCEPTED_ID, ID_MAX

    def limits(metadata):
        return {getattr(meta, "max_length", None) for meta in metadata} - {None}

    def patterns(metadata):
        return {getattr(meta, "pattern", None) for meta in metadata} - {None}

    limited = [(m.__name__, name) for m in _models() for name, info in m.model_fields.items()
               if ID_MAX in limits(info.metadata)]
    assert ("Person", "id") in limited and ("Statement", "speaker") in limited
    assert [field for field in limited
            if patterns(dict(_models_by_name())[field[0]].model_fields[field[1]].metadata) != {ACCEPTED_ID}] == []


def _models_by_name():
    return [(m.__name__, m) for m in _models()]


@pytest.mark.parametrize("kind", ["source", "person", "organization", "agenda", "dispute", "statement"])
def test_the_id_index_is_refused_since_it_names_a_collection_page(kind):
    from generator.content.schema import KINDS

    model = KINDS[kind].model
    with pytest.raises(ValidationError) as caught:
        model.model_validate({"id": "index"})
    words = [pattern_problem(e) for e in caught.value.errors() if e["loc"] == ("id",)]
    assert words == [("'index' is reserved: it names the page that lists a collection",
                      "choose another id, like 'index-1'")]


def test_briefing_new_refuses_the_id_index():
    from generator.authoring.scaffold import ScaffoldError, check_id

    with pytest.raises(ScaffoldError, match="source 'index': 'index' is reserved"):
        check_id("index", "source")
    assert check_id("index-1", "source") == "index-1"
