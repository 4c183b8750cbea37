import ast
import io
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from .common import ServiceAccountingCommon, ServiceOrderCommon
from .test_api_bad_input import LEAKS


class ExpertiseMixin:
    """An independent laboratory and the expertises sent to it."""

    @classmethod
    def _setup_laboratory(cls):
        cls.Expertise = cls.env["after_sales.expertise"]
        cls.laboratory = cls.env["res.partner"].create(
            {"name": "Independent Test Lab", "is_company": True, "city": "Labtown"}
        )
        cls.today = fields.Date.context_today(cls.Expertise)

    def _expertise(self, order, **vals):
        return self.Expertise.create(
            {
                "order_id": order.id,
                "expert_id": self.laboratory.id,
                "date_due": self.today + timedelta(days=21),
                **vals,
            }
        )

    def _record_result(self, expertise, verdict, note=False):
        expertise.write({"verdict": verdict, "date_result": self.today, "verdict_note": note})
        expertise.action_done()

    def _notes(self, record):
        """The record's chatter, one text."""
        return " ".join(record.message_ids.mapped("body"))


@tagged("post_install", "-at_install")
class TestExpertise(ExpertiseMixin, ServiceOrderCommon):
    """An independent examination when a customer disputes: the unit (or a
    part of it) goes to a laboratory and back as the customer's, the verdict
    decides on the order, managers only switch it to paid or void the
    registration, and the customer gets a letter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_laboratory()
        cls.cause_misuse = cls.env.ref("after_sales_service.defect_cause_misuse")
        cls.cause_mfg = cls.env.ref("after_sales_service.defect_cause_manufacturing")

    def _received(self, cause=None, lot=None):
        order = self._order(lot=lot, exchange_type="none", defect_cause_id=(cause or self.cause_misuse).id)
        order.action_confirm()
        order.action_receive()
        return order

    def _sent(self, order=None, **vals):
        expertise = self._expertise(order or self._received(), **vals)
        expertise.action_send()
        return expertise

    # Transfers and stock -------------------------------------------------------

    def test_send_ships_the_unit_to_the_laboratory_and_back(self):
        order = self._received()
        unit = self.product_serial
        layers = self.env["stock.valuation.layer"].search_count([("product_id", "=", unit.id)])
        on_hand = unit.with_context(warehouse_id=self.warehouse.id).qty_available
        expertise = self._expertise(order)
        self.assertEqual(expertise.name[:4], "EXP/")
        self.assertEqual(
            (expertise.partner_id, expertise.product_id, expertise.lot_id, expertise.company_id),
            (self.customer, unit, self.unit_lot, self.company),
        )

        expertise.action_send()
        self.assertEqual((expertise.state, expertise.date_sent), ("sent", self.today))
        self.assertEqual(expertise.sample_location, "laboratory")
        out, back = expertise.out_picking_id, expertise.return_picking_id
        laboratory_location = self.laboratory.property_stock_customer
        self.assertEqual(out.state, "done")
        self.assertEqual(out.picking_type_id, self.warehouse.service_out_type_id)
        self.assertEqual(out.partner_id, self.laboratory)
        self.assertEqual(
            (out.move_line_ids.location_id, out.move_line_ids.location_dest_id),
            (self.service_location, laboratory_location),
        )
        self.assertEqual(out.move_line_ids.lot_id, self.unit_lot)
        self.assertEqual(out.move_line_ids.owner_id, self.customer, "the unit stays the customer's")
        self.assertEqual(back.state, "assigned", "the way back waits, ready")
        self.assertEqual(back.picking_type_id, self.warehouse.service_in_type_id)
        self.assertEqual(
            (back.location_id, back.location_dest_id), (laboratory_location, self.service_location)
        )
        # Listed with the order's transfers.
        self.assertEqual(order.picking_ids, order.receipt_picking_id | out | back)
        self.assertEqual(order.picking_count, 3)
        self.assertEqual(expertise.picking_count, 2)
        self.assertEqual(
            self.env["stock.picking"].search(order.action_view_pickings()["domain"]), order.picking_ids
        )
        self.assertEqual(self._quantity(self.unit_lot, self.service_location), 0.0)
        self.assertIn(
            f"Unit UNIT-1 sent to Independent Test Lab for an independent examination ({expertise.name})",
            self._notes(order),
        )

        # The order cannot end while its unit is at the laboratory.
        with self.assertRaisesMessage(
            UserError, r"is at Independent Test Lab .* before the order is cancelled"
        ):
            order.action_cancel()
        self.assertEqual(order.state, "received")

        expertise.action_receive_back()
        self.assertEqual(back.state, "done")
        self.assertEqual(expertise.sample_location, "back")
        self.assertFalse(expertise.can_receive_back)
        self.assertEqual(self._quantity(self.unit_lot, self.service_location, owner=self.customer), 1.0)
        # Never company stock: no quantity on hand and no valuation moved.
        unit.invalidate_recordset()
        self.assertEqual(unit.with_context(warehouse_id=self.warehouse.id).qty_available, on_hand)
        self.assertEqual(
            self.env["stock.valuation.layer"].search_count([("product_id", "=", unit.id)]), layers
        )

    def test_return_validated_in_inventory(self):
        expertise = self._sent()
        expertise.return_picking_id._after_sales_validate()
        self.assertEqual(expertise.sample_location, "back")
        self.assertFalse(expertise.can_receive_back)
        # The order goes on: the unit is back in the workshop.
        expertise.order_id.no_fault_found = True
        expertise.order_id.action_cause_goodwill()
        expertise.order_id.action_done()
        expertise.order_id.action_return()
        self.assertEqual(expertise.order_id.state, "returned")

    def test_sample_part_leaves_company_stock_alone(self):
        part_stock = self.part.with_context(warehouse_id=self.warehouse.id).qty_available
        expertise = self._sent(sample="part", sample_product_id=self.part.id)
        self.assertEqual(expertise.out_picking_id.move_ids.product_id, self.part)
        self.assertEqual(expertise.out_picking_id.move_line_ids.owner_id, self.customer)
        # The unit itself stays in the workshop.
        self.assertEqual(self._quantity(self.unit_lot, self.service_location, owner=self.customer), 1.0)
        expertise.action_receive_back()
        self.part.invalidate_recordset()
        self.assertEqual(self.part.with_context(warehouse_id=self.warehouse.id).qty_available, part_stock)
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.part.id), ("location_id", "=", self.service_location.id)]
        )
        self.assertEqual(sum(quants.mapped("quantity")), 0.0)
        self.assertIn("Part Pump of UNIT-1 sent to Independent Test Lab", self._notes(expertise.order_id))

    # Verdicts ----------------------------------------------------------------

    def test_manufacturing_defect_confirms_the_warranty(self):
        order = self._received(cause=self.cause_misuse)
        self.assertTrue(order.needs_cause_decision)
        expertise = self._sent(order)
        self._record_result(expertise, "manufacturing_defect", "Seal material out of specification.")
        self.assertEqual(expertise.state, "done")
        self.assertEqual(order.defect_cause_id.cause_type, "manufacturing")
        self.assertTrue(order.defect_cause_id.company_liable)
        self.assertFalse(order.needs_cause_decision)
        self.assertEqual(order.coverage, "warranty")
        note = self._notes(order)
        self.assertIn("Manufacturing Defect", note)
        self.assertIn("The warranty covers the failure", note)
        self.assertIn("Seal material out of specification", note)
        self.assertFalse(expertise.can_charge_customer or expertise.can_void_warranty)
        with self.assertRaisesMessage(UserError, "Voiding the warranty is not possible"):
            expertise.with_user(self.manager).action_void_warranty()

    def test_misuse_customer_pays_by_manager_only(self):
        order = self._received(cause=self.cause_mfg)
        expertise = self._sent(order)
        self._record_result(expertise, "misuse", "Never descaled.")
        # The verdict is the order's cause now, and waits for a manager.
        self.assertFalse(order.defect_cause_id.company_liable)
        self.assertTrue(order.needs_cause_decision)
        self.assertTrue(expertise.can_charge_customer)
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers decide who pays"):
            expertise.with_user(self.user).action_charge_customer()
        self.assertEqual(order.coverage, "warranty")
        expertise.with_user(self.manager).action_charge_customer()
        self.assertEqual((order.coverage, order.cause_decision), ("paid", "paid"))
        self.assertIn(self.customer, order.message_ids.partner_ids, "the customer is told why")
        self.assertEqual(self.warranty.state, "active", "paying does not void the registration")
        with self.assertRaisesMessage(UserError, "Charging the customer is not possible"):
            expertise.with_user(self.manager).action_charge_customer()

    def test_misuse_voids_the_registration_with_the_verdict(self):
        order = self._received(cause=self.cause_misuse)
        expertise = self._sent(order)
        self._record_result(expertise, "misuse", "Opened and modified by the customer.")
        for user in (self.user, self.accountant):
            with self.assertRaisesMessage(AccessError, "Only After-Sales managers can void"):
                expertise.with_user(user).action_void_warranty()
        self.assertEqual(self.warranty.state, "active")
        expertise.with_user(self.manager).action_void_warranty()
        self.assertEqual(self.warranty.state, "void")
        self.assertIn(expertise.name, self.warranty.void_reason)
        self.assertIn("Misuse", self.warranty.void_reason)
        self.assertIn("Opened and modified by the customer.", self.warranty.void_reason)
        # A void registration covers nothing: the open order became paid work.
        self.assertEqual(order.coverage, "paid")
        self.assertFalse(expertise.can_void_warranty)

    def test_inconclusive_leaves_the_cause(self):
        order = self._received(cause=self.cause_misuse)
        expertise = self._sent(order)
        self._record_result(expertise, "inconclusive")
        self.assertEqual(order.defect_cause_id, self.cause_misuse)
        self.assertIn("Inconclusive", self._notes(order))
        self.assertFalse(expertise.can_charge_customer, "not a misuse verdict")

    # Letter ------------------------------------------------------------------

    def test_letter_renders_and_is_mailed(self):
        self.customer.email = "customer@example.com"
        expertise = self._sent()
        Report = self.env["ir.actions.report"]
        html = Report._render_qweb_html("after_sales_service.report_expertise_letter", expertise.ids)[0]
        html = html.decode()
        for text in ("Sample Sent for Examination", "UNIT-1", "Independent Test Lab", "What happens next"):
            self.assertIn(text, html)
        self.assertIn(fields.Date.to_string(expertise.date_due)[:4], html)
        # A company without a layout is asked to choose one first.
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        action = expertise.action_print_letter()
        self.assertEqual(action["report_name"], "after_sales_service.report_expertise_letter")

        action = expertise.action_send_letter()
        composer = Form(self.env[action["res_model"]].with_context(**action["context"])).save()
        composer.action_send_mail()
        message = expertise.message_ids[0]
        self.assertIn(self.customer, message.partner_ids)
        # A PDF on a real server; the test run renders reports as HTML.
        self.assertTrue(
            message.attachment_ids.name.startswith(f"Sample Sent for Examination - {expertise.name}.")
        )

    def test_letter_renders_to_pdf(self):
        # wkhtmltopdf loads the stylesheets from report.url: a closed port
        # renders the bare document at once (see test_warranty_report).
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        expertise = self._sent()
        report = self.env.ref("after_sales_service.action_report_expertise_letter")
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, expertise.ids
        )
        self.assertEqual(kind, "pdf")
        pages = PdfFileReader(io.BytesIO(pdf)).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        self.assertIn("UNIT-1", text)
        self.assertIn("Independent Test Lab", text)
        self.assertIn(expertise.name, text)

    # The order's side and the lists ------------------------------------------

    def test_order_buttons_and_overdue(self):
        order = self._received()
        self.assertTrue(order.can_send_expertise)
        action = order.action_send_to_expertise()
        self.assertEqual(action["context"], {"default_order_id": order.id})
        expertise = self._sent(order, date_due=self.today + timedelta(days=3))
        self.assertEqual(order.expertise_count, 1)
        self.assertEqual(order.action_view_expertises()["res_id"], expertise.id)
        overdue = [("is_overdue", "=", True)]
        self.assertFalse(self.Expertise.search(overdue))
        with freeze_time(self.today + timedelta(days=10)):
            self.assertEqual(self.Expertise.search(overdue), expertise)
            self.assertTrue(expertise.is_overdue)
            self.assertNotIn(expertise, self.Expertise.search([("is_overdue", "!=", True)]))
        self._record_result(expertise, "no_fault")
        self.assertEqual(self.Expertise.search([("verdict", "=", "no_fault")]), expertise)

    def test_cancelling_the_order_cancels_draft_expertises(self):
        order = self._received()
        expertise = self._expertise(order)
        order.action_cancel()
        self.assertEqual(expertise.state, "cancel")
        # A draft order's expertise keeps the order: deleting it is refused.
        draft = self._order(lot=self._create_lots(self.product_serial, ["EXP-DRAFT"]), exchange_type="none")
        self._expertise(draft)
        draft.action_cancel()
        with self.assertRaisesMessage(UserError, "has expertises: cancel it and keep it"):
            draft.with_user(self.manager).unlink()
        self.assertTrue(draft.exists())

    # Bad input ---------------------------------------------------------------

    def _snapshot(self, expertise):
        env = self.env(su=True)
        expertise = expertise.sudo()
        return {
            "expertise": (
                expertise.state,
                expertise.date_sent,
                expertise.verdict,
                expertise.out_picking_id.id,
                expertise.return_picking_id.id,
            ),
            "order": (
                expertise.order_id.state,
                expertise.order_id.coverage,
                expertise.order_id.defect_cause_id.id,
            ),
            "warranty": self.warranty.sudo().registration_state,
            "transfers": sorted(env["stock.picking"].search([]).mapped(lambda p: (p.id, p.state))),
            "quants": sorted(env["stock.quant"].search([]).mapped(lambda q: (q.id, q.quantity))),
        }

    def _assert_refused(self, expertise, call, exception, regex):
        before = self._snapshot(expertise)
        with self.assertRaisesMessage(exception, regex) as caught:
            call()
        self.assertNotRegex(str(caught.exception), LEAKS)
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(expertise), before, "a refused action changes nothing")

    def test_bad_input_before_sending(self):
        order = self._received()
        draft = self._expertise(order, expert_id=False, date_due=False).with_user(self.user)
        cases = [
            (
                lambda: draft.action_send(),
                UserError,
                "Fill in the laboratory and the expected result date of",
            ),
            (
                lambda: draft.action_done(),
                UserError,
                "Recording the result is not possible for .* in state Draft",
            ),
            (lambda: draft.action_receive_back(), UserError, "Receiving the sample back is not possible"),
            (lambda: draft.action_print_letter(), UserError, "went to no laboratory"),
            (lambda: draft.action_send_letter(), UserError, "went to no laboratory"),
            (lambda: draft.action_create_bill(), UserError, "is not sent or is cancelled"),
            (lambda: draft.write({"state": "done"}), UserError, "change through its buttons only"),
            (lambda: draft.write({"date_sent": self.today}), UserError, "change through its buttons only"),
            (
                lambda: self.Expertise.with_user(self.user).create({"order_id": order.id, "state": "sent"}),
                UserError,
                "change through its buttons only",
            ),
        ]
        for call, exception, regex in cases:
            with self.subTest(regex=regex):
                self._assert_refused(draft, call, exception, regex)

        draft.write({"expert_id": self.laboratory.id, "date_due": self.today - timedelta(days=1)})
        self._assert_refused(draft, draft.action_send, UserError, r"expected result date .* has passed")
        draft.write({"date_due": self.today + timedelta(days=7), "sample": "part"})
        self._assert_refused(draft, draft.action_send, UserError, "Fill in the sample part of")
        tracked = self.product_serial
        with self.assertRaisesMessage(ValidationError, "is tracked by lots or serial numbers"):
            draft.write({"sample_product_id": tracked.id})

        # A unit not in the workshop goes nowhere.
        confirmed = self._order(
            lot=self._create_lots(self.product_serial, ["EXP-CONF"]), exchange_type="none"
        )
        confirmed.action_confirm()
        not_received = self._expertise(confirmed).with_user(self.user)
        self._assert_refused(
            not_received, not_received.action_send, UserError, "is not waiting in the workshop"
        )
        self._assert_refused(
            not_received,
            confirmed.with_user(self.user).action_send_to_expertise,
            UserError,
            "Sending to an expertise is not possible for .* in state Confirmed",
        )

    def test_bad_input_once_sent(self):
        other = self._received(lot=self._create_lots(self.product_serial, ["EXP-OTHER"]))
        expertise = self._sent().with_user(self.user)
        cases = [
            (expertise.action_send, UserError, "Sending to the laboratory is not possible .* in state Sent"),
            (expertise.action_done, UserError, "Record the verdict and the result date of"),
            (expertise.action_cancel, UserError, "is still at the laboratory: receive it back"),
            (
                lambda: expertise.write({"expert_id": self.customer.id}),
                UserError,
                "Laboratory of .* are fixed once the sample left",
            ),
            (
                lambda: expertise.write({"order_id": other.id}),
                UserError,
                "fixed once the sample left",
            ),
            (lambda: expertise.with_user(self.manager).action_charge_customer(), UserError, "not possible"),
            (
                lambda: expertise.with_user(self.manager).unlink(),
                UserError,
                "has transfers or bills: cancel it and keep it",
            ),
            (
                lambda: expertise.write({"date_result": self.today - timedelta(days=1)}),
                ValidationError,
                "the result date .* lies before the sending date",
            ),
        ]
        for call, exception, regex in cases:
            with self.subTest(regex=regex):
                self._assert_refused(expertise, call, exception, regex)

        self._record_result(expertise.sudo(), "misuse")
        for call, exception, regex in [
            (
                lambda: expertise.write({"verdict": "no_fault"}),
                UserError,
                "fixed once the result is recorded",
            ),
            (expertise.action_done, UserError, "Recording the result is not possible .* in state Done"),
            (expertise.action_cancel, UserError, "Cancelling is not possible .* in state Done"),
        ]:
            with self.subTest(regex=regex):
                self._assert_refused(expertise, call, exception, regex)
        # The sample comes back after the verdict too.
        expertise.action_receive_back()
        self._assert_refused(
            expertise, expertise.action_cancel, UserError, "Cancelling is not possible .* Done"
        )

    def test_cancel_after_the_sample_is_back_without_result(self):
        expertise = self._sent(cost=50.0)
        self.assertEqual(expertise.order_id.expertise_cost, 50.0)
        expertise.action_receive_back()
        expertise.action_cancel()
        self.assertEqual(expertise.state, "cancel")
        self.assertEqual(expertise.order_id.expertise_cost, 0.0)

    # Access ------------------------------------------------------------------

    def test_access_by_role(self):
        order = self._received()
        expertise = self.Expertise.with_user(self.user).create(
            {
                "order_id": order.id,
                "expert_id": self.laboratory.id,
                "date_due": self.today + timedelta(days=9),
            }
        )
        expertise.verdict_note = "Sample packed in the original box."
        expertise.action_send()
        self.assertEqual(expertise.state, "sent")
        with self.assertRaisesMessage(AccessError, "not allowed to delete"):
            self._expertise(order).with_user(self.user).unlink()
        self._expertise(order).with_user(self.manager).unlink()

        as_accountant = expertise.with_user(self.accountant)
        self.assertEqual(as_accountant.read(["state", "cost"])[0]["state"], "sent")
        with self.assertRaisesMessage(AccessError, "not allowed to modify"):
            as_accountant.write({"verdict_note": "x"})
        with self.assertRaisesMessage(AccessError, "not allowed to modify"):
            as_accountant.action_receive_back()
        with self.assertRaisesMessage(AccessError, "not allowed to create"):
            self.Expertise.with_user(self.accountant).create({"order_id": order.id})
        with self.assertRaisesMessage(AccessError, "not allowed to access"):
            expertise.with_user(self.stock_user).read(["state"])

        other_company = self.env["res.company"].create({"name": "Other Lab Company"})
        stranger = new_test_user(
            self.env,
            login="exp_stranger",
            groups="base.group_user,after_sales_service.group_after_sales_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.assertFalse(self.Expertise.with_user(stranger).search([("id", "=", expertise.id)]))
        with self.assertRaisesMessage(AccessError, "doesn't have 'read' access"):
            expertise.with_user(stranger).read(["state"])


@tagged("post_install", "-at_install")
class TestExpertiseAccounting(ExpertiseMixin, ServiceAccountingCommon):
    """The laboratory's bill is the expertise's cost, one of the order's costs
    on the transport-and-expense side: the company bears it under warranty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_laboratory()

    def _received(self, lot, **vals):
        order = self._order(lot, **vals)
        order.action_confirm()
        order.action_receive()
        return order

    def _bill(self, expertise, price):
        action = expertise.action_create_bill()
        with Form(self.env["account.move"].with_context(**action["context"])) as bill_form:
            bill_form.invoice_date = fields.Date.today()
            with bill_form.invoice_line_ids.edit(0) as line:
                line.price_unit = price
                line.tax_ids.clear()
        return bill_form.save()

    def test_expert_bill_joins_the_order_costs(self):
        plan = self.env["account.analytic.plan"].create({"name": "Service"})
        analytic = self.env["account.analytic.account"].create({"name": "Disputes", "plan_id": plan.id})
        order = self._received(self._unit("EXP-ACC-1"), analytic_distribution={str(analytic.id): 100})
        order.transport_cost = 30.0  # the courier's estimate
        expertise = self._expertise(order, cost=100.0)
        expertise.action_send()
        self.assertEqual(order.expertise_cost, 100.0, "the estimate until the bill")
        self.assertEqual(order.total_cost, 130.0)

        bill = self._bill(expertise, 120.0)
        self.assertEqual((bill.partner_id, bill.ref), (self.laboratory, expertise.name))
        self.assertEqual(bill.after_sales_expertise_id, expertise)
        self.assertEqual(bill.after_sales_order_id, order)
        self.assertEqual(expertise.bill_id, bill)
        self.assertIn(expertise.name, bill.invoice_line_ids.name)
        transport = self.company.after_sales_transport_expense_account_id
        self.assertEqual(bill.invoice_line_ids.account_id, transport)
        self.assertEqual(bill.invoice_line_ids.analytic_distribution, {str(analytic.id): 100})
        self.assertFalse(expertise.can_bill)
        with self.assertRaisesMessage(UserError, "has its bill"):
            expertise.action_create_bill()
        bill.action_post()
        self.assertEqual(expertise.cost, 120.0)
        self.assertEqual(order.expertise_cost, 120.0)
        self.assertEqual(order.transport_cost, 30.0, "the laboratory's bill is no transport")
        self.assertEqual(order.total_cost, 150.0)
        self.assertIn(bill, order.bill_ids)
        self.assertIn(bill, order.account_move_ids)

        # The journal items: the company bears the examination under warranty.
        items = bill.line_ids.filtered(lambda line: line.account_id == transport)
        self.assertEqual(items.balance, 120.0)
        self.assertEqual(items.after_sales_order_id, order)
        self.assertEqual(items.after_sales_coverage, "warranty")
        self.assertEqual(items.analytic_distribution, {str(analytic.id): 100})
        self.assertEqual(self._balance(transport, order), 120.0)
        # In the service costs analysis.
        analysis = self.env.ref("after_sales_service.after_sales_cost_action")
        domain = [*ast.literal_eval(analysis.domain), ("after_sales_order_id", "=", order.id)]
        self.assertIn(items, self.env["account.move.line"].search(domain))

        # A courier's bill is transport, the examination stays the expertise's.
        courier = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.customer.id,
                "invoice_date": fields.Date.today(),
                "after_sales_order_id": order.id,
                "invoice_line_ids": [Command.create({"name": "Courier", "price_unit": 35.0, "tax_ids": []})],
            }
        )
        courier.action_post()
        self.assertEqual((order.transport_cost, order.expertise_cost, order.total_cost), (35.0, 120.0, 155.0))
        self.assertEqual(self._balance(transport, order), 155.0)

        # The bill belongs to the expertise's order, and stays with it.
        other = self._order(self._unit("EXP-ACC-2"))
        with self.assertRaisesMessage(UserError, "to a service order while it is a draft"):
            bill.after_sales_order_id = other
        self.assertEqual(bill.after_sales_order_id, order)

        # Finishing the order posts its cost entry; the examination is not in it twice.
        order.no_fault_found = True
        order.action_done()
        self.assertEqual(self._balance(transport, order), 155.0)

    def test_expert_bill_on_a_paid_order(self):
        order = self._received(self._unit("EXP-ACC-3", covered=False))
        self.assertEqual(order.coverage, "paid")
        expertise = self._expertise(order)
        expertise.action_send()
        bill = self._bill(expertise, 90.0)
        self.assertNotEqual(
            bill.invoice_line_ids.account_id, self.company.after_sales_transport_expense_account_id
        )
        bill.action_post()
        self.assertEqual(order.expertise_cost, 90.0)
        self.assertEqual(order.total_cost, 90.0)

    def test_bill_refused_for_another_order_or_an_invoice(self):
        order = self._received(self._unit("EXP-ACC-4"))
        expertise = self._expertise(order)
        expertise.action_send()
        other = self._order(self._unit("EXP-ACC-5"))
        bill = self.env["account.move"].create(
            {"move_type": "in_invoice", "partner_id": self.laboratory.id, "after_sales_order_id": other.id}
        )
        bill.after_sales_expertise_id = expertise
        self.assertEqual(bill.after_sales_order_id, order, "the bill follows the expertise's order")
        with self.assertRaisesMessage(ValidationError, "belongs to its service order"):
            bill.write({"after_sales_order_id": other.id})
        with self.assertRaisesMessage(ValidationError, "Only a vendor bill or refund belongs to expertise"):
            self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "after_sales_expertise_id": expertise.id,
                }
            )

    def test_accountant_bills_the_examination(self):
        order = self._received(self._unit("EXP-ACC-6"))
        expertise = self._expertise(order)
        expertise.action_send()
        action = expertise.with_user(self.accountant).action_create_bill()
        bill = (
            self.env["account.move"]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create({"invoice_date": fields.Date.today()})
        )
        bill.invoice_line_ids.write({"price_unit": 75.0, "tax_ids": [Command.clear()]})
        bill.action_post()
        self.assertEqual(expertise.cost, 75.0)
        with self.assertRaisesMessage(AccessError, "not allowed to create"):
            self.env["account.move"].with_user(self.technician).create(
                {"move_type": "in_invoice", "after_sales_expertise_id": expertise.id}
            )
