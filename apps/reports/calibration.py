"""Calibration of a cycle's reviews (DESIGN.md "reports/calibration/"): the review scores each manager's people got,
beside the organisation's distribution, for HR and admins.

- Whose figures: a review counts for the manager of its goal's owner (Person.manager) as it is when the report is
  read; people without a manager count in the organisation's figures only.
- Which reviews: every review (signed off or not) of a goal in the cycle or the cycles inside it (without a cycle:
  every active cycle, as the alignment report), archived goals left out.
- Privacy: figures are aggregates of MIN_PEOPLE people or more. A manager with fewer people is not shown (only
  counted), and the organisation's own figure needs as many. No individual's score or reflection is ever read here.
- Outliers: a manager whose mean differs from the organisation's by more than one standard deviation (population,
  over the organisation's reviews) is flagged above or below.
- Cost: two aggregate queries (plus the cycles), whatever the size.
"""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, StdDev

from apps.cycles.models import Cycle
from apps.reviews.models import Review

from .permissions import can_view_alignment_report
from .scope import cycles_in_scope

MIN_PEOPLE = 5
BUCKETS = 5  # the histogram: 0–20 %, 20–40 %, 40–60 %, 60–80 %, 80–100 % (1 falls in the last)


def can_view_calibration(person) -> bool:
    """HR and admins, as the alignment report."""
    return can_view_alignment_report(person)


@dataclass(frozen=True)
class Bucket:
    low: float
    high: float
    count: int

    @property
    def label(self) -> str:
        return f"{round(self.low * 100)}–{round(self.high * 100)}%"


@dataclass
class Figures:
    people: int
    reviews: int
    mean: float | None
    histogram: list[Bucket]

    @property
    def peak(self) -> int:
        return max((bucket.count for bucket in self.histogram), default=0)


@dataclass
class ManagerFigures(Figures):
    manager_id: int = 0
    name: str = ""
    difference: float | None = None  # mean − the organisation's mean
    flag: str | None = None  # "above", "below" or None


@dataclass
class Calibration:
    cycle: Cycle | None
    cycle_ids: list[int]
    organisation: Figures
    stddev: float | None  # None while the organisation's figure is not shown
    managers: list[ManagerFigures] = field(default_factory=list)
    not_shown: int = 0  # managers with fewer than MIN_PEOPLE people
    people_without_manager: int = 0

    @property
    def shown(self) -> bool:
        return self.organisation.people >= MIN_PEOPLE

    @property
    def min_people(self) -> int:
        return MIN_PEOPLE


def _bucket_q(index: int) -> Q:
    low, high = index / BUCKETS, (index + 1) / BUCKETS
    return Q(score__gte=low) & (Q() if index == BUCKETS - 1 else Q(score__lt=high))


AGGREGATES = {
    "people": Count("goal__owner", distinct=True),
    "reviews": Count("pk"),
    "mean": Avg("score"),
    **{f"bucket_{i}": Count("pk", filter=_bucket_q(i)) for i in range(BUCKETS)},
}


def _histogram(row: dict) -> list[Bucket]:
    return [Bucket(i / BUCKETS, (i + 1) / BUCKETS, row[f"bucket_{i}"]) for i in range(BUCKETS)]


def calibration(cycle: Cycle | None = None) -> Calibration:
    """The calibration of `cycle`'s reviews (and those of the cycles inside it; without one, the active cycles)."""
    cycle_ids = cycles_in_scope(cycle)
    reviews = Review.objects.filter(goal__cycle_id__in=cycle_ids, goal__archived_at__isnull=True)
    org = reviews.aggregate(**AGGREGATES, stddev=StdDev("score"))
    organisation = Figures(org["people"], org["reviews"], org["mean"], _histogram(org))
    result = Calibration(cycle=cycle, cycle_ids=cycle_ids, organisation=organisation, stddev=org["stddev"])
    if not result.shown:
        organisation.mean, organisation.histogram, result.stddev = None, [], None
    groups = (
        reviews.values("goal__owner__manager", "goal__owner__manager__name", "goal__owner__manager__username")
        .annotate(**AGGREGATES)
        .order_by("goal__owner__manager__name", "goal__owner__manager__username", "goal__owner__manager")
    )
    for row in groups:
        if row["goal__owner__manager"] is None:
            result.people_without_manager = row["people"]
        elif row["people"] < MIN_PEOPLE or not result.shown:
            result.not_shown += 1
        else:
            result.managers.append(_manager(row, result))
    return result


def _manager(row: dict, result: Calibration) -> ManagerFigures:
    figures = ManagerFigures(
        people=row["people"],
        reviews=row["reviews"],
        mean=row["mean"],
        histogram=_histogram(row),
        manager_id=row["goal__owner__manager"],
        name=row["goal__owner__manager__name"] or row["goal__owner__manager__username"],
    )
    org_mean, spread = result.organisation.mean, result.stddev or 0.0
    figures.difference = figures.mean - org_mean
    if abs(figures.difference) > spread + 1e-9:
        figures.flag = "above" if figures.difference > 0 else "below"
    return figures
