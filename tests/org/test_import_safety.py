"""Import safety (apps.org.importing.safety) through the service, the command and the HR pages: deactivating more than
10 % of the active people takes the typed count, and a unit path must start at an existing top unit unless a new
one is allowed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from apps.org import importing
from apps.org.models import ImportJob, Person, Unit
from tests.factories import PersonFactory
from tests.org.importfiles import csv_file, person

ROOT = "Acme Corp"
IMPORT_URL = reverse("org:people-import")


def staff(count: int) -> list[tuple]:
    return [person(f"E{n}", unit=f"{ROOT}/Sales") for n in range(1, count + 1)]


@pytest.fixture
def org(db):
    """Ten people imported under "Acme Corp", and HR (no employee id: never counted, never touched)."""
    hr = PersonFactory(username="hr", role=Person.Role.HR, unit=None)
    importing.import_people(actor=None, data=csv_file(*staff(10)))
    return hr


def snapshot() -> list:
    return list(Person.objects.order_by("pk").values_list("pk", "is_active", "name", "unit_id"))


def active_imported() -> int:
    return Person.objects.filter(employee_id__isnull=False, is_active=True).count()


# --- The rule, in the service -------------------------------------------------------------------------------


def test_a_one_row_file_lists_everyone_else_for_deactivation_and_asks_for_the_count(org):
    plan = importing.plan_import(actor=org, data=csv_file(*staff(1)))
    assert len(plan.deactivations) == 9 and plan.counts["deactivated"] == 9
    assert plan.confirmation_count == 9 and plan.active_people == 10


def test_an_unconfirmed_mass_deactivation_is_refused_and_changes_nothing(org):
    before = snapshot()
    plan = importing.import_people(actor=org, data=csv_file(*staff(1)))
    assert not plan.applied
    (problem,) = plan.problems
    assert problem.column == "confirm_deactivations" and "9 of the 10" in problem.message
    assert "confirm_deactivations=9" in problem.message
    assert snapshot() == before


def test_a_wrong_count_is_refused(org):
    plan = importing.import_people(actor=org, data=csv_file(*staff(1)), confirm_deactivations=8)
    assert not plan.applied and "8 was given" in plan.problems[0].message
    assert active_imported() == 10


def test_the_typed_count_lets_it_through(org):
    plan = importing.import_people(actor=org, data=csv_file(*staff(1)), confirm_deactivations=9)
    assert plan.applied and active_imported() == 1
    assert Person.objects.get(username="hr").is_active  # no employee id: never touched


def test_ten_percent_or_less_needs_no_count(org):
    plan = importing.import_people(actor=org, data=csv_file(*staff(9)))  # 1 of 10
    assert plan.applied and plan.confirmation_count is None and active_imported() == 9


def test_rows_marked_inactive_count_as_deactivations(org):
    rows = [*staff(8), *(person(f"E{n}", unit=f"{ROOT}/Sales", active="no") for n in (9, 10))]
    plan = importing.import_people(actor=org, data=csv_file(*rows))
    assert not plan.applied and plan.problems[0].column == "confirm_deactivations"


def test_a_path_outside_the_top_unit_is_a_problem_with_the_name_meant(org):
    before = snapshot()
    plan = importing.import_people(actor=org, data=csv_file(*staff(10), person("E11", unit="Acme/Sales/APAC")))
    (problem,) = plan.problems
    assert (problem.row, problem.column) == (12, "unit_path")
    assert "Did you mean 'Acme Corp'?" in problem.message and "allow_new_root" in problem.message
    assert snapshot() == before and Unit.objects.filter(parent=None).count() == 1


def test_a_top_unit_named_in_another_case_is_a_problem_too(org):
    plan = importing.plan_import(actor=org, data=csv_file(*staff(10), person("E11", unit="acme corp/Sales")))
    assert [(p.row, p.column) for p in plan.problems] == [(12, "unit_path")]
    assert "case included" in plan.problems[0].message and "'Acme Corp'" in plan.problems[0].message


def test_a_new_top_unit_is_allowed_when_asked_for(org):
    plan = importing.import_people(
        actor=org, data=csv_file(*staff(10), person("E11", unit="Beta/Sales")), allow_new_root=True
    )
    assert plan.applied
    assert sorted(Unit.objects.filter(parent=None).values_list("name", flat=True)) == [ROOT, "Beta"]


def test_the_first_import_may_create_the_top_unit(db):
    plan = importing.import_people(actor=None, data=csv_file(person("E1", unit="Anything/Sales")))
    assert plan.applied and Unit.objects.get(parent=None).name == "Anything"


# --- The command --------------------------------------------------------------------------------------------


@pytest.fixture
def one_row(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_file(*staff(1)))
    return path


def test_the_command_refuses_a_mass_deactivation_without_the_flag(org, one_row, capsys):
    before = snapshot()
    with pytest.raises(CommandError, match="--confirm-deactivations 9"):
        call_command("import_people", str(one_row))
    assert "confirm_deactivations" in capsys.readouterr().out
    assert snapshot() == before


def test_the_command_imports_with_the_count(org, one_row, capsys):
    call_command("import_people", str(one_row), "--confirm-deactivations", "9")
    assert "9 deactivated" in capsys.readouterr().out and active_imported() == 1


def test_the_command_dry_run_tells_the_count_to_type(org, one_row, capsys):
    call_command("import_people", str(one_row), "--dry-run")
    assert "--confirm-deactivations 9" in capsys.readouterr().out and active_imported() == 10


def test_the_command_allows_a_new_top_unit_only_with_its_flag(org, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_file(*staff(10), person("E11", unit="Beta/Sales")))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_people", str(path))
    call_command("import_people", str(path), "--allow-new-root")
    assert Unit.objects.filter(parent=None, name="Beta").exists()


# --- The pages ----------------------------------------------------------------------------------------------


@pytest.fixture
def hr_client(client, org, commit, settings, tmp_path):
    """HR signed in; every POST commits, so the jobs it starts run (eagerly) as a worker would run them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(org)

    class Committing:
        def __getattr__(self, name):
            return getattr(client, name)

        def post(self, *args, **kwargs):
            with commit():
                return client.post(*args, **kwargs)

    return Committing()


def check(client, data: bytes, **fields) -> str:
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("people.csv", data), **fields})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def test_the_preview_lists_the_deactivations_apart_with_their_count(hr_client):
    page = hr_client.get(check(hr_client, csv_file(*staff(1)))).content.decode()
    assert 'id="deactivations"' in page and "9 people to deactivate" in page and "of 10 active" in page
    assert "Type 9 to confirm" in page


def test_confirming_without_the_typed_count_is_refused_and_imports_nothing(hr_client):
    url = check(hr_client, csv_file(*staff(1)))
    response = hr_client.post(url)
    assert response.status_code == 400 and "Type 9, the number of people to deactivate" in response.content.decode()
    response = hr_client.post(url, {"confirm_deactivations": "8"})
    assert response.status_code == 400 and "type 9 to confirm it" in response.content.decode()
    assert not ImportJob.objects.filter(dry_run=False).exists() and active_imported() == 10


def test_confirming_with_the_typed_count_imports(hr_client):
    url = check(hr_client, csv_file(*staff(1)))
    page = hr_client.get(hr_client.post(url, {"confirm_deactivations": "9"})["Location"]).content.decode()
    assert "9 deactivated" in page and active_imported() == 1


def test_a_few_deactivations_take_a_plain_confirm(hr_client):
    url = check(hr_client, csv_file(*staff(9)))
    assert "Type" not in hr_client.get(url).content.decode()
    assert hr_client.post(url).status_code == 302 and active_imported() == 9


def test_the_help_example_starts_with_the_real_top_unit(hr_client):
    page = hr_client.get(IMPORT_URL).content.decode()
    assert "<code>Acme Corp/Sales/APAC</code>" in page


def test_the_preview_says_which_top_unit_was_meant(hr_client):
    page = hr_client.get(check(hr_client, csv_file(*staff(10), person("E11", unit="Acme/Sales")))).content.decode()
    assert "Did you mean &#x27;Acme Corp&#x27;?" in page and "nothing will be imported" in page


def test_the_upload_may_allow_a_new_top_unit(hr_client):
    url = check(hr_client, csv_file(*staff(10), person("E11", unit="Beta/Sales")), allow_new_root="on")
    assert "Confirm import" in hr_client.get(url).content.decode()
    hr_client.post(url)
    assert Unit.objects.filter(parent=None, name="Beta").exists()
