"""Who may see and change what: one place, used by the API, the pages and the admin.

Roles (DESIGN.md, "Who uses it and for what" and "Whose words are whose"):

| role     | may see                                               | may change                                  |
| -------- | ----------------------------------------------------- | ------------------------------------------- |
| admin    | everything                                            | everything                                  |
| leader   | everything, drafts included                           | intents; any goal in their units' subtree   |
| manager  | the published cascade; personal goals of their reports| translational and operational goals of      |
|          | (directly or not)                                     | their units' subtree, their metrics and     |
|          |                                                       | check-ins                                   |
| employee | the published cascade (intent, translational,         | their own personal goals, their metrics and |
|          | operational); their own personal goals                | check-ins; check-ins on metrics they own    |
| hr       | everything published, without the private fields      | people, units and cycles; nothing in goals  |

Whatever the role:
- everyone sees and changes their own personal goals (drafts included) and sees every goal
  they own;
- whoever leads a unit or has reports acts as a manager: they see the published personal
  goals of their reports (directly or not) and of the people in the units they lead (their
  *manager chain* reaches those people), and they may change the translational and
  operational goals of the units they lead (and under them);
- a draft is seen only by its owner, leaders and admins;
- `why`, `identity` and `motivation` of a personal goal are private to its owner, their
  manager chain and admins.

"Their units' subtree" is, for a leader or a manager, the subtree of their own unit plus those
of the units they lead; for anyone else, the subtrees of the units they lead.

What a person's place in the organisation is (their reports, the units they lead) is
apps.org.permissions.Access; who may change the organisation is there too, and who may see
reports is apps.reports.permissions.

The same rules exist twice, as per-object checks (`can_view_goal`) and as a queryset filter
(`visible_goals_q`); tests hold the two to the same answers. Everything an actor's checks need
from the organisation (their reports, their units) is read once and kept on the actor object,
so a list costs the same few queries whatever its length.
"""

from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery

from apps.org import selectors as org
from apps.org.models import Person, Unit
from apps.org.permissions import Role, access_for

from .models import PRIVATE_FIELDS, Goal, GoalStatus, Layer, Metric

CASCADE_TEAM_LAYERS = (Layer.TRANSLATIONAL, Layer.OPERATIONAL)
CASCADE_LAYERS = (Layer.INTENT, *CASCADE_TEAM_LAYERS)  # every layer but personal
__all__ = ["PRIVATE_FIELDS"]


def _owner_unit_id(goal: Goal) -> int | None:
    """The unit of the goal's owner: from the `owner_unit_id` annotation when the query added it."""
    if "owner_unit_id" in goal.__dict__:
        return goal.__dict__["owner_unit_id"]
    return goal.owner.unit_id


# --- Goals -------------------------------------------------------------------------------


def visible_goals_q(person, prefix: str = "") -> Q:
    """The goals `person` may see, as a filter (`prefix` reaches goals from another model, e.g. "goal__").

    For admins and leaders this is the empty Q (everything): AND it with other filters; OR-ing an
    empty Q with another one gives just the other one.
    """
    access = access_for(person)
    if access is None:
        return Q(pk__in=[])
    if access.sees_everything:
        return Q()

    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    own = q(owner_id=person.pk)
    published = ~q(status=GoalStatus.DRAFT)
    if access.role == Role.HR:
        return own | published
    # Three arms, each one an index can serve (a query may pick any of them): one's own goals, the published cascade
    # (any layer but personal), and the published goals of the people in one's chain, by owner. Personal goals are
    # reached through their owner only, never by scanning every personal goal and testing it (the map's 40,000
    # unlinked personal goals at 100,000 people: see docs/benchmarks.md).
    return own | (published & q(layer__in=CASCADE_LAYERS)) | (published & _owned_in_chain(person, access, prefix))


def visible_personal_goals_q(person, prefix: str = "") -> Q:
    """Of the personal goals, those `person` may see, by owner alone: their own and the published ones of the people
    in their chain. AND it with visible_goals_q (or use it on personal goals only): an index on the owner serves
    every arm, where the layer test of visible_goals_q leaves the planner reading every personal goal of the query
    (the map's count of unlinked personal goals: 40,000 rows read for an employee's 1 at 100,000 people)."""
    access = access_for(person)
    if access is None:
        return Q(pk__in=[])
    if access.sees_everything:
        return Q()
    own = Q(**{f"{prefix}owner_id": person.pk})
    published = ~Q(**{f"{prefix}status": GoalStatus.DRAFT})
    if access.role == Role.HR:
        return own | published
    return own | (published & _owned_in_chain(person, access, prefix))


def _owned_in_chain(person, access, prefix: str) -> Q:
    """Goals owned by someone in `person`'s chain: their reports (directly or not) and the people of the units they
    lead, each looked up by owner (see OwnerAmong)."""
    owner = F(f"{prefix}owner_id")
    in_chain = Q(OwnerAmong(owner, org.reports_subquery(person)))
    if access.led_unit_ids:
        in_units = Person.objects.filter(unit_id__in=access.led_unit_ids).values("pk")
        in_chain |= Q(OwnerAmong(owner, Subquery(in_units)))
    return in_chain


class OwnerAmong(Func):
    """`column` is one of the ids the subquery answers. On PostgreSQL `column = ANY(ARRAY(subquery))`: the subquery
    runs once and its ids are looked up in the index on `column`, also as one arm of an OR (where `IN (subquery)`
    is a filter tested on every row the other arms let through); elsewhere `column IN (subquery)`."""

    output_field = BooleanField()
    conditional = True
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        (column, column_params), (subquery, subquery_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        operator = "= ANY(ARRAY{})" if connection.vendor == "postgresql" else "IN {}"
        return f"{column} {operator.format(subquery)}", (*column_params, *subquery_params)


def visible_goals(person, queryset: QuerySet[Goal] | None = None) -> QuerySet[Goal]:
    queryset = Goal.objects.all() if queryset is None else queryset
    return queryset.filter(visible_goals_q(person))


def can_view_goal(person, goal: Goal) -> bool:
    access = access_for(person)
    if access is None:
        return False
    if access.sees_everything or goal.owner_id == person.pk:
        return True
    if goal.status == GoalStatus.DRAFT:
        return False
    if access.role == Role.HR or goal.layer != Layer.PERSONAL:
        return True
    return access.manages(goal.owner_id, _owner_unit_id(goal))


def private_fields_visible(person, goal: Goal) -> bool:
    """Whether `person` may read `why`, `identity` and `motivation` of `goal` (always, unless it is personal)."""
    if goal.layer != Layer.PERSONAL:
        return True
    if not can_view_goal(person, goal):
        return False
    return owner_privacy_lifted(person, goal.owner_id, _owner_unit_id(goal))


def reflection_read_by_other(person, goal_layer: str, owner_id: int, values: dict) -> bool:
    """Whether showing this goal to `person` shows someone else's reflection (a read the owner is told of)."""
    if goal_layer != Layer.PERSONAL or owner_id == getattr(person, "pk", None):
        return False
    return any(values.get(name) not in (None, "") for name in PRIVATE_FIELDS)


def owner_privacy_lifted(person, owner_id: int, owner_unit_id: int | None) -> bool:
    """Whether `person` reads the private fields of the personal goals that `owner_id` (in `owner_unit_id`) owns:
    the owner, their manager chain and admins. For goals already known to be visible to `person`."""
    access = access_for(person)
    if access is None:
        return False
    return access.is_admin or in_owner_chain(person, owner_id, owner_unit_id)


def in_owner_chain(person, owner_id: int, owner_unit_id: int | None) -> bool:
    """Whether `person` is `owner_id` (in `owner_unit_id`) or in their manager chain: people above them through
    `manager` links and the leads of their unit and the units above it. Not admins, not HR as such."""
    access = access_for(person)
    if access is None:
        return False
    return owner_id == person.pk or access.manages(owner_id, owner_unit_id)


def checkin_reflection_visible(person, goal: Goal, author_id: int | None = None) -> bool:
    """Whether `person` reads the reflections ("what worked, what didn't") of check-ins on `goal`: the goal's owner
    and their manager chain, and a check-in's own author (DESIGN.md "Whose words are whose"). Admins and HR do not."""
    if author_id is not None and author_id == getattr(person, "pk", None):
        return True
    return can_view_goal(person, goal) and in_owner_chain(person, goal.owner_id, _owner_unit_id(goal))


def can_change_goal(person, goal: Goal) -> bool:
    """Update, move, archive or restore `goal` (and change its metrics)."""
    if not can_view_goal(person, goal):
        return False
    access = access_for(person)
    if access.is_admin:
        return True
    if goal.layer == Layer.PERSONAL and goal.owner_id == person.pk:
        return True
    if access.role == Role.LEADER and (goal.layer == Layer.INTENT or goal.unit_id in access.scope_unit_ids):
        return True
    return goal.layer in CASCADE_TEAM_LAYERS and goal.unit_id in access.scope_unit_ids


def can_create_goal(person, *, layer: str, unit: Unit | None, owner: Person | None, parent: Goal | None = None) -> bool:
    """Create a goal of `layer` for `unit`, owned by `owner`, under `parent`.

    Also the check for giving an existing goal another unit or owner: the actor must be
    allowed to create the goal as it would then stand.
    """
    access = access_for(person)
    if access is None:
        return False
    if parent is not None and not can_view_goal(person, parent):
        return False
    if access.is_admin:
        return True
    unit_id = unit.pk if unit is not None else None
    if layer == Layer.PERSONAL:
        is_own = owner is not None and owner.pk == person.pk
        return is_own or (access.role == Role.LEADER and unit_id in access.scope_unit_ids)
    if layer == Layer.INTENT:
        return access.role == Role.LEADER
    return unit_id in access.scope_unit_ids


# --- Metrics and check-ins ---------------------------------------------------------------


def visible_metrics_q(person) -> Q:
    return visible_goals_q(person, prefix="goal__")


def visible_metrics(person, queryset: QuerySet[Metric] | None = None) -> QuerySet[Metric]:
    queryset = Metric.objects.all() if queryset is None else queryset
    return queryset.filter(visible_metrics_q(person))


def can_change_metric(person, metric: Metric) -> bool:
    """Update or archive `metric`: whoever may change its goal."""
    return can_change_goal(person, metric.goal)


def can_create_metric(person, goal: Goal) -> bool:
    return can_change_goal(person, goal)


def can_record_goal_checkin(person, goal: Goal) -> bool:
    """A check-in on the goal itself: its owner, and whoever may change the goal."""
    return goal.owner_id == getattr(person, "pk", None) or can_change_goal(person, goal)


def can_record_checkin(person, metric: Metric) -> bool:
    """Whoever may change the metric, and the owner of its goal ("check-ins on metrics they own")."""
    return metric.goal.owner_id == getattr(person, "pk", None) or can_change_metric(person, metric)


# --- Links (apps.goals.links) --------------------------------------------------------------


def visible_links_q(person, prefix: str = "") -> Q:
    """The links `person` may see: both their goals visible to them."""
    return visible_goals_q(person, prefix=f"{prefix}source__") & visible_goals_q(person, prefix=f"{prefix}target__")


def can_change_link(person, *, source: Goal, target: Goal) -> bool:
    """Create, change or remove a link from `source` to `target`: whoever may change the source and may see the
    target (the link says something about the source's work; the target only receives it)."""
    return can_change_goal(person, source) and can_view_goal(person, target)
