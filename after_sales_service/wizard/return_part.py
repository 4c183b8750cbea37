from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class AfterSalesReturnPart(models.TransientModel):
    _name = "after_sales.return.part"
    _inherit = ["after_sales.order.wizard"]
    _description = "Return an Unused Spare Part to Stock"

    allowed_move_ids = fields.Many2many("stock.move", compute="_compute_allowed_move_ids")
    move_id = fields.Many2one(
        "stock.move",
        string="Part Consumed",
        required=True,
        domain="[('id', 'in', allowed_move_ids)]",
    )
    product_id = fields.Many2one(related="move_id.product_id")
    quantity = fields.Float(required=True, digits="Product Unit of Measure")
    quantity_returnable = fields.Float(
        compute="_compute_quantity_returnable", digits="Product Unit of Measure"
    )

    @api.depends("order_id")
    def _compute_allowed_move_ids(self):
        for wizard in self:
            consumed = [move for move, sign in wizard.order_id._get_parts_moves() if sign > 0]
            wizard.allowed_move_ids = self.env["stock.move"].union(*consumed)

    @api.depends("move_id")
    def _compute_quantity_returnable(self):
        for wizard in self:
            wizard.quantity_returnable = wizard.move_id._after_sales_returnable_qty()

    @api.onchange("move_id")
    def _onchange_move_id(self):
        self.quantity = self.quantity_returnable

    def action_return(self):
        self.ensure_one()
        order = self.order_id
        if not order.can_return_parts:
            raise UserError(
                self.env._("Parts go back to stock from finished orders only (%(order)s).", order=order.name)
            )
        if self.move_id not in self.allowed_move_ids:
            raise UserError(self.env._("%(order)s did not consume this part.", order=order.name))
        rounding = self.move_id.product_uom.rounding
        if float_compare(self.quantity, 0.0, precision_rounding=rounding) <= 0:
            raise UserError(self.env._("The quantity to return must be positive."))
        if float_compare(self.quantity, self.quantity_returnable, precision_rounding=rounding) > 0:
            raise UserError(
                self.env._(
                    "Only %(qty)s %(uom)s of %(part)s can go back to stock.",
                    qty=self.quantity_returnable,
                    uom=self.move_id.product_uom.name,
                    part=self.product_id.display_name,
                )
            )
        order._check_posting_date()
        self.move_id._after_sales_return_to_stock(self.quantity)
        order.invalidate_recordset(["parts_cost", "total_cost", "customer_amount"])
        order._post_cost_entries()
        return True
