"""The load test's users (Locust), run by bench/load.py against gunicorn on loopback.

People of the benchmark organisation sign in with the password form (a session, as a browser
would) and then, thinking 1–3 s between requests, do what they do in a week: employees open their
home page, their goals, the strategy map, list their goals through the API, open the tree of their
intent, check in and search; managers do the same for their team; one HR person reads the alignment
report. Who they are comes from the JSON file named by BENCH_LOAD_USERS (written by bench/load.py).

The saturation classes (`HomeSaturation`, `CheckinSaturation`) do one thing with no think time,
to find the most requests per second the web processes serve. Every request has a timeout: a
request that times out, or answers anything but the expected status, is a failure, not a crash.
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, constant, task
from locust.exception import StopUser

TIMEOUT_S = float(os.environ.get("BENCH_LOAD_TIMEOUT", "65"))  # above gunicorn's 60 s: its timeout shows as a 5xx
CAST = json.loads(open(os.environ["BENCH_LOAD_USERS"]).read()) if os.environ.get("BENCH_LOAD_USERS") else {}
_turns = {role: itertools.cycle(people) for role, people in CAST.get("people", {}).items() if people}
# Endpoints left out of a run (bench/load.py --also-without-slow): their tasks only think.
SKIP = {name for name in os.environ.get("BENCH_LOAD_SKIP", "").split("|") if name}
CHECKIN = "POST /api/v1/checkins/batch/"


def _why(response) -> str:
    """The status and the start of the answer; status 0 is no answer at all: the connection's error, named."""
    if response.status_code == 0:
        return f"0: {response.error!r}"[:300]
    return f"{response.status_code}: {response.text[:200]}"


class Person(HttpUser):
    """A signed-in person of the organisation; `role` says from which pool of bench/load.py it is drawn."""

    abstract = True
    role = "employee"
    wait_time = between(1, 3)

    def on_start(self) -> None:
        # A small organisation may have no plain employees (every person of a one-person team leads it).
        self.me = next(_turns.get(self.role) or _turns["manager"])
        self.sign_in()

    def sign_in(self) -> None:
        self.client.get("/accounts/login/", name="sign-in (form)", timeout=TIMEOUT_S)
        form = {
            "username": self.me["username"],
            "password": CAST["password"],
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            "next": "/",
        }
        with self.client.post(
            "/accounts/login/", data=form, name="sign-in", timeout=TIMEOUT_S, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
                raise StopUser()

    def get(self, url: str, name: str) -> None:
        if name in SKIP:
            return
        with self.client.get(url, name=name, timeout=TIMEOUT_S, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(_why(r))

    def check_in(self) -> None:
        if CHECKIN in SKIP:
            return
        items = [{"metric": m, "value": random.randint(0, 100), "confidence": 7} for m in self.me["metrics"]]
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host + "/"}
        with self.client.post(
            "/api/v1/checkins/batch/",
            json=items,
            headers=headers,
            name=CHECKIN,
            timeout=TIMEOUT_S,
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                r.failure(_why(r))


class Everyday(Person):
    """What employees and managers both do."""

    abstract = True

    @task(4)
    def home(self) -> None:
        self.get("/", "GET / (home)")

    @task(3)
    def goal_page(self) -> None:
        self.get(f"/goals/{random.choice(self.me['goals'])}/", "GET /goals/<id>/")

    @task(1)
    def strategy_map(self) -> None:
        self.get("/map/", "GET /map/ (strategy map)")

    @task(2)
    def goals_api(self) -> None:
        owner = random.choice(self.me.get("reports") or [self.me["id"]])
        self.get(f"/api/v1/goals/?owner={owner}", "GET /api/v1/goals/?owner=")

    @task(1)
    def intent_tree(self) -> None:
        self.get(f"/api/v1/goals/{self.me['intent']}/tree/", "GET /api/v1/goals/<intent>/tree/")

    @task(2)
    def weekly_checkin(self) -> None:
        self.check_in()

    @task(1)
    def search(self) -> None:
        self.get(f"/api/v1/search/?q={random.choice(self.me['words'])}", "GET /api/v1/search/?q=")

    @task(1)
    def healthz(self) -> None:
        self.get("/healthz", "GET /healthz")


class Employee(Everyday):
    role = "employee"
    weight = 1


class Manager(Everyday):
    role = "manager"
    fixed_count = 3


class HR(Person):
    """HR reads the alignment report (the API the page shows), and opens their own home page between."""

    role = "hr"
    fixed_count = 1

    @task(3)
    def alignment_report(self) -> None:
        self.get("/api/v1/reports/alignment/", "GET /api/v1/reports/alignment/ (HR)")

    @task(1)
    def home(self) -> None:
        self.get("/", "GET / (home)")


class HomeSaturation(Person):
    """Employees reloading their home page, no think time."""

    role = "employee"
    wait_time = constant(0)

    @task
    def home(self) -> None:
        self.get("/", "GET / (home)")


class CheckinSaturation(Person):
    """Employees checking in, no think time."""

    role = "employee"
    wait_time = constant(0)

    @task
    def weekly_checkin(self) -> None:
        self.check_in()
