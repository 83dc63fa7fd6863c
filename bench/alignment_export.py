"""Benchmark of the alignment report's exports (CSV and XLSX) on PostgreSQL, beside the database's own limit:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python bench/alignment_export.py

It measures the organisation every benchmark shares (bench/orggen.py, 100,000 people with about five goals
each; built first if the database does not hold it, reused otherwise), and runs the export job's service
(apps.reports.services.export_job_run: the report's figures, every section streamed to a temporary file, the
file saved to the default storage) for CSV and for XLSX, each run in a fresh process. For each run it records
the wall-clock time, the statements sent, the rows and bytes written and the peak memory: the process's peak
resident set (Linux VmHWM, reset before the run), absolute and above what it held before the run.

The limit: in the same process as each CSV run, just before it, `COPY (SELECT …) TO STDOUT (FORMAT csv)` through
psycopg's `cursor.copy` gives the same rows: for each list section the SQL of the very queryset the export reads
(`.query.sql_with_params()`), unpivoted to the CSV's one row per figure (a LATERAL VALUES), and for the unit
sections the stored figure rows (apps.reports.models.UnitFigures, one row per figure with jsonb_each_text).
The summary's forty rows and the five intents are left out of the limit (they are in memory). Ratio = the CSV
export's time / COPY's.

Targets (issue 16, part 2): CSV ≤ 1.5× COPY; XLSX ≤ 20 s; peak memory < 300 MB. Results go to
bench/results/alignment-export-*.json and alignment-export-latest.md; bench/summary.py reads `limits` (COPY's
median seconds per format), `ratios` and `verdicts` from the JSON.
"""

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CSV_RATIO_TARGET = 1.5  # the CSV export within 1.5× COPY of the same rows
XLSX_TARGET_S = 20.0
MEMORY_TARGET_MB = 300.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000, help="people of the shared organisation (100000)")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per format (default 2)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--reuse", action="store_true", help="(always so now: the shared organisation is reused)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one measurement, in a process of its own
    parser.add_argument("--trace", action="store_true", help="add a run per format under tracemalloc (slow)")
    parser.add_argument("--no-trace", action="store_true", help=argparse.SUPPRESS)  # the default now
    parser.add_argument("--force", action="store_true", help="run even if the database name does not contain 'bench'")
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


# --- The measurements ---------------------------------------------------------------------------------


class StatementCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        job = services.export_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    traced_peak = None
    if trace:
        traced_peak = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    peak = peak_rss_mb()
    assert job.status == "done", (job.status, job.error)
    result = {
        "format": fmt,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),  # this process's (all its threads), not the database's
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


# --- The limit: COPY of the same rows ----------------------------------------------------------------


def _goal_lists(summary) -> list[tuple[str, object, list[str]]]:
    """The CSV's goal sections: (kind, the export's queryset, its figures with the key figure first)."""
    from apps.reports.copies import copied_goals

    return [
        ("orphaned_goal", summary.orphaned_goals, ["reason"]),
        ("stale_goal", summary.stale_goals, ["last_activity"]),
        ("goal_without_metric", summary.goals_without_metric, ["progress"]),
        ("goal_at_risk", summary.goals_at_risk, ["health", "progress"]),
        ("alignment_gap", summary.alignment_gaps, ["gap", "measured_progress", "rollup_progress"]),
        ("copied_goal", copied_goals(summary.scope), ["copy_score", "parent_id", "parent__title"]),
    ]


def goal_copy_sql(kind: str, queryset, figures: list[str]) -> tuple[str, tuple]:
    """The export's own SELECT of a goal section (apps.reports.export.GOAL_VALUES and the figures), one row per
    figure as the CSV has them: section, id, name, layer, owner (its name, else its username), unit, cycle, value."""
    from apps.reports.export import GOAL_VALUES

    sql, params = queryset.values_list(*GOAL_VALUES, *figures).query.sql_with_params()
    names = [f"c{i}" for i in range(len(GOAL_VALUES) + len(figures))]
    sections = [kind] + [f"{kind}.{name}" for name in figures[1:]]
    values = ", ".join(f"('{section}', q.c{len(GOAL_VALUES) + i}::text)" for i, section in enumerate(sections))
    select = (
        "SELECT v.section, q.c0, q.c1, q.c2, COALESCE(NULLIF(q.c3, ''), q.c4), q.c5, q.c6, v.value "
        f"FROM ({sql}) AS q({', '.join(names)}) CROSS JOIN LATERAL (VALUES {values}) AS v(section, value)"
    )
    return select, params


def people_copy_sql(summary) -> tuple[str, tuple]:
    sql, params = summary.people_without_goals.values_list(
        "pk", "username", "name", "unit__name"
    ).query.sql_with_params()
    select = (
        "SELECT 'person_without_goal', q.c0, COALESCE(NULLIF(q.c2, ''), q.c1), '', q.c1, q.c3, '', '' "
        f"FROM ({sql}) AS q(c0, c1, c2, c3)"
    )
    return select, params


def unit_copy_sql(summary) -> list[tuple[str, str, tuple]]:
    """The unit sections from the stored figure rows of the report's scope: a row per figure (rolled up where the
    rows keep that), and a team's four cadence figures."""
    from apps.org.models import Unit
    from apps.reports.models import FigureScope, UnitFigures
    from apps.reports.stored import scope_key

    scope = FigureScope.objects.filter(key=scope_key(summary.cycle_ids)).order_by("-day").values_list("pk", flat=True)
    scope_id = scope.first()
    column = "rolled" if any(field.name == "rolled" for field in UnitFigures._meta.fields) else "counts"
    figures, units = UnitFigures._meta.db_table, Unit._meta.db_table
    joined = f"FROM {figures} f JOIN {units} u ON u.id = f.unit_id"
    return [
        (
            "unit",
            f"SELECT 'unit.' || kv.key, u.id, u.name, '', '', '', '', kv.value {joined} "
            f"CROSS JOIN LATERAL jsonb_each_text(f.{column}) AS kv WHERE f.scope_id = %s ORDER BY u.tree_id, u.lft",
            (scope_id,),
        ),
        (
            "cadence",
            f"SELECT 'cadence.' || c.n, u.id, u.name, '', '', '', '', c.value {joined} "
            "CROSS JOIN LATERAL jsonb_array_elements_text(f.cadence) WITH ORDINALITY AS c(value, n) "
            "WHERE f.scope_id = %s AND f.cadence IS NOT NULL ORDER BY u.tree_id, u.lft, c.n",
            (scope_id,),
        ),
    ]


def copy_statements(summary) -> list[tuple[str, str, tuple]]:
    """(section, SELECT, parameters) of every part of the limit, in the CSV's order."""
    goals = [(kind, *goal_copy_sql(kind, queryset, figures)) for kind, queryset, figures in _goal_lists(summary)]
    return [goals[0], ("person_without_goal", *people_copy_sql(summary)), *goals[1:], *unit_copy_sql(summary)]


def copy_limit(summary) -> dict:
    """COPY (SELECT …) TO STDOUT (FORMAT csv) of every part, through psycopg's cursor.copy: seconds, rows, bytes."""
    from django.db import connection

    connection.ensure_connection()
    parts, started = {}, time.perf_counter()
    with connection.connection.cursor() as cursor:
        for section, select, params in copy_statements(summary):
            part_started, size, rows = time.perf_counter(), 0, 0
            with cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT csv)", params) as copy:
                for data in copy:
                    size += len(data)
                    rows += bytes(data).count(b"\n")  # a line break inside a value would count twice: none here
            parts[section] = {"seconds": round(time.perf_counter() - part_started, 3), "rows": rows, "bytes": size}
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "rows": sum(part["rows"] for part in parts.values()),
        "mb": round(sum(part["bytes"] for part in parts.values()) / 2**20, 2),
        "parts": parts,
    }


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

    from bench.common import ensure_org

    data = ensure_org(args.people, args.seed)  # the shared organisation (bench/orggen.py), built if it is not there
    print(f"organisation {data}", flush=True)
    postgres = connection.cursor().connection.info.server_version
    connection.close()  # the measuring processes check that nobody else is connected
    started_at = datetime.now()
    load_before = os.getloadavg()
    summary = run_child("summary", args.force)
    print(f"summary {summary}", flush=True)
    runs = []
    for fmt in ("csv", "xlsx"):
        kinds = [fmt] * args.repeat + ([f"{fmt}-traced"] if args.trace else [])
        for kind in kinds:
            runs.append(run_child(kind, args.force))
            runs[-1]["load"] = os.getloadavg()
            print(runs[-1], flush=True)
    result = {
        "benchmark": "alignment-export",
        "started": started_at.isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "load_before": load_before,
        "postgres": postgres,
        "data": data,
        "summary": summary,
        "runs": runs,
        **verdicts(runs),
    }
    write_results(result)


def run_child(kind: str, force: bool) -> dict:
    command = [sys.executable, __file__, "--child", kind] + (["--force"] if force else [])
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"The {kind} measurement failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


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
            limit = None
            if fmt == "csv" and not traced:  # the database's limit, in this process, just before the export
                from apps.reports.selectors import alignment_summary

                limit = copy_limit(alignment_summary(shown=None))
            result = run_export(fmt, requester, trace=bool(traced))
            result["traced"] = bool(traced)
            if limit is not None:
                result["copy"] = limit
                result["ratio_to_copy"] = round(result["seconds"] / limit["seconds"], 2)
    finally:
        shutil.rmtree(media, ignore_errors=True)
    print(json.dumps(result))


def _median(runs: list[dict], fmt: str, key: str) -> float | None:
    values = [run[key] for run in runs if run["format"] == fmt and not run.get("traced") and key in run]
    return statistics.median(values) if values else None


def verdicts(runs: list[dict]) -> dict:
    """The medians, the limit and the three targets: `app` (median seconds per format), `limits` (COPY's median
    seconds: csv), `ratios` (app / limit: csv), `peak_rss_mb` (the highest of the timed runs) and `verdicts`."""
    timed = [run for run in runs if not run.get("traced")]
    medians = {fmt: _median(runs, fmt, "seconds") for fmt in ("csv", "xlsx")}
    app = {fmt: round(median, 2) if median is not None else None for fmt, median in medians.items()}
    copies = [run["copy"]["seconds"] for run in timed if "copy" in run]
    limit = round(statistics.median(copies), 2) if copies else None
    ratio = round(app["csv"] / limit, 2) if limit and app["csv"] else None
    peak = max((run["peak_rss_mb"] for run in timed), default=0.0)
    checks = [
        ("CSV export ≤ 1.5× COPY of the same rows", f"{ratio}×", ratio is not None and ratio <= CSV_RATIO_TARGET),
        ("XLSX export ≤ 20 s", f"{app['xlsx']} s", app["xlsx"] is not None and app["xlsx"] <= XLSX_TARGET_S),
        ("peak memory < 300 MB", f"{peak} MB", peak < MEMORY_TARGET_MB),
    ]
    return {
        "app": app,
        "limits": {"csv": limit},
        "ratios": {"csv": ratio},
        "peak_rss_mb": peak,
        "targets": {"csv_ratio": CSV_RATIO_TARGET, "xlsx_s": XLSX_TARGET_S, "memory_mb": MEMORY_TARGET_MB},
        "verdicts": [{"target": what, "measured": measured, "pass": ok} for what, measured, ok in checks],
    }


def write_results(result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    stamp = result["started"].replace("-", "").replace(":", "").replace("T", "-")
    (RESULTS / f"alignment-export-{stamp}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    (RESULTS / "alignment-export-latest.md").write_text(markdown(result, f"alignment-export-{stamp}.json"))
    print((RESULTS / "alignment-export-latest.md").read_text())


def _version(number: int) -> str:
    """psycopg's server_version, 150020 → 15.20."""
    return f"{number // 10000}.{number % 10000}"


def _loads(loads) -> str:
    return ", ".join(f"{x:.2f}" for x in loads)


def markdown(result: dict, raw: str) -> str:
    runs, data, summary = result["runs"], result["data"] or {}, result["summary"]
    lines = [
        f"# Alignment export benchmark — {result['started']}",
        "",
        f"{summary['headcount']:,} people, {data.get('goals', 0):,} goals, {data.get('units', 0):,} units "
        f"(the shared organisation, bench/orggen.py); PostgreSQL {_version(result['postgres'])}, "
        f"{result['machine']['cpus']} cores, load average {_loads(result['load_before'])} before the runs and "
        f"{_loads(result['machine']['load'])} after (the machine is shared). Raw data: `{raw}`.",
        "",
        "| target | measured | result |",
        "| --- | ---: | --- |",
    ]
    lines += [f"| {v['target']} | {v['measured']} | {'pass' if v['pass'] else 'FAIL'} |" for v in result["verdicts"]]
    lines += [
        "",
        f"Medians: CSV {result['app']['csv']} s against {result['limits']['csv']} s for COPY of the same rows "
        f"({result['ratios']['csv']}×); XLSX {result['app']['xlsx']} s.",
        "",
        "| format | run | seconds | CPU s | COPY s | ratio | statements | rows | file MB | peak RSS MB "
        "| above start MB | load (1 min) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        kind = "traced" if run.get("traced") else "timed"
        copy = run.get("copy") or {}
        lines.append(
            f"| {run['format']} | {kind} | {run['seconds']} | {run.get('cpu_seconds', '')} | {copy.get('seconds', '')} "
            f"| {run.get('ratio_to_copy', '')} "
            f"| {run['statements']} | {run['rows']:,} | {run['file_mb']} | {run['peak_rss_mb']} "
            f"| {run['peak_rss_above_before_mb']} | {run.get('load', [0])[0]:.2f} |"
        )
    copies = [run["copy"] for run in runs if "copy" in run]
    if copies:
        lines += ["", "COPY per part (the first CSV run): section, seconds, rows.", ""]
        lines += [
            f"- {section}: {part['seconds']} s, {part['rows']:,} rows" for section, part in copies[0]["parts"].items()
        ]
    lines += [
        "",
        f"The report's figures alone (`alignment_summary()`, as the page and the JSON API compute them): "
        f"{summary['seconds']} s in {summary['statements']} statements.",
        "",
        "Figures of the organisation: "
        + ", ".join(f"{key} {value}" for key, value in summary.items() if key not in ("seconds", "statements"))
        + ".",
        "",
        "The COPY limit reads the same rows as the CSV: each list section's own SELECT (the export's queryset) "
        "unpivoted to one row per figure, and the stored unit figure rows; it leaves out the summary's few rows. "
        "CPU s: the export process's own CPU time (all its threads; the database's is not in it): on a shared "
        "machine it moves less than the wall-clock time. Peak RSS: the process's resident-set high-water mark "
        "during the run (Linux VmHWM, reset before it); "
        "above start: minus what the process held before it.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
