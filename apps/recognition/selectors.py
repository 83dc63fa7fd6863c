"""Reads: coaching profiles and the wins feed, already filtered by what the viewer may see."""

from django.db.models import Case, Exists, IntegerField, Q, QuerySet, Value, When

from apps.org.models import Person

from . import permissions
from .models import CoachingProfile, RecognitionStyle, Win


def profile_of(person: Person) -> CoachingProfile | None:
    return CoachingProfile.objects.filter(person=person).first()


def wins_visible_to(viewer) -> QuerySet[Win]:
    """Newest first; a viewer whose profile prefers team recognition sees their team's wins first (one query)."""
    wins = Win.objects.filter(permissions.visible_wins_q(viewer)).select_related("person", "goal")
    prefers_team = CoachingProfile.objects.filter(person_id=viewer.pk, recognition=RecognitionStyle.TEAM)
    team = Q(person__unit_id=getattr(viewer, "unit_id", None)) & Q(Exists(prefers_team))
    team_first = Case(When(team, then=Value(0)), default=Value(1), output_field=IntegerField())
    return wins.annotate(team_first=team_first).order_by("team_first", "-created", "-id")
