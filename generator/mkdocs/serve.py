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

import hashlib
import logging
import os
import shutil
import tempfile
import traceback
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Collection, Iterable, Mapping

import jinja2
from markupsafe import Markup

from . import LOG
from .. import urls
from ..errors import ContentError, count_problems, format_grouped
from ..read.load import BRIEFINGS_DIR, display_path
from ..pages.render import Page, make_environment

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


def template_problem(exc: Exception, templates_dir: Path) -> ContentError | None:
    """A mistake in a page template as a problem at its template's line, for the same report: a
    Jinja error, or an error the template's own code raised (`{{ "a" + 1 }}`). None for any other
    exception, which is a bug of the code and keeps its traceback."""
    where: tuple[str, int] = (str(templates_dir), 1)
    # A template's compiled code runs under the template's file name; its Python line maps back
    # to the template's own line.
    root = templates_dir.resolve()
    stack = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in stack if Path(f.filename).resolve().is_relative_to(root)]
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno)
    elif not isinstance(exc, jinja2.TemplateError) and not (stack and frames and stack[-1] == frames[-1]):
        return None
    elif frames:
        name = Path(frames[-1].filename).resolve().relative_to(root).as_posix()
        template = make_environment(templates_dir).get_template(name)
        where = (frames[-1].filename, template.get_corresponding_lineno(frames[-1].lineno or 1))
    message = getattr(exc, "message", None) or exc
    return ContentError(display_path(Path(where[0])), where[1], 1, f"template error: {message}")


class HostCheck:
    """The preview's WSGI application, answering only requests addressed to the address it is
    bound to: a page elsewhere that has its own host name resolve to this computer (DNS
    rebinding) could otherwise read the drafts. Requests for other hosts get 403. Bound to every
    address (0.0.0.0), it answers any host, as asked."""

    _LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

    def __init__(self, app: Callable, host: str, port: int) -> None:
        self.app = app
        names = set(self._LOOPBACK) if host in self._LOOPBACK else {host, f"[{host}]"}
        self.allowed = None if host in ("", "0.0.0.0", "::") else {f"{name}:{port}" for name in names}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST", "").lower()
        if self.allowed is not None and host and host not in self.allowed:
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"This preview answers only requests addressed to its own address.\n"]
        return self.app(environ, start_response)


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
        pages[path] = Page.of(path, ERROR_TITLE, count_problems(errors), html, in_nav=path == home)
    return MappingProxyType(pages)


class Preview:
    """The dev server's memory across rebuilds: which pages the reader may have open."""

    def __init__(self) -> None:
        self.paths: set[str] = set()

    def shown(self, pages: Mapping[str, Page]) -> Mapping[str, Page]:
        """Note the pages of a good build, so that a later bad one replaces each of them."""
        self.paths = set(pages)
        return pages

    def problems(self, errors: list[ContentError], content_dir: Path) -> Mapping[str, Page]:
        """Report the problems to the terminal; the error pages to serve in place of the site.

        The report is logged at INFO: MkDocs' strict mode would stop the build on a warning, and
        with it the error pages."""
        LOG.info("%s\n%s", format_grouped(errors),
                 "serving a page that lists these problems until the next save that fixes them")
        return error_pages(errors, self.paths | implied_paths(content_dir))


class QuietDirty(logging.Filter):
    """Holds back MkDocs' warning about dirty builds, which would stop a strict build. It warns
    of wrong navigation; our builds redo every page when the navigation changes (DirtyBuilds,
    and incremental/update.py for `briefing build`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


class DirtyBuilds(QuietDirty):
    """`briefing serve` (`mkdocs serve --dirty`): after a save MkDocs renders through the theme and
    writes only the pages and files whose content changed, and sees only those.

    MkDocs' dirty build redoes a page or copies a file only if `File.is_modified()`: if its output
    is missing or older than its source. So every page gets the same empty source file, whose time
    is the epoch (its HTML comes in on_page_content), and the output of a page whose content
    changed since the last build is removed, which makes it modified. Every other file is written
    straight into the site folder, if its bytes changed, and is its own source, which MkDocs leaves
    alone (it lets plugins write into the site folder so). The output of a file gone from the site
    is removed; the rest stays as it was written. A theme page also shows the navigation, the
    theme and the configuration (the frame): when one of them changes, every page is redone.

    MkDocs makes a page object for every file it is given and looks at each one's times, whether
    it is redone or not: for an archive of a thousand briefings that is most of its build. So after
    a save it is given only the pages to redo and those the navigation names (`plan`); the other
    files stay in the site folder as they are. It is given every file when the frame changed or a
    Markdown page of docs/ is new or changed, since MkDocs then checks that page's links against
    all of them. One file shows the difference: the preview's sitemap.xml lists the pages MkDocs
    was given by the last build; `briefing build` writes the whole sitemap. After a save the other
    files (the exports, the search index) are made and written once MkDocs' build is done, while
    the browser reloads the page (the plugin's on_post_build): a request for one of them in that
    moment gets the last build's.

    Why MkDocs' dirty mode rather than a server of our own: MkDocs keeps doing the theme, live
    reload and its link checks as in any build; only the choice of what to redo is ours, made from
    content rather than from file times.
    """

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="briefing-serve-"))
        self.blank = self.folder / "page.md"
        self.blank.touch()
        os.utime(self.blank, (0, 0))
        self.pages: Mapping[str, Page] = {}
        self.files: dict[str, bytes] = {}
        # The output in the site folder of every file of the site, by source path.
        self.outputs: dict[str, str] = {}
        self.frame: bytes | None = None
        # This build's plan (see `plan`): the pages to redo, and whether the frame changed.
        self.redo: set[str] = set()
        self.new_frame = True
        # Whether the last build failed after `settle`: MkDocs may have left outputs unwritten,
        # which it finds by their times only among the files it is given.
        self.failed = False

    def page_source(self) -> str:
        """The source file of every generated page: the empty one."""
        return str(self.blank)

    def file_source(self, path: str, content: bytes, site_dir: str) -> str:
        """The source file of the generated file at `path`, other than a page: its output in
        `site_dir`, written there with `content` if that changed since the last build or the
        output is missing. After a save this runs once MkDocs' build is done (see the plugin's
        on_post_build)."""
        output = os.path.normpath(os.path.join(site_dir, path))
        if self.files.get(path) != content or not os.path.isfile(output):
            os.makedirs(os.path.dirname(output), exist_ok=True)
            # Whole or not at all, for the server may be sending the file meanwhile.
            part = f"{output}.part"
            Path(part).write_bytes(content)
            os.replace(part, output)
        self.files[path] = content
        self.outputs[path] = output
        return output

    def plan(self, files: Iterable, pages: Mapping[str, Page], frame: bytes, nav: object) -> set[str] | None:
        """The generated pages MkDocs is to be given in this build, by path: those whose content
        changed since the last build and those that `nav` (MkDocs' `nav` setting) names; None for
        every page and file (see the class, and `failed`). `files` are MkDocs' File objects of the
        build so far, of docs/ and the theme; `pages` the generated pages by path, `frame` what
        every page shows besides its own content (frame_of)."""
        self.new_frame = frame != self.frame
        self.frame = frame
        before = self.pages
        self.redo = set(pages) if self.new_frame else {path for path, page in pages.items() if before.get(path) != page}
        docs_changed = any(file.is_documentation_page() and file.is_modified() for file in files)
        if self.new_frame or self.failed or docs_changed:
            return None
        return self.redo | (nav_paths(nav) & pages.keys())

    def settle(self, files: Iterable, pages: Mapping[str, Page], others: Collection[str]) -> list[str]:
        """Remove the outputs MkDocs must write again, as `plan` found, and those of files gone
        from the site, before MkDocs looks at them; `files` are MkDocs' File objects of this build,
        `pages` the generated pages by path, `others` the paths of the other generated files
        (see file_source). Returns the outputs removed."""
        stale, given, others = [], set(), set(others)
        for file in files:
            path = file.src_uri
            given.add(path)
            self.outputs[path] = file.abs_dest_path
            if path in pages:
                changed = path in self.redo
            elif path in others:  # written by file_source
                continue
            else:  # a page of docs/ or a file of the theme: MkDocs' own file times tell
                changed = self.new_frame and file.is_documentation_page()
            if changed:
                stale.append(file.abs_dest_path)
        present = given | pages.keys() | others
        gone = [self.outputs.pop(path) for path in [path for path in self.outputs if path not in present]]
        kept = set(self.outputs.values())
        stale += sorted(output for output in gone if output not in kept)
        for output in stale:
            Path(output).unlink(missing_ok=True)
        self.pages, self.failed = dict(pages), False
        self.files = {path: content for path, content in self.files.items() if path in present}
        return stale

    def close(self) -> None:
        """Remove the folder of source files."""
        shutil.rmtree(self.folder, ignore_errors=True)


def nav_paths(nav: object) -> set[str]:
    """The file paths that MkDocs' `nav` setting names (a list of paths, and of titles mapped to
    paths or to lists like it)."""
    if isinstance(nav, str):
        return {nav}
    values = nav.values() if isinstance(nav, dict) else nav if isinstance(nav, list) else ()
    return set().union(*map(nav_paths, values))


def frame_of(nav: object, config_file: str | None, theme_dirs: Iterable[str]) -> bytes:
    """A digest of what every theme page shows besides its own content: the navigation, the
    configuration file and the theme's files."""
    digest = hashlib.sha256(repr(nav).encode("utf-8"))
    for path in [config_file] if config_file else []:
        digest.update(Path(path).read_bytes())
    for folder in theme_dirs:
        for name in sorted(Path(folder).rglob("*")):
            if name.is_file():
                digest.update(str(name).encode("utf-8") + b"\0" + name.read_bytes())
    return digest.digest()
