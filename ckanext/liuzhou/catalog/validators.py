"""Validators of the catalog and department schemas (Art 9, 13, 15, 22).

Each refuses bad input with a field-level message (English msgid, translated to Chinese by
the extension's catalogue); when any field has an error CKAN saves nothing.
"""
from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model import PACKAGE_NAME_MAX_LENGTH, PACKAGE_NAME_MIN_LENGTH
from ckan.lib.navl.dictization_functions import StopOnError, missing
from ckan.logic.converters import convert_to_extras

from . import credit_code, resource_code, slug, vocab
from .. import config as lz_config
from .. import authz

_ = tk._
Invalid = tk.Invalid

IDENTIFIER_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# 类 (1) + 项 (2) + 目 (3) [+ 细目], then a sequence of at least six digits.
RESOURCE_CODE_RE = re.compile(r"^[123]\d{5,}/\d{6,}$")
DIVISION_RE = re.compile(r"^(\d{6}|\d{12})$")

#: context key (catalog/bulk.py): names given out earlier in the same call, not saved yet
NAMES_TAKEN = "liuzhou_names_taken"
#: context key (catalog/bulk.py): every stored entry's name → (id, state), read once by a
#: bulk call for its creates; the call checks its names against the table once more at the end
NAMES_STORED = "liuzhou_names_stored"


def _value(data, key):
    v = data.get(key, missing)
    return None if v is missing or v is None or v == "" else v


def _add(errors, key, message):
    errors.setdefault(key, []).append(message)


def liuzhou_strip(value):
    return value.strip() if isinstance(value, str) else value


# --- names -----------------------------------------------------------------------------

_deferred = threading.local()


def _lock_name(session, name: str) -> None:
    """Hold the dataset name until this transaction ends.

    CKAN saves a new dataset whose name already exists by updating that dataset, so two
    entries created at once under one name would silently become one. With the lock, the
    second waits for the first to commit and then sees its name taken.

    While :func:`locks_deferred` is active in this thread, the name is noted instead, for
    :func:`lock_names`.
    """
    deferred = getattr(_deferred, "names", None)
    if deferred is not None:
        deferred.append(name)
        return
    session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": "liuzhou-name:" + name})


def lock_names(session, names: Iterable[str]) -> None:
    """:func:`_lock_name` of each name, in one statement, in sorted order (two calls locking
    names they share take them in the same order)."""
    names = sorted(set(names))
    if names:
        session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('liuzhou-name:' || k)) FROM unnest(:keys) AS k"),
                        {"keys": names})


@contextmanager
def locks_deferred() -> Iterator[list[str]]:
    """Meanwhile, in this thread, the names the validators would lock one at a time are
    collected in the list yielded (for a bulk call: ``catalog/bulk.py`` locks them with
    :func:`lock_names` and then finds any a concurrent create saved meanwhile)."""
    outer = getattr(_deferred, "names", None)
    names = _deferred.names = []
    try:
        yield names
    finally:
        _deferred.names = outer


def liuzhou_slug_from_title(key, data, errors, context):
    """An entry titled only in Chinese gets a readable, unique pinyin URL name.

    An explicit name wins (package_name_validator then checks it is free); an update without
    a name keeps the entry's name.
    """
    session = context["session"]
    given = _value(data, key)
    if given:
        _lock_name(session, str(given).strip())
        return
    pkg = context.get("package")
    if pkg is not None and pkg.name:
        data[key] = pkg.name
        return
    title = _value(data, ("title",))
    if not title:
        data.pop(key, None)
        raise StopOnError  # not_empty on title reports it; no second error on the URL name

    pending = context.get(NAMES_TAKEN) or ()
    stored = context.get(NAMES_STORED)
    seen_taken: set[str] = set()

    def in_table(name):
        return session.query(model.Package.id).filter(model.Package.name == name).first() is not None

    def taken(name):
        if name in pending or name in seen_taken:
            return True
        return name in stored if stored is not None else in_table(name)

    base = slug.slugify(title)
    _lock_name(session, base)  # same titles queue here
    name = slug.unique(base, taken)
    while name != base:
        _lock_name(session, name)  # an explicit name being created at this moment
        if not in_table(name):  # held now: what the table says
            break
        seen_taken.add(name)
        name = slug.unique(base, taken)
    data[key] = name


def liuzhou_package_name_validator(key, data, errors, context):
    """CKAN's ``package_name_validator``; in a bulk call's create (``NAMES_STORED`` in the
    context) the name is looked up in the names the call read at its start instead of one
    query per entry (the same rule: taken by an entry not deleted, other than the one saved)."""
    stored = context.get(NAMES_STORED)
    if stored is None:
        return tk.get_validator("package_name_validator")(key, data, errors, context)
    value = data[key]
    package = context.get("package")
    package_id = package.id if package else data.get(key[:-1] + ("id",))
    held = stored.get(value)
    if held is not None and held[1] != model.State.DELETED and \
            not (package_id and package_id is not missing and held[0] == package_id):
        errors[key].append(_("That URL is already in use."))
    # CKAN's length checks, as its validator makes them after its query
    if len(value) < PACKAGE_NAME_MIN_LENGTH:
        raise Invalid(_('Name "%s" length is less than minimum %s') % (value, PACKAGE_NAME_MIN_LENGTH))
    if len(value) > PACKAGE_NAME_MAX_LENGTH:
        raise Invalid(_('Name "%s" length is more than maximum %s') % (value, PACKAGE_NAME_MAX_LENGTH))


# --- codes -----------------------------------------------------------------------------

def _credit_code_problem(code: str) -> str | None:
    """A translated reason why ``code`` is not a valid credit code, or None."""
    reason = credit_code.problem(code)
    if reason is None:
        return None
    if reason == credit_code.WRONG_LENGTH:
        return _("A unified social credit code has 18 characters")
    if reason == credit_code.BAD_CHARACTERS:
        return _("A unified social credit code cannot contain: {chars}").format(
            chars=" ".join(credit_code.bad_characters(code)))
    return _("The check character of this unified social credit code is wrong (GB 32100)")


def _normal_code(value) -> str:
    return str(value).strip().upper() if value not in (None, missing) else ""


def liuzhou_credit_code(value, context):
    """A unified social credit code whose check character is right (GB 32100)."""
    code = _normal_code(value)
    reason = _credit_code_problem(code)
    if reason:
        raise Invalid(reason)
    return code


def liuzhou_department_credit_code_unique(key, data, errors, context):
    """One department per unified social credit code."""
    code = _value(data, key)
    if not code or errors.get(key):
        return
    me = context.get("group")
    query = (
        context["session"].query(model.Group)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(model.GroupExtra.key == "credit_code", model.GroupExtra.value == code,
                model.GroupExtra.state == "active", model.Group.state == "active",
                model.Group.is_organization.is_(True))
    )
    if me is not None:
        query = query.filter(model.Group.id != me.id)
    other = query.first()
    if other is not None:
        _add(errors, key, _("This unified social credit code already belongs to {name}").format(
            name=other.title or other.name))


def liuzhou_division_code(value, context):
    if value in (None, "", missing):
        return value
    value = str(value).strip()
    if not DIVISION_RE.match(value):
        raise Invalid(_("An administrative division code has 6 or 12 digits"))
    return value


def liuzhou_resource_code(key, data, errors, context):
    """The platform assigns the resource code (Art 13); a client cannot set or change it.

    A code sent on create, or a different code sent on update, is refused with a field
    error; sending back the entry's own code (package_show → package_update) is fine. On
    update the stored code is kept. On create the code is assigned in the dataset's
    ``__after`` step (see ``assign_resource_code``) once every other field is valid.
    """
    pkg = context.get("package")
    stored = resource_code.stored_code(pkg) if pkg is not None else None
    given = _value(data, key)
    if given is not None and str(given).strip() != (stored or ""):
        _add(errors, key, _("The resource code is assigned by the platform and cannot be set or changed"))
        raise StopOnError
    if stored:
        data[key] = stored
        return
    data.pop(key, None)
    raise StopOnError


def liuzhou_resource_code_list(value, context):
    """Related resource codes: each ``<classification code>/<sequence>``."""
    if value in (None, "", missing):
        return value
    codes = value
    if isinstance(codes, str):  # scheming_multiple_text stores the list as JSON
        try:
            codes = json.loads(codes)
        except ValueError:
            codes = [codes]
    if not isinstance(codes, list):
        codes = [codes]
    bad = [c for c in codes if not isinstance(c, str) or not RESOURCE_CODE_RE.match(c.strip())]
    if bad:
        raise Invalid(_("Not a resource code (like 101001/000001): {codes}").format(
            codes=", ".join(map(str, bad))))
    return value


# --- classification --------------------------------------------------------------------

def liuzhou_subclass_matches(key, data, errors, context):
    """The sub-class belongs to the chosen classification (人口 is a base sub-class, …)."""
    if errors.get(key) or errors.get(("classification",)):
        return
    sub = _value(data, key)
    cls = _value(data, ("classification",))
    if sub and cls and vocab.SUBCLASS_OF.get(sub) != cls:
        _add(errors, key, _("This sub-class does not belong to the chosen classification"))


def _org_by_name_or_id(ref):
    # asked several times per entry (provider, credit code, lead department, code): one
    # lookup per reference and transaction
    return authz.memoized("group_obj", ref, lambda: model.Group.get(ref)) if ref else None


def _org_extra(org, key):
    # scheming stores organization fields as group extras
    return org.extras.get(key) if org is not None else None


def liuzhou_provider_credit_code(key, data, errors, context):
    """Empty: taken from the provider department. Given: valid and the provider's own.

    An entry moved to another provider with its stored code sent back unchanged (as
    package_patch does) takes the new provider's code.
    """
    org = _org_by_name_or_id(_value(data, ("owner_org",)))
    org_code = _org_extra(org, "credit_code")
    value = _value(data, key)
    pkg = context.get("package")
    if value and pkg is not None and org is not None and pkg.owner_org != org.id \
            and _normal_code(value) == _normal_code((pkg.extras or {}).get(key[-1])):
        value = None
    if not value:
        if not org_code:
            data.pop(key, None)
            raise StopOnError
        data[key] = org_code
        return
    value = _normal_code(value)
    reason = _credit_code_problem(value)
    if reason:
        _add(errors, key, reason)
        return
    if org_code and org_code != value:
        _add(errors, key, _("This is not the provider department's credit code ({code})").format(code=org_code))
        return
    data[key] = value


def lead_departments() -> dict[str, list[str]]:
    """Art 15, base and theme catalogs, with ckanext.liuzhou.lead_departments overriding the
    defaults."""
    mapping = {k: list(v) for k, v in {**vocab.DEFAULT_LEAD_DEPARTMENTS,
                                       **vocab.DEFAULT_THEME_LEAD_DEPARTMENTS}.items()}
    mapping.update(lz_config.lead_departments())
    return mapping


def liuzhou_lead_department(key, data, errors, context):
    """Art 15: a base catalog is led, and owned, by the department the rules name; a theme
    catalog, co-built by several departments, is led by the theme's lead department."""
    key = ("lead_department",)
    if errors.get(key):
        return  # liuzhou_org_name has said what is wrong
    cls = _value(data, ("classification",))
    sub = _value(data, ("subclass",))
    lead = _value(data, key)
    if cls == "department":
        if lead:
            _add(errors, key, _("Department catalogs have no lead department"))
        return
    if cls not in ("base", "theme"):
        return
    if not lead:
        _add(errors, key, _("Base and theme catalogs need a lead department"))
        return
    org = _org_by_name_or_id(lead)
    if org is None or not org.is_organization or org.state != "active":
        _add(errors, key, _("No such department: {name}").format(name=lead))
        return
    if cls == "base" and sub in vocab.DEFAULT_LEAD_DEPARTMENTS:
        allowed = lead_departments().get(sub, [])
        titles = "、".join(_title_of(n) for n in allowed)
        if org.name not in allowed:
            _add(errors, key, _("Art 15: the lead department of this base catalog is {names}").format(names=titles))
            return
        owner = _org_by_name_or_id(_value(data, ("owner_org",)))
        if owner is not None and owner.name not in allowed:
            _add(errors, ("owner_org",), _("Art 15: only the lead department ({names}) may publish this base catalog").format(names=titles))
    elif cls == "theme" and sub in vocab.DEFAULT_THEME_LEAD_DEPARTMENTS:
        allowed = lead_departments().get(sub, [])
        if org.name not in allowed:
            titles = "、".join(_title_of(n) for n in allowed)
            _add(errors, key, _("Art 15: the lead department of this theme catalog is {names}").format(names=titles))


def liuzhou_org_name(value, context):
    """An organization given by name or id, stored by name."""
    if value in (None, "", missing):
        return value
    org = _org_by_name_or_id(str(value).strip())
    if org is None or not org.is_organization or org.state != "active":
        raise Invalid(_("No such department: {name}").format(name=value))
    return org.name


def _title_of(name):
    org = _org_by_name_or_id(name)
    return org.title if org is not None else name


# --- sharing (Art 22) and information items --------------------------------------------

def liuzhou_sharing_rules(key, data, errors, context):
    """Art 22: conditional needs conditions and a legal basis; not shared needs a legal basis.

    Unconditional sharing needs neither. Conditionally open data states its open conditions.
    """
    key = ("legal_basis",)
    sharing = _value(data, ("sharing_type",))
    if sharing == "conditional":
        if not _value(data, ("sharing_conditions",)):
            _add(errors, ("sharing_conditions",), _("Conditional sharing must state its conditions (Art 22)"))
        if not _value(data, key):
            _add(errors, key, _("Conditional sharing needs a legal basis: a law, regulation or central policy (Art 22)"))
    elif sharing == "not_shared":
        if not _value(data, key):
            _add(errors, key, _("Data that is not shared needs a legal basis: a law, regulation or central policy (Art 22)"))
    if _value(data, ("open_attribute",)) == "conditional_open" and not _value(data, ("open_conditions",)):
        _add(errors, ("open_conditions",), _("Conditionally open data must state its open conditions"))


def information_items_from_text(data_dict: dict) -> dict:
    """design.md: a client may send ``information_items`` as JSON text; scheming needs a list.

    Called on the data before validation (by package_create/package_update): text holding a
    JSON list of objects becomes that list; any other text is refused on the field, because
    CKAN's validation would otherwise fail on it with a bare DataError.
    """
    value = data_dict.get("information_items")
    if not isinstance(value, str):
        return data_dict
    try:
        rows = json.loads(value) if value.strip() else []
    except ValueError:
        rows = None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise tk.ValidationError({"information_items": [
            _("Information items are a list of rows, or that list as JSON text")]})
    return dict(data_dict, information_items=rows)


def _blank(value) -> bool:
    return value is missing or value is None or (isinstance(value, str) and not value.strip())


def liuzhou_item_row(key, data, errors, context):
    """First validator of every information-item sub-field: a row left entirely blank (the
    form's spare row) is not an item, so its fields are not checked; it is dropped later."""
    row = key[:2]
    if all(_blank(v) for k, v in data.items() if len(k) == 3 and k[:2] == row):
        raise StopOnError


def _item_rows(data) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for k, v in data.items():
        if len(k) == 3 and k[0] == "information_items" and isinstance(k[1], int):
            rows.setdefault(k[1], {})[k[2]] = None if v is missing else v
    return rows


def validate_information_items(key, data, errors, context):
    """At least one row; unique names; identifiers ASCII and unique; lengths sane (Art 13).

    A length is required for the types whose size it defines (字符 C, 数值 N, 货币 Y,
    双精度 B, 浮点 F) and, when given, must lie in the type's bounds.
    """
    rows = _item_rows(data)
    present = {i: r for i, r in rows.items() if not all(_blank(v) for v in r.values())}
    for i in set(rows) - set(present):  # blank rows are not stored
        for k in [k for k in data if len(k) == 3 and k[0] == "information_items" and k[1] == i]:
            del data[k]
    if not present:
        for k in [k for k in errors if len(k) == 3 and k[0] == "information_items"]:
            del errors[k]  # the message is about the list, not about blank rows
        _add(errors, ("information_items",), _("A catalog entry needs at least one information item"))
        return
    seen_ids: set[str] = set()
    seen_names: set[str] = set()
    for i, row in sorted(present.items()):
        name = str(row.get("name") or "").strip()
        ident = str(row.get("identifier") or "").strip()
        dtype = row.get("data_type") or ""
        if name:
            if name in seen_names:
                _add(errors, ("information_items", i, "name"), _("Duplicate information item name"))
            seen_names.add(name)
        if ident:
            if not IDENTIFIER_RE.match(ident):
                _add(errors, ("information_items", i, "identifier"),
                     _("An identifier is ASCII letters, digits and _ (at most 64), starting with a letter"))
            elif ident.lower() in seen_ids:
                _add(errors, ("information_items", i, "identifier"), _("Duplicate identifier"))
            seen_ids.add(ident.lower())
        length = row.get("length")
        if length in (None, ""):
            if dtype in vocab.LENGTH_REQUIRED:
                _add(errors, ("information_items", i, "length"),
                     _("Type {t} needs a length").format(t=dtype))
            continue
        if isinstance(length, bool):
            length = "x"  # True is not a length
        try:
            n = int(str(length).strip())
        except ValueError:
            _add(errors, ("information_items", i, "length"), _("Length must be a whole number"))
            continue
        lo, hi = vocab.LENGTH_BOUNDS.get(dtype, (1, 10**9))
        if not lo <= n <= hi:
            _add(errors, ("information_items", i, "length"),
                 _("Length {n} is not sane for type {t}: expected {lo}–{hi}").format(n=n, t=dtype, lo=lo, hi=hi))
        else:
            data[("information_items", i, "length")] = n


def assign_resource_code(key, data, errors, context):
    """Last step of create: once nothing is wrong, take the next number for this prefix."""
    if any(errors.values()) or _value(data, ("resource_code",)) or context.get("liuzhou_dry_run"):
        return  # a dry run (catalog/bulk.py) validates only: no number is taken
    org = _org_by_name_or_id(_value(data, ("owner_org",)))
    cls, sub = _value(data, ("classification",)), _value(data, ("subclass",))
    if org is None or not cls or not sub:
        return
    data[("resource_code",)] = resource_code.next_code(
        context["session"], cls, sub, org.id, _value(data, ("name",)) or "")
    convert_to_extras(("resource_code",), data, errors, context)


# --- departments (organizations): the tree (Art 9) --------------------------------------

def liuzhou_department_parent(value, context):
    """The parent is an existing, active department; stored by name."""
    if value in (None, "", missing):
        return ""
    parent = _org_by_name_or_id(str(value).strip())
    if parent is None or not parent.is_organization or parent.state != "active":
        raise Invalid(_("No such department: {name}").format(name=value))
    return parent.name


def department_tree(key, data, errors, context):
    """No cycles, and a child's level is never above its parent's — in both directions."""
    if any(errors.values()):
        return
    me = context.get("group")
    my_name = _value(data, ("name",)) or (me.name if me is not None else None)
    level = _value(data, ("level",))
    if me is not None and my_name != me.name and children_of(context["session"], me.name):
        # children name their parent: a rename would cut them off the tree
        _add(errors, ("name",), _("A department with sub-departments cannot be renamed"))
        return
    parent = _org_by_name_or_id(_value(data, ("parent",)))
    if parent is not None:
        seen, node = set(), parent
        while node is not None and node.name not in seen:
            if node.name == my_name or (me is not None and node.id == me.id):
                _add(errors, ("parent",), _("A department cannot be placed under itself or its own sub-department"))
                return
            seen.add(node.name)
            node = _org_by_name_or_id(_org_extra(node, "parent"))
        parent_level = _org_extra(parent, "level")
        if level in vocab.LEVEL_RANK and parent_level in vocab.LEVEL_RANK \
                and vocab.LEVEL_RANK[level] < vocab.LEVEL_RANK[parent_level]:
            _add(errors, ("level",), _("A department's level cannot be above its parent's level ({name})").format(
                name=parent.title or parent.name))
            return
    if me is not None and level in vocab.LEVEL_RANK:
        for child in children_of(context["session"], me.name):
            child_level = _org_extra(child, "level")
            if child_level in vocab.LEVEL_RANK and vocab.LEVEL_RANK[child_level] < vocab.LEVEL_RANK[level]:
                _add(errors, ("level",), _("Sub-department {name} would be above this department's level").format(name=child.title))
                return


def children_of(session, name):
    return (
        session.query(model.Group)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(model.GroupExtra.key == "parent", model.GroupExtra.value == name,
                model.GroupExtra.state == "active", model.Group.state == "active",
                model.Group.is_organization.is_(True))
        .all()
    )


def get_validators() -> dict[str, Any]:
    return {
        "liuzhou_strip": liuzhou_strip,
        "liuzhou_slug_from_title": liuzhou_slug_from_title,
        "liuzhou_package_name_validator": liuzhou_package_name_validator,
        "liuzhou_credit_code": liuzhou_credit_code,
        "liuzhou_department_credit_code_unique": liuzhou_department_credit_code_unique,
        "liuzhou_division_code": liuzhou_division_code,
        "liuzhou_resource_code": liuzhou_resource_code,
        "liuzhou_resource_code_list": liuzhou_resource_code_list,
        "liuzhou_subclass_matches": liuzhou_subclass_matches,
        "liuzhou_provider_credit_code": liuzhou_provider_credit_code,
        "liuzhou_lead_department": liuzhou_lead_department,
        "liuzhou_org_name": liuzhou_org_name,
        "liuzhou_sharing_rules": liuzhou_sharing_rules,
        "liuzhou_information_items": validate_information_items,
        "liuzhou_item_row": liuzhou_item_row,
        "liuzhou_assign_resource_code": assign_resource_code,
        "liuzhou_department_parent": liuzhou_department_parent,
        "liuzhou_department_tree": department_tree,
    }
