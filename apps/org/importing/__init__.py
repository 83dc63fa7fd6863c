"""Org-chart import: people from an HR system's file (CSV or XLSX) into the organisation.

    plan_import(actor=..., data=...)    every problem by row and column, or what would change (reads only)
    import_people(actor=..., data=...)  the same plan, written in one transaction when it has no problems

The page (apps.org.views), the management command (import_people) and the API all call these.

The file: one row per person with the columns employee_id, name, email, unit_path
(Company/Sales/APAC), manager_id (the manager's employee id), role and active. Headers are
matched without regard to case, spaces, hyphens or underscores; other columns are ignored.
Row numbers are the spreadsheet's (header = row 1).

What an import does, and the choices made where the issue is silent:
- It adds and updates; it never deletes. People are matched by employee id only. Someone with
  no employee id (created by hand, like the first admin) is never touched by an import.
- People with an employee id who are missing from the file, or marked inactive in it, are
  deactivated (is_active false): they cannot sign in, their goals and history stay.
- A row marked inactive for someone new creates them inactive, so that others can still name
  them as manager.
- Empty manager_id: no manager. Empty role: the role stays (new people are employees). Empty
  active: active. An absent manager_id or role column leaves those fields as they are.
- Missing units along a path are created: depth 1 is a company, 2 a division, 3 a department,
  deeper a team. Existing units keep their kind. Names match exactly (case included).
- A new person's username is their email's local part, or, when taken, that plus "." and the
  employee id; it never changes afterwards. New people get an unusable password: they set one
  through the invitation each active new person is mailed once the import commits (apps.org.invitations; sent
  by Celery tasks of at most a few hundred mails each, never in the import's own request), or sign in through SSO.
- Email need not be unique (the model allows it): a shared email is a warning, not a problem.
- Only an admin makes someone an admin or changes (or deactivates) an admin's account; an
  actor of None (the management command without --actor) acts as the system and may.
- A file with any problem changes nothing; the same file twice changes nothing the second time.
- Safety (apps.org.importing.safety, the same for every entry point): an import that deactivates more than 10 %
  of the active people with an employee id goes through only with `confirm_deactivations` equal to that count;
  a unit path must start at an existing top unit unless `allow_new_root` (or the organisation has none yet).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from apps.core.locks import advisory_xact_lock
from apps.org import invitations, permissions, tree

from .applying import apply_plan
from .parsing import COLUMNS, REQUIRED_COLUMNS, Problem, Sheet, read_file, row_bound, size_problems
from .planning import ImportPlan, PersonChange, build_plan
from .safety import ALLOW_ROOT_FIELD, CONFIRM_FIELD, confirmation_problem
from .state import load_state

__all__ = [
    "ALLOW_ROOT_FIELD",
    "COLUMNS",
    "CONFIRM_FIELD",
    "REQUIRED_COLUMNS",
    "ImportPlan",
    "PersonChange",
    "Problem",
    "import_people",
    "plan_import",
    "read_file",
    "row_bound",
    "size_problems",
]

IMPORT_LOCK = "org.people_import"


def plan_import(*, actor, data: bytes, filename: str = "", allow_new_root: bool = False) -> ImportPlan:
    """What importing `data` would do, or every problem that stops it. Writes nothing."""
    _check_actor(actor)
    return _plan(read_file(data, filename), actor, allow_new_root)


def import_people(
    *,
    actor,
    data: bytes,
    filename: str = "",
    dry_run: bool = False,
    job_id: int | None = None,
    invite: bool = True,
    confirm_deactivations: int | None = None,
    allow_new_root: bool = False,
) -> ImportPlan:
    """Check `data` and, when it has no problems (and not `dry_run`), write all of it in one transaction.

    The organisation is read under the import's own lock and the unit tree's lock, so the plan
    written is the plan checked even when two imports or a unit edit race. `applied` tells
    whether the import went through (a file that changes nothing goes through, writing nothing).
    Every active new person gets an invitation (recorded with the import, mailed after it commits; counted
    against the import job `job_id`), unless `invite` is false. A plan that deactivates more than the safe share
    is refused (a problem on CONFIRM_FIELD) unless `confirm_deactivations` is its count; a dry run only tells
    that count (`plan.confirmation_count`).
    """
    _check_actor(actor)
    sheet = read_file(data, filename)
    if dry_run:
        return _plan(sheet, actor, allow_new_root)
    with transaction.atomic():
        advisory_xact_lock(IMPORT_LOCK)
        advisory_xact_lock(tree.LOCK_NAME)
        plan = _plan(sheet, actor, allow_new_root)
        if plan.ok and (refused := _unconfirmed(plan, confirm_deactivations)):
            plan.problems = [refused]
        if plan.ok:
            if plan.has_changes:
                new_people = apply_plan(plan, actor)
                if invite:
                    invitations.invitations_for_new_people(people=new_people, actor=actor, import_job_id=job_id)
            plan.applied = True
    return plan


def _plan(sheet: Sheet, actor, allow_new_root: bool) -> ImportPlan:
    if sheet.problems:  # unreadable, no header or no rows: nothing to compare with the organisation
        return ImportPlan(problems=sheet.problems, ignored_columns=sheet.ignored_columns)
    return build_plan(sheet, load_state(), actor, allow_new_root=allow_new_root)


def _unconfirmed(plan: ImportPlan, typed: int | None) -> Problem | None:
    return confirmation_problem(deactivations=len(plan.deactivations), active=plan.active_people, typed=typed)


def _check_actor(actor) -> None:
    if actor is not None and not permissions.can_manage_org(actor):
        raise PermissionDenied("Only HR and admins import people.")
