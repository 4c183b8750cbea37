from odoo import api, fields, models


class AfterSalesOrderWizard(models.AbstractModel):
    """A wizard opened from a service order, which it acts on."""

    _name = "after_sales.order.wizard"
    _description = "Service Order Wizard"

    order_id = fields.Many2one("after_sales.service.order", required=True, ondelete="cascade")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "after_sales.service.order" and "order_id" in fields_list:
            values.setdefault("order_id", self.env.context.get("active_id"))
        return values
