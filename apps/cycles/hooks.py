"""Checks that apps above cycles register, so that cycles never imports them (core ← org ← cycles ← goals ← …).

A cycle that moves into another cycle may strand what hangs on it: goals must sit under goals of
the same cycle or of one containing it. apps.goals registers that check here (in its AppConfig.ready);
apps.cycles.services runs every registered check before saving the move.

A cycle closes once its work is looked back on: apps.reviews registers a close check (every goal that ran in the
cycle has a review or was carried over); apps.cycles.services runs every registered close check whenever a cycle's
status becomes closed, by cycle_close or by cycle_update.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError

from .models import Cycle

CycleCheck = Callable[[Cycle], None]
# A close check returns what still stands in the way of closing the cycle, in words (empty: nothing).
CloseCheck = Callable[[Cycle], list[str]]
_move_checks: list[CycleCheck] = []
_close_checks: list[CloseCheck] = []


def register_move_check(check: CycleCheck) -> CycleCheck:
    """Run `check(cycle)` before a cycle moves under another parent; it raises ValidationError to refuse."""
    if check not in _move_checks:
        _move_checks.append(check)
    return check


def check_move(cycle: Cycle) -> None:
    for check in _move_checks:
        check(cycle)


def register_close_check(check: CloseCheck) -> CloseCheck:
    """Run `check(cycle)` before a cycle closes; each problem it returns refuses the close."""
    if check not in _close_checks:
        _close_checks.append(check)
    return check


def close_problems(cycle: Cycle) -> list[str]:
    """What every registered close check says still stands in the way of closing `cycle`."""
    return [problem for check in _close_checks for problem in check(cycle)]


def check_close(cycle: Cycle, field: str = "status") -> None:
    """Refuse to close `cycle` while any close check has a problem, naming them all under `field`."""
    problems = close_problems(cycle)
    if problems:
        raise ValidationError({field: problems})
