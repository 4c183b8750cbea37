"""The spare parts forecast over a large history.

Bulk-loads products with their registrations, spare parts, and finished
service orders whose repairs used them over the last year (rows copied in
SQL from one real order, its repair and its part), then times computing the
forecast (what opening the menu does) and "Create Reordering Rules" over all
of its lines. Prints seconds and queries of each, and the lines computed.
"""

import time

from _odoo_env import environment, measured, parse

from odoo.tools import SQL


def copy_rows(cr, table, template_id, overrides, source):
    """Insert copies of row ``template_id`` of ``table``, one per row of
    ``source`` (an SQL FROM item aliased ``src``), with ``overrides``
    (column -> SQL expression over ``src``); returns the new ids in order."""
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position",
            table,
        )
    )
    columns = [name for (name,) in cr.fetchall()]
    values = [overrides.get(name, SQL("t.%s", SQL.identifier(name))) for name in columns]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s t, %s WHERE t.id = %s ORDER BY src.n RETURNING id",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(name) for name in columns),
            SQL(", ").join(values),
            SQL.identifier(table),
            source,
            template_id,
        )
    )
    return [row[0] for row in cr.fetchall()]


def template_order(env, product, part):
    """One real finished order of ``product`` whose repair used ``part``."""
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    env["stock.quant"]._update_available_quantity(part, warehouse.lot_stock_id, 1)
    partner = env["res.partner"].create({"name": "Forecast bench customer"})
    order = env["after_sales.service.order"].create(
        {
            "partner_id": partner.id,
            "product_id": product.id,
            "warehouse_id": warehouse.id,
            "exchange_type": "none",
            "defect_code_id": env.ref("after_sales_service.defect_code_mechanical").id,
            "defect_cause_id": env.ref("after_sales_service.defect_cause_manufacturing").id,
        }
    )
    order.action_confirm()
    order.action_receive()
    order.action_start_repair()
    env["stock.move"].create(
        {
            "repair_id": order.repair_ids.id,
            "product_id": part.id,
            "product_uom_qty": 1,
            "repair_line_type": "add",
        }
    )
    order.action_done()
    env.flush_all()
    move = order.repair_ids.move_ids
    assert order.state == "done" and move.state == "done", (order.state, move.state)
    return order, order.repair_ids, move


def bulk_load(env, products_count, parts_count, orders_count, parts_per_order, registrations):
    term = env["after_sales.warranty.term"].create({"name": "Forecast bench 36 months", "duration": 36})
    products = env["product.product"].create(
        [
            {"name": f"Forecast bench unit {i}", "is_storable": True, "warranty_term_id": term.id}
            for i in range(products_count)
        ]
    )
    parts = env["product.product"].create(
        [{"name": f"Forecast bench part {i}", "is_storable": True} for i in range(parts_count)]
    )
    order, repair, move = template_order(env, products[0], parts[0])
    cr = env.cr
    started = time.perf_counter()
    order_ids = copy_rows(
        cr,
        "after_sales_service_order",
        order.id,
        {
            "name": SQL("'FCB/' || src.n"),
            "product_id": SQL("(%s::int[])[1 + mod(src.n, %s)]", products.ids, products_count),
        },
        SQL("generate_series(1, %s) AS src(n)", orders_count),
    )
    repair_ids = copy_rows(
        cr,
        "repair_order",
        repair.id,
        {"name": SQL("'FCB-R/' || src.n"), "service_order_id": SQL("src.order_id")},
        SQL("unnest(%s::int[]) WITH ORDINALITY AS src(order_id, n)", order_ids),
    )
    # Parts spread over the parts list and over the last 365 days.
    copy_rows(
        cr,
        "stock_move",
        move.id,
        {
            "repair_id": SQL("src.repair_id"),
            "product_id": SQL("(%s::int[])[1 + mod(src.n * 7919, %s)]", parts.ids, parts_count),
            "date": SQL("now() - mod(src.n, 365) * interval '1 day'"),
        },
        SQL(
            "(SELECT r.repair_id, (r.n - 1) * %s + k AS n"
            " FROM unnest(%s::int[]) WITH ORDINALITY AS r(repair_id, n), generate_series(1, %s) AS k) AS src",
            parts_per_order,
            repair_ids,
            parts_per_order,
        ),
    )
    # Registrations of the products, started over the last three years.
    cr.execute(
        SQL(
            "INSERT INTO after_sales_warranty (name, company_id, partner_id, product_id, quantity,"
            " term_id, date_start, date_end, registration_state, origin, create_uid, write_uid, create_date,"
            " write_date) "
            "SELECT 'WAR/FCB/' || g, %(company)s, %(partner)s,"
            " (%(products)s::int[])[1 + mod(g, %(count)s)], 1, %(term)s,"
            " d.start, d.start + interval '36 months' - interval '1 day', 'confirmed', 'manual',"
            " 1, 1, now(), now() "
            "FROM generate_series(1, %(registrations)s) g,"
            " LATERAL (SELECT (current_date - mod(g, 1095)::int)::date AS start) d",
            company=env.company.id,
            partner=order.partner_id.id,
            products=products.ids,
            count=products_count,
            term=term.id,
            registrations=registrations,
        )
    )
    cr.execute(SQL("ANALYZE stock_move; ANALYZE repair_order; ANALYZE after_sales_service_order"))
    cr.execute(SQL("ANALYZE after_sales_warranty"))
    env.invalidate_all()
    return parts, time.perf_counter() - started


def main():
    args = parse(
        lambda p: (
            p.add_argument("-d", dest="db", required=True),
            p.add_argument("--products", type=int, default=500),
            p.add_argument("--parts", type=int, default=2000),
            p.add_argument("--orders", type=int, default=20000),
            p.add_argument("--parts-per-order", type=int, default=3),
            p.add_argument("--registrations", type=int, default=100000),
        )
    )
    with environment(args.db) as env:
        parts, seconds = bulk_load(
            env, args.products, args.parts, args.orders, args.parts_per_order, args.registrations
        )
        print(
            f"parts forecast: {args.orders:,} finished orders using {args.orders * args.parts_per_order:,} "
            f"parts ({args.parts:,} parts, {args.products:,} products, {args.registrations:,} "
            f"registrations) bulk-loaded in {seconds:.1f} s"
        )
        Forecast = env["after_sales.parts.forecast"]
        with measured() as spent:
            Forecast.browse().action_compute()
            env.flush_all()
        lines = Forecast.search([("product_id", "in", parts.ids)])
        details = sum(len(line.detail_ids) for line in lines)
        print(
            f"parts forecast: computed {len(lines):,} lines ({details:,} part x product details) "
            f"in {spent.seconds:.2f} s, {spent.queries} queries"
        )
        with measured() as spent:
            lines.action_create_orderpoints()
            env.flush_all()
        print(
            f"parts forecast: Create Reordering Rules on {len(lines):,} lines "
            f"in {spent.seconds:.2f} s, {spent.queries} queries"
        )
        with measured() as spent:
            Forecast.browse().action_compute()
            lines = Forecast.search([("product_id", "in", parts.ids)])
            lines.action_create_orderpoints()
            env.flush_all()
        print(
            f"parts forecast: computed again and {len(lines):,} rules updated "
            f"in {spent.seconds:.2f} s, {spent.queries} queries"
        )
        env.cr.rollback()


if __name__ == "__main__":
    main()
