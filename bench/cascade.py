"""Benchmark of the cascade engine on PostgreSQL: `make bench`, or

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python bench/cascade.py

For each size it wipes the benchmark tables, generates a synthetic organisation, checks the
trees and the figures, then measures (a) one check-in rolled up to the root, (b) the full
recompute and (c) adding a personal goal, each beside a raw-SQL baseline. Results go to
bench/results/ (JSON + Markdown); docs/benchmarks.md explains them.
"""

import argparse
import os
import random
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAT_LIMIT = 1.5  # "flat": the insert grows at most 1.5× from the smallest organisation to the largest


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--goals", type=int, default=100_000, help="goals in the largest organisation (default 100000)")
    parser.add_argument("--depth", type=int, default=6, help="levels from intent to personal goal (default 6)")
    parser.add_argument("--intents", type=int, default=5, help="strategic intents, i.e. cascade trees (default 5)")
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="smaller organisations measured first, comma-separated (default 1000,10000)",
    )
    parser.add_argument("--repeat", type=int, default=200, help="runs of (a) and (c) per size (default 200)")
    parser.add_argument("--full-repeat", type=int, default=5, help="runs of (b) per path and scenario (default 5)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--quick", action="store_true", help="a small run: 10,000 goals, sizes 1000, fewer repeats")
    parser.add_argument(
        "--force",
        action="store_true",
        help="run even if the database name lacks 'bench' or others are connected to it (it is WIPED)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.goals, args.sizes, args.repeat, args.full_repeat = 10_000, "1000", 50, 2
    return args


def run_size(goals: int, args: argparse.Namespace) -> dict:
    from apps.goals import rollup, tree
    from bench import orggen, scenarios

    rng = random.Random(args.seed + goals)
    repeats = scenarios.Repeats(rollup=args.repeat, full=args.full_repeat, insert=args.repeat)
    shape = orggen.Shape(goals=goals, depth=args.depth, intents=args.intents)
    log(f"{goals:,} goals: generating {shape.level_counts()} per level")
    generate_s, org = _seconds(orggen.build, shape, args.seed)
    weave_s, woven = _seconds(scenarios.weave, org)
    drift_s, drift = _seconds(tree.find_drift)
    if drift:
        raise SystemExit(f"The generated trees drift ({len(drift)} fields, first {drift[:3]}): generator bug.")
    recompute_s, _ = _seconds(rollup.recompute_all)
    result = {
        "goals": goals,
        "shape": {**_shape_facts(org), **woven},
        "setup": {
            "generate_s": generate_s,
            "weave_s": weave_s,
            "drift_check_s": drift_s,
            "drift_check": "full tree.find_drift()",
            "drift_found": len(drift),
            "first_recompute_s": recompute_s,
        },
    }
    steps = [
        ("checkin_rollup", scenarios.checkin_rollup, (org, repeats, rng)),
        ("checkin_end_to_end", scenarios.checkin_end_to_end, (org, repeats, rng)),
        ("full_recompute", scenarios.full_recompute, (repeats,)),
        ("personal_insert", scenarios.personal_insert, (org, repeats, rng)),
        ("personal_insert_eager", scenarios.personal_insert_eager, (org, repeats, rng)),
        ("operational_insert", scenarios.operational_insert, (org, repeats, rng)),
    ]
    for name, fn, fn_args in steps:
        log(f"{goals:,} goals: {name}")
        result[name] = fn(*fn_args)
    result["drift_after_inserts"] = scenarios.drift_after_writes()
    return result


def _shape_facts(org) -> dict:
    return {
        "depth": org.shape.depth,
        "intents": org.shape.intents,
        "goals_per_level": org.counts,
        "fanout": round(org.shape.fanout(), 2),
        "metrics": org.metric_count,
        "people": len(org.person_ids),
    }


def _seconds(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return round(time.perf_counter() - start, 2), result


def warn_if_busy() -> tuple[float, float, float]:
    """Timings on a machine busy with other work are noisy: say so up front (the load is also recorded)."""
    load = os.getloadavg()
    if load[0] > 0.5 * (os.cpu_count() or 1):
        log(f"warning: load average {load[0]:.2f} on {os.cpu_count()} cores: other work will add noise")
    return load


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    from bench.common import check_database, setup_django

    setup_django()
    check_database("bench/cascade.py", args.force)
    from bench import report

    sizes = sorted({*(int(s) for s in args.sizes.split(",") if s.strip()), args.goals})
    started, load_before = time.perf_counter(), warn_if_busy()
    results = [run_size(goals, args) for goals in sizes]
    result = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(["bench/cascade.py", *argv]),
        "machine": report.machine(),
        "code": report.code(),
        "parameters": {**vars(args), "sizes": sizes},
        "sizes": results,
        "verdicts": report.verdicts(results, args.depth, FLAT_LIMIT),
        "total_s": round(time.perf_counter() - started, 1),
        "load_average": {"before": load_before, "after": os.getloadavg()},
    }
    json_path, md_path = report.write(result, args.quick)
    print(md_path.read_text())
    log(f"wrote {json_path.relative_to(ROOT)} and {md_path.relative_to(ROOT)} in {result['total_s']} s")
    return 0


if __name__ == "__main__":
    # Run as a file, Python puts bench/ on the path, not the project: add it for `apps` and `bench`.
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
