"""Stage 5: build the site with MkDocs into a temporary folder and swap it into place on success."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def publish(config_file: Path, site_dir: Path | None = None, *, strict: bool = True) -> Path:
    """Build into a temporary folder beside the site folder and swap it in; on failure leave it be."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(config_file), strict=strict)
    site = Path(site_dir or config.site_dir).resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site.parent))
    try:
        config = load_config(str(config_file), strict=strict, site_dir=str(staging))
        mkdocs_build(config)
        _make_readable(staging)
        _swap(staging, site)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return site


def _swap(new: Path, site: Path) -> None:
    """Put the folder `new` in the place of `site`; if a step fails, `site` is as it was."""
    if not site.exists():
        os.rename(new, site)
        return
    old = new.with_name(new.name + "-old")  # unique, because mkdtemp made `new` unique
    os.rename(site, old)
    try:
        os.rename(new, site)
    except BaseException:
        os.rename(old, site)
        raise
    # The new site is in place: a leftover old copy is untidy, not a failed build.
    shutil.rmtree(old, ignore_errors=True)


def _make_readable(root: Path) -> None:
    os.chmod(root, 0o755)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
