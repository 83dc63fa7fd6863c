"""templates/ over the API: the contract's fields, who may do what, bad input, and pinned query counts."""

import pytest

from apps.goal_templates import services
from apps.goal_templates.models import GoalTemplate
from apps.goals.models import Goal, GoalStatus, Layer

pytestmark = pytest.mark.django_db

LIST = "/api/v1/templates/"
METRICS = [
    {"name": "Calls made", "unit": "number", "display_unit": "calls", "start": 0, "target": 100, "weight": 2},
    {"name": "Win rate", "unit": "percent", "start": 10, "target": 30},
]


def detail(template) -> str:
    return f"{LIST}{template.pk}/"


def assign_url(template) -> str:
    return f"{LIST}{template.pk}/assign/"


@pytest.fixture
def template(cast):
    return services.template_create(actor=cast.manager, title="Sell more", layer=Layer.PERSONAL, metrics=METRICS)


# --- Contract ----------------------------------------------------------------------------------


def test_a_template_reads_with_the_contract_fields_and_its_metrics(as_role, template):
    body = as_role("employee").get(detail(template)).json()
    assert {"id", "title", "description", "layer", "metrics"} <= set(body)
    assert body["metrics"][0] == {
        "name": "Calls made",
        "unit": "number",
        "display_unit": "calls",
        "start": 0.0,
        "target": 100.0,
        "weight": 2.0,
    }


def test_the_list_is_paginated(as_role, template):
    body = as_role("manager").get(LIST).json()
    assert [t["title"] for t in body["results"]] == ["Sell more"] and "next" in body


def test_a_manager_creates_a_template_with_metrics(as_role, cast):
    answer = as_role("manager").post(
        LIST,
        {"title": "Ship weekly", "layer": "operational", "why": "Customers wait.", "metrics": METRICS},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    template = GoalTemplate.objects.get(pk=answer.json()["id"])
    assert (template.created_by, template.why, template.metrics.count()) == (cast.manager, "Customers wait.", 2)


def test_the_assign_answer_names_how_many_and_which_goals(as_role, cast, template):
    answer = as_role("manager").post(
        assign_url(template), {"people": [cast.employee.pk], "parent": cast.trans.pk}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    goal = Goal.objects.get(pk=body["goals"][0])
    assert body["created"] == 1
    assert (goal.owner, goal.parent, goal.layer, goal.status) == (cast.employee, cast.trans, Layer.PERSONAL, "active")


def test_assigning_a_unit_gives_its_lead_a_goal(as_role, cast):
    template = services.template_create(actor=cast.leader, title="Team", layer=Layer.OPERATIONAL)
    answer = as_role("leader").post(
        assign_url(template), {"units": [cast.team.pk], "parent": cast.trans.pk}, format="json"
    )
    assert answer.status_code == 201
    assert Goal.objects.get(pk=answer.json()["goals"][0]).owner == cast.manager


def test_the_cycle_defaults_to_the_parents(as_role, cast, template):
    answer = as_role("manager").post(
        assign_url(template), {"people": [cast.employee.pk], "parent": cast.trans.pk}, format="json"
    )
    assert Goal.objects.get(pk=answer.json()["goals"][0]).cycle == cast.year


def test_a_goal_is_saved_as_a_template(as_role, cast):
    answer = as_role("manager").post(f"{LIST}from-goal/", {"goal": cast.oper.pk}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["title"], body["layer"], [m["name"] for m in body["metrics"]]) == (
        "Hire three",
        "operational",
        ["People hired"],
    )


def test_a_personal_goal_saved_as_template_carries_no_why(as_role, cast):
    body = as_role("manager").post(f"{LIST}from-goal/", {"goal": cast.personal.pk}, format="json").json()
    assert body["why"] == ""


def test_a_template_is_changed_with_patch(as_role, template):
    answer = as_role("manager").patch(detail(template), {"title": "Sell most", "metrics": METRICS[:1]}, format="json")
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["title"], len(answer.json()["metrics"])) == ("Sell most", 1)


def test_delete_archives_a_template_and_it_is_no_longer_found(as_role, template):
    client = as_role("manager")
    assert client.delete(detail(template)).status_code == 204
    template.refresh_from_db()
    assert template.archived_at is not None
    assert client.get(detail(template)).status_code == 404
    assert client.post(assign_url(template), {"people": [1]}, format="json").status_code == 404


# --- Who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "leader", "manager", "employee", "other_employee", "hr"])
def test_everyone_signed_in_reads_the_templates(as_role, template, role):
    assert as_role(role).get(detail(template)).status_code == 200


def test_without_credentials_it_is_401(client_for, template):
    assert client_for().get(LIST).status_code == 401


@pytest.mark.parametrize(
    ("role", "code"),
    [("admin", 201), ("leader", 201), ("manager", 201), ("employee", 403), ("other_employee", 403), ("hr", 403)],
)
def test_who_may_create_templates(as_role, role, code):
    answer = as_role(role).post(LIST, {"title": "T", "layer": "operational"}, format="json")
    assert answer.status_code == code


@pytest.mark.parametrize(
    ("role", "code"), [("admin", 200), ("manager", 200), ("leader", 403), ("employee", 403), ("hr", 403)]
)
def test_only_the_author_and_admins_change_a_template(as_role, template, role, code):
    assert as_role(role).patch(detail(template), {"title": "Mine"}, format="json").status_code == code


@pytest.mark.parametrize(("role", "code"), [("admin", 204), ("leader", 403), ("employee", 403)])
def test_only_the_author_and_admins_archive_a_template(as_role, template, role, code):
    assert as_role(role).delete(detail(template)).status_code == code


@pytest.mark.parametrize(
    ("role", "code"), [("admin", 201), ("leader", 201), ("manager", 201), ("other_employee", 403), ("hr", 403)]
)
def test_who_may_assign_to_the_employee(as_role, cast, template, role, code):
    answer = as_role(role).post(
        assign_url(template), {"people": [cast.employee.pk], "parent": cast.trans.pk}, format="json"
    )
    assert answer.status_code == code


def test_a_manager_may_not_assign_outside_their_chain_and_nothing_is_created(as_role, cast, template):
    before = Goal.objects.count()
    answer = as_role("manager").post(
        assign_url(template),
        {"people": [cast.employee.pk, cast.other_employee.pk], "parent": cast.trans.pk},
        format="json",
    )
    assert answer.status_code == 403
    assert str(cast.other_employee.pk) in answer.json()["detail"]
    assert Goal.objects.count() == before


def test_an_employee_may_not_save_a_goal_as_template(as_role, cast):
    assert as_role("employee").post(f"{LIST}from-goal/", {"goal": cast.oper.pk}, format="json").status_code == 403


# --- Bad input ---------------------------------------------------------------------------------


def test_a_goal_one_cannot_see_is_not_found_as_a_400(as_role, cast):
    answer = as_role("manager").post(f"{LIST}from-goal/", {"goal": cast.other_personal.pk}, format="json")
    assert answer.status_code == 400 and "goal" in answer.json()


def test_a_parent_one_cannot_see_is_a_400_naming_parent(as_role, cast, template):
    answer = as_role("manager").post(
        assign_url(template), {"people": [cast.employee.pk], "parent": cast.draft_intent.pk}, format="json"
    )
    assert answer.status_code == 400 and "parent" in answer.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"people": "12"}, "people"),
        ({"people": ["x"]}, "people"),
        ({"people": [0]}, "people"),
        ({"people": [2**70]}, "people"),
        ({"people": [True]}, "people"),
        ({"people": [999_999]}, "people"),
        ({"units": [999_999]}, "units"),
        ({"people": list(range(1, 5_002))}, "people"),
        ({"units": {"a": 1}}, "units"),
        ({"people": []}, "people"),
        ({"cycle": 2**70}, "cycle"),
        ({"cycle": "soon"}, "cycle"),
        ({"parent": 999_999}, "parent"),
    ],
)
def test_bad_assign_input_is_a_400_naming_the_field(as_role, cast, template, body, field):
    payload = {"people": [cast.employee.pk], "parent": cast.trans.pk, **body}
    answer = as_role("manager").post(assign_url(template), payload, format="json")
    assert answer.status_code == 400, answer.json()
    assert field in answer.json()
    assert not Goal.objects.filter(title="Sell more").exists()


def test_the_cascade_rules_refuse_a_parent_naming_it(as_role, cast, template):
    answer = as_role("manager").post(
        assign_url(template), {"people": [cast.employee.pk], "parent": cast.personal.pk}, format="json"
    )
    assert answer.status_code == 400 and "parent" in answer.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"layer": "intent"}, "layer"),
        ({"layer": "galactic"}, "layer"),
        ({"title": ""}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"layer": "personal", "why": "Because."}, "why"),
        ({"metrics": [{"name": "M", "start": 0, "target": 1e30}]}, "metrics"),
        ({"metrics": [{"name": "M", "start": "lots", "target": 1}]}, "metrics"),
        ({"metrics": [{"name": "M", "start": 0, "target": 1, "weight": -1}]}, "metrics"),
        ({"metrics": [{"name": "M", "start": 0, "target": 1}] * 21}, "metrics"),
        ({"metrics": "many"}, "metrics"),
    ],
)
def test_bad_template_input_is_a_400_naming_the_field(as_role, body, field):
    payload = {"title": "T", "layer": "operational", **body}
    answer = as_role("manager").post(LIST, payload, format="json")
    assert answer.status_code == 400, answer.json()
    assert field in answer.json()
    assert not GoalTemplate.objects.exists()


def test_an_unknown_template_is_404(as_role):
    assert as_role("manager").get(f"{LIST}99999999999999999/").status_code == 404


# --- Query counts ------------------------------------------------------------------------------


def test_the_list_costs_the_same_few_queries_whatever_its_length(as_role, cast, django_assert_max_num_queries):
    client = as_role("employee")
    for n in range(2):
        services.template_create(actor=cast.manager, title=f"T{n}", layer=Layer.PERSONAL, metrics=METRICS)
    with django_assert_max_num_queries(4):
        assert len(client.get(LIST).json()["results"]) == 2
    for n in range(2, 12):
        services.template_create(actor=cast.manager, title=f"T{n}", layer=Layer.PERSONAL, metrics=METRICS)
    with django_assert_max_num_queries(4):
        assert len(client.get(LIST).json()["results"]) == 12


def test_assigning_to_many_people_costs_a_fixed_number_of_queries(
    as_role, cast, template, django_assert_max_num_queries
):
    from tests.factories import PersonFactory

    people = [PersonFactory(username=f"rep{n}", unit=cast.team, manager=cast.manager).pk for n in range(30)]
    with django_assert_max_num_queries(30):
        answer = as_role("manager").post(
            assign_url(template), {"people": people, "parent": cast.trans.pk}, format="json"
        )
    assert answer.json()["created"] == 30
    assert Goal.objects.filter(status=GoalStatus.ACTIVE, title="Sell more").count() == 30


def test_a_role_that_may_not_create_gets_403_even_with_bad_input(as_role):
    assert as_role("employee").post(LIST, {"layer": "galactic"}, format="json").status_code == 403


def test_a_role_that_may_not_assign_gets_403_even_with_bad_input(as_role, template):
    assert as_role("hr").post(assign_url(template), {"people": "x"}, format="json").status_code == 403


def test_a_metrics_error_is_a_flat_message_naming_the_metric_and_its_field(as_role):
    metrics = [{"name": "Fine", "start": 0, "target": 1}, {"name": "No target", "start": 0}]
    answer = as_role("manager").post(LIST, {"title": "T", "layer": "operational", "metrics": metrics}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"metrics": ["Metric 2, target: This field is required."]}
