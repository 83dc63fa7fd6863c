"""metrics/ display_unit: what pages and exports show with the values ("$", "days"); additive, at most 16 characters."""

from apps.goals.models import Metric

METRICS = "/api/v1/metrics/"


def test_the_api_takes_and_answers_the_display_unit(as_role, cast):
    data = {
        "goal": cast.trans.pk,
        "name": "APAC revenue",
        "unit": "currency",
        "display_unit": "$",
        "start": 0,
        "target": 9,
    }
    response = as_role("manager").post(METRICS, data, format="json")
    assert response.status_code == 201 and response.json()["display_unit"] == "$", response.content
    metric = Metric.objects.get(pk=response.json()["id"])
    response = as_role("manager").patch(f"{METRICS}{metric.pk}/", {"display_unit": "USD"}, format="json")
    assert response.status_code == 200 and response.json()["display_unit"] == "USD"


def test_a_metric_without_a_display_unit_answers_an_empty_one(as_role, cast):
    data = {"goal": cast.trans.pk, "name": "Deals", "start": 0, "target": 9}
    assert as_role("manager").post(METRICS, data, format="json").json()["display_unit"] == ""


def test_a_display_unit_too_long_is_400_naming_the_field(as_role, cast):
    data = {"goal": cast.trans.pk, "name": "Deals", "start": 0, "target": 9, "display_unit": "x" * 17}
    response = as_role("manager").post(METRICS, data, format="json")
    assert response.status_code == 400 and "display_unit" in response.json()
