from odoo import fields, models


class StockPickingType(models.Model):
    _inherit = "stock.picking.type"

    is_after_sales_type = fields.Boolean(
        string="After-Sales Operation",
        readonly=True,
        help="Service receipts and returns, loaner issues and returns, warranty "
        "repairs: moving a customer's unit or a loaner never registers a warranty.",
    )
