#!/usr/bin/env bash
# Client benchmark: serves a fresh database with the addon on a local port
# and registers warranties through after_sales_client.
# Usage: bench/run_client.sh [COUNT]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
find_odoo_python || die "no Odoo 18 found: put the 'odoo' command on PATH or set ODOO_PYTHON"
COUNT="${1:-10000}"
pg_start
addons="$(odoo_addons_path)"
mapfile -t db_args < <(odoo_db_args)
install_db bench_client after_sales_service
port="$(free_port)"
run_odoo --addons-path="$addons" "${db_args[@]}" -d bench_client --db-filter='^bench_client$' \
  --http-interface=127.0.0.1 --http-port="$port" --max-cron-threads=0 --log-level=warn \
  >"$PG_DIR/server.log" 2>&1 &
server=$!
# The server runs in a subshell: stop its Odoo process too, then the subshell.
trap 'pkill -TERM -P $server 2>/dev/null; kill $server 2>/dev/null; wait $server 2>/dev/null || true; pg_stop' EXIT INT TERM
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/web/login" >/dev/null && break
  sleep 1
done
AFTER_SALES_API_KEY=admin python3 "$ROOT_DIR/bench/client_registrations.py" \
  "http://127.0.0.1:$port" bench_client admin "$COUNT"
