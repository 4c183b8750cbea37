from odoo import fields, models
from odoo.exceptions import UserError


class AfterSalesAddPart(models.TransientModel):
    _name = "after_sales.add.part"
    _inherit = ["after_sales.order.wizard"]
    _description = "Add a Spare Part to a Service Order's Repair"

    allowed_part_ids = fields.Many2many(related="order_id.product_id.spare_part_ids")
    product_id = fields.Many2one(
        "product.product",
        string="Spare Part",
        required=True,
        domain="[('id', 'in', allowed_part_ids)]",
    )
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit of Measure")

    def action_add(self):
        self.ensure_one()
        self.order_id._check_can("can_add_part", self.env._("Adding a spare part"))
        if self.quantity <= 0:
            raise UserError(self.env._("The quantity of a part must be positive."))
        if self.product_id not in self.order_id.product_id.spare_part_ids:
            raise UserError(
                self.env._(
                    "%(part)s is not a compatible spare part of %(product)s.",
                    part=self.product_id.display_name,
                    product=self.order_id.product_id.display_name,
                )
            )
        repair = self.order_id.repair_ids.filtered(lambda r: r.state in ("confirmed", "under_repair"))[:1]
        if not repair:
            raise UserError(self.env._("Start the repair of %(order)s first.", order=self.order_id.name))
        move = self.env["stock.move"].create(
            {
                "repair_id": repair.id,
                "product_id": self.product_id.id,
                "product_uom_qty": self.quantity,
                "repair_line_type": "add",
            }
        )
        # Reserve it at once, as "Check availability" would.
        move._action_assign()
        return True
