"""Benchmark of the alignment report read from its stored figures (apps.reports.stored), on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python bench/report_stored.py

On the shared organisation of bench/orggen.py (built if missing; never wiped here), it measures:
- the nightly full pass (`refresh_report_figures`: every stored scope counted from scratch and stored), target < 10 s;
- `GET /api/v1/reports/alignment/` and the report page, org-wide and for a division, a department and a team,
  through Django's full stack in-process (the server's time without the network), target p95 < 300 ms;
- the work the stored figures add to one rollup drain (a check-in on a personal goal: its path's units counted
  again), beside the drain itself.
Goals written around the services (the generator's bulk load) get their copy scores first, as the migration would.
Results go to bench/results/report-stored-*.json and report-stored-latest.md.
"""

import argparse
import importlib
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_P95_MS = 300
TARGET_PASS_S = 10


def stats(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def timed_get(client, url: str, repeat: int, **params) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm-up
    times, queries, size = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url, params)
            content = response.content
            times.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
        queries, size = len(captured.captured_queries), len(content)
    return {**stats(times), "queries": queries, "bytes": size}


def copy_scores() -> float | None:
    """Score the goals a bulk load left unscored (as migration goals.0013 does); the seconds it took, or None."""
    from django.apps import apps

    from apps.goals.models import Goal

    if Goal.objects.filter(parent__isnull=False, copy_score__isnull=False).exists():
        return None
    began = time.perf_counter()
    importlib.import_module("apps.goals.migrations.0013_goal_copy_score").backfill(apps, None)
    return round(time.perf_counter() - began, 1)


def full_pass(repeat: int) -> dict:
    from apps.reports import stored

    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        scopes = stored.refresh_all()
        times.append(time.perf_counter() - began)
    return {"scopes": scopes, "seconds": [round(t, 2) for t in times], "median_s": round(statistics.median(times), 2)}


def units_to_read() -> dict:
    from apps.org.models import Unit

    def deepest(level: int):
        return Unit.objects.filter(level=level).order_by("pk").first()

    top = Unit.objects.order_by("tree_id", "lft").first()
    deepest_level = Unit.objects.order_by("-level").values_list("level", flat=True).first()
    return {"division": deepest(1), "department": deepest(2), "team": deepest(deepest_level), "_top": top}


def reads(repeat: int) -> dict:
    from django.test import Client
    from rest_framework.test import APIClient

    from apps.org.models import Person

    hr = Person.objects.filter(role=Person.Role.HR, is_active=True).order_by("pk").first()
    api, page = APIClient(), Client()
    api.force_authenticate(hr)
    page.force_login(hr)
    out = {"org-wide": {}}
    out["org-wide"]["api"] = timed_get(api, "/api/v1/reports/alignment/", repeat)
    out["org-wide"]["page"] = timed_get(page, "/alignment/", repeat)
    for name, unit in units_to_read().items():
        if name.startswith("_") or unit is None:
            continue
        out[f"{name} ({unit.name})"] = {
            "api": timed_get(api, "/api/v1/reports/alignment/", repeat, unit=unit.pk),
            "page": timed_get(page, f"/alignment/units/{unit.pk}/", repeat),
        }
    return out


def drain_cost(repeat: int) -> dict:
    """A check-in's drain, and in it the stored figures' refresh (the path's units counted again in each scope)."""
    from apps.goals import rollup
    from apps.goals.models import Goal, Layer
    from apps.reports import stored

    goal_ids = list(
        Goal.objects.filter(layer=Layer.PERSONAL, parent__isnull=False, archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:repeat]
    )
    rolled, refreshed = [], []
    for pk in goal_ids:
        began = time.perf_counter()
        rollup.recompute_goals([pk])
        rolled.append(time.perf_counter() - began)
        began = time.perf_counter()
        stored.refresh_goals([pk])
        refreshed.append(time.perf_counter() - began)
    return {"rollup": stats(rolled), "figures_refresh": stats(refreshed)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per endpoint (default 20)")
    parser.add_argument("--force", action="store_true", help="run even with other sessions on the database")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.common import check_database, ensure_org, setup_django

    setup_django()
    check_database("bench/report_stored.py", args.force)
    from bench import report

    org = ensure_org(args.people)
    result = {"machine": report.machine(), "code": report.code(), "org": org}
    result["copy_scores_backfill_s"] = copy_scores()
    result["full_pass"] = full_pass(2)
    print(json.dumps(result, default=str)[-1500:], flush=True)
    result["reads"] = reads(args.repeat)
    print(json.dumps(result, default=str)[-1500:], flush=True)
    result["drain"] = drain_cost(10)
    worst = max(r[kind]["p95_ms"] for r in result["reads"].values() for kind in ("api", "page"))
    result["verdicts"] = [
        {"target": f"report p95 < {TARGET_P95_MS} ms (worst of API and page)", "measured": worst, "pass": worst < 300},
        {
            "target": f"full pass < {TARGET_PASS_S} s",
            "measured": result["full_pass"]["median_s"],
            "pass": result["full_pass"]["median_s"] < TARGET_PASS_S,
        },
    ]
    write(result)
    print(json.dumps(result["verdicts"], indent=1))
    return 0


def write(result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    json_path = RESULTS / f"report-stored-{stamp}.json"
    json_path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    lines = [
        "# Alignment report from stored figures",
        "",
        f"{result['org'].get('people')} people, {result['org'].get('goals')} goals; "
        f"commit {result['code']['commit'][:10]}; {result['machine']['cores']} cores. Raw: {json_path.name}",
        "",
        f"Full pass (`refresh_report_figures`, {result['full_pass']['scopes']} scope(s)): "
        f"{result['full_pass']['seconds']} s. Copy-score backfill: {result['copy_scores_backfill_s']} s.",
        "",
        "| report | API p50 / p95 ms | API queries, bytes | page p50 / p95 ms | page queries, bytes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, r in result["reads"].items():
        a, p = r["api"], r["page"]
        lines.append(
            f"| {name} | {a['p50_ms']} / {a['p95_ms']} | {a['queries']}, {a['bytes']:,} | "
            f"{p['p50_ms']} / {p['p95_ms']} | {p['queries']}, {p['bytes']:,} |"
        )
    d = result["drain"]
    lines += [
        "",
        f"One check-in's drain: rollup p50 {d['rollup']['p50_ms']} ms; the stored figures' refresh adds "
        f"p50 {d['figures_refresh']['p50_ms']} ms (p95 {d['figures_refresh']['p95_ms']} ms).",
        "",
        "| target | measured | pass |",
        "| --- | --- | --- |",
        *(f"| {v['target']} | {v['measured']} | {'yes' if v['pass'] else 'NO'} |" for v in result["verdicts"]),
        "",
    ]
    (RESULTS / "report-stored-latest.md").write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
