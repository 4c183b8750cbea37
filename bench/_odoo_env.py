"""Open an Odoo environment on a database for the benchmark scripts."""

import argparse
import contextlib

import odoo
from odoo.tools import config


def parse(extra=None):
    """Split our own options from Odoo's (addons path, database connection)."""
    parser = argparse.ArgumentParser()
    if extra:
        extra(parser)
    own, odoo_args = parser.parse_known_args()
    config.parse_config([*odoo_args, "--log-level=warn"])
    return own


@contextlib.contextmanager
def environment(dbname):
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})


def queries():
    return odoo.sql_db.sql_counter
