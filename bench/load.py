"""Load test of the main pages and API calls with Locust, against the production stack on loopback:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python bench/load.py

On the shared organisation of bench/orggen.py (built first if it is not there), it starts a Redis
of its own on a free port, a Celery worker and gunicorn with docker-compose.yml's own gunicorn options
(workers, worker class, threads, timeouts: read from its web command, so the two cannot drift apart)
with DEBUG off, then runs Locust headless for a bounded time: 20 people
thinking 1–3 s between requests (bench/locustfile.py), then two short saturation runs without
think time (the home page, the weekly check-in) that give the most requests per second the web
processes serve. Everything it started is stopped at the end, by process group.

The people it signs in as get a password for the run (their unusable one is put back after).
Settings are production's, with two differences said here: cookies are not marked Secure
(SECURE_COOKIES=false: loopback is plain HTTP, and a client does not send a Secure cookie over it)
and the per-person API throttle is off (API_THROTTLE_USER empty: the saturation run would measure
the throttle instead of the servers). Targets (issue 16): p95 < 500 ms for every page and API call
at 20 users, the check-in p95 < 300 ms. Results: bench/results/load-<stamp>.json and load-latest.md.
"""

import argparse
import csv
import json
import os
import random
import resource
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
TARGET_MS = 500
CHECKIN = "POST /api/v1/checkins/batch/"
TARGETS_MS = {CHECKIN: 300}
# Known to take seconds at 100,000 people (issue 16): left out of the diagnostic run (--also-without-slow).
SLOW = ("GET /api/v1/reports/alignment/ (HR)", "GET /api/v1/goals/<intent>/tree/", "GET /map/ (strategy map)")
MAX_FAILURE_SHARE = 0.01  # more than 1% failed requests fails an endpoint whatever its p95
UNUSABLE_PASSWORD = "!"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000, help="size of the shared organisation (default 100000)")
    parser.add_argument("--users", type=int, default=20, help="simulated people in the main run (default 20)")
    parser.add_argument("--duration", type=int, default=150, help="seconds of the main run (default 150)")
    parser.add_argument("--saturation-users", type=int, default=12, help="people without think time (default 12)")
    parser.add_argument("--saturation-duration", type=int, default=40, help="seconds of each saturation run")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: docker-compose.yml's)")
    parser.add_argument("--worker-class", help="gunicorn worker class, e.g. sync or gthread (default: compose's)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (default: compose's)")
    parser.add_argument("--quick", action="store_true", help="60 s main run, 20 s saturation runs")
    parser.add_argument("--no-saturation", action="store_true")
    parser.add_argument(
        "--also-without-slow",
        action="store_true",
        help="a second main run in which the known-slow endpoints are left out (what the others do without them)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        help="who signs in (default: new people each run, the seed recorded: a run's check-ins pile up on its people's"
        " goal pages, and the next run would measure them)",
    )
    parser.add_argument("--force", action="store_true", help="run in a database whose name lacks 'bench'")
    args = parser.parse_args(argv)
    if args.seed is None:
        args.seed = secrets.randbelow(10**6)
    if args.quick:
        args.duration, args.saturation_duration = 60, 20
    return args


# --- who signs in ------------------------------------------------------------------------------------


def pick_cast(rng: random.Random, employees: int = 60, managers: int = 6) -> dict:
    """People of the organisation with goals to open and metrics to check in on, by role."""
    from apps.org.models import Person

    people = Person.objects.filter(is_active=True).order_by("pk")
    pools = {
        "employee": list(people.filter(role="employee").values_list("pk", flat=True)),
        "manager": list(people.filter(role="manager", unit__kind="team").values_list("pk", flat=True)),
        "hr": list(people.filter(role="hr").values_list("pk", flat=True)),
    }
    wanted = {"employee": employees, "manager": managers, "hr": 1}
    cast = {}
    for role, ids in pools.items():
        chosen = []
        for pk in rng.sample(ids, len(ids)):
            person = _describe(pk, rng)
            if person:
                chosen.append(person)
            if len(chosen) == wanted[role]:
                break
        cast[role] = chosen
    return cast


def _describe(pk: int, rng: random.Random) -> dict | None:
    """A person's own open goals, up to five of their metrics (the weekly check-in), their cascade's intent, reports."""
    from apps.goals.models import Goal, Metric
    from apps.org.models import Person

    person = Person.objects.get(pk=pk)
    goals = Goal.objects.filter(owner_id=pk, status="active", archived_at__isnull=True)
    goal_ids = list(goals.values_list("pk", flat=True))
    metrics = list(
        Metric.objects.filter(goal__in=goals, archived_at__isnull=True).order_by("pk").values_list("pk", flat=True)[:5]
    )
    if person.role != "hr" and not (goal_ids and metrics):
        return None
    linked = goals.filter(parent__isnull=False).values_list("parent__tree_id", flat=True).first()
    intents = Goal.objects.filter(level=0, layer="intent", status="active").order_by("pk").values_list("pk", flat=True)
    # The intent of the person's cascade; a cascade under a draft intent has none published: the first one then.
    intent = intents.filter(tree_id=linked).first() or intents.first()
    words = sorted({w for title in goals.values_list("title", flat=True) for w in title.split() if len(w) > 5})
    return {
        "id": pk,
        "username": person.username,
        "goals": goal_ids,
        "metrics": metrics,
        "intent": intent,
        "reports": list(Person.objects.filter(manager_id=pk).values_list("pk", flat=True)[:20]),
        "words": words or ["revenue"],
    }


def set_passwords(cast: dict, password: str | None) -> None:
    """A password for the run, or (None) the unusable password the generator gave everyone."""
    from django.contrib.auth.hashers import make_password

    from apps.org.models import Person

    ids = [person["id"] for people in cast.values() for person in people]
    Person.objects.filter(pk__in=ids).update(password=make_password(password) if password else UNUSABLE_PASSWORD)


# --- the stack ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


COMPOSE = ROOT / "docker-compose.yml"
GUNICORN_APP = "goalcascade.wsgi:application"
# Options of compose's command that are about where it listens and logs, not how it serves: the load test binds to
# loopback and leaves the access log out (a line per request would be written by the workers being measured).
NOT_SERVING = {"--bind": 1, "--access-logfile": 1}


def compose_gunicorn() -> list[str]:
    """gunicorn's options in docker-compose.yml's web command (after the app), without --bind and the access log."""
    import yaml

    command = shlex.split(yaml.safe_load(COMPOSE.read_text())["services"]["web"]["command"])
    script = command[-1] if command[:2] == ["sh", "-c"] else shlex.join(command)
    serve = shlex.split(next(part for part in script.split("&&") if GUNICORN_APP in part))
    words = serve[serve.index(GUNICORN_APP) + 1 :]
    options, skip = [], 0
    for word in words:
        if skip:
            skip -= 1
        elif word in NOT_SERVING:
            skip = NOT_SERVING[word]
        else:
            options.append(word)
    return options


def gunicorn_options(workers: int | None = None, worker_class: str | None = None, threads: int | None = None) -> list:
    """compose's gunicorn options, with any of workers, worker class and threads replaced (a comparison run)."""
    options = compose_gunicorn()
    for flag, value in (("--workers", workers), ("--worker-class", worker_class), ("--threads", threads)):
        if value is None:
            continue
        if flag in options:
            options[options.index(flag) + 1] = str(value)
        else:
            options += [flag, str(value)]
    return options


def option(options: list[str], flag: str, default: str) -> str:
    return options[options.index(flag) + 1] if flag in options else default


class Stack:
    """Redis, a Celery worker and gunicorn, each in a process group of its own, stopped by that group's id."""

    def __init__(self, gunicorn: list[str], logs: Path):
        self.gunicorn, self.logs, self.processes = gunicorn, logs, []
        self.redis_port, self.web_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.web_port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "goalcascade.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SECURE_COOKIES": "false",
            "API_THROTTLE_USER": "",
            "MEDIA_ROOT": str(logs / "media"),
        }

    def start(self) -> None:
        redis = ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        self._spawn("redis", [*redis, "no"])
        worker = [str(VENV_BIN / "celery"), "-A", "goalcascade", "worker", "--concurrency", "2", "--loglevel", "INFO"]
        self._spawn("celery", [*worker, "-n", f"bench-load-{self.web_port}@%h"])
        gunicorn = [str(VENV_BIN / "gunicorn"), GUNICORN_APP, "--bind", f"127.0.0.1:{self.web_port}", *self.gunicorn]
        self._spawn("gunicorn", gunicorn)
        self._wait_healthy()

    def _spawn(self, name: str, command: list[str]) -> None:
        log = open(self.logs / f"{name}.log", "w")  # kept open for the process's lifetime
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append((name, process))

    def _wait_healthy(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:
                    body = json.loads(response.read())
                if body.get("broker") == "ok" or response.status == 200:
                    return
            except OSError:
                pass
            time.sleep(1)
        raise SystemExit(f"gunicorn did not answer /healthz within {seconds:.0f} s; see {self.logs}/gunicorn.log")

    def stop(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            print(f"stopped {name} (process group {process.pid})", flush=True)


# --- one Locust run -----------------------------------------------------------------------------------


class LoadSampler(threading.Thread):
    """The machine's 1-minute load average every 5 s during a run (the machine is shared: it says how busy)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(5):
            self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict:
        self.done.set()
        values = self.samples or [os.getloadavg()[0]]
        return {"mean_1min": round(sum(values) / len(values), 2), "max_1min": round(max(values), 2)}


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> tuple[int, float] | None:
    """(process group, CPU seconds the process itself used) of a live process, from /proc. Not its reaped children's:
    gunicorn reaps a worker restarted after --max-requests with the CPU of its whole life, earlier runs included,
    which made a 40 s run read 2.7 of 2 cores."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the command: state, ppid, pgrp, …; utime and stime are fields 14 and 15 of the whole line.
    return int(fields[2]), sum(int(value) for value in fields[11:13]) / CLOCK_TICKS


def _postgres_backends() -> set[int]:
    """The server processes of the connections to the benchmark's database (the web's and the worker's)."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return {pid for (pid,) in cursor.fetchall()}
    finally:
        connection.close()


def cpu_snapshot(stack: Stack) -> dict[str, dict[int, float]]:
    """CPU seconds so far of each process of the stack's process groups and of PostgreSQL's backends for it, by part
    and process id: beside the load average, it tells how much of the shared machine the stack itself used."""
    groups = {process.pid: name for name, process in stack.processes}
    backends = _postgres_backends()
    used: dict[str, dict[int, float]] = {name: {} for name in [*groups.values(), "postgres"]}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        found = _cpu_of(int(entry.name))
        if found is None:
            continue
        group, seconds = found
        if group in groups:
            used[groups[group]][int(entry.name)] = seconds
        elif int(entry.name) in backends:
            used["postgres"][int(entry.name)] = seconds
    return used


def cpu_used(before: dict, after: dict, seconds: float) -> dict:
    """Per part, the CPU seconds its processes used during a run (each process from its own count before, or from 0
    when it started during the run), and the share of the machine's cores over the run's wall time. A process that
    ended during the run takes its seconds with it (a PostgreSQL backend whose connection aged out, a worker that
    gunicorn restarted): a lower bound."""
    used = {
        name: round(sum(max(0.0, value - before.get(name, {}).get(pid, 0.0)) for pid, value in pids.items()), 1)
        for name, pids in after.items()
    }
    total = sum(used.values())
    cores = os.cpu_count() or 1
    return {"seconds": used, "total_seconds": round(total, 1), "share_of_machine": round(total / (cores * seconds), 2)}


def run_locust(
    stack: Stack, cast_file: Path, classes: list[str], users: int, seconds: int, prefix: Path, skip: tuple = ()
) -> dict:
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(min(users, 4)),
        "--run-time",
        f"{seconds}s",
        "--host",
        stack.url,
        "--csv",
        str(prefix),
        "--reset-stats",  # the sign-ins while people arrive are not part of what is measured
        "--only-summary",
        "--stop-timeout",
        "10",
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    env = {**os.environ, "BENCH_LOAD_USERS": str(cast_file), "BENCH_LOAD_SKIP": "|".join(skip)}
    sampler = LoadSampler()
    sampler.start()
    cpu_before = cpu_snapshot(stack)
    locust_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    with open(f"{prefix}-locust.log", "w") as log:
        subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 300, check=False)
    wall = time.monotonic() - began
    locust_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_after = cpu_snapshot(stack)
    locust = sum(getattr(locust_after, f) - getattr(locust_before, f) for f in ("ru_utime", "ru_stime"))
    cpu_after["locust"] = {0: locust}
    return {
        "users": users,
        "seconds": seconds,
        "wall_seconds": round(wall, 1),
        "cpu": cpu_used(cpu_before, cpu_after, wall),
        "classes": classes,
        "left_out": list(skip),
        "load_average": sampler.summary(),
        "endpoints": read_stats(prefix),
        "failures": read_failures(prefix),
    }


def read_stats(prefix: Path) -> list[dict]:
    rows = []
    with open(f"{prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated" or row["Name"].startswith("sign-in"):
                continue
            requests, failures = int(row["Request Count"]), int(row["Failure Count"])
            target = TARGETS_MS.get(row["Name"], TARGET_MS)
            p95 = _number(row["95%"])
            met = requests > 0 and p95 is not None and p95 < target and failures <= MAX_FAILURE_SHARE * requests
            rows.append(
                {
                    "endpoint": row["Name"],
                    "requests": requests,
                    "failures": failures,
                    "rps": round(float(row["Requests/s"]), 2),
                    "p50_ms": _number(row["50%"]),
                    "p95_ms": p95,
                    "p99_ms": _number(row["99%"]),
                    "max_ms": round(float(row["Max Response Time"] or 0)),
                    "avg_bytes": round(float(row["Average Content Size"] or 0)),
                    "target_p95_ms": target,
                    "pass": met,
                }
            )
    return sorted(rows, key=lambda r: r["endpoint"])


def read_failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path) as f:
        return [
            {"endpoint": row["Name"], "error": row["Error"][:300], "occurrences": int(row["Occurrences"])}
            for row in csv.DictReader(f)
        ]


def _number(value: str) -> int | None:
    return None if value in ("", "N/A") else round(float(value))


# --- results ------------------------------------------------------------------------------------------


def write_results(result: dict) -> tuple[Path, Path]:
    RESULTS.mkdir(exist_ok=True)
    stamp = result["date"].replace("-", "").replace(":", "").replace("T", "-")
    json_path = RESULTS / f"load-{stamp}.json"
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    md_path = RESULTS / "load-latest.md"
    md_path.write_text(markdown(result, json_path.name))
    return json_path, md_path


def markdown(result: dict, raw: str) -> str:
    org = result["organisation"]
    lines = [
        f"# Load test — {result['date']}",
        "",
        f"{org['people']:,} people, {org['goals']:,} goals, {org['units']:,} units;"
        f" gunicorn {_server(result)} + Celery worker + Redis + PostgreSQL"
        f" on one {result['machine']['cores']}-core machine, Locust on loopback."
        f" Raw data: `{raw}`.",
        "",
        f"Code: commit `{result['code']['commit'][:12]}`"
        + (
            f", with {len(result['code']['uncommitted_app_files'])} uncommitted app files in the working tree served"
            if result["code"]["uncommitted_app_files"]
            else ""
        )
        + "."
        + (f" People drawn with seed {result['seed']} (new people each run)." if "seed" in result else ""),
        "",
    ]
    for name, run in result["runs"].items():
        if not name.startswith("main"):
            continue
        left_out = f"; left out: {', '.join(run['left_out'])}" if run.get("left_out") else ""
        lines += [
            f"**{name.capitalize()}: {run['users']} people thinking 1–3 s, {run['seconds']} s{left_out}** — load"
            f" average (1 min) mean {run['load_average']['mean_1min']}, max {run['load_average']['max_1min']}"
            " (the machine is shared with other work)" + _cpu_line(run) + ".",
            "",
            "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms | avg KB"
            " | target p95 | result |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
            *(_row(r) for r in run["endpoints"]),
            "",
        ]
    saturation = [(name, run) for name, run in result["runs"].items() if not name.startswith("main")]
    if saturation:
        lines += [
            "**Saturation (no think time)** — the most requests per second the web processes serve:",
            "",
            "| run | people | seconds | req/s | p50 ms | p95 ms | failures | load average mean / max | stack's cores |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
        ]
        for name, run in saturation:
            for r in run["endpoints"]:
                load = run["load_average"]
                lines.append(
                    f"| {name}: {r['endpoint']} | {run['users']} | {run['seconds']} | **{r['rps']}** | {r['p50_ms']}"
                    f" | {r['p95_ms']} | {r['failures']} | {load['mean_1min']} / {load['max_1min']} | {_cores(run)} |"
                )
        lines.append("")
    failures = [f for run in result["runs"].values() for f in run["failures"]]
    if failures:
        lines += ["Failures:", ""]
        lines += [f"- {f['endpoint']}: {f['occurrences']} × {f['error']}" for f in failures]
        lines.append("")
    return "\n".join(lines)


def _cores(run: dict) -> str:
    cpu = run.get("cpu")
    return f"{cpu['share_of_machine'] * (os.cpu_count() or 1):.2f}" if cpu else ""


def _cpu_line(run: dict) -> str:
    """ "; the stack used 1.1 of the 2 cores (web …, worker …, PostgreSQL …, Locust … CPU s)" when measured."""
    cpu = run.get("cpu")
    if not cpu:
        return ""
    cores = os.cpu_count() or 1
    parts = ", ".join(f"{name} {value}" for name, value in cpu["seconds"].items())
    return f"; the stack used {cpu['share_of_machine'] * cores:.2f} of the {cores} cores ({parts} CPU s)"


def _server(result: dict) -> str:
    """ "3 sync workers" or "3 gthread workers × 4 threads" (older results only say how many workers)."""
    server = result.get("gunicorn")
    if not server:
        return f"{result['workers']} workers"
    threads = f" × {server['threads']} threads" if server["worker_class"] == "gthread" else ""
    return f"{server['workers']} {server['worker_class']} workers{threads}"


def _row(r: dict) -> str:
    verdict = "pass" if r["pass"] else "**FAIL**"
    return (
        f"| {r['endpoint']} | {r['requests']} | {r['failures']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']}"
        f" | {r['p99_ms']} | {r['max_ms']} | {r['avg_bytes'] / 1024:.0f} | < {r['target_p95_ms']} | {verdict} |"
    )


def working_tree() -> dict:
    """The commit served and the app files that differed from it: gunicorn serves the working tree as it is."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    changed = [line[3:] for line in git("status", "--porcelain", "--", "apps", "goalcascade").splitlines()]
    return {"commit": git("rev-parse", "HEAD"), "uncommitted_app_files": changed}


# --- the whole test -----------------------------------------------------------------------------------


def prepare(args: argparse.Namespace, work: Path) -> tuple[dict, dict, Path]:
    """The organisation (built if missing), the cast with a password for the run, written for the locustfile."""
    from bench.common import check_database, ensure_org, setup_django

    setup_django()
    check_database("bench/load.py", args.force)
    organisation = ensure_org(args.people)
    cast = pick_cast(random.Random(args.seed))
    password = secrets.token_urlsafe(16)
    set_passwords(cast, password)
    cast_file = work / "cast.json"
    cast_file.write_text(json.dumps({"password": password, "people": cast}))
    return organisation, cast, cast_file


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    organisation, cast, cast_file = prepare(args, work)
    from django.db import connection

    from bench.report import machine

    facts = machine()
    connection.close()  # the servers hold the connections now
    started = datetime.now()
    gunicorn = gunicorn_options(args.workers, args.worker_class, args.threads)
    stack = Stack(gunicorn, work)
    runs = {}
    try:
        stack.start()
        print(f"stack up at {stack.url}; logs in {work}", flush=True)
        mixed = ["Employee", "Manager", "HR"]
        runs["main"] = run_locust(stack, cast_file, mixed, args.users, args.duration, work / "main")
        if args.also_without_slow:
            runs["main without the slow endpoints"] = run_locust(
                stack, cast_file, mixed, args.users, args.duration, work / "main-light", skip=SLOW
            )
        if not args.no_saturation:
            for name, cls in (("home", "HomeSaturation"), ("check-in", "CheckinSaturation")):
                runs[name] = run_locust(
                    stack, cast_file, [cls], args.saturation_users, args.saturation_duration, work / name
                )
    finally:
        stack.stop()
        set_passwords(cast, None)
    result = {
        "benchmark": "load",
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(["bench/load.py", *argv]),
        "organisation": organisation,
        "machine": {**facts, "load_average_end": os.getloadavg()},
        "code": working_tree(),
        "workers": int(option(gunicorn, "--workers", "1")),
        "gunicorn": {
            "options": gunicorn,
            "workers": int(option(gunicorn, "--workers", "1")),
            "worker_class": option(gunicorn, "--worker-class", "sync"),
            "threads": int(option(gunicorn, "--threads", "1")),
            "as_compose": gunicorn == compose_gunicorn(),
        },
        "cast": {role: len(people) for role, people in cast.items()},
        "seed": args.seed,
        "runs": runs,
    }
    json_path, md_path = write_results(result)
    print(md_path.read_text())
    print(f"wrote {json_path.relative_to(ROOT)} and {md_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
