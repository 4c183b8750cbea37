from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists

from ..tools.failure_stats import create_covering_index, failure_sql

# The registrations are read by start month in the order of
# after_sales_warranty_base_month_idx (failure_rate.py), grouped as they
# come: a cohort's age today is computed once per cohort, and its units
# whose day of the month is still to come this month are one month younger
# (complete months, as ``complete_months`` and the orders count them).
MONTH_START = "date_trunc('month', w.date_start::timestamp)"
COHORT_AGE = (
    f"((EXTRACT(YEAR FROM current_date) - EXTRACT(YEAR FROM {MONTH_START})) * 12"
    f" + EXTRACT(MONTH FROM current_date) - EXTRACT(MONTH FROM {MONTH_START}))::int"
)
DAY_TO_COME = f"w.date_start - {MONTH_START}::date > current_date - date_trunc('month', current_date)::date"


class AfterSalesFailureCurve(models.Model):
    """The failure rate by months in service: of the units that have been in
    service at least N months today, how many failed in their Nth month (per
    100 units). Per product, this is the curve quality engineers read (early
    failures, the useful life, wear-out).

    The units of a month in service are the registrations (confirmed, not
    extensions) started at least that many complete months ago, each unit
    counted from the start of its first registration like its failures. A
    group's rate (several months, a category) is its failures over its
    unit-months (``_weighted_rate``)."""

    _name = "after_sales.failure.curve"
    _description = "Failure Rate by Months in Service"
    _inherit = ["after_sales.failure.report"]
    _auto = False
    _order = "product_id, months_in_service"
    _weighted_rate = ("failure_rate", "failures", "units")
    # Each cohort expands to its months: the planner's guess of 1,000 months
    # per cohort would have JIT compile the query (report_groups.py).
    _jit = False
    _depends = {"after_sales.service.order": ["months_in_service"]}

    months_in_service = fields.Integer(
        readonly=True, aggregator=None, help="Complete months from the start of the registration."
    )
    units = fields.Integer(
        string="Units in Service that Long",
        readonly=True,
        help="Units registered at least that many complete months ago (summed over months: unit-months).",
    )
    failures = fields.Integer(help="Failures of these units in that month of their service.")
    failure_rate = fields.Float(help="Failures per 100 units in that month of their service.")

    def init(self):
        cr = self.env.cr
        # The failures by product and months in service, read from the index.
        create_covering_index(
            cr,
            "after_sales_service_order_failure_age_idx",
            "after_sales_service_order",
            ["company_id", "product_id", "months_in_service"],
            ["date_in_service"],
            SQL("%s AND date_in_service IS NOT NULL", failure_sql()),
        )
        drop_view_if_exists(cr, self._table)
        # Each cohort (the registrations of a product started in a month)
        # counts in every month of service up to its age today, its units
        # whose day is still to come up to the month before. No CTE is read
        # twice, so a filter on a product reaches the index scans.
        cr.execute(
            SQL(
                """
                CREATE VIEW %(view)s AS (
                SELECT (exposed.product_id::bigint * 100000 + exposed.company_id) * 10000
                           + exposed.months_in_service AS id,
                       exposed.company_id,
                       exposed.product_id,
                       tmpl.categ_id AS product_categ_id,
                       exposed.months_in_service,
                       ROUND(exposed.units)::integer AS units,
                       COALESCE(failure.failures, 0)::integer AS failures,
                       CASE WHEN exposed.units > 0
                            THEN COALESCE(failure.failures, 0) * 100.0 / exposed.units
                       END AS failure_rate
                  FROM (
                        SELECT cohort.company_id, cohort.product_id, month.n AS months_in_service,
                               SUM(CASE WHEN month.n < cohort.age THEN cohort.units
                                        ELSE cohort.units - cohort.units_to_come END) AS units
                          FROM (
                                SELECT w.company_id,
                                       w.product_id,
                                       %(age)s AS age,
                                       SUM(w.quantity) AS units,
                                       COALESCE(SUM(w.quantity) FILTER (WHERE %(to_come)s), 0)
                                           AS units_to_come
                                  FROM after_sales_warranty w
                                 WHERE w.registration_state = 'confirmed' AND w.parent_id IS NULL
                                   AND w.date_start <= current_date
                                 GROUP BY w.company_id, w.product_id, %(month)s
                               ) cohort
                         CROSS JOIN LATERAL generate_series(0, cohort.age) AS month(n)
                         GROUP BY 1, 2, 3
                        HAVING SUM(CASE WHEN month.n < cohort.age THEN cohort.units
                                        ELSE cohort.units - cohort.units_to_come END) > 0
                       ) exposed
                  LEFT JOIN (
                        SELECT o.company_id, o.product_id, o.months_in_service, COUNT(*) AS failures
                          FROM after_sales_service_order o
                         WHERE %(failure)s AND o.date_in_service IS NOT NULL
                         GROUP BY 1, 2, 3
                       ) failure
                         ON failure.company_id = exposed.company_id
                        AND failure.product_id = exposed.product_id
                        AND failure.months_in_service = exposed.months_in_service
                  LEFT JOIN product_product product ON product.id = exposed.product_id
                  LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                )
                """,
                view=SQL.identifier(self._table),
                month=SQL(MONTH_START),
                age=SQL(COHORT_AGE),
                to_come=SQL(DAY_TO_COME),
                failure=failure_sql("o"),
            )
        )
