"""Whole-site checks over a built site folder, with nothing but the standard library.

`check_site(site)` reads every HTML and CSS file of a built site and reports each defect with
its file and line:

- an internal link or resource (`href`, `src`, `srcset`, `data`, `action`, `poster`, CSS `url()`)
  that points at no file of the site, or at a `#fragment` that no element of the target page has;
- an external resource: anything the browser would fetch by itself (scripts, stylesheets, images,
  frames, media, objects, CSS imports) from an `http(s)://` or `//` address;
- a `javascript:` (or `vbscript:`) URL in any attribute, spelled in any case and with any of the
  tabs, newlines or leading spaces that browsers ignore, and a `data:` URL in a link or frame;
- an inline event handler attribute (`onclick=`, `onerror=`, ...).

`live_markup(site, marker)` reads every file of a built site, whatever its format, and reports
each place where content holding `marker` became live markup rather than text: an element whose
id carries the marker in HTML or XML (and in HTML held by JSON or by an Atom `type="html"`
element), a JSON key, a CSV row with more cells than its header, an iCalendar line that is not a
property. A file of a kind it cannot read is reported too, so a new export gets a checker.

Run it by hand with `python tests/sitecheck.py site`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import posixpath
import re
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that hold one URL, and whether the browser fetches it without a click.
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "cite", "background",
                   "longdesc", "manifest", "xlink:href", "ping"}
_FETCHED = {
    ("script", "src"), ("img", "src"), ("img", "srcset"), ("iframe", "src"), ("frame", "src"),
    ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"),
    ("track", "src"), ("embed", "src"), ("object", "data"), ("input", "src"), ("image", "href"),
    ("use", "href"), ("image", "xlink:href"), ("use", "xlink:href"),
}
# <link rel=...> values that make the browser fetch the target; `alternate`, `canonical` do not.
_FETCHING_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "prefetch",
                  "modulepreload", "preconnect", "dns-prefetch", "manifest", "mask-icon"}
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:")
# A data: URL may show an image, but must not be a page a reader navigates to or a frame.
_NAVIGATED = {"href", "action", "formaction", "xlink:href"}
_FRAMES = {"iframe", "frame", "object", "embed"}
# Browsers drop these before reading a URL's scheme: C0 controls and spaces at the ends,
# tab and newlines anywhere.
_STRIPPED_ENDS = "".join(chr(c) for c in range(0x21))
_STRIPPED_INSIDE = re.compile(r"[\t\n\r]")
# A server shows the error page for a missing address at any depth, so its links start at the
# site's root (as MkDocs writes them); they are checked from there.
SERVED_AT_ANY_DEPTH = {"404.html"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I)


@dataclass(frozen=True, order=True)
class Defect:
    """One problem in a built site: the file (relative to the site), the line, what is wrong."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def normalise_url(value: str) -> str:
    """A URL as a browser reads its scheme: ends stripped, tabs and newlines removed."""
    return _STRIPPED_INSIDE.sub("", value.strip(_STRIPPED_ENDS))


def is_external(url: str) -> bool:
    """True for an address on another host: `http(s)://...`, `//host/...` or any other scheme."""
    url = normalise_url(url)
    if url.startswith("//") or url.startswith("\\\\"):
        return True
    scheme = urlsplit(url).scheme.lower()
    return bool(scheme) and scheme not in ("data", "mailto", "tel")


@dataclass(frozen=True)
class _Reference:
    line: int
    url: str
    fetched: bool


class _PageParser(HTMLParser):
    """Collects a page's element ids, its URL references and its attribute-level defects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[_Reference] = []
        self.problems: list[tuple[int, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append((line, f"inline event handler {name}= on <{tag}>"))
            lowered = normalise_url(value).lower()
            if lowered.startswith(_DANGEROUS_SCHEMES):
                self.problems.append((line, f"{lowered.split(':')[0]}: URL in {name}= of <{tag}>"))
            elif lowered.startswith("data:") and (name in _NAVIGATED or tag in _FRAMES):
                self.problems.append((line, f"data: URL in {name}= of <{tag}>"))
            if name == "style":
                self._css(line, value)
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        rels = set(values.get("rel", "").lower().split())
        for name, value in values.items():
            if name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        self.references.append(_Reference(line, candidate.split()[0], True))
            elif name in _URL_ATTRIBUTES:
                fetched = (tag, name) in _FETCHED or (tag == "link" and name == "href" and rels & _FETCHING_RELS)
                self.references.append(_Reference(line, value, bool(fetched)))
        if tag == "style":
            self._in_style = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(self.getpos()[0], data)

    def _css(self, line: int, css: str) -> None:
        for offset, url in css_urls(css):
            self.references.append(_Reference(line + offset, url, True))


def css_urls(css: str) -> list[tuple[int, str]]:
    """(line offset, URL) of every `url(...)` and `@import "..."` in a style sheet."""
    found = []
    for match in _CSS_URL.finditer(css):
        url = match.group(2) if match.group(2) is not None else match.group(4)
        found.append((css.count("\n", 0, match.start()), url))
    return found


@dataclass(frozen=True)
class _Page:
    ids: frozenset[str]
    references: tuple[_Reference, ...]
    problems: tuple[tuple[int, str], ...]


def _parse_html(text: str) -> _Page:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return _Page(frozenset(parser.ids), tuple(parser.references), tuple(parser.problems))


def _parse_css(text: str) -> _Page:
    references = tuple(_Reference(1 + offset, url, True) for offset, url in css_urls(text))
    return _Page(frozenset(), references, ())


def check_site(site: Path) -> list[Defect]:
    """Every defect of the built site in folder `site`, sorted by file and line."""
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    pages: dict[str, _Page] = {}
    for name in sorted(files):
        if name.endswith(".html"):
            pages[name] = _parse_html((site / name).read_text(encoding="utf-8"))
        elif name.endswith(".css"):
            pages[name] = _parse_css((site / name).read_text(encoding="utf-8"))
    defects: list[Defect] = []
    for name, page in pages.items():
        defects.extend(Defect(name, line, message) for line, message in page.problems)
        for ref in page.references:
            message = _check_reference(name, ref, files, pages)
            if message:
                defects.append(Defect(name, ref.line, message))
    return sorted(defects)


def _check_reference(name: str, ref: _Reference, files: set[str], pages: dict[str, _Page]) -> str | None:
    url = normalise_url(ref.url)
    if is_external(url):
        return f"external resource {url}" if ref.fetched else None
    parts = urlsplit(url)
    if parts.scheme:  # data:, mailto:, tel: point at nothing inside the site
        return None
    if parts.path.startswith("/") and name not in SERVED_AT_ANY_DEPTH:
        return f"absolute path {url} (links must be relative so the site reads from any folder)"
    target = name
    if parts.path:
        base = "" if parts.path.startswith("/") else posixpath.dirname(name)
        target = posixpath.normpath(posixpath.join(base, unquote(parts.path.lstrip("/"))))
        if parts.path.endswith("/"):
            target = posixpath.join(target, "index.html")
        if target.startswith("../") or target == "..":
            return f"link {url} leaves the site"
        if target not in files:
            return f"link {url} points at no file of the site"
    fragment = unquote(parts.fragment)
    if fragment and fragment != "top" and target.endswith(".html") and fragment not in pages[target].ids:
        return f"link {url} points at no element id '{fragment}' in {target}"
    return None


class _IdCollector(HTMLParser):
    """Every id of an HTML text, with its line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend((self.getpos()[0], value or "") for name, value in attrs if name == "id")


def _live_in_html(text: str, marker: str) -> list[tuple[int, str]]:
    parser = _IdCollector()
    parser.feed(text)
    parser.close()
    return [(line, f"element with id '{value}' from the content") for line, value in parser.ids
            if marker in value]


def _live_in_xml(data: bytes, marker: str) -> list[tuple[int, str]]:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return [(exc.position[0], f"not well-formed XML: {exc}")]
    found = []
    for element in root.iter():
        if any(marker in value for value in element.attrib.values()):
            found.append((1, f"element <{element.tag}> with an attribute from the content"))
        if element.get("type") == "html" and element.text:
            found.extend(_live_in_html(element.text, marker))
    return found


def _live_in_json(data: bytes, marker: str) -> list[tuple[int, str]]:
    try:
        value = json.loads(data.decode("utf-8"))
    except ValueError as exc:
        return [(1, f"not valid JSON: {exc}")]
    found = []

    def walk(node: object, key: str) -> None:
        if isinstance(node, dict):
            for name, item in node.items():
                if marker in name:
                    found.append((1, f"JSON key from the content: {name!r}"))
                walk(item, name)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and key.endswith("html"):
            found.extend(_live_in_html(node, marker))

    walk(value, "")
    return found


def _live_in_csv(data: bytes, marker: str) -> list[tuple[int, str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    width = len(rows[0]) if rows else 0
    return [(number, f"row of {len(row)} cells under a header of {width}")
            for number, row in enumerate(rows, start=1) if len(row) != width]


_ICS_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+=(\"[^\"]*\"|[^\";:,]*)(,(\"[^\"]*\"|[^\";:,]*))*)*:")


def _live_in_ics(data: bytes, marker: str) -> list[tuple[int, str]]:
    text = data.decode("utf-8")
    if "\n" in text.replace("\r\n", ""):
        return [(1, "bare line feed in an iCalendar file")]
    unfolded = re.sub(r"\r\n[ \t]", "", text).split("\r\n")
    return [(number, f"iCalendar line is not a property: {line[:40]!r}")
            for number, line in enumerate(unfolded, start=1) if line and not _ICS_LINE.match(line)]


def _live_in_static(data: bytes, marker: str) -> list[tuple[int, str]]:
    return [(1, "content in a static file")] if marker.encode() in data else []


def _pagefind(data: bytes) -> bytes | None:
    """A file of the search bundle, unpacked: gzip around Pagefind's signature and its data."""
    try:
        data = gzip.decompress(data)
    except OSError:
        return None
    return data[len(_PAGEFIND):] if data.startswith(_PAGEFIND) else None


_PAGEFIND = b"pagefind_dcd"


def _live_in_search_fragment(data: bytes, marker: str) -> list[tuple[int, str]]:
    """A fragment of the search bundle: one page's text and metadata as JSON, which the search
    page shows only as text."""
    body = _pagefind(data)
    return [(1, "not a search bundle file")] if body is None else _live_in_json(body, marker)


def _live_in_search_data(data: bytes, marker: str) -> list[tuple[int, str]]:
    """The search bundle's index, metadata and WebAssembly: data that only the bundle's own code
    reads, never shown; it must be the bundle's format."""
    return [(1, "not a search bundle file")] if _pagefind(data) is None else []


_READERS = {
    ".html": lambda data, marker: _live_in_html(data.decode("utf-8"), marker),
    ".xml": _live_in_xml, ".atom": _live_in_xml, ".rss": _live_in_xml,
    ".json": _live_in_json, ".csv": _live_in_csv, ".ics": _live_in_ics,
    ".css": _live_in_static, ".js": _live_in_static, ".png": _live_in_static, ".svg": _live_in_xml,
    ".ico": _live_in_static, ".woff2": _live_in_static, ".txt": _live_in_static,
    ".pf_fragment": _live_in_search_fragment, ".pf_index": _live_in_search_data,
    ".pf_meta": _live_in_search_data, ".pagefind": _live_in_search_data,
}


def live_markup(site: Path, marker: str) -> list[Defect]:
    """Each place in any file of `site` where content holding `marker` became live markup."""
    found = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        data = path.read_bytes()
        suffix = path.suffix
        if suffix == ".gz":
            data, suffix = gzip.decompress(data), Path(path.stem).suffix
        reader = _READERS.get(suffix)
        if reader is None:
            found.append(Defect(name, 1, f"no checker for {suffix or 'extensionless'} files"))
            continue
        found.extend(Defect(name, line, message) for line, message in reader(data, marker))
    return sorted(found)


def main(argv: list[str]) -> int:
    """Print every defect of the site folder named in argv; exit 1 if there are any."""
    if len(argv) != 2:
        print(f"usage: {argv[0]} SITE_FOLDER", file=sys.stderr)
        return 2
    defects = check_site(Path(argv[1]))
    for defect in defects:
        print(defect)
    print(f"{len(defects)} defect{'s' if len(defects) != 1 else ''}")
    return 1 if defects else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
