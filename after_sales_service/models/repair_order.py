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
        for repair in self.filtered("service_order_id"):
            order = repair.service_order_id
            repair.sale_order_id.after_sales_order_id = order
            order._apply_quotation_terms(repair.sale_order_id.order_line)
        self.service_order_id.labor_line_ids._sync_sale_lines()
        return res
