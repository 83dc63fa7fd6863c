"""What every benchmark does first: production-like Django settings, and a database it may wipe."""

import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """DEBUG off (with it on, Django keeps a log entry per query), tasks eager (no Redis), no API throttling.

    Without REDIS_URL the rollup after a change runs in-process, so a benchmark measures the
    work itself, not the queue.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goalcascade.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    if len(os.environ.get("SECRET_KEY", "")) < 32:
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    os.environ.pop("REDIS_URL", None)
    os.environ["API_THROTTLE_USER"] = ""
    import django

    django.setup()


def check_database(script: str, force: bool = False) -> None:
    """Refuse anything but a PostgreSQL database named for benchmarks with nobody else on it, then migrate it."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            f"{script} measures on PostgreSQL only; this run would use {connection.vendor}. Set DATABASE_URL, e.g.\n"
            f"  DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python {script}"
        )
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not force:
        sys.exit(
            f"The benchmark wipes its database, so the database's name must contain 'bench'; {name!r} does not"
            " (use --force to override)."
        )
    others = other_sessions()
    if others and not force:
        # Another benchmark on the same database would wipe our rows mid-run, and we its.
        sys.exit(f"{others} other session(s) are connected to {name!r}; the benchmark wipes it. Wait, or use --force.")
    call_command("migrate", verbosity=0)


def other_sessions() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_stat_activity
               WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"""
        )
        return cursor.fetchone()[0]


def ensure_org(people: int = 100_000, seed: int = 2027) -> dict:
    """The organisation every benchmark shares (bench/orggen.py): reused if built with this shape, else built now."""
    from bench import orggen

    return orggen.ensure_org(people, seed)
