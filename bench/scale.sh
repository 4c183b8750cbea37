#!/usr/bin/env bash
# Scale bench: a PostgreSQL primary and a streaming replica (a second cluster
# made with pg_basebackup -R, both on localhost), Odoo with prefork workers
# and --db_replica_host/--db_replica_port, and client processes running a
# mixed load (warranty status look-ups, small registration batches) for a
# fixed time, once through the client's JSON-RPC transport and once through
# XML-RPC. Prints requests/s, p50/p95 per call type, errors, and which
# cluster ran the transactions (pg_stat_database on each, before and after).
# Usage: bench/scale.sh [REGISTRATIONS] [CLIENTS] [SECONDS]   (defaults 100000 4 20)
# Environment: WORKERS (Odoo's HTTP workers, default 2).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
find_odoo_python || die "no Odoo 18 found: put the 'odoo' command on PATH or set ODOO_PYTHON"
REGISTRATIONS="${1:-100000}"
CLIENTS="${2:-4}"
SECONDS_EACH="${3:-20}"
DB=bench_scale

pg_start
addons="$(odoo_addons_path)"
mapfile -t db_args < <(odoo_db_args)
bindir="$(pg_bindir)"
REPLICA_DIR="$PG_DIR/replica"
REPLICA_PORT="$(free_port)"
server=""
cleanup() {
  if [ -n "$server" ]; then
    pkill -TERM -P "$server" 2>/dev/null || true
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  [ -d "$REPLICA_DIR" ] && as_pg_user "$bindir/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null 2>&1 || true
  pg_stop
}
trap cleanup EXIT INT TERM

log "database with after_sales_service and $REGISTRATIONS registrations"
install_db "$DB" after_sales_service
"$ODOO_PYTHON" - --addons-path="$addons" "${db_args[@]}" <<EOF
import sys
sys.path.insert(0, "$ROOT_DIR/bench")
from _odoo_env import environment, parse
from warranty_lookup import bulk_load
parse()
with environment("$DB") as env:
    product, seconds = bulk_load(env, $REGISTRATIONS)
    env.cr.commit()
    print(f"bulk load: {seconds:.1f} s")
EOF

log "streaming replica on 127.0.0.1:$REPLICA_PORT (pg_basebackup -R)"
as_pg_user "$bindir/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$REPLICA_DIR" -R -X stream -c fast \
  >"$PG_DIR/basebackup.log" 2>&1 || { cat "$PG_DIR/basebackup.log"; die "pg_basebackup failed"; }
as_pg_user "$bindir/pg_ctl" -D "$REPLICA_DIR" -l "$PG_DIR/replica.log" -w \
  -o "-p $REPLICA_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=100" \
  start >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- \
  || { cat "$PG_DIR/replica.log"; die "the replica did not start"; }

psql_on() { # PORT SQL
  as_pg_user "$bindir/psql" -qAtX -h "$PG_DIR" -p "$1" -U postgres -d "$DB" -c "$2"
}
echo "replica in recovery: $(psql_on "$REPLICA_PORT" 'SELECT pg_is_in_recovery()');" \
  "primary streams to: $(psql_on "$PG_PORT" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") standby"

port="$(free_port)"
run_odoo --addons-path="$addons" "${db_args[@]}" -d "$DB" --db-filter="^$DB\$" \
  --db_replica_host=127.0.0.1 --db_replica_port="$REPLICA_PORT" \
  --http-interface=127.0.0.1 --http-port="$port" --workers="${WORKERS:-2}" --max-cron-threads=0 \
  --log-level=warn >"$PG_DIR/odoo.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/web/login" >/dev/null && break
  sleep 1
done

# Transactions each cluster ran: pg_stat_database counts them on a standby too.
xacts() { psql_on "$1" "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DB'"; }
status=0
for transport in jsonrpc xmlrpc; do
  primary_before="$(xacts "$PG_PORT")"
  replica_before="$(xacts "$REPLICA_PORT")"
  AFTER_SALES_PASSWORD=admin python3 "$ROOT_DIR/bench/scale_load.py" "http://127.0.0.1:$port" "$DB" admin \
    "$CLIENTS" "$SECONDS_EACH" "$REGISTRATIONS" "$transport" || status=1
  sleep 1 # the statistics are flushed about once a second
  echo "  transactions: primary $(($(xacts "$PG_PORT") - primary_before)), replica $(($(xacts "$REPLICA_PORT") - replica_before))"
done
echo "registrations: $(psql_on "$PG_PORT" "SELECT count(*) FROM after_sales_warranty WHERE ref LIKE 'SCALE-%'")" \
  "made by the load, $(psql_on "$PG_PORT" "SELECT count(DISTINCT ref) FROM after_sales_warranty WHERE ref LIKE 'SCALE-%'") distinct refs"
echo "read-only calls Odoo retried on the primary: $(grep -c 'retrying with a read/write cursor' "$PG_DIR/odoo.log" || true)"
grep -E ' (ERROR|CRITICAL) ' "$PG_DIR/odoo.log" | head -n 5 || true
exit "$status"
