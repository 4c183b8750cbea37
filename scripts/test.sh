#!/usr/bin/env bash
# `make test`: lint, the tests that need no Odoo, then the Odoo tests of the
# addon together with Odoo's own stock, repair and stock_account suites, on a
# fresh database in a throwaway PostgreSQL cluster. Prints a summary.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"

ODOO_TAGS="${ODOO_TAGS:-/after_sales_service,/stock,/repair,/stock_account}"
status=0
summary=()

tools_venv

if run_lint; then
  summary+=("lint: passed")
else
  summary+=("lint: FAILED"); status=1
fi

log "tests without Odoo (scripts, after_sales_client)"
if "$TOOLS/python" -m pytest -q -p no:cacheprovider scripts/tests after_sales_client/tests; then
  summary+=("tests without Odoo: passed")
else
  summary+=("tests without Odoo: FAILED"); status=1
fi

log "Odoo tests ($ODOO_TAGS)"
# The proof installs everything from scratch (see odoo-tests.sh).
odoo_out="$(ODOO_BASE_CACHE= bash "$ROOT_DIR/scripts/odoo-tests.sh" "$ODOO_TAGS")"
odoo_rc=$?
printf '%s\n' "$odoo_out"
case "$odoo_rc" in
  0) summary+=("Odoo tests: passed") ;;
  3) summary+=("Odoo tests: DID NOT RUN (no Odoo 18 installed: no 'odoo' on PATH, ODOO_PYTHON unset)") ;;
  4) summary+=("Odoo tests: FAILED, did not run: $(printf '%s\n' "$odoo_out" | sed -n 's/^Odoo tests did not run: //p')"); status=1 ;;
  *) summary+=("Odoo tests: FAILED"); status=1 ;;
esac

echo
echo "==================== summary ===================="
printf '%s\n' "${summary[@]}"
printf '%s\n' "$odoo_out" | grep -E '^(browser tests|Odoo tests:|  )' || true
echo "================================================="
# The closing line of the Odoo run, repeated last for CI.
printf '%s\n' "$odoo_out" | grep -E '^odoo: ' | sed 's/^odoo: //' || true
exit "$status"
