"""Forms of the proposal pages: shapes only; the rules (cascade, who answers, which status) are in services."""

from django import forms

from apps.core import picker as core_picker
from apps.cycles.models import Cycle
from apps.goals.models import Goal, Layer, Metric
from apps.goals.rules import ALLOWED_PARENT_LAYERS
from apps.org import picker as org_picker
from apps.org.models import Unit

from .services import PROPOSABLE_LAYERS

METRIC_FIELDS = ("metric_name", "metric_unit", "metric_start", "metric_target", "metric_display_unit")


def layers_under(parent: Goal | None) -> list[tuple[str, str]]:
    """The layers that may be proposed under `parent` (all proposable ones when unknown)."""
    return [
        (layer, Layer(layer).label)
        for layer in PROPOSABLE_LAYERS
        if parent is None or parent.layer in ALLOWED_PARENT_LAYERS[layer]
    ]


class ProposalForm(forms.Form):
    title = forms.CharField(max_length=300, label="Title", help_text="The goal you propose, in a few words.")
    description = forms.CharField(
        required=False, max_length=10_000, label="Description", widget=forms.Textarea(attrs={"rows": 3})
    )
    why = forms.CharField(
        required=False,
        max_length=10_000,
        label="Why",
        help_text="Why it matters: what the goal above gains from it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    layer = forms.ChoiceField(label="Layer", choices=())
    cycle = forms.ModelChoiceField(queryset=Cycle.objects.order_by("-start", "name"), label="Cycle")
    unit = forms.ModelChoiceField(queryset=Unit.objects.order_by("name"), label="Unit")
    metric_name = forms.CharField(
        required=False, max_length=300, label="Metric (optional)", help_text="What you will measure, if anything."
    )
    metric_unit = forms.ChoiceField(
        required=False, choices=Metric.Unit.choices, initial=Metric.Unit.NUMBER, label="Metric unit"
    )
    metric_start = forms.DecimalField(required=False, max_digits=20, decimal_places=4, label="Start value")
    metric_target = forms.DecimalField(required=False, max_digits=20, decimal_places=4, label="Target value")
    metric_display_unit = forms.CharField(
        required=False, max_length=16, label="Shown with the values", help_text='"$", "days", "people"…'
    )

    def __init__(
        self,
        *args,
        parent: Goal | None = None,
        with_metric: bool = True,
        place: bool = True,
        unit_query: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["layer"].choices = layers_under(parent)
        # A draft sent up keeps its place and its metrics: only its words change here.
        dropped = (*(() if with_metric else METRIC_FIELDS), *(() if place else ("layer", "cycle", "unit")))
        for name in dropped:
            del self.fields[name]
        if "unit" in self.fields:
            # Found by searching in a large organisation (apps.core.picker): 11,000 units are 500 KB of options.
            core_picker.fit(self.fields["unit"], org_picker.all_units(), org_picker.units_finder(), unit_query)

    def clean(self):
        data = super().clean()
        if "metric_name" in self.fields and data.get("metric_name"):
            for name in ("metric_start", "metric_target"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "A metric needs a start and a target value.")
        return data

    def service_fields(self) -> dict:
        """What proposal_create/proposal_update take from this form."""
        data = self.cleaned_data
        names = ("title", "description", "why", "layer", "cycle", "unit")
        fields = {name: data[name] for name in names if name in self.fields}
        if "metric_name" in self.fields:
            fields["metrics"] = []
            if data.get("metric_name"):
                fields["metrics"] = [
                    {
                        "name": data["metric_name"],
                        "unit": data.get("metric_unit") or Metric.Unit.NUMBER,
                        "start": data["metric_start"],
                        "target": data["metric_target"],
                        "display_unit": data.get("metric_display_unit", ""),
                    }
                ]
        return fields


def initial_from(proposal) -> dict:
    initial = {name: getattr(proposal, name) for name in ("title", "description", "why", "layer", "cycle", "unit")}
    if proposal.metrics:
        metric = proposal.metrics[0]
        initial.update(
            metric_name=metric["name"],
            metric_unit=metric["unit"],
            metric_start=metric["start"],
            metric_target=metric["target"],
            metric_display_unit=metric["display_unit"],
        )
    return initial


class AnswerForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=10_000,
        label="Comment",
        help_text="Required to ask for changes or to decline: say what should change, or why not.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResubmitForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=10_000,
        label="Comment (optional)",
        help_text="What you changed.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
