from odoo import fields, models
from odoo.tools import SQL, create_index, drop_view_if_exists

from ..models.defect import CAUSE_TYPES
from ..tools.failure_stats import create_covering_index, failure_sql


class AfterSalesFailureAnalysis(models.Model):
    """Failures (service orders with a defect record) by product, category,
    defect, cause, failed part and its vendor, intake month, production
    period of the unit and months in service.

    A view over the orders. Its joins are LEFT joins on primary keys (or on
    subqueries unique on the join column) so that PostgreSQL drops those a
    grouping does not use: grouping by product over a million orders reads
    the orders alone."""

    _name = "after_sales.failure.analysis"
    _description = "Failure Analysis"
    _inherit = ["after_sales.report.groups"]
    _auto = False
    _rec_name = "order_id"
    _order = "date_intake desc, id desc"
    # Searches and groupings flush what the view reads.
    _depends = {
        "after_sales.service.order": [
            "company_id",
            "product_id",
            "lot_id",
            "defect_code_id",
            "defect_cause_id",
            "failed_product_id",
            "coverage",
            "request_type",
            "is_repeat",
            "date_intake",
            "date_in_service",
            "months_in_service",
            "transport_cost",
            "state",
            "no_fault_found",
        ],
        "after_sales.defect.cause": ["cause_type", "company_liable"],
        "after_sales.service.labor": ["order_id", "cost"],
        "stock.lot": ["production_date"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "product.supplierinfo": ["partner_id", "product_tmpl_id", "product_id", "sequence"],
        "res.company": ["currency_id"],
    }

    order_id = fields.Many2one("after_sales.service.order", string="Service Order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Serial Number", readonly=True)
    defect_code_id = fields.Many2one("after_sales.defect.code", string="Defect", readonly=True)
    defect_cause_id = fields.Many2one("after_sales.defect.cause", string="Cause", readonly=True)
    cause_type = fields.Selection(CAUSE_TYPES, readonly=True)
    company_liable = fields.Boolean(
        string="Company's Cause", readonly=True, help="The cause is the company's to bear."
    )
    failed_product_id = fields.Many2one("product.product", string="Failed Part", readonly=True)
    failed_vendor_id = fields.Many2one(
        "res.partner",
        string="Part Vendor",
        readonly=True,
        help="The failed part's main vendor: the first vendor line of the part.",
    )
    coverage = fields.Selection(
        [("warranty", "Warranty"), ("goodwill", "Goodwill"), ("paid", "Paid")], readonly=True
    )
    request_type = fields.Selection(
        [
            ("repair", "Repair"),
            ("maintenance", "Maintenance"),
            ("inspection", "Inspection"),
            ("replacement", "Replacement"),
            ("refund", "Refund"),
        ],
        readonly=True,
    )
    is_repeat = fields.Boolean(string="Repeat Repair", readonly=True)
    date_intake = fields.Date(string="Intake Date", readonly=True)
    production_date = fields.Date(
        readonly=True,
        help="The unit's production date on its serial number, else the day the serial was created.",
    )
    date_in_service = fields.Date(
        string="In Service Since",
        readonly=True,
        help="When the unit entered service: the start of its warranty registration (of the first "
        "one, for an extension), kept on the order at intake.",
    )
    months_in_service = fields.Integer(
        readonly=True,
        aggregator="avg",
        help="Complete months in service at the intake; empty for a unit without a registration.",
    )
    transport_cost = fields.Monetary(readonly=True)
    labor_cost = fields.Monetary(readonly=True)

    def init(self):
        cr = self.env.cr
        # Failures of a product and defect since a day: the quality alerts
        # (fed, opened) and the analysis filtered on a product.
        create_index(
            cr,
            "after_sales_service_order_failure_idx",
            "after_sales_service_order",
            ["product_id", "defect_code_id", "date_intake"],
            where=failure_sql().code,
        )
        # Failures of a period: the alerts' rolling window, the analysis
        # filtered on intake dates.
        create_covering_index(
            cr,
            "after_sales_service_order_failure_date_idx",
            "after_sales_service_order",
            ["company_id", "date_intake"],
            ["product_id", "defect_code_id"],
            failure_sql(),
        )
        drop_view_if_exists(cr, self._table)
        cr.execute(
            SQL(
                """
                CREATE VIEW %(view)s AS (
                SELECT o.id AS id,
                       o.id AS order_id,
                       o.company_id,
                       company.currency_id,
                       o.product_id,
                       tmpl.categ_id AS product_categ_id,
                       o.lot_id,
                       o.defect_code_id,
                       o.defect_cause_id,
                       cause.cause_type,
                       cause.company_liable,
                       o.failed_product_id,
                       vendor.partner_id AS failed_vendor_id,
                       o.coverage,
                       o.request_type,
                       o.is_repeat,
                       o.date_intake,
                       COALESCE(lot.production_date, lot.create_date::date) AS production_date,
                       o.date_in_service,
                       CASE WHEN o.date_in_service IS NOT NULL THEN o.months_in_service END
                           AS months_in_service,
                       o.transport_cost,
                       labor.cost AS labor_cost
                  FROM after_sales_service_order o
                  LEFT JOIN res_company company ON company.id = o.company_id
                  LEFT JOIN product_product product ON product.id = o.product_id
                  LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                  LEFT JOIN after_sales_defect_cause cause ON cause.id = o.defect_cause_id
                  LEFT JOIN stock_lot lot ON lot.id = o.lot_id
                  LEFT JOIN (
                        SELECT DISTINCT ON (part.id) part.id AS product_id, info.partner_id
                          FROM product_supplierinfo info
                          JOIN product_product part ON part.product_tmpl_id = info.product_tmpl_id
                         WHERE info.product_id IS NULL OR info.product_id = part.id
                         ORDER BY part.id, info.sequence, info.id
                       ) vendor ON vendor.product_id = o.failed_product_id
                  LEFT JOIN (
                        SELECT order_id, SUM(cost) AS cost
                          FROM after_sales_service_labor
                         GROUP BY order_id
                       ) labor ON labor.order_id = o.id
                 WHERE %(failure)s
                )
                """,
                view=SQL.identifier(self._table),
                failure=failure_sql("o"),
            )
        )
