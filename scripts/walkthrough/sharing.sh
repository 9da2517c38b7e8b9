#!/usr/bin/env bash
# Walkthrough of the conditional-sharing flow (Art 25–26; docs/sharing.md) through ckanapi on the demo
# portal (http://127.0.0.1:5000, `make serve`), as the demo users:
#   1. consumer_member cannot read a conditional entry of 市公安局 (no URL, /data/ refused);
#   2. consumer_admin (人社局) asks for it, with consumer_member in the 知悉范围;
#   3. provider_admin (公安局) approves; 4. operator (信息中心) delivers;
#   5. consumer_member reads: resource_show gives the platform route, /data/<id> streams the data;
#   6. county_authority (柳江区大数据发展局, another department) is refused: url "", /data/ 403;
#   7. audit_log_list (operator) shows the read and the refusal; 8. `ckan liuzhou audit verify`.
# The request is valid until today (Asia/Shanghai): access ends at midnight, so repeated runs
# do not pile up grants on the demo data (a run the same day takes the next entry).
# Each step prints what it checks; the script exits non-zero at the first failure.
#   bash scripts/walkthrough/sharing.sh
set -euo pipefail
source "$(dirname "$0")/../env.sh"
URL="http://127.0.0.1:$CKAN_PORT"
INI="$STACK_DIR/ckan.ini"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
# a token per user, kept under .stack/walkthrough/ while the portal accepts it
token() {
  local f="$STACK_DIR/walkthrough/token-$1" t=""
  [ -s "$f" ] && t=$(cat "$f")
  if [ -z "$t" ] || [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $t" "$URL/api/3/action/share_request_list?limit=1")" != 200 ]; then
    t=$("$CKAN" -c "$INI" user token add "$1" walkthrough-sharing 2>/dev/null | tail -1 | tr -d '[:space:]')
    mkdir -p "$(dirname "$f")" && (umask 077 && printf '%s' "$t" >"$f")
  fi
  printf '%s' "$t"
}
api() { local who=$1; shift; "$VENV/bin/ckanapi" action "$@" -r "$URL" -a "${TOKENS[$who]}"; }
status() { curl -s -o "$2" -w '%{http_code}' -H "Authorization: ${TOKENS[$1]}" "$3"; }

step "0. the demo portal and the users' API tokens"
curl -fsS "$URL/api/3/action/status_show" >/dev/null || die "the demo portal does not answer on $URL (make serve)"
declare -A TOKENS
for u in consumer_admin consumer_member provider_admin operator county_authority; do
  TOKENS[$u]=$(token "$u"); [ -n "${TOKENS[$u]}" ] || die "no token for $u"
done
ok "tokens for ${!TOKENS[*]}"
TODAY=$(TZ=Asia/Shanghai date +%F)
START=$(date -u +%FT%T)

step "1. a conditional entry of 市公安局 that consumer_member may not read yet (fq=access:request)"
ENTRY="" RID=""
for name in $(api consumer_member package_search rows=20 sort='metadata_created asc' fl=name \
              fq='organization:lzsgaj AND sharing_type:conditional AND access:request' | jq -r '.results[].name'); do
  # a demo entry: it has the uploaded sample data (样例数据)
  RID=$(api consumer_member package_show id="$name" | jq -r '[.resources[] | select(.url_type == "upload")][0].id // empty')
  [ -n "$RID" ] && { ENTRY=$name; break; }
done
[ -n "$ENTRY" ] || die "no conditional entry of 市公安局 with sample data that consumer_member may not read yet (earlier runs today?)"
SEEN=$(api consumer_member resource_show id="$RID" | jq -r .url)
[ -z "$SEEN" ] || die "consumer_member sees a URL before any request: $SEEN"
CODE=$(status consumer_member /dev/null "$URL/data/$RID")
[ "$CODE" = 403 ] || die "/data/$RID gave $CODE to consumer_member before any request"
ok "$ENTRY, resource $RID: resource_show url \"\", /data/ 403"

step "2. consumer_admin asks for it (share_request_create), consumer_member in the scope of knowledge"
REQ=$(api consumer_admin share_request_create package_id="$ENTRY" \
      purpose='社会保障待遇资格认证时核验参保人户籍迁移情况' basis='《社会保险法》第七十四条' \
      scope_users:'["consumer_member"]' valid_until="$TODAY" sharing_method=platform)
ID=$(jq -r .id <<<"$REQ")
[ "$(jq -r .state <<<"$REQ")" = submitted ] || die "not submitted: $REQ"
ok "request $ID submitted, the provider decides by $(jq -r .deadline_local <<<"$REQ") (3 working days)"

step "3. provider_admin approves (share_request_decide)"
STATE=$(api provider_admin share_request_decide id="$ID" decision=approve | jq -r .state)
[ "$STATE" = approved ] || die "state after the decision: $STATE"
ok "approved"

step "4. operator delivers (share_request_deliver)"
STATE=$(api operator share_request_deliver id="$ID" notes='通过共享平台开通数据访问' | jq -r '.state, .access_active' | paste -sd' ')
[ "$STATE" = "delivered true" ] || die "after the delivery: $STATE"
ok "delivered, access active for the scope of knowledge"

step "5. consumer_member reads through the platform route"
SEEN=$(api consumer_member resource_show id="$RID" | jq -r .url)
[ "$SEEN" = "$URL/data/$RID" ] || die "resource_show url for consumer_member: $SEEN"
CODE=$(status consumer_member /tmp/walkthrough-sharing.$$ "$SEEN")
[ "$CODE" = 200 ] || die "GET $SEEN gave $CODE"
ok "resource_show url = $SEEN; GET gave 200, $(wc -c </tmp/walkthrough-sharing.$$) bytes, first line: $(head -1 /tmp/walkthrough-sharing.$$)"
rm -f /tmp/walkthrough-sharing.$$

step "6. county_authority (another department) is refused"
SEEN=$(api county_authority resource_show id="$RID" | jq -r .url)
[ -z "$SEEN" ] || die "county_authority sees a URL: $SEEN"
CODE=$(status county_authority /dev/null "$URL/data/$RID")
[ "$CODE" = 403 ] || die "/data/$RID gave $CODE to county_authority"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: ${TOKENS[county_authority]}" \
       "$URL/api/3/action/share_request_show?id=$ID")
[ "$CODE" = 403 ] || die "share_request_show gave $CODE to county_authority"
ok "resource_show url \"\", /data/ 403, share_request_show 403"

step "7. the audit log (audit_log_list, as the Operator) holds the read and the refusal"
READ=$(api operator audit_log_list package_id="$ENTRY" action=data. since="${START%%T*}" limit=20 |
       jq -c --arg rid "$RID" --arg start "$START" '[.results[] | select(.resource_id == $rid and .created >= $start)
             | {action, actor, actor_org, share_request_id}]')
jq -e --arg id "$ID" 'any(.action == "data.read" and .actor == "consumer_member" and .share_request_id == $id)' <<<"$READ" >/dev/null \
  || die "no data.read of consumer_member under $ID: $READ"
jq -e 'any(.action == "data.refused" and .actor == "county_authority")' <<<"$READ" >/dev/null \
  || die "no data.refused of county_authority: $READ"
ok "$READ"
TRAIL=$(api operator audit_log_list share_request_id="$ID" action=share_request. | jq -r '[.results[].action] | reverse | join(" → ")')
ok "decisions of $ID: $TRAIL"

step "8. ckan liuzhou audit verify"
VERIFY=$("$CKAN" -c "$INI" liuzhou audit verify 2>/dev/null) || die "the audit chain does not verify: $VERIFY"
ok "$(tail -1 <<<"$VERIFY")"
printf '\n\033[1;32mThe sharing flow works on %s: request %s\033[0m\n' "$URL" "$ID"
