"""Writing many rows in one statement: the bulk writers (rollup figures, metric progress, org-chart imports,
reads of private reflections).

Django's bulk_update writes `SET f = CASE WHEN id=1 THEN … WHEN id=2 THEN … END`: building those
expressions costs about a millisecond per row and field in Python, and PostgreSQL scans the
CASE for every row. On PostgreSQL we send `UPDATE … FROM UNNEST(arrays)` instead, a join that
costs next to nothing; elsewhere (SQLite, the small embedded mode) Django's bulk_update does the job.
Either way it is one statement per batch.
"""

import json
from collections.abc import Sequence

from django.db import connection, models

BATCH_SIZE = 5000
# Numbers (ids included) go to the database as they are; other values (decimals, dates…) go through the
# field's own preparation.
_PLAIN_FIELDS = (models.FloatField, models.IntegerField)


def bulk_update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence], batch_size: int = BATCH_SIZE
) -> None:
    """Write `fields` (model field names) of many rows of `model`; each row is (pk, value of each field in order)."""
    if not rows or not fields:
        return
    columns = [model._meta.pk, *(model._meta.get_field(name) for name in fields)]
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        if connection.vendor == "postgresql":
            _update_batch(model, columns, batch)
        else:
            model.objects.bulk_update([_instance(model, columns, row) for row in batch], [f.name for f in columns[1:]])


def bulk_update_objects(objs: Sequence[models.Model], fields: Sequence[str], batch_size: int = BATCH_SIZE) -> None:
    """bulk_update_rows for model instances: writes `fields` of each of `objs`, matched by primary key."""
    if not objs or not fields:
        return
    model = type(objs[0])
    attnames = [model._meta.get_field(name).attname for name in fields]
    rows = [(obj.pk, *(getattr(obj, attname) for attname in attnames)) for obj in objs]
    bulk_update_rows(model, fields, rows, batch_size=batch_size)


def _instance(model: type[models.Model], columns: list[models.Field], row: Sequence) -> models.Model:
    obj = model(pk=row[0])
    for field, value in zip(columns[1:], row[1:], strict=True):
        setattr(obj, field.attname, value)
    return obj


def _update_batch(model: type[models.Model], columns: list[models.Field], rows: Sequence[Sequence]) -> None:
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
    params = [_column_values(field, [row[i] for row in rows]) for i, field in enumerate(columns)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _column_values(field: models.Field, values: list) -> list:
    if isinstance(field, _PLAIN_FIELDS):
        return values
    return [field.get_db_prep_save(value, connection) for value in values]


def insert_for_each_id(model: type[models.Model], id_field: str, ids: Sequence[int], values: dict) -> None:
    """Insert one row of `model` per id — `id_field` set to it, the other columns from `values` — in one statement
    whatever the number of ids (PostgreSQL: unnest of an array; SQLite: json_each of a JSON array), skipping rows
    that would break a unique constraint."""
    if not ids:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in values]
    columns = ", ".join(quote(field.column) for field in [model._meta.get_field(id_field), *fields])
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values.values(), strict=True)]
    if connection.vendor == "postgresql":
        each, source, array = "v.id", "unnest(%s::bigint[]) AS v(id)", [int(pk) for pk in ids]
    else:
        each, source, array = "value", "json_each(%s)", json.dumps([int(pk) for pk in ids])
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {each}, {placeholders} FROM {source} "
        "WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, array])
