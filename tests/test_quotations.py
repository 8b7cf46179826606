"""Quotations checked against the sources' texts (generator/quotations.py), through `briefing check`."""

from __future__ import annotations

import copy
import html
import re

import pytest

from generator.build import build, check_summary
from generator.errors import ContentErrors
from generator.check.quotations import VERBATIM_LIMIT, normalise
from generator.incremental.rebuild import Rebuilder

from support import MINIMAL, ROOT, build_site, write_content

TITLE = "Ministers meet in Beijing"
# A fictional article's three paragraphs (its title is the record's).
TEXT = """The two ministers met on Monday in Beijing and agreed to set up a “working group on trade”,
which is to meet twice a year. Officials on both sides called the talks candid, constructive
and pragmatic, and said that the group would report to the ministers before the end of the year,
after consulting companies, trade associations and the chambers of commerce of both countries.

The minister expressed “serious concerns” about tariffs, export controls and sanctions on
companies, and asked that they be lifted — “the sooner, the better”.

The secretary said there was no room for compromise on national security.
"""
# The first paragraph's words, more than the verbatim limit allows, as a field might copy them.
COPIED = " ".join(TEXT.split("\n\n")[0].split()[:VERBATIM_LIMIT + 1])


def content(**changes) -> dict:
    """MINIMAL, whose source keeps the text above, with `changes`: file name -> function of its value."""
    files = copy.deepcopy(MINIMAL)
    source = files["sources.yml"][0]
    source.update(title=TITLE, text_file="texts/article.txt",
                  paragraphs=[{"n": n, "about": f"Part {n}"} for n in (1, 2, 3)])
    files["texts/article.txt"] = TEXT
    files["sources.yml"].append({"id": "readout", "title": "A readout", "kind": "readout"})
    for name, change in changes.items():
        change(files[name.replace("__", "/").replace("_yml", ".yml")])
    return files


@pytest.fixture(autouse=True)
def in_project(tmp_path, monkeypatch):
    """Paths in messages are relative to the working folder: the project's."""
    monkeypatch.chdir(tmp_path)


def problems(tmp_path, files) -> list[str]:
    return [str(e) for e in check_summary(write_content(tmp_path / "content", files)).errors]


def summary_of(tmp_path, files):
    return check_summary(write_content(tmp_path / "content", files))


def agenda(**fields):
    def change(items):
        items[0].update(fields)
    return change


def briefing(**fields):
    def change(record):
        record.update(fields)
    return change


def test_quotations_that_the_text_holds_pass_whatever_their_typography(tmp_path):
    files = content(briefings__visit__agenda_yml=agenda(
        summary='They agreed on a "Working Group  on trade" and spoke of "serious concerns" about '
                "“tariffs, export controls and sanctions” — “the sooner, the better.”",
        sources=[{"source": "article", "para": 1, "quote": "which is to meet twice a year"},
                 {"source": "article", "para": 2, "quote": "tariffs, export controls … on companies"}]))
    summary = summary_of(tmp_path, files)
    assert summary.errors == []
    assert (summary.quotations.checked, summary.quotations.unchecked) == (6, 0)


def test_a_misquotation_is_an_error_at_its_field_with_the_closest_passage(tmp_path):
    files = content(briefings__visit__agenda_yml=agenda(summary='The minister voiced "grave concerns".'))
    assert problems(tmp_path, files) == [
        "content/briefings/visit/agenda.yml:10:12: quotation “grave concerns” is not in the text of article "
        "(closest in article, paragraph 2: The minister expressed “serious concerns” about tariffs, export…; "
        "quote the source's own words, or drop the quotation marks from your own)"]


def test_a_paraphrase_in_quotation_marks_is_an_error(tmp_path):
    files = content(briefings__visit__briefing_yml=briefing(
        summary='The secretary said "national security is not up for negotiation".'))
    (found,) = problems(tmp_path, files)
    assert found.startswith("content/briefings/visit/briefing.yml:")
    assert "quotation “national security is not up for negotiation” is not in the text of article" in found
    assert "closest in article, paragraph 3: " in found


def test_a_quote_locator_must_be_in_the_paragraph_it_names(tmp_path):
    files = content(briefings__visit__agenda_yml=agenda(
        sources=[{"source": "article", "para": 1, "quote": "serious concerns"}]))
    (found,) = problems(tmp_path, files)
    assert found.endswith("quote is in paragraph 2 of article, not in paragraph 1 "
                          "(cite paragraph 2, or quote paragraph 1's own words)")


def test_a_statement_of_kind_quote_must_be_the_sources_words(tmp_path):
    files = content()
    files["briefings/visit/statements.yml"] = [{
        "id": "said", "speaker": "wang-wentao", "kind": "quote", "text": "The sooner the better, we think.",
        "sources": [{"source": "article", "para": 2}]}]
    (found,) = problems(tmp_path, files)
    assert found.startswith("content/briefings/visit/statements.yml:4:9: the text of this quote is not in the text "
                            "of article (closest in article, paragraph 2: ")
    assert found.endswith("; if the words are not the source's own, make the statement a paraphrase)")


def test_a_field_that_copies_more_than_the_limit_is_an_error_and_the_limit_itself_passes(tmp_path):
    at_limit = " ".join(COPIED.split()[:VERBATIM_LIMIT])
    files = content(briefings__visit__agenda_yml=agenda(summary=at_limit))
    assert problems(tmp_path, files) == []
    files = content(briefings__visit__agenda_yml=agenda(summary=COPIED.upper() + " And more of our own."))
    assert problems(tmp_path, files) == [
        "content/briefings/visit/agenda.yml:10:12: reproduces 41 consecutive words of the text of article "
        "(paragraph 1); the limit is 40 (the site cites its sources and does not republish them: say it in "
        "your own words, quoting only short excerpts)"]


def test_three_mistakes_in_one_file_give_three_errors(tmp_path):
    files = content(briefings__visit__agenda_yml=agenda(
        summary=COPIED, outcomes=['A "working group on tariffs".'],
        sources=[{"source": "article", "para": 3, "quote": "no room for compromises"}]))
    found = problems(tmp_path, files)
    assert len(found) == 3
    for found_one, expected in zip(found, [
            "reproduces 41 consecutive words of the text of article (paragraph 1); the limit is 40 (",
            "quote “no room for compromises” is not in paragraph 3 of article (",
            "quotation “working group on tariffs” is not in the text of article ("]):
        assert found_one.startswith("content/briefings/visit/agenda.yml:") and expected in found_one


def test_quotations_of_sources_without_a_text_are_counted_not_checked(tmp_path):
    files = content(briefings__visit__agenda_yml=agenda(
        summary='A "commercial issues working group", as the readout says.',
        sources=[{"source": "article", "para": 1}, {"source": "readout", "quote": "anything at all"}]))
    summary = summary_of(tmp_path, files)
    assert summary.errors == []
    assert (summary.quotations.checked, summary.quotations.unchecked) == (0, 2)


def test_excerpts_stand_for_a_source_whose_whole_text_the_editors_do_not_hold(tmp_path):
    files = content()
    files["sources.yml"][1]["excerpts"] = ["commercial issues working group", "twice annually"]
    files["briefings/visit/agenda.yml"][0]["sources"] = [
        {"source": "readout", "quote": "commercial issues working group"},
        {"source": "readout", "quote": "twice a year"}]
    (found,) = problems(tmp_path, files)
    assert "quote “twice a year” is not in the text of readout (closest in readout, excerpt 2: twice annually)" in found


def test_the_text_files_problems_are_reported(tmp_path):
    files = content()
    files["sources.yml"][0]["paragraphs"].append({"n": 4, "about": "A fourth"})
    files["sources.yml"][1]["text_file"] = "texts/missing.txt"
    files["texts/unused.txt"] = "Nobody names this text.\n"
    assert problems(tmp_path, files) == [
        "content/sources.yml:14:14: content/texts/article.txt has 3 paragraphs; the record lists 4 (a blank "
        "line ends a paragraph; keep only the source's own paragraphs: its title and standfirst go in the "
        "record, and no menus, comment forms or captions of the page)",
        "content/sources.yml:18:14: content/texts/missing.txt does not exist (keep the source's text there, "
        "or remove 'text_file')",
        "content/texts/unused.txt:1:1: no source names this text (name it in its source's 'text_file', or remove it)"]


def test_a_text_file_must_be_named_inside_the_texts_folder(tmp_path):
    files = content()
    files["sources.yml"][0]["text_file"] = "../secrets.txt"
    found = problems(tmp_path, files)
    assert ("content/sources.yml:12:14: '../secrets.txt' is not the name of a source's text file (keep the text "
            "in content/texts/ and write its name so, like 'texts/news-article.txt')") in found


@pytest.mark.parametrize("written, source", [
    ("“Anti-Globalization.”", 'labelling it "anti-globalization."'),
    ("the world’s  second–largest\neconomy", "the world's second-largest economy"),
])
def test_normalising_makes_typography_and_case_alike(written, source):
    assert normalise(written).strip(".\"") in normalise(source)


def _runs(text: str, size: int) -> set[tuple[str, ...]]:
    """Every run of `size` consecutive words of `text`, its markup and typography aside."""
    words = re.findall(r"\w+(?:['-]\w+)*", normalise(html.unescape(re.sub(r"<[^>]+>", " ", text))))
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def _published_runs(files: dict[str, bytes], size: int) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for name, body in files.items():
        if not name.endswith((".png", ".ico", ".gz")):
            found |= _runs(body.decode("utf-8", "replace"), size)
    return found


def test_no_stored_text_reaches_the_site_or_the_exports(tmp_path):
    files = content(briefings__visit__agenda_yml=agenda(
        summary='They agreed on a "working group on trade".',
        sources=[{"source": "article", "para": 1, "quote": "which is to meet twice a year"}]))
    site = build_site(tmp_path / "project", files)
    published = {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*") if path.is_file()}
    assert "data/briefings.json" in published and "pagefind/pagefind.js" in published
    # Twelve words in a row: longer than any quotation of the content, so only a copy could match.
    assert not _runs(TEXT, 12) & _published_runs(published, 12)


def test_the_example_publishes_no_long_run_of_its_article():
    # A check of the example briefing's own text, whatever else the content holds.
    example = ROOT / "content"
    built = build(example, ROOT / "templates" / "pages")
    article = (example / "texts" / "raimondo-beijing-visit-article.txt").read_text(encoding="utf-8")
    published = {path: page.body for path, page in built.pages.items()} | dict(built.exports)
    assert not _runs(article, VERBATIM_LIMIT + 1) & _published_runs(published, VERBATIM_LIMIT + 1)


def test_a_rebuild_checks_the_quotations_of_what_changed_as_a_full_check_does(tmp_path):
    files = content(briefings__visit__agenda_yml=agenda(summary='They spoke of "serious concerns".'))
    root = write_content(tmp_path / "content", files)
    rebuilder = Rebuilder(root, ROOT / "templates" / "pages")
    rebuilder.build()

    def rebuilt_problems() -> list[str]:
        with pytest.raises(ContentErrors) as stopped:
            rebuilder.build()
        assert stopped.value.errors == check_summary(root).errors
        return [str(e) for e in stopped.value.errors]

    agenda_file = root / "briefings" / "visit" / "agenda.yml"
    agenda_file.write_text(agenda_file.read_text(encoding="utf-8").replace("serious", "grave"), encoding="utf-8")
    assert "quotation “grave concerns” is not in the text of article" in rebuilt_problems()[0]
    agenda_file.write_text(agenda_file.read_text(encoding="utf-8").replace("grave", "serious"), encoding="utf-8")
    rebuilder.build()
    # A change to the text alone is a change for every quotation of it.
    text_file = root / "texts" / "article.txt"
    text_file.write_text(TEXT.replace("“serious concerns”", "concerns"), encoding="utf-8")
    assert "quotation “serious concerns” is not in the text of article" in rebuilt_problems()[0]
