"""Search at archive scale, for the benchmark (bench.py): the bytes a reader's query fetches, and
what indexing the search documents costs a build.

`fetched` opens the built site's search page for a query in headless Chromium, the site served on
127.0.0.1, and adds up the files the page asked for (the browser's request log; each file's size
on disk, which is what the server sends). `python -m benchmarks.search index CONTENT TEMPLATES`
builds the dataset and pages in its own process, then times making the search documents and
Pagefind's run over them, with Pagefind's peak memory (the only child of that process).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from urllib.parse import unquote, urlsplit

CHROMIUM = "/usr/bin/chromium"
# A word of every synthetic briefing's disputes, and a Chinese name that appears in each briefing.
QUERIES = ("semiconductor", "王文涛")


@dataclass(frozen=True)
class Fetched:
    """What a search page fetched for one query: every file, and those of the search bundle."""

    query: str
    results: int
    files: int
    total_bytes: int
    bundle_files: int
    bundle_bytes: int

    def part(self) -> str:
        return (f"query={self.query} results={self.results} fetched_kb={self.total_bytes / 1000:.0f} "
                f"requests={self.files} bundle_kb={self.bundle_bytes / 1000:.0f} "
                f"bundle_requests={self.bundle_files}")


def fetched(site_dir: Path, query: str) -> Fetched:
    """Open `site_dir`'s search page for `query` and wait for its results; what it fetched."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: run scripts/install-test-tools")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's signature
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    paths: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.on("requestfinished", lambda request: paths.append(
                unquote(urlsplit(request.url).path).lstrip("/")))
            page.goto(base + "search.html?q=" + query)
            page.wait_for_selector("#search-results .search-summary:not(:has-text('Searching'))", timeout=120_000)
            results = page.locator("#search-results article").count()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    sizes = {path: (site_dir / path).stat().st_size for path in paths if (site_dir / path).is_file()}
    bundle = {path: size for path, size in sizes.items() if path.startswith("pagefind/")}
    return Fetched(query, results, len(sizes), sum(sizes.values()), len(bundle), sum(bundle.values()))


def fetch_line(site_dir: Path, briefings: int, queries: Sequence[str] = QUERIES) -> str:
    """One line: what a search page fetches for each query (QUERIES unless given)."""
    return f"search briefings={briefings}: " + "; ".join(fetched(site_dir, query).part() for query in queries)


def index_line(content: Path, templates: Path, briefings: int) -> str:
    """One line: the cost of the search documents and of Pagefind's run (in a process of its own)."""
    command = [sys.executable, "-m", "benchmarks.search", "index", str(content), str(templates)]
    found = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    return f"search-index briefings={briefings}: {found}"


def _index(content: Path, templates: Path) -> str:
    from generator.build import build
    from generator.pages.search import search_documents
    from generator.mkdocs.search_bundle import write_bundle

    built = build(content, templates)
    start, start_cpu = time.perf_counter(), time.process_time()
    documents = search_documents(built.data, built.pages)
    made, made_cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="briefing-bench-search-") as site:
        write_bundle(documents, site)
        indexed = time.perf_counter()
        size = sum(path.stat().st_size for path in Path(site).rglob("*") if path.is_file())
        files = sum(1 for path in Path(site).rglob("*") if path.is_file())
    pagefind = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (f"documents={len(documents)} documents_s={made - start:.2f} documents_cpu_s={made_cpu - start_cpu:.2f} "
            f"pagefind_s={indexed - made:.2f} pagefind_cpu_s={pagefind.ru_utime + pagefind.ru_stime:.2f} "
            f"pagefind_peak_mb={pagefind.ru_maxrss / 1024:.0f} bundle_mb={size / 1e6:.1f} bundle_files={files}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    index = commands.add_parser("index", help="time the search documents and Pagefind for a content folder")
    index.add_argument("content", type=Path)
    index.add_argument("templates", type=Path)
    fetch = commands.add_parser("fetch", help="what a built site's search page fetches for each query")
    fetch.add_argument("site", type=Path)
    args = parser.parse_args(argv)
    if args.command == "index":
        print(_index(args.content, args.templates))
    else:
        print(fetch_line(args.site, 0))


if __name__ == "__main__":
    main()
