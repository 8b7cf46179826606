"""The `briefing` command line: check, schema, build. A thin layer over the pipeline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .build import check as check_content
from .errors import ContentErrors, format_grouped, format_json
from .schema import schema_files

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
    try:
        data = check_content(content_dir)
    except ContentErrors as exc:
        click.echo(format_json(exc.errors) if fmt == "json" else format_grouped(exc.errors))
        sys.exit(1)
    if fmt == "json":
        click.echo(format_json([]))
    else:
        records = sum(len(c) for c in (data.sources, data.people, data.organizations)) + sum(
            sum(1 for _ in b.records()) for b in data.briefings)
        click.echo(f"content OK: {len(data.briefings)} briefings, {records} records, 0 problems")


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
    click.echo(f"{'checked' if only_check else 'wrote'} {len(schema_files())} schema files in {out}/"
               + (f" ({len(stale)} updated)" if stale and not only_check else ""))


def content_dir_of(config_file: Path) -> Path:
    """The content folder that mkdocs.yml gives the briefing plugin."""
    from mkdocs.config import load_config

    plugin = load_config(str(config_file)).plugins["briefing"]
    return config_file.resolve().parent / plugin.config.content_dir


@main.command()
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("mkdocs.yml"), show_default=True)
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to put the site (default: site_dir of mkdocs.yml).")
def build(config_file: Path, site_dir: Path | None) -> None:
    """Check the content, then build the site atomically: the old site stays until the new one is whole."""
    import logging

    from mkdocs.exceptions import MkDocsException

    from .publish import publish

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    content_dir = content_dir_of(config_file)
    try:
        check_content(content_dir)
    except ContentErrors as exc:
        click.echo(format_grouped(exc.errors), err=True)
        click.echo("build stopped; the previous site is unchanged", err=True)
        sys.exit(1)
    try:
        site = publish(config_file, site_dir)
    except MkDocsException as exc:
        click.echo(f"build failed: {exc}", err=True)
        click.echo("the previous site is unchanged", err=True)
        sys.exit(1)
    pages = sum(1 for _ in site.rglob("*.html"))
    click.echo(f"built {pages} pages into {site}")
