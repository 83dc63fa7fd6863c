"""Updating many rows with a different value each, fast.

Django's bulk_update writes `SET f = CASE WHEN id=1 THEN … WHEN id=2 THEN … END`: building those
expressions costs about a millisecond per row and field in Python, and PostgreSQL scans the
CASE for every row. On PostgreSQL we send `UPDATE … FROM UNNEST(arrays)` instead, a join that
costs next to nothing; elsewhere (SQLite, the small embedded mode) Django's bulk_update does the job.
Either way it is one statement per batch.
"""

from collections.abc import Sequence

from django.db import connection, models


def bulk_update_values(objs: Sequence[models.Model], fields: Sequence[str], batch_size: int) -> None:
    """Write `fields` (model field names) of each of `objs`, matched by primary key."""
    if not objs or not fields:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, list(fields), batch_size=batch_size)
        return
    columns = [model._meta.pk, *(model._meta.get_field(name) for name in fields)]
    for start in range(0, len(objs), batch_size):
        _update_batch(model, columns, objs[start : start + batch_size])


def _update_batch(model: type[models.Model], columns: list[models.Field], objs: Sequence[models.Model]) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = [quote(field.column) for field in columns]
    # One typed array per column (the way Django's bulk_create inserts on PostgreSQL): two statements'
    # worth of parameters whatever the batch size, and the arrays are joined to the table by primary key.
    arrays = ", ".join(f"CAST(%s AS {field.db_type(connection)}[])" for field in columns)
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    sql = (
        f"UPDATE {table} SET {assignments} FROM UNNEST({arrays}) AS v({', '.join(names)}) "
        f"WHERE {table}.{names[0]} = v.{names[0]}"
    )
    params = [[field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs] for field in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
