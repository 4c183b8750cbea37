from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists

from ..tools.failure_stats import create_covering_index, failure_sql

# Complete months from a registration's start to today, as the orders count
# their months in service (``complete_months``).
AGE_TODAY = (
    "(EXTRACT(YEAR FROM age(current_date, w.date_start)) * 12"
    " + EXTRACT(MONTH FROM age(current_date, w.date_start)))::int"
)


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
    _inherit = ["after_sales.report.groups"]
    _auto = False
    _order = "product_id, months_in_service"
    _weighted_rate = ("failure_rate", "failures", "units")
    # Searches and groupings flush what the view reads.
    _depends = {
        "after_sales.warranty": [
            "company_id",
            "product_id",
            "date_start",
            "quantity",
            "registration_state",
            "parent_id",
        ],
        "after_sales.service.order": [
            "company_id",
            "product_id",
            "date_in_service",
            "months_in_service",
            "defect_code_id",
            "state",
            "no_fault_found",
        ],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    months_in_service = fields.Integer(
        readonly=True, aggregator=None, help="Complete months from the start of the registration."
    )
    units = fields.Integer(
        string="Units in Service that Long",
        readonly=True,
        help="Units registered at least that many complete months ago (summed over months: unit-months).",
    )
    failures = fields.Integer(readonly=True, help="Failures of these units in that month of their service.")
    failure_rate = fields.Float(
        string="Failure Rate (%)",
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="Failures per 100 units in that month of their service.",
    )

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
        # The registrations side reads after_sales_warranty_base_month_idx
        # (failure_rate.py) alone: its rows carry the start and the quantity.
        cr.execute(
            SQL(
                """
                CREATE VIEW %(view)s AS (
                WITH age AS (
                    SELECT w.company_id, w.product_id, %(age)s AS age, SUM(w.quantity) AS units
                      FROM after_sales_warranty w
                     WHERE w.registration_state = 'confirmed' AND w.parent_id IS NULL
                       AND w.date_start <= current_date
                     GROUP BY 1, 2, 3
                ), exposed AS (
                    SELECT month.company_id, month.product_id, month.n AS months_in_service,
                           SUM(age.units) AS units
                      FROM (SELECT company_id, product_id, generate_series(0, MAX(age)) AS n
                              FROM age
                             GROUP BY company_id, product_id) month
                      JOIN age
                        ON age.company_id = month.company_id
                       AND age.product_id = month.product_id
                       AND age.age >= month.n
                     GROUP BY 1, 2, 3
                ), failure AS (
                    SELECT o.company_id, o.product_id, o.months_in_service, COUNT(*) AS failures
                      FROM after_sales_service_order o
                     WHERE %(failure)s AND o.date_in_service IS NOT NULL
                     GROUP BY 1, 2, 3
                )
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
                  FROM exposed
                  LEFT JOIN failure
                         ON failure.company_id = exposed.company_id
                        AND failure.product_id = exposed.product_id
                        AND failure.months_in_service = exposed.months_in_service
                  LEFT JOIN product_product product ON product.id = exposed.product_id
                  LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                )
                """,
                view=SQL.identifier(self._table),
                age=SQL(AGE_TODAY),
                failure=failure_sql("o"),
            )
        )
