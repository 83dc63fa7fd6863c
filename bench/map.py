"""Benchmark of the strategy map on the shared organisation (bench/orggen.py): each request the map makes, its time
and its size, for an employee, a division head and a leader.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python bench/map.py --people 100000

The map renders one level per request (apps.goals.map_levels): the first view (the intents and their children), a
level opened on demand (the widest goal under an intent), its next page ("Show more"), the personal goals linked to
nothing (behind one node), the unit search as one types, and the map filtered by a division. Each goes through
Django's whole stack in-process with a signed-in session, so the time is the server's, without the network.
Target (issue 16): no map response over 200 KB or 300 ms at 100,000 people, for any role.
Results go to bench/results/map-latest.md and a dated JSON.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
TARGET_BYTES = 200_000


def callers() -> dict:
    """An employee with a manager, the lead of a division, and a leader."""
    from apps.org.models import Person, Unit

    division = Unit.objects.filter(kind="division", lead__isnull=False).order_by("pk").first()
    return {
        "employee": Person.objects.filter(role="employee", manager__isnull=False, is_active=True)
        .order_by("pk")
        .first(),
        "division head": division.lead if division else None,
        "leader": Person.objects.filter(role="leader", is_active=True).order_by("pk").first(),
    }


def requests(division_id: int | None) -> dict[str, tuple[str, dict]]:
    """What the map asks for: name → (url, extra headers)."""
    from django.db.models import Count
    from django.urls import reverse

    from apps.goals.models import Goal
    from apps.goals.views.cascade import default_cycle

    cycle = default_cycle()
    htmx = {"HTTP_HX_REQUEST": "true"}
    intent = Goal.objects.filter(layer="intent", status="active", cycle=cycle).order_by("pk").first()
    widest = (
        Goal.objects.filter(parent__parent=intent, archived_at__isnull=True)
        .annotate(n=Count("children"))
        .order_by("-n", "pk")
        .first()
    ) or intent
    level = reverse("goals:map-children", args=[widest.pk])
    unlinked = reverse("goals:map-unlinked", args=[cycle.pk])
    found = {
        "first view": (reverse("goals:map"), {}),
        "a level (htmx)": (level, htmx),
        "its next page (htmx)": (f"{level}?offset=50", htmx),
        "a level without JS (page)": (level, {}),
        "unlinked personal goals (htmx)": (unlinked, htmx),
        "unit search (htmx)": (reverse("goals:map-units") + "?unit_q=team 1", htmx),
    }
    if division_id:
        found["filtered by a division"] = (reverse("goals:map") + f"?cycle={cycle.pk}&unit={division_id}", {})
        found["… and by health (at risk)"] = (
            reverse("goals:map") + f"?cycle={cycle.pk}&unit={division_id}&health=at_risk",
            {},
        )
    return found


def measure(person, url: str, headers: dict, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(person)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "url": url,
        "queries": len(queries),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "bytes": len(response.content),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000, help="the shared organisation's size (built if missing)")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--force", action="store_true", help="run in a database whose name lacks 'bench'")
    args = parser.parse_args(argv)
    from bench.common import check_database, ensure_org, setup_django

    setup_django()
    check_database("bench/map.py", force=args.force)
    org = ensure_org(args.people)
    people = {role: person for role, person in callers().items() if person is not None}
    division = people.get("division head")
    asked = requests(
        division.led_units.filter(kind="division").values_list("pk", flat=True).first() if division else None
    )
    results = {
        role: {name: measure(person, url, headers, args.repeat) for name, (url, headers) in asked.items()}
        for role, person in people.items()
    }
    write(org, results)


def write(org: dict, results: dict) -> None:
    import django
    from django.db import connection

    from apps.goals.models import Goal
    from apps.org.models import Person

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    size = {"people": Person.objects.count(), "goals": Goal.objects.count()}
    payload = {
        "when": stamp,
        "org": {**size, "reused": org.get("reused")},
        "targets": {"ms": TARGET_MS, "bytes": TARGET_BYTES},
        "results": results,
        "postgres": connection.cursor().connection.info.server_version,
        "django": django.get_version(),
        "cores": os.cpu_count(),
        "load": os.getloadavg(),
    }
    (out / f"map-{stamp}.json").write_text(json.dumps(payload, indent=2))
    lines = [
        f"# The strategy map — {stamp}",
        "",
        f"{size['people']:,} people, {size['goals']:,} goals; in-process through the whole Django stack with a "
        f"signed-in session; median (p95) of the runs after a warm-up; {os.cpu_count()} cores, load "
        f"{os.getloadavg()[0]:.1f}, PostgreSQL {payload['postgres']}. Target: < {TARGET_MS} ms and "
        f"< {TARGET_BYTES // 1000} KB for every response.",
        "",
        "| caller | request | queries | median | p95 | size | result |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for role, rows in results.items():
        for name, r in rows.items():
            ok = r["median_ms"] < TARGET_MS and r["bytes"] < TARGET_BYTES
            lines.append(
                f"| {role} | {name} | {r['queries']} | {r['median_ms']} ms | {r['p95_ms']} ms | "
                f"{r['bytes'] / 1000:.0f} KB | {'pass' if ok else '**FAIL**'} |"
            )
    (out / "map-latest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
