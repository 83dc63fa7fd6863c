"""Search: one place that finds goals, people and units for a viewer (the header's box, /search/, the API).

Goals are matched on their title and description only: a personal goal's why, identity and motivation are the
owner's own words and are never searched, so a match can never reveal them. Goals are filtered by what the
viewer may see (apps.goals.permissions) before anything is counted or shown.

PostgreSQL matches with full-text search (`websearch_to_tsquery`: words, "quoted phrases", -exclusions),
ranked, on the expression that migration 0001 indexes with GIN, so it stays an index scan at 100,000 goals.
Migration 0002 indexes the same expression for the published cascade alone (every layer but personal): with the
visibility filter's arms (apps.goals.permissions), a viewer who may not see everyone's personal goals reads the
matching cascade goals from that index and the personal goals they may see by owner, never the matching personal
goals of the whole organisation. People and units match with `icontains`, which trigram indexes serve on
PostgreSQL (migration 0002). SQLite (the embedded mode) matches every word with `icontains`.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from apps.goals import permissions, selectors
from apps.goals.models import Goal
from apps.org.models import Person, Unit

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 50
DEFAULT_LIMIT = 20
# The text-search configuration: English stems words ("hiring" finds "hire"). Migration 0001 indexes this same
# expression; change both together.
TEXT_CONFIG = "english"
GOAL_DOCUMENT = (
    f"to_tsvector('{TEXT_CONFIG}', coalesce({{table}}.title, '') || ' ' || coalesce({{table}}.description, ''))"
)


@dataclass
class Results:
    query: str
    goals: list[Goal] = field(default_factory=list)
    chains: dict[int, str] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.goals or self.people or self.units)


def clean_query(value) -> str:
    """The search words, or a ValidationError naming `q`: empty, longer than 200 characters, or a NUL."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({"q": ["Type a word or two to search for."]})
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError({"q": [f"Search for at most {MAX_QUERY_LENGTH} characters (this is {len(text)})."]})
    if "\x00" in text:
        raise ValidationError({"q": ["The search contains a NUL character, which no text holds."]})
    return text


def _words(text: str) -> list[str]:
    return text.split()[:20]


def _all_words_q(fields: tuple[str, ...], words: list[str]) -> Q:
    """Every word appears in one of `fields` (case-insensitive)."""
    q = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        q &= any_field
    return q


def matching_goals(viewer, text: str, *, include_archived: bool = False) -> QuerySet[Goal]:
    """Goals `viewer` may see whose title or description matches `text`, best first (not yet limited)."""
    goals = permissions.visible_goals(viewer)
    if not include_archived:
        goals = goals.filter(archived_at__isnull=True)
    if connection.vendor == "postgresql":
        document = GOAL_DOCUMENT.format(table=connection.ops.quote_name(Goal._meta.db_table))
        query = f"websearch_to_tsquery('{TEXT_CONFIG}', %s)"
        matches = RawSQL(f"{document} @@ {query}", [text], output_field=BooleanField())
        rank = RawSQL(f"ts_rank({document}, {query})", [text], output_field=FloatField())
        return goals.filter(matches).annotate(rank=rank).order_by("-rank", "title", "pk")
    return goals.filter(_all_words_q(("title", "description"), _words(text))).order_by("title", "pk")


def matching_people(text: str) -> QuerySet[Person]:
    """Active people whose name or username holds every word (everyone signed in may see who works here)."""
    people = Person.objects.filter(is_active=True).filter(_all_words_q(("name", "username"), _words(text)))
    return people.select_related("unit").order_by("name", "username", "pk")


def matching_units(text: str) -> QuerySet[Unit]:
    return Unit.objects.filter(_all_words_q(("name",), _words(text))).order_by("name", "pk")


def _best_goals(matches: QuerySet[Goal], limit: int) -> list[Goal]:
    """The first `limit` of `matches` with their cycle, owner and unit: the ids are ranked and cut on the goals alone,
    then only those rows are read with what they show (two queries). In one query PostgreSQL joined every match to
    its owner and unit before sorting them by rank (3,400 matches of a word at 100,000 people: 64 ms against 41 ms)."""
    ids = list(matches.values_list("pk", flat=True)[:limit])
    rows = Goal.objects.select_related("cycle", "owner", "unit").in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def search(viewer, text: str, *, limit: int = DEFAULT_LIMIT, include_archived: bool = False) -> Results:
    """At most `limit` goals, people and units each for `text` (already cleaned: see clean_query). Five queries,
    six with the viewer's place in the organisation, whatever the number of matches."""
    goals = _best_goals(matching_goals(viewer, text, include_archived=include_archived), limit)
    return Results(
        query=text,
        goals=goals,
        chains=selectors.chain_labels(goals) if goals else {},
        people=list(matching_people(text)[:limit]),
        units=list(matching_units(text)[:limit]),
    )
