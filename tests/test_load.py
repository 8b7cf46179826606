"""The YAML loader: positions, refusals, YAML 1.1 surprises, and no traceback for any input."""

from __future__ import annotations

import string

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import load
from generator.build import check
from generator.errors import ContentError, ContentErrors
from generator.load import MAX_DEPTH, Position, load_content, parse_yaml
from generator.validate import validate_content
from siteproject import ROOT


def parse(text: str):
    return parse_yaml(text, "content/people.yml", "person")


def test_positions_of_values_and_keys():
    doc = parse("- id: a\n  roles:\n    - title: x\n")
    assert doc.data == [{"id": "a", "roles": [{"title": "x"}]}]
    assert doc.positions[(0, "roles", 0, "title")] == Position(3, 14)
    assert doc.key_positions[(0, "roles", 0, "title")] == Position(3, 7)
    # A path below a scalar falls back to the nearest value that exists.
    assert doc.position((0, "roles", 0, "title", "deeper")) == Position(3, 14)


def test_positions_are_found_only_when_asked_and_then_kept():
    doc = parse("\ufeff- id: a\n  name: b\n")
    assert "_tables" not in vars(doc)  # parsing alone keeps no table of positions
    assert doc.position((0, "name")) == Position(2, 9)
    assert "_tables" in vars(doc)
    assert doc.position((0, "name"), key=True) == Position(2, 3)


def test_a_duplicate_key_names_the_line_of_the_first():
    error = parse("- id: a\n  name: b\n  role: c\n  name: d\n")
    assert isinstance(error, ContentError)
    assert (error.line, error.column) == (4, 3)
    assert "line 2" in error.hint


def test_plain_scalars_are_text_unless_plainly_something_else():
    doc = parse("a: no\nb: on\nc: 0755\nd: 2023-08-28\ne: 10:30\nf: true\ng: ~\nh: 12\ni: 1.5\nj: 'true'\n")
    assert doc.data == {"a": "no", "b": "on", "c": "0755", "d": "2023-08-28", "e": "10:30",
                        "f": True, "g": None, "h": 12, "i": 1.5, "j": "true"}


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
    assert load._plainly_simple(text)  # the C composer reads it; the depth is checked after
    error = parse(text)
    assert isinstance(error, ContentError)
    assert error.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert (error.line, error.column) == (MAX_DEPTH, 2 * MAX_DEPTH - 1)


def test_text_that_may_hold_anchors_aliases_or_tags_is_read_by_the_checking_composer():
    for text in ("a: &x 1\nb: *x\n", "- !!str 1\n", "[&x 1, *x]\n", "a:\n- *x\n"):
        assert not load._plainly_simple(text), text
    assert not load._plainly_simple("a: b *emphasis* is safe, but costs speed\n")
    assert load._plainly_simple("a: b & c, d*e, yes!\n")


def test_the_c_composer_reads_the_example_content_as_the_checking_one_does():
    files = sorted((ROOT / "content").rglob("*.yml"))
    assert len(files) > 5
    for file in files:
        text = file.read_text(encoding="utf-8")
        if not load._plainly_simple(text):
            continue
        native = load._parse(text, str(file), "any", None, native=True)
        checked = load._parse(text, str(file), "any", None, native=False)
        assert native.data == checked.data, file
        assert native.positions == checked.positions, file


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
        "(content files are .yml; move other files elsewhere)",
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


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(["", "~", "null", "NULL", "true", "False", "12", "-3", "+0", "1.5", ".5",
                                  "1e3", "1.0e3", "0755", "yes", "on", "2023-08-28", "0x1F"]),
                 st.text(alphabet="0123456789+-.eEtruefalsnNxTF~ ", max_size=8)),
       st.booleans(), st.booleans())
def test_the_resolver_tags_scalars_as_pyyaml_would(value, plain, quoted):
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    resolver = load._Resolver()
    for kind in (ScalarNode, SequenceNode, MappingNode):
        assert resolver.resolve(kind, value, (plain, quoted)) == \
            yaml.resolver.BaseResolver.resolve(resolver, kind, value, (plain, quoted))


# ---------------------------------------------------------------------------------------------
# The fast path (yaml-rs) against the reference (PyYAML with our composer and resolver): whatever
# the text, a document must end with the same records or the same problem lines either way.

_KIND_OF = {**load.SHARED_FILES, **load.BRIEFING_FILES}


def _all_valid(doc):
    from generator.validate import _all_valid

    return _all_valid(doc)


def _outcome(doc) -> tuple:
    """What validation makes of one document read either way: its records, or its problem lines."""
    from generator.validate import _validated

    if isinstance(doc, ContentError):
        return (), (str(doc),), frozenset(), True
    checked = _validated(doc)
    records = tuple((item.at, type(item.record).__name__, item.record.model_dump()) for item in checked.located)
    return records, tuple(str(e) for e in checked.errors), checked.broken, checked.doc is None


def _both_ways(text: str, kind: str) -> tuple[tuple, tuple]:
    path = "content/x.yml"
    fast, reference = load.read_yaml(text, path, kind), parse_yaml(text, path, kind)
    if isinstance(fast, load.Document) and fast.fast and _all_valid(fast) is not None:
        # Accepted as yaml-rs read it: the reference must read the very same data.
        assert isinstance(reference, load.Document) and fast.data == reference.data
    return _outcome(fast), _outcome(reference)


def _content_files() -> list:
    from siteproject import FIXTURE_CONTENT

    return sorted((ROOT / "content").rglob("*.yml")) + sorted(FIXTURE_CONTENT.rglob("*.yml"))


def test_the_example_and_the_fixture_are_read_the_fast_way_and_alike():
    files = _content_files()
    assert len(files) > 10
    for file in files:
        text = file.read_text(encoding="utf-8")
        kind = _KIND_OF[file.name]
        assert load._portable(text.encode(), kind), file  # the fast path is not a dead branch
        fast, reference = _both_ways(text, kind)
        assert fast == reference, file
        assert fast[1] == (), file


def test_every_refused_case_gives_the_same_lines_either_way():
    from test_hostile import REFUSED, REFUSED_FILE

    for case, (text, _) in REFUSED.items():
        if isinstance(text, bytes):
            continue  # not UTF-8 or too large: refused before either parser sees it
        kind = _KIND_OF[REFUSED_FILE.get(case, "context.yml").rsplit("/", 1)[-1]]
        fast, reference = _both_ways(text, kind)
        assert fast == reference, case


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "- !!str 1\n", "- !foo x\n", "a: [1, 2]\n", "a: {b: c}\n", "? a\n: b\n",
    "---\n- a\n", "- a\n...\n", "- a\n---\n- b\n", "%YAML 1.2\n---\n- a\n", "<<: {a: 1}\n",
    "- para: 0755\n", "- para: 0x1F\n", "- n:\n    0o17\n", "- 'para' : 1_000\n", 'a: "x\\/y"\n',
    "a: x\ty\n", "a: x\r\n", "a: x\u2028y\n", "a: x\x85y\n", "a: \xa0\n", "a: \ufeffx\n",
    "- " * 150 + "x\n", "\n" + " " * 300 + "x\n", "- a\n" + " " * 250 + "- b\n",
])
def test_text_where_yaml_rs_could_differ_goes_to_the_reference(text):
    assert not load._portable(text.encode(), "source")
    assert not getattr(load.read_yaml(text, "content/sources.yml", "source"), "fast", False)


def test_what_yaml_rs_reads_otherwise_the_schema_refuses_and_the_reference_reads_again():
    # yaml-rs reads these keys as None, a number, a boolean; the reference as a refusal or text.
    for text in ("- ~: x\n", "- null: x\n", "- : x\n", "- 1: x\n", "- true: x\n", "- id: a\n  1: x\n  '1': y\n"):
        doc = load.read_yaml(text, "content/people.yml", "person")
        assert doc.fast, text
        fast, reference = _both_ways(text, "person")
        assert fast == reference, text
        assert fast[1], text  # a problem, reported as the reference reports it


# Hypothesis: records of every kind from the example, with values drawn from text that means
# something else in one YAML or the other, dumped in the styles editors and tools write.
_TRICKY = ["0755", "0x1F", "0o17", "0b11", "1_000", "+5", "-0", "00", "1.", ".5", "1e3", ".inf", ".NaN",
           "true", "True", "TRUE", "yes", "no", "on", "off", "y", "n", "~", "null", "Null", "NULL", "",
           "2023-08-28", "10:30", "12:30:00", "<<", "=", "- a", "? a", ": a", "a: b", "a #b", "#a", "&a", "*a",
           "!a", "!!str", "%a", "@a", "`a", "[a]", "{a: b}", "|", ">", "'", '"', "\\", "---", "...",
           " a", "a ", "a\nb", "a\n\nb", "a\n b", " \n", "\n", "a\\nb", "王文涛", "é", "\u2028", "\xa0",
           "\t", "a\tb", "😀", "\ufeff", "\u200b"]
_texts = st.one_of(st.sampled_from(_TRICKY), st.lists(st.sampled_from(_TRICKY + list(" abc-:#'\"\n")), max_size=6)
                   .map("".join), st.text(max_size=8))
_numbers = st.one_of(st.integers(min_value=-3, max_value=10**20), st.sampled_from(_TRICKY))


def _example_records() -> list[tuple[str, object, str]]:
    """(kind, data, text as written) of every example and fixture file."""
    found = []
    for file in _content_files():
        text = file.read_text(encoding="utf-8")
        doc = parse_yaml(text, str(file), _KIND_OF[file.name])
        found.append((doc.kind, doc.data, text))
    return found


_EXAMPLES = _example_records()


def _mutate(value, draw, depth=0):
    """`value` with some of its strings and numbers replaced by drawn ones."""
    if isinstance(value, dict):
        return {k: _mutate(v, draw, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_mutate(v, draw, depth + 1) for v in value]
    if isinstance(value, str) and draw(st.integers(0, 5)) == 0:
        return draw(_texts)
    if isinstance(value, int) and not isinstance(value, bool) and draw(st.integers(0, 3)) == 0:
        return draw(_numbers)
    return value


_STYLES = st.fixed_dictionaries({
    "default_flow_style": st.sampled_from([False, None, True]),
    "default_style": st.sampled_from([None, None, None, "'", '"', "|", ">"]),
    "width": st.sampled_from([20, 80, 10**6]),
    "indent": st.sampled_from([2, 4]),
    "allow_unicode": st.booleans(),
    "explicit_start": st.booleans(),
    "sort_keys": st.booleans(),
})


@st.composite
def _documents(draw):
    kind, data, _ = draw(st.sampled_from(_EXAMPLES))
    data = _mutate(data, draw)
    style = draw(_STYLES)
    text = yaml.safe_dump(data, **style)
    return kind, text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
# yaml-rs reads the title as the number 15: the schema refuses it, and the reference reads it again.
@example(("context", "- id: '0755'\n  when: 2022-10\n  title: 0o17\n  summary: Controls.\n  sources:\n"
                     "  - source: readout\n"))
def test_documents_in_any_style_are_read_alike(document):
    kind, text = document
    fast, reference = _both_ways(text, kind)
    assert fast == reference


# Hand edits: fragments of YAML syntax spliced into an example file at any place, and lines
# indented or outdented; most of these are broken YAML, which must be refused alike.
_FRAGMENTS = ["&a ", "*a", "!!str ", "!x ", "? ", "<<: ", "--- ", "...", "%YAML 1.2\n", "\t", "[", "]", "{",
              "}", ", ", "#", " #x", "'", '"', "''", "|", "|-", ">+", "|2", "- ", ": ", ":", "\\", "\\n", "\r\n",
              "\r", "\u2028", "\xa0", "0x1F", "1_0", "0755", "~", "null", "7", "\n", "\n\n", "  ", " ", "-",
              "para: 3", "n: 2", "\ufeff", "@", "`", "a: b\n", "- x\n", "\n- ", "\n  ", "\n    "]


# The fragments no filter sends to the reference: edits that yaml-rs reads.
_PORTABLE_FRAGMENTS = [f for f in _FRAGMENTS if load._portable(("a: " + f + "\n").encode(), "source")]


def _edited(fragments: list[str]):
    @st.composite
    def edited(draw):
        kind, data, text = draw(st.sampled_from(_EXAMPLES))
        style = draw(_STYLES)
        if fragments is _PORTABLE_FRAGMENTS:  # and text yaml-rs reads: as written, or dumped plainly
            style.update(explicit_start=False, default_flow_style=False, allow_unicode=True, default_style=None)
        if fragments is not _PORTABLE_FRAGMENTS or draw(st.booleans()):
            text = yaml.safe_dump(data, **style)
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(text)))
            if draw(st.booleans()):
                text = text[:at] + draw(st.sampled_from(fragments)) + text[at:]
            else:
                text = text[:at] + text[at + draw(st.integers(1, 3)):]
        return kind, text
    return edited()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edited(_FRAGMENTS))
def test_hand_edited_documents_are_read_alike(document):
    kind, text = document
    fast, reference = _both_ways(text, kind)
    assert fast == reference


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edited(_PORTABLE_FRAGMENTS))
def test_documents_edited_where_yaml_rs_reads_them_are_read_alike(document):
    kind, text = document
    fast, reference = _both_ways(text, kind)
    assert fast == reference


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-._xobeE~nulNUTrRF ", min_size=1, max_size=8))
def test_numbers_and_nulls_mean_the_same_either_way(token):
    for text in (f"- n: {token}\n  about: x\n", f"- source: s\n  para: {token}\n", f"- id: {token}\n"):
        for kind in ("source", "person"):
            fast, reference = _both_ways(text, kind)
            assert fast == reference, text


def test_an_explicit_tag_that_does_not_fit_its_value_is_refused():
    error = parse("- id: a\n  roles:\n    - title: x\n      n: !!int x\n")
    assert str(error) == ("content/people.yml:4:10: the tag 'tag:yaml.org,2002:int' does not fit the value 'x' "
                          "(remove the tag)")


def _checked_lines(root) -> list[str]:
    try:
        check(root)
    except ContentErrors as exc:
        return [str(e) for e in exc.errors]
    return []


def test_a_content_folder_with_each_refused_case_is_checked_alike_without_yaml_rs(tmp_path, monkeypatch):
    from test_hostile import CONTEXT, REFUSED, REFUSED_FILE, content_with

    for number, (case, (text, expected)) in enumerate(REFUSED.items()):
        root = content_with(tmp_path / str(number), {REFUSED_FILE.get(case, CONTEXT): text})
        monkeypatch.chdir(tmp_path / str(number))
        with_fast = _checked_lines(root)
        with monkeypatch.context() as patched:
            patched.setattr(load, "_portable", lambda raw, kind: False)
            assert _checked_lines(root) == with_fast, case
        assert with_fast == expected, case


def test_without_yaml_rs_every_file_takes_the_reference(monkeypatch):
    text = (ROOT / "content" / "people.yml").read_text(encoding="utf-8")
    assert load.read_yaml(text, "content/people.yml", "person").fast
    monkeypatch.setattr(load, "yaml_rs", None)
    doc = load.read_yaml(text, "content/people.yml", "person")
    assert not doc.fast and doc.data == parse_yaml(text, "content/people.yml", "person").data
