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
formatted in Python as before (apps.reports.csvlines). Outside a transaction (apps.reports.readahead.can_read_ahead:
a thread's connection sees only what is committed) READERS threads read every section whole into a temporary file
of its own, the lists first, and the files are copied out in order: the lists' queries and the Python sections run
side by side, and memory holds a buffer, never a section. The export job starts the lists before it works out the
report's summary (`lists_started`). Inside a transaction the sections are read in order in the caller's thread; on
SQLite (no COPY) the whole CSV comes from the Python path.
"""

import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import IO, NamedTuple

from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.org.models import Unit

from . import csvlines, export, selectors
from .copies import copied_goals
from .readahead import can_read_ahead
from .renderers import FORMULA_TRIGGERS, Counter
from .scope import Scope
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
    """A goal section read by COPY: the selector of its queryset (what AlignmentSummary's property of the list
    returns, from the scope and the gap threshold), its key figure, and for each of the section's figure columns, in
    their order, the field the queryset reads and how the Python path writes it (TEXT, FIGURE, MOMENT or INTEGER)."""

    queryset: Callable[[Scope, float], QuerySet]
    key: str
    figures: dict[str, tuple[str, str]]


# By the CSV's section name of each goal list (apps.reports.export.csv_parts), the longest first at 100,000 people
# (the order they start in); the intents (a handful, in memory) stay in Python.
GOAL_LISTS = {
    "goal_at_risk": GoalList(
        lambda scope, threshold: selectors.goals_at_risk(scope),
        "health",
        {"health": ("health", TEXT), "progress": ("progress", FIGURE)},
    ),
    "stale_goal": GoalList(
        lambda scope, threshold: selectors.stale_goals(scope),
        "last_activity",
        {"last_activity": ("last_activity", MOMENT)},
    ),
    "goal_without_metric": GoalList(
        lambda scope, threshold: selectors.goals_without_metric(scope), "progress", {"progress": ("progress", FIGURE)}
    ),
    "orphaned_goal": GoalList(
        lambda scope, threshold: selectors.orphaned_goals(scope), "reason", {"reason": ("reason", TEXT)}
    ),
    "copied_goal": GoalList(
        lambda scope, threshold: copied_goals(scope),  # apps.reports.copies.copied_goal_rows' queryset
        "similarity",
        {
            "parent_id": ("parent_id", INTEGER),
            "parent_title": ("parent__title", TEXT),
            "similarity": ("copy_score", FIGURE),
        },
    ),
    "alignment_gap": GoalList(
        selectors.alignment_gaps,
        "gap",
        {
            "measured_progress": ("measured_progress", FIGURE),
            "rollup_progress": ("rollup_progress", FIGURE),
            "gap": ("gap", FIGURE),
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


def fits(section: export.Section, goals: GoalList, key: str) -> None:
    """The section of a goal list has the figure columns, in the order, and the key figure that `goals` writes."""
    at, columns = export._positions(section, export.GOAL_CELLS)
    if at != list(range(len(export.GOAL_CELLS))) or [n for n, _ in columns] != list(goals.figures) or key != goals.key:
        raise ValueError(f"Section {section.title!r}: columns {section.header} do not fit {list(goals.figures)}")


def goal_list_sql(kind: str, goals: GoalList, queryset) -> tuple[str, tuple]:
    """The COPY of a goal list: per goal (in the queryset's order) the key figure's line under `kind`, then one
    under `kind.figure` for each other figure in the section's column order; eight columns as export.CSV_HEADER.

    Three steps, each a subquery kept whole by OFFSET 0 (else PostgreSQL would copy an expression into every place
    that uses its result, and compute it there again): the goal's cells and figures as text (a figure as x and its
    shortest decimal d), then each figure rounded (r), then a line per figure."""
    names, key = list(goals.figures), goals.key
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


def _crlf(data: bytes, rows: int) -> Block:
    """`rows` rows of COPY's CSV, each ending in a line feed, as the csv module ends them: CRLF. A line feed inside
    a quoted cell stays as it is: it has an odd number of double quotes before it (a cell's own are doubled)."""
    if data.count(b"\n") == rows:  # none inside a cell
        return Block(data.replace(b"\n", b"\r\n"), rows)
    lines, quotes = data.split(b"\n"), 0
    for index, piece in enumerate(lines[:-1]):
        quotes += piece.count(b'"')
        lines[index] = piece + (b"\n" if quotes % 2 else b"\r\n")
    return Block(b"".join(lines), rows)


def copy_blocks(sql: str, params: Iterable) -> Iterator[Block]:
    """`COPY (sql) TO STDOUT (FORMAT csv)` on this thread's connection, in blocks of BLOCK_ROWS rows (a row comes as
    a message of its own: gathered in a bytearray, 0.6 µs a row less than joining them)."""
    with transaction.atomic(), connection.connection.cursor() as cursor:
        # The formatting makes the planner's cost of a list (its rows over-estimated, the alignment gaps' 160-fold)
        # pass JIT's thresholds: compiling took 2.5 s of the gaps' 2.7 s at 100,000 people, for nothing.
        cursor.execute("SET LOCAL jit = off")
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            data, rows = bytearray(), 0
            for row in copy:
                data += row
                rows += 1
                if rows == BLOCK_ROWS:
                    yield _crlf(bytes(data), rows)
                    data, rows = bytearray(), 0
            if rows:
                yield _crlf(bytes(data), rows)


def list_blocks(kind: str, scope: Scope, threshold: float) -> Iterator[Block]:
    goals = GOAL_LISTS[kind]
    return copy_blocks(*goal_list_sql(kind, goals, goals.queryset(scope, threshold)))


def goal_blocks(summary: AlignmentSummary, kind: str, section: export.Section, key: str) -> Iterator:
    """A goal section's lines: by COPY for the lists, in Python for the rest (csvlines.goal_figure_lines)."""
    goals = GOAL_LISTS.get(kind)
    if goals is None:
        return csvlines.goal_figure_lines(kind, section, key)
    fits(section, goals, key)
    return list_blocks(kind, summary.scope, summary.gap_threshold)


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


class Lists:
    """The goal lists' COPYs, each into a temporary file of its own by READERS reading threads (on connections of
    their own), started as soon as the scope is known: an export job starts them before it works out the report's
    summary (`lists_started`), so that PostgreSQL reads the lists while Python works out the summary. The other
    sections are read by the same threads, after the lists."""

    def __init__(self, scope: Scope, threshold: float):
        self.scope, self.threshold = scope, threshold
        self.stop = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="csv-copy")
        self.spooling = {
            kind: self.pool.submit(_spooled, partial(list_blocks, kind, scope, threshold), self.stop)
            for kind in GOAL_LISTS
        }

    def fit(self, summary: AlignmentSummary) -> bool:
        """The lists are the summary's (the same scope and gap threshold)."""
        return summary.scope == self.scope and summary.gap_threshold == self.threshold

    def spool(self, part: Callable[[], Iterable]) -> Future:
        return self.pool.submit(_spooled, part, self.stop)

    def close(self) -> None:
        """Done, or the writer gave up: the threads stop, their files go."""
        self.stop.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for future in self.spooling.values():
            if not future.cancelled() and future.exception() is None:
                future.result()[0].close()


def lists_started(cycle: Cycle | None, unit: Unit | None) -> Lists | None:
    """The goal lists of the report `alignment_summary(cycle, unit=unit)` will be, started now where they can be
    read by COPY in threads (PostgreSQL, outside a transaction); write_csv uses them if they are its summary's."""
    if not (can_copy() and can_read_ahead()):
        return None
    return Lists(Scope.build(cycle=cycle, today=timezone.localdate(), unit=unit), selectors.gap_threshold())


def _from_files(parts: list[Callable[[], Iterable]], lists: Lists) -> Iterator[Block]:
    """The parts in order, each read whole into a file by the lists' threads (a goal list: its COPY, started
    already; the rest after the lists, people without goals first: a query over every person however few it finds,
    then the most rows first), handed over in order; memory holds a SPOOL_BYTES buffer."""

    def order(index: int) -> tuple[bool, int]:
        sections = [arg for arg in getattr(parts[index], "args", ()) if isinstance(arg, export.Section)]
        return bool(sections), -sum(section.expected_rows * section.csv_rows_each for section in sections)

    spooling: dict[int, Future] = {}
    for index, part in enumerate(parts):
        if getattr(part, "func", None) is goal_blocks and part.args[1] in GOAL_LISTS:
            _summary, kind, section, key = part.args
            fits(section, GOAL_LISTS[kind], key)
            spooling[index] = lists.spooling[kind]
    for index in sorted(set(range(len(parts))) - set(spooling), key=order):
        spooling[index] = lists.spool(parts[index])
    try:
        for index in range(len(parts)):
            file, rows = spooling[index].result()
            with file:
                while data := file.read(SPOOL_BYTES):
                    yield Block(data, 0)
            yield Block(b"", rows)
    finally:
        lists.close()
        for future in spooling.values():
            if not future.cancelled() and future.exception() is None:
                future.result()[0].close()


def can_copy() -> bool:
    return connection.vendor == "postgresql"


def csv_blocks(summary: AlignmentSummary, lists: Lists | None = None) -> Iterator[Block]:
    """The long CSV, header first, in Blocks: the goal lists by COPY where the database can, read in threads where
    they see what this thread sees (apps.reports.readahead.can_read_ahead: outside a transaction) — from `lists`
    when they are the summary's; everything in Python on SQLite."""
    if lists is not None and not lists.fit(summary):
        lists.close()
        lists = None
    yield Block(csvlines.line(export.CSV_HEADER).encode(), 1)
    goal_figures = partial(goal_blocks, summary) if can_copy() else csvlines.goal_figure_lines
    parts = export.csv_parts(summary, goal_figures=goal_figures, unit_figures=csvlines.unit_figure_lines)
    if lists is None and can_copy() and can_read_ahead():
        lists = Lists(summary.scope, summary.gap_threshold)
    if lists is not None:
        yield from _from_files(parts, lists)
    else:
        for part in parts:
            yield from _blocks(part)


def csv_bytes(summary: AlignmentSummary) -> Iterator[bytes]:
    """The long CSV as UTF-8, for a streamed download."""
    for block in csv_blocks(summary):
        if block.data:
            yield block.data


def write_csv(summary: AlignmentSummary, file, counter: Counter | None = None, lists: Lists | None = None) -> None:
    """The long CSV into a binary file, counting its rows (the header too) on `counter`; `lists` as lists_started
    gave them."""
    for block in csv_blocks(summary, lists):
        file.write(block.data)
        if counter is not None and block.rows:
            counter.add(block.rows)
