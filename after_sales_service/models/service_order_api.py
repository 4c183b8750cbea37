from datetime import date, datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.api_input import check_date, check_id, check_text, shown


class AfterSalesServiceOrder(models.Model):
    """What outside systems (web shop, call centre, dealer portal, through
    ``after_sales_client``) call over XML-RPC or JSON-RPC, and the scheduled action.

    The reads (``api_status``, ``api_overdue``, ``api_costs``) are marked
    ``@api.readonly`` (see ``after_sales.warranty``); they must never write."""

    _inherit = "after_sales.service.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def api_open(self, values):
        """Open a service order for a unit known by its serial number.

        :param values: dict with ``serial`` (or ``product_id``), optional
            ``partner_id`` (default: the unit's customer, only when no
            ``partner_id`` is given), ``symptom``, ``request_type`` (one of
            the order's request types, default ``repair``) and ``confirm``
            (a boolean, default True)
        :returns: the order's status dict (see ``api_status``)

        Ids that are not positive integers or not of a record the user may
        use in the current company, an unknown serial, a serial that several
        products share without ``product_id``, an unknown request type, or a
        unit that already has an open order (named in the error when the
        user may read it) are refused with a UserError; nothing is created.
        """
        if not isinstance(values, dict):
            raise UserError(self.env._("Give the service order as a dict."))
        unknown = set(values) - {"serial", "product_id", "partner_id", "symptom", "request_type", "confirm"}
        if unknown:
            raise UserError(self.env._("Unknown keys: %(keys)s", keys=", ".join(sorted(map(str, unknown)))))
        company = self.env.company
        product = self.env["product.product"]
        if values.get("product_id") not in (None, False):
            product = self._api_record("product.product", values["product_id"], "product_id", company)
            if not product:
                raise UserError(self.env._("Unknown product (product_id %(id)s).", id=values["product_id"]))
        lot = self.env["stock.lot"]
        if values.get("serial") not in (None, False, ""):
            serial = check_text(self.env, values["serial"], "serial")
            lot = lot.search(
                [
                    ("name", "=", serial),
                    ("company_id", "in", [company.id, False]),
                    *([("product_id", "=", product.id)] if product else []),
                ]
            )
            if not lot:
                raise UserError(self.env._("Serial number %(serial)s is unknown.", serial=serial))
            if len(lot) > 1:
                raise UserError(
                    self.env._(
                        "Serial number %(serial)s belongs to several products (%(products)s): "
                        "give the product_id.",
                        serial=serial,
                        products=", ".join(lot.product_id.mapped("display_name")),
                    )
                )
            self._check_no_open_order(lot)
        product = product or lot.product_id
        if not product:
            raise UserError(self.env._("Give the serial number or the product of the unit."))
        if values.get("partner_id") in (None, False):
            partner = lot._after_sales_customer() if lot else self.env["res.partner"]
            if not partner:
                raise UserError(
                    self.env._("Give the customer (partner_id): the unit's customer is not known.")
                )
        else:
            partner = self._api_record("res.partner", values["partner_id"], "partner_id", company)
            if not partner:
                raise UserError(self.env._("Unknown customer (partner_id %(id)s).", id=values["partner_id"]))
        request_types = self._fields["request_type"].get_values(self.env)
        request_type = values.get("request_type") or "repair"
        if request_type not in request_types:
            raise UserError(
                self.env._(
                    "Unknown request type %(type)s: one of %(types)s.",
                    type=shown(request_type),
                    types=", ".join(request_types),
                )
            )
        symptom = values.get("symptom") or False
        if symptom is not False and (not isinstance(symptom, str) or "\x00" in symptom):
            raise UserError(self.env._("The symptom must be a text, not %(value)s.", value=shown(symptom)))
        confirm = values.get("confirm", True)
        if not isinstance(confirm, bool):
            raise UserError(self.env._("confirm must be true or false, not %(value)s.", value=shown(confirm)))
        order = self.create(
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "lot_id": lot.id or False,
                "symptom": symptom,
                "request_type": request_type,
            }
        )
        if confirm:
            order.action_confirm()
        return order._api_values()[0]

    @api.readonly
    @api.model
    def api_status(self, names):
        """Status dicts of service orders by reference; unknown ones raise."""
        if not isinstance(names, (list, tuple)) or not all(
            isinstance(n, str) and "\x00" not in n for n in names
        ):
            raise UserError(self.env._("Give the references as a list of strings."))
        orders = self.search([("name", "in", list(names))])
        by_name = {order.name: order for order in orders}
        missing = [name for name in names if name not in by_name]
        if missing:
            raise UserError(self.env._("Unknown service order: %(names)s", names=", ".join(missing)))
        return [by_name[name]._api_values()[0] for name in names]

    @api.readonly
    @api.model
    def api_overdue(self):
        """Status dicts of the open orders past their deadline."""
        return self.search([("is_overdue", "=", True)], order="date_deadline, id")._api_values()

    @api.readonly
    @api.model
    def api_costs(self, date_from, date_to):
        """Costs of the orders finished between two ISO dates (inclusive)."""
        start = check_date(self.env, date_from, "date_from")
        end = check_date(self.env, date_to, "date_to")
        if not start or not end or end < start:
            raise UserError(
                self.env._("Give the period as two dates YYYY-MM-DD, the first not after the second.")
            )
        # Datetimes, not strftime strings: those do not pad years before 1000.
        domain = [
            ("state", "in", ("done", "returned")),
            ("date_done", ">=", datetime.combine(start, time.min)),
        ]
        if end < date.max:  # the calendar's last day has no next day
            domain.append(("date_done", "<", datetime.combine(end + timedelta(days=1), time.min)))
        orders = self.search(domain)
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

    def _api_record(self, model, value, key, company):
        """The record of ``model`` with id ``value`` that the user may use in
        ``company`` (its own or shared), archived or not; empty if none."""
        check_id(self.env, value, key)
        return (
            self.env[model]
            .with_context(active_test=False)
            .search([("id", "=", value), ("company_id", "in", [company.id, False])])
        )

    def _check_no_open_order(self, lot):
        """Refuse a second open order for a unit (see ``_open_order_message``)."""
        message = self._open_order_message(lot)
        if message:
            raise UserError(message)

    def _api_values(self):
        # sudo: the caller found these orders with their own rights (billing and
        # accountants read orders, not serials nor registrations); the names of
        # the order's unit and warranty are part of its status.
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
            for order in self.sudo()
        ]
