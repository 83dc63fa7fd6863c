"""The proposal pages: the two lists, proposing under a goal, the conversation with each side's buttons, and the
goal page's panel."""

import pytest
from django.urls import reverse

from apps.goals.models import Goal
from apps.proposals import services
from apps.proposals.models import Proposal
from tests.picking import as_one_types

pytestmark = pytest.mark.django_db


def _as(client, person):
    client.force_login(person)
    return client


def test_the_list_shows_what_waits_for_me_with_checkboxes(client, cast, proposal):
    page = _as(client, cast.manager).get(reverse("proposals:list")).content.decode()
    assert f'name="ids" value="{proposal.pk}"' in page
    assert "Accept selected" in page


def test_the_list_shows_my_proposals_with_their_status(client, cast, proposal):
    page = _as(client, cast.employee).get(reverse("proposals:list")).content.decode()
    assert "Run a partner webinar" in page and "Waiting for an answer" in page
    assert 'name="ids"' not in page


def test_accept_selected_accepts_the_chosen(client, cast, propose):
    one, two = propose(title="One"), propose(title="Two")
    response = _as(client, cast.manager).post(reverse("proposals:accept-selected"), {"ids": [one.pk]})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=one.pk).status == "accepted"
    assert Proposal.objects.get(pk=two.pk).status == "pending"


def test_accept_selected_ignores_proposals_not_waiting_for_me(client, cast, proposal):
    _as(client, cast.employee).post(reverse("proposals:accept-selected"), {"ids": [proposal.pk, "x"]})
    assert Proposal.objects.get(pk=proposal.pk).status == "pending"


def test_proposing_from_the_form_creates_a_waiting_proposal(client, cast):
    url = f"{reverse('proposals:new')}?parent={cast.trans.pk}"
    data = {"title": "Visit 5 partners", "layer": "operational", "cycle": cast.year.pk, "unit": cast.team.pk}
    response = _as(client, cast.employee).post(url, {**data, "metric_name": "Visits", "metric_start": "0"})
    assert response.status_code == 200  # the metric needs a target: an error next to it
    assert "A metric needs a start and a target value." in response.content.decode()
    response = client.post(url, data)
    proposal = Proposal.objects.get(title="Visit 5 partners")
    assert response.url == reverse("proposals:detail", args=[proposal.pk])
    assert proposal.proposer == cast.employee and proposal.parent == cast.trans


def test_proposing_under_a_goal_one_cannot_see_is_not_found(client, cast):
    response = _as(client, cast.other_employee).get(f"{reverse('proposals:new')}?parent={cast.personal.pk}")
    assert response.status_code == 404


def test_the_form_offers_only_layers_allowed_under_the_parent(client, cast):
    page = _as(client, cast.employee).get(f"{reverse('proposals:new')}?parent={cast.intent.pk}").content.decode()
    assert 'value="translational"' in page and 'value="operational"' not in page


def test_a_proposal_page_is_not_found_for_someone_outside_the_chain(client, cast, proposal):
    assert _as(client, cast.hr).get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404


def test_the_parents_owner_sees_the_answer_buttons(client, cast, proposal):
    page = _as(client, cast.manager).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "Accept</button>" in page and "Ask for changes" in page and "Decline" in page


def test_the_proposer_sees_no_answer_buttons(client, cast, proposal):
    page = _as(client, cast.employee).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "Ask for changes" not in page and "Change it" in page


def test_asking_for_changes_without_a_comment_shows_the_error_next_to_it(client, cast, proposal):
    response = _as(client, cast.manager).post(
        reverse("proposals:answer", args=[proposal.pk]), {"action": "request-changes", "comment": ""}
    )
    assert response.status_code == 400
    assert "Say why in a comment" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == "pending"


def test_the_conversation_shows_every_step_with_its_comment(client, cast, proposal):
    services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="How many webinars?")
    page = _as(client, cast.employee).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "proposed it" in page and "asked for changes" in page and "How many webinars?" in page
    assert "Resubmit" in page


def test_the_proposer_edits_and_resubmits_from_the_pages(client, cast, proposal):
    services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="How many?")
    _as(client, cast.employee)
    data = {"title": "Run 12 webinars", "layer": "operational", "cycle": cast.year.pk, "unit": cast.team.pk}
    client.post(reverse("proposals:edit", args=[proposal.pk]), data)
    client.post(reverse("proposals:resubmit", args=[proposal.pk]), {"comment": "Twelve."})
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == ("Run 12 webinars", "pending")


def test_accepting_from_the_page_creates_the_goal(client, cast, proposal):
    _as(client, cast.manager).post(reverse("proposals:answer", args=[proposal.pk]), {"action": "accept"})
    assert Goal.objects.filter(title="Run a partner webinar", owner=cast.employee).exists()


def test_the_goal_page_offers_to_propose_under_it(client, cast):
    page = _as(client, cast.employee).get(reverse("goals:detail", args=[cast.trans.pk])).content.decode()
    assert f"{reverse('proposals:new')}?parent={cast.trans.pk}" in page


def test_the_goal_page_tells_its_owner_how_many_proposals_wait(client, cast, proposal):
    page = _as(client, cast.manager).get(reverse("goals:detail", args=[cast.trans.pk])).content.decode()
    assert "1 proposal waits for your answer" in page


def test_a_personal_goal_page_offers_no_proposal(client, cast):
    page = _as(client, cast.employee).get(reverse("goals:detail", args=[cast.personal.pk])).content.decode()
    assert "Propose a goal under this" not in page


def test_the_parents_owner_reads_that_the_proposer_has_the_turn(client, cast, proposal):
    services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="How many?")
    page = _as(client, cast.manager).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "Waiting for Employee to change it and resubmit it." in page
    assert "Accept</button>" not in page and "Decline</button>" in page


@pytest.fixture
def draft(cast):
    from apps.goals import services as goal_services

    return goal_services.goal_create(
        actor=cast.manager, title="Open a Jakarta office", layer="translational", cycle=cast.year,
        unit=cast.team, owner=cast.manager, parent=cast.intent, status="draft",
    )  # fmt: skip


def test_the_owner_of_a_draft_translation_sends_it_up_from_its_page(client, cast, draft):
    _as(client, cast.manager)
    page = client.get(reverse("goals:detail", args=[draft.pk])).content.decode()
    assert "Send it up for agreement" in page
    response = client.post(reverse("proposals:send-up", args=[draft.pk]))
    proposal = Proposal.objects.get(draft=draft)
    assert response.url == reverse("proposals:detail", args=[proposal.pk])
    page = client.get(reverse("goals:detail", args=[draft.pk])).content.decode()
    assert "This draft waits for agreement" in page and "Send it up for agreement" not in page


def test_sending_up_someone_elses_draft_is_refused(client, cast, draft):
    response = _as(client, cast.leader).post(reverse("proposals:send-up", args=[draft.pk]))
    assert response.status_code == 302
    assert not Proposal.objects.filter(draft=draft).exists()


def test_a_published_goal_offers_no_send_up(client, cast):
    page = _as(client, cast.manager).get(reverse("goals:detail", args=[cast.trans.pk])).content.decode()
    assert "Send it up for agreement" not in page


def test_the_list_page_costs_the_same_whatever_the_number_of_proposals(
    client, cast, propose, django_assert_max_num_queries
):
    for number in range(12):
        propose(title=f"Idea {number}")
        propose(actor=cast.manager, title=f"Mine {number}")
    _as(client, cast.manager)
    # session, person, the two lists, the header's unread count
    with django_assert_max_num_queries(7):
        page = client.get(reverse("proposals:list")).content.decode()
    assert "Idea 11" in page and "Mine 11" in page


def test_in_a_large_organisation_the_proposals_unit_is_searched_not_listed(client, cast, monkeypatch):
    from apps.core import picker

    monkeypatch.setattr(picker, "THRESHOLD", 2)
    url = f"{reverse('proposals:new')}?parent={cast.trans.pk}"
    page = _as(client, cast.employee).get(url).content.decode()
    assert '<select name="unit"' not in page and 'name="unit_q"' in page
    assert f'name="unit" value="{cast.team.pk}"' in as_one_types(client, page, "unit", "apac")
    typed = {"title": "Visit 5 partners", "layer": "operational", "cycle": cast.year.pk, "unit_q": "apac"}
    found = client.post(url, {**typed, "unit_find": "1"})
    assert f'value="{cast.team.pk}"' in found.content.decode() and not Proposal.objects.exists()
    response = client.post(url, {**typed, "unit": cast.team.pk})
    assert Proposal.objects.get(title="Visit 5 partners").unit == cast.team and response.status_code == 302
