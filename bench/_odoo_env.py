"""Open an Odoo environment on a database for the benchmark scripts, and the
helpers the scripts share: counting queries and time, stock transfers of
serials, the line that compares the addon with Odoo's bare path."""

import argparse
import contextlib
import time
from types import SimpleNamespace

import odoo
from odoo import Command
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
def environment(dbname, tracking=False):
    """A superuser environment on ``dbname``; without mail tracking unless asked."""
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        context = {} if tracking else {"tracking_disable": True}
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, context)


def queries():
    return odoo.sql_db.sql_counter


@contextlib.contextmanager
def measured():
    """Queries and seconds spent in the block, in ``.queries`` and ``.seconds``
    of the object it yields once the block is left."""
    spent = SimpleNamespace(queries=0, seconds=0.0)
    q0, t0 = queries(), time.perf_counter()
    yield spent
    spent.queries, spent.seconds = queries() - q0, time.perf_counter() - t0


def comparison(title, count, addon, bare, bare_name):
    """One line of figures per order and the ratio addon / bare, from the
    ``measured`` results of ``count`` orders on each side."""
    return (
        f"{title} x{count}: addon {addon.queries / count:.1f} queries, "
        f"{addon.seconds / count * 1000:.1f} ms per order; {bare_name} "
        f"{bare.queries / count:.1f} queries, {bare.seconds / count * 1000:.1f} ms per order; "
        f"ratio queries {addon.queries / bare.queries:.2f}, time {addon.seconds / bare.seconds:.2f}"
    )


def transfer(env, product, lots, partner, source, destination, picking_type):
    """One validated transfer per serial of ``lots``, the serial set on its move
    line as a user scans it (Odoo's own reservation replaced)."""
    pickings = env["stock.picking"].create(
        [
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": lot.name,
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
            for lot in lots
        ]
    )
    pickings.action_confirm()
    pickings.move_line_ids.unlink()
    env["stock.move.line"].create(
        [
            {
                "move_id": picking.move_ids.id,
                "picking_id": picking.id,
                "product_id": product.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": source.id,
                "location_dest_id": destination.id,
            }
            for picking, lot in zip(pickings, lots, strict=True)
        ]
    )
    pickings.move_ids.picked = True
    pickings.with_context(skip_sms=True).button_validate()
    return pickings


def deliver(env, warehouse, product, lots, partner):
    """Put the serials in stock and deliver them to ``partner`` in one transfer."""
    for lot in lots:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1, lot_id=lot)
    customers = env.ref("stock.stock_location_customers")
    picking = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.out_type_id.id,
            "partner_id": partner.id,
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": customers.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.name,
                        "product_id": product.id,
                        "product_uom_qty": len(lots),
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": customers.id,
                    }
                )
            ],
        }
    )
    picking.action_confirm()
    picking.action_assign()
    picking.move_ids.picked = True
    picking.with_context(skip_sms=True).button_validate()
    assert picking.state == "done", picking.state
    return picking
