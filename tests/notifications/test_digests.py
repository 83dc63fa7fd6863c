"""Digest mails: one per person per period at their local morning, never in quiet hours, with a one-click
unsubscribe. "now" is passed in; mail goes to a real SMTP server (aiosmtpd), tasks run eagerly on commit."""

import re
from datetime import UTC, datetime, time

import pytest
from django.urls import reverse

from apps.notifications import digests, services
from apps.notifications.models import Digest, Notification, Preference
from tests.factories import PersonFactory

Kind = Notification.Kind
# Monday 7 January 2030. Tokyo is UTC+9, New York UTC-5 in winter.
SUNDAY_23_UTC = datetime(2030, 1, 6, 23, 30, tzinfo=UTC)  # Monday 08:30 in Tokyo, Sunday 18:30 in New York
MONDAY_13_UTC = datetime(2030, 1, 7, 13, 30, tzinfo=UTC)  # Monday 22:30 in Tokyo, Monday 08:30 in New York


def person(username, zone="UTC", **preferences):
    someone = PersonFactory(username=username)
    Preference.objects.create(person=someone, timezone=zone, **preferences)
    return someone


def tell(someone, text="Ada mentioned you.", key=None):
    services.notify(person_id=someone.pk, kind=Kind.MENTIONED, text=text, key=key or text, url="/goals/1/")


def compose(commit, now, **kwargs):
    with commit():
        return digests.digests_compose(now=now, **kwargs)


@pytest.fixture
def tokyo_and_new_york(db):
    taro = person("taro", "Asia/Tokyo")
    nick = person("nick", "America/New_York")
    tell(taro)
    tell(nick)
    return taro, nick


def test_each_person_gets_the_weekly_digest_in_their_own_monday_morning(tokyo_and_new_york, commit, smtp_server):
    taro, nick = tokyo_and_new_york
    compose(commit, SUNDAY_23_UTC)
    assert [m["To"] for m in smtp_server.messages] == [taro.email]
    compose(commit, MONDAY_13_UTC)
    assert [m["To"] for m in smtp_server.messages] == [taro.email, nick.email]


def test_composing_twice_mails_once_per_period(tokyo_and_new_york, commit, smtp_server):
    taro, _ = tokyo_and_new_york
    compose(commit, SUNDAY_23_UTC)
    tell(taro, "Something new.")
    compose(commit, SUNDAY_23_UTC.replace(minute=59))
    assert len(smtp_server.to(taro.email)) == 1
    assert Digest.objects.filter(person=taro).count() == 1


def test_no_digest_outside_the_morning(tokyo_and_new_york, commit, smtp_server):
    compose(commit, datetime(2030, 1, 7, 6, 0, tzinfo=UTC))  # Monday 15:00 Tokyo, 01:00 New York
    assert not smtp_server.messages and not Digest.objects.exists()


def test_quiet_hours_hold_the_digest_until_they_end(db, commit, smtp_server):
    nick = person("nick", "America/New_York", quiet_hours_start=time(6), quiet_hours_end=time(9))
    tell(nick)
    compose(commit, MONDAY_13_UTC)  # 08:30 local: quiet
    assert not smtp_server.messages
    compose(commit, MONDAY_13_UTC.replace(hour=14))  # 09:30 local
    assert smtp_server.to(nick.email)


def test_quiet_hours_over_the_whole_morning_move_the_morning_to_their_end(db, commit, smtp_server):
    nick = person("nick", "America/New_York", quiet_hours_start=time(22), quiet_hours_end=time(13))
    tell(nick)
    compose(commit, MONDAY_13_UTC.replace(hour=16))  # 11:30 local: quiet
    compose(commit, MONDAY_13_UTC.replace(hour=18))  # 13:30 local: the morning begins
    assert len(smtp_server.to(nick.email)) == 1


def test_now_ignores_the_morning_but_not_the_quiet_hours(db, commit, smtp_server):
    sleeper = person("sleeper", "Asia/Tokyo", quiet_hours_start=time(22), quiet_hours_end=time(7))
    awake = person("awake", "Asia/Tokyo", email_digest=Preference.Digest.DAILY)
    tell(sleeper)
    tell(awake)
    compose(commit, datetime(2030, 1, 9, 14, 0, tzinfo=UTC), ignore_window=True)  # Wednesday 23:00 in Tokyo
    assert [m["To"] for m in smtp_server.messages] == [awake.email]


def test_a_daily_digest_comes_every_morning_a_weekly_one_only_on_monday(db, commit, smtp_server):
    daily = person("daily", email_digest=Preference.Digest.DAILY)
    weekly = person("weekly")
    for day in (7, 8):
        tell(daily, f"day {day}")
        tell(weekly, f"day {day}")
        compose(commit, datetime(2030, 1, day, 8, 15, tzinfo=UTC))
    assert len(smtp_server.to(daily.email)) == 2 and len(smtp_server.to(weekly.email)) == 1


def test_nobody_is_mailed_with_the_digest_off_or_nothing_to_tell(db, commit, smtp_server):
    off = person("off", email_digest=Preference.Digest.OFF)
    tell(off)
    person("idle")
    read = person("read")
    tell(read)
    Notification.objects.filter(person=read).update(read_at=SUNDAY_23_UTC)
    compose(commit, datetime(2030, 1, 7, 8, 15, tzinfo=UTC))
    assert not smtp_server.messages


def test_a_notification_is_mailed_in_one_digest_only(db, commit, smtp_server):
    daily = person("daily", email_digest=Preference.Digest.DAILY)
    tell(daily, "first")
    compose(commit, datetime(2030, 1, 7, 8, 15, tzinfo=UTC))
    tell(daily, "second")
    compose(commit, datetime(2030, 1, 8, 8, 15, tzinfo=UTC))
    first, second = smtp_server.to(daily.email)
    assert "first" in smtp_server.text(first) and "first" not in smtp_server.text(second)


def test_people_without_preferences_get_a_weekly_digest_in_utc(db, commit, smtp_server):
    ada = PersonFactory(username="ada")
    tell(ada)
    compose(commit, datetime(2030, 1, 7, 8, 15, tzinfo=UTC))
    assert smtp_server.to(ada.email)


def unsubscribe_path(message, settings) -> str:
    header = str(message["List-Unsubscribe"]).strip()
    match = re.fullmatch(r"<" + re.escape(settings.SITE_URL) + r"(/unsubscribe/\S+/)>", header)
    assert match, header
    return match.group(1)


def test_every_digest_carries_a_one_click_unsubscribe_that_works_without_signing_in(
    tokyo_and_new_york, commit, smtp_server, settings, client
):
    taro, _ = tokyo_and_new_york
    compose(commit, SUNDAY_23_UTC)
    (mail,) = smtp_server.to(taro.email)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe_path(mail, settings)
    assert path in smtp_server.text(mail) and path in smtp_server.html(mail)
    client.enforce_csrf_checks = True
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "unsubscribed" in response.content.decode()
    assert Preference.objects.get(person=taro).email_digest == Preference.Digest.OFF


def test_the_unsubscribe_link_asks_first_on_get(db, client, settings):
    ada = PersonFactory(username="ada")
    path = digests.unsubscribe_url(ada).removeprefix(settings.SITE_URL)
    response = client.get(path)
    assert response.status_code == 200 and "Stop the digest mails?" in response.content.decode()
    assert services.preference_for(ada).email_digest == Preference.Digest.WEEKLY


def test_a_forged_unsubscribe_link_does_nothing(db, client):
    ada = PersonFactory(username="ada")
    response = client.post(reverse("notifications:unsubscribe", args=[f"{ada.pk}:forged"]))
    assert response.status_code == 404
    assert not Preference.objects.exists()


def test_a_relay_that_is_down_leaves_the_digest_for_the_retry_and_the_sweep(db, settings, smtp_server):
    from tests.mailserver import free_port, use_email_url

    daily = person("daily", email_digest=Preference.Digest.DAILY)
    tell(daily)
    ids = digests.digests_compose(now=datetime(2030, 1, 7, 8, 15, tzinfo=UTC))  # not committed: no task ran
    good = settings.EMAIL_PORT
    use_email_url(settings, f"smtp://127.0.0.1:{free_port()}?timeout=2")
    with pytest.raises(OSError):
        digests.digests_send(digest_ids=ids)
    assert Digest.objects.get().claimed_at is None  # released for the retry
    use_email_url(settings, f"smtp://127.0.0.1:{good}?timeout=5")
    Digest.objects.update(created=datetime(2030, 1, 7, 8, 0, tzinfo=UTC))
    assert digests.digests_send_due(now=datetime(2030, 1, 7, 9, 0, tzinfo=UTC)) == 1
    assert digests.digests_send(digest_ids=ids) == 0
    assert len(smtp_server.to(daily.email)) == 1


def test_send_digests_now_runs_the_same_job_and_still_mails_once(db, commit, smtp_server):
    from io import StringIO

    from django.core.management import call_command

    ada = person("ada", email_digest=Preference.Digest.DAILY)
    tell(ada)
    for _ in range(2):
        with commit():
            call_command("send_digests", "--now", stdout=StringIO())
    assert len(smtp_server.to(ada.email)) == 1
