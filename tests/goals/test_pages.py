"""The pages: the same permission rules as the API, service errors next to the field, and pinned query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.goals import services
from apps.goals.models import CheckIn, Goal, GoalStatus, Layer
from tests.api.test_tree_scale import bulk_subtree
from tests.cast import CHANGEABLE, GOALS, PRIVATE_VISIBLE, ROLES, VISIBLE, build_cast
from tests.factories import CycleFactory, GoalFactory, MetricFactory, PersonFactory, UnitFactory
from tests.picking import as_one_types


@pytest.fixture
def cast(db):
    return build_cast()


class Pages:
    """`page("employee", url, data=None)`: GET (or POST with data) as that member of the cast."""

    def __init__(self, client, cast):
        self.client, self.cast, self.role = client, cast, None

    def login(self, role: str) -> None:
        if role != self.role:
            self.client.force_login(self.cast.person(role))
            self.role = role

    def __call__(self, role, url, data=None, **extra):
        self.login(role)
        return self.client.post(url, data, **extra) if data is not None else self.client.get(url, **extra)


@pytest.fixture
def page(client, cast):
    return Pages(client, cast)


def detail(goal):
    return reverse("goals:detail", args=[goal.pk])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", GOALS)
def test_goal_page_answers_as_the_permission_rules_say(page, cast, role, name):
    status = page(role, detail(cast.goal(name))).status_code
    assert status == (200 if name in VISIBLE[role] else 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", GOALS)
def test_edit_page_is_403_for_what_a_role_sees_but_may_not_change(page, cast, role, name):
    status = page(role, reverse("goals:edit", args=[cast.goal(name).pk])).status_code
    expected = 200 if name in CHANGEABLE[role] else 403 if name in VISIBLE[role] else 404
    assert status == expected


@pytest.mark.parametrize("role", [role for role in ROLES if "personal" in VISIBLE[role]])
def test_private_why_shows_only_to_the_owner_and_their_manager_chain(page, cast, role):
    shown = "To prove I can run a sale end to end." in page(role, detail(cast.personal)).content.decode()
    assert shown == ("personal" in PRIVATE_VISIBLE[role])


def test_employee_gets_404_on_someone_elses_personal_goal(page, cast):
    assert page("employee", detail(cast.other_personal)).status_code == 404


def test_employee_gets_403_on_editing_an_intent(page, cast):
    response = page("employee", reverse("goals:edit", args=[cast.intent.pk]))
    assert response.status_code == 403
    assert "may see this goal but not change it" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("leader", 200), ("admin", 200), ("manager", 403), ("employee", 403), ("hr", 403)]
)
def test_strategy_page_is_for_leaders(page, role, status):
    assert page(role, reverse("goals:strategy")).status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [("hr", 200), ("admin", 200), ("leader", 403), ("manager", 403), ("employee", 403)]
)
def test_alignment_page_is_for_hr(page, role, status):
    assert page(role, reverse("reports:alignment")).status_code == status


def test_leader_drafts_then_publishes_an_intent(page, cast):
    response = page(
        "leader",
        reverse("goals:intent-new"),
        {
            "title": "Become carbon neutral",
            "why": "Customers ask for it",
            "description": "",
            "cycle": cast.year.pk,
            "unit": cast.company.pk,
            "metric-name": "Tonnes of CO2",
            "metric-unit": "number",
            "metric-start": "1000",
            "metric-target": "0",
            "metric-weight": "1",
        },
    )
    goal = Goal.objects.get(title="Become carbon neutral")
    assert response.status_code == 302 and goal.status == GoalStatus.DRAFT and goal.layer == Layer.INTENT
    assert goal.metrics.get().target == Decimal(0)
    assert page("employee", detail(goal)).status_code == 404  # drafts: owner, leaders and admins only
    page("leader", reverse("goals:publish", args=[goal.pk]), {})
    assert page("employee", detail(goal)).status_code == 200


def test_a_refused_first_metric_leaves_no_draft_intent_behind(page, cast):
    data = {
        "title": "Become carbon neutral",
        "cycle": cast.year.pk,
        "unit": cast.company.pk,
        "metric-name": "Tonnes of CO2",
        "metric-unit": "number",
        "metric-start": "1000",
        "metric-target": "0",
        "metric-weight": "2000000",  # the form takes it; the service's weight cap refuses it
    }
    for _attempt in range(2):
        response = page("leader", reverse("goals:intent-new"), data)
        assert response.status_code == 200
        assert "at most 1,000,000" in response.context["metric_form"].errors["weight"][0]
    assert not Goal.objects.filter(title="Become carbon neutral").exists()


def test_more_than_three_published_intents_get_a_gentle_warning(page, cast):
    for n in range(3):
        GoalFactory(layer=Layer.INTENT, cycle=cast.year, unit=cast.company, owner=cast.leader, title=f"Priority {n}")
    text = page("leader", reverse("goals:strategy") + f"?cycle={cast.year.pk}").content.decode()
    assert "Focus on the top 3 priorities" in text


def test_translate_warns_when_the_title_copies_the_parent_and_saves_anyway_on_confirmation(page, cast):
    url = reverse("goals:translate", args=[cast.trans.pk])
    form = {
        "title": "Grow APAC!",
        "why": "",
        "layer": Layer.OPERATIONAL,
        "unit": cast.team.pk,
        "cycle": cast.year.pk,
        "metric_name": "",
        "metric_start": "",
        "metric_target": "",
        "metric_unit": "",
    }
    first = page("manager", url, form)
    assert first.status_code == 200 and "reads like a copy" in first.content.decode()
    assert not Goal.objects.filter(title="Grow APAC!").exists()
    reworded_but_still_a_copy = page("manager", url, {**form, "title": "Grow APAC!!", "confirmed_title": "Grow APAC!"})
    assert "reads like a copy" in reworded_but_still_a_copy.content.decode()
    second = page("manager", url, {**form, "confirmed_title": "Grow APAC!"})
    assert second.status_code == 302
    assert Goal.objects.get(title="Grow APAC!").parent == cast.trans
    assert not Goal.objects.filter(title="Grow APAC!!").exists()


def test_translate_is_offered_only_to_people_who_lead_a_unit(page, cast):
    assert "Translate for my team" in page("manager", detail(cast.trans)).content.decode()
    assert "Translate for my team" not in page("employee", detail(cast.trans)).content.decode()


def test_translate_saves_a_team_goal_with_its_metric(page, cast):
    response = page(
        "manager",
        reverse("goals:translate", args=[cast.trans.pk]),
        {
            "title": "Hire 3 sales people and ramp each to $6m ARR",
            "why": "More quota",
            "layer": Layer.OPERATIONAL,
            "unit": cast.team.pk,
            "cycle": cast.year.pk,
            "metric_name": "People hired",
            "metric_unit": "number",
            "metric_start": "0",
            "metric_target": "3",
        },
    )
    goal = Goal.objects.get(title="Hire 3 sales people and ramp each to $6m ARR")
    assert response["Location"] == detail(goal)
    assert (goal.layer, goal.parent, goal.unit, goal.owner) == (Layer.OPERATIONAL, cast.trans, cast.team, cast.manager)
    assert goal.metrics.get().name == "People hired"


def test_translate_refuses_a_unit_outside_the_managers_scope(page, cast):
    response = page(
        "manager",
        reverse("goals:translate", args=[cast.trans.pk]),
        {
            "title": "Something else entirely",
            "layer": Layer.OPERATIONAL,
            "unit": cast.ops_team.pk,
            "cycle": cast.year.pk,
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Goal.objects.filter(title="Something else entirely").exists()


def test_a_rule_broken_in_the_move_form_is_shown_next_to_the_field_and_changes_nothing(page, cast):
    deeper = GoalFactory(layer=Layer.TRANSLATIONAL, parent=cast.trans, unit=cast.team, owner=cast.manager)
    response = page("leader", reverse("goals:move", args=[cast.trans.pk]), {"parent": deeper.pk})
    # The picker offers only sensible parents, so a descendant is refused as a choice, naming the field.
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert Goal.objects.get(pk=cast.trans.pk).parent_id == cast.intent.pk


def test_personal_goal_picker_shows_each_candidates_chain(page, cast):
    text = page("employee", reverse("goals:personal-new")).content.decode()
    assert "Double revenue › Grow APAC › Hire three" in text


def test_employee_adds_a_linked_personal_goal_with_a_metric(page, cast):
    response = page(
        "employee",
        reverse("goals:personal-new"),
        {
            "title": "Run my first workshop",
            "parent": cast.oper.pk,
            "why": "Confidence",
            "identity": "A teacher",
            "motivation": "own",
            "cycle": cast.year.pk,
            "metric_name": "Workshops",
            "metric_unit": "number",
            "metric_start": "0",
            "metric_target": "1",
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(title="Run my first workshop")
    assert (goal.layer, goal.parent, goal.owner, goal.identity) == (
        Layer.PERSONAL,
        cast.oper,
        cast.employee,
        "A teacher",
    )


def test_checkin_in_place_rolls_up_and_answers_with_the_metric_fragment(page, cast, commit):
    with commit():
        response = page(
            "employee",
            reverse("goals:checkin", args=[cast.personal_metric.pk]),
            {"value": "500", "confidence": "8", "note": "Half way"},
            HTTP_HX_REQUEST="true",
        )
    text = response.content.decode()
    assert response.status_code == 200 and "Check-in recorded." in text and "<html" not in text
    assert Goal.objects.get(pk=cast.personal.pk).progress == 0.5
    assert Goal.objects.get(pk=cast.oper.pk).rollup_progress == 0.5


def test_a_non_numeric_checkin_is_refused_with_the_field_named_and_records_nothing(page, cast):
    response = page(
        "employee", reverse("goals:checkin", args=[cast.personal_metric.pk]), {"value": "lots", "confidence": "8"}
    )
    assert response.status_code == 400 and "Enter a number" in response.content.decode()
    assert not CheckIn.objects.filter(metric=cast.personal_metric).exists()


def test_checkin_on_a_metric_one_may_only_see_is_403(page, cast):
    response = page(
        "other_employee", reverse("goals:checkin", args=[cast.oper_metric.pk]), {"value": "1", "confidence": "5"}
    )
    assert response.status_code == 403


def test_checkin_on_a_metric_one_may_not_see_is_404(page, cast):
    response = page(
        "other_employee", reverse("goals:checkin", args=[cast.personal_metric.pk]), {"value": "1", "confidence": "5"}
    )
    assert response.status_code == 404


def test_archive_keeps_the_goal_and_restore_brings_it_back(page, cast):
    page("employee", reverse("goals:archive", args=[cast.personal.pk]), {})
    goal = Goal.objects.get(pk=cast.personal.pk)
    assert goal.archived_at is not None
    assert "archived" in page("employee", detail(goal)).content.decode()
    page("employee", reverse("goals:restore", args=[goal.pk]), {})
    assert Goal.objects.get(pk=goal.pk).archived_at is None


def test_map_hides_personal_goals_the_viewer_may_not_see(page, cast):
    url = reverse("goals:map-children", args=[cast.other_trans.pk])
    assert "Automate a report" not in page("employee", url, HTTP_HX_REQUEST="true").content.decode()
    assert "Automate a report" in page("other_employee", url, HTTP_HX_REQUEST="true").content.decode()


def test_map_filters_by_unit_and_health(page, cast):
    text = page("leader", reverse("goals:map") + f"?cycle={cast.year.pk}&unit={cast.ops.pk}").content.decode()
    assert "Cut costs" in text and "Grow APAC" not in text


# --- Query counts: they do not grow with the rows shown --------------------------------------


def _queries(django_assert_max_num_queries, page, role, url, limit, **extra):
    page.login(role)  # signing in is not part of the page's cost
    with django_assert_max_num_queries(limit):
        response = page(role, url, **extra)
    assert response.status_code == 200
    return response


def test_map_roots_cost_the_same_whatever_their_number(page, cast, django_assert_max_num_queries):
    for n in range(15):
        GoalFactory(layer=Layer.INTENT, cycle=cast.year, unit=cast.company, owner=cast.leader, title=f"Intent {n}")
    # 13: the first view opens the intents (their first children: one query) and counts the personal goals linked to
    # nothing behind one node (one query) instead of listing them (apps.goals.map_levels.first_view).
    response = _queries(django_assert_max_num_queries, page, "employee", reverse("goals:map"), 13)
    assert response.content.decode().count("Intent ") >= 15


def test_map_children_cost_the_same_whatever_their_number(page, cast, django_assert_max_num_queries):
    for n in range(15):
        GoalFactory(layer=Layer.TRANSLATIONAL, parent=cast.intent, unit=cast.team, owner=cast.manager, title=f"T{n}")
    url = reverse("goals:map-children", args=[cast.intent.pk])
    _queries(django_assert_max_num_queries, page, "employee", url, 10, HTTP_HX_REQUEST="true")


def test_goal_page_costs_the_same_whatever_its_children_and_metrics(page, cast, django_assert_max_num_queries):
    for n in range(10):
        GoalFactory(layer=Layer.TRANSLATIONAL, parent=cast.intent, unit=cast.team, owner=cast.manager, title=f"T{n}")
        MetricFactory(goal=cast.intent, name=f"M{n}")
    # 15: the page's own 14, and its latest comments (tests/goals/test_comments.py: +1 more once they mention anyone);
    # + 1 the review panel (apps.reviews.panel: the review and the carry-over links in one query);
    # + 1 the proposals panel (apps.proposals.panels: for the goal's owner, the count of proposals waiting under it);
    # + 1 its links, both ways, with both goals (apps.goals.views.links.links_context).
    _queries(django_assert_max_num_queries, page, "leader", detail(cast.intent), 15 + 1 + 1 + 1)


def test_my_goals_costs_the_same_whatever_their_number(page, cast, django_assert_max_num_queries):
    for n in range(10):
        goal = GoalFactory(layer=Layer.PERSONAL, parent=cast.oper, unit=cast.team, owner=cast.employee, title=f"P{n}")
        MetricFactory(goal=goal)
    _queries(django_assert_max_num_queries, page, "employee", reverse("goals:mine"), 10)


def test_alignment_page_costs_a_fixed_number_of_queries(page, cast, django_assert_max_num_queries):
    for n in range(8):
        unit = UnitFactory(parent=cast.ops, name=f"Squad {n}")
        GoalFactory(layer=Layer.PERSONAL, cycle=cast.year, unit=unit, owner=PersonFactory(unit=unit), title=f"Solo {n}")
    # 20: the header's unread-notifications COUNT joined the page (one query on every page, whatever its rows).
    from apps.reports import stored

    stored.refresh_all()  # the report reads its stored figures (apps.reports.stored), as every view but a first does
    response = _queries(django_assert_max_num_queries, page, "hr", reverse("reports:alignment"), 20)
    orphaned = response.content.decode().split('id="orphaned"')[1].split("</section>")[0]
    assert orphaned.count("Solo ") == 8


def test_the_map_of_a_5000_goal_cascade_opens_with_a_constant_number_of_queries(
    page, cast, django_assert_max_num_queries
):
    assert bulk_subtree(cast) >= 5000
    response = _queries(django_assert_max_num_queries, page, "manager", reverse("goals:map"), 13)
    assert "Double revenue" in response.content.decode()
    children = reverse("goals:map-children", args=[cast.intent.pk])
    response = _queries(django_assert_max_num_queries, page, "manager", children, 10, HTTP_HX_REQUEST="true")
    # 52 goals under the intent (50 bulk translational goals + the cast's two): the first 50, then "Show more".
    assert response.content.decode().count('class="node"') == 50
    more = _queries(django_assert_max_num_queries, page, "manager", children + "?offset=50", 10, HTTP_HX_REQUEST="true")
    assert more.content.decode().count('class="node"') == 2 and "Show more" not in more.content.decode()


def test_a_parent_whose_children_all_weigh_nothing_says_so(page, cast, commit):
    with commit():
        for child in cast.intent.children.all():
            services.goal_update(actor=None, goal=child, weight=0)
    body = page("leader", detail(cast.intent)).content.decode()
    assert "No goal under this one carries any weight" in body
    assert "carries any weight" not in page("leader", detail(cast.trans)).content.decode()


def test_a_goal_without_metrics_is_checked_in_from_its_page(page, cast, commit):
    Goal.objects.filter(pk=cast.intent.pk).update(progress_source="manual")
    body = page("leader", detail(cast.intent)).content.decode()
    assert "Check-ins on the goal itself" in body and 'name="goal-progress"' in body
    with commit():
        response = page(
            "leader",
            reverse("goals:goal-checkin", args=[cast.intent.pk]),
            {"goal-progress": "35", "goal-health": "at_risk", "goal-confidence": "6", "goal-note": "Half-way"},
        )
    assert response.status_code == 302
    intent = Goal.objects.get(pk=cast.intent.pk)
    assert (intent.progress, intent.health_override) == (0.35, "at_risk")
    assert "Half-way" in page("leader", detail(cast.intent)).content.decode()


def test_a_goal_with_metrics_offers_no_progress_field_and_a_stranger_no_form(page, cast):
    assert 'name="goal-progress"' not in page("employee", detail(cast.oper)).content.decode()
    assert "goal-confidence" not in page("other_employee", detail(cast.oper)).content.decode()
    response = page("other_employee", reverse("goals:goal-checkin", args=[cast.oper.pk]), {"goal-confidence": "5"})
    assert response.status_code == 403


def test_a_personal_goal_left_without_a_cycle_takes_the_cycle_of_the_goal_above(page, cast):
    quarter = CycleFactory(
        name="Q3", start=cast.year.start, end=cast.year.start.replace(month=3, day=31), parent=cast.year
    )
    team_goal = GoalFactory(
        layer=Layer.OPERATIONAL, parent=cast.trans, cycle=quarter, unit=cast.team, owner=cast.manager
    )
    response = page("employee", reverse("goals:personal-new"), {"title": "Book the venue", "parent": team_goal.pk})
    assert response.status_code == 302
    assert Goal.objects.get(title="Book the venue").cycle == quarter
    unlinked = page("employee", reverse("goals:personal-new"), {"title": "Read two books"})
    assert unlinked.status_code == 302
    assert Goal.objects.get(title="Read two books").cycle == cast.year  # the current cycle


def test_a_page_with_several_metrics_has_unique_ids(page, cast):
    """Each metric has its own check-in form: their fields must not repeat an id (issue 15: id_confidence twice)."""
    import re
    from collections import Counter

    MetricFactory(goal=cast.personal, name="Second metric")
    for url in (reverse("goals:detail", args=[cast.personal.pk]), reverse("goals:mine")):
        ids = Counter(re.findall(r'\bid="([^"]+)"', page("employee", url).content.decode()))
        assert [name for name, count in ids.items() if count > 1] == [], url


@pytest.mark.parametrize(
    ("role", "name", "args"),
    [
        ("leader", "goals:intent-new", []),
        ("leader", "goals:map", []),
        ("employee", "goals:personal-new", []),
        ("manager", "goals:translate", ["intent"]),
    ],
)
def test_no_form_offers_a_row_of_dashes(page, cast, role, name, args):
    """Issue 15: every empty choice says what it means ("Choose a cycle", "All units"), never "---------"."""
    url = reverse(name, args=[getattr(cast, arg).pk for arg in args])
    assert "---------" not in page(role, url).content.decode()


def test_a_metrics_history_shows_its_latest_checkins_and_says_how_many_there_are(page, cast):
    """A metric checked in daily for years: its goal's page lists and draws the latest CHECKINS_SHOWN check-ins, newest
    first, and counts them all."""
    from apps.goals.views.goal import CHECKINS_SHOWN

    metric = MetricFactory(goal=cast.intent, name="Daily", start=0, target=1000)
    many = CHECKINS_SHOWN + 8
    CheckIn.objects.bulk_create(
        CheckIn(metric=metric, goal=cast.intent, author=cast.leader, value=Decimal(n), confidence=7, note=f"day {n}")
        for n in range(many)
    )
    text = page("leader", detail(cast.intent)).content.decode()
    history = text.split(f'id="metric-{metric.pk}"')[1].split("</article>")[0]
    assert f"{many} check-ins (the latest {CHECKINS_SHOWN} listed)" in history
    assert f"{many} check-ins (the latest {CHECKINS_SHOWN} drawn)" in history
    listed = [int(note.split("<")[0]) for note in history.split("<td>day ")[1:]]
    assert listed == list(range(many - 1, many - 1 - CHECKINS_SHOWN, -1))  # the newest first, the oldest left out


def test_in_a_large_organisation_an_intents_unit_is_searched_not_listed(page, cast, monkeypatch):
    from apps.core import picker

    monkeypatch.setattr(picker, "THRESHOLD", 2)
    body = page("leader", reverse("goals:intent-new")).content.decode()
    assert '<select name="unit"' not in body and 'name="unit_q"' in body
    assert f'name="unit" value="{cast.company.pk}"' in as_one_types(page.client, body, "unit", "acme")
    typed = {"title": "Become carbon neutral", "cycle": cast.year.pk, "unit_q": "acme", "unit_find": "1"}
    found = page("leader", reverse("goals:intent-new"), typed)
    assert found.status_code == 200 and f'value="{cast.company.pk}"' in found.content.decode()
    assert not Goal.objects.filter(title="Become carbon neutral").exists()  # looking, not saving
    chosen = {key: value for key, value in typed.items() if key != "unit_find"}
    saved = page("leader", reverse("goals:intent-new"), {**chosen, "unit": cast.company.pk})
    assert saved.status_code == 302
    assert Goal.objects.get(title="Become carbon neutral").unit == cast.company
