"""The cascade: goals from strategic intent down to personal goals, with their metrics and check-ins.

Storage design (see docs/architecture.md, "Storing the cascade"): the cascade parent of every goal
is `parent`. Intent, translational and operational goals also form django-mptt trees through
`tree_parent` (always equal to `parent` for them), one tree per intent, so that a subtree
or a line of ancestors is one range query. Personal goals — the leaves, and by far the most
frequent inserts — are kept out of those trees: each is a one-node tree of its own
(`tree_parent` is null, a CHECK constraint says so), so creating or moving one never renumbers
a cascade. Their position in the cascade is `parent` alone, which is why MPTT's traversals
refuse on Goal: apps.goals.selectors.goal_subtree / goal_ancestors answer for every goal. That
`tree_parent` mirrors `parent` is kept by apps.goals.tree (MPTT's raw UPDATEs change one column
at a time, so no CHECK constraint can hold it mid-move) and verified by `manage.py check_tree`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Abs, Coalesce
from mptt.models import MPTTModel, TreeForeignKey

from .similarity import COPY_THRESHOLD


class Layer(models.TextChoices):
    INTENT = "intent", "Strategic intent"
    TRANSLATIONAL = "translational", "Translational goal"
    OPERATIONAL = "operational", "Operational goal"
    PERSONAL = "personal", "Personal goal"


class GoalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class ProgressSource(models.TextChoices):
    AUTO = "auto", "Automatic"
    METRICS = "metrics", "Metrics"
    CHILDREN = "children", "Children"
    MANUAL = "manual", "Manual"


class Health(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"


class Motivation(models.TextChoices):
    OWN = "own", "My own"
    EXPECTED = "expected", "Expected of me"
    PRESSURE = "pressure", "Pressure to deliver"


# A personal goal's reflection: the owner's own words (DESIGN.md "Whose words are whose").
PRIVATE_FIELDS = ("why", "identity", "motivation")


def _cascade_helper_instead(name: str, helper: str):
    def refuse(self, *args, **kwargs):
        raise TypeError(
            f"Goal.{name}() reads django-mptt's nested set, which leaves out personal goals (they hang off the "
            f"cascade by `parent` alone): use {helper}."
        )

    refuse.__name__ = name
    return refuse


# Goals still being worked on: the report's lists are of these (partial indexes below).
ACTIVE_IN_USE = models.Q(status=GoalStatus.ACTIVE, archived_at__isnull=True)


class Goal(MPTTModel):
    """One node of the cascade, in one cycle, owned by a person, for a unit."""

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    why = models.TextField(blank=True, help_text="Why this goal matters. Private on personal goals.")
    layer = models.CharField(max_length=16, choices=Layer.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", db_index=True
    )
    tree_parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="tree_children", editable=False
    )
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.PROTECT, related_name="goals")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="goals")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="goals")
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])
    status = models.CharField(max_length=16, choices=GoalStatus.choices, default=GoalStatus.DRAFT)
    progress_source = models.CharField(max_length=16, choices=ProgressSource.choices, default=ProgressSource.AUTO)
    manual_progress = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    # Stored figures, written only by apps.goals.rollup.
    progress = models.FloatField(default=0.0, editable=False)
    measured_progress = models.FloatField(null=True, blank=True, editable=False)
    rollup_progress = models.FloatField(null=True, blank=True, editable=False)
    # Health an owner set in their latest check-in; null means "computed".
    health_override = models.CharField(max_length=16, choices=Health.choices, blank=True, default="")
    last_checkin_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Written by apps.goals.rollup: the latest check-in on the goal or, for a goal without metrics of its own, on any
    # goal below it (DESIGN.md "Progress": as fresh as its freshest child or its own latest check-in).
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)
    # apps.goals.similarity.copy_score of the title against the parent's (null without a parent): written when the
    # title, the parent or the parent's title changes, read by the alignment report's "copied, not translated".
    copy_score = models.FloatField(null=True, blank=True, editable=False)
    # Personal goals only: who the owner wants to become through it, and where it comes from.
    identity = models.TextField(blank=True)
    motivation = models.CharField(max_length=16, choices=Motivation.choices, blank=True, default="")
    archived_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # Set by a carry-over (apps.goals.carryover): the goal of an earlier cycle this one continues.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_into", editable=False
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class MPTTMeta:
        parent_attr = "tree_parent"

    class Meta:
        indexes = [
            models.Index(fields=("cycle", "layer")),
            models.Index(fields=("owner", "cycle")),
            models.Index(fields=("unit", "cycle")),
            # The report's copies, listed in parent order: few goals are copies, so a partial index finds them.
            models.Index(
                fields=("parent", "id"), condition=models.Q(copy_score__gte=COPY_THRESHOLD), name="goal_copies"
            ),
            # The report's sorted lists of active goals (apps.reports.selectors), read in order and cut after their
            # first rows instead of sorting half a million goals: the quietest first, the least progress first (off
            # track, then at risk), the widest alignment gap first.
            models.Index(
                Coalesce("last_activity_at", "created"), "id", condition=ACTIVE_IN_USE, name="goal_active_quietest"
            ),
            models.Index("progress", "id", condition=ACTIVE_IN_USE, name="goal_active_progress"),
            # ... and the few whose owner set their health (a goal they say is off track is off track), per unit.
            models.Index(
                fields=("health_override", "unit"),
                condition=ACTIVE_IN_USE & models.Q(health_override__in=Health.values),
                name="goal_active_health_said",
            ),
            models.Index(
                Abs(F("measured_progress") - F("rollup_progress")).desc(),
                "id",
                condition=ACTIVE_IN_USE,
                name="goal_active_widest_gap",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="goal_weight_not_negative"),
            models.CheckConstraint(
                condition=models.Q(manual_progress__isnull=True)
                | models.Q(manual_progress__gte=0, manual_progress__lte=1),
                name="goal_manual_progress_in_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(layer=Layer.INTENT, parent__isnull=True)
                | models.Q(layer=Layer.PERSONAL)
                | models.Q(layer__in=(Layer.TRANSLATIONAL, Layer.OPERATIONAL), parent__isnull=False),
                name="goal_layer_has_parent_as_required",
            ),
            models.CheckConstraint(
                condition=~models.Q(layer=Layer.PERSONAL) | models.Q(tree_parent__isnull=True),
                name="goal_personal_outside_the_nested_set",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # The two-parent design: django-mptt's traversals read the nested set, which holds the intent,
    # translational and operational goals only, so they would silently leave out the personal goals
    # hanging off it. They refuse, naming the helper that answers for every goal. (The nested-set
    # internals MPTT needs for its own writes — is_root_node, get_descendant_count… — stay.)
    get_ancestors = _cascade_helper_instead("get_ancestors", "apps.goals.selectors.goal_ancestors(goal)")
    get_root = _cascade_helper_instead("get_root", "apps.goals.selectors.goal_ancestors(goal).first()")
    get_descendants = _cascade_helper_instead("get_descendants", "apps.goals.selectors.goal_subtree(goal)")
    get_leafnodes = _cascade_helper_instead("get_leafnodes", "apps.goals.selectors.goal_subtree(goal)")
    get_children = _cascade_helper_instead("get_children", "goal.children (the cascade parent's reverse link)")
    get_family = _cascade_helper_instead("get_family", "goal_ancestors(goal) and goal_subtree(goal)")
    get_siblings = _cascade_helper_instead("get_siblings", "goal.parent.children")
    is_descendant_of = _cascade_helper_instead("is_descendant_of", "apps.goals.selectors.goal_subtree(other)")
    is_ancestor_of = _cascade_helper_instead("is_ancestor_of", "apps.goals.selectors.goal_subtree(goal)")

    @property
    def is_personal(self) -> bool:
        return self.layer == Layer.PERSONAL

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def alignment_gap(self) -> float | None:
        """measured − rolled-up: positive when the outcome runs ahead of the work below."""
        if self.measured_progress is None or self.rollup_progress is None:
            return None
        return self.measured_progress - self.rollup_progress


class Metric(models.Model):
    """A key result of a goal: start, target and current value, a unit and a weight."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        NUMBER = "number", "Number"
        CURRENCY = "currency", "Currency"

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="metrics")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=16, choices=Unit.choices, default=Unit.NUMBER)
    # How a value reads on pages: a currency ("$", "€", "USD") goes before the amount, anything else after it.
    display_unit = models.CharField(
        max_length=16, blank=True, default="", help_text='Shown with the values: "$", "€", "USD", "days", "people"…'
    )
    start = models.DecimalField(max_digits=20, decimal_places=4)
    target = models.DecimalField(max_digits=20, decimal_places=4)
    current = models.DecimalField(max_digits=20, decimal_places=4)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])
    # Derived from start/target/current by apps.goals.services; stored for queries.
    progress = models.FloatField(default=0.0, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "metrics_metric"  # the table of the former `metrics` app, kept as it was
        ordering = ("goal", "id")
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="metric_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """A dated update of a metric's value, or a check-in on the goal itself (its health, confidence and, where it is
    entered by hand, its progress), kept as history."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="checkins")
    metric = models.ForeignKey(Metric, null=True, blank=True, on_delete=models.PROTECT, related_name="checkins")
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    # A check-in on the goal itself may enter its progress, where that is entered by hand.
    progress = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    confidence = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    note = models.TextField(blank=True)
    # "What worked, what didn't": the author's and the goal owner's words, read by the owner's manager chain only.
    reflection = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, blank=True, default="")
    health = models.CharField(max_length=16, blank=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkins")
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "metrics_checkin"  # the table of the former `metrics` app, kept as it was
        ordering = ("-created", "-id")
        indexes = [models.Index(fields=("metric", "-created")), models.Index(fields=("goal", "-created"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0, confidence__lte=10), name="checkin_confidence_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.metric or self.goal} at {self.created:%Y-%m-%d}"

    @property
    def health_label(self) -> str:
        return Health(self.health).label if self.health else ""


class PendingRollup(models.Model):
    """The rollup's outbox: a goal whose figures a write made stale, recorded in that write's transaction.

    apps.goals.dirty drains it (the goal and its ancestors are recomputed, then the row is deleted in the
    same transaction), so a committed change can never lose its rollup, whatever process or service dies.
    One row per change, not per goal: writers only ever insert, so they never wait on a drain.
    """

    # A marker, not a relation: no foreign key, so an insert never locks the goal's row.
    goal_id = models.BigIntegerField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"Goal #{self.goal_id} to roll up"


class ReflectionRead(models.Model):
    """Someone other than its owner read a personal goal's private reflection (why, identity, motivation).

    The owner sees who read it, where and when (DESIGN.md "Whose words are whose"). Reads by one reader of one
    goal through one channel within the same hour are one row: `read_at` is the first of them.
    """

    class Channel(models.TextChoices):
        API = "api", "API"
        PAGE = "page", "Goal page"
        ADMIN = "admin", "Django admin"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reflection_reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    hour = models.DateTimeField(help_text="The hour of the read: repeat reads within it are one row.")
    read_at = models.DateTimeField()

    class Meta:
        ordering = ("-read_at", "-id")
        indexes = [models.Index(fields=("goal", "-read_at"))]
        constraints = [
            models.UniqueConstraint(fields=("goal", "reader", "channel", "hour"), name="reflection_read_once_an_hour")
        ]

    def __str__(self) -> str:
        return f"{self.reader} read the reflection of goal #{self.goal_id} ({self.channel})"


class GoalComment(models.Model):
    """A comment on a goal, seen by whoever may see the goal; `@username` in it mentions (and notifies) a person.

    Comments are a conversation's record: they are never edited or deleted by the services (apps.goals.comments).
    `mentions` holds the people the text names who may see the goal; nobody else is stored, shown or told.
    """

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="goal_comments")
    body = models.TextField()
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="goal_mentions")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created", "id")
        indexes = [models.Index(fields=("goal", "created"))]

    def __str__(self) -> str:
        return f"Comment by {self.author} on goal #{self.goal_id}"


class GoalLink(models.Model):
    """A secondary tie between two goals beside the cascade parent (DESIGN.md "Link").

    `contributes` counts the source's progress in the target's rollup with `weight`, beside the target's children;
    `supports` is shown, never counted. The rules (no self, no ancestor or descendant, no loop through other links,
    one link per pair) live in apps.goals.links, the only writer.
    """

    class Kind(models.TextChoices):
        CONTRIBUTES = "contributes", "Contributes to"
        SUPPORTS = "supports", "Supports"

    source = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="links_out")
    target = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("source", "id")
        indexes = [models.Index(fields=("target", "kind"))]
        constraints = [
            models.UniqueConstraint(fields=("source", "target"), name="goal_link_one_per_pair"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="goal_link_not_to_itself"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="goal_link_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Goal #{self.source_id} {self.kind} goal #{self.target_id}"
