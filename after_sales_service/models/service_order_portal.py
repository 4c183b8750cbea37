from odoo import api, models
from odoo.exceptions import UserError

from .portal_document import PHOTO_MIMETYPES

# What a customer may ask for on the portal that a service order answers.
PORTAL_REQUEST_TYPES = ("repair", "maintenance", "inspection", "replacement")
# Reports the customer downloads, and the states they exist in.
PORTAL_REPORTS = {
    "intake": (
        "after_sales_service.action_report_service_intake",
        ("confirmed", "received", "in_repair", "done", "returned"),
    ),
    "completion": ("after_sales_service.action_report_service_completion", ("done", "returned")),
}


class AfterSalesServiceOrder(models.Model):
    """Service orders on the customer portal (``/my/service``): their
    progress, transfers and documents, and the customer's service request
    (a draft order the desk confirms)."""

    _name = "after_sales.service.order"
    _inherit = ["after_sales.service.order", "after_sales.portal.document"]  # pylint: disable=consider-merging-classes-inherited

    def _compute_access_url(self):
        for order in self:
            order.access_url = f"/my/service/{order.id}"

    def _portal_reports(self):
        """The documents of this order the customer may download now:
        ``{key: report xmlid}``."""
        self.ensure_one()
        return {key: xmlid for key, (xmlid, states) in PORTAL_REPORTS.items() if self.state in states}

    def _portal_quotation(self):
        """The quotation the customer is to accept, or accepted, on Sales'
        portal page (a draft not sent yet is the desk's)."""
        self.ensure_one()
        return self.sale_order_id.filtered(lambda so: so.state in ("sent", "sale"))

    def _portal_rating(self):
        """The customer's latest rating of this returned order: to give
        (``/after_sales/rate/<token>/<score>``) or given (``consumed``)."""
        self.ensure_one()
        if self.state != "returned":
            return self.env["rating.rating"]
        # sudo: ratings are read by their token, which is the customer's.
        ratings = self.sudo().rating_ids.filtered(lambda r: r.partner_id == self.partner_id)
        return ratings.sorted("id")[-1:]

    @api.model
    def _portal_units(self):
        """The portal user's customer's units a service can be requested
        for: their registrations not void, the latest one per unit."""
        customer = self.env.user.commercial_partner_id
        registrations = self.env["after_sales.warranty"].search(
            [("partner_id", "child_of", customer.id), ("registration_state", "!=", "void")],
            order="date_end desc, id desc",
        )
        units = self.env["after_sales.warranty"]
        seen = set()
        for registration in registrations:
            key = registration.lot_id.id or ("registration", registration.id)
            if key not in seen:
                seen.add(key)
                units |= registration
        return units

    @api.model
    def _portal_request(self, registration_id, request_type, symptom, photos, transport_mode="dropoff"):
        """Open a draft service order for the portal user's customer's unit
        of registration ``registration_id`` (one of ``_portal_units``), with
        the customer's ``symptom`` and ``photos`` (``(name, content)``)."""
        registration = self._portal_units().filtered(lambda w: w.id == registration_id)
        if not registration:
            raise UserError(self.env._("Choose one of your units."))
        if request_type not in PORTAL_REQUEST_TYPES:
            raise UserError(
                self.env._("Choose what you need: a repair, a maintenance, an inspection or a replacement.")
            )
        symptom = (symptom or "").strip()
        if not symptom:
            raise UserError(self.env._("Describe the problem: what happens, since when, how often."))
        if transport_mode not in ("dropoff", "courier"):
            raise UserError(self.env._("Choose whether you bring the unit or we pick it up."))
        photos = self._portal_check_files(photos, PHOTO_MIMETYPES, self.env._("a picture"))
        # sudo: the unit's registration was read with the user's rights above.
        registration = registration.sudo()
        if registration.lot_id:
            message = self._open_order_message(registration.lot_id)
            if message:
                raise UserError(message)
        company = registration.company_id
        # sudo: portal users never create service orders themselves; this one
        # is a draft for the customer's own unit, checked above.
        order = (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": registration.partner_id.commercial_partner_id.id,
                    "product_id": registration.product_id.id,
                    "lot_id": registration.lot_id.id,
                    "request_type": request_type,
                    "symptom": symptom,
                    "transport_mode": transport_mode,
                    "company_id": company.id,
                    "warehouse_id": self.env["stock.warehouse"]
                    .sudo()
                    .search([("company_id", "=", company.id)], limit=1)
                    .id,
                }
            )
        )
        if photos:
            body = self.env._("Service requested on the customer portal, photos attached.")
        else:
            body = self.env._("Service requested on the customer portal.")
        order._portal_post(body, photos)
        return order
