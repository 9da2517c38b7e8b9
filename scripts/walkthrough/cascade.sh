#!/usr/bin/env bash
# Walkthrough of the cascade (Art 9, 23; docs/cascade.md, "Demo with a second local instance"), scripted:
# the demo portal (http://127.0.0.1:5000, `make serve`) and the regional platform of `make region`
# (http://127.0.0.1:5001; started here when it is not running).
#   a) region → city: a liuzhou_region harvest source made through the API as `sysadmin`, a dry
#      run, a job through the Redis queues (the portal's consumers), the regional entries found
#      by package_search q=广西, markers, the banner, read-only; then the mirror: a title change
#      and an entry made private at the region, rerun, and back;
#   b) the negative list: `ckan liuzhou negative-list sync --url <its URL at the region>`, flags;
#   c) city → region: the account gx_region; ckanext.liuzhou.cascade.region_user is read from
#      the configuration at start-up, so instead of restarting the shared portal a second web
#      server of the same portal (same .stack/ckan.ini, database, core) runs on $UP_PORT (5071)
#      with that one option added; the region harvests it with a stock CKAN harvester;
#   d) `ckan liuzhou cascade health`.
# Each step prints what it checks; the script exits non-zero at the first failure.
#   bash scripts/walkthrough/cascade.sh
set -euo pipefail
source "$(dirname "$0")/../env.sh"
CITY_URL="http://127.0.0.1:$CKAN_PORT"
CITY_INI="$STACK_DIR/ckan.ini"
REGION_PORT="${REGION_PORT:-5001}"
REGION_URL="http://127.0.0.1:$REGION_PORT"
REGION_INI="$STACK_DIR/region/region.ini"
UP_PORT="${UP_PORT:-5071}"
UP_URL="http://127.0.0.1:$UP_PORT"
WORK="$STACK_DIR/walkthrough"
mkdir -p "$WORK"
# the portal's ckan commands, as `make serve` runs them
export CKAN_INI="$CITY_INI"
export CKAN_SQLALCHEMY_URL="postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/ckan"
export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan"
export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CKAN_SITE_URL="$CITY_URL"
city() { "$CKAN" -c "$CITY_INI" "$@"; }
region() { env -u CKAN_SQLALCHEMY_URL -u CKAN_SOLR_URL -u CKAN_REDIS_URL -u CKAN_SITE_URL -u CKAN_INI "$CKAN" -c "$REGION_INI" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
token() { city user token add "$1" walkthrough-cascade 2>/dev/null | tail -1 | tr -d '\t '; }

step "0. the portal and the regional platform"
port_open "$CKAN_PORT" || die "the demo portal does not answer on $CITY_URL (make serve)"
port_open "$REGION_PORT" || bash "$REPO/scripts/region.sh"
curl -fsS "$REGION_URL/api/3/action/status_show" >/dev/null || die "the regional platform does not answer on $REGION_URL"
echo "city $CITY_URL, region $REGION_URL"
export SYS_TOKEN AUTH_TOKEN PROVIDER_TOKEN REGION_TOKEN CITY_URL REGION_URL UP_URL
SYS_TOKEN=$(token sysadmin); AUTH_TOKEN=$(token authority); PROVIDER_TOKEN=$(token provider_admin)
REGION_TOKEN=$(cat "$STACK_DIR/region/token")

step "a1. region → city: the harvest source (sysadmin, harvest_source_create)"
"$PYTHON" - <<'EOF'
import json, os, ckanapi
city = ckanapi.RemoteCKAN(os.environ["CITY_URL"], apikey=os.environ["SYS_TOKEN"])
try:
    s = city.action.harvest_source_show(id="gx-region")
    print("exists:", s["name"], s["source_type"], s["url"])
except ckanapi.NotFound:
    s = city.action.harvest_source_create(
        name="gx-region", title="广西壮族自治区数据共享平台", url=os.environ["REGION_URL"],
        source_type="liuzhou_region", frequency="DAILY", owner_org="lzsxxhjsglzx",
        config=json.dumps({"api_key": os.environ["REGION_TOKEN"]}))
    print("created:", s["name"], s["source_type"], s["url"], "owner 柳州市信息化建设管理中心")
# the configuration (the region's token) is not shown to a department's admin
prov = ckanapi.RemoteCKAN(os.environ["CITY_URL"], apikey=os.environ["PROVIDER_TOKEN"])
shown = prov.action.package_show(id="gx-region")
assert os.environ["REGION_TOKEN"] not in json.dumps(shown), "a provider sees the region's token"
print("provider_admin's package_show of the source: config =", repr(shown.get("config")))
EOF

step "a2. dry run: ckan liuzhou cascade dry-run gx-region"
city liuzhou cascade dry-run gx-region

# A job of the source. RUN_MODE=queue (default): through the Redis queues (harvest_job_create,
# as 重新采集 on the source's page does), run by the portal's gather and fetch consumers, marked
# finished by `ckan harvester run` (what the schedule runs). RUN_MODE=now: `ckan liuzhou cascade
# run gx-region`, in this process, without the queues (the consumers run the code they were
# started with: after a change to the harvester, use it until the portal is restarted). Not
# `ckan harvester run-test`: it also queues its job, and running consumers run it a second time.
RUN_MODE="${RUN_MODE:-queue}"
run_job() {
  if [ "$RUN_MODE" = now ]; then
    echo "ckan liuzhou cascade run gx-region"
    city liuzhou cascade run gx-region >"$WORK/run.log" 2>&1 || { tail -20 "$WORK/run.log"; die "the job failed"; }
    grep -o "^job [0-9a-f-]*" "$WORK/run.log" | cut -d' ' -f2 >"$WORK/job"
  else
    "$PYTHON" - <<'EOF2'
import os, ckanapi
city = ckanapi.RemoteCKAN(os.environ["CITY_URL"], apikey=os.environ["SYS_TOKEN"])
job = city.action.harvest_job_create(source_id=city.action.harvest_source_show(id="gx-region")["id"])
open(os.environ["WORK"] + "/job", "w").write(job["id"])
print("job", job["id"], "queued")
EOF2
    local status i
    for ((i = 0; i < 60; i++)); do
      sleep 3
      city harvester run >/dev/null 2>&1 || true
      status=$(JOB=$(cat "$WORK/job") "$PYTHON" -c 'import os, ckanapi; print(ckanapi.RemoteCKAN(os.environ["CITY_URL"], apikey=os.environ["SYS_TOKEN"]).action.harvest_job_show(id=os.environ["JOB"])["status"])')
      [ "$status" = Finished ] && break
    done
  fi
  JOB=$(cat "$WORK/job") "$PYTHON" - <<'EOF2'
import os, ckanapi
city = ckanapi.RemoteCKAN(os.environ["CITY_URL"], apikey=os.environ["SYS_TOKEN"])
job = city.action.harvest_job_show(id=os.environ["JOB"])
report = city.action.harvest_job_report(id=os.environ["JOB"])
errors = [e["message"] for e in report["gather_errors"]] + [e["message"] for o in report["object_errors"].values() for e in o["errors"]]
print(f"job {job['id'][:8]} {job['status']}  stats {job['stats']}  errors {errors}")
print(f"page: {os.environ['CITY_URL']}/harvest/gx-region/job/{job['id']}")
assert job["status"] == "Finished" and not errors, "the job did not finish cleanly"
EOF2
}
export WORK
step "a3. a job ($RUN_MODE)"
run_job

step "a4. the regional entries here: package_search q=广西"
"$PYTHON" - <<'EOF'
import os, re, urllib.request, ckanapi
city = ckanapi.RemoteCKAN(os.environ["CITY_URL"], apikey=os.environ["PROVIDER_TOKEN"])
region = ckanapi.RemoteCKAN(os.environ["REGION_URL"], apikey=os.environ["REGION_TOKEN"])
# the region's own public entries (not the city's, harvested up in step c of an earlier run)
public = {p["id"]: p for p in region.action.package_search(rows=1000, fq="-organization:lzs-city")["results"] if not p["private"]}
found = city.action.package_search(q="广西", fq="tags:自治区目录", rows=100)
print(f"provider_admin: package_search q=广西 → {found['count']} regional entries (the region has {len(public)} public of its own)")
for p in sorted(found["results"], key=lambda p: p["name"]):
    print(f"  {p['name']:<16} {p['title']:<16} {p['sharing_type']:<13} id kept={p['id'] in public}")
assert found["count"] == len(public) and all(p["id"] in public for p in found["results"])
info = city.action.cascade_entry_show(id="gx-gx-qyjyycxx")
print("cascade_entry_show gx-gx-qyjyycxx: missing", info["missing_fields"])
assert "sharing_type" in info["missing_fields"]
req = urllib.request.Request(os.environ["CITY_URL"] + "/catalog/gx-gx-qyjyycxx", headers={"Authorization": os.environ["PROVIDER_TOKEN"]})
page = urllib.request.urlopen(req, timeout=60).read().decode()
assert 'data-regional="true"' in page and "自治区目录未提供" in page
print("/catalog/gx-gx-qyjyycxx: banner 采集自自治区数据共享平台 and the marker 【自治区目录未提供】 shown")
try:
    city.action.package_patch(id="gx-gx-frjcxx", title="改名")
    raise SystemExit("a city user changed a regional entry")
except ckanapi.NotAuthorized as e:
    print("provider_admin package_patch gx-gx-frjcxx → 403:", str(e)[:80])
EOF

step "a5. the mirror: at the region gx-frjcxx retitled and gx-zfgjjxx made private; rerun"
"$PYTHON" - <<'EOF'
import os, ckanapi
region = ckanapi.RemoteCKAN(os.environ["REGION_URL"], apikey=os.environ["REGION_TOKEN"])
region.action.package_patch(id="gx-frjcxx", title="广西法人单位基础信息（演示修改）")
region.action.package_patch(id="gx-zfgjjxx", private=True)
print("region: gx-frjcxx retitled, gx-zfgjjxx private")
EOF
city liuzhou cascade dry-run gx-region
run_job
"$PYTHON" - <<'EOF'
import os, ckanapi
city = ckanapi.RemoteCKAN(os.environ["CITY_URL"], apikey=os.environ["SYS_TOKEN"])
assert city.action.package_show(id="gx-gx-frjcxx")["title"] == "广西法人单位基础信息（演示修改）"
assert city.action.package_show(id="gx-gx-zfgjjxx")["state"] == "deleted"
print("city: gx-gx-frjcxx has the new title; gx-gx-zfgjjxx removed (state deleted)")
region = ckanapi.RemoteCKAN(os.environ["REGION_URL"], apikey=os.environ["REGION_TOKEN"])
region.action.package_patch(id="gx-frjcxx", title="广西法人单位基础信息")
region.action.package_patch(id="gx-zfgjjxx", private=False)
print("region: both back as they were")
EOF
run_job
"$PYTHON" - <<'EOF'
import os, ckanapi
city = ckanapi.RemoteCKAN(os.environ["CITY_URL"], apikey=os.environ["SYS_TOKEN"])
region = ckanapi.RemoteCKAN(os.environ["REGION_URL"], apikey=os.environ["REGION_TOKEN"])
back = city.action.package_show(id="gx-gx-zfgjjxx")
assert back["state"] == "active" and back["id"] == region.action.package_show(id="gx-zfgjjxx")["id"]
assert city.action.package_show(id="gx-gx-frjcxx")["title"] == "广西法人单位基础信息"
n = city.action.package_search(fq="tags:自治区目录", rows=0, include_private=True)["count"]
print(f"city: gx-gx-zfgjjxx back (same id), title restored; {n} regional entries, nothing duplicated")
EOF
city liuzhou cascade dry-run gx-region

step "b. the negative list: ckan liuzhou negative-list sync --url <URL>"
LIST_URL=$("$PYTHON" -c 'import os, ckanapi; print(ckanapi.RemoteCKAN(os.environ["REGION_URL"], apikey=os.environ["REGION_TOKEN"]).action.package_show(id="gx-fmqd")["resources"][0]["url"])')
echo "URL: $LIST_URL"
city liuzhou negative-list sync --url "$LIST_URL"
echo "flags (ckan liuzhou negative-list flags: name, sharing type, reasons, title):"
city liuzhou negative-list flags >"$WORK/flags"
head -15 "$WORK/flags"
echo "... $(wc -l <"$WORK/flags") entries flagged"
"$PYTHON" - <<'EOF'
import os, urllib.request, ckanapi
auth = ckanapi.RemoteCKAN(os.environ["CITY_URL"], apikey=os.environ["AUTH_TOKEN"])
history = auth.action.negative_list_history()
print("authority: negative_list_history →", [(v["fetched_at"][:19], v["items"]) for v in history])
req = urllib.request.Request(os.environ["CITY_URL"] + "/cascade/", headers={"Authorization": os.environ["AUTH_TOKEN"]})
page = urllib.request.urlopen(req, timeout=60).read().decode()
assert "负面清单" in page
print("authority: /cascade/ answers 200 with the negative list and its flags")
EOF

step "c. city → region: the account gx_region, the region's stock CKAN harvester"
if "$PYTHON" -c 'import os, ckanapi; ckanapi.RemoteCKAN(os.environ["CITY_URL"], apikey=os.environ["SYS_TOKEN"]).action.user_show(id="gx_region")' 2>/dev/null; then
  echo "user gx_region exists"
else
  city user add gx_region email=gx-region@example.org "password=${GX_PASSWORD:-Region@2026x}" >/dev/null
  echo "user gx_region created (in no department)"
fi
GX_TOKEN=$(token gx_region); export GX_TOKEN
# ckanext.liuzhou.cascade.region_user is read at start-up: a second web server of the same portal
# with the option, on $UP_PORT, instead of a restart of the shared one
{
  printf '[DEFAULT]\n\n[app:main]\nuse = config:%s\nckanext.liuzhou.cascade.region_user = gx_region\nckan.site_url = %s\n\n' "$CITY_INI" "$UP_URL"
  sed -n '/^\[loggers\]/,$p' "$CITY_INI"
} >"$WORK/up.ini"
chmod 600 "$WORK/up.ini"
port_open "$UP_PORT" && die "port $UP_PORT is taken — set UP_PORT"
env CKAN_INI="$WORK/up.ini" CKAN_SITE_URL="$UP_URL" setsid "$VENV/bin/gunicorn" --chdir "$REPO" -w 1 --threads 4 \
  -b "127.0.0.1:$UP_PORT" --timeout 120 deploy.wsgi:application >"$WORK/up.log" 2>&1 &
UP_PID=$!
trap 'kill -TERM -- -$UP_PID 2>/dev/null || true' EXIT
wait_port "$UP_PORT" 60 || { tail -20 "$WORK/up.log"; die "the city's second web server did not start"; }
echo "the portal with region_user = gx_region: $UP_URL (pid $UP_PID, $WORK/up.ini)"
"$PYTHON" - <<'EOF'
import json, os, ckanapi
region = ckanapi.RemoteCKAN(os.environ["REGION_URL"], apikey=os.environ["REGION_TOKEN"])
if "lzs-city" not in region.action.organization_list():
    region.action.organization_create(name="lzs-city", title="柳州市（级联）")
try:
    region.action.harvest_source_show(id="liuzhou-city")
    region.action.harvest_source_patch(id="liuzhou-city", url=os.environ["UP_URL"], config=json.dumps({"api_key": os.environ["GX_TOKEN"]}))
    print("region: harvest source liuzhou-city updated")
except ckanapi.NotFound:
    region.action.harvest_source_create(name="liuzhou-city", title="柳州市数据共享交换平台", url=os.environ["UP_URL"],
                                        source_type="ckan", frequency="MANUAL", owner_org="lzs-city",
                                        config=json.dumps({"api_key": os.environ["GX_TOKEN"]}))
    print("region: harvest source liuzhou-city (type ckan, stock CKAN harvester) created")
EOF
echo "region: ckan harvester run-test liuzhou-city"
region harvester run-test liuzhou-city >"$WORK/region-run.log" 2>&1 || { tail -30 "$WORK/region-run.log"; die "the region's harvest failed"; }
"$PYTHON" - <<'EOF'
import json, os, urllib.error, urllib.request, ckanapi
region = ckanapi.RemoteCKAN(os.environ["REGION_URL"], apikey=os.environ["REGION_TOKEN"])
up = ckanapi.RemoteCKAN(os.environ["UP_URL"], apikey=os.environ["GX_TOKEN"])
job = region.action.harvest_source_show(id="liuzhou-city")["status"]["last_job"]
print(f"region: last job {job['status']} stats {job['stats']}")
assert job["status"] == "Finished" and not job["stats"].get("errored"), job
city_visible = up.action.package_search(rows=0)["count"]
arrived = []
start = 0
while True:
    page = region.action.package_search(fq="organization:lzs-city", rows=1000, start=start, include_private=True)["results"]
    arrived += page
    start += 1000
    if not page:
        break
print(f"region: {len(arrived)} city entries arrived (gx_region sees {city_visible} on the city)")
assert len(arrived) == city_visible > 0
locations = [(p["name"], r["url"]) for p in arrived for r in p["resources"]
             if r.get("url") and not r["url"].startswith(os.environ["UP_URL"] + "/data/") and not r["url"].startswith(os.environ["CITY_URL"] + "/data/")]
print(f"region: {sum(len(p['resources']) for p in arrived)} resources, protected URLs among them: {locations[:5] or 'none'}")
print("region: resource URLs seen:", sorted({r['url'] and 'platform route /data/<id>' or '(empty)' for p in arrived for r in p['resources']}))
assert not locations
back = [p["name"] for p in arrived if p["name"].startswith("gx-") or "自治区目录" in {t["name"] for t in p.get("tags", [])}]
print("region: regional (gx-) entries that went back up:", back or "none")
assert not back
own = region.action.package_search(q="name:gx-*", rows=1000)["results"]
moved = [p["name"] for p in own if p["organization"]["name"] not in ("gx-dsjj", "gx-gat")]
print(f"region: its own {len(own)} gx- entries still in their regional departments; moved: {moved or 'none'}")
assert own and not moved
try:
    up.action.package_show(id="gx-gx-rkjcxx")
    raise SystemExit("gx_region can read a regional entry")
except ckanapi.NotFound:
    print("city as gx_region: package_show gx-gx-rkjcxx → 404")
try:
    urllib.request.urlopen(os.environ["UP_URL"] + "/api/3/action/package_search?rows=1", timeout=30)
    raise SystemExit("an anonymous harvest reads the city's catalog")
except urllib.error.HTTPError as e:
    print("city, anonymous package_search →", e.code)
    assert e.code == 403
EOF

step "d. ckan liuzhou cascade health (with the second server's configuration: region_user set)"
"$CKAN" -c "$WORK/up.ini" liuzhou cascade health
kill -TERM -- "-$UP_PID" 2>/dev/null || true
trap - EXIT
step "done: every step passed (the regional platform keeps running: bash scripts/region.sh stop)"
