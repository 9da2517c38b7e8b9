"""Actions of the search capability: suggestions while typing and the Operator's vocabulary."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import config as lz_config
from .. import audit
from .. import authz
from ..validation import commit_unless_deferred
from . import hooks, text, vocabulary
from .model import DEPARTMENT_ALIASES, SYNONYMS, SearchVocabulary

_ = tk._

MAX_TERM = 30
MAX_GROUPS = 2000
MAX_GROUP_TERMS = 20
MAX_SUGGEST = 20


# --------------------------------------------------------------------------- suggestions
@tk.side_effect_free
def search_suggest(context, data_dict) -> list[dict[str, Any]]:
    """Suggestions for what a user is typing in a search box: catalog entries (by the same
    query understanding as the search page, partial matches when nothing matches every word),
    departments (by title or short name) and keywords — only what the user may see in search
    (the permission labels and the Art 20 offline filter of ``package_search``). Anonymous
    visitors, and the regional platform's account, get none.

    :param q: the text typed so far
    :param limit: how many suggestions at most (default and ceiling:
        ``ckanext.liuzhou.search.suggest_limit``, never above 20)
    :returns: ``[{type: entry|department|keyword, label, name}]`` (``name`` of the entry or
        department; a keyword's ``name`` is the keyword)
    """
    tk.check_access("search_suggest", context, data_dict)
    from ..cascade import upward

    user = authz.context_user(context)
    q = data_dict.get("q")
    if user is None or not isinstance(q, str) or not q.strip() or upward.is_region_account(user):
        return []
    ceiling = min(lz_config.search_suggest_limit(), MAX_SUGGEST)
    try:
        limit = max(1, min(int(data_dict.get("limit") or ceiling), ceiling))
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": [_("Must be a whole number")]})
    parsed = hooks.parsed(q)
    if not parsed.natural:
        return []
    fq = hooks.visibility_fq(user, hooks.reader_of(context))
    docs, tags = _entries(parsed, fq, limit) if fq is not None else ([], [])
    out: list[dict[str, Any]] = [{"type": "entry", "label": d.get("title") or d["name"], "name": d["name"]}
                                 for d in docs]
    out += _departments(parsed)[: max(1, limit // 3)]
    words = [t.text for t in parsed.content if len(t.text) > 1]
    tags = [t for t in tags if any(w in t for w in words)]
    out += [{"type": "keyword", "label": t, "name": t} for t in sorted(tags)[: max(1, limit // 4)]]
    return out[:limit]


def _entries(parsed, fq: list[str], limit: int) -> tuple[list[dict], list[str]]:
    """Titles of the entries the strict (or else the relaxed) query finds, and their keywords:
    one Solr request each, without package_search's dictizing (the page only needs titles)."""
    from ckan.lib.search.common import make_connection

    conn = make_connection(decode_dates=False)
    tries = [False, True] if parsed.can_relax else [False]
    for relaxed in tries:
        response = conn.search(parsed.solr_q(relaxed=relaxed), **{
            "defType": "edismax", "qf": text.TEXT_QF, "q.op": "AND", "fq": fq, "fl": "name,title",
            "rows": limit, "facet": "true", "facet.field": "tags", "facet.limit": 20,
            "facet.mincount": 1})
        if response.hits:
            counts = (response.facets or {}).get("facet_fields", {}).get("tags", [])
            return list(response.docs), [counts[i] for i in range(0, len(counts), 2)]
    return [], []


def _departments(parsed) -> list[dict[str, Any]]:
    vocab = vocabulary.current()
    words = [t.text for t in parsed.content if len(t.text) > 1]
    by_alias = {name for t in parsed.content for name in vocab.departments_of(t.text)}
    found = [{"type": "department", "label": title, "name": name}
             for name, title in vocab.titles.items()
             if name in by_alias or any(w in title for w in words)]
    found.sort(key=lambda d: (len(d["label"]), d["label"]))
    return found


# --------------------------------------------------------------------------- vocabulary
def _document(name: str) -> SearchVocabulary | None:
    return model.Session.get(SearchVocabulary, name)


@tk.side_effect_free
def search_synonyms_show(context, data_dict) -> dict[str, Any]:
    """The vocabulary search understands: synonym groups (社保 = 社会保险 …) and each
    department's short names (人社局 …), with who changed them last.

    :returns: ``{synonyms: [[term…]…], synonyms_customized, departments: [{name, title,
        short_names, overridden}], modified_by, modified_at}``
    """
    tk.check_access("search_synonyms_show", context, data_dict)
    from .. import tree

    vocab = vocabulary.current()
    docs = [d for d in (_document(SYNONYMS), _document(DEPARTMENT_ALIASES)) if d is not None]
    last = max(docs, key=lambda d: d.modified_at, default=None)
    user = model.User.get(last.modified_by) if last else None
    titles = {d["name"]: d["title"] for d in tree.departments().values()}
    return {
        "synonyms": [list(g) for g in vocab.synonyms],
        "synonyms_customized": _document(SYNONYMS) is not None,
        "departments": sorted(
            ({"name": name, "title": titles.get(name) or name, "short_names": shorts,
              "overridden": name in vocab.overridden}
             for name, shorts in vocab.department_aliases.items()),
            key=lambda d: d["title"]),
        "modified_by": user.name if user else None,
        "modified_at": last.modified_at.isoformat() if last else None,
    }


def _terms(values: Any, where: str, errors: list[str]) -> list[str]:
    if isinstance(values, str):
        values = vocabulary.split_terms(values)
    if not isinstance(values, list):
        errors.append(_("{where}: a list of terms is expected").format(where=where))
        return []
    out = []
    for term in values:
        term = str(term).strip() if isinstance(term, (str, int)) else ""
        if not term or len(term) > MAX_TERM or any(c in term for c in '"\\<>{}[]:'):
            errors.append(_("{where}: \"{term}\" is not a search term (at most {n} characters, "
                            "no quotes or brackets)").format(where=where, term=str(term)[:40], n=MAX_TERM))
        else:
            out.append(term)
    return list(dict.fromkeys(out))


def _parse_synonyms(value: Any) -> tuple[list[list[str]], list[str]]:
    errors: list[str] = []
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip() and not line.strip().startswith("#")]
    if not isinstance(value, list):
        return [], [_("A list of synonym groups is expected")]
    if len(value) > MAX_GROUPS:
        return [], [_("At most {n} synonym groups").format(n=MAX_GROUPS)]
    groups, seen = [], {}
    for i, group in enumerate(value, 1):
        where = _("Group {n}").format(n=i)
        terms = _terms(group, where, errors)
        if len(terms) < 2 or len(terms) > MAX_GROUP_TERMS:
            errors.append(_("{where}: a group has 2 to {n} terms").format(where=where, n=MAX_GROUP_TERMS))
            continue
        for term in terms:
            if term in seen:
                errors.append(_("{where}: \"{term}\" is already in group {other}").format(
                    where=where, term=term, other=seen[term]))
            seen[term] = i
        groups.append(terms)
    return groups, errors


def _parse_aliases(value: Any) -> tuple[dict[str, list[str]], list[str]]:
    from .. import tree

    errors: list[str] = []
    if isinstance(value, str):
        lines = [line for line in value.splitlines() if line.strip() and not line.strip().startswith("#")]
        value = {}
        for line in lines:
            head, sep, tail = line.replace("：", ":").partition(":")
            if not sep:
                errors.append(_("\"{line}\": write the department, a colon and its short names").format(line=line[:60]))
                continue
            value[head.strip()] = tail
    if not isinstance(value, dict):
        return {}, [_("Departments' short names: a mapping of department to short names is expected")]
    departments = tree.departments()
    by_title = {d["title"]: d["name"] for d in departments.values() if d["title"]}
    out: dict[str, list[str]] = {}
    for ref, shorts in value.items():
        name = ref if ref in departments else by_title.get(str(ref).strip())
        if name is None:
            errors.append(_("No department \"{ref}\"").format(ref=str(ref)[:60]))
            continue
        out[name] = _terms(shorts, departments[name]["title"] or name, errors)
    return out, errors


def search_synonyms_update(context, data_dict) -> dict[str, Any]:
    """The Operator changes the vocabulary search understands; it takes effect at once in this
    process and within ``ckanext.liuzhou.search.vocabulary_refresh`` seconds in every other,
    without a restart. Each change is written to the audit log.

    :param synonyms: the synonym groups replacing the current ones: a list of lists of terms,
        or text with one group a line (terms separated by commas or spaces)
    :param department_aliases: departments whose short names are replaced: {department name or
        title: [short name…]}, or text with one ``department: short, short`` a line; an empty
        list means "no short names"
    :param reset: ``synonyms`` and/or ``department_aliases``: go back to the shipped defaults
    """
    tk.check_access("search_synonyms_update", context, data_dict)
    data_dict = dict(data_dict or {})
    reset = data_dict.get("reset") or []
    reset = [reset] if isinstance(reset, str) else list(reset)
    errors: dict[str, list[str]] = {}
    if set(reset) - {SYNONYMS, DEPARTMENT_ALIASES}:
        errors["reset"] = [_("reset names synonyms or department_aliases")]
    changes: dict[str, Any] = {}
    if "synonyms" in data_dict and SYNONYMS not in reset:
        groups, errs = _parse_synonyms(data_dict["synonyms"])
        if errs:
            errors["synonyms"] = errs
        changes[SYNONYMS] = groups
    if "department_aliases" in data_dict and DEPARTMENT_ALIASES not in reset:
        aliases, errs = _parse_aliases(data_dict["department_aliases"])
        if errs:
            errors["department_aliases"] = errs
        current = _document(DEPARTMENT_ALIASES)
        changes[DEPARTMENT_ALIASES] = {**(current.body if current else {}), **aliases}
    if not changes and not reset:
        errors.setdefault("synonyms", []).append(_("Nothing to change: give synonyms, department_aliases or reset"))
    if errors:
        raise tk.ValidationError(errors)
    user = authz.context_user(context)
    for name in reset:
        row = _document(name)
        if row is not None:
            model.Session.delete(row)
    for name, body in changes.items():
        row = _document(name) or SearchVocabulary(name=name)
        row.body, row.modified_by, row.modified_at = body, user.id, vocabulary.utcnow()
        model.Session.add(row)
    model.Session.flush()
    audit.record("search.vocabulary_update", user, object_type="search_vocabulary",
                 object_id=",".join(sorted({*changes, *reset})),
                 detail={"reset": sorted(reset),
                         "synonym_groups": len(changes[SYNONYMS]) if SYNONYMS in changes else None,
                         "departments": sorted(changes.get(DEPARTMENT_ALIASES, {}))})
    commit_unless_deferred(context)
    vocabulary.forget()
    return search_synonyms_show(dict(context, ignore_auth=True), {})


def get_actions() -> dict:
    return {"search_suggest": search_suggest, "search_synonyms_show": search_synonyms_show,
            "search_synonyms_update": search_synonyms_update}
