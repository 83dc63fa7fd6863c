"""Benchmark of assigning a goal template to 1,000 people in one call (apps.goal_templates.services) on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python bench/template_assign.py

It WIPES the benchmark database's organisation, cycles, goals and history, builds a company with one team of
--people people (all reporting to the team's manager), an intent and the team's translational goal, and a
3-metric personal-layer template; then the manager assigns the template to everyone in one call, under the team
goal: once through the bulk path (apps.goals.bulk_create, what the service uses) and once goal by goal through
apps.goals.services.goal_create + metric_create (the baseline), each on a fresh cascade. The time includes the
commit and the rollup of the new goals, which runs in the request in the embedded mode (no Redis). Target: under
5 s for 1,000 people. Results go to bench/results/ as JSON and Markdown.
"""

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_S = 5.0
METRICS = [
    {"name": "Calls made", "unit": "number", "display_unit": "calls", "start": 0, "target": 100},
    {"name": "Revenue", "unit": "currency", "display_unit": "$", "start": 0, "target": 50000, "weight": 2},
    {"name": "Win rate", "unit": "percent", "start": 10, "target": 30},
]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000, help="recipients of the assignment (default 1000)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the goal-by-goal baseline")
    parser.add_argument(
        "--force", action="store_true", help="run even if the database name does not contain 'bench' (it is WIPED)"
    )
    return parser.parse_args(argv)


def wipe() -> None:
    from django.apps import apps
    from django.db import connection

    names = ("core.ObjectChange", "org.Person", "org.Unit", "cycles.Cycle", "goals.Goal", "goals.PendingRollup")
    tables = ", ".join(apps.get_model(name)._meta.db_table for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def build(people: int):
    """A team of `people` under one manager, the team's goal under an intent, and a 3-metric template."""
    from apps.cycles.models import Cycle
    from apps.goal_templates import services as template_services
    from apps.goals import services as goal_services
    from apps.goals.models import GoalStatus, Layer
    from apps.org.models import Person, Unit

    wipe()
    company = Unit.objects.create(name="Globex", kind=Unit.Kind.COMPANY)
    team = Unit.objects.create(name="Sales team", kind=Unit.Kind.TEAM, parent=company)
    leader = Person.objects.create(username="leader", role=Person.Role.LEADER, unit=company)
    manager = Person.objects.create(username="manager", role=Person.Role.MANAGER, unit=team, manager=leader)
    Unit.objects.filter(pk=team.pk).update(lead=manager)
    Person.objects.bulk_create(
        [Person(username=f"p{n:05d}", unit=team, manager=manager, role=Person.Role.EMPLOYEE) for n in range(people)]
    )
    year = Cycle.objects.create(name="FY2027", start=date(2027, 1, 1), end=date(2027, 12, 31))
    common = {"actor": None, "cycle": year, "status": GoalStatus.ACTIVE}
    intent = goal_services.goal_create(title="Double revenue", layer=Layer.INTENT, unit=company, owner=leader, **common)
    team_goal = goal_services.goal_create(
        title="Grow the pipeline", layer=Layer.TRANSLATIONAL, parent=intent, unit=team, owner=manager, **common
    )
    template = template_services.template_create(
        actor=manager, title="Sell more", layer=Layer.PERSONAL, metrics=METRICS
    )
    ids = list(Person.objects.filter(role=Person.Role.EMPLOYEE).order_by("pk").values_list("pk", flat=True))
    return manager, template, team_goal, ids


def check(team_goal, people: int) -> dict:
    from apps.goals.models import Goal, Metric, PendingRollup
    from apps.goals.tree import find_drift

    goals = Goal.objects.filter(parent=team_goal)
    facts = {
        "goals": goals.count(),
        "metrics": Metric.objects.filter(goal__parent=team_goal).count(),
        "pending_rollups_left": PendingRollup.objects.count(),
        "tree_drift": len(find_drift()),
    }
    if facts["goals"] != people or facts["metrics"] != 3 * people or facts["tree_drift"]:
        raise SystemExit(f"The assignment did not give what it should: {facts}")
    return facts


def run(people: int, one_by_one: bool) -> dict:
    from django.urls import get_resolver

    from apps.goal_templates import services as template_services
    from apps.org.models import Person
    from bench.import_people import measure

    manager, template, team_goal, ids = build(people)
    len(get_resolver().url_patterns)  # loaded once per process in a server: not part of one request's cost
    manager = Person.objects.get(pk=manager.pk)
    original = template_services.create_goals
    if one_by_one:
        template_services.create_goals = template_services.create_goals_one_by_one
    try:
        facts, goals = measure(
            ("goal by goal" if one_by_one else "bulk") + f", {people:,} people",
            template_services.template_assign,
            actor=manager,
            template=template,
            people=ids,
            parent=team_goal,
        )
    finally:
        template_services.create_goals = original
    facts["goals_per_second"] = round(len(goals) / facts["seconds"], 1) if facts["seconds"] else None
    facts["check"] = check(team_goal, people)
    return facts


def write_results(result: dict) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    json_path = RESULTS / f"template-assign-{stamp}.json"
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    md_path = RESULTS / "template-assign-latest.md"
    lines = [
        f"# Template assignment benchmark — {result['date']}",
        "",
        f"A 3-metric template assigned to {result['people']:,} people in one call, under one team goal; PostgreSQL "
        f"({result['machine']['postgresql']}), {result['machine']['cores']} cores. Raw data: `{json_path.name}`.",
        "Each run includes the commit and the rollup of the new goals (embedded mode: it runs in the request).",
        "",
        f"**Target: under {TARGET_S:.0f} s — {'met' if result['runs']['bulk']['seconds'] < TARGET_S else 'MISSED'}.**",
        "",
        "| path | seconds | statements | writes | goals/s | peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, run_facts in result["runs"].items():
        lines.append(
            f"| {name.replace('_', ' ')} | {run_facts['seconds']} | {run_facts['statements']} | {run_facts['writes']} "
            f"| {run_facts['goals_per_second']} | {run_facts['peak_rss_mb']} |"
        )
    lines += ["", f"After the bulk run: {result['runs']['bulk']['check']}.", ""]
    md_path.write_text("\n".join(lines))
    return json_path, md_path


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    from bench.common import check_database, setup_django

    setup_django()
    check_database("bench/template_assign.py", args.force)
    from bench.import_people import log, machine

    runs = {"bulk": run(args.people, one_by_one=False)}
    if not args.no_baseline:
        runs["goal_by_goal"] = run(args.people, one_by_one=True)
    result = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(["bench/template_assign.py", *argv]),
        "machine": machine(),
        "people": args.people,
        "target_s": TARGET_S,
        "runs": runs,
    }
    json_path, md_path = write_results(result)
    print(md_path.read_text())
    log(f"wrote {json_path.relative_to(ROOT)} and {md_path.relative_to(ROOT)}")
    return 0 if runs["bulk"]["seconds"] < TARGET_S else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
