"""The people import (apps.org.importing) and its command: every kind of bad row is reported by row and
column with nothing changed; good files add, update and deactivate, idempotently and in a few queries."""

from contextlib import contextmanager, suppress

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.history import history_of
from apps.core.models import ObjectChange
from apps.org import importing
from apps.org.models import Person, Unit
from tests.factories import GoalFactory, PersonFactory, UnitFactory
from tests.org.importfiles import HEADER, csv_file, person, small_org, xlsx_file


@pytest.fixture
def hr(db):
    return PersonFactory(username="hr", role=Person.Role.HR, unit=None)


@pytest.fixture
def admin(db):
    return PersonFactory(username="boss", role=Person.Role.ADMIN, unit=None, is_staff=True, is_superuser=True)


def run(data: bytes, actor=None, **kwargs) -> importing.ImportPlan:
    """The factories put each person in a top unit of their own ("Unit 7"), so these tests allow a new top unit;
    tests/org/test_import_safety.py tests that rule (and the confirmation of mass deactivations)."""
    kwargs.setdefault("allow_new_root", True)
    return importing.import_people(actor=actor, data=data, **kwargs)


def where(plan) -> list[tuple[int | None, str]]:
    return [(problem.row, problem.column) for problem in plan.problems]


def organisation() -> tuple:
    """Everything an import may write, to compare before and after."""
    people = list(Person.objects.order_by("pk").values_list())
    units = list(Unit.objects.order_by("pk").values_list())
    return people, units, ObjectChange.objects.count()


def by_employee_id(employee_id: str) -> Person:
    return Person.objects.select_related("unit", "manager").get(employee_id=employee_id)


def unit_drift() -> list:
    """Stored nested-set fields that differ from a rebuild (none after a correct bulk insert)."""
    fields = ("pk", "lft", "rght", "level", "tree_id")
    stored = list(Unit.objects.order_by("pk").values_list(*fields))
    Unit.objects.rebuild()
    return [
        pair
        for pair in zip(stored, Unit.objects.order_by("pk").values_list(*fields), strict=True)
        if pair[0] != pair[1]
    ]


# --- Reading files -------------------------------------------------------------------------------


def test_csv_with_a_bom_and_spreadsheet_style_headers_is_read(db):
    header = ("Employee ID", " NAME ", "E-mail", "Unit Path", "Manager ID", "Role", "Active")
    plan = run(csv_file(*small_org(), header=header, bom=True))
    assert plan.problems == [] and plan.counts["created"] == 6


def test_semicolon_separated_csv_is_read(db):
    plan = run(csv_file(*small_org(), delimiter=";"))
    assert plan.problems == [] and plan.counts["created"] == 6


def test_xlsx_is_read_like_csv(db):
    rows = [
        (1001, "Ada Chief", "ada@example.com", "Acme", None, "Leader", True),
        (1002, "Ben Sales", "ben@example.com", "Acme/Sales", 1001.0, None, False),
    ]
    plan = run(xlsx_file(*rows))
    assert plan.problems == []
    ben = by_employee_id("1002")
    assert ben.manager.employee_id == "1001" and ben.role == "employee" and not ben.is_active
    assert by_employee_id("1001").role == "leader"


def test_xlsx_row_numbers_match_the_sheet(db):
    plan = run(xlsx_file(person("E1"), person("E2", email="nope")))
    assert where(plan) == [(3, "email")]


def test_other_columns_are_ignored_and_listed(db):
    header = (*HEADER, "Cost centre")
    plan = run(csv_file(*[(*row, "CC-1") for row in small_org()], header=header))
    assert plan.problems == [] and plan.ignored_columns == ["Cost centre"]


def test_blank_rows_are_skipped_but_keep_the_numbering(db):
    plan = run(csv_file(person("E1"), ("",) * 7, person("E3", email="bad")))
    assert where(plan) == [(4, "email")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (csv_file(person("E1"), header=("employee_id", "name", "email")), "no unit_path column"),
        (b"", "The file is empty"),
        (csv_file(), "no people"),
        ("employee_id,name,email,unit_path\nE1,Zoë,z@example.com,Acme\n".encode("latin-1"), "not UTF-8"),
        (b"PK\x03\x04 not really a zip", "damaged"),
        (b"\xd0\xcf\x11\xe0 old excel", "Old Excel"),
        (
            csv_file(person("E1"), header=("employee_id", "Employee ID", "name", "email", "unit_path")),
            "Two header cells",
        ),
    ],
    ids=["missing-column", "empty", "header-only", "latin-1", "bad-zip", "xls", "duplicate-column"],
)
def test_an_unreadable_file_is_reported_and_changes_nothing(db, data, message):
    PersonFactory(employee_id="E9")  # would be deactivated by an empty file that was read as "nobody"
    before = organisation()
    plan = run(data)
    assert not plan.applied and any(message in problem.message for problem in plan.problems)
    assert organisation() == before


def test_a_file_with_only_a_header_does_not_deactivate_everyone(db):
    PersonFactory(employee_id="E9")
    run(csv_file())
    assert by_employee_id("E9").is_active


# --- Bad rows: each reported at its row and column, nothing changed -----------------------------------

BAD_ROWS = {
    "missing-employee-id": ([person("E1"), person("", email="x@example.com")], [(3, "employee_id")]),
    "duplicate-employee-id": ([person("E1"), person("E2"), person("E1", name="Again")], [(4, "employee_id")]),
    "missing-name": ([person("E1", name="")], [(2, "name")]),
    "long-name": ([person("E1", name="x" * 201)], [(2, "name")]),
    "bad-email": ([person("E1", email="ada@")], [(2, "email")]),
    "missing-email": ([person("E1", email="")], [(2, "email")]),
    "unknown-role": ([person("E1", role="boss")], [(2, "role")]),
    "unknown-manager": ([person("E1"), person("E2", manager="E404")], [(3, "manager_id")]),
    "own-manager": ([person("E1", manager="E1")], [(2, "manager_id")]),
    "manager-loop": (
        [person("E0"), person("E1", manager="E2"), person("E2", manager="E3"), person("E3", manager="E1")],
        [(3, "manager_id"), (4, "manager_id"), (5, "manager_id")],
    ),
    "bad-active": ([person("E1", active="maybe")], [(2, "active")]),
    "empty-unit-path": ([person("E1", unit="")], [(2, "unit_path")]),
    "empty-path-segment": ([person("E1", unit="Acme//Sales")], [(2, "unit_path")]),
    "trailing-slash": ([person("E1", unit="Acme/Sales/")], [(2, "unit_path")]),
    "long-employee-id": ([person("E" * 65, email="e@example.com")], [(2, "employee_id")]),
}


@pytest.mark.parametrize("case", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_is_reported_at_its_row_and_column_and_nothing_changes(db, case):
    rows, expected = case
    PersonFactory(employee_id="E9")  # missing from every file: a good file would deactivate them
    before = organisation()
    plan = run(csv_file(*rows, person("E8")))
    assert where(plan) == expected
    assert not plan.applied and organisation() == before


def test_every_problem_is_reported_not_just_the_first(db):
    rows = [person("E1", email="x"), person("E2", role="chief", active="?"), person("E3", manager="E77"), person("E1")]
    plan = run(csv_file(*rows))
    assert where(plan) == [(2, "email"), (3, "role"), (3, "active"), (4, "manager_id"), (5, "employee_id")]


def test_a_bad_email_does_not_make_its_reports_unknown_managers(db):
    plan = run(csv_file(person("E1", email="not-an-email"), person("E2", manager="E1")))
    assert where(plan) == [(2, "email")]


def test_a_manager_loop_through_someone_already_here_is_reported(db):
    # Already here: E2 reports to E1. The file (without E2) makes E1 report to E2: E1 → E2 → E1.
    e1 = PersonFactory(employee_id="E1")
    PersonFactory(employee_id="E2", manager=e1)
    plan = run(csv_file(person("E1", manager="E2")))
    assert where(plan) == [(2, "manager_id")]
    assert "E1 → E2 → E1" in plan.problems[0].message


def test_a_long_loop_names_its_first_members_and_its_size(db):
    rows = [person(f"E{n}", manager=f"E{(n + 1) % 20}") for n in range(20)]
    plan = run(csv_file(*rows))
    assert len(plan.problems) == 20
    assert plan.problems[0].message.endswith("(20 people).") and "…" in plan.problems[0].message


def test_a_good_file_with_one_bad_row_changes_nothing(db):
    before = organisation()
    plan = run(csv_file(*small_org(), person("E7", email="broken")))
    assert where(plan) == [(8, "email")] and organisation() == before


def test_a_failure_while_writing_rolls_everything_back(db, monkeypatch):
    from apps.org.importing import applying

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(applying, "_update_people", fail)
    before = organisation()
    with pytest.raises(RuntimeError):
        run(csv_file(*small_org()))
    assert organisation() == before


# --- Adding, updating, deactivating ----------------------------------------------------------------


def test_a_file_creates_people_units_and_manager_links(db):
    plan = run(csv_file(*small_org()))
    assert plan.applied and plan.counts == {
        "rows": 6,
        "created": 6,
        "updated": 0,
        "deactivated": 0,
        "unchanged": 0,
        "units_created": 5,
        "invitations": 6,
    }
    di = by_employee_id("E4")
    assert (di.username, di.name, di.email, di.role) == ("e4", "Di Apac", "e4@example.com", "employee")
    assert di.manager.employee_id == "E2" and di.unit.name == "APAC" and di.is_active
    assert not di.has_usable_password()


def test_a_manager_may_come_after_their_reports_in_the_file(db):
    run(csv_file(person("E2", manager="E1"), person("E1")))
    assert by_employee_id("E2").manager == by_employee_id("E1")


def test_units_are_created_along_the_path_with_kinds_by_depth(db):
    acme = UnitFactory(name="Acme", kind=Unit.Kind.COMPANY)
    run(csv_file(person("E1", unit="Acme/Sales/APAC/Japan/Tokyo")))
    sales = Unit.objects.get(name="Sales")
    assert sales.parent == acme
    kinds = {unit.name: unit.kind for unit in Unit.objects.all()}
    assert kinds == {"Acme": "company", "Sales": "division", "APAC": "department", "Japan": "team", "Tokyo": "team"}
    assert Unit.objects.filter(name="Acme").count() == 1


def test_new_units_leave_a_consistent_tree(db):
    UnitFactory(name="Zeta", kind=Unit.Kind.COMPANY)
    UnitFactory(name="Sales", parent=UnitFactory(name="Acme", kind=Unit.Kind.COMPANY))
    run(csv_file(*small_org(), person("E7", unit="Beta/Team")))
    assert unit_drift() == []
    acme = Unit.objects.get(name="Acme")
    assert sorted(u.name for u in acme.get_descendants()) == ["APAC", "Operations", "Ops team", "Sales"]


def test_the_import_records_history_for_people_and_units(db, hr):
    run(csv_file(*small_org()), actor=hr)
    change = history_of(by_employee_id("E3")).get()
    assert change.action == "create" and change.actor == hr
    assert change.changes["manager"] == [None, by_employee_id("E2").pk]
    assert change.changes["employee_id"] == [None, "E3"]
    assert history_of(Unit.objects.get(name="APAC")).get().changes["kind"] == [None, "department"]


def test_changed_rows_are_updated_with_history(db):
    run(csv_file(*small_org()))
    rows = small_org()
    rows[3] = person("E4", name="Di Moved", unit="Acme/Operations", manager="E5", role="manager")
    plan = run(csv_file(*rows))
    assert plan.counts["updated"] == 1 and plan.counts["created"] == 0 and plan.counts["unchanged"] == 5
    di = by_employee_id("E4")
    assert (di.name, di.unit.name, di.manager.employee_id, di.role) == ("Di Moved", "Operations", "E5", "manager")
    update = history_of(di).filter(action="update").get()
    assert update.changes["unit"] == [Unit.objects.get(name="APAC").pk, di.unit_id]
    assert set(update.changes) == {"name", "unit", "manager", "role"}


def test_the_same_file_twice_changes_nothing_the_second_time(db):
    data = csv_file(*small_org(), person("E7", active="no"))
    run(data)
    before = organisation()
    with CaptureQueriesContext(connection) as queries:
        plan = run(data)
    assert plan.applied and plan.counts["created"] == plan.counts["updated"] == plan.counts["deactivated"] == 0
    assert plan.counts["unchanged"] == 7 and plan.counts["units_created"] == 0
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == [] and organisation() == before


def test_people_missing_from_the_file_are_deactivated_and_keep_their_goals(db):
    run(csv_file(*small_org()))
    goal = GoalFactory(owner=by_employee_id("E6"), unit=by_employee_id("E6").unit)
    plan = run(csv_file(*small_org()[:5]), confirm_deactivations=1)  # 1 of 6: more than 10 %
    assert plan.counts["deactivated"] == 1
    flo = by_employee_id("E6")
    assert not flo.is_active and goal.__class__.objects.get(pk=goal.pk).owner == flo
    assert history_of(flo).filter(action="update").get().changes == {"is_active": [True, False]}


def test_a_row_marked_inactive_deactivates_and_a_later_file_reactivates(db):
    run(csv_file(*small_org()))
    rows = small_org()
    rows[5] = person("E6", name="Flo Ops", unit="Acme/Operations/Ops team", manager="E5", active="no")
    assert run(csv_file(*rows), confirm_deactivations=1).counts["deactivated"] == 1
    assert not by_employee_id("E6").is_active
    assert run(csv_file(*small_org())).counts["updated"] == 1
    assert by_employee_id("E6").is_active


def test_people_without_an_employee_id_are_never_touched(db, admin):
    run(csv_file(*small_org()))
    admin.refresh_from_db()
    assert admin.is_active and admin.employee_id is None
    assert history_of(admin).count() == 0


def test_a_new_person_marked_inactive_is_created_inactive(db):
    run(csv_file(person("E1", active="no"), person("E2", manager="E1")))
    assert not by_employee_id("E1").is_active and by_employee_id("E2").manager.employee_id == "E1"


def test_an_empty_role_keeps_the_role_and_new_people_are_employees(db):
    run(csv_file(person("E1", role="leader")))
    plan = run(csv_file(person("E1", role=""), person("E2", role="")))
    assert plan.counts["unchanged"] == 1
    assert by_employee_id("E1").role == "leader" and by_employee_id("E2").role == "employee"


def test_without_a_manager_column_managers_stay(db):
    run(csv_file(person("E1"), person("E2", manager="E1")))
    header = ("employee_id", "name", "email", "unit_path")
    plan = run(csv_file(*[row[:4] for row in (person("E1"), person("E2"))], header=header))
    assert plan.counts["unchanged"] == 2 and by_employee_id("E2").manager.employee_id == "E1"


def test_an_empty_manager_id_removes_the_manager(db):
    run(csv_file(person("E1"), person("E2", manager="E1")))
    run(csv_file(person("E1"), person("E2", manager="")))
    assert by_employee_id("E2").manager is None


def test_a_manager_already_here_may_be_named(db):
    boss = PersonFactory(employee_id="E1")
    plan = run(csv_file(person("E1"), person("E2", manager="E1")))
    assert plan.problems == [] and by_employee_id("E2").manager == boss


def test_emails_are_normalised_so_a_rerun_is_unchanged(db):
    run(csv_file(person("E1", email="Ada@EXAMPLE.com")))
    assert by_employee_id("E1").email == "Ada@example.com"
    assert run(csv_file(person("E1", email="Ada@EXAMPLE.com"))).counts["unchanged"] == 1


# --- Usernames and warnings --------------------------------------------------------------------------


def test_usernames_come_from_the_email_and_stay_unique(db):
    PersonFactory(username="jo")
    run(
        csv_file(
            person("E1", email="jo@example.com"),
            person("E2", email="jo@other.example"),
            person("E3", email="o'neil@example.com"),
        )
    )
    assert by_employee_id("E1").username == "jo.e1"
    assert by_employee_id("E2").username == "jo.e2"
    assert by_employee_id("E3").username == "oneil"


def test_usernames_are_unique_ignoring_case(db):
    PersonFactory(username="Ada")
    run(csv_file(person("E1", email="ada@example.com")))
    assert by_employee_id("E1").username == "ada.e1"


def test_two_rows_with_one_email_are_a_warning(db):
    plan = run(csv_file(person("E1", email="pat@example.com"), person("E2", email="PAT@example.com")))
    assert plan.applied and [(w.row, w.column, w.message) for w in plan.warnings] == [
        (3, "email", "Row 2 has the same email.")
    ]


def test_a_username_never_changes_when_the_email_does(db):
    run(csv_file(person("E1", email="ada@example.com")))
    run(csv_file(person("E1", email="ada.lovelace@example.com")))
    assert by_employee_id("E1").username == "ada"


def test_an_email_already_used_by_a_hand_made_account_is_a_warning(db):
    PersonFactory(username="ada", email="ada@example.com")
    plan = run(csv_file(person("E1", email="ada@example.com")), dry_run=True)
    assert plan.problems == [] and [(w.row, w.column) for w in plan.warnings] == [(2, "email")]
    assert "give ada employee id E1" in plan.warnings[0].message


def test_reporting_to_someone_the_import_deactivates_is_a_warning(db):
    PersonFactory(employee_id="E1")
    plan = run(
        csv_file(person("E2", manager="E1"), person("E3", manager="E4"), person("E4", active="no")), dry_run=True
    )
    assert [(w.row, w.column) for w in plan.warnings] == [(2, "manager_id"), (3, "manager_id")]


# --- Who may import, and admins ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["employee", "manager", "leader"])
def test_only_hr_and_admins_may_import(db, role):
    actor = PersonFactory(role=role)
    with pytest.raises(PermissionDenied):
        run(csv_file(*small_org()), actor=actor)
    with pytest.raises(PermissionDenied):
        importing.plan_import(actor=actor, data=csv_file(*small_org()))
    assert not Person.objects.filter(employee_id__isnull=False).exists()


def test_hr_cannot_make_someone_an_admin(db, hr):
    plan = run(csv_file(person("E1", role="admin")), actor=hr)
    assert where(plan) == [(2, "role")] and not Person.objects.filter(employee_id="E1").exists()


def test_hr_cannot_promote_an_existing_person_to_admin(db, hr):
    run(csv_file(person("E1")), actor=hr)
    assert where(run(csv_file(person("E1", role="admin")), actor=hr)) == [(2, "role")]


def test_hr_cannot_change_or_deactivate_an_admin_account(db, hr):
    PersonFactory(employee_id="A1", role=Person.Role.ADMIN, name="Person A1", email="a1@example.com")
    assert where(run(csv_file(person("A1", name="Renamed", role="admin")), actor=hr)) == [(2, "name")]
    assert where(run(csv_file(person("E1")), actor=hr)) == [(None, "employee_id")]


def test_hr_may_list_an_unchanged_admin(db, hr):
    admin = PersonFactory(employee_id="A1", role=Person.Role.ADMIN, name="Person A1", email="a1@example.com", unit=None)
    run(csv_file(person("A1", role="admin", unit="Acme")), actor=None)
    admin.refresh_from_db()
    plan = run(csv_file(person("A1", role="admin", unit="Acme")), actor=hr)
    assert plan.applied and plan.counts["unchanged"] == 1


def test_an_admin_may_make_admins_and_the_flags_follow_the_role(db, admin):
    run(csv_file(person("E1", role="admin"), person("E2")), actor=admin)
    new_admin = by_employee_id("E1")
    assert new_admin.is_staff and new_admin.is_superuser
    run(csv_file(person("E1", role="manager"), person("E2")), actor=admin)
    demoted = by_employee_id("E1")
    assert demoted.role == "manager" and not demoted.is_staff and not demoted.is_superuser


def test_a_dry_run_writes_nothing(db):
    before = organisation()
    plan = run(csv_file(*small_org()), dry_run=True)
    assert plan.counts["created"] == 6 and not plan.applied and organisation() == before


# --- Query count -------------------------------------------------------------------------------------


@pytest.fixture
def real_sqlite_batch_limit(monkeypatch):
    """Django assumes SQLite's old limit of 999 parameters per query (a 17-field person: 58 rows a batch);
    this SQLite allows far more, so let one batch hold what it does on PostgreSQL."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)


def org_file(size: int, *, moved: int = 0) -> bytes:
    """`size` people in the same five units under ten managers; `moved` of them in another unit."""
    managers = [person(f"M{n}", unit="Acme/Sales") for n in range(10)]
    people = [
        person(f"E{n}", unit="Acme/Sales/APAC" if n >= moved else "Acme/Ops/Team", manager=f"M{n % 10}")
        for n in range(size - 10)
    ]
    return csv_file(*managers, *people)


def count_queries(data: bytes) -> int:
    with CaptureQueriesContext(connection) as queries:
        plan = run(data)
    assert plan.applied
    return len(queries)


class Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run imports on the organisation as it is, then undo them (a savepoint), so two sizes start alike."""
    with suppress(Rollback), transaction.atomic():
        yield
        raise Rollback


def test_import_queries_do_not_grow_with_rows(db, real_sqlite_batch_limit, django_assert_max_num_queries):
    with rolled_back():  # fresh import, same file again, then a file with some people moved
        small = [count_queries(org_file(30)), count_queries(org_file(30)), count_queries(org_file(30, moved=5))]
    assert small[1] <= 6  # the rerun reads people and units, takes the two locks, writes nothing
    with rolled_back():
        for data, limit in zip((org_file(300), org_file(300), org_file(300, moved=50)), small, strict=True):
            with django_assert_max_num_queries(limit):
                run(data)


# --- The command -------------------------------------------------------------------------------------


@pytest.fixture
def hr_file(tmp_path):
    def write(data: bytes, name: str = "people.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def test_the_command_imports_and_prints_the_summary(db, hr_file, capsys):
    call_command("import_people", hr_file(csv_file(*small_org())))
    assert (
        "Imported: 6 created, 0 updated, 0 deactivated, 0 unchanged; 5 new unit(s); 6 invitation(s)."
        in capsys.readouterr().out
    )
    assert Person.objects.filter(employee_id__isnull=False).count() == 6


def test_the_command_reads_xlsx(db, hr_file, capsys):
    call_command("import_people", hr_file(xlsx_file(*small_org()), "people.xlsx"))
    assert "6 created" in capsys.readouterr().out


def test_the_command_lists_problems_by_row_and_column_and_fails(db, hr_file, capsys):
    path = hr_file(csv_file(person("E1", email="bad"), person("E2", manager="E9")))
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_people", path)
    out = capsys.readouterr().out
    assert "row 2, email: 'bad' is not a valid email address." in out
    assert "row 3, manager_id: Unknown manager id 'E9'" in out
    assert not Person.objects.filter(employee_id__isnull=False).exists()


def test_the_command_dry_run_writes_nothing(db, hr_file, capsys):
    call_command("import_people", hr_file(csv_file(*small_org())), "--dry-run")
    assert "Dry run, nothing written. Would be: 6 created" in capsys.readouterr().out
    assert not Person.objects.filter(employee_id__isnull=False).exists()


def test_the_command_records_the_actor(db, hr, hr_file):
    call_command("import_people", hr_file(csv_file(*small_org())), "--actor", "hr")
    assert history_of(by_employee_id("E1")).get().actor == hr


def test_the_command_refuses_an_unknown_actor_or_one_who_may_not_import(db, hr_file):
    PersonFactory(username="emp", role="employee")
    path = hr_file(csv_file(*small_org()))
    with pytest.raises(CommandError, match="No active person"):
        call_command("import_people", path, "--actor", "nobody")
    with pytest.raises(CommandError, match="Only HR and admins"):
        call_command("import_people", path, "--actor", "emp")


def test_the_command_reports_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_people", str(tmp_path / "nope.csv"))
