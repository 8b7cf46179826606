"""Benchmark the site build at archive scale: `python -m benchmarks.bench --sizes "10 100 1000"`.

For each size N it writes a synthetic archive of N briefings (benchmarks/synth.py) into a
temporary folder beside a copy of the project's MkDocs configuration, then measures, each in a
fresh process: `briefing check` with an empty cache of parsed files (generator/read/cache.py), which
fills it, `briefing check` again with that cache (check_warm_s), `mkdocs build` without the cache,
and a baseline `mkdocs build` of the same number of trivial Markdown pages with the same theme,
plugins, navigation and page paths but without the briefing plugin. It prints one line per size:

    briefings=1000 records=21000 pages=14000 check_s=0.9 check_warm_s=0.5 build_s=6.1 baseline_s=4.8 ratio=1.27 ...

followed by the CPU times of the same three processes (user + system), which a busy machine
disturbs less than wall times, and a scaling line for each pair of sizes. `--repeat R` (5 by
default) runs the three commands R times in turn and shows the run of median time of each, then
the wall times and ratios of every round: the speed of a shared machine drifts by tens of
percent within minutes (the same baseline has taken 12 s and 22 s), and one run of each can
land on a fast moment for one and a slow one for the other. An `edit` line follows: `briefing
build`, the default path, first in a project with no site and no build database (first_s, which
fills them), then once per round after an edit to the title of an item of a briefing's agenda,
starting from the last site and its database (edit_s, the median, its ratio to the median
baseline, its peak memory, how many pages it rendered; every round's after), with the sizes on
disk of the build database (state_mb), the cache of parsed files and the site. `--serve` adds the
time from saving a YAML file to the rebuilt page under `briefing serve`, for the seed content
itself and for each size: for an edit to a briefing's agenda and for an edit to the person who
appears in the most briefings, three saves of each in turn, two seconds apart, as an editor
reads the page before saving again (the median, then every save). Two `search` lines follow
(benchmarks/search.py): what the built site's search page fetches for one query, in headless
Chromium (every file and Pagefind's bundle's, in kB of 1,000 bytes), and what making the search
documents and indexing them with Pagefind costs (which a build runs while MkDocs writes the pages).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks import search
from benchmarks.serve import READ_S, Rebuild, a_briefing, edit, serve_rebuild, tool
from benchmarks.synth import Archive, write_archive
from generator.read.cache import CACHE_VARIABLE

ROOT = Path(__file__).resolve().parent.parent
# The project folders a build reads besides content/: linked, so the benchmark builds the real ones.
LINKED = ("templates", "docs")


@dataclass(frozen=True)
class Run:
    """One measured child process: wall time, CPU time, peak resident memory, exit status and output."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    returncode: int
    output: str


@dataclass(frozen=True)
class Result:
    """The figures of one size: wall times, then CPU times (steadier on a busy machine)."""

    briefings: int
    records: int
    pages: int
    check: Run
    check_warm: Run
    build: Run
    baseline: Run

    @property
    def build_s(self) -> float:
        return self.build.seconds

    @property
    def peak_mb(self) -> float:
        return self.build.peak_mb

    def line(self) -> str:
        check, build, base = self.check, self.build, self.baseline
        return (f"briefings={self.briefings} records={self.records} pages={self.pages} "
                f"check_s={check.seconds:.2f} check_warm_s={self.check_warm.seconds:.2f} "
                f"build_s={build.seconds:.2f} baseline_s={base.seconds:.2f} "
                f"ratio={build.seconds / base.seconds:.2f} peak_mb={self.peak_mb:.0f} "
                f"check_cpu_s={check.cpu_seconds:.2f} build_cpu_s={build.cpu_seconds:.2f} "
                f"baseline_cpu_s={base.cpu_seconds:.2f} cpu_ratio={build.cpu_seconds / base.cpu_seconds:.2f} "
                f"check_peak_mb={check.peak_mb:.0f}")


# Linux counts a child's memory from before its exec in its peak RSS, so a child of this process,
# which holds whole archives, would report at least our size. A small Python process starts each
# measured command instead and reports its wall time and its own os.wait4 figures.
_TRAMPOLINE = """
import json, os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
print(json.dumps([time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
                  os.waitstatus_to_exitcode(status)]), file=sys.stderr)
"""


def measure(command: list[str], cwd: Path, cache: Path | None = None) -> Run:
    """Run `command` to the end: its wall time, CPU time and peak RSS, its exit status and output.
    It keeps parsed files in the cache folder `cache` (generator/read/cache.py), or in none.

    The files written before (an archive, the baseline's pages) are flushed to disk first, so that
    their write-back does not land in the measured command's time.
    """
    os.sync()
    env = {**os.environ, CACHE_VARIABLE: str(cache) if cache is not None else "off"}
    with tempfile.TemporaryFile() as out:
        report = subprocess.run([sys.executable, "-S", "-c", _TRAMPOLINE, *command], cwd=cwd, stdout=out,
                                stderr=subprocess.PIPE, env=env, check=True).stderr.decode("utf-8", errors="replace")
        out.seek(0)
        output = out.read().decode("utf-8", errors="replace")
    *errors, last = report.strip().splitlines()
    seconds, cpu_seconds, max_rss_kb, returncode = json.loads(last)
    return Run(seconds, cpu_seconds, max_rss_kb / 1024, returncode, "\n".join([output, *errors]))


def _checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"{what} failed (exit {run.returncode}):\n{run.output[-4000:]}")
    return run


def prepare_site(folder: Path) -> None:
    """Put the project's mkdocs.yml and linked template and docs folders beside `folder`/content."""
    shutil.copyfile(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    for name in LINKED:
        if (ROOT / name).exists():
            (folder / name).symlink_to(ROOT / name, target_is_directory=True)


def _docs_dir(folder: Path) -> Path:
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    return folder / config.get("docs_dir", "docs")


def prepare_baseline(site: Path, folder: Path) -> int:
    """The baseline beside `folder`: our pages as trivial Markdown, our nav, our theme, no briefing plugin.

    Returns the number of Markdown pages written.
    """
    from generator.build import build
    from generator.pages.render import site_nav
    from generator.templates import PAGES

    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = config.get("plugins", [])
    options = next(p["briefing"] for p in plugins if isinstance(p, dict) and "briefing" in p)
    # The plugin's defaults: the page templates of the package when mkdocs.yml names none.
    templates = site / options["templates_dir"] if options.get("templates_dir") else PAGES
    built = build(site / options.get("content_dir", "content"), templates)
    docs = folder / "docs"
    paths = [page.path for page in built.pages.values()]
    own_docs = _docs_dir(site)
    if own_docs.is_dir():
        paths += sorted(p.relative_to(own_docs).as_posix() for p in own_docs.rglob("*.md"))
    for n, path in enumerate(paths):
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# Page {n}\n\nA trivial page.\n", encoding="utf-8")
    config["docs_dir"] = "docs"
    config["plugins"] = [p for p in plugins if not (isinstance(p, dict) and "briefing" in p)]
    config["nav"] = site_nav(built.pages.values())
    # Like the plugin's record pages, every page outside the nav is built but marked not in nav.
    config["not_in_nav"] = "*.md\n"
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    if (site / "templates").exists():
        (folder / "templates").symlink_to(ROOT / "templates", target_is_directory=True)
    return len(paths)


@dataclass(frozen=True)
class Incremental:
    """`briefing build`, the default path: the first, which builds everything and fills the build
    database, and one per round after an edit to a briefing's agenda, starting from the last site
    and its database, with that round's baseline; the sizes on disk of the database, of the cache
    of parsed files and of the site."""

    briefings: int
    first: Run
    state_mb: float
    parse_cache_mb: float
    site_mb: float
    edits: tuple[Run, ...]
    rendered: tuple[int, ...]
    baselines: tuple[Run, ...]

    def line(self) -> str:
        typical, base = _median(list(self.edits)), _median(list(self.baselines))
        builds = ",".join(f"{run.seconds:.2f}" for run in self.edits)
        ratios = ",".join(f"{run.seconds / b.seconds:.2f}" for run, b in zip(self.edits, self.baselines))
        return (f"edit briefings={self.briefings}: first_s={self.first.seconds:.2f} "
                f"first_peak_mb={self.first.peak_mb:.0f} state_mb={self.state_mb:.1f} "
                f"parse_cache_mb={self.parse_cache_mb:.1f} site_mb={self.site_mb:.0f} "
                f"edit_s={typical.seconds:.2f} ratio={typical.seconds / base.seconds:.2f} "
                f"peak_mb={typical.peak_mb:.0f} cpu_s={typical.cpu_seconds:.2f} "
                f"rendered={','.join(map(str, self.rendered))} edit_builds={builds} ratios={ratios}")


def _count_pages(site_dir: Path) -> int:
    return sum(1 for _ in site_dir.rglob("*.html"))


def run_size(seed: Path, briefings: int, workdir: Path, serve: float | None = None,
             repeat: int = 1) -> tuple[Result, list[Result], Incremental, Rebuild | None]:
    """Measure one size in `workdir`, `repeat` times: check, a clean build, baseline, and
    `briefing build` after an edit, one after the other in each round. Returns the median run of
    each command, every round's runs, the builds after an edit, and
    with `serve` (seconds between saves, see serve_rebuild) the save-to-page times under
    `mkdocs serve`."""
    site = workdir / f"site-{briefings}"
    baseline = workdir / f"baseline-{briefings}"
    site.mkdir()
    baseline.mkdir()
    archive: Archive = write_archive(seed, site / "content", briefings)
    prepare_site(site)
    prepare_baseline(site, baseline)
    kept = workdir / f"state-{briefings}"
    first = _checked(measure([tool("briefing"), "build"], site, kept), "briefing build")
    state_mb, parse_cache_mb = (sum(f.stat().st_size for f in kept.glob(f"*{suffix}")) / 1e6
                                for suffix in (".sqlite", ".json"))
    site_mb = sum(f.stat().st_size for f in (site / "site").rglob("*") if f.is_file()) / 1e6
    agenda = site / "content" / "briefings" / a_briefing(site / "content") / "agenda.yml"
    rounds, edits, rendered = [], [], []
    for n in range(repeat):
        # The first check fills a new cache of parsed files; the second finds every file in it.
        command, cache = [tool("briefing"), "check", "--content", "content"], workdir / f"cache-{briefings}-{n}"
        check = _checked(measure(command, site, cache), "briefing check")
        check_warm = _checked(measure(command, site, cache), "briefing check (cached)")
        build = _checked(_measure_build(site, f"out-{n}"), "mkdocs build")
        base = _checked(_measure_build(baseline, f"out-{n}"), "baseline mkdocs build")
        pages, base_pages = _count_pages(site / f"out-{n}"), _count_pages(baseline / f"out-{n}")
        if base_pages != pages:
            raise SystemExit(f"the baseline wrote {base_pages} pages, the site {pages}")
        rounds.append(Result(archive.briefings, archive.records, pages, check, check_warm, build, base))
        marker = f"Edited{os.getpid()}x{n}"
        edit(agenda, r"^(  title: ).*$", marker)
        edits.append(_checked(measure([tool("briefing"), "build"], site, kept), "briefing build after an edit"))
        found = re.search(r"\((\d+) rendered anew", edits[-1].output)
        rendered.append(int(found.group(1)) if found else pages)
        shown = site / "site" / "briefings" / agenda.parent.name / "agenda.html"
        if marker not in shown.read_text(encoding="utf-8") or _count_pages(site / "site") != pages:
            raise SystemExit(f"the build after an edit did not build the edit, or all {pages} pages")
    typical = Result(archive.briefings, archive.records, rounds[0].pages,
                     *(_median([getattr(r, name) for r in rounds])
                       for name in ("check", "check_warm", "build", "baseline")))
    incremental = Incremental(archive.briefings, first, state_mb, parse_cache_mb, site_mb, tuple(edits), tuple(rendered),
                              tuple(r.baseline for r in rounds))
    rebuild = serve_rebuild(site, a_briefing(site / "content"), serve) if serve is not None else None
    return typical, rounds, incremental, rebuild


def _median(runs: list[Run]) -> Run:
    """The run of median wall time (of two, the faster)."""
    return sorted(runs, key=lambda run: run.seconds)[(len(runs) - 1) // 2]


def _measure_build(folder: Path, out: str) -> Run:
    """`mkdocs build` in `folder` into a new folder `out`, with no cache and no build database: a
    clean build. Every round alike, none removing the last round's files (whose deletion the file
    system finishes in the background, during the measured command)."""
    return measure([tool("mkdocs"), "build", "--quiet", "--site-dir", out], folder)


def _rounds_line(rounds: list[Result]) -> str:
    def times(name: str) -> str:
        return ",".join(f"{getattr(r, name).seconds:.2f}" for r in rounds)

    ratios = ",".join(f"{r.build.seconds / r.baseline.seconds:.2f}" for r in rounds)
    return (f"rounds briefings={rounds[0].briefings}: check_s={times('check')} "
            f"check_warm_s={times('check_warm')} build_s={times('build')} "
            f"baseline_s={times('baseline')} ratios={ratios}")


def serve_seed(seed: Path, workdir: Path, read_s: float = READ_S) -> Rebuild:
    """The save-to-page time for an unmodified copy of the seed content."""
    site = workdir / "seed"
    site.mkdir()
    shutil.copytree(seed, site / "content")
    prepare_site(site)
    return serve_rebuild(site, a_briefing(site / "content"), read_s)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10 100 1000", help="numbers of briefings, space-separated")
    parser.add_argument("--seed", type=Path, default=ROOT / "content", help="the content to derive from")
    parser.add_argument("--serve", action="store_true", help="also time a rebuild under mkdocs serve")
    parser.add_argument("--read", type=float, default=READ_S,
                        help="with --serve, seconds from a save's page showing to the next save")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it, for profiling")
    parser.add_argument("--repeat", type=int, default=5,
                        help="rounds of check, build and baseline per size; the median of each is shown")
    parser.add_argument("--queries", default=" ".join(search.QUERIES),
                        help="the search queries whose fetched bytes are measured, space-separated")
    args = parser.parse_args(argv)
    # The benchmark's own reads of its archives leave no cache of parsed files behind.
    os.environ[CACHE_VARIABLE] = "off"
    sizes = [int(s) for s in args.sizes.replace(",", " ").split()]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        if args.serve:
            print(serve_seed(args.seed.resolve(), workdir, args.read).line("example"), flush=True)
        for size in sizes:
            result, rounds, incremental, rebuild = run_size(args.seed.resolve(), size, workdir,
                                                     args.read if args.serve else None, args.repeat)
            results.append(result)
            print(result.line(), flush=True)
            if len(rounds) > 1:
                print(_rounds_line(rounds), flush=True)
            print(incremental.line(), flush=True)
            built = workdir / f"site-{size}"
            print(search.fetch_line(built / "out-0", size, args.queries.split()), flush=True)
            print(search.index_line(built / "content", built / "templates" / "pages", size), flush=True)
            if rebuild is not None:
                print(rebuild.line(f"briefings={size}"), flush=True)
        for small, large in zip(results, results[1:]):
            print(f"scaling briefings={small.briefings}->{large.briefings} "
                  f"(x{large.briefings / small.briefings:g}): "
                  f"build_s x{large.build_s / small.build_s:.2f} "
                  f"build_cpu_s x{large.build.cpu_seconds / small.build.cpu_seconds:.2f} "
                  f"peak_mb x{large.peak_mb / small.peak_mb:.2f}")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
