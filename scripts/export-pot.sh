#!/usr/bin/env bash
# `make pot`: regenerate after_sales_service/i18n/after_sales_service.pot from
# the addon's code, views, data and reports, with the installed Odoo's own
# exporter, on a throwaway database without demo data.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

find_odoo_python || die "no Odoo 18 found: put the 'odoo' command on PATH or set ODOO_PYTHON"
pg_start
trap pg_stop EXIT INT TERM

log "installing after_sales_service (a few minutes)"
install_db after_sales_pot after_sales_service
mapfile -t db_args < <(odoo_db_args)
pot="$ROOT_DIR/after_sales_service/i18n/after_sales_service.pot"
run_odoo --addons-path="$(odoo_addons_path)" "${db_args[@]}" -d after_sales_pot \
  --modules=after_sales_service --i18n-export="$pot" --log-level=warn \
  >"$PG_DIR/export.log" 2>&1 \
  || { tail -n 30 "$PG_DIR/export.log" >&2; die "exporting the terms failed"; }
log "wrote $pot ($(grep -c '^msgid ' "$pot") terms)"
