from apps.goals.models import Layer
from tests.factories import GoalFactory, MetricFactory, cascade


def test_factories_build_a_cascade(db, commit):
    with commit():
        intent, trans, oper, personal = cascade()
        MetricFactory(goal=personal, start=0, target=10, current=5)
    personal.refresh_from_db()
    intent.refresh_from_db()
    assert personal.progress == 0.5
    assert intent.progress == 0.5
    assert trans.tree_id == intent.tree_id and oper.tree_id == intent.tree_id
    assert personal.tree_id != intent.tree_id and personal.parent_id == oper.pk
    assert GoalFactory(layer=Layer.INTENT).tree_id not in {intent.tree_id, personal.tree_id}
