"""What one alignment report covers: which cycles, which part of the organisation, and on which day.

- Cycles: one cycle and the cycles inside it; without one, every active cycle (and those inside).
- Organisation: everything, or one unit and every unit under it (a nested-set range, one join).
  People belong to the unit they are in; goals to the unit they are filed under.
- Goals: archived goals never count. Most figures are about *active* goals (status `active`),
  the ones still being worked on; `live_goals` (drafts and finished goals too) serves the
  figures that were defined on every goal in use (people without goals, goals per layer,
  motivation).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from apps.cycles.models import Cycle
from apps.cycles.selectors import cycle_subtree_ids
from apps.goals.models import Goal, GoalStatus
from apps.org.models import Person, Unit

# A part of the organisation with up to this many goals in use is small: reading its own goals through the unit index
# beats walking an index of the whole organisation's goals for the few that are its (apps.reports.selectors, copies).
SMALL_PART = 20_000


def cycles_in_scope(cycle: Cycle | None = None, cycles: list[Cycle] | None = None) -> list[int]:
    """The cycle and those inside it; without one, the active cycles and those inside them (`cycles`, when given,
    are all the cycles, already read)."""
    if cycle is not None:
        roots = [cycle.pk]
    elif cycles is not None:
        roots = [c.pk for c in cycles if c.status == Cycle.Status.ACTIVE]
    else:
        roots = Cycle.objects.filter(status=Cycle.Status.ACTIVE).values_list("pk", flat=True)
    return sorted(cycle_subtree_ids(roots))


def in_unit_subtree_q(unit: Unit | None, prefix: str = "unit__") -> Q:
    """`unit` and every unit under it, reached through `prefix` (an empty Q without a unit)."""
    if unit is None:
        return Q()
    return Q(**{f"{prefix}tree_id": unit.tree_id, f"{prefix}lft__gte": unit.lft, f"{prefix}rght__lte": unit.rght})


@dataclass
class Scope:
    cycle_ids: list[int]
    today: date
    unit: Unit | None = None
    cycles: list[Cycle] = field(default_factory=list)
    # Only the own figures of these units (None among them: people without a unit) — a refresh of stored figures.
    only_units: frozenset[int | None] | None = None

    @classmethod
    def build(cls, *, cycle: Cycle | None, today: date, unit: Unit | None = None) -> "Scope":
        every = list(Cycle.objects.all())  # cycles are few
        cycle_ids = cycles_in_scope(cycle, every)
        return cls(cycle_ids=cycle_ids, today=today, unit=unit, cycles=[c for c in every if c.pk in cycle_ids])

    def only_q(self, field: str) -> Q:
        """`field` (a unit id) is one of `only_units` (an empty Q without them)."""
        if self.only_units is None:
            return Q()
        q = Q(**{f"{field}__in": sorted(pk for pk in self.only_units if pk is not None)})
        return q | Q(**{f"{field}__isnull": True}) if None in self.only_units else q

    def live_goals(self) -> QuerySet[Goal]:
        """Goals in use (not archived) in these cycles, filed under a unit of the scope."""
        return Goal.objects.filter(
            in_unit_subtree_q(self.unit), self.only_q("unit_id"), cycle_id__in=self.cycle_ids, archived_at__isnull=True
        )

    def active_goals(self) -> QuerySet[Goal]:
        return self.live_goals().filter(status=GoalStatus.ACTIVE)

    def people(self) -> QuerySet[Person]:
        """Active people in a unit of the scope (everyone active, with or without a unit, org-wide)."""
        return Person.objects.filter(in_unit_subtree_q(self.unit), self.only_q("unit_id"), is_active=True)

    def units(self) -> QuerySet[Unit]:
        """The units of the scope, in tree order."""
        return Unit.objects.filter(in_unit_subtree_q(self.unit, prefix="")).order_by("tree_id", "lft")

    def owned_goals(self) -> QuerySet[Goal]:
        """Goals in use in these cycles wherever they are filed: what a person of the scope owns."""
        return Goal.objects.filter(cycle_id__in=self.cycle_ids, archived_at__isnull=True)
