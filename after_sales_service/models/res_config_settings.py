from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    after_sales_warranty_term_id = fields.Many2one(
        related="company_id.after_sales_warranty_term_id",
        readonly=False,
    )
    after_sales_paid_repair_days = fields.Integer(
        related="company_id.after_sales_paid_repair_days",
        readonly=False,
    )
    after_sales_labor_product_id = fields.Many2one(
        related="company_id.after_sales_labor_product_id",
        readonly=False,
    )
