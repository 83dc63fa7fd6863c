"""Transaction-scoped locks for tree writes.

django-mptt renumbers nested-set fields with several UPDATEs; two writers on one tree at
once corrupt it. Every tree write therefore runs inside `transaction.atomic()` holding a
PostgreSQL advisory lock keyed by the tree. On SQLite the database allows one writer at a
time, which is the lock.
"""

import zlib

from django.db import connection

GLOBAL_KEY = 0


def _namespace(name: str) -> int:
    # A stable 31-bit key per lock family (pg advisory locks take two int4 keys).
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def lock_key(name: str) -> int:
    """The first key of the lock family `name`, for SQL that takes its locks itself: pg_advisory_xact_lock(this, key)
    is the lock `advisory_xact_lock(name, key)` takes."""
    return _namespace(name)


def advisory_xact_lock(name: str, key: int = GLOBAL_KEY) -> None:
    """Block until this transaction holds the lock (name, key); released at commit/rollback."""
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_xact_lock must be taken inside transaction.atomic()")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_namespace(name), int(key)])


def lock_trees(name: str, *tree_ids: int) -> None:
    """Lock several trees, always in ascending order so that two writers never deadlock."""
    for tree_id in sorted(set(tree_ids)):
        advisory_xact_lock(name, tree_id)
