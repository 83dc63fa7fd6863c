"""Writes to goal templates, and their assignment to many people and units at once.

Every change is in the history (apps.core.history). A template never carries a personal goal's reflection (why,
identity, motivation: DESIGN.md "Whose words are whose"). Assigning creates one goal per recipient under one parent,
through the cascade rules, in one transaction: all of them or none.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.history import diff, record_change, snapshot
from apps.core.models import ObjectChange
from apps.core.validation import MAX_ID, MAX_NAME_LENGTH, check_choice, check_text
from apps.cycles.models import Cycle
from apps.goals import bulk_create, dirty, rules
from apps.goals import services as goal_services
from apps.goals.models import Goal, GoalStatus, Layer
from apps.notifications import services as notifications
from apps.org.models import Person, Unit

from . import permissions
from .models import GoalTemplate, TemplateMetric

# Recipients of one assignment (people and units together), and the most metrics a template carries.
MAX_RECIPIENTS = 5_000
MAX_METRICS = 20
# How many refused ids an error names before "and N more".
MAX_NAMED_IDS = 20
TEMPLATE_LAYERS = (Layer.TRANSLATIONAL, Layer.OPERATIONAL, Layer.PERSONAL)
METRIC_KEYS = ("name", "unit", "display_unit", "start", "target", "weight")
DISPLAY_UNIT_LENGTH = TemplateMetric._meta.get_field("display_unit").max_length
HISTORY_FIELDS = ("title", "description", "why", "layer")
# Goals made from a template are published (active): the person who assigned them, the owner and the owner's chain
# see them at once (a draft is seen only by its owner, leaders and admins).
ASSIGNED_STATUS = GoalStatus.ACTIVE


@dataclass(frozen=True)
class MetricSpec:
    name: str
    unit: str
    display_unit: str
    start: Decimal
    target: Decimal
    weight: float


# --- Checks ------------------------------------------------------------------------------------


def _check_title(title) -> str:
    if not isinstance(title, str) or not title.strip():
        raise ValidationError({"title": "A template needs a title."})
    return check_text(title, "title", MAX_NAME_LENGTH).strip()


def _check_layer(layer) -> str:
    if not isinstance(layer, str):
        raise ValidationError({"layer": "Choose a layer."})
    check_choice(layer, Layer, "layer")
    if layer == Layer.INTENT:
        raise ValidationError(
            {"layer": "A strategic intent is a root of the cascade: a template is assigned under a parent goal."}
        )
    return layer


def _check_why(why, layer: str) -> str:
    why = check_text(why, "why")
    if layer == Layer.PERSONAL and why.strip():
        raise ValidationError(
            {"why": "A personal goal's why is its owner's own words: a personal-layer template carries none."}
        )
    return why


def _metric_spec(index: int, item) -> MetricSpec:
    where = f"Metric {index + 1}"
    if not isinstance(item, dict):
        raise ValidationError({"metrics": f"{where}: give an object with name, start and target."})
    unknown = sorted(set(item) - set(METRIC_KEYS))
    if unknown:
        raise ValidationError({"metrics": f"{where}: unknown field(s) {', '.join(map(str, unknown))}."})
    try:
        checked = goal_services.metric_input_check(item)
    except ValidationError as exc:
        messages = "; ".join(f"{field}: {' '.join(text)}" for field, text in exc.message_dict.items())
        raise ValidationError({"metrics": f"{where}: {messages}"}) from None
    return MetricSpec(**checked)


def check_metrics(metrics) -> list[MetricSpec]:
    """The metrics of a template: a list of at most MAX_METRICS objects {name, unit?, display_unit?, start, target,
    weight?}, each checked like apps.goals.services.metric_create checks a metric."""
    if metrics is None:
        return []
    if not isinstance(metrics, list | tuple):
        raise ValidationError({"metrics": "Give a list of metrics."})
    if len(metrics) > MAX_METRICS:
        raise ValidationError({"metrics": f"A template has at most {MAX_METRICS} metrics, not {len(metrics)}."})
    return [_metric_spec(index, item) for index, item in enumerate(metrics)]


def _specs_of(metrics) -> list[MetricSpec]:
    """Specs from dicts (a client's input) or from saved TemplateMetric rows."""
    if metrics and isinstance(metrics[0], TemplateMetric):
        return [MetricSpec(m.name, m.unit, m.display_unit, m.start, m.target, m.weight) for m in metrics]
    return check_metrics(metrics)


def _save_metrics(template: GoalTemplate, specs: list[MetricSpec]) -> None:
    TemplateMetric.objects.bulk_create(
        [
            TemplateMetric(
                template=template,
                name=spec.name,
                unit=spec.unit,
                display_unit=spec.display_unit,
                start=spec.start,
                target=spec.target,
                weight=spec.weight,
            )
            for spec in specs
        ]
    )


def _metrics_record(specs: list[MetricSpec]) -> list[dict]:
    """How the metrics read in the history."""
    return [
        {
            "name": s.name,
            "unit": s.unit,
            "display_unit": s.display_unit,
            "start": str(s.start),
            "target": str(s.target),
            "weight": s.weight,
        }
        for s in specs
    ]


def _check_open(template: GoalTemplate) -> None:
    if template.archived_at is not None:
        raise ValidationError({"template": "This template is archived: it can no longer be changed or assigned."})


# --- Templates ---------------------------------------------------------------------------------


@transaction.atomic
def template_create(
    *, actor: Person | None, title: str, layer: str, description: str = "", why: str = "", metrics=()
) -> GoalTemplate:
    if actor is not None and not permissions.can_create_template(actor):
        raise PermissionDenied("Templates are made by admins, leaders and whoever leads a unit or has reports.")
    layer = _check_layer(layer)
    template = GoalTemplate(
        title=_check_title(title),
        description=check_text(description, "description"),
        why=_check_why(why, layer),
        layer=layer,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    specs = _specs_of(list(metrics or ()))
    template.save()
    _save_metrics(template, specs)
    changes = diff({}, snapshot(template, HISTORY_FIELDS))
    changes["metrics"] = [None, _metrics_record(specs)]
    record_change(actor=actor, obj=template, action=ObjectChange.Action.CREATE, changes=changes)
    return template


@transaction.atomic
def template_from_goal(*, actor: Person | None, goal: Goal, title: str | None = None) -> GoalTemplate:
    """Save a goal with its metrics in use as a template: its title, description, layer and metrics — and its why
    outside the personal layer; never a personal goal's reflection (why, identity, motivation)."""
    if actor is not None and not permissions.can_save_goal_as_template(actor, goal):
        raise PermissionDenied("You may not save this goal as a template.")
    if goal.layer == Layer.INTENT:
        raise ValidationError(
            {"goal": "A strategic intent is a root of the cascade: save a translational, operational or personal goal."}
        )
    metrics = list(goal.metrics.filter(archived_at__isnull=True).order_by("id"))
    specs = [MetricSpec(m.name, m.unit, m.display_unit, m.start, m.target, m.weight) for m in metrics]
    return template_create(
        actor=actor,
        title=goal.title if title is None else title,
        layer=goal.layer,
        description=goal.description,
        why="" if goal.layer == Layer.PERSONAL else goal.why,
        metrics=[spec.__dict__ for spec in specs],
    )


@transaction.atomic
def template_update(*, actor: Person | None, template: GoalTemplate, **fields) -> GoalTemplate:
    """Change a template's title, description, why, layer or metrics (a list replaces them all)."""
    if actor is not None and not permissions.can_change_template(actor, template):
        raise PermissionDenied("Only a template's author and admins change it.")
    _check_open(template)
    unknown = sorted(set(fields) - {*HISTORY_FIELDS, "metrics"})
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    layer = _check_layer(fields["layer"]) if "layer" in fields else template.layer
    values = {}
    if "title" in fields:
        values["title"] = _check_title(fields["title"])
    if "description" in fields:
        values["description"] = check_text(fields["description"], "description")
    if "why" in fields or "layer" in fields:
        values["why"] = _check_why(fields.get("why", template.why), layer)
    values["layer"] = layer
    before = snapshot(template, values)
    for name, value in values.items():
        setattr(template, name, value)
    changes = diff(before, snapshot(template, values))
    if "metrics" in fields:
        specs = check_metrics(fields["metrics"])
        old = _metrics_record(_specs_of(list(template.metrics.all())))
        new = _metrics_record(specs)
        if old != new:
            template.metrics.all().delete()
            _save_metrics(template, specs)
            changes["metrics"] = [old, new]
    if changes:
        template.save()
        record_change(actor=actor, obj=template, action=ObjectChange.Action.UPDATE, changes=changes)
    return template


@transaction.atomic
def template_archive(*, actor: Person | None, template: GoalTemplate) -> GoalTemplate:
    """Deleting a template archives it: it leaves the library; the goals made from it stay as they are."""
    if actor is not None and not permissions.can_change_template(actor, template):
        raise PermissionDenied("Only a template's author and admins archive it.")
    if template.archived_at is None:
        template.archived_at = timezone.now()
        template.save(update_fields=["archived_at", "updated"])
        record_change(actor=actor, obj=template, action=ObjectChange.Action.ARCHIVE)
    return template


# --- Assignment --------------------------------------------------------------------------------


def _ids(values: Iterable, field: str) -> list[int]:
    """Distinct ids, in the order given: objects give their pk; anything that is not a positive id is refused."""
    if isinstance(values, str | bytes | dict) or values is None:
        raise ValidationError({field: "Give a list of ids."})
    seen: dict[int, None] = {}
    for value in values:
        pk = getattr(value, "pk", value)
        if isinstance(pk, bool) or not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
            raise ValidationError({field: f"{pk!r} is not an id."})
        seen[pk] = None
    if len(seen) > MAX_RECIPIENTS:
        raise ValidationError({field: f"At most {MAX_RECIPIENTS:,} recipients in one assignment, not {len(seen):,}."})
    return list(seen)


def _named(ids: Sequence[int]) -> str:
    shown = ", ".join(str(pk) for pk in ids[:MAX_NAMED_IDS])
    more = len(ids) - MAX_NAMED_IDS
    return shown + (f" and {more:,} more" if more > 0 else "")


def _people(ids: list[int]) -> list[Person]:
    found = {p.pk: p for p in Person.objects.filter(pk__in=ids, is_active=True).select_related("unit")}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"people": f"Unknown or inactive people (ids {_named(missing)})."})
    people = [found[pk] for pk in ids]
    unplaced = [p.pk for p in people if p.unit_id is None]
    if unplaced:
        raise ValidationError(
            {"people": f"These people belong to no unit, so a goal has none (ids {_named(unplaced)})."}
        )
    return people


def _units(ids: list[int]) -> list[Unit]:
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids).select_related("lead")}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"units": f"Unknown units (ids {_named(missing)})."})
    units = [found[pk] for pk in ids]
    leaderless = [u for u in units if u.lead is None or not u.lead.is_active]
    if leaderless:
        names = ", ".join(f"{u.name} (id {u.pk})" for u in leaderless[:MAX_NAMED_IDS])
        raise ValidationError({"units": f"A unit's goal is owned by its lead; these units have none: {names}."})
    return units


def _check_allowed(actor, people: list[Person], units: list[Unit]) -> None:
    if actor is None:
        return
    if not permissions.can_assign_templates(actor):
        raise PermissionDenied("Templates are assigned by admins, leaders and whoever leads a unit or has reports.")
    refused = permissions.people_refused(actor, people)
    if refused:
        raise PermissionDenied(f"You assign goals only to people in your manager chain: not ids {_named(refused)}.")
    refused = permissions.units_refused(actor, units)
    if refused:
        raise PermissionDenied(
            f"You assign goals only to the units you lead and those under them: not {_named(refused)}."
        )


@dataclass(frozen=True)
class Recipient:
    owner: Person
    unit: Unit


def _recipients(people: list[Person], units: list[Unit]) -> list[Recipient]:
    """One goal per person (for their unit) and per unit (for its lead); the same owner and unit only once."""
    out: dict[tuple[int, int], Recipient] = {}
    for person in people:
        out.setdefault((person.pk, person.unit_id), Recipient(person, person.unit))
    for unit in units:
        out.setdefault((unit.lead_id, unit.pk), Recipient(unit.lead, unit))
    return list(out.values())


@transaction.atomic
def template_assign(
    *,
    actor: Person | None,
    template: GoalTemplate,
    people: Iterable = (),
    units: Iterable = (),
    parent: Goal | None = None,
    cycle: Cycle | None = None,
) -> list[Goal]:
    """A goal from `template` for each person (owned by them, for their unit) and each unit (owned by its lead),
    under `parent` in `cycle` (default: the parent's), all or none. Returns the goals, in the order of the lists."""
    _check_open(template)
    person_ids, unit_ids = _ids(people, "people"), _ids(units, "units")
    if not person_ids and not unit_ids:
        raise ValidationError({"people": "Choose at least one person or unit to assign the template to."})
    if len(person_ids) + len(unit_ids) > MAX_RECIPIENTS:
        raise ValidationError(
            {"non_field_errors": f"At most {MAX_RECIPIENTS:,} recipients (people and units) in one assignment."}
        )
    if cycle is None:
        if parent is None:
            raise ValidationError({"cycle": "Choose the cycle the goals run in."})
        cycle = parent.cycle
    if cycle.status == Cycle.Status.CLOSED:
        raise ValidationError({"cycle": f"{cycle} is closed: assign the template in a cycle that is still open."})
    rules.check_placement(layer=template.layer, parent=parent, cycle=cycle)
    chosen_people, chosen_units = _people(person_ids), _units(unit_ids)
    _check_allowed(actor, chosen_people, chosen_units)
    recipients = _recipients(chosen_people, chosen_units)
    specs = _specs_of(list(template.metrics.all()))
    with dirty.deferred():
        goals = create_goals(
            actor=actor, template=template, specs=specs, recipients=recipients, parent=parent, cycle=cycle
        )
    _notify(actor, goals)
    return goals


def create_goals_one_by_one(*, actor, template, specs, recipients, parent, cycle) -> list[Goal]:
    """One goal per recipient through apps.goals.services, with the template's metrics: the reference the bulk path
    is tested against, and the baseline of bench/template_assign.py."""
    goals = []
    why = "" if template.layer == Layer.PERSONAL else template.why
    for recipient in recipients:
        goal = goal_services.goal_create(
            actor=actor,
            title=template.title,
            layer=template.layer,
            cycle=cycle,
            unit=recipient.unit,
            owner=recipient.owner,
            parent=parent,
            description=template.description,
            why=why,
            status=ASSIGNED_STATUS,
        )
        for spec in specs:
            goal_services.metric_create(
                actor=actor,
                goal=goal,
                name=spec.name,
                start=spec.start,
                target=spec.target,
                unit=spec.unit,
                weight=spec.weight,
                display_unit=spec.display_unit,
            )
        goals.append(goal)
    return goals


def create_goals_in_bulk(*, actor, template, specs, recipients, parent, cycle) -> list[Goal]:
    """The same goals as create_goals_one_by_one, a few statements for all of them (apps.goals.bulk_create)."""
    return bulk_create.goals_create_bulk(
        actor=actor,
        title=template.title,
        layer=template.layer,
        cycle=cycle,
        owners=[(recipient.owner, recipient.unit) for recipient in recipients],
        parent=parent,
        description=template.description,
        why="" if template.layer == Layer.PERSONAL else template.why,
        status=ASSIGNED_STATUS,
        metrics=[bulk_create.NewMetric(**spec.__dict__) for spec in specs],
    )


# What template_assign uses (bench/template_assign.py swaps in the baseline to compare).
create_goals = create_goals_in_bulk


def _notify(actor, goals: list[Goal]) -> None:
    """Each owner hears once that they were given a goal (not for goals one gives oneself)."""
    if actor is None:
        return
    items = [
        notifications.Item(
            person_id=goal.owner_id,
            kind=notifications.Kind.GOAL_CHANGED,
            text=f"{actor} gave you the goal “{goal.title}”.",
            key=f"template_assigned:{goal.pk}",
            url=notifications.goal_path(goal.pk),
            goal_id=goal.pk,
        )
        for goal in goals
        if goal.owner_id != actor.pk
    ]
    notifications.notify_many(items)
