"""EMAIL_URL and SITE_URL: parsed into Django's settings, and a malformed value refuses to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from goalcascade.email_url import CONSOLE_BACKEND, SMTP_BACKEND, parse_email_url, parse_site_url

ROOT = Path(__file__).resolve().parents[1]


def test_console_prints_mail_to_the_log():
    assert parse_email_url("console:") == {"EMAIL_BACKEND": CONSOLE_BACKEND}


def test_smtp_with_starttls_reads_user_password_host_and_port():
    assert parse_email_url("smtp://mailer:s3cret@mail.example.com:587?tls=1") == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "mail.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10.0,
    }


def test_smtps_is_tls_from_the_start_on_port_465():
    parsed = parse_email_url("smtps://relay.example.com")
    assert (parsed["EMAIL_PORT"], parsed["EMAIL_USE_SSL"], parsed["EMAIL_USE_TLS"]) == (465, True, False)
    assert parsed["EMAIL_HOST_USER"] == parsed["EMAIL_HOST_PASSWORD"] == ""


@pytest.mark.parametrize(
    ("url", "port"), [("smtp://relay", 25), ("smtp://relay?tls=1", 587), ("smtp://relay:2525", 2525)]
)
def test_the_port_defaults_follow_the_scheme(url, port):
    assert parse_email_url(url)["EMAIL_PORT"] == port


def test_percent_encoded_credentials_are_decoded():
    parsed = parse_email_url("smtp://me%40example.com:p%40ss%2Fw0rd@relay:587?tls=true&timeout=3")
    assert (parsed["EMAIL_HOST_USER"], parsed["EMAIL_HOST_PASSWORD"]) == ("me@example.com", "p@ss/w0rd")
    assert parsed["EMAIL_TIMEOUT"] == 3.0


@pytest.mark.parametrize(
    "url",
    [
        "",
        "smtp://",
        "smtp://:587",
        "mail.example.com",
        "http://mail.example.com",
        "smtp://relay:port",
        "smtp://relay:99999",
        "smtp://relay?tls=maybe",
        "smtp://relay?ssl=1",
        "smtp://relay?timeout=0",
        "smtp://relay?timeout=soon",
        "smtp://relay/some/path",
        "smtps://relay?tls=1",
        "console:extra",
    ],
)
def test_a_malformed_url_is_refused_with_its_name(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url(url)


def test_the_refusal_never_shows_the_password():
    with pytest.raises(ImproperlyConfigured) as refused:
        parse_email_url("smtp://mailer:topsecret@relay:nope")
    assert "topsecret" not in str(refused.value) and "mailer" in str(refused.value)


def test_site_url_loses_its_trailing_slash():
    assert parse_site_url("https://goals.example.com/") == "https://goals.example.com"


@pytest.mark.parametrize("url", ["goals.example.com", "ftp://goals.example.com", "https://", "https://a.b/?x=1"])
def test_a_malformed_site_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        parse_site_url(url)


def start(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("EMAIL_URL", "SITE_URL", "DEFAULT_FROM_EMAIL")}
    probe = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.SITE_URL, s.DEFAULT_FROM_EMAIL)"
    return subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "goalcascade.settings", **env},
    )


def test_the_embedded_default_prints_mail_and_links_to_the_local_server():
    result = start()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == [CONSOLE_BACKEND, "http://127.0.0.1:8000"]


def test_the_settings_read_email_url_site_url_and_the_sender():
    result = start(EMAIL_URL="smtp://relay:25", SITE_URL="https://goals.example.com", DEFAULT_FROM_EMAIL="g@x.org")
    assert result.stdout.split() == [SMTP_BACKEND, "https://goals.example.com", "g@x.org"], result.stderr


def test_a_malformed_email_url_refuses_to_start():
    result = start(EMAIL_URL="smtp//relay")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "EMAIL_URL" in result.stderr
