from collections import defaultdict

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    warranty_count = fields.Integer(
        compute="_compute_warranty_count",
        groups="after_sales_service.group_after_sales_user,account.group_account_readonly",
    )

    service_order_count = fields.Integer(
        compute="_compute_service_order_count",
        groups="after_sales_service.group_after_sales_user",
    )

    def _compute_service_order_count(self):
        commercial = self.commercial_partner_id
        counts = dict(
            self.env["after_sales.service.order"]._read_group(
                [("partner_id", "child_of", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        by_commercial = defaultdict(int)
        for customer, count in counts.items():
            by_commercial[customer.commercial_partner_id] += count
        for partner in self:
            partner.service_order_count = by_commercial[partner.commercial_partner_id]

    def action_view_service_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_service_order_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def _compute_warranty_count(self):
        # Registrations belong to the commercial partner; its contacts show them too.
        commercial = self.commercial_partner_id
        counts = dict(
            self.env["after_sales.warranty"]._read_group(
                [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.warranty_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_warranties(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_warranty_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
