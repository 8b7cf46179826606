"""The `briefing` command line: check, links, schema, docs, new, build, serve. A thin layer over the pipeline."""

from __future__ import annotations

import datetime as dt
import errno
import logging
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from .build import check_summary, collector_paused
from .errors import counted, format_grouped, format_json
from .content.schema import schema_files

CONTENT = click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
                       default=Path("content"), show_default=True, help="The content folder.")


@click.group()
def main() -> None:
    """Build briefing sites from curated YAML facts."""


@main.command()
@CONTENT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for editor integrations.")
def check(content_dir: Path, fmt: str) -> None:
    """Validate the content; print every problem, grouped by file, and exit 1 if there are any."""
    # The cycle collector paused to the end: what the check makes lives until the command ends,
    # and the collector's first passes after the reading stage would walk all of it again.
    with collector_paused():
        _check(content_dir, fmt)


def _check(content_dir: Path, fmt: str) -> None:
    """The check command's work: the report, and exit 1 if there are problems."""
    summary = check_summary(content_dir)
    if summary.errors:
        click.echo(format_json(summary.errors) if fmt == "json" else format_grouped(summary.errors))
        sys.exit(1)
    if fmt == "json":
        click.echo(format_json([]))
        return
    drafts = f" ({counted(summary.drafts, 'draft')}, not published)" if summary.drafts else ""
    click.echo(f"content OK: {counted(summary.briefings + summary.drafts, 'briefing')}{drafts}, "
               f"{counted(summary.records, 'record')}, 0 problems")
    quotations = summary.quotations
    if quotations.checked or quotations.unchecked:
        click.echo(f"{counted(quotations.checked, 'quotation')} checked against their sources' texts, "
                   f"{quotations.unchecked} in sources without a text")
    if summary.notes:
        click.echo(f"\n{counted(len(summary.notes), 'placeholder')} left in drafts; replace them before "
                   "publishing:\n" + format_grouped(summary.notes, noun="placeholder"))


@main.command()
@CONTENT
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds an address may take to answer.")
@click.option("--even-if-none-answer", "record_silence", is_flag=True,
              help="Write the report even when no server answered at all (else taken for being offline).")
def links(content_dir: Path, timeout: float, record_silence: bool) -> None:
    """Request every source's address and write what answered, with the date, to link-report.yml in
    the content folder, which the site then shows. Needs the internet; never part of a build.
    Exits 1 if an address failed."""
    from .check.linkcheck import check_links, write_report

    summary = check_summary(content_dir)
    if summary.data is None:
        click.echo(format_grouped(summary.errors))
        sys.exit(1)
    checks = check_links(summary.data.sources.values(), dt.datetime.now(dt.timezone.utc).date(), timeout=timeout)
    if checks and all(check.status is None for check in checks) and not record_silence:
        # Every address dead at once is far likelier to be this computer offline: the site would
        # otherwise call every source's address failed.
        click.echo(f"no server answered at all ({checks[0].source}: {checks[0].problem}); is this computer "
                   "online? The report is unchanged (--even-if-none-answer writes it anyway)", err=True)
        sys.exit(1)
    report = write_report(content_dir, checks)
    failed = [check for check in checks if not check.ok]
    for check in checks:
        if not check.ok:
            archived = summary.data.sources[check.source].archive_url
            click.echo(f"{check.source}: {check.url}: {check.problem}"
                       + (f" (the site leads to the archived copy, {archived})" if archived else
                          " (add an archived copy as 'archive_url', or correct 'url')"))
        elif check.final_url:
            click.echo(f"{check.source}: {check.url} leads to {check.final_url} (update 'url' if it has moved for good)")
    click.echo(f"checked {len(checks)} {'address' if len(checks) == 1 else 'addresses'}: "
               f"{len(checks) - len(failed)} answered, "
               f"{len(failed)} failed; wrote {report.as_posix()}")
    if failed:
        sys.exit(1)


DRAFTS = click.option("--drafts", is_flag=True,
                      help="Include draft briefings (and accept placeholders) to preview them.")

CLEAN = click.option("--clean", is_flag=True,
                     help="Render every page anew, ignoring what the last build kept (every build "
                          "otherwise renders only the pages that the changes since touch).")


@contextmanager
def _asked(**options: bool) -> Iterator[None]:
    """Tell the briefing plugin, for the length of a build or a preview, what was asked for on the
    command line (drafts, clean): each flag given overrides the plugin's option in mkdocs.yml."""
    from .mkdocs.plugin import BriefingPlugin

    before = BriefingPlugin.asked
    BriefingPlugin.asked = {**before, **{name: True for name, given in options.items() if given}}
    try:
        yield
    finally:
        BriefingPlugin.asked = before


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schema"),
              show_default=True, help="Where to write the schema files.")
@click.option("--check", "only_check", is_flag=True, help="Exit 1 if the files there are out of date.")
def schema(out: Path, only_check: bool) -> None:
    """Write the JSON Schema of each content file, for editors' YAML language servers."""
    stale = []
    for name, text in schema_files().items():
        target = out / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(str(target))
        if not only_check:
            out.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if only_check and stale:
        click.echo("out of date: " + ", ".join(stale) + " (run `briefing schema`)")
        sys.exit(1)
    click.echo(f"{'checked' if only_check else 'wrote'} {counted(len(schema_files()), 'schema file')} in {out}/"
               + (f" ({len(stale)} updated)" if stale and not only_check else ""))


@main.command()
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("mkdocs.yml"), show_default=True)
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to put the site (default: site_dir of mkdocs.yml).")
@DRAFTS
@CLEAN
def build(config_file: Path, site_dir: Path | None, drafts: bool, clean: bool) -> None:
    """Check the content and build the site atomically: the old site stays until the new one is whole."""
    from mkdocs.exceptions import MkDocsException

    from .errors import ContentErrors
    from .mkdocs.plugin import CONTENT_PROBLEMS
    from .mkdocs.publish import publish

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    # The briefing plugin checks the content as MkDocs' build starts: one check serves.
    quiet, mkdocs_log = _ReportedHere(CONTENT_PROBLEMS), logging.getLogger("mkdocs.commands.build")
    mkdocs_log.addFilter(quiet)
    try:
        with _asked(drafts=drafts, clean=clean):
            site, rendered = publish(config_file, site_dir)
    except ContentErrors as exc:
        click.echo(format_grouped(exc.errors), err=True)
        click.echo("build stopped; the previous site is unchanged", err=True)
        sys.exit(1)
    except MkDocsException as exc:
        click.echo(f"build failed: {exc}", err=True)
        click.echo("the previous site is unchanged", err=True)
        sys.exit(1)
    except OSError as exc:
        where = exc.filename or site_dir or "site"
        click.echo(f"briefing: cannot write the site: {exc.strerror or exc}: {where}", err=True)
        sys.exit(1)
    finally:
        mkdocs_log.removeFilter(quiet)
    pages = sum(1 for _ in site.rglob("*.html"))
    anew = "" if rendered is None else f" ({rendered} rendered anew, the rest unchanged since the last build)"
    click.echo(f"built {counted(pages, 'page')} into {site}{anew}")


@main.command()
@click.option("--guide", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path("AUTHORING.md"), show_default=True, help="The authoring guide to update.")
@click.option("--check", "only_check", is_flag=True, help="Exit 1 if the guide's reference is out of date.")
def docs(guide: Path, only_check: bool) -> None:
    """Write the field reference, generated from the schema, into the authoring guide."""
    from .authoring.reference import update_guide

    current = guide.read_text(encoding="utf-8")
    try:
        updated = update_guide(current)
    except ValueError as exc:
        raise click.ClickException(f"{guide}: {exc}") from None
    if only_check:
        if updated != current:
            click.echo(f"out of date: {guide} (run `briefing docs`)")
            sys.exit(1)
        click.echo(f"checked the field reference in {guide}")
        return
    if updated != current:
        guide.write_text(updated, encoding="utf-8")
    click.echo(f"{'updated' if updated != current else 'unchanged:'} the field reference in {guide}")


@main.group()
def new() -> None:
    """Start new content from a scaffold: every field present, explained, and valid as written."""


SOURCE = click.option("--source", help="The id of the source the scaffold cites "
                                        "(default: the last in sources.yml).")


@new.command("briefing")
@CONTENT
@SOURCE
@click.option("--actor", help="The person or organisation the scaffold names (default: the last person "
                              "in people.yml, else the last organisation).")
@click.argument("slug")
def new_briefing(content_dir: Path, source: str | None, actor: str | None, slug: str) -> None:
    """Create content/briefings/SLUG/ with briefing.yml, agenda.yml, disputes.yml, agreements.yml,
    statements.yml and context.yml."""
    from .authoring.scaffold import ScaffoldError, check_id, new_briefing as scaffold, subject_for

    try:
        check_id(slug, "briefing")
        subject = subject_for(content_dir, source=source, actor=actor, today=dt.date.today(), need_actor=True)
        files = scaffold(content_dir, slug, subject)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {files[0].parent.as_posix()}/ with " + ", ".join(f.name for f in files))
    click.echo(f"the records cite source '{subject.source}' and name '{subject.actor}' as placeholders; "
               "replace them with this briefing's own (see AUTHORING.md)")
    click.echo("next: replace every TODO, run `briefing check`, and watch it with `briefing serve`")


def _new_record(kind: str):
    """The command that adds a scaffold record of `kind` to its shared file."""
    @CONTENT
    @click.argument("record_id", metavar="ID")
    def create(content_dir: Path, record_id: str, source: str | None = None, after: str | None = None) -> None:
        from .authoring.scaffold import NOUNS, ScaffoldError, Subject, append_record, check_id, subject_for

        try:
            check_id(record_id, NOUNS[kind])
            # A new source cites nothing: its scaffold needs no other record.
            subject = (Subject(record_id, today=dt.date.today()) if kind == "source" else
                       subject_for(content_dir, source=source, actor=None, today=dt.date.today(),
                                   need_actor=False))
            path = append_record(content_dir, kind, record_id, subject, after)
        except ScaffoldError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"added {kind} '{record_id}' to {path.as_posix()}"
                   + (f" after '{after}'" if after else "")
                   + ("" if kind == "source" else f", citing source '{subject.source}'"))
        if kind in RANKED and after is None:
            click.echo(f"it is last: the site lists {RANKED[kind]} in the file's order, the most senior "
                       "first; move it to its rank, or give --after ID next time")
        click.echo("it is a draft (draft: true): replace every TODO, then remove that line and run "
                   "`briefing check`")

    if kind in RANKED:
        create = click.option("--after", metavar="ID", help=f"Put it just after this record: list {RANKED[kind]} "
                                                            "by rank, the most senior first.")(create)
    return create if kind == "source" else SOURCE(create)


# The shared kinds whose file order is the site's order (people, by rank within each country).
RANKED = {"person": "people"}

for _kind, _help in (("person", "Add a person with id ID to people.yml, at its end or --after another."),
                     ("organization", "Add an organisation with id ID to the end of organizations.yml."),
                     ("source", "Add a source with id ID to the end of sources.yml."),
                     ("event", "Add a shared event with id ID to the end of events.yml.")):
    new.command(_kind, help=_help)(_new_record(_kind))


@main.command()
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("mkdocs.yml"), show_default=True)
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              help="Where to serve; the default answers only this computer.")
@DRAFTS
def serve(config_file: Path, dev_addr: str, drafts: bool) -> None:
    """Preview the site: a change under content/ or templates/ rebuilds it and reloads the page.

    A problem in the content never stops the server: the terminal shows the report of
    `briefing check` and the browser a page listing the problems, until a save fixes them.
    """
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with _asked(drafts=drafts):
            # Dirty builds: after a save MkDocs redoes only what changed (serve.DirtyBuilds).
            mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True, build_type="dirty")
    except MkDocsException as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        click.echo(f"briefing serve: {dev_addr} is already in use; stop the other server or pick "
                   "another address with --dev-addr", err=True)
        sys.exit(1)


class _ReportedHere(logging.Filter):
    """Holds back MkDocs' log of the errors that `briefing build` reports itself: the content's
    problems (grouped, by file; MkDocs logs them under `content_problems`) and a file that cannot
    be written (one line; MkDocs logs the OSError's text, `[Errno N] ...`)."""

    def __init__(self, content_problems: str) -> None:
        super().__init__()
        self.content_problems = content_problems

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith(self.content_problems)
                    or record.levelno >= logging.ERROR and "[Errno " in message)


def _interrupt(signum: int, frame: object) -> None:
    # A polite stop (SIGTERM) ends the server as Ctrl-C does, so MkDocs removes its temporary site.
    raise KeyboardInterrupt
