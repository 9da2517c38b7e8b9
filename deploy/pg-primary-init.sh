#!/bin/bash
# docker-compose, first start of the primary: the role the standby replicates with, and its
# pg_hba line (the loopback cluster trusts 127.0.0.1 instead: scripts/cluster/up.sh).
set -e
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}'"
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
