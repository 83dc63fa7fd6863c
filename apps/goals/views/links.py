"""Links on the pages: what the goal page shows of them, adding one (with the parent picker) and removing one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from .. import links, permissions, picker, selectors
from ..forms import GoalChoiceField
from ..models import Goal, GoalLink
from .common import changeable_goal, local_next

KIND_CHOICES = [
    (GoalLink.Kind.CONTRIBUTES, "Contributes to it: its progress counts in that goal's, with the weight below"),
    (GoalLink.Kind.SUPPORTS, "Supports it: shown beside it, never counted"),
]


class LinkForm(forms.Form):
    """The goal to link to is named `parent`: the parent picker (apps.goals.picker) serves this field too."""

    kind = forms.ChoiceField(choices=KIND_CHOICES, label="How it serves the other goal")
    parent = GoalChoiceField(queryset=Goal.objects.none(), label="Goal to link to", empty_label=None)
    weight = forms.FloatField(
        min_value=0,
        max_value=1_000_000,
        initial=1.0,
        required=False,
        help_text="How much it counts there beside that goal's own children (contributes only; 1 by default).",
    )


def links_context(viewer, goal: Goal, *, can_change: bool) -> dict:
    """The goal page's links: outgoing ("Also contributes to", "Also supports") and incoming ("Contributions from
    other goals"), each to a goal the viewer may see, with whether they may remove it. One query."""
    rows = selectors.links_for_goals([goal.pk])
    outgoing = [link for link in rows if link.source_id == goal.pk and permissions.can_view_goal(viewer, link.target)]
    incoming = [link for link in rows if link.target_id == goal.pk and permissions.can_view_goal(viewer, link.source)]
    for link in outgoing:
        link.removable = can_change
    for link in incoming:
        link.removable = permissions.can_change_goal(viewer, link.source)
    return {
        "contributes_to": [link for link in outgoing if link.kind == GoalLink.Kind.CONTRIBUTES],
        "supports": [link for link in outgoing if link.kind == GoalLink.Kind.SUPPORTS],
        "links_in": incoming,
        "contributions": selectors.counted_contributions(goal, rows),
        "link_kinds": KIND_CHOICES,
        "can_link": can_change and not goal.is_archived,
    }


@login_required
def link_add(request, pk: int):
    """Link the goal (the source) to another goal of its cycle or a cycle containing it."""
    goal = changeable_goal(request, pk)
    data, initial, finding = picker.form_input(request, {"kind": request.GET.get("kind", GoalLink.Kind.CONTRIBUTES)})
    form = LinkForm(data, initial={"weight": 1.0, **initial})
    candidates = selectors.link_target_candidates(request.user, goal)
    picker.fit(form.fields["parent"], candidates, url=picker.options_url("link", goal), query=picker.query_of(request))
    if request.method == "POST" and not finding and form.is_valid():
        data = form.cleaned_data
        weight = 1.0 if data["weight"] is None else data["weight"]
        try:
            links.link_create(actor=request.user, source=goal, target=data["parent"], kind=data["kind"], weight=weight)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, f"Linked to “{data['parent'].title}”.")
            return redirect(reverse("goals:detail", args=[goal.pk]) + "#links")
    heading = f"Link “{goal.title}” to another goal"
    return render(request, "goals/goal_form.html", {"form": form, "goal": goal, "heading": heading})


def _show_errors(form: LinkForm, exc: ValidationError) -> None:
    names = {"target": "parent", "kind": "kind", "weight": "weight"}
    for field, errors in exc.message_dict.items():
        form.add_error(names.get(field), errors)


@login_required
def link_remove(request, pk: int):
    """GET: what removing the link changes, and a button to confirm. POST: remove it."""
    link = get_object_or_404(
        selectors.links_visible_to(request.user).select_related("source__owner", "target__owner"), pk=pk
    )
    if not permissions.can_change_link(request.user, source=link.source, target=link.target):
        raise PermissionDenied("Only someone who may change the linked goal removes its links.")
    back = local_next(request) or reverse("goals:detail", args=[link.source_id]) + "#links"
    if request.method != "POST":
        return render(request, "goals/link_remove.html", {"link": link, "next": back})
    links.link_delete(actor=request.user, link=link)
    messages.success(request, f"The link from “{link.source.title}” to “{link.target.title}” is removed.")
    return redirect(back)
