from odoo import models
from odoo.exceptions import UserError

QUOTATION_TEMPLATE = "after_sales_service.mail_template_service_quotation"
RATING_TEMPLATE = "after_sales_service.mail_template_service_rating"
# The customer's mails of a service order, each with its switch in Settings
# (a company boolean, on by default): template -> switch.
CUSTOMER_MAILS = {
    "after_sales_service.mail_template_service_confirmed": "after_sales_notify_confirmed",
    "after_sales_service.mail_template_service_received": "after_sales_notify_received",
    QUOTATION_TEMPLATE: "after_sales_notify_quotation",
    "after_sales_service.mail_template_service_done": "after_sales_notify_done",
    "after_sales_service.mail_template_service_returned": "after_sales_notify_returned",
    RATING_TEMPLATE: "after_sales_notify_rating",
}


class AfterSalesServiceOrder(models.Model):
    """The customer's mails along the order: confirmed (how the unit comes
    to the workshop), received, the quotation to accept on the portal,
    work done, shipped back (the return tracking), each switched off in
    Settings; the satisfaction survey after the return is in
    ``service_order_rating.py``."""

    _inherit = "after_sales.service.order"  # pylint: disable=consider-merging-classes-inherited

    def action_send_quotation(self):
        """Mail the quotation to the customer with the link to its page on the
        portal, where they accept it online (Sales' portal: they sign it, or
        pay when the company asks for a payment). With that mail switched off
        in Settings, Sales' own quotation mail opens, to be written by hand."""
        self.ensure_one()
        if not self.company_id.after_sales_notify_quotation:
            return super().action_send_quotation()
        # Who may work the order may mail its customer.
        self.check_access("write")
        self._check_can("can_approve_quotation", self.env._("Sending the quotation"))
        if not self.partner_id.email:
            raise UserError(
                self.env._(
                    "%(customer)s has no email address: add one, or send the quotation from Sales.",
                    customer=self.partner_id.display_name,
                )
            )
        # sudo: the desk sends what the order quoted, without Sales rights
        # on the quotation (as it approves it, see action_approve_quotation).
        quotation = self.sale_order_id.sudo()
        quotation.order_line._validate_analytic_distribution()
        if quotation.state == "draft":
            quotation.action_quotation_sent()
        self._send_mail(QUOTATION_TEMPLATE)
        return True

    def _set_done(self):
        res = super()._set_done()
        # Once what the customer pays is quoted (service_order_costing.py):
        # the mail links the quotation still to accept.
        self._send_mail("after_sales_service.mail_template_service_done")
        return res

    def _customer_mail_orders(self, template_xmlid):
        """The orders whose customer gets the mail of ``template_xmlid``: it
        is switched on for their company, and the customer has an address."""
        switch = CUSTOMER_MAILS.get(template_xmlid)
        return self.filtered(lambda o: o.partner_id.email and (not switch or o.company_id[switch]))

    def _send_mail(self, template_xmlid):
        orders = self._customer_mail_orders(template_xmlid)
        if not orders:
            # Nobody to mail: not even the template is looked up.
            return None
        return super(AfterSalesServiceOrder, orders)._send_mail(template_xmlid)

    def _quotation_for_mail(self):
        """The order's quotation as the customer's mails show it: its amount
        and the link to its page on the portal (``get_portal_url``, with its
        access token), where the customer reads, signs (or pays) and accepts
        it."""
        self.ensure_one()
        # sudo: the mail shows the customer their quotation, whoever of the
        # service staff sends it (Sales rights read only one's own quotations).
        return self.sale_order_id.sudo()
