#!/usr/bin/env bash
# make test: install what is missing, build the documentation (--strict), start the services
# this run needs (leaving any that were already running as they were), prepare the test
# database and Solr core, and run the whole pytest suite with CKAN's pytest plugin. Extra
# arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/env.sh"
S="$REPO/scripts"
bash "$S/install.sh"
# The documentation first: it takes seconds, and a broken link fails the run (mkdocs --strict).
bash "$S/docs.sh" --no-install

# Remember what was running, to stop only what this run started.
started=()
# LIUZHOU_SOLR=cloud: CKAN's index is the SolrCloud collection ckan_test behind the cluster's
# HAProxy (scripts/cluster/solrcloud.sh, docs/cluster-solr.md) instead of the ckan_test core.
LIUZHOU_SOLR=${LIUZHOU_SOLR:-single}
[[ $LIUZHOU_SOLR == single || $LIUZHOU_SOLR == cloud ]] || die "LIUZHOU_SOLR is single or cloud, not '$LIUZHOU_SOLR'"
if [[ $LIUZHOU_SOLR == cloud ]]; then
  rc=0; PYTHON="$PYTHON" bash "$S/cluster/solrcloud.sh" status >/dev/null 2>&1 || rc=$?
  [[ $rc != 3 ]] || started+=(solrcloud)
fi
bash "$S/postgres.sh" status | grep -q running || started+=(postgres)
bash "$S/redis.sh" status | grep -q running || started+=(redis)
PYTHON="$PYTHON" bash "$S/solr.sh" status 2>/dev/null | grep -q running || started+=(solr)
cleanup() {
  local rc=$?
  for s in "${started[@]}"; do
    case $s in
      postgres) bash "$S/postgres.sh" stop ;;
      redis) bash "$S/redis.sh" stop ;;
      solr) PYTHON="$PYTHON" bash "$S/solr.sh" stop ;;
      solrcloud) PYTHON="$PYTHON" bash "$S/cluster/solrcloud.sh" down ;;
    esac
  done
  exit $rc
}
trap cleanup EXIT INT TERM
bash "$S/stack.sh" up
bash "$S/postgres.sh" createdb ckan_test
bash "$S/postgres.sh" datastore datastore_test </dev/null
bash "$S/postgres.sh" createdb ckan_region_test  # the regional CKAN of tests/cascade

cd "$REPO"
# test.ini names the default ports; the environment carries the ports actually used.
export CKAN_SQLALCHEMY_URL="postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/ckan_test"
export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan_test"
if [[ $LIUZHOU_SOLR == cloud ]]; then
  CLUSTER_SOLR_COLLECTIONS="ckan ckan_test" PYTHON="$PYTHON" bash "$S/cluster/solrcloud.sh" up
  export CKAN_SOLR_URL="http://127.0.0.1:${CLUSTER_SOLR_LB_PORT:-8990}/solr/ckan_test"
  # the relevance tests compare with CKAN's stock schema: its core stays on the single Solr
  export CKAN_STOCK_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan_stock_test"
fi
export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1"
export CKAN_DATASTORE_WRITE_URL="postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/datastore_test"
export CKAN_DATASTORE_READ_URL="postgresql://$DATASTORE_RO_USER:$DATASTORE_RO_PASSWORD@127.0.0.1:$PG_PORT/datastore_test"
# The regional instance of tests/cascade (region.ini) on the same services.
export LIUZHOU_REGION_SQLALCHEMY_URL="postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/ckan_region_test"
export LIUZHOU_REGION_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan_region_test"
export LIUZHOU_REGION_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/8"
"$PYTHON" -m ckanext.liuzhou.doctor -c test.ini --services || die "a service is missing (see above)"
"$CKAN" -c test.ini db upgrade >"$STACK_DIR/test-db-upgrade.log" 2>&1 \
  || { tail -30 "$STACK_DIR/test-db-upgrade.log"; die "test database migration failed"; }
"$CKAN" -c test.ini datastore set-permissions 2>>"$STACK_DIR/test-db-upgrade.log" \
  | bash "$S/postgres.sh" datastore datastore_test || die "DataStore permissions could not be set"

set +e
"$VENV/bin/pytest" --ckan-ini=test.ini -p no:cacheprovider "${@:-tests}"
rc=$?
set -e
if [ $rc -eq 5 ]; then
  say "pytest collected no tests: that is a failure here"
  rc=1
fi
exit $rc
