"""The cascade's health: last run of each direction, counts, errors."""
from __future__ import annotations

import ckan.model as model
from ckanext.harvest.model import (HarvestGatherError, HarvestJob, HarvestObject,
                                   HarvestObjectError, HarvestSource)

from .. import config as lz_config
from . import negative_list
from .harvester import SOURCE_TYPE
from .model import CascadeEntry


def _job(job: HarvestJob | None) -> dict | None:
    if job is None:
        return None
    objects = model.Session.query(HarvestObject).filter(HarvestObject.harvest_job_id == job.id)
    gather_errors = [e.message for e in model.Session.query(HarvestGatherError)
                     .filter(HarvestGatherError.harvest_job_id == job.id)]
    object_errors = [e.message for e in model.Session.query(HarvestObjectError)
                     .join(HarvestObject).filter(HarvestObject.harvest_job_id == job.id)]
    return {"id": job.id, "status": job.status,
            "started": job.gather_started.isoformat() if job.gather_started else None,
            "finished": job.finished.isoformat() if job.finished else None,
            "objects": objects.count(), "errors": gather_errors + object_errors}


def report() -> dict:
    down = []
    for source in model.Session.query(HarvestSource).filter(HarvestSource.type == SOURCE_TYPE,
                                                             HarvestSource.active.is_(True)):
        last = (model.Session.query(HarvestJob).filter(HarvestJob.source_id == source.id)
                .order_by(HarvestJob.created.desc()).first())
        down.append({"source": source.id, "url": source.url, "title": source.title,
                     "entries": model.Session.query(CascadeEntry)
                     .filter(CascadeEntry.source_id == source.id).count(),
                     "entries_with_markers": model.Session.query(CascadeEntry)
                     .filter(CascadeEntry.source_id == source.id,
                             CascadeEntry.missing_fields != []).count(),
                     "last_job": _job(last)})
    region_user = lz_config.region_user()
    user = model.User.get(region_user) if region_user else None
    up = {"account": region_user or None,
          "last_active": user.last_active.isoformat() if user and user.last_active else None,
          # the city's own public entries (regional ones do not go back up)
          "entries_visible": model.Session.query(model.Package).filter(
              model.Package.state == "active", model.Package.type == "catalog",
              model.Package.private.is_(False),
              ~model.Package.id.in_(model.Session.query(CascadeEntry.package_id))).count()}
    version = negative_list.latest()
    return {"down": down, "up": up,
            "negative_list": negative_list.version_dict(version) if version else None,
            "negative_list_flags": len(negative_list.flags(version)) if version else None}
