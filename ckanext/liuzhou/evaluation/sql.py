"""The indicators of :mod:`.definitions` as one SQL statement (CTEs and aggregates).

Sources: ``package`` / ``package_extra`` / ``resource`` (catalog), ``liuzhou_share_request``,
``liuzhou_delivery``, ``liuzhou_quality_issue`` (sharing, Art 26), ``liuzhou_upkeep_*`` (Art 14),
``liuzhou_negative_list_version`` (Art 23), ``liuzhou_audit_log`` (reads, Art 25),
``liuzhou_account_request`` (Art 12), ``liuzhou_resource_offline`` (Art 21),
``liuzhou_demand_event`` (the demand list: each routing of a need and the answer after it) and
``liuzhou_correction`` (校核纠错, national regulation Art 26).

Working days: the caller passes the calendar (chinesecalendar corrected by the Operator's
overrides, :mod:`..calendar.store`) once per query as three arrays — each date of the range,
its working-day number (working days from the range's start up to and including the date) and
whether it is a working day. Then "working days from day 0 to day d" is ``wdn(d) - wdn(day0)``
(the rule of :meth:`Calendar.workdays_between`) and "within N working days" is
``wdn(d) - wdn(day0) < N`` or ``= N`` on a working day (the deadline is the end of the N-th
working day after day 0). Dates are Asia/Shanghai dates of the naive UTC times CKAN stores;
a period of Beijing dates is the UTC range [00:00 of its first day, 00:00 after its last day)
(Beijing keeps UTC+8 all year), so the indexes on the times serve it.

Every row set is a CTE named after the ``rows`` of an indicator, with the department it counts
for (``org_id``), the grouping key (``grp``) and the moment that places it in a month (``at``);
the ranking aggregates them by ``grp`` and the trend by month, and the drill-down lists the
rows behind one number from the same CTE, so the three never disagree.

Each aggregate of the ranking and the trend is a ``MATERIALIZED`` CTE, computed once whatever
the planner believes. Inlined, they sat inside nested loops over the departments: on a site
whose ``"group"`` table has never been analysed (autovacuum analyses a table after 50 changed
rows; a site has fewer departments than that) the planner expects one department, and the
catalog aggregate was computed again for each of them — 17 s instead of 2.7 s for the ranking
on the benchmark's 13,000 entries and 36 departments (docs/evaluation.md).
"""
from __future__ import annotations

import re
from typing import Iterable

from . import definitions as d

MARK = "【自治区目录未提供】"  # cascade.mapping.MARK: a field the regional platform did not give


def L(col: str) -> str:
    """The Shanghai calendar date of a naive UTC timestamp column."""
    return f"(({col} AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai')::date"


def _filled(col: str) -> str:
    return f"(coalesce(btrim({col}), '') NOT IN ('', '[]') AND strpos({col}, '{MARK}') = 0)"


def _within(n: int, start: str, end: str) -> str:
    """SQL: day ``end`` (a row of cal) is within ``n`` working days of day 0 ``start`` (a row of cal)."""
    return f"({end}.wdn - {start}.wdn < {n} OR ({end}.wdn - {start}.wdn = {n} AND {end}.workday))"


GRP = {"department": "o.id", "level": "o.level", "county": "coalesce(c.county_id, '')"}

_EXTRA_KEYS = ("classification", "subclass", "format_category", "information_items", "sharing_type",
               "sharing_method", "open_attribute", "update_cycle", "sharing_conditions", "legal_basis",
               "data_grade")
CYCLE_DAYS = {"realtime": 1, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92,
              "half_yearly": 183, "yearly": 366}


# the CTEs a row set reads besides the departments and the calendar
_NEEDS = {"entries": ("ext", "nl"), "consumers": ("deliveries", "reads"), "used": ("deliveries", "reads")}
_CTE_START = re.compile(r"\n(?=\w+(?:\([^)]*\))? AS \()")  # a CTE's first line: at column 0


def base_ctes(by: str, rowsets: bool | Iterable[str] = True) -> str:
    """Calendar, departments with their group, and every row set (parameters: see :func:`params`);
    ``rowsets=False``: the departments only (a statement that reads the aggregates alone); a
    collection of row set names: those (and what they read) only, so that PostgreSQL does not
    parse the others."""
    text = _base_ctes(by)
    if rowsets is True:
        return text
    head = text[:text.index("\next AS (")].rstrip().rstrip(",")
    if rowsets is False:
        return head
    wanted = set(rowsets)
    for name in list(wanted):
        wanted.update(_NEEDS.get(name, ()))
    blocks = _CTE_START.split(text[text.index("\next AS (") + 1:])
    kept = [b.rstrip().rstrip(",") for b in blocks if b.split(" ", 1)[0] in wanted]
    return ",\n".join([head, *kept])


def _base_ctes(by: str) -> str:
    ext_cols = ",\n    ".join(f"max(value) FILTER (WHERE key = '{k}') AS {k}" for k in _EXTRA_KEYS)
    complete = " AND ".join([_filled("p.title"), _filled("p.notes"),
                             *(_filled(f"e.{k}") for k in _EXTRA_KEYS[:8]),
                             f"(e.sharing_type <> 'conditional' OR {_filled('e.sharing_conditions')})",
                             f"(e.sharing_type NOT IN ('conditional', 'not_shared') OR {_filled('e.legal_basis')})"])
    cycle = "CASE e.update_cycle " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in CYCLE_DAYS.items()) + " END"
    return f"""
cal(day, wdn, workday) AS (
  SELECT * FROM unnest(CAST(:cal_days AS date[]), CAST(:cal_wdn AS int[]), CAST(:cal_work AS boolean[]))),
org AS (
  SELECT g.id, g.name, g.title, lv.value AS level, pa.value AS parent
  FROM "group" g
  LEFT JOIN group_extra lv ON lv.group_id = g.id AND lv.key = 'level' AND lv.state = 'active'
  LEFT JOIN group_extra pa ON pa.group_id = g.id AND pa.key = 'parent' AND pa.state = 'active'
  WHERE g.is_organization AND g.state = 'active'),
anc(id, anc_name, depth) AS (
  SELECT id, name, 0 FROM org
  UNION ALL
  SELECT a.id, o.parent, a.depth + 1 FROM anc a JOIN org o ON o.name = a.anc_name
  WHERE o.parent IS NOT NULL AND o.parent <> '' AND a.depth < 12),
county AS (
  SELECT DISTINCT ON (a.id) a.id, o.id AS county_id
  FROM anc a JOIN org o ON o.name = a.anc_name WHERE o.level = 'county'
  ORDER BY a.id, a.depth DESC),
dept AS (
  SELECT o.id, o.name, o.title, o.level, {GRP[by]} AS grp
  FROM org o LEFT JOIN county c ON c.id = o.id
  WHERE (CAST(:scope AS text[]) IS NULL OR o.id = ANY(CAST(:scope AS text[])))),
ext AS (
  SELECT package_id,
    {ext_cols}
  FROM package_extra WHERE key IN ({", ".join(f"'{k}'" for k in _EXTRA_KEYS)}) AND coalesce(state, 'active') = 'active'
  GROUP BY package_id),
nl AS (SELECT items FROM liuzhou_negative_list_version ORDER BY fetched_at DESC LIMIT 1),
entries AS (
  SELECT p.id, p.name AS ref, p.title, p.owner_org AS org_id, dp.grp, p.metadata_created AS at,
    {complete} AS complete,
    EXISTS (SELECT 1 FROM resource r WHERE r.package_id = p.id AND r.state = 'active'
            AND coalesce(CAST(r.extras AS jsonb) ->> 'online_status', 'online') <> 'offline') AS mounted,
    {cycle} AS cycle_days,
    p.metadata_modified >= CAST(:t_end AS timestamp) - make_interval(days => {cycle}) AS fresh,
    e.sharing_type = 'unconditional' AS unconditional,
    CASE WHEN NOT EXISTS (SELECT 1 FROM nl) THEN NULL
         WHEN e.sharing_type NOT IN ('conditional', 'not_shared') OR ce.package_id IS NOT NULL THEN false
         ELSE (cov.item IS NULL
               OR (cov.item ->> 'sharing_type' = 'conditional' AND e.sharing_type = 'not_shared')
               OR NOT {_filled('e.legal_basis')}) END AS flagged,
    e.sharing_type, e.update_cycle, p.metadata_modified AS modified,
    coalesce(nullif(e.data_grade, ''), 'general') AS data_grade
  FROM package p
  JOIN dept dp ON dp.id = p.owner_org
  LEFT JOIN ext e ON e.package_id = p.id
  LEFT JOIN liuzhou_cascade_entry ce ON ce.package_id = p.id
  LEFT JOIN LATERAL (
    SELECT it.item FROM nl, jsonb_array_elements(nl.items) WITH ORDINALITY AS it(item, n)
    WHERE (coalesce(it.item ->> 'name', '') <> '' AND strpos(p.title, it.item ->> 'name') > 0)
       OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(
                    CASE WHEN jsonb_typeof(it.item -> 'keywords') = 'array' THEN it.item -> 'keywords' ELSE '[]'::jsonb END) kw
                  WHERE kw <> '' AND strpos(p.title, kw) > 0)
    ORDER BY it.n LIMIT 1) cov ON e.sharing_type IN ('conditional', 'not_shared')
  WHERE p.type = 'catalog' AND p.state = 'active' AND p.metadata_created <= CAST(:t_end AS timestamp)
    AND NOT EXISTS (SELECT 1 FROM liuzhou_offline_entry oe WHERE oe.package_id = p.id)),
upkeep AS (
  SELECT t.id, coalesce(p.name, '') AS ref, coalesce(p.title, n.title) AS title, t.org_id, dp.grp, n.issued_at AS at,
    t.state = 'open' AS open, n.deadline, t.done_at,
    {L('n.issued_at')} BETWEEN :d_from AND :d_to AS in_period,
    (t.state = 'done' OR n.deadline < CAST(:now AS timestamp)) AS due,
    (t.state = 'done' AND t.done_at <= n.deadline) AS on_time
  FROM liuzhou_upkeep_target t
  JOIN liuzhou_upkeep_notice n ON n.id = t.notice_id
  JOIN dept dp ON dp.id = t.org_id
  LEFT JOIN package p ON p.id = t.package_id
  WHERE n.issued_at <= CAST(:t_end AS timestamp)),
received AS (
  SELECT r.id, r.id AS ref, p.title, r.provider_org_id AS org_id, r.consumer_org_id AS other_org_id, dp.grp,
    r.created AS at, r.state, r.decided_at, r.deadline,
    r.decided_at IS NOT NULL AS decided,
    ce.wdn - cs.wdn AS handling_wd,
    (r.decided_at IS NOT NULL OR (r.state = 'submitted' AND r.deadline < CAST(:now AS timestamp))) AS due,
    (r.decided_at IS NOT NULL AND {_within(3, 'cs', 'ce')}) AS on_time
  FROM liuzhou_share_request r
  JOIN dept dp ON dp.id = r.provider_org_id
  LEFT JOIN package p ON p.id = r.package_id
  LEFT JOIN cal cs ON cs.day = {L('r.created')}
  LEFT JOIN cal ce ON ce.day = {L('r.decided_at')}
  WHERE r.created >= CAST(:t_start AS timestamp) AND r.created < CAST(:t_stop AS timestamp)),
made AS (
  SELECT r.id, r.id AS ref, p.title, r.consumer_org_id AS org_id, r.provider_org_id AS other_org_id, dp.grp,
    r.created AS at, r.state
  FROM liuzhou_share_request r
  JOIN dept dp ON dp.id = r.consumer_org_id
  LEFT JOIN package p ON p.id = r.package_id
  WHERE r.created >= CAST(:t_start AS timestamp) AND r.created < CAST(:t_stop AS timestamp)),
overdue AS (
  SELECT r.id, r.id AS ref, p.title, r.provider_org_id AS org_id, r.consumer_org_id AS other_org_id, dp.grp,
    r.deadline AS at, r.state,
    cn.wdn - cd.wdn AS late_wd
  FROM liuzhou_share_request r
  JOIN dept dp ON dp.id = r.provider_org_id
  LEFT JOIN package p ON p.id = r.package_id
  LEFT JOIN cal cd ON cd.day = {L('r.deadline')}
  LEFT JOIN cal cn ON cn.day = {L('CAST(:now AS timestamp)')}
  WHERE r.state IN ('submitted', 'quality_issue') AND r.deadline < CAST(:now AS timestamp)),
issues AS (
  SELECT q.id, q.share_request_id AS ref, p.title, r.provider_org_id AS org_id, r.consumer_org_id AS other_org_id,
    dp.grp, q.raised_at AS at, q.state, q.resolved_at,
    (q.resolved_at IS NOT NULL OR (q.state = 'open' AND q.deadline < CAST(:now AS timestamp))) AS due,
    (q.resolved_at IS NOT NULL AND {_within(2, 'cs', 'ce')}) AS on_time
  FROM liuzhou_quality_issue q
  JOIN liuzhou_share_request r ON r.id = q.share_request_id
  JOIN dept dp ON dp.id = r.provider_org_id
  LEFT JOIN package p ON p.id = r.package_id
  LEFT JOIN cal cs ON cs.day = {L('q.raised_at')}
  LEFT JOIN cal ce ON ce.day = {L('q.resolved_at')}
  WHERE q.raised_at >= CAST(:t_start AS timestamp) AND q.raised_at < CAST(:t_stop AS timestamp)),
reads AS (
  SELECT CAST(a.id AS text) AS id, coalesce(p.name, a.package_id) AS ref, p.title, dp.id AS org_id, dp.grp,
    a.created AS at, a.package_id, a.actor_org, a.actor_name,
    (a.actor_org IS NOT NULL AND a.actor_org <> '' AND NOT (dp.name = ANY(string_to_array(a.actor_org, ',')))) AS by_other
  FROM liuzhou_audit_log a
  JOIN dept dp ON dp.name = a.provider_org
  LEFT JOIN package p ON p.id = a.package_id
  WHERE a.action = 'data.read'
    AND a.created >= CAST(:t_start AS timestamp) AND a.created < CAST(:t_stop AS timestamp)),
deliveries AS (
  SELECT dl.id, r.id AS ref, p.title, r.provider_org_id AS org_id, dp.grp, dl.delivered_at AS at,
    r.package_id, co.name AS consumer
  FROM liuzhou_delivery dl
  JOIN liuzhou_share_request r ON r.id = dl.share_request_id
  JOIN dept dp ON dp.id = r.provider_org_id
  JOIN "group" co ON co.id = r.consumer_org_id
  LEFT JOIN package p ON p.id = r.package_id
  WHERE dl.delivered_at >= CAST(:t_start AS timestamp) AND dl.delivered_at < CAST(:t_stop AS timestamp)),
accounts AS (
  SELECT a.id, a.id AS ref, a.user_name AS title, a.org_id, dp.grp, a.created AS at, a.state, a.kind,
    a.decided_at IS NOT NULL AS decided,
    ce.wdn - cs.wdn AS handling_wd,
    (a.decided_at IS NOT NULL OR (a.state = 'submitted' AND a.deadline < CAST(:now AS timestamp))) AS due,
    (a.decided_at IS NOT NULL AND {_within(2, 'cs', 'ce')}) AS on_time
  FROM liuzhou_account_request a
  JOIN dept dp ON dp.id = a.org_id
  LEFT JOIN cal cs ON cs.day = {L('a.created')}
  LEFT JOIN cal ce ON ce.day = {L('a.decided_at')}
  WHERE a.created >= CAST(:t_start AS timestamp) AND a.created < CAST(:t_stop AS timestamp)),
res_offline AS (
  SELECT o.id, o.id AS ref, concat_ws(' · ', p.title, o.resource_name) AS title, o.provider_org_id AS org_id,
    dp.grp, o.created AS at, o.state,
    o.decided_at IS NOT NULL AS decided,
    ce.wdn - cs.wdn AS handling_wd,
    (o.decided_at IS NOT NULL OR (o.state = 'submitted' AND o.deadline < CAST(:now AS timestamp))) AS due,
    (o.decided_at IS NOT NULL AND {_within(3, 'cs', 'ce')}) AS on_time
  FROM liuzhou_resource_offline o
  JOIN dept dp ON dp.id = o.provider_org_id
  LEFT JOIN package p ON p.id = o.package_id
  LEFT JOIN cal cs ON cs.day = {L('o.created')}
  LEFT JOIN cal ce ON ce.day = {L('o.decided_at')}
  WHERE o.created >= CAST(:t_start AS timestamp) AND o.created < CAST(:t_stop AS timestamp)),
corrections AS (
  SELECT k.id, coalesce(p.name, k.package_id) AS ref, p.title, k.provider_org_id AS org_id,
    k.reporter_org_id AS other_org_id, dp.grp, k.created AS at, k.state,
    (k.corrected_at IS NOT NULL OR (k.state IN ('submitted', 'upheld') AND k.deadline < CAST(:now AS timestamp))) AS due,
    (k.corrected_at IS NOT NULL AND k.on_time) AS on_time
  FROM liuzhou_correction k
  JOIN dept dp ON dp.id = k.provider_org_id
  LEFT JOIN package p ON p.id = k.package_id
  WHERE k.created >= CAST(:t_start AS timestamp) AND k.created < CAST(:t_stop AS timestamp)),
consumers AS (
  SELECT x.org_id, x.grp, x.at, x.consumer, x.via FROM (
    SELECT org_id, grp, at, consumer, 'delivery' AS via FROM deliveries
    UNION ALL
    SELECT rd.org_id, rd.grp, rd.at, u.consumer, 'read' AS via
    FROM reads rd, unnest(string_to_array(rd.actor_org, ',')) AS u(consumer)
    WHERE rd.by_other AND u.consumer <> '') x),
used AS (
  SELECT org_id, grp, at, package_id FROM deliveries
  UNION ALL
  SELECT org_id, grp, at, package_id FROM reads WHERE by_other AND package_id IS NOT NULL),
scenarios AS (
  SELECT DISTINCT s.id, s.id AS ref, s.name AS title, c.org_id, dp.grp, s.created AS at, s.org_id AS owner_org
  FROM liuzhou_scenario s
  JOIN (SELECT se.scenario_id, p.owner_org AS org_id FROM liuzhou_scenario_entry se
        JOIN package p ON p.id = se.package_id
        UNION
        SELECT sr.scenario_id, r.provider_org_id FROM liuzhou_scenario_request sr
        JOIN liuzhou_share_request r ON r.id = sr.share_request_id) c ON c.scenario_id = s.id
  JOIN dept dp ON dp.id = c.org_id
  WHERE s.state = 'active' AND s.created <= CAST(:t_end AS timestamp) AND c.org_id <> s.org_id),
demands AS (
  SELECT CAST(e.id AS text) AS id, d.id AS ref, d.title, dp.id AS org_id, d.consumer_org_id AS other_org_id,
    dp.grp, e.created AS at, a.event AS answer_event,
    (a.event IS NOT NULL OR e.deadline < CAST(:now AS timestamp)) AS due,
    (a.event IS NOT NULL AND a.detail ->> 'on_time' = 'true') AS on_time,
    (a.event = 'meet') AS met
  FROM liuzhou_demand_event e
  JOIN liuzhou_demand d ON d.id = e.demand_id
  JOIN dept dp ON dp.id = e.detail ->> 'provider_org_id'
  LEFT JOIN LATERAL (
    SELECT n.event, n.detail FROM liuzhou_demand_event n
    WHERE n.demand_id = e.demand_id AND n.id > e.id AND n.event IN ('meet', 'refuse', 'disclaim')
    ORDER BY n.id LIMIT 1) a ON true
  WHERE e.event IN ('route', 'decide')
    AND e.created >= CAST(:t_start AS timestamp) AND e.created < CAST(:t_stop AS timestamp))
"""


def _pct(num: str, den: str) -> str:
    return f"round(100.0 * count(*) FILTER (WHERE {num} AND {den}) / NULLIF(count(*) FILTER (WHERE {den}), 0), 1)"


# row set → aggregate expressions (indicator key → SQL over the row set aliased x)
AGGREGATES: dict[str, dict[str, str]] = {
    "entries": {
        "entries": "count(*)",
        "completeness": _pct("x.complete", "true"),
        "mounting_rate": _pct("x.mounted", "true"),
        "freshness": _pct("x.fresh", "x.cycle_days IS NOT NULL"),
        "unconditional_share": _pct("x.unconditional", "true"),
        "negative_list_compliance": _pct("NOT x.flagged", "x.flagged IS NOT NULL"),
        **{f"entries_{g}": f"count(*) FILTER (WHERE x.data_grade = '{g}')" for g in ("general", "important", "core")},
    },
    "upkeep": {
        "upkeep_open": "count(*) FILTER (WHERE x.open)",
        "ontime_upkeep": _pct("x.on_time", "x.in_period AND x.due"),
    },
    "received": {
        "requests_received": "count(*)",
        "handling_median_wd": "round(CAST(percentile_cont(0.5) WITHIN GROUP (ORDER BY x.handling_wd) "
                              "FILTER (WHERE x.decided) AS numeric), 1)",
        "handling_p90_wd": "round(CAST(percentile_cont(0.9) WITHIN GROUP (ORDER BY x.handling_wd) "
                           "FILTER (WHERE x.decided) AS numeric), 1)",
        "ontime_decision": _pct("x.on_time", "x.due"),
    },
    "made": {"requests_made": "count(*)"},
    "overdue": {"overdue_now": "count(*)"},
    "issues": {
        "quality_issues": "count(*)",
        "quality_fixed_ontime": _pct("x.on_time", "x.due"),
    },
    "consumers": {"consumers_served": "count(DISTINCT x.consumer)"},
    "reads": {"data_reads": "count(*)"},
    "used": {"entries_used": "count(DISTINCT x.package_id)"},
    "accounts": {"ontime_account": _pct("x.on_time", "x.due")},
    "res_offline": {"ontime_resource_offline": _pct("x.on_time", "x.due")},
    "scenarios": {"scenarios_supported": "count(DISTINCT x.id)",
                  "scenario_departments": "count(DISTINCT x.owner_org)"},
    "demands": {
        "demands_received": "count(*)",
        "demands_ontime": _pct("x.on_time", "x.due"),
        "demands_met": "count(*) FILTER (WHERE x.met)",
    },
    "corrections": {
        "corrections_received": "count(*)",
        "corrections_fixed_ontime": _pct("x.on_time", "x.due"),
    },
}

# drill-down: the rows behind an indicator (row set, condition, the flag shown per row)
DRILL: dict[str, tuple[str, str, str | None]] = {
    "entries": ("entries", "true", None),
    "completeness": ("entries", "true", "x.complete"),
    "mounting_rate": ("entries", "true", "x.mounted"),
    "freshness": ("entries", "x.cycle_days IS NOT NULL", "x.fresh"),
    "unconditional_share": ("entries", "true", "x.unconditional"),
    "negative_list_compliance": ("entries", "x.flagged IS NOT NULL", "NOT x.flagged"),
    "upkeep_open": ("upkeep", "x.open", None),
    "ontime_upkeep": ("upkeep", "x.in_period AND x.due", "x.on_time"),
    "requests_received": ("received", "true", None),
    "handling_median_wd": ("received", "x.decided", None),
    "handling_p90_wd": ("received", "x.decided", None),
    "ontime_decision": ("received", "x.due", "x.on_time"),
    "requests_made": ("made", "true", None),
    "overdue_now": ("overdue", "true", None),
    "quality_issues": ("issues", "true", None),
    "quality_fixed_ontime": ("issues", "x.due", "x.on_time"),
    "consumers_served": ("consumers", "true", None),
    "data_reads": ("reads", "true", None),
    "entries_used": ("used", "true", None),
    "ontime_account": ("accounts", "x.due", "x.on_time"),
    "ontime_resource_offline": ("res_offline", "x.due", "x.on_time"),
    "scenarios_supported": ("scenarios", "true", None),
    "scenario_departments": ("scenarios", "true", None),
    "demands_received": ("demands", "true", None),
    "demands_ontime": ("demands", "x.due", "x.on_time"),
    "demands_met": ("demands", "x.met", None),
    "corrections_received": ("corrections", "true", None),
    "corrections_fixed_ontime": ("corrections", "x.due", "x.on_time"),
    **{f"entries_{g}": ("entries", f"x.data_grade = '{g}'", None) for g in ("general", "important", "core")},
}
if not {k for a in AGGREGATES.values() for k in a} == set(d.KEYS) == set(DRILL):
    raise RuntimeError("every indicator of definitions.py needs its aggregate and its drill-down here")

LOCAL_AT = "((x.at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai')"  # drill-down rows show Beijing times
MONTH = f"to_char({L('x.at')}, 'YYYY-MM')"


def _column(alias: str, key: str) -> str:
    """A group with no row has no count: 0 (so that it sorts as one); rates stay empty."""
    if d.BY_KEY[key].unit == "count":
        return f"coalesce({alias}.{key}, 0) AS {key}"
    return f"{alias}.{key}"


def group_keys(by: str) -> str:
    """The rows of a ranking: the departments, levels or county subtrees in scope."""
    if by == "county":
        return ("SELECT DISTINCT dp.grp, coalesce(co.title, '') AS label, 'county' AS level "
                "FROM dept dp LEFT JOIN org co ON co.id = dp.grp")
    if by == "level":
        return "SELECT DISTINCT grp, grp AS label, grp AS level FROM dept WHERE grp IS NOT NULL"
    return "SELECT grp, title AS label, level FROM dept"


def ranking_sql(by: str, sort: str, descending: bool) -> str:
    """One row per group (department, level or county) with every indicator.

    ``sort`` becomes the ORDER BY column: anything outside the whitelist (an indicator key or
    ``name``) is refused here too, whatever the caller validated (``python -O`` drops asserts).
    """
    if by not in d.BY or sort not in (*d.KEYS, "name"):
        raise ValueError(f"ranking_sql: unknown grouping {by!r} or sort {sort!r}")
    ctes, joins, cols = [], [], []
    for i, (rows, aggs) in enumerate(AGGREGATES.items()):
        exprs = ", ".join(f"{sql} AS {key}" for key, sql in aggs.items())
        ctes.append(f"a{i} AS MATERIALIZED (SELECT x.grp AS k, {exprs} FROM {rows} x GROUP BY x.grp)")
        joins.append(f"LEFT JOIN a{i} ON a{i}.k = g.grp")
        cols.extend(_column(f"a{i}", key) for key in aggs)
    order = "g.label" if sort == "name" else sort
    direction = "DESC" if descending else "ASC"
    keys = group_keys(by)
    return (f"WITH RECURSIVE {base_ctes(by)},\n" + ",\n".join(ctes) + f",\ng AS ({keys})\n"
            f"SELECT g.grp AS key, g.label, g.level, {', '.join(cols)}\nFROM g\n" + "\n".join(joins) +
            f"\nORDER BY {order} {direction} NULLS LAST, g.label ASC")


# row sets whose CTE counts working days (reads the calendar arrays)
CALENDAR_ROWSETS = frozenset({"received", "overdue", "issues", "accounts", "res_offline"})

# row sets counted as they stand (stocks), not month by month: no trend
STOCKS = ("entries", "upkeep", "overdue", "scenarios")


def trend_sql() -> str:
    """One row per month of the period for the departments in scope (flows only make sense)."""
    ctes, joins, cols = [], [], []
    for i, (rows, aggs) in enumerate(AGGREGATES.items()):
        if rows in STOCKS:
            continue
        exprs = ", ".join(f"{sql} AS {key}" for key, sql in aggs.items())
        ctes.append(f"a{i} AS MATERIALIZED (SELECT {MONTH} AS k, {exprs} FROM {rows} x GROUP BY 1)")
        joins.append(f"LEFT JOIN a{i} ON a{i}.k = m.month")
        cols.extend(_column(f"a{i}", key) for key in aggs)
    months = ("SELECT to_char(gs, 'YYYY-MM') AS month FROM generate_series("
              "date_trunc('month', CAST(:d_from AS date)), CAST(:d_to AS date), interval '1 month') gs")
    return (f"WITH RECURSIVE {base_ctes('department')},\n" + ",\n".join(ctes) + f",\nm AS ({months})\n"
            f"SELECT m.month, {', '.join(cols)}\nFROM m\n" + "\n".join(joins) + "\nORDER BY m.month")


def drill_sql(by: str, indicator: str, limit: int) -> str:
    """The rows behind one indicator of one group."""
    rows, cond, flag = DRILL[indicator]
    flag_sql = flag or "NULL"
    if rows in ("consumers",):
        select = ("SELECT x.consumer AS ref, co.title AS title, NULL AS other, max(((x.at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai')) AS at, "
                  "string_agg(DISTINCT x.via, ',') AS value, NULL AS ok "
                  "FROM consumers x LEFT JOIN \"group\" co ON co.name = x.consumer "
                  f"WHERE x.grp = :key AND {cond} GROUP BY x.consumer, co.title ORDER BY co.title")
    elif rows == "used":
        select = ("SELECT p.name AS ref, p.title, NULL AS other, max(((x.at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai')) AS at, count(*) AS value, NULL AS ok "
                  "FROM used x JOIN package p ON p.id = x.package_id "
                  f"WHERE x.grp = :key AND {cond} GROUP BY p.name, p.title ORDER BY p.title")
    else:
        value = {"received": "x.handling_wd", "overdue": "x.late_wd", "reads": "x.actor_name",
                 "entries": "x.sharing_type", "upkeep": "NULL", "made": "x.state", "issues": "x.state",
                 "accounts": "x.handling_wd", "res_offline": "x.handling_wd", "scenarios": "NULL",
                 "demands": "x.answer_event", "corrections": "x.state"}[rows]
        other = {"received": "x.other_org_id", "made": "x.other_org_id", "overdue": "x.other_org_id",
                 "issues": "x.other_org_id", "scenarios": "x.owner_org", "demands": "x.other_org_id",
                 "corrections": "x.other_org_id"}.get(rows)
        other_sql = f"(SELECT title FROM org WHERE id = {other})" if other else (
            "x.actor_org" if rows == "reads" else "NULL")
        select = (f"SELECT x.ref, x.title, {other_sql} AS other, {LOCAL_AT} AS at, CAST({value} AS text) AS value, "
                  f"{flag_sql} AS ok FROM {rows} x WHERE x.grp = :key AND {cond} ORDER BY x.at DESC")
    return f"WITH RECURSIVE {base_ctes(by)}\nSELECT * FROM ({select}) q LIMIT {int(limit)}"
