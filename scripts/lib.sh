# shellcheck shell=bash
# Shared helpers for the project's scripts: the pinned tools and the lint,
# find the installed Odoo, run a throwaway PostgreSQL cluster. Nothing here
# installs or builds Odoo.

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT_DIR

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- tools without Odoo -------------------------------------------------------

# tools_venv: .venv-tools with the tools pinned in requirements-dev.txt,
# (re)installed whenever that file changed; sets TOOLS to its bin folder.
tools_venv() {
  local venv="$ROOT_DIR/.venv-tools"
  local stamp="$venv/.requirements"
  if ! cmp -s "$ROOT_DIR/requirements-dev.txt" "$stamp" 2>/dev/null; then
    log "installing pinned tools into .venv-tools"
    python3 -m venv "$venv" && "$venv/bin/pip" install -q -r "$ROOT_DIR/requirements-dev.txt" \
      && cp "$ROOT_DIR/requirements-dev.txt" "$stamp" || die "could not install the tools"
  fi
  TOOLS="$venv/bin"
}

# run_lint: the checks of `make lint` and of `make test`'s first step, from
# the repository's root, with the tools of tools_venv. .pre-commit-config.yaml
# runs the same checks. oca-checks-odoo-module reads .oca_hooks.cfg.
run_lint() {
  log "lint: ruff check, ruff format --check, pylint-odoo, oca-checks-odoo-module, oca-checks-po"
  (
    cd "$ROOT_DIR" \
      && "$TOOLS/ruff" check . && "$TOOLS/ruff" format --check . \
      && "$TOOLS/pylint" --rcfile=.pylintrc after_sales_service \
      && "$TOOLS/oca-checks-odoo-module" after_sales_service \
      && "$TOOLS/oca-checks-po" after_sales_service/i18n/*.po*
  )
}

# find_odoo_python: sets ODOO_PYTHON to a Python that can `import odoo`,
# from $ODOO_PYTHON or from the interpreter of the `odoo` command on PATH.
# Returns 1 (without exiting) when no Odoo is installed.
find_odoo_python() {
  if [ -n "${ODOO_PYTHON:-}" ]; then
    "$ODOO_PYTHON" -c "import odoo" 2>/dev/null || die "ODOO_PYTHON=$ODOO_PYTHON cannot import odoo"
    return 0
  fi
  local odoo_cmd shebang
  odoo_cmd="$(command -v odoo 2>/dev/null)" || return 1
  shebang="$(head -n 1 "$odoo_cmd")"
  case "$shebang" in
    "#!"*python*)
      # "#!/usr/bin/env python3" or "#!/path/to/python"
      read -r -a parts <<< "${shebang#\#!}"
      if [ "$(basename "${parts[0]}")" = env ]; then
        ODOO_PYTHON="$(command -v "${parts[1]}")"
      else
        ODOO_PYTHON="${parts[0]}"
      fi
      ;;
    *) ODOO_PYTHON="$(command -v python3)" ;;
  esac
  "$ODOO_PYTHON" -c "import odoo" 2>/dev/null || return 1
  export ODOO_PYTHON
}

# odoo_addons_path: the installed Odoo's own addons folders, then this repo.
odoo_addons_path() {
  "$ODOO_PYTHON" - "$ROOT_DIR" <<'PY'
import os, sys
import odoo
root = os.path.dirname(os.path.abspath(odoo.__file__))
paths = []
for candidate in (os.path.join(root, "addons"), os.path.join(root, "..", "addons")):
    candidate = os.path.normpath(candidate)
    if os.path.isdir(os.path.join(candidate, "web")) or os.path.isdir(os.path.join(candidate, "base")):
        paths.append(candidate)
paths.append(sys.argv[1])
print(",".join(paths))
PY
}

# run_odoo ARGS...: the installed Odoo's command line (see scripts/odoo_cli.py).
run_odoo() {
  "$ODOO_PYTHON" "$ROOT_DIR/scripts/odoo_cli.py" "$@"
}

# check_longpolling LOG GEVENT_PORT: with --workers, Odoo runs its long-polling process
# (`odoo gevent`) beside the HTTP workers and starts it again as soon as it
# dies: one that cannot start (its port taken, a package missing) is started
# again and again, dozens of Python starts a second, and takes the CPU a
# bench measures. Fails when no such process stays up for two seconds.
check_longpolling() {
  local first second pattern="odoo_cli.py gevent .*--gevent-port=$2( |\$)"
  first="$(pgrep -f -- "$pattern" | sort | head -n 1 || true)"
  sleep 2
  second="$(pgrep -f -- "$pattern" | sort | head -n 1 || true)"
  if [ -z "$first" ] || [ "$first" != "$second" ]; then
    grep -B2 -A12 'Traceback' "$1" | tail -n 15 >&2 || true
    die "Odoo's long-polling process (odoo gevent) does not stay up: Odoo restarts it in a loop (see $1)"
  fi
}

# --- throwaway PostgreSQL cluster -------------------------------------------

pg_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

ensure_postgresql() {
  pg_bindir >/dev/null && return 0
  [ "$(id -u)" = 0 ] || die "PostgreSQL server binaries not found; install Debian's 'postgresql' package"
  log "installing Debian's postgresql package"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; } \
    || die "could not install postgresql"
}

# PostgreSQL refuses to run as root: as root, its server runs as `postgres`.
as_pg_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# pg_start: starts a cluster in a new temporary folder; sets PG_DIR, PG_PORT,
# PG_USER, PG_PASSWORD. pg_stop removes it. Callers trap pg_stop on EXIT.
pg_start() {
  ensure_postgresql
  local bindir
  bindir="$(pg_bindir)"
  PG_DIR="$(mktemp -d /tmp/after_sales_pg.XXXXXX)"
  PG_PORT="${PG_PORT:-$(free_port)}"
  PG_USER=odoo
  PG_PASSWORD=odoo
  export PG_DIR PG_PORT PG_USER PG_PASSWORD
  chmod 755 "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
  as_pg_user "$bindir/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  # Throwaway data: durability settings off for speed. The server gets none of
  # the caller's other descriptors (a lock held by `flock` must end with it).
  as_pg_user "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- \
    || { cat "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  as_pg_user "$bindir/psql" -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres \
    -c "CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD'" >/dev/null
  log "PostgreSQL cluster on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ] || return 0
  as_pg_user "$(pg_bindir)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=
}

odoo_db_args() {
  printf '%s\n' --db_host=127.0.0.1 "--db_port=$PG_PORT" "--db_user=$PG_USER" "--db_password=$PG_PASSWORD"
}

# browser_check: Odoo's browser tests (tours) need a Chrome or Chromium on PATH
# and the websocket-client package in Odoo's Python; without either, Odoo skips
# every tour and still reports success. Prints what is found or missing;
# returns 1 when something is missing.
browser_check() {
  local browser="" bin missing=()
  for bin in google-chrome chromium chromium-browser google-chrome-stable; do
    browser="$(command -v "$bin" 2>/dev/null)" && break
  done
  [ -n "$browser" ] || missing+=("Chromium (Debian: apt-get install chromium)")
  "$ODOO_PYTHON" -c "import websocket" 2>/dev/null \
    || missing+=("websocket-client in Odoo's Python ($ODOO_PYTHON -m pip install websocket-client)")
  if [ "${#missing[@]}" -gt 0 ]; then
    printf 'browser tests cannot run: missing %s\n' "$(IFS=';'; echo "${missing[*]}" | sed 's/;/ and /g')"
    return 1
  fi
  printf 'browser tests can run: %s, websocket-client %s\n' "$browser" \
    "$("$ODOO_PYTHON" -c 'import websocket; print(websocket.__version__)')"
}

# restore_base_db DB ADDONS_PATH: DB with the addon's dependencies installed
# (as Odoo's test run installs them, demo data included), from a dump in
# $ODOO_BASE_CACHE made on first use; its filestore comes with it.
restore_base_db() {
  local db="$1" addons="$2" depends key cache data_dir bindir db_args
  depends="$("$ODOO_PYTHON" -c 'import ast, sys; print(",".join(ast.literal_eval(open(sys.argv[1]).read())["depends"]))' \
    "$ROOT_DIR/after_sales_service/__manifest__.py")"
  key="$({ "$ODOO_PYTHON" -c 'import odoo.release as r; print(r.version)'; echo "$depends"; git -C "$(dirname "$("$ODOO_PYTHON" -c 'import odoo; print(odoo.__file__)')")" rev-parse HEAD 2>/dev/null; } | sha1sum | cut -c1-12)"
  cache="$ODOO_BASE_CACHE/$key"
  data_dir="$("$ODOO_PYTHON" -c 'from odoo.tools import config; print(config["data_dir"])')"
  bindir="$(pg_bindir)"
  mapfile -t db_args < <(odoo_db_args)
  if [ ! -s "$cache/db.dump" ]; then
    log "base cache: installing $depends once into $cache"
    mkdir -p "$cache"
    run_odoo --addons-path="$addons" "${db_args[@]}" -d base_cache -i "$depends" \
      --stop-after-init --max-cron-threads=0 --log-level=warn >"$cache/install.log" 2>&1 \
      || { tail -n 30 "$cache/install.log"; log "base cache: install failed"; return 1; }
    PGPASSWORD="$PG_PASSWORD" "$bindir/pg_dump" -Fc -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -f "$cache/db.dump.tmp" base_cache \
      && mv "$cache/db.dump.tmp" "$cache/db.dump" || return 1
    rm -rf "$cache/filestore" && cp -a "$data_dir/filestore/base_cache" "$cache/filestore" 2>/dev/null || mkdir -p "$cache/filestore"
  fi
  log "base cache: restoring $depends from $cache"
  PGPASSWORD="$PG_PASSWORD" "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$db" \
    && PGPASSWORD="$PG_PASSWORD" "$bindir/pg_restore" --no-owner -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$db" "$cache/db.dump" \
    || return 1
  rm -rf "$data_dir/filestore/$db" && mkdir -p "$data_dir/filestore" && cp -a "$cache/filestore" "$data_dir/filestore/$db"
}

# install_db DB MODULES: a database with MODULES and no demo data in the
# running cluster (the benches); the install log goes to $PG_DIR/DB.log.
install_db() {
  local db="$1" modules="$2" db_args
  mapfile -t db_args < <(odoo_db_args)
  run_odoo --addons-path="$(odoo_addons_path)" "${db_args[@]}" -d "$db" -i "$modules" \
    --without-demo=all --stop-after-init --max-cron-threads=0 --log-level=warn >"$PG_DIR/$db.log" 2>&1 \
    || { tail -n 30 "$PG_DIR/$db.log"; die "install of $modules into $db failed"; }
}
