"""Odoo's command line, run by the installed Odoo's Python (scripts/lib.sh,
run_odoo). A file, not ``python -c``: with --workers, Odoo starts its
long-polling process by running ``sys.argv[0]`` again with ``gevent``; from
``-c`` there is no such file, that process dies at once and Odoo spawns it
again, dozens of Python starts a second."""

import odoo.cli

if __name__ == "__main__":
    odoo.cli.main()
