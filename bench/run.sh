#!/usr/bin/env bash
# Volume benchmarks on a throwaway PostgreSQL cluster. Prints its figures.
# Usage: bench/run.sh [REGISTRATIONS] [SERIALS]   (defaults 1000000 1000)
# Environment: SIZES (batched service lifecycles, default 10,100,1000),
# DESK_SIZES (service desk orders one at a time, default 1,10,30), ONLY (the
# benchmarks to run, comma-separated script names without .py; default all),
# FA_ORDERS (service orders of the failure analysis, default REGISTRATIONS).
# A quick run: ONLY=service_desk DESK_SIZES=1,10 bench/run.sh
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
find_odoo_python || die "no Odoo 18 found: put the 'odoo' command on PATH or set ODOO_PYTHON"
REGISTRATIONS="${1:-1000000}"
SERIALS="${2:-1000}"

pg_start
trap pg_stop EXIT INT TERM
addons="$(odoo_addons_path)"
mapfile -t db_args < <(odoo_db_args)

log "database with after_sales_service"
install_db bench_addon after_sales_service
log "database without it (repair, stock_account, sale_stock)"
install_db bench_bare repair,stock_account,sale_stock

bench_py() {
  case ",${ONLY:-$1}," in
    *",$1,"*) "$ODOO_PYTHON" "$ROOT_DIR/bench/$1.py" --addons-path="$addons" "${db_args[@]}" "${@:2}" ;;
  esac
}
bench_py warranty_lookup -d bench_addon --registrations "$REGISTRATIONS"
bench_py delivery_validation --db-with bench_addon --db-without bench_bare --serials "$SERIALS"
bench_py service_lifecycle --db-with bench_addon --db-without bench_bare --sizes "${SIZES:-10,100,1000}"
bench_py service_desk --db-with bench_addon --db-without bench_bare --sizes "${DESK_SIZES:-1,10,30}"
bench_py parts_forecast -d bench_addon
# Last: it keeps the orders and registrations it loads (committed and
# vacuumed, as on a live database), the others roll theirs back.
bench_py failure_analysis -d bench_addon --registrations "$REGISTRATIONS" --orders "${FA_ORDERS:-$REGISTRATIONS}"
