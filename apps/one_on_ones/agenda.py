"""The prepared agenda of a series' next meeting (issue 13 part 1), computed on read, never stored: what the report's
goals say (off track, at risk, stale, newly achieved), their latest check-ins and confidence, the open action items
that carry over, and — on each personal goal whose reflection the viewer may read — the "why before what" questions
with the person's own answers. Health and staleness come from apps.goals (one place for the rules).

What the viewer sees is what they may see anyway: the goals through apps.goals.permissions, the reflection only for
the owner and their manager chain. The caller records reflection reads (`reflection_goal_ids`), as goal pages do.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps as django_apps
from django.conf import settings
from django.utils import timezone

from apps.goals import selectors as goal_selectors
from apps.goals.models import CheckIn, Goal, GoalStatus, Health, Layer
from apps.goals.permissions import private_fields_visible, visible_goals
from apps.goals.progress import is_stale

from .models import ActionItem, Series
from .selectors import open_action_items

WHY_QUESTIONS = (
    ("why", "Why does this goal matter to you?"),
    ("identity", "Who do you want to become through it?"),
    ("strengths", "What strengths does it let you use?"),
    ("motivation", "Is this goal your own, expected of you, or pressure?"),
)
RECENT_CHECKINS = 5


@dataclass(frozen=True)
class GoalPoint:
    goal: Goal
    reason: str  # off_track, at_risk, stale, achieved


@dataclass(frozen=True)
class WhyPoint:
    goal: Goal
    answers: list[tuple[str, str]]  # (question, the person's own answer or "")


@dataclass
class Agenda:
    series: Series
    on: date
    goals: list[GoalPoint] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    why: list[WhyPoint] = field(default_factory=list)
    reflections: list[CheckIn] = field(default_factory=list)
    reflection_goal_ids: list[int] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)  # set by callers for the manager: see coaching_advice

    @property
    def latest_confidence(self) -> int | None:
        return self.checkins[0].confidence if self.checkins else None


def prepare(series: Series, viewer, today: date | None = None) -> Agenda:
    """The agenda of the series' next meeting as `viewer` (one of the two) may see it."""
    today = today or timezone.localdate()
    agenda = Agenda(series=series, on=series.next_on)
    goals = _report_goals(series, viewer)
    since = series.next_on - timedelta(days=series.cadence_days)
    agenda.goals = [point for goal in goals if (point := _goal_point(goal, today, since))]
    agenda.checkins = _latest_checkins(goals)
    agenda.action_items = list(open_action_items(series))
    strengths = ", ".join(_profile(series.report, viewer).get("strengths") or [])
    agenda.why = [point for goal in goals if (point := _why_point(goal, viewer, strengths))]
    agenda.reflection_goal_ids = [p.goal.pk for p in agenda.why if viewer.pk != p.goal.owner_id and _answered(p)]
    agenda.reflections = _reflections(viewer, series.report)
    return agenda


def _report_goals(series: Series, viewer) -> list[Goal]:
    """The report's goals in use that the viewer may see (one query)."""
    queryset = Goal.objects.filter(owner_id=series.report_id, archived_at__isnull=True).exclude(
        status__in=(GoalStatus.DRAFT, GoalStatus.CANCELLED)
    )
    return list(
        visible_goals(viewer, queryset).select_related("cycle", "owner").order_by("cycle__start", "layer", "title")
    )


def _goal_point(goal: Goal, today: date, since: date) -> GoalPoint | None:
    if goal.status == GoalStatus.ACHIEVED:
        return GoalPoint(goal, "achieved") if timezone.localtime(goal.updated).date() >= since else None
    health = goal_selectors.goal_health(goal, today)
    if health == Health.OFF_TRACK:
        return GoalPoint(goal, "off_track")
    if health is None or goal.status != GoalStatus.ACTIVE:
        return None
    if is_stale(goal.last_activity_at or goal.created, today, settings.STALE_AFTER_DAYS, goal.cycle.start):
        return GoalPoint(goal, "stale")
    return GoalPoint(goal, "at_risk") if health == Health.AT_RISK else None


def _latest_checkins(goals: list[Goal]) -> list[CheckIn]:
    if not goals:
        return []
    checkins = CheckIn.objects.filter(goal__in=[goal.pk for goal in goals]).select_related("goal", "metric")
    return list(checkins.order_by("-created", "-id")[:RECENT_CHECKINS])


def _why_point(goal: Goal, viewer, strengths: str) -> WhyPoint | None:
    if goal.layer != Layer.PERSONAL or goal.status != GoalStatus.ACTIVE or not private_fields_visible(viewer, goal):
        return None
    answers = {
        "why": goal.why,
        "identity": goal.identity,
        "strengths": strengths,  # from their coaching profile: a goal does not ask it of its own
        "motivation": goal.get_motivation_display() if goal.motivation else "",
    }
    return WhyPoint(goal, [(question, answers[name]) for name, question in WHY_QUESTIONS])


def _answered(point: WhyPoint) -> bool:
    return any(answer for _, answer in point.answers)


def _reflections(viewer, person) -> list[CheckIn]:
    """Check-in reflections ("what worked, what didn't") the viewer may read, where apps.goals offers them."""
    visible_reflections = getattr(goal_selectors, "visible_reflections", None)  # issue 13 part 4, built beside this
    return visible_reflections(viewer, person) if visible_reflections else []


def _profile(person, viewer) -> dict:
    """The person's coaching profile as the viewer may read it (themselves and their manager chain), or {}."""
    if not django_apps.is_installed("apps.recognition"):
        return {}  # coaching profiles (issue 13 part 2) are built beside this
    from apps.recognition.models import CoachingProfile
    from apps.recognition.permissions import can_read_profile

    if not can_read_profile(viewer, person):
        return {}
    profile = CoachingProfile.objects.filter(person_id=person.pk).first()
    return {"profile": profile, "strengths": profile.strengths} if profile else {}


def coaching_advice(series: Series, viewer) -> list[str]:
    """Delivery advice from the report's coaching profile, for the manager preparing the 1:1 (none for the report),
    with the person's own note on feedback."""
    if viewer.pk != series.manager_id:
        return []
    profile = _profile(series.report, viewer).get("profile")
    if profile is None:
        return []
    from apps.recognition import coaching

    note = [f"In their words: {profile.feedback_note}"] if profile.feedback_note else []
    return [*coaching.advice(profile), *note]
