"""The customer hears of each step of their order that matters to them, by a
mail from the order's chatter, unless the company switched that mail off:
confirmed (how the unit comes in), received, the quotation to accept on the
portal, work done, shipped back (the return tracking)."""

import base64
import re

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import file_open

from .common import ServiceOrderCommon

TEMPLATES = {
    "confirmed": "after_sales_service.mail_template_service_confirmed",
    "received": "after_sales_service.mail_template_service_received",
    "quotation": "after_sales_service.mail_template_service_quotation",
    "done": "after_sales_service.mail_template_service_done",
    "returned": "after_sales_service.mail_template_service_returned",
}
SWITCHES = {
    "confirmed": "after_sales_notify_confirmed",
    "received": "after_sales_notify_received",
    "quotation": "after_sales_notify_quotation",
    "done": "after_sales_notify_done",
    "returned": "after_sales_notify_returned",
}


class NotificationCommon(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "consumer@example.com"
        cls.warehouse.partner_id = cls.env["res.partner"].create(
            {"name": "Espresso Workshop", "street": "1 Service Street"}
        )

    def _customer_mail(self, order, step):
        """The message of ``step`` sent to the customer from ``order``'s
        chatter, found by its template's subject, and its outgoing mail."""
        template = self.env.ref(TEMPLATES[step])
        subject = template._render_field("subject", order.ids)[order.id]
        message = order.message_ids.filtered(lambda m: m.subject == subject)
        self.assertLessEqual(len(message), 1, f"one {step} mail at most")
        if message:
            self.assertIn(self.customer, message.partner_ids, "the mail goes to the customer")
            emailed = message.notification_ids.filtered(lambda n: n.notification_type == "email")
            self.assertIn(self.customer, emailed.res_partner_id, "by email")
        return message

    def _paid_order(self, name, **vals):
        lot = self._create_lots(self.product_serial, [name])
        self._deliver(self.customer, self.product_serial, lots=lot)
        self.Warranty.search([("lot_id", "=", lot.id)]).sudo()._void(reason="Test: out of warranty")
        order = self._order(lot=lot, exchange_type="none", **vals)
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self._add_part(order, 1)
        return order


@tagged("post_install", "-at_install")
class TestNotifications(NotificationCommon):
    def _lifecycle(self, order):
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self._finish_repair(order)
        self.assertEqual(order.state, "done")
        order.return_carrier_reference = "DHL 0042 1337"
        order.action_return()

    def test_each_step_mails_the_customer(self):
        order = self._order(exchange_type="none")
        self._lifecycle(order)
        for step in ("confirmed", "received", "done", "returned"):
            with self.subTest(step=step):
                self.assertTrue(self._customer_mail(order, step), f"the customer is told: {step}")
        self.assertIn("DHL 0042 1337", self._customer_mail(order, "returned").body)
        self.assertIn("is done", self._customer_mail(order, "done").body)

    def test_switched_off_steps_send_nothing(self):
        self.company.write(dict.fromkeys([*SWITCHES.values(), "after_sales_notify_rating"], False))
        order = self._order(exchange_type="none")
        self._lifecycle(order)
        for step in ("confirmed", "received", "done", "returned"):
            with self.subTest(step=step):
                self.assertFalse(self._customer_mail(order, step), f"no mail: {step}")
        notified = order.message_ids.notification_ids.res_partner_id
        self.assertNotIn(self.customer, notified, "the customer heard nothing")

    def test_query_count_of_the_mails(self):
        """TestServiceOrderQueries' lifecycle of one order, its customer
        mailed at each step: confirmed, received, done, shipped back and the
        satisfaction survey. The five mails cost 329 queries over the 200 of
        the lifecycle without mails, about 65 each: Odoo's composer renders
        the template (subject, body, recipients, language), posts the
        message, notifies the customer, and creates and sends the mail (at
        once in tests, after the commit on a server; the survey is queued)."""
        lot = self._create_lots(self.product_serial, ["QC-MAILS"])
        self._deliver(self.customer, self.product_serial, lots=lot)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=529):
            order = self.Order.create(
                {
                    "partner_id": self.customer.id,
                    "product_id": self.product_serial.id,
                    "lot_id": lot.id,
                    "exchange_type": "none",
                    "defect_code_id": self.env.ref("after_sales_service.defect_code_power").id,
                    "defect_cause_id": self.env.ref("after_sales_service.defect_cause_manufacturing").id,
                }
            )
            order.action_confirm()
            order.action_receive()
            order.action_start_repair()
            order.repair_ids.action_repair_end()
            order.action_return()
            self.env.flush_all()
        self.assertEqual(len(order.message_ids.filtered(lambda m: self.customer in m.partner_ids)), 5)

    def test_one_step_off_leaves_the_others_on(self):
        self.company.after_sales_notify_received = False
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.action_receive()
        self.assertTrue(self._customer_mail(order, "confirmed"))
        self.assertFalse(self._customer_mail(order, "received"))

    def test_confirmed_mail_gives_the_drop_off_address(self):
        order = self._order(exchange_type="none", transport_mode="dropoff")
        order.action_confirm()
        body = self._customer_mail(order, "confirmed").body
        for text in ("Please bring the unit", "Espresso Workshop", "1 Service Street", order.name):
            self.assertIn(text, body)
        self.assertNotIn("courier", body)

    def test_confirmed_mail_gives_the_pick_up(self):
        order = self._order(
            exchange_type="none",
            transport_mode="courier",
            carrier_reference="UPS 1Z999",
            date_pickup=fields.Date.to_date("2031-03-14"),
        )
        order.action_confirm()
        body = self._customer_mail(order, "confirmed").body
        for text in ("picks the unit up", "03/14/2031", "UPS 1Z999"):
            self.assertIn(text, body)
        self.assertNotIn("Please bring the unit", body)
        order.action_cancel()
        order.action_draft()
        order.date_pickup = False
        order.action_confirm()
        messages = order.message_ids.filtered(lambda m: "will contact you" in m.body)
        self.assertEqual(len(messages), 1, "no date yet: the courier contacts the customer")

    def test_customer_without_email_gets_nothing(self):
        self.customer.email = False
        order = self._order(exchange_type="none")
        order.action_confirm()
        self.assertFalse(order.message_ids.filtered(lambda m: self.customer in m.partner_ids))

    def test_send_quotation_mails_the_portal_link(self):
        order = self._paid_order("NOTIFY-PAID")
        sale = order.sale_order_id
        self.assertTrue(order.with_user(self.user).action_send_quotation())
        message = self._customer_mail(order, "quotation")
        self.assertTrue(message)
        self.assertIn(f"/my/orders/{sale.id}?access_token={sale.access_token}", message.body)
        self.assertIn(sale.name, message.body)
        self.assertEqual(sale.state, "sent", "the quotation is marked sent, as Sales does")
        # The work done mail reminds the customer of the quotation still to accept.
        self._finish_repair(order)
        self.assertIn(f"/my/orders/{sale.id}?access_token=", self._customer_mail(order, "done").body)

    def test_send_quotation_switched_off_opens_the_sales_mail(self):
        self.company.after_sales_notify_quotation = False
        order = self._paid_order("NOTIFY-PAID-OFF")
        action = order.action_send_quotation()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(action["context"]["default_res_ids"], order.sale_order_id.ids)
        self.assertFalse(self._customer_mail(order, "quotation"))
        self.assertEqual(order.sale_order_id.state, "draft")

    def test_send_quotation_needs_an_address_and_a_quotation(self):
        order = self._paid_order("NOTIFY-NO-MAIL")
        with self.assertRaisesMessage(AccessError, "not allowed"):
            order.with_user(self.accountant).action_send_quotation()
        self.customer.email = False
        with self.assertRaisesMessage(UserError, "has no email address"):
            order.action_send_quotation()
        warranty_order = self._order(exchange_type="none")
        with self.assertRaisesMessage(UserError, "Sending the quotation is not possible"):
            warranty_order.action_send_quotation()


@tagged("post_install", "-at_install")
class TestQuotationPortal(HttpCase, NotificationCommon):
    """The link of the quotation mail opens Sales' portal page of the
    order's quotation, where the customer accepts it (signs it) online."""

    def test_customer_accepts_the_quotation_online(self):
        # Sales' settings: quotations are signed online, not paid.
        self.company.write({"portal_confirmation_sign": True, "portal_confirmation_pay": False})
        order = self._paid_order("NOTIFY-PORTAL")
        order.action_send_quotation()
        sale = order.sale_order_id
        link = re.search(r'href="([^"]*/my/orders/[^"]*)"', self._customer_mail(order, "quotation").body)
        self.assertTrue(link, "the mail links the quotation's portal page")
        url = link.group(1).replace("&amp;", "&")
        self.assertTrue(url.startswith(sale.get_base_url()))
        self.env.flush_all()

        page = self.url_open(url[len(sale.get_base_url()) :])
        self.assertEqual(page.status_code, 200)
        self.assertIn(sale.name, page.text)
        self.assertIn('id="modalaccept"', page.text, "the page offers to sign and accept")

        with file_open("web/static/img/logo.png", "rb") as logo:
            signature = base64.b64encode(logo.read()).decode()
        result = self.make_jsonrpc_request(
            f"/my/orders/{sale.id}/accept",
            {"access_token": sale.access_token, "name": "Consumer Customer", "signature": signature},
        )
        self.assertNotIn("error", result, result)
        self.assertEqual(sale.state, "sale")
        self.assertEqual(order.sale_state, "sale", "the order sees its quotation accepted")
        self.assertFalse(order.can_approve_quotation)

    def test_wrong_token_opens_nothing(self):
        order = self._paid_order("NOTIFY-PORTAL-BAD")
        sale = order.sale_order_id
        self.env.flush_all()
        page = self.url_open(f"/my/orders/{sale.id}?access_token=not-the-token", allow_redirects=False)
        self.assertNotEqual(page.status_code, 200)
        result = self.make_jsonrpc_request(
            f"/my/orders/{sale.id}/accept",
            {"access_token": "not-the-token", "name": "X", "signature": "eA=="},
        )
        self.assertIn("error", result)
        self.assertEqual(sale.state, "draft")
