"""Reads of goal templates and of what an assignment form offers, already filtered by what the actor may see."""

from django.db.models import Count, Prefetch, Q, QuerySet

from apps.goals import permissions as goal_permissions
from apps.goals.models import Goal
from apps.goals.rules import ALLOWED_PARENT_LAYERS
from apps.org.models import Unit

from . import permissions
from .models import GoalTemplate, TemplateMetric


def templates_in_use() -> QuerySet[GoalTemplate]:
    """The library: every template not archived (everyone signed in reads them), with its metrics (one more query)."""
    metrics = Prefetch("metrics", queryset=TemplateMetric.objects.order_by("id"))
    return GoalTemplate.objects.filter(archived_at__isnull=True).select_related("created_by").prefetch_related(metrics)


def templates_listed() -> QuerySet[GoalTemplate]:
    """The library page's rows: one query, the metrics counted."""
    return (
        GoalTemplate.objects.filter(archived_at__isnull=True)
        .select_related("created_by")
        .annotate(metric_count=Count("metrics"))
        .order_by("title", "id")
    )


def parent_candidates(person, template: GoalTemplate) -> QuerySet[Goal]:
    """Goals the template's goals may sit under: visible to `person`, in use, of a layer the cascade allows."""
    return (
        goal_permissions.visible_goals(person)
        .filter(layer__in=ALLOWED_PARENT_LAYERS[template.layer], archived_at__isnull=True)
        .select_related("parent")
        .order_by("tree_id", "lft")
    )


def assignable_units(person) -> QuerySet[Unit]:
    """The units whose people `person` may give goals to: the ones they lead and under them (admins: all)."""
    ids = permissions.assignable_unit_ids(person)
    units = Unit.objects.all() if ids is None else Unit.objects.filter(Q(pk__in=ids))
    return units.order_by("tree_id", "lft")
