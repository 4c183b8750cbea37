from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class AfterSalesServiceOrder(models.Model):
    """What outside systems (web shop, call centre, dealer portal, through
    ``after_sales_client``) call over XML-RPC, and the scheduled action."""

    _inherit = "after_sales.service.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def api_open(self, values):
        """Open a service order for a unit known by its serial number.

        :param values: dict with ``serial`` (or ``product_id``), optional
            ``partner_id`` (default: the unit's customer), ``symptom``,
            ``request_type`` and ``confirm`` (default True)
        :returns: the order's status dict (see ``api_status``)
        """
        if not isinstance(values, dict):
            raise UserError(self.env._("Give the service order as a dict."))
        unknown = set(values) - {"serial", "product_id", "partner_id", "symptom", "request_type", "confirm"}
        if unknown:
            raise UserError(self.env._("Unknown keys: %(keys)s", keys=", ".join(sorted(unknown))))
        product = self.env["product.product"].browse(values.get("product_id") or []).exists()
        lot = self.env["stock.lot"]
        if values.get("serial"):
            lot = lot.search(
                [
                    ("name", "=", str(values["serial"])),
                    ("company_id", "in", [self.env.company.id, False]),
                    *([("product_id", "=", product.id)] if product else []),
                ],
                limit=1,
            )
            if not lot:
                raise UserError(self.env._("Serial number %(serial)s is unknown.", serial=values["serial"]))
        product = product or lot.product_id
        if not product:
            raise UserError(self.env._("Give the serial number or the product of the unit."))
        partner = self.env["res.partner"].browse(values.get("partner_id") or []).exists()
        if not partner and lot:
            partner = (lot.warranty_id.partner_id or lot.last_delivery_partner_id).commercial_partner_id
        if not partner:
            raise UserError(self.env._("Give the customer (partner_id): the unit's customer is not known."))
        order = self.create(
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "lot_id": lot.id or False,
                "symptom": values.get("symptom") or False,
                "request_type": values.get("request_type") or "repair",
            }
        )
        if values.get("confirm", True):
            order.action_confirm()
        return order._api_values()[0]

    @api.model
    def api_status(self, names):
        """Status dicts of service orders by reference; unknown ones raise."""
        if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
            raise UserError(self.env._("Give the references as a list of strings."))
        orders = self.search([("name", "in", list(names))])
        by_name = {order.name: order for order in orders}
        missing = [name for name in names if name not in by_name]
        if missing:
            raise UserError(self.env._("Unknown service order: %(names)s", names=", ".join(missing)))
        return [by_name[name]._api_values()[0] for name in names]

    @api.model
    def api_overdue(self):
        """Status dicts of the open orders past their deadline."""
        return self.search([("is_overdue", "=", True)], order="date_deadline, id")._api_values()

    @api.model
    def api_costs(self, date_from, date_to):
        """Costs of the orders finished between two ISO dates (inclusive)."""
        try:
            start, end = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Give the period as two dates YYYY-MM-DD.")) from error
        if not start or not end or end < start:
            raise UserError(
                self.env._("Give the period as two dates YYYY-MM-DD, the first not after the second.")
            )
        orders = self.search(
            [
                ("state", "in", ("done", "returned")),
                ("date_done", ">=", fields.Datetime.to_string(start)),
                ("date_done", "<", fields.Datetime.to_string(end + timedelta(days=1))),
            ]
        )
        by_coverage = {}
        for order in orders:
            by_coverage[order.coverage] = by_coverage.get(order.coverage, 0.0) + order.total_cost
        return {
            "orders": len(orders),
            "parts_cost": sum(orders.mapped("parts_cost")),
            "labor_cost": sum(orders.mapped("labor_cost")),
            "transport_cost": sum(orders.mapped("transport_cost")),
            "total_cost": sum(orders.mapped("total_cost")),
            "by_coverage": by_coverage,
        }

    # Scheduled action --------------------------------------------------------

    @api.model
    def _cron_overdue_activities(self):
        """Give the responsible of each newly overdue order an activity."""
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        orders = self.search([("is_overdue", "=", True), ("overdue_notified", "=", False)])
        for order in orders:
            order.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._("Service order overdue"),
                note=self.env._("The deadline %(date)s has passed.", date=order.date_deadline),
                user_id=(order.user_id or order.create_uid).id,
            )
        orders.overdue_notified = True

    # Business methods --------------------------------------------------------

    def _api_values(self):
        return [
            {
                "id": order.id,
                "name": order.name,
                "state": order.state,
                "coverage": order.coverage,
                "customer": order.partner_id.display_name or False,
                "product": order.product_id.display_name or False,
                "serial": order.lot_id.name or False,
                "warranty": order.warranty_id.name or False,
                "date_deadline": fields.Date.to_string(order.date_deadline) if order.date_deadline else False,
                "overdue": order.is_overdue,
                "total_cost": order.total_cost,
            }
            for order in self
        ]
