"""Forms of the cycle-close pages: shapes only; the rules are in apps.reviews.services and apps.goals.carryover."""

from decimal import Decimal

from django import forms

from apps.cycles.models import Cycle

from .models import Review


class ReviewForm(forms.Form):
    score = forms.DecimalField(
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        label="Final score (%)",
        help_text="0 to 100; prefilled from the goal's progress.",
    )
    relevance = forms.ChoiceField(
        choices=[("", "Choose one"), *Review.Relevance.choices], label="Did it support the outcome above it?"
    )
    reflection = forms.CharField(
        required=False,
        max_length=10_000,
        label="Your reflection",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What worked, what didn't: read by you, your manager chain and admins only.",
    )


class CarryOverForm(forms.Form):
    cycle = forms.TypedChoiceField(
        coerce=int,
        label="Continue in",
        help_text="The goal and the open goals under it continue there; this one stays in its cycle.",
    )

    def __init__(self, *args, cycles: list[Cycle], **kwargs):
        """`cycles` is a list read once for the page: each form of the page offers the same ones without a query."""
        super().__init__(*args, **kwargs)
        self.cycles = {cycle.pk: cycle for cycle in cycles}
        self.fields["cycle"].choices = [("", "Choose the next cycle")] + [(c.pk, c.name) for c in cycles]

    def clean_cycle(self) -> Cycle:
        return self.cycles[self.cleaned_data["cycle"]]


def later_cycles(cycle: Cycle) -> list[Cycle]:
    """The cycles a goal of `cycle` may continue in: those starting after it ends, not closed."""
    return list(Cycle.objects.filter(start__gt=cycle.end).exclude(status=Cycle.Status.CLOSED).order_by("start", "name"))
