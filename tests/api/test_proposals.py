"""proposals/ over the API: the permission matrix (each role × each action), the contract's fields, filters, bulk
accept, bad input and the list's pinned query count."""

import pytest

from apps.goals.models import Goal, GoalStatus, Layer
from apps.proposals import services
from apps.proposals.models import Proposal

pytestmark = pytest.mark.django_db
ROLES = ("admin", "leader", "manager", "employee", "other_employee", "hr")
CONTRACT = {"id", "title", "description", "why", "layer", "parent", "cycle", "unit", "proposer", "status", "comment"}
CONTRACT |= {"goal"}


@pytest.fixture
def proposal(cast):
    """The employee proposes an operational goal under the manager's team goal (trans)."""
    return services.proposal_create(
        actor=cast.employee,
        title="Run a partner webinar",
        description="Monthly.",
        why="Partners ask for it.",
        layer=Layer.OPERATIONAL,
        parent=cast.trans,
        cycle=cast.year,
        unit=cast.team,
    )


@pytest.fixture
def sent_back(cast, proposal):
    return services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="How many?")


def _url(proposal, step=""):
    return f"/api/v1/proposals/{proposal.pk}/" + (f"{step}/" if step else "")


# --- The permission matrix: who may do what (the rest: 404 when they may not see it, 403 when they may) -----------

# proposer (employee), the parent's owner (manager), the owner's chain (leader), admins see it; others do not.
SEES = {"admin": 200, "leader": 200, "manager": 200, "employee": 200, "other_employee": 404, "hr": 404}
# accept / request-changes / decline: the parent's owner and admins.
ANSWERS = {"admin": 200, "leader": 403, "manager": 200, "employee": 403, "other_employee": 404, "hr": 404}
# edit / resubmit: the proposer.
EDITS = {"admin": 403, "leader": 403, "manager": 403, "employee": 200, "other_employee": 404, "hr": 404}


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_a_proposal(cast, as_role, proposal, role):
    assert as_role(role).get(_url(proposal)).status_code == SEES[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_finds_a_proposal_in_the_list(cast, as_role, proposal, role):
    ids = [row["id"] for row in as_role(role).get("/api/v1/proposals/").json()["results"]]
    assert (proposal.pk in ids) is (SEES[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_who_accepts_a_proposal(cast, as_role, proposal, role):
    response = as_role(role).post(_url(proposal, "accept"), {})
    assert response.status_code == ANSWERS[role]
    assert Proposal.objects.get(pk=proposal.pk).status == ("accepted" if ANSWERS[role] == 200 else "pending")


@pytest.mark.parametrize("role", ROLES)
def test_who_asks_for_changes(cast, as_role, proposal, role):
    response = as_role(role).post(_url(proposal, "request-changes"), {"comment": "How many?"})
    assert response.status_code == ANSWERS[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_declines(cast, as_role, proposal, role):
    response = as_role(role).post(_url(proposal, "decline"), {"comment": "Not this year."})
    assert response.status_code == ANSWERS[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_edits_a_proposal(cast, as_role, proposal, role):
    response = as_role(role).patch(_url(proposal), {"title": "Run 12 webinars"})
    assert response.status_code == EDITS[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_resubmits_a_proposal(cast, as_role, sent_back, role):
    response = as_role(role).post(_url(sent_back, "resubmit"), {})
    assert response.status_code == EDITS[role]


@pytest.mark.parametrize("role", ROLES)
def test_anyone_proposes_under_a_goal_they_can_see(cast, as_role, role):
    response = as_role(role).post(
        "/api/v1/proposals/", {"title": "Idea", "layer": "operational", "parent": cast.trans.pk}, format="json"
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("role", ROLES)
def test_proposing_under_a_draft_one_cannot_see_is_a_400(cast, as_role, role):
    response = as_role(role).post(
        "/api/v1/proposals/", {"title": "Idea", "layer": "translational", "parent": cast.draft_intent.pk}
    )
    assert response.status_code == (201 if role in ("admin", "leader") else 400)


@pytest.mark.parametrize("role", ROLES)
def test_who_accepts_many(cast, as_role, proposal, role):
    response = as_role(role).post("/api/v1/proposals/accept-many/", {"ids": [proposal.pk]}, format="json")
    assert response.status_code == (200 if ANSWERS[role] == 200 else 400)


def test_the_anonymous_are_asked_to_sign_in(client_for, proposal):
    assert client_for().get("/api/v1/proposals/").status_code == 401


# --- The contract ---------------------------------------------------------------------------------------------


def test_a_proposal_answers_with_the_contracts_fields(cast, as_role, proposal):
    body = as_role("employee").get(_url(proposal)).json()
    assert CONTRACT <= set(body)
    assert (body["status"], body["goal"], body["proposer"]) == ("pending", None, cast.employee.pk)


def test_creating_defaults_cycle_to_the_parents_and_unit_to_the_proposers(cast, as_role):
    response = as_role("employee").post(
        "/api/v1/proposals/", {"title": "Idea", "layer": "operational", "parent": cast.trans.pk}
    )
    body = response.json()
    assert (body["cycle"], body["unit"], body["steps"][0]["action"]) == (cast.year.pk, cast.team.pk, "submitted")


def test_accepting_answers_with_the_goal_it_became(cast, as_role, proposal):
    body = as_role("manager").post(_url(proposal, "accept"), {}).json()
    goal = Goal.objects.get(pk=body["goal"])
    assert (body["status"], goal.owner, goal.status) == ("accepted", cast.employee, GoalStatus.ACTIVE)


def test_asking_for_changes_without_a_comment_is_a_400_naming_it(cast, as_role, proposal):
    response = as_role("manager").post(_url(proposal, "request-changes"), {})
    assert response.status_code == 400
    assert "comment" in response.json()


def test_declining_without_a_comment_is_a_400_naming_it(cast, as_role, proposal):
    response = as_role("manager").post(_url(proposal, "decline"), {"comment": ""})
    assert response.status_code == 400
    assert "comment" in response.json()


def test_accepting_a_declined_proposal_is_a_400_naming_the_rule(cast, as_role, proposal):
    services.proposal_decline(actor=cast.manager, proposal=proposal, comment="No.")
    response = as_role("manager").post(_url(proposal, "accept"), {})
    assert response.status_code == 400
    assert "Only a proposal that is waiting for an answer" in response.json()["status"][0]


def test_a_proposal_breaking_the_cascade_rules_is_a_400_naming_the_parent(cast, as_role):
    response = as_role("employee").post(
        "/api/v1/proposals/", {"title": "Idea", "layer": "operational", "parent": cast.intent.pk}
    )
    assert response.status_code == 400
    assert "Layers never go upward" in response.json()["parent"][0]


def test_a_personal_proposal_is_a_400_naming_the_layer(cast, as_role):
    response = as_role("employee").post("/api/v1/proposals/", {"title": "Idea", "layer": "personal", "parent": 1})
    assert response.status_code == 400
    assert "layer" in response.json()


def test_bad_metrics_are_a_400_naming_metrics(cast, as_role):
    response = as_role("employee").post(
        "/api/v1/proposals/",
        {
            "title": "Idea",
            "layer": "operational",
            "parent": cast.trans.pk,
            "metrics": [{"name": "X", "start": "1e400", "target": 1}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "metrics" in response.json()


def test_metrics_that_are_not_a_list_are_a_400(cast, as_role):
    response = as_role("employee").post(
        "/api/v1/proposals/",
        {"title": "Idea", "layer": "operational", "parent": cast.trans.pk, "metrics": {"name": "X"}},
        format="json",
    )
    assert response.status_code == 400
    assert "metrics" in response.json()


def test_a_huge_parent_id_is_a_400_not_a_500(cast, as_role):
    response = as_role("employee").post(
        "/api/v1/proposals/", {"title": "Idea", "layer": "operational", "parent": 10**30}, format="json"
    )
    assert response.status_code == 400


def test_an_unknown_proposal_is_a_404(cast, as_role):
    assert as_role("admin").get("/api/v1/proposals/999999/").status_code == 404


def test_a_draft_is_sent_up_through_the_api_and_published_on_accept(cast, as_role):
    from apps.goals import services as goal_services

    draft = goal_services.goal_create(
        actor=cast.manager, title="Open Jakarta", layer=Layer.TRANSLATIONAL, cycle=cast.year, unit=cast.team,
        owner=cast.manager, parent=cast.intent, status=GoalStatus.DRAFT,
    )  # fmt: skip
    created = as_role("manager").post("/api/v1/proposals/", {"draft": draft.pk}).json()
    assert (created["parent"], created["layer"], created["draft"]) == (cast.intent.pk, "translational", draft.pk)
    accepted = as_role("leader").post(f"/api/v1/proposals/{created['id']}/accept/", {}).json()
    assert accepted["goal"] == draft.pk
    draft.refresh_from_db()
    assert draft.status == GoalStatus.ACTIVE


# --- Filters --------------------------------------------------------------------------------------------------


def test_waiting_lists_what_waits_for_me(cast, as_role, proposal):
    as_role("manager").post(
        "/api/v1/proposals/", {"title": "Mine", "layer": "operational", "parent": cast.trans.pk}
    )  # the manager's own, under their own goal: also waiting for them
    ids = {row["id"] for row in as_role("manager").get("/api/v1/proposals/?waiting=true").json()["results"]}
    assert proposal.pk in ids
    assert as_role("employee").get("/api/v1/proposals/?waiting=true").json()["count"] == 0


def test_mine_lists_what_i_proposed(cast, as_role, proposal):
    assert as_role("employee").get("/api/v1/proposals/?mine=true").json()["count"] == 1
    assert as_role("manager").get("/api/v1/proposals/?mine=true").json()["count"] == 0


def test_status_filter(cast, as_role, sent_back):
    client = as_role("employee")
    assert client.get("/api/v1/proposals/?status=changes_requested").json()["count"] == 1
    assert client.get("/api/v1/proposals/?status=pending").json()["count"] == 0


def test_an_unknown_status_filter_is_a_400(cast, as_role):
    assert as_role("employee").get("/api/v1/proposals/?status=maybe").status_code == 400


def test_parent_filter(cast, as_role, proposal):
    client = as_role("manager")
    assert client.get(f"/api/v1/proposals/?parent={cast.trans.pk}").json()["count"] == 1
    assert client.get(f"/api/v1/proposals/?parent={cast.oper.pk}").json()["count"] == 0


# --- Bulk accept ----------------------------------------------------------------------------------------------


def test_accept_many_accepts_all(cast, as_role, proposal):
    other = services.proposal_create(
        actor=cast.employee, title="Two", layer=Layer.OPERATIONAL, parent=cast.trans, cycle=cast.year, unit=cast.team
    )
    body = as_role("manager").post("/api/v1/proposals/accept-many/", {"ids": [proposal.pk, other.pk]}, format="json")
    assert {row["status"] for row in body.json()["accepted"]} == {"accepted"}


def test_accept_many_accepts_none_when_one_fails_and_names_it(cast, as_role, proposal, sent_back):
    good = services.proposal_create(
        actor=cast.employee, title="Two", layer=Layer.OPERATIONAL, parent=cast.trans, cycle=cast.year, unit=cast.team
    )
    response = as_role("manager").post(
        "/api/v1/proposals/accept-many/", {"ids": [good.pk, sent_back.pk]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["ids"][0].startswith(f"#{sent_back.pk}")
    assert Proposal.objects.get(pk=good.pk).status == "pending"


def test_accept_many_names_ids_one_may_not_see_as_not_found(cast, as_role, proposal):
    response = as_role("other_employee").post("/api/v1/proposals/accept-many/", {"ids": [proposal.pk]}, format="json")
    assert response.status_code == 400
    assert str(proposal.pk) in response.json()["ids"][0]


def test_accept_many_refuses_an_empty_list(cast, as_role):
    response = as_role("manager").post("/api/v1/proposals/accept-many/", {"ids": []}, format="json")
    assert response.status_code == 400


# --- Query count ----------------------------------------------------------------------------------------------


def test_the_list_costs_the_same_few_queries_for_many_proposals(cast, as_role, django_assert_max_num_queries):
    for number in range(15):
        proposal = services.proposal_create(
            actor=cast.employee, title=f"Idea {number}", layer=Layer.OPERATIONAL, parent=cast.trans, cycle=cast.year,
            unit=cast.team,
        )  # fmt: skip
        services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="More.")
    client = as_role("manager")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/proposals/")
    assert response.json()["count"] == 15


def test_accept_many_names_a_bad_id_in_a_flat_message(cast, as_role):
    response = as_role("manager").post("/api/v1/proposals/accept-many/", {"ids": [1, "x"]}, format="json")
    assert response.status_code == 400
    assert response.json()["ids"] == ["Item 2: A valid integer is required."]
