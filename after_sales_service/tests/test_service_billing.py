"""Money is not left unbilled: what the customer pays is on the order's
quotation from the start of the repair, approved from the order, invoiced from
the done order once, and the billable amount always is the quotation."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestServiceBilling(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env,
            login="billing_clerk",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.company._after_sales_setup_accounts()

    def _paid_order(self, name, **vals):
        lot = self._create_lots(self.product_serial, [name])
        self._deliver(self.customer, self.product_serial, lots=lot)
        self.Warranty.search([("lot_id", "=", lot.id)]).sudo()._void(reason="Test: out of warranty")
        order = self._order(lot=lot, exchange_type="none", **vals)
        self.assertEqual(order.coverage, "paid")
        order.action_confirm()
        order.action_receive()
        return order

    def _post(self, action):
        invoice = self.env["account.move"].browse(action["res_id"])
        invoice.invoice_date = fields.Date.today()
        invoice.action_post()
        return invoice

    def test_paid_repair_is_quoted_approved_and_invoiced_from_the_order(self):
        order = self._paid_order("BILL-PAID")
        order.action_start_repair()
        sale = order.sale_order_id
        self.assertTrue(sale, "the quotation exists from the start of the repair")
        self.assertEqual((sale.after_sales_order_id, sale.state), (order, "draft"))
        self.assertEqual(order.customer_amount, 0.0)
        self._add_part(order, 1)
        self.assertEqual(order.customer_amount, sale.amount_untaxed)
        self.assertEqual(order.customer_amount, 60.0)
        self._labor(order, 2.0)
        self.assertEqual(order.customer_amount, 60.0 + 2 * 80.0)
        self.assertTrue(order.can_approve_quotation)
        self.assertFalse(order.can_invoice, "not before the work is done")
        order.action_approve_quotation()
        self.assertEqual(sale.state, "sale")
        # Labor recorded after the approval is billed too.
        self._labor(order, 0.5)
        self.assertEqual(order.customer_amount, 60.0 + 2.5 * 80.0)
        order.transport_cost = 15.0
        self._finish_repair(order)
        self.assertEqual(order.state, "done")
        # The transport the customer pays joined the quotation when the work ended.
        transport = sale.order_line.filtered(lambda sl: sl.after_sales_charge == "transport")
        self.assertEqual(transport.price_subtotal, 15.0)
        self.assertEqual(order.customer_amount, 60.0 + 2.5 * 80.0 + 15.0)
        self.assertTrue(order.can_invoice)
        invoice = self._post(order.with_user(self.billing).action_create_invoice())
        self.assertEqual(invoice.amount_untaxed, order.customer_amount)
        self.assertEqual(invoice.after_sales_order_id, order)
        self.assertEqual((order.invoice_ids, order.invoice_count), (invoice, 1))
        self.assertFalse(order.can_invoice)
        with self.assertRaisesMessage(UserError, r"is invoiced: see its invoices"):
            order.action_create_invoice()
        action = order.action_view_invoices()
        self.assertEqual((action["res_model"], action["res_id"]), ("account.move", invoice.id))
        # A credit note of the invoice is one of the order's invoices too.
        credit = invoice._reverse_moves()
        self.assertEqual(order.invoice_ids, invoice | credit)

    def test_goodwill_quotation_carries_the_company_share(self):
        self.warranty.date_end = self.warranty.date_start  # long expired
        with freeze_time(self.warranty.date_start + timedelta(days=400)):
            order = self._order(exchange_type="none").with_user(self.manager)
            order.write({"coverage": "goodwill", "goodwill_share": 50.0})
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self._add_part(order, 1)
        self._labor(order, 1.0)
        sale = order.sale_order_id
        self.assertEqual(set(sale.order_line.mapped("discount")), {50.0})
        self.assertEqual(order.customer_amount, (60.0 + 80.0) / 2)
        order.action_approve_quotation()
        self._finish_repair(order)
        invoice = self._post(order.with_user(self.billing).action_create_invoice())
        self.assertEqual(invoice.amount_untaxed, 70.0)

    def test_partial_warranty_bills_the_uncovered_shares(self):
        self.term_consumer.write({"labor_coverage": 50.0, "expense_coverage": 0.0})
        order = self._order(exchange_type="none")
        self.assertEqual(order.coverage, "warranty")
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self.assertFalse(order.sale_order_id, "the warranty's parts are not sold")
        self._add_part(order, 1)
        self._labor(order, 2.0)
        order.transport_cost = 30.0
        # Labor at cost 40/h: the customer pays half of it and all the transport.
        self.assertEqual(order.customer_amount, 2 * 40.0 / 2 + 30.0)
        self._finish_repair(order)
        sale = order.sale_order_id
        self.assertEqual(sale.after_sales_order_id, order)
        charges = {line.after_sales_charge: line.price_subtotal for line in sale.order_line}
        self.assertEqual(charges, {"labor": 40.0, "transport": 30.0}, "covered parts are not quoted")
        self.assertEqual(order.customer_amount, sale.amount_untaxed)
        self.assertFalse(sale.order_line.filtered(lambda sl: sl.product_id == self.part))
        order.action_approve_quotation()
        invoice = self._post(order.action_create_invoice())
        self.assertEqual(invoice.amount_untaxed, 70.0)
        self.assertFalse(order.can_invoice)

    def test_full_warranty_quotes_nothing(self):
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self._add_part(order, 1)
        self._labor(order, 1.0)
        self._finish_repair(order)
        self.assertFalse(order.sale_order_id)
        self.assertEqual(order.customer_amount, 0.0)
        self.assertFalse(order.can_invoice or order.can_approve_quotation)
        completion = (
            self.env["ir.actions.report"]
            ._render_qweb_html("after_sales_service.report_service_completion", order.ids)[0]
            .decode()
        )
        self.assertIn("Covered by the warranty: the customer pays nothing.", completion)

    def test_paid_inspection_without_repair_bills_its_labor(self):
        order = self._paid_order("BILL-INSPECT", request_type="inspection")
        self._labor(order, 1.0)
        order.no_fault_found = True
        order.action_done()
        sale = order.sale_order_id
        self.assertEqual(sale.order_line.product_id, self.labor_product)
        self.assertEqual(order.customer_amount, 80.0)
        order.action_approve_quotation()
        invoice = self._post(order.action_create_invoice())
        self.assertEqual(invoice.amount_untaxed, 80.0)

    def test_completion_act_shows_what_the_customer_pays_not_the_cost(self):
        order = self._paid_order("BILL-ACT")
        order.action_start_repair()
        self._add_part(order, 1)
        order.action_approve_quotation()
        self._finish_repair(order)
        Report = self.env["ir.actions.report"]

        def completion():
            return Report._render_qweb_html("after_sales_service.report_service_completion", order.ids)[
                0
            ].decode()

        html = completion()
        self.assertIn(order.sale_order_id.name, html)
        self.assertNotIn("Total cost", html)
        invoice = self._post(order.action_create_invoice())
        self.assertIn(invoice.name, completion())

    def test_billing_refusals(self):
        order = self._paid_order("BILL-REFUSE")
        with self.assertRaisesMessage(UserError, r"Approving the quotation is not possible"):
            order.action_approve_quotation()
        with self.assertRaisesMessage(UserError, r"Finish .* before invoicing it"):
            order.action_create_invoice()
        order.action_start_repair()
        with self.assertRaisesMessage(AccessError, r"Approving|not allowed to modify"):
            order.with_user(self.accountant).action_approve_quotation()
        self.assertEqual(order.sale_order_id.state, "draft")
        with self.assertRaisesMessage(AccessError, r"not allowed to create 'Journal Entry'"):
            order.with_user(self.user).action_create_invoice()
        self._finish_repair(order)
        with self.assertRaisesMessage(UserError, r"Have the customer approve quotation .* before invoicing"):
            order.action_create_invoice()
        self.assertFalse(order.invoice_ids)

    def test_cancelled_order_cancels_its_quotation(self):
        order = self._paid_order("BILL-CANCEL")
        order.action_start_repair()
        self._add_part(order, 1)
        sale = order.sale_order_id
        order.action_cancel()
        self.assertEqual((order.state, sale.state), ("cancel", "cancel"))
        self.assertFalse(order.can_approve_quotation or order.can_invoice)
