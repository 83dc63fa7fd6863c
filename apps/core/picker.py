"""A choice among thousands, made by searching: a search box whose matches, at most MATCH_LIMIT of them, arrive as
radio buttons named like the field — with htmx as one types (the field's options URL), without JavaScript through
the form's Find button — so that the form posts the picked id as a <select> would. Up to THRESHOLD candidates the
field stays a plain <select> of them all (what a small organisation expects, and it needs no script). Nothing reads
every candidate: matching is one query with a LIMIT.

The goal pickers (apps.goals.picker: which goals, labelled by their chain) use this widget with candidates and labels
of their own; the map's unit filter, a filter with an "All units" choice rather than a field, keeps its own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db.models import Q, QuerySet

THRESHOLD = 200
MATCH_LIMIT = 20
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10


@dataclass
class Option:
    pk: int
    label: str
    checked: bool


def clean_query(text: str) -> str:
    return text.replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def words_q(text: str, fields: tuple[str, ...]) -> Q:
    """Every word of `text` in one of `fields` (case-insensitive)."""
    q = Q()
    for word in text.split()[:MAX_WORDS]:
        q &= Q.create([(f"{field}__icontains", word) for field in fields], connector=Q.OR)
    return q


@dataclass(frozen=True)
class Finder:
    """How one kind of thing is searched and shown: the text fields matched, the label of each, what they are
    called (plural), and the options URL."""

    fields: tuple[str, ...]
    label: Callable[[object], str]
    noun: str  # "people", "units"
    url: str
    shortest: int = 1  # fewer characters typed find nothing (a trigram index needs three; 500,000 goals do)

    def options(self, candidates: QuerySet, text: str, selected) -> tuple[list[Option], str]:
        """The radio buttons for `text`: the picked candidate first (kept while one searches on), then the
        matches; and a sentence saying what they are. Two queries at most."""
        searched = len(text) >= self.shortest
        found = list(candidates.filter(words_q(text, self.fields))[:MATCH_LIMIT]) if text and searched else []
        chosen = None
        if selected and str(selected).isdigit():
            chosen = next((c for c in found if c.pk == int(selected)), None) or candidates.filter(pk=selected).first()
        shown = [chosen, *(c for c in found if c != chosen)] if chosen else found
        return [Option(c.pk, self.label(c), c == chosen) for c in shown], self.summary(text, len(found))

    def summary(self, text: str, found: int) -> str:
        if not text:
            return f"Type words to find one among the {self.noun}."
        if len(text) < self.shortest:
            return f"Type at least {self.shortest} characters."
        if not found:
            return f"No match for “{text}”."
        if found == MATCH_LIMIT:
            return f"The first {found} matches. Type more words to narrow them."
        return f"{found} match{'' if found == 1 else 'es'}."


class SearchPicker(forms.Widget):
    """A labelled search box (aria-autocomplete, aria-controls) and its matches as radio buttons named like the
    field."""

    template_name = "widgets/search_picker.html"

    def __init__(
        self, *, finder: Finder, candidates: QuerySet, query: str, empty_label: str | None, described: bool = False
    ):
        super().__init__()
        self.finder, self.candidates, self.query, self.empty_label = finder, candidates, query, empty_label
        self.described = described  # the field has help text (templates/form_fields.html: id "<field id>_help")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows, summary = self.finder.options(self.candidates, self.query, value)
        url = self.finder.url
        context["widget"].update(
            # The options are radio buttons named like the field: the URL says which.
            url=f"{url}{'&' if '?' in url else '?'}{urlencode({'name': name})}",
            described=self.described,
            query=self.query,
            noun=self.finder.noun,
            options=rows,
            summary=summary,
            empty_label=self.empty_label,
            nothing_checked=not any(row.checked for row in rows),
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)


def fit(field: forms.ModelChoiceField, candidates: QuerySet, finder: Finder, query: str = "") -> None:
    """Give `field` its candidates: all of them in its <select> when they are few, else the search picker (the
    field then checks a posted id with one query against `candidates`)."""
    field.queryset = candidates
    if not query and not candidates.order_by().values_list("pk", flat=True)[THRESHOLD : THRESHOLD + 1]:
        return
    empty_label = field.empty_label if not field.required else None
    field.widget = SearchPicker(
        finder=finder, candidates=candidates, query=query, empty_label=empty_label, described=bool(field.help_text)
    )
    field.widget.is_required = field.required


def found(request, *names: str) -> tuple[bool, dict[str, str]]:
    """Whether the form was posted by a picker's Find button (the picker without JavaScript: the form then comes back
    unbound, as typed, without errors), and the words typed in each picker of `names`."""
    data = request.POST if request.method == "POST" else request.GET
    queries = {name: clean_query(data.get(f"{name}_q", "")) for name in names}
    return any(f"{name}_find" in data for name in names), queries
