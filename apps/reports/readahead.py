"""Reading a section's rows while the previous one is being written.

An export spends about as long waiting for PostgreSQL (the sorted lists: a query over every active goal
before the first row comes) as it spends writing rows in Python. `read_ahead` runs each section's `rows()`
in a thread of its own, up to AHEAD sections ahead of the writer, handing rows over in chunks through a bounded
queue (a few thousand rows in memory at most): the database's work and the writer's overlap. The rows are
still read from a server-side cursor in chunks (`.iterator(chunk_size=…)`).

A thread has its own database connection, which sees only committed rows: so the rows are read ahead only
on PostgreSQL outside a transaction (an export job, a download); inside one (a test, a request in an atomic
block) they are read in the writer's thread as before. A reading thread's connection parses moments with
Python's own ISO parser, in C (`UtcMomentLoader`): Django's loader runs psycopg's in Python, 4 µs a value, and
the stale list alone has 440,000 of them at 100,000 people.
"""

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime

from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from psycopg.types.datetime import TimestamptzLoader

CHUNK = 1000  # rows handed over at a time
DEPTH = 8  # chunks waiting at most, per section
# Sections whose reading starts while one is written: a sorted list's query runs seconds before its first row (the
# at-risk list: 4 s at 100,000 people), long enough to start it two sections early.
AHEAD = 2
_DONE = object()


class UtcMomentLoader(TimestamptzLoader):
    """A timestamptz of a session in UTC (Django's, with USE_TZ) as an aware datetime in UTC, as Django's loader
    reads it; `timezone` is what Django compares to its own before each cursor (equal: it adds none)."""

    timezone = UTC

    def load(self, data) -> datetime:
        try:
            return datetime.fromisoformat(str(data, "ascii"))  # 2026-11-30 08:15:00.123456+00
        except ValueError:  # infinity, a date BC: psycopg's parser
            return super().load(data).replace(tzinfo=UTC)


def read_moments_fast(wrapper) -> None:
    """`wrapper` (a Django connection, connected) reads moments with UtcMomentLoader, where its session is in UTC
    (as Django keeps it with USE_TZ)."""
    if wrapper.vendor == "postgresql" and wrapper.timezone is UTC:
        wrapper.connection.adapters.register_loader("timestamptz", UtcMomentLoader)


_reading = threading.local()  # `ahead`: this thread reads rows ahead, on a connection of its own


@receiver(connection_created, dispatch_uid="reports-read-ahead-moments")
def _reading_thread_connected(sender, connection, **kwargs) -> None:
    if getattr(_reading, "ahead", False):
        read_moments_fast(connection)


class Reader:
    """`rows()` run in a thread, its rows handed over in chunks through a bounded queue; iterate once."""

    def __init__(self, rows: Callable[[], Iterable]):
        self.rows = rows
        self.chunks: queue.Queue = queue.Queue(maxsize=DEPTH)
        self.stopped = threading.Event()
        self.taken = False
        self.thread = threading.Thread(target=self._read, name="report-read-ahead", daemon=True)

    def start(self) -> None:
        if self.thread.ident is None:
            self.thread.start()

    def _read(self) -> None:
        _reading.ahead = True
        try:
            chunk: list = []
            for row in self.rows():
                chunk.append(row)
                if len(chunk) == CHUNK:
                    if not self._put(chunk):
                        return
                    chunk = []
            self._put(chunk)
            self._put(_DONE)
        except BaseException as exc:  # handed to the writer, which raises it
            self._put(exc)
        finally:
            connections.close_all()  # this thread's own connection

    def _put(self, item) -> bool:
        while not self.stopped.is_set():
            try:
                self.chunks.put(item, timeout=0.5)
            except queue.Full:
                continue
            return True
        return False

    def __iter__(self) -> Iterator:
        if self.taken:
            raise RuntimeError("Rows read ahead are handed over once.")
        self.taken = True
        self.start()
        try:
            while (item := self.chunks.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                yield from item
        finally:
            self.stop()

    def stop(self) -> None:
        """The writer is done with these rows (or gave up): the thread ends without reading further."""
        self.stopped.set()


def can_read_ahead() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def read_ahead(sections: list) -> Iterator:
    """`sections` (apps.reports.export.Section) in order, each one's rows read in a thread started AHEAD sections
    before it is taken; as they are where rows cannot be read ahead (see the module's docstring)."""
    if not can_read_ahead():
        yield from sections
        return
    readers = [Reader(section.rows) for section in sections]
    try:
        for index, (section, reader) in enumerate(zip(sections, readers, strict=True)):
            for ahead in readers[index : index + 1 + AHEAD]:
                ahead.start()
            yield replace(section, rows=lambda reader=reader: iter(reader))
    finally:
        for reader in readers:
            reader.stop()


def rows_read_ahead(parts: list[Callable[[], Iterable]]) -> Iterator:
    """The rows of `parts` one after another, each part read in a thread started AHEAD parts before it is taken."""
    if not can_read_ahead():
        for part in parts:
            yield from part()
        return
    readers = [Reader(part) for part in parts]
    try:
        for index, reader in enumerate(readers):
            for ahead in readers[index : index + 1 + AHEAD]:
                ahead.start()
            yield from reader
    finally:
        for reader in readers:
            reader.stop()
