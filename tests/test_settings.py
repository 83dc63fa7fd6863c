"""Settings come from the environment, with safe embedded defaults and a refusal of insecure production."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps([s.DATABASES['default']['ENGINE'], str(s.DATABASES['default']['NAME']), "
    "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.DEBUG, s.ALLOWED_HOSTS]))"
)
APP_VARS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")


def load(**env):
    clean = {k: v for k, v in os.environ.items() if k not in APP_VARS}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "goalcascade.settings", **env},
    )


def test_embedded_default_is_sqlite_in_the_project_folder_with_eager_celery():
    result = load()
    engine, name, eager, broker, debug, _ = json.loads(result.stdout)
    assert engine == "django.db.backends.sqlite3"
    assert Path(name).parent == ROOT
    assert (eager, broker, debug) == (True, "memory://", True)


def test_database_url_and_redis_url_select_postgres_and_a_real_broker():
    result = load(DATABASE_URL="postgres://u:p@db.example:5432/gc", REDIS_URL="redis://cache:6379/1")
    engine, name, eager, broker, *_ = json.loads(result.stdout)
    assert (engine, name, eager, broker) == ("django.db.backends.postgresql", "gc", False, "redis://cache:6379/1")


def test_production_refuses_the_default_secret_key():
    result = load(DEBUG="false", ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = load(DEBUG="false", SECRET_KEY="short", ALLOWED_HOSTS="example.com")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = load(DEBUG="false", SECRET_KEY="k" * 50, ALLOWED_HOSTS="example.com")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[4:] == [False, ["example.com"]]


def test_a_malformed_boolean_is_refused_with_its_name():
    result = load(DEBUG="perhaps")
    assert result.returncode != 0 and "DEBUG must be true or false" in result.stderr


HTTPS_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-enough-0123456789",
    "ALLOWED_HOSTS": "goals.example.com",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_COOKIES": "true",
}


def test_deploy_check_is_clean_with_the_documented_https_variables():
    clean = {k: v for k, v in os.environ.items() if k not in APP_VARS}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "goalcascade.settings", **HTTPS_ENV},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
