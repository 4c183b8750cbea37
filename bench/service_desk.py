"""Service orders one at a time, as a service desk works them, beside Odoo's
bare equivalent.

Each order of a unit delivered under warranty goes through its own clicks:
create, confirm, receive, start the repair, add 3 spare parts (valued FIFO in
real time, so Odoo posts their cost), one labor line, finish the repair
(which posts the order's cost entry) and return the unit. On a database
without the addon, the same delivered unit goes through Odoo's own steps: a
receipt from the customer, a repair order with the same 3 parts, repair start
and end, a return transfer to the customer. Every click ends as a request
does (pending writes flushed, tracking written, the cache dropped); the
customer has an email address.

Prints queries and milliseconds per order for each size (1, 10 and 30 orders
by default), after one warm-up order, and the ratio addon / bare.
"""

from types import SimpleNamespace

from _odoo_env import comparison, deliver, environment, measured, parse, transfer

from odoo import Command

# The spare parts of one repair: name, unit cost.
PARTS = (("Pump", 25.0), ("Heating element", 40.0), ("Gasket set", 8.0))
LABOR_HOURS = 1.5


def _request(env):
    """What ends a user's request before its commit: pending writes flushed,
    the pre-commit work done (mail tracking), the cache dropped. Everything
    stays in one transaction, rolled back at the end; what Odoo does after a
    commit (sending mail, bus notifications) is left out."""
    env.cr.flush()
    env.invalidate_all()


def _setup(env, count):
    """``count`` serials delivered to a customer, the parts in stock; on the
    addon's database its accounts, labor product and a warranty term."""
    addon = "after_sales.service.order" in env
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    if not company.chart_template:
        # Installing account loads its generic chart; should a database lack
        # one, both sides get the same chart here.
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    category = env["product.category"].create(
        {"name": "Spare parts", "property_valuation": "real_time", "property_cost_method": "fifo"}
    )
    if not category.property_stock_valuation_account_id:
        raise SystemExit("the bench database has no chart of accounts: parts cannot be valued")
    parts = env["product.product"].create(
        [
            {"name": name, "is_storable": True, "categ_id": category.id, "standard_price": cost}
            for name, cost in PARTS
        ]
    )
    env["stock.quant"].create(
        [
            {"product_id": part.id, "location_id": warehouse.lot_stock_id.id, "inventory_quantity": count}
            for part in parts
        ]
    ).action_apply_inventory()
    unit_vals = {"name": "Espresso machine", "is_storable": True, "tracking": "serial", "standard_price": 400}
    if addon:
        # A database installed together with its chart gets the chart after the
        # addon's data: the service accounts and journal are created here.
        env["res.company"]._after_sales_setup_all_accounts()
        if company._after_sales_missing_accounts():
            raise SystemExit(f"after-sales accounts missing: {company._after_sales_missing_accounts()}")
        company.after_sales_labor_product_id = env["product.product"].create(
            {"name": "Workshop hour", "type": "service", "standard_price": 40.0}
        )
        term = env["after_sales.warranty.term"].create({"name": "24 months", "duration": 24})
        unit_vals.update(warranty_term_id=term.id, spare_part_ids=[Command.set(parts.ids)])
    unit = env["product.product"].create(unit_vals)
    lots = env["stock.lot"].create([{"name": f"DESK-{i:06d}", "product_id": unit.id} for i in range(count)])
    partner = env["res.partner"].create({"name": "Desk customer", "email": "customer@example.com"})
    deliver(env, warehouse, unit, lots, partner)
    _request(env)
    return SimpleNamespace(warehouse=warehouse, parts=parts, unit=unit, lots=lots, partner=partner)


def addon_order(env, data, lot):
    """One service order, click by click; returns it."""
    order = env["after_sales.service.order"].create(
        {
            "partner_id": data.partner.id,
            "product_id": data.unit.id,
            "lot_id": lot.id,
            "warehouse_id": data.warehouse.id,
            "symptom": "Does not heat",
        }
    )
    _request(env)
    for action in (order.action_confirm, order.action_receive, order.action_start_repair):
        action()
        _request(env)
    for part in data.parts:
        env["after_sales.add.part"].create(
            {"order_id": order.id, "product_id": part.id, "quantity": 1}
        ).action_add()
        _request(env)
    env["after_sales.service.labor"].create({"order_id": order.id, "name": "Repair", "hours": LABOR_HOURS})
    _request(env)
    # Finishing its repair finishes the order and posts its costs.
    order.repair_ids.action_repair_end()
    _request(env)
    order.action_return()
    _request(env)
    return order


def check_addon(orders):
    for order in orders:
        assert order.state == "returned", order.state
        assert order.coverage == "warranty" and order.warranty_id, order.coverage
        assert order.cost_move_ids.filtered(lambda m: m.state == "posted"), order.name
        _check_parts_posted(order.repair_ids)


def bare_order(env, data, lot):
    """Odoo's own steps for the same unit; returns the repair order."""
    warehouse, stock = data.warehouse, data.warehouse.lot_stock_id
    customers = env.ref("stock.stock_location_customers")
    transfer(env, data.unit, lot, data.partner, customers, stock, warehouse.in_type_id)
    _request(env)
    repair = env["repair.order"].create(
        {
            "product_id": data.unit.id,
            "lot_id": lot.id,
            "partner_id": data.partner.id,
            "picking_type_id": warehouse.repair_type_id.id,
        }
    )
    _request(env)
    for action in (repair.action_validate, repair.action_repair_start):
        action()
        _request(env)
    for part in data.parts:
        repair.write(
            {
                "move_ids": [
                    Command.create({"product_id": part.id, "product_uom_qty": 1, "repair_line_type": "add"})
                ]
            }
        )
        _request(env)
    # "Check availability": the addon's part wizard reserves each part as it adds it.
    repair.action_assign()
    _request(env)
    repair.action_repair_end()
    _request(env)
    transfer(env, data.unit, lot, data.partner, stock, customers, warehouse.out_type_id)
    _request(env)
    return repair


def check_bare(repairs):
    for repair in repairs:
        assert repair.state == "done", repair.state
        _check_parts_posted(repair)


def _check_parts_posted(repair):
    parts = repair.move_ids
    assert len(parts) == len(PARTS) and set(parts.mapped("state")) == {"done"}, parts.mapped("state")
    assert all(move.stock_valuation_layer_ids.account_move_id for move in parts), "parts not valued"


def desk(env, count, lifecycle, check):
    """``count`` orders one after the other, after one warm-up order."""
    data = _setup(env, count + 1)
    lifecycle(env, data, data.lots[0])
    with measured() as spent:
        records = [lifecycle(env, data, lot) for lot in data.lots[1:]]
    check(records)
    return spent


def main():
    args = parse(
        lambda p: (
            p.add_argument("--db-with", required=True),
            p.add_argument("--db-without", required=True),
            p.add_argument("--sizes", default="1,10,30", help="numbers of orders, comma-separated"),
        )
    )
    for size in (int(s) for s in args.sizes.split(",")):
        with environment(args.db_with, tracking=True) as env:
            env = env(context=dict(env.context, skip_sms=True))  # noqa: PLW2901
            addon = desk(env, size, addon_order, check_addon)
            env.cr.rollback()
        with environment(args.db_without, tracking=True) as env:
            env = env(context=dict(env.context, skip_sms=True))  # noqa: PLW2901
            bare = desk(env, size, bare_order, check_bare)
            env.cr.rollback()
        print(comparison("service desk order", size, addon, bare, "bare receipt + repair (3 parts) + return"))


if __name__ == "__main__":
    main()
