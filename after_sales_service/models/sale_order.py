from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    after_sales_order_id = fields.Many2one(
        "after_sales.service.order",
        string="Service Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
        help="The service order this quotation bills.",
    )

    def _action_confirm(self):
        res = super()._action_confirm()
        self.order_line._after_sales_create_extensions()
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        # An extension sold and then cancelled covers nothing.
        extensions = self.order_line.warranty_ids.filtered(
            lambda w: w.origin == "extension" and w.registration_state != "void"
        )
        if extensions:
            # sudo: salespeople cancel sales without After-Sales rights.
            extensions.sudo()._void(
                reason=self.env._("Sale cancelled (%(orders)s)", orders=", ".join(self.mapped("name")))
            )
        return res

    def _prepare_invoice(self):
        vals = super()._prepare_invoice()
        # The invoice of a service order's quotation belongs to the order.
        orders = self.after_sales_order_id or self.repair_order_ids.service_order_id
        if len(orders) == 1:
            vals["after_sales_order_id"] = orders.id
        return vals
