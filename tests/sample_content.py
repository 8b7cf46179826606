"""A content tree of three briefings, with strings that every output format must carry intact."""

from __future__ import annotations

from pathlib import Path

from conftest import write_content

# Quotes, commas, a semicolon, a newline, markup characters, an entity and Chinese.
HOSTILE = 'He said "no", she said \'yes\'; a, b\nsecond line <b>bold</b> & &amp; 王文涛'
HOSTILE_TITLE = 'Talks on "chips", tariffs & <export> controls; 商务部 visit'
HOSTILE_VENUE = 'Diaoyutai, "Building 5" <east> & 钓鱼台'
HOSTILE_QUOTE = 'a "frank", constructive & <useful> talk; 坦诚'



# Functions, not shared lists: YAML would write a shared list once with an anchor, which the
# loader refuses.
def article() -> list[dict]:
    return [{"source": "article", "para": 1, "quote": HOSTILE_QUOTE}]


def later() -> list[dict]:
    return [{"source": "article", "para": 2}]


SOURCES = [
    {"id": "article", "title": "Raimondo visits Beijing", "publisher": "Example News", "kind": "article",
     "date": "2023-08-30", "url": "https://news.example.org/a?x=1&y=2",
     "paragraphs": [{"n": 1, "about": "the meeting"}, {"n": 2, "about": "the outcome"}]},
    {"id": "readout", "title": "Readout, \"final\" & <short>", "publisher": "商务部", "kind": "readout"},
]
PEOPLE = [
    {"id": "gina-raimondo", "name": 'Gina "G." Raimondo, <US> & co', "country": "US",
     "roles": [{"title": "Commerce Secretary", "organization": "doc", "sources": article()}],
     "sources": article()},
    {"id": "wang-wentao", "name": "Wang Wentao", "name_zh": "王文涛", "country": "CN",
     "roles": [{"title": "Minister of Commerce", "organization": "mofcom", "period": HOSTILE,
                "sources": later()}], "sources": [{"source": "readout"}]},
]
ORGANIZATIONS = [
    {"id": "mofcom", "name": "Ministry of Commerce", "name_zh": "商务部", "short_name": "MOFCOM",
     "country": "CN", "kind": "ministry", "sources": article()},
    {"id": "doc", "name": "Department of Commerce", "country": "US", "kind": "department",
     "url": "https://www.commerce.gov/", "sources": article()},
]
VISIT = {
    "briefing.yml": {
        "title": HOSTILE_TITLE, "subtitle": HOSTILE, "start": "2023-08-27", "end": "2023-08-30",
        "places": [{"city": "Beijing", "country": "CN"}, {"city": "Shanghai", "country": "CN"}],
        "status": "concluded", "updated": "2023-09-01", "principals": ["gina-raimondo", "wang-wentao"],
        "summary": "Talks *in* Beijing & Shanghai.",
        "takeaways": [{"text": "A working group.", "sources": later()}], "sources": article()},
    "agenda.yml": [
        {"id": "arrival", "title": "Arrival in Beijing", "day": "Sunday", "date": "2023-08-27",
         "city": "Beijing", "kind": "arrival", "status": "happened", "summary": "She arrives.",
         "sources": article()},
        {"id": "meet-wang", "title": HOSTILE_TITLE, "day": "Monday", "date": "2023-08-28", "time": "09:30",
         "city": "Beijing", "venue": HOSTILE_VENUE, "kind": "meeting", "status": "happened",
         "participants": ["gina-raimondo", "wang-wentao"], "organizations": ["mofcom", "doc"],
         "summary": "They *met*.", "outcomes": [HOSTILE, "A second outcome"], "sources": article() + later()},
        {"id": "shanghai-visit", "title": "Visit to Shanghai", "day": "Wednesday", "city": "Shanghai",
         "kind": "visit", "status": "happened", "summary": "A visit.", "sources": later()},
    ],
    "disputes.yml": [
        {"id": "tariffs", "title": HOSTILE_TITLE, "category": "tariffs",
         "raised_by": ["mofcom", "wang-wentao"],
         "raised_at": "meet-wang", "description": "Section 301 tariffs.",
         "response": {"by": ["gina-raimondo"], "position": "Not negotiable.", "sources": later()},
         "status": "raised", "sources": article()},
    ],
    "agreements.yml": [
        {"id": "working-group", "title": "A working group", "parties": ["doc", "mofcom"],
         "agreed_at": "meet-wang", "description": "On trade.",
         "next_steps": [{"text": "First meeting.", "when": "2024", "when_text": HOSTILE, "sources": later()}],
         "sources": later()},
    ],
    "statements.yml": [
        {"id": "frank", "speaker": "gina-raimondo", "kind": "quote", "text": HOSTILE, "date": "2023-08-28",
         "at": "meet-wang", "about": ["tariffs", "working-group"], "sources": article()},
    ],
    "context.yml": [
        {"id": "export-rules", "when": "2023-07", "when_text": "in July", "title": "New export rules",
         "summary": "Rules were announced.", "actors": ["doc"], "sources": [{"source": "readout"}]},
    ],
}
EARLIER = {
    "briefing.yml": {
        "title": "An earlier call", "places": [{"city": "Washington", "country": "US"}],
        "status": "concluded", "updated": "2023-06-01", "summary": "A call.", "sources": later()},
    "agenda.yml": [
        {"id": "call", "title": "Phone call", "day": "Thursday", "date": "2023-06-01", "time": "14:00",
         "city": "Washington", "kind": "talks", "status": "happened", "summary": "A call.",
         "sources": later()},
    ],
}
UNDATED = {
    "briefing.yml": {
        "title": "A week of talks", "places": [{"city": "Brussels", "country": "BE"}],
        "status": "concluded", "updated": "2023-01-01", "summary": "Talks.", "sources": later()},
    "agenda.yml": [
        {"id": "talks", "title": "Talks", "day": "Friday", "city": "Brussels", "kind": "talks",
         "status": "happened", "summary": "Talks.", "sources": later()},
    ],
}
BRIEFINGS = {"visit": VISIT, "earlier-call": EARLIER, "undated-week": UNDATED}


def write_sample(root: Path) -> Path:
    """Write the sample content folder at `root` and return it."""
    files = {"sources.yml": SOURCES, "people.yml": PEOPLE, "organizations.yml": ORGANIZATIONS}
    for briefing, parts in BRIEFINGS.items():
        files.update({f"briefings/{briefing}/{name}": value for name, value in parts.items()})
    return write_content(root, files)
