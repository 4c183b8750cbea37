from odoo import fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"

    service_order_id = fields.Many2one(
        "after_sales.service.order",
        string="Service Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
    )

    def action_repair_done(self):
        res = super().action_repair_done()
        # sudo: ending the repair in the Repairs app finishes the service
        # order, also for a user without After-Sales rights.
        self.service_order_id.sudo()._on_repairs_done()
        return res

    def action_repair_cancel(self):
        res = super().action_repair_cancel()
        # sudo: see action_repair_done.
        self.service_order_id.sudo()._on_repairs_cancelled()
        return res

    def action_create_sale_order(self):
        res = super().action_create_sale_order()
        orders = self.service_order_id
        orders.labor_line_ids._sync_sale_lines()
        discount = {order: order._get_goodwill_discount() for order in orders}
        for repair in self.filtered("service_order_id"):
            order = repair.service_order_id
            values = {}
            if discount[order]:
                values["discount"] = discount[order]
            if order.analytic_distribution:
                # Revenue and cost of goods of the order land on its analytics.
                values["analytic_distribution"] = order.analytic_distribution
            if values:
                repair.sale_order_id.order_line.write(values)
        return res
