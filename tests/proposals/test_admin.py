"""The Django admin reads proposals and their conversation; answers go through the pages or the API."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_shows_a_proposal_with_its_conversation(client, cast, proposal):
    client.force_login(cast.admin)
    assert "Run a partner webinar" in client.get(reverse("admin:proposals_proposal_changelist")).content.decode()
    page = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()
    assert "proposed it" in page


def test_the_admin_adds_no_proposal_by_hand(client, cast):
    client.force_login(cast.admin)
    assert client.get(reverse("admin:proposals_proposal_add")).status_code == 403
