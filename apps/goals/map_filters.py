"""The strategy map's filters. The unit is found by searching, never chosen from a list of every unit (11,000 options
at 100,000 people): a search box whose matches, at most MATCH_LIMIT, arrive as radio buttons — with htmx as one types
(GET map/units/), without JavaScript through the form's Show button. Matching is one query with a LIMIT."""

from django import forms
from django.db.models import Q
from django.urls import reverse

from apps.cycles.models import Cycle
from apps.org.models import Unit

from .models import Health
from .picker import MATCH_LIMIT, clean_query

ALL_UNITS = "All units"


def matching_units(text: str, limit: int = MATCH_LIMIT) -> list[Unit]:
    """At most `limit` units whose name holds every word of `text`, in the organisation's order."""
    q = Q()
    for word in text.split()[:10]:
        q &= Q(name__icontains=word)
    return list(Unit.objects.filter(q).select_related("parent").order_by("tree_id", "lft")[:limit])


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.parent.name})" if unit.parent_id else unit.name


def unit_options(text: str, selected: Unit | None) -> tuple[list[dict], str]:
    """The radio buttons for `text` (the chosen unit first, kept while one searches on) and what they are."""
    units = matching_units(text) if text else []  # nothing typed: no list to read, only the unit chosen
    shown = [selected, *(unit for unit in units if unit != selected)] if selected else units
    rows = [{"pk": unit.pk, "label": unit_label(unit), "checked": unit == selected} for unit in shown]
    if not text:
        summary = "Type words of a unit's name to find it."
    elif not units:
        summary = f"No unit has “{text}” in its name."
    elif len(units) == MATCH_LIMIT:
        summary = f"The first {len(units)} units that match. Type more words to narrow them."
    else:
        summary = f"{len(units)} unit{'' if len(units) == 1 else 's'} match{'es' if len(units) == 1 else ''}."
    return rows, summary


class UnitPicker(forms.Widget):
    """A search box (aria-autocomplete, aria-controls) and its matches as radio buttons named `unit`."""

    template_name = "goals/widgets/unit_picker.html"

    def __init__(self, query: str = ""):
        super().__init__()
        self.query = query

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        selected = Unit.objects.select_related("parent").filter(pk=value).first() if str(value).isdigit() else None
        rows, summary = unit_options(self.query, selected)
        context["widget"].update(
            url=reverse("goals:map-units"), query=self.query, options=rows, summary=summary, all_label=ALL_UNITS
        )
        context["widget"]["nothing_checked"] = selected is None
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class MapFilterForm(forms.Form):
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.order_by("-start", "name"), required=False, empty_label="The current cycle"
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.all(),
        required=False,
        help_text="Goals of this unit and the units under it.",
        widget=UnitPicker(),
    )
    health = forms.ChoiceField(choices=[("", "Any health"), *Health.choices], required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.unit_query = clean_query((data or {}).get("unit_q", ""))
        self.fields["unit"].widget.query = self.unit_query

    def clean(self):
        """Without JavaScript one types a name and presses Show: a name that matches exactly one unit picks it."""
        data = super().clean()
        if data.get("unit") is None and self.unit_query:
            units = matching_units(self.unit_query, limit=2)
            if len(units) == 1:
                data["unit"] = units[0]
                self.data = self.data.copy()
                self.data["unit"] = str(units[0].pk)
        return data
