from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists

from ..tools.failure_stats import create_covering_index, failure_sql

# The month of a registration's start and of a failed unit's service start,
# written as the indexes have them: the grouping reads the indexes in order.
MONTH_START = "date_trunc('month', date_start::timestamp)"
MONTH_IN_SERVICE = "date_trunc('month', date_in_service::timestamp)"


class AfterSalesFailureRate(models.Model):
    """Failure rates against the installed base, by product and sale month.

    The installed base of a month: the units whose warranty registration
    (confirmed, not an extension) started that month. Its failures: the
    failures of those units, whenever they came in (by the day the unit
    entered service, kept on the order). The rate of a group of rows is its
    failures over its installed base (``_weighted_rate``), not an
    average of the rows' rates.

    Both sides are read from covering indexes, the orders without joining
    the registrations: a grouping over a million of each stays under a
    second (bench/failure_analysis.py)."""

    _name = "after_sales.failure.rate"
    _description = "Failure Rate"
    _inherit = ["after_sales.failure.report"]
    _auto = False
    _order = "period desc, product_id"
    _weighted_rate = ("failure_rate", "failures", "installed_base")

    period = fields.Date(
        string="Sale Month",
        readonly=True,
        help="The month the units' warranty registrations started (delivery, invoice or "
        "registration, as the term says).",
    )
    installed_base = fields.Integer(
        readonly=True, help="Units registered that month: delivered and in service."
    )
    failures = fields.Integer(help="Failures of these units so far.")
    failure_rate = fields.Float(help="Failures per 100 units of the installed base.")

    def init(self):
        cr = self.env.cr
        # The two sides by company, product and month, read in the order of
        # these indexes: index-only scans, grouped as they go, no sort.
        create_covering_index(
            cr,
            "after_sales_warranty_base_month_idx",
            "after_sales_warranty",
            ["company_id", "product_id", MONTH_START],
            ["date_start", "quantity"],
            SQL("registration_state = 'confirmed' AND parent_id IS NULL"),
        )
        create_covering_index(
            cr,
            "after_sales_service_order_failure_month_idx",
            "after_sales_service_order",
            ["company_id", "product_id", MONTH_IN_SERVICE],
            ["date_in_service"],
            SQL("%s AND date_in_service IS NOT NULL", failure_sql()),
        )
        # The installed base of a product in the quality alerts' rolling
        # window: the registrations running on or after its first day.
        create_covering_index(
            cr,
            "after_sales_warranty_in_service_idx",
            "after_sales_warranty",
            ["company_id", "product_id", "date_end"],
            ["date_start", "quantity"],
            SQL("registration_state = 'confirmed' AND parent_id IS NULL"),
        )
        drop_view_if_exists(cr, self._table)
        cr.execute(
            SQL(
                """
                CREATE VIEW %(view)s AS (
                WITH base AS (
                    SELECT w.company_id,
                           w.product_id,
                           %(month_start)s::date AS period,
                           SUM(w.quantity) AS installed_base
                      FROM after_sales_warranty w
                     WHERE w.registration_state = 'confirmed' AND w.parent_id IS NULL
                     GROUP BY w.company_id, w.product_id, %(month_start)s
                ), failure AS (
                    SELECT o.company_id,
                           o.product_id,
                           %(month_in_service)s::date AS period,
                           COUNT(*) AS failures
                      FROM after_sales_service_order o
                     WHERE %(failure)s AND o.date_in_service IS NOT NULL
                     GROUP BY o.company_id, o.product_id, %(month_in_service)s
                )
                SELECT (base.product_id::bigint * 100000 + base.company_id) * 100000
                           + EXTRACT(YEAR FROM base.period)::bigint * 12
                           + EXTRACT(MONTH FROM base.period)::bigint AS id,
                       base.company_id,
                       base.product_id,
                       tmpl.categ_id AS product_categ_id,
                       base.period,
                       ROUND(base.installed_base)::integer AS installed_base,
                       COALESCE(failure.failures, 0)::integer AS failures,
                       CASE WHEN base.installed_base > 0
                            THEN COALESCE(failure.failures, 0) * 100.0 / base.installed_base
                       END AS failure_rate
                  FROM base
                  LEFT JOIN failure
                         ON failure.company_id = base.company_id
                        AND failure.product_id = base.product_id
                        AND failure.period = base.period
                  LEFT JOIN product_product product ON product.id = base.product_id
                  LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                )
                """,
                view=SQL.identifier(self._table),
                failure=failure_sql("o"),
                month_start=SQL(MONTH_START),
                month_in_service=SQL(MONTH_IN_SERVICE),
            )
        )
