"""Many rows in one statement: how a push writes its batch.

SQLite's driver runs an `executemany` loop in C, so there each write stays an `executemany`, of
plain tuples. The values are converted here by the column types' own bind processors, so they are
stored exactly as the ORM stores them, for half of what SQLAlchemy's per-row parameter handling
cost. psycopg sends an `executemany` as one pipelined statement per row, and its Python loop took
about a quarter of a push's server time. So on PostgreSQL the rows go as one array per column, in
binary (no quoting or escaping of the documents), and `unnest()` turns them back into rows inside
a single statement. PostgreSQL, too, spends less on one statement than on 200.

Values are stored exactly as the ORM stores them: JSON columns get the engine's JSON text (a
Python None becomes JSON null, as SQLAlchemy's JSON type does), and numbers for NUMERIC columns
go as text, so a batch may mix int, Decimal and float in one column (psycopg refuses mixed lists).
"""

from functools import cache

from sqlalchemy import JSON, Numeric, Table, any_, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from server.core.database import is_sqlite
from server.core.jsontext import dumps
from server.extensions import db

_PG = postgresql.dialect()
_SQLITE = sqlite.dialect()


class JsonText(str):
    """A JSON column's value already serialised (`jsontext.dumps`), written as it is: a push
    serialises its rows while planning, on every core, not under the write lock."""


def serialized(table: Table, row: dict) -> dict:
    """`row` with the values of its JSON columns serialised now (the engine's JSON text)."""
    row = dict(row)
    for key in _json_keys(table).intersection(row):
        if type(row[key]) is not JsonText:
            row[key] = JsonText(dumps(row[key]))
    return row


@cache
def _json_keys(table: Table) -> frozenset[str]:
    return frozenset(c.key for c in table.columns if isinstance(c.type, JSON))


def insert_rows(table: Table, rows: list[dict]) -> None:
    """INSERT every row (rows with the same keys are written in one statement)."""
    sqlite = is_sqlite()
    for keys, same in _by_keys([_with_defaults(table, row) for row in rows]):
        if sqlite:
            _conn().exec_driver_sql(_sqlite_insert(table, keys), _tuples(table, keys, same))
        else:
            _conn().exec_driver_sql(_insert_sql(table, keys), _arrays(table, keys, same))


def insert_copying(
    table: Table, rows: list[dict], column: str, source: Table, on: tuple[tuple[str, str], ...]
) -> int:
    """INSERT the rows, each with `column` copied from the `source` row whose columns equal the
    row's values named in `on` ((key, source column), ...); returns how many rows were inserted
    (a row with no such source row is not). A value copied inside the database is neither sent
    again nor, on PostgreSQL, parsed and compressed again."""
    total, sqlite = 0, is_sqlite()
    for keys, same in _by_keys([_with_defaults(table, row) for row in rows]):
        if sqlite:
            sql = _sqlite_insert_copying(table, keys, column, source, on)
            params = _tuples(table, keys + tuple(k for k, _ in on), same)
        else:
            sql = _insert_copying_sql(table, keys, column, source, on)
            params = _arrays(table, keys, same)
        total += _conn().exec_driver_sql(sql, params).rowcount
    return total


def _with_defaults(table: Table, row: dict) -> dict:
    """The row with the Python-side defaults of the columns it leaves out, as an ORM insert has."""
    missing = [c for c in _defaulted(table) if c.key not in row]
    if not missing:
        return row
    row = dict(row)
    for column in missing:
        default = column.default
        row[column.key] = default.arg(None) if default.is_callable else default.arg
    return row


@cache
def _defaulted(table: Table) -> tuple:
    return tuple(c for c in table.columns if c.default is not None and not c.default.is_sequence)


def update_rows(table: Table, rows: list[dict], where: dict[str, str]) -> int:
    """UPDATE each row's columns where the columns named by `where` ({parameter: column}) equal
    the row's parameters of those names; returns the number of rows changed (-1: unknown)."""
    total = 0
    for keys, same in _by_keys(rows):
        if is_sqlite():
            sql, order = _sqlite_update(table, keys, tuple(where.items()))
            done = _conn().exec_driver_sql(sql, _tuples(table, order, same, where))
        else:
            sql = _update_sql(table, keys, tuple(where.items()))
            done = _conn().exec_driver_sql(sql, _arrays(table, keys, same, where))
        if done.rowcount < 0:
            return -1
        total += done.rowcount
    return total


def delete_rows(table: Table, columns: tuple[str, ...], keys: list[tuple]) -> None:
    """DELETE the rows whose `columns` hold one of the tuples in `keys`."""
    if not keys:
        return
    rows = [dict(zip(columns, key, strict=True)) for key in keys]
    if is_sqlite():
        _conn().exec_driver_sql(_sqlite_delete(table, columns), _tuples(table, columns, rows))
    else:
        _conn().exec_driver_sql(_delete_sql(table, columns), _arrays(table, columns, rows))


# --- SQLite statements, built once per table and set of keys ------------------------------------


@cache
def _sqlite_insert(table: Table, keys: tuple[str, ...]) -> str:
    quote = _SQLITE.identifier_preparer.quote
    marks = ", ".join("?" for _ in keys)
    return f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}) VALUES ({marks})"


@cache
def _sqlite_update(table: Table, keys: tuple[str, ...], where: tuple[tuple[str, str], ...]):
    """(the statement, its parameters' keys in order): SET from the keys, WHERE from `where`."""
    quote, by_param = _SQLITE.identifier_preparer.quote, dict(where)
    sets = [k for k in keys if k not in by_param]
    sql = (
        f"UPDATE {quote(table.name)} SET {', '.join(f'{quote(k)} = ?' for k in sets)} "
        f"WHERE {' AND '.join(f'{quote(column)} = ?' for _, column in where)}"
    )
    return sql, (*sets, *by_param)


@cache
def _sqlite_delete(table: Table, columns: tuple[str, ...]) -> str:
    quote = _SQLITE.identifier_preparer.quote
    return (
        f"DELETE FROM {quote(table.name)} WHERE {' AND '.join(f'{quote(c)} = ?' for c in columns)}"
    )


@cache
def _sqlite_insert_copying(table: Table, keys, column: str, source: Table, on) -> str:
    quote = _SQLITE.identifier_preparer.quote
    name = quote(source.name)
    marks = ", ".join("?" for _ in keys)
    match = " AND ".join(f"{quote(c)} = ?" for _, c in on)
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}, {quote(column)}) "
        f"SELECT {marks}, {quote(column)} FROM {name} WHERE {match}"
    )


def _tuples(table: Table, keys, rows: list[dict], where: dict | None = None) -> list[tuple]:
    """The rows as tuples in the order of `keys`, each value converted as its column's type
    converts it for this engine (JSON to text, datetimes to SQLite's text, and so on)."""
    dialect, columns = _conn().dialect, []
    for key in keys:  # column by column: one loop in C per column, not a generator per row
        column = table.c[where[key] if where and key in where else key]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if isinstance(column.type, JSON):
            process = _json_once(process)
        values = [row[key] for row in rows]
        columns.append(values if process is None else list(map(process, values)))
    return list(zip(*columns, strict=True))


def _json_once(process):
    def converted(value):
        return value if type(value) is JsonText else process(value)

    return converted


# --- PostgreSQL statements, built once per table and set of keys ------------------------------


def _by_keys(rows: list[dict]):
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    return groups.items()


def _kind(table: Table, key: str, where: dict | None = None) -> tuple[str, str]:
    """(the array's element type as sent, the column's SQL type) of a parameter."""
    column = table.c[where[key] if where and key in where else key]
    sql_type = column.type.compile(dialect=_PG)
    if isinstance(column.type, JSON | Numeric):
        return "text", sql_type
    return sql_type, sql_type


def _unnest(table: Table, keys: tuple[str, ...], where: dict | None = None) -> str:
    arrays = ", ".join(f"%(p{i})b::{_kind(table, key, where)[0]}[]" for i, key in enumerate(keys))
    names = ", ".join(f"p{i}" for i in range(len(keys)))
    return f"unnest({arrays}) AS v({names})"


def _value(table: Table, keys: tuple[str, ...], key: str, where: dict | None = None) -> str:
    sent, sql_type = _kind(table, key, where)
    name = f"v.p{keys.index(key)}"
    return name if sent == sql_type else f"{name}::{sql_type}"


@cache
def _insert_sql(table: Table, keys: tuple[str, ...]) -> str:
    quote = _PG.identifier_preparer.quote
    values = ", ".join(_value(table, keys, key) for key in keys)
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}) "
        f"SELECT {values} FROM {_unnest(table, keys)}"
    )


@cache
def _insert_copying_sql(table: Table, keys, column: str, source: Table, on) -> str:
    quote = _PG.identifier_preparer.quote
    values = ", ".join(_value(table, keys, key) for key in keys)
    name = quote(source.name)
    match = " AND ".join(f"{name}.{quote(c)} = {_value(table, keys, k)}" for k, c in on)
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}, {quote(column)}) "
        f"SELECT {values}, {name}.{quote(column)} FROM {_unnest(table, keys)} "
        f"JOIN {name} ON {match}{_looked_up(source, keys, on[0][0], on[0][1])}"
    )


@cache
def _update_sql(table: Table, keys: tuple[str, ...], where: tuple[tuple[str, str], ...]) -> str:
    quote, by_param = _PG.identifier_preparer.quote, dict(where)
    name = quote(table.name)
    sets = ", ".join(f"{quote(k)} = {_value(table, keys, k)}" for k in keys if k not in by_param)
    match = " AND ".join(
        f"{name}.{quote(column)} = {_value(table, keys, param, by_param)}"
        for param, column in where
    )
    match += _looked_up(table, keys, where[0][0], where[0][1])
    return f"UPDATE {name} SET {sets} FROM {_unnest(table, keys, by_param)} WHERE {match}"


@cache
def _delete_sql(table: Table, columns: tuple[str, ...]) -> str:
    quote = _PG.identifier_preparer.quote
    name = quote(table.name)
    match = " AND ".join(f"{name}.{quote(c)} = {_value(table, columns, c)}" for c in columns)
    match += _looked_up(table, columns, columns[0], columns[0])
    return f"DELETE FROM {name} USING {_unnest(table, columns)} WHERE {match}"


def _looked_up(table: Table, keys: tuple[str, ...], param: str, column: str) -> str:
    """The rows' keys once more, as `= ANY(array)`: the planner then finds the rows by index.
    Joined with unnest() alone, it hashed a sequential scan of the whole table (200 rows of
    12,000 households read every page of them)."""
    sql_type = table.c[column].type.compile(dialect=_PG)
    quote = _PG.identifier_preparer.quote
    return f" AND {quote(table.name)}.{quote(column)} = ANY(%(p{keys.index(param)})b::{sql_type}[])"


def _arrays(table: Table, keys, rows: list[dict], where: dict | None = None) -> dict:
    arrays = {}
    for i, key in enumerate(keys):
        column = table.c[where[key] if where and key in where else key]
        values = [row[key] for row in rows]
        if isinstance(column.type, JSON):
            values = [v if type(v) is JsonText else dumps(v) for v in values]
        elif isinstance(column.type, Numeric):
            values = [None if v is None else str(v) for v in values]
        arrays[f"p{i}"] = values
    return arrays


def _conn():
    return db.session.connection()


def among(column, values: list):
    """`column IN values` for a batch's keys. On PostgreSQL one array parameter, `= ANY(...)`:
    the statement is the same for every batch, where an IN list renders and binds 200
    parameters per call."""
    if is_sqlite():
        return column.in_(values)
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


class Parsed(FunctionElement):
    """A JSON column read for parsing. SQLite hands TEXT to Python as a str, which orjson must
    encode back to UTF-8 before it parses: read as a BLOB, the bytes go to the parser as stored
    (57 -> 50 µs per household row a push reads). PostgreSQL's driver parses JSON itself."""

    type = JSON()
    inherit_cache = True
    name = "parsed"


@compiles(Parsed)
def _parsed(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(Parsed, "sqlite")
def _parsed_sqlite(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"
