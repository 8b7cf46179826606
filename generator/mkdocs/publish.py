"""Stage 5: build the site with MkDocs into a temporary folder and swap it into place on success.

The temporary folder is named `.site-<pid>-<random>` after the build's process: a build stopped
by SIGKILL leaves its folder behind, and the next build removes every such folder whose process
no longer runs. SIGTERM during a build stops it as an exception does, so its folder goes with it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

STAGING_PREFIX = ".site-"
# A staging folder, or the previous site moved aside beside it (`-old`); group 1 is its build's pid.
_STAGING = re.compile(rf"{re.escape(STAGING_PREFIX)}(\d+)-[^/]*")


class Published(NamedTuple):
    """Where the site went, and how many of its pages were rendered anew (None: not told)."""

    site: Path
    rendered: int | None


def publish(config_file: Path, site_dir: Path | None = None, *, strict: bool = True) -> Published:
    """Build into a temporary folder beside the site folder and swap it in; on failure leave it be.

    The build starts from the last site: the briefing plugin links into the new folder each page
    that the changes since leave alone (incremental/update.py), and MkDocs, in its dirty mode,
    writes only the others, into a folder that holds nothing else; the last site is never
    written to. Problems in the content raise ContentErrors; an error while writing, OSError."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    from ..errors import ContentErrors
    from .plugin import BriefingPlugin, ContentProblems
    from .serve import QuietDirty

    config = load_config(str(config_file), strict=strict)
    site = Path(site_dir or config.site_dir).resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(site.parent)
    with _terminate_as_exit():
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=site.parent))
        quiet, mkdocs_log = QuietDirty(), logging.getLogger("mkdocs.commands.build")
        mkdocs_log.addFilter(quiet)
        BriefingPlugin.previous_site = site
        try:
            config = load_config(str(config_file), strict=strict, site_dir=str(staging))
            mkdocs_build(config, dirty=True)
            _make_readable(staging)
            _swap(staging, site)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            # MkDocs stops on a plugin's error with an Abort raised while handling it.
            if isinstance(exc, Abort) and isinstance(exc.__context__, ContentProblems):
                raise ContentErrors(exc.__context__.errors) from None
            raise
        finally:
            BriefingPlugin.previous_site = None
            mkdocs_log.removeFilter(quiet)
    plugin = config.plugins.get("briefing")
    return Published(site, getattr(plugin, "rendered", None))


def remove_stale_staging(folder: Path) -> list[str]:
    """Remove the staging folders in `folder` whose build's process no longer runs; their names."""
    removed = []
    for path in sorted(folder.glob(STAGING_PREFIX + "*")):
        found = _STAGING.fullmatch(path.name)
        if found and path.is_dir() and not _running(int(found.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process; no such pid at all
        return False
    except PermissionError:  # another user's process
        return True
    return True


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM raises SystemExit while inside, so cleanups run (only the main thread gets signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
