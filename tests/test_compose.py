"""docker-compose.yml stays honest: no Docker engine runs here, so this parses the file and
checks its services, commands and environment against the settings and the code."""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_SOURCE = (ROOT / "goalcascade" / "settings.py").read_text()
ENV_READ_BY_SETTINGS = set(
    re.findall(r'(?:os\.environ\.get|env_bool|env_list|env_float)\(\s*"([A-Z_]+)"', SETTINGS_SOURCE)
)
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def resolve(value: str) -> str:
    """Docker compose interpolation: ${VAR:-default} → default, ${VAR:?error} → a test value."""
    value = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)
    return re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", "x" * 50, value)


def app_environment(compose: dict, service: str) -> dict[str, str]:
    return {name: resolve(str(value)) for name, value in compose["services"][service]["environment"].items()}


def test_it_starts_web_worker_beat_postgres_and_redis(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis"}


@pytest.mark.parametrize("service", ["web", "worker", "postgres", "redis"])
def test_long_running_services_have_health_checks(compose, service):
    assert compose["services"][service]["healthcheck"]["test"]


def test_data_lives_in_named_volumes(compose):
    assert set(compose["volumes"]) == {"postgres-data", "redis-data", "media"}
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    assert "redis-data:/data" in compose["services"]["redis"]["volumes"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_wait_for_healthy_database_and_broker(compose, service):
    depends = compose["services"][service]["depends_on"]
    assert depends == {"postgres": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}}


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_variable_given_to_the_app_is_read_by_the_settings(compose, service):
    unknown = set(app_environment(compose, service)) - ENV_READ_BY_SETTINGS
    assert not unknown, f"{service} sets variables the settings never read: {unknown}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_web_and_workers_share_the_media_volume_at_media_root(compose, service):
    """The worker writes export files that web serves: both must see the same MEDIA_ROOT."""
    media_root = app_environment(compose, service)["MEDIA_ROOT"]
    assert f"media:{media_root}" in compose["services"][service]["volumes"]


def test_the_production_settings_are_all_given(compose):
    env = app_environment(compose, "web")
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= set(env)
    assert env["DEBUG"] == "false"
    assert "${SECRET_KEY:?" in str(compose["services"]["web"]["environment"]["SECRET_KEY"]), "no default secret"


def test_urls_point_at_the_compose_services(compose):
    env = app_environment(compose, "web")
    database, broker = urlparse(env["DATABASE_URL"]), urlparse(env["REDIS_URL"])
    postgres = compose["services"]["postgres"]["environment"]
    assert (database.scheme, database.hostname) == ("postgres", "postgres")
    assert (database.username, database.password) == (postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"])
    assert database.path.lstrip("/") == postgres["POSTGRES_DB"]
    assert (broker.scheme, broker.hostname, broker.port) == ("redis", "redis", 6379)


def test_settings_load_in_production_mode_with_the_compose_environment(compose):
    """The compose environment gives PostgreSQL, a non-eager Celery on Redis, and passes the secret-key guard."""
    env = {**os.environ, **app_environment(compose, "web"), "DJANGO_SETTINGS_MODULE": "goalcascade.settings"}
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], "
        "s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    engine, host, broker, eager, debug = json.loads(out.stdout)
    assert (engine, host, broker, eager, debug) == (
        "django.db.backends.postgresql",
        "postgres",
        "redis://redis:6379/0",
        False,
        False,
    )


def test_commands_name_modules_that_exist(compose):
    services = compose["services"]
    assert "gunicorn goalcascade.wsgi:application" in services["web"]["command"]
    assert "migrate --noinput" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A goalcascade worker")
    assert services["beat"]["command"].startswith("celery -A goalcascade beat")
    assert importlib.util.find_spec("goalcascade.wsgi") is not None
    assert importlib.util.find_spec("goalcascade.celery") is not None


def test_the_beat_schedule_names_registered_tasks():
    from django.conf import settings

    from goalcascade.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_the_image_serves_on_the_port_compose_publishes(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "EXPOSE 8000" in dockerfile
    assert compose["services"]["web"]["ports"] == ["8000:8000"]
    assert all(compose["services"][name]["build"] == "." for name in APP_SERVICES)


def test_web_serves_with_threaded_workers(compose):
    """gthread (bench/load.py measured it against sync workers): a slow request holds a thread, not a process."""
    from bench.load import compose_gunicorn, option

    options = compose_gunicorn()
    assert option(options, "--worker-class", "sync") == "gthread"
    assert int(option(options, "--threads", "1")) > 1
    assert int(option(options, "--workers", "1")) > 1
    # Idle connections are kept longer than the load test's people pause (1-3 s), or a request meets a closing one.
    assert int(option(options, "--keep-alive", "2")) > 3


def test_the_load_test_serves_with_composes_gunicorn_options(compose):
    """bench/load.py reads the web command, so the load test measures the server compose runs (bind and log aside)."""
    from bench.load import compose_gunicorn

    command = compose["services"]["web"]["command"]
    options = compose_gunicorn()
    assert "--bind" not in options and "--access-logfile" not in options
    assert " ".join(options) in " ".join(command.split())
    serving = {"--workers", "--worker-class", "--threads", "--keep-alive", "--timeout", "--graceful-timeout"}
    assert serving <= set(options)
