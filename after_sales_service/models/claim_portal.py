from odoo import api, models
from odoo.exceptions import UserError

from .claim import MONEY_DEMANDS, OPEN_STATES
from .portal_document import PHOTO_MIMETYPES

# When the customer sees the decision, and the response letter.
DECIDED_STATES = ("decided", "answered", "closed")
ANSWERED_STATES = ("answered", "closed")


class AfterSalesClaim(models.Model):
    """Consumer claims on the customer portal (``/my/claims``): their
    deadline, the decision and the response letter; a claim for money (a
    refund, a price reduction, a compensation) is made from the portal's
    service request form."""

    _name = "after_sales.claim"
    _inherit = ["after_sales.claim", "after_sales.portal.document"]  # pylint: disable=consider-merging-classes-inherited

    def _compute_access_url(self):
        for claim in self:
            claim.access_url = f"/my/claims/{claim.id}"

    def _portal_reports(self):
        """The documents of this claim the customer may download now:
        ``{key: report xmlid}``."""
        self.ensure_one()
        if self.state in ANSWERED_STATES:
            return {"letter": "after_sales_service.action_report_claim_letter"}
        return {}

    @api.model
    def _portal_claim(self, registration_id, demand, description, photos):
        """Open a claim for money (``demand``, one of ``MONEY_DEMANDS``) about
        the portal user's customer's unit of registration ``registration_id``
        (one of the service order's ``_portal_units``), in the customer's
        words, with ``photos`` (``(name, content)``)."""
        registration = (
            self.env["after_sales.service.order"]._portal_units().filtered(lambda w: w.id == registration_id)
        )
        if not registration:
            raise UserError(self.env._("Choose one of your units."))
        if demand not in MONEY_DEMANDS:
            raise UserError(
                self.env._("Choose what you claim: a refund, a price reduction or a compensation.")
            )
        description = (description or "").strip()
        if not description:
            raise UserError(self.env._("Describe the problem: what happens, since when, how often."))
        photos = self._portal_check_files(photos, PHOTO_MIMETYPES, self.env._("a picture"))
        # sudo: the unit's registration was read with the user's rights above;
        # whether a claim about it is open counts the customer's claims only.
        registration = registration.sudo()
        customer = registration.partner_id.commercial_partner_id
        domain = [("partner_id", "child_of", customer.id), ("state", "in", OPEN_STATES)]
        domain += (
            [("lot_id", "=", registration.lot_id.id)]
            if registration.lot_id
            else [("product_id", "=", registration.product_id.id)]
        )
        open_claim = self.sudo().search(domain, limit=1)
        if open_claim:
            raise UserError(
                self.env._(
                    "Your claim %(claim)s about this unit is being handled: write to us there.",
                    claim=open_claim.name,
                )
            )
        demands = dict(self._fields["demand"]._description_selection(self.env))
        company = registration.company_id
        # sudo: portal users never create claims themselves; this one is
        # about the customer's own unit, checked above. The desk assigns it
        # (Start Review), not the portal user.
        claim = (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": customer.id,
                    "lot_id": registration.lot_id.id,
                    "product_id": registration.product_id.id,
                    "demand": demand,
                    "channel": "portal",
                    "subject": self.env._(
                        "%(demand)s: %(product)s",
                        demand=demands[demand],
                        product=registration.product_id.display_name,
                    ),
                    "description": description,
                    "company_id": company.id,
                    "user_id": False,
                }
            )
        )
        if photos:
            body = self.env._("Claim made on the customer portal, photos attached.")
        else:
            body = self.env._("Claim made on the customer portal.")
        claim._portal_post(body, photos)
        return claim
