"""The long CSV (apps.reports.csvlines) with its goal lists written by PostgreSQL, for the export job.

At 100,000 people the six goal lists (orphaned, stale, without a metric, at risk, gaps, copies) are some 700,000
lines, and formatting them in Python cost about 6 µs a line. On PostgreSQL each list is instead the SQL of the very
queryset the Python path reads (`values_list(...).query.sql_with_params()`: the scope and the role rules stay
where they are), wrapped in `COPY (SELECT …) TO STDOUT (FORMAT csv)` and unpivoted to a line per figure with a
LATERAL VALUES, in the queryset's order; PostgreSQL formats every cell as the Python path does:

- text a spreadsheet would run as a formula gets a leading apostrophe (FORMULA_TRIGGERS), the owner is their name
  or else their username, and an empty text is written as nothing (`NULLIF`: PostgreSQL quotes an empty string);
- a figure is Python's `repr(round(x, 6))` (`_figure_sql`), a moment its `isoformat()` in UTC (`_moment_sql`);
- PostgreSQL quotes a cell when the csv module does (a comma, a double quote, a line break) and ends each row with
  a line feed: a row comes as one message, so its line feed becomes the csv module's CRLF without a parse.

The other sections (the summary, people without goals, the intents, the units, cadence, motivation) are read and
formatted in Python as before (apps.reports.csvlines); every section is read ahead in a thread of its own
(apps.reports.readahead). On SQLite (no COPY) the whole CSV comes from the Python path.
"""

import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import IO, NamedTuple

from django.db import connection, connections, transaction
from django.db.models import QuerySet

from . import csvlines, export
from .copies import copied_goals
from .readahead import can_read_ahead
from .renderers import FORMULA_TRIGGERS, Counter
from .selectors import AlignmentSummary

BLOCK_ROWS = 2000  # rows formatted at a time
READERS = 3  # sections read at once, each by a thread on a connection of its own
SPOOL_BYTES = 1 << 20  # read back from a section's file at a time

TEXT, FIGURE, MOMENT, INTEGER = "text", "figure", "moment", "integer"


class Block(NamedTuple):
    """Lines of the CSV as UTF-8, and how many rows they are."""

    data: bytes
    rows: int


@dataclass(frozen=True)
class GoalList:
    """A goal section read by COPY: its queryset, and for each of the section's figure columns the field the
    queryset reads and how the Python path writes it (TEXT, FIGURE, MOMENT or INTEGER)."""

    queryset: Callable[[AlignmentSummary], QuerySet]
    figures: dict[str, tuple[str, str]]


# By the CSV's section name of each goal list (apps.reports.export.csv_parts); the intents (a handful, in memory)
# stay in Python.
GOAL_LISTS = {
    "orphaned_goal": GoalList(lambda summary: summary.orphaned_goals, {"reason": ("reason", TEXT)}),
    "stale_goal": GoalList(lambda summary: summary.stale_goals, {"last_activity": ("last_activity", MOMENT)}),
    "goal_without_metric": GoalList(lambda summary: summary.goals_without_metric, {"progress": ("progress", FIGURE)}),
    "goal_at_risk": GoalList(
        lambda summary: summary.goals_at_risk, {"health": ("health", TEXT), "progress": ("progress", FIGURE)}
    ),
    "alignment_gap": GoalList(
        lambda summary: summary.alignment_gaps,
        {
            "measured_progress": ("measured_progress", FIGURE),
            "rollup_progress": ("rollup_progress", FIGURE),
            "gap": ("gap", FIGURE),
        },
    ),
    "copied_goal": GoalList(
        lambda summary: copied_goals(summary.scope),  # apps.reports.copies.copied_goal_rows' queryset
        {
            "parent_id": ("parent_id", INTEGER),
            "parent_title": ("parent__title", TEXT),
            "similarity": ("copy_score", FIGURE),
        },
    ),
}


# --- Formatting in SQL, as the Python path formats ----------------------------------------------------------


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _text_sql(x: str) -> str:
    """A text cell as export.csv_cell leaves it: a formula neutralised; empty as NULL (the csv module writes nothing
    for "" and None alike, PostgreSQL quotes an empty string)."""
    if any(len(trigger) != 1 for trigger in FORMULA_TRIGGERS):
        raise ValueError(f"Formula triggers of one character expected: {FORMULA_TRIGGERS}")
    triggers = ", ".join(_literal(trigger) for trigger in FORMULA_TRIGGERS)
    return f"NULLIF(CASE WHEN left({x}, 1) IN ({triggers}) THEN '''' || {x} ELSE {x} END, '')"


# A power of two by which a float8 of that size is an integer of at most 63 bits: its exact value, for a tie.
_EXACT_SCALE = (
    "(CASE WHEN abs({x}) >= 1 THEN 4503599627370496 WHEN abs({x}) >= 0.0009765625 THEN 4611686018427387904 "
    "ELSE 9444732965739290427392 END)"
)


def _rounded_sql(x: str, d: str) -> str:
    """Python's `round(x, 6)` of a float8 `x`, as a numeric; `d` is `x::text::numeric`.

    `x::text` is the shortest decimal that reads back as x (PostgreSQL 12+), as Python's repr. Rounded to six
    decimals it gives Python's result except when it ends in a 5 at the seventh decimal: Python rounds the binary
    value, which is a little above or below that tie (then the decimal is nudged that way: the sign of x's exact
    value, an integer once scaled by a power of two, minus the decimal) or, for a dyadic value such as 1/128,
    exactly on it (then half to even)."""
    scale = _EXACT_SCALE.format(x=x)
    direction = f"sign(({x} * {scale}::float8)::bigint - {d} * {scale})"
    tie = f"scale({d}) = 7 AND mod(abs({d}) * 10000000, 10) = 5 AND abs({x}) < 1024"
    return (
        f"(CASE WHEN NOT ({tie}) THEN round({d}, 6) WHEN {direction} = 0 THEN round({d} * 500000) / 500000 "
        f"ELSE round({d} + {direction} * 0.00000001, 6) END)"
    )


def _figure_text_sql(x: str, r: str) -> str:
    """`r`, x rounded (_rounded_sql), as str() of Python's float: the shortest decimal, ".0" on a whole number, and
    x's sign on a zero (round(-1e-9, 6) is -0.0)."""
    return (
        f"(CASE WHEN {r} = 0 THEN CASE WHEN left(({x})::text, 1) = '-' THEN '-0.0' ELSE '0.0' END "
        f"WHEN {r} = trunc({r}) THEN trunc({r})::text || '.0' ELSE {r}::float8::text END)"
    )


def _figure_sql(x: str) -> str:
    """A float8 as Python writes `round(x, 6)` (export.figure) with str(), in one expression (which computes its
    parts as often as they appear: goal_list_sql computes each once)."""
    return _figure_text_sql(x, _rounded_sql(x, f"({x})::text::numeric"))


def _moment_sql(x: str) -> str:
    """A timestamptz as Python's isoformat() of it in UTC: microseconds only when there are some."""
    return (
        f"(to_char(({x}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN to_char({x}, 'US') = '000000' THEN '' ELSE '.' || to_char({x}, 'US') END || '+00:00')"
    )


_FORMATS = {TEXT: _text_sql, MOMENT: _moment_sql, INTEGER: lambda x: f"({x})::text"}


def goal_list_sql(kind: str, section: export.Section, key: str, goals: GoalList, queryset) -> tuple[str, tuple]:
    """The COPY of a goal section: per goal (in the queryset's order) the `key` figure's line under `kind`, then one
    under `kind.figure` for each other figure in the section's column order; eight columns as export.CSV_HEADER.

    Three steps, each a subquery kept whole by OFFSET 0 (else PostgreSQL would copy an expression into every place
    that uses its result, and compute it there again): the goal's cells and figures as text (a figure as x and its
    shortest decimal d), then each figure rounded (r), then a line per figure."""
    at, columns = export._positions(section, export.GOAL_CELLS)
    names = [name for name, _ in columns]
    if at != list(range(len(export.GOAL_CELLS))) or sorted(names) != sorted(goals.figures) or key not in names:
        raise ValueError(f"Section {section.title!r}: columns {section.header} do not fit {sorted(goals.figures)}")
    fields = [goals.figures[name][0] for name in names]
    select, params = queryset.values_list(*export.GOAL_VALUES, *fields).query.sql_with_params()
    width = len(export.GOAL_VALUES)
    aliases = ", ".join(f"c{i}" for i in range(width + len(fields)))
    text, owner = _text_sql, "COALESCE(NULLIF(q.c3, ''), q.c4)"  # the owner's name, else their username
    cells, rounded, values = [], [], []
    for i, name in enumerate(names):
        how, column = goals.figures[name][1], f"q.c{width + i}"
        if how == FIGURE:
            cells.append(f"{column} AS x{i}, ({column})::text::numeric AS d{i}")
            rounded.append(f", {_rounded_sql(f'c.x{i}', f'c.d{i}')} AS r{i}")
            values.append(_figure_text_sql(f"g.x{i}", f"g.r{i}"))
        else:
            cells.append(f"{_FORMATS[how](column)} AS x{i}")
            values.append(f"g.x{i}")
    lines = [(kind, names.index(key))] + [(f"{kind}.{name}", i) for i, name in enumerate(names) if name != key]
    cells_sql = (
        f"SELECT q.c0 AS id, {text('q.c1')} AS title, {text('q.c2')} AS layer, {text(owner)} AS owner, "
        f"{text('q.c5')} AS unit, {text('q.c6')} AS cycle, {', '.join(cells)} FROM ({select}) AS q({aliases}) OFFSET 0"
    )
    rounded_sql = f"SELECT c.*{''.join(rounded)} FROM ({cells_sql}) AS c OFFSET 0"
    per_line = ", ".join(f"({_literal(line)}, {values[i]})" for line, i in lines)
    sql = (
        f"SELECT v.section, g.id, g.title, g.layer, g.owner, g.unit, g.cycle, v.value FROM ({rounded_sql}) AS g "
        f"CROSS JOIN LATERAL (VALUES {per_line}) AS v(section, value)"
    )
    return sql, tuple(params)


# --- Reading -----------------------------------------------------------------------------------------------------


def _crlf(rows: list) -> Block:
    """COPY's rows (one message each, ending in a line feed) as the csv module ends them: CRLF."""
    data = b"".join(rows)
    if data.count(b"\n") == len(rows):  # no line break inside a quoted cell
        return Block(data.replace(b"\n", b"\r\n"), len(rows))
    return Block(b"".join([bytes(row[:-1]) + b"\r\n" for row in rows]), len(rows))


def copy_blocks(sql: str, params: Iterable) -> Iterator[Block]:
    """`COPY (sql) TO STDOUT (FORMAT csv)` on this thread's connection, in blocks of BLOCK_ROWS rows."""
    with transaction.atomic(), connection.connection.cursor() as cursor:
        # The formatting makes the planner's cost of a list (its rows over-estimated, the alignment gaps' 160-fold)
        # pass JIT's thresholds: compiling took 2.5 s of the gaps' 2.7 s at 100,000 people, for nothing.
        cursor.execute("SET LOCAL jit = off")
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            rows: list = []
            for row in copy:
                rows.append(row)
                if len(rows) == BLOCK_ROWS:
                    yield _crlf(rows)
                    rows = []
            if rows:
                yield _crlf(rows)


def goal_blocks(summary: AlignmentSummary, kind: str, section: export.Section, key: str) -> Iterator:
    """A goal section's lines: by COPY for the lists, in Python for the rest (csvlines.goal_figure_lines)."""
    goals = GOAL_LISTS.get(kind)
    if goals is None:
        return csvlines.goal_figure_lines(kind, section, key)
    return copy_blocks(*goal_list_sql(kind, section, key, goals, goals.queryset(summary)))


def _blocks(part: Callable[[], Iterable]) -> Iterator[Block]:
    """A part's rows (Blocks, lines or rows of cells) as Blocks of at most BLOCK_ROWS rows."""
    lines: list[str] = []
    for item in part():
        if item.__class__ is Block:
            if lines:
                yield Block("".join(lines).encode(), len(lines))
                lines = []
            yield item
            continue
        lines.append(item if item.__class__ is str else csvlines.line(item))
        if len(lines) == BLOCK_ROWS:
            yield Block("".join(lines).encode(), len(lines))
            lines = []
    if lines:
        yield Block("".join(lines).encode(), len(lines))


def _spooled(part: Callable[[], Iterable], stop: threading.Event) -> tuple[IO[bytes], int]:
    """A part written whole to a temporary file in a reading thread, on a connection of the thread's own: (the file,
    its rows)."""
    file, rows = tempfile.TemporaryFile(), 0
    try:
        for block in _blocks(part):
            if stop.is_set():
                break
            file.write(block.data)
            rows += block.rows
    except BaseException:
        file.close()
        raise
    finally:
        connections.close_all()  # this thread's own
    file.seek(0)
    return file, rows


def _longest_first(parts: list[Callable[[], Iterable]]) -> list[int]:
    """The parts' indexes in the order to read them: those without a sheet first (the summary, in memory, and the
    people without goals: one query over every person, however few it finds), then the most rows expected first
    (the at-risk list at 100,000 people), which then starts at once rather than after those before it in the CSV."""

    def order(index: int) -> tuple[bool, int]:
        sections = [arg for arg in getattr(parts[index], "args", ()) if isinstance(arg, export.Section)]
        return bool(sections), -sum(section.expected_rows * section.csv_rows_each for section in sections)

    return sorted(range(len(parts)), key=order)


def _from_files(parts: list[Callable[[], Iterable]]) -> Iterator[Block]:
    """Every part read at once by READERS threads, each into a file of its own, handed over in order: a list's query
    runs while the one before is written, and no part waits for the writer (memory holds a SPOOL_BYTES buffer)."""
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="csv-copy")
    futures = {index: pool.submit(_spooled, parts[index], stop) for index in _longest_first(parts)}
    spooling = [futures[index] for index in range(len(parts))]
    try:
        for future in spooling:
            file, rows = future.result()
            with file:
                while data := file.read(SPOOL_BYTES):
                    yield Block(data, 0)
            yield Block(b"", rows)
    finally:  # done, or the writer gave up: the threads stop, their files go
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        for future in spooling:
            if not future.cancelled() and future.exception() is None:
                future.result()[0].close()


def can_copy() -> bool:
    return connection.vendor == "postgresql"


def csv_blocks(summary: AlignmentSummary) -> Iterator[Block]:
    """The long CSV, header first, in Blocks: the goal lists by COPY where the database can, read in threads where
    they see what this thread sees (apps.reports.readahead.can_read_ahead: outside a transaction); everything in
    Python on SQLite."""
    yield Block(csvlines.line(export.CSV_HEADER).encode(), 1)
    goal_figures = partial(goal_blocks, summary) if can_copy() else csvlines.goal_figure_lines
    parts = export.csv_parts(summary, goal_figures=goal_figures, unit_figures=csvlines.unit_figure_lines)
    if can_read_ahead():
        yield from _from_files(parts)
    else:
        for part in parts:
            yield from _blocks(part)


def csv_bytes(summary: AlignmentSummary) -> Iterator[bytes]:
    """The long CSV as UTF-8, for a streamed download."""
    for block in csv_blocks(summary):
        if block.data:
            yield block.data


def write_csv(summary: AlignmentSummary, file, counter: Counter | None = None) -> None:
    """The long CSV into a binary file, counting its rows (the header too) on `counter`."""
    for block in csv_blocks(summary):
        file.write(block.data)
        if counter is not None and block.rows:
            counter.add(block.rows)
