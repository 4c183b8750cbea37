from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import create_index

from .warranty import STATES


class StockLot(models.Model):
    _inherit = "stock.lot"

    warranty_ids = fields.One2many("after_sales.warranty", "lot_id", string="Warranty Registrations")
    warranty_id = fields.Many2one(
        "after_sales.warranty",
        string="Warranty",
        compute="_compute_warranty",
        help="The registration in force today, else the latest one.",
    )
    warranty_date_end = fields.Date(string="Warranty End", compute="_compute_warranty")
    warranty_state = fields.Selection(STATES, string="Warranty Status", compute="_compute_warranty")
    warranty_count = fields.Integer(compute="_compute_warranty")

    service_order_ids = fields.One2many("after_sales.service.order", "lot_id", string="Service History")
    service_order_count = fields.Integer(compute="_compute_service_order_count")
    production_date = fields.Date(
        help="When the unit was produced, if known: the failure analysis groups units by their "
        "production period (else by the day the serial number was created).",
    )

    def init(self):
        res = super().init()
        # Odoo indexes serial names for "contains" searches only (trigram);
        # intake desks and outside systems look serials up by exact name.
        create_index(self.env.cr, "after_sales_stock_lot_name_idx", self._table, ["name", "product_id"])
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_after_sales_history(self):
        # sudo: the history counts whoever deletes, with or without After-Sales rights.
        Warranty = self.env["after_sales.warranty"].sudo().with_context(active_test=False)
        Order = self.env["after_sales.service.order"].sudo()
        domain = [("lot_id", "in", self.ids)]
        kept = Warranty.search(domain, limit=1).lot_id or Order.search(domain, limit=1).lot_id
        if not kept:
            kept = Order.search([("loaner_lot_id", "in", self.ids)], limit=1).loaner_lot_id
        if kept:
            raise UserError(
                self.env._(
                    "Serial number %(serial)s has warranty registrations or service orders: it is kept.",
                    serial=kept.display_name,
                )
            )

    def _compute_service_order_count(self):
        counts = dict(
            self.env["after_sales.service.order"]._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.service_order_count = counts.get(lot, 0)

    def action_view_service_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_service_order_action"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"default_lot_id": self.id, "default_product_id": self.product_id.id}
        return action

    def _compute_warranty(self):
        Warranty = self.env["after_sales.warranty"]
        registrations = Warranty._registrations_by_lot(self, fields.Date.context_today(self))
        counts = dict(Warranty._read_group([("lot_id", "in", self.ids)], ["lot_id"], ["__count"]))
        for lot in self:
            covering, latest = registrations.get(lot.id, (None, Warranty))
            current = covering or latest
            lot.warranty_id = current
            lot.warranty_date_end = current.date_end
            lot.warranty_state = current.state
            lot.warranty_count = counts.get(lot, 0)

    def action_view_warranties(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_warranty_action"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {
            "default_lot_id": self.id,
            "default_product_id": self.product_id.id,
        }
        return action

    def _after_sales_check_product(self, product):
        """Refuse this serial number on a record of another product than its own."""
        if self and self.product_id != product:
            raise ValidationError(
                self.env._(
                    "Serial number %(lot)s belongs to %(lot_product)s, not to %(product)s.",
                    lot=self.name,
                    lot_product=self.product_id.display_name,
                    product=product.display_name,
                )
            )

    def _after_sales_customer(self):
        """The unit's customer (their commercial entity): the one of its
        warranty registration, else the one it was last delivered to."""
        self.ensure_one()
        return (self.warranty_id.partner_id or self.last_delivery_partner_id).commercial_partner_id
