"""Quotations checked against the sources' own texts, and a limit on what a field may copy of them.

A source record may name the editors' copy of its text (`text_file`, a file of content/texts/
that is never published) or carry short `excerpts` of it. Every quotation in the content must
occur in the text of a source its record cites, after normalising quotation marks, dashes,
whitespace and case: words between double quotation marks in any field, the `quote` of a
citation (in the paragraph it names, if it names one) and the text of a statement of kind
`quote`. A quotation whose record cites a source without a text cannot be checked: it is
counted, not reported. No field may reproduce more than VERBATIM_LIMIT consecutive words of a
stored text: the site cites its sources, it does not republish them.

The check reads the documents as parsed (not the validated records), so that it reports its
problems together with the schema's, each at the place of the field that holds the quotation.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterator, NamedTuple

from ..errors import ContentError
from ..read.cache import ParseStore
from ..read.load import Content, display_path
from ..read.parse import Document, Path_
from ..dataset.track import Reuse

VERBATIM_LIMIT = 40
"""The most consecutive words of a stored text that a field may reproduce."""

# Each kind of quotation mark and dash as one character, so that typography never fails a quotation.
_SAME = str.maketrans({**dict.fromkeys("“”„‟″«»", '"'), **dict.fromkeys("‘’‚‛′‹›`", "'"),
                       **dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"), "\u00ad": None})
# A text that may hold a quotation: one with a double quotation mark of any kind.
_MARKS = re.compile('["“„«]')
# Words between double quotation marks: straight, curly, low-high and guillemets.
_QUOTED = re.compile(r'"([^"\n]+)"|“([^“”]+)”|„([^„“”]+)[“”]|«([^«»]+)»')
# An ellipsis, with the brackets or spaces around it: what a quotation leaves out.
_ELLIPSIS = re.compile(r"\s*\[?(?:\.\.\.|…)\]?\s*")
_ENDS = " .,;:!?\"'"
_WORD = re.compile(r"\w+(?:['-]\w+)*")
# The fields of a source record that are not about the source's text: never read for quotations.
_SOURCE_OWN = frozenset({"id", "title", "standfirst", "excerpts", "text_file", "url", "archive_url"})


def normalise(text: str) -> str:
    """`text` as quotations are compared: one kind of quotation mark and dash, single spaces, no case."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_SAME)
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class SourceText:
    """What the editors hold of a source's text: its paragraphs (or its excerpts), as written and
    normalised."""

    source: str
    unit: str
    """What a passage is: "paragraph" (of a text file) or "excerpt"."""
    passages: tuple[str, ...]
    normal: tuple[str, ...]

    def find(self, pieces: list[str], para: int | None = None) -> int | None:
        """The number (from 1) of the first passage that holds `pieces` in order (of paragraph
        `para` only, if given), or None."""
        for n, passage in enumerate(self.normal, 1):
            if (para is None or para == n) and _holds(passage, pieces):
                return n
        return None

    def closest(self, quotation: str) -> tuple[tuple[int, float], str]:
        """How close the nearest run of words of a passage is to `quotation` (the words they share,
        then how alike they are as text, 0 to 1), and a hint that shows that run."""
        size = max(1, len(quotation.split()))
        wanted = set(_WORD.findall(quotation))
        best: tuple[tuple[int, float], str] = ((-1, -1.0), "")
        for n, passage in enumerate(self.passages, 1):
            words = passage.split()
            normal_words = [normalise(w) for w in words]
            for start in range(max(1, len(words) - size + 1)):
                run = " ".join(normal_words[start:start + size])
                score = (len(wanted.intersection(_WORD.findall(run))),
                         difflib.SequenceMatcher(None, quotation, run).ratio())
                if score > best[0]:
                    where = f"{self.unit} {n}" if len(self.passages) > 1 or self.unit == "paragraph" else self.unit
                    best = (score, f"closest in {self.source}, {where}: {_around(words, start, size)}")
        return best


class Quotation(NamedTuple):
    """A quotation found in a document: where it is, its words, and the sources it must be in."""

    at: Path_
    words: str
    cited: tuple[tuple[str, int | None], ...]
    """(source id, paragraph or None) of each citation its record gives."""
    kind: str
    """"field" (words in quotation marks), "locator" (a citation's quote) or "statement"."""


@dataclass(frozen=True)
class QuotationReport:
    """What the check found: its problems, and how many quotations it checked against a text and
    how many it could not, because a source their record cites has no text."""

    errors: list[ContentError]
    checked: int
    unchecked: int


def check_quotations(content: Content, reuse: Reuse | None = None, kept: ParseStore | None = None) -> QuotationReport:
    """Check every quotation of `content` against its sources' texts, and every field against the
    verbatim limit; report a source's text file that is missing or named by no source.

    With `reuse` (a rebuild's, whose unchanged files give the same documents), a document that
    is the same object as last time, checked against the same texts, gives last time's findings.
    With `kept` (the cache of parsed files the content was read through), a file whose text and
    sources' texts are as they were when it was last found without a problem is not checked
    again: its counts are kept with its parse.
    """
    reuse = reuse or Reuse()
    errors: list[ContentError] = []
    texts = _source_texts(content, errors)
    # Compared once, not once per document: a token that stays the same object while the texts do.
    token = reuse.get(("quotation texts",), tuple(texts.items()), object)
    basis = "" if kept is None else hashlib.blake2b(repr(sorted(texts.items())).encode("utf-8", "surrogatepass"),
                                                   digest_size=16).hexdigest()
    runs = functools.cache(lambda: reuse.get(("quotation runs",), token, lambda: _word_runs(texts)))
    checked = unchecked = 0
    for doc in content.documents:
        counts = kept.finding(doc.path, basis) if kept is not None else None
        if isinstance(counts, list) and len(counts) == 2 and all(type(n) is int and n >= 0 for n in counts):
            found = QuotationReport([], *counts)
        else:
            found = reuse.get(("quotations", doc.path), (doc, token),
                              lambda doc=doc: _check_document(doc, texts, runs()))
            if kept is not None and not found.errors:
                kept.keep_finding(doc.path, basis, [found.checked, found.unchecked])
        errors += found.errors
        checked += found.checked
        unchecked += found.unchecked
    return QuotationReport(errors, checked, unchecked)


def _check_document(doc: Document, texts: dict[str, SourceText], runs: _Runs) -> QuotationReport:
    """The findings of one document (see check_quotations)."""
    errors: list[ContentError] = []
    quotations: list[Quotation] = []
    long_texts: list[tuple[Path_, str]] = []
    for at, record, own in _records(doc):
        _collect(record, at, ((own, None),) if own else (), quotations, long_texts,
                 own=own, statements=doc.kind == "statement")
    checked = unchecked = 0
    for quotation in quotations:
        verdict = _verify(quotation, texts)
        if verdict is None:
            unchecked += 1
            continue
        checked += 1
        if verdict:
            message, hint = verdict
            errors.append(doc.error(quotation.at, message, hint))
    for at, value in long_texts if runs.starts else ():
        copied = _longest_copy(value, runs)
        if copied is not None:
            length, source, where = copied
            errors.append(doc.error(at, f"reproduces {length} consecutive words of the text of {source} "
                                    f"({where}); the limit is {VERBATIM_LIMIT}",
                                    "the site cites its sources and does not republish them: say it in "
                                    "your own words, quoting only short excerpts"))
    return QuotationReport(errors, checked, unchecked)


def _around(words: list[str], start: int, size: int, context: int = 3) -> str:
    """The run of `size` words from `start`, with a few words either side, as it is written."""
    first, end = max(0, start - context), min(len(words), start + size + context)
    return ("…" if first else "") + _cut(" ".join(words[first:end])) + ("…" if end < len(words) else "")


def _cut(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _pieces(words: str) -> list[str]:
    """A quotation's parts as they must appear in order: split at each ellipsis, each normalised
    and without the punctuation at its ends."""
    return [piece for part in _ELLIPSIS.split(normalise(words)) if (piece := part.strip(_ENDS))]


def _holds(passage: str, pieces: list[str]) -> bool:
    """Whether `passage` holds each of `pieces` in order, each beginning and ending on a word's edge."""
    start = 0
    for piece in pieces:
        found = _find_word(passage, piece, start)
        if found < 0:
            return False
        start = found + len(piece)
    return True


def _find_word(passage: str, piece: str, start: int) -> int:
    while (found := passage.find(piece, start)) >= 0:
        end = found + len(piece)
        cuts_before = found > 0 and passage[found - 1].isalnum() and piece[0].isalnum()
        cuts_after = end < len(passage) and passage[end].isalnum() and piece[-1].isalnum()
        if not (cuts_before or cuts_after):
            return found
        start = found + 1
    return -1


def _paragraphs(text: str) -> list[str]:
    """A text file's paragraphs, blocks of lines apart by a blank line: the source's own
    paragraphs, counted from 1 (its title and standfirst are the record's)."""
    return [joined for block in re.split(r"\n\s*\n", text) if (joined := " ".join(block.split()))]


@functools.lru_cache(maxsize=8192)
def _passages(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A text file's paragraphs, as they are and normalised: once per text a process reads (a
    rebuild under `briefing serve` reads every text again)."""
    passages = tuple(_paragraphs(text))
    return passages, tuple(map(normalise, passages))


def _source_texts(content: Content, errors: list[ContentError]) -> dict[str, SourceText]:
    """The text of each source that has one, by source id; the problems of the text files go to `errors`."""
    root = display_path(content.root)
    texts: dict[str, SourceText] = {}
    named: set[str] = set()
    for doc in content.documents:
        if doc.kind != "source" or not isinstance(doc.data, list):
            continue
        for i, record in enumerate(doc.data):
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                continue
            sid, file, excerpts = record["id"], record.get("text_file"), record.get("excerpts")
            if isinstance(file, str):
                named.add(file)
                if excerpts:
                    errors.append(doc.error((i, "excerpts"), "a source with a text file needs no excerpts",
                                            "remove 'excerpts': its quotations are checked against the whole text"))
                text = content.texts.get(file)
                if text is None:
                    errors.append(doc.error((i, "text_file"), f"{root}/{file} does not exist",
                                            "keep the source's text there, or remove 'text_file'"))
                    continue
                passages, normalised = _passages(text)
                listed = record.get("paragraphs")
                if isinstance(listed, list) and listed and len(listed) != len(passages):
                    errors.append(doc.error((i, "text_file"), f"{root}/{file} has {len(passages)} paragraphs; "
                                            f"the record lists {len(listed)}",
                                            "a blank line ends a paragraph; keep only the source's own "
                                            "paragraphs: its title and standfirst go in the record, and no "
                                            "menus, comment forms or captions of the page"))
                texts[sid] = SourceText(sid, "paragraph", passages, normalised)
            elif isinstance(excerpts, list) and excerpts:
                kept = tuple(" ".join(e.split()) for e in excerpts if isinstance(e, str))
                texts[sid] = SourceText(sid, "excerpt", kept, tuple(map(normalise, kept)))
    errors.extend(ContentError(f"{root}/{name}", 1, 1, "no source names this text",
                               "name it in its source's 'text_file', or remove it")
                  for name in sorted(set(content.texts) - named))
    return texts


def _records(doc: Document) -> Iterator[tuple[Path_, dict[str, Any], str | None]]:
    """(path, record) of each record of a document, and for a source record its own id (its
    fields are about its own text)."""
    items = list(enumerate(doc.data)) if isinstance(doc.data, list) else [((), doc.data)]
    for at, record in items:
        if isinstance(record, dict):
            at = at if isinstance(at, tuple) else (at,)
            own = record.get("id") if doc.kind == "source" and isinstance(record.get("id"), str) else None
            yield at, record, own


def _collect(record: dict[str, Any], at: Path_, cited: tuple[tuple[str, int | None], ...],
             quotations: list[Quotation], long_texts: list[tuple[Path_, str]], *, own: str | None,
             statements: bool) -> None:
    """Add to `quotations` every quotation of a record (at `at`; a source record's `own` id, which
    its fields quote; a record of statements.yml, whose text is a quotation in a statement of kind
    `quote`): words in quotation marks, citations' quotes, each with the citations it must be
    found in; and to `long_texts` every text long enough to exceed the verbatim limit.

    It visits every value of the content, so texts are handled in the loops, not by a call each.
    """
    def text(value: str, where: Path_, cited: tuple[tuple[str, int | None], ...]) -> None:
        if len(value) > VERBATIM_LIMIT * 2 and value.count(" ") >= VERBATIM_LIMIT:
            long_texts.append((where, value))
        if _MARKS.search(value):
            for match in _QUOTED.finditer(value):
                quotations.append(Quotation(where, next(g for g in match.groups() if g is not None), cited, "field"))

    def walk(value: Any, where: Path_, cited: tuple[tuple[str, int | None], ...], skip: frozenset[str]) -> None:
        if type(value) is list:
            for i, item in enumerate(value):
                if type(item) is str:
                    if len(item) > 2 and (item.count(" ") >= VERBATIM_LIMIT or _MARKS.search(item)):
                        text(item, where + (i,), cited)
                elif type(item) is dict or type(item) is list:
                    walk(item, where + (i,), cited, frozenset())
            return
        citations = value.get("sources")
        if type(citations) is list:
            cited = tuple((c["source"], None) for c in citations if type(c) is dict and type(c.get("source")) is str)
            for i, c in enumerate(citations):
                if type(c) is dict and type(c.get("quote")) is str and type(c.get("source")) is str:
                    para = c.get("para") if type(c.get("para")) is int else None
                    quotations.append(Quotation(where + ("sources", i, "quote"), c["quote"],
                                                ((c["source"], para),), "locator"))
        for key, item in value.items():
            if key in skip or key == "sources":
                continue
            if type(item) is str:
                if len(item) > 2 and (item.count(" ") >= VERBATIM_LIMIT or _MARKS.search(item)):
                    text(item, where + (key,), cited)
            elif type(item) is dict or type(item) is list:
                walk(item, where + (key,), cited, frozenset())

    skip: frozenset[str] = _SOURCE_OWN if own else frozenset()
    if statements and record.get("kind") == "quote" and type(record.get("text")) is str:
        skip = skip | {"text"}
        found = record["text"]
        cites = record.get("sources")
        cited = tuple((c["source"], None) for c in cites if type(c) is dict and type(c.get("source")) is str
                      ) if type(cites) is list else cited
        quotations.append(Quotation(at + ("text",), found, cited, "statement"))
        if found.count(" ") >= VERBATIM_LIMIT:
            long_texts.append((at + ("text",), found))
    walk(record, at, cited, skip)


def _verify(quotation: Quotation, texts: dict[str, SourceText]) -> tuple[str, str | None] | None | bool:
    """None if the quotation cannot be checked (a source it may come from has no text); False if
    it is found; else the message and hint of its problem."""
    if not quotation.cited or any(source not in texts for source, _ in quotation.cited):
        return None
    pieces = _pieces(quotation.words)
    if not pieces:
        return False
    sources = [texts[source] for source in dict.fromkeys(source for source, _ in quotation.cited)]
    source, para = quotation.cited[0]
    if quotation.kind == "locator" and para is not None:
        if sources[0].find(pieces, para) is not None:
            return False
        elsewhere = sources[0].find(pieces)
        if elsewhere is not None:
            return (f"quote is in paragraph {elsewhere} of {source}, not in paragraph {para}",
                    f"cite paragraph {elsewhere}, or quote paragraph {para}'s own words")
    elif any(text.find(pieces) is not None for text in sources):
        return False
    shown_words = _cut(" ".join(quotation.words.split()), 80)
    where = sources[0].source if len(sources) == 1 else "any of " + ", ".join(t.source for t in sources)
    if quotation.kind == "statement":
        message = f"the text of this quote is not in the text of {where}"
    elif quotation.kind == "locator":
        message = f"quote “{shown_words}” is not in " + (f"paragraph {para} of {where}" if para else f"the text of {where}")
    else:
        message = f"quotation “{shown_words}” is not in the text of {where}"
    score, hint = max(text.closest(normalise(quotation.words)) for text in sources)
    if quotation.kind == "statement":
        hint += "; if the words are not the source's own, make the statement a paraphrase"
    elif quotation.kind == "field":
        hint += "; quote the source's own words, or drop the quotation marks from your own"
    return message, hint


class _Runs(NamedTuple):
    """Every run of VERBATIM_LIMIT + 1 words of the stored texts, with where it starts: a text's
    words, its source and the paragraph of each word."""

    starts: dict[tuple[str, ...], tuple[int, int]]
    words: list[tuple[list[str], str, list[int]]]


def _word_runs(texts: dict[str, SourceText]) -> _Runs:
    size = VERBATIM_LIMIT + 1
    runs = _Runs({}, [])
    seen: set[tuple[str, ...]] = set()
    for text in texts.values():
        if text.normal in seen:  # copies of one source share its text
            continue
        seen.add(text.normal)
        words: list[str] = []
        paragraph_of: list[int] = []
        for n, passage in enumerate(text.normal, 1):
            found = _WORD.findall(passage)
            words += found
            paragraph_of += [n] * len(found)
        number = len(runs.words)
        runs.words.append((words, text.source, paragraph_of))
        for start in range(len(words) - size + 1):
            runs.starts.setdefault(tuple(words[start:start + size]), (number, start))
    return runs


def _longest_copy(value: str, runs: _Runs) -> tuple[int, str, str] | None:
    """The longest run of more than VERBATIM_LIMIT words of `value` that a stored text holds: its
    length, the text's source and where in it the run starts; None if there is none."""
    size = VERBATIM_LIMIT + 1
    words = _WORD.findall(normalise(value))
    best: tuple[int, str, str] | None = None
    start = 0
    while start + size <= len(words):
        found = runs.starts.get(tuple(words[start:start + size]))
        if found is None:
            start += 1
            continue
        number, at = found
        text, source, paragraph_of = runs.words[number]
        length = size
        while start + length < len(words) and at + length < len(text) and words[start + length] == text[at + length]:
            length += 1
        if best is None or length > best[0]:
            best = (length, source, f"paragraph {paragraph_of[at]}")
        start += length
    return best
