"""The digest job against the real services: PostgreSQL, Redis, a Celery worker process of its own, and a real SMTP
server (aiosmtpd) that the worker mails. Run twice, it mails each person once; quiet hours hold in each person's
time zone; the mail's one-click unsubscribe link works.

The job runs as `send_digests --now` does (ignore_window): the worker's clock is the real one, and nobody's morning
is guaranteed to be now. tests/notifications/test_digests.py holds the morning window to account, with "now"
passed in.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.notifications import services, tasks
from apps.notifications.models import Digest, Notification, Preference
from tests.factories import PersonFactory
from tests.integration.processes import start_worker, wait_until
from tests.mailserver import smtp_server

__all__ = ["smtp_server"]
pytestmark = pytest.mark.django_db(transaction=True)


def person(username: str, zone: str, **preferences):
    someone = PersonFactory(username=username)
    Preference.objects.create(person=someone, timezone=zone, **preferences)
    services.notify(
        person_id=someone.pk, kind=Notification.Kind.MENTIONED, text=f"{username}: look", key="look", url="/goals/1/"
    )
    return someone


def quiet_now(zone: str) -> dict:
    """Quiet hours around the present moment in `zone` (they may run over midnight)."""
    local = datetime.now(ZoneInfo(zone))
    return {
        "quiet_hours_start": (local - timedelta(hours=1)).time().replace(second=0, microsecond=0),
        "quiet_hours_end": (local + timedelta(hours=1)).time().replace(second=0, microsecond=0),
    }


def test_the_digest_job_on_a_real_worker_mails_each_person_once(
    postgres, broker, redis_url, smtp_server, settings, tmp_path, client
):
    taro = person("taro", "Asia/Tokyo")
    nick = person("nick", "America/New_York", email_digest=Preference.Digest.DAILY)
    person("sleeper", "America/New_York", **quiet_now("America/New_York"))
    worker = start_worker(
        redis_url,
        tmp_path / "worker.log",
        "digests",
        EMAIL_URL=f"smtp://127.0.0.1:{settings.EMAIL_PORT}?timeout=5",
        SITE_URL=settings.SITE_URL,
    )
    try:
        for _ in range(2):
            # Waiting on the worker's answer from this test process: an earlier test may have left Celery's "inside a
            # task" flag set in this process (in-process eager runs), which would refuse a plain get().
            tasks.run_digests.delay(True).get(timeout=120, disable_sync_subtasks=False)
            wait_until(
                lambda: not Digest.objects.filter(finished_at__isnull=True).exists(),
                timeout=60,
                what="the digests to be sent",
                log_path=worker.log_path,
            )
        assert sorted(m["To"] for m in smtp_server.messages) == sorted([taro.email, nick.email])
        assert Digest.objects.filter(outcome=Digest.Outcome.SENT).count() == 2
    finally:
        worker.stop()
    (mail,) = smtp_server.to(taro.email)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = re.search(re.escape(settings.SITE_URL) + r"(/unsubscribe/\S+/)>", str(mail["List-Unsubscribe"])).group(1)
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Preference.objects.get(person=taro).email_digest == Preference.Digest.OFF
