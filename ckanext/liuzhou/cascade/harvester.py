"""The regional platform's harvester: ckanext-harvest's CKAN harvester, as a mirror (Art 9, 23).

On top of the stock harvester: every run lists the whole regional catalog (a mirror needs
the full list to see deletions and entries turned private), each regional entry is mapped
onto the catalog schema (:mod:`.mapping`), and the entries that left the regional catalog are
removed here through harvest objects of their own, so each removal is part of the job and its
errors are reported in it. Names (``gx-<regional name>``) and ids (the regional ones, for
entries and resources) are stable across runs.

The regional entries are imported at the end of the gather stage, ``BATCH`` at a time, through
the catalog's bulk path (``catalog/bulk.py`` ``save_many``: the form's schema and rules, one
transaction and one Solr commit per batch): each object goes through the stock import stage
up to the point where it would save (the stock options, the mapping, the stable name), an
entry whose regional ``metadata_modified`` is not newer than the city's copy is "not modified"
without a write, and the others are saved together with their harvest objects and cascade
records. Only the removals, and objects a batch could not take, are left to the import stage.
"""
from __future__ import annotations

import datetime
import json
import logging
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid
from ckanext.harvest.harvesters.ckanharvester import CKANHarvester
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from . import mapping
from .model import CascadeEntry, utcnow

log = logging.getLogger(__name__)

SOURCE_TYPE = "liuzhou_region"
#: regional entries saved per transaction
BATCH = 200

_collecting = threading.local()
#: the catalog's bulk path (``catalog/bulk.py``), handed over by ``registry.py``: the cascade
#: does not import the catalog, whose search stands on the cascade. Without it, each regional
#: entry is imported by the import stage, one at a time.
_bulk: Any = None


@contextmanager
def _objects_saved_together() -> Iterator[None]:
    """While the stock gather stage runs, a harvest object's ``save()`` adds it to the session
    (with its id) instead of committing it alone: the job's objects are committed together
    after it, one commit instead of one per regional entry."""
    original = HarvestObject.save

    def save(self):
        if getattr(_collecting, "deferred_saves", False):
            if not self.id:
                self.id = make_uuid()
            model.Session.add(self)
        else:
            original(self)
    if not getattr(original, "_liuzhou", False):
        save._liuzhou = True
        HarvestObject.save = save
    _collecting.deferred_saves = True
    try:
        yield
    finally:
        _collecting.deferred_saves = False


def use_bulk_path(module: Any) -> None:
    """Save the regional entries of a job through ``module.save_many`` (catalog/bulk.py)."""
    global _bulk
    _bulk = module


class LiuzhouRegionHarvester(CKANHarvester):
    """Harvest source type ``liuzhou_region``: the autonomous-region platform (a CKAN)."""
    p.implements(IHarvester)

    def __new__(cls, *args, **kwargs):
        # SingletonPlugin keeps its instance in a class attribute that a subclass would
        # inherit from CKANHarvester (then both plugins are the stock harvester): own it here
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
        return cls._instance

    def info(self):
        return {
            "name": SOURCE_TYPE,
            "title": "自治区数据共享平台（级联）",
            "description": "Mirror of the Guangxi autonomous-region platform's catalog, mapped onto the city catalog",
            "form_config_interface": "Text",
        }

    # a mirror: always the whole list (deletions and visibility changes need it)
    def last_error_free_job(self, harvest_job):
        return None

    def gather_stage(self, harvest_job):
        if _bulk is not None:
            with _objects_saved_together():
                ids = super().gather_stage(harvest_job)
            model.Session.commit()
        else:
            ids = super().gather_stage(harvest_job)
        if ids is None:
            return None  # the search failed: the error is in the job; remove nothing
        remote_ids = {o.guid for o in model.Session.query(HarvestObject.guid)
                      .filter(HarvestObject.harvest_job_id == harvest_job.id)}
        own = city_own(remote_ids)
        if own:
            # the region's copies of the city's own entries (harvested up): never mirrored
            # back down over the originals
            for obj in (model.Session.query(HarvestObject)
                        .filter(HarvestObject.harvest_job_id == harvest_job.id, HarvestObject.guid.in_(own))):
                ids = [i for i in ids if i != obj.id]
                for extra in obj.extras:
                    model.Session.delete(extra)
                model.Session.delete(obj)
            model.Session.commit()
            log.info("%d regional entries are copies of the city's own entries: skipped", len(own))
        if not remote_ids:
            # super() reported "No datasets found"; an empty regional catalog is not trusted
            # to mean "delete everything" — nothing is removed until it lists entries again
            return ids
        gone = (model.Session.query(CascadeEntry)
                .filter(CascadeEntry.source_id == harvest_job.source.id)
                .filter(~CascadeEntry.remote_id.in_(remote_ids)).all())
        removals = []
        for entry in gone:
            obj = HarvestObject(guid=entry.remote_id, job=harvest_job, package_id=entry.package_id,
                                content=json.dumps({"id": entry.remote_id}),
                                extras=[HarvestObjectExtra(key="status", value="delete")])
            obj.save()
            removals.append(obj.id)
        # removals first: a regional entry deleted and made again under the same name in one
        # run frees its name here before the new one is imported
        if _bulk is None:
            return removals + ids
        for obj_id in removals:
            self.fetch_and_import_one(HarvestObject.get(obj_id))
        return self.import_many(ids)

    def modify_package_dict(self, package_dict, harvest_object):
        remote_modified = package_dict.get("metadata_modified")
        pkg, missing, code = mapping.to_catalog(package_dict, package_dict.get("owner_org")
                                                or _source_org(harvest_object))
        pkg["metadata_modified"] = remote_modified
        pkg["name"] = self._free_name(pkg["name"], pkg["id"])
        harvest_object._liuzhou = (package_dict["name"], missing, code, remote_modified)
        return pkg

    def _free_name(self, name: str, package_id: str) -> str:
        """The entry's stable name, unless another entry holds it: a regional entry deleted
        here (the region deleted it and made a new one of the same name) is purged; a city
        entry keeps its name and the regional one gets its id's first characters appended."""
        holder = model.Package.by_name(name)
        if holder is None or holder.id == package_id:
            return name
        harvested = model.Session.query(HarvestObject.id).filter(HarvestObject.package_id == holder.id).first()
        if holder.state == "deleted" and harvested and not CascadeEntry.get(holder.id):
            tk.get_action("dataset_purge")({"user": self._get_user_name(), "ignore_auth": True}, {"id": holder.id})
            return name
        return f"{name[:91]}-{package_id[:8]}"

    # --- the batched import -----------------------------------------------------------

    @staticmethod
    def fetch_and_import_one(obj) -> None:
        from ckanext.harvest import queue
        queue.fetch_and_import_stages(queue.get_harvester(SOURCE_TYPE), obj)

    def _create_or_update_package(self, package_dict, harvest_object, package_dict_form="rest"):
        batch = getattr(_collecting, "batch", None)
        if batch is None:
            return super()._create_or_update_package(package_dict, harvest_object, package_dict_form)
        batch.append((package_dict, harvest_object))
        return "collected"

    def import_many(self, ids: list[str]) -> list[str]:
        """Import the job's objects ``ids`` in batches; the ids left to the import stage."""
        left: list[str] = []
        for start in range(0, len(ids), BATCH):
            wanted = ids[start:start + BATCH]
            found = {o.id: o for o in model.Session.query(HarvestObject).filter(HarvestObject.id.in_(wanted))}
            chunk = [found[i] for i in wanted if i in found]
            try:
                left += self._import_batch(chunk)
            except Exception:
                log.exception("a batch of %d regional entries failed: left to the import stage", len(chunk))
                model.Session.rollback()
                left += [o.id for o in chunk if o is not None and o.state in ("WAITING", "FETCH", "IMPORT")]
        return left

    @staticmethod
    def _not_newer(objects: list) -> set[str]:
        """The objects whose regional entry is not newer than the city's copy: what the stock
        import stage would find "not modified" after mapping it (one query for the batch)."""
        remote = {}
        for obj in objects:
            try:
                content = json.loads(obj.content or "")
            except ValueError:
                continue
            if isinstance(content, dict) and content.get("id") and content.get("metadata_modified") \
                    and content.get("type") != "harvest":
                remote[content["id"]] = (obj.id, content["metadata_modified"])
        if not remote:
            return set()
        rows = model.Session.query(model.Package.id, model.Package.metadata_modified).filter(
            model.Package.id.in_(list(remote)))
        return {remote[pid][0] for pid, modified in rows
                if modified is not None and remote[pid][1] <= modified.isoformat()}

    def _import_batch(self, objects: list) -> list[str]:
        now = datetime.datetime.utcnow
        prepared: list[tuple[dict, Any]] = []
        unchanged = self._not_newer(objects)
        plain = self._plain_source(objects[0]) if objects else None
        for obj in objects:  # the stock import stage, up to the save
            obj.fetch_started = obj.fetch_finished = obj.import_started = now()
            if obj.id in unchanged:
                obj.import_finished, obj.state, obj.report_status = now(), "COMPLETE", "not modified"
                continue
            obj.state = "IMPORT"
            _collecting.batch = []
            try:
                result = self._prepare(obj, plain) if plain is not None else super().import_stage(obj)
                collected = _collecting.batch
            finally:
                _collecting.batch = None
            if collected:
                prepared.append(collected[0])
            else:  # refused before saving (an error is recorded), or a harvest source
                obj.import_finished = now()
                obj.state = "COMPLETE" if result else "ERROR"
                obj.report_status = "not modified" if result else "errored"
        entries, plans = [], []
        for package_dict, obj in prepared:
            existing = model.Package.get(package_dict["id"])
            if existing is not None:
                package_dict["name"] = existing.name
                remote = package_dict.get("metadata_modified")
                if remote and remote <= existing.metadata_modified.isoformat():
                    obj.import_finished, obj.state, obj.report_status = now(), "COMPLETE", "not modified"
                    continue
                for field in tk.aslist(tk.config.get("ckan.harvest.not_overwrite_fields")):
                    if field in package_dict and hasattr(existing, field):
                        package_dict[field] = getattr(existing, field)
            else:
                package_dict["name"] = self._gen_new_name(package_dict["name"])
            remote_id = json.loads(obj.content)["id"]
            returning = existing is not None and CascadeEntry.get(remote_id) is None
            entry = {k: v for k, v in package_dict.items() if k not in ("metadata_modified", "metadata_created")}
            entries.append(entry)
            plans.append((obj, returning))
        model.Session.commit()  # the objects' states; the batch's own transaction starts here
        if not entries:
            return []

        def record(outcomes: list) -> None:
            for (obj, returning), outcome in zip(plans, outcomes):
                if outcome.action == _bulk.REFUSED:
                    continue
                model.Session.query(HarvestObject).filter(
                    HarvestObject.package_id == outcome.id, HarvestObject.id != obj.id).update({"current": False})
                obj.package_id, obj.current = outcome.id, True
                self._record(obj, outcome.id)
        site = self._get_user_name()
        context = {"user": site, _bulk.BEFORE_COMMIT: record}
        outcomes = _bulk.save_many(context, entries)
        for (obj, returning), outcome in zip(plans, outcomes):
            obj.import_finished, obj.state = now(), "COMPLETE"
            if outcome.action == _bulk.REFUSED:
                self._save_object_error(f"Invalid package with GUID {obj.guid}: {outcome.errors!r}", obj, "Import")
                obj.state, obj.report_status = "ERROR", "errored"
            elif outcome.action == _bulk.UNCHANGED:
                obj.report_status = "not modified"
            else:
                obj.report_status = "added" if outcome.action == _bulk.CREATE and not returning else "updated"
            model.Session.add(obj)
        model.Session.commit()
        return []

    #: the stock import stage's options (ckanext-harvest's CKAN harvester)
    STOCK_OPTIONS = ("default_tags", "remote_groups", "remote_orgs", "default_groups", "default_extras",
                     "clean_tags", "force_all")

    def _plain_source(self, harvest_object) -> Optional[dict]:
        """For a source that sets none of the stock import options: what the stock import stage
        would take from its configuration and its dataset (the owner), read once per batch."""
        self._set_config(harvest_object.job.source.config)
        if any(self.config.get(k) for k in self.STOCK_OPTIONS):
            return None
        source = model.Package.get(harvest_object.job.source.id)
        return {"owner_org": source.owner_org if source else None}

    def _prepare(self, harvest_object, plain: dict):
        """The stock import stage for a source without its options (the remote groups and
        organization dropped, the source's department as owner, no url_type nor revision_id
        on resources), then this harvester's mapping; the entry is collected, not saved."""
        try:
            package_dict = json.loads(harvest_object.content)
            if package_dict.get("type") == "harvest":
                return True
            package_dict.pop("groups", None)
            package_dict["owner_org"] = plain["owner_org"]
            for resource in package_dict.get("resources", []):
                resource.pop("url_type", None)
                resource.pop("revision_id", None)
            package_dict = self.modify_package_dict(package_dict, harvest_object)
            return self._create_or_update_package(package_dict, harvest_object, package_dict_form="package_show")
        except Exception as e:
            self._save_object_error("%s" % e, harvest_object, "Import")
            return None

    def _record(self, harvest_object, package_id: str) -> None:
        """The entry's cascade record: where it comes from, what the region did not give."""
        remote_name, missing, code, remote_modified = harvest_object._liuzhou
        entry = CascadeEntry.get(package_id) or CascadeEntry(package_id=package_id)
        entry.source_id = harvest_object.source.id if harvest_object.source else harvest_object.job.source.id
        entry.remote_id = harvest_object.guid
        entry.remote_name = remote_name
        entry.remote_resource_code = code
        entry.missing_fields = missing
        entry.remote_modified = remote_modified
        entry.harvested_at = utcnow()
        model.Session.add(entry)

    def import_stage(self, harvest_object):
        if _extra(harvest_object, "status") == "delete":
            return self._delete(harvest_object)
        remote_id = json.loads(harvest_object.content)["id"]
        # an entry removed here earlier (deleted or made private at the region) that comes back
        returning = CascadeEntry.get(remote_id) is None and model.Package.get(remote_id) is not None
        result = super().import_stage(harvest_object)
        if result is True and getattr(harvest_object, "_liuzhou", None):
            remote_name, missing, code, remote_modified = harvest_object._liuzhou
            package_id = harvest_object.package_id or remote_id
            if returning:
                # the stock harvester updates the entry before it flags its new harvest object
                # current, and the removal left none current: indexed then, the entry lacked
                # harvest_source_id, the mark that keeps it from going back up to the region
                # (upward.search_filters). Indexed again now that its object is current.
                from ckan.lib.search import rebuild
                rebuild(package_id)
            self._record(harvest_object, package_id)
            model.Session.commit()
        return result

    def _delete(self, harvest_object):
        entry = CascadeEntry.get(harvest_object.package_id)
        context = {"model": model, "session": model.Session, "user": self._get_user_name(),
                   "ignore_auth": True}
        try:
            tk.get_action("package_delete")(context, {"id": harvest_object.package_id})
        except tk.ObjectNotFound:
            pass
        model.Session.query(HarvestObject).filter(
            HarvestObject.package_id == harvest_object.package_id).update({"current": False})
        if entry is not None:
            model.Session.delete(entry)
        model.Session.commit()
        log.info("regional entry %s left the regional catalog: removed", harvest_object.guid)
        return True


def run_now(source_id_or_name: str) -> dict:
    """A job of the source run in this process, without the Redis queues; its harvest_job_show.

    ``ckan harvester run-test`` is not that: it makes its job with ckanext-harvest's
    ``harvest_job_create``, which also puts the job on the gather queue, so running consumers
    run the same job at the same time (the second import of each new entry then fails)."""
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob
    context = {"model": model, "session": model.Session,
               "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    source = tk.get_action("harvest_source_show")(dict(context), {"id": source_id_or_name})
    job = tk.get_action("harvest_job_create")(dict(context), {"source_id": source["id"], "run": False})
    job_obj = HarvestJob.get(job["id"])
    job_obj.status = "Running"  # what harvest_send_job_to_gather_queue would do
    job_obj.save()
    harvester = queue.get_harvester(source["source_type"])
    for object_id in queue.gather_stage(harvester, job_obj) or []:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})  # marks it finished
    model.Session.remove()
    return tk.get_action("harvest_job_show")(dict(context), {"id": job["id"]})


def city_own(remote_ids) -> set[str]:
    """Those of ``remote_ids`` that are the ids of the city's own entries (a package here that
    is not a regional mirror): the region harvested them from the city, keeping their ids."""
    if not remote_ids:
        return set()
    from ckanext.harvest.model import HarvestSource
    local = {r[0] for r in model.Session.query(model.Package.id).filter(model.Package.id.in_(list(remote_ids)))}
    if not local:
        return set()
    mirrored = {r[0] for r in model.Session.query(CascadeEntry.package_id)
                .filter(CascadeEntry.package_id.in_(list(local)))}
    # a regional entry removed here (deleted or made private at the region) has no CascadeEntry
    # any more but keeps its harvest objects (pruning keeps each entry's last one)
    mirrored |= {r[0] for r in model.Session.query(HarvestObject.package_id)
                 .join(HarvestSource, HarvestSource.id == HarvestObject.harvest_source_id)
                 .filter(HarvestSource.type == SOURCE_TYPE, HarvestObject.package_id.in_(list(local)))}
    return local - mirrored


def _extra(harvest_object, key: str) -> str | None:
    return next((e.value for e in harvest_object.extras if e.key == key), None)


def _source_org(harvest_object) -> str | None:
    source = model.Package.get(harvest_object.job.source.id)
    return source.owner_org if source else None
