"""The YAML loader: positions, refusals, YAML 1.1 surprises, and no traceback for any input."""

from __future__ import annotations

import string

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.read import parse as parse_module
from generator.build import check
from generator.errors import ContentError, ContentErrors
from generator.read.load import load_content
from generator.read.parse import MAX_DEPTH, Position, parse_yaml
from generator.check.validate import validate_content
from support import ARCHIVE_CONTENT, ROOT


def parse(text: str):
    return parse_yaml(text, "content/people.yml", "person")


def test_positions_of_values_and_keys():
    doc = parse("- id: a\n  roles:\n    - title: x\n")
    assert doc.data == [{"id": "a", "roles": [{"title": "x"}]}]
    assert doc.position((0, "roles", 0, "title")) == Position(3, 14)
    assert doc.position((0, "roles", 0, "title"), key=True) == Position(3, 7)
    assert doc.position((0, "roles", 0)) == Position(3, 7)
    assert doc.position((0, "roles")) == Position(3, 5)
    # A path below a scalar falls back to the nearest value that exists.
    assert doc.position((0, "roles", 0, "title", "deeper")) == Position(3, 14)


def test_which_path_has_which_position_is_worked_out_only_when_asked():
    doc = parse("\ufeff- id: a\n  name: b\n")
    assert "_order" not in vars(doc)
    assert doc.position((0, "name")) == Position(2, 9)
    assert "_order" in vars(doc)
    assert doc.position((0, "name"), key=True) == Position(2, 3)
    assert doc.position((0,), key=True) == Position(1, 3)  # a list item has no key: its value's place
    assert parse("").position(("x",)) == Position(1, 1)


def test_a_duplicate_key_names_the_line_of_the_first():
    error = parse("- id: a\n  name: b\n  role: c\n  name: d\n")
    assert isinstance(error, ContentError)
    assert (error.line, error.column) == (4, 3)
    assert "line 2" in error.hint


def test_plain_scalars_are_text_unless_plainly_something_else():
    doc = parse("a: no\nb: on\nc: 0755\nd: 2023-08-28\ne: 10:30\nf: true\ng: ~\nh: 12\ni: 1.5\nj: 'true'\n")
    assert doc.data == {"a": "no", "b": "on", "c": "0755", "d": "2023-08-28", "e": "10:30",
                        "f": True, "g": None, "h": 12, "i": 1.5, "j": "true"}
    assert parse("[+0, -3, .5, 1.0e3, 1e3, 0x1F, 1_000, .inf, yes, Null, FALSE, tRue, '', 00]\n").data == \
        [0, -3, 0.5, 1000.0, "1e3", "0x1F", "1_000", ".inf", "yes", None, False, "tRue", "", "00"]


def test_explicit_tags_are_refused():
    error = parse("a: !!python/object:os.system x\n")
    assert str(error) == ("content/people.yml:1:4: the tag 'tag:yaml.org,2002:python/object:os.system' "
                          "is not supported (remove the tag)")


def test_deep_nesting_is_an_error_not_a_recursion_error():
    error = parse("[" * 1000 + "]" * 1000)
    assert isinstance(error, ContentError)
    assert error.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert (error.line, error.column) == (1, MAX_DEPTH + 1)


def test_deep_block_nesting_is_refused_where_it_goes_too_deep():
    text = "".join(f"{'  ' * n}k{n}:\n" for n in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 5) + "x\n"
    error = parse(text)
    assert isinstance(error, ContentError)
    assert error.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert (error.line, error.column) == (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)  # the value at depth 50


def test_aliases_are_refused_where_they_stand_and_an_unused_anchor_is_read():
    assert str(parse("a: &x [1]\nb: *x\n")) == \
        "content/people.yml:2:1: aliases (*name) are not supported; write the value out"
    assert str(parse("- &x a\n- b\n- *x\n")) == \
        "content/people.yml:1:1: aliases (*name) are not supported; write the value out"
    assert str(parse("a: &x [*x]\n")) == \
        "content/people.yml:1:4: aliases (*name) are not supported; write the value out"
    assert str(parse("&k a: 1\n*k : 2\n")).endswith("aliases (*name) are not supported; write the value out")
    assert parse("a: &x [1]\nb: [2]\n").data == {"a": [1], "b": [2]}


def test_a_billion_laughs_is_refused_at_its_first_alias():
    text = "a: &a [lol, lol]\n" + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
                                             for p, c in zip("abcdefgh", "bcdefghi"))
    assert str(parse(text)) == "content/people.yml:2:4: aliases (*name) are not supported; write the value out"


def test_nesting_beyond_libyaml_limit_is_our_nesting_error():
    error = parse("[" * 5000)
    assert error.message == f"nesting deeper than {MAX_DEPTH} levels"


def test_comments_that_look_like_fields_are_read_at_once():
    # The byte patterns that once chose a parser backtracked exponentially on such a line.
    text = "- source: a\n  # para: " + "#" * 40 + "\n  para: 1\n"
    assert parse(text).data == [{"source": "a", "para": 1}]


def test_the_pure_python_loader_reads_the_fixture_content_alike(monkeypatch):
    # The loader where libyaml is missing: the same values, places and refusals.
    files = sorted((ROOT / "tests" / "fixtures").rglob("*.yml"))
    assert len(files) > 5
    read = {file: parse_yaml(file.read_text(encoding="utf-8"), str(file), "any") for file in files}
    monkeypatch.setattr(parse_module, "_Loader", parse_module._PureLoader)
    for file, doc in read.items():
        again = parse_yaml(file.read_text(encoding="utf-8"), str(file), "any")
        assert (again.data, again.marks) == (doc.data, doc.marks), file
    assert str(parse("a: &x 1\nb: *x\n")) == \
        "content/people.yml:2:1: aliases (*name) are not supported; write the value out"


def test_control_character_is_reported_at_its_place():
    error = parse("- id: a\n  name: x\x07y\n")
    assert str(error) == "content/people.yml:2:10: character U+0007 is not allowed in YAML (remove control characters)"


def test_bom_is_accepted():
    assert parse("\ufeff- id: a\n").data == [{"id": "a"}]


def test_unreadable_files_are_reported_with_their_place(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "content"
    root.mkdir()
    (root / "people.yml").write_bytes(b"- id: a\n  name: caf\xe9\n")
    (root / "sources.yml").write_bytes(b"x" * 10_000_001)
    (root / "notes.txt").write_text("hi")
    content, errors = load_content(root)
    assert content.documents == ()
    assert [str(e) for e in sorted(errors)] == [
        "content/notes.txt:1:1: unexpected file in the content folder "
        "(content files are .yml, and sources' texts .txt files in texts/; move other files elsewhere)",
        "content/people.yml:2:12: file is not valid UTF-8 (save the file as UTF-8)",
        "content/sources.yml:1:1: file is 10,000,001 bytes, larger than the limit of 10,000,000 "
        "(split the records across briefings or shorten them)",
    ]
    assert content.unreadable == {("person", None), ("source", None)}


def test_an_empty_list_file_holds_no_records(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "people.yml").write_text("")
    content, errors = load_content(tmp_path / "content")
    data, more = validate_content(content)
    assert errors == more == []
    assert dict(data.people) == {}


# Arbitrary YAML documents: whatever an editor types, the loader and validator answer with
# ContentErrors or a dataset, never an exception.
_scalars = st.one_of(st.text(string.printable, max_size=12),
                     st.text(st.characters(blacklist_categories=("Cs",)), max_size=6), st.integers(), st.booleans(), st.none(),
                     st.sampled_from(["no", "on", "0755", "2023-08-28", "wang-wentao", "article", "Monday"]))
_keys = st.sampled_from(["id", "name", "roles", "title", "sources", "source", "para", "organization",
                         "kind", "country", "x", "summary", "day", "date"])
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(_keys, inner, max_size=5)),
                       max_leaves=20)
_files = st.sampled_from(["people.yml", "sources.yml", "organizations.yml", "briefings/b/briefing.yml",
                          "briefings/b/agenda.yml", "briefings/b/disputes.yml", "briefings/b/statements.yml"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.dictionaries(_files, _values, min_size=1, max_size=4), garble=st.booleans())
def test_no_document_makes_a_traceback(tmp_path_factory, files, garble):
    root = tmp_path_factory.mktemp("content")
    for name, value in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(value, allow_unicode=True)
        target.write_text(text[: len(text) // 2] if garble else text, encoding="utf-8")
    try:
        check(root)
    except ContentErrors as exc:
        assert exc.errors and all(e.line >= 1 and e.column >= 1 and e.message for e in exc.errors)


@settings(max_examples=200, deadline=None)
@given(_values, st.sampled_from([False, True, None]))
def test_each_value_and_key_has_its_mark_in_the_order_of_the_data(value, flow):
    doc = parse(yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True))
    assume(isinstance(doc, parse_module.Document))  # not a text with a forbidden character
    keys = []

    def count(item):
        if isinstance(item, dict):
            keys.extend(item)
            for v in item.values():
                count(v)
        elif isinstance(item, list):
            for v in item:
                count(v)

    count(doc.data)
    assert len(doc.marks) == len(doc._order) + len(keys)
    for path in doc._order:
        assert doc.position(path) >= doc.position(path, key=True) >= Position(1, 1)


def test_an_explicit_tag_that_does_not_fit_its_value_is_refused():
    error = parse("- id: a\n  roles:\n    - title: x\n      n: !!int x\n")
    assert str(error) == ("content/people.yml:4:10: the tag 'tag:yaml.org,2002:int' does not fit the value 'x' "
                          "(remove the tag)")


def test_a_folder_a_pipe_or_a_socket_named_as_a_content_file_is_reported_not_opened(tmp_path, monkeypatch):
    import os
    import socket

    monkeypatch.chdir(tmp_path)
    visit = tmp_path / "content" / "briefings" / "visit"
    visit.mkdir(parents=True)
    (visit / "agenda.yml").mkdir()
    os.mkfifo(visit / "disputes.yml")  # opening it would wait for a writer for ever
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(visit / "statements.yml"))
        content, errors = load_content(tmp_path / "content")
    finally:
        server.close()
    assert [str(e) for e in sorted(errors)] == [
        "content/briefings/visit/agenda.yml:1:1: is a folder, not a file "
        "(content files are .yml files; rename or move the folder)",
        "content/briefings/visit/disputes.yml:1:1: is not a regular file (a pipe, socket or device) "
        "(replace it with a plain .yml file)",
        "content/briefings/visit/statements.yml:1:1: is not a regular file (a pipe, socket or device) "
        "(replace it with a plain .yml file)",
    ]
    assert content.unreadable == {("agenda", "visit"), ("dispute", "visit"), ("statement", "visit")}


@pytest.mark.parametrize("number", ["EACCES", "EIO", "ENOSPC"])
def test_a_file_that_cannot_be_read_is_one_problem_line(tmp_path, monkeypatch, number):
    import builtins
    import errno
    import os

    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "people.yml").write_text("- id: a\n", encoding="utf-8")
    code = getattr(errno, number)

    def fails(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(builtins, "open", fails)
    content, errors = load_content(tmp_path / "content")
    assert [str(e) for e in errors] == [
        f"content/people.yml:1:1: cannot read the file: {os.strerror(code)} "
        "(check that it exists and that you may read it)"]
    assert content.unreadable == {("person", None)}


# What can make a list's items mean something else when each is parsed alone: quotations and
# brackets left open across an item's end, block scalars, document markers, directives, tabs,
# other line breaks, aliases, tags, comments, placeholders, escapes.
_PIECES = ['"', "'", "[", "]", "{", "}", "\t", "---\n", "...\n", "\r", "\r\n", "- ", "-\n", "\n- \"a\n",
           "*a", "&a ", "|\n", "|+\n", ">-\n", "#", ": ", "\n", " ", "? ", "%YAML 1.1\n", "TODO", "\\",
           "\x85", "\u2028", "- |\n  x\n\n- b\n", '"x\n- y"', "- [a,\n- b]\n", "\ufeff", "!!str ", "key: v\n",
           "- {a: 1,\n  b: 2}\n", "  - nested\n", "-\n  id: x\n"]
_LISTS = [(ARCHIVE_CONTENT / name).read_text(encoding="utf-8")
          for name in ("people.yml", "organizations.yml", "sources.yml")]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_LISTS), st.lists(st.tuples(st.sampled_from(_PIECES), st.floats(0, 1), st.booleans()),
                                         max_size=4))
def test_a_long_list_parsed_item_by_item_is_the_whole_parse(text, changes):
    for piece, where, at_a_line in changes:
        at = int(where * len(text))
        if at_a_line:
            at = text.rfind("\n", 0, at) + 1
        text = text[:at] + piece + text[at:]
    whole = parse_yaml(text, "people.yml", "person")
    items = parse_module.parse_items(text, "people.yml", "person", None,
                                     lambda item: parse_yaml(item, "people.yml", "person"))
    if isinstance(whole, ContentError):
        assert items == whole
        return
    assert isinstance(items, parse_module.Document)
    assert repr(items.data) == repr(whole.data)  # types too: 1, 1.0 and True are equal
    assert items.marks.tolist() == whole.marks.tolist()
    assert items.placeholders == whole.placeholders


def test_a_list_is_split_at_its_items_and_only_a_plain_list_is():
    assert parse_module.split_items("# people\n- id: a\n  name: A\n-\n  id: b\n- id: c") == [
        (0, "# people\n- id: a\n  name: A\n"), (3, "-\n  id: b\n"), (5, "- id: c")]
    for text in ("id: a\n", "- a\n---\n- b\n", "%YAML 1.1\n---\n- a\n", "- a\n\t- b\n", "- a\r\n- b\r\n",
                 "\ufeff- a\n- b\n", "[a, b]\n", "- a\n-b\n"):
        assert parse_module.split_items(text) is None, text
