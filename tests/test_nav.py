"""The site's nav stays short however many briefings the archive holds."""

from __future__ import annotations

from generator.build import build
from generator.pages.render import site_nav
from generator.pages.render import NAV_BRIEFINGS

from support import ARCHIVE_CONTENT, ROOT


def test_the_nav_lists_only_the_newest_briefings_and_the_home_page_lists_them_all(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.synth import write_archive

    write_archive(ARCHIVE_CONTENT, tmp_path / "content", NAV_BRIEFINGS + 3)
    built = build(tmp_path / "content", ROOT / "templates" / "pages")

    nav = site_nav(built.pages.values())
    section = next(value for item in nav for value in item.values() if isinstance(value, list))
    newest = [f"briefings/{b.id}/index.md" for b in built.data.briefings[:NAV_BRIEFINGS]]
    assert [path for entry in section for path in entry.values()] == newest
    home = built.pages["index.md"].html
    assert all(f'href="briefings/{b.id}/index.html"' in home for b in built.data.briefings)
