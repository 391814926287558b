"""A model's row by primary key, on the hottest paths, without building the query anew;
and counters moved on in one statement (``advance``).

The ORM compiles a query for every call: for ``User.objects.filter(pk=...)`` that is
about a quarter of a millisecond of Python, several times the database's own work, paid
on every request a signed-in person makes. ``ByKey`` compiles the statement once per
database and process, then runs it with the key and makes the instance the way the ORM
does (the fields' converters, ``Model.from_db``), so the result is the same object the
ORM's query would give.
"""

from __future__ import annotations

from typing import Any, Generic, NamedTuple, TypeVar

from django.db import IntegrityError, connections, router
from django.db.models import Model

from onestop.core import databases

M = TypeVar("M", bound=Model)

_SAMPLE_KEY = 0  # a key of the right type, replaced at every run


class _Compiled(NamedTuple):
    sql: str
    converters: list[tuple[int, tuple[list[Any], Any]]]  # position, (converters, column)
    fields: list[str]


class ByKey(Generic[M]):
    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._compiled: dict[str, _Compiled] = {}

    def get(self, key: Any, *, using: str | None = None) -> M | None:
        """The row with primary key ``key`` on ``using`` (default: where the router reads
        the model), or None."""
        alias = using or router.db_for_read(self.model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        connection = connections[alias]  # this thread's
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, [self.model._meta.pk.get_db_prep_value(key, connection)])
            found = cursor.fetchone()
        if found is None:
            return None
        row = list(found)
        for position, (converters, column) in compiled.converters:  # as SQLCompiler.apply_converters
            for convert in converters:
                row[position] = convert(row[position], column, connection)
        return self.model.from_db(alias, compiled.fields, row)

    def _compile(self, alias: str) -> _Compiled:
        queryset = self.model._default_manager.using(alias).filter(pk=_SAMPLE_KEY).order_by()[:1]
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        if list(params) != [_SAMPLE_KEY]:  # pragma: no cover - a manager that filters more
            raise TypeError(f"{self.model.__name__}'s default manager adds to a lookup by key")
        select = compiler.select
        fields = [column.target.attname for column, _sql, _alias in select]
        converters = list(compiler.get_converters([column for column, _sql, _alias in select]).items())
        compiled = _Compiled(sql, converters, fields)
        self._compiled[alias] = compiled
        return compiled


def advance(model: type[Model], column: str, **where: Any) -> int:
    """Move the counter ``column`` of the row ``where`` names on by one and give its new
    value: one ``UPDATE ... RETURNING`` (SQLite and PostgreSQL alike), the row locked until
    the caller's transaction ends. A missing row is made first, with the model's defaults
    (by a writer beside this one, maybe: PostgreSQL)."""
    number = _advance(model, column, where)
    if number is None:
        try:
            with databases.atomic():
                model._base_manager.create(**where)
        except IntegrityError:
            pass  # made meanwhile beside this one
        number = _advance(model, column, where)
        assert number is not None
    return number


def _advance(model: type[Model], column: str, where: dict[str, Any]) -> int | None:
    connection = databases.connection()
    quote = connection.ops.quote_name
    meta = model._meta
    fields = {field.name: field for field in meta.concrete_fields}
    counter = quote(fields[column].column)
    conditions, params = [], []
    for name, value in where.items():
        field = fields[name]
        conditions.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_value(value.pk if isinstance(value, Model) else value, connection))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {counter} = {counter} + 1 "  # noqa: S608 (the model's own names)
            f"WHERE {' AND '.join(conditions)} RETURNING {counter}",
            params,
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])
