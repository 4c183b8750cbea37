from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    after_sales_warranty_term_id = fields.Many2one(
        "after_sales.warranty.term",
        string="Default Warranty Term",
        check_company=True,
        help="Applies to products whose template and category set no term.",
    )
