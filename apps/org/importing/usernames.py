"""Usernames for the people an import creates."""

import re
from collections.abc import Iterator
from itertools import count

from apps.org.models import Person

from .rows import Entry

USERNAME_MAX = Person._meta.get_field("username").max_length


def usernames_for(entries: list[Entry], taken: set[str]) -> dict[str, str]:
    """A username for each new person: the email's local part, else that plus the employee id.

    Deterministic for a given file and organisation, so a preview and the import agree. The
    username never changes afterwards, even if the email does.
    """
    taken = {name.lower() for name in taken}  # Django's user forms treat "Ada" and "ada" as the same username
    names = {}
    for entry in entries:
        base = _clean(entry.email.split("@")[0]) or "person"
        suffix = _clean(entry.employee_id) or "x"
        candidates = (_fit(c, base) for c in _candidates(base, suffix))
        name = next(c for c in candidates if c not in taken)
        taken.add(name)
        names[entry.employee_id] = name
    return names


def _candidates(base: str, suffix: str) -> Iterator[str]:
    yield base
    yield f"{base}.{suffix}"
    for n in count(2):  # only if someone already took base.suffix by hand
        yield f"{base}.{suffix}.{n}"


def _clean(text: str) -> str:
    """Only what Django's username validator allows: letters, digits and @ . + - _."""
    return re.sub(r"[^\w.@+-]", "", text.lower())


def _fit(candidate: str, base: str) -> str:
    """Shorten the base, never the suffix, so that two long names stay different."""
    overflow = len(candidate) - USERNAME_MAX
    return candidate if overflow <= 0 else base[: len(base) - overflow] + candidate[len(base) :]
