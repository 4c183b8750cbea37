from odoo import api, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    service_order_id = fields.Many2one(
        "after_sales.service.order",
        string="Service Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
    )

    def _action_done(self):
        res = super()._action_done()
        # sudo: validating a service receipt in Inventory moves its order on,
        # also for a stock user without After-Sales rights.
        orders = self.service_order_id.sudo()
        if orders:
            receipts = set(self.ids)
            orders.filtered(lambda o: o.receipt_picking_id.id in receipts)._on_receipt_done()
        return res

    @api.model
    def _after_sales_create(self, vals_list):
        """Create and confirm the service transfers of ``vals_list``, each
        with the move (and its serial move lines) of its ``move_ids``."""
        pickings = self.create(vals_list)
        # Move lines created with their move join its transfer, as Odoo's
        # backorders do.
        for picking in pickings:
            picking.move_ids.move_line_ids.picking_id = picking
        pickings.action_confirm()
        return pickings

    def _after_sales_validate(self):
        """Validate transfers whose serial move lines the service order set."""
        for picking in self:
            picking.move_ids.picked = True
        result = self.with_context(
            skip_sms=True, skip_backorder=True, picking_ids_not_to_backorder=self.ids
        ).button_validate()
        not_done = self.filtered(lambda p: p.state != "done")
        if result is not True or not_done:
            raise UserError(
                self.env._(
                    "Transfer %(picking)s could not be validated: check it in Inventory.",
                    picking=", ".join(not_done.mapped("name")) or ", ".join(self.mapped("name")),
                )
            )
