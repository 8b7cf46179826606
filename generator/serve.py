"""Previewing through mistakes: while `mkdocs serve` runs, problems become the page.

A plugin that raises stops MkDocs' build; its dev server then keeps the last good pages and the
browser shows no sign of trouble. While serving, the plugin instead asks `Preview` for error pages:
the report of `briefing check` goes to the terminal, and every page the reader may have open
(each page of the last good build, and each page the content folder implies) becomes a page that
lists the problems. The build finishes, live reload carries the open tab to the problems, and the
next good save carries it back to the site. A mistake in a page template is shown the same way,
at its template's line.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping, TextIO

import jinja2
from markupsafe import Markup

from . import urls
from .errors import ContentError, count_problems, format_grouped
from .load import BRIEFINGS_DIR, display_path
from .render import Page, make_environment

ERROR_TITLE = "Content problems"


def error_html(errors: list[ContentError], home: str) -> str:
    """The body of an error page: the problems grouped by file, every piece of content escaped."""
    parts = [Markup('<h1>{}</h1>\n<p class="problems-summary">{}. Fix them and save: this page '
                    'reloads by itself, and the site comes back when the content is whole again.</p>'
                    ).format(ERROR_TITLE, count_problems(errors))]
    for path in dict.fromkeys(e.path for e in errors):
        items = Markup("").join(
            Markup("<li><code>{}:{}:{}</code>: {}{}</li>\n").format(
                e.path, e.line, e.column, e.message,
                Markup(" <em>({})</em>").format(e.hint) if e.hint else "")
            for e in errors if e.path == path)
        parts.append(Markup('<section class="problems">\n<h2><code>{}</code></h2>\n<ul>\n{}</ul>\n'
                            '</section>').format(path, items))
    parts.append(Markup('<p><a href="{}">Home</a> (also shows the problems until they are fixed)</p>'
                        ).format(home))
    return "\n".join(parts) + "\n"


def template_problem(exc: jinja2.TemplateError, templates_dir: Path) -> ContentError:
    """A mistake in a page template as a problem at its template's line, for the same report."""
    where: tuple[str, int] = (str(templates_dir), 1)
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno)
    else:
        # A template's compiled code runs under the template's file name; its Python line maps
        # back to the template's own line.
        root = templates_dir.resolve()
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if Path(f.filename).resolve().is_relative_to(root)]
        if frames:
            name = Path(frames[-1].filename).resolve().relative_to(root).as_posix()
            template = make_environment(templates_dir).get_template(name)
            where = (frames[-1].filename, template.get_corresponding_lineno(frames[-1].lineno or 1))
    return ContentError(display_path(Path(where[0])), where[1], 1, f"template error: {exc.message or exc}")


def implied_paths(content_dir: Path) -> set[str]:
    """The page paths the content folder implies even when it cannot be read: home, indexes, briefings."""
    paths = {urls.page_path("home")} | {urls.page_path(kind) for kind in ("person", "organization", "source")}
    folder = content_dir / BRIEFINGS_DIR
    for briefing in sorted(folder.iterdir()) if folder.is_dir() else ():
        if briefing.is_dir() and not briefing.name.startswith("."):
            paths.add(urls.page_path("briefing", briefing=briefing.name))
            paths |= {urls.page_path(part, briefing=briefing.name) for part in urls.BRIEFING_PARTS}
    return paths


def error_pages(errors: list[ContentError], paths: Iterable[str]) -> Mapping[str, Page]:
    """An error page at each of `paths`; only the home page is in the navigation."""
    home = urls.page_path("home")
    pages = {}
    for path in sorted(set(paths) | {home}):
        html = error_html(errors, urls.relative(path, home))
        pages[path] = Page(path, ERROR_TITLE, count_problems(errors), html, in_nav=path == home)
    return MappingProxyType(pages)


class Preview:
    """The dev server's memory across rebuilds: which pages the reader may have open."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.paths: set[str] = set()
        self.stream = stream

    def shown(self, pages: Mapping[str, Page]) -> Mapping[str, Page]:
        """Note the pages of a good build, so that a later bad one replaces each of them."""
        self.paths = set(pages)
        return pages

    def problems(self, errors: list[ContentError], content_dir: Path) -> Mapping[str, Page]:
        """Report the problems to the terminal; the error pages to serve in place of the site."""
        stream = self.stream or sys.stderr
        print(format_grouped(errors), file=stream)
        print("serving a page that lists these problems until the next save that fixes them",
              file=stream, flush=True)
        return error_pages(errors, self.paths | implied_paths(content_dir))
