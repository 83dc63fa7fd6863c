"""Planning periods."""

from django.core.exceptions import ValidationError
from django.db import models


class Cycle(models.Model):
    """A planning period (FY2027, 2027-Q1). A quarter may sit inside a year (its parent)."""

    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=100, unique=True)
    start = models.DateField()
    end = models.DateField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNING)

    class Meta:
        ordering = ("start", "name")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="cycle_end_not_before_start"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The end of a cycle cannot be before its start."})
        if self.parent_id and self.start and self.end:
            parent = self.parent
            if self.start < parent.start or self.end > parent.end:
                raise ValidationError(
                    {"parent": f"A cycle must lie within its parent cycle {parent} ({parent.start} – {parent.end})."}
                )
            if parent.pk == self.pk or self.pk in set(parent.lineage_ids()):
                raise ValidationError({"parent": "A cycle cannot sit inside itself."})

    def lineage_ids(self) -> list[int]:
        """This cycle's id and those of the cycles containing it, innermost first."""
        ids, cycle = [], self
        while cycle is not None and cycle.pk not in ids:
            ids.append(cycle.pk)
            cycle = cycle.parent
        return ids

    def contains(self, other: "Cycle") -> bool:
        """True when `other` is this cycle or sits inside it."""
        return self.pk in other.lineage_ids()
