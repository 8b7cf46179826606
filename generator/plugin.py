"""The MkDocs adapter: runs the pipeline, adds its pages, and watches content and templates."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from .build import Built, build
from .errors import ContentErrors, format_plain
from .export import SiteInfo

_USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")


class BriefingConfig(Config):
    content_dir = config_options.Type(str, default="content")
    templates_dir = config_options.Type(str, default="templates/pages")


class BriefingPlugin(BasePlugin[BriefingConfig]):
    """Adds the generated briefing pages to a MkDocs build."""

    def __init__(self) -> None:
        self.built: Built | None = None

    def _dir(self, config, name: str) -> Path:
        root = Path(config.config_file_path or ".").resolve().parent
        return root / getattr(self.config, name)

    def on_pre_build(self, *, config) -> None:
        # Runs before MkDocs empties site_dir: a content error leaves the previous site alone.
        try:
            site = SiteInfo(config.site_name, config.site_url or None, config.site_description or None)
            self.built = build(self._dir(config, "content_dir"), self._dir(config, "templates_dir"), site)
        except ContentErrors as exc:
            self.built = None
            raise PluginError("the content has problems:\n" + format_plain(exc.errors)) from None
        # Pin MkDocs' build date (sitemap, gzip header) to the content, so builds are byte-identical.
        if _USER_EPOCH is None:
            os.environ["SOURCE_DATE_EPOCH"] = str(self.built.data.epoch())

    def on_files(self, files: Files, /, *, config) -> Files:
        assert self.built is not None
        nav: list = []
        briefings: list = []
        for page in self.built.pages.values():
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.path, content=page.title, inclusion=inclusion))
            if page.in_nav:
                target = briefings if page.path.startswith("briefings/") else nav
                target.append({page.title: page.path})
        for path, content in self.built.exports.items():
            files.append(File.generated(config, path, content=content))
        if not config.nav:
            config.nav = nav[:1] + ([{"Briefings": briefings}] if briefings else []) + nav[1:]
        return files

    def on_page_markdown(self, markdown: str, /, *, page, config, files) -> str:
        generated = self.built.pages.get(page.file.src_uri) if self.built else None
        if generated is None:
            return markdown
        page.meta["title"] = generated.title
        page.meta["description"] = generated.description
        return ""  # the body is rendered already; Markdown has nothing to do

    def on_page_content(self, html: str, /, *, page, config, files) -> str:
        generated = self.built.pages.get(page.file.src_uri) if self.built else None
        return generated.html if generated is not None else html

    def on_serve(self, server, /, *, config, builder):
        server.watch(str(self._dir(config, "content_dir")))
        server.watch(str(self._dir(config, "templates_dir")))
        return server
