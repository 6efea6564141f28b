"""Many new rows of one model written with PostgreSQL's COPY: `bulk_create` for imports.

`bulk_create` prepares every value of every row through its field in Python and sends them as one
statement of arrays quoted in Python; for an import of 10 000 invoices that was two thirds of the time.
COPY streams the rows instead, each value dumped by psycopg's C adapters. The primary keys, when the
caller needs them (to point other rows at the new ones), come first from the table's sequence in one query.

Same contract as `bulk_create`: no save() and no signals; constraints and triggers apply; field defaults
are the model's (set when the object was made), `auto_now`/`auto_now_add` fields are set to now. A model
with a database default (`db_default`) is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED, AutoFieldMixin
from django.utils import timezone

ModelT = TypeVar("ModelT", bound=models.Model)

# Fields whose Python value psycopg writes as the column expects, without Django's preparation.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.DecimalField,
    models.DateField,  # and DateTimeField
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
)


def bulk_copy(model: type[ModelT], objects: Sequence[ModelT], *, set_pks: bool = False) -> Sequence[ModelT]:
    """Insert `objects` (new, unsaved) with one COPY. Returns them. With `set_pks`, their primary keys are
    taken from the sequence first (one more query) and set on them; else the database numbers the rows and
    the objects keep no primary key."""
    if not objects:
        return objects
    meta = model._meta
    pk_field = meta.pk
    assert pk_field is not None
    if set_pks:
        _primary_keys_assign(meta.db_table, pk_field, objects)
    numbered_by_database = isinstance(pk_field, AutoFieldMixin) and not set_pks
    fields = [
        field
        for field in meta.concrete_fields
        if not field.generated and not (field is pk_field and numbered_by_database)
    ]
    if any(getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED for field in fields):
        raise NotImplementedError(f"bulk_copy: {model.__name__} has a field with a database default")
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:  # as save() and bulk_create do for a new row, whatever the attribute held
                setattr(obj, field.attname, now)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    attnames = [field.attname for field in fields]
    prepared = [(index, prepare) for index, field in enumerate(fields) if (prepare := _preparer(field))]
    statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    # Django wraps the driver's errors for execute() only: a broken constraint is an IntegrityError here too.
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.copy(statement) as copy:
        for obj in objects:
            row = [getattr(obj, attname) for attname in attnames]
            for index, prepare in prepared:
                if row[index] is not None:
                    row[index] = prepare(row[index])
            copy.write_row(row)
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias
    return objects


def _primary_keys_assign(table: str, pk_field: models.Field, objects: Sequence[models.Model]) -> None:
    missing = [obj for obj in objects if obj.pk is None]
    if not missing:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk_field.column, len(missing)],
        )
        for obj, (pk,) in zip(missing, cursor.fetchall(), strict=True):
            obj.pk = pk


def _preparer(field: models.Field) -> Any:
    """None when psycopg takes the attribute as it is; else the field's own preparation for the database
    (JSON, for one)."""
    if isinstance(field, _PLAIN_FIELDS) and not isinstance(field, models.JSONField):
        return None
    return lambda value: field.get_db_prep_save(value, connection)
