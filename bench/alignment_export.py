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
TARGET_S = 60.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000, help="people (default 100000; 10 per team)")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per format (default 2)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the shared organisation of bench/orggen.py (built if missing)"
    )
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

    from bench import orggen

    if args.reuse:  # the shared organisation (bench/orggen.py), built now if it is not there
        data = orggen.ensure_org(args.people, args.seed)
    else:
        data = orggen.build_org(args.people, args.seed)
    data["generate_seconds"] = data["build_seconds"]
    print(f"organisation {data}", flush=True)
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
