"""Check-in cadence per team, beside that team's progress.

A *team* here is any organisation unit with the goals filed directly under it (not those of
the units below: a cadence is a team's own habit, and a division's would only blur its teams').
Its cadence is the median number of days between consecutive check-ins on the same measure —
one metric of one of its goals, or the goal's own status check-ins — over the goals in use of
the report's cycles. A team with fewer than two check-ins on any one measure has no interval
and therefore no cadence (null). Its progress is the plain mean of its active goals' progress.
"""

import statistics
from dataclasses import dataclass
from itertools import groupby

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Window
from django.db.models.functions import Lag

from apps.goals.models import CheckIn
from apps.org.models import Unit

from .scope import Scope

CHUNK = 5000
DAY_SECONDS = 86400


@dataclass
class TeamCadence:
    unit: Unit
    checkins: int
    median_days: float | None
    goals: int
    progress: float | None


def _checkins_with_interval(scope: Scope):
    """Each check-in of the scope's goals with the time since the previous one on the same measure (null for a
    first one), computed by the database."""
    previous = Window(Lag("created"), partition_by=[F("goal_id"), F("metric_id")], order_by=[F("created"), F("id")])
    return (
        CheckIn.objects.filter(goal__in=scope.live_goals().values("pk"))
        .annotate(interval=ExpressionWrapper(F("created") - previous, output_field=DurationField()))
        .order_by()
    )


def medians(scope: Scope) -> dict[int, tuple[int, float | None]]:
    """Per unit: its check-ins and the median of the intervals between them, in days (one query)."""
    if connection.vendor == "postgresql":
        return _medians_in_sql(scope)
    return _medians_in_python(scope)


def _medians_in_sql(scope: Scope) -> dict[int, tuple[int, float | None]]:
    """PostgreSQL's percentile_cont(0.5) is the median (the mean of the middle two for an even count), as
    statistics.median; first check-ins have no interval and only count."""
    inner = _checkins_with_interval(scope).values(team=F("goal__unit_id"), gap=F("interval"))
    try:
        inner_sql, params = inner.query.sql_with_params()
    except EmptyResultSet:
        return {}
    sql = (
        "SELECT team, COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM gap)) "
        f"FROM ({inner_sql}) intervals GROUP BY team"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {team: (n, seconds / DAY_SECONDS if seconds is not None else None) for team, n, seconds in cursor}


def _medians_in_python(scope: Scope) -> dict[int, tuple[int, float | None]]:
    """Elsewhere (SQLite): the intervals read in unit order, one team's in memory at a time."""
    rows = _checkins_with_interval(scope).order_by("goal__unit_id").values_list("goal__unit_id", "interval")
    found = {}
    for unit_id, group in groupby(rows.iterator(chunk_size=CHUNK), key=lambda row: row[0]):
        gaps = [interval for _, interval in group]
        days = [interval.total_seconds() / DAY_SECONDS for interval in gaps if interval is not None]
        found[unit_id] = (len(gaps), statistics.median(days) if days else None)
    return found


def team_progress(scope: Scope) -> dict[int, tuple[int, float | None]]:
    rows = scope.active_goals().order_by().values("unit_id").annotate(goals=Count("pk"), progress=Avg("progress"))
    return {row["unit_id"]: (row["goals"], row["progress"]) for row in rows}
