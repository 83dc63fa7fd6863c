"""apps.core.bulk: the one writer of many rows with a value each (rollup figures, metric progress, imports)."""

from decimal import Decimal

import pytest

from apps.core.bulk import bulk_update_objects, bulk_update_rows
from apps.goals.models import Goal, Metric
from apps.org.models import Person
from tests.factories import GoalFactory, MetricFactory, PersonFactory


@pytest.mark.django_db
def test_rows_write_each_value_to_its_own_row_across_batches():
    goals = [GoalFactory() for _ in range(5)]
    rows = [(goal.pk, 0.1 * i, None, 0.2 * i) for i, goal in enumerate(goals)]

    bulk_update_rows(Goal, ("measured_progress", "rollup_progress", "progress"), rows, batch_size=2)

    stored = dict(Goal.objects.values_list("pk", "progress"))
    assert [stored[goal.pk] for goal in goals] == pytest.approx([0.2 * i for i in range(5)])
    assert set(Goal.objects.values_list("rollup_progress", flat=True)) == {None}


@pytest.mark.django_db
def test_objects_write_foreign_keys_and_decimals_by_field_name():
    boss, person = PersonFactory(), PersonFactory()
    metric = MetricFactory()
    person.manager = boss
    metric.current = Decimal("12.5")

    bulk_update_objects([person], ["manager"])
    bulk_update_objects([metric], ["current"])

    assert Person.objects.get(pk=person.pk).manager_id == boss.pk
    assert Metric.objects.get(pk=metric.pk).current == Decimal("12.5000")


@pytest.mark.django_db
def test_nothing_to_write_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        bulk_update_rows(Goal, ("progress",), [])
        bulk_update_objects([], ["progress"])
