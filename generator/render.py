"""Stage 4: the dataset through Jinja page templates to pages (source path -> title and HTML).

A pure function of the dataset, its index and the page templates. Templates run with
autoescaping and StrictUndefined: a missing field is an error, never an empty string. Links
between pages are relative, so the site also reads from disk without a server.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache, partial
from operator import attrgetter
from dataclasses import dataclass
from pathlib import Path
from types import BuiltinMethodType, MappingProxyType, MethodType
from typing import Any, Iterator, Mapping, NamedTuple, Sequence

import jinja2
import jinja2.compiler
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

try:
    # markupsafe's own escaping of a string, which escape() wraps in a Markup (private: the version
    # is pinned, and tests/test_render.py compares escape_output with escape).
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover - another markupsafe: the public way, a little slower
    def _escape_inner(text: str) -> str:
        return str(escape(text))

from .markup import render_inline, render_markdown
from .model import Dataset, Index
from .schema import Citation

# Markup(text) for a string that is HTML already, without Markup.__new__'s checks in Python: the
# helpers below make hundreds of thousands of them.
_as_markup = partial(str.__new__, Markup)
_NO_MARKUP = Markup("")

# The nav lists only the newest briefings; the home page lists them all. Every page carries the
# nav, so a nav that grew with the archive would make the build quadratic in the briefings.
NAV_BRIEFINGS = 10
BRIEFING_PARTS = ("agenda", "disputes", "agreements", "statements", "context", "memo")


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes, its title and description, and its body HTML."""

    path: str
    title: str
    description: str
    html: str
    in_nav: bool = False


class Footnote(NamedTuple):
    """A cited passage on one page: its number, the citation, the cited source, the address of the
    passage, and the marks citing it, each as (id, its number among them when there are several)."""

    number: int
    citation: Citation
    source: Any
    href: str
    marks: tuple[tuple[str, int | None], ...]


# The fields of a citation, as a key: equal citations are the same footnote. Faster to hash and
# compare than the model itself (tests/test_render.py checks that it holds every field).
citation_key = attrgetter("source", "para", "quote")


class Citer:
    """Numbers the citations of one page in order of first use, and lists them as footnotes.

    `titles` holds the escaped title of each cited passage (source, paragraph), shared by every
    page of a render: a passage is cited on many pages.
    """

    def __init__(self, links: Links, titles: dict[tuple[str, int | None], str]) -> None:
        self.links = links
        self.titles = titles
        # The number, the ids of the marks and the escaped title of each cited passage, and the
        # citation, by the citation's fields.
        self._marks: dict[tuple[Any, ...], tuple[int, list[str], str, Citation]] = {}

    def __call__(self, citations: list[Citation]) -> Markup:
        if not citations:
            return _NO_MARKUP
        marks = []
        for citation in citations:
            key = citation_key(citation)
            found = self._marks.get(key)
            if found is None:
                number, title = len(self._marks) + 1, self._title(citation)
                ref_id = f"cite-{number}"  # digits: nothing to escape
                self._marks[key] = (number, [ref_id], title, citation)
            else:
                number, refs, title, _ = found
                ref_id = f"cite-{number}-{len(refs) + 1}"
                refs.append(ref_id)
            marks.append(f'<a class="cite" id="{ref_id}" href="#note-{number}" title="{title}">[{number}]</a>')
        return _as_markup(f'<sup class="cites">{"".join(marks)}</sup>')

    def _title(self, citation: Citation) -> str:
        key = (citation.source, citation.para)
        title = self.titles.get(key)
        if title is None:
            source = self.links.data.sources[citation.source]
            label = f"{source.title}" + (f", paragraph {citation.para}" if citation.para else "")
            title = self.titles[key] = _escape_inner(label)
        return title

    def footnotes(self) -> list[Footnote]:
        """The cited passages of the page so far, in order of first citation."""
        passage = self.links.passage
        return [Footnote(number, c, *passage(c),
                         ((refs[0], None),) if len(refs) == 1 else tuple(zip(refs, range(1, len(refs) + 1))))
                for number, refs, _, c in self._marks.values()]


class LinkMemo:
    """What the links of every folder share: the path of each page, each record's label, and the
    links to records in another top-level folder, which are the same from every folder of the
    same depth."""

    def __init__(self) -> None:
        self.paths: dict[tuple[str, str | None, str | None], str] = {}
        self.labels: dict[tuple[str, str | None, str | None], Markup] = {}
        self.outside_links: dict[tuple[str, str, str | None, str | None], Markup] = {}


# The top-level folder of the page where a record of each kind is shown (see Site.page_path).
_TOP_FOLDERS = {**dict.fromkeys(("briefing", "agenda", "context", "dispute", "agreement", "statement"), "briefings"),
                "person": "people", "organization": "organizations", "source": "sources"}


class Links:
    """Links to pages, records and actors from the pages of one folder: the hot helpers of the
    templates, in Python.

    Links are relative, so every page of a folder links to a record with the same HTML: each link
    is made once per folder. Jinja macros cost a call frame, a context and a buffer each; a page
    of a large archive makes hundreds of these links. Every value is escaped as the templates'
    autoescape would (markupsafe's escaping, without a Markup per value); f-strings put the
    escaped text together (Markup.format parses its format string on every call). Links to
    records elsewhere, labels and page paths are shared by every folder through a LinkMemo.
    """

    def __init__(self, folder: str, data: Dataset, env: jinja2.Environment, memo: LinkMemo | None = None) -> None:
        self.folder = folder
        self.data = data
        self.env = env
        self.memo = memo or LinkMemo()
        self._top = folder.partition("/")[0]
        self._up = "../" * (folder.count("/") + 1) if folder else ""
        self._targets: dict[tuple[str, str | None, str | None], str] = {}
        self._passages: dict[tuple[str, int | None], tuple[Any, str]] = {}
        self._record_links: dict[tuple[str, str | None, str | None], Markup] = {}
        self._actor_links: dict[str, Markup] = {}

    def url(self, kind: str, rid: str | None = None, briefing: str | None = None, fragment: str = "") -> str:
        """The relative address of a page (see Site.page_path), with a fragment if given."""
        key = (kind, rid, briefing)
        target = self._targets.get(key)
        if target is None:
            path = self.memo.paths.get(key)
            if path is None:
                path = self.memo.paths[key] = Site.output_path(Site.page_path(kind, rid, briefing))
            # Page paths are made of ids (no "." or "/" in them): a page outside the folder's
            # top-level folder is reached from the root.
            target = self._targets[key] = (self._up + path if path.partition("/")[0] != self._top
                                           else _relpath(path, self.folder))
        return f"{target}#{fragment}" if fragment else target

    def passage(self, citation: Citation) -> tuple[Any, str]:
        """The source a citation cites, and the address of the cited passage."""
        key = (citation.source, citation.para)
        found = self._passages.get(key)
        if found is None:
            href = self.url("source", citation.source, fragment=source_anchor(citation))
            found = self._passages[key] = (self.data.sources[citation.source], href)
        return found

    def asset(self, target: str) -> str:
        """The relative address of a file of the site, such as an export."""
        return _relpath(Site.output_path(target), self.folder)

    def record_href(self, kind: str, record: Any, briefing: str | None) -> str:
        """The page and fragment where a record is shown. `briefing` is None for shared records."""
        if kind == "briefing":
            return self.url("briefing", briefing=briefing)
        if kind in ("agenda", "context"):
            return self.url(kind, briefing=briefing, fragment=f"{kind}-{record.id}")
        if kind in ("dispute", "agreement", "statement"):
            return self.url(kind + "s", briefing=briefing, fragment=f"{kind}-{record.id}")
        return self.url(kind, record.id)

    def record_label(self, kind: str, record: Any) -> Markup:
        """A record's name in a link; quotation marks only around a source's exact words."""
        if kind == "statement":
            text = do_truncate(self.env, record.text, 80)
            speaker = self.data.actor(record.speaker).name
            if record.kind == "quote":
                return _as_markup(f"{_escape_inner(speaker)}: “{_escape_inner(text)}”")
            return _as_markup(f"{_escape_inner(speaker)} (paraphrase): {_escape_inner(text)}")
        return _as_markup(_escape_inner(record.title if hasattr(record, "title") else record.name))

    def record_link(self, kind: str, record: Any, briefing: str | None) -> Markup:
        """A link to where a record is shown, labelled with its name."""
        # A record is known by its kind, its briefing and its id (a briefing by the first two).
        key = (kind, briefing, None if kind == "briefing" else record.id)
        link = self._record_links.get(key)
        if link is None:
            link = self._record_links[key] = self._new_record_link(kind, record, briefing, key)
        return link

    def _new_record_link(self, kind: str, record: Any, briefing: str | None,
                         key: tuple[str, str | None, str | None]) -> Markup:
        # A page in another top-level folder is reached from the root: every folder as deep as
        # this one links to it with the same HTML.
        outside = (self._up, *key) if _TOP_FOLDERS[kind] != self._top else None
        if outside is not None:
            link = self.memo.outside_links.get(outside)
            if link is not None:
                return link
        label = self.memo.labels.get(key)
        if label is None:
            label = self.memo.labels[key] = self.record_label(kind, record)
        link = _as_markup(f'<a href="{_escape_inner(self.record_href(kind, record, briefing))}">{label}</a>')
        if outside is not None:
            self.memo.outside_links[outside] = link
        return link

    def actor_url(self, actor_id: str) -> str:
        return self.url("person" if actor_id in self.data.people else "organization", actor_id)

    def actor_link(self, actor_id: str) -> Markup:
        """A link to a person's or an organisation's page, labelled with the name."""
        link = self._actor_links.get(actor_id)
        if link is None:
            link = self._actor_links[actor_id] = _as_markup(
                f'<a href="{_escape_inner(self.actor_url(actor_id))}">{_escape_inner(self.data.actor(actor_id).name)}</a>')
        return link

    def actor_list(self, ids: Sequence[str]) -> Markup:
        """Linked actors as a phrase: "A", "A and B", "A, B and C"."""
        parts: list[str] = []  # escaped already
        last = len(ids) - 1
        for n, actor_id in enumerate(ids):
            parts.append(self.actor_link(actor_id))
            if n < last:
                parts.append(", " if last - n > 1 else " and ")
        return _as_markup("".join(parts))


def source_anchor(citation: Citation) -> str:
    """The fragment of a source page that a citation points at."""
    return f"p{citation.para}" if citation.para else "top"


class Site:
    """Page paths and relative links, shared by every template."""

    @staticmethod
    def page_path(kind: str, rid: str | None = None, briefing: str | None = None) -> str:
        if kind == "home":
            return "index.md"
        if kind == "briefing":
            return f"briefings/{briefing}/index.md"
        if kind in BRIEFING_PARTS:
            return f"briefings/{briefing}/{kind}.md"
        collection = {"person": "people", "organization": "organizations", "source": "sources",
                      "data": "data"}[kind]
        return f"{collection}/{rid}.md" if rid else f"{collection}/index.md"

    @staticmethod
    def output_path(page_path: str) -> str:
        return page_path[:-3] + ".html" if page_path.endswith(".md") else page_path

    @classmethod
    def relative(cls, from_page: str, to_path: str) -> str:
        target = cls.output_path(to_path)
        base = posixpath.dirname(cls.output_path(from_page))
        return _relpath(target, base)


@lru_cache(maxsize=65536)
def _relpath(target: str, base: str) -> str:
    """posixpath.relpath for paths inside the site, without its calls to os.getcwd on every link."""
    parts, base_parts = target.split("/"), base.split("/") if base else []
    if any(p in parts or p in base_parts for p in ("", ".", "..")):
        return posixpath.relpath(target, base or ".")
    common = 0
    while common < min(len(parts), len(base_parts)) and parts[common] == base_parts[common]:
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + parts[common:]) or "."


def group_by(records: Sequence[Any], attribute: str) -> dict[Any, list[Any]]:
    """Records by the value of an attribute (dotted for an attribute of an attribute), the groups
    in the order of their first record and each in the order of `records`; a record whose
    attribute is a list is in the group of each of its values. Templates look records up in it
    instead of filtering a list once per item of another."""
    groups: dict[Any, list[Any]] = {}
    value_of = attrgetter(attribute)
    for record in records:
        value = value_of(record)
        for key in dict.fromkeys(value) if isinstance(value, list) else (value,):
            groups.setdefault(key, []).append(record)
    return groups


class PageContext(jinja2.runtime.Context):
    """Jinja's template context, calling plain methods and macros the short way.

    Jinja looks for `pass_context` and its kin on every call a template makes, three attribute
    look-ups that fail, each raising inside; a page makes hundreds of calls. A bound method
    whose function has none of them, a method of a built-in type (such as `dict.get`) and a
    macro are called as Jinja would call them, without the look-ups; a macro given each of its
    arguments by position runs its function directly, as Macro.__call__ would after sorting the
    arguments out; anything else goes to Jinja.
    """

    def call(__self, __obj: Any, *args: Any, _loop_vars: Any = None, _block_vars: Any = None,  # noqa: N805
             **kwargs: Any) -> Any:
        kind = type(__obj)
        if (kind is Macro and not kwargs and len(args) == __obj._argument_count
                and not (__obj.caller or __obj.catch_varargs or __obj.catch_kwargs)):
            # What Macro.__call__ does when every argument is given by position.
            try:
                html = __obj._func(*args)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")
            return _as_markup(html) if __obj._default_autoescape else html
        if (kind is MethodType and not hasattr(__obj.__func__, "jinja_pass_arg")) or kind in _PLAIN_CALLABLES:
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")
        return super().call(__obj, *args, _loop_vars=_loop_vars, _block_vars=_block_vars, **kwargs)


Macro = jinja2.runtime.Macro
_PLAIN_CALLABLES = (BuiltinMethodType, Macro, Citer)


def escape_output(value: Any) -> str:
    """The text autoescaping writes for `{{ value }}`: markupsafe.escape's, without making a Markup
    of it. A page is a string, and making a Markup costs more than escaping a short text."""
    if type(value) is str:
        return _escape_inner(value)
    if type(value) is int:
        return str(value)
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(value)


class PageCodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, writing its two commonest operations inline.

    `{{ value }}` writes a string, a Markup or a number escaped inline, anything else through
    escape_output; `a.b` tries the attribute inline and goes to Jinja's `environment.getattr` only
    when there is none (for a key of a mapping, or an undefined value). Pages make millions of
    both, and a call of a Python function costs more than the work. The values are held in
    names of their own (`_out`, `_obj`, `_attr`), each assigned before it is read.
    """

    def visit_Template(self, node: Any, frame: Any = None) -> None:
        self.writeline(f"from {__name__} import _escape_inner")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("(_escape_inner(_out) if (_kind := type(_out := ")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write(")) is str else _out if _kind is Markup else str(_out) if _kind is int"
                       " else environment.escape_output(_out))")
        else:
            super()._output_child_post(node, frame, finalize)

    @jinja2.compiler.optimizeconst
    def visit_Getattr(self, node: Any, frame: Any) -> None:
        if self.environment.is_async:
            super().visit_Getattr(node, frame)
            return
        self.write("(_attr if (_attr := getattr((_obj := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, missing)) is not missing else environment.getattr(_obj, {node.attr!r}))")


class PageEnvironment(jinja2.Environment):
    """The Jinja environment of page templates, with the faster calls and output above."""

    code_generator_class = PageCodeGenerator
    context_class = PageContext
    escape_output = staticmethod(escape_output)

    def make_globals(self, d: Mapping[str, Any] | None) -> Mapping[str, Any]:
        """A template's globals as one dictionary, not Jinja's ChainMap over the environment's,
        which every import of every page searches key by key. render_pages sets the
        environment's globals before it loads a template."""
        return {**self.globals, **(d or {})}


def make_environment(templates: Path) -> jinja2.Environment:
    """The Jinja environment for page templates: autoescape on, undefined values are errors."""
    env = PageEnvironment(
        loader=jinja2.FileSystemLoader(str(templates)),
        auto_reload=False,  # an environment serves one render: no need to look at the files again
        cache_size=-1,  # and keeps its few templates in a plain dictionary
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = render_markdown
    env.filters["inline"] = render_inline
    env.filters["group_by"] = group_by
    env.globals["source_anchor"] = source_anchor
    return env


def _page_context(path: str, links: Links, titles: dict[tuple[str, int | None], str],
                  **extra: Any) -> dict[str, Any]:
    """What a template sees of its own page; what every page shares is in the globals."""
    return {"page_path": path, "url": links.url, "asset": links.asset, "actor_url": links.actor_url,
            "cite": Citer(links, titles), "record_link": links.record_link, "actor_link": links.actor_link,
            "actor_list": links.actor_list, **extra}


def _by_briefing(data: Dataset, exports: Sequence[Any]) -> Mapping[str | None, tuple[Any, ...]]:
    """The exports of each briefing (None: of the whole site), in the order of `exports`."""
    groups: dict[str | None, list[Any]] = {None: [], **{bundle.id: [] for bundle in data.briefings}}
    for export in exports:
        groups.setdefault(export.briefing, []).append(export)
    return MappingProxyType({briefing: tuple(found) for briefing, found in groups.items()})


def _jobs(data: Dataset) -> Iterator[tuple[str, str, dict[str, Any], bool]]:
    """(page path, template, extra context, in nav) for every page of the site."""
    yield Site.page_path("home"), "home.html", {}, True
    for rank, bundle in enumerate(data.briefings):
        yield (Site.page_path("briefing", briefing=bundle.id), "briefing.html", {"bundle": bundle},
               rank < NAV_BRIEFINGS)
        for part in BRIEFING_PARTS:
            yield Site.page_path(part, briefing=bundle.id), f"{part}.html", {"bundle": bundle}, False
    for kind, collection, name in (("person", data.people, "person"),
                                   ("organization", data.organizations, "organization"),
                                   ("source", data.sources, "source")):
        yield Site.page_path(kind), f"{name}_index.html", {}, True
        for rid, record in collection.items():
            yield Site.page_path(kind, rid), f"{name}.html", {"record": record}, False
    yield Site.page_path("data"), "data_index.html", {}, True


def render_pages(data: Dataset, index: Index, templates: Path,
                 exports: Sequence[Any] = ()) -> Mapping[str, Page]:
    """Every page of the site, by source path. Page templates set `title` and `description`.

    `exports` lists the export files (export.Export) that pages link to.
    """
    env = make_environment(templates)
    # Shared by every page, so macros imported without context see them too.
    env.globals.update(data=data, index=index, actor=data.actor, exports=exports,
                       exports_by_briefing=_by_briefing(data, exports))
    # Each page's context starts as a copy of this dict: Jinja would merge the globals into every
    # context itself, walking a ChainMap key by key.
    shared = dict(env.globals)
    links: Links | None = None
    memo = LinkMemo()
    titles: dict[tuple[str, int | None], str] = {}
    pages: dict[str, Page] = {}
    for path, template_name, extra, in_nav in _jobs(data):
        template = env.get_template(template_name)
        folder = posixpath.dirname(Site.output_path(path))
        if links is None or links.folder != folder:  # pages come folder by folder
            links = Links(folder, data, env, memo)
        context = {**shared, **_page_context(path, links, titles, **extra)}
        module = template.make_module(context, shared=True)
        pages[path] = Page(path, str(module.title).strip(), str(getattr(module, "description", "")).strip(),
                           str(module), in_nav)
    return MappingProxyType(pages)

