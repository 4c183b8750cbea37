"""Validate a delivery of N serials with and without after_sales_service.

Prints seconds and queries of button_validate on each database and the ratio.
"""

import time

from _odoo_env import environment, parse, queries

from odoo import Command


def measure(dbname, serials):
    with environment(dbname) as base_env:
        env = base_env(context=dict(base_env.context, skip_sms=True))
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        values = {"name": "Bench delivered unit", "is_storable": True, "tracking": "serial"}
        if "warranty_term_id" in env["product.template"]._fields:
            term = env["after_sales.warranty.term"].create({"name": "Bench", "duration": 24})
            values["warranty_term_id"] = term.id
        product = env["product.product"].create(values)
        lots = env["stock.lot"].create(
            [{"name": f"DLV-{i:06d}", "product_id": product.id} for i in range(serials)]
        )
        for lot in lots:
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1, lot_id=lot)
        customers = env.ref("stock.stock_location_customers")
        picking = env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": env["res.partner"].create({"name": "Bench customer"}).id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "units",
                            "product_id": product.id,
                            "product_uom_qty": serials,
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
        env.flush_all()
        env.invalidate_all()
        q0, t0 = queries(), time.perf_counter()
        picking.button_validate()
        env.flush_all()
        elapsed, count = time.perf_counter() - t0, queries() - q0
        assert picking.state == "done", picking.state
        registered = (
            env["after_sales.warranty"].search_count([("move_id", "in", picking.move_ids.ids)])
            if "after_sales.warranty" in env
            else 0
        )
        env.cr.rollback()
        return elapsed, count, registered


def main():
    args = parse(
        lambda p: (
            p.add_argument("--db-with", required=True),
            p.add_argument("--db-without", required=True),
            p.add_argument("--serials", type=int, default=1000),
        )
    )
    # Each side twice, the first run warming the caches; the second counts.
    for _ in range(2):
        bare = measure(args.db_without, args.serials)
        addon = measure(args.db_with, args.serials)
    print(f"delivery of {args.serials} serials without the addon: {bare[0]:.2f} s, {bare[1]} queries")
    print(
        f"delivery of {args.serials} serials with the addon:    {addon[0]:.2f} s, {addon[1]} queries, "
        f"{addon[2]} registrations"
    )
    print(f"delivery ratio with/without: time {addon[0] / bare[0]:.3f}, queries {addon[1] / bare[1]:.3f}")


if __name__ == "__main__":
    main()
