"""The parent picker of the personal-goal and move forms: one place for which goals may be picked and how the field
looks. Up to PICKER_THRESHOLD candidates it stays a <select> of every chain (what a small organisation expects, and
it needs no script); above, it becomes a search box whose matches, at most MATCH_LIMIT of them, arrive as radio
buttons: with htmx as one types (GET goals/parent-options/), without JavaScript through its Find button. Either way
the candidates are filtered and limited in SQL: nothing reads every candidate."""

from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse

from apps.core.picker import Option, SearchPicker, clean_query

from . import permissions, selectors
from .models import Goal
from .rules import ALLOWED_PARENT_LAYERS

PICKER_THRESHOLD = 200
MATCH_LIMIT = 20
PERSONAL_EMPTY_LABEL = "— Not linked (a development goal) —"
MOVE_EMPTY_LABEL = "— Not linked —"


def personal_candidates(person) -> QuerySet[Goal]:
    """Goals a personal goal of `person` may contribute to (see selectors.team_goal_candidates)."""
    return selectors.team_goal_candidates(person, permissions.visible_goals(person))


def move_candidates(person, goal: Goal) -> QuerySet[Goal]:
    """Parents `goal` could move under: visible goals in use, of an allowed layer, in its cycle or one above."""
    return (
        permissions.visible_goals(person)
        .filter(
            layer__in=ALLOWED_PARENT_LAYERS[goal.layer], archived_at__isnull=True, cycle_id__in=goal.cycle.lineage_ids()
        )
        .exclude(pk=goal.pk)
        .select_related("parent")
        .order_by("tree_id", "lft")
    )


def matching(candidates: QuerySet[Goal], text: str, limit: int = MATCH_LIMIT) -> list[Goal]:
    """At most `limit` candidates whose title holds every word of `text` (the first ones, in cascade order, for no
    words). One query with a LIMIT."""
    q = Q()
    for word in text.split()[:10]:
        q &= Q(title__icontains=word)
    return list(candidates.filter(q)[:limit])


def options(candidates: QuerySet[Goal], text: str, selected: str | None) -> tuple[list[Option], str]:
    """The radio buttons for `text`: the selected candidate first (kept while one searches on), then the matches;
    and a sentence saying what they are. Three queries at most."""
    goals = matching(candidates, text)
    chosen = None
    if selected and str(selected).isdigit():
        chosen = next((g for g in goals if g.pk == int(selected)), None) or candidates.filter(pk=selected).first()
    shown = [chosen, *(g for g in goals if g != chosen)] if chosen else goals
    paths = selectors.chain_labels(shown) if shown else {}
    rows = [Option(g.pk, _label(g, paths), g == chosen) for g in shown]
    return rows, _summary(text, len(goals))


def _label(goal: Goal, paths: dict[int, str]) -> str:
    chain = paths.get(goal.pk)
    return f"{chain} › {goal.title}" if chain else goal.title


def _summary(text: str, found: int) -> str:
    if not text:
        return f"The first {found} goals in cascade order. Type words of a title to find another."
    if not found:
        return f"No goal you may pick has “{text}” in its title."
    if found == MATCH_LIMIT:
        return f"The first {found} matches. Type more words to narrow them."
    return f"{found} match{'' if found == 1 else 'es'}."


@dataclass(frozen=True)
class GoalOptions:
    """What the search picker (apps.core.picker.SearchPicker) asks of a parent picker: its options URL, what the
    candidates are called, and the radio buttons for the words typed (`options`)."""

    url: str
    noun: str = "goals"

    def options(self, candidates: QuerySet[Goal], text: str, selected) -> tuple[list[Option], str]:
        return options(candidates, text, selected)


def parent_picker(*, candidates: QuerySet[Goal], url: str, query: str, empty_label: str | None) -> SearchPicker:
    """A labelled search box and its matches, labelled by their chain, as radio buttons named like the field, so the
    form posts the picked goal's id as a <select> would (apps.core.picker)."""
    finder = GoalOptions(url)
    return SearchPicker(finder=finder, candidates=candidates, query=query, empty_label=empty_label, described=True)


def fit(field: forms.ModelChoiceField, candidates: QuerySet[Goal], *, url: str, query: str = "") -> None:
    """Give the parent `field` its candidates: every chain in a <select> when they are few (two queries), else the
    search picker (the field then checks a posted id with one query against `candidates`)."""
    few = list(candidates[: PICKER_THRESHOLD + 1])
    if len(few) <= PICKER_THRESHOLD and not query:
        field.queryset = Goal.objects.filter(pk__in=[g.pk for g in few]).order_by("tree_id", "lft")
        field.paths = selectors.chain_labels(few)
        return
    field.queryset = candidates
    empty_label = field.empty_label if not field.required else None
    field.widget = parent_picker(candidates=candidates, url=url, query=query, empty_label=empty_label)
    field.widget.is_required = field.required


def options_url(kind: str, goal: Goal | None = None) -> str:
    url = reverse("goals:parent-options") + f"?for={kind}"
    return url + f"&goal={goal.pk}" if goal is not None else url


def form_input(request, initial: dict) -> tuple:
    """(data, initial, finding) for a form with a parent picker. Its Find button (the picker without JavaScript)
    posts the form to show other matches: the form then comes back unbound, as typed, without errors."""
    if "parent_find" in request.POST:
        return None, request.POST.dict(), True
    return request.POST or None, initial, False


def query_of(request) -> str:
    return clean_query(request.POST.get("parent_q", ""))
