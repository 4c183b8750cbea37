from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import ServiceAccountingCommon

RAW_EMAIL = """Return-Path: <{email}>
To: claims@example.com
From: {sender}
Subject: {subject}
Message-ID: <{message_id}@example.com>
Date: Fri, 27 Nov 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{body}
"""


@tagged("post_install", "-at_install")
class TestConsumerClaim(ServiceAccountingCommon):
    """Consumer claims: the deadline to answer, the manager's decision and
    its documents, the letter, the mail intake and the reminders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Claim = cls.env["after_sales.claim"]
        cls.customer.email = "consumer@example.com"
        cls.unit.list_price = 500.0
        cls.tax = cls.company_data["default_tax_sale"]
        cls.lot = cls.env["stock.lot"].create(
            {"name": "CLAIM-SN-1", "product_id": cls.unit.id, "company_id": cls.company.id}
        )
        cls.invoice = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=fields.Date.today(),
            products=cls.unit,
            taxes=cls.tax,
            post=True,
        )
        cls.desk = new_test_user(
            cls.env,
            login="claim_desk",
            groups="base.group_user,after_sales_service.group_after_sales_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.claim_manager = new_test_user(
            cls.env,
            login="claim_manager",
            groups="base.group_user,after_sales_service.group_after_sales_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def _claim(self, **vals):
        return self.Claim.with_user(self.desk).create(
            {"partner_id": self.customer.id, "lot_id": self.lot.id, "description": "It broke", **vals}
        )

    def _decide(self, claim, **vals):
        claim.with_user(self.desk).action_review()
        claim.with_user(self.claim_manager).write(vals)
        claim.with_user(self.claim_manager).action_decide()
        return claim

    # Deadlines ---------------------------------------------------------------

    def test_deadline_per_demand_in_calendar_days(self):
        received = date(2026, 11, 27)
        self.company.after_sales_claim_days_compensation = 30
        repair = self._claim(date_received=received)
        self.assertEqual(repair.product_id, self.unit)
        self.assertEqual(repair.date_deadline, received + timedelta(days=14))
        compensation = self._claim(date_received=received, demand="compensation")
        self.assertEqual(compensation.date_deadline, received + timedelta(days=30))
        compensation.demand = "refund"
        self.assertEqual(compensation.date_deadline, received + timedelta(days=14))

    def test_deadline_in_working_days(self):
        self.company.after_sales_claim_working_days = True
        self.company.resource_calendar_id.tz = "UTC"
        # Friday: 14 working days counted from Monday end on Thursday 17 December.
        claim = self._claim(date_received=date(2026, 11, 27))
        self.assertEqual(claim.date_deadline, date(2026, 12, 17))

    def test_term_response_days_take_precedence(self):
        self.term.response_days = 10
        warranty = self.env["after_sales.warranty"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.unit.id,
                "lot_id": self.lot.id,
                "date_start": fields.Date.today() - timedelta(days=30),
                "company_id": self.company.id,
            }
        )
        claim = self._claim()
        self.assertEqual(claim.warranty_id, warranty)
        self.assertEqual(claim.date_deadline, claim.date_received + timedelta(days=10))
        other = self.env["res.partner"].create({"name": "Someone else"})
        self.assertFalse(
            self._claim(partner_id=other.id).warranty_id, "only the holder's registration counts"
        )

    def test_overdue_and_reminders(self):
        late = self._claim(date_received=fields.Date.today() - timedelta(days=30))
        soon = self._claim(date_received=fields.Date.today() - timedelta(days=13))
        later = self._claim()
        self.assertTrue(late.is_overdue)
        self.assertFalse(soon.is_overdue)
        self.assertEqual(
            self.Claim.search([("is_overdue", "=", True), ("id", "in", (late | soon | later).ids)]), late
        )
        self.assertEqual(self.Claim._cron_deadline_reminders(), 2)
        for claim in late | soon:
            self.assertEqual(claim.activity_ids.user_id, self.desk)
            self.assertEqual(claim.activity_ids.date_deadline, claim.date_deadline)
        self.assertFalse(later.activity_ids)
        self.assertEqual(self.Claim._cron_deadline_reminders(), 0, "once per claim")

    # Decisions ---------------------------------------------------------------

    def test_only_managers_decide(self):
        claim = self._claim()
        claim.with_user(self.desk).action_review()
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers decide"):
            claim.with_user(self.desk).decision = "accepted"
        claim.with_user(self.claim_manager).decision = "accepted"
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers decide"):
            claim.with_user(self.desk).action_decide()
        with self.assertRaisesMessage(UserError, "change through its buttons only"):
            claim.with_user(self.claim_manager).write({"state": "decided"})
        self.assertEqual(claim.state, "in_review")

    def test_decision_needs_its_content(self):
        claim = self._claim(demand="refund")
        claim.action_review()
        with self.assertRaisesMessage(UserError, "Choose the decision"):
            claim.with_user(self.claim_manager).action_decide()
        claim.with_user(self.claim_manager).decision = "rejected"
        with self.assertRaisesMessage(UserError, "Give the reasons"):
            claim.with_user(self.claim_manager).action_decide()
        claim.with_user(self.claim_manager).write({"decision": "accepted"})
        with self.assertRaisesMessage(UserError, "Enter the amount"):
            claim.with_user(self.claim_manager).action_decide()
        claim.with_user(self.claim_manager).amount = 100.0
        with self.assertRaisesMessage(UserError, "original invoice"):
            claim.with_user(self.claim_manager).action_decide()
        claim.with_user(self.claim_manager).write({"invoice_id": self.invoice.id, "amount": 10000.0})
        with self.assertRaisesMessage(UserError, "more than invoice"):
            claim.with_user(self.claim_manager).action_decide()
        self.assertEqual((claim.state, claim.credit_note_id.id), ("in_review", False))

    def test_accepted_repair_opens_a_service_order(self):
        claim = self._decide(self._claim(), decision="accepted", decision_reason="A manufacturing defect")
        order = claim.order_id
        self.assertEqual(claim.state, "decided")
        self.assertEqual(
            (order.partner_id, order.lot_id, order.request_type, order.symptom, order.state),
            (self.customer, self.lot, "repair", "It broke", "draft"),
        )
        with self.assertRaisesMessage(UserError, "decision of CLM/\\S+ is taken"):
            claim.with_user(self.claim_manager).decision = "rejected"

    def test_accepted_replacement_opens_a_replacement_order(self):
        claim = self._decide(self._claim(demand="replacement"), decision="accepted")
        self.assertEqual(claim.order_id.request_type, "replacement")

    def test_refund_credits_the_original_invoice(self):
        claim = self._decide(
            self._claim(demand="price_reduction"),
            decision="partial",
            decision_reason="A scratch on the side: a reduction, not a refund",
            amount=115.0,
            invoice_id=self.invoice.id,
        )
        credit_note = claim.sudo().credit_note_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "draft", "an accountant posts it")
        self.assertEqual(credit_note.reversed_entry_id, self.invoice)
        self.assertEqual(credit_note.partner_id, self.customer)
        self.assertAlmostEqual(credit_note.amount_total, 115.0)
        self.assertEqual(credit_note.invoice_line_ids.tax_ids, self.tax)
        self.assertEqual(credit_note.invoice_line_ids.product_id, self.unit)
        self.assertAlmostEqual(credit_note.amount_untaxed, 115.0 / (1 + self.tax.amount / 100))
        credit_note.with_user(self.accountant).action_post()
        self.assertEqual(credit_note.state, "posted")

    def test_compensation_is_credited_on_goodwill(self):
        claim = self._decide(self._claim(demand="compensation"), decision="accepted", amount=40.0)
        credit_note = claim.sudo().credit_note_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertFalse(credit_note.reversed_entry_id)
        self.assertEqual(credit_note.amount_total, 40.0)
        self.assertEqual(
            credit_note.invoice_line_ids.account_id, self.company.after_sales_goodwill_expense_account_id
        )

    def test_rejection_creates_nothing(self):
        claim = self._decide(
            self._claim(demand="refund"), decision="rejected", decision_reason="Damage by a fall"
        )
        self.assertFalse(claim.order_id or claim.credit_note_id)

    # Answer --------------------------------------------------------------------

    def test_letter_and_answer_by_mail(self):
        claim = self._decide(
            self._claim(demand="refund"), decision="rejected", decision_reason="Damage by a fall"
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("after_sales_service.report_claim_letter", claim.ids)[0]
            .decode()
        )
        self.assertIn(claim.name, html)
        self.assertIn("We cannot accept your claim.", html)
        self.assertIn("Damage by a fall", html)
        self.assertIn("Refund", html)

        action = claim.with_user(self.desk).action_send_answer()
        composer = Form(
            self.env["mail.compose.message"].with_user(self.desk).with_context(**action["context"])
        )
        composer.save().action_send_mail()
        self.assertEqual((claim.state, claim.date_answered), ("answered", fields.Date.today()))
        answer = claim.message_ids.filtered(lambda m: m.attachment_ids)[:1]
        self.assertIn(self.customer, answer.partner_ids)
        self.assertIn("Claim Answer", answer.attachment_ids.name, "the response letter is attached")
        self.assertEqual(claim.answered_on_time, 100.0)
        claim.with_user(self.desk).action_close()
        self.assertEqual(claim.state, "closed")

    def test_answered_late_counts_as_late(self):
        claim = self._claim(date_received=fields.Date.today() - timedelta(days=20))
        self._decide(claim, decision="rejected", decision_reason="No defect found")
        claim.with_user(self.desk).action_mark_answered()
        self.assertEqual(claim.answered_on_time, 0.0)
        self.company.after_sales_notify_claim_answered = False
        other = self._decide(self._claim(), decision="rejected", decision_reason="No defect found")
        with self.assertRaisesMessage(UserError, "switched off"):
            other.with_user(self.desk).action_send_answer()

    def test_acknowledgement_mail(self):
        claim = self._claim()
        acknowledgement = claim.message_ids.filtered(lambda m: "we received your claim" in (m.subject or ""))
        self.assertEqual(len(acknowledgement), 1)
        self.assertIn(claim.date_deadline.strftime("%m/%d/%Y"), acknowledgement.body)
        self.company.after_sales_notify_claim_received = False
        quiet = self._claim()
        self.assertFalse(quiet.message_ids.filtered(lambda m: "we received your claim" in (m.subject or "")))

    # Mail intake ---------------------------------------------------------------

    def _email(self, name, email, subject, body):
        """A customer's email to the claims alias, through Odoo's mail gateway."""
        claim_id = (
            self.env["mail.thread"]
            .with_context(mail_create_nolog=True)
            .message_process(
                "after_sales.claim",
                RAW_EMAIL.format(
                    email=email, sender=f"{name} <{email}>", subject=subject, message_id=email, body=body
                ),
            )
        )
        return self.Claim.browse(claim_id)

    def test_email_opens_a_claim(self):
        claim = self._email(
            "Service customer", "consumer@example.com", "My espresso machine", "It leaks since Monday."
        )
        self.assertEqual(claim.partner_id, self.customer, "matched to the sender's partner")
        self.assertEqual((claim.channel, claim.subject), ("email", "My espresso machine"))
        self.assertIn("It leaks since Monday", claim.description)
        self.assertRegex(claim.name, r"^CLM/\d{4}/\d{5}$")
        stranger = self._email("New Customer", "new.customer@example.org", "Broken", "Broken on arrival.")
        self.assertEqual(stranger.partner_id.email, "new.customer@example.org")
        self.assertNotEqual(stranger.partner_id, self.customer)

    # Access ----------------------------------------------------------------------

    def test_access_by_role(self):
        claim = self._claim()
        self.assertEqual(claim.with_user(self.accountant).read(["name"])[0]["name"], claim.name)
        with self.assertRaisesMessage(AccessError, "not allowed to modify"):
            claim.with_user(self.accountant).description = "Changed"
        stock_user = new_test_user(
            self.env,
            login="claim_stock",
            groups="base.group_user,stock.group_stock_user",
            company_id=self.company.id,
        )
        with self.assertRaisesMessage(AccessError, "not allowed to access"):
            claim.with_user(stock_user).read(["name"])
        claim.with_user(self.desk).action_review()
        with self.assertRaisesMessage(UserError, "being handled"):
            claim.with_user(self.claim_manager).unlink()
        other_company = self.env["res.company"].create({"name": "Other claims company"})
        foreign = self.Claim.create(
            {"partner_id": self.customer.id, "company_id": other_company.id, "description": "x"}
        )
        self.assertFalse(self.Claim.with_user(self.desk).search([("id", "=", foreign.id)]))


@tagged("post_install", "-at_install")
class TestClaimDesk(HttpCase):
    """The desk registers a claim and sends the manager's answer, in Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk = new_test_user(
            cls.env,
            login="claim_tour_desk",
            password="claim_tour_desk",
            groups="base.group_user,after_sales_service.group_after_sales_user",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Claim Tour Customer", "email": "tour.customer@example.com"}
        )
        # A term that sets no response days: the company's days for the demand apply.
        term = cls.env["after_sales.warranty.term"].create(
            {"name": "Claim tour term", "duration": 24, "response_days": 0}
        )
        product = cls.env["product.product"].create(
            {
                "name": "Claim Tour Kettle",
                "is_storable": True,
                "tracking": "serial",
                "warranty_term_id": term.id,
            }
        )
        cls.lot = cls.env["stock.lot"].create({"name": "CLAIM-TOUR-1", "product_id": product.id})
        cls.env["after_sales.warranty"].create(
            {"partner_id": cls.customer.id, "product_id": product.id, "lot_id": cls.lot.id}
        )

    def test_desk_registers_and_answers(self):
        self.start_tour(
            "/odoo/action-after_sales_service.after_sales_claim_action",
            "after_sales_claim_intake",
            login="claim_tour_desk",
        )
        claim = self.env["after_sales.claim"].search([("lot_id", "=", self.lot.id)])
        self.assertEqual(
            (claim.partner_id, claim.demand, claim.state, claim.user_id),
            (self.customer, "refund", "in_review", self.desk),
        )
        self.assertEqual(claim.date_deadline, claim.date_received + timedelta(days=14))
        claim.write({"decision": "rejected", "decision_reason": "The kettle was dropped"})
        claim.action_decide()
        self.start_tour(
            f"/odoo/action-after_sales_service.after_sales_claim_action/{claim.id}",
            "after_sales_claim_answer",
            login="claim_tour_desk",
        )
        self.assertEqual(claim.state, "answered")
        self.assertEqual(claim.date_answered, fields.Date.today())
