"""A grant opens of a DataStore table only the approved information items (Art 25, 26.4).

A share request names the information items it asks for (``information_items``: identifiers,
or names where an item has no identifier); the provider approves them with the request and
the Operator delivers them. When those items do not cover every item of the entry, the grant
is *column-restricted*: the table's columns readable are ``_id`` and the columns whose name is
the identifier or the name of an approved item — nothing else, not ``_full_text`` (it holds
every column's words), not a column the catalog does not describe. A grant that covers every
item reads the whole table, as before.

- ``datastore_search`` (and the DataStore dump, which calls it): ``fields`` defaults to the
  readable columns; naming another column in ``fields``, ``filters``, ``sort`` or a ``q``
  dict, or searching every column (a ``q`` string, ``full_text``) is refused;
- ``datastore_info``: only the readable columns are listed;
- ``datastore_search_sql``: PostgreSQL's own plan (``EXPLAIN (VERBOSE, FORMAT JSON)``, the
  one CKAN already reads to find the tables) names every column the statement reads, in the
  scan of each table and in every condition, sort and join above it. The statement is refused
  when the plan names a column of a restricted table that is not readable, or reads a whole
  row of it (``alias.*``, e.g. ``SELECT t FROM …`` or ``row_to_json(t)``). A name in a string
  literal is ignored; a same-named column of another table is refused too (on the safe side).
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

from ..items import covers_every_item, entry_items, key as item_key

_ = tk._
ROW_ID = "_id"


def allowed_columns(package: Any, approved: Optional[Iterable[str]]) -> Optional[set[str]]:
    """The readable columns of a table of ``package`` (or of an entry with these items) for a
    grant of the ``approved`` item keys; None when the grant reads the whole table (no
    restriction, or every item of the entry approved)."""
    if approved is None:
        return None
    approved = set(approved)
    if covers_every_item(package, approved):
        return None
    allowed = {ROW_ID}
    for item in entry_items(package):
        if item_key(item) in approved:
            allowed.update(str(v) for v in (item.get("identifier"), item.get("name")) if v)
    return allowed


def refusal(allowed: set[str], column: Optional[str] = None) -> tk.NotAuthorized:
    readable = ", ".join(sorted(allowed - {ROW_ID}))
    if column is None:
        return tk.NotAuthorized(_("Your share request delivers only these information items of this "
                                  "table, so a search of every column is refused: {items}").format(items=readable))
    return tk.NotAuthorized(_("Your share request does not deliver the column \u201c{column}\u201d: "
                              "the information items delivered are {items}").format(column=column, items=readable))


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value]
    return []


def _sort_column(clause: str) -> str:
    clause = clause.strip()
    if clause.startswith('"'):
        return clause[1:].split('"', 1)[0]
    return clause.split()[0] if clause.split() else clause


def restrict_search(data_dict: dict, allowed: set[str], table_columns: list[str]) -> None:
    """Project a ``datastore_search`` onto the readable columns; refuse what would read others."""
    fields = _names(data_dict.get("fields"))
    for column in fields:
        if column not in allowed:
            raise refusal(allowed, column)
    if not fields:
        data_dict["fields"] = [ROW_ID] + [c for c in table_columns if c in allowed and c != ROW_ID]
    filters = data_dict.get("filters")
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError:
            filters = {}
    for column in (filters or {}) if isinstance(filters, dict) else ():
        if column not in allowed:
            raise refusal(allowed, column)
    q = data_dict.get("q")
    if isinstance(q, str) and q.startswith("{"):
        try:
            q = json.loads(q)
        except ValueError:
            pass
    if isinstance(q, dict):
        for column in q:
            if column not in allowed:
                raise refusal(allowed, column)
    elif q not in (None, ""):
        raise refusal(allowed)
    if data_dict.get("full_text") not in (None, ""):
        raise refusal(allowed)
    for clause in _names(data_dict.get("sort")):
        column = _sort_column(clause)
        if column not in allowed:
            raise refusal(allowed, column)


def restrict_info(result: dict, allowed: set[str]) -> dict:
    result["fields"] = [f for f in result.get("fields") or [] if f.get("id") in allowed]
    return result


# ------------------------------------------------------------------ datastore_search_sql

_LITERAL = re.compile(r"'(?:[^']|'')*'")
_IDENT = re.compile(r'"((?:[^"]|"")*)"|([^\W\d][\w$]*)')
_WHOLE_ROW = re.compile(r"\.\*")
# plan keys that hold names of things, not expressions
_NAME_KEYS = {"Node Type", "Relation Name", "Schema", "Alias", "Index Name", "Parent Relationship",
              "Strategy", "Join Type", "Scan Direction", "Subplan Name", "Function Name", "CTE Name",
              "Partial Mode", "Operation", "Command", "Sort Method", "Sort Space Type"}


def _identifiers(text: str) -> set[str]:
    out = set()
    for quoted, bare in _IDENT.findall(_LITERAL.sub(" ", text)):
        out.add(quoted.replace('""', '"') if quoted else bare.lower())
    return out


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, str):
                yield v


def _nodes(plan: dict, parents: tuple = ()) -> Iterable[tuple[dict, tuple]]:
    """Every node of the plan with its ancestors (nearest first)."""
    yield plan, parents
    for child in plan.get("Plans") or []:
        yield from _nodes(child, (plan, *parents))


_JOINS = {"Nested Loop", "Hash Join", "Merge Join"}
_PASS_THROUGH = {"Hash", "Materialize", "Memoize"}
_SIMPLE_REF = re.compile(r'^(?:"(?:[^"]|"")*"|[^\W\d][\w$]*)\.(?:"((?:[^"]|"")*)"|([^\W\d][\w$]*))$')


def _relation(node: dict) -> Optional[str]:
    """The relation a scan node reads, or that a pass-through node (Hash, Materialize,
    Memoize) passes on from its only child."""
    if node.get("Relation Name"):
        return node["Relation Name"]
    children = node.get("Plans") or []
    if node.get("Node Type") in _PASS_THROUGH and len(children) == 1:
        return children[0].get("Relation Name")
    return None


def _physical_row(node: dict, parents: tuple, columns_of: dict[str, list[str]]) -> bool:
    """Is this ``Output`` the whole stored row that PostgreSQL hands to a join for speed (a
    "physical target list"), rather than columns the statement uses? Only a scan (or a Hash,
    Materialize or Memoize over one) directly under a join, listing exactly every column of
    its relation: the join itself then names, in its own ``Output`` and conditions, what the
    statement takes from it, and those are checked."""
    relation = _relation(node)
    if relation is None or not parents:
        return False
    parent = parents[0]
    if parent.get("Node Type") not in _JOINS:
        if not (parent.get("Node Type") in _PASS_THROUGH and len(parents) > 1
                and parents[1].get("Node Type") in _JOINS):
            return False
    names = []
    for item in node.get("Output") or []:
        match = _SIMPLE_REF.match(item.strip()) if isinstance(item, str) else None
        if match is None:
            return False
        names.append(match.group(1).replace('""', '"') if match.group(1) is not None else match.group(2))
    return names == columns_of.get(relation)


def table_columns(connection, table: str) -> list[str]:
    rows = connection.execute(sa.text(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(:t) AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum"), {"t": '"%s"' % table.replace('"', '""')})
    return [r[0] for r in rows]


def _plan(sql: str) -> tuple[dict, dict[str, list[str]]]:
    """The statement's plan and the columns of every relation in it, read on the DataStore's
    read-only connection (the one CKAN runs the statement on), under its statement timeout."""
    from ckanext.datastore.backend import DatastoreBackend
    from ckanext.datastore.backend.postgres import _TIMEOUT

    engine = DatastoreBackend.get_active_backend()._get_read_engine()  # noqa: SLF001 (CKAN's own)
    with engine.connect() as connection, connection.begin():
        connection.execute(sa.text(f"SET LOCAL statement_timeout TO {int(_TIMEOUT)}"))
        plan = connection.scalar(sa.text(f"EXPLAIN (VERBOSE, FORMAT JSON) {sql}"))
        plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
        relations = {n.get("Relation Name") for n, _p in _nodes(plan)} - {None}
        cols = {t: table_columns(connection, t) for t in relations}
    return plan, cols


def check_sql(sql: str, restricted: dict[str, set[str]]) -> None:
    """Refuse (NotAuthorized) a statement whose plan reads a column of a restricted table that
    the grant does not open, or a whole row (``alias.*``). ``restricted``: table → readable
    columns. A forbidden name is looked for in every expression of every node (conditions,
    sort and group keys, outputs), whatever its qualifier, so that a column renamed by a
    subquery, a CTE or a column alias is caught where it is first read; only a join's
    physical target list (:func:`_physical_row`) is passed over."""
    plan, columns_of = _plan(sql)
    forbidden: dict[str, set[str]] = {}
    for table, allowed in restricted.items():
        for column in columns_of.get(table, []):
            if column not in allowed:
                forbidden.setdefault(column, allowed)
                forbidden.setdefault(column.lower(), allowed)
    any_allowed = next(iter(restricted.values()))
    for node, parents in _nodes(plan):
        physical = _physical_row(node, parents, columns_of)
        for key, value in node.items():
            if key in _NAME_KEYS or (key == "Output" and physical):
                continue
            for text in _strings(value):
                if _WHOLE_ROW.search(_LITERAL.sub(" ", text)):
                    raise refusal(any_allowed)
                hit = next(iter(_identifiers(text) & forbidden.keys()), None)
                if hit is not None:
                    raise refusal(forbidden[hit], hit)
