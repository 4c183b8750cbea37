"""Service order lifecycles in batches, beside Odoo's bare repair lifecycle.

For 10, 100 and 1,000 orders: queries and milliseconds per order of the
addon's full lifecycle (receipt, repair, return) and of Odoo's own repair
order with its two transfers (receipt and return) on a database without the
addon; the ratio of the two.
"""

import time

from _odoo_env import environment, parse, queries

from odoo import Command


def _setup(env, count, prefix):
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    product = env["product.product"].create(
        {"name": f"{prefix} unit", "is_storable": True, "tracking": "serial"}
    )
    lots = env["stock.lot"].create(
        [{"name": f"{prefix}-{i:06d}", "product_id": product.id} for i in range(count)]
    )
    partner = env["res.partner"].create({"name": f"{prefix} customer"})
    env.flush_all()
    env.invalidate_all()
    return warehouse, product, lots, partner


def addon_lifecycle(env, count):
    warehouse, product, lots, partner = _setup(env, count, "SVC")
    q0, t0 = queries(), time.perf_counter()
    orders = env["after_sales.service.order"].create(
        [
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "lot_id": lot.id,
                "warehouse_id": warehouse.id,
                "exchange_type": "none",
            }
            for lot in lots
        ]
    )
    orders.action_confirm()
    orders.action_receive()
    orders.action_start_repair()
    orders.repair_ids.action_repair_end()
    orders.action_return()
    env.flush_all()
    assert set(orders.mapped("state")) == {"returned"}
    return queries() - q0, time.perf_counter() - t0


def _transfers(env, warehouse, product, lots, partner, source, destination, picking_type):
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


def bare_lifecycle(env, count):
    warehouse, product, lots, partner = _setup(env, count, "BARE")
    customers = env.ref("stock.stock_location_customers")
    q0, t0 = queries(), time.perf_counter()
    _transfers(
        env, warehouse, product, lots, partner, customers, warehouse.lot_stock_id, warehouse.in_type_id
    )
    repairs = env["repair.order"].create(
        [
            {
                "product_id": product.id,
                "lot_id": lot.id,
                "partner_id": partner.id,
                "picking_type_id": warehouse.repair_type_id.id,
            }
            for lot in lots
        ]
    )
    repairs._action_repair_confirm()
    repairs.action_repair_start()
    repairs.action_repair_end()
    _transfers(
        env, warehouse, product, lots, partner, warehouse.lot_stock_id, customers, warehouse.out_type_id
    )
    env.flush_all()
    assert set(repairs.mapped("state")) == {"done"}
    return queries() - q0, time.perf_counter() - t0


def main():
    args = parse(
        lambda p: (
            p.add_argument("--db-with", required=True),
            p.add_argument("--db-without", required=True),
            p.add_argument("--sizes", default="10,100,1000"),
        )
    )
    for size in (int(s) for s in args.sizes.split(",")):
        with environment(args.db_with) as env:
            env = env(context=dict(env.context, skip_sms=True))  # noqa: PLW2901
            addon = addon_lifecycle(env, size)
            env.cr.rollback()
        with environment(args.db_without) as env:
            env = env(context=dict(env.context, skip_sms=True))  # noqa: PLW2901
            bare = bare_lifecycle(env, size)
            env.cr.rollback()
        print(
            f"service lifecycle x{size}: addon {addon[0] / size:.1f} queries, "
            f"{addon[1] / size * 1000:.1f} ms per order; bare repair + 2 transfers "
            f"{bare[0] / size:.1f} queries, {bare[1] / size * 1000:.1f} ms per order; "
            f"ratio queries {addon[0] / bare[0]:.2f}, time {addon[1] / bare[1]:.2f}"
        )


if __name__ == "__main__":
    main()
