"""The main pages of every role at 100,000 people, in-process (the server's time without the network), on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python bench/pages.py

On the shared organisation of bench/orggen.py (built if missing; never wiped here) it signs in as the leader (the
company's lead: everyone reports to them), a team manager, an employee and HR, and GETs each page a role may open —
the home page, My goals, the check-in page, the strategy map, the recognise page, the new-intent and new-proposal
forms, the pickers' searches, the X-matrix, the report — `--repeat` times after a warm-up: median and worst time,
size and queries. Target: every page < 500 ms and < 300 KB (issue 16: the load test's budget, and no page a list of
the whole organisation). The pages the load test drives under 20 people are in bench/load.py; this one finds the
page nobody load-tests (the recognise page took 50 s and 41 MB for the leader before its pickers searched).
Results: bench/results/pages-*.json and pages-latest.md.
"""

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_MS, TARGET_KB = 500, 300

# (url, roles that open it); {parent} is a translational goal's id, {goal} one of the person's own goals.
PAGES = [
    ("/", "all"),
    ("/my-goals/", "all"),
    ("/check-in/", "all"),
    ("/map/", "all"),
    ("/recognise/", "all"),
    ("/people/options/?name=to&to_q=person 12", "all"),
    ("/recognise/goal-options/?goal_q=partner pipe", "all"),
    ("/goals/{goal}/", "all"),
    ("/proposals/new/?parent={parent}", "all"),
    ("/xmatrix/", "all"),
    ("/notifications/", "all"),
    ("/strategy/", "leader"),
    ("/strategy/new/", "leader"),
    ("/units/options/?name=unit&unit_q=division", "leader"),
    ("/alignment/", "hr"),
]


def people() -> dict:
    from apps.org.models import Person, Unit

    team = Unit.objects.order_by("-level", "-pk").first()  # the last team: the first one's lead is the leader
    return {
        "leader": Person.objects.filter(role=Person.Role.LEADER, is_active=True).order_by("pk").first(),
        "manager": team.lead,
        "employee": Person.objects.filter(role=Person.Role.EMPLOYEE, is_active=True, unit=team).order_by("pk").first(),
        "hr": Person.objects.filter(role=Person.Role.HR, is_active=True).order_by("pk").first(),
    }


def measure(repeat: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.goals.models import Goal, Layer

    parent = Goal.objects.filter(layer=Layer.TRANSLATIONAL).order_by("pk").values_list("pk", flat=True).first()
    rows = []
    for role, person in people().items():
        client = Client()
        client.force_login(person)
        goal = Goal.objects.filter(owner=person, archived_at__isnull=True).order_by("pk").values_list("pk", flat=True)
        for pattern, who in PAGES:
            if who not in ("all", role):
                continue
            url = pattern.format(parent=parent, goal=goal.first())
            client.get(url)  # warm-up
            times = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    response = client.get(url)
                    content = response.content
                    times.append(time.perf_counter() - began)
            rows.append(
                {
                    "role": role,
                    "url": pattern,
                    "status": response.status_code,
                    "median_ms": round(statistics.median(times) * 1000, 1),
                    "max_ms": round(max(times) * 1000, 1),
                    "kb": round(len(content) / 1024, 1),
                    "queries": len(captured.captured_queries),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per page (default 3)")
    parser.add_argument("--force", action="store_true", help="run even with other sessions on the database")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.common import check_database, ensure_org, setup_django

    setup_django()
    check_database("bench/pages.py", args.force)
    from bench import report

    org = ensure_org(args.people)
    rows = measure(args.repeat)
    passed = [r["status"] == 200 and r["max_ms"] < TARGET_MS and r["kb"] < TARGET_KB for r in rows]
    result = {"machine": report.machine(), "code": report.code(), "org": org, "pages": rows}
    result["verdict"] = {"target": f"every page < {TARGET_MS} ms and < {TARGET_KB} KB", "pass": all(passed)}
    write(result)
    print(json.dumps(result["verdict"]))
    return 0


def write(result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    json_path = RESULTS / f"pages-{stamp}.json"
    json_path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    lines = [
        "# Main pages of every role",
        "",
        f"{result['org'].get('people')} people; commit {result['code']['commit'][:10]}; "
        f"{result['machine']['cores']} cores. Raw: {json_path.name}",
        "",
        "| role | page | status | median / worst ms | KB | queries |",
        "| --- | --- | --- | --- | --- | --- |",
        *(
            f"| {r['role']} | `{r['url']}` | {r['status']} | {r['median_ms']} / {r['max_ms']} | {r['kb']} | "
            f"{r['queries']} |"
            for r in result["pages"]
        ),
        "",
        f"Target: {result['verdict']['target']}: {'met' if result['verdict']['pass'] else 'NOT met'}.",
        "",
    ]
    (RESULTS / "pages-latest.md").write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
