"""The benchmark: its synthetic archive passes `briefing check`, and a small run prints sane figures."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections import Counter

import pytest

from generator.build import check

from support import ARCHIVE_CONTENT, ROOT

LINE = re.compile(r"^briefings=(\d+) records=(\d+) pages=(\d+) check_s=([\d.]+) check_warm_s=([\d.]+) build_s=([\d.]+) "
                  r"baseline_s=([\d.]+) ratio=([\d.]+) peak_mb=(\d+) check_cpu_s=([\d.]+) "
                  r"build_cpu_s=([\d.]+) baseline_cpu_s=([\d.]+) cpu_ratio=([\d.]+) check_peak_mb=(\d+)$")


# Half the last digit of a figure printed with two decimals: how far it may be from the figure.
HALF_STEP = 0.005


def ratio_of_rounded(ratio: float, top: float, bottom: float) -> bool:
    """Whether `ratio` can be top / bottom rounded to two decimals, when each of the three was
    printed rounded to two decimals: the figures as measured lie within HALF_STEP of those shown."""
    low = (top - HALF_STEP) / (bottom + HALF_STEP)
    high = (top + HALF_STEP) / (bottom - HALF_STEP) if bottom > HALF_STEP else math.inf
    return low - HALF_STEP - 1e-9 <= ratio <= high + HALF_STEP + 1e-9


def test_ratio_of_rounded_accepts_exactly_what_rounding_allows():
    # 0.40 / 0.30 measured as anything from 0.395 / 0.305 = 1.295 to 0.405 / 0.295 = 1.373.
    assert ratio_of_rounded(1.33, 0.40, 0.30)
    assert ratio_of_rounded(1.37, 0.40, 0.30) and not ratio_of_rounded(1.38, 0.40, 0.30)
    assert ratio_of_rounded(1.30, 0.40, 0.30) and not ratio_of_rounded(1.29, 0.40, 0.30)
    assert ratio_of_rounded(250.0, 1.00, 0.00)  # a baseline shown as 0.00 bounds nothing above


@pytest.fixture
def synth(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import synth

    return synth


def test_the_synthetic_archive_passes_check_with_fresh_ids_and_a_growing_pool(tmp_path, synth):
    # The seed lists shared events and other briefings under `events`: the copies list their own.
    seed = check(ARCHIVE_CONTENT)
    assert seed.events and any(set(b.briefing.events) & {s.id for s in seed.briefings} for b in seed.briefings)
    archive = synth.write_archive(ARCHIVE_CONTENT, tmp_path / "content", 9)
    data = check(tmp_path / "content")

    copies = math.ceil(9 / synth.BRIEFINGS_PER_POOL_COPY)
    assert len(data.briefings) == archive.briefings == 9
    assert not {b.id for b in data.briefings} & {b.id for b in seed.briefings}
    assert len({b.briefing.title for b in data.briefings}) == 9
    assert len(data.people) == copies * len(seed.people)
    assert len(data.organizations) == copies * len(seed.organizations)
    assert len(data.events) == copies * len(seed.events)
    by_seed = {b.id: Counter(kind for kind, _ in b.records()) for b in seed.briefings}
    for bundle in data.briefings:
        original = bundle.id.rsplit("-", 1)[0]
        assert Counter(kind for kind, _ in bundle.records()) == by_seed[original]
        listed = [e.rsplit("-", 1)[0] for e in bundle.briefing.events]
        assert listed == list(seed.briefings[[b.id for b in seed.briefings].index(original)].briefing.events)
    records = len(data.sources) + len(data.people) + len(data.organizations) + len(data.events) + sum(
        sum(1 for _ in b.records()) for b in data.briefings)
    assert archive.records == records


def test_a_briefing_lists_the_copies_of_the_same_pass_and_none_that_is_not_written(tmp_path, synth):
    synth.write_archive(ARCHIVE_CONTENT, tmp_path / "content", 4)
    events = {b.id: list(b.briefing.events) for b in check(tmp_path / "content").briefings}
    # The seed's briefings, newest first: follow-up, visit, earlier-call; the fourth is a second
    # follow-up, which lists the first pass's visit, as the archive holds no second one.
    assert events == {"follow-up-0": ["visit-1", "chip-rules-0", "trade-forum-0"],
                      "visit-1": ["spring-summit-0", "earlier-call-2"], "earlier-call-2": ["spring-summit-0"],
                      "follow-up-3": ["visit-1", "chip-rules-0", "trade-forum-0"]}
    synth.write_archive(ARCHIVE_CONTENT, tmp_path / "two", 2)
    (visit,) = [b for b in check(tmp_path / "two").briefings if b.id == "visit-1"]
    assert visit.briefing.events == ["spring-summit-0"]


def test_each_copy_of_a_markdown_field_is_distinct(tmp_path, synth):
    synth.write_archive(ARCHIVE_CONTENT, tmp_path / "content", 3)
    summaries = [b.briefing.summary for b in check(tmp_path / "content").briefings]
    assert len(set(summaries)) == 3


def test_a_small_run_prints_one_sane_line_per_size_the_median_of_its_rounds_and_the_rebuild_times():
    # No pause between saves (--read 0): this checks the output, not the times. The time limit only
    # ends a run that hangs; it is far beyond what the run takes on a busy machine.
    run = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--sizes", "10", "--serve", "--read", "0",
                          "--repeat", "3", "--seed", str(ARCHIVE_CONTENT), "--queries", "controls 李部长"],
                         cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    sizes = [m for m in map(LINE.match, lines) if m]
    assert len(sizes) == 1, run.stdout
    briefings, records, pages = (int(sizes[0].group(i)) for i in (1, 2, 3))
    check_s, check_warm_s, build_s, baseline_s, ratio = (float(sizes[0].group(i)) for i in (4, 5, 6, 7, 8))
    peak_mb = int(sizes[0].group(9))
    assert briefings == 10
    assert records > 10 * 5 and pages > 10 * 7  # ten small briefings and their shared records
    assert 0 <= check_s and 0 <= check_warm_s and 0 <= baseline_s and 0 <= build_s
    assert ratio_of_rounded(ratio, build_s, baseline_s)
    assert 20 < peak_mb < 4000
    check_cpu, build_cpu, baseline_cpu, cpu_ratio = (float(sizes[0].group(i)) for i in (10, 11, 12, 13))
    assert 0 <= check_cpu and 0 <= build_cpu and 0 <= baseline_cpu
    assert ratio_of_rounded(cpu_ratio, build_cpu, baseline_cpu)
    rounds = [re.match(r"^rounds briefings=10: check_s=(\S+) check_warm_s=(\S+) build_s=(\S+) baseline_s=(\S+) "
                       r"ratios=(\S+)$", line) for line in lines]
    (each,) = [[[float(x) for x in group.split(",")] for group in m.groups()] for m in rounds if m]
    assert all(len(times) == 3 for times in each)
    assert [check_s, check_warm_s, build_s, baseline_s] == [sorted(times)[1] for times in each[:4]]  # the medians
    assert all(ratio_of_rounded(*shown) for shown in zip(each[4], each[2], each[3], strict=True))
    assert 20 < int(sizes[0].group(14)) < 4000  # check's peak memory
    (reuse,) = [m for m in (re.match(r"^edit briefings=10: first_s=([\d.]+) first_peak_mb=(\d+) state_mb=([\d.]+) "
                                     r"parse_cache_mb=([\d.]+) site_mb=(\d+) edit_s=([\d.]+) ratio=([\d.]+) "
                                     r"peak_mb=(\d+) cpu_s=([\d.]+) rendered=(\S+) edit_builds=(\S+) ratios=(\S+)$",
                                     line) for line in lines) if m]
    first_s, edit_s, edit_ratio = (float(reuse.group(i)) for i in (1, 6, 7))
    assert first_s > 0 and 20 < int(reuse.group(2)) < 4000 and 20 < int(reuse.group(8)) < 4000
    state_mb, site_mb = float(reuse.group(3)), int(reuse.group(5))
    assert 0 < state_mb < site_mb  # the build database is on disk, and smaller than the site
    rendered = [int(x) for x in reuse.group(10).split(",")]
    assert len(rendered) == 3 and all(0 < n < pages for n in rendered)  # an edit renders some pages, not all
    edits, edit_ratios = ([float(x) for x in reuse.group(i).split(",")] for i in (11, 12))
    assert len(edits) == 3 and edit_s == sorted(edits)[1]
    assert ratio_of_rounded(edit_ratio, edit_s, baseline_s)
    assert all(ratio_of_rounded(*shown) for shown in zip(edit_ratios, edits, each[3], strict=True))
    rebuilds = [re.match(r"^serve (example|briefings=10): agenda_edit_s=([\d.]+) person_edit_s=([\d.]+) "
                         r"person=([a-z0-9-]+) person_briefings=(\d+) agenda_saves=(\S+) person_saves=(\S+)$", line)
                for line in lines]
    assert sorted(m.group(1) for m in rebuilds if m) == ["briefings=10", "example"]
    assert all(float(m.group(2)) >= 0 and float(m.group(3)) >= 0 and int(m.group(5)) >= 1 for m in rebuilds if m)
    for m in filter(None, rebuilds):  # the median of three saves of each kind
        agenda, person = ([float(t) for t in m.group(i).split(",")] for i in (6, 7))
        assert len(agenda) == len(person) == 3
        assert (m.group(2), m.group(3)) == (f"{sorted(agenda)[1]:.2f}", f"{sorted(person)[1]:.2f}")
    (fetch,) = [m for m in (re.match(r"^search briefings=10: query=controls results=(\d+) fetched_kb=(\d+) "
                                     r"requests=(\d+) bundle_kb=(\d+) bundle_requests=(\d+); query=李部长 ", line)
                            for line in lines) if m]
    results, fetched_kb, requests, bundle_kb, bundle_requests = (int(x) for x in fetch.groups())
    assert results >= 10 and 0 < bundle_kb < fetched_kb and 4 < bundle_requests < requests
    (index,) = [m for m in (re.match(r"^search-index briefings=10: documents=(\d+) documents_s=[\d.]+ "
                                     r"documents_cpu_s=[\d.]+ pagefind_s=[\d.]+ pagefind_cpu_s=([\d.]+) "
                                     r"pagefind_peak_mb=(\d+) bundle_mb=[\d.]+ bundle_files=(\d+)$",
                                     line) for line in lines) if m]
    assert int(index.group(1)) > 10 * 7 and int(index.group(4)) > int(index.group(1))
    assert float(index.group(2)) > 0 and 1 < int(index.group(3)) < 4000
