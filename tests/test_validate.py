"""One test per kind of content error, each asserting the whole `path:line:col: message` line."""

from __future__ import annotations

from collections import defaultdict
from copy import deepcopy

import pytest

from generator.build import check
from generator.errors import ContentErrors
from support import ARCHIVE_CONTENT, MINIMAL

PEOPLE_HEAD = """\
- id: wang-wentao
  name: Wang Wentao
  roles:
    - title: Commerce Minister
      organization: mofcom
      sources: [{source: article, para: 1}]
  sources: [{source: article, para: 1}]
"""


def problems(content, files) -> list[str]:
    root = content(files)
    with pytest.raises(ContentErrors) as caught:
        check(root)
    return [str(e) for e in caught.value.errors]


def test_minimal_content_is_valid(content):
    data = check(content())
    assert list(data.people) == ["wang-wentao"]
    assert [b.id for b in data.briefings] == ["visit"]


def test_yaml_syntax_error(content):
    assert problems(content, {"people.yml": "- id: x\n  name: [unclosed\n"}) == [
        "content/people.yml:3:1: did not find expected ',' or ']' (check the indentation and quoting)"
    ]


def test_duplicate_key(content):
    text = PEOPLE_HEAD.replace("  name: Wang Wentao\n", "  name: Wang Wentao\n  name: Wang\n")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:3:3: duplicate key 'name' (it is already set at line 2; keep one)"
    ]


def test_alias_without_its_anchor(content):
    text = PEOPLE_HEAD.replace("  sources: [{source: article, para: 1}]\n", "  sources: *s\n")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:6:16: aliases (*name) are not supported; write the value out"
    ]


def test_alias_is_reported_at_the_key_it_is_the_value_of(content):
    text = PEOPLE_HEAD.replace("  name: Wang Wentao\n", "  name: &n Wang Wentao\n  name_zh: *n\n")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:3:3: aliases (*name) are not supported; write the value out"
    ]


def test_an_anchor_without_an_alias_is_harmless_and_read(content):
    # The composer keeps no trace of an anchor that nothing refers to: the value is read as written.
    text = PEOPLE_HEAD.replace("  name: Wang Wentao", "  name: &n Wang Wentao")
    assert check(content({"people.yml": text})).people["wang-wentao"].name == "Wang Wentao"


def test_wrong_type(content):
    text = PEOPLE_HEAD.replace("  name: Wang Wentao", "  name: 1984")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:2:9: 'name' should be text, not the number 1984 (put the value in quotes)"
    ]


def test_missing_field(content):
    text = PEOPLE_HEAD.replace("  name: Wang Wentao\n", "")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:1:3: missing field 'name' (the full name, as the sources write it in English)"
    ]


def test_unknown_field(content):
    text = PEOPLE_HEAD.replace("  name: Wang Wentao", "  name: Wang Wentao\n  nmae_zh: 王文涛")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:3:3: unknown field 'nmae_zh' (did you mean 'name_zh'?)"
    ]


def test_bad_id(content):
    text = PEOPLE_HEAD.replace("- id: wang-wentao", "- id: Wang_Wentao")
    assert problems(content, {"people.yml": text}) == [
        "content/briefings/visit/agenda.yml:9:5: participant 'wang-wentao' is not a known person",
        "content/people.yml:1:7: 'Wang_Wentao' is not a valid id "
        "(use lowercase letters, digits and single hyphens, like 'wang-wentao')",
    ]


def test_duplicate_id(content):
    text = PEOPLE_HEAD + PEOPLE_HEAD.replace("  name: Wang Wentao", "  name: Someone else")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:8:7: duplicate person id 'wang-wentao' (first used at content/people.yml:1:7)"
    ]


def test_duplicate_glossary_term_id(content):
    terms = [{"id": "talks", "term": term, "definition": "Meetings.", "sources": [{"source": "article", "para": 1}]}
             for term in ("Talks", "Other talks")]
    briefing = {**MINIMAL["briefings/visit/briefing.yml"], "glossary": terms}
    assert problems(content, {"briefings/visit/briefing.yml": briefing}) == [
        "content/briefings/visit/briefing.yml:20:7: duplicate glossary term id 'talks' "
        "(first used at content/briefings/visit/briefing.yml:14:7)"
    ]


def test_id_shared_by_person_and_organisation(content):
    text = PEOPLE_HEAD + PEOPLE_HEAD.replace("- id: wang-wentao", "- id: mofcom")
    assert problems(content, {"people.yml": text}) == [
        "content/organizations.yml:1:7: duplicate person or organisation id 'mofcom' "
        "(first used at content/people.yml:8:7)"
    ]


def test_dangling_reference(content):
    text = """\
- id: meeting
  title: Meeting
  day: Monday
  city: Beijing
  kind: meeting
  status: happened
  participants: [wang-wentau]
  summary: They met.
  sources: [{source: article, para: 1}]
"""
    assert problems(content, {"briefings/visit/agenda.yml": text}) == [
        "content/briefings/visit/agenda.yml:7:18: participant 'wang-wentau' is not a known person "
        "(did you mean 'wang-wentao'?)"
    ]


def test_a_record_that_fails_the_schema_is_reported_once_and_only_hides_references_to_itself(content):
    agenda = """\
- id: meeting
  title: Meeting
  day: Monday
  city: Beijing
  kind: meting
  status: happened
  summary: They met.
  sources: [{source: article, para: 1}]
"""
    statement = """\
- id: remark
  speaker: wang-wentao
  kind: paraphrase
  text: Something was said.
  at: meeting
  sources: [{source: article, para: 1}]
"""
    other = {**MINIMAL["briefings/visit/briefing.yml"], "title": "Another visit"}
    assert problems(content, {
        "briefings/visit/agenda.yml": agenda, "briefings/visit/statements.yml": statement,
        "briefings/other/briefing.yml": other, "briefings/other/statements.yml": statement,
    }) == [
        # In its own briefing, a reference to the broken agenda item is not "unknown" as well...
        "content/briefings/other/statements.yml:5:7: at 'meeting' is not a known agenda item of this briefing",
        "content/briefings/visit/agenda.yml:5:9: 'kind' cannot be 'meting' (did you mean 'meeting'?)",
    ]  # ...but in another briefing, the same id is unknown.


def test_bad_citation_source(content):
    text = PEOPLE_HEAD.replace("  sources: [{source: article, para: 1}]\n", "  sources: [{source: artcle}]\n")
    text = text.replace("      sources: [{source: artcle}]", "      sources: [{source: article, para: 1}]")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:7:22: source 'artcle' is not a known source (did you mean 'article'?)"
    ]


def test_bad_citation_paragraph(content):
    text = PEOPLE_HEAD.replace("  sources: [{source: article, para: 1}]\n", "  sources: [{source: article, para: 7}]\n")
    text = text.replace("      sources: [{source: article, para: 7}]", "      sources: [{source: article, para: 1}]")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:7:37: source 'article' has no paragraph 7 (it has paragraphs 1 to 2)"
    ]


def test_impossible_date(content):
    text = """\
title: A visit
places: [{city: Beijing, country: CN}]
status: concluded
updated: 2023-02-30
summary: A minister met a secretary.
sources: [{source: article}]
"""
    assert problems(content, {"briefings/visit/briefing.yml": text}) == [
        "content/briefings/visit/briefing.yml:4:10: '2023-02-30' is not a real date"
    ]


def test_agenda_date_outside_briefing_and_on_wrong_weekday(content):
    text = """\
- id: meeting
  title: Meeting
  day: Monday
  date: 2023-09-02
  city: Beijing
  kind: meeting
  status: happened
  summary: They met.
  sources: [{source: article, para: 1}]
"""
    assert problems(content, {"briefings/visit/agenda.yml": text}) == [
        "content/briefings/visit/agenda.yml:4:9: 2023-09-02 is a Saturday, not a Monday "
        "(correct the date or the day)",
        "content/briefings/visit/agenda.yml:4:9: 2023-09-02 lies outside the briefing's dates "
        "2023-08-27 to 2023-08-30",
    ]


def test_yaml_11_values_stay_text_or_are_reported(content):
    # `no` and `0755` are text here, not a boolean and an octal; a bare date stays its text.
    text = PEOPLE_HEAD.replace("  name: Wang Wentao", "  name: no\n  name_zh: 0755")
    data = check(content({"people.yml": text}))
    assert data.people["wang-wentao"].name == "no"
    assert data.people["wang-wentao"].name_zh == "0755"
    assert data.briefings[0].briefing.updated == "2023-08-30"
    # `true` is a boolean where text is wanted: reported, with the fix.
    text = PEOPLE_HEAD.replace("  name: Wang Wentao", "  name: true")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:2:9: 'name' should be text, not the boolean true (put the value in quotes)"
    ]


def test_unknown_enum_value(content):
    text = """\
- id: mofcom
  name: Ministry of Commerce
  kind: ministy
  sources: [{source: article}]
"""
    assert problems(content, {"organizations.yml": text}) == [
        "content/organizations.yml:3:9: 'kind' cannot be 'ministy' (did you mean 'ministry'?)"
    ]


def test_unexpected_file(content):
    assert problems(content, {"briefings/visit/dispute.yml": "[]\n"}) == [
        "content/briefings/visit/dispute.yml:1:1: unexpected file 'dispute.yml' (did you mean 'disputes.yml'?)"
    ]


def test_three_mistakes_in_one_file_give_three_lines(content):
    text = """\
- id: wang-wentao
  name: Wang Wentao
  country: China
  roles:
    - title: Commerce Minister
      organisation: mofcom
      sources: [{source: article, para: 1}]
  sources: [{source: article, para: 1}]
- id: he-lifeng
  name: He Lifeng
  roles:
    - title: Vice Premier
      sources: [{source: article, para: 1}]
  sources: [{source: article, para: 3}]
"""
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:3:12: 'China' is not a country code (use the two-letter ISO code, like 'US' or 'CN')",
        "content/people.yml:6:7: unknown field 'organisation' (did you mean 'organization'?)",
        "content/people.yml:14:37: source 'article' has no paragraph 3 (it has paragraphs 1 to 2)",
    ]


def test_problems_in_several_files_are_all_reported_sorted(content):
    people = PEOPLE_HEAD.replace("  name: Wang Wentao", "  name: 12")
    orgs = "- id: mofcom\n  name: Ministry of Commerce\n  kind: ministry\n  sources: []\n"
    lines = problems(content, {"people.yml": people, "organizations.yml": orgs})
    assert lines == sorted(lines)
    assert lines == [
        "content/organizations.yml:4:12: 'sources' needs at least 1 entry",
        "content/people.yml:2:9: 'name' should be text, not the number 12 (put the value in quotes)",
    ]


def test_references_and_citations_are_collected_as_iter_refs_and_iter_records_find_them():
    from collections import Counter

    from generator.dataset.model import collect_refs, iter_records, iter_refs
    from generator.content.schema import Citation

    data = check(ARCHIVE_CONTENT)
    records = [*data.sources.values(), *data.people.values(), *data.organizations.values(), *data.events.values(),
               *(record for bundle in data.briefings for _, record in bundle.records())]
    for record in records:
        refs: dict[str, list[str]] = defaultdict(list)
        citations: list = []
        collect_refs(record, refs, citations)
        assert Counter((kind, target) for kind, targets in refs.items() for target in targets) == \
            Counter((kind, target) for _, kind, target in iter_refs(record))
        assert Counter(map(id, citations)) == \
            Counter(id(sub) for _, sub in iter_records(record) if isinstance(sub, Citation))


def test_a_briefing_folder_without_briefing_yml_is_reported_where_the_content_is(content, monkeypatch):
    root = content({"briefings/visit/briefing.yml": None})
    monkeypatch.chdir(root.parent.parent)  # the content folder is now <tmp name>/content
    with pytest.raises(ContentErrors) as caught:
        check(root.relative_to(root.parent.parent))
    assert [str(e) for e in caught.value.errors] == [
        f"{root.parent.name}/content/briefings/visit/briefing.yml:1:1: briefing 'visit' has no briefing.yml "
        "(every briefing folder needs one; see `briefing new briefing`)"]


def test_an_unreadable_briefing_yml_is_not_also_reported_missing(content):
    assert problems(content, {"briefings/visit/briefing.yml": "title: [A visit\n"}) == [
        "content/briefings/visit/briefing.yml:2:1: did not find expected ',' or ']' "
        "(check the indentation and quoting)"]


def test_wikidata_id_must_be_q_and_digits(content):
    text = PEOPLE_HEAD.replace("  name: Wang Wentao\n", "  name: Wang Wentao\n  wikidata: '42'\n")
    assert problems(content, {"people.yml": text}) == [
        "content/people.yml:3:13: '42' is not a Wikidata id "
        "(write the item's id as its Wikidata page shows it: Q and digits, like 'Q42')",
    ]
    assert check(content({"people.yml": text.replace("'42'", "Q42")})).people["wang-wentao"].wikidata == "Q42"


def _claims_briefing(*ranks: str) -> dict:
    """The minimal briefing, with one claim of each of `ranks`."""
    claims = [{"text": f"Account {i}.", "rank": rank, "sources": [{"source": "article", "para": 1}]}
              for i, rank in enumerate(ranks)]
    return {"briefings/visit/briefing.yml": {**MINIMAL["briefings/visit/briefing.yml"], "claims": claims}}


def test_claims_without_a_preferred_one(content):
    assert problems(content, _claims_briefing("also-reported", "disputed")) == [
        "content/briefings/visit/briefing.yml:13:1: 'claims' has no preferred claim "
        "(mark the account the briefing stands by with 'rank: preferred')"
    ]


def test_claims_with_two_preferred_ones(content):
    assert problems(content, _claims_briefing("preferred", "also-reported", "preferred")) == [
        "content/briefings/visit/briefing.yml:25:9: a second preferred claim (the first is at "
        "content/briefings/visit/briefing.yml:15:9; mark the others 'also-reported' or 'disputed')"
    ]


def test_a_difference_belongs_to_the_other_accounts_not_the_preferred_one(content):
    files = _claims_briefing("preferred", "also-reported")
    claims = files["briefings/visit/briefing.yml"]["claims"]
    claims[0]["difference"] = "The article says two; the readout four."
    claims[1]["difference"] = "The readout says four; the article two."
    assert problems(content, files) == [
        "content/briefings/visit/briefing.yml:19:15: the preferred claim has a 'difference' "
        "(say how the other accounts differ on each of them)"
    ]


def test_a_republication_needs_the_address_of_the_copy(content):
    sources = [{**MINIMAL["sources.yml"][0], "republication": True}]
    assert problems(content, {"sources.yml": sources}) == [
        "content/sources.yml:10:18: 'republication' is true but the source has no url "
        "(give the address of the copy in url, or remove republication)"
    ]
    sources[0]["url"] = "https://copy.example.net/article"
    assert check(content({"sources.yml": sources})).sources["article"].republication is True

def test_old_forms_are_recognised_and_the_hint_names_the_new_one(content):
    person = MINIMAL["people.yml"][0]
    role = {"title": "Commerce Minister", "organization": "mofcom", "sources": [{"source": "article", "para": 1}]}
    people = [{**person, "roles": [{**deepcopy(role), "title": "Chinese Commerce Minister"}, deepcopy(role),
                                   deepcopy(role)]}]
    unnumbered = {**MINIMAL["sources.yml"][0], "id": "readout", "title": "A readout"}
    del unnumbered["paragraphs"]
    briefing = {**MINIMAL["briefings/visit/briefing.yml"], "sources": [{"source": "readout", "para": 2}]}
    found = problems(content, {"people.yml": people, "sources.yml": [MINIMAL["sources.yml"][0], unnumbered],
                              "briefings/visit/briefing.yml": briefing})
    assert found == [
        "content/briefings/visit/briefing.yml:12:9: source 'readout' has no numbered paragraphs (cite it by its "
        "words (quote: \"…\") or as a whole; since 2026-12-06 `para` cites only a source whose own paragraphs "
        "its record lists)",
        "content/people.yml:6:12: role title 'Chinese Commerce Minister' names the country (write 'Commerce "
        "Minister': the site adds the country, 'Commerce Minister (China)' (the format since 2026-12-06))",
        "content/people.yml:16:5: role 'Commerce Minister' is given twice (also role 2) (give each role once, "
        "with every source that names it under its sources (the format since 2026-12-06))",
    ]
