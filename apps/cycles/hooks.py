"""Checks that apps above cycles register, so that cycles never imports them (core ← org ← cycles ← goals ← …).

A cycle that moves into another cycle may strand what hangs on it: goals must sit under goals of
the same cycle or of one containing it. apps.goals registers that check here (in its AppConfig.ready);
apps.cycles.services runs every registered check before saving the move.
"""

from collections.abc import Callable

from .models import Cycle

CycleCheck = Callable[[Cycle], None]
_move_checks: list[CycleCheck] = []


def register_move_check(check: CycleCheck) -> CycleCheck:
    """Run `check(cycle)` before a cycle moves under another parent; it raises ValidationError to refuse."""
    if check not in _move_checks:
        _move_checks.append(check)
    return check


def check_move(cycle: Cycle) -> None:
    for check in _move_checks:
        check(cycle)
