"""Benchmark of the alignment report's exports (CSV and XLSX) on PostgreSQL:

    createdb -h 127.0.0.1 -U postgres goalcascade_bench_export      # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench_export \\
        .venv/bin/python bench/alignment_export.py

It WIPES its database (goals, metrics, check-ins, people, units, cycles, history, export jobs),
generates an organisation of 100,000 people with about five goals each (see `generate`), then
runs the export job's service (apps.reports.services.export_job_run: the report's figures, every
section streamed to a temporary file, the file saved to the default storage) for CSV and for
XLSX. For each run it records the wall-clock time, the statements sent, the rows and bytes
written and the peak memory: the process's peak resident set above what it held before the run
(Linux VmHWM, reset before each run), and, in a separate traced run, the peak of Python's own
allocations (tracemalloc). Target: each export under 60 s in bounded memory. Results go to
bench/results/alignment-export-*.json and alignment-export-latest.md.
"""

import argparse
import gc
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_S = 60.0
FANOUT = (10, 10, 10, 10)  # company → 10 divisions → 100 departments → 1,000 groups → 10,000 teams
LEVEL_NAMES = ("Division", "Department", "Group", "Team")
VERBS = ("Grow", "Cut", "Launch", "Improve", "Reduce", "Hire", "Ship", "Automate", "Win", "Open", "Train", "Retain")
THINGS = (
    "enterprise revenue",
    "churn in the mid-market",
    "onboarding time",
    "support backlog",
    "partner pipeline",
    "unit cost per order",
    "release frequency",
    "net promoter score",
    "field engineers",
    "warehouse throughput",
    "regional market share",
    "invoice errors",
)
WHERE = ("in APAC", "in the Nordics", "for SMB", "on mobile", "in Q3", "across EMEA", "for key accounts", "")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000, help="people (default 100000; 10 per team)")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per format (default 2)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--reuse", action="store_true", help="measure the data already there (no wipe)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one measurement, in a process of its own
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument(
        "--force", action="store_true", help="run even if the database name does not contain 'bench' (it is WIPED)"
    )
    return parser.parse_args(argv)


# --- Memory -----------------------------------------------------------------------------------------


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def reset_peak_memory() -> None:
    """Linux: clear_refs 5 resets the peak resident set size (VmHWM) to the current one."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def rss_mb() -> float:
    return _status_mb("VmRSS") or 0.0


def peak_rss_mb() -> float:
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- The organisation ---------------------------------------------------------------------------------


def wipe() -> None:
    """Empty the tables this benchmark fills, in its own database only (check_database made sure of that)."""
    from django.db import connection

    from apps.core.models import ObjectChange
    from apps.cycles.models import Cycle
    from apps.goals.models import CheckIn, Goal, Metric
    from apps.org.models import Person, Unit
    from apps.reports.models import ExportJob

    tables = [m._meta.db_table for m in (ExportJob, CheckIn, Metric, ObjectChange, Goal, Person, Unit, Cycle)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _units() -> tuple[list[tuple], list[list[int]]]:
    """Rows (id, name, kind, parent_id, lft, rght, tree_id, level) of one unit tree, and the ids per level."""
    kinds = ("company", "division", "department", "department", "team")
    levels: list[list[int]] = [[1]]
    parent_of: dict[int, int | None] = {1: None}
    names: dict[int, str] = {1: "Bench Corp"}
    next_id = 2
    for depth, fanout in enumerate(FANOUT, start=1):
        level = []
        for parent in levels[-1]:
            for n in range(fanout):
                parent_of[next_id] = parent
                names[next_id] = f"{LEVEL_NAMES[depth - 1]} {names[parent].split(' ', 1)[-1]}.{n + 1}"
                level.append(next_id)
                next_id += 1
        levels.append(level)
    children: dict[int, list[int]] = {}
    for pk, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    lft, rght, depth_of = _nested_sets(1, children)
    rows = [
        (pk, names[pk], kinds[depth_of[pk]], parent_of[pk], lft[pk], rght[pk], 1, depth_of[pk]) for pk in sorted(names)
    ]
    return rows, levels


def _nested_sets(root: int, children: dict[int, list[int]]) -> tuple[dict, dict, dict]:
    """lft, rght and level of every node under `root` (an iterative depth-first walk)."""
    lft, rght, level = {}, {}, {root: 0}
    counter = 1
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            rght[node] = counter
            counter += 1
            continue
        lft[node] = counter
        counter += 1
        stack.append((node, True))
        for child in reversed(children.get(node, [])):
            level[child] = level[node] + 1
            stack.append((child, False))
    return lft, rght, level


def _title(rng: random.Random) -> str:
    where = rng.choice(WHERE)
    return f"{rng.choice(VERBS)} {rng.choice(THINGS)} by {rng.randint(5, 60)}%" + (f" {where}" if where else "")


def generate(people: int, seed: int) -> dict:
    """Write the organisation with COPY in one transaction; returns what was written.

    Units: one tree, company → 10 divisions → 100 departments → 1,000 groups → 10,000 teams of
    `people` / 10,000 people each. Goals: 5 strategic intents (one a draft, with one division's
    goal under it: a twentieth of the cascade is orphaned), two translational goals per division
    and per department, two operational goals per group and four per team, each under a
    goal of the unit above; then every person has four personal goals (five for 60% of people), all
    linked to their team's goals but the last, which is stand-alone (orphaned) for 40% of people.
    With the cascade goals, about five goals a person. About 2% of child
    goals copy their parent's title. 88% of personal goals are active (5% draft, 4% achieved, 3%
    cancelled). See `_metrics_and_checkins` for metrics and check-ins: about a third of the active
    goals end up stale (the goals were created 100 days ago, the cycle began 90 days ago). Progress
    figures are random in [0, 1], the rolled-up one close to the measured one for nine goals in ten
    (an export reads the stored figures; it does not check them).
    """
    from django.db import connection, transaction

    from apps.cycles.models import Cycle
    from apps.goals.models import CheckIn, Goal, Metric
    from apps.org.models import Person, Unit

    rng = random.Random(seed)
    now = datetime.now().astimezone()
    today = now.date()
    created = now - timedelta(days=100)
    unit_rows, levels = _units()
    teams = levels[-1]
    per_team = max(1, people // len(teams))
    members: dict[int, list[int]] = {}
    person_rows = []
    for index in range(people):
        team = teams[index // per_team % len(teams)]
        pk = index + 1
        members.setdefault(team, []).append(pk)
        role = "hr" if pk == 1 else "employee"
        person_rows.append(
            ("!", False, f"p{pk:06d}", f"p{pk:06d}@example.com", False, True, created, f"Person {pk}", team, role)
        )
    parent_unit = {row[0]: row[3] for row in unit_rows}
    first_member: dict[int, int] = {}
    for team, ids in members.items():
        unit = team
        while unit is not None and unit not in first_member:
            first_member[unit] = ids[0]
            unit = parent_unit[unit]

    goals: list[dict] = []

    def goal(layer, unit, parent, title=None, status="active", owner=None):
        parent_title = goals[parent - 1]["title"] if parent else None
        if title is None:
            copied = parent_title is not None and rng.random() < 0.02
            title = parent_title.lower() + " " if copied else _title(rng)
        row = {
            "id": len(goals) + 1,
            "title": title.strip() if title.strip() else "Goal",
            "layer": layer,
            "parent": parent,
            "unit": unit,
            "owner": owner or first_member.get(unit, 1),
            "status": status,
        }
        goals.append(row)
        return row["id"]

    intents = [goal("intent", 1, None, f"Strategic intent {n + 1}: {_title(rng)}") for n in range(5)]
    goals[intents[-1] - 1]["status"] = "draft"  # one draft intent, with one division's goal under it (orphans)
    published = intents[:-1]
    below: dict[int, list[int]] = {}
    for division in levels[1]:
        above = [published[division % 4], published[(division + 1) % 4]]
        if division == levels[1][0]:
            above[1] = intents[-1]
        below[division] = [goal("translational", division, parent) for parent in above]
    for depth, layer, per_unit in ((2, "translational", 2), (3, "operational", 2)):
        for unit in levels[depth]:
            above = below[parent_unit[unit]]
            below[unit] = [goal(layer, unit, above[(unit + n) % len(above)]) for n in range(per_unit)]
    for team in teams:
        above = below[parent_unit[team]]
        below[team] = [goal("operational", team, above[n % len(above)]) for n in range(4)]
    statuses = ["active"] * 88 + ["draft"] * 5 + ["achieved"] * 4 + ["cancelled"] * 3
    for team, ids in members.items():
        for person in ids:
            count = 5 if rng.random() < 0.6 else 4
            for n in range(count):
                linked = n < count - 1 or rng.random() < 0.6
                parent = below[team][rng.randrange(4)] if linked else None
                goal("personal", team, parent, status=rng.choice(statuses), owner=person)

    _place_in_trees(goals)
    metrics, checkins, last_checkin = _metrics_and_checkins(goals, rng, now)
    cycle_row = (1, f"FY{today.year} bench", today - timedelta(days=90), today + timedelta(days=275), None, "active")

    with transaction.atomic():
        cursor = connection.cursor().cursor
        _copy(cursor, Cycle, ("id", "name", "start", "end", "parent_id", "status"), [cycle_row])
        _copy(cursor, Unit, ("id", "name", "kind", "parent_id", "lft", "rght", "tree_id", "level"), unit_rows)
        person_columns = (
            "password",
            "is_superuser",
            "username",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "name",
            "unit_id",
            "role",
        )
        _copy(cursor, Person, ("id", *person_columns), [(n + 1, *row) for n, row in enumerate(person_rows)])
        _copy(cursor, Goal, GOAL_COLUMNS, (_goal_row(g, rng, created, last_checkin) for g in goals))
        metric_columns = ("id", "goal_id", "name", "unit", "start", "target", "current", "weight", "progress")
        _copy(cursor, Metric, (*metric_columns, "created", "updated"), ((*m, created, created) for m in metrics))
        checkin_columns = ("id", "goal_id", "metric_id", "value", "confidence", "note", "status", "health")
        _copy(cursor, CheckIn, (*checkin_columns, "author_id", "created"), checkins)
        for model in (Cycle, Unit, Person, Goal, Metric, CheckIn):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "people": people,
        "units": len(unit_rows),
        "goals": len(goals),
        "metrics": len(metrics),
        "checkins": len(checkins),
        "goals_by_layer": {
            layer: sum(1 for g in goals if g["layer"] == layer)
            for layer in ("intent", "translational", "operational", "personal")
        },
    }


GOAL_COLUMNS = (
    "id",
    "title",
    "description",
    "why",
    "layer",
    "parent_id",
    "tree_parent_id",
    "cycle_id",
    "unit_id",
    "owner_id",
    "weight",
    "status",
    "progress_source",
    "manual_progress",
    "progress",
    "measured_progress",
    "rollup_progress",
    "health_override",
    "last_checkin_at",
    "identity",
    "motivation",
    "archived_at",
    "created",
    "updated",
    "lft",
    "rght",
    "tree_id",
    "level",
)


def _place_in_trees(goals: list[dict]) -> None:
    """Nested sets: intents and the cascade goals under them form one tree per intent; personal goals are
    one-node trees of their own (apps.goals.tree's storage)."""
    children: dict[int, list[int]] = {}
    for g in goals:
        if g["parent"] and g["layer"] != "personal":
            children.setdefault(g["parent"], []).append(g["id"])
    tree_id = 0
    for g in goals:
        if g["layer"] == "intent":
            tree_id += 1
            lft, rght, level = _nested_sets(g["id"], children)
            for pk in lft:
                goals[pk - 1].update(lft=lft[pk], rght=rght[pk], level=level[pk], tree_id=tree_id)
    for g in goals:
        if g["layer"] == "personal":
            tree_id += 1
            g.update(lft=1, rght=2, level=0, tree_id=tree_id)


def _metrics_and_checkins(goals: list[dict], rng: random.Random, now: datetime):
    """A metric on 90% of cascade goals and 80% of personal goals; check-ins (on the metric, else on the goal) on
    85% of goals, two to four of them 3–20 days apart, the latest within the last ten days for 85% of them."""
    metrics, checkins, last_checkin = [], [], {}
    for g in goals:
        metric_id = None
        if rng.random() < (0.9 if g["layer"] != "personal" else 0.8):
            metric_id = len(metrics) + 1
            current = rng.randint(0, 100)
            name = f"Measure of goal {g['id']}"
            metrics.append((metric_id, g["id"], name, "number", 0, 100, current, 1.0, current / 100))
        if rng.random() >= 0.85:
            continue
        at = now - timedelta(days=rng.uniform(0, 10) if rng.random() < 0.85 else rng.uniform(15, 45))
        last_checkin[g["id"]] = at
        for _ in range(rng.randint(2, 4)):
            value, confidence = (rng.randint(0, 100) if metric_id else None), rng.randint(3, 9)
            checkins.append((len(checkins) + 1, g["id"], metric_id, value, confidence, "", "", "", g["owner"], at))
            at -= timedelta(days=rng.uniform(3, 20))
    return metrics, checkins, last_checkin


def _goal_row(g: dict, rng: random.Random, created: datetime, last_checkin: dict) -> tuple:
    measured = round(rng.random(), 4) if rng.random() < 0.8 else None
    rollup = None
    if g["layer"] != "personal":  # mostly close to the measured outcome; one in ten far from it
        near = measured is not None and rng.random() < 0.9
        rollup = round(min(1.0, max(0.0, measured + rng.gauss(0, 0.08))) if near else rng.random(), 4)
    progress = measured if measured is not None else (rollup if rollup is not None else round(rng.random(), 4))
    motivation = rng.choice(("own", "expected", "pressure")) if g["layer"] == "personal" and rng.random() < 0.6 else ""
    override = rng.choice(("on_track", "at_risk", "off_track")) if rng.random() < 0.05 else ""
    tree_parent = g["parent"] if g["layer"] not in ("intent", "personal") else None
    return (
        g["id"],
        g["title"],
        "",
        "",
        g["layer"],
        g["parent"],
        tree_parent,
        1,
        g["unit"],
        g["owner"],
        1.0,
        g["status"],
        "auto",
        None,
        progress,
        measured,
        rollup,
        override,
        last_checkin.get(g["id"]),
        "",
        motivation,
        None,
        created,
        created,
        g["lft"],
        g["rght"],
        g["tree_id"],
        g["level"],
    )


def _copy(cursor, model, columns, rows) -> None:
    names = ", ".join(f'"{model._meta.get_field(c).column}"' for c in columns)
    with cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# --- The measurements ---------------------------------------------------------------------------------


class StatementCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run_export(fmt: str, requester, trace: bool = False) -> dict:
    from django.db import connection

    from apps.reports import services
    from apps.reports.models import ExportJob

    job = ExportJob.objects.create(requested_by=requester, format=fmt)
    gc.collect()
    before = rss_mb()
    reset_peak_memory()
    if trace:
        tracemalloc.start()
    counter = StatementCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        job = services.export_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    traced_peak = None
    if trace:
        traced_peak = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    peak = peak_rss_mb()
    assert job.status == "done", (job.status, job.error)
    result = {
        "format": fmt,
        "seconds": round(seconds, 2),
        "statements": counter.count,
        "rows": job.rows,
        "file_mb": round(job.file.size / 2**20, 2),
        "rss_before_mb": before,
        "peak_rss_mb": peak,
        "peak_rss_above_before_mb": round(peak - before, 1),
    }
    if trace:
        result["tracemalloc_peak_mb"] = traced_peak
    job.file.delete(save=False)
    return result


def time_summary() -> dict:
    """The report's figures alone (what the page and the JSON API compute), and the JSON API answer."""
    from django.db import connection

    from apps.reports.selectors import alignment_summary

    counter = StatementCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        summary = alignment_summary()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "statements": counter.count,
        "headcount": summary.totals.headcount,
        "orphaned": summary.totals.orphaned,
        "stale": summary.totals.stale,
        "without_metric": summary.totals.without_metric,
        "at_risk": summary.totals.at_risk,
        "off_track": summary.totals.off_track,
        "gaps": summary.totals.gaps,
        "copies": summary.totals.copies,
        "coverage": round(summary.totals.coverage or 0, 4),
        "units": len(summary.units),
        "teams_with_cadence": sum(1 for team in summary.cadence if team.median_days is not None),
    }


def main(argv: list[str]) -> None:
    """Generate (unless --reuse), then take each measurement in a fresh process: memory a previous run (or the
    generator) freed would otherwise be reused without showing in the peak resident set."""
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench.common import check_database, setup_django

    if args.child:
        child(args.child)
        return
    setup_django()
    check_database("bench/alignment_export.py", args.force)
    from django.db import connection

    data = None
    if not args.reuse:
        wipe()
        began = time.perf_counter()
        data = generate(args.people, args.seed)
        data["generate_seconds"] = round(time.perf_counter() - began, 1)
        print(f"generated {data}", flush=True)
    postgres = connection.cursor().connection.info.server_version
    connection.close()  # the measuring processes check that nobody else is connected
    started_at = datetime.now()
    summary = run_child("summary", args.force)
    print(f"summary {summary}", flush=True)
    runs = []
    for fmt in ("csv", "xlsx"):
        kinds = [fmt] * args.repeat + ([] if args.no_trace else [f"{fmt}-traced"])
        for kind in kinds:
            runs.append(run_child(kind, args.force))
            print(runs[-1], flush=True)
    result = {
        "benchmark": "alignment-export",
        "started": started_at.isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "postgres": postgres,
        "data": data,
        "summary": summary,
        "runs": runs,
        "target_s": TARGET_S,
    }
    write_results(result)


def run_child(kind: str, force: bool) -> dict:
    command = [sys.executable, __file__, "--child", kind] + (["--force"] if force else [])
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def child(kind: str) -> None:
    """One measurement, printed as a JSON line: `summary`, `csv`, `xlsx`, `csv-traced` or `xlsx-traced`."""
    media = tempfile.mkdtemp(prefix="alignment-export-bench-")
    os.environ["MEDIA_ROOT"] = media  # the export files go to a folder of the run's own
    from bench.common import check_database, setup_django

    setup_django()
    check_database("bench/alignment_export.py", force=True)  # the parent checked; it holds no connection now
    from apps.org.models import Person

    try:
        if kind == "summary":
            result = time_summary()
        else:
            fmt, _, traced = kind.partition("-")
            requester = Person.objects.filter(role="hr").order_by("pk").first()
            result = run_export(fmt, requester, trace=bool(traced))
            result["traced"] = bool(traced)
    finally:
        shutil.rmtree(media, ignore_errors=True)
    print(json.dumps(result))


def _median(runs: list[dict], fmt: str, key: str) -> float:
    return statistics.median(run[key] for run in runs if run["format"] == fmt and not run.get("traced"))


def write_results(result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    stamp = result["started"].replace("-", "").replace(":", "").replace("T", "-")
    (RESULTS / f"alignment-export-{stamp}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    (RESULTS / "alignment-export-latest.md").write_text(markdown(result, f"alignment-export-{stamp}.json"))
    print((RESULTS / "alignment-export-latest.md").read_text())


def _version(number: int) -> str:
    """psycopg's server_version, 150020 → 15.20."""
    return f"{number // 10000}.{number % 10000}"


def markdown(result: dict, raw: str) -> str:
    runs, data, summary = result["runs"], result["data"] or {}, result["summary"]
    verdict = {fmt: _median(runs, fmt, "seconds") for fmt in ("csv", "xlsx") if any(r["format"] == fmt for r in runs)}
    met = all(seconds < TARGET_S for seconds in verdict.values())
    lines = [
        f"# Alignment export benchmark — {result['started']}",
        "",
        f"{summary['headcount']:,} people, {data.get('goals', 0):,} goals, {data.get('metrics', 0):,} metrics, "
        f"{data.get('checkins', 0):,} check-ins, {summary['units']:,} units; "
        f"PostgreSQL {_version(result['postgres'])}, "
        f"{result['machine']['cpus']} cores, load {', '.join(f'{x:.2f}' for x in result['machine']['load'])}. "
        f"Raw data: `{raw}`.",
        "",
        f"**Target: each export under {TARGET_S:.0f} s in bounded memory — {'met' if met else 'MISSED'} "
        f"(median CSV {verdict.get('csv', 0):.1f} s, XLSX {verdict.get('xlsx', 0):.1f} s).**",
        "",
        "| format | run | seconds | statements | rows | file MB | peak RSS above start MB | tracemalloc peak MB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        kind = "traced" if run.get("traced") else "timed"
        lines.append(
            f"| {run['format']} | {kind} | {run['seconds']} | {run['statements']} | {run['rows']:,} | {run['file_mb']} "
            f"| {run['peak_rss_above_before_mb']} | {run.get('tracemalloc_peak_mb', '')} |"
        )
    lines += [
        "",
        f"The report's figures alone (`alignment_summary()`, as the page and the JSON API compute them): "
        f"{summary['seconds']} s in {summary['statements']} statements.",
        "",
        "Figures of the generated organisation: "
        + ", ".join(f"{key} {value}" for key, value in summary.items() if key not in ("seconds", "statements"))
        + ".",
        "",
        "Peak RSS above start: the process's resident-set high-water mark during the run (Linux VmHWM, reset "
        "before it) minus what the process held before it. The traced runs measure Python's own allocations "
        "with tracemalloc, which also slows them down: their time is not the export's.",
        "",
    ]
    if data.get("generate_seconds"):
        layers = ", ".join(f"{count:,} {layer}" for layer, count in data["goals_by_layer"].items())
        lines[4:4] = [f"Generated in {data['generate_seconds']} s; goals per layer: {layers}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
