from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    after_sales_warranty_term_id = fields.Many2one(
        related="company_id.after_sales_warranty_term_id",
        readonly=False,
    )
