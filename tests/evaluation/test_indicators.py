"""Each indicator of Art 34 against the hand-computed fixture (conftest.py), working days
across the National Day holiday of 2025 included."""
from __future__ import annotations

import pytest

from ckanext.liuzhou.cascade import negative_list
from ckanext.liuzhou.evaluation import definitions, queries

from .conftest import EXPECTED_P, PERIOD


@pytest.fixture(scope="module")
def p_figures(fx, call_as_module):
    return call_as_module(fx.users["authority"], "evaluation_show", id=fx.p["name"], **PERIOD)


@pytest.mark.parametrize("key", definitions.KEYS)
def test_each_indicator_of_the_provider(p_figures, key):
    assert p_figures["figures"][key] == EXPECTED_P[key], key


def test_every_indicator_has_a_written_definition(p_figures):
    shown = [i for g in p_figures["groups"] for i in g["indicators"]]
    assert [i["key"] for i in shown] == list(definitions.KEYS)
    assert all(len(i["definition"]) > 40 and i["label"] for i in shown)


def test_working_days_across_the_national_day_holiday(fx, call_as):
    """Submitted 30 Sep, decided Sat 11 Oct (an adjusted working day): 3 WD, on time; submitted
    10 Oct, decided 15 Oct: 4 WD (the Saturday counts), late; decided 01:00 Shanghai on 24 Oct
    (17:00 UTC on the 23rd): 4 WD, late."""
    rows = call_as(fx.users["authority"], "evaluation_detail", id=fx.p["name"], indicator="ontime_decision",
                   **PERIOD)["rows"]
    by_ref = {r["ref"]: r for r in rows}
    r = fx.requests
    assert (by_ref[r["r3"]]["value"], by_ref[r["r3"]]["ok"]) == ("3", True)
    assert (by_ref[r["r2"]]["value"], by_ref[r["r2"]]["ok"]) == ("5", False)
    assert (by_ref[r["r4"]]["value"], by_ref[r["r4"]]["ok"]) == ("4", False)
    assert (by_ref[r["r5"]]["value"], by_ref[r["r5"]]["ok"]) == ("4", False)
    assert (by_ref[r["r1"]]["value"], by_ref[r["r1"]]["ok"]) == ("2", True)
    assert by_ref[r["r6"]]["ok"] is False and by_ref[r["r6"]]["value"] is None   # undecided, past due
    assert r["r7"] not in by_ref                                                  # withdrawn: never due


def _drill(fx, call_as, indicator):
    rows = call_as(fx.users["authority"], "evaluation_detail", id=fx.p["name"], indicator=indicator, **PERIOD)["rows"]
    return {r["ref"]: (r["value"], r["ok"]) for r in rows}


def test_account_requests_in_working_days_art_12(fx, call_as):
    """2 WD of the Operator (Art 12), counted for the department that asked: Fri 26 Sep → Tue
    30 Sep is 3 WD (Sunday 28 Sep works), late; 30 Sep → 9 Oct is 1 WD across the holiday, on
    time; Thu 9 Oct → Mon 13 Oct is 3 WD (Saturday 11 Oct works), late."""
    rows, a = _drill(fx, call_as, "ontime_account"), fx.accounts
    assert rows == {a["a1"]: ("2", True), a["a2"]: ("3", False), a["a3"]: ("1", True), a["a4"]: ("3", False),
                    a["a5"]: (None, False), a["a6"]: ("2", True)}   # a7 before the period, q1 is Q's
    q = call_as(fx.users["authority"], "evaluation_show", id=fx.q["name"], **PERIOD)["figures"]
    assert q["ontime_account"] == 100.0 and q["ontime_resource_offline"] is None


def test_resource_offline_decisions_in_working_days_art_21(fx, call_as):
    """3 WD of the Authority (Art 21.2), counted for the department whose resource it is:
    Fri 26 Sep → 9 Oct is 4 WD, late; Mon 29 Sep → 9 Oct is 2 WD across the holiday, on time;
    Thu 9 Oct → Tue 14 Oct is 4 WD with Saturday 11 Oct, late (3 on plain weekdays)."""
    rows, o = _drill(fx, call_as, "ontime_resource_offline"), fx.offlines
    assert rows == {o["o1"]: ("3", True), o["o2"]: ("4", False), o["o3"]: ("2", True), o["o4"]: ("4", False),
                    o["o5"]: (None, False)}
    t = call_as(fx.users["t_admin"], "evaluation_show", id=fx.t["name"], **PERIOD)["figures"]
    assert t["ontime_resource_offline"] == 100.0 and t["ontime_account"] is None


def test_the_township_as_provider(fx, call_as):
    f = call_as(fx.users["t_admin"], "evaluation_show", id=fx.t["name"], **PERIOD)["figures"]
    assert (f["entries"], f["requests_received"], f["handling_median_wd"], f["ontime_decision"]) == (1, 1, 0.0, 100.0)
    # yearly, updated 1 March: 244 days old at the end of October, fresh
    assert (f["freshness"], f["negative_list_compliance"], f["consumers_served"], f["entries_used"]) == (100.0, 100.0, 1, 1)


def test_per_level_and_per_county_subtree(fx):
    period = queries.Period(*(queries.today().fromisoformat(PERIOD[k]) for k in ("from", "to")))
    scope = {fx.p["id"], fx.q["id"], fx.t["id"]}
    levels = {r["key"]: r for r in queries.ranking(period, by="level", scope=scope)}
    assert set(levels) == {"city", "township"}
    city, town = levels["city"], levels["township"]
    assert (city["entries"], city["requests_received"], city["requests_made"]) == (4, 7, 8)
    assert (city["handling_median_wd"], city["ontime_decision"], city["data_reads"]) == (4.0, 33.3, 4)
    assert (town["entries"], town["requests_received"], town["requests_made"]) == (1, 1, 0)
    counties = {r["key"]: r for r in queries.ranking(period, by="county", scope=scope)}
    ljq = next(k for k in counties if k)  # the township counts under 柳江区
    assert counties[ljq]["label"] == "柳州市柳江区人民政府"
    assert (counties[ljq]["entries"], counties[ljq]["requests_received"]) == (1, 1)
    assert (counties[""]["entries"], counties[""]["requests_received"], counties[""]["requests_made"]) == (4, 7, 8)
    # Art 12 (P 3 of 6, Q 1 of 1) by level; Art 21 by county subtree: the county authority's rate
    assert (city["ontime_account"], city["ontime_resource_offline"]) == (57.1, 40.0)
    assert (town["ontime_account"], town["ontime_resource_offline"]) == (None, 100.0)
    assert (counties[ljq]["ontime_resource_offline"], counties[""]["ontime_resource_offline"]) == (100.0, 40.0)


def test_monthly_trend(p_figures):
    months = {m["month"]: m for m in p_figures["trend"]["months"]}
    assert len(months) == 12 and list(months)[-1] == "2025-10"
    assert (months["2025-09"]["requests_received"], months["2025-10"]["requests_received"]) == (3, 4)
    assert (months["2025-09"]["handling_median_wd"], months["2025-10"]["handling_median_wd"]) == (3.0, 4.0)
    assert months["2025-09"]["quality_issues"] == 1 and months["2025-10"]["quality_issues"] == 2
    assert months["2025-08"]["requests_received"] == 1 and months["2025-07"]["requests_received"] == 0
    assert [months[m]["ontime_account"] for m in ("2025-07", "2025-08", "2025-09", "2025-10")] == [None, 0.0, 66.7, 33.3]
    assert [months[m]["ontime_resource_offline"] for m in ("2025-08", "2025-09", "2025-10")] == [None, 66.7, 0.0]


@pytest.mark.parametrize("key", ["entries", "requests_received", "requests_made", "overdue_now",
                                 "quality_issues", "data_reads", "consumers_served", "entries_used", "upkeep_open"])
def test_drill_down_lists_the_rows_behind_a_count(fx, call_as, key):
    rows = call_as(fx.users["authority"], "evaluation_detail", id=fx.p["name"], indicator=key, **PERIOD)["rows"]
    assert len(rows) == EXPECTED_P[key]


@pytest.mark.parametrize("key", ["completeness", "mounting_rate", "freshness", "negative_list_compliance",
                                 "ontime_decision", "quality_fixed_ontime", "ontime_upkeep", "unconditional_share",
                                 "ontime_account", "ontime_resource_offline"])
def test_drill_down_of_a_rate_marks_what_counts(fx, call_as, key):
    rows = call_as(fx.users["authority"], "evaluation_detail", id=fx.p["name"], indicator=key, **PERIOD)["rows"]
    assert round(100.0 * sum(1 for r in rows if r["ok"]) / len(rows), 1) == EXPECTED_P[key]


def test_negative_list_flags_are_the_cascades(fx, call_as):
    """The SQL flags the same entries as the cascade's own check (cascade/negative_list.py)."""
    ours = {r["ref"] for r in call_as(fx.users["authority"], "evaluation_detail", id=fx.p["name"],
                                      indicator="negative_list_compliance", **PERIOD)["rows"] if not r["ok"]}
    theirs = {f["name"] for f in negative_list.flags() if f["owner_org"] == fx.p["id"]}
    assert ours == theirs == {fx.entries["e3"]["name"], fx.entries["e4"]["name"]}


def test_ranking_sorts_on_the_server(fx, call_as):
    for order in ("desc", "asc"):
        rows = call_as(fx.users["authority"], "evaluation_ranking", sort="requests_received", order=order,
                       **PERIOD)["rows"]
        values = [r["requests_received"] for r in rows]
        assert values == sorted(values, reverse=order == "desc")
    for key in ("ontime_decision", "ontime_account", "ontime_resource_offline"):
        rows = call_as(fx.users["authority"], "evaluation_ranking", sort=key, order="desc", **PERIOD)["rows"]
        rated = [r[key] for r in rows if r[key] is not None]
        assert len(rated) >= 2 and rated == sorted(rated, reverse=True) and rows[len(rated)][key] is None  # no figure: last


def test_a_bad_period_is_refused(fx, call_as):
    import ckan.plugins.toolkit as tk
    with pytest.raises(tk.ValidationError):
        call_as(fx.users["authority"], "evaluation_ranking", **{"from": "2025-10-01", "to": "2025-09-01"})
    with pytest.raises(tk.ValidationError):
        call_as(fx.users["authority"], "evaluation_ranking", sort="no_such_indicator")
