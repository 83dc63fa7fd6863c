"""Plain words on the goal pages and metric values with their display unit ("$131,000,000", "78 days")."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from apps.cycles.models import Cycle
from apps.goals import services
from apps.goals.forms import GoalEditForm, TranslateForm
from apps.goals.models import Goal, Layer, Metric
from apps.goals.templatetags.cascade import with_unit
from apps.org.models import Unit
from tests.cast import build_cast
from tests.factories import MetricFactory


@pytest.fixture
def cast(db):
    return build_cast()


def shown(value, unit="", kind=Metric.Unit.NUMBER):
    return with_unit(Decimal(value), SimpleNamespace(display_unit=unit, unit=kind))


@pytest.mark.parametrize(
    ("value", "unit", "kind", "text"),
    [
        ("131000000", "$", Metric.Unit.CURRENCY, "$131,000,000"),
        ("1.5", "€", Metric.Unit.NUMBER, "€1.50"),
        ("2", "$m", Metric.Unit.CURRENCY, "$2m"),
        ("131000000", "USD", Metric.Unit.CURRENCY, "USD 131,000,000"),
        ("78", "days", Metric.Unit.NUMBER, "78 days"),
        ("3", "people", Metric.Unit.NUMBER, "3 people"),
        ("12", "", Metric.Unit.PERCENT, "12%"),
        ("12", "%", Metric.Unit.NUMBER, "12%"),
        ("1234.5", "", Metric.Unit.NUMBER, "1,234.50"),
    ],
)
def test_a_currency_goes_before_the_amount_and_other_units_after(value, unit, kind, text):
    assert shown(value, unit, kind) == text


def test_the_service_refuses_a_display_unit_too_long(cast):
    with pytest.raises(Exception, match="display_unit"):
        services.metric_update(actor=None, metric=MetricFactory(goal=cast.trans), display_unit="y" * 17)


def test_the_goal_page_shows_values_with_their_unit(client, cast):
    MetricFactory(goal=cast.trans, name="Revenue", unit="currency", display_unit="$", start=0, target=131_000_000)
    MetricFactory(goal=cast.oper, name="Sales cycle", display_unit="days", start=90, target=78)
    client.force_login(cast.manager)
    assert "$131,000,000" in client.get(reverse("goals:detail", args=[cast.trans.pk])).content.decode()
    assert "of 78 days" in client.get(reverse("goals:detail", args=[cast.oper.pk])).content.decode()


def test_the_metric_form_sets_the_display_unit(client, cast):
    client.force_login(cast.manager)
    data = {"name": "Hires", "unit": "number", "display_unit": "people", "start": 0, "target": 3, "weight": 1}
    client.post(reverse("goals:metric-add", args=[cast.trans.pk]), data)
    assert cast.trans.metrics.get(name="Hires").display_unit == "people"


def test_the_weekly_check_in_shows_the_last_value_with_its_unit(client, cast):
    MetricFactory(goal=cast.personal, name="Pipeline", unit="currency", display_unit="$", start=0, target=5000)
    client.force_login(cast.employee)
    assert "of $5,000" in client.get(reverse("goals:weekly-checkin")).content.decode()


def test_the_operational_layer_is_called_a_goal(cast):
    assert Layer.OPERATIONAL.label == "Operational goal"
    form = TranslateForm(parent=cast.trans, units=Unit.objects.none(), cycles=Cycle.objects.none())
    assert ("operational", "Operational goal") in form.fields["layer"].choices


@pytest.mark.parametrize("name", ["goals:map", "goals:strategy"])
def test_the_filters_never_show_a_row_of_dashes(client, cast, name):
    client.force_login(cast.leader)
    page = client.get(reverse(name)).content.decode()
    assert "---------" not in page and "The current cycle" in page


def test_the_map_offers_all_units(client, cast):
    client.force_login(cast.leader)
    assert "All units" in client.get(reverse("goals:map")).content.decode()


def test_manual_progress_is_asked_as_a_percentage_and_kept_as_a_fraction(client, cast):
    services.goal_update(actor=None, goal=cast.personal, progress_source="manual", manual_progress=0.25)
    form = GoalEditForm(initial={"manual_progress": 0.25}, goal=cast.personal)
    assert form["manual_progress"].value() == 25
    client.force_login(cast.employee)
    data = {"title": cast.personal.title, "weight": 1, "status": "active", "progress_source": "manual"}
    client.post(reverse("goals:edit", args=[cast.personal.pk]), {**data, "manual_progress": "40"})
    assert Goal.objects.get(pk=cast.personal.pk).manual_progress == pytest.approx(0.4)


def test_a_percentage_above_100_is_refused_next_to_the_field(cast):
    data = {"title": "x", "weight": 1, "status": "active", "progress_source": "manual", "manual_progress": "140"}
    form = GoalEditForm(data, initial={}, goal=cast.personal)
    assert not form.is_valid() and "manual_progress" in form.errors


def test_the_goal_page_says_which_source_its_progress_comes_from(client, cast):
    client.force_login(cast.manager)
    page = client.get(reverse("goals:detail", args=[cast.trans.pk])).content.decode()
    assert "Progress comes from: the goals under it (chosen automatically" in page
    MetricFactory(goal=cast.trans)
    page = client.get(reverse("goals:detail", args=[cast.trans.pk])).content.decode()
    assert "Progress comes from: its metrics (chosen automatically" in page


def test_an_intent_on_my_work_is_never_called_unlinked(client, cast):
    client.force_login(cast.leader)
    page = client.get(reverse("home")).content.decode()
    assert "Double revenue" in page and "Not linked to the strategy yet" not in page


def test_health_is_shown_with_a_shape_and_words_not_colour_alone(client, cast):
    client.force_login(cast.employee)
    page = client.get(reverse("goals:detail", args=[cast.personal.pk])).content.decode()
    assert '<span class="health-icon" aria-hidden="true">' in page
