"""The MkDocs adapter: runs the pipeline, adds its pages, and watches content and templates."""

from __future__ import annotations

import functools
import gc
import logging
import os
import re
import shutil
import tempfile
import threading
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import Callable, Iterable, Mapping

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from ..build import Built
from ..dataset.model import Dataset
from ..errors import ContentErrors, format_plain
from ..export import SiteInfo, list_exports
from ..pages.render import Page, site_nav
from ..pages.search import Stopped, search_documents
from ..templates import PAGES
from . import LOG
from .search_bundle import SearchBundle, SearchBundleError
from ..incremental.rebuild import Rebuilder
from ..incremental.state import BuildState, code_version, digest, documents_folder, output_stat
from ..incremental.update import Update, build_update
from ..urls import output_path
from .saves import Ahead, SaveSignal
from .serve import DirtyBuilds, HostCheck, Preview, frame_of, nav_paths, template_problem

_USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")
# The pages are our own templates' output: every attribute value is quoted and escaped, so a
# pattern finds the ids as surely as a parser, at a fraction of the cost.
_ID = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"')


CONTENT_PROBLEMS = "the content has problems:"


class ContentProblems(PluginError):
    """The content's problems (`errors`), stopping a build; its message is their plain report."""

    def __init__(self, errors: list) -> None:
        super().__init__(CONTENT_PROBLEMS + "\n" + format_plain(errors))
        self.errors = errors


class BriefingConfig(Config):
    content_dir = config_options.Type(str, default="content")
    templates_dir = config_options.Optional(config_options.Type(str))
    """The page templates; those shipped with the package (generator.templates) when not given."""
    drafts = config_options.Type(bool, default=False)
    """Include draft briefings (and accept placeholders); `briefing build --drafts` sets it."""


class BriefingPlugin(BasePlugin[BriefingConfig]):
    """Adds the generated briefing pages, the exports and the search bundle to a MkDocs build.

    Each generated page reaches MkDocs as a file with an empty Markdown body; its title and
    description go in as the page's metadata (`on_page_markdown`) and its HTML, rendered already,
    replaces the empty body's (`on_page_content`).
    """

    asked: dict[str, bool] = {}
    """Options given on the command line (`--drafts`, `--clean`), over those of mkdocs.yml: the
    `briefing` command sets them for the length of a build or a preview (see cli.py)."""

    previous_site: Path | None = None
    """The last site, while publish.py builds the next one in a folder of its own: the pages that
    the changes since leave alone are linked from there (see incremental/update.py)."""

    def __init__(self) -> None:
        self.built: Built | None = None
        self.pages: dict[str, Page] = {}
        self.preview: Preview | None = None
        self.rebuilder: Rebuilder | None = None
        self.state: BuildState | None = None
        self.update: Update | None = None
        self.rendered: int | None = None
        """How many pages the last one-off build rendered (the others are the last site's)."""
        self.blank: str | None = None
        self.docs_pages = False
        """Whether docs/ holds a Markdown page (see _build_once)."""
        self.dirty: DirtyBuilds | None = None
        self.saves: SaveSignal | None = None
        self.ahead: Ahead | None = None
        self.collected = False
        self.shown: set[str] = set()
        """The generated pages MkDocs has read in this build (see on_env)."""
        # While serving: whether this build's export files are written after it, the thread
        # writing them and then the search bundle, and whether the next save's build has asked it
        # to stop (see on_post_build).
        self.files_later = False
        self.writing: threading.Thread | None = None
        self.stopping = threading.Event()
        self.interrupting = threading.Lock()
        self.search = SearchBundle()
        """The indexer of this build's search documents, running while MkDocs writes the pages."""
        self.documents: dict[str, tuple[int, int, int]] = {}
        """How a one-off build wrote each search document, for the build database."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this object across the rebuilds of one `mkdocs serve`,
        # which reuses the work of the last build (see rebuild.py, and DirtyBuilds in serve.py).
        self.on_shutdown()
        self.preview = Preview() if command == "serve" else None
        self.collected = False
        if command == "serve" and dirty:
            self.dirty = DirtyBuilds()
            logging.getLogger("mkdocs.commands.build").addFilter(self.dirty)

    def on_shutdown(self) -> None:
        # MkDocs hands the next command of the same process this same object.
        self.interrupt()
        self.search.close()
        if self.dirty is not None:
            logging.getLogger("mkdocs.commands.build").removeFilter(self.dirty)
            self.dirty.close()
        self._stop_saves()
        self.preview = self.rebuilder = self.dirty = None

    def _dir(self, config, name: str) -> Path:
        root = Path(config.config_file_path or ".").resolve().parent
        folder = getattr(self.config, name)
        return PAGES if folder is None else root / folder

    def on_pre_build(self, *, config) -> None:
        self.interrupt()  # the last save's search bundle, if still in the making, would be out of date
        self.shown = set()
        if self.preview is not None:
            # While serving, the process holds the whole archive for the next build: the cyclic
            # collector's full passes over it would cost more than a rebuild, which makes next to
            # no cycles. It runs again after the build (on_post_build, on_build_error).
            gc.disable()
        # Runs before MkDocs empties site_dir: a content error leaves the previous site alone,
        # except while serving, where the problems become the pages (see serve.py).
        content_dir, templates_dir = self._dir(config, "content_dir"), self._dir(config, "templates_dir")
        self.built = None
        try:
            site = SiteInfo(config.site_name, config.site_url or None, config.site_description or None)
            drafts = self.asked.get("drafts", self.config.drafts)
            if self.preview is None:
                built = self._build_once(content_dir, templates_dir, site, drafts, config)
            else:
                rebuilder = self._rebuilder(content_dir, templates_dir, site, drafts)
                # A save's build may have been done already, while MkDocs was noticing the save.
                ahead = self.ahead.take(rebuilder) if self.ahead else None
                built = ahead if isinstance(ahead, Built) else rebuilder.build(files=False)
        except ContentErrors as exc:
            if self.preview is None:
                raise ContentProblems(exc.errors) from None
            self.pages = dict(self.preview.problems(exc.errors, content_dir))
            return
        except Exception as exc:
            problem = template_problem(exc, templates_dir)
            if problem is None:
                raise
            if self.preview is None:
                raise ContentProblems([problem]) from None
            self.pages = dict(self.preview.problems([problem], content_dir))
            return
        self.built = built
        # A one-off build lets go of each page once MkDocs holds its HTML (see on_page_content).
        self.pages = dict(self.preview.shown(built.pages) if self.preview else built.pages)
        # Pin MkDocs' build date (sitemap, gzip header) to the content, so builds are byte-identical.
        if _USER_EPOCH is None:
            os.environ["SOURCE_DATE_EPOCH"] = str(built.data.epoch())

    def _build_once(self, content_dir: Path, templates_dir: Path, site: SiteInfo, drafts: bool, config) -> Built:
        """A one-off build (`briefing build`, `mkdocs build`): it renders only the pages that the
        changes since the last build touch, by the build database (incremental/state.py), unless
        `--clean` was given; on_files links the others from the last site, on_post_build keeps
        this build's state."""
        version = code_version(templates_dir, config.theme.dirs, config.config_file_path)
        # The site folder is the one published to (publish.py builds in a folder beside it).
        published = self.previous_site or Path(config.site_dir).resolve()
        settings = repr((str(content_dir), str(templates_dir), site, drafts, str(published)))
        previous = self.previous_site if self.previous_site is not None and self.previous_site.is_dir() else None
        self.state = BuildState.open(content_dir, digest(version, settings.encode("utf-8")),
                                     fresh=self.asked.get("clean", False))
        # A Markdown page of docs/ that links into a generated page has its links checked against
        # that page's ids (on_env): every page is rendered then, even those kept.
        self.docs_pages = _has_markdown(config.docs_dir)
        # The search documents are kept beside the database, for the next build (search_bundle.py).
        self.search.close()
        self.search, self.documents = SearchBundle(keep=documents_folder(content_dir)), {}
        kept_documents = self.search.folder if self.search.open() else None
        self.update = build_update(content_dir, templates_dir, site, self.state, previous, drafts=drafts,
                                   render_all=self.docs_pages, documents=kept_documents,
                                   rendered=functools.partial(self._start_search, config.site_dir))
        # None when every page was rendered: a clean build, or one after a change to the code.
        self.rendered = self.update.rendered if self.update.rendered < len(self.update.built.pages) else None
        return self.update.built

    def _rebuilder(self, content_dir: Path, templates_dir: Path, site: SiteInfo, drafts: bool) -> Rebuilder:
        """The Rebuilder of these folders, kept across the builds of one `mkdocs serve`."""
        kept = self.rebuilder
        if kept is None or (kept.content_dir, kept.templates_dir, kept.site, kept.drafts) != (
                content_dir, templates_dir, site, drafts):
            kept = self.rebuilder = Rebuilder(content_dir, templates_dir, site, drafts=drafts)
        return kept

    def on_files(self, files: Files, /, *, config) -> Files:
        dirty = self.dirty
        if not config.nav:
            config.nav = site_nav(self.pages.values())
        # While serving, MkDocs is given only what it must redo (DirtyBuilds.plan); None: everything.
        given = dirty.plan(files, self.pages, frame_of(config.nav, config.config_file_path, config.theme.dirs),
                           config.nav) if dirty else None
        kept = self._link_kept(config) if self.update is not None else frozenset()
        # A page kept from the last site that the navigation does not name is not given to MkDocs:
        # it would only look at its file's times. Unless the sitemap lists every page MkDocs is
        # given (site_url is set), or a Markdown page of docs/ has its links checked against them.
        unseen = kept - nav_paths(config.nav) if not config.site_url and not self.docs_pages else frozenset()
        for page in self.pages.values():
            if (given is None or page.path in given) and page.path not in unseen:
                inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
                source = ({"abs_src_path": dirty.page_source()} if dirty else
                          {"abs_src_path": self.blank} if page.path in kept else {"content": ""})
                files.append(File.generated(config, page.path, inclusion=inclusion, **source))
        # While serving with problems there is no dataset: no exports, no search bundle. After a
        # save MkDocs is given none of them: they are written once its build is done (on_post_build).
        self.files_later = self.built is not None and given is not None
        contents = self._files() if self.built is not None and not self.files_later else {}
        if self.built is not None and not self.files_later and self.update is None:
            # The search bundle is indexed while MkDocs writes the pages; on_post_build waits for it.
            # (A one-off build started it once its pages were known: see _build_once.)
            self.search.start(self._search_documents(), config.site_dir)
        for path, content in contents.items():
            source = ({"abs_src_path": dirty.file_source(path, content, config.site_dir)} if dirty
                      else {"content": content})
            files.append(File.generated(config, path, **source))
        if dirty is not None:
            dirty.settle(files, self.pages, self._file_paths() if self.files_later else list(contents))
        if self.preview is None:
            # MkDocs holds the export files now; a one-off build needs the dataset no more.
            self.built = None
        return files

    def _link_kept(self, config) -> frozenset[str]:
        """Link the output of each page kept from the last site into the new one (MkDocs, in its
        dirty mode, leaves an output alone that is newer than its source, here an empty file of
        1970); the pages so kept. An output that cannot be linked is copied, with its times."""
        update, previous = self.update, self.previous_site
        assert update is not None
        if not update.kept or previous is None:
            return frozenset()
        folder = tempfile.mkdtemp(prefix="briefing-build-")
        self.blank = os.path.join(folder, "page.md")
        Path(self.blank).touch()
        os.utime(self.blank, (0, 0))
        site_dir, last = str(config.site_dir), str(previous)
        folders: set[str] = set()
        for path in update.kept:
            output = output_path(path)
            target = f"{site_dir}/{output}"
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            try:
                os.link(f"{last}/{output}", target)
            except OSError:  # another file system, or one without hard links
                shutil.copy2(f"{last}/{output}", target)
        return update.kept

    def _files(self) -> dict[str, bytes]:
        """The export files of the build, by path."""
        built = self.built
        assert built is not None
        rebuilder = self.rebuilder
        # A one-off build made its export files; a build while serving leaves them to the Rebuilder.
        return dict(built.exports if self.preview is None or rebuilder is None else rebuilder.files(built.data))

    def _start_search(self, site_dir: str, data: Dataset, pages: Mapping[str, Page], kept: frozenset[str]) -> None:
        """Write the search documents of a one-off build and start indexing them, to run while
        the build goes on (its exports, MkDocs' part); on_post_build waits for it. Only the
        documents that the folder kept from the last build does not hold are made (`kept`:
        update.documents_kept)."""
        kept = kept if self.search.kept() else frozenset()
        documents: dict[str, str | None] = dict.fromkeys(kept)
        documents.update(search_documents(data, pages, wanted=lambda path: path not in kept))
        try:
            self.search.start(documents, site_dir)
        except SearchBundleError as exc:  # no indexer to run: a message, as when it fails
            raise PluginError(str(exc)) from None
        folder = self.search.folder
        if self.search.kept() and folder is not None:
            root = str(folder)
            self.documents = {path: found for path in documents if (found := output_stat(f"{root}/{path}"))}

    def _search_documents(self, stop: Callable[[], bool] | None = None) -> dict[str, str]:
        """The search documents of the build (search.py), by path; `stop` as search_items takes it."""
        built = self.built
        assert built is not None
        rebuilder = self.rebuilder
        return (search_documents(built.data, self.pages) if rebuilder is None
                else rebuilder.search_documents(built.data, self.pages, stop))

    def _file_paths(self) -> list[str]:
        """The paths of what `_files` makes, without making it."""
        assert self.built is not None
        return [export.path for export in list_exports(self.built.data)]

    def on_page_markdown(self, markdown: str, /, *, page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:  # a Markdown page of docs/
            return markdown
        page.meta["title"] = generated.title
        page.meta["description"] = generated.description
        return ""

    def on_page_content(self, html: str, /, *, page, config, files) -> str:
        # A one-off build lets go of each page once MkDocs holds its HTML; `mkdocs serve` keeps
        # them for its next build.
        pages = self.pages
        generated = pages.get(page.file.src_uri) if self.preview else pages.pop(page.file.src_uri, None)
        if generated is None:
            return html
        self.shown.add(page.file.src_uri)
        return generated.html

    def on_env(self, env, /, *, config, files):
        # MkDocs checks each link from a Markdown page of docs/ to a fragment of another page
        # against the ids of that page, once every page is read: the generated pages' ids are
        # found here, only for the pages such links lead to; a page MkDocs leaves alone (kept
        # from the last site) has its body still here.
        for file in files.documentation_pages():
            for target in (file.page.links_to_anchors or {}) if file.page is not None else ():
                kept = self.pages.get(target.src_uri)
                html = (target.page.content if target.src_uri in self.shown and target.page is not None
                        else kept.html if kept is not None and kept.body else None)
                if html and target.page is not None:
                    target.page.present_anchor_ids = {unescape(value) for value in _ID.findall(html)}
        return env

    def on_post_build(self, *, config) -> None:
        try:
            self.search.wait()
        except SearchBundleError as exc:
            raise PluginError(str(exc)) from None
        finally:
            if self.preview is None:
                self.search.close()
        if self.files_later:
            # After a save the page shows as soon as MkDocs is done: the export files and the
            # search bundle follow, a moment later, written by a thread while the browser reloads.
            # The next save's build waits for the export files and stops the search bundle if it
            # is still in the making (see `interrupt`). The collector runs again once the export
            # files are written.
            self.files_later = False
            self.writing = threading.Thread(target=self._write_later, args=(config.site_dir,),
                                            name="briefing-files", daemon=True)
            self.writing.start()
            return
        self._keep_state(config)
        gc.unfreeze()  # what a one-off build froze (update.py)
        gc.enable()
        if self.preview is not None and not self.collected:
            # The first build of `mkdocs serve` makes the whole archive at once. One full pass now,
            # before any save, moves it to the oldest generation; otherwise the passes after the
            # first saves walk it all, for seconds, while the editor waits for the page.
            self.collected = True
            gc.collect()
        self._ready()

    def _keep_state(self, config) -> None:
        """Keep a one-off build's state for the next (incremental/state.py), with where each page
        rendered now was written."""
        update, state = self.update, self.state
        self.update = self.state = None
        self._forget_blank()
        if update is None or state is None:
            return
        site_dir = Path(config.site_dir)
        rows = dict(update.rows)
        for path, row in rows.items():
            if row.output == (0, 0, 0):
                found = output_stat(site_dir / output_path(path))
                rows[path] = replace(row, output=found or (0, 0, 0))
        files = {path: found for path in update.built.exports if (found := output_stat(site_dir / path))}
        documents, self.documents = self.documents, {}
        state.save(update.units, rows, update.frame, files, documents, update.pieces)

    def _forget_blank(self) -> None:
        if self.blank is not None:
            shutil.rmtree(os.path.dirname(self.blank), ignore_errors=True)
            self.blank = None

    def _write_later(self, site_dir: str) -> None:
        try:
            assert self.dirty is not None
            for path, content in self._files().items():
                self.dirty.file_source(path, content, site_dir)
        except Exception:  # a thread's error reaches no one else: tell it
            LOG.exception("writing the export files failed")
        finally:
            gc.enable()
            self._ready()
        # Made and indexed while the editor reads the page; the next save's build stops it
        # (`interrupt`), for it would be out of date, and makes its own.
        try:
            self.search.start(self._search_documents(self.stopping.is_set), site_dir, nice=True,
                              stop=self.stopping.is_set)
            self.search.finish_later()
        except Stopped:
            pass
        except Exception:
            LOG.exception("writing the search bundle failed")

    def indexed(self) -> None:
        """Wait until the export files and the search bundle of the last build are in place."""
        if self.writing is not None:
            self.writing.join()
        try:
            self.search.wait()
        except SearchBundleError:
            LOG.exception("writing the search bundle failed")

    def interrupt(self) -> None:
        """Before a build: wait for the export files of the last one, and stop the making of its
        search bundle, which this build's replaces."""
        with self.interrupting:
            writing = self.writing
            if writing is not None:
                self.stopping.set()
                writing.join()
                self.stopping.clear()
                self.writing = None
            self.search.stop()

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()  # what a one-off build froze (update.py)
        self.search.stop()
        if self.preview is None:
            self.search.close()
        gc.enable()
        if self.preview is None:
            self.rebuilder = self.update = self.state = None
            self._forget_blank()
        if self.dirty is not None:
            self.dirty.failed = True
        self._ready()

    def _ready(self) -> None:
        """A build is done, export files and all: the next save's may start (saves.Ahead)."""
        if self.ahead is not None and self.rebuilder is not None:
            self.ahead.ready(self.rebuilder, functools.partial(_build_ahead, self.rebuilder, self.interrupt))

    def on_serve(self, server, /, *, config, builder):
        host, port = server.server_address[:2]
        server.set_app(HostCheck(server.get_app(), host, port))
        folders = [self._dir(config, "content_dir"), self._dir(config, "templates_dir")]
        self._stop_saves()
        self.ahead = Ahead()
        self.saves = SaveSignal(folders, self.ahead.saved)
        if self.saves.start():
            server.watch(str(self.saves.folder))
            self._ready()
        else:
            self._stop_saves()
            for folder in folders:
                server.watch(str(folder))
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        return server

    def _stop_saves(self) -> None:
        if self.saves is not None:
            self.saves.close()
        if self.ahead is not None:
            self.ahead.close()
        self.saves = self.ahead = None


def _build_ahead(rebuilder: Rebuilder, interrupt: Callable[[], None]) -> Built:
    """A save's build, as on_pre_build makes it, done ahead of MkDocs' (saves.Ahead), once the
    last build's search bundle is stopped (`interrupt`)."""
    interrupt()
    gc.disable()  # as on_pre_build does while serving; the build's end enables it again
    return rebuilder.build(files=False)


def _has_markdown(docs_dir: str) -> bool:
    """Whether docs/ holds a Markdown page."""
    return any(name.endswith((".md", ".markdown")) for _, _, names in os.walk(docs_dir) for name in names)
