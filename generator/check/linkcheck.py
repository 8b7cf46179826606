"""The sources' addresses, watched over time: `briefing links` and the report it keeps.

`briefing links` requests every source's address (a few at a time, each with a short timeout,
following redirects) and writes what it found, with the date, to `link-report.yml` beside the
other content files: one entry per source, with the answer's status, the address the redirects
led to and the problem, if there was one. A build never goes online: it reads the report as it
was last written (`read_link_report`), and the site says when each address was last checked and
leads to a failed one's archived copy. The report is YAML like the content, so it is kept in
version control with it and a change to it shows in a review.
"""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

import yaml
from pydantic import ValidationError

from ..errors import ContentError
from ..content.linkreport import LINK_REPORT, LinkCheck
from ..content.records import Source
from ..read.parse import Document
from .schema_errors import describe, schema_error

TIMEOUT_S = 10.0
"""How long an address may take to answer (to connect, or between two parts of its answer)."""
WORKERS = 4
"""How many addresses are requested at a time: few, so that no site is asked much at once."""
USER_AGENT = "briefing-sites link check (+https://briefing-sites.invalid/)"

HEADER = ("# yaml-language-server: $schema=../schema/link-report.schema.json\n"
          "# Written by `briefing links`: what each source's address answered when last checked.\n"
          "# The site shows it; run `briefing links` again rather than editing it.\n")


def check_address(url: str, timeout: float = TIMEOUT_S) -> tuple[bool, int | None, str | None, str | None]:
    """Request `url` once, following redirects: (answered with a page, last status, final address
    if another, problem in words)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, by the schema
            final = response.geturl()
            return True, response.status, final if final != url else None, None
    except urllib.error.HTTPError as exc:
        final = exc.geturl()
        return False, exc.code, final if final and final != url else None, f"{exc.code} {exc.reason}".strip()
    except urllib.error.URLError as exc:
        return False, None, None, _problem(exc.reason, timeout)
    except (OSError, http.client.HTTPException) as exc:
        return False, None, None, _problem(exc, timeout)


def _problem(reason: object, timeout: float) -> str:
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, http.client.RemoteDisconnected):  # a kind of ConnectionResetError: first
        return "the server closed the connection without answering"
    if isinstance(reason, ConnectionResetError):
        return "the connection was reset"
    if isinstance(reason, socket.gaierror):
        return "the host name is not known"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    return str(getattr(reason, "strerror", None) or reason)


def check_links(sources: Iterable[Source], today: dt.date, *, timeout: float = TIMEOUT_S,
                workers: int = WORKERS) -> list[LinkCheck]:
    """Check the address of each source that has one, `workers` at a time; each address once."""
    addressed = [source for source in sources if source.url]
    urls = list(dict.fromkeys(source.url for source in addressed))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        answers = dict(zip(urls, pool.map(lambda url: check_address(url, timeout), urls)))
    checks = []
    for source in addressed:
        ok, status, final, problem = answers[source.url]
        checks.append(LinkCheck(source=source.id, url=source.url, checked=today.isoformat(), ok=ok,
                                status=status, final_url=final, problem=problem))
    return checks


def report_text(checks: Iterable[LinkCheck]) -> str:
    """The text of link-report.yml for `checks`, as `briefing links` writes it."""
    entries = [check.model_dump(exclude_none=True) for check in checks]
    body = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100) if entries else "[]\n"
    return HEADER + body


def write_report(content_dir: Path, checks: Iterable[LinkCheck]) -> Path:
    """Write the report beside the content (whole, or not at all) and return its path."""
    target = content_dir / LINK_REPORT
    temporary = target.with_name(f".{LINK_REPORT}.tmp")
    temporary.write_text(report_text(checks), encoding="utf-8")
    temporary.replace(target)
    return target


def read_link_report(doc: Document | None, sources: Mapping[str, Source],
                     errors: list[ContentError]) -> Mapping[str, LinkCheck]:
    """The last check of each source's address, by source id, from the report's document; the
    problems of the report go to `errors`. An entry of a source that is gone, or whose address
    has changed since, tells nothing of it now and is left out."""
    if doc is None:
        return MappingProxyType({})
    if not isinstance(doc.data, list):
        if doc.data is not None:
            errors.append(doc.error((), f"{LINK_REPORT} should be a list of checks, not {describe(doc.data)}",
                                    "run `briefing links` to write it again"))
        return MappingProxyType({})
    found: dict[str, LinkCheck] = {}
    for i, entry in enumerate(doc.data):
        try:
            check = LinkCheck.model_validate(entry)
        except ValidationError as exc:
            errors.extend(schema_error(doc, (i,), LinkCheck, e) for e in exc.errors())
            continue
        source = sources.get(check.source)
        if source is not None and source.url == check.url:
            found[check.source] = check
    return MappingProxyType(found)
