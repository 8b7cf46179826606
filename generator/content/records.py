"""The base of every record, and the parts that tie a fact to its source: citations and sources.

Part of the one definition of the content (see schema.py, which imports these).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .fields import ApproxDate, Id, Markdown, SourceRef, Text, TextFile, Url


# A note for editors, the last field of the records that have one.
EditorNote = Annotated[Text | None, Field(description=(
    "A note for editors (how the sources differ, what is still to check), never shown to readers on "
    "a page, in the search or in the list of changes."))]


# Whether a shared record (a source, a person, an organisation, a shared event) is still being
# written, as `briefing new` writes it.
SharedDraft = Annotated[bool, Field(description=(
    "true while the record is being written (`briefing new` writes it so): checked, its placeholders "
    "listed as notes, but left out of the published site; a published record may not refer to it. "
    "Remove the line when it is ready."))]


class Record(BaseModel):
    """Base of every content record: immutable, strict types, no unknown fields."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid", use_attribute_docstrings=True)


class Citation(Record):
    """Where a fact comes from: a source and an honest locator, the source's own paragraph or
    its quoted words."""

    source: SourceRef
    """The id of the source record."""
    para: int | None = Field(default=None, ge=1)
    """The paragraph, only for a source whose own paragraphs are listed in its record."""
    quote: Text | None = Field(default=None, max_length=200)
    """The source's own words that support the fact: a short excerpt (at most 200 characters)."""


Citations = Annotated[list[Citation], Field(min_length=1)]


class Claim(Record):
    """One source's account of a fact where the sources disagree; the page shows the preferred one
    and, behind a "sources differ" note, the others."""

    text: Markdown
    """The account, in a sentence or two, as its sources give it."""
    rank: Literal["preferred", "also-reported", "disputed"]
    """`preferred` for the one account the briefing stands by (exactly one per fact);
    `also-reported` for another source's differing account; `disputed` for one a source contests."""
    sources: Citations
    """Where this account is given."""
    difference: Text | None = None
    """For an account other than the preferred one: how it differs from the preferred account, in
    one short sentence that names both sources ("The article reports two agreements; the readout
    lists four."). The page shows it in plain view; the accounts themselves stay behind "sources
    differ". Without it the page names the sources that give another account."""


class Paragraph(Record):
    """One paragraph of a source as published, described in our own words (never republished)."""

    n: int = Field(ge=1)
    """The paragraph's number, counting the source's own paragraphs from 1 in its order."""
    about: Text
    """What the paragraph covers, in a few words of our own."""


class Source(Record):
    """A document that facts are taken from: an article, a readout, a news report."""

    id: Id
    """The source's id, used in citations."""
    title: Text
    """The source's own title."""
    standfirst: Text | None = None
    """The source's subtitle or standfirst, where it has one."""
    publisher: Text | None = None
    """Who published it (an outlet, a ministry, a department), where the source or the record
    shows it; left out, never guessed, when it is not known."""
    kind: Literal["article", "readout", "news-report", "announcement", "statement", "reference"]
    """What sort of document it is."""
    date: ApproxDate | None = None
    """When it was published, as precisely as known."""
    author: Text | None = None
    """Who wrote it, where known."""
    url: Url | None = None
    """Where a reader can find it, if it is online: its real address, never a guess."""
    republication: bool = False
    """true when `url` is a copy of the source on another site, not its publisher's own address;
    the pages say so beside the link."""
    archive_url: Url | None = None
    """An archived copy (web.archive.org, archive.today), for when the address stops working."""
    description: Markdown | None = None
    """What the source is and how the briefing uses it."""
    paragraphs: list[Paragraph] = Field(default_factory=list)
    """The source's own paragraphs as published (n: 1, 2, ...), each with a short note of what it
    covers; only for a source whose text the editors have. Cite other sources by `quote`."""
    text_file: TextFile | None = None
    """The editors' copy of the source's text, a plain-text file in content/texts/ (paragraphs
    apart by a blank line): never published; `briefing check` finds every quotation of the
    source in it."""
    excerpts: list[Annotated[Text, Field(max_length=200)]] = Field(default_factory=list)
    """For a source whose whole text the editors do not hold: short passages of it, word for
    word (at most 200 characters each), against which its quotations are checked."""
    editor_note: EditorNote = None
    draft: SharedDraft = False

    @field_validator("republication")
    @classmethod
    def _republication_has_an_address(cls, value: bool, info: ValidationInfo) -> bool:
        if value and not info.data.get("url"):
            raise PydanticCustomError("content", "'republication' is true but the source has no url",
                                      {"hint": "give the address of the copy in url, or remove republication"})
        return value
