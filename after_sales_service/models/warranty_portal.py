from odoo import api, fields, models
from odoo.exceptions import UserError

from .portal_document import PROOF_MIMETYPES


class AfterSalesWarranty(models.Model):
    """Registrations on the customer portal (``/my/warranties``): the
    customer's own units, their certificate, and the registration of a unit
    whose warranty starts when the customer registers it (a draft the desk
    confirms)."""

    _name = "after_sales.warranty"
    _inherit = ["after_sales.warranty", "after_sales.portal.document"]  # pylint: disable=consider-merging-classes-inherited

    origin = fields.Selection(
        selection_add=[("portal", "Customer portal")],
        ondelete={"portal": "set default"},
    )
    date_purchase = fields.Date(
        string="Purchase Date",
        copy=False,
        tracking=True,
        help="The day the customer bought the unit, as they declared it when registering it "
        "on the customer portal (the proof of purchase is attached).",
    )

    def _compute_access_url(self):
        for warranty in self:
            warranty.access_url = f"/my/warranties/{warranty.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Warranty Certificate %(name)s", name=self.name)

    @api.model
    def _portal_register(self, serial, date_purchase, proofs):
        """Register the unit ``serial`` for the portal user's customer: a
        draft registration for the desk to confirm, with ``proofs`` (a list
        of ``(file name, content)``) attached. A draft the delivery made for
        this customer is completed instead of making a second one.

        Refuses with a message the customer can act on: an unknown serial, a
        unit whose warranty needs no registration or is another customer's,
        a purchase date in the future, a missing or unfit proof.
        """
        customer = self.env.user.commercial_partner_id
        serial = (serial or "").strip()
        if not serial:
            raise UserError(self.env._("Enter the serial number printed on the unit's rating plate."))
        date_purchase = self._portal_check_date(date_purchase)
        if not any(content for _name, content in proofs):
            raise UserError(self.env._("Attach the proof of purchase: the invoice or the receipt."))
        proofs = self._portal_check_files(proofs, PROOF_MIMETYPES, self.env._("a PDF or a picture"))
        lot, term = self._portal_registrable_unit(serial)
        # sudo: the customer may read only their own registrations; whose
        # unit this is must be known to refuse another customer's.
        registrations = (
            self.sudo()
            .search([("lot_id", "=", lot.id), ("registration_state", "!=", "void")])
            .filtered(lambda w: w.company_id == lot.company_id or not lot.company_id)
        )
        if registrations.filtered(lambda w: w.partner_id.commercial_partner_id != customer):
            raise UserError(
                self.env._(
                    "Serial number %(serial)s is registered to another customer. If you bought the unit "
                    "second-hand, contact us with your proof of purchase.",
                    serial=serial,
                )
            )
        confirmed = registrations.filtered(lambda w: w.registration_state == "confirmed")
        if confirmed:
            raise UserError(
                self.env._(
                    "Serial number %(serial)s is registered already: see %(name)s.",
                    serial=serial,
                    name=confirmed[0].name,
                )
            )
        waiting = registrations.filtered(lambda w: w.date_purchase)
        if waiting:
            raise UserError(
                self.env._(
                    "You registered serial number %(serial)s already (%(name)s): we are checking it.",
                    serial=serial,
                    name=waiting[0].name,
                )
            )
        # sudo: portal users never write registrations; this one is
        # checked above and created as a draft only, for the desk to confirm.
        registration = registrations[:1]
        if registration:
            registration.write({"date_purchase": date_purchase})
        else:
            company = lot.company_id or self.env.company
            registration = (
                self.sudo()
                .with_company(company)
                .create(
                    {
                        "partner_id": customer.id,
                        "product_id": lot.product_id.id,
                        "lot_id": lot.id,
                        "term_id": term.id,
                        "company_id": company.id,
                        "registration_state": "draft",
                        "origin": "portal",
                        "date_purchase": date_purchase,
                    }
                )
            )
        registration._portal_post(
            self.env._(
                "Registered on the customer portal: bought on %(date)s, proof of purchase attached.",
                date=date_purchase,
            ),
            proofs,
        )
        return registration

    # Business methods --------------------------------------------------------

    @api.model
    def _portal_check_date(self, value):
        """The purchase date ``value`` (``YYYY-MM-DD``) as a date, not in the future."""
        if not value:
            raise UserError(self.env._("Enter the date you bought the unit."))
        try:
            day = fields.Date.to_date(value)
        except ValueError:
            day = None
        if not day:
            raise UserError(self.env._("The purchase date %(value)s is not a date.", value=value))
        if day > fields.Date.context_today(self):
            raise UserError(self.env._("The purchase date cannot be in the future."))
        return day

    @api.model
    def _portal_registrable_unit(self, serial):
        """The serial named ``serial`` in the user's companies whose warranty
        starts at registration, and its term; a UserError saying why not."""
        # sudo: serial numbers are stock data portal users cannot read.
        lots = (
            self.env["stock.lot"]
            .sudo()
            .search([("name", "=", serial), ("company_id", "in", [*self.env.companies.ids, False])])
        )
        if not lots:
            raise UserError(
                self.env._(
                    "We do not know serial number %(serial)s. Check it on the unit's rating plate, or "
                    "contact us.",
                    serial=serial,
                )
            )
        terms = {
            lot: lot.product_id.product_tmpl_id._get_warranty_term(lot.company_id or self.env.company)
            for lot in lots
        }
        registrable = lots.filtered(lambda lot: terms[lot].start_basis == "registration")
        if not registrable:
            raise UserError(
                self.env._(
                    "The warranty of %(product)s starts at its delivery or invoice, without registration: "
                    "it is listed under your warranties.",
                    product=lots[0].product_id.display_name,
                )
            )
        if len(registrable) > 1:
            raise UserError(
                self.env._(
                    "Serial number %(serial)s belongs to several products: contact us to register yours.",
                    serial=serial,
                )
            )
        return registrable, terms[registrable]
