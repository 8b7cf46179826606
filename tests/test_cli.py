"""The command line: `briefing check` grouped and as JSON, `briefing docs`, and `briefing --help`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from support import SMALL_CONTENT, make_project

from generator.cli import main
from generator.authoring.reference import END, START

PEOPLE_WITH_TWO_MISTAKES = """\
- id: ada-lovelace
  name: Ada Lovelace
  roles:
    - title: Envoy
      organization: minstry
      sources: [{source: report, para: 1}]
  sources: [{source: report, para: 1}]
- id: blaise-pascal
  name: Blaise Pascal
  roles:
    - title: Minister
      organization: ministry
      sources: [{source: report, para: 7}]
  sources: [{source: report}]
"""

DISPUTES_WITH_ONE_MISTAKE = """\
- id: tariffs
  title: Tariffs on cheese
  category: tariffs
  raised_by: [ministy]
  description: The ministry objected.
  status: raised
  sources: [{source: report}]
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make_project(tmp_path / "project", SMALL_CONTENT)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def three_mistakes(project):
    (project / "content" / "people.yml").write_text(PEOPLE_WITH_TWO_MISTAKES, encoding="utf-8")
    (project / "content" / "briefings" / "paris-talks" / "disputes.yml").write_text(
        DISPUTES_WITH_ONE_MISTAKE, encoding="utf-8")
    return project


def test_check_passes_clean_content_with_a_count(project):
    assert run("check") == (0, "content OK: 1 briefing, 7 records, 0 problems\n")


def test_check_groups_problems_by_file_and_ends_with_a_count(three_mistakes):
    code, output = run("check")
    assert code == 1
    assert output == (
        "content/briefings/paris-talks/disputes.yml\n"
        "  content/briefings/paris-talks/disputes.yml:4:15: raised_by 'ministy' is not a known person or"
        " organisation (did you mean 'ministry'?)\n"
        "\n"
        "content/people.yml\n"
        "  content/people.yml:5:21: organization 'minstry' is not a known organisation (did you mean 'ministry'?)\n"
        "  content/people.yml:13:40: source 'report' has no paragraph 7 (it has paragraphs 1 to 2)\n"
        "\n"
        "3 problems in 2 files\n")


def test_check_as_json_gives_the_same_problems(three_mistakes):
    _, text = run("check")
    code, output = run("check", "--format", "json")
    assert code == 1
    report = json.loads(output)
    assert report["count"] == 3 == len(report["problems"])
    lines = [line.strip() for line in text.splitlines() if line.startswith("  ")]
    for problem, line in zip(report["problems"], lines, strict=True):
        assert set(problem) == {"path", "line", "column", "message", "hint"}
        assert line == f"{problem['path']}:{problem['line']}:{problem['column']}: {problem['message']} ({problem['hint']})"


def test_check_as_json_on_clean_content_is_an_empty_list(project):
    code, output = run("check", "--format", "json")
    assert code == 0 and json.loads(output) == {"problems": [], "count": 0}


def test_docs_writes_the_reference_and_check_fails_until_it_is_current(project):
    guide = project / "GUIDE.md"
    guide.write_text(f"# Guide\n{START}\nstale\n{END}\n", encoding="utf-8")
    assert run("docs", "--guide", "GUIDE.md", "--check") == (1, "out of date: GUIDE.md (run `briefing docs`)\n")
    assert guide.read_text(encoding="utf-8") == f"# Guide\n{START}\nstale\n{END}\n"
    assert run("docs", "--guide", "GUIDE.md")[0] == 0
    assert "| `raised_by` | yes |" in guide.read_text(encoding="utf-8")
    assert run("docs", "--guide", "GUIDE.md", "--check")[0] == 0


def test_docs_explains_a_guide_without_markers(project):
    (project / "GUIDE.md").write_text("# Guide\n", encoding="utf-8")
    code, output = run("docs", "--guide", "GUIDE.md")
    assert code == 1 and "the guide needs the two marker lines" in output


def test_every_command_is_listed_in_the_help():
    code, output = run("--help")
    assert code == 0
    for command in ("build", "check", "docs", "new", "schema", "serve"):
        assert f"  {command} " in output


def test_build_checks_the_content_once_and_reports_its_problems_as_check_does(three_mistakes, monkeypatch):
    import generator.cli
    import generator.incremental.update as update

    _, report = run("check")
    checks = []
    real_check = update.check_summary
    monkeypatch.setattr(update, "check_summary", lambda folder, **options: checks.append(folder) or real_check(folder, **options))
    monkeypatch.setattr(generator.cli, "check_summary", None)  # build must not call it
    code, output = run("build")
    assert code == 1 and len(checks) == 1
    assert output == report + "build stopped; the previous site is unchanged\n"
    assert not (three_mistakes / "site").exists()
