"""One table of every benchmark's verdicts (bench/run_all.py): what, size, app, limit, ratio, target, result.

Each function below reads the JSON one benchmark wrote and returns its rows; "app" is what the
application did, "limit" the raw baseline measured beside it where the benchmark has one (hand-
written SQL or a single-row INSERT), "ratio" app / limit. The targets are issue 16's.
"""

import json
import os
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
XLSX_TARGET_S = 20.0
EXPORT_MEMORY_MB = 300
TREE_TARGET_MS, TREE_TARGET_KB = 300, 200


def row(what, size="", app="", limit="", ratio="", target="", ok=None) -> dict:
    result = "info" if ok is None else "pass" if ok else "FAIL"
    return {"what": what, "size": size, "app": app, "limit": limit, "ratio": ratio, "target": target, "result": result}


def organisation(outcome: dict) -> list[dict]:
    facts = outcome.get("facts") or {}
    if not facts:
        return []
    size = f"{facts['people']:,} people, {facts['goals']:,} goals, {facts['units']:,} units"
    how = "reused, built" if outcome.get("reused") else "built"
    return [row("organisation (bench/orggen.py)", size, f"{how} in {facts['build_seconds']} s")]


def cascade(result: dict) -> list[dict]:
    size = result["sizes"][-1]
    goals = f"{size['goals']:,} goals"
    a, b, c = size["checkin_rollup"], size["full_recompute"], size["personal_insert"]
    rows = [_ratio_row("engine: check-in rolled up", goals, a, "ms", 3)]
    for scenario in ("all_stale", "steady"):
        rows.append(_ratio_row(f"engine: full recompute, {scenario.replace('_', ' ')}", goals, b[scenario], "s", 1.5))
    rows.append(_ratio_row("engine: personal goal insert", goals, c, "ms", 10))
    return rows


def _ratio_row(what: str, size: str, part: dict, unit: str, limit: float) -> dict:
    scale = 1000 if unit == "s" else 1
    app, raw = part["engine"]["median_ms"] / scale, part["raw"]["median_ms"] / scale
    return row(
        what, size, f"{app:.2f} {unit}", f"{raw:.2f} {unit}", f"{part['ratio']}×", f"≤ {limit}×", part["ratio"] <= limit
    )


def api_tree(result: dict) -> list[dict]:
    """One row per caller and request shape; the streamed whole subtree (for integrators) has no target."""
    rows = []
    for role, measured in result["results"].items():
        shapes = {"": measured} if "median_ms" in measured else measured
        for shape, r in shapes.items():
            kb = r.get("bytes", 0) / 1024
            app = f"median {r['median_ms']} ms, p95 {r['p95_ms']} ms, {kb:,.0f} KB, {r['queries']} queries"
            what = f"GET goals/{{intent}}/tree/{f' ({shape})' if shape else ''} as {role}"
            streamed = "ndjson" in shape
            target = "" if streamed else f"< {TREE_TARGET_MS} ms, < {TREE_TARGET_KB} KB"
            ok = None if streamed else r["p95_ms"] < TREE_TARGET_MS and kb < TREE_TARGET_KB
            rows.append(row(what, f"{r['nodes']:,} nodes", app, "", "", target, ok))
    return rows


def alignment_export(result: dict) -> list[dict]:
    summary, runs = result["summary"], [r for r in result["runs"] if not r.get("traced")]
    size = f"{summary['headcount']:,} people"
    # An export reads every unit's stored figures (a page or the API reads the units it shows: report_stored below).
    rows = [row("export: the report's stored figures of every unit, read", size, f"{summary['seconds']} s")]
    for fmt in ("csv", "xlsx"):
        times = sorted(r["seconds"] for r in runs if r["format"] == fmt)
        if not times:
            continue
        median = times[len(times) // 2]
        limit = (result.get("limits") or {}).get(fmt)  # a raw COPY baseline, when the benchmark measures one
        if fmt == "csv":
            ratio = f"{median / limit:.2f}×" if limit else ""
            ok = median <= 1.5 * limit if limit else None
            rows.append(
                row(
                    "export CSV",
                    size,
                    f"{median} s",
                    f"{limit} s" if limit else "not measured",
                    ratio,
                    "≤ 1.5× COPY",
                    ok,
                )
            )
        else:
            rows.append(
                row("export XLSX", size, f"{median} s", "", "", f"≤ {XLSX_TARGET_S:.0f} s", median <= XLSX_TARGET_S)
            )
    peak = max((r["peak_rss_mb"] for r in result["runs"]), default=0)
    rows.append(
        row(
            "export peak memory (process)",
            size,
            f"{peak} MB",
            target=f"< {EXPORT_MEMORY_MB} MB",
            ok=peak < EXPORT_MEMORY_MB,
        )
    )
    return rows


def report_stored(result: dict) -> list[dict]:
    """bench/report_stored.py: its own verdicts (the report read from stored figures, the nightly full pass)."""
    size = f"{result['org']['people']:,} people"
    return [
        row(f"HR report from stored figures: {v['target']}", size, str(v["measured"]), target=v["target"], ok=v["pass"])
        for v in result["verdicts"]
    ]


def pages(result: dict) -> list[dict]:
    """One row for every page of every role (bench/pages.py): the slowest and the largest, and the verdict."""
    rows = result["pages"]
    slowest, largest = max(rows, key=lambda r: r["max_ms"]), max(rows, key=lambda r: r["kb"])
    app = (
        f"{len(rows)} pages; slowest {slowest['max_ms']} ms ({slowest['url']}, {slowest['role']}); "
        f"largest {largest['kb']} KB ({largest['url']}, {largest['role']})"
    )
    size = f"{result['org'].get('people', 0):,} people, 4 roles"
    return [
        row(
            "main pages of every role (in-process)",
            size,
            app,
            "",
            "",
            result["verdict"]["target"],
            result["verdict"]["pass"],
        )
    ]


def import_people(result: dict) -> list[dict]:
    runs, size = result["runs"], f"{result['people']:,} people"
    fresh, again = runs["fresh_import"], runs["same_file_again"]
    target = result["target_s"]
    return [
        row(
            "people import, fresh file",
            size,
            f"{fresh['seconds']} s",
            target=f"< {target:.0f} s",
            ok=fresh["seconds"] < target,
        ),
        row(
            "people import, same file again",
            size,
            f"{again['writes']} writes, {again['seconds']} s",
            target="no writes",
            ok=again["writes"] == 0,
        ),
    ]


def template_assign(result: dict) -> list[dict]:
    bulk, baseline = result["runs"]["bulk"], result["runs"].get("goal_by_goal")
    limit = f"{baseline['seconds']} s goal by goal" if baseline else ""
    ratio = f"{bulk['seconds'] / baseline['seconds']:.2f}×" if baseline else ""
    return [
        row(
            "template assigned to a team",
            f"{result['people']:,} people",
            f"{bulk['seconds']} s",
            limit,
            ratio,
            f"< {result['target_s']:.0f} s",
            bulk["seconds"] < result["target_s"],
        )
    ]


def checkin_actions(result: dict) -> list[dict]:
    app = f"{result['actions']} actions, {result['human_seconds']} s of a person's time"
    target = f"≤ {result['max_actions']} actions, < {result['max_seconds']:.0f} s"
    return [row("weekly check-in in the browser", "5 goals × 2 metrics + 1", app, "", "", target, result["passes"])]


def load(result: dict) -> list[dict]:
    rows = []
    for name, run in result["runs"].items():
        size = f"{run['users']} people, {run['seconds']} s"
        for r in run["endpoints"]:
            if name.startswith("main"):
                label = "load" if name == "main" else f"load ({name[5:]})"
                app = f"p95 {r['p95_ms']} ms (p50 {r['p50_ms']}, p99 {r['p99_ms']}), {r['rps']} req/s"
                app += f", {r['failures']}/{r['requests']} failed" if r["failures"] else ""
                rows.append(
                    row(f"{label}: {r['endpoint']}", size, app, "", "", f"p95 < {r['target_p95_ms']} ms", r["pass"])
                )
            else:
                app = f"**{r['rps']} req/s** (p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms)"
                rows.append(row(f"saturation: {r['endpoint']}", f"{size}, no think time", app))
    return rows


READERS = {
    "engine (cascade)": cascade,
    "goals/{id}/tree/": api_tree,
    "alignment report + exports": alignment_export,
    "alignment report, stored figures": report_stored,
    "main pages of every role": pages,
    "people import": import_people,
    "template assignment": template_assign,
    "weekly check-in actions": checkin_actions,
    "load test": load,
}


def build(outcomes: dict, people: int, started: datetime, seconds: int, load_before) -> dict:
    rows = []
    for name, outcome in outcomes.items():
        if name == "organisation":
            rows += organisation(outcome)
            continue
        result = outcome.get("result")
        if result is None:
            ok = None if outcome["status"].startswith(("skipped", "ok")) else False
            rows.append(row(name, "", f"no result ({outcome['status']})", ok=ok))
            continue
        try:
            rows += READERS[name](result)
        except (KeyError, TypeError, ZeroDivisionError) as error:  # a benchmark changed its JSON: say so, go on
            rows.append(row(name, "", f"unreadable result {result.get('file')}: {error!r}", ok=False))
    return {
        "date": started.isoformat(timespec="seconds"),
        "people": people,
        "seconds": seconds,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "steps": {
            name: {k: v for k, v in o.items() if k != "result"} | {"file": (o.get("result") or {}).get("file")}
            for name, o in outcomes.items()
        },
        "rows": rows,
    }


def write(report: dict) -> str:
    RESULTS.mkdir(exist_ok=True)
    stamp = report["date"].replace("-", "").replace(":", "").replace("T", "-")
    (RESULTS / f"summary-{stamp}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    md = markdown(report, f"summary-{stamp}.json")
    (RESULTS / "summary-latest.md").write_text(md)
    return md


def markdown(report: dict, raw: str) -> str:
    def load(values) -> str:
        return " / ".join(f"{v:.2f}" for v in values)

    failed = sum(1 for r in report["rows"] if r["result"] == "FAIL")
    lines = [
        f"# Benchmarks — {report['date']}",
        "",
        f"`make bench` on the shared organisation of {report['people']:,} people: {report['seconds'] // 60} min"
        f" {report['seconds'] % 60} s in all. Load average (1/5/15 min) before {load(report['load_average_before'])},"
        f" after {load(report['load_average_after'])} (a shared 2-core machine). Raw data: `{raw}`;"
        " each benchmark's own table is in its -latest.md.",
        "",
        f"**{failed} of {sum(1 for r in report['rows'] if r['result'] != 'info')} targets fail.**",
        "",
        "| what | size | app | limit | ratio | target | result |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in report["rows"]:
        verdict = "**FAIL**" if r["result"] == "FAIL" else r["result"]
        lines.append(
            f"| {r['what']} | {r['size']} | {r['app']} | {r['limit']} | {r['ratio']} | {r['target']} | {verdict} |"
        )
    lines += ["", "| step | status | seconds | result file |", "| --- | --- | ---: | --- |"]
    for name, step in report["steps"].items():
        lines.append(f"| {name} | {step['status']} | {step['seconds']} | {step.get('file') or ''} |")
    return "\n".join(lines) + "\n"


def rebuild(summary_json: Path) -> str:
    """The table again from a run's summary JSON and the files it names (after a reader is fixed)."""
    report = json.loads(summary_json.read_text())
    outcomes = {}
    for name, step in report["steps"].items():
        path = RESULTS / (step.get("file") or "-")
        result = {"file": path.name, **json.loads(path.read_text())} if path.is_file() else None
        status = step["status"] if result or not step.get("file") else f"{step['status']}, {path.name} since removed"
        outcomes[name] = {**step, "status": status, "result": result}
    rebuilt = build(outcomes, report["people"], datetime.fromisoformat(report["date"]), report["seconds"], ())
    rebuilt["load_average_before"], rebuilt["load_average_after"] = (
        report["load_average_before"],
        report["load_average_after"],
    )
    return write(rebuilt)


if __name__ == "__main__":
    import sys

    print(rebuild(Path(sys.argv[1])))
