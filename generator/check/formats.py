"""Old forms of the content that the check recognises, each with the form that replaced it.

When the content format changes, content written before keeps its old form until an editor
updates it. The checks here find the old forms that the schema alone would accept, and name the
new form and the date of the change in their hints; the authoring guide's changelog lists every
change. Forms the schema refuses get their hints where they are refused (validate.py).
"""

from __future__ import annotations

import re

from ..errors import ContentError
from ..content.schema import Person

LOCATORS_CHANGED = "2026-12-06"
"""Since then, `para` cites only a source whose own paragraphs its record lists."""
ROLES_CHANGED = "2026-12-06"
"""Since then, a role is given once, without the country in its title (the site adds it)."""

# How a role title may name the country of its holder: "US Commerce Secretary".
_COUNTRY_WORDS = {"US": ("US", "U.S.", "United States", "American"), "CN": ("China's", "Chinese", "PRC")}
_COUNTRY_NAMES = {"US": "United States", "CN": "China"}


def old_role_forms(person: Person, error) -> list[ContentError]:
    """The roles of `person` written in the form used before ROLES_CHANGED: a title that starts
    with the country, or the same role given twice. `error(path, message, hint)` places each."""
    problems = []
    words = _COUNTRY_WORDS.get(person.country or "", ())
    seen: dict[tuple[str, str | None], int] = {}
    for i, role in enumerate(person.roles):
        prefix = next((w for w in words if re.match(re.escape(w) + r"\s", role.title)), None)
        if prefix is not None:
            title = role.title[len(prefix):].strip()
            problems.append(error(("roles", i, "title"), f"role title '{role.title}' names the country", (
                f"write '{title}': the site adds the country, '{title} ({_COUNTRY_NAMES[person.country]})' "
                f"(the format since {ROLES_CHANGED})")))
        key = (role.title, role.organization)
        if key in seen:
            problems.append(error(("roles", i), f"role '{role.title}' is given twice (also role {seen[key] + 1})", (
                "give each role once, with every source that names it under its sources "
                f"(the format since {ROLES_CHANGED})")))
        else:
            seen[key] = i
    return problems


def para_hint() -> str:
    """The hint for `para` citing a source whose record lists no paragraphs (the form before
    LOCATORS_CHANGED)."""
    return (f"cite it by its words (quote: \"…\") or as a whole; since {LOCATORS_CHANGED} `para` cites only a "
            "source whose own paragraphs its record lists")
