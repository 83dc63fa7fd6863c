"""Bounded input: whatever its size or shape, a request gets a 400 that names the field or the rule, changes
nothing, and never a 500."""

import json

import pytest

from apps.goals.models import CheckIn, Goal

NON_FIELD = "non_field_errors"


def post_raw(client, url: str, body: str):
    return client.post(url, data=body, content_type="application/json")


@pytest.mark.parametrize("depth", [40, 1000, 100_000])
def test_deeply_nested_json_is_a_400_even_before_sign_in(client_for, db, depth):
    response = post_raw(client_for(), "/api/v1/auth/token/", "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert "nest at most 32 levels" in response.json()[NON_FIELD][0]


def test_nested_json_within_the_limit_reaches_validation(as_role):
    body = json.dumps({"title": [[["too deep for a title"]]]})
    response = post_raw(as_role("admin"), "/api/v1/goals/", body)
    assert response.status_code == 400 and "title" in response.json()


def test_a_body_over_the_upload_limit_is_a_400(as_role, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_raw(as_role("admin"), "/api/v1/goals/", json.dumps({"title": "x" * 2000}))
    assert response.status_code == 400
    assert "larger than 1,000 bytes" in response.json()[NON_FIELD][0]


@pytest.mark.parametrize(
    ("field", "length", "rule"),
    [("why", 10_001, "At most 10,000 characters"), ("description", 10_001, "At most 10,000"), ("title", 301, "300")],
)
def test_goal_text_over_its_length_is_refused_by_name(as_role, cast, field, length, rule):
    response = as_role("admin").patch(f"/api/v1/goals/{cast.intent.pk}/", {field: "w" * length}, format="json")
    assert response.status_code == 400
    assert rule in response.json()[field][0]
    assert len(getattr(Goal.objects.get(pk=cast.intent.pk), field)) < length


@pytest.mark.parametrize(("note", "rule"), [("n" * 10_001, "At most 10,000 characters"), ("a\x00b", "Null characters")])
def test_checkin_note_is_bounded_and_holdable(as_role, cast, note, rule):
    before = CheckIn.objects.count()
    response = as_role("admin").post(
        f"/api/v1/metrics/{cast.oper_metric.pk}/checkins/", {"value": 3, "confidence": 5, "note": note}, format="json"
    )
    assert response.status_code == 400
    assert rule in response.json()["note"][0]
    assert CheckIn.objects.count() == before


def test_text_at_the_limit_is_kept_whole(as_role, cast):
    why = "w" * 10_000
    response = as_role("admin").patch(f"/api/v1/goals/{cast.intent.pk}/", {"why": why}, format="json")
    assert response.status_code == 200
    assert Goal.objects.get(pk=cast.intent.pk).why == why


def test_services_bound_text_for_every_caller(cast):
    """The pages, the admin and imports call the services, which hold the same bounds as the API."""
    from django.core.exceptions import ValidationError

    from apps.goals import services

    with pytest.raises(ValidationError) as refused:
        services.goal_update(actor=None, goal=cast.personal, identity="i" * 10_001)
    assert "identity" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.checkin_record(actor=cast.employee, metric=cast.personal_metric, value=1, confidence=5, note="\x00")
    assert "NUL" in refused.value.message_dict["note"][0]
