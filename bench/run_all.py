"""Every benchmark, one after another, and one summary table (`make bench`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python bench/run_all.py

First the shared organisation (bench/orggen.py --people N --reuse: built once, about 80 s at
100,000 people, then reused). The benchmarks that measure the organisation run on it: the
alignment report and its exports, `goals/{id}/tree/` of an intent, the load test. The ones that
build their own data (the engine's size sweep, the people import, template assignment) wipe the
tables they fill, so they run on a scratch database beside it, `<name>_scratch`, created if
missing: the organisation survives them. Each benchmark still writes its own -latest.md and JSON;
this script reads those JSON files and writes one table (what, size, app, limit, ratio, target,
result) to bench/results/summary-latest.md and summary-<stamp>.json, and prints it.
By default each benchmark takes its short path (`--quick`, fewer repeats; the whole run stays under
20 minutes at 100,000 people); `--full` takes the long ones.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable


@dataclass
class Step:
    name: str
    stem: str  # the JSON it writes: bench/results/<stem>-<stamp>.json
    args: list[str]
    scratch: bool = False  # wipes its tables: runs on the scratch database
    needs: str = ""  # a program (or a file of the project) it needs; skipped without it


def steps(people: int, quick: bool) -> list[Step]:
    return [
        Step("organisation", "", ["bench/orggen.py", "--people", str(people), "--reuse"]),
        Step(
            "engine (cascade)",
            "cascade-quick" if quick else "cascade",
            ["bench/cascade.py"] + ["--quick"] * quick,
            True,
        ),
        Step("goals/{id}/tree/", "api-tree", ["bench/api_tree.py", "--reuse", str(people), "--repeat", "3"]),
        Step(
            "alignment report + exports",
            "alignment-export",
            ["bench/alignment_export.py", "--reuse", "--people", str(people), "--repeat", "1" if quick else "2"]
            + ["--no-trace"] * quick,
        ),
        Step(
            "alignment report, stored figures",
            "report-stored",
            ["bench/report_stored.py", "--people", str(people), "--repeat", "10" if quick else "20"],
            needs="bench/report_stored.py",
        ),
        Step("main pages of every role", "pages", ["bench/pages.py", "--people", str(people)]),
        Step("people import", "import-people", ["bench/import_people.py"] + ["--no-xlsx"] * quick, True),
        Step("template assignment", "template-assign", ["bench/template_assign.py"], True),
        Step("weekly check-in actions", "checkin-actions", ["bench/checkin_actions.py"], needs="chromium"),
        Step("load test", "load", ["bench/load.py", "--people", str(people)] + ["--quick"] * quick),
    ]


def scratch_url(url: str) -> str:
    """The same server, the database `<name>_scratch`, created if it does not exist."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_scratch"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(step: Step, env: dict, log) -> dict:
    """Run one benchmark; returns its exit status, duration and the JSON it wrote (if any)."""
    if step.needs and not ((ROOT / step.needs).exists() if step.needs.endswith(".py") else shutil.which(step.needs)):
        return {"status": f"skipped: no {step.needs}", "seconds": 0, "result": None}
    began, started = time.monotonic(), time.time()
    print(f"== {step.name}: {' '.join(step.args)}", flush=True)
    done = subprocess.run([PYTHON, *step.args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    seconds = round(time.monotonic() - began, 1)
    result = newest_json(step.stem, started) if step.stem else None
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    print(f"   {status} in {seconds} s, load average {os.getloadavg()[0]:.2f}", flush=True)
    return {"status": status, "seconds": seconds, "result": result}


def newest_json(stem: str, since: float) -> dict | None:
    files = [p for p in RESULTS.glob(f"{stem}-2*.json") if p.stat().st_mtime >= since]
    if not files:
        return None
    newest = max(files, key=lambda p: p.stat().st_mtime)
    return {"file": newest.name, **json.loads(newest.read_text())}


def organisation(url: str, since: datetime) -> dict:
    """The shape bench/orggen.py recorded, and whether it was built before this run (reused)."""
    import psycopg

    with psycopg.connect(url) as connection:
        found = connection.execute("SELECT to_regclass('bench_org')").fetchone()[0]
        row = connection.execute("SELECT facts FROM bench_org WHERE id = 1").fetchone() if found else None
    if row is None:
        return {}
    facts = row[0]
    built = datetime.fromisoformat(facts["built_at"]).astimezone().replace(tzinfo=None)
    return {"facts": facts, "reused": built < since}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000, help="the shared organisation's size (default 100000)")
    parser.add_argument(
        "--full", action="store_true", help="each benchmark's long path (more sizes and repeats: over 20 minutes)"
    )
    parser.add_argument("--only", help="comma-separated step names to run (e.g. 'load test')")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in urlsplit(url).path:
        sys.exit("make bench wipes and fills its databases, so DATABASE_URL must name one whose name contains 'bench'.")
    sys.path.insert(0, str(ROOT))
    from bench import summary

    scratch = scratch_url(url)
    started, began = datetime.now(), time.monotonic()
    load_before = os.getloadavg()
    outcomes = {}
    RESULTS.mkdir(exist_ok=True)
    log_path = Path(tempfile.gettempdir()) / "goalcascade-bench-run-all.log"  # every benchmark's own output
    print(f"the benchmarks' output goes to {log_path}", flush=True)
    with open(log_path, "w") as log:
        for step in steps(args.people, quick=not args.full):
            if args.only and step.name not in args.only.split(","):
                continue
            env = {**os.environ, "DATABASE_URL": scratch if step.scratch else url}
            outcomes[step.name] = run(step, env, log)
            if step.name == "organisation":
                outcomes[step.name].update(organisation(url, started))
            log.flush()
    report = summary.build(outcomes, args.people, started, round(time.monotonic() - began), load_before)
    md = summary.write(report)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
