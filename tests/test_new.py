"""`briefing new`: scaffolds with every field present and explained, valid as written, never overwriting."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel
from support import ARCHIVE_CONTENT, ROOT, SMALL_CONTENT, make_project

from generator.cli import main
from generator.read.parse import parse_yaml
from generator.authoring.reference import description, nested_models
from generator.authoring.scaffold import Subject, render_record
from generator.content.schema import FILE_KINDS

BRIEFING_FILES = ["briefing.yml", "agenda.yml", "disputes.yml", "agreements.yml", "statements.yml",
                  "context.yml"]


def run(*args: str, ok: bool = True) -> str:
    """Run `briefing ARGS` in the current folder; its output, after checking the exit code."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    root = make_project(tmp_path / "project", SMALL_CONTENT)
    monkeypatch.chdir(root)
    return root


def _uncommented(text: str) -> str:
    """The scaffold with every commented-out optional field switched on, as an editor would."""
    # Also the lines of a commented-out list of records, and their own optional fields.
    text = re.sub(r"^( *)# ( *- # )", r"\1\2", text, flags=re.M)
    return re.sub(r"^( *)# ( *- | *)(?:# )?([a-z_]+:(?: |$))", r"\1\2\3", text, flags=re.M)


def _record_type(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(_record_type, get_args(annotation))), None)


def _assert_every_field(model: type[BaseModel], value: dict, where: str) -> None:
    assert set(value) == set(model.model_fields), f"{where}: {sorted(set(model.model_fields) ^ set(value))}"
    for name, info in model.model_fields.items():
        inner = _record_type(info.annotation)
        for item in value[name] if isinstance(value[name], list) else [value[name]]:
            if inner is not None:
                _assert_every_field(inner, item, f"{where}.{name}")


@pytest.mark.parametrize("file_kind", FILE_KINDS, ids=lambda k: k.kind)
def test_scaffold_has_every_field_and_each_is_valid_when_switched_on(file_kind):
    subject = Subject("a-source", "a-person", True, "an-organisation")
    text = "\n".join(render_record(file_kind.kind, "new-id", subject)) + "\n"
    everything = parse_yaml(_uncommented(text), "scaffold.yml", file_kind.kind).data
    record = everything[0] if file_kind.is_list else everything
    _assert_every_field(file_kind.model, record, file_kind.filename)
    file_kind.model.model_validate(record)  # every example value has the right form


@pytest.mark.parametrize("file_kind", FILE_KINDS, ids=lambda k: k.kind)
def test_scaffold_explains_each_field_with_its_docstring(file_kind):
    text = "\n".join(render_record(file_kind.kind, "new-id", Subject("s", "p", True, None)))
    comments = " ".join(m.group(1) for line in text.splitlines()
                        if (m := re.match(r"\s*(?:- )?# (?:\s*(?:- )?# )?(.*)", line)) and not re.match(r"(- )?[a-z_]+: ", m.group(1)))
    for model in [file_kind.model, *nested_models(file_kind.model)]:
        for name in model.model_fields:
            assert description(model, name) in comments, f"{model.__name__}.{name}"


def test_new_briefing_writes_six_files_with_their_schema_and_checks_clean(project):
    output = run("new", "briefing", "lyon-visit")
    folder = project / "content" / "briefings" / "lyon-visit"
    assert sorted(p.name for p in folder.iterdir()) == sorted(BRIEFING_FILES)
    assert "cite source 'report' and name 'blaise-pascal'" in output
    for name in BRIEFING_FILES:
        first = (folder / name).read_text(encoding="utf-8").splitlines()[0]
        schema = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first).group(1)
        assert (folder / schema).resolve() == (project / "schema" / name.replace(".yml", ".schema.json"))
        assert (folder / schema).resolve().is_file()
    assert run("check").startswith("content OK: 2 briefings")


def test_new_briefing_can_name_an_organisation_and_cite_another_source(project):
    run("new", "source", "second-report")
    run("new", "briefing", "council-session", "--actor", "ministry", "--source", "report")
    folder = project / "content" / "briefings" / "council-session"
    agenda = (folder / "agenda.yml").read_text(encoding="utf-8")
    assert "organizations: [ministry]" in agenda and "participants: []" in agenda
    assert "raised_by: [ministry]" in (folder / "disputes.yml").read_text(encoding="utf-8")
    assert "second-report" not in agenda and "source: report" in agenda
    _assert_placeholders_only_in(run("check"), "content/sources.yml")


def _assert_placeholders_only_in(report: str, *paths: str) -> None:
    """`report` passes the check and notes placeholders left in the shared drafts of `paths` only
    (and in the briefings `briefing new` made, which are drafts too)."""
    assert report.startswith("content OK"), report
    notes = [line.strip() for line in report.splitlines() if line.startswith("  ")]
    assert notes and all("placeholder text left" in line for line in notes), report
    assert {line.split(":")[0] for line in notes if not line.startswith("content/briefings/")} == set(paths), report


def test_new_records_append_to_shared_files_keeping_what_is_there(project):
    people = project / "content" / "people.yml"
    before = people.read_text(encoding="utf-8")
    run("new", "person", "marie-curie")
    run("new", "organization", "city-council", "--source", "report")
    run("new", "source", "second-report")
    after = people.read_text(encoding="utf-8")
    assert after.startswith(before)
    records = yaml.safe_load(after)
    assert len(records) == len(yaml.safe_load(before)) + 1
    assert records[-1]["id"] == "marie-curie" and records[-1]["name"] == "TODO: Marie Curie"
    assert "id: city-council" in (project / "content" / "organizations.yml").read_text(encoding="utf-8")
    assert "id: second-report" in (project / "content" / "sources.yml").read_text(encoding="utf-8")
    _assert_placeholders_only_in(run("check"), "content/people.yml", "content/organizations.yml",
                                 "content/sources.yml")


def test_a_fresh_project_starts_with_a_source_then_people_then_a_briefing(tmp_path, monkeypatch):
    root = make_project(tmp_path / "fresh", {})
    monkeypatch.chdir(root)
    assert "add it first with `briefing new source ID`" in run("new", "briefing", "first", ok=False)
    assert "add it first with `briefing new source ID`" in run("new", "person", "ada", ok=False)
    run("new", "source", "first-article")
    assert "add one first with `briefing new person ID`" in run("new", "briefing", "first", ok=False)
    run("new", "person", "ada")
    run("new", "briefing", "first")
    for name in ("sources.yml", "people.yml"):
        assert (root / "content" / name).read_text(encoding="utf-8").startswith(
            f"# yaml-language-server: $schema=../schema/{name.replace('.yml', '.schema.json')}\n")
    _assert_placeholders_only_in(run("check"), "content/people.yml", "content/sources.yml")


def test_an_empty_list_file_takes_its_first_record_and_keeps_its_comments(project):
    organizations = project / "content" / "organizations.yml"
    organizations.write_text("# our organisations\n[]\n", encoding="utf-8")
    (project / "content" / "people.yml").write_text("[]\n", encoding="utf-8")
    (project / "content" / "briefings" / "paris-talks" / "disputes.yml").unlink()
    (project / "content" / "briefings" / "paris-talks" / "agenda.yml").write_text("[]\n", encoding="utf-8")
    briefing = project / "content" / "briefings" / "paris-talks" / "briefing.yml"
    briefing.write_text(briefing.read_text(encoding="utf-8").replace("principals:\n- ada-lovelace\n", ""),
                        encoding="utf-8")
    run("new", "organization", "council")
    text = organizations.read_text(encoding="utf-8")
    assert text.startswith("# our organisations\n") and "[]" not in text
    _assert_placeholders_only_in(run("check"), "content/organizations.yml")


@pytest.mark.parametrize("args, message", [
    (["new", "briefing", "paris-talks"], "content/briefings/paris-talks already exists"),
    (["new", "briefing", "Paris_Talks"], "briefing 'Paris_Talks': 'Paris_Talks' is not a valid id (use lowercase"),
    (["new", "person", "ministry"], "content/organizations.yml already has a record with id 'ministry' "
                                    "(people and organisations share one set of ids)"),
    (["new", "organization", "ada-lovelace"], "content/people.yml already has a record with id 'ada-lovelace'"),
    (["new", "source", "report"], "content/sources.yml already has a record with id 'report'"),
    (["new", "person", "x", "--source", "repot"], "there is no source 'repot' in content/sources.yml"),
    (["new", "briefing", "x", "--actor", "nobody"], "there is no person or organisation 'nobody'"),
])
def test_new_refuses_to_overwrite_or_to_refer_to_what_does_not_exist(project, args, message):
    before = {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()}
    output = run(*args, ok=False)
    assert message in output
    assert {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()} == before


def test_new_refuses_to_append_to_a_file_it_cannot_read(project):
    people = project / "content" / "people.yml"
    people.write_text("- id: [broken\n", encoding="utf-8")
    output = run("new", "person", "marie-curie", ok=False)
    assert re.search(r"content/people\.yml:\d+:\d+: .*\(fix it first; `briefing check` lists every problem\)",
                     output)
    assert people.read_text(encoding="utf-8") == "- id: [broken\n"


def _fill(path: Path, after: str, replacements: dict[str, str]) -> None:
    """Edit the text of `path` below the line `after`, each first occurrence, as an editor would."""
    text = path.read_text(encoding="utf-8")
    head, tail = text.split(after, 1) if after else ("", text)
    for old, new in replacements.items():
        assert old in tail, f"{old!r} not in {path.name}"
        tail = tail.replace(old, new, 1)
    path.write_text(head + after + tail, encoding="utf-8")


def test_a_second_briefing_added_by_following_the_guide_builds_with_its_people_and_disputes(
        tmp_path, monkeypatch):
    root = make_project(tmp_path / "project", ARCHIVE_CONTENT)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    content = root / "content"
    others = sorted(p.parent.name for p in content.glob("briefings/*/briefing.yml"))
    assert others, "the second briefing needs a first"

    # 1. the source
    run("new", "source", "lyon-article")
    _fill(content / "sources.yml", "id: lyon-article\n", {
        '"TODO: the source\'s own title"': '"Ministers meet in Lyon"',
        '"TODO: who published it"': "Lyon Daily",
        'about: "TODO: what the first paragraph covers, in your own words"':
            "about: the arrival\n    - n: 2\n      about: the dispute over ports",
        "  draft: true\n": "",
    })
    # 2. the people and organisations
    run("new", "person", "marie-curie", "--source", "lyon-article")
    run("new", "person", "pierre-curie", "--source", "lyon-article")
    run("new", "organization", "lyon-council", "--source", "lyon-article")
    for person, role in (("marie-curie", "Trade Minister"), ("pierre-curie", "Port Commissioner")):
        _fill(content / "people.yml", f"id: {person}\n",
              {'"TODO: the role, as the source states it"': f'"{role}"', '"TODO: ': '"', "  draft: true\n": ""})
    _fill(content / "organizations.yml", "id: lyon-council\n", {'"TODO: ': '"', "  draft: true\n": ""})
    # 3. the briefing folder
    run("new", "briefing", "lyon-visit", "--source", "lyon-article", "--actor", "marie-curie")
    folder = content / "briefings" / "lyon-visit"
    # 4. the files, filled in
    _fill(folder / "briefing.yml", "", {
        '"TODO: the briefing\'s headline"': "Trade minister visits Lyon",
        '"TODO: the city"': "Lyon", "country: US": "country: FR", "status: upcoming": "status: concluded",
        '"TODO: what happened, in a paragraph."': "The minister met the port commissioner.",
        '"TODO: a key point, in a sentence or two."': "The port dispute stays open.",
        '"TODO: a term readers may not know"': "Port fee",
        '"TODO: what it means, as the sources support it."': "A charge on barges using the port.",
        '"TODO: why the event matters, in a sentence or two."': "The port is the region's busiest.",
        '"TODO: what is expected next, in a sentence or two."': "A second meeting in the spring.",
        "principals: [marie-curie]": "principals: [marie-curie, pierre-curie]",
    })
    # A new briefing is a draft, left out of the site, until its placeholders are gone.
    assert "lyon-visit" not in run("build")
    assert not (root / "site" / "briefings" / "lyon-visit").exists()
    _fill(folder / "briefing.yml", "", {"draft: true": "draft: false"})
    (folder / "agenda.yml").write_text(
        "- id: port-tour\n  title: Tour of the port\n  day: Tuesday\n  city: Lyon\n  kind: visit\n"
        "  status: happened\n  participants: [marie-curie, pierre-curie]\n  summary: They toured the port.\n"
        "  sources:\n    - source: lyon-article\n      para: 1\n", encoding="utf-8")
    (folder / "disputes.yml").write_text(
        "- id: port-fees\n  title: Port fees on river barges\n  category: tariffs\n"
        "  raised_by: [pierre-curie, lyon-council]\n  raised_at: port-tour\n"
        "  description: The commissioner objected to **new fees**.\n"
        "  response:\n    by: [marie-curie]\n    position: The fees fund the locks.\n"
        "    sources:\n      - source: lyon-article\n        para: 2\n"
        "  status: unresolved\n  sources:\n    - source: lyon-article\n      para: 2\n"
        "- id: quay-access\n  title: Access to the quays\n  category: market-access\n"
        "  raised_by: [marie-curie]\n  description: The minister asked for wider access.\n"
        "  status: raised\n  sources:\n    - source: lyon-article\n", encoding="utf-8")
    (folder / "agreements.yml").write_text("[]\n", encoding="utf-8")
    (folder / "statements.yml").write_text(
        "- id: fees-remark\n  speaker: pierre-curie\n  kind: paraphrase\n"
        "  text: The fees will be reviewed next year.\n  at: port-tour\n  about: [port-fees]\n"
        "  sources:\n    - source: lyon-article\n      para: 2\n", encoding="utf-8")
    (folder / "context.yml").write_text("[]\n", encoding="utf-8")

    assert run("check").startswith("content OK")
    assert "built " in run("build")

    site = root / "site"
    landing = (site / "briefings" / "lyon-visit" / "index.html").read_text(encoding="utf-8")
    assert "Trade minister visits Lyon" in landing
    disputes = (site / "briefings" / "lyon-visit" / "disputes.html").read_text(encoding="utf-8")
    assert "Port fees on river barges" in disputes and "Access to the quays" in disputes
    assert "<strong>new fees</strong>" in disputes
    assert 'href="../../sources/lyon-article.html#p2"' in disputes  # the citation, to its paragraph
    assert "Marie Curie" in (site / "people" / "marie-curie.html").read_text(encoding="utf-8")
    assert "Pierre Curie" in (site / "people" / "pierre-curie.html").read_text(encoding="utf-8")
    assert (site / "sources" / "lyon-article.html").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert all(f'href="briefings/{b}/index.html"' in home for b in ["lyon-visit", *others])
    for page in (site / "briefings" / "lyon-visit").glob("*.html"):
        assert "TODO" not in page.read_text(encoding="utf-8"), page.name
    # Nothing but content was touched: the templates and configuration are the project's own.
    for kept in ("mkdocs.yml", *(str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*") if p.is_file())):
        assert (root / kept).read_bytes() == (ROOT / kept).read_bytes(), kept


def test_every_kind_of_scaffold_keeps_the_check_clean_and_the_site_building(project):
    for args in (["source", "new-report"], ["person", "marie-curie", "--source", "new-report"],
                 ["organization", "city-council"], ["event", "summit"],
                 ["briefing", "lyon-visit", "--actor", "marie-curie"]):
        run("new", *args)
        report = run("check")
        assert report.startswith("content OK") and "placeholder" in report, report
    # The drafts are left out of the published site, and the site builds around them.
    assert "built " in run("build")
    site = project / "site"
    assert (site / "briefings" / "paris-talks" / "index.html").is_file()
    assert not (site / "people" / "marie-curie.html").exists()
    assert not (site / "briefings" / "lyon-visit").exists() and not (site / "events" / "summit.html").exists()
    assert "marie-curie" not in (site / "data" / "briefings.json").read_text(encoding="utf-8")
    # A preview with drafts shows every one of them.
    assert "built " in run("build", "--drafts")
    assert "TODO: Marie Curie" in (site / "people" / "marie-curie.html").read_text(encoding="utf-8")
    assert (site / "events" / "summit.html").is_file() and (site / "sources" / "new-report.html").is_file()


def test_a_published_record_may_not_name_a_shared_draft(project):
    run("new", "person", "marie-curie")
    agenda = project / "content" / "briefings" / "paris-talks" / "agenda.yml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(text.replace("- ada-lovelace", "- marie-curie", 1), encoding="utf-8")
    report = run("check", ok=False)
    assert re.search(r"content/briefings/paris-talks/agenda\.yml:\d+:\d+: person 'marie-curie' is still a "
                     r"draft \(remove its `draft: true` in people\.yml when it is ready, or mark this briefing "
                     r"`draft: true` too\)", report), report
    # Ready: no placeholder, no draft line.
    people = project / "content" / "people.yml"
    _fill(people, "id: marie-curie\n", {'"TODO: the role, as the source states it"': "Minister", '"TODO: ': '"',
                                        "  draft: true\n": ""})
    assert run("check").startswith("content OK")


def test_a_person_goes_after_the_one_named_keeping_the_next_ones_comments(project):
    people = project / "content" / "people.yml"
    people.write_text(people.read_text(encoding="utf-8").replace("- id: blaise-pascal", "# the French side\n"
                                                                 "- id: blaise-pascal"), encoding="utf-8")
    assert "after 'ada-lovelace'" in run("new", "person", "marie-curie", "--after", "ada-lovelace")
    text = people.read_text(encoding="utf-8")
    assert [r["id"] for r in yaml.safe_load(text)] == ["ada-lovelace", "marie-curie", "blaise-pascal"]
    assert "# the French side\n- id: blaise-pascal" in text
    assert "it is last" in run("new", "person", "pierre-curie")
    assert "there is no record 'nobody' in content/people.yml" in run("new", "person", "x", "--after", "nobody",
                                                                       ok=False)


def test_the_event_scaffold_names_no_one_it_was_not_given(project):
    run("new", "event", "summit")
    event = yaml.safe_load((project / "content" / "events.yml").read_text(encoding="utf-8"))[-1]
    assert "actors" not in event and event["draft"] is True
