"""Benchmark of `GET /api/v1/goals/{id}/tree/` on a 5,000-goal subtree, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench_tree .venv/bin/python bench/api_tree.py

Target (the REST API issue): under 300 ms server time with a constant number of queries; issue 16 adds under
200 KB, with the whole subtree left to the streamed NDJSON export (measured beside it). The
request goes through Django's full stack in-process (middleware, authentication, permissions,
serialisation, JSON rendering), so the time is the server's time without the network. It is
measured for an admin (sees everything) and for a manager (the permission filter applies).
Results go to bench/results/api-tree-latest.md and a dated JSON.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
TARGET_BYTES = 200_000


def wipe() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE goals_goal, metrics_metric, metrics_checkin, core_objectchange, org_person, org_unit, "
            "cycles_cycle, authtoken_token RESTART IDENTITY CASCADE"
        )


def build(translational: int, operational_each: int, personal_each: int) -> dict:
    """An organisation with one intent and a subtree of 1 + t + t·o·(1 + p) goals, each with a metric."""
    from django.db import connection

    from apps.cycles.services import cycle_create
    from apps.goals.models import Goal, GoalStatus, Layer, Metric
    from apps.goals.services import goal_create
    from apps.org.models import Person
    from apps.org.services import person_create, unit_create, unit_update

    company = unit_create(actor=None, name="Bench Corp", kind="company")
    team = unit_create(actor=None, name="Bench team", kind="team", parent=company)
    admin = person_create(actor=None, username="admin", role=Person.Role.ADMIN, unit=company)
    manager = person_create(actor=None, username="manager", role=Person.Role.MANAGER, unit=team)
    unit_update(actor=None, unit=team, lead=manager)
    employees = [person_create(actor=None, username=f"e{i}", unit=team, manager=manager) for i in range(50)]
    year = cycle_create(actor=None, name="FY2027", start=date(2027, 1, 1), end=date(2027, 12, 31), status="active")
    intent = goal_create(
        actor=None,
        title="Bench intent",
        layer=Layer.INTENT,
        cycle=year,
        unit=company,
        owner=admin,
        status=GoalStatus.ACTIVE,
    )
    common = {"cycle": year, "unit": team, "status": GoalStatus.ACTIVE, "lft": 0, "rght": 0, "tree_id": 0, "level": 0}
    with Goal.objects.disable_mptt_updates():
        trans = Goal.objects.bulk_create(
            Goal(
                title=f"Translational {i}",
                layer=Layer.TRANSLATIONAL,
                parent=intent,
                tree_parent=intent,
                owner=manager,
                **common,
            )
            for i in range(translational)
        )
        oper = Goal.objects.bulk_create(
            Goal(
                title=f"Operational {t.pk}.{i}",
                layer=Layer.OPERATIONAL,
                parent=t,
                tree_parent=t,
                owner=manager,
                **common,
            )
            for t in trans
            for i in range(operational_each)
        )
        personal = Goal.objects.bulk_create(
            Goal(
                title=f"Personal {o.pk}.{i}",
                layer=Layer.PERSONAL,
                parent=o,
                why="private",
                identity="someone",
                owner=employees[(o.pk + i) % len(employees)],
                **common,
            )
            for o in oper
            for i in range(personal_each)
        )
    Goal.objects.rebuild()
    Metric.objects.bulk_create(
        Metric(goal=g, name="Measure", start=0, target=100, current=g.pk % 100, progress=(g.pk % 100) / 100)
        for g in [intent, *trans, *oper, *personal]
    )
    from apps.goals.rollup import recompute_all

    recompute_all()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a table this size in production
    return {
        "intent": intent.pk,
        "admin": admin,
        "manager": manager,
        "subtree": 1 + len(trans) + len(oper) + len(personal),
    }


# What is asked of tree/: the default (whole up to apps.goals.api.tree.MAX_NODES goals, else cut at whole levels),
# two levels 50 children wide, and the whole subtree streamed as NDJSON (for integrators).
SHAPES = {"default": "", "depth=2&limit=50": "?depth=2&limit=50", "ndjson (whole subtree)": "?format=ndjson"}


def measure(person, intent_id: int, repeat: int, query: str = "") -> dict:
    from django.db import connection
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(person)
    url = f"/api/v1/goals/{intent_id}/tree/{query}"
    streamed = "format=ndjson" in query
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        response = client.get(url)
        body = b"".join(response.streaming_content) if streamed else response.content
    assert response.status_code == 200, body[:300]
    nodes = len(body.splitlines()) if streamed else _count(json.loads(body))
    times = []
    for _ in range(1 if streamed else repeat):
        person.__dict__.pop("_goal_access", None)  # as in production: a fresh person per request
        started = time.perf_counter()
        response = client.get(url)
        if streamed:
            peak = 0
            for chunk in response.streaming_content:
                peak = max(peak, len(chunk))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "nodes": nodes,
        "queries": len(queries),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "bytes": len(body),
    }


def _count(node: dict) -> int:
    return 1 + sum(_count(child) for child in node["children"])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--reuse",
        type=int,
        metavar="PEOPLE",
        help="measure an intent of the shared organisation of PEOPLE people (bench/orggen.py; built if missing)"
        " for its leader and a team manager, instead of building a subtree",
    )
    args = parser.parse_args(argv)
    from bench.common import check_database, ensure_org, setup_django

    setup_django()
    check_database("bench/api_tree.py")
    if args.reuse:
        ensure_org(args.reuse)
        org = shared_org_callers()
    else:
        wipe()
        org = build(translational=50, operational_each=20, personal_each=4)
    callers = {role: org[role] for role in ("admin", "leader", "manager") if role in org}
    results = {
        role: {shape: measure(person, org["intent"], args.repeat, query) for shape, query in SHAPES.items()}
        for role, person in callers.items()
    }
    write(org["subtree"], results)


def shared_org_callers() -> dict:
    """The first published intent of the shared organisation, its leader and the lead of a team under it."""
    from django.db import connection

    from apps.goals.models import Goal
    from apps.org.models import Person

    intent = Goal.objects.filter(layer="intent", status="active").order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE sub AS (SELECT id FROM goals_goal WHERE id = %s"
            " UNION ALL SELECT g.id FROM goals_goal g JOIN sub ON g.parent_id = sub.id) SELECT count(*) FROM sub",
            [intent.pk],
        )
        subtree = cursor.fetchone()[0]
    manager = Person.objects.filter(role="manager", unit__kind="team").order_by("pk").first()
    leader = Person.objects.filter(role="leader").order_by("pk").first()
    return {"intent": intent.pk, "leader": leader, "manager": manager, "subtree": subtree}


def write(subtree: int, results: dict) -> None:
    import django
    from django.db import connection

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    payload = {
        "when": stamp,
        "subtree_goals": subtree,
        "target_ms": TARGET_MS,
        "results": results,
        "postgres": connection.cursor().connection.info.server_version,
        "django": django.get_version(),
        "cores": os.cpu_count(),
    }
    (out / f"api-tree-{stamp}.json").write_text(json.dumps(payload, indent=2))
    lines = [
        f"# `GET goals/{{id}}/tree/` — {stamp}",
        "",
        f"A {subtree:,}-goal subtree, served in-process through the whole Django stack; median (p95) of the "
        f"runs after a warm-up, {os.cpu_count()} cores, PostgreSQL {payload['postgres']}.",
        "",
        "The default and `depth=2&limit=50` are bounded answers (target: < 300 ms and < 200 KB); the NDJSON export "
        "streams the whole subtree (its time is one full read, for information).",
        "",
        "| caller | request | goals returned | queries | median | p95 | size | result |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for role, shapes in results.items():
        for shape, r in shapes.items():
            bounded = "ndjson" not in shape
            ok = r["median_ms"] < TARGET_MS and r["bytes"] < TARGET_BYTES
            verdict = ("pass" if ok else "**FAIL**") if bounded else "(export)"
            lines.append(
                f"| {role} | {shape} | {r['nodes']:,} | {r['queries']} | {r['median_ms']} ms | {r['p95_ms']} ms | "
                f"{r['bytes'] / 1000:,.0f} KB | {verdict} |"
            )
    (out / "api-tree-latest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    # Run as a file, Python puts bench/ on the path, not the project: add it for `apps` and `bench`.
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
