#!/usr/bin/env bash
# `make run`: a throwaway PostgreSQL cluster, a database with the addon and its
# demo data, Odoo serving on http://localhost:8069. Ctrl-C stops everything.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

find_odoo_python || die "no Odoo 18 found: put the 'odoo' command on PATH or set ODOO_PYTHON"
HTTP_PORT="${HTTP_PORT:-8069}"
DB_NAME="${DB_NAME:-after_sales_demo}"

pg_start
trap pg_stop EXIT INT TERM

addons="$(odoo_addons_path)"
mapfile -t db_args < <(odoo_db_args)
log "creating database $DB_NAME with after_sales_service and demo data (a few minutes)"
run_odoo --addons-path="$addons" "${db_args[@]}" -d "$DB_NAME" -i after_sales_service \
  --stop-after-init --http-port="$HTTP_PORT" --max-cron-threads=0 \
  --log-level=warn >"$PG_DIR/install.log" 2>&1 \
  || { tail -n 50 "$PG_DIR/install.log" >&2; die "installing the addon failed"; }

# For the quick test loop (scripts/pytest-odoo.sh) while this runs.
cat >"$ROOT_DIR/.odoo-dev.conf" <<CONF
[options]
addons_path = $addons
db_host = 127.0.0.1
db_port = $PG_PORT
db_user = $PG_USER
db_password = $PG_PASSWORD
db_name = $DB_NAME
CONF
trap 'rm -f "$ROOT_DIR/.odoo-dev.conf"; pg_stop' EXIT INT TERM

cat <<MSG

  After-Sales demo is ready:  http://localhost:$HTTP_PORT
  login: admin   password: admin   (database: $DB_NAME)
  Stop with Ctrl-C; the database and its cluster are thrown away.

MSG
run_odoo --addons-path="$addons" "${db_args[@]}" -d "$DB_NAME" --db-filter="^$DB_NAME\$" \
  --http-port="$HTTP_PORT" --log-level=warn
