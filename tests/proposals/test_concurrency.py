"""Races on a proposal (PostgreSQL): two answers at once — an accept and a decline, or two accepts — give one
answer; the other is refused naming the status, and at most one goal is created."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from apps.goals.models import Goal, Layer
from apps.proposals import services
from apps.proposals.models import Proposal
from tests.cast import build_cast


def _race(*answers) -> tuple[list[BaseException], list[BaseException]]:
    barrier = threading.Barrier(len(answers))
    refused: list[BaseException] = []
    errors: list[BaseException] = []

    def run(answer) -> None:
        try:
            barrier.wait()
            answer()
        except ValidationError as exc:
            refused.append(exc)
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(answer,)) for answer in answers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return refused, errors


def _proposal(cast) -> Proposal:
    return services.proposal_create(
        actor=cast.employee, title="Run a webinar", layer=Layer.OPERATIONAL, parent=cast.trans, cycle=cast.year,
        unit=cast.team,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_create_one_goal(postgres):
    cast = build_cast()
    proposal = _proposal(cast)
    accept = lambda: services.proposal_accept(actor=cast.manager, proposal=proposal)  # noqa: E731
    refused, errors = _race(accept, accept)
    assert errors == [] and len(refused) == 1 and "status" in refused[0].message_dict
    assert Goal.objects.filter(title="Run a webinar").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_accept_and_a_decline_at_once_give_one_answer(postgres):
    cast = build_cast()
    proposal = _proposal(cast)
    refused, errors = _race(
        lambda: services.proposal_accept(actor=cast.manager, proposal=proposal),
        lambda: services.proposal_decline(actor=cast.manager, proposal=proposal, comment="No."),
    )
    assert errors == [] and len(refused) == 1
    proposal.refresh_from_db()
    assert (proposal.status == "accepted") == Goal.objects.filter(title="Run a webinar").exists()
    assert proposal.steps.filter(action__in=("accepted", "declined")).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_draft_sent_up_twice_at_once_waits_in_one_proposal(postgres):
    from apps.goals import services as goal_services

    cast = build_cast()
    draft = goal_services.goal_create(
        actor=cast.manager, title="Open Jakarta", layer=Layer.TRANSLATIONAL, cycle=cast.year, unit=cast.team,
        owner=cast.manager, parent=cast.intent, status="draft",
    )  # fmt: skip
    send_up = lambda: services.proposal_create(actor=cast.manager, draft=draft)  # noqa: E731
    refused, errors = _race(send_up, send_up)
    assert errors == [] and len(refused) == 1 and "draft" in refused[0].message_dict
    assert Proposal.objects.filter(draft=draft).count() == 1
