"""Forms for the pages. They check the shape of the input; the services decide the rules,
and their errors come back next to the field they name (`add_service_errors`)."""

from django import forms
from django.core.exceptions import ValidationError

from apps.core import picker as core_picker
from apps.cycles.models import Cycle
from apps.org import picker as org_picker
from apps.org.models import Unit

from .models import PRIVATE_FIELDS, Goal, GoalStatus, Health, Layer, Metric, Motivation, ProgressSource
from .rules import ALLOWED_PARENT_LAYERS
from .services import METRIC_ERROR_PREFIX


def add_service_errors(form: forms.Form, exc: ValidationError, *, metric_form: forms.Form | None = None) -> None:
    """Show a service's ValidationError on the form: next to the field it names, else at the top.

    With `metric_form`, the errors goal_create_with_metric names for the first metric ("metric_start") go
    next to that form's fields ("start").
    """
    for field, messages in exc.message_dict.items():
        target, name = form, field
        if metric_form is not None and field.startswith(METRIC_ERROR_PREFIX):
            target, name = metric_form, field.removeprefix(METRIC_ERROR_PREFIX)
        target.add_error(name if name in target.fields else None, messages)


def first_metric(data: dict) -> dict | None:
    """The first metric a goal form carries in its metric_* fields, as metric_create takes it (None: no metric)."""
    if not data.get("metric_name"):
        return None
    return {
        "name": data["metric_name"],
        "unit": data["metric_unit"] or Metric.Unit.NUMBER,
        "display_unit": data.get("metric_display_unit", ""),
        "start": data["metric_start"],
        "target": data["metric_target"],
    }


def display_unit_field() -> forms.CharField:
    """The unit shown with a metric's values: free text, a currency before the amount and anything else after it."""
    return forms.CharField(
        max_length=Metric._meta.get_field("display_unit").max_length,
        required=False,
        label="Shown as",
        help_text='Optional: "$", "€" or "USD" before the amount; "days", "people"… after it.',
    )


class GoalChoiceField(forms.ModelChoiceField):
    """A goal picker whose labels show the chain up to the intent (set `paths` to {goal_id: "A › B"})."""

    paths: dict[int, str] = {}

    def label_from_instance(self, goal: Goal) -> str:
        chain = self.paths.get(goal.pk)
        return f"{chain} › {goal.title}" if chain else goal.title


# The progress sources as a goal's owner reads them ("Progress comes from: …").
PROGRESS_SOURCE_CHOICES = [
    (ProgressSource.AUTO, "Automatic: its metrics if it has any, else the goals under it, else entered by hand"),
    (ProgressSource.METRICS, "Its metrics"),
    (ProgressSource.CHILDREN, "The goals under it"),
    (ProgressSource.MANUAL, "Entered by hand"),
]


class IntentForm(forms.Form):
    title = forms.CharField(max_length=300)
    why = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Why this matters now: the reason everyone below will translate.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.exclude(status=Cycle.Status.CLOSED), empty_label="Choose a cycle"
    )
    unit = forms.ModelChoiceField(queryset=Unit.objects.all(), empty_label="Choose a unit")

    def __init__(self, *args, unit_query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Found by searching in a large organisation (apps.core.picker): 11,000 units are half a megabyte of options.
        core_picker.fit(self.fields["unit"], org_picker.all_units(), org_picker.units_finder(), unit_query)


class GoalEditForm(forms.Form):
    title = forms.CharField(max_length=300)
    why = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    weight = forms.FloatField(min_value=0, help_text="How much this goal counts towards its parent (default 1).")
    status = forms.ChoiceField(choices=GoalStatus.choices)
    progress_source = forms.ChoiceField(choices=PROGRESS_SOURCE_CHOICES, label="Progress comes from")
    # Asked as a percentage; the services keep a fraction in [0, 1] (clean_manual_progress converts).
    manual_progress = forms.FloatField(
        min_value=0,
        max_value=100,
        required=False,
        label="Progress entered by hand (%)",
        help_text="Used when progress is entered by hand: 0 to 100.",
    )
    identity = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Who I want to become through it"
    )
    motivation = forms.ChoiceField(
        choices=[("", "—"), *Motivation.choices], required=False, label="Where this goal comes from"
    )

    def __init__(self, *args, goal: Goal, editor=None, **kwargs):
        initial = dict(kwargs.pop("initial", None) or {})
        self.manual_fraction = initial.get("manual_progress")
        if self.manual_fraction is not None:
            initial["manual_progress"] = _as_percent(self.manual_fraction)
        super().__init__(*args, initial=initial, **kwargs)
        if goal.layer != Layer.PERSONAL:
            del self.fields["identity"], self.fields["motivation"]
        elif editor is not None and editor.pk != goal.owner_id:
            # The reflection is the owner's own words: nobody else edits it (rules.check_private_write).
            for name in PRIVATE_FIELDS:
                del self.fields[name]

    def clean_manual_progress(self) -> float | None:
        percent = self.cleaned_data.get("manual_progress")
        if percent is None:
            return None
        if self.manual_fraction is not None and percent == _as_percent(self.manual_fraction):
            return self.manual_fraction  # unchanged: keep the stored fraction exactly
        return percent / 100


def _as_percent(fraction: float) -> float:
    return round(fraction * 100, 2)


class FirstMetricMixin:
    """A goal form that can also take the goal's first metric: all three of its fields, or none."""

    def clean(self):
        data = super().clean()
        metric = [data.get(name) for name in ("metric_name", "metric_start", "metric_target")]
        if any(value not in (None, "") for value in metric) and not all(value not in (None, "") for value in metric):
            self.add_error("metric_name", "A metric needs a name, a start and a target (or leave all three empty).")
        return data


class TranslateForm(FirstMetricMixin, forms.Form):
    """A team's own goal under a goal from above, with its first metric."""

    title = forms.CharField(max_length=300, help_text="In your team's own words: what will you do or change?")
    why = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    layer = forms.ChoiceField(
        choices=[(Layer.TRANSLATIONAL, Layer.TRANSLATIONAL.label), (Layer.OPERATIONAL, Layer.OPERATIONAL.label)]
    )
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), empty_label="Choose a unit")
    cycle = forms.ModelChoiceField(queryset=Cycle.objects.none(), empty_label="Choose a cycle")
    metric_name = forms.CharField(
        max_length=300, required=False, label="Metric", help_text="How you will measure it, e.g. 'Sales people hired'."
    )
    metric_unit = forms.ChoiceField(
        choices=Metric.Unit.choices, required=False, label="Measured in", initial=Metric.Unit.NUMBER
    )
    metric_display_unit = display_unit_field()
    metric_start = forms.DecimalField(required=False, max_digits=20, decimal_places=4, label="Start")
    metric_target = forms.DecimalField(required=False, max_digits=20, decimal_places=4, label="Target")
    # The title the copy warning was shown for: saving that same title again means "save anyway".
    confirmed_title = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, parent: Goal, units, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent
        self.fields["layer"].choices = [
            (layer, Layer(layer).label)
            for layer in (Layer.TRANSLATIONAL, Layer.OPERATIONAL)
            if parent.layer in ALLOWED_PARENT_LAYERS[layer]
        ]
        self.fields["unit"].queryset = units
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].initial = parent.cycle_id


class PersonalGoalForm(FirstMetricMixin, forms.Form):
    title = forms.CharField(max_length=300)
    parent = GoalChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        label="Contributes to",
        empty_label="— Not linked (a development goal) —",
        help_text="The team goal this goal moves. Each choice shows its line up to the intent.",
    )
    why = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why this matters to me",
        help_text="Private: only you and your manager chain see it.",
    )
    identity = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Who I want to become through it",
        help_text="Private, like the why.",
    )
    motivation = forms.ChoiceField(
        choices=[("", "—"), *Motivation.choices],
        required=False,
        label="Where this goal comes from",
        help_text="Private; HR sees only totals.",
    )
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.exclude(status=Cycle.Status.CLOSED),
        required=False,
        empty_label="The cycle of the goal above",
        help_text="Leave it to follow the goal it contributes to (the current cycle for a goal linked to nothing).",
    )
    metric_name = forms.CharField(max_length=300, required=False, label="Metric")
    metric_unit = forms.ChoiceField(
        choices=Metric.Unit.choices, required=False, label="Measured in", initial=Metric.Unit.NUMBER
    )
    metric_display_unit = display_unit_field()
    metric_start = forms.DecimalField(required=False, max_digits=20, decimal_places=4, label="Start")
    metric_target = forms.DecimalField(required=False, max_digits=20, decimal_places=4, label="Target")

    def __init__(self, *args, candidates, paths: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = candidates
        self.fields["parent"].paths = paths


class MoveForm(forms.Form):
    parent = GoalChoiceField(
        queryset=Goal.objects.none(), required=False, label="New parent", empty_label="— Not linked —"
    )

    def __init__(self, *args, candidates, paths: dict[int, str], allow_none: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = candidates
        self.fields["parent"].paths = paths
        self.fields["parent"].required = not allow_none


class MetricForm(forms.Form):
    name = forms.CharField(max_length=300)
    unit = forms.ChoiceField(choices=Metric.Unit.choices, initial=Metric.Unit.NUMBER, label="Measured in")
    display_unit = display_unit_field()
    start = forms.DecimalField(max_digits=20, decimal_places=4)
    target = forms.DecimalField(max_digits=20, decimal_places=4)
    weight = forms.FloatField(min_value=0, initial=1.0)


REFLECTION_HELP = "Optional. Only you and your manager chain read it; it comes up in your next 1:1."


class CheckInForm(forms.Form):
    """A check-in on a metric. A page shows one per metric, so its fields carry no ids (ids must be unique on a
    page): each input sits inside its <label>."""

    value = forms.DecimalField(max_digits=20, decimal_places=4, label="New value")
    confidence = forms.TypedChoiceField(
        choices=[(n, n) for n in range(11)],
        coerce=int,
        initial=7,
        help_text="How sure are you of reaching the target? 0 to 10.",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reflection = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=REFLECTION_HELP,
        label="Reflection: what worked, what didn't",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)


class GoalCheckInForm(forms.Form):
    """A check-in on the goal itself: progress where it is entered by hand, the owner's health, confidence, a note."""

    progress = forms.IntegerField(
        min_value=0, max_value=100, required=False, label="Progress (%)", help_text="Leave empty to keep it as it is."
    )
    health = forms.ChoiceField(
        choices=[("", "As the schedule says"), *Health.choices], required=False, label="How is it going?"
    )
    confidence = forms.TypedChoiceField(
        choices=[(n, n) for n in range(11)],
        coerce=int,
        initial=7,
        help_text="How sure are you of reaching it? 0 to 10.",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reflection = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=REFLECTION_HELP,
        label="Reflection: what worked, what didn't",
    )

    def __init__(self, *args, manual: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not manual:
            del self.fields["progress"]  # it comes from the metrics or the goals under it

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("progress") is not None:
            data["progress"] = data["progress"] / 100
        return data


class CommentForm(forms.Form):
    """A comment on a goal; apps.goals.comments checks its text and reads its @mentions."""

    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Everyone who may see this goal reads it. Write @username to mention someone who may see it too.",
    )
