# The two commands of the project: `make run` (demo) and `make test`.
.PHONY: run test test-addon lint bench clean

run:
	bash scripts/run-demo.sh

test:
	bash scripts/test.sh

# Quicker loop: the addon's own tests only, without Odoo's suites.
test-addon:
	ODOO_TAGS=/after_sales_service bash scripts/test.sh

lint:
	.venv-tools/bin/ruff check . && .venv-tools/bin/ruff format --check . \
	  && .venv-tools/bin/pylint --rcfile=.pylintrc after_sales_service

bench:
	bash bench/run.sh

clean:
	rm -rf .venv-tools .test-logs
