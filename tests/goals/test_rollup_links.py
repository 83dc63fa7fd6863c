"""The rollup with `contributes` links (DESIGN.md "Progress"): a source counts in its target beside the children."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.locks import lock_key
from apps.goals import links, rollup, services, tree
from apps.goals.models import Goal, GoalLink, GoalStatus, Layer
from tests.factories import GoalFactory, MetricFactory, PersonFactory, cascade

CONTRIBUTES, SUPPORTS = GoalLink.Kind.CONTRIBUTES, GoalLink.Kind.SUPPORTS


def fresh(goal) -> Goal:
    return Goal.objects.get(pk=goal.pk)


@pytest.fixture
def two_lines(db, commit):
    """Two intents. Under the first, `source` (measured by `metric`); under the second, `target` with one child at
    0.8 progress."""
    with commit():
        _, source = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL))
        metric = MetricFactory(goal=source, start=0, target=10)
        target_intent, target = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL), cycle=source.cycle)
        GoalFactory(layer=Layer.PERSONAL, parent=target, progress_source="manual", manual_progress=0.8)
    return source, metric, target_intent, target


def checkin(commit, metric, value):
    with commit():
        services.checkin_record(actor=PersonFactory(), metric=metric, value=value, confidence=7)


def link(commit, source, target, kind=CONTRIBUTES, weight=1.0):
    with commit():
        return links.link_create(actor=None, source=source, target=target, kind=kind, weight=weight)


def test_a_contributing_goal_counts_in_its_targets_rollup_with_the_links_weight(two_lines, commit):
    source, metric, target_intent, target = two_lines
    checkin(commit, metric, 2)
    link(commit, source, target, weight=3.0)
    # (1·0.8 + 3·0.2) / 4
    assert fresh(target).rollup_progress == pytest.approx(0.35)
    assert fresh(target_intent).progress == pytest.approx(0.35)


def test_a_check_in_on_the_source_updates_the_target_and_its_ancestors(two_lines, commit):
    source, metric, target_intent, target = two_lines
    link(commit, source, target)
    checkin(commit, metric, 6)
    assert fresh(target).progress == pytest.approx(0.7)
    assert fresh(target_intent).progress == pytest.approx(0.7)


def test_a_supporting_goal_never_counts(two_lines, commit):
    source, metric, _, target = two_lines
    link(commit, source, target, kind=SUPPORTS)
    checkin(commit, metric, 10)
    assert fresh(target).progress == pytest.approx(0.8)


def test_contributions_follow_links_transitively(two_lines, commit):
    source, metric, _, target = two_lines
    with commit():
        third_intent, third = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL), cycle=source.cycle)
    link(commit, source, target)
    link(commit, target, third)
    checkin(commit, metric, 10)
    assert fresh(target).progress == pytest.approx(0.9)
    assert fresh(third).progress == pytest.approx(0.9)
    assert fresh(third_intent).progress == pytest.approx(0.9)


def test_an_archived_source_stops_counting_and_counts_again_once_restored(two_lines, commit):
    source, metric, _, target = two_lines
    link(commit, source, target)
    checkin(commit, metric, 0)
    assert fresh(target).progress == pytest.approx(0.4)
    with commit():
        services.goal_archive(actor=None, goal=fresh(source))
    assert fresh(target).progress == pytest.approx(0.8)
    with commit():
        services.goal_restore(actor=None, goal=fresh(source))
    assert fresh(target).progress == pytest.approx(0.4)


def test_a_cancelled_source_stops_counting(two_lines, commit):
    source, _, _, target = two_lines
    link(commit, source, target)
    with commit():
        services.goal_update(actor=None, goal=fresh(source), status=GoalStatus.CANCELLED)
    assert fresh(target).progress == pytest.approx(0.8)


def test_changing_or_removing_a_link_rolls_up_its_target(two_lines, commit):
    source, _, _, target = two_lines
    created = link(commit, source, target)
    assert fresh(target).progress == pytest.approx(0.4)
    with commit():
        links.link_update(actor=None, link=created, weight=0.0)
    assert fresh(target).progress == pytest.approx(0.8)
    with commit():
        links.link_update(actor=None, link=created, weight=1.0, kind=SUPPORTS)
    assert fresh(target).progress == pytest.approx(0.8)
    with commit():
        links.link_update(actor=None, link=created, kind=CONTRIBUTES)
    assert fresh(target).progress == pytest.approx(0.4)
    with commit():
        links.link_delete(actor=None, link=created)
    assert fresh(target).progress == pytest.approx(0.8)


def test_a_goal_with_only_a_contribution_takes_its_progress_from_it(db, commit):
    with commit():
        _, source = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL))
        metric = MetricFactory(goal=source, start=0, target=10)
        (target,) = cascade(depth_layers=(Layer.INTENT,), cycle=source.cycle)
    link(commit, source, target)
    checkin(commit, metric, 3)
    assert (fresh(target).rollup_progress, fresh(target).progress) == (pytest.approx(0.3), pytest.approx(0.3))


def test_a_check_in_on_a_contributing_goal_freshens_its_target(two_lines, commit):
    source, metric, target_intent, target = two_lines
    link(commit, source, target)
    checkin(commit, metric, 1)
    assert fresh(target).last_activity_at == fresh(source).last_checkin_at
    assert fresh(target_intent).last_activity_at == fresh(source).last_checkin_at


def test_the_full_recompute_agrees_with_the_incremental_path_with_links(two_lines, commit):
    source, metric, _, target = two_lines
    link(commit, source, target, weight=2.0)
    checkin(commit, metric, 7)
    assert rollup.recompute_all() == 0


def test_a_link_costs_the_rollup_no_extra_query_per_goal_it_reaches(db, commit):
    def cost(extra_lines: int) -> int:
        with commit():
            _, source = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL))
            MetricFactory(goal=source)
            previous = source
            for _ in range(extra_lines):
                _, target = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL), cycle=source.cycle)
                links.link_create(actor=None, source=previous, target=target, kind=CONTRIBUTES)
                previous = target
        with CaptureQueriesContext(connection) as ctx:
            rollup.recompute_goals([source.pk])
        # On PostgreSQL each cascade tree reached is locked as a tree write would (one statement per tree).
        return len([q for q in ctx.captured_queries if "pg_advisory_xact_lock" not in q["sql"]])

    assert cost(1) == cost(4)


def test_a_goal_fed_by_a_contribution_takes_no_progress_by_hand(db, commit):
    with commit():
        _, source = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL))
        (target,) = cascade(depth_layers=(Layer.INTENT,), cycle=source.cycle)
    assert services.progress_entered_by_hand(fresh(target))
    link(commit, source, target)
    assert not services.progress_entered_by_hand(fresh(target))


def tree_locks_held() -> set[int]:
    """The cascade trees whose lock (apps.goals.tree's) this connection holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objsubid = 2 "
            "AND classid::bigint = %s AND granted",
            [lock_key(tree.LOCK_NAME)],
        )
        return {int(objid) for (objid,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_rollup_locks_every_cascade_tree_its_path_crosses_as_a_tree_write_would(postgres, two_lines, commit):
    """Before it locks their rows: a tree write renumbering one of them cannot deadlock with it."""
    source, _, target_intent, target = two_lines
    link(commit, source, target)
    leaf = GoalFactory(layer=Layer.PERSONAL, parent=source, cycle=source.cycle)  # a one-node tree: never locked
    with transaction.atomic():
        assert tree_locks_held() == set()
        rollup.recompute_goals([leaf.pk])
        assert tree_locks_held() == {source.tree_id, target_intent.tree_id}
