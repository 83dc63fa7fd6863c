"""apps.goals.bulk_create gives exactly what goal_create + metric_create give, goal by goal."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from apps.core.history import history_of
from apps.core.validation import FieldsPermissionDenied
from apps.goal_templates import services
from apps.goals import bulk_create
from apps.goals import services as goal_services
from apps.goals.models import Goal, GoalStatus, Layer, PendingRollup
from apps.goals.tree import find_drift
from tests.factories import PersonFactory

from .conftest import METRICS

pytestmark = pytest.mark.django_db
SKIP = {"id", "tree_id", "lft", "rght", "created", "updated"}


def goal_fields(goal: Goal) -> dict:
    goal = Goal.objects.get(pk=goal.pk)
    return {f.attname: getattr(goal, f.attname) for f in Goal._meta.concrete_fields if f.attname not in SKIP}


def metric_rows(goal: Goal) -> list[tuple]:
    return list(
        goal.metrics.order_by("id").values_list(
            "name", "unit", "display_unit", "start", "target", "current", "weight", "progress", "archived_at"
        )
    )


def history(obj) -> list[tuple]:
    def plain(changes: dict) -> dict:
        return {k: v for k, v in changes.items() if k != "goal"}  # a metric's history names its own goal's id

    return [(c.action, c.actor_id, plain(c.changes)) for c in history_of(obj)]


def assign_both_ways(cast, layer: str, monkeypatch) -> tuple[list[Goal], list[Goal]]:
    template = services.template_create(actor=cast.leader, title="Sell more", layer=layer, metrics=METRICS)
    people = [PersonFactory(username=f"rep{n}", unit=cast.team, manager=cast.manager) for n in range(3)]
    bulk = services.template_assign(actor=cast.leader, template=template, people=people, parent=cast.trans)
    monkeypatch.setattr(services, "create_goals", services.create_goals_one_by_one)
    one_by_one = services.template_assign(actor=cast.leader, template=template, people=people, parent=cast.trans)
    return bulk, one_by_one


@pytest.mark.parametrize("layer", [Layer.PERSONAL, Layer.OPERATIONAL])
def test_bulk_goals_have_the_fields_goal_create_gives(cast, layer, monkeypatch):
    bulk, one_by_one = assign_both_ways(cast, layer, monkeypatch)
    assert [goal_fields(g) for g in bulk] == [goal_fields(g) for g in one_by_one]


@pytest.mark.parametrize("layer", [Layer.PERSONAL, Layer.OPERATIONAL])
def test_bulk_goals_have_the_metrics_metric_create_gives(cast, layer, monkeypatch):
    bulk, one_by_one = assign_both_ways(cast, layer, monkeypatch)
    assert [metric_rows(g) for g in bulk] == [metric_rows(g) for g in one_by_one]
    assert metric_rows(bulk[0])


@pytest.mark.parametrize("layer", [Layer.PERSONAL, Layer.OPERATIONAL])
def test_bulk_goals_and_metrics_have_the_history_the_services_write(cast, layer, monkeypatch):
    bulk, one_by_one = assign_both_ways(cast, layer, monkeypatch)
    for made_in_bulk, made_one_by_one in zip(bulk, one_by_one, strict=True):
        assert history(made_in_bulk) == history(made_one_by_one)
        metrics = zip(made_in_bulk.metrics.order_by("id"), made_one_by_one.metrics.order_by("id"), strict=True)
        assert all(history(a) == history(b) for a, b in metrics)


@pytest.mark.parametrize("layer", [Layer.PERSONAL, Layer.OPERATIONAL])
def test_bulk_goals_leave_every_tree_consistent(cast, layer, monkeypatch):
    assign_both_ways(cast, layer, monkeypatch)
    assert find_drift() == []


def test_bulk_personal_goals_are_one_node_trees_of_their_own(cast, monkeypatch):
    bulk, _ = assign_both_ways(cast, Layer.PERSONAL, monkeypatch)
    rows = list(Goal.objects.filter(pk__in=[g.pk for g in bulk]).values_list("tree_id", "lft", "rght", "level"))
    assert [row[1:] for row in rows] == [(1, 2, 0)] * 3
    tree_ids = {row[0] for row in rows}
    assert len(tree_ids) == 3
    assert Goal.objects.filter(tree_id__in=tree_ids).count() == 3


def test_bulk_goals_are_each_marked_for_rollup_once(cast):
    PendingRollup.objects.all().delete()
    people = [PersonFactory(username=f"rep{n}", unit=cast.team) for n in range(3)]
    goals = bulk_create.goals_create_bulk(
        actor=None,
        title="T",
        layer=Layer.PERSONAL,
        cycle=cast.year,
        parent=cast.trans,
        owners=[(p, cast.team) for p in people],
        metrics=[bulk_create.NewMetric(name="M", start=0, target=1)],
    )
    assert sorted(PendingRollup.objects.values_list("goal_id", flat=True)) == sorted(g.pk for g in goals)


def test_bulk_checks_the_cascade_rules(cast):
    with pytest.raises(ValidationError) as error:
        bulk_create.goals_create_bulk(
            actor=None, title="T", layer=Layer.OPERATIONAL, cycle=cast.year, owners=[(cast.employee, cast.team)]
        )
    assert "parent" in error.value.message_dict


def test_bulk_refuses_writing_someone_elses_why(cast):
    with pytest.raises(FieldsPermissionDenied):
        bulk_create.goals_create_bulk(
            actor=cast.manager,
            title="T",
            layer=Layer.PERSONAL,
            cycle=cast.year,
            why="Because I say so.",
            owners=[(cast.employee, cast.team)],
        )
    assert not Goal.objects.filter(title="T").exists()


def test_bulk_checks_each_metric(cast):
    with pytest.raises(ValidationError) as error:
        bulk_create.goals_create_bulk(
            actor=None,
            title="T",
            layer=Layer.PERSONAL,
            cycle=cast.year,
            owners=[(cast.employee, cast.team)],
            metrics=[bulk_create.NewMetric(name="M", start=0, target="1e40")],
        )
    assert "target" in error.value.message_dict


def test_bulk_checks_the_status(cast):
    with pytest.raises(ValidationError) as error:
        bulk_create.goals_create_bulk(
            actor=None,
            title="T",
            layer=Layer.PERSONAL,
            cycle=cast.year,
            status="done",
            owners=[(cast.employee, cast.team)],
        )
    assert "status" in error.value.message_dict


def test_bulk_with_nobody_creates_nothing(cast):
    goals = bulk_create.goals_create_bulk(
        actor=None, title="T", layer=Layer.PERSONAL, cycle=cast.year, status=GoalStatus.ACTIVE, owners=[]
    )
    assert goals == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_and_single_writers_leave_no_drift(postgres):
    """Threads (own connections) assign templates in bulk while others create goals one by one: every personal goal
    gets a tree_id of its own, and the cascade's tree stays consistent."""
    from tests.cast import build_cast

    cast = build_cast()
    template = services.template_create(actor=None, title="Bulk", layer=Layer.PERSONAL, metrics=METRICS[:1])
    team_template = services.template_create(actor=None, title="Team", layer=Layer.OPERATIONAL)
    people = [PersonFactory(username=f"rep{n}", unit=cast.team, manager=cast.manager) for n in range(20)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(4):
                if n % 2:
                    services.template_assign(actor=None, template=template, people=people, parent=cast.trans)
                    services.template_assign(actor=None, template=team_template, people=people[:3], parent=cast.trans)
                else:
                    goal_services.goal_create(
                        actor=None,
                        title=f"single {n}-{i}",
                        layer=Layer.PERSONAL,
                        cycle=cast.year,
                        unit=cast.team,
                        owner=cast.employee,
                    )
                    goal_services.goal_create(
                        actor=None,
                        title=f"op {n}-{i}",
                        layer=Layer.OPERATIONAL,
                        parent=cast.trans,
                        cycle=cast.year,
                        unit=cast.team,
                        owner=cast.employee,
                    )
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Goal.objects.filter(title="Bulk").count() == 2 * 4 * 20
    assert Goal.objects.filter(title="Team").count() == 2 * 4 * 3
    personal = Goal.objects.filter(layer=Layer.PERSONAL)
    assert personal.values("tree_id").distinct().count() == personal.count()
    assert find_drift() == []
