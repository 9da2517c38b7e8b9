"""The indicators of Art 34 (data quality, degree of sharing, efficiency of scheduling, support
for applications): key, group, unit, label and the definition shown on the pages.

Keys are the API contract of ``evaluation_ranking`` / ``evaluation_show`` and the columns of
the exports; :mod:`.sql` computes each one.
"""
from __future__ import annotations

from dataclasses import dataclass

import ckan.plugins.toolkit as tk
from flask_babel import get_locale

_ = tk._


def N_(s: str) -> str:  # marks a string for extraction; translated where it is shown
    return s


@dataclass(frozen=True)
class Indicator:
    key: str
    group: str          # catalog | sharing | quality | use | service | demand | correction | grade
    unit: str           # count | pct | wd
    label: str          # English msgid
    definition: str     # English msgid
    rows: str           # the row set behind the number (see sql.DRILL)
    higher_is_better: bool = True
    # kept current in the aggregate table (:mod:`.aggregate`); an indicator without one (the
    # default) is computed by the live SQL of :mod:`.sql` on every call, so a new indicator
    # works before anyone writes its aggregate
    aggregated: bool = False

    def as_dict(self) -> dict:
        return {"key": self.key, "group": self.group, "unit": self.unit, "label": _(self.label),
                "definition": _(self.definition), "higher_is_better": self.higher_is_better}


GROUPS = (("catalog", N_("Catalog")), ("sharing", N_("Sharing")), ("quality", N_("Quality")), ("use", N_("Use")),
          ("service", N_("Service received")), ("demand", N_("Demand list")),
          ("correction", N_("Correction of errors")), ("grade", N_("Data grading")))

INDICATORS: tuple[Indicator, ...] = (
    Indicator("entries", "catalog", "count", N_("Catalog entries provided"), N_(
        "Active catalog entries the department provides at the end of the period (offline entries left out)."),
        "entries", aggregated=True),
    Indicator("completeness", "catalog", "pct", N_("Metadata completeness"), N_(
        "Per cent of the entries whose required metadata are all filled in: title, abstract, classification, "
        "sub-class, format, information items, sharing type, sharing method, open attribute, update cycle, "
        "and the sharing conditions (conditional) and legal basis (conditional, not shared); a field the "
        "regional platform did not give counts as missing."), "entries", aggregated=True),
    Indicator("mounting_rate", "catalog", "pct", N_("Mounting rate"), N_(
        "Per cent of the entries with at least one data resource mounted and online (Art 19)."), "entries", aggregated=True),
    Indicator("freshness", "catalog", "pct", N_("Freshness"), N_(
        "Per cent of the entries with a regular update cycle whose last update is at most one cycle old at "
        "the end of the period (real time and daily 1 day, weekly 7, monthly 31, quarterly 92, half-yearly "
        "183, yearly 366 days); irregular entries are left out."), "fresh", aggregated=True),
    Indicator("upkeep_open", "catalog", "count", N_("Open upkeep notices"), N_(
        "Entries or departments named by catalog upkeep notices (Art 14) issued up to the end of the period "
        "and not yet reported updated."), "upkeep", higher_is_better=False, aggregated=True),
    Indicator("ontime_upkeep", "catalog", "pct", N_("Upkeep on time"), N_(
        "Of the upkeep notices issued in the period that are done or past due, per cent done within the "
        "10 working days of Art 14."), "upkeep_due", aggregated=True),
    Indicator("unconditional_share", "sharing", "pct", N_("Unconditional share"), N_(
        "Per cent of the entries shared unconditionally (Art 22: without a legal basis an entry must be "
        "unconditional)."), "entries", aggregated=True),
    Indicator("negative_list_compliance", "sharing", "pct", N_("Negative list compliance"), N_(
        "Per cent of the entries not flagged against the regional negative list (Art 23): a conditional or "
        "not-shared entry is flagged when no item of the list covers it, when it is less shared than its "
        "item allows, or when it has no legal basis. Empty until the list has been synced."), "entries", aggregated=True),
    Indicator("requests_received", "sharing", "count", N_("Requests received"), N_(
        "Share and negotiation requests for the department's entries submitted in the period."), "received", aggregated=True),
    Indicator("requests_made", "sharing", "count", N_("Requests made"), N_(
        "Share and negotiation requests the department submitted in the period."), "made", aggregated=True),
    Indicator("handling_median_wd", "sharing", "wd", N_("Handling time, median"), N_(
        "Median, over the requests received in the period and decided, of the working days from submission "
        "(day 0) to the decision, on the Chinese statutory calendar with the Operator's corrections."),
        "decided", higher_is_better=False, aggregated=True),
    Indicator("handling_p90_wd", "sharing", "wd", N_("Handling time, 90th percentile"), N_(
        "90th percentile of the same working days: nine requests in ten were decided within it."),
        "decided", higher_is_better=False, aggregated=True),
    Indicator("ontime_decision", "sharing", "pct", N_("Decisions on time"), N_(
        "Of the requests received in the period that were decided or are past their deadline undecided, "
        "per cent decided within the 3 working days of Art 26.2 (by the end of the third working day after "
        "the day of submission)."), "due", aggregated=True),
    Indicator("overdue_now", "sharing", "count", N_("Overdue now"), N_(
        "Requests of the department's entries past their deadline today: undecided after 3 working days, or "
        "a quality issue not fixed after 2 (whatever the period)."), "overdue", higher_is_better=False, aggregated=True),
    Indicator("quality_issues", "quality", "count", N_("Quality issues"), N_(
        "Quality issues consumers raised in the period about data the department provided (Art 26.5)."),
        "issues", higher_is_better=False, aggregated=True),
    Indicator("quality_fixed_ontime", "quality", "pct", N_("Quality issues fixed on time"), N_(
        "Of the quality issues raised in the period that are fixed or past due, per cent fixed within the "
        "2 working days of Art 26.5."), "issues_due", aggregated=True),
    Indicator("consumers_served", "use", "count", N_("Consumers served"), N_(
        "Other departments that received a delivery of the department's data or read it on the platform "
        "in the period."), "consumers", aggregated=True),
    Indicator("data_reads", "use", "count", N_("Data reads"), N_(
        "Reads of the department's data recorded in the audit log (data.read) in the period."), "reads", aggregated=True),
    Indicator("entries_used", "use", "count", N_("Entries used by others"), N_(
        "The department's entries that another department read or received a delivery of in the period."),
        "used", aggregated=True),
    # Support for applications (应用支撑), beside the reads: the application scenarios other
    # departments registered that rely on the department's data (scenario/, migration 0015).
    Indicator("scenarios_supported", "use", "count", N_("Application scenarios supported"), N_(
        "Application scenarios of other departments, registered by the end of the period and not withdrawn, "
        "that rely on the department's data: they cite one of its catalog entries or a share request it "
        "provides."), "scenarios"),
    Indicator("scenario_departments", "use", "count", N_("Departments served by scenarios"), N_(
        "Other departments whose application scenarios (registered by the end of the period, not withdrawn) "
        "rely on the department's data: the departments those scenarios serve."), "scenarios"),
    # The deadlines of Art 12 and 21 are the Operator's and the Authority's, not the department's.
    # Art 12 has each department ask for its own accounts and Art 21 has the providing department
    # apply to the Authority "of its level" (本级大数据主管部门): each figure is counted for the
    # department that asked and measures the service it received; summed by county subtree the
    # offlining figure is that county authority's, for the city departments the Authority's.
    Indicator("ontime_account", "service", "pct", N_("Account requests handled on time"), N_(
        "Of the account requests (new, changed or cancelled user accounts, Art 12) the department submitted "
        "in the period that were handled or are past their deadline unhandled, per cent the Operator handled "
        "within 2 working days (by the end of the second working day after the day of submission). The "
        "deadline is the Operator's: the figure measures the service the department received, and is counted "
        "for the department that asked because Art 12 has each department request its own accounts."),
        "accounts", aggregated=True),
    Indicator("ontime_resource_offline", "service", "pct", N_("Offlining decisions on time"), N_(
        "Of the applications to take one of the department's data resources offline (Art 21) submitted in the "
        "period that were decided or are past their deadline undecided, per cent the Authority decided within "
        "3 working days (Art 21.2). The deadline is the Authority's of the department's level (a county "
        "department's county authority): the figure measures the service the department received, counted "
        "for the department whose resource it is; by county subtree it is that county authority's rate."),
        "res_offline", aggregated=True),
    # the demand list (《政务数据共享条例》, the demand route): each routing of a need to the
    # department, by the Operator or by the Authority's decision, counted in the period it was routed
    Indicator("demands_received", "demand", "count", N_("Needs received"), N_(
        "Needs for data not in the catalog routed to the department in the period (by the Operator, or by the "
        "Authority's decision after two departments said the data was not theirs); a need routed twice to the "
        "department counts twice."), "demands"),
    Indicator("demands_ontime", "demand", "pct", N_("Needs answered on time"), N_(
        "Of the needs routed to the department in the period that it answered or whose deadline has passed "
        "unanswered, per cent answered within the working days of ckanext.liuzhou.demand.answer_workdays "
        "(10 by default): a catalog entry, a reason code, or \"not our duty\"."), "demands"),
    Indicator("demands_met", "demand", "count", N_("Needs met"), N_(
        "Needs routed to the department in the period that it met by pointing to a catalog entry (a share "
        "request on the entry is filed at once when the entry is conditional)."), "demands"),
    # 校核纠错 (national regulation Art 26): errors reported in the department's entries and data
    Indicator("corrections_received", "correction", "count", N_("Error reports received"), N_(
        "Errors other departments reported in the period in the department's catalog entries or delivered data "
        "(校核纠错, Art 26 of the national regulation), dismissed ones included."),
        "corrections", higher_is_better=False),
    Indicator("corrections_fixed_ontime", "correction", "pct", N_("Error reports corrected on time"), N_(
        "Of the error reports received in the period that were corrected or are past their deadline uncorrected, "
        "per cent corrected by the deadline in force (the configured working days after the report, or after "
        "the Authority upheld a disputed report); disputed and dismissed reports are left out."),
        "corrections_due"),
    # 分级分类 (《政务数据共享条例》 security chapter): the department's entries by grade; an entry
    # saved before grading existed counts as general.
    Indicator("entries_general", "grade", "count", N_("Entries graded general"), N_(
        "Active catalog entries of the department graded general (一般), entries without a grade included."),
        "entries", aggregated=True),
    Indicator("entries_important", "grade", "count", N_("Entries graded important"), N_(
        "Active catalog entries of the department graded important (重要): sharing them needs the "
        "Authority's approval."), "entries", aggregated=True),
    Indicator("entries_core", "grade", "count", N_("Entries graded core"), N_(
        "Active catalog entries of the department graded core (核心): sharing them needs the Authority's "
        "approval."), "entries", aggregated=True),
)

BY_KEY = {i.key: i for i in INDICATORS}
KEYS = tuple(i.key for i in INDICATORS)
BY = ("department", "level", "county")
LEVELS = {"city": N_("City"), "county": N_("County / district"), "township": N_("Township"),
          "village": N_("Village")}
BY_LABELS = {"department": N_("Department"), "level": N_("Level"), "county": N_("County subtree")}
CITY_ITSELF = N_("City departments (no county)")


_TRANSLATED: dict[str, tuple] = {}


def _groups_in(locale) -> tuple:
    """The groups with their indicators as :func:`groups` gives them, in the request's language
    (translated once per language and process: the texts are the code's)."""
    key = str(locale) if locale is not None else None
    kept = _TRANSLATED.get(key) if key else None
    if kept is None:
        kept = tuple((g, _(label), tuple(i.as_dict() for i in INDICATORS if i.group == g)) for g, label in GROUPS)
        if key:
            _TRANSLATED[key] = kept
    return kept


def groups() -> list[dict]:
    """Each group of indicators (new dicts on every call: callers fill them in)."""
    return [{"key": g, "label": label, "indicators": [dict(i) for i in indicators]}
            for g, label, indicators in _groups_in(get_locale())]
