"""Benchmark of the people import (apps.org.importing) on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python bench/import_people.py

It WIPES the organisation tables of the benchmark database (people, units, history, and by
cascade everything that points at them), generates an HR file of 50,000 people (unit paths six
levels deep, managers forming a tree, rows shuffled so that reports often come before their
manager), then times: (1) the import of the fresh file, target under 60 s; (2) the same file again,
which must write nothing; (3) a file with 5% of the rows changed; plus the preview (checks and
plan only) and reading the same file as XLSX. Each phase records its peak memory (resident set
size of the process, reset before the phase). Results go to bench/results/ as JSON and Markdown.
"""

import argparse
import csv
import gc
import io
import json
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_S = 60.0
HEADER = ("employee_id", "name", "email", "unit_path", "manager_id", "role", "active")
# Units per parent at each level below the company: 6 divisions, 5 departments, 4 regions, 5 teams, 4 squads.
FANOUT = (6, 5, 4, 5, 4)
LEVEL_NAMES = ("Division", "Department", "Region", "Team", "Squad")
FIRST = ("Ada", "Ben", "Cy", "Di", "Ed", "Flo", "Gus", "Hana", "Ines", "Jon", "Kai", "Lea", "Mo", "Nia", "Oto", "Pia")
LAST = ("Ng", "Okafor", "Silva", "Kowalski", "Tanaka", "Haddad", "Larsen", "Mensah", "Rossi", "Dubois", "Ivanova")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=50_000, help="rows in the HR file (default 50000)")
    parser.add_argument("--changed", type=float, default=0.05, help="share of rows changed in run 3 (default 0.05)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--no-xlsx", action="store_true", help="skip reading the file as XLSX")
    parser.add_argument(
        "--force", action="store_true", help="run even if the database name does not contain 'bench' (it is WIPED)"
    )
    return parser.parse_args(argv)


# --- The HR file -------------------------------------------------------------------------------------


@dataclass
class Org:
    rows: list[list[str]]  # HEADER order
    unit_paths: list[str]
    heads: dict[str, str]  # unit path → employee id of its head


def generate(people: int, seed: int) -> Org:
    """Every unit has a head reporting to the parent unit's head; the rest sit in the deepest units under its head."""
    rng = random.Random(seed)
    paths = _unit_paths()
    rows, heads = [], {}
    for path in paths:
        parent = path.rsplit("/", 1)[0] if "/" in path else None
        role = "leader" if path.count("/") <= 1 else "manager"
        heads[path] = _id(len(rows))
        rows.append(_person(len(rows), rng, path, heads.get(parent, ""), role))
    leaves = [path for path in paths if path.count("/") == len(FANOUT)]
    while len(rows) < people:
        path = leaves[len(rows) % len(leaves)]
        rows.append(_person(len(rows), rng, path, heads[path], "hr" if rng.random() < 0.01 else "employee"))
    rng.shuffle(rows)
    return Org(rows=rows, unit_paths=paths, heads=heads)


def _unit_paths() -> list[str]:
    level, paths = ["Globex"], ["Globex"]
    for depth, fanout in enumerate(FANOUT):
        level = [
            f"{parent}/{LEVEL_NAMES[depth]} {parent.count('/')}.{n + 1}" for parent in level for n in range(fanout)
        ]
        paths += level
    return paths


def _id(n: int) -> str:
    return f"G{n + 1:06d}"


def _person(n: int, rng: random.Random, path: str, manager: str, role: str) -> list[str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{first.lower()}.{last.lower()}.{n + 1}@globex.example"
    return [_id(n), f"{first} {last}", email, path, manager, role, "yes"]


def changed(org: Org, share: float, seed: int) -> tuple[list[list[str]], dict[str, int]]:
    """A copy of the rows with `share` of them changed: renamed, moved (with their manager), promoted, or leaving."""
    rng = random.Random(seed + 1)
    rows = [list(row) for row in org.rows]
    employees = [row for row in rows if row[5] == "employee"]
    picked = rng.sample(employees, round(len(rows) * share))
    leaves = [path for path in org.unit_paths if path.count("/") == len(FANOUT)]
    kinds = {"renamed": 0, "moved": 0, "promoted": 0, "left": 0, "moved_to_new_unit": 0}
    for index, row in enumerate(picked):
        kind = ("renamed", "moved", "moved", "promoted", "left", "moved_to_new_unit")[index % 6]
        kinds[kind] += 1
        if kind == "renamed":
            row[1] += "-Smith"
        elif kind == "moved":
            row[3] = rng.choice(leaves)
            row[4] = org.heads[row[3]]
        elif kind == "promoted":
            row[5] = "manager"
        elif kind == "left":
            row[6] = "no"
        else:
            row[3] = f"{row[3]}/Pod {index % 50}"  # 50 new units per squad that needs them
    return rows, kinds


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Measuring ---------------------------------------------------------------------------------------


class Statements:
    """Counts statements (and writes) through a database execute wrapper: no SQL is kept, so it costs ~nothing."""

    def __init__(self):
        self.total = self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        self.total += 1
        if sql.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE"}:
            self.writes += 1
        return execute(sql, params, many, context)


def reset_peak_memory() -> bool:
    """Reset the process's peak resident set size (Linux: clear_refs 5), so that each phase reports its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_memory_mb() -> float:
    """Peak resident set size since the last reset (VmHWM), else since the process started (ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def current_memory_mb() -> float | None:
    """Resident set size now (VmRSS), to tell the import's own memory from what the process already holds."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def measure(name: str, fn, *args, **kwargs) -> tuple[dict, object]:
    from django.db import connection

    statements = Statements()
    gc.collect()
    per_phase = reset_peak_memory()
    start = time.perf_counter()
    with connection.execute_wrapper(statements):
        result = fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    facts = {
        "seconds": round(seconds, 2),
        "statements": statements.total,
        "writes": statements.writes,
        "peak_rss_mb": peak_memory_mb(),
        "peak_rss_is_per_phase": per_phase,
    }
    log(
        f"{name}: {facts['seconds']} s, {statements.total} statements ({statements.writes} writes), "
        f"peak RSS {facts['peak_rss_mb']} MB"
    )
    return facts, result


def wipe() -> None:
    """Empty the tables the import writes (and, by cascade, whatever points at people or units)."""
    from django.db import connection

    from apps.core.models import ObjectChange
    from apps.org.models import Person, Unit

    tables = ", ".join(model._meta.db_table for model in (ObjectChange, Person, Unit))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def check_result(people: int, units: int) -> dict:
    """What the fresh import left: everyone, every unit, a consistent unit tree, managers set."""
    from apps.org.models import Person, Unit

    fields = ("pk", "lft", "rght", "level", "tree_id")
    stored = list(Unit.objects.order_by("pk").values_list(*fields))
    Unit.objects.rebuild()
    drift = sum(a != b for a, b in zip(stored, Unit.objects.order_by("pk").values_list(*fields), strict=True))
    facts = {
        "people": Person.objects.filter(employee_id__isnull=False).count(),
        "units": Unit.objects.count(),
        "without_manager": Person.objects.filter(employee_id__isnull=False, manager__isnull=True).count(),
        "unit_tree_drift": drift,
    }
    if facts["people"] != people or facts["units"] != units or drift or facts["without_manager"] != 1:
        raise SystemExit(f"The import did not produce the expected organisation: {facts}")
    return facts


def machine() -> dict:
    from importlib.metadata import version

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "django": version("django"),
        "openpyxl": version("openpyxl"),
        "postgresql": pg_version.split(" on ")[0],
        "database_on": connection.settings_dict.get("HOST") or "local socket",
    }


# --- Report ------------------------------------------------------------------------------------------


def write_results(result: dict) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    json_path = RESULTS / f"import-people-{stamp}.json"
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    md_path = RESULTS / "import-people-latest.md"
    md_path.write_text(markdown(result, json_path.name))
    return json_path, md_path


def markdown(result: dict, json_name: str) -> str:
    runs = result["runs"]
    fresh = runs["fresh_import"]
    verdict = "met" if fresh["seconds"] < TARGET_S else "MISSED"
    lines = [
        f"# People import benchmark — {result['date']}",
        "",
        f"{result['people']:,} people, {result['units']:,} units six levels deep; PostgreSQL "
        f"({result['machine']['postgresql']}), {result['machine']['cores']} cores. Raw data: `{json_name}`.",
        "",
        f"**Target: the fresh import under {TARGET_S:.0f} s — {verdict} ({fresh['seconds']} s).**",
        "",
        "| run | seconds | statements | writes | created | updated | deactivated | unchanged | new units "
        "| peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, run in runs.items():
        counts = run.get("counts", {})
        cells = [counts.get(k, "") for k in ("created", "updated", "deactivated", "unchanged", "units_created")]
        lines.append(
            f"| {name.replace('_', ' ')} | {run['seconds']} | {run['statements']} | {run['writes']} | "
            + " | ".join(str(c) for c in cells)
            + f" | {run['peak_rss_mb']} |"
        )
    phases = result.get("fresh_import_phases", {})
    if phases:
        lines += ["", "Fresh import by phase (s): " + ", ".join(f"{k} {v}" for k, v in phases.items()) + "."]
    lines += [
        "",
        f"Changed file: {result['changed_rows']} — {', '.join(f'{k} {v}' for k, v in result['change_kinds'].items())}.",
        f"File sizes: CSV {result['csv_mb']} MB" + (f", XLSX {result['xlsx_mb']} MB." if "xlsx_mb" in result else "."),
        f"After the fresh import: {result['check']}.",
        "",
        "Peak RSS is the process's resident memory high-water mark during the run (reset before each run on Linux). "
        f"Before the runs the process already held {result['rss_before_runs_mb']} MB (Django, the generated rows "
        "and files): the import's own footprint is the difference.",
        "",
    ]
    return "\n".join(lines)


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# --- Main --------------------------------------------------------------------------------------------


def timed_phases():
    """Wrap the import's stages to time them during the fresh run (read, load state, check and plan, write)."""
    from apps.org import importing

    phases: dict[str, float] = {}

    def wrap(name: str, fn):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = round(phases.get(name, 0) + time.perf_counter() - start, 2)

        return timed

    originals = {name: getattr(importing, name) for name in ("read_file", "load_state", "build_plan", "apply_plan")}
    for name, fn in originals.items():
        setattr(importing, name, wrap(name, fn))

    def restore():
        for name, fn in originals.items():
            setattr(importing, name, fn)

    return phases, restore


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    from bench.common import check_database, setup_django

    setup_django()
    check_database("bench/import_people.py", args.force)
    from apps.org import importing
    from apps.org.models import Person

    wipe()
    # An admin: the file makes some people leaders, which only an admin may. No employee id: never deactivated.
    actor = Person.objects.create(username="bench-admin", role=Person.Role.ADMIN)
    org = generate(args.people, args.seed)
    data = csv_bytes(org.rows)
    new_rows, kinds = changed(org, args.changed, args.seed)
    log(f"{len(org.rows):,} people in {len(org.unit_paths):,} units; CSV {len(data) / 2**20:.1f} MB")

    def run(file: bytes, dry_run: bool = False) -> dict:
        """Import and keep only the counts, so that no plan outlives its run (each run's memory is its own)."""
        # No invitations: this process runs Celery eagerly, so each of the 50,000 mails would be sent inside the
        # measured call once it commits; a real import only queues them (AccountMail rows) for the workers.
        plan = importing.import_people(actor=actor, data=file, filename="people.csv", dry_run=dry_run, invite=False)
        if plan.problems:
            raise SystemExit(f"The benchmark file has problems: {[str(p) for p in plan.problems[:5]]}")
        return plan.counts

    gc.collect()
    baseline_mb = current_memory_mb()
    runs = {}
    runs["preview_fresh"], _ = measure("preview of the fresh file (checks + plan)", run, data, dry_run=True)
    phases, restore = timed_phases()
    runs["fresh_import"], counts = measure("fresh import", run, data)
    restore()
    runs["fresh_import"]["counts"] = counts
    check = check_result(len(org.rows), len(org.unit_paths))
    runs["same_file_again"], counts = measure("same file again", run, data)
    runs["same_file_again"]["counts"] = counts
    if (
        any(counts[k] for k in ("created", "updated", "deactivated", "units_created"))
        or runs["same_file_again"]["writes"]
    ):
        raise SystemExit(f"The second run was not idempotent: {counts}, {runs['same_file_again']['writes']} writes")
    changed_data = csv_bytes(new_rows)
    runs["changed_5_percent"], counts = measure("5% changed", run, changed_data)
    runs["changed_5_percent"]["counts"] = counts
    result = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(["bench/import_people.py", *argv]),
        "machine": machine(),
        "people": len(org.rows),
        "units": len(org.unit_paths),
        "changed_rows": sum(kinds.values()),
        "change_kinds": kinds,
        "csv_mb": round(len(data) / 2**20, 2),
        "target_s": TARGET_S,
        "rss_before_runs_mb": baseline_mb,
        "runs": runs,
        "fresh_import_phases": phases,
        "check": check,
    }
    if not args.no_xlsx:
        workbook = xlsx_bytes(org.rows)
        result["xlsx_mb"] = round(len(workbook) / 2**20, 2)
        result["runs"]["read_xlsx_only"], _ = measure("read the same file as XLSX", importing.read_file, workbook)
    json_path, md_path = write_results(result)
    print(md_path.read_text())
    log(f"wrote {json_path.relative_to(ROOT)} and {md_path.relative_to(ROOT)}")
    return 0 if runs["fresh_import"]["seconds"] < TARGET_S else 1


if __name__ == "__main__":
    # Run as a file, Python puts bench/ on the path, not the project: add it for `apps`.
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
