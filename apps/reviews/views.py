"""Pages of the cycle's close: reviewing one's goals, signing off reports' reviews, carrying goals over and closing
the cycle. Thin: the rules are in apps.reviews.services, apps.goals.carryover and apps.cycles.services."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.cycles import services as cycle_services
from apps.cycles.models import Cycle
from apps.cycles.permissions import can_close_cycle
from apps.goals import carryover
from apps.goals import permissions as goal_permissions
from apps.goals.models import Goal, GoalStatus

from . import closing, permissions, selectors, services
from .forms import CarryOverForm, ReviewForm, later_cycles
from .models import Review

PERCENT = Decimal(100)


def _percent(fraction: float) -> Decimal:
    return (Decimal(str(fraction)) * PERCENT).quantize(Decimal("0.1"))


def _review_or_none(goal: Goal) -> Review | None:
    try:
        return goal.review
    except Review.DoesNotExist:
        return None


def _carried_q():
    return Exists(Goal.objects.filter(carried_from=OuterRef("pk"), archived_at__isnull=True))


def _own_rows(request, cycle: Cycle, cycles, bound: dict) -> list[dict]:
    """The viewer's goals that ran in the cycle, each with its review form and, while open, a carry-over form."""
    goals = (
        Goal.objects.filter(cycle=cycle, owner=request.user, archived_at__isnull=True)
        .exclude(status=GoalStatus.DRAFT)
        .select_related("review__signed_off_by", "cycle", "owner")
        .annotate(carried=_carried_q())
        .order_by("tree_id", "lft", "pk")
    )
    rows = []
    for goal in goals:
        review = _review_or_none(goal)
        initial = {
            "score": _percent(review.score if review else goal.progress),
            "relevance": review.relevance if review else "",
            "reflection": review.reflection if review else "",
        }
        rows.append(
            {
                "goal": goal,
                "review": review,
                "form": bound.get(("review", goal.pk)) or ReviewForm(initial=initial, prefix=f"goal-{goal.pk}"),
                "carry_form": _carry_form(request, goal, cycles, bound),
            }
        )
    return rows


def _carry_form(request, goal: Goal, cycles, bound: dict) -> CarryOverForm | None:
    if not cycles:  # nothing to carry into yet: the page says so once, instead of an empty choice per goal
        return None
    if goal.status not in carryover.OPEN_STATUSES or goal.carried or not carryover.can_carry_over(request.user, goal):
        return None
    return bound.get(("carry", goal.pk)) or CarryOverForm(cycles=cycles, prefix=f"carry-{goal.pk}")


def _to_sign(request, cycle: Cycle) -> list[Review]:
    waiting = (
        selectors.reviews_visible_to(request.user)
        .filter(goal__cycle=cycle, signed_off_at__isnull=True)
        .exclude(goal__owner=request.user)
        .order_by("goal__owner__name", "goal_id")
    )
    return [review for review in waiting if permissions.can_sign_off(request.user, review)]


def _missing_rows(request, cycle: Cycle, cycles, bound: dict) -> list[dict]:
    goals = closing.missing(cycle).select_related("owner", "cycle").annotate(carried=_carried_q())[:50]
    visible = [goal for goal in goals if goal_permissions.can_view_goal(request.user, goal)]
    # The viewer's own goals have their forms under "Your goals": one form per goal on the page.
    return [
        {
            "goal": goal,
            "carry_form": None if goal.owner_id == request.user.pk else _carry_form(request, goal, cycles, bound),
        }
        for goal in visible
    ]


def _render(request, cycle: Cycle, *, bound: dict | None = None, close_errors=None, status: int = 200) -> HttpResponse:
    bound = bound or {}
    cycles = later_cycles(cycle)
    closer = can_close_cycle(request.user)
    context = {
        "cycle": cycle,
        "own": _own_rows(request, cycle, cycles, bound),
        "to_sign": _to_sign(request, cycle),
        "closer": closer,
        "progress": closing.close_progress(cycle) if closer else None,
        "missing": _missing_rows(request, cycle, cycles, bound) if closer else [],
        "close_errors": close_errors or [],
        "here": reverse("reviews:cycle", args=[cycle.pk]),
        "no_later_cycle": not cycles and cycle.status != Cycle.Status.CLOSED,
    }
    return render(request, "reviews/cycle.html", context, status=status)


@login_required
def index(request):
    """Every cycle, open ones first: where a cycle's close starts."""
    cycles = Cycle.objects.order_by("status", "-start", "name")
    return render(request, "reviews/index.html", {"cycles": cycles})


@login_required
def cycle_review(request, pk: int):
    return _render(request, get_object_or_404(Cycle, pk=pk))


@login_required
@require_POST
def review_save(request, pk: int, goal_pk: int):
    cycle = get_object_or_404(Cycle, pk=pk)
    goal = get_object_or_404(
        goal_permissions.visible_goals(request.user).select_related("cycle"), pk=goal_pk, cycle=cycle
    )
    form = ReviewForm(request.POST, prefix=f"goal-{goal.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.review_save(
                actor=request.user,
                goal=goal,
                score=float(data["score"] / PERCENT),
                relevance=data["relevance"],
                reflection=data["reflection"] if goal.owner_id == request.user.pk else None,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Your review of “{goal.title}” is saved.")
            return redirect(f"{reverse('reviews:cycle', args=[cycle.pk])}#goal-{goal.pk}")
    return _render(request, cycle, bound={("review", goal.pk): form}, status=400)


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_POST
def sign_off(request, pk: int):
    review = get_object_or_404(selectors.reviews_visible_to(request.user), pk=pk)
    try:
        services.review_sign_off(actor=request.user, review=review)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You signed off the review of “{review.goal.title}”.")
    return redirect(f"{reverse('reviews:cycle', args=[review.goal.cycle_id])}#to-sign")


def _next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
def carry_over(request, pk: int):
    """The carry-over form of one goal (GET), and carrying it over (POST)."""
    goal = get_object_or_404(goal_permissions.visible_goals(request.user).select_related("cycle"), pk=pk)
    if not carryover.can_carry_over(request.user, goal):
        raise PermissionDenied("Only those who may change the goal carry it over.")
    form = CarryOverForm(request.POST or None, cycles=later_cycles(goal.cycle), prefix=f"carry-{goal.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            copy = carryover.goal_carry_over(actor=request.user, goal=goal, cycle=form.cleaned_data["cycle"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"“{goal.title}” continues in {copy.cycle}.")
            return redirect(_next(request, reverse("goals:detail", args=[copy.pk])))
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/carry_over.html", {"goal": goal, "form": form}, status=status)


@login_required
@require_POST
def close(request, pk: int):
    cycle = get_object_or_404(Cycle, pk=pk)
    if not can_close_cycle(request.user):
        raise PermissionDenied("Only admins, HR and leaders close a cycle.")
    try:
        cycle_services.cycle_close(actor=request.user, cycle=cycle)
    except ValidationError as exc:
        return _render(request, cycle, close_errors=exc.messages, status=400)
    messages.success(request, f"{cycle} is closed.")
    return redirect("reviews:cycle", pk=cycle.pk)
