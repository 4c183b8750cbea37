#!/usr/bin/env bash
# Scale bench: a PostgreSQL primary and a streaming replica (a second cluster
# made with pg_basebackup -R, both on localhost), a database with the addon
# and REGISTRATIONS bulk-loaded registrations, Odoo with prefork workers, and
# client processes running a mixed load for a fixed time (bench/scale_load.py:
# warranty status look-ups, registration batches of 500 rows whose refs
# overlap between the clients, service orders opened on distinct serials)
# over the client's JSON-RPC transport, for each client count:
#   1. Odoo with --db_replica_host/--db_replica_port (reads on the replica);
#      during the run with the most clients, the month-end jobs run in a
#      process of their own over XML-RPC (bench/month_end.py);
#      then, for each client count, warranty status look-ups alone (what the
#      machine serves when no batch holds a worker; STATUS_ONLY=0 skips),
#      and Odoo's cheapest read (res.partner search_count) by the most
#      clients: what a call costs in Odoo before the addon's code runs;
#      and once over XML-RPC, signed in with an API key (XML-RPC never uses
#      the replica);
#   2. Odoo restarted without the replica options (everything on the primary):
#      the mixed load, the look-ups alone by the most clients, and XML-RPC
#      (mixed, and look-ups alone by the most clients);
#   3. two Odoo servers on the primary and the replica, the look-ups sent to
#      one and the batches and orders to the other (what a load balancer
#      routing by URL does), by the most clients (SPLIT_WORKERS, the
#      servers' workers, default 2,2; 0 skips), once per CPU priority of
#      the second server (SPLIT_NICE, nice levels, default 0,10).
# Prints per run calls/s and p50/p95/p99 per call type, registrations created
# vs distinct refs sent, orders opened vs requested, errors, the
# transactions each cluster ran (pg_stat_database), the calls Odoo retried,
# how often a worker dropped its caches on Odoo's signaling and the
# replica's replay lag (the replica streams in every run); after the
# replica runs, the statements the replica ran most (pg_stat_statements).
# Exits 1 when a run had an error or a mismatch.
#
# Usage: bench/scale.sh [REGISTRATIONS] [CLIENTS] [SECONDS]
#   REGISTRATIONS  bulk-loaded registrations (default 1000000)
#   CLIENTS        client counts, comma separated (default 1,4,8; or env CLIENTS)
#   SECONDS        of each run (default 20; or env SECONDS)
# Environment: WORKERS (Odoo's HTTP workers, default 4), XMLRPC_CLIENTS
# (clients of the XML-RPC run, default 4; 0 skips it), MONTH_END (0 skips
# the month-end jobs), STATUS_ONLY (0 skips the look-up-only runs),
# SPLIT_WORKERS and SPLIT_NICE (see 3.).
# Quick: CLIENTS=1,4 bench/scale.sh 100000
set -euo pipefail
# Bash counts SECONDS from the value it inherits: read it before it grows.
env_seconds="$(printenv SECONDS || true)"
source "$(dirname "$0")/../scripts/lib.sh"
find_odoo_python || die "no Odoo 18 found: put the 'odoo' command on PATH or set ODOO_PYTHON"
REGISTRATIONS="${1:-1000000}"
CLIENT_COUNTS="${2:-${CLIENTS:-1,4,8}}"
SECONDS_EACH="${3:-${env_seconds:-20}}"
WORKERS="${WORKERS:-4}"
XMLRPC_CLIENTS="${XMLRPC_CLIENTS:-4}"
MONTH_END="${MONTH_END:-1}"
STATUS_ONLY="${STATUS_ONLY:-1}"
SPLIT_WORKERS="${SPLIT_WORKERS:-2,2}"
SPLIT_NICE="${SPLIT_NICE:-0,10}"
DB=bench_scale
IFS=, read -r -a counts <<<"$CLIENT_COUNTS"
most=0
for count in "${counts[@]}"; do
  [[ "$count" =~ ^[1-9][0-9]*$ ]] || die "CLIENTS is a comma-separated list of counts, not '$CLIENT_COUNTS'"
  if [ "$count" -gt "$most" ]; then most="$count"; fi
done
[[ "$SECONDS_EACH" =~ ^[1-9][0-9]*$ ]] || die "SECONDS is a whole number of seconds, not '$SECONDS_EACH'"
[[ "$SPLIT_WORKERS" =~ ^(0|[1-9][0-9]*,[1-9][0-9]*)$ ]] || die "SPLIT_WORKERS is two worker counts (look-ups,writes) or 0, not '$SPLIT_WORKERS'"
[[ "$SPLIT_NICE" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "SPLIT_NICE is a comma-separated list of nice levels (0-19), not '$SPLIT_NICE'"
log "scale bench: $REGISTRATIONS registrations, --workers=$WORKERS, clients $CLIENT_COUNTS, $SECONDS_EACH s each"

pg_start
addons="$(odoo_addons_path)"
mapfile -t db_args < <(odoo_db_args)
bindir="$(pg_bindir)"
REPLICA_DIR="$PG_DIR/replica"
REPLICA_PORT="$(free_port)"
servers=()
stop_odoo() {
  local pid
  for pid in "${servers[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  servers=()
}
cleanup() {
  stop_odoo
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
    company = env.company
    if not company.chart_template:
        # The month-end provision posts an entry: a chart of accounts, and
        # with it the addon's accounts and journal.
        env["account.chart.template"].try_loading("generic_coa", company)
    product, seconds = bulk_load(env, $REGISTRATIONS)
    # The XML-RPC clients sign in with an API key, as outside systems should.
    admin = env.ref("base.user_admin")
    key = env["res.users.apikeys"].with_user(admin).sudo()._generate(None, "scale bench", None)
    with open("$PG_DIR/apikey", "w", encoding="ascii") as out:
        out.write(key)
    env.cr.commit()
    print(f"bulk load: {seconds:.1f} s")
EOF
api_key="$(cat "$PG_DIR/apikey")"
psql_on() { # PORT SQL
  as_pg_user "$bindir/psql" -qAtX -h "$PG_DIR" -p "$1" -U postgres -d "$DB" -c "$2"
}
# Created on the primary, replicated; it counts only where the library is
# preloaded: on the replica.
psql_on "$PG_PORT" "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null

log "streaming replica on 127.0.0.1:$REPLICA_PORT (pg_basebackup -R)"
as_pg_user "$bindir/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$REPLICA_DIR" -R -X stream -c fast \
  >"$PG_DIR/basebackup.log" 2>&1 || { cat "$PG_DIR/basebackup.log"; die "pg_basebackup failed"; }
as_pg_user "$bindir/pg_ctl" -D "$REPLICA_DIR" -l "$PG_DIR/replica.log" -w \
  -o "-p $REPLICA_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=100 -c shared_preload_libraries=pg_stat_statements" \
  start >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- \
  || { cat "$PG_DIR/replica.log"; die "the replica did not start"; }
echo "replica in recovery: $(psql_on "$REPLICA_PORT" 'SELECT pg_is_in_recovery()');" \
  "primary streams to: $(psql_on "$PG_PORT" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") standby"

# Four distinct ports: HTTP and long polling of up to two servers.
ports=()
while [ "${#ports[@]}" -lt 4 ]; do
  candidate="$(free_port)"
  [[ " ${ports[*]} " == *" $candidate "* ]] || ports+=("$candidate")
done
port="${ports[0]}"
# -d without --db-filter: Odoo then serves that database without listing the
# server's databases on every request that has no session (XML-RPC calls),
# each time on a new connection to the `postgres` database (Odoo keeps no
# connection to it in its pool).
start_odoo() { # HTTP_PORT LONGPOLLING_PORT WORKERS [REPLICA OPTIONS...]  (env NICE: its CPU priority)
  local http_port="$1" longpolling_port="$2" workers="$3"
  shift 3
  # run_odoo, at the CPU priority NICE (nice runs a command, not a function).
  nice -n "${NICE:-0}" "$ODOO_PYTHON" "$ROOT_DIR/scripts/odoo_cli.py" --addons-path="$addons" "${db_args[@]}" -d "$DB" "$@" \
    --http-interface=127.0.0.1 --http-port="$http_port" --gevent-port="$longpolling_port" --workers="$workers" \
    --max-cron-threads=0 --log-level=warn --log-handler=odoo.service.model:INFO \
    --log-handler=odoo.modules.registry:INFO >>"$PG_DIR/odoo.log" 2>&1 &
  servers+=("$!")
  local up=""
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$http_port/web/login" >/dev/null && { up=1; break; }
    sleep 1
  done
  [ -n "$up" ] || { tail -n 20 "$PG_DIR/odoo.log"; die "Odoo did not answer on port $http_port"; }
  check_longpolling "$PG_DIR/odoo.log" "$longpolling_port"
  # Each prefork worker loads the registry on its first request (seconds of
  # CPU each): load them all before the clock starts, with concurrent
  # requests until a round of them answers quickly.
  local round started
  for round in 1 2 3 4 5 6; do
    started=$(date +%s%N)
    for _ in $(seq 1 $((workers * 2))); do
      curl -sf -o /dev/null "http://127.0.0.1:$http_port/web/login" &
    done
    wait_children
    if [ "$round" -gt 1 ] && [ $(($(date +%s%N) - started)) -lt 1000000000 ]; then
      break
    fi
  done
  return 0
}
# Waits for the curl jobs of start_odoo, not for Odoo itself (a job too).
wait_children() {
  local job
  for job in $(jobs -p); do
    [[ " ${servers[*]} " == *" $job "* ]] || [ "$job" = "${month_end:-}" ] || wait "$job" 2>/dev/null || true
  done
}

# Transactions each cluster ran: pg_stat_database counts them on a standby too.
xacts() { psql_on "$1" "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DB'"; }
# Odoo logs each retry of a call at INFO (odoo.service.model).
retries() { grep -c 'tries left, try again' "$PG_DIR/odoo.log" || true; }
# A worker drops its caches (or reloads the registry) when the signaling
# sequences it reads moved; logged at INFO by odoo.modules.registry.
drops() { grep -cE 'Invalidating caches after database signaling|Reloading the model registry after database signaling' "$PG_DIR/odoo.log" || true; }
# The replica's replay lag as the primary sees it (pg_stat_replication,
# NULL when the standby has caught up: 0), in ms, every half second, into
# FILE until killed.
sample_lag() { # FILE
  while :; do
    psql_on "$PG_PORT" "SELECT COALESCE(round(EXTRACT(epoch FROM max(replay_lag)) * 1000), 0) FROM pg_stat_replication" \
      >>"$1" 2>/dev/null || true
    sleep 0.5
  done
}
# "max X ms, median Y ms" of the samples in FILE.
lag_figures() { # FILE
  sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) printf "max %d ms, median %d ms (%d samples)", v[NR], v[int((NR + 1) / 2)], NR; else printf "no sample" }'
}
status=0
orders_from=1
# The server the batches and orders go to: the same one, but in the run with
# two servers.
write_port="$port"
run_load() { # TAG TRANSPORT CLIENTS [scale_load.py options...]
  local tag="$1" transport="$2" clients="$3" primary_before replica_before retries_before drops_before
  retries_before="$(retries)"
  drops_before="$(drops)"
  primary_before="$(xacts "$PG_PORT")"
  replica_before="$(xacts "$REPLICA_PORT")"
  : >"$PG_DIR/lag.txt"
  sample_lag "$PG_DIR/lag.txt" &
  local sampler=$!
  # JSON-RPC signs in with the password (a web session); XML-RPC with the API key.
  local secret=admin
  if [ "$transport" = xmlrpc ]; then secret="$api_key"; fi
  AFTER_SALES_PASSWORD="$secret" python3 "$ROOT_DIR/bench/scale_load.py" "http://127.0.0.1:$port" "$DB" admin \
    --clients "$clients" --seconds "$SECONDS_EACH" --serials "$REGISTRATIONS" --transport "$transport" \
    --tag "$tag" --orders-from "$orders_from" --write-url "http://127.0.0.1:$write_port" "${@:4}" || status=1
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  # Each client opens less than one order a second: serials of its own per run.
  orders_from=$((orders_from + clients * SECONDS_EACH * 5))
  [ "$orders_from" -lt "$REGISTRATIONS" ] || die "too few serials for the orders of the next runs"
  sleep 1 # the statistics are flushed about once a second
  echo "  transactions: primary $(($(xacts "$PG_PORT") - primary_before)), replica $(($(xacts "$REPLICA_PORT") - replica_before));" \
    "calls Odoo retried (serialization failures): $(($(retries) - retries_before));" \
    "caches a worker dropped on signaling: $(($(drops) - drops_before))"
  echo "  replication lag (pg_stat_replication.replay_lag, every 0.5 s): $(lag_figures "$PG_DIR/lag.txt")"
}

log "Odoo --workers=$WORKERS with the read replica"
start_odoo "$port" "${ports[1]}" "$WORKERS" --db_replica_host=127.0.0.1 --db_replica_port="$REPLICA_PORT"
psql_on "$REPLICA_PORT" "SELECT pg_stat_statements_reset()" >/dev/null
for clients in "${counts[@]}"; do
  echo "== with the replica: JSON-RPC, $clients client(s)"
  month_end=""
  if [ "$MONTH_END" != 0 ] && [ "$clients" = "$most" ]; then
    echo "   (the month-end jobs run meanwhile, over XML-RPC)"
    AFTER_SALES_PASSWORD=admin python3 "$ROOT_DIR/bench/month_end.py" "http://127.0.0.1:$port" "$DB" admin 3 \
      >"$PG_DIR/month_end.out" 2>&1 &
    month_end=$!
  fi
  run_load "replica-$clients" jsonrpc "$clients"
  if [ -n "$month_end" ]; then
    wait "$month_end" || status=1
    sed 's/^/  /' "$PG_DIR/month_end.out"
  fi
done
if [ "$STATUS_ONLY" != 0 ]; then
  # The look-ups alone: what the machine serves when no batch holds a worker.
  for clients in "${counts[@]}"; do
    echo "== with the replica: JSON-RPC, $clients client(s), status look-ups only"
    run_load "status-$clients" jsonrpc "$clients" --status-only
  done
  # The same clients calling Odoo's cheapest read: Odoo's own cost of a call.
  echo "== with the replica: JSON-RPC, $most client(s), Odoo's cheapest read only (no addon code)"
  run_load "baseline-$most" jsonrpc "$most" --baseline
fi
echo "== statements the replica ran most (pg_stat_statements, the runs with the replica):"
psql_on "$REPLICA_PORT" "SELECT calls || ' calls, ' || round(mean_exec_time::numeric, 3) || ' ms: ' || left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements WHERE query ~* 'after_sales_warranty|stock_lot' ORDER BY calls DESC LIMIT 3" | sed 's/^/  /'
if [ "$XMLRPC_CLIENTS" != 0 ]; then
  # Odoo reads its cache signals on the replica for the route's match and on
  # the primary for the XML-RPC call: see "caches a worker dropped".
  echo "== with the replica: XML-RPC (always on the primary), $XMLRPC_CLIENTS client(s)"
  run_load "xmlrpc-$XMLRPC_CLIENTS" xmlrpc "$XMLRPC_CLIENTS"
fi
stop_odoo

log "Odoo --workers=$WORKERS without the replica"
start_odoo "$port" "${ports[1]}" "$WORKERS"
for clients in "${counts[@]}"; do
  echo "== without the replica: JSON-RPC, $clients client(s)"
  run_load "primary-$clients" jsonrpc "$clients"
done
if [ "$STATUS_ONLY" != 0 ]; then
  echo "== without the replica: JSON-RPC, $most client(s), status look-ups only"
  run_load "primary-status-$most" jsonrpc "$most" --status-only
fi
if [ "$XMLRPC_CLIENTS" != 0 ]; then
  echo "== without the replica: XML-RPC, $XMLRPC_CLIENTS client(s)"
  run_load "primary-xmlrpc-$XMLRPC_CLIENTS" xmlrpc "$XMLRPC_CLIENTS"
  if [ "$STATUS_ONLY" != 0 ]; then
    echo "== without the replica: XML-RPC, $most client(s), status look-ups only"
    run_load "primary-xmlrpc-status-$most" xmlrpc "$most" --status-only
  fi
fi
stop_odoo

if [ "$SPLIT_WORKERS" != 0 ]; then
  # Two servers on the same primary and replica, as a load balancer would
  # use them: the look-ups to one, the batches and orders to the other. The
  # client's JSON-RPC transport posts each call to
  # /web/dataset/call_kw/<model>/<method>, which a proxy can route by path.
  # Once per CPU priority of the second server (SPLIT_NICE): sharing the
  # cores, bulk work at a lower priority leaves them to the look-ups first.
  IFS=, read -r lookup_workers write_workers <<<"$SPLIT_WORKERS"
  IFS=, read -r -a nices <<<"$SPLIT_NICE"
  for niceness in "${nices[@]}"; do
    log "two Odoo servers with the replica: look-ups --workers=$lookup_workers," \
      "batches and orders --workers=$write_workers at nice $niceness"
    start_odoo "$port" "${ports[1]}" "$lookup_workers" --db_replica_host=127.0.0.1 --db_replica_port="$REPLICA_PORT"
    NICE="$niceness" start_odoo "${ports[2]}" "${ports[3]}" "$write_workers" \
      --db_replica_host=127.0.0.1 --db_replica_port="$REPLICA_PORT"
    write_port="${ports[2]}"
    echo "== two servers (batches and orders at nice $niceness), with the replica: JSON-RPC, $most client(s)"
    run_load "split-$niceness-$most" jsonrpc "$most"
    write_port="$port"
    stop_odoo
  done
fi

echo "registrations made by the load: $(psql_on "$PG_PORT" "SELECT count(*) FROM after_sales_warranty WHERE ref LIKE 'SCALE-%'")," \
  "$(psql_on "$PG_PORT" "SELECT count(DISTINCT ref) FROM after_sales_warranty WHERE ref LIKE 'SCALE-%'") distinct refs"
echo "read-only calls Odoo retried on the primary: $(grep -c 'retrying with a read/write cursor' "$PG_DIR/odoo.log" || true)"
# A ref registered meanwhile is refused by the unique index (logged as a bad
# query), then the call retried: expected. Anything else is shown.
grep -E ' (ERROR|CRITICAL) ' "$PG_DIR/odoo.log" | grep -v 'bad query' | grep -v 'ref_company_unique' | cut -c1-300 | head -n 5 || true
[ "$status" = 0 ] && echo "scale bench: every run without error" || echo "scale bench: FAILED (see above)"
exit "$status"
