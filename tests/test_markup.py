"""Markdown fields: the shortcut for plain text gives exactly what the full conversion gives."""

from __future__ import annotations

import re
import sys

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from generator.read.load import load_content
from generator.pages.markup import _TEXT_CHAR, convert_markdown, plain_paragraph, render_inline, render_markdown
from generator.check.validate import validate_content

from support import ARCHIVE_CONTENT

# Characters that mean something to Markdown, to HTML or to the sanitiser, and characters that
# look like text but are not plain: no-break and zero-width spaces, a line separator, a byte-order
# mark, a private-use and a noncharacter code point, controls.
_SPECIAL = list("\\`*_[]!<>&#-+=.:;()'\"/|~{}^%$@ \t\n\r") + [
    "\u00a0", "\u200b", "\u2028", "\u2029", "\ufeff", "\ue000", "\ufdd0", "\x00", "\x0c", "\x85",
    "\u2003", "\u0301", "١", "&amp;", "&#x3c;", "<b>", "</p>", "    ", "  \n", "\n\n", "1. ", "- ",
    "---", "===", "> ", "# ", "[a](javascript:x)", "<https://a.example>", "\x02", "\x03"]
_WORDS = st.sampled_from(["Raimondo", "met", "Wang", "2023", "1986.", "China's", "“talks”", "商务部",
                          "US–China", "(briefing 0)", "e.g.", "a", "-", "+", "=", "50%", "$5"])
# Any character but a lone surrogate, which UTF-8 content cannot hold.
_CHARACTER = st.characters(blacklist_categories=("Cs",))
_HOSTILE = st.lists(st.one_of(st.sampled_from(_SPECIAL), _WORDS, _CHARACTER, st.text(_CHARACTER, max_size=3)),
                    max_size=30).map("".join)
# Prose as editors write it: words and single spaces, lines wrapped, maybe a final new line.
_PROSE = st.builds(lambda lines, end: "\n".join(" ".join(words) for words in lines) + end,
                   st.lists(st.lists(_WORDS, min_size=1, max_size=8), min_size=1, max_size=4),
                   st.sampled_from(["", "\n"]))


def _inline_of(html: str) -> str:
    # What render_inline makes of the full conversion: one paragraph loses its <p>.
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


@settings(max_examples=1500, deadline=None)
@given(text=st.one_of(_HOSTILE, _PROSE))
@example("a\nb")
@example("a  \nb")
@example("a\n    b")
@example("a\n1. b")
@example("a\n=")
@example("2023. A year")
@example("Wang\u00a0Wentao")
@example("text\n")
@example("text\n\n")
def test_markdown_shortcut_matches_the_full_conversion(text: str) -> None:
    full = convert_markdown(text)
    assert render_markdown.__wrapped__(text) == full
    assert render_inline.__wrapped__(text) == _inline_of(str(full))


@settings(max_examples=300, deadline=None)
@given(text=_PROSE)
def test_prose_takes_the_shortcut_and_is_unchanged(text: str) -> None:
    assume(not any(line.startswith(("-", "+", "=", "1986.", "2023")) for line in text.split("\n")))
    assert plain_paragraph(text) == text.removesuffix("\n")
    assert render_markdown.__wrapped__(text) == convert_markdown(text) == f"<p>{text.removesuffix(chr(10))}</p>"


def test_only_text_markdown_leaves_alone_takes_the_shortcut() -> None:
    assert plain_paragraph("Raimondo met Wang.\nThey agreed on “two channels” (briefing 0).\n") is not None
    for text in ("a *b*", "a_b", "[a](b)", "a & b", "a <b>", "# a", "a\n- b", "a\n\nb", " a", "a  \nb",
                 "a\tb", "1. a", "a\n===", "a\u00a0b", "a\u200bb", ""):
        assert plain_paragraph(text) is None, text


def test_every_markdown_field_of_the_archive_converts_the_same_either_way() -> None:
    content, errors = load_content(ARCHIVE_CONTENT)
    data, more = validate_content(content)
    assert not errors + more and data is not None
    texts = [b.briefing.summary for b in data.briefings]
    texts += [t.text for b in data.briefings for t in b.briefing.takeaways]
    texts += [r.summary for b in data.briefings for r in b.agenda + b.context]
    texts += [r.description for b in data.briefings for r in b.disputes + b.agreements]
    texts += [d.response.position for b in data.briefings for d in b.disputes if d.response]
    texts += [s.text for b in data.briefings for a in b.agreements for s in a.next_steps]
    texts += [s.description for s in data.sources.values() if s.description]
    texts += [e.summary for e in data.events.values()]
    assert len(texts) > 20
    assert sum(plain_paragraph(t) is not None for t in texts) > len(texts) // 2
    for text in texts:
        assert render_markdown.__wrapped__(text) == convert_markdown(text), text


def test_the_text_characters_leave_out_every_whitespace_but_the_space() -> None:
    whitespace = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert not {c for c in whitespace - {" "} if re.fullmatch(_TEXT_CHAR, c)}
    assert re.fullmatch(_TEXT_CHAR, " ")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="[]()\\ab", min_size=1, max_size=400), st.integers(1, 400))
def test_the_bracket_check_skips_only_texts_that_cannot_reach_its_limit(piece, times):
    from generator.content import fields

    value = (piece * times)[:fields.MAX_MARKDOWN]
    read = fields._bracket_problem(value) if "[" in value else None
    expected = None if read is None else (
        f"Markdown brackets that are left open or nested deeply: {read}", "write a bracket that starts no link as \\[")
    assert fields.markdown_problem(value) == expected
