"""Template pages: the library (and a new template), one template with its assignment form, "Save as template"
from a goal page, and the goal page's panel. Thin: the rules are in services, the reads in selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.core import picker as core_picker
from apps.goals import picker
from apps.goals.forms import add_service_errors
from apps.goals.models import Layer
from apps.goals.views.common import visible_goal
from apps.org import picker as org_picker

from . import permissions, selectors, services
from .forms import AssignForm, MetricFormSet, TemplateForm, metrics_of
from .models import GoalTemplate


@login_required
def template_list(request):
    context = {
        "templates": list(selectors.templates_listed()),
        "can_create": permissions.can_create_template(request.user),
    }
    return render(request, "goal_templates/list.html", context)


@login_required
def template_new(request):
    if not permissions.can_create_template(request.user):
        raise PermissionDenied("Templates are made by admins, leaders and whoever leads a unit or has reports.")
    form = TemplateForm(request.POST or None)
    formset = MetricFormSet(request.POST or None, prefix="metrics")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            template = services.template_create(actor=request.user, **form.cleaned_data, metrics=metrics_of(formset))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Template saved.")
            return redirect("goal_templates:detail", pk=template.pk)
    return render(request, "goal_templates/form.html", {"form": form, "formset": formset})


def _assign_form(request, template: GoalTemplate, data, initial) -> AssignForm:
    form = AssignForm(
        data,
        initial=initial,
        units=selectors.assignable_units(request.user),
        parent_required=template.layer != Layer.PERSONAL,
    )
    candidates = selectors.parent_candidates(request.user, template)
    url = reverse("goal_templates:parent-options", args=[template.pk])
    picker.fit(form.fields["parent"], candidates, url=url, query=picker.query_of(request))
    # A leader may give a template to any of 11,000 units: found by searching past a few (apps.core.picker).
    _, queries = core_picker.found(request, "unit")
    units = form.fields["unit"].queryset.select_related("parent")
    core_picker.fit(form.fields["unit"], units, _units_finder(), queries["unit"])
    return form


def _units_finder() -> core_picker.Finder:
    return core_picker.Finder(("name",), org_picker.unit_label, "units", reverse("goal_templates:unit-options"))


@login_required
@require_GET
def unit_options(request):
    """The unit picker's matches as one types (htmx): units the viewer may give a template to."""
    if not permissions.can_assign_templates(request.user):
        raise PermissionDenied("Templates are assigned by admins, leaders and whoever leads a unit or has reports.")
    units = selectors.assignable_units(request.user).select_related("parent")
    query = core_picker.clean_query(request.GET.get("unit_q", ""))
    options, summary = _units_finder().options(units, query, request.GET.get("unit"))
    nothing_checked = not any(option.checked for option in options)
    context = {"name": "unit", "options": options, "summary": summary, "empty_label": "— No unit —"}
    return render(request, "widgets/_search_options.html", {**context, "nothing_checked": nothing_checked})


@login_required
def template_detail(request, pk: int):
    template = get_object_or_404(selectors.templates_in_use(), pk=pk)
    may_assign = permissions.can_assign_templates(request.user)
    form = None
    if may_assign:
        data, initial, finding = picker.form_input(request, {})
        if "unit_find" in request.POST:  # the unit picker's Find button: as the parent picker's
            data, initial, finding = None, request.POST.dict(), True
        form = _assign_form(request, template, data, initial)
        if request.method == "POST" and not finding and form.is_valid():
            goals = _assign(request, template, form)
            if goals is not None:
                messages.success(
                    request, f"{len(goals)} goal{'s' if len(goals) != 1 else ''} created from “{template}”."
                )
                return redirect("goal_templates:detail", pk=template.pk)
    elif request.method == "POST":
        raise PermissionDenied("Templates are assigned by admins, leaders and whoever leads a unit or has reports.")
    context = {
        "template": template,
        "form": form,
        "may_change": permissions.can_change_template(request.user, template),
    }
    return render(request, "goal_templates/detail.html", context)


def _assign(request, template: GoalTemplate, form: AssignForm):
    people = form.people_ids(request.user)
    if form.errors:
        return None
    data = form.cleaned_data
    try:
        return services.template_assign(
            actor=request.user, template=template, people=people, parent=data["parent"], cycle=data["cycle"]
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


@login_required
@require_POST
def template_archive(request, pk: int):
    template = get_object_or_404(selectors.templates_in_use(), pk=pk)
    services.template_archive(actor=request.user, template=template)
    messages.success(request, f"Template “{template}” archived; the goals made from it stay.")
    return redirect("goal_templates:list")


@login_required
@require_POST
def template_from_goal(request, goal_pk: int):
    goal = visible_goal(request, goal_pk)
    try:
        template = services.template_from_goal(actor=request.user, goal=goal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("goals:detail", pk=goal.pk)
    messages.success(request, "Saved as a template: assign it to your team below.")
    return redirect("goal_templates:detail", pk=template.pk)


@login_required
@require_GET
def parent_options(request, pk: int):
    """The parent picker's matches as one types (htmx), for the assignment form of template `pk`."""
    template = get_object_or_404(selectors.templates_in_use(), pk=pk)
    candidates = selectors.parent_candidates(request.user, template)
    options, summary = picker.options(
        candidates, picker.clean_query(request.GET.get("parent_q", "")), request.GET.get("parent")
    )
    context = {
        "name": "parent",
        "options": options,
        "summary": summary,
        "empty_label": "— Not linked —" if template.layer == Layer.PERSONAL else None,
        "nothing_checked": not any(option.checked for option in options),
    }
    return render(request, "widgets/_search_options.html", context)


def save_as_template_panel(request, goal) -> str | None:
    """The goal page's "Save as template" for those who may make templates (one query at most, none for
    intents, admins and leaders)."""
    if goal.layer == Layer.INTENT or goal.archived_at is not None:
        return None
    if not permissions.can_create_template(request.user):
        return None
    return render_to_string("goal_templates/_panel.html", {"goal": goal}, request=request)
