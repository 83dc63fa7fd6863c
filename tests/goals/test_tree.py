"""The goal tree: inserts, moves, personal goals kept out of the cascades, drift check and repair."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, close_old_connections, connection, transaction

from apps.goals import services, tree
from apps.goals.models import Goal, Layer
from apps.goals.selectors import goal_ancestors, goal_subtree
from tests.factories import GoalFactory, PersonFactory, UnitFactory, cascade


def test_cascade_goals_share_their_intents_tree(db):
    intent, translational, operational, _ = cascade()
    assert {g.tree_id for g in (intent, translational, operational)} == {intent.tree_id}
    intent.refresh_from_db()
    assert (intent.lft, intent.rght) == (1, 6)


def test_personal_goal_insert_never_renumbers_the_cascade(db):
    intent, _translational, operational, _ = cascade()
    before = list(Goal.objects.filter(tree_id=intent.tree_id).values_list("pk", "lft", "rght"))
    personal = GoalFactory(layer=Layer.PERSONAL, parent=operational)
    assert list(Goal.objects.filter(tree_id=intent.tree_id).values_list("pk", "lft", "rght")) == before
    assert (personal.tree_id, personal.lft, personal.rght, personal.level) != (intent.tree_id,)
    assert (personal.lft, personal.rght, personal.level) == (1, 2, 0)


def test_subtree_includes_personal_goals_below(db):
    intent, translational, operational, personal = cascade()
    other_intent, *_ = cascade()
    intent.refresh_from_db()
    translational.refresh_from_db()  # nested-set values in memory predate the inserts below it
    assert set(goal_subtree(translational)) == {translational, operational, personal}
    assert set(goal_subtree(intent)) == {intent, translational, operational, personal}
    assert other_intent not in set(goal_subtree(intent))


def test_ancestors_run_from_root_intent_to_parent(db, django_assert_num_queries):
    intent, translational, operational, personal = cascade()
    personal = Goal.objects.select_related("parent").get(pk=personal.pk)
    with django_assert_num_queries(1):
        assert list(goal_ancestors(personal)) == [intent, translational, operational]
    assert list(goal_ancestors(operational)) == [intent, translational]
    assert list(goal_ancestors(intent)) == []


def test_moving_a_branch_to_another_intent_carries_its_subtree(db):
    intent_a, translational, operational, personal = cascade()
    intent_b = GoalFactory(layer=Layer.INTENT, cycle=intent_a.cycle)
    services.goal_move(actor=None, goal=translational, parent=intent_b)
    operational.refresh_from_db()
    assert operational.tree_id == intent_b.tree_id
    assert set(goal_subtree(Goal.objects.get(pk=intent_b.pk))) == {intent_b, translational, operational, personal}
    assert tree.find_drift() == []


def test_moving_a_personal_goal_only_relinks_it(db):
    _intent, translational, _operational, personal = cascade()
    services.goal_move(actor=None, goal=personal, parent=translational)
    personal.refresh_from_db()
    assert personal.parent_id == translational.pk and personal.tree_parent_id is None
    assert tree.find_drift() == []


def test_drift_is_found_and_repaired(db):
    intent, translational, operational, _ = cascade()
    Goal.objects.filter(pk=operational.pk).update(lft=40)
    Goal.objects.filter(pk=translational.pk).update(level=5)
    drift = tree.find_drift()
    assert {(d.goal_id, d.field) for d in drift} >= {(operational.pk, "lft"), (translational.pk, "level")}
    with pytest.raises(CommandError, match="drifting"):
        call_command("check_tree")
    call_command("check_tree", "--repair")
    assert tree.find_drift() == []
    cascade_part = goal_subtree(Goal.objects.get(pk=intent.pk)).exclude(layer=Layer.PERSONAL).order_by("lft")
    assert list(cascade_part) == [intent, translational, operational]


def test_a_tree_parent_that_stops_mirroring_the_parent_is_drift(db):
    intent, _translational, operational, _personal = cascade()
    Goal.objects.filter(pk=operational.pk).update(tree_parent=intent)
    assert any(d.goal_id == operational.pk and d.field == "tree_parent_id" for d in tree.find_drift())
    tree.repair()
    assert tree.find_drift() == []


def test_the_database_keeps_personal_goals_out_of_the_nested_set(db):
    _intent, _translational, operational, personal = cascade()
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=personal.pk).update(tree_parent=operational)


@pytest.mark.parametrize(
    ("method", "helper"),
    [
        ("get_descendants", "goal_subtree"),
        ("get_ancestors", "goal_ancestors"),
        ("get_children", "goal.children"),
        ("get_leafnodes", "goal_subtree"),
        ("get_root", "goal_ancestors"),
    ],
)
def test_mptt_traversals_that_would_miss_personal_goals_refuse_and_name_the_helper(db, method, helper):
    intent = cascade()[0]
    with pytest.raises(TypeError, match=helper):
        getattr(intent, method)()


def test_the_subtree_helper_includes_the_personal_goals_mptt_leaves_out(db):
    intent, translational, operational, personal = cascade()
    intent.refresh_from_db()  # its nested-set range grew as the chain was built under it
    assert set(goal_subtree(intent)) == {intent, translational, operational, personal}
    assert list(goal_ancestors(personal)) == [intent, translational, operational]


def test_two_roots_sharing_a_tree_id_are_drift(db):
    first = GoalFactory(layer=Layer.INTENT)
    second = GoalFactory(layer=Layer.INTENT, cycle=first.cycle)
    Goal.objects.filter(pk=second.pk).update(tree_id=first.tree_id)
    assert any(d.field == "tree_id" for d in tree.find_drift())


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_no_drift(postgres):
    """Several threads (own connections) insert and move goals in the same trees at once."""
    intent, translational, operational, _ = cascade()
    second = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent)
    unit, owner = UnitFactory(), PersonFactory()
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(12):
                parent = (translational, second, operational)[i % 3]
                layer = Layer.OPERATIONAL if parent.layer != Layer.INTENT else Layer.TRANSLATIONAL
                g = services.goal_create(
                    actor=None,
                    title=f"w{n}-{i}",
                    layer=layer,
                    parent=parent,
                    cycle=intent.cycle,
                    unit=unit,
                    owner=owner,
                )
                services.goal_create(
                    actor=None,
                    title=f"p{n}-{i}",
                    layer=Layer.PERSONAL,
                    parent=g,
                    cycle=intent.cycle,
                    unit=unit,
                    owner=owner,
                )
                if i % 4 == 3:
                    services.goal_move(
                        actor=None,
                        goal=Goal.objects.get(pk=g.pk),
                        parent=Goal.objects.get(pk=(second if i % 8 == 3 else translational).pk),
                    )
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Goal.objects.count() == 5 + 4 * 12 * 2
    assert tree.find_drift() == []
