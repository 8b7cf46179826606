"""The MkDocs adapter: runs the pipeline, adds its pages, and watches content and templates."""

from __future__ import annotations

import os
import re
from html import unescape
from pathlib import Path
from typing import Iterable, Mapping

from jinja2 import TemplateError
from mkdocs.config import config_options
from mkdocs.contrib.search import SearchPlugin
from mkdocs.contrib.search.search_index import ContentParser, SearchIndex
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc

from .build import Built, build
from .errors import ContentErrors, format_plain
from .export import SiteInfo
from .render import Page
from .serve import Preview, template_problem

_USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")


def site_nav(pages: Iterable[Page]) -> list:
    """MkDocs `nav` for the pages marked in_nav: home, a Briefings section, then the indexes."""
    nav: list = []
    briefings: list = []
    for page in pages:
        if page.in_nav:
            target = briefings if page.path.startswith("briefings/") else nav
            target.append({page.title: page.path})
    return nav[:1] + ([{"Briefings": briefings}] if briefings else []) + nav[1:]


class BriefingConfig(Config):
    content_dir = config_options.Type(str, default="content")
    templates_dir = config_options.Type(str, default="templates/pages")


class BriefingPlugin(BasePlugin[BriefingConfig]):
    """Adds the generated briefing pages to a MkDocs build."""

    def __init__(self) -> None:
        self.built: Built | None = None
        self.pages: Mapping[str, Page] = {}
        self.preview: Preview | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this object across the rebuilds of one `mkdocs serve`.
        self.preview = Preview() if command == "serve" else None

    def _dir(self, config, name: str) -> Path:
        root = Path(config.config_file_path or ".").resolve().parent
        return root / getattr(self.config, name)

    def on_pre_build(self, *, config) -> None:
        # Runs before MkDocs empties site_dir: a content error leaves the previous site alone,
        # except while serving, where the problems become the pages (see serve.py).
        content_dir, templates_dir = self._dir(config, "content_dir"), self._dir(config, "templates_dir")
        self.built = None
        try:
            site = SiteInfo(config.site_name, config.site_url or None, config.site_description or None)
            # Only `mkdocs serve` builds again and needs the parsed files of this build.
            built = build(content_dir, templates_dir, site, keep_files=self.preview is not None)
        except ContentErrors as exc:
            if self.preview is None:
                raise PluginError("the content has problems:\n" + format_plain(exc.errors)) from None
            self.pages = self.preview.problems(exc.errors, content_dir)
            return
        except TemplateError as exc:
            if self.preview is None:
                raise
            self.pages = self.preview.problems([template_problem(exc, templates_dir)], content_dir)
            return
        self.built = built
        self.pages = self.preview.shown(built.pages) if self.preview else built.pages
        _index_generated_pages_fast(config, self.pages)
        # Pin MkDocs' build date (sitemap, gzip header) to the content, so builds are byte-identical.
        if _USER_EPOCH is None:
            os.environ["SOURCE_DATE_EPOCH"] = str(built.data.epoch())

    def on_files(self, files: Files, /, *, config) -> Files:
        for page in self.pages.values():
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.path, content=page.title, inclusion=inclusion)
            GeneratedPage(page, file, config)  # sets file.page, which MkDocs then uses
            files.append(file)
        # While serving with problems there is no dataset, so no exports: every page shows the problems.
        for path, content in (self.built.exports if self.built else {}).items():
            files.append(File.generated(config, path, content=content))
        if not config.nav:
            config.nav = site_nav(self.pages.values())
        return files

    def on_serve(self, server, /, *, config, builder):
        server.watch(str(self._dir(config, "content_dir")))
        server.watch(str(self._dir(config, "templates_dir")))
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        return server


class GeneratedPage(MkDocsPage):
    """A MkDocs page whose body is rendered already: no Markdown source to read or convert.

    MkDocs makes a Python-Markdown converter with its extensions for every page it renders, which
    is a fixed cost per page of a large archive (MkDocs lets a plugin set `File.page` to a Page).
    """

    def __init__(self, generated: Page, file: File, config) -> None:
        super().__init__(None, file, config)
        self.generated = generated

    def read_source(self, config) -> None:
        self.markdown = ""  # the body is rendered already; Markdown has nothing to do
        self.meta = {"title": self.generated.title, "description": self.generated.description}

    def render(self, config, files) -> None:
        # The search plugin indexes one entry per heading found in the page's table of contents:
        # with it, a search leads to the record (a dispute, a person's role), not just its page.
        tokens = heading_tokens(self.generated.html)
        self.content = self.generated.html
        self.toc = get_toc(tokens)
        self._title_from_render = None
        # What MkDocs checks links from Markdown pages (docs/) to fragments of this page against.
        self.present_anchor_ids = {unescape(value) for value in _ANY_ID.findall(self.generated.html)}


# The pages are our own templates' output: every attribute value is quoted and escaped, so a
# pattern finds the headings as surely as a parser, at a fraction of the cost on every page.
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", re.DOTALL | re.IGNORECASE)
_ID = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_ANY_ID = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"')


def heading_tokens(html: str) -> list[dict]:
    """The headings of a generated page that have an id, in order, as MkDocs table-of-contents tokens."""
    tokens = []
    for found in _HEADING.finditer(html):
        anchor = _ID.search(found.group(2))
        if anchor and (anchor.group(1) or anchor.group(2)):
            name = " ".join(unescape(_TAG.sub("", found.group(3))).split())
            tokens.append({"level": int(found.group(1)), "id": unescape(anchor.group(1) or anchor.group(2)),
                           "name": name, "children": []})
    return tokens


class _TemplateOutputParser(ContentParser):
    """MkDocs' search ContentParser, fed by a pattern instead of html.parser's tokenizer.

    For generated pages only (the reason is the same as for `heading_tokens`): the parser's own
    methods still group the text under the headings, so the search index comes out the same.
    """

    def feed(self, data: str) -> None:
        at = 0
        for found in _TOKEN.finditer(data):
            if found.start() > at:
                self.handle_data(unescape(data[at:found.start()]))
            at = found.end()
            closing, tag, attrs = found.group(1, 2, 3)
            if tag is None:
                continue  # a comment
            tag = tag.lower()
            if closing:
                self.handle_endtag(tag)
                continue
            anchor = _ID_ATTRIBUTE.search(attrs)
            value = None if anchor is None else unescape(anchor.group(1) or anchor.group(2) or "")
            self.handle_starttag(tag, [("id", value)] if anchor else [])
            if attrs.rstrip().endswith("/"):
                self.handle_endtag(tag)
        if at < len(data):
            self.handle_data(unescape(data[at:]))


_TOKEN = re.compile(r"<(?:(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|!--.*?-->)", re.DOTALL)
_ID_ATTRIBUTE = re.compile(r"""(?:^|\s)id\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


class _SearchIndex(SearchIndex):
    """MkDocs' search index, which reads the generated pages with `_TemplateOutputParser`.

    html.parser took about a quarter of a large build; other pages, and a generated page that a
    later plugin changed, still go through MkDocs' own parser.
    """

    def __init__(self, generated: Mapping[str, Page], **config) -> None:
        super().__init__(**config)
        self._generated = generated

    def add_entry_from_context(self, page) -> None:
        generated = self._generated.get(page.file.src_uri)
        if generated is None or page.content is not generated.html:
            super().add_entry_from_context(page)
            return
        # As SearchIndex.add_entry_from_context does, with the faster parser.
        parser = _TemplateOutputParser()
        parser.feed(page.content)
        text = parser.stripped_html.rstrip("\n") if self.config["indexing"] == "full" else ""
        self._add_entry(title=page.title, text=text, loc=page.url)
        if self.config["indexing"] in ["full", "sections"]:
            for section in parser.data:
                self.create_entry_for_section(section, page.toc, page.url)


def _index_generated_pages_fast(config, pages: Mapping[str, Page]) -> None:
    """Give MkDocs' search plugin, if it runs before this one, an index that parses `pages` faster."""
    search = config.plugins.get("search")
    if isinstance(search, SearchPlugin) and type(getattr(search, "search_index", None)) is SearchIndex:
        search.search_index = _SearchIndex(pages, **search.config)
