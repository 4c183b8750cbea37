"""Bulk-load warranty registrations, then time the coverage lookup of a serial
and the period-end warranty provision over all of them.

Prints milliseconds per lookup (whole ORM call), queries per lookup, the
database time of the warranty query and its EXPLAIN plan; the time and
queries of computing the provision.
"""

import random
import time

from _odoo_env import environment, parse, queries

from odoo import fields
from odoo.tools import SQL


def bulk_load(env, count):
    cr = env.cr
    company = env.company
    term = env["after_sales.warranty.term"].create({"name": "Bench 24 months", "duration": 24})
    product = env["product.product"].create(
        {"name": "Bench unit", "is_storable": True, "tracking": "serial", "warranty_term_id": term.id}
    )
    partners = env["res.partner"].create([{"name": f"Bench customer {i}"} for i in range(1000)])
    env.flush_all()
    started = time.perf_counter()
    cr.execute(
        SQL(
            "INSERT INTO stock_lot"
            " (name, product_id, company_id, create_uid, write_uid, create_date, write_date) "
            "SELECT 'BENCH-' || lpad(g::text, 8, '0'), %s, %s, 1, 1, now(), now() "
            "FROM generate_series(1, %s) g",
            product.id,
            company.id,
            count,
        )
    )
    # One registration per serial, start dates spread over six years, so that
    # about a third are active today; one in ten is void.
    cr.execute(
        SQL(
            "INSERT INTO after_sales_warranty (name, company_id, partner_id, product_id, lot_id, quantity,"
            " term_id, date_start, date_end, registration_state, origin, create_uid, write_uid,"
            " create_date, write_date) "
            "SELECT 'WAR/BENCH/' || l.id, %(company)s,"
            " (%(partners)s::int[])[1 + mod(l.id, 1000)], %(product)s,"
            " l.id, 1, %(term)s, d.start, d.start + interval '24 months',"
            " CASE WHEN mod(l.id, 10) = 0 THEN 'void' ELSE 'confirmed' END, 'manual', 1, 1, now(), now() "
            "FROM stock_lot l, LATERAL (SELECT (current_date - mod(l.id, 2190)::int)::date AS start) d "
            "WHERE l.product_id = %(product)s",
            company=company.id,
            partners=partners.ids,
            product=product.id,
            term=term.id,
        )
    )
    cr.execute(SQL("ANALYZE stock_lot; ANALYZE after_sales_warranty"))
    return product, time.perf_counter() - started


def main():
    args = parse(
        lambda p: (
            p.add_argument("-d", dest="db", required=True),
            p.add_argument("--registrations", type=int, default=1_000_000),
            p.add_argument("--lookups", type=int, default=2000),
        )
    )
    with environment(args.db) as env:
        product, seconds = bulk_load(env, args.registrations)
        total = env["after_sales.warranty"].search_count([])
        print(f"warranty lookup: {total:,} registrations bulk-loaded in {seconds:.1f} s")
        Lot = env["stock.lot"]
        Warranty = env["after_sales.warranty"]
        rng = random.Random(42)
        serials = [f"BENCH-{rng.randint(1, args.registrations):08d}" for _ in range(args.lookups)]

        def lookup(serial):
            lot = Lot.search([("name", "=", serial), ("product_id", "=", product.id)], limit=1)
            warranty = Warranty._find_covering(lot=lot)
            return warranty.id

        def forget():
            # Each lookup reads its records afresh, as a new request would;
            # the user, rules and metadata stay cached as in a running server.
            Lot.invalidate_model()
            Warranty.invalidate_model()

        for serial in serials[:50]:  # warm the caches of the ORM and PostgreSQL
            lookup(serial)
        forget()
        q0, t0 = queries(), time.perf_counter()
        covered = 0
        for serial in serials:
            covered += bool(lookup(serial))
            forget()
        elapsed = time.perf_counter() - t0
        per_lookup_queries = (queries() - q0) / len(serials)
        print(
            f"warranty lookup: {len(serials)} lookups by serial, {elapsed / len(serials) * 1000:.3f} ms each "
            f"(ORM call, serial search included), {per_lookup_queries:.2f} queries each, {covered} covered"
        )
        lot = Lot.search([("name", "=", serials[0]), ("product_id", "=", product.id)], limit=1)
        query = Warranty._search(
            [
                ("registration_state", "=", "confirmed"),
                ("date_start", "<=", "2026-01-01"),
                ("date_end", ">=", "2026-01-01"),
                ("lot_id", "=", lot.id),
            ],
            order="date_end desc, id desc",
            limit=1,
        )
        env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query.select()))
        plan = [row[0] for row in env.cr.fetchall()]
        env.cr.execute(
            SQL(
                "EXPLAIN (ANALYZE) %s",
                Lot._search([("name", "=", serials[0]), ("product_id", "=", product.id)], limit=1).select(),
            )
        )
        print("warranty lookup: EXPLAIN of the serial search:")
        for (line,) in env.cr.fetchall():
            print("    " + line)
        print("warranty lookup: EXPLAIN of the coverage query:")
        for line in plan:
            print("    " + line)
        db_times = []
        for serial in serials[:500]:
            lot_id = Lot.search([("name", "=", serial), ("product_id", "=", product.id)], limit=1).id
            query = Warranty._search(
                [
                    ("registration_state", "=", "confirmed"),
                    ("date_start", "<=", "2026-01-01"),
                    ("date_end", ">=", "2026-01-01"),
                    ("lot_id", "=", lot_id),
                ],
                order="date_end desc, id desc",
                limit=1,
            )
            env.cr.execute(SQL("EXPLAIN (ANALYZE, FORMAT JSON) %s", query.select()))
            db_times.append(env.cr.fetchone()[0][0]["Execution Time"])
        db_times.sort()
        print(
            "warranty lookup: database time of the coverage query: "
            f"median {db_times[len(db_times) // 2]:.3f} ms, p95 {db_times[int(len(db_times) * 0.95)]:.3f} ms"
        )
        provision_figures(env)
        env.cr.rollback()


def provision_figures(env):
    """The period-end provision: one pass of aggregates over every registration
    (computing needs no chart of accounts, posting does)."""
    provision = env["after_sales.warranty.provision"].create({"date": fields.Date.today()})
    env.flush_all()
    q0, t0 = queries(), time.perf_counter()
    provision.action_compute()
    env.flush_all()
    elapsed = time.perf_counter() - t0
    units = sum(provision.line_ids.mapped("units"))
    print(
        f"warranty provision: computed over {units:,.0f} units under warranty in {elapsed:.2f} s, "
        f"{queries() - q0} queries, {len(provision.line_ids)} category line(s), "
        f"required {provision.amount_required:,.2f}"
    )


if __name__ == "__main__":
    main()
