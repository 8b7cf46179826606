"""Shortened labels: cut between words, never inside a quotation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.content.excerpt import shorten

SAID = "In Beijing's more negative assessment, Wang expressed “serious concerns” about the restrictions."


def test_a_short_text_is_kept_whole_with_its_white_space_made_single():
    assert shorten("  Four\n agreements. ", 80) == "Four agreements."


def test_a_cut_that_would_split_a_quotation_ends_the_text_before_it():
    assert shorten(SAID, 62) == "In Beijing's more negative assessment, Wang expressed…"
    assert shorten(SAID, 75) == "In Beijing's more negative assessment, Wang expressed “serious concerns”…"


def test_a_quotation_that_opens_the_text_is_kept_whole():
    assert shorten("“We are not compromising. Period.” she said, twice", 20) == "“We are not compromising. Period.”…"
    assert shorten('He said "no deal at all" and left the room', 12) == 'He said "no deal at all"…'


_WORD = st.text(alphabet="abc", min_size=1, max_size=6)
_TOKEN = st.one_of(_WORD, st.lists(_WORD, min_size=1, max_size=4).map(lambda words: "“" + " ".join(words) + "”"))


@given(st.lists(_TOKEN, max_size=20).map(" ".join), st.integers(min_value=1, max_value=60))
def test_no_shortened_text_holds_part_of_a_quotation(text, limit):
    short = shorten(text, limit)
    assert short.count("“") == short.count("”")
    assert text.startswith(short.rstrip("…").rstrip())
