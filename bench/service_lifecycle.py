"""Service order lifecycles in batches, beside Odoo's bare repair lifecycle.

For 10, 100 and 1,000 orders: queries and milliseconds per order of the
addon's full lifecycle (receipt, repair, return) and of Odoo's own repair
order with its two transfers (receipt and return) on a database without the
addon; the ratio of the two.
"""

from _odoo_env import comparison, environment, measured, parse, transfer


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
    with measured() as spent:
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
    return spent


def bare_lifecycle(env, count):
    warehouse, product, lots, partner = _setup(env, count, "BARE")
    customers = env.ref("stock.stock_location_customers")
    with measured() as spent:
        transfer(env, product, lots, partner, customers, warehouse.lot_stock_id, warehouse.in_type_id)
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
        transfer(env, product, lots, partner, warehouse.lot_stock_id, customers, warehouse.out_type_id)
        env.flush_all()
    assert set(repairs.mapped("state")) == {"done"}
    return spent


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
        print(comparison("service lifecycle", size, addon, bare, "bare repair + 2 transfers"))


if __name__ == "__main__":
    main()
