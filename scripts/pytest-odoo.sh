#!/usr/bin/env bash
# Quick test loop with pytest-odoo against the database of a running
# `make run` (it writes .odoo-dev.conf). Usage:
#   scripts/pytest-odoo.sh after_sales_service/tests/test_warranty_term.py [-k name]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
find_odoo_python || die "no Odoo 18 found: put the 'odoo' command on PATH or set ODOO_PYTHON"
conf="$ROOT_DIR/.odoo-dev.conf"
[ -f "$conf" ] || die "start 'make run' in another terminal first: it serves the database the tests use"
"$ODOO_PYTHON" -c "import pytest_odoo" 2>/dev/null \
  || die "pytest-odoo is missing in Odoo's Python: $ODOO_PYTHON -m pip install pytest-odoo==2.3.0"
db="$(sed -n 's/^db_name = //p' "$conf")"
cd "$ROOT_DIR"
exec "$ODOO_PYTHON" -m pytest -p no:cacheprovider --odoo-config="$conf" --odoo-database="$db" "$@"
