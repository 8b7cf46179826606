"""The MkDocs adapter: runs the pipeline, adds its pages, and watches content and templates."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import orjson
from jinja2 import TemplateError
from mkdocs.config import config_options
from mkdocs.contrib.search import SearchPlugin
from mkdocs.contrib.search.search_index import SearchIndex
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
        self.linked: set[str] = set()  # see linked_fragments

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
        # A one-off build lets go of each page once MkDocs has written it (see on_post_page).
        self.pages = self.preview.shown(built.pages) if self.preview else dict(built.pages)
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
        export_file = File if self.preview else _WrittenOnce
        for path, content in (self.built.exports if self.built else {}).items():
            files.append(export_file.generated(config, path, content=content))
        if not config.nav:
            config.nav = site_nav(self.pages.values())
        if self.preview is None:
            # MkDocs holds the pages' titles and the export files now; a one-off build needs the
            # dataset no more, and letting go of it lowers the build's peak memory.
            self.built = None
        return files

    def on_env(self, env, /, *, config, files: Files):
        # Every page is rendered now, and no page is written yet.
        self.linked = linked_fragments(files)
        return env

    def on_post_page(self, output: str, /, *, page, config) -> str:
        # Written and indexed for search: a one-off build needs the page's HTML no more. At
        # archive scale the pages' HTML would otherwise stay in memory until the build ends.
        if self.preview is None and isinstance(page, GeneratedPage):
            self.pages.pop(page.file.src_uri, None)
            page.forget_body(keep_anchor_ids=page.file.src_uri in self.linked)
        return output

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
        self._anchor_ids: set[str] | None = None
        super().__init__(None, file, config)
        self.generated = generated

    def read_source(self, config) -> None:
        self.markdown = ""  # the body is rendered already; Markdown has nothing to do
        self.meta = {"title": self.generated.title, "description": self.generated.description}

    def render(self, config, files) -> None:
        self.content = self.generated.html
        self._title_from_render = None
        # Worked out from the HTML when first read: our theme shows no table of contents, and
        # MkDocs reads the anchors only to check links from Markdown pages of docs/ to this page.
        self._toc = self._anchor_ids = None

    @property
    def toc(self):
        """The headings with an id, for themes that show a table of contents."""
        if self._toc is None:
            self._toc = get_toc(heading_tokens(self.generated.html))
        return self._toc

    @toc.setter
    def toc(self, value) -> None:
        self._toc = value

    @property
    def present_anchor_ids(self) -> set[str] | None:
        """The ids in the page, which MkDocs checks links from Markdown pages to fragments of it against."""
        if self._anchor_ids is None and self.content is not None:
            self._anchor_ids = {unescape(value) for value in _ANY_ID.findall(self.generated.html)}
        return self._anchor_ids

    @present_anchor_ids.setter
    def present_anchor_ids(self, value: set[str] | None) -> None:
        self._anchor_ids = value

    def forget_body(self, *, keep_anchor_ids: bool = False) -> None:
        """Let go of the page's HTML, once written; `keep_anchor_ids` keeps the ids in it (see
        `linked_fragments`)."""
        if keep_anchor_ids:
            self.present_anchor_ids  # noqa: B018 - read while the HTML is there
        self.content = None
        self.generated = replace(self.generated, html="")


def linked_fragments(files: Files) -> set[str]:
    """The source paths of the generated pages that a Markdown page of docs/ links to a fragment
    of, once every page is rendered. MkDocs checks such links against the linked page's ids after
    every page is written, when a one-off build has let go of the pages' HTML."""
    return {target.src_uri for file in files if file.page is not None
            and not isinstance(file.page, GeneratedPage)
            for target in (file.page.links_to_anchors or {})
            if isinstance(target.page, GeneratedPage)}


class _WrittenOnce(File):
    """A generated file that lets go of its content once MkDocs has written it to the site: from
    then on it reads as the file written. The exports of a large archive are a hundred MB."""

    def copy_file(self, dirty: bool = False) -> None:
        super().copy_file(dirty)
        if self._content is not None and os.path.isfile(self.abs_dest_path):
            self.abs_src_path, self._content = self.abs_dest_path, None


# The pages are our own templates' output: every attribute value is quoted and escaped, so a
# pattern finds the headings as surely as a parser, at a fraction of the cost on every page.
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_ANY_ID = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"')


def heading_tokens(html: str) -> list[dict]:
    """The headings of a generated page that have an id, in order, as MkDocs table-of-contents tokens."""
    tokens = []
    for found in _HEADING.finditer(html):
        anchor = _anchor(found.group(2))
        if anchor is not None:
            tokens.append({"level": int(found.group(1)), "id": anchor, "name": _plain_text(found.group(3)),
                           "children": []})
    return tokens


# What the search index leaves out of a generated page, because it only repeats what other entries
# hold or is not content: navigation, citation marks and footnotes (the source pages have the
# passages), the records listed on index pages and in a source's "cited by" and a person's or
# organisation's appearances (each record has its own entry), the disputes table (a summary of
# the details below it) and the print memo (a copy of its briefing). None of these nest in a
# block of their own kind, so the first closing tag of its kind ends each.
_OMITTED = re.compile(
    r'<(?:(nav)\b[^>]*'
    r'|(sup) class="cites"'
    r'|(section) class="(?:footnotes\b[^"]*|appearances)"[^>]*'
    r'|(ul) class="(?:cited-by|index-list|briefing-list)"'
    r'|(table) class="tracker"'
    r'|(article) class="memo")>')
_SEARCH_MARK = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>|<li\b([^>]*\sid\s*=[^>]*)>", re.DOTALL | re.IGNORECASE)
_ID_ATTRIBUTE = re.compile(r"""(?:^|\s)id\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_NUMBER = re.compile(r"""\bvalue\s*=\s*["']?(\d+)""", re.IGNORECASE)


def omitted_parts(html: str) -> Iterator[tuple[str, int, int]]:
    """(tag, start, end) of each part of a generated page that the search index leaves out."""
    at = 0
    while (found := _OMITTED.search(html, at)) is not None:
        tag = found.group(found.lastindex)
        end = html.find(f"</{tag}>", found.end())
        if end < 0:
            return
        at = end + len(tag) + 3
        yield tag, found.start(), at


def _without_omitted_parts(html: str) -> str:
    kept, at = [], 0
    for _, start, end in omitted_parts(html):
        kept.append(html[at:start])
        at = end
    kept.append(html[at:])
    return " ".join(kept)


def _plain_text(html: str) -> str:
    """The text of an HTML fragment, tags as spaces, whitespace collapsed."""
    return " ".join(unescape(_TAG.sub(" ", html)).split())


def search_entries(title: str, description: str, html: str, url: str) -> list[tuple[str, str, str]]:
    """The search entries of a generated page, as (title, text, location), each text in one entry.

    The page's entry holds its description and the text under its title; each heading with an id
    starts a section's entry (a dispute, an agenda item, a person's roles), which also holds the
    text under its sub-headings that have no id; each list item with an id inside a section is a
    passage of its own (a source's numbered paragraphs). Text under a heading without an id that
    is no sub-heading of a section (a listing of other pages' records) is in no entry.
    """
    html = _without_omitted_parts(html)
    page: list = [title, [description], url]
    entries, current, level, titled, at = [page], page, 0, False, 0
    for found in _SEARCH_MARK.finditer(html):
        if current is not None:
            current[1].append(html[at:found.start()])
        at = found.end()
        if found.group(1) is None:  # a list item with an id
            anchor = _anchor(found.group(4))
            if anchor is not None and current is not None and current is not page:
                number = _NUMBER.search(found.group(4))
                current = [f"{title}, paragraph {number.group(1)}" if number else title, [], f"{url}#{anchor}"]
                entries.append(current)
            continue
        rank, anchor = int(found.group(1)), _anchor(found.group(2))
        if anchor is not None:
            current, level = [_plain_text(found.group(3)), [], f"{url}#{anchor}"], rank
            entries.append(current)
        elif not titled and current is page:
            pass  # the page's own title
        elif current is not None and current is not page and level < rank:
            current[1].append(found.group(3))
        else:
            current = None
        titled = True
    if current is not None:
        current[1].append(html[at:])
    return [(name, _plain_text(" ".join(parts)), location) for name, parts, location in entries]


def _anchor(attributes: str) -> str | None:
    found = _ID_ATTRIBUTE.search(attributes)
    return None if found is None else unescape(found.group(1) or found.group(2) or "") or None


class _SearchIndex(SearchIndex):
    """MkDocs' search index, with the generated pages' entries from `search_entries`.

    Each entry is kept as its JSON text, not as a dict, and the index is written with orjson:
    at archive scale the index has tens of thousands of entries. Other pages, and a generated
    page that a later plugin changed, still go through MkDocs' own parser.
    """

    def __init__(self, generated: Mapping[str, Page], **config) -> None:
        super().__init__(**config)
        self._generated = generated
        # The index as MkDocs writes it (keys sorted, no spaces) but UTF-8 rather than \u escapes,
        # built up entry by entry: one buffer costs a fraction of a dict, or even a bytes object,
        # per entry.
        config_json = orjson.dumps(self.config, option=orjson.OPT_SORT_KEYS, default=str)
        self._json = bytearray(b'{"config":' + config_json + b',"docs":[')
        self._empty = True

    def _add_entry(self, title: str | None, text: str, loc: str) -> None:
        text = " ".join(text.split()) if self.config["indexing"] == "full" else ""
        self._add_json(orjson.dumps({"location": loc, "text": text, "title": title}))

    def _add_json(self, entries: bytes) -> None:
        """Add entries as their JSON text, separated by commas."""
        if not self._empty:
            self._json += b","
        self._json += entries
        self._empty = False

    def add_entry_from_context(self, page) -> None:
        generated = self._generated.get(page.file.src_uri)
        if generated is None or page.content is not generated.html:
            super().add_entry_from_context(page)
            return
        entries = search_entries(generated.title, generated.description, generated.html, page.url)
        # The texts are plain with whitespace collapsed already (what _add_entry makes of a text).
        full = self.config["indexing"] == "full"
        entries = entries if self.config["indexing"] != "titles" else entries[:1]
        listed = orjson.dumps([{"location": location, "text": text if full else "", "title": title}
                               for title, text, location in entries])
        self._add_json(listed[1:-1])  # the entries without the list's brackets

    def generate_search_index(self) -> str:
        self._json += b"]}"
        if self.config["prebuild_index"]:
            self._entries = orjson.loads(self._json)["docs"]
            return super().generate_search_index()
        text, self._json = self._json.decode("utf-8"), bytearray()
        return text


def _index_generated_pages_fast(config, pages: Mapping[str, Page]) -> None:
    """Give MkDocs' search plugin, if it runs before this one, an index that parses `pages` faster."""
    search = config.plugins.get("search")
    if isinstance(search, SearchPlugin) and type(getattr(search, "search_index", None)) is SearchIndex:
        search.search_index = _SearchIndex(pages, **search.config)
