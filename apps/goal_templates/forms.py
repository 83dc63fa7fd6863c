"""Forms of the template pages: shape only; the rules are in apps.goal_templates.services."""

import re

from django import forms
from django.db.models import QuerySet

from apps.core.validation import MAX_TEXT_LENGTH
from apps.cycles.models import Cycle
from apps.goals.forms import GoalChoiceField, display_unit_field
from apps.goals.models import Goal, Layer, Metric
from apps.org.models import Person, Unit

from .services import MAX_METRICS, MAX_RECIPIENTS, TEMPLATE_LAYERS

LAYER_CHOICES = [(layer.value, layer.label) for layer in Layer if layer in TEMPLATE_LAYERS]


class TemplateForm(forms.Form):
    title = forms.CharField(max_length=300)
    layer = forms.ChoiceField(
        choices=LAYER_CHOICES, help_text="The layer of every goal made from it: they sit under the parent you pick."
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=MAX_TEXT_LENGTH)
    why = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        help_text="Leave empty for a personal goal: its why is its owner's own words.",
    )


class MetricRowForm(forms.Form):
    """One metric of the template; a row left empty is no metric."""

    name = forms.CharField(max_length=300, required=False, label="Metric")
    unit = forms.ChoiceField(choices=Metric.Unit.choices, initial=Metric.Unit.NUMBER, label="Measured in")
    display_unit = display_unit_field()
    start = forms.DecimalField(max_digits=20, decimal_places=4, required=False)
    target = forms.DecimalField(max_digits=20, decimal_places=4, required=False)
    weight = forms.FloatField(min_value=0, initial=1.0, required=False)

    def clean(self):
        data = super().clean()
        if data.get("name"):
            for name in ("start", "target"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Enter a number.")
        return data

    def metric(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        weight = 1.0 if data.get("weight") is None else data["weight"]
        keys = ("name", "unit", "display_unit", "start", "target")
        return {**{key: data[key] for key in keys}, "weight": weight}


MetricFormSet = forms.formset_factory(MetricRowForm, extra=3, max_num=MAX_METRICS, validate_max=True)


def metrics_of(formset) -> list[dict]:
    return [metric for form in formset.forms if (metric := form.metric()) is not None]


class AssignForm(forms.Form):
    """Where the goals go (a parent, a cycle) and to whom (everyone in a unit, and/or people by username)."""

    parent = GoalChoiceField(queryset=Goal.objects.none(), required=False, label="Under the goal")
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.none(), required=False, empty_label="— The parent's cycle —", label="Cycle"
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="Everyone in",
        empty_label="— No unit —",
        help_text="Everyone in this unit and the units under it gets a goal (you yourself excepted).",
    )
    usernames = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="People",
        max_length=MAX_RECIPIENTS * 160,
        help_text="Usernames, separated by spaces, commas or new lines: people in your manager chain.",
    )

    def __init__(self, *args, units: QuerySet[Unit], parent_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["cycle"].queryset = Cycle.objects.exclude(status=Cycle.Status.CLOSED).order_by("start", "name")
        self.fields["parent"].required = parent_required

    def clean_usernames(self) -> list[str]:
        names = list(dict.fromkeys(name for name in re.split(r"[\s,;]+", self.cleaned_data["usernames"]) if name))
        if len(names) > MAX_RECIPIENTS:
            raise forms.ValidationError(f"At most {MAX_RECIPIENTS:,} people at once, not {len(names):,}.")
        return names

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("unit") and not data.get("usernames"):
            raise forms.ValidationError("Choose a unit or name at least one person.")
        return data

    def people_ids(self, actor) -> list[int]:
        """The ids of the people named and of everyone in the unit picked (one query each); unknown usernames are
        a form error naming them."""
        names = self.cleaned_data["usernames"]
        found = dict(Person.objects.filter(username__in=names, is_active=True).values_list("username", "pk"))
        unknown = [name for name in names if name not in found]
        if unknown:
            shown = ", ".join(unknown[:20]) + (f" and {len(unknown) - 20} more" if len(unknown) > 20 else "")
            self.add_error("usernames", f"No active person has the username: {shown}.")
            return []
        ids = [found[name] for name in names]
        unit = self.cleaned_data.get("unit")
        if unit is not None:
            members = Person.objects.filter(
                is_active=True, unit__tree_id=unit.tree_id, unit__lft__gte=unit.lft, unit__rght__lte=unit.rght
            ).exclude(pk=actor.pk)
            ids += list(members.order_by("unit__lft", "username").values_list("pk", flat=True))
        return ids
