"""The weekly check-in (`/check-in/`): every active goal I own, one row per metric (or per goal without metrics),
one submit for all of them through the batch service (apps.goals.batch), all or nothing, one rollup.

A row counts as a check-in when something in it differs from what the page showed (a value, the progress, the
health, the confidence, a note) or when "Same as last week" is ticked; untouched rows record nothing. With
JavaScript (static/js/weekly.js), Enter in a row keeps its value, ticks "Same as last week" if nothing changed
and moves to the next row. With htmx the figures and the rows come back as out-of-band swaps, and focus stays
where it was (or goes to the first error).
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse

from apps.cycles.models import Cycle

from .. import services
from ..batch import BatchRefused, checkins_record_batch, pending_goal_ids
from ..models import CheckIn, Goal, GoalStatus, Health, Metric

DEFAULT_CONFIDENCE = 7
# With a worker, the page asks for the new figures every second until they are rolled up, this many times at most.
MAX_POLLS = 10
CONFIDENCE_CHOICES = [(n, n) for n in range(11)]


class RowForm(forms.Form):
    """What every row asks: a confidence, a note, and whether nothing changed since last week."""

    confidence = forms.TypedChoiceField(choices=CONFIDENCE_CHOICES, coerce=int, label="Confidence (0–10)")
    note = forms.CharField(required=False, label="Note", max_length=10_000)
    same = forms.BooleanField(
        required=False, label="Same as last week", widget=forms.CheckboxInput(attrs={"data-same": ""})
    )


class MetricRowForm(RowForm):
    value = forms.DecimalField(
        max_digits=20,
        decimal_places=4,
        label="This week",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-first": "", "autocomplete": "off"}),
    )
    field_order = ("value", "same", "confidence", "note")

    def item(self, metric: Metric) -> dict:
        data = self.cleaned_data
        return {
            "metric": metric.pk,
            "value": str(data["value"]),
            "confidence": data["confidence"],
            "note": data["note"],
        }


class GoalRowForm(RowForm):
    progress = forms.IntegerField(min_value=0, max_value=100, required=False, label="Progress (%)")
    health = forms.ChoiceField(choices=[("", "As the schedule says"), *Health.choices], required=False, label="Health")
    field_order = ("progress", "health", "same", "confidence", "note")

    def __init__(self, *args, manual: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not manual:
            del self.fields["progress"]  # it comes from the goals under it
        first = self.fields.get("progress") or self.fields["health"]
        first.widget.attrs.update({"data-first": "", "autocomplete": "off"})

    def item(self, goal: Goal) -> dict:
        data = self.cleaned_data
        item = {"goal": goal.pk, "health": data["health"], "confidence": data["confidence"], "note": data["note"]}
        if data.get("progress") is not None:
            item["progress"] = data["progress"] / 100
        return item


def _plain(number: Decimal) -> Decimal:
    """42.5000 → 42.5, 100.0000 → 100 (not 1E+2): shown as a person would type it, compared as a number."""
    return Decimal(format(number.normalize(), "f"))


def _last_confidence(**match) -> Subquery:
    latest = CheckIn.objects.filter(**match).order_by("-created", "-id")
    return Subquery(latest.values("confidence")[:1])


def weekly_goals(person) -> list[Goal]:
    """The goals the person checks in on weekly: their own, active, in use, in an active cycle (one query)."""
    return list(
        Goal.objects.filter(
            owner=person, archived_at__isnull=True, status=GoalStatus.ACTIVE, cycle__status=Cycle.Status.ACTIVE
        )
        .select_related("cycle")
        .annotate(last_confidence=_last_confidence(goal=OuterRef("pk"), metric__isnull=True))
        .order_by("cycle__start", "title", "pk")
    )


def _metrics_by_goal(goals: list[Goal]) -> dict[int, list[Metric]]:
    """Each goal's metrics in use, with when and how confidently they were last checked in on (one query)."""
    latest = CheckIn.objects.filter(metric=OuterRef("pk")).order_by("-created", "-id")
    metrics = (
        Metric.objects.filter(goal__in=goals, archived_at__isnull=True)
        .annotate(
            last_at=Subquery(latest.values("created")[:1]),
            last_confidence=Subquery(latest.values("confidence")[:1]),
        )
        .order_by("goal_id", "pk")
    )
    by_goal: dict[int, list[Metric]] = {goal.pk: [] for goal in goals}
    for metric in metrics:
        by_goal[metric.goal_id].append(metric)
    return by_goal


def build_sections(person, data=None) -> list[dict]:
    """One section per goal: the goal, its metric rows (metric, form) or, without metrics, its own row's form."""
    goals = weekly_goals(person)
    metrics = _metrics_by_goal(goals)
    sections = []
    for goal in goals:
        rows = [
            (
                metric,
                MetricRowForm(
                    data,
                    prefix=f"m{metric.pk}",
                    initial={
                        "value": _plain(metric.current),
                        "confidence": metric.last_confidence or DEFAULT_CONFIDENCE,
                    },
                ),
            )
            for metric in metrics[goal.pk]
        ]
        goal_form = None
        if not rows:
            initial = {"health": goal.health_override, "confidence": goal.last_confidence or DEFAULT_CONFIDENCE}
            if goal.manual_progress is not None:
                initial["progress"] = round(goal.manual_progress * 100)
            manual = services.progress_entered_by_hand(goal)
            goal_form = GoalRowForm(data, prefix=f"g{goal.pk}", initial=initial, manual=manual)
        sections.append({"goal": goal, "rows": rows, "goal_form": goal_form})
    return sections


def _forms(sections: list[dict]):
    """(form, metric or goal) for every row of every section, in page order."""
    for section in sections:
        for metric, form in section["rows"]:
            yield form, metric
        if section["goal_form"] is not None:
            yield section["goal_form"], section["goal"]


def _mark_errors(sections: list[dict]) -> None:
    """Tell assistive technology which fields are wrong, and put the focus on the first of them."""
    first = True
    for form, _target in _forms(sections):
        for name in form.errors:
            field = form.fields.get(name) or next(iter(form.fields.values()))
            attrs = {"aria-invalid": "true", "aria-describedby": f"{form.prefix}-errors"}
            if first:
                attrs["autofocus"] = True
                first = False
            field.widget.attrs.update(attrs)


def _record(request, sections: list[dict]) -> tuple[int, str]:
    """Validate the changed rows and record them in one batch. Returns (how many, problem or "")."""
    changed = [(form, target) for form, target in _forms(sections) if form.has_changed()]
    if not changed:
        return 0, "Nothing to record: change a value or tick “Same as last week” on a row first."
    if not all([form.is_valid() for form, _target in changed]):  # a list: every row gets its errors
        return 0, "Nothing was recorded: fix the rows marked below."
    try:
        checkins_record_batch(actor=request.user, items=[form.item(target) for form, target in changed])
    except BatchRefused as refusal:
        for (form, _target), errors in zip(changed, refusal.items or [{}] * len(changed), strict=True):
            for name, problems in errors.items():
                form.add_error(name if name in form.fields else None, problems)
        return 0, f"Nothing was recorded: {refusal.message}" if not refusal.items else refusal.message
    return len(changed), ""


def _focus_first_row(sections: list[dict]) -> None:
    """Keyboard first: the page opens with the focus in the first row's first field."""
    for form, _target in _forms(sections):
        for field in form.fields.values():
            if "data-first" in field.widget.attrs:
                field.widget.attrs["autofocus"] = True
                return


@login_required
def weekly_checkin(request):
    if request.method != "POST":
        sections = build_sections(request.user)
        _focus_first_row(sections)
        return render(request, "goals/weekly_checkin.html", {"sections": sections})
    sections = build_sections(request.user, request.POST)
    count, problem = _record(request, sections)
    if problem:
        _mark_errors(sections)
        context = {"sections": sections, "problem": problem}
        if request.htmx:  # htmx swaps 2xx answers only: the problem is in the page, the rows marked
            return render(request, "goals/_weekly_answer.html", context)
        return render(request, "goals/weekly_checkin.html", context, status=400)
    recorded = f"Recorded {count} check-in{'s' if count != 1 else ''}."
    if not request.htmx:
        messages.success(request, recorded)
        return redirect("goals:weekly-checkin")
    fresh = build_sections(request.user)
    goal_ids = [section["goal"].pk for section in fresh]
    context = {"sections": fresh, "recorded": recorded, "poll": _poll_url(pending_goal_ids(goal_ids), 1)}
    return render(request, "goals/_weekly_answer.html", context)


@login_required
def weekly_figures(request):
    """The figures of the goals a check-in made stale, once rolled up (polled by the page while a worker works)."""
    ids = [int(value) for value in request.GET.getlist("goal") if value.isdigit()][:200]
    tries = int(request.GET.get("try", "1")) if request.GET.get("try", "").isdigit() else MAX_POLLS
    goals = list(Goal.objects.filter(owner=request.user, pk__in=ids).select_related("cycle").order_by("pk"))
    pending = pending_goal_ids([goal.pk for goal in goals])
    context = {"goals": [goal for goal in goals if goal.pk not in pending], "poll": None}
    if pending and tries < MAX_POLLS:
        context["poll"] = _poll_url(pending, tries + 1)
    return render(request, "goals/_weekly_figures.html", context)


def _poll_url(goal_ids, tries: int) -> str | None:
    if not goal_ids:
        return None
    query = "&".join(f"goal={pk}" for pk in sorted(goal_ids))
    return f"{reverse('goals:weekly-figures')}?{query}&try={tries}"
