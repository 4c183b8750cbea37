"""Bulk-load registrations and service orders with defect records, then time
the failure analysis, the failure rates (by sale month and by months in
service) and the quality alert evaluation.

Prints, for each, milliseconds and queries as a user's request makes them
(the pivot's read_group calls, as an After-Sales manager, record rules
included) and the EXPLAIN of the main queries.

The data: 100 serial-tracked products in 10 categories, one registration per
serial, start dates spread over six years (one in ten void); one service
order per registration with a defect code (30), a cause and a failed part
(20, two vendors each); intake between the start and today, at most 900 days
after it. Three products have a systematic defect in the last 330 days: the
alert thresholds (5 %, 12 months, 20 failures) open one alert for each.
"""

import statistics
import time

import psycopg2
from _odoo_env import environment, parse, queries

import odoo
from odoo import Command, fields
from odoo.tools import SQL

SPIKE_PRODUCTS = 3


def bulk_load(env, registrations, orders):
    cr = env.cr
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    term = env["after_sales.warranty.term"].create({"name": "Bench FA 24 months", "duration": 24})
    parent = env["product.category"].create(
        {
            "name": "Bench FA appliances",
            "warranty_term_id": term.id,
            "after_sales_failure_rate_threshold": 5.0,
            "after_sales_failure_window_months": 12,
            "after_sales_failure_min_count": 20,
        }
    )
    categories = env["product.category"].create(
        [{"name": f"Bench FA category {i}", "parent_id": parent.id} for i in range(10)]
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench FA unit {i:03d}",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": categories[i % 10].id,
            }
            for i in range(100)
        ]
    )
    codes = env["after_sales.defect.code"].create(
        [{"name": f"Bench defect {i:02d}", "code": f"BFA-{i:02d}"} for i in range(30)]
    )
    causes = env["after_sales.defect.cause"].search([])
    vendors = env["res.partner"].create([{"name": f"Bench FA vendor {i}"} for i in range(10)])
    parts = env["product.product"].create(
        [
            {
                "name": f"Bench FA part {i:02d}",
                "is_storable": True,
                "seller_ids": [
                    Command.create({"partner_id": vendors[i % 10].id, "sequence": 1}),
                    Command.create({"partner_id": vendors[(i + 1) % 10].id, "sequence": 2}),
                ],
            }
            for i in range(20)
        ]
    )
    partners = env["res.partner"].create([{"name": f"Bench FA customer {i}"} for i in range(1000)])
    env.flush_all()
    started = time.perf_counter()
    cr.execute(
        SQL(
            "INSERT INTO stock_lot (name, product_id, company_id, production_date,"
            " create_uid, write_uid, create_date, write_date) "
            "SELECT 'BFA-' || lpad(g::text, 8, '0'), (%(products)s::int[])[1 + mod(g, 100)], %(company)s,"
            " CASE WHEN mod(g, 4) = 0 THEN current_date - (mod(g, 2190) + 30) END,"
            " 1, 1, now() - make_interval(days => mod(g, 2190) + 20), now() "
            "FROM generate_series(1, %(count)s) g",
            products=products.ids,
            company=company.id,
            count=registrations,
        )
    )
    cr.execute(
        SQL(
            "INSERT INTO after_sales_warranty (name, company_id, partner_id, product_id, lot_id, quantity,"
            " term_id, date_start, date_end, registration_state, origin, create_uid, write_uid,"
            " create_date, write_date) "
            "SELECT 'WAR/BFA/' || l.id, %(company)s, (%(partners)s::int[])[1 + mod(l.id, 1000)],"
            " l.product_id, l.id, 1, %(term)s, d.start, d.start + interval '24 months',"
            " CASE WHEN mod(h / 2190, 10) = 0 THEN 'void' ELSE 'confirmed' END, 'manual', 1, 1, now(), now() "
            "FROM stock_lot l, LATERAL (SELECT abs(hashint4(l.id)::bigint) AS h) hashed,"
            " LATERAL (SELECT (current_date - mod(h, 2190)::int)::date AS start) d "
            "WHERE l.product_id = ANY(%(products)s)",
            company=company.id,
            partners=partners.ids,
            products=products.ids,
            term=term.id,
        )
    )
    cr.execute(
        SQL(
            "SELECT MIN(id), COUNT(*) FROM after_sales_warranty WHERE product_id = ANY(%s)",
            products.ids,
        )
    )
    first_registration, registration_count = cr.fetchone()
    loaded_registrations = time.perf_counter() - started
    # One order per registration (7919 is prime to the count: a permutation).
    cr.execute(
        SQL(
            "INSERT INTO after_sales_service_order (name, company_id, state, partner_id, product_id, lot_id,"
            " warranty_id, date_in_service, months_in_service, date_intake, coverage, request_type,"
            " warehouse_id, exchange_type, transport_mode,"
            " defect_code_id, defect_cause_id, failed_product_id, no_fault_found, priority,"
            " create_uid, write_uid, create_date, write_date) "
            "SELECT 'SRV/BFA/' || g, w.company_id,"
            " CASE WHEN mod(h, 50) = 0 THEN 'cancel'"
            "      WHEN mod(h / 50, 7) = 0 THEN 'in_repair' ELSE 'returned' END,"
            " w.partner_id, w.product_id, w.lot_id,"
            " CASE WHEN w.registration_state = 'confirmed' AND i.intake <= w.date_end THEN w.id END,"
            " CASE WHEN w.registration_state = 'confirmed' THEN w.date_start END,"
            " CASE WHEN w.registration_state = 'confirmed'"
            "      THEN (EXTRACT(YEAR FROM age(i.intake, w.date_start)) * 12"
            "            + EXTRACT(MONTH FROM age(i.intake, w.date_start)))::int ELSE 0 END, i.intake,"
            " CASE WHEN w.registration_state = 'confirmed' AND i.intake <= w.date_end"
            "      THEN 'warranty' ELSE 'paid' END,"
            " 'repair', %(warehouse)s, 'none', 'dropoff',"
            " (%(codes)s::int[])[1 + mod(h / 400, 30)],"
            " (%(causes)s::int[])[1 + mod(h / 12000, %(cause_count)s)],"
            " CASE WHEN mod(h / 200000, 3) <> 0 THEN (%(parts)s::int[])[1 + mod(h / 600000, 20)] END,"
            " CASE WHEN mod(h / 7, 40) = 0 THEN TRUE END, '0', 1, 1, now(), now() "
            "FROM generate_series(1, %(count)s) g "
            "CROSS JOIN LATERAL (SELECT abs(hashint4(g)::bigint) AS h) hashed "
            "JOIN after_sales_warranty w ON w.id = %(first)s + mod(g::bigint * 7919, %(registrations)s) "
            "CROSS JOIN LATERAL (SELECT (w.date_start + mod(h / 13,"
            "   GREATEST(1, LEAST(900, current_date - w.date_start + 1)))::int)::date AS intake) i",
            warehouse=warehouse.id,
            codes=codes.ids,
            causes=causes.ids,
            cause_count=len(causes),
            parts=parts.ids,
            count=orders,
            first=first_registration,
            registrations=registration_count,
        )
    )
    # The systematic defect: a third of the recent failures of three products.
    cr.execute(
        SQL(
            "UPDATE after_sales_service_order SET defect_code_id = %s"
            " WHERE product_id = ANY(%s) AND date_intake > current_date - 330 AND mod(id, 3) = 0",
            codes[0].id,
            products[:SPIKE_PRODUCTS].ids,
        )
    )
    env.cr.commit()
    loaded = time.perf_counter() - started
    # What autovacuum does on a live database (visibility map, statistics).
    _dbname, info = odoo.sql_db.connection_info_for(env.cr.dbname)
    connection = psycopg2.connect(**info)
    connection.autocommit = True
    with connection.cursor() as vacuum:
        for table in ("stock_lot", "after_sales_warranty", "after_sales_service_order"):
            vacuum.execute(f"VACUUM ANALYZE {table}")
    connection.close()
    vacuumed = time.perf_counter() - started
    print(
        f"failure analysis: bulk-loaded {registration_count:,} registrations (with their serials) in "
        f"{loaded_registrations:.1f} s, {orders:,} service orders with defect records in "
        f"{loaded - loaded_registrations:.1f} s; VACUUM ANALYZE {vacuumed - loaded:.1f} s"
    )
    return products, codes


def timed(env, call, repeat=3):
    """Median milliseconds and the queries of one call, each call on a cold
    ORM cache (a new request) and a warm database."""
    call()
    times, counts = [], []
    for _i in range(repeat):
        env.invalidate_all()
        q0, t0 = queries(), time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
        counts.append(queries() - q0)
    return statistics.median(times), max(counts)


def pivot(model, rows, cols, measures, domain=()):
    """The read_group calls of a pivot view with one row and one column
    grouping: the total, the rows, the columns and the cells."""

    def load():
        for groupby in ([], [rows], [cols], [rows, cols]):
            model.read_group(list(domain), measures, groupby, lazy=False)

    return load


def explain(env, query):
    env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
    for (line,) in env.cr.fetchall():
        print("    " + line)


def main():
    args = parse(
        lambda p: (
            p.add_argument("-d", dest="db", required=True),
            p.add_argument("--registrations", type=int, default=1_000_000),
            p.add_argument("--orders", type=int, default=None),
        )
    )
    orders = args.orders or args.registrations
    with environment(args.db) as env:
        products, codes = bulk_load(env, args.registrations, orders)
        manager = env["res.users"].create(
            {
                "name": "Bench quality manager",
                "login": "bench_quality_manager",
                "groups_id": [Command.link(env.ref("after_sales_service.group_after_sales_manager").id)],
            }
        )
        env.cr.commit()
        as_manager = env(user=manager)
        Analysis = as_manager["after_sales.failure.analysis"]
        Rate = as_manager["after_sales.failure.rate"]
        Curve = as_manager["after_sales.failure.curve"]
        total = Analysis.search_count([])
        print(f"failure analysis: {total:,} failures in the analysis (cancelled and no fault found left out)")
        last_year = fields.Date.to_string(fields.Date.subtract(fields.Date.today(), years=1))
        figures = [
            (
                "pivot product x intake year (4 read_group)",
                pivot(Analysis, "product_id", "date_intake:year", ["__count"]),
            ),
            (
                "its biggest read_group, the cells product x intake year",
                lambda: Analysis.read_group([], ["__count"], ["product_id", "date_intake:year"], lazy=False),
            ),
            (
                "pivot category x defect, last 12 months",
                pivot(
                    Analysis,
                    "product_categ_id",
                    "defect_code_id",
                    ["__count", "labor_cost", "transport_cost"],
                    [("date_intake", ">=", last_year)],
                ),
            ),
            (
                "failures by months in service (curve)",
                lambda: Analysis.read_group([], ["__count"], ["months_in_service"], lazy=False),
            ),
            (
                "failures by production month",
                lambda: Analysis.read_group([], ["__count"], ["production_date:month"], lazy=False),
            ),
            (
                "failures by part vendor and cause type",
                lambda: Analysis.read_group([], ["__count"], ["failed_vendor_id", "cause_type"], lazy=False),
            ),
            (
                "failure rates: pivot product x sale year (4 read_group)",
                pivot(Rate, "product_id", "period:year", ["installed_base", "failures", "failure_rate"]),
            ),
            (
                "its biggest read_group, the cells product x sale year",
                lambda: Rate.read_group(
                    [],
                    ["installed_base", "failures", "failure_rate"],
                    ["product_id", "period:year"],
                    lazy=False,
                ),
            ),
            (
                "failure rate by months in service: pivot months x category (4 read_group)",
                pivot(Curve, "months_in_service", "product_categ_id", ["units", "failures", "failure_rate"]),
            ),
            (
                "failure rate by months in service of one product (its curve)",
                lambda: Curve.read_group(
                    [("product_id", "=", products[0].id)],
                    ["units", "failures", "failure_rate"],
                    ["months_in_service"],
                    lazy=False,
                ),
            ),
            (
                "failure rates of one product by sale month",
                lambda: Rate.read_group(
                    [("product_id", "=", products[0].id)],
                    ["installed_base", "failures", "failure_rate"],
                    ["period:month"],
                    lazy=False,
                ),
            ),
        ]
        for title, call in figures:
            ms, count = timed(as_manager, call)
            print(f"failure analysis: {title}: {ms:.0f} ms, {count} queries")

        companies = SQL("(%s)", manager.company_id.id)
        print("failure analysis: EXPLAIN of the failures by product and intake year:")
        explain(
            env,
            SQL(
                "SELECT product_id, date_trunc('year', date_intake), COUNT(*)"
                " FROM after_sales_failure_analysis WHERE company_id IN %s GROUP BY 1, 2",
                companies,
            ),
        )
        print("failure analysis: EXPLAIN of the failure rates by product and sale year:")
        explain(
            env,
            SQL(
                "SELECT product_id, date_trunc('year', period), SUM(installed_base), SUM(failures),"
                " SUM(failures) * 100.0 / NULLIF(SUM(installed_base), 0)"
                " FROM after_sales_failure_rate WHERE company_id IN %s GROUP BY 1, 2",
                companies,
            ),
        )
        evaluation(env, products, codes)
        env.cr.rollback()


def evaluation(env, products, codes):
    """The daily evaluation: a first run opens the alerts, a second one finds
    nothing new, a third one feeds an alert with 50 new failures."""
    Alert = env["after_sales.quality.alert"]
    company = env.company

    def run():
        t0, q0 = time.perf_counter(), queries()
        opened, fed = Alert._evaluate_company(company)
        env.flush_all()
        return opened, fed, (time.perf_counter() - t0) * 1000, queries() - q0

    opened, fed, ms, count = run()
    described = "; ".join(
        f"{a.failures} failures of {a.installed_base} units, {a.failure_rate:.1f} %" for a in opened[:5]
    )
    print(
        f"quality alerts: first evaluation: {ms:.0f} ms, {count} queries, {len(opened)} alert(s) opened "
        f"({described})"
    )
    env.invalidate_all()
    opened, fed, ms, count = run()
    print(f"quality alerts: evaluation again: {ms:.0f} ms, {count} queries, {len(opened) + len(fed)} changed")
    env.cr.execute(
        SQL(
            "UPDATE after_sales_service_order SET defect_code_id = %s, date_intake = current_date"
            " WHERE id IN (SELECT id FROM after_sales_service_order WHERE product_id = %s"
            " AND defect_code_id <> %s AND state <> 'cancel' AND no_fault_found IS NOT TRUE"
            " ORDER BY id LIMIT 50)",
            codes[0].id,
            products[0].id,
            codes[0].id,
        )
    )
    env.invalidate_all()
    opened, fed, ms, count = run()
    print(
        f"quality alerts: evaluation after 50 new failures: {ms:.0f} ms, {count} queries, "
        f"{len(opened)} opened, {len(fed)} fed ({fed[:1].failures} failures now)"
    )


if __name__ == "__main__":
    main()
