"""Proposal pages: my proposals and the ones waiting for me (with "Accept selected"), proposing under a goal, and a
proposal with its conversation and the buttons each side may use. Plain POST forms, usable on a phone and by
keyboard. Thin: the rules are in services, the reads in selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.core import picker as core_picker
from apps.goals.models import Goal, Layer
from apps.goals.permissions import visible_goals

from . import permissions, selectors, services
from .forms import AnswerForm, ProposalForm, ResubmitForm, initial_from, layers_under
from .models import Proposal


def _add_errors(form, exc: ValidationError) -> None:
    """A service's {field: [messages]} next to the form's fields; metrics' next to the metric, the rest on top."""
    details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, errors in details.items():
        target = "metric_name" if field == "metrics" else field
        form.add_error(target if target in form.fields else None, errors)


@login_required
def proposal_list(request):
    return render(
        request,
        "proposals/list.html",
        {"waiting": list(selectors.waiting_for(request.user)), "mine": list(selectors.proposed_by(request.user))},
    )


@login_required
@require_POST
def accept_selected(request):
    ids = [value for value in request.POST.getlist("ids") if value.isdigit() and len(value) < 19]
    chosen = list(selectors.waiting_for(request.user).filter(pk__in=ids))
    if not chosen:
        messages.error(request, "Choose at least one proposal to accept.")
        return redirect("proposals:list")
    try:
        services.proposals_accept_many(actor=request.user, proposals=chosen)
    except ValidationError as exc:
        messages.error(request, "Nothing was accepted: " + " ".join(exc.messages))
    else:
        messages.success(request, f"Accepted {len(chosen)} proposal{'s' if len(chosen) != 1 else ''}.")
    return redirect("proposals:list")


def _default_layer(parent: Goal) -> str:
    return Layer.OPERATIONAL if parent.layer in (Layer.TRANSLATIONAL, Layer.OPERATIONAL) else Layer.TRANSLATIONAL


@login_required
def proposal_new(request):
    parent_id = request.GET.get("parent") or request.POST.get("parent") or ""
    if not parent_id.isdigit() or len(parent_id) > 18:
        messages.error(request, "Choose the goal to propose under: open it and use “Propose a goal under this”.")
        return redirect("proposals:list")
    parent = get_object_or_404(visible_goals(request.user).select_related("cycle", "owner"), pk=parent_id)
    # The unit picker's Find button (without JavaScript) posts the form to show other units: it comes back as typed.
    finding, queries = core_picker.found(request, "unit")
    data = None if finding else request.POST or None
    initial = {"layer": _default_layer(parent), "cycle": parent.cycle_id, "unit": request.user.unit_id}
    form = ProposalForm(
        data, parent=parent, initial=request.POST.dict() if finding else initial, unit_query=queries["unit"]
    )
    if data is not None and form.is_valid():
        try:
            proposal = services.proposal_create(actor=request.user, parent=parent, **form.service_fields())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Proposed to {parent.owner}: they will accept, ask for changes or decline.")
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request,
        "proposals/form.html",
        {"form": form, "parent": parent, "no_layers": not layers_under(parent), "editing": None},
    )


@login_required
@require_POST
def proposal_send_up(request, goal_pk: int):
    """Catchball: the owner sends a draft translation of theirs up to the parent's owner for agreement."""
    draft = get_object_or_404(visible_goals(request.user).select_related("parent__owner"), pk=goal_pk)
    try:
        proposal = services.proposal_create(actor=request.user, draft=draft)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("goals:detail", pk=draft.pk)
    messages.success(request, f"Sent up to {draft.parent.owner} for agreement: accepting it publishes your draft.")
    return redirect("proposals:detail", pk=proposal.pk)


def _visible(request, pk: int) -> Proposal:
    return get_object_or_404(selectors.proposals_visible_to(request.user), pk=pk)


def _detail(request, proposal: Proposal, status: int = 200, **forms):
    may_answer = permissions.can_answer(request.user, proposal)
    may_edit = permissions.can_edit(request.user, proposal)
    context = {
        "proposal": proposal,
        "steps": list(selectors.steps_of(proposal)),
        "may_accept": may_answer and proposal.status == Proposal.Status.PENDING,
        "may_decline": may_answer and proposal.is_open,
        "may_edit": may_edit and proposal.is_open,
        "may_resubmit": may_edit and proposal.status == Proposal.Status.CHANGES_REQUESTED,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "resubmit_form": forms.get("resubmit_form") or ResubmitForm(),
    }
    return render(request, "proposals/detail.html", context, status=status)


@login_required
def proposal_detail(request, pk: int):
    return _detail(request, _visible(request, pk))


ANSWERS = {
    "accept": services.proposal_accept,
    "request-changes": services.proposal_request_changes,
    "decline": services.proposal_decline,
}
DONE = {"accept": "Accepted: the goal is in the cascade.", "request-changes": "Sent back.", "decline": "Declined."}


@login_required
@require_POST
def proposal_answer(request, pk: int):
    proposal = _visible(request, pk)
    form = AnswerForm(request.POST)
    choice = request.POST.get("action", "")
    if choice not in ANSWERS:
        form.add_error(None, "Choose accept, ask for changes or decline.")
    elif form.is_valid():
        try:
            ANSWERS[choice](actor=request.user, proposal=proposal, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, DONE[choice])
            return redirect("proposals:detail", pk=proposal.pk)
    return _detail(request, _visible(request, pk), status=400, answer_form=form)


@login_required
@require_POST
def proposal_resubmit(request, pk: int):
    proposal = _visible(request, pk)
    form = ResubmitForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_resubmit(actor=request.user, proposal=proposal, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Resubmitted: it waits for an answer again.")
            return redirect("proposals:detail", pk=proposal.pk)
    return _detail(request, _visible(request, pk), status=400, resubmit_form=form)


@login_required
def proposal_edit(request, pk: int):
    proposal = _visible(request, pk)
    if not permissions.can_edit(request.user, proposal):
        messages.error(request, "Only the proposer changes their proposal.")
        return redirect("proposals:detail", pk=proposal.pk)
    finding, queries = core_picker.found(request, "unit")
    data = None if finding else request.POST or None
    form = ProposalForm(
        data,
        parent=proposal.parent,
        initial=request.POST.dict() if finding else initial_from(proposal),
        with_metric=not proposal.draft_id and len(proposal.metrics) <= 1,
        place=not proposal.draft_id,
        unit_query=queries["unit"],
    )
    if data is not None and form.is_valid():
        try:
            services.proposal_update(actor=request.user, proposal=proposal, **form.service_fields())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request,
        "proposals/form.html",
        {"form": form, "parent": proposal.parent, "editing": proposal, "no_layers": False},
    )
