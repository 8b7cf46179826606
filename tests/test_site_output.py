"""Whole-site checks on a built site: links and fragments resolve, nothing loads from the internet,
no javascript: URL and no inline event handler; and the checker itself finds each planted defect."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitecheck import Defect, check_site, is_external, normalise_url
from support import ARCHIVE_CONTENT, FIXTURE_CONTENT, build_site


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture briefing, which fills every field of every record kind."""
    return build_site(tmp_path_factory.mktemp("site-output") / "project", FIXTURE_CONTENT)


@pytest.fixture(scope="module")
def archive_site(tmp_path_factory) -> Path:
    """The fixture archive of three briefings that share people and events, with the repository's
    mkdocs.yml as it is (no site_url)."""
    return build_site(tmp_path_factory.mktemp("archive-output") / "project", ARCHIVE_CONTENT)


def test_fixture_site_has_no_defects(fixture_site: Path) -> None:
    assert [str(d) for d in check_site(fixture_site)] == []


def test_archive_site_has_no_defects(archive_site: Path) -> None:
    assert [str(d) for d in check_site(archive_site)] == []


def test_checked_sites_have_links_to_follow(fixture_site: Path, archive_site: Path) -> None:
    """The checks above are not vacuous: the sites have pages that link to each other's fragments."""
    pages = {p.relative_to(fixture_site).as_posix() for p in fixture_site.rglob("*.html")}
    assert {"people/li-minister.html", "sources/article.html", "briefings/visit/agenda.html"} <= pages
    for site in (fixture_site, archive_site):
        text = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
        assert text.count('href="') > 100 and text.count(".html#") > 10


BROKEN_SITE = {
    "index.html": """<!doctype html>
<html lang="en"><head><title>Broken</title>
<link rel="stylesheet" href="https://cdn.example.com/style.css">
<link rel="stylesheet" href="css/site.css">
<script src="//cdn.example.com/app.js"></script>
</head><body>
<a href="people/ada.html">fine</a> <a href="people/ada.html#bio">fine fragment</a>
<a href="people/nobody.html">missing page</a>
<a href="people/ada.html#no-such-id">missing fragment</a>
<a href="#top">top</a> <a href="#nowhere">missing fragment here</a>
<a href="https://example.org/">an outbound link is not a resource</a>
<a href="JaVaScRiPt:alert(1)">mixed case</a>
<a href="java\tscript:alert(1)">tab inside</a>
<a href=" javascript:alert(1)">leading space</a>
<a href="data:text/html,<script>alert(1)</script>">data page</a>
<img src="https://example.org/pixel.gif" alt=""> <img src="img/logo.png" alt="">
<img src="img/logo.png" alt="" onerror="alert(1)">
<svg onload="alert(1)"></svg>
<div style="background: url(https://example.org/bg.png)"></div>
<iframe src="https://example.org/embed"></iframe>
<a href="/people/ada.html">absolute</a>
<a href="../outside.html">outside</a>
</body></html>
""",
    "people/ada.html": """<!doctype html><html lang="en"><head><title>Ada</title></head>
<body><h1 id="bio">Ada</h1><a href="../index.html">home</a><button onclick="go()">go</button></body></html>
""",
    "css/site.css": "body { background: url(../img/logo.png); }\n@import url(\"https://fonts.example.com/f.css\");\n"
                    "h1 { background: url('missing.png'); }\n",
    "img/logo.png": "not really a png",
    "404.html": """<!doctype html><html lang="en"><head><title>Not found</title></head>
<body><a href="/index.html">home</a> <a href="/people/ada.html#bio">Ada</a> <a href="/gone.html">gone</a></body></html>
""",
}

PLANTED = [
    Defect("404.html", 2, "link /gone.html points at no file of the site"),
    Defect("css/site.css", 2, "external resource https://fonts.example.com/f.css"),
    Defect("css/site.css", 3, "link missing.png points at no file of the site"),
    Defect("index.html", 3, "external resource https://cdn.example.com/style.css"),
    Defect("index.html", 5, "external resource //cdn.example.com/app.js"),
    Defect("index.html", 8, "link people/nobody.html points at no file of the site"),
    Defect("index.html", 9, "link people/ada.html#no-such-id points at no element id 'no-such-id' in "
                            "people/ada.html"),
    Defect("index.html", 10, "link #nowhere points at no element id 'nowhere' in index.html"),
    Defect("index.html", 12, "javascript: URL in href= of <a>"),
    Defect("index.html", 13, "javascript: URL in href= of <a>"),
    Defect("index.html", 14, "javascript: URL in href= of <a>"),
    Defect("index.html", 15, "data: URL in href= of <a>"),
    Defect("index.html", 16, "external resource https://example.org/pixel.gif"),
    Defect("index.html", 17, "inline event handler onerror= on <img>"),
    Defect("index.html", 18, "inline event handler onload= on <svg>"),
    Defect("index.html", 19, "external resource https://example.org/bg.png"),
    Defect("index.html", 20, "external resource https://example.org/embed"),
    Defect("index.html", 21, "absolute path /people/ada.html (links must be relative so the site reads "
                             "from any folder)"),
    Defect("index.html", 22, "link ../outside.html leaves the site"),
    Defect("people/ada.html", 2, "inline event handler onclick= on <button>"),
]


def test_checker_reports_each_planted_defect(tmp_path: Path) -> None:
    for name, text in BROKEN_SITE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert check_site(tmp_path) == PLANTED


@pytest.mark.parametrize("url", ["javascript:x", " javascript:x", "\x01javascript:x", "java\tscript:x",
                                 "java\nscript:x", "JAVASCRIPT:x\n"])
def test_browsers_read_these_as_javascript(url: str) -> None:
    assert normalise_url(url).lower().startswith("javascript:")


@pytest.mark.parametrize("url, external", [
    ("https://example.org/a.js", True), ("//example.org/a.js", True), ("HTTP://example.org", True),
    (" https://example.org", True), ("ftp://example.org/x", True), ("a.js", False), ("../css/a.css", False),
    ("#top", False), ("data:image/png;base64,AAAA", False), ("mailto:someone@example.org", False),
])
def test_external_addresses(url: str, external: bool) -> None:
    assert is_external(url) is external
