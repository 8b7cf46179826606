"""Rebuilds under `mkdocs serve`: files whose text did not change are not parsed or validated again."""

from __future__ import annotations

from generator.build import build, forget_files
from generator.load import load_content
from generator.validate import validate_content

from conftest import ROOT


def _documents(folder):
    content, errors = load_content(folder)
    assert errors == []
    return {doc.path: doc for doc in content.documents}


def test_an_unchanged_file_keeps_its_document_and_a_saved_one_is_parsed_again(content):
    folder = content()
    first = _documents(folder)
    agenda = folder / "briefings" / "visit" / "agenda.yml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace("They met.", "They met again."),
                      encoding="utf-8")
    second = _documents(folder)

    changed = "content/briefings/visit/agenda.yml"
    assert all(second[path] is first[path] for path in first if path != changed)
    assert second[changed] is not first[changed]
    assert second[changed].data[0]["summary"] == "They met again."
    data, errors = validate_content(load_content(folder)[0])
    assert errors == [] and data.briefings[0].agenda[0].summary == "They met again."


def test_a_one_off_build_lets_go_of_the_parsed_files_and_a_served_one_keeps_them(content):
    folder = content()
    templates = ROOT / "templates" / "pages"
    build(folder, templates, keep_files=True)
    kept = _documents(folder)
    assert all(_documents(folder)[path] is doc for path, doc in kept.items())
    build(folder, templates)
    assert all(_documents(folder)[path] is not doc for path, doc in kept.items())
    forget_files()
