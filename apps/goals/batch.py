"""Check-ins on many metrics and goals at once (the weekly check-in): all or nothing, one rollup.

Every item goes through the single check-in services (`checkin_record`, `goal_checkin_record`), so each rule
lives in one place; they run in one transaction, and what they mark stale is marked once at the end
(`dirty.deferred`): one outbox row per goal and one drain for the whole batch.

Errors name the item and the field. The order of the checks, and so which answer a mixed batch gets:
1. the list itself (empty, too long) and each item's shape (unknown fields, a metric or a goal, not both) — invalid;
2. references: an id the actor may not see (or that does not exist; the two are never told apart) — not found;
3. permission: a metric or goal the actor sees but may not check in on — forbidden;
4. the rules of the single services, for every item (all errors at once) — invalid, and nothing is written.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from apps.core.validation import MAX_ID
from apps.org.models import Person

from . import dirty, permissions, services
from .models import CheckIn, Goal, Metric, PendingRollup

MAX_ITEMS = 200
METRIC_FIELDS = {"metric", "value", "confidence", "note", "health", "reflection"}
GOAL_FIELDS = {"goal", "progress", "health", "confidence", "note", "reflection"}
INVALID, NOT_FOUND, FORBIDDEN = "invalid", "not_found", "forbidden"

ItemErrors = dict[str, list[str]]


@dataclass(eq=False)
class BatchRefused(Exception):
    """The batch was refused and nothing was written. `items` lines up with the request (`{}` for an item without
    a fault); `message` is about the whole list (empty, too long) or sums the faults up."""

    kind: str
    message: str = ""
    items: list[ItemErrors] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message or f"{sum(1 for item in self.items if item)} item(s) refused"


def checkins_record_batch(*, actor: Person, items: list[dict]) -> list[CheckIn]:
    """Record every check-in in `items`, or none: see the module's docstring. Returns them in the items' order.

    Items: `{"metric": id, "value", "confidence", "note"?, "health"?, "reflection"?}` or
    `{"goal": id, "progress"?, "health"?, "confidence", "note"?, "reflection"?}`.
    """
    _check_list(items)
    _refuse_if_any(INVALID, [_shape_errors(item) for item in items])
    _refuse_if_any(INVALID, _duplicate_errors(items))
    targets = _targets(actor, items)
    unseen = [{} if target else {_kind(item): ["Not found."]} for item, target in zip(items, targets, strict=True)]
    _refuse_if_any(NOT_FOUND, unseen)
    _refuse_if_any(FORBIDDEN, [_permission_errors(actor, target) for target in targets])
    return _record(actor, items, targets)


def pending_goal_ids(goal_ids) -> set[int]:
    """Which of these goals still wait for their rollup (a worker has not drained the outbox yet). One query."""
    return set(PendingRollup.objects.filter(goal_id__in=list(goal_ids)).values_list("goal_id", flat=True))


def _check_list(items) -> None:
    if not isinstance(items, list):
        raise BatchRefused(INVALID, "Send a list of check-ins.")
    if not items:
        raise BatchRefused(INVALID, "Send at least one check-in.")
    if len(items) > MAX_ITEMS:
        raise BatchRefused(INVALID, f"At most {MAX_ITEMS} check-ins at once, not {len(items)}: send them in parts.")


def _refuse_if_any(kind: str, errors: list[ItemErrors]) -> None:
    faults = sum(1 for error in errors if error)
    if not faults:
        return
    messages = {
        INVALID: f"{faults} check-in(s) could not be recorded: nothing was recorded.",
        NOT_FOUND: f"{faults} check-in(s) name a metric or goal that does not exist or that you may not see.",
        FORBIDDEN: f"You may not check in on {faults} of these metrics or goals: nothing was recorded.",
    }
    raise BatchRefused(kind, messages[kind], errors)


def _kind(item: dict) -> str:
    return "metric" if "metric" in item else "goal"


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _shape_errors(item) -> ItemErrors:
    if not isinstance(item, dict):
        return {NON_FIELD_ERRORS: ["Each check-in is an object with a metric or a goal."]}
    if ("metric" in item) == ("goal" in item):
        return {NON_FIELD_ERRORS: ["Name either a metric or a goal (not both)."]}
    kind = _kind(item)
    allowed = METRIC_FIELDS if kind == "metric" else GOAL_FIELDS
    errors = {name: [f"Not part of a check-in on a {kind}."] for name in sorted(set(item) - allowed, key=str)}
    if not _is_id(item[kind]):
        errors[kind] = [f"The id of a {kind}: a whole number from 1."]
    for name in ("confidence", "value") if kind == "metric" else ("confidence",):
        if name not in item:
            errors[name] = ["This field is required."]
    return errors


def _duplicate_errors(items: list[dict]) -> list[ItemErrors]:
    """A metric, or a goal itself, checked in on twice in one batch: which value would be the week's? Refused."""
    first: dict[tuple[str, int], int] = {}
    errors: list[ItemErrors] = []
    for index, item in enumerate(items):
        key = (_kind(item), item[_kind(item)])
        if key in first:
            errors.append({key[0]: [f"Already checked in on by item {first[key]} of this batch: once per batch."]})
        else:
            first[key] = index
            errors.append({})
    return errors


def _targets(actor: Person, items: list[dict]) -> list[Metric | Goal | None]:
    """Each item's metric or goal among those the actor may see, None where it sees none (two queries)."""
    metric_ids = [item["metric"] for item in items if "metric" in item]
    goal_ids = [item["goal"] for item in items if "goal" in item]
    metrics = {}
    if metric_ids:
        queryset = Metric.objects.filter(pk__in=metric_ids).select_related("goal__owner")
        metrics = {m.pk: m for m in permissions.visible_metrics(actor, queryset)}
    goals = {}
    if goal_ids:
        queryset = Goal.objects.filter(pk__in=goal_ids).select_related("owner")
        goals = {g.pk: g for g in permissions.visible_goals(actor, queryset)}
    return [metrics.get(item["metric"]) if "metric" in item else goals.get(item["goal"]) for item in items]


def _permission_errors(actor: Person, target: Metric | Goal) -> ItemErrors:
    if isinstance(target, Metric):
        if permissions.can_record_checkin(actor, target):
            return {}
        return {"metric": ["You may see this metric but not check in on it."]}
    if permissions.can_record_goal_checkin(actor, target):
        return {}
    return {"goal": ["You may see this goal but not check in on it."]}


def _record(actor: Person, items: list[dict], targets: list) -> list[CheckIn]:
    """Every item through its single service, in one transaction; a rule any item breaks undoes them all."""
    checkins: list[CheckIn] = []
    errors: list[ItemErrors] = []
    with transaction.atomic(), dirty.deferred():
        for item, target in zip(items, targets, strict=True):
            try:
                checkins.append(_record_one(actor, item, target))
                errors.append({})
            except ValidationError as exc:  # its own savepoint is undone; the other items still get checked
                errors.append(exc.message_dict)
        _refuse_if_any(INVALID, errors)  # raising here undoes the whole transaction, outbox rows included
    return checkins


def _record_one(actor: Person, item: dict, target: Metric | Goal) -> CheckIn:
    common = {
        "confidence": item["confidence"],
        "note": item.get("note", ""),
        "health": item.get("health") or "",
        "reflection": item.get("reflection", ""),
    }
    if isinstance(target, Metric):
        return services.checkin_record(actor=actor, metric=target, value=item["value"], **common)
    return services.goal_checkin_record(actor=actor, goal=target, progress=item.get("progress"), **common)
