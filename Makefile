# The two commands of the project: `make run` (demo) and `make test`.
# `make help` lists every target with what it is for.
.PHONY: help run test test-addon test-baseline lint readme wheel bench bench-concurrent bench-scale clean pot

# Arguments for `make bench`, passed on to the bench scripts (see below).
ARGS ?=
CLIENT_ARGS ?=
CONCURRENT_ARGS ?=
SCALE_ARGS ?=

help: ## what each target is for
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: ## serve the addon with its demo data on http://localhost:8069 (needs Odoo 18)
	bash scripts/run-demo.sh

test: ## lint, tests without Odoo, then the addon's and Odoo's stock/repair/stock_account tests
	bash scripts/test.sh

test-addon: ## quicker loop: the same, with the addon's own Odoo tests only
	ODOO_TAGS=/after_sales_service bash scripts/test.sh

# Shows that the failures listed in .ci/known-upstream-failures.txt are upstream.
test-baseline: ## Odoo's stock, repair and stock_account suites WITHOUT the addon
	ODOO_MODULES=repair,sale_stock,stock_account bash scripts/odoo-tests.sh /stock,/repair,/stock_account

lint: ## ruff, pylint-odoo and OCA's XML/manifest checks (installs .venv-tools when needed)
	bash scripts/lint.sh

pot: ## regenerate the addon's translation template i18n/after_sales_service.pot (needs Odoo 18)
	bash scripts/export-pot.sh

readme: ## regenerate after_sales_service/README.rst from after_sales_service/readme/*.md
	bash -c 'source scripts/lib.sh && tools_venv && "$$TOOLS/python" scripts/gen_addon_readme.py after_sales_service'

wheel: ## build dist/odoo_addon_after_sales_service-*.whl and dist/after_sales_client-*.whl
	bash -c 'source scripts/lib.sh && tools_venv \
	  && "$$TOOLS/python" -m build --wheel --no-isolation --outdir dist after_sales_service \
	  && "$$TOOLS/python" -m build --wheel --no-isolation --outdir dist after_sales_client \
	  && rm -rf after_sales_client/build after_sales_client/*.egg-info'

# The full run (no ARGS: 1,000,000 registrations, 1,000 serials, lifecycles of
# 10, 100 and 1,000 orders, 10,000 registrations through the client) takes
# about 10 minutes on a 2-core machine; the figures in README.md come from it.
# A quick run, 3 to 4 minutes, most of them installing the three databases:
#   make bench ARGS="10000 100" SIZES=10 CLIENT_ARGS=1000
# ARGS go to bench/run.sh ([REGISTRATIONS] [SERIALS]), SIZES (environment) to
# its service lifecycles, CLIENT_ARGS to bench/run_client.sh ([COUNT]).
bench: ## volume benchmarks, about 10 min; quick: make bench ARGS="10000 100" SIZES=10 CLIENT_ARGS=1000
	bash bench/run.sh $(ARGS)
	bash bench/run_client.sh $(CLIENT_ARGS)

# CONCURRENT_ARGS go to bench/run_concurrent.sh ([ROWS] [CLIENTS] [BATCH]).
bench-concurrent: ## client processes register the same refs at once: one registration per ref, none rejected
	bash bench/run_concurrent.sh $(CONCURRENT_ARGS)

# SCALE_ARGS go to bench/scale.sh ([REGISTRATIONS] [CLIENTS] [SECONDS]); the
# defaults (1,000,000 registrations, clients 1,4,8, 20 s) take about 13 minutes.
# Quick: make bench-scale SCALE_ARGS="100000 1,4"
bench-scale: ## primary + streaming replica, Odoo with 4 workers: mixed client load with and without the replica
	bash bench/scale.sh $(SCALE_ARGS)

clean: ## remove .venv-tools, .test-logs and built wheels
	rm -rf .venv-tools .test-logs dist
