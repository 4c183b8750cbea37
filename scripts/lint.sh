#!/usr/bin/env bash
# `make lint`: the lint step of `make test` on its own (no Odoo needed);
# installs the pinned tools into .venv-tools first when needed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
tools_venv
run_lint
