"""Hostile input: every case is either refused with a `path:line:col: message` line or rendered inert
in every file the build writes; never a traceback.

The last part is a property test: a canary is written into string fields of the fixture archive
(tests/fixtures/archive) and must never appear as live markup in any output file.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import get_args

import jinja2
import markdown
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.pages import markup, render
from generator.content.addresses import shown_address
from generator.build import build, check
from generator.cli import main
from generator.errors import ContentErrors, one_line
from generator.read.load import load_content
from generator.content.schema import KINDS, Markdown, Text
from sitecheck import check_site, live_markup
from support import ARCHIVE_CONTENT, FIXTURE_CONTENT, ROOT, build_site, write_content
from test_html import MISSING_TOOLS, VNU

CONTEXT = "content/briefings/visit/context.yml"
SOURCES = "content/sources.yml"
# A context record nobody refers to: the place to put a hostile value without side effects.
CONTEXT_RECORD = """\
- id: earlier-controls
  when: 2022-10
  title: New export controls
  summary: Controls on chips were announced.
  sources:
    - source: readout
"""


def content_with(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A copy of the fixture content under tmp_path/content, with `files` written over it."""
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    write_content(tmp_path, files)
    return tmp_path / "content"


def problems(tmp_path: Path, monkeypatch, files: dict[str, str | bytes]) -> list[str]:
    """The problem lines `briefing check` prints for the fixture with `files` changed."""
    content_with(tmp_path, files)
    return checked(tmp_path, monkeypatch)


def checked(tmp_path: Path, monkeypatch) -> list[str]:
    """The problem lines `briefing check` prints for tmp_path/content, which must have problems."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--content", "content"])
    assert isinstance(result.exception, SystemExit), result.output  # a traceback is a failed test
    assert result.exit_code == 1, result.output
    return [line.strip() for line in result.output.splitlines() if line.startswith("  ")]


def record(**fields: str) -> str:
    """CONTEXT_RECORD with some lines replaced: {field: the new 'field: value' text}."""
    text = CONTEXT_RECORD
    for name, line in fields.items():
        # The field's line and the more deeply indented lines of its value.
        text, count = re.subn(rf"^(- |  ){name}:.*(\n    .*)*", lambda m: m.group(1) + line, text, flags=re.M)
        assert count == 1, name
    return text


# ---------------------------------------------------------------------------------------------
# Refused, with the exact line an editor sees.

REFUSED = {
    "duplicate key": (
        record(title="title: One\n  title: Two"),
        ["content/briefings/visit/context.yml:4:3: duplicate key 'title' (it is already set at line 3; "
         "keep one)"]),
    "alias bomb": (
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
        'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
        # Each alias is the anchored node again: the first stands in the list `b` (line 2, column 4).
        ["content/briefings/visit/context.yml:2:4: aliases (*name) are not supported; write the value out"]),
    "alias": (
        record(title="title: &t New controls", summary="summary: *t"),
        ["content/briefings/visit/context.yml:4:3: aliases (*name) are not supported; write the value out"]),
    "merge key": (
        record(title="title: New controls\n  <<: {summary: x}"),
        ["content/briefings/visit/context.yml:4:3: merge keys (<<) are not supported (write the fields out)"]),
    "1,000-deep flow nesting": (
        "[" * 1000 + "]" * 1000 + "\n",
        ["content/briefings/visit/context.yml:1:51: nesting deeper than 50 levels"]),
    "1,000-deep block sequences": (
        "- " * 1000 + "x\n",
        # libyaml stops at 1,000 levels, before our walk would stop at 50.
        ["content/briefings/visit/context.yml:1:1999: nesting deeper than 50 levels"]),
    "deep block mappings": (
        "".join(" " * i + "a:\n" for i in range(999)) + " " * 999 + "a: 1\n",
        ["content/briefings/visit/context.yml:1000:1001: nesting deeper than 50 levels"]),
    "tag on a list": (
        record(title="title: !!python/object/apply:os.system [echo hi]"),
        ["content/briefings/visit/context.yml:3:10: the tag 'tag:yaml.org,2002:python/object/apply:os.system' "
         "is not supported (remove the tag)"]),
    "tag on a mapping": (
        record(title="title: !!python/object:os.system {a: 1}"),
        ["content/briefings/visit/context.yml:3:10: the tag 'tag:yaml.org,2002:python/object:os.system' "
         "is not supported (remove the tag)"]),
    "python tag": (
        record(title="title: !!python/name:os.system x"),
        ["content/briefings/visit/context.yml:3:10: the tag 'tag:yaml.org,2002:python/name:os.system' "
         "is not supported (remove the tag)"]),
    "binary tag": (
        record(title="title: !!binary aGk="),
        ["content/briefings/visit/context.yml:3:10: the tag 'tag:yaml.org,2002:binary' is not supported "
         "(remove the tag)"]),
    "a list as a key": (
        record(title="title: x\n  ? [a, b]\n  : c"),
        ["content/briefings/visit/context.yml:4:5: a key must be a plain name"]),
    "raw NUL byte": (
        record(title="title: New\0controls"),
        ["content/briefings/visit/context.yml:3:13: character U+0000 is not allowed in YAML "
         "(remove control characters)"]),
    "escaped NUL": (
        record(title='title: "New\\0controls"'),
        ["content/briefings/visit/context.yml:3:10: the character U+0000 is not allowed in text (remove it)"]),
    "escaped terminal escape": (
        record(title='title: "\\e[2Jcleared"'),
        ["content/briefings/visit/context.yml:3:10: the character U+001B is not allowed in text (remove it)"]),
    "escaped carriage return": (
        record(title='title: "one\\rtwo"'),
        ["content/briefings/visit/context.yml:3:10: the character U+000D is not allowed in text (remove it)"]),
    "escaped C1 control": (
        record(summary='summary: "a\\x85b"'),
        ["content/briefings/visit/context.yml:4:12: the character U+0085 is not allowed in text (remove it)"]),
    "escaped surrogate": (
        record(title='title: "half \\ud800 a pair"'),
        ["content/briefings/visit/context.yml:3:18: found invalid Unicode character escape code "
         "(check the indentation and quoting)"]),
    "escaped noncharacter": (
        record(title='title: "\\uFFFF"'),
        ["content/briefings/visit/context.yml:3:10: the character U+FFFF is not allowed in text (remove it)"]),
    "control character in a key": (
        record(title='title: x\n  "ti\\x1btle": y'),
        ["content/briefings/visit/context.yml:4:3: the character U+001B is not allowed in text (remove it)"]),
    "id with a path": (
        record(id="id: ../../etc/passwd"),
        ["content/briefings/visit/context.yml:1:7: '../../etc/passwd' is not a valid id (use lowercase letters, "
         "digits and single hyphens, like 'wang-wentao')"]),
    "absolute id": (
        record(id="id: /abs"),
        ["content/briefings/visit/context.yml:1:7: '/abs' is not a valid id (use lowercase letters, digits and "
         "single hyphens, like 'wang-wentao')"]),
    "device name id": (
        record(id="id: CON"),
        ["content/briefings/visit/context.yml:1:7: 'CON' is not a valid id (use lowercase letters, digits and "
         "single hyphens, like 'wang-wentao')"]),
    "lowercase device name id": (
        record(id="id: con"),
        ["content/briefings/visit/context.yml:1:7: 'con' is a reserved file name on Windows "
         "(choose another id, like 'con-1')"]),
    "very long id": (
        record(id="id: " + "a" * 5000),
        ["content/briefings/visit/context.yml:1:7: id is 5000 characters long; the limit is 64"]),
    "id with a tab": (
        record(id='id: "a\\tb"'),
        ["content/briefings/visit/context.yml:1:7: 'a\\tb' is not a valid id (use lowercase letters, digits and "
         "single hyphens, like 'wang-wentao')"]),
    "text where a number belongs": (
        record(title="title: 42"),
        ["content/briefings/visit/context.yml:3:10: 'title' should be text, not the number 42 "
         "(put the value in quotes)"]),
    "boolean where text belongs": (
        record(title="title: true"),
        ["content/briefings/visit/context.yml:3:10: 'title' should be text, not the boolean true "
         "(put the value in quotes)"]),
    "null where text belongs": (
        record(title="title: ~"),
        ["content/briefings/visit/context.yml:3:10: 'title' should be text, not nothing (null)"]),
    "list where text belongs": (
        record(summary="summary: [a, b]"),
        ["content/briefings/visit/context.yml:4:12: 'summary' should be text, not a list"]),
    "text where a list belongs": (
        record(sources="sources: readout"),
        ["content/briefings/visit/context.yml:5:12: 'sources' should be a list, not 'readout' "
         "(write each item on its own line starting with '- ')"]),
    "text where a number belongs in a citation": (
        record(sources="sources:\n    - source: readout\n      para: two"),
        ["content/briefings/visit/context.yml:7:13: 'para' should be a whole number, not 'two'"]),
    "octal-looking number": (
        record(sources="sources:\n    - source: readout\n      para: 0755"),
        ["content/briefings/visit/context.yml:7:13: 'para' should be a whole number, not '0755'"]),
    "mapping where a list of records belongs": (
        "id: earlier-controls\n",
        ["content/briefings/visit/context.yml:1:1: context.yml should be a list of records, not a mapping "
         "(start each record with '- ' (or write [] for none))"]),
    "missing field": (
        record(title="title: x").replace("  title: x\n", ""),
        ["content/briefings/visit/context.yml:1:3: missing field 'title' (what happened, in a few words)"]),
    "unknown field": (
        record(title="title: x\n  titel: y"),
        ["content/briefings/visit/context.yml:4:3: unknown field 'titel' (did you mean 'title'?)"]),
    "long unknown field": (
        record(title="title: x\n  " + "k" * 300 + ": y"),
        ["content/briefings/visit/context.yml:4:3: unknown field '" + "k" * 80 + "…' (allowed fields: id, when, "
         "when_text, title, summary, actors, claims, sources, editor_note, event)"]),
    "YAML 1.1 no is the text 'no', not false": (
        record(title="title: x\n  actors: [no]"),
        ["content/briefings/visit/context.yml:4:12: actor 'no' is not a known person or organisation"]),
    "invalid UTF-8": (
        CONTEXT_RECORD.encode().replace(b"chips", b"chi\xffps"),
        ["content/briefings/visit/context.yml:4:27: file is not valid UTF-8 (save the file as UTF-8)"]),
    "UTF-16": (
        CONTEXT_RECORD.encode("utf-16"),
        ["content/briefings/visit/context.yml:1:1: file is not valid UTF-8 (save the file as UTF-8)"]),
    "empty briefing.yml": (
        "",
        ["content/briefings/visit/briefing.yml:1:1: briefing.yml should be a mapping of fields, not empty "
         "(start from `briefing new briefing SLUG`)"]),
    "10 MB file": (
        b"# " + b"x" * 10 * 1024 * 1024 + b"\n",
        ["content/briefings/visit/context.yml:1:1: file is 10,485,763 bytes, larger than the limit of 10,000,000 "
         "(split the records across briefings or shorten them)"]),
    "Markdown lists 1,000 deep": (
        record(summary='summary: "' + "- " * 1000 + 'x"'),
        ["content/briefings/visit/context.yml:4:12: Markdown nested deeper than 10 levels of lists and quotes "
         "(flatten the lists)"]),
    "Markdown lists indented 30 deep": (
        record(summary="summary: |\n" + "".join("    " + "    " * i + "- x\n" for i in range(30))),
        ["content/briefings/visit/context.yml:4:12: Markdown nested deeper than 10 levels of lists and quotes "
         "(flatten the lists)"]),
    "20,000 opening brackets": (
        record(summary='summary: "' + "[" * 20000 + '"'),
        ["content/briefings/visit/context.yml:4:12: Markdown brackets that are left open or nested deeply: "
         "a '[' at character 1 is never closed (write a bracket that starts no link as \\[)"]),
    "links left open": (
        record(summary='summary: "' + "[a](" * 1000 + '"'),
        ["content/briefings/visit/context.yml:4:12: Markdown brackets that are left open or nested deeply: "
         "a '(' at character 4 is never closed (write a bracket that starts no link as \\[)"]),
    "brackets 2,000 deep": (
        record(summary='summary: "' + "[" * 2000 + "]" * 2000 + '"'),
        ["content/briefings/visit/context.yml:4:12: Markdown brackets that are left open or nested deeply: "
         "brackets are nested 2,000 deep (write a bracket that starts no link as \\[)"]),
    "very long Markdown": (
        record(summary='summary: "' + "*a_" * 10000 + '"'),
        ["content/briefings/visit/context.yml:4:12: Markdown text is 30,000 characters long; the limit is 20,000 "
         "(split it, or shorten it)"]),
}
# Which file each case replaces, where it is not context.yml.
REFUSED_FILE = {"empty briefing.yml": "content/briefings/visit/briefing.yml"}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_with_its_position(case: str, tmp_path: Path, monkeypatch) -> None:
    text, expected = REFUSED[case]
    assert problems(tmp_path, monkeypatch, {REFUSED_FILE.get(case, CONTEXT): text}) == expected


# ---------------------------------------------------------------------------------------------
# Web addresses: only http(s), however the scheme is disguised.

# A source nobody cites, so that its error is the only one.
EXTRA_SOURCE = "- id: extra\n  title: Extra\n  publisher: Example\n  kind: reference\n  url: "


@pytest.mark.parametrize("written, shown", [
    ("javascript:alert(1)", "javascript:alert(1)"),
    ("JaVaScRiPt:alert(1)", "JaVaScRiPt:alert(1)"),
    ('"java\\tscript:alert(1)"', "java\\tscript:alert(1)"),
    ('" javascript:alert(1)"', " javascript:alert(1)"),
    ('" https://example.org/"', " https://example.org/"),
    ("data:text/html,<script>alert(1)</script>", "data:text/html,<script>alert(1)</script>"),
    ("//example.org/x", "//example.org/x"),
    ("https://example.org/\"onmouseover=alert(1)", "https://example.org/\"onmouseover=alert(1)"),
    ("https://example.org/<script>", "https://example.org/<script>"),
    ('"https://example.org/\\nx"', "https://example.org/\\nx"),
])
def test_url_field_refuses_other_schemes(written: str, shown: str, tmp_path: Path, monkeypatch) -> None:
    text = (FIXTURE_CONTENT / "sources.yml").read_text(encoding="utf-8") + EXTRA_SOURCE + written + "\n"
    line = text.count("\n")
    assert problems(tmp_path, monkeypatch, {SOURCES: text}) == [
        f"content/sources.yml:{line}:8: '{shown}' is not a web address (only http:// and https:// addresses "
        "are allowed)"]


def test_a_field_that_fails_to_render_is_a_problem_at_its_place(tmp_path: Path, monkeypatch) -> None:
    """Markdown that the check accepts builds; should a field still fail to render, the build stops
    with that field's place, never a traceback."""
    root = content_with(tmp_path, {CONTEXT: record(summary="summary: Breaks *the* renderer.")})
    monkeypatch.chdir(tmp_path)
    real = markup._MD.convert

    def convert(text: str) -> str:
        if "Breaks" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(text)

    monkeypatch.setattr(markup._MD, "convert", convert)
    with pytest.raises(ContentErrors) as stopped:
        build(root.relative_to(tmp_path), ROOT / "templates" / "pages")
    assert [str(e) for e in stopped.value.errors] == [
        "content/briefings/visit/context.yml:4:12: this Markdown cannot be rendered (RecursionError: maximum "
        "recursion depth exceeded)"]


# ---------------------------------------------------------------------------------------------
# Addresses cannot spoof: no user name before the host, no bidirectional controls.

@pytest.mark.parametrize("written, message", [
    ("https://good.example@evil.example/", "'https://good.example@evil.example/' names a user before its host "
     "(write the address without the part up to '@': a reader sees one host and reaches another)"),
    ("https://user:pass@example.org/", "'https://user:pass@example.org/' names a user before its host "
     "(write the address without the part up to '@': a reader sees one host and reaches another)"),
    ("https://example.org/\u202egpj.exe", "'https://example.org/\\u202egpj.exe' holds the bidirectional control "
     "U+202E (remove it: it makes an address read as another)"),
])
def test_url_field_refuses_spoofing(written: str, message: str, tmp_path: Path, monkeypatch) -> None:
    text = (FIXTURE_CONTENT / "sources.yml").read_text(encoding="utf-8") + EXTRA_SOURCE + written + "\n"
    line = text.count("\n")
    assert problems(tmp_path, monkeypatch, {SOURCES: text}) == [f"content/sources.yml:{line}:8: {message}"]


@pytest.mark.parametrize("link", ["https://good.example@evil.example/", "https://example.org/\u202egpj.exe",
                                  "https://example.org/\u2066x"])
def test_markdown_link_that_spoofs_loses_its_target(link: str) -> None:
    assert render.render_markdown(f"See [the page]({link}).") == Markup("<p>See <a>the page</a>.</p>")


def test_a_host_that_mixes_scripts_is_shown_in_punycode(tmp_path: Path) -> None:
    # A Cyrillic "а" among Latin letters: the address reads as apple.example.
    spoof = "https://\u0430pple.example/page"
    text = (FIXTURE_CONTENT / "sources.yml").read_text(encoding="utf-8") + EXTRA_SOURCE + spoof + "\n"
    root = content_with(tmp_path, {SOURCES: text})
    built = build(root, ROOT / "templates" / "pages")
    page = built.pages["sources/extra.md"].html
    assert ">https://xn--pple-43d.example/page</a>" in page and ">" + spoof not in page
    # One script, or the scripts Japanese writes together, are shown as written.
    assert shown_address("https://b\u00fccher.example/") == "https://b\u00fccher.example/"
    assert shown_address("https://\u4f8b\u3048.jp/") == "https://\u4f8b\u3048.jp/"


# ---------------------------------------------------------------------------------------------
# Patterns match whole values: a trailing line break is no part of an id, code, date or address.

PEOPLE = "content/people.yml"
AGENDA = "content/briefings/visit/agenda.yml"


@pytest.mark.parametrize("file, line, written, expected", [
    (PEOPLE, "  country: US", '  country: "US\\n"',
     "content/people.yml:3:12: 'US\\n' is not a country code (use the two-letter ISO code, like 'US' or 'CN')"),
    (PEOPLE, "  wikidata: Q1", '  wikidata: "Q1\\n"',
     "content/people.yml:5:13: 'Q1\\n' is not a Wikidata id (write the item's id as its Wikidata page shows it: "
     "Q and digits, like 'Q42')"),
    (AGENDA, "  date: 2023-08-28", '  date: "2023-08-28\\n"',
     "content/briefings/visit/agenda.yml:4:9: '2023-08-28\\n' is not a date (write dates as YYYY-MM-DD, like "
     "'2023-08-28')"),
    (AGENDA, '  time: "09:30"', '  time: "09:30\\n"',
     "content/briefings/visit/agenda.yml:5:9: '09:30\\n' is not a time (write 24-hour local time as HH:MM, "
     "like '09:30')"),
    (CONTEXT, "  when: 2022-10", '  when: "2022-10\\n"',
     "content/briefings/visit/context.yml:2:9: '2022-10\\n' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD; "
     "put wording like 'earlier in 2023' in when_text)"),
    (CONTEXT, "- id: earlier-controls", '- id: "earlier-controls\\n"',
     "content/briefings/visit/context.yml:1:7: 'earlier-controls\\n' is not a valid id (use lowercase letters, "
     "digits and single hyphens, like 'wang-wentao')"),
])
def test_a_trailing_line_break_is_refused(file: str, line: str, written: str, expected: str, tmp_path: Path,
                                          monkeypatch) -> None:
    text = CONTEXT_RECORD if file == CONTEXT else (FIXTURE_CONTENT / file.removeprefix("content/")).read_text(
        encoding="utf-8")
    assert line in text
    found = problems(tmp_path, monkeypatch, {file: text.replace(line, written, 1)})
    assert found == [expected]
    assert all(len(problem) < 300 for problem in found)


def test_an_address_with_a_trailing_line_break_is_refused(tmp_path: Path, monkeypatch) -> None:
    text = (FIXTURE_CONTENT / "sources.yml").read_text(encoding="utf-8") + EXTRA_SOURCE + '"https://example.org/\\n"\n'
    line = text.count("\n")
    assert problems(tmp_path, monkeypatch, {SOURCES: text}) == [
        f"content/sources.yml:{line}:8: 'https://example.org/\\n' is not a web address (only http:// and https:// "
        "addresses are allowed)"]


# ---------------------------------------------------------------------------------------------
# Accepted as the text an editor wrote.

@pytest.mark.parametrize("written", ["no", "No", "off", "on", "yes", "y", "n", "0755", "0o17", "0x1F",
                                     "1_000", "1e3", "2023-08-28", "12:30", ".inf", ".nan", "=1+1"])
def test_yaml_1_1_values_stay_text(written: str, tmp_path: Path) -> None:
    root = content_with(tmp_path, {CONTEXT: record(title=f"title: {written}")})
    [context] = check(root).briefings[0].context
    assert context.title == written


def test_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    root = content_with(tmp_path, {CONTEXT: "\ufeff" + CONTEXT_RECORD})
    [context] = check(root).briefings[0].context
    assert context.id == "earlier-controls"


def test_empty_list_file_holds_no_records(tmp_path: Path) -> None:
    root = content_with(tmp_path, {CONTEXT: ""})
    assert check(root).briefings[0].context == ()


# ---------------------------------------------------------------------------------------------
# Rendered inert: markup written into every text and Markdown field stays text in every output.

def _is_text(annotation: object) -> bool:
    return annotation in (Text, Markdown) or any(_is_text(arg) for arg in get_args(annotation))


_TEXT_RULES = get_args(Text)[1:] + get_args(Markdown)[1:]


def _is_text_field(info: FieldInfo) -> bool:
    """True for a Text or Markdown field (pydantic keeps a bare Annotated type's rules in metadata)."""
    return _is_text(info.annotation) or any(rule in _TEXT_RULES for rule in info.metadata)


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, (_model_in(arg) for arg in get_args(annotation))), None)


def _text_paths(model: type[BaseModel], data: dict, at: tuple) -> list[tuple[tuple, str]]:
    """(path, 'Model.field') of every text and Markdown value in one record's data."""
    found = []
    for name, value in data.items():
        info = model.model_fields[name]
        annotation = info.annotation
        values = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in values:
            where = at + ((name,) if index is None else (name, index))
            if isinstance(item, str) and _is_text_field(info):
                found.append((where, f"{model.__name__}.{name}"))
            elif isinstance(item, dict):
                found.extend(_text_paths(_model_in(annotation), item, where))
    return found


class Injectable:
    """A content folder whose text and Markdown values can be replaced, written and built."""

    def __init__(self, root: Path):
        content, errors = load_content(root)
        assert errors == []
        self.root = root
        self.documents: dict[str, object] = {}
        # (file, path within its data, 'Model.field') of every text and Markdown value.
        self.values: list[tuple[str, tuple, str]] = []
        for doc in content.documents:
            kind = KINDS[doc.kind]
            name = kind.filename if kind.shared else f"briefings/{doc.briefing}/{kind.filename}"
            self.documents[name] = doc.data
            records = enumerate(doc.data or []) if kind.is_list else [(None, doc.data)]
            for i, item in records:
                self.values.extend((name, path if i is None else (i,) + path, field)
                                   for path, field in _text_paths(kind.model, item, ()))
        self.fields = [(name, path) for name, path, _ in self.values]

    def value(self, field: tuple[str, tuple]) -> str:
        name, path = field
        node = self.documents[name]
        for part in path:
            node = node[part]
        return node

    def write(self, folder: Path, changes: dict[tuple[str, tuple], str]) -> Path:
        """The content under folder/content with the values at `changes` replaced."""
        files = {}
        for name, data in self.documents.items():
            data = copy.deepcopy(data)
            for (file, path), value in changes.items():
                if file == name:
                    target = data
                    for part in path[:-1]:
                        target = target[part]
                    target[path[-1]] = value
            if name == KINDS["source"].filename:
                # The payloads land in quotations too: without the sources' texts, which are not
                # copied, they are counted, not checked (tests/test_quotations.py checks them).
                for source in data:
                    source.pop("text_file", None)
                    source.pop("excerpts", None)
            files[name] = data
        return write_content(folder / "content", files)

    def build(self, folder: Path, changes: dict[tuple[str, tuple], str]) -> Path:
        """Build a project with this content and `changes`; the built site folder."""
        return build_site(folder / "project", self.write(folder / "injected", changes))


FIXTURE = Injectable(FIXTURE_CONTENT)
ARCHIVE = Injectable(ARCHIVE_CONTENT)


def test_fixture_fills_every_text_field_of_the_schema() -> None:
    """The fixture the payload tests use holds a value in every text and Markdown field."""
    def fields(model: type[BaseModel]) -> set[str]:
        found = set()
        for name, info in model.model_fields.items():
            if _is_text_field(info):
                found.add(f"{model.__name__}.{name}")
            inner = _model_in(info.annotation)
            if inner is not None:
                found |= fields(inner)
        return found

    expected = set().union(*(fields(kind.model) for kind in KINDS.values()))
    assert len(expected) > 30
    assert expected - {field for _, _, field in FIXTURE.values} == set()


MARKER = "canary"
PAYLOADS = [
    "<script id=canary>alert(1)</script>",
    "<img id=canary src=x onerror=alert(1)>",
    "<svg id=canary onload=alert(1)><circle r=9></svg>",
    '"><b id=canary onmouseover=alert(1)>x</b>',
    "'><b id=canary onmouseover=alert(1)>x</b>",
    "<i id=canary onmouseover=x>\"'&",
    "&lt;b id=canary&gt;entity&lt;/b&gt;",
    "<!-- canary --><p id=canary>",
    "<a href=javascript:alert(1) id=canary>x</a>",
    "[canary](javascript:alert(1))",
    "[canary](JaVaScRiPt:alert(1))",
    "[canary](java\tscript:alert(1))",
    "[canary]( javascript:alert(1))",
    "[canary](data:text/html,<b id=canary>x</b>)",
    "<javascript:alert(canary)>",
    "[canary][r]\n\n[r]: javascript:alert(1)",
    "![canary](https://example.org/pixel.png)",
    "[canary](http://example.org/ \"t\" onmouseover=alert(1))",
    "{{ canary }} {% raw %}",
]


def site_problems(site: Path) -> list[str]:
    return [str(d) for d in check_site(site) + live_markup(site, MARKER)]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_every_text_field_is_inert(payload: str, tmp_path: Path) -> None:
    site = FIXTURE.build(tmp_path, {field: FIXTURE.value(field) + " " + payload for field in FIXTURE.fields})
    assert site_problems(site) == []
    # The payload reached the pages, as text.
    assert "canary" in (site / "briefings" / "visit" / "index.html").read_text(encoding="utf-8")


def _unescaped(env: jinja2.Environment) -> jinja2.Environment:
    env.autoescape = False
    return env


def _unsanitised_markdown(text: str) -> Markup:
    return Markup(markdown.markdown(text))


def test_inertness_check_catches_templates_without_autoescape(tmp_path: Path, monkeypatch) -> None:
    """The checks above can fail: with autoescaping off, the canary becomes an element."""
    make_environment = render.make_environment
    monkeypatch.setattr(render, "make_environment", lambda templates: _unescaped(make_environment(templates)))
    site = FIXTURE.build(tmp_path, {field: "<i id=canary onmouseover=x>\"'&" for field in FIXTURE.fields})
    found = site_problems(site)
    assert any("element with id 'canary' from the content" in line for line in found)
    assert any("inline event handler onmouseover= on <i>" in line for line in found)


def test_inertness_check_catches_an_unsanitised_markdown_filter(tmp_path: Path, monkeypatch) -> None:
    """The checks above can fail: Markdown without the sanitiser lets a javascript: link through."""
    monkeypatch.setattr(render, "render_markdown", _unsanitised_markdown)
    site = FIXTURE.build(tmp_path, {field: "[canary](javascript:alert(1))" for field in FIXTURE.fields})
    assert any("javascript: URL in href= of <a>" in line for line in site_problems(site))


# ---------------------------------------------------------------------------------------------
# The property: a canary in any string fields, with any text around it, is never live markup.

CANARY = "<i id=canary onmouseover=x>\"'&"
# Any text an editor can write: no control characters (the loader refuses them) but tabs and new lines.
_NOISE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co")) | st.sampled_from("\t\n "),
                 max_size=20)


@settings(max_examples=20, deadline=None)
@given(fields=st.sets(st.sampled_from(ARCHIVE.fields), min_size=1, max_size=12),
       before=_NOISE, payload=st.sampled_from([CANARY, *PAYLOADS]), after=_NOISE,
       append=st.booleans())
def test_canary_never_becomes_live_markup(fields: set, before: str, payload: str, after: str,
                                          append: bool) -> None:
    value = before + payload + after
    # Cut what is there to 100 characters, so that a citation's quote stays within its 200.
    changes = {f: (ARCHIVE.value(f)[:100] + " " if append else "") + value for f in fields}
    with tempfile.TemporaryDirectory() as folder:
        assert site_problems(ARCHIVE.build(Path(folder), changes)) == []


def test_canary_in_every_text_field_of_the_archive_is_text(tmp_path: Path) -> None:
    site = ARCHIVE.build(tmp_path, {field: ARCHIVE.value(field)[:100] + " " + CANARY for field in ARCHIVE.fields})
    assert site_problems(site) == []
    assert len(ARCHIVE.fields) > 100
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "&lt;i id=canary onmouseover=x&gt;" in home


def test_symbolic_link_is_not_read(tmp_path: Path, monkeypatch) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("- id: secret\n  title: not for the site\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    root = content_with(tmp_path, {})
    (root / "briefings" / "visit" / "context.yml").unlink()
    (root / "briefings" / "visit" / "context.yml").symlink_to(secret)
    (root / "linked").symlink_to(tmp_path, target_is_directory=True)
    result = CliRunner().invoke(main, ["check", "--content", "content"])
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines() if line.startswith("  ")]
    assert lines == ["content/briefings/visit/context.yml:1:1: symbolic links are not read "
                     "(copy the file or folder into the content folder)",
                     "content/linked:1:1: symbolic links are not read (copy the file or folder into the "
                     "content folder)"]
    assert "not for the site" not in result.output


@pytest.mark.parametrize("folder, message", [
    ("CON", "'CON' is not a valid id (rename the folder; use lowercase letters, digits and single hyphens, "
            "like 'wang-wentao')"),
    ("a b", "'a b' is not a valid id (rename the folder; use lowercase letters, digits and single hyphens, "
            "like 'wang-wentao')"),
    ("con", "'con' is a reserved file name on Windows (rename the folder; choose another id, like 'con-1')"),
    ("x" * 100, "id is 100 characters long; the limit is 64 (rename the folder)"),
    ("visit\n", "'visit\\n' is not a valid id (rename the folder; use lowercase letters, digits and single "
                "hyphens, like 'wang-wentao')"),
])
def test_briefing_folder_must_be_an_id(folder: str, message: str, tmp_path: Path, monkeypatch) -> None:
    root = content_with(tmp_path, {})
    shutil.move(root / "briefings" / "visit", root / "briefings" / folder)
    assert checked(tmp_path, monkeypatch) == [
        f"content/briefings/{one_line(folder)}/agenda.yml:1:1: briefing folder name: {message}"]


def test_file_name_with_control_characters_is_printed_escaped(tmp_path: Path, monkeypatch) -> None:
    lines = problems(tmp_path, monkeypatch, {"content/evil\x1b[2J\n.yml": "[]\n"})
    assert lines == ["content/evil\\x1b[2J\\n.yml:1:1: unexpected file 'evil\\x1b[2J\\n.yml' (top-level files are "
                     "sources.yml, people.yml, organizations.yml, events.yml)"]


def test_pages_with_hostile_text_pass_the_nu_html_checker(tmp_path: Path) -> None:
    """Escaped and sanitised content is also valid HTML: every payload, spread over every field."""
    java = shutil.which("java")
    assert java and VNU.is_file(), MISSING_TOOLS
    changes = {field: FIXTURE.value(field) + " " + PAYLOADS[i % len(PAYLOADS)]
               for i, field in enumerate(FIXTURE.fields)}
    site = FIXTURE.build(tmp_path, changes)
    pages = sorted(str(p) for p in site.rglob("*.html"))
    run = subprocess.run([java, "-jar", str(VNU), "--format", "json", *pages],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr)["messages"]
    assert [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m["type"] in ("error", "non-document-error")] == []


def test_a_refused_pattern_is_never_printed() -> None:
    from generator.check.schema_errors import pattern_problem

    err = {"type": "string_pattern_mismatch", "input": "x\n", "ctx": {"pattern": "^(?:" + "a|" * 500 + "b)$"},
           "msg": "String should match pattern '...'"}
    assert pattern_problem(err) == ("'x\n' is not in the form this field takes", None)
