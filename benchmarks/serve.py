"""Save-to-page times under `briefing serve`, for the benchmark (bench.py `--serve`): how long
from saving a YAML file to the server sending the page with the change."""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SERVE_TIMEOUT_S = 900.0
# Saves of each kind under `briefing serve`; the median is shown (the first save after the
# server's start is slower than the rest, and a shared machine is noisy).
SAVES = 3
# Seconds between a save's page showing and the next save, as an editor reads the page: the
# server finishes the save's work that follows the page (its exports) and is idle again.
READ_S = 2.0
# MkDocs' server looks for changes every half second. Each pause is longer than the last by a
# share of that, so that the saves fall at different moments of it, as an editor's do, and not
# all at the same one.
POLL_S = 0.5


def tool(name: str) -> str:
    """A command of this virtual environment."""
    return str(Path(sys.executable).with_name(name))


def a_briefing(content: Path) -> str:
    """The id of the first briefing of a content folder, by name."""
    return sorted(p.name for p in (content / "briefings").iterdir() if p.is_dir())[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=SERVE_TIMEOUT_S) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, text: str, deadline: float, server: subprocess.Popen) -> None:
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"mkdocs serve stopped (exit {server.returncode})")
        body = _fetch(url)
        if body is not None and text in body:
            return
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show {text!r} within {SERVE_TIMEOUT_S:.0f} s")


@dataclass(frozen=True)
class Rebuild:
    """Save-to-page times under `briefing serve`, one per save: of edits to a briefing's agenda,
    and of edits to the person appearing in the most briefings (in `briefings` of them)."""

    agenda_saves: tuple[float, ...]
    person_saves: tuple[float, ...]
    person: str
    briefings: int

    @property
    def agenda_s(self) -> float:
        return statistics.median_high(self.agenda_saves)

    @property
    def person_s(self) -> float:
        return statistics.median_high(self.person_saves)

    def line(self, label: str) -> str:
        def each(times: tuple[float, ...]) -> str:
            return ",".join(f"{t:.2f}" for t in times)

        return (f"serve {label}: agenda_edit_s={self.agenda_s:.2f} person_edit_s={self.person_s:.2f} "
                f"person={self.person} person_briefings={self.briefings} "
                f"agenda_saves={each(self.agenda_saves)} person_saves={each(self.person_saves)}")


def _most_shared_person(content: Path) -> tuple[str, int]:
    """The person who appears in the most briefings, and in how many."""
    from generator.build import check
    from generator.dataset.model import index_dataset

    data = check(content)
    groups = index_dataset(data).appearances_by_briefing
    return max(((len(groups.get(pid, ())), pid) for pid in data.people), key=lambda found: (found[0], found[1]))[::-1]


def edit(path: Path, pattern: str, marker: str) -> None:
    """Replace the rest of the first match of `pattern` after its group 1 with `marker`: a save."""
    text = path.read_text(encoding="utf-8")
    edited, count = re.subn(pattern, lambda m: m.group(1) + marker, text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise SystemExit(f"{path} has no line matching {pattern!r} to edit")
    path.write_text(edited, encoding="utf-8")


def serve_rebuild(site: Path, briefing: str, read_s: float = READ_S) -> Rebuild:
    """Seconds from saving a YAML file under `briefing serve` to the page showing the change:
    for an item of a briefing's agenda, then for the most shared person's name, `SAVES` times
    in turn, `read_s` apart and a little more (see POLL_S); the first save comes right after the
    server's first build."""
    port = _free_port()
    log = tempfile.TemporaryFile()
    server = subprocess.Popen([tool("briefing"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=site, stdout=log, stderr=subprocess.STDOUT)
    person, shared = _most_shared_person(site / "content")
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/briefings/{briefing}/agenda.html", "<h1", time.perf_counter() + SERVE_TIMEOUT_S, server)
        edits = ((f"briefings/{briefing}/agenda.html", f"briefings/{briefing}/agenda.yml", r"^(  title: ).*$"),
                 (f"people/{person}.html", "people.yml", rf"^(- id: {re.escape(person)}\n(?:  .*\n)*?  name: ).*$"))
        times: list[list[float]] = [[], []]
        for n in range(SAVES * len(edits)):
            page, path, pattern = edits[n % len(edits)]
            marker = f"Edited{os.getpid()}x{port}x{n}"
            saved = time.perf_counter()
            edit(site / "content" / path, pattern, marker)
            _wait_for(f"{base}/{page}", marker, saved + SERVE_TIMEOUT_S, server)
            times[n % len(edits)].append(time.perf_counter() - saved)
            time.sleep(read_s + POLL_S * n / (SAVES * len(edits)))
        return Rebuild(tuple(times[0]), tuple(times[1]), person, shared)
    finally:
        # SIGINT, not SIGTERM: mkdocs serve then removes its temporary site folder.
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
