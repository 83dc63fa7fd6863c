"""Query counts per request are pinned, and do not grow with the rows returned.

Each endpoint is read twice, with few and with many rows behind it: both must stay within the
pin. Clients are force-authenticated, so the counts are the endpoint's own (token
authentication adds one query per request, a session two).
"""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.goals.models import Layer
from apps.goals.services import checkin_record
from tests.cast import ROLES
from tests.factories import GoalFactory, MetricFactory, PersonFactory, UnitFactory

# A goal endpoint that shows someone else's private reflection records the reads for its owner: one INSERT.
READS = 1
# endpoint → the most queries an admin's request runs (paginated lists: a count and a page)
PINS = {
    "/api/v1/goals/": 2 + READS,
    "/api/v1/goals/?layer=personal&ordering=-progress&search=a": 2 + READS,
    "/api/v1/metrics/": 2,
    "/api/v1/units/": 2,
    "/api/v1/people/": 2,
    "/api/v1/cycles/": 2,
    # tree/: the goal, then its subtree in two index reads (the cascade range by (tree_id, lft), the personal goals
    # hanging off it by parent) instead of one scan of every goal: issue 16, apps.goals.api.tree.
    "{trans}tree/": 3 + READS,
    "{intent}tree/": 3 + READS,
    "{intent}tree/?depth=1": 4 + READS,  # + the children of the goals at the cut, counted in one grouped query
    "{intent}tree/?depth=2&limit=2": 4 + READS,
    "{personal}ancestors/": 3 + READS,  # the goal, its parent (a personal goal sits outside the tree), the path
    "{metric}checkins/": 3,
}
# Anyone else's visibility and privacy checks read, once per request, the units they look after (1 query)
# and the people who report to them (1 query).
VISIBILITY_QUERIES = 2
# Check-in reflections are read by the owner's manager chain, admins included only if they are in it: an admin's
# check-in list reads the same two things as anyone's visibility check.
ADMIN_ALSO_CHECKS = {"{metric}checkins/"}


def pin_for(template: str, role: str) -> int:
    checks = role != "admin" or template in ADMIN_ALSO_CHECKS
    return PINS[template] + (VISIBILITY_QUERIES if checks else 0)


# The full alignment report: the scope, the grouped figures per unit, cadence, copies and the first rows of each list.
REPORT_PIN = 19
ROLES_GROWN = ("admin", "manager", "employee")
SERIAL = itertools.count()


def grow(cast, n: int) -> None:
    """n more operational goals under the APAC goal, each with a personal goal, a metric and check-ins,
    plus n more people and units."""
    for i in (next(SERIAL) for _ in range(n)):
        unit = UnitFactory(name=f"Squad {i}", parent=cast.team)
        person = PersonFactory(username=f"worker{i}", unit=unit, manager=cast.employee)
        operational = GoalFactory(layer=Layer.OPERATIONAL, parent=cast.trans, unit=unit, owner=person)
        GoalFactory(layer=Layer.PERSONAL, parent=operational, unit=unit, owner=person, why="private")
        metric = MetricFactory(goal=operational)
        checkin_record(actor=person, metric=metric, value=1, confidence=5)
        checkin_record(actor=person, metric=cast.oper_metric, value=i, confidence=5)


def url_for(template: str, cast) -> str:
    return template.format(
        trans=f"/api/v1/goals/{cast.trans.pk}/",
        intent=f"/api/v1/goals/{cast.intent.pk}/",
        personal=f"/api/v1/goals/{cast.personal.pk}/",
        metric=f"/api/v1/metrics/{cast.oper_metric.pk}/",
    )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("role", ROLES_GROWN)
@pytest.mark.parametrize("template", sorted(PINS))
def test_queries_are_pinned_and_do_not_grow_with_rows(as_role, cast, role, template, django_assert_max_num_queries):
    url = url_for(template, cast)
    pin = pin_for(template, role)
    with django_assert_max_num_queries(pin):
        as_role(role).get(url)
    grow(cast, 4)
    some = count(as_role(role), url)
    grow(cast, 12)
    with django_assert_max_num_queries(pin):
        as_role(role).get(url)
    assert count(as_role(role), url) == some


@pytest.mark.parametrize("role", ROLES)
def test_every_role_is_within_the_pins(as_role, cast, role, django_assert_max_num_queries):
    grow(cast, 3)
    for template in PINS:
        url = url_for(template, cast)
        with django_assert_max_num_queries(pin_for(template, role), info=url):
            as_role(role).get(url)


def test_the_report_runs_a_fixed_number_of_queries(as_role, cast, django_assert_max_num_queries):
    url = "/api/v1/reports/alignment/"
    grow(cast, 4)
    count(as_role("hr"), url)  # the first report counts its figures and stores them (apps.reports.stored)
    some = count(as_role("hr"), url)
    grow(cast, 12)
    count(as_role("hr"), url)  # new people changed the organisation: the next report counts and stores again
    with django_assert_max_num_queries(REPORT_PIN):
        as_role("hr").get(url)
    assert count(as_role("hr"), url) == some
