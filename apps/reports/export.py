"""The alignment summary as tables, for the CSV and XLSX downloads. Rows are generated from the
querysets in chunks, so a download of a large organisation streams in bounded memory."""

from collections.abc import Iterable, Iterator

from .selectors import AlignmentSummary

CHUNK = 2000

ORPHAN_HEADER = ["id", "title", "layer", "owner", "unit", "cycle", "reason"]
PEOPLE_HEADER = ["id", "username", "name", "unit"]
STALE_HEADER = ["id", "title", "layer", "owner", "unit", "cycle", "last_activity"]
CSV_HEADER = ["section", "id", "name", "layer", "owner", "unit", "cycle", "value"]


def _name(obj) -> str:
    return str(obj) if obj is not None else ""


def summary_rows(summary: AlignmentSummary) -> list[list]:
    rows = [["cycles", ", ".join(str(pk) for pk in summary.cycle_ids)], ["stale_after_days", summary.stale_after_days]]
    rows += [[f"goals_per_layer.{layer}", count] for layer, count in summary.goals_per_layer.items()]
    rows.append(["goals_total", summary.goals_total])
    rows.append(["orphaned_goals", summary.orphaned_goals.count()])
    rows.append(["people_without_goals", summary.people_without_goals.count()])
    rows.append(["stale_goals", summary.stale_goals.count()])
    rows += [[f"motivation.{name}", count] for name, count in summary.motivation.items()]
    return rows


def orphan_rows(summary: AlignmentSummary) -> Iterator[list]:
    for goal in summary.orphaned_goals.iterator(chunk_size=CHUNK):
        yield [goal.pk, goal.title, goal.layer, _name(goal.owner), _name(goal.unit), _name(goal.cycle), goal.reason]


def people_rows(summary: AlignmentSummary) -> Iterator[list]:
    for person in summary.people_without_goals.iterator(chunk_size=CHUNK):
        yield [person.pk, person.username, person.name, _name(person.unit)]


def stale_rows(summary: AlignmentSummary) -> Iterator[list]:
    for goal in summary.stale_goals.iterator(chunk_size=CHUNK):
        owner, unit, cycle = _name(goal.owner), _name(goal.unit), _name(goal.cycle)
        yield [goal.pk, goal.title, goal.layer, owner, unit, cycle, goal.last_activity.isoformat()]


def sheets(summary: AlignmentSummary) -> list[tuple[str, list[str], Iterable[list]]]:
    """One (title, header, rows) per sheet of the XLSX download."""
    return [
        ("Summary", ["figure", "value"], summary_rows(summary)),
        ("Orphaned goals", ORPHAN_HEADER, orphan_rows(summary)),
        ("People without goals", PEOPLE_HEADER, people_rows(summary)),
        ("Stale goals", STALE_HEADER, stale_rows(summary)),
    ]


def csv_rows(summary: AlignmentSummary) -> Iterator[list]:
    """Everything in one table: a `section` column says what each row is."""
    yield CSV_HEADER
    for figure, value in summary_rows(summary):
        yield ["summary", "", figure, "", "", "", "", value]
    for pk, title, layer, owner, unit, cycle, reason in orphan_rows(summary):
        yield ["orphaned_goal", pk, title, layer, owner, unit, cycle, reason]
    for pk, username, name, unit in people_rows(summary):
        yield ["person_without_goal", pk, name or username, "", username, unit, "", ""]
    for pk, title, layer, owner, unit, cycle, last_activity in stale_rows(summary):
        yield ["stale_goal", pk, title, layer, owner, unit, cycle, last_activity]
