"""The indicators of Art 34 kept as aggregates: per department and day, and per department and
month, in ``liuzhou_eval_agg`` (migration 0014), refreshed by the scheduler (``evaluation`` task,
:func:`.queries.refresh`), so the ranking, the department page and the exports read a few
hundred rows instead of the raw tables.

Each row set of :mod:`.sql` (``entries``, ``received``, ``reads`` …) is grouped by the
department it counts for (``org_id``) and the Beijing date of its moment (``at``): a row holds
counters (``counts``, summed) and a histogram (``vals`` with ``freq``: the working days of each
decision, for the median and the 90th percentile; the moment each entry stops being fresh).
Month rows (``grain = 'm'``) are the sums of the day rows of the month. A period reads the month
rows of the months it covers whole and the day rows of its partial months: about one row per
department and month. What is counted distinct over a period (the consumers served, the entries
used) is kept as one row per department and key (``grain = 'k'``) with the days it happened as a
``datemultirange``: a period counts the keys whose days overlap it.

The rows are computed by the same CTEs as the live statement (:func:`.sql.base_ctes`), so the
aggregated figure equals the live one at the time of the refresh (``as_of``); the drill-down
stays live. An indicator that is not ``aggregated`` in :mod:`.definitions` (or has no entry in
:data:`READ`) is computed live beside the aggregated ones in the same statement.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import definitions as d
from . import sql

TABLE = "liuzhou_eval_agg"


@dataclass(frozen=True)
class RowSet:
    counts: tuple[tuple[str, str], ...] = ()   # (name, SQL condition over x) → count(*) FILTER
    keys: str | None = None                    # SQL of the distinct key over x (grain k)
    vals: str | None = None                    # SQL of the value counted in the histogram
    vals_when: str = "true"


# row set of sql.py → what its day rows keep
ROWSETS: dict[str, RowSet] = {
    "entries": RowSet(
        counts=(("n", "true"), ("complete", "x.complete"), ("mounted", "x.mounted"),
                ("cycle", "x.cycle_days IS NOT NULL"), ("unconditional", "x.unconditional"),
                ("flag_known", "x.flagged IS NOT NULL"), ("not_flagged", "x.flagged IS NOT NULL AND NOT x.flagged"),
                # fresh at the time of the refresh: a period that ends today reads this counter
                ("fresh", "x.fresh AND x.cycle_days IS NOT NULL"),
                # the grades (appended: the counters above keep their places in rows already kept)
                ("general", "x.data_grade = 'general'"), ("important", "x.data_grade = 'important'"),
                ("core", "x.data_grade = 'core'")),
        # freshness depends on the period's end: keep when each entry stops being fresh
        vals="extract(epoch FROM x.modified + make_interval(days => x.cycle_days))",
        vals_when="x.cycle_days IS NOT NULL"),
    "upkeep": RowSet(counts=(("open", "x.open"), ("due", "x.due"), ("ontime", "x.on_time AND x.due"))),
    "received": RowSet(counts=(("n", "true"), ("due", "x.due"), ("ontime", "x.on_time AND x.due")),
                       vals="x.handling_wd", vals_when="x.decided AND x.handling_wd IS NOT NULL"),
    "made": RowSet(counts=(("n", "true"),)),
    "overdue": RowSet(counts=(("n", "true"),)),
    "issues": RowSet(counts=(("n", "true"), ("due", "x.due"), ("ontime", "x.on_time AND x.due"))),
    "consumers": RowSet(keys="x.consumer"),
    "reads": RowSet(counts=(("n", "true"),)),
    "used": RowSet(keys="x.package_id"),
    "accounts": RowSet(counts=(("due", "x.due"), ("ontime", "x.on_time AND x.due"))),
    "res_offline": RowSet(counts=(("due", "x.due"), ("ontime", "x.on_time AND x.due"))),
}


@dataclass(frozen=True)
class Read:
    """How one indicator is read back: its row set, which days count (``period``: the days of
    the period; ``until``: every day up to its end, for the state of the catalog at the end;
    ``all``: whatever the period, for what is overdue now) and the SQL over the rows."""
    rows: str
    window: str    # period | until | all
    kind: str      # counts (sums of counters) | vals (the histogram: v, f) | keys (the key rows)
    expr: str
    current: str | None = None  # counters read instead when the period ends on the day of the refresh or later


def _pct(num: str, den: str) -> str:
    return f"round(100.0 * sum({num}) / NULLIF(sum({den}), 0), 1)"


def _c(rows: str, name: str) -> str:
    return f"x.counts[{[n for n, _ in ROWSETS[rows].counts].index(name) + 1}]"


def _pct_of(rows: str, num: str, den: str) -> str:
    return _pct(_c(rows, num), _c(rows, den))


def _percentile(p: float) -> str:
    """Marker of a percentile read from the histogram (see :func:`_percentile_cte`)."""
    return f"percentile:{p}"


READ: dict[str, Read] = {
    "entries": Read("entries", "until", "counts", f"sum({_c('entries', 'n')})"),
    "completeness": Read("entries", "until", "counts", _pct_of("entries", "complete", "n")),
    "mounting_rate": Read("entries", "until", "counts", _pct_of("entries", "mounted", "n")),
    "freshness": Read("entries", "until", "vals",
                      "round(100.0 * coalesce(sum(f) FILTER (WHERE v >= CAST(:agg_t_end_epoch AS float8)), 0) "
                      "/ NULLIF(sum(f), 0), 1)", current=_pct_of("entries", "fresh", "cycle")),
    "unconditional_share": Read("entries", "until", "counts", _pct_of("entries", "unconditional", "n")),
    "negative_list_compliance": Read("entries", "until", "counts", _pct_of("entries", "not_flagged", "flag_known")),
    "upkeep_open": Read("upkeep", "until", "counts", f"sum({_c('upkeep', 'open')})"),
    "ontime_upkeep": Read("upkeep", "period", "counts", _pct_of("upkeep", "ontime", "due")),
    "requests_received": Read("received", "period", "counts", f"sum({_c('received', 'n')})"),
    "handling_median_wd": Read("received", "period", "vals", _percentile(0.5)),
    "handling_p90_wd": Read("received", "period", "vals", _percentile(0.9)),
    "ontime_decision": Read("received", "period", "counts", _pct_of("received", "ontime", "due")),
    "requests_made": Read("made", "period", "counts", f"sum({_c('made', 'n')})"),
    "overdue_now": Read("overdue", "all", "counts", f"sum({_c('overdue', 'n')})"),
    "quality_issues": Read("issues", "period", "counts", f"sum({_c('issues', 'n')})"),
    "quality_fixed_ontime": Read("issues", "period", "counts", _pct_of("issues", "ontime", "due")),
    "consumers_served": Read("consumers", "period", "keys", "count(DISTINCT x.key)"),
    "data_reads": Read("reads", "period", "counts", f"sum({_c('reads', 'n')})"),
    "entries_used": Read("used", "period", "keys", "count(DISTINCT x.key)"),
    "ontime_account": Read("accounts", "period", "counts", _pct_of("accounts", "ontime", "due")),
    "ontime_resource_offline": Read("res_offline", "period", "counts", _pct_of("res_offline", "ontime", "due")),
    **{f"entries_{g}": Read("entries", "until", "counts", f"sum({_c('entries', g)})")
       for g in ("general", "important", "core")},
}
for _key, _read in READ.items():
    if _read.rows != sql.DRILL[_key][0] or _read.rows not in ROWSETS:
        raise RuntimeError(f"the aggregate of {_key} must read the row set of its live SQL")


def aggregated_keys() -> frozenset[str]:
    """The indicators read from the aggregates: declared ``aggregated`` and given a :data:`READ`."""
    return frozenset(i.key for i in d.INDICATORS if i.aggregated and i.key in READ)


# ---------------------------------------------------------------- the refresh
def refresh_sql() -> list[str]:
    """Statements that rebuild the table from the live CTEs (parameters of :func:`.queries.params`
    over the whole history, scope None): day rows, month rows from them, key rows."""
    selects, keyed = [], []
    for rows, spec in ROWSETS.items():
        day = sql.L("x.at")
        if spec.keys:
            keyed.append(f"SELECT '{rows}' AS rows, x.org_id, CAST({spec.keys} AS text) AS key, "
                         f"range_agg(daterange({day}, {day}, '[]')) AS days FROM {rows} x "
                         f"WHERE {spec.keys} IS NOT NULL AND x.at IS NOT NULL GROUP BY 1, 2, 3")
            continue
        counts = ("CAST(ARRAY[" + ", ".join(f"count(*) FILTER (WHERE {cond})" for _n, cond in spec.counts)
                  + "] AS bigint[])") if spec.counts else "CAST(NULL AS bigint[])"
        c = f"SELECT x.org_id, {day} AS day, {counts} AS counts FROM {rows} x GROUP BY 1, 2"
        if spec.vals:
            h = (f"SELECT org_id, day, array_agg(v ORDER BY v) AS vals, array_agg(f ORDER BY v) AS freq FROM ("
                 f"SELECT x.org_id, {day} AS day, CAST({spec.vals} AS float8) AS v, count(*) AS f FROM {rows} x "
                 f"WHERE {spec.vals_when} GROUP BY 1, 2, 3) t GROUP BY 1, 2")
            selects.append(f"SELECT '{rows}' AS rows, org_id, day, c.counts, h.vals, h.freq "
                           f"FROM ({c}) c FULL JOIN ({h}) h USING (org_id, day)")
        else:
            selects.append(f"SELECT '{rows}' AS rows, org_id, day, c.counts, CAST(NULL AS float8[]) AS vals, "
                           f"CAST(NULL AS bigint[]) AS freq FROM ({c}) c")
    days = (f"WITH RECURSIVE {sql.base_ctes('department')}\n"
            f"INSERT INTO {TABLE} (rows, org_id, grain, key, day, counts, vals, freq)\n"
            "SELECT rows, org_id, 'd', '', day, counts, vals, freq FROM (\n" + "\nUNION ALL\n".join(selects) +
            ") q WHERE day IS NOT NULL")
    keys = (f"WITH RECURSIVE {sql.base_ctes('department')}\n"
            f"INSERT INTO {TABLE} (rows, org_id, grain, key, day, days)\n"
            f"SELECT rows, org_id, 'k', key, DATE '1970-01-01', days FROM (\n" + "\nUNION ALL\n".join(keyed) + ") q")
    months = f"""
WITH dd AS (
  SELECT rows, org_id, CAST(date_trunc('month', day) AS date) AS m, counts, vals, freq
  FROM {TABLE} WHERE grain = 'd'),
b AS (SELECT DISTINCT rows, org_id, m FROM dd),
c AS (SELECT rows, org_id, m, array_agg(s ORDER BY i) AS counts FROM (
        SELECT rows, org_id, m, i, sum(v) AS s FROM dd, unnest(dd.counts) WITH ORDINALITY AS u(v, i)
        GROUP BY rows, org_id, m, i) t GROUP BY rows, org_id, m),
h AS (SELECT rows, org_id, m, array_agg(v ORDER BY v) AS vals, array_agg(f ORDER BY v) AS freq FROM (
        SELECT rows, org_id, m, v, sum(f) AS f FROM dd, unnest(dd.vals, dd.freq) AS u(v, f)
        GROUP BY rows, org_id, m, v) t GROUP BY rows, org_id, m)
INSERT INTO {TABLE} (rows, org_id, grain, key, day, counts, vals, freq)
SELECT b.rows, b.org_id, 'm', '', b.m, CAST(c.counts AS bigint[]), h.vals, CAST(h.freq AS bigint[])
FROM b LEFT JOIN c USING (rows, org_id, m) LEFT JOIN h USING (rows, org_id, m)"""
    # the last day each key was seen, counted per department and day: "seen in a period that ends
    # after the refresh" is "last seen on or after its first day", a sum over a few hundred rows
    last = (f"INSERT INTO {TABLE} (rows, org_id, grain, key, day, counts) "
            f"SELECT rows || '_last', org_id, 'd', '', day, ARRAY[count(*)] FROM ("
            f"SELECT rows, org_id, upper(days) - 1 AS day FROM {TABLE} WHERE grain = 'k') t GROUP BY 1, 2, 5")
    last_months = (f"INSERT INTO {TABLE} (rows, org_id, grain, key, day, counts) "
                   f"SELECT rows, org_id, 'm', '', CAST(date_trunc('month', day) AS date), ARRAY[sum(counts[1])] "
                   f"FROM {TABLE} WHERE grain = 'd' AND rows LIKE '%\\_last' GROUP BY 1, 2, 5")
    return [f"DELETE FROM {TABLE}", days, months, keys, last, last_months]


# ---------------------------------------------------------------- reading
def window_params(prefix: str, lo: dt.date, hi: dt.date) -> dict:
    """The months wholly inside [lo, hi] are [mlo, mhi); the other days are read day by day."""
    mlo = lo if lo.day == 1 else (lo.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    after = hi + dt.timedelta(days=1)
    mhi = after.replace(day=1)
    return {f"{prefix}_lo": lo, f"{prefix}_hi": hi, f"{prefix}_mlo": mlo, f"{prefix}_mhi": max(mhi, mlo)}


EPOCH, FAR = dt.date(1970, 1, 1), dt.date(9999, 11, 30)


def read_params(d_from: dt.date, d_to: dt.date, t_end_epoch: float) -> dict:
    return {**window_params("wp", d_from, d_to), **window_params("wu", EPOCH, d_to),
            **window_params("ws", d_from, FAR), "agg_t_end_epoch": t_end_epoch}


def _window(window: str) -> str:
    if window == "all":
        return "x.grain = 'm'"
    p = {"period": "wp", "until": "wu", "since": "ws"}[window]
    return (f"((x.grain = 'm' AND x.day >= :{p}_mlo AND x.day < :{p}_mhi) OR "
            f"(x.grain = 'd' AND x.day BETWEEN :{p}_lo AND :{p}_hi AND (x.day < :{p}_mlo OR x.day >= :{p}_mhi)))")


def _percentile_cte(name: str, key_expr: str, rows: str, window: str, keys: list[str]) -> str:
    """percentile_cont over the histogram, as PostgreSQL computes it over the rows: with n values,
    position p·(n−1); the values at its floor and ceiling; the first plus the fraction of the gap."""
    pcts = {k: float(READ[k].expr.split(":")[1]) for k in keys}
    cols = []
    for k, p in pcts.items():
        pos = f"(CAST({p} AS float8) * CAST(n.total - 1 AS float8))"
        lo = f"(SELECT min(c.v) FROM {name}c c WHERE c.k = n.k AND c.upto > floor({pos}))"
        hi = f"(SELECT min(c.v) FROM {name}c c WHERE c.k = n.k AND c.upto > ceil({pos}))"
        cols.append(f"round(CAST({lo} + ({hi} - {lo}) * ({pos} - floor({pos})) AS numeric), 1) AS {k}")
    return (f"{name}h AS MATERIALIZED (SELECT {key_expr} AS k, u.v, sum(u.f) AS f FROM {TABLE} x "
            f"JOIN dept dp ON dp.id = x.org_id, unnest(x.vals, x.freq) AS u(v, f) "
            f"WHERE x.rows = '{rows}' AND {_window(window)} GROUP BY 1, 2),\n"
            f"{name}c AS (SELECT k, v, sum(f) OVER (PARTITION BY k ORDER BY v) AS upto FROM {name}h),\n"
            f"{name} AS MATERIALIZED (SELECT n.k, {', '.join(cols)} FROM "
            f"(SELECT k, sum(f) AS total FROM {name}h GROUP BY k) n)")


def _agg_ctes(keys: list[str], key_expr: str, start: int, month_keys: bool = False, current: bool = False,
              distinct: bool = True) -> list[tuple[str, list[str]]]:
    """One MATERIALIZED CTE per (row set, window, kind) of the aggregated indicators ``keys``.
    ``month_keys``: the key rows counted per month of the period (the trend); ``current``: the
    period ends on the day of the refresh or later; ``distinct=False``: one department per group,
    whose key rows are distinct already (the primary key)."""
    parts: dict[tuple[str, str, str], list[str]] = {}
    exprs_of = {}
    for key in keys:
        r = READ[key]
        kind = "pct" if r.expr.startswith("percentile:") else r.kind
        expr = r.expr
        if current and r.current:
            kind, expr = "counts", r.current
        if kind == "keys" and not distinct:
            if current:  # one department per group, every key seen up to the period's end
                kind, expr = "last", "sum(x.counts[1])"
            else:
                expr = "count(*)"
        exprs_of[key] = expr
        parts.setdefault((r.rows, r.window, kind), []).append(key)
    out = []
    for n, ((rows, window, kind), ks) in enumerate(parts.items(), start):
        name = f"g{n}"
        if kind == "pct":
            out.append((_percentile_cte(name, key_expr, rows, window, ks), ks))
            continue
        exprs = ", ".join(f"{exprs_of[k]} AS {k}" for k in ks)
        if kind == "keys":
            p = {"period": "wp", "until": "wu"}[window]
            if month_keys:
                months = (f"(SELECT CAST(gs AS date) AS m FROM generate_series(date_trunc('month', "
                          f"CAST(:{p}_lo AS date)), CAST(:{p}_hi AS date), interval '1 month') gs) mm")
                rng = (f"daterange(greatest(mm.m, CAST(:{p}_lo AS date)), "
                       f"least(CAST(mm.m + interval '1 month' - interval '1 day' AS date), CAST(:{p}_hi AS date)), '[]')")
                out.append((f"{name} AS MATERIALIZED (SELECT to_char(mm.m, 'YYYY-MM') AS k, {exprs} FROM {TABLE} x "
                            f"JOIN dept dp ON dp.id = x.org_id JOIN {months} ON x.days && {rng} "
                            f"WHERE x.rows = '{rows}' AND x.grain = 'k' GROUP BY 1)", ks))
            else:
                out.append((f"{name} AS MATERIALIZED (SELECT {key_expr} AS k, {exprs} FROM {TABLE} x "
                            f"JOIN dept dp ON dp.id = x.org_id WHERE x.rows = '{rows}' AND x.grain = 'k' "
                            f"AND x.days && daterange(CAST(:{p}_lo AS date), CAST(:{p}_hi AS date), '[]') "
                            f"GROUP BY 1)", ks))
            continue
        if kind == "last":
            out.append((f"{name} AS MATERIALIZED (SELECT {key_expr} AS k, {exprs} FROM {TABLE} x "
                        f"JOIN dept dp ON dp.id = x.org_id WHERE x.rows = '{rows}_last' AND {_window('since')} "
                        f"GROUP BY 1)", ks))
            continue
        unnest = ", unnest(x.vals, x.freq) AS u(v, f)" if kind == "vals" else ""
        out.append((f"{name} AS MATERIALIZED (SELECT {key_expr} AS k, {exprs} FROM {TABLE} x "
                    f"JOIN dept dp ON dp.id = x.org_id{unnest} WHERE x.rows = '{rows}' AND {_window(window)} "
                    f"GROUP BY 1)", ks))
    return out


def _live_ctes(agg: frozenset[str], key_expr: str, skip=()) -> list[tuple[str, list[str]]]:
    out = []
    for i, (rows, aggs) in enumerate(sql.AGGREGATES.items()):
        live = {k: e for k, e in aggs.items() if k not in agg}
        if not live or rows in skip:
            continue
        exprs = ", ".join(f"{e} AS {k}" for k, e in live.items())
        out.append((f"a{i} AS MATERIALIZED (SELECT {key_expr} AS k, {exprs} FROM {rows} x GROUP BY 1)", list(live)))
    return out


def live_rowsets(agg: frozenset[str], skip=()) -> list[str]:
    """The row sets an indicator outside ``agg`` is counted from (computed live)."""
    return [rows for rows, aggs in sql.AGGREGATES.items() if rows not in skip and any(k not in agg for k in aggs)]


# Beside the figures, the statements of the parts (``part="agg"`` / ``"live"``) return the time
# and the version (the refresh's transaction) of the aggregates they read and a fingerprint of the departments (names, titles, levels,
# parents), the key of what is kept between requests (:mod:`.cache`).
AS_OF = ("(SELECT as_of FROM liuzhou_eval_refresh WHERE id = 1) AS agg_as_of, "
         "(SELECT CAST(xmin AS text) FROM liuzhou_eval_refresh WHERE id = 1) AS agg_version")
ORG_FP = ("(SELECT md5(string_agg(concat_ws('|', id, name, title, level, parent), ',' ORDER BY id)) FROM org) "
          "AS org_fp")
PARTS = ("all", "agg", "live")


def _statement(head: str, parts: list[tuple[str, list[str]]], rows_cte: str, key: str, first_cols: str,
               keys: list[str], tail: str, part: str) -> str:
    ctes, joins, cols = [], [], {}
    for cte, ks in parts:
        alias = cte.rsplit(",\n", 1)[-1].split(" ", 1)[0]  # the last CTE of the part
        ctes.append(cte)
        joins.append(f"LEFT JOIN {alias} ON {alias}.k = {key}")
        cols.update({k: sql._column(alias, k) for k in ks})
    select = [first_cols, *(cols[k] for k in keys if k in cols)]
    if part == "agg":
        select.append(AS_OF)
    if part != "all":
        select.append(ORG_FP)
    return (f"WITH RECURSIVE {head}" + "".join(f",\n{c}" for c in ctes) + f",\n{rows_cte}\n"
            f"SELECT {', '.join(select)}\nFROM {rows_cte.split(' ', 1)[0]}\n" + "\n".join(joins) + f"\n{tail}")


def ranking_sql(by: str, sort: str, descending: bool, agg: frozenset[str], current: bool = False,
                part: str = "all") -> str:
    """:func:`.sql.ranking_sql` with the indicators ``agg`` read from the aggregates (``current``:
    the period ends on the day of the refresh or later). ``part="agg"``: the aggregated
    indicators alone, with each group's place in the order of the labels (``label_rank``), for
    the cache; ``part="live"``: the others alone (the caller merges and sorts, :mod:`.cache`)."""
    if by not in d.BY or sort not in (*d.KEYS, "name") or part not in PARTS:
        raise ValueError(f"ranking_sql: unknown grouping {by!r}, sort {sort!r} or part {part!r}")
    live = [] if part == "agg" else _live_ctes(agg, "x.grp")
    aggregated = [] if part == "live" else _agg_ctes([k for k in d.KEYS if k in agg], "dp.grp", 0, current=current,
                                                      distinct=by != "department")
    rowsets = False if part == "agg" else live_rowsets(agg)
    order = "g.label" if sort == "name" else sort
    direction = "DESC" if descending else "ASC"
    first = "g.grp AS key" + (", g.label, g.level" if part != "live" else "")
    if part == "agg":
        first += ", CAST(row_number() OVER (ORDER BY g.label ASC) AS int) AS label_rank"
    tail = f"ORDER BY {order} {direction} NULLS LAST, g.label ASC" if part == "all" else "ORDER BY g.label ASC"
    return _statement(sql.base_ctes(by, rowsets=rowsets), live + aggregated, f"g AS ({sql.group_keys(by)})",
                      "g.grp", first, list(d.KEYS), tail, part)


def trend_sql(agg: frozenset[str], part: str = "all") -> str:
    """:func:`.sql.trend_sql` with the indicators ``agg`` read from the aggregates (``part``: as
    :func:`ranking_sql`)."""
    if part not in PARTS:
        raise ValueError(f"trend_sql: unknown part {part!r}")
    skip = sql.STOCKS
    flows = [k for rows, aggs in sql.AGGREGATES.items() if rows not in skip for k in aggs]
    month = "to_char(x.day, 'YYYY-MM')"
    live = [] if part == "agg" else _live_ctes(agg, sql.MONTH, skip)
    aggregated = [] if part == "live" else _agg_ctes([k for k in flows if k in agg], month, 0, month_keys=True)
    months = ("SELECT to_char(gs, 'YYYY-MM') AS month FROM generate_series("
              "date_trunc('month', CAST(:d_from AS date)), CAST(:d_to AS date), interval '1 month') gs")
    rowsets = False if part == "agg" else live_rowsets(agg, skip)
    return _statement(sql.base_ctes("department", rowsets=rowsets), live + aggregated, f"m AS ({months})",
                      "m.month", "m.month", flows, "ORDER BY m.month", part)
