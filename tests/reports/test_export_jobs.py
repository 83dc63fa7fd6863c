"""Export jobs: a large organisation's report built by a Celery task, its progress, its file and its expiry."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from apps.reports import services, tasks
from apps.reports.models import ExportJob
from apps.reports.renderers import Counter

URL = "/api/v1/reports/exports/"


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def _start(api, who, commit, **body):
    with commit():
        response = api(who).post(URL, {"format": "csv", **body}, format="json")
    assert response.status_code == 201, response.content
    return ExportJob.objects.get(pk=response.json()["id"])


# --- Who may ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "manager", "employee", "other_employee"])
def test_only_hr_and_admins_start_exports(api, role):
    assert api(role).post(URL, {"format": "csv"}, format="json").status_code == 403
    assert api(role).get(URL).status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_an_employee_or_manager_gets_403_on_a_job_and_its_file(api, cast, commit, role):
    job = _start(api, "hr", commit)
    assert api(role).get(f"{URL}{job.pk}/").status_code == 403
    assert api(role).get(f"{URL}{job.pk}/download/").status_code == 403


def test_another_hr_person_gets_404_on_someone_elses_job(api, commit, other_hr):
    job = _start(api, "hr", commit)
    assert api(other_hr).get(f"{URL}{job.pk}/").status_code == 404
    assert api(other_hr).get(f"{URL}{job.pk}/download/").status_code == 404
    assert api(other_hr).get(URL).json()["results"] == []


def test_an_admin_sees_everyones_jobs(api, commit):
    job = _start(api, "hr", commit)
    assert api("admin").get(f"{URL}{job.pk}/").json()["status"] == "done"
    assert api("admin").get(f"{URL}{job.pk}/download/").status_code == 200
    assert [row["id"] for row in api("admin").get(URL).json()["results"]] == [job.pk]


def test_without_credentials_it_is_401(client, db):
    assert client.get(URL).status_code in (401, 403)
    from rest_framework.test import APIClient

    assert APIClient().post(URL, {"format": "csv"}, format="json").status_code == 401


# --- The job's life ---------------------------------------------------------------------------------


def test_a_job_runs_after_commit_and_offers_its_file(api, cast, commit):
    with commit():
        response = api("hr").post(URL, {"format": "csv", "cycle": cast.year.pk}, format="json")
        assert response.json()["status"] == "queued"  # nothing runs before the transaction commits
    job_url = response["Location"]
    body = api("hr").get(job_url).json()
    assert body["status"] == "done" and body["progress"] == 100
    assert body["download_url"].endswith(f"{URL}{body['id']}/download/")
    assert body["expires_at"] is not None and body["rows"] > 1
    download = api("hr").get(body["download_url"])
    assert download.status_code == 200
    today = timezone.localdate().isoformat()
    assert download["Content-Disposition"] == f'attachment; filename="alignment-{cast.year.name}-{today}.csv"'
    rows = list(csv.reader(io.StringIO(_content(download).decode())))
    assert rows[0] == ["section", "id", "name", "layer", "owner", "unit", "cycle", "value"]
    assert len(rows) == body["rows"]


def test_the_jobs_file_is_the_report_the_api_downloads(api, cast, commit):
    job = _start(api, "hr", commit, cycle=cast.year.pk)
    direct = api("hr").get("/api/v1/reports/alignment/", {"cycle": cast.year.pk, "format": "csv"})
    assert _content(api("hr").get(f"{URL}{job.pk}/download/")) == _content(direct)


def test_an_xlsx_job_builds_a_workbook(api, cast, commit):
    from openpyxl import load_workbook

    job = _start(api, "admin", commit, format="xlsx", unit=cast.sales.pk)
    download = api("admin").get(f"{URL}{job.pk}/download/")
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(_content(download)))
    assert workbook.sheetnames[0] == "Summary"
    assert dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))["Unit"] == cast.sales.name
    assert download["Content-Disposition"].endswith(f'-{cast.sales.name}-{timezone.localdate().isoformat()}.xlsx"')


def test_the_file_is_kept_in_the_configured_storage(api, commit, settings):
    job = _start(api, "hr", commit)
    assert default_storage.exists(job.file.name)
    assert str(settings.MEDIA_ROOT) in default_storage.path(job.file.name)


def test_a_job_not_done_has_no_file_yet(api, cast):
    job = services.export_job_create(actor=cast.hr, format="csv")  # not committed: still queued
    body = api("hr").get(f"{URL}{job.pk}/").json()
    assert (body["status"], body["download_url"]) == ("queued", None)
    response = api("hr").get(f"{URL}{job.pk}/download/")
    assert response.status_code == 409 and response["Content-Type"] == "application/json"


def test_an_expired_job_answers_410_and_the_cleanup_deletes_its_file(api, commit):
    job = _start(api, "hr", commit)
    name = job.file.name
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api("hr").get(f"{URL}{job.pk}/download/").status_code == 410
    assert api("hr").get(f"{URL}{job.pk}/").json()["status"] == "expired"
    assert tasks.delete_expired_exports() == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file and not default_storage.exists(name)
    assert api("hr").get(f"{URL}{job.pk}/download/").status_code == 410
    assert tasks.delete_expired_exports() == 0


def test_the_cleanup_is_on_the_beat_schedule(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "apps.reports.tasks.delete_expired_exports" in tasks_scheduled


def test_jobs_expire_after_the_configured_time(api, commit, settings):
    settings.EXPORT_EXPIRES_HOURS = 2
    job = _start(api, "hr", commit)
    assert timedelta(hours=1, minutes=59) < job.expires_at - job.finished_at <= timedelta(hours=2)


def test_running_a_job_twice_builds_its_file_once(api, commit):
    job = _start(api, "hr", commit)
    assert tasks.run_export(job.pk) == "done"
    again = ExportJob.objects.get(pk=job.pk)
    assert (again.file.name, again.finished_at) == (job.file.name, job.finished_at)


def test_a_job_left_running_by_a_dead_worker_is_taken_over(cast):
    job = services.export_job_create(actor=cast.hr, format="csv")
    ExportJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now() - timedelta(hours=2))
    assert tasks.run_export(job.pk) == "done"


def test_a_job_being_built_is_left_alone(cast):
    job = services.export_job_create(actor=cast.hr, format="csv")
    ExportJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now())
    assert tasks.run_export(job.pk) == "running"


def test_a_failing_export_is_marked_failed_with_the_reason(cast, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "alignment_summary", broken)
    job = services.export_job_create(actor=cast.hr, format="csv")
    assert tasks.run_export(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error == "disk full" and not job.file


def test_jobs_that_never_finish_are_failed_by_the_cleanup(cast):
    job = services.export_job_create(actor=cast.hr, format="csv")
    ExportJob.objects.filter(pk=job.pk).update(created=timezone.now() - timedelta(days=1))
    services.exports_expire()
    job.refresh_from_db()
    assert job.status == "failed"


def test_progress_is_reported_while_the_file_is_written():
    reported = []
    counter = Counter(reported.append, every=2)
    for _ in range(5):
        counter.tick()
    assert (reported, counter.rows) == ([2, 4], 5)


def test_a_job_reports_progress_on_itself_as_it_writes(cast, monkeypatch):
    job = services.export_job_create(actor=cast.hr, format="xlsx")
    seen = []

    def watched(report):
        def report_and_look(rows):
            report(rows)
            seen.append(ExportJob.objects.values_list("status", "rows", "progress").get(pk=job.pk))

        return Counter(report_and_look, every=3)

    monkeypatch.setattr(services, "Counter", watched)
    tasks.run_export(job.pk)
    assert seen and all(status == "running" and 0 <= progress < 100 for status, _, progress in seen)
    assert [rows for _, rows, _ in seen] == sorted(rows for _, rows, _ in seen)
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)


@pytest.mark.parametrize(
    "body", [{"format": "pdf"}, {}, {"format": "csv", "cycle": 999999}, {"format": "csv", "unit": "x"}]
)
def test_bad_input_is_400_naming_the_field(api, body):
    response = api("hr").post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"format", "cycle", "unit"}
