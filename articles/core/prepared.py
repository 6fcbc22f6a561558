"""
Querysets compiled once per process and run again with new values.

On a readers' page the ORM's work dwarfs the database's: building a story page's
querysets and compiling them to SQL took about 1 ms of CPU each, against 0.07 ms
for PostgreSQL to answer. The pages ask the same few questions with other values
(this slug, that story, now), so ``Prepared`` builds each queryset once with
placeholder values, keeps the compiled SQL, and on every later run swaps the real
values into the SQL's parameters and turns the rows into objects exactly as the
ORM does (same converters, ``select_related`` objects and annotations). The
querysets themselves are still written with the ORM and the models' own rules
(``Story.objects.published()``…), so there is one place for those rules.

A placeholder is a value that cannot occur otherwise (a string with a NUL byte, an
integer out of any id range, a moment in 1901), found again in the compiled
parameters; a list of values gets one placeholder per item and its own compiled
form per length. A builder must use each named value only as a query parameter,
never to decide the query's shape (an ``if`` on a value would be frozen), except
the values named ``shape``: those (a page's slice bounds, which Django writes into
the SQL) are given to the builder as they are, and each of their combinations is
compiled once.
"""

from __future__ import annotations

import itertools
import re
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler

_EPOCH = datetime(1901, 1, 1, tzinfo=UTC)
_INT_BASE = -7_300_000_000_000


def _placeholder(kind: type, number: int) -> Any:
    if kind is str:
        return f"\x00prepared-{number}\x00"
    if kind is int:
        return _INT_BASE - number
    if kind is datetime:
        return _EPOCH + timedelta(seconds=number)
    if kind is date:
        return date(1901, 1, 1) + timedelta(days=number)
    raise TypeError(f"no placeholder for {kind.__name__} values")


@dataclass
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    # (position in params, name of the value, index in a list value or None)
    slots: list[tuple[int, str, int | None]]
    models: bool
    name: str
    # The distinct (name, index) of the slots, in order: a prepared statement's
    # parameters (a value used twice is one parameter).
    arguments: list[tuple[str, int | None]]
    # Set on the first run: the columns' converters and how a row becomes an
    # object (see SQLCompiler.results_iter and ModelIterable).
    converters: dict[int, Any] | None = None
    model_layout: tuple[Any, ...] | None = None


class ByKey:
    """A shape value that is not hashable itself (a tree of sections, say),
    selecting the compiled form by key: equal keys, one compiled query."""

    __slots__ = ("key", "value")

    def __init__(self, value: Any, key: Any) -> None:
        self.value, self.key = value, key

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ByKey) and self.key == other.key


class Prepared:
    """A queryset built by build(**values), compiled once, run many times."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any, Any]],
        using: str = "default",
        shape: Sequence[str] = (),
    ) -> None:
        self.build = build
        self.using = using
        self.shape = tuple(shape)
        self.compiled: dict[tuple[Any, ...], _Compiled] = {}
        self.lock = threading.Lock()

    def __call__(self, **values: Any) -> list[Any]:
        """Return the rows for these values: model objects, or tuples for
        ``values_list`` querysets."""
        values = {
            name: list(v) if isinstance(v, set | frozenset) else v
            for name, v in values.items()
        }
        entry = self._compiled(self.using, values)
        params = list(entry.params)
        connection = connections[self.using]
        for position, name, index in entry.slots:
            value = values[name] if index is None else values[name][index]
            params[position] = _adapt(connection, value)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                _execute_prepared(connection, cursor, entry, params)
            else:
                cursor.execute(entry.sql, params)
            rows = cursor.fetchall()
        compiler = entry.compiler
        if compiler.has_extra_select:  # columns added only to order by
            rows = [row[: compiler.col_count] for row in rows]
        if entry.converters is None:  # as results_iter would find them, once
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            if compiler.has_composite_fields(fields):
                raise ValueError("querysets of composite keys are not prepared")
            entry.converters = compiler.get_converters(fields)
        found = (
            compiler.apply_converters(rows, entry.converters)
            if entry.converters
            else rows
        )
        if not entry.models:
            return [tuple(row) for row in found]
        return list(self._objects(entry, self.using, found))

    def _compiled(self, db: str, values: dict[str, Any]) -> _Compiled:
        shape = (
            db,
            connections[db].vendor,
            *(values[name] for name in self.shape),
            *sorted(
                (name, len(v) if isinstance(v, list | tuple | set | frozenset) else -1)
                for name, v in values.items()
            ),
        )
        entry = self.compiled.get(shape)
        if entry is not None:
            return entry
        with self.lock:
            entry = self.compiled.get(shape)
            if entry is None:
                entry = self.compiled[shape] = self._compile(db, values)
        return entry

    def _compile(self, db: str, values: dict[str, Any]) -> _Compiled:
        connection = connections[db]
        number = 0
        markers: dict[Any, tuple[str, int | None]] = {}
        stand_ins: dict[str, Any] = {}
        for name, value in values.items():
            if name in self.shape:
                stand_ins[name] = value
            elif isinstance(value, list | tuple | set | frozenset):
                items = []
                for index, item in enumerate(value):
                    number += 1
                    marker = _placeholder(_kind(item), number)
                    markers[_adapt(connection, marker)] = (name, index)
                    items.append(marker)
                stand_ins[name] = items
            else:
                number += 1
                marker = _placeholder(_kind(value), number)
                markers[_adapt(connection, marker)] = (name, None)
                stand_ins[name] = marker
        queryset = self.build(**stand_ins)
        compiler = queryset.query.get_compiler(using=db)
        if queryset.db != db:
            raise ValueError(f"{queryset.db!r} is not this query's database {db!r}")
        sql, params = compiler.as_sql()
        slots = []
        for position, param in enumerate(params):
            try:
                found = markers.get(param)
            except TypeError:  # an unhashable parameter is never a marker
                found = None
            if found is not None:
                slots.append((position, *found))
        named = {name for _position, name, _index in slots}
        missing = {
            n for n, v in values.items() if not _empty(v) and n not in self.shape
        } - named
        if missing:
            raise ValueError(f"values not used as query parameters: {sorted(missing)}")
        return _Compiled(
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            slots=slots,
            models=queryset._iterable_class is ModelIterable,
            name=f"newsroom_{next(_numbers)}",
            arguments=list(dict.fromkeys((name, index) for _p, name, index in slots)),
        )

    @staticmethod
    def _objects(entry: _Compiled, db: str, rows: Iterator[Any]) -> Iterator[Model]:
        compiler = entry.compiler
        if entry.model_layout is None:
            klass_info = compiler.klass_info
            assert klass_info is not None
            select_fields = klass_info["select_fields"]
            start, end = select_fields[0], select_fields[-1] + 1
            init_list = [f[0].target.attname for f in compiler.select[start:end]]
            entry.model_layout = (
                klass_info["model"],
                start,
                end,
                init_list,
                # Django 5.2's signature (the stubs follow 6.0's).
                get_related_populators(klass_info, compiler.select, db),  # type: ignore[call-arg]
                compiler.annotation_col_map or {},
            )
        model, start, end, init_list, populators, annotations = entry.model_layout
        for row in rows:
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            yield obj


# The statements each PostgreSQL connection has prepared (PREPARE lasts as long as
# the connection, whatever becomes of the transaction it was made in).
_prepared_on: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_numbers = itertools.count(1)


def _execute_prepared(
    connection: Any, cursor: Any, entry: _Compiled, params: list[Any]
) -> None:
    """Run entry as a server-side prepared statement.

    psycopg2 sends every query as text to be planned again, and planning a story
    page's joins cost PostgreSQL more (about 1 ms) than running them. A prepared
    statement is planned once per connection. Only the slots become statement
    parameters; the query's constants are written into it as literals, as the
    driver would, so PostgreSQL infers every parameter's type from its column.
    """
    driver = cursor.cursor  # the driver's own cursor: setup is not a page's query
    known = _prepared_on.get(connection.connection)
    if known is None:
        known = _prepared_on[connection.connection] = set()
        # Plan each statement once: PostgreSQL would otherwise go on planning
        # the statements whose generic plan it cannot price (most of ours).
        driver.execute("SET plan_cache_mode = force_generic_plan")
    if entry.name not in known:
        slots = {position: (name, index) for position, name, index in entry.slots}
        parts, position = [], 0
        for piece in re.split(r"(%%|%s)", entry.sql):
            if piece == "%%":
                parts.append("%")
            elif piece == "%s":
                if position in slots:
                    parts.append(f"${entry.arguments.index(slots[position]) + 1}")
                else:
                    literal = driver.mogrify("%s", [entry.params[position]])
                    parts.append(literal.decode())
                position += 1
            else:
                parts.append(piece)
        driver.execute(f"PREPARE {entry.name} AS {''.join(parts)}")
        known.add(entry.name)
    first: dict[tuple[str, int | None], Any] = {}
    for position, name, index in entry.slots:
        first.setdefault((name, index), params[position])
    values = [first[argument] for argument in entry.arguments]
    arguments = f"({', '.join(['%s'] * len(values))})" if values else ""
    cursor.execute(f"EXECUTE {entry.name}{arguments}", values)


def _kind(value: Any) -> type:
    # bool is an int to Python but not a parameter worth preparing.
    for kind in (datetime, date, str, int):
        if isinstance(value, kind) and not isinstance(value, bool):
            return kind
    raise TypeError(f"cannot prepare a {type(value).__name__} value")


def _empty(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset) and not value


def _adapt(connection: Any, value: Any) -> Any:
    """Return value as the ORM passes it to this database's driver."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


__all__: Sequence[str] = ["ByKey", "Prepared"]
