"""City → region (Art 9, 23): what the regional platform's harvester sees of the city.

The region harvests the city with the account ``ckanext.liuzhou.cascade.region_user``. The
entries the city mirrors from the region (harvested by a ``liuzhou_region`` source) must not
go back up: for that account they are left out of ``package_search`` (hence
``current_package_list_with_resources`` and organization pages, which search),
``package_list``, and ``package_show`` / ``resource_show`` answer "not found". Harvest sources
(datasets of type ``harvest``, the city's own plumbing) are left out likewise.

Regional entries are recognised in Solr by ``harvest_source_id`` (which ckanext-harvest's
``before_dataset_index`` indexes for every harvested entry) and in the database by their
current harvest object's source type, so nothing is added to the index.
"""
from __future__ import annotations

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest.model import HarvestObject, HarvestSource

from .. import config as lz_config
from .harvester import SOURCE_TYPE

def region_account() -> str:
    return lz_config.region_user()


def is_region_account(user) -> bool:
    """``user``: a name, a User or CKAN's current_user; True for the region's account."""
    account = region_account()
    if not account or user is None:
        return False
    if isinstance(user, str):
        if user == account:
            return True
        if len(user) != 36:  # a name (contexts carry names): no need to ask the database
            return False
        obj = model.User.get(user)
        return obj is not None and obj.name == account
    return getattr(user, "name", None) == account


def _current_user():
    try:
        return tk.current_user if tk.current_user.is_authenticated else None
    except (AttributeError, RuntimeError):  # outside a request: commands and jobs are not the region
        return None


def regional_source_ids() -> list[str]:
    return [r[0] for r in model.Session.query(HarvestSource.id).filter(HarvestSource.type == SOURCE_TYPE)]


def _regional_packages():
    """Packages with a harvest object from a ``liuzhou_region`` source (any run)."""
    return (sa.select(HarvestObject.package_id)
            .join(HarvestSource, HarvestSource.id == HarvestObject.harvest_source_id)
            .where(HarvestSource.type == SOURCE_TYPE, HarvestObject.package_id.isnot(None)))


def is_regional(package_id: str | None) -> bool:
    if not package_id:
        return False
    return model.Session.execute(
        sa.select(sa.literal(1)).where(sa.exists(_regional_packages().where(
            HarvestObject.package_id == package_id)))).first() is not None


def search_filters() -> list[str]:
    """Solr filters (each its own ``fq``, so a caller's ``fq`` cannot undo them) that leave out
    regional entries and harvest sources."""
    filters = ["-dataset_type:harvest"]
    ids = regional_source_ids()
    if ids:
        filters.append("-harvest_source_id:(%s)" % " OR ".join(f'"{i}"' for i in ids))
    return filters


def before_dataset_search(search_params: dict) -> dict:
    """IPackageController.before_dataset_search: the region's account does not see regional
    entries (nor harvest sources) in any search it makes."""
    if is_region_account(_current_user()):
        exclude_regional(search_params)
    return search_params


def exclude_regional(data_dict: dict) -> dict:
    """Add the filters to a package_search ``data_dict`` (for a caller that knows the user is
    the region's account)."""
    fq_list = data_dict.get("fq_list") or []
    data_dict["fq_list"] = [*([fq_list] if isinstance(fq_list, str) else fq_list), *search_filters()]
    return data_dict


def refuse_show(context: dict, pkg_dict: dict) -> None:
    """after_dataset_show: a regional entry or a harvest source is "not found" for the region."""
    if context.get("ignore_auth"):
        return
    user = context.get("auth_user_obj") or context.get("user") or _current_user()
    if not is_region_account(user):
        return
    if pkg_dict.get("type") == "harvest" or is_regional(pkg_dict.get("id")):
        raise tk.ObjectNotFound(tk._("Dataset not found"))


@tk.chained_action
@tk.side_effect_free
def package_list(original, context, data_dict):
    """CKAN's package_list, without regional entries and harvest sources for the region."""
    if context.get("ignore_auth") or not is_region_account(
            context.get("auth_user_obj") or context.get("user") or _current_user()):
        return original(context, data_dict)
    tk.check_access("package_list", context, data_dict)
    from ckan.logic.schema import default_pagination_schema
    data_dict, errors = tk.navl_validate(data_dict, default_pagination_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    p = model.package_table
    col = p.c["id"] if context.get("api_version", 1) == 2 else p.c["name"]
    query = (sa.select(col).where(p.c["state"] == "active", p.c["private"].is_(False),
                                  p.c["type"] != "harvest", p.c["id"].notin_(_regional_packages()))
             .order_by(col))
    limit, offset = data_dict.get("limit"), data_dict.get("offset")
    if limit:
        query = query.limit(int(limit))
    if offset:
        query = query.offset(int(offset))
    return model.Session.scalars(query).all()
