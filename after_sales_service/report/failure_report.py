from odoo import fields, models


class AfterSalesFailureReport(models.AbstractModel):
    """What the two failure-rate reports share: failures of registered units
    (confirmed registrations, not extensions) per company and product, over
    a number of units, and the rate of a group as its failures over its
    units (``_weighted_rate``, which each report names)."""

    _name = "after_sales.failure.report"
    _description = "Failure Rate Report"
    _inherit = ["after_sales.report.groups"]
    # Searches and groupings flush what the views read; each report adds its own.
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
    failures = fields.Integer(readonly=True)
    failure_rate = fields.Float(string="Failure Rate (%)", readonly=True, digits=(16, 2), aggregator="avg")
