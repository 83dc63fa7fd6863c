"""apps.org.importing.jobs: a job runs once, a dead worker's job is failed (it wrote nothing), old files go."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.org.importing import jobs
from apps.org.models import ImportJob, Person
from tests.factories import PersonFactory
from tests.org.importfiles import csv_file, person


@pytest.fixture
def hr(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return PersonFactory(role="hr", unit=None)  # no top unit beside the file's "Acme"


def test_a_redelivered_task_does_not_run_a_job_twice(hr):
    job = jobs.import_job_create(actor=hr, data=csv_file(person("E1")), filename="p.csv", dry_run=False)
    assert jobs.import_job_run(job_id=job.pk).applied
    Person.objects.filter(employee_id="E1").update(name="Changed since")
    again = jobs.import_job_run(job_id=job.pk)
    assert again.status == ImportJob.Status.DONE
    assert Person.objects.get(employee_id="E1").name == "Changed since"  # not imported a second time


def test_a_job_whose_file_cannot_be_read_fails_with_the_reason(hr):
    job = jobs.import_job_create(actor=hr, data=csv_file(person("E1")), filename="p.csv", dry_run=True)
    job.file.delete(save=False)
    finished = jobs.import_job_run(job_id=job.pk)
    assert finished.status == ImportJob.Status.FAILED and finished.error


def test_tidying_fails_jobs_no_worker_finished_and_deletes_old_files(hr, settings):
    stalled = jobs.import_job_create(actor=hr, data=csv_file(person("E1")), filename="a.csv", dry_run=True)
    done = jobs.import_job_create(actor=hr, data=csv_file(person("E2")), filename="b.csv", dry_run=True)
    jobs.import_job_run(job_id=done.pk)
    later = timezone.now() + timedelta(hours=settings.IMPORT_KEEP_HOURS + 3)

    assert jobs.import_jobs_tidy(now=later) == 1

    stalled.refresh_from_db()
    done.refresh_from_db()
    assert stalled.status == ImportJob.Status.FAILED and "nothing was written" in stalled.error
    assert not done.file and done.status == ImportJob.Status.DONE


def test_only_hr_and_admins_start_jobs(db, settings, tmp_path):
    from django.core.exceptions import PermissionDenied

    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(PermissionDenied):
        jobs.import_job_create(actor=PersonFactory(role="manager"), data=b"x", filename="p.csv", dry_run=True)
    assert not ImportJob.objects.exists()
