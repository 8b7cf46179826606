"""The link report's file and record: what the last check of each source's address found.

`briefing links` (check/linkcheck.py) writes the report; the build reads it with the content and
never goes online itself.
"""

from __future__ import annotations

from pydantic import Field

from .fields import Date, SourceRef, Text, Url
from .records import Record

LINK_REPORT = "link-report.yml"
"""The report's file name, in the content folder."""
LINK_REPORT_KIND = "link-report"


class LinkCheck(Record):
    """What the last check of a source's address found (link-report.yml, written by `briefing links`)."""

    source: SourceRef
    """The source whose address was checked."""
    url: Url
    """The address checked: the source's `url` at the time."""
    checked: Date
    """The day of the check."""
    ok: bool
    """true if the address answered with a page (after any redirects)."""
    status: int | None = Field(default=None, ge=100, le=599)
    """The HTTP status of the last answer, if one came."""
    final_url: Url | None = None
    """Where the redirects led, if somewhere else."""
    problem: Text | None = None
    """What went wrong: the status in words, no answer within the time allowed, a connection reset."""
