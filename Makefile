# The two commands of the project: `make run` (demo) and `make test`.
.PHONY: run test test-addon test-baseline lint bench clean

run:
	bash scripts/run-demo.sh

test:
	bash scripts/test.sh

# Quicker loop: the addon's own tests only, without Odoo's suites.
test-addon:
	ODOO_TAGS=/after_sales_service bash scripts/test.sh

# Odoo's stock, repair and stock_account suites WITHOUT the addon, to show
# that the failures listed in .ci/known-upstream-failures.txt are upstream.
test-baseline:
	ODOO_MODULES=repair,sale_stock,stock_account bash scripts/odoo-tests.sh /stock,/repair,/stock_account

lint:
	.venv-tools/bin/ruff check . && .venv-tools/bin/ruff format --check . \
	  && .venv-tools/bin/pylint --rcfile=.pylintrc after_sales_service

bench:
	bash bench/run.sh
	bash bench/run_client.sh

clean:
	rm -rf .venv-tools .test-logs
