"""Search over the catalog: facets with Chinese labels, filters by level and subtree."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

_ = tk._


def dataset_facets(facets_dict, package_type: str):
    """The catalog's facets (classification, sharing, provider, level, cycle, format, open)."""
    if package_type != "catalog":
        return facets_dict
    facets_dict.clear()
    facets_dict["classification"] = _("Classification")
    facets_dict["sharing_type"] = _("Sharing type")
    facets_dict["organization"] = _("Provider")
    facets_dict["provider_level"] = _("Level")
    facets_dict["update_cycle"] = _("Update cycle")
    facets_dict["format_category"] = _("Format category")
    facets_dict["open_attribute"] = _("Open-data attribute")
    facets_dict["tags"] = _("Keywords")
    return facets_dict


def before_dataset_search(search_params: dict) -> dict:
    return search_params
