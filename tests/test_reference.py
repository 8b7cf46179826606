"""The authoring guide's field reference: generated from the schema, complete, and kept current."""

from __future__ import annotations

import re

import pytest
from support import ROOT

from generator.authoring.reference import (END, START, description, field_words, nested_models, render_reference,
                                 update_guide)
from generator.content.schema import FILE_KINDS, AgendaItem, Briefing, Citation, Dispute, Person, Record


def test_the_committed_guide_has_the_current_reference():
    guide = (ROOT / "AUTHORING.md").read_text(encoding="utf-8")
    assert update_guide(guide) == guide, "the field reference in AUTHORING.md is out of date: run `briefing docs`"


def _section(reference: str, name: str) -> str:
    match = re.search(rf"^#+ {name}\n(.*?)(?=^#+ |\Z)", reference, re.M | re.S)
    assert match, f"no section for {name}"
    return match.group(1)


def test_the_reference_lists_every_field_of_every_record_with_its_docstring():
    reference = render_reference()
    for kind in FILE_KINDS:
        assert f"`content/{kind.filename}`" in reference or f"`content/briefings/<id>/{kind.filename}`" in reference
        for model in [kind.model, *nested_models(kind.model)]:
            section = _section(reference, model.__name__)
            for name, info in model.model_fields.items():
                required = "yes" if info.is_required() else "no"
                assert f"| `{name}` | {required} |" in section, f"{model.__name__}.{name}"
                assert description(model, name) in section, f"{model.__name__}.{name}"


def test_a_field_without_a_docstring_cannot_be_documented():
    class Undocumented(Record):
        name: str

    with pytest.raises(ValueError, match="Undocumented.name has no docstring"):
        description(Undocumented, "name")


@pytest.mark.parametrize("model, field, words", [
    (Dispute, "raised_by", "list of person or organisation ids"),
    (Dispute, "raised_at", "agenda item id"),
    (Briefing, "status", "one of `upcoming`, `ongoing`, `concluded`"),
    (Briefing, "start", "date `YYYY-MM-DD`"),
    (Briefing, "summary", "Markdown text"),
    (Citation, "para", "whole number"),
    (AgendaItem, "outcomes", "list of texts"),
    (Person, "roles", "list of Role records"),
])
def test_field_types_are_said_in_words(model, field, words):
    assert field_words(model.model_fields[field]) == words


def test_record_types_link_to_their_section():
    assert "list of [Citation](#citation) records" in _section(render_reference(), "Person")


def test_update_guide_replaces_only_what_lies_between_the_markers():
    guide = f"# Guide\nbefore\n{START}\nold reference\n{END}\nafter\n"
    updated = update_guide(guide)
    assert updated.startswith(f"# Guide\nbefore\n{START}\n") and updated.endswith(f"{END}\nafter\n")
    assert "old reference" not in updated and "### Files at a glance" in updated
    assert update_guide(updated) == updated


def test_update_guide_needs_both_markers():
    with pytest.raises(ValueError, match="marker lines"):
        update_guide(f"# Guide\n{START}\nno end\n")
