"""Real processes for the integration and fault tests: a Celery worker, a web server, a private Redis."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, for processes of their own (they see what the tests commit)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, what: str, log_path: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    tail = log_path.read_text()[-3000:] if log_path and log_path.exists() else ""
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n--- log ---\n{tail}")


class Process:
    """A child process with its output in a log file; stopped politely, or killed."""

    def __init__(self, args: list[str], env: dict, log_path: Path):
        self.log_path = log_path
        self._log = log_path.open("w")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement, as when the machine or the OOM killer takes it."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


def app_env(redis_url: str, **extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "ROLLUP_COALESCE_SECONDS": "0.3",
        "DJANGO_SETTINGS_MODULE": "goalcascade.settings",
        **extra,
    }


def start_worker(redis_url: str, log_path: Path, name: str, **extra_env) -> Process:
    args = [sys.executable, "-m", "celery", "-A", "goalcascade", "worker", "--pool=solo", "--loglevel=INFO"]
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}-{os.getpid()}@%h"]
    return Process(args, app_env(redis_url, **extra_env), log_path)


def start_web(redis_url: str, port: int, log_path: Path) -> Process:
    """gunicorn, as in production (one process, so its coalescing window is the one the test reasons about)."""
    args = [sys.executable, "-m", "gunicorn", "goalcascade.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "-t", "60"]
    return Process(args, app_env(redis_url, API_THROTTLE_USER="", API_THROTTLE_ANON=""), log_path)


class PrivateRedis:
    """A redis-server of the test's own on a free port, so that stopping it disturbs nothing else."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = tmp_path / "redis.log"
        self.process: Process | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = Process(args, dict(os.environ), self.log_path)
        wait_until(self._answers, timeout=20, what="the private Redis", log_path=self.log_path)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False
