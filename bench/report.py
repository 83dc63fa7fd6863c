"""Machine facts, target verdicts, and the JSON + Markdown files under bench/results/."""

import hashlib
import json
import os
import platform
import subprocess
import sys
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# The modules whose speed is measured: their hashes tie a result to the code it ran on.
ENGINE_MODULES = (
    "apps/goals/rollup.py",
    "apps/goals/tree.py",
    "apps/goals/services.py",
    "apps/goals/progress.py",
    "apps/goals/dirty.py",
)
PG_SETTINGS = ("shared_buffers", "work_mem", "synchronous_commit", "fsync", "max_connections")


def machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, setting, coalesce(unit, '') FROM pg_settings WHERE name = ANY(%s)", [list(PG_SETTINGS)]
        )
        pg_settings = {name: f"{setting}{' × ' + unit if unit else ''}" for name, setting, unit in cursor.fetchall()}
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "django": version("django"),
        "django_mptt": version("django-mptt"),
        "psycopg": version("psycopg"),
        "postgresql": pg_version,
        "postgresql_settings": pg_settings,
        "database_on": f"{connection.settings_dict.get('HOST') or 'local socket'}",
    }


def code() -> dict:
    """The commit measured, whether the engine modules differed from it, and their content hashes."""
    return {
        "commit": _git("rev-parse", "HEAD"),
        "engine_modules_uncommitted": [
            line[3:] for line in _git("status", "--porcelain", "--", *ENGINE_MODULES).splitlines() if line
        ],
        "engine_module_sha256": {
            name: hashlib.sha256((ROOT / name).read_bytes()).hexdigest()[:12] for name in ENGINE_MODULES
        },
    }


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.rstrip("\n")  # not strip(): porcelain lines start with a meaningful space


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return round(kb / 1024 / 1024, 1)


# --- verdicts ------------------------------------------------------------------------------------


def verdicts(sizes: list[dict], depth: int, flat_limit: float) -> list[dict]:
    """Each target of the issue, judged on the largest size; (c) at every size and from the smallest to the largest."""
    largest = sizes[-1]
    a, b = largest["checkin_rollup"], largest["full_recompute"]
    inserts = [size["personal_insert"] for size in sizes]
    span = f"{sizes[0]['goals']:,} → {largest['goals']:,} goals"
    # Growth of the insert from the smallest to the largest organisation, plain and relative to the
    # single-row INSERT timed alongside (which cancels a busy machine's drift between sizes).
    growth = round(inserts[-1]["engine"]["median_ms"] / inserts[0]["engine"]["median_ms"], 2)
    relative_growth = round(inserts[-1]["ratio"] / inserts[0]["ratio"], 2)
    return [
        _verdict("a", "check-in rolled up: time ≤ 3× raw path recompute", a["ratio"], 3, "×"),
        _verdict("a", f"check-in rolled up: queries ≤ depth + 5 = {depth + 5}", a["engine"]["queries"], depth + 5, ""),
        _verdict("b", "full recompute, all stale: time ≤ 2× raw single pass", b["all_stale"]["ratio"], 2, "×"),
        _verdict("b", "full recompute, steady: time ≤ 2× raw single pass", b["steady"]["ratio"], 2, "×"),
        _verdict("c", "personal goal insert: time ≤ 10× single-row INSERT (worst size)", _worst(inserts), 10, "×"),
        _verdict("c", f"personal goal insert flat, {span}: median grows ≤ {flat_limit}×", growth, flat_limit, "×"),
        _verdict(
            "c", f"… and relative to the INSERT, {span}: ratio grows ≤ {flat_limit}×", relative_growth, flat_limit, "×"
        ),
    ]


def _worst(inserts: list[dict]) -> float:
    return max(insert["ratio"] for insert in inserts)


def _verdict(part: str, target: str, measured, limit, unit: str) -> dict:
    return {"part": part, "target": target, "measured": f"{measured}{unit}", "pass": measured <= limit}


# --- files -----------------------------------------------------------------------------------------


def write(result: dict, quick: bool) -> tuple[Path, Path]:
    RESULTS.mkdir(exist_ok=True)
    stem = "cascade-quick" if quick else "cascade"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    json_path = RESULTS / f"{stem}-{stamp}.json"
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    md_path = RESULTS / f"{stem}-latest.md"
    md_path.write_text(markdown(result, json_path.name))
    return json_path, md_path


def markdown(result: dict, json_name: str) -> str:
    m, c = result["machine"], result["code"]
    dirty = f" with uncommitted changes to {', '.join(c['engine_modules_uncommitted'])}"
    lines = [
        f"# Engine benchmark — {result['date']}",
        "",
        f"`{result['command']}` — raw data: `{json_name}`. Median (p95) wall-clock per operation;"
        " engine and raw baseline alternate in one loop.",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, {m['postgresql'].split(' on ')[0]}"
        f" ({', '.join(f'{k}={v}' for k, v in m['postgresql_settings'].items())}), Python {m['python']},"
        f" Django {m['django']}, django-mptt {m['django_mptt']}.",
        "",
        f"Load average (1/5/15 min) before: {_load(result['load_average']['before'])},"
        f" after: {_load(result['load_average']['after'])} — other work on the machine adds noise to medians.",
        "",
        f"Code: commit `{c['commit'][:12]}`{dirty if c['engine_modules_uncommitted'] else ''}.",
        "",
        _checks(result["sizes"]),
        "",
        "## Targets",
        "",
        "| part | target | measured | result |",
        "| --- | --- | --- | --- |",
        *(
            f"| {v['part']} | {v['target']} | {v['measured']} | {'pass' if v['pass'] else '**FAIL**'} |"
            for v in result["verdicts"]
        ),
        "",
        "## By size",
        "",
        "| goals | (a) engine | (a) raw | (a) queries | (b) all-stale engine | (b) raw | (b) steady engine"
        " | (b) raw | (c) engine | (c) raw | (c) queries |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(_size_row(size) for size in result["sizes"]),
        "",
        "## For information",
        "",
        "| goals | setup: generate / drift check / first recompute_all | check-in service + eager rollup"
        " | personal insert + eager rollup | operational insert (renumbers its tree) |",
        "| --- | --- | --- | --- | --- |",
        *(_info_row(size) for size in result["sizes"]),
        "",
    ]
    return "\n".join(lines)


def _load(load) -> str:
    return " / ".join(f"{value:.2f}" for value in load)


def _checks(sizes: list[dict]) -> str:
    drift = all(size["setup"]["drift_found"] == 0 and size["drift_after_inserts"] == 0 for size in sizes)
    agree = all(
        size["checkin_rollup"]["agrees_with_raw"] and size["full_recompute"]["all_stale"]["agrees_with_raw"]
        for size in sizes
    )
    return (
        "Checks: tree drift after generating and after the inserts (full `find_drift()`):"
        f" {'none' if drift else 'FOUND'};"
        f" engine and raw baselines leave identical figures: {'yes' if agree else 'NO'}."
    )


def _ms(stats: dict) -> str:
    return f"{stats['median_ms']:.2f} ms ({stats['p95_ms']:.2f})"


def _s(stats: dict) -> str:
    return f"{stats['median_ms'] / 1000:.2f} s"


def _size_row(size: dict) -> str:
    a, b, c = size["checkin_rollup"], size["full_recompute"], size["personal_insert"]
    queries = f"{a['engine']['queries']} vs {a['raw']['queries']}"
    return (
        f"| {size['goals']:,} | {_ms(a['engine'])} | {_ms(a['raw'])} | {queries}"
        f" | {_s(b['all_stale']['engine'])} | {_s(b['all_stale']['raw'])} | {_s(b['steady']['engine'])}"
        f" | {_s(b['steady']['raw'])} | {_ms(c['engine'])} | {_ms(c['raw'])} | {c['engine']['queries']} vs 1 |"
    )


def _info_row(size: dict) -> str:
    setup, e2e = size["setup"], size["checkin_end_to_end"]
    eager, op = size["personal_insert_eager"], size["operational_insert"]
    return (
        f"| {size['goals']:,} | {setup['generate_s']} s / {setup['drift_check_s']} s / {setup['first_recompute_s']} s"
        f" | {_ms(e2e)}, {e2e['queries']} queries | {_ms(eager)}, {eager['queries']} queries"
        f" | {_ms(op)}, {op['queries']} queries, tree of {op['tree_rows']:,} rows |"
    )
