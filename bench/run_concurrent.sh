#!/usr/bin/env bash
# Concurrency proof: serves a fresh database with the addon (several workers)
# and lets client processes register overlapping refs through
# after_sales_client at the same time; one registration per ref, no row
# rejected. Prints the figures and Odoo's retries; exits 1 on a failed check.
# Usage: bench/run_concurrent.sh [ROWS] [CLIENTS] [BATCH]   (defaults 2000 2 500)
# Environment: WORKERS (Odoo's HTTP workers, default 2).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
find_odoo_python || die "no Odoo 18 found: put the 'odoo' command on PATH or set ODOO_PYTHON"
ROWS="${1:-2000}"
CLIENTS="${2:-2}"
BATCH="${3:-500}"
pg_start
addons="$(odoo_addons_path)"
mapfile -t db_args < <(odoo_db_args)
install_db bench_concurrent after_sales_service
port="$(free_port)"
gevent_port="$(free_port)"
while [ "$gevent_port" = "$port" ]; do gevent_port="$(free_port)"; done
# Odoo's retries of serialization failures are logged at INFO by odoo.service.model.
run_odoo --addons-path="$addons" "${db_args[@]}" -d bench_concurrent --db-filter='^bench_concurrent$' \
  --http-interface=127.0.0.1 --http-port="$port" --gevent-port="$gevent_port" --workers="${WORKERS:-2}" --max-cron-threads=0 \
  --log-level=warn --log-handler=odoo.service.model:INFO \
  >"$PG_DIR/server.log" 2>&1 &
server=$!
# The server runs in a subshell: stop its Odoo process too, then the subshell.
trap 'pkill -TERM -P $server 2>/dev/null; kill $server 2>/dev/null; wait $server 2>/dev/null || true; pg_stop' EXIT INT TERM
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/web/login" >/dev/null && break
  sleep 1
done
check_longpolling "$PG_DIR/server.log" "$gevent_port"
status=0
AFTER_SALES_API_KEY=admin python3 "$ROOT_DIR/bench/concurrent_registrations.py" \
  "http://127.0.0.1:$port" bench_concurrent admin "$ROWS" "$CLIENTS" "$BATCH" || status=$?
retries="$(grep -c 'tries left, try again' "$PG_DIR/server.log" || true)"
refused="$(grep -c 'after_sales_warranty_ref_company_unique' "$PG_DIR/server.log" || true)"
echo "concurrent registrations: Odoo retried $retries calls; the database refused a ref $refused times"
grep -E ' (ERROR|CRITICAL) ' "$PG_DIR/server.log" | grep -v 'bad query' | grep -v 'ref_company_unique' | head -n 5 || true
exit "$status"
