"""Knowing of saves as they happen, and starting their build before MkDocs' server notices them.

`SaveSignal` turns the system's file events under the content and template folders into one
file that MkDocs' server polls; `Ahead` starts the build's own work the moment a save is seen,
while the server has yet to poll.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterable


class SaveSignal:
    """Tells MkDocs' server of each save under the content and template folders, without its
    polling them.

    MkDocs' server polls the folders it is asked to watch every half second, walking every file:
    for an archive of a thousand briefings, a third of a processor all the time, and a save seen
    late. So the folders are watched through the system's own file events (watchdog's Observer:
    inotify, FSEvents or their like), and each change rewrites one file in a folder of this
    signal's own, the only folder MkDocs is asked to poll for them. `start` says whether the
    events could be had; if not, MkDocs polls the folders themselves as before. `on_save` is
    called after each signal, in the thread of the events (see Ahead).
    """

    # Writing, creating, deleting and moving a file; not opening or reading one, which every
    # build does.
    CHANGES = frozenset({"created", "modified", "deleted", "moved", "closed"})
    # Where the system tells when a file written is closed (inotify), the save of a file is known
    # by that alone: one signal, and one build, per save, not one for each write of it that the
    # server's polling happens to part. A deletion or a move has no close, and a folder moved in
    # tells only of the files it brings, as created.
    SETTLED = frozenset({"created", "deleted", "moved", "closed"})

    def __init__(self, folders: Iterable[Path], on_save: Callable[[], object] = lambda: None) -> None:
        from watchdog import events
        from watchdog.observers import Observer

        self.folder = Path(tempfile.mkdtemp(prefix="briefing-saves-"))
        self.file = self.folder / "saved"
        self.count = 0
        self.on_save = on_save
        self.observer = Observer()
        self.observer.daemon = True
        handler = events.FileSystemEventHandler()
        handler.on_any_event = self.on_event  # type: ignore[method-assign]
        # Asked of the system too, where it can (inotify), so that reads make no events at all.
        wanted = [events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent,
                  events.FileMovedEvent, events.FileClosedEvent, events.DirCreatedEvent, events.DirDeletedEvent,
                  events.DirMovedEvent]
        self.folders = [folder for folder in folders if folder.is_dir()]
        for folder in self.folders:
            self.observer.schedule(handler, str(folder), recursive=True, event_filter=wanted)
        self.changes = self.SETTLED if _tells_closes(self.observer) else self.CHANGES

    def start(self) -> bool:
        """Start watching; False if the system's file events cannot be had."""
        try:
            self.observer.start()
        except OSError:  # too many watches, or a file system without events
            return False
        return True

    def on_event(self, event: object) -> None:
        """Rewrite the signal's file if `event` (watchdog's) changed a file that builds read."""
        kind = getattr(event, "event_type", None)
        # A folder counts when it goes (deleted, or moved out: its files tell nothing then), and when
        # it is made with a content file's name (where the file was: a build reports it); another
        # folder made or changed tells nothing its files do not.
        if kind not in self.changes or (getattr(event, "is_directory", False) and kind not in ("deleted", "moved")
                                        and not (kind == "created" and _content_file_name(event))):
            return
        # A move counts by either end: editors save by renaming a hidden temporary file.
        paths = [getattr(event, "src_path", ""), getattr(event, "dest_path", "")]
        if not any(self._read_by_builds(str(path)) for path in paths if path):
            return
        self.count += 1
        with contextlib.suppress(OSError):  # the signal closed while the event came in
            self.file.write_text(str(self.count), encoding="utf-8")
        self.on_save()

    def _read_by_builds(self, path: str) -> bool:
        """Whether `path` lies in a watched folder and in no hidden file or folder there (which
        builds pass over, as an editor's swap files)."""
        for folder in self.folders:
            try:
                parts = Path(path).relative_to(folder).parts
            except ValueError:
                continue
            return not any(part.startswith(".") for part in parts)
        return False

    def close(self) -> None:
        """Stop watching and remove the signal's folder."""
        if self.observer.is_alive():
            self.observer.stop()
            self.observer.join(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)


def _content_file_name(event: object) -> bool:
    """Whether an event's path is named as a content file is (`.yml`, `.yaml`)."""
    return str(getattr(event, "src_path", "")).endswith((".yml", ".yaml"))


def _tells_closes(observer: object) -> bool:
    """Whether watchdog's `observer` reports a written file's closing (inotify's does)."""
    try:
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # not Linux
        return False
    return isinstance(observer, InotifyObserver)


class Ahead:
    """Does the first part of a save's build, ours, while MkDocs' server is still to notice the
    save.

    The server polls for changes every half second and then waits a tenth of a second before it
    builds, so a save waits 0.1 to 0.6 s before the build begins. Meanwhile a thread runs `work`
    (check, index, render: `ready` gives it), and the build takes its outcome (`take`) instead
    of doing that work itself. The work runs only between builds, which share its state: `take`
    stops it from starting and waits for any under way. An outcome is taken only if no save came
    after its work began; otherwise the build does the work again, as it would without this.
    """

    def __init__(self) -> None:
        self.guard = threading.Lock()
        self.saves = 0  # the saves seen so far
        self.began = 0  # how many of them the work last begun, or the build last begun, saw
        self.idle = False
        self.key: object = None
        self.work: Callable[[], object] | None = None
        self.thread: threading.Thread | None = None
        # (saves seen when it began, key, what the work returned or raised)
        self.outcome: tuple[int, object, object] | None = None

    def saved(self) -> None:
        """A save was seen (SaveSignal calls this, from the thread of its file events)."""
        with self.guard:
            self.saves += 1
            self._start()

    def ready(self, key: object, work: Callable[[], object]) -> None:
        """A build is done: `work` may run ahead of the next, whose `take` names it by `key`."""
        with self.guard:
            self.idle, self.key, self.work = True, key, work
            self._start()

    def take(self, key: object) -> object | None:
        """The outcome of the work ahead, for a build starting now, if `key` names that work and
        no save came after it began; else None. Raises what the work raised."""
        with self.guard:
            self.idle = False
            thread = self.thread
        if thread is not None:
            thread.join()
        with self.guard:
            outcome, self.outcome = self.outcome, None
            fresh = outcome is not None and outcome[:2] == (self.saves, key)
            self.began = self.saves
        if not fresh:
            return None
        assert outcome is not None
        if isinstance(outcome[2], Exception):
            raise outcome[2]
        return outcome[2]

    def close(self) -> None:
        """Start no more work, and wait for any under way."""
        self.take(None)

    def _start(self) -> None:
        """Start the work if a save came that it has not seen and no build or work is under way;
        with the guard held. Work started is done, even if a build starts meanwhile: `take`
        waits for it."""
        if self.idle and self.work is not None and self.thread is None and self.saves != self.began:
            self.began = self.saves
            self.thread = threading.Thread(target=self._run, args=(self.saves, self.key, self.work),
                                           name="briefing-ahead", daemon=True)
            self.thread.start()

    def _run(self, saves: int, key: object, work: Callable[[], object]) -> None:
        while True:
            try:
                done: object = work()
            except Exception as exc:  # the build that takes it raises it
                done = exc
            with self.guard:
                self.outcome = (saves, key, done)
                if not self.idle or self.saves == self.began:
                    self.thread = None
                    return
                saves, key, work = self.saves, self.key, self.work
                self.began = saves
