"""A proposal's steps reach the other side through the notification pages and the digest mail."""

import pytest
from django.urls import reverse

from apps.notifications.digests import digest_message
from apps.notifications.models import Digest, Notification
from apps.proposals import services

pytestmark = pytest.mark.django_db

METRIC = {"name": "Webinars held", "unit": "number", "start": 0, "target": 12, "display_unit": "", "weight": 1}


def test_the_proposer_reads_the_answer_on_their_notifications_page(client, cast, proposal):
    services.proposal_request_changes(actor=cast.manager, proposal=proposal, comment="How many?")
    client.force_login(cast.employee)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Your proposal was answered" in page
    note = Notification.objects.get(person=cast.employee)
    opened = client.post(reverse("notifications:read", args=[note.pk]), {"next": "follow"})
    assert opened.url == f"/proposals/{proposal.pk}/"


def test_the_parents_owner_reads_the_waiting_proposal_on_their_notifications_page(client, cast, proposal):
    client.force_login(cast.manager)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "A proposal waits for you" in page and "Run a partner webinar" in page


def test_a_digest_mail_carries_a_proposal_answer(cast, proposal):
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    digest = Digest.objects.create(person=cast.employee, period="daily:2027-01-04", batch="test")
    notes = list(Notification.objects.filter(person=cast.employee))
    Notification.objects.filter(pk__in=[n.pk for n in notes]).update(digest=digest)
    message = digest_message(digest, notes)
    assert "accepted it: “Run a partner webinar”" in message.body
    assert f"/proposals/{proposal.pk}/" in message.body


def test_accepting_with_metrics_tells_the_proposer_once(cast, propose):
    proposal = propose(metrics=[METRIC])
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    kinds = list(Notification.objects.filter(person=cast.employee).values_list("kind", flat=True))
    assert kinds == [Notification.Kind.PROPOSAL_ANSWERED]
