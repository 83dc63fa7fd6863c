"""The Django admin shows links read-only: the cascade rules for links live in apps.goals.links alone."""

from django.urls import reverse

from apps.goals import links
from apps.goals.models import GoalLink
from tests.cast import build_cast


def test_the_admin_shows_links_but_never_writes_them(client, db):
    cast = build_cast()
    link = links.link_create(actor=None, source=cast.other_trans, target=cast.draft_intent, kind="supports")
    client.force_login(cast.admin)
    assert client.get(reverse("admin:goals_goallink_changelist")).status_code == 200
    assert client.get(reverse("admin:goals_goallink_change", args=[link.pk])).status_code == 200
    assert client.get(reverse("admin:goals_goallink_add")).status_code == 403
    delete = client.post(reverse("admin:goals_goallink_delete", args=[link.pk]), {"post": "yes"})
    assert delete.status_code == 403 and GoalLink.objects.filter(pk=link.pk).exists()
