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
import re
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Optional
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.munge import munge_title_to_name
from ckan.model.types import make_uuid
from ckanext.harvest.harvesters.ckanharvester import CKANHarvester, ContentFetchError, SearchError
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from . import mapping
from .model import CascadeEntry, utcnow

log = logging.getLogger(__name__)

SOURCE_TYPE = "liuzhou_region"
#: regional entries saved per transaction
BATCH = 200
#: entries asked for per page of the regional catalog's listing (the region's
#: ``ckan.search.rows_max``, 1,000 by default, may give fewer: the next page starts after
#: what the last one gave)
PAGE_ROWS = 1000
#: what the listing asks for of each entry: enough to know whether the city has it as it is
LIST_FIELDS = ("id", "name", "metadata_modified")
#: entries fetched whole per request (their ids in the query: a URL under gunicorn's and
#: nginx's 4 KB request line)
FETCH_IDS = 64

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

    # --- the listing of the regional catalog ----------------------------------------------

    def _search_page(self, base_url: str, params: dict) -> list[dict]:
        url = base_url + self._get_search_api_offset() + "?" + urlencode(params)
        try:
            content = self._get_content(url)
        except ContentFetchError as e:
            raise SearchError(f"Error sending request to search remote CKAN instance {base_url} "
                              f"using URL {url!r}. Error: {e}")
        try:
            results = json.loads(content)["result"]["results"]
        except (ValueError, KeyError, TypeError):
            raise SearchError(f"Response from remote CKAN was not JSON with result/results: {content[:500]!r}")
        if not isinstance(results, list):
            raise SearchError(f"Response from remote CKAN has no list of results: {content[:500]!r}")
        return results

    def _list_datasets(self, base_url: str, fq_terms: Optional[list] = None) -> list[dict]:
        """Every entry of the regional catalog as ``{id, name, metadata_modified}``, ``PAGE_ROWS``
        a page in id order (an entry changed while paging and met twice is kept once)."""
        params = {"rows": str(PAGE_ROWS), "start": "0", "sort": "id asc", "fl": ",".join(LIST_FIELDS)}
        if fq_terms:
            params["fq"] = " ".join(fq_terms)
        out: list[dict] = []
        seen: set[str] = set()
        start = 0
        while True:
            params["start"] = str(start)
            page = self._search_page(base_url, params)
            if not page:
                return out
            start += len(page)
            for pkg in page:
                if pkg.get("id") and pkg["id"] not in seen:
                    seen.add(pkg["id"])
                    out.append(pkg)

    def _search_for_datasets(self, remote_ckan_base_url, fq_terms=None):
        """The regional catalog: the listing (:meth:`_list_datasets`), then the whole entry of
        those the city does not have as they are (new, or newer at the region), ``FETCH_IDS``
        a request. An unchanged entry stays ``{id, name, metadata_modified}``: the import finds
        it "not modified" from these alone (:meth:`_not_newer`)."""
        listed = self._list_datasets(remote_ckan_base_url, fq_terms)
        here = {r.id: r.metadata_modified for r in model.Session.query(
            model.Package.id, model.Package.metadata_modified).filter(
                model.Package.id.in_([p["id"] for p in listed]))} if listed else {}
        # without the bulk path the stock import stage reads every entry whole
        wanted = [p["id"] for p in listed
                  if _bulk is None or not listed_not_newer(p.get("metadata_modified"), here.get(p["id"]))]
        whole: dict[str, dict] = {}
        for start in range(0, len(wanted), FETCH_IDS):
            ids = wanted[start:start + FETCH_IDS]
            params = {"rows": str(len(ids)), "start": "0", "sort": "id asc",
                      "fq": " ".join([*(fq_terms or []), "+id:(%s)" % " OR ".join(f'"{i}"' for i in ids)])}
            for pkg in self._search_page(remote_ckan_base_url, params):
                whole[pkg["id"]] = pkg
        # an entry gone between the listing and its fetch is gone: not in the list
        return [whole.get(p["id"], p) for p in listed if p["id"] in whole or p["id"] not in wanted]

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
        held = getattr(_collecting, "held", None)  # the batch's names, read at once
        if held is not None:
            found = held.get(name)
            if found is None or found.id == package_id:
                return name
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
    def _contents(objects: list) -> dict[str, Any]:
        """Each object's regional entry, parsed once for the batch (None: not a JSON object)."""
        out: dict[str, Any] = {}
        for obj in objects:
            try:
                content = json.loads(obj.content or "")
            except ValueError:
                content = None
            out[obj.id] = content if isinstance(content, dict) else None
        return out

    @staticmethod
    def _not_newer(objects: list, contents: dict[str, Any], local: dict[str, tuple]) -> set[str]:
        """The objects whose regional entry is not newer than the city's copy: what the stock
        import stage would find "not modified" after mapping it (``local``: the batch's
        entries here, read in one query)."""
        out = set()
        for obj in objects:
            content = contents.get(obj.id)
            if not content or not content.get("id") or not content.get("metadata_modified") \
                    or content.get("type") == "harvest":
                continue
            here = local.get(content["id"])
            if here is not None and here.metadata_modified is not None \
                    and content["metadata_modified"] <= here.metadata_modified.isoformat():
                out.add(obj.id)
        return out

    @staticmethod
    def _local(contents: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, CascadeEntry]]:
        """What the city holds for a batch, in three queries: its entries by id and by the
        stable names the batch would take, and their cascade records."""
        ids = [c["id"] for c in contents.values() if c and c.get("id")]
        names = [mapping.local_name(c["name"]) for c in contents.values() if c and c.get("name")]
        columns = (model.Package.id, model.Package.name, model.Package.state, model.Package.metadata_modified)
        by_id = {r.id: r for r in model.Session.query(*columns).filter(model.Package.id.in_(ids))} if ids else {}
        by_name = ({r.name: r for r in model.Session.query(*columns).filter(model.Package.name.in_(names))}
                   if names else {})
        entries = ({e.package_id: e for e in model.Session.query(CascadeEntry).filter(CascadeEntry.package_id.in_(ids))}
                   if ids else {})
        return by_id, by_name, entries

    def _import_batch(self, objects: list) -> list[str]:
        now = datetime.datetime.utcnow
        prepared: list[tuple[dict, Any]] = []
        contents = self._contents(objects)
        local, held, cascade = self._local(contents)
        looked_up = {mapping.local_name(c["name"]) for c in contents.values() if c and c.get("name")}
        unchanged = self._not_newer(objects, contents, local)
        plain = self._plain_source(objects[0]) if objects else None
        at = now()
        _set(objects=[o for o in objects if o.id in unchanged], fetch_started=at, fetch_finished=at,
             import_started=at, import_finished=at, state="COMPLETE", report_status="not modified")
        _set(objects=[o for o in objects if o.id not in unchanged], fetch_started=at, fetch_finished=at,
             import_started=at, state="IMPORT")
        _collecting.held = held
        try:
            for obj in objects:  # the stock import stage, up to the save
                if obj.id in unchanged:
                    continue
                _collecting.batch = []
                try:
                    result = (self._prepare(obj, plain, contents.get(obj.id)) if plain is not None
                              else super().import_stage(obj))
                    collected = _collecting.batch
                finally:
                    _collecting.batch = None
                if collected:
                    prepared.append(collected[0])
                else:  # refused before saving (an error is recorded), or a harvest source
                    obj.import_finished = now()
                    obj.state = "COMPLETE" if result else "ERROR"
                    obj.report_status = "not modified" if result else "errored"
                    model.Session.add(obj)
        finally:
            _collecting.held = None
        entries, plans = [], []
        keep = tk.aslist(tk.config.get("ckan.harvest.not_overwrite_fields"))
        for package_dict, obj in prepared:
            here = local.get(package_dict["id"])
            if here is not None:
                package_dict["name"] = here.name
                remote = package_dict.get("metadata_modified")
                if remote and remote <= here.metadata_modified.isoformat():
                    obj.import_finished, obj.state, obj.report_status = now(), "COMPLETE", "not modified"
                    model.Session.add(obj)
                    continue
                if keep:
                    existing = model.Package.get(package_dict["id"])
                    for field in keep:
                        if field in package_dict and hasattr(existing, field):
                            package_dict[field] = getattr(existing, field)
            elif not self._free_as_is(package_dict["name"], held, looked_up):
                package_dict["name"] = self._gen_new_name(package_dict["name"])
            remote_id = contents[obj.id]["id"]
            returning = here is not None and remote_id not in cascade
            entry = {k: v for k, v in package_dict.items() if k not in ("metadata_modified", "metadata_created")}
            entries.append(entry)
            plans.append((obj, returning))
        model.Session.commit()  # the objects' states; the batch's own transaction starts here
        if not entries:
            return []

        def record(outcomes: list) -> None:
            saved = [(obj, outcome) for (obj, _), outcome in zip(plans, outcomes) if outcome.action != _bulk.REFUSED]
            if not saved:
                return
            # the entries' earlier harvest objects are no longer current: one statement
            model.Session.query(HarvestObject).filter(
                HarvestObject.package_id.in_([outcome.id for _, outcome in saved]),
                HarvestObject.id.notin_([obj.id for obj, _ in saved])).update(
                    {"current": False}, synchronize_session=False)
            _set_packages([(obj, outcome.id) for obj, outcome in saved])
            for obj, outcome in saved:
                self._record(obj, outcome.id, cascade)
        site = self._get_user_name()
        context = {"user": site, _bulk.BEFORE_COMMIT: record}
        outcomes = _bulk.save_many(context, entries)
        at = now()
        statuses: dict[str, list] = {}
        for (obj, returning), outcome in zip(plans, outcomes):
            if outcome.action == _bulk.REFUSED:
                obj.import_finished, obj.state, obj.report_status = at, "ERROR", "errored"
                self._save_object_error(f"Invalid package with GUID {obj.guid}: {outcome.errors!r}", obj, "Import")
                model.Session.add(obj)
                continue
            status = ("not modified" if outcome.action == _bulk.UNCHANGED
                      else "added" if outcome.action == _bulk.CREATE and not returning else "updated")
            statuses.setdefault(status, []).append(obj)
        for status, objs in statuses.items():
            _set(objects=objs, import_finished=at, state="COMPLETE", report_status=status)
        model.Session.commit()
        return []

    @staticmethod
    def _free_as_is(name: str, held: dict, looked_up: set[str]) -> bool:
        """A new entry's stable name needs no other: it was looked up with the batch and
        nobody here holds it, and CKAN's munging (what ``_gen_new_name`` would make of it)
        leaves it as it is."""
        return name in looked_up and name not in held and re.sub("-+", "-", munge_title_to_name(name)) == name

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

    def _prepare(self, harvest_object, plain: dict, content: Optional[dict] = None):
        """The stock import stage for a source without its options (the remote groups and
        organization dropped, the source's department as owner, no url_type nor revision_id
        on resources), then this harvester's mapping; the entry is collected, not saved."""
        try:
            package_dict = content if content is not None else json.loads(harvest_object.content)
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

    def _record(self, harvest_object, package_id: str, known: Optional[dict] = None) -> None:
        """The entry's cascade record: where it comes from, what the region did not give
        (``known``: the batch's records, read at once)."""
        remote_name, missing, code, remote_modified = harvest_object._liuzhou
        entry = (known.get(package_id) if known is not None else CascadeEntry.get(package_id)) \
            or CascadeEntry(package_id=package_id)
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


def _utc(value: Any) -> Optional[datetime.datetime]:
    """A naive UTC datetime from a datetime or an ISO text (``…Z`` or ``+00:00`` or naive)."""
    if isinstance(value, datetime.datetime):
        t = value
    else:
        try:
            t = datetime.datetime.fromisoformat(str(value or "").replace("Z", "+00:00"))
        except ValueError:
            return None
    if t.tzinfo is not None:
        t = t.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return t


def listed_not_newer(listed: Optional[str], here: Any) -> bool:
    """Whether an entry as the listing gives it (Solr's ``metadata_modified``: UTC to the
    millisecond, ``…T09:55:31.712Z``) is not newer than ``here``, the city's copy (a datetime
    or an ISO text to the microsecond): compared to the millisecond, the listing's precision."""
    there, here = _utc(listed) if listed else None, _utc(here) if here else None
    if there is None or here is None:
        return False
    return there.replace(microsecond=there.microsecond // 1000 * 1000) <= \
        here.replace(microsecond=here.microsecond // 1000 * 1000)


def _set(objects: list, **values) -> None:
    """The same values on many harvest objects: one UPDATE (the ORM would send one a row), and
    the objects in the session hold them as their stored values."""
    if not objects:
        return
    model.Session.query(HarvestObject).filter(HarvestObject.id.in_([o.id for o in objects])).update(
        values, synchronize_session=False)
    for obj in objects:
        for key, value in values.items():
            set_committed_value(obj, key, value)


def _set_packages(pairs: list) -> None:
    """Harvest objects made current for the entries they saved, ``[(object, package id)]``: one
    UPDATE for all."""
    if not pairs:
        return
    rows = ", ".join(f"(:o{i}, :p{i})" for i in range(len(pairs)))
    params = {}
    for i, (obj, package_id) in enumerate(pairs):
        params[f"o{i}"], params[f"p{i}"] = obj.id, package_id
    model.Session.execute(sa.text(
        f"UPDATE harvest_object SET package_id = v.p, current = true FROM (VALUES {rows}) AS v(o, p) "
        "WHERE harvest_object.id = v.o"), params)
    for obj, package_id in pairs:
        set_committed_value(obj, "package_id", package_id)
        set_committed_value(obj, "current", True)


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
