#!/usr/bin/env bash
# Walkthrough of the lifecycle rules (Art 12–21, 33; docs/lifecycle.md) through the API of
# the demo portal (http://127.0.0.1:5000, `make serve`), as the demo users, with the ckanapi CLI:
#   0. fresh entries published by provider_editor (公安局), so no demo entry others use is
#      taken offline: A (catalog offlining), B (resource offlining, upkeep), later C (duplicates,
#      information systems, the unauthorised stop);
#   1. Art 20 catalog offlining: consumer_member (人社局) asks for A; provider_admin applies with
#      the signed form as an attachment; the Operator's review lists 人社局; coordination with a
#      recorded outcome → offline; 人社局's request is closed; A leaves 人社局's search and
#      package_show while 公安局 still reads it; the filing record is listed and exported (CSV);
#   2. Art 21 resource offlining: provider_admin applies, the Authority approves, the 10-WD
#      notice is in public_notice_list and on 人社局's request; completing now is refused;
#   3. Art 14 upkeep: the Authority names 教育局 and entry B; 公安局 updates B (done); per
#      department open / overdue / done;
#   4. Art 12 accounts: provider_admin asks for a new account, the Operator approves, the user
#      exists and is an editor of 公安局; then it is cancelled the same way (deactivated);
#   5. Art 17 one data, one source: duplicate_check found and not found, package_create's
#      duplicate_warnings (entry C), the Authority's duplicate_warning_list;
#   6. Art 16 information systems: acceptance refused without a published entry, listed as a
#      mismatch, accepted once C is linked;
#   7. Art 33.1: provider_editor sets a resource of C offline outside Art 21; violation_list.
# Each step prints what it checks; the script exits non-zero at the first failure.
#   bash scripts/walkthrough/lifecycle.sh        (URL=http://host:port to use another portal)
set -euo pipefail
source "$(dirname "$0")/../env.sh"
URL="${URL:-http://127.0.0.1:$CKAN_PORT}"
INI="${CKAN_INI:-$STACK_DIR/ckan.ini}"
WORK="$STACK_DIR/walkthrough"
mkdir -p "$WORK"
RUN="$(date +%m%d%H%M%S)"
TODAY="$(TZ=Asia/Shanghai date +%F)"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
fail() { printf '\033[1;31m   FAILED: %s\033[0m\n' "$*" >&2; exit 1; }
declare -A TOKEN
# api USER ACTION [KEY=VALUE | KEY:JSON | KEY@FILE ...]: the action's result (JSON) on stdout
api() {
  local user=$1 action=$2 out; shift 2
  if ! out=$("$VENV/bin/ckanapi" action "$action" -r "$URL" -a "${TOKEN[$user]}" "$@" 2>&1); then
    printf '%s\n' "$out" | tail -1 >&2
    fail "$user: $action refused"
  fi
  printf '%s\n' "$out"
}
# refused USER ACTION ARGS...: the call must fail; prints the portal's error
refused() {
  local user=$1 action=$2 out; shift 2
  if out=$("$VENV/bin/ckanapi" action "$action" -r "$URL" -a "${TOKEN[$user]}" "$@" 2>&1); then
    fail "$user: $action was accepted"
  fi
  printf '   refused as expected: %s\n' "$(printf '%s\n' "$out" | tail -1)"
}
# check JSON JQ-FILTER WHAT: the filter must give true
check() { [ "$(jq -r "$2" <<<"$1")" = "true" ] && ok "$3" || fail "$3 (jq: $2)"; }
val() { jq -r "$2" <<<"$1"; }

step "0. the portal and the demo users' API tokens"
port_open "${URL##*:}" || die "the demo portal does not answer on $URL (make serve)"
for user in provider_admin provider_editor operator authority consumer_member; do
  "$CKAN" -c "$INI" user token add "$user" walkthrough-lifecycle 2>/dev/null | tail -1 | tr -d '\t ' \
    >"$WORK/token.$user" &
done
wait
for user in provider_admin provider_editor operator authority consumer_member; do
  TOKEN[$user]=$(cat "$WORK/token.$user")
  [ -n "${TOKEN[$user]}" ] || fail "no token for $user"
done
ok "tokens for ${!TOKEN[*]}"

step "0. provider_editor (公安局) publishes two fresh entries, A and B"
ITEMS='[{"name":"公民身份号码","identifier":"gmsfhm","data_type":"C","length":18,"description":"18位"},
        {"name":"暂住地址","identifier":"zzdz","data_type":"C","length":200,"description":"暂住地址"},
        {"name":"登记日期","identifier":"djrq","data_type":"D","length":8,"description":"YYYYMMDD"}]'
RESOURCES='[{"name":"核验接口","resource_type":"api","url":"http://data.liuzhou.example/api/verify"},
            {"name":"库表","resource_type":"database","url":"http://data.liuzhou.example/db/table"}]'
publish() {  # NAME TITLE ITEMS-JSON
  api provider_editor package_create type=catalog name="$1" title="$2" owner_org=lzsgaj \
    notes="生命周期演示用目录（scripts/walkthrough/lifecycle.sh）。" classification=department \
    subclass=department format_category=database information_items:"$3" sharing_type=conditional \
    sharing_conditions="仅限法定职责范围内使用" legal_basis="《中华人民共和国个人信息保护法》第十三条" \
    sharing_method=platform sharing_method_type=api open_attribute=not_open update_cycle=daily \
    resources:"$RESOURCES"
}
A=$(publish "lifecycle-a-$RUN" "暂住人口登记信息（演示A $RUN）" "$ITEMS")
B=$(publish "lifecycle-b-$RUN" "机动车驾驶人信息（演示B $RUN）" "$ITEMS")
A_ID=$(val "$A" .id); B_ID=$(val "$B" .id)
B_RES=$(val "$B" '.resources[0].id'); B_RES_NAME=$(val "$B" '.resources[0].name')
ok "A $(val "$A" .name) ($(val "$A" .resource_code)), B $(val "$B" .name) ($(val "$B" .resource_code))"

request() {  # ENTRY-NAME: a share request of 人社局
  api consumer_member share_request_create package_id="$1" purpose="社会保障待遇资格认证时核验参保人身份" \
    basis="《社会保险法》第七十四条" scope_users:'["consumer_member"]' information_items:'["gmsfhm"]' \
    valid_until=2027-06-30 sharing_method=platform
}

# ------------------------------------------------------------------------------------------ Art 20
step "1.1 Art 20: consumer_member (人社局) asks for A (an open request: A is in use)"
REQ_A=$(request "$(val "$A" .name)")
REQ_A_ID=$(val "$REQ_A" .id)
ok "share request $REQ_A_ID: $(val "$REQ_A" .state)"

step "1.2 provider_admin applies to take A offline, with the signed and stamped form (PDF attachment)"
FORM="$WORK/目录下线申请表（已盖章）.pdf"
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' >"$FORM"
curl -fsS -o /dev/null "$URL/liuzhou/forms/catalog-offline-form.html" && ok "the blank form is downloadable at /liuzhou/forms/catalog-offline-form.html"
refused provider_admin catalog_offline_apply package_id="$A_ID" reason="没有附件"
refused provider_editor catalog_offline_apply package_id="$A_ID" reason="编辑无权申请" attachment_upload@"$FORM"
APP=$(api provider_admin catalog_offline_apply package_id="$A_ID" reason="暂住证制度已由居住证制度取代，该目录停止维护" \
  attachment_upload@"$FORM")
APP_ID=$(val "$APP" .id)
check "$APP" '.state == "submitted" and .attachment_name != null' "application $APP_ID submitted, attachment $(val "$APP" .attachment_name)"
check "$APP" '.events[0].notify == ["lzsxxhjsglzx"]' "the Operator (信息化建设管理中心) is notified"

step "1.3 the Operator's review shows who requests or uses A"
SHOW=$(api operator catalog_offline_show id="$APP_ID")
check "$SHOW" '.users.departments | index("lzsrlzyhshbzj") != null' \
  "departments requesting or using A: $(val "$SHOW" '.users.departments | join(", ")') (requests: $(val "$SHOW" '[.users.requests[] | .consumer_org + " " + .state] | join(", ")'))"
refused authority catalog_offline_review id="$APP_ID" decision=approve
REV=$(api operator catalog_offline_review id="$APP_ID" decision=approve notes="人社局仍有申请，召开协调会")
check "$REV" '.state == "coordinating" and .filing_number == null' "approve → coordinating (A is in use), not yet filed"
refused operator catalog_offline_review id="$APP_ID" decision=offline

step "1.4 coordination outcome recorded: offline → filed (备案), 人社局's request closed"
DONE=$(api operator catalog_offline_review id="$APP_ID" decision=offline meeting_date="$TODAY" \
  participants="市公安局、市人社局、市信息化建设管理中心" notes="协调会议定：人社局改用居住证信息目录，同意下线")
FILING=$(val "$DONE" .filing_number)
check "$DONE" '.state == "offline" and .outcome == "offline" and (.filing_number | length > 0)' \
  "state offline, outcome offline, meeting $(val "$DONE" .meeting_date), filing number $FILING"
check "$DONE" '[.events[].event] == ["apply", "approve", "coordination_close", "file"]' \
  "timeline: $(val "$DONE" '[.events[].event] | join(" → ")')"
R=$(api consumer_member share_request_show id="$REQ_A_ID")
check "$R" '.state == "terminated"' "人社局's request on A: $(val "$R" .state)"
H=$(api consumer_member share_request_history id="$REQ_A_ID")
check "$H" '.[-1].event == "entry_offline"' "its timeline ends with entry_offline (notice to both departments)"

step "1.5 A leaves 人社局's search and is refused to it; 公安局, the Operator and the Authority still read it"
S=$(api consumer_member package_search q="name:$(val "$A" .name)")
check "$S" '.count == 0' "consumer_member package_search: $(val "$S" .count) results"
refused consumer_member package_show id="$A_ID"
for user in provider_editor operator authority; do
  check "$(api $user package_show id="$A_ID")" ".id == \"$A_ID\"" "$user package_show: readable"
done
S=$(api provider_editor package_search q="name:$(val "$A" .name)")
check "$S" '.count == 1' "provider_editor package_search: $(val "$S" .count) result"

step "1.6 filing records: listed (catalog_offline_list filed=true) and exported (CSV)"
L=$(api operator catalog_offline_list filed:true limit:5)
check "$L" "[.results[].filing_number] | index(\"$FILING\") != null" "catalog_offline_list filed=true: $(val "$L" .count) filing records, $FILING among them"
curl -fsS -H "Authorization: ${TOKEN[operator]}" "$URL/lifecycle/catalog-offline/filings.csv" >"$WORK/filings.csv"
grep -q "$FILING" "$WORK/filings.csv" && ok "/lifecycle/catalog-offline/filings.csv: $(($(wc -l <"$WORK/filings.csv") - 1)) rows, header: $(head -1 "$WORK/filings.csv" | sed 's/^\xEF\xBB\xBF//; s/\r$//')" \
  || fail "$FILING not in the CSV export"

# ------------------------------------------------------------------------------------------ Art 21
step "2.1 Art 21: 人社局 asks for B; provider_admin applies to take its resource $B_RES_NAME offline"
REQ_B=$(request "$(val "$B" .name)")
REQ_B_ID=$(val "$REQ_B" .id)
refused provider_admin resource_offline_apply package_id="$B_ID" resource_id="$B_RES" reason="缺少法律依据" legal_basis=""
RO=$(api provider_admin resource_offline_apply package_id="$B_ID" resource_id="$B_RES" \
  reason="核验接口迁移至省级平台统一提供" legal_basis="《广西壮族自治区政务数据资源管理办法》")
RO_ID=$(val "$RO" .id)
check "$RO" '.state == "submitted"' "application $RO_ID submitted; the Authority decides by $(val "$RO" .deadline_local) (3 WD)"

step "2.2 the Authority approves: the 10-working-day public notice starts, 人社局 is told"
refused operator resource_offline_decide id="$RO_ID" decision=approve
DEC=$(api authority resource_offline_decide id="$RO_ID" decision=approve notes="依据充分，同意公示")
check "$DEC" '.state == "notice" and .notice_showing == true' "state notice, on public notice until $(val "$DEC" .notice_ends_local)"
check "$DEC" '.notified_orgs | index("lzsrlzyhshbzj") != null' "consumers told: $(val "$DEC" '.notified_orgs | join(", ")')"
H=$(api consumer_member share_request_history id="$REQ_B_ID")
check "$H" '.[-1].event == "resource_offline_notice"' "人社局's request on B: event resource_offline_notice"
N=$(api consumer_member public_notice_list)
check "$N" "[.results[].id] | index(\"$RO_ID\") != null" "public_notice_list (as consumer_member): $(val "$N" .count) notices showing, B's among them"
curl -fsS -H "Authorization: ${TOKEN[consumer_member]}" "$URL/catalog/$(val "$B" .name)" | grep -q liuzhou-notice-banner \
  && ok "the entry page of B shows the notice banner" || fail "no notice banner on B's page"

step "2.3 completing before the notice ends is refused"
refused provider_admin resource_offline_complete id="$RO_ID"

# ------------------------------------------------------------------------------------------ Art 14
step "3.1 Art 14: the Authority issues an upkeep notice naming 教育局 and entry B"
refused provider_admin upkeep_notice_create title="x" cause=law_change basis="x" departments:'["lzsjyj"]'
UP=$(api authority upkeep_notice_create title="《居民身份证法》修订（演示 $RUN）" cause=law_change \
  basis="《中华人民共和国居民身份证法》（2025年修正）" changed_on="$TODAY" description="核对身份证相关信息项" \
  departments:'["lzsjyj"]' packages:"[\"$(val "$B" .name)\"]")
UP_ID=$(val "$UP" .id)
check "$UP" '(.targets | length) == 2' "notice $UP_ID: targets $(val "$UP" '[.targets[] | .org + (if .package_name then "/" + .package_name else "" end)] | join(", ")'), due $(val "$UP" .deadline_local) (10 WD)"

step "3.2 provider_editor updates B: its target is done; the lists per department"
api provider_editor package_patch id="$B_ID" notes="已按修订后的《居民身份证法》核对信息项。" >/dev/null
U=$(api authority upkeep_notice_show id="$UP_ID")
check "$U" "[.targets[] | select(.package_name == \"$(val "$B" .name)\") | .state] == [\"done\"]" \
  "B's target: done; 教育局's: $(val "$U" '[.targets[] | select(.package_name == null) | .state] | join("")')"
UL=$(api provider_admin upkeep_notice_list)
check "$UL" '.departments | map(.org) == ["lzsgaj"]' "provider_admin's upkeep_notice_list: only 公安局 ($(val "$UL" '.departments[0] | "open \(.open), overdue \(.overdue), done \(.done)"'))"
UL=$(api authority upkeep_notice_list status=open limit:1)
ok "the Authority's upkeep_notice_list status=open, per department: $(val "$UL" '[.departments[:4][] | "\(.org) open \(.open)/overdue \(.overdue)/done \(.done)"] | join("; ")')"

# ------------------------------------------------------------------------------------------ Art 12
step "4.1 Art 12: provider_admin asks for a new account; the Operator approves (2 WD)"
NEWUSER="gaj_demo_$RUN"
refused provider_editor account_request_create kind=create org=lzsgaj user_name="$NEWUSER" fullname="x" email="x@example.gov.cn" reason="x"
AR=$(api provider_admin account_request_create kind=create org=lzsgaj user_name="$NEWUSER" fullname="覃演示" \
  email="$NEWUSER@gaj.liuzhou.example" role=editor reason="新入职的数据管理员")
AR_ID=$(val "$AR" .id)
check "$AR" '.state == "submitted"' "request $AR_ID, due $(val "$AR" .deadline_local)"
refused authority account_request_decide id="$AR_ID" decision=approve
AD=$(api operator account_request_decide id="$AR_ID" decision=approve)
check "$AD" '.state == "approved" and (.initial_password | length > 0)' "approved, on time: $(val "$AD" .decision_on_time); a one-time initial password returned"
U=$(api operator user_show id="$NEWUSER")
check "$U" '.state == "active"' "the CKAN user $NEWUSER exists ($(val "$U" .fullname), $(val "$U" .state))"
M=$(api provider_admin organization_show id=lzsgaj include_users:true include_datasets:false)
check "$M" "[.users[] | select(.name == \"$NEWUSER\") | .capacity] == [\"editor\"]" "$NEWUSER is an editor of 公安局"

step "4.2 the same account cancelled: the Operator's approval deactivates it"
AC=$(api provider_admin account_request_create kind=cancel org=lzsgaj user_name="$NEWUSER" reason="演示结束，注销账户")
api operator account_request_decide id="$(val "$AC" .id)" decision=approve >/dev/null
U=$(api operator user_show id="$NEWUSER")
check "$U" '.state == "deleted"' "the CKAN user $NEWUSER: $(val "$U" .state) (cannot sign in)"
L=$(api operator account_request_list limit:2)
ok "account_request_list: $(val "$L" '[.results[] | "\(.kind) \(.user_name) \(.state)"] | join("; ")')"

# ------------------------------------------------------------------------------------------ Art 17
step "5.1 Art 17: duplicate_check, found (教育局's 中小学校基本信息) and not found"
SCHOOL='["学校标识码","学校名称","办学类型","办学性质","校址"]'
D=$(api provider_editor duplicate_check owner_org=lzsgaj information_items:"$SCHOOL")
check "$D" '[.matches[].provider_org] | index("lzsjyj") != null' \
  "found: $(val "$D" '[.matches[] | "\(.title) (\(.provider_org), \(.shared_count)/\(.item_count) items, \(.ratio)%) → \(.url)"] | join("; ")'); threshold $(val "$D" .threshold)%"
D=$(api provider_editor duplicate_check owner_org=lzsgaj information_items:'["演示专有项甲","演示专有项乙","演示专有项丙"]')
check "$D" '.matches == []' "not found: no match for items no other provider has"

step "5.2 provider_editor publishes C with the school items: package_create returns duplicate_warnings"
SCHOOL_ITEMS='[{"name":"学校标识码","identifier":"xxbsm","data_type":"C","length":10,"description":"学校标识码"},
  {"name":"学校名称","identifier":"xxmc","data_type":"C","length":100,"description":"学校名称"},
  {"name":"办学类型","identifier":"bxlx","data_type":"C","length":2,"description":"办学类型"},
  {"name":"校址","identifier":"xz","data_type":"C","length":200,"description":"校址"}]'
C=$(publish "lifecycle-c-$RUN" "辖区学校安保信息（演示C $RUN）" "$SCHOOL_ITEMS")
C_ID=$(val "$C" .id); C_RES=$(val "$C" '.resources[0].id')
check "$C" '.duplicate_warnings | length > 0' "C $(val "$C" .name): duplicate_warnings → $(val "$C" '[.duplicate_warnings[] | "\(.title) (\(.url))"] | join("; ")')"
W=$(api authority duplicate_warning_list limit:50)
check "$W" "[.results[].package_id] | index(\"$C_ID\") != null" "the Authority's duplicate_warning_list holds C's warning ($(val "$W" .count) open)"

# ------------------------------------------------------------------------------------------ Art 16
step "6.1 Art 16: provider_editor registers an information system at 立项; acceptance is refused without a published entry"
SYS=$(api provider_editor information_system_create name="辖区学校安保管理系统（演示 $RUN）" org=lzsgaj stage=approval project_code="LZXM-$RUN")
SYS_ID=$(val "$SYS" .id)
check "$SYS" '.stage == "approval" and .issues == ["no_entries"]' "system $SYS_ID at stage approval, issues: $(val "$SYS" '.issues | join(",")')"
refused provider_editor information_system_update id="$SYS_ID" stage=acceptance
MM=$(api authority information_system_list mismatched:true limit:1000)
check "$MM" "[.results[].id] | index(\"$SYS_ID\") != null" "the mismatch report (information_system_list mismatched=true) lists it ($(val "$MM" .count) systems)"
SU=$(api provider_editor information_system_update id="$SYS_ID" stage=acceptance package_ids:"[\"$C_ID\"]")
check "$SU" '.stage == "acceptance" and .issues == []' "with C (published) linked: accepted, no issues; timeline $(val "$SU" '[.events[].event] | join(" → ")')"

# ------------------------------------------------------------------------------------------ Art 33
step "7. Art 33.1: provider_editor sets a resource of C offline outside the Art 21 path"
api provider_editor resource_patch id="$C_RES" online_status=offline >/dev/null
refused operator violation_list
V=$(api authority violation_list state=open limit:50)
check "$V" "[.results[] | select(.resource_id == \"$C_RES\") | .kind] == [\"resource_offline_unapproved\"]" \
  "violation_list (the Authority): $(val "$V" "[.results[] | select(.resource_id == \"$C_RES\") | \"Art \(.article) \(.kind) by \(.actor) (\(.provider_org))\"] | join(\"\")")"

step "done"
echo "entries A $(val "$A" .name) (offline, filed $FILING), B $(val "$B" .name) (resource on notice), C $(val "$C" .name)"
echo "pages: $URL/lifecycle/ (catalog-offline/$APP_ID, resource-offline/$RO_ID, notices, upkeep/$UP_ID, systems/$SYS_ID, duplicates, violations)"
