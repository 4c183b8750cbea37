from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import ServiceOrderCommon
from .test_expertise import ExpertiseMixin


@tagged("post_install", "-at_install")
class TestClaimExpertise(ExpertiseMixin, ServiceOrderCommon):
    """A consumer claim sent to an independent expertise: the unit comes in
    under the claim's service order (an inspection opened when it has
    none), the desk sends the expertise from the workshop, and the verdict
    comes back to the claim, its responsible and its letter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_laboratory()
        cls.Claim = cls.env["after_sales.claim"]
        cls.Wizard = cls.env["after_sales.claim.expertise"]
        # Claims are handled by a responsible other than the desk.
        cls.responsible = new_test_user(
            cls.env,
            login="claim_expertise_responsible",
            groups="base.group_user,after_sales_service.group_after_sales_manager",
            company_id=cls.company.id,
        )

    def _claim(self, **vals):
        return self.Claim.with_user(self.user).create(
            {
                "partner_id": self.customer.id,
                "lot_id": self.unit_lot.id,
                "description": "Coffee comes out cold",
                "user_id": self.responsible.id,
                **vals,
            }
        )

    def _send(self, claim, user=None):
        """Send to Expertise as the desk does: the button, then its dialog."""
        user = user or self.user
        action = claim.with_user(user).action_to_expertise()
        self.assertEqual((action["res_model"], action["target"]), ("after_sales.claim.expertise", "new"))
        form = Form(self.Wizard.with_user(user).with_context(**action["context"]))
        form.expert_id = self.laboratory
        form.date_due = self.today + timedelta(days=21)
        form.save().action_send()
        return max(claim.expertise_ids, key=lambda e: e.id)

    def _receive(self, order):
        order = order.with_user(self.user)
        if order.state == "draft":
            order.exchange_type = "none"
            order.action_confirm()
        order.action_receive()

    # The flow ----------------------------------------------------------------------

    def test_claim_without_order_opens_an_inspection(self):
        claim = self._claim()
        claim.with_user(self.user).action_review()
        expertise = self._send(claim)

        self.assertEqual(claim.state, "expertise")
        order = claim.order_id
        self.assertEqual(
            (order.partner_id, order.lot_id, order.product_id, order.request_type, order.state),
            (self.customer, self.unit_lot, self.product_serial, "inspection", "draft"),
        )
        self.assertEqual(order.warranty_id, self.warranty, "the order finds the unit's registration")
        self.assertEqual(order.symptom, "Coffee comes out cold")
        self.assertEqual(
            (expertise.state, expertise.order_id, expertise.claim_id, expertise.expert_id),
            ("draft", order, claim, self.laboratory),
        )
        self.assertEqual(expertise.date_due, self.today + timedelta(days=21))
        self.assertEqual((claim.expertise_count, order.expertise_count), (1, 1))
        self.assertIn(f"Sent to independent expertise {expertise.name}", self._notes(claim))
        self.assertEqual(claim.action_view_expertises()["res_id"], expertise.id)
        self.assertFalse(claim.expertise_verdict)

        # The desk receives the unit as usual and sends the expertise from it.
        self._receive(order)
        self.assertTrue(order.can_send_expertise)
        expertise.with_user(self.user).action_send()
        self.assertEqual(expertise.sample_location, "laboratory")
        with self.assertRaisesMessage(UserError, "Consumer Claim of EXP/\\S+ are fixed once the sample left"):
            expertise.with_user(self.user).claim_id = False

        expertise.with_user(self.user).action_receive_back()
        expertise = expertise.with_user(self.user)
        self._record_result(expertise, "misuse", note="Scale in the boiler: never descaled.")
        self.assertEqual(claim.expertise_verdict, "misuse")
        self.assertEqual(claim.state, "expertise", "the responsible decides, not the verdict")
        self.assertFalse(claim.decision, "a misuse verdict pre-fills nothing")
        notes = self._notes(claim)
        self.assertIn(f"Independent expertise {expertise.name} by Independent Test Lab", notes)
        self.assertIn("Misuse", notes)
        self.assertIn("Scale in the boiler", notes)
        activity = claim.activity_ids
        self.assertEqual(activity.user_id, self.responsible)
        self.assertIn("Misuse", activity.summary)

        # The manager decides on the verdict; the letter tells it.
        claim.with_user(self.manager).write(
            {"decision": "rejected", "decision_reason": "The expertise found misuse."}
        )
        claim.with_user(self.manager).action_decide()
        self.assertEqual(claim.state, "decided")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("after_sales_service.report_claim_letter", claim.ids)[0]
            .decode()
        )
        for text in ("Independent expertise", "Independent Test Lab", expertise.name, "Misuse"):
            self.assertIn(text, html)
        self.assertNotIn("you may ask for an independent examination", html)

    def test_claim_with_a_received_order_uses_it(self):
        order = self._order(exchange_type="none", request_type="inspection")
        self._receive(order)
        claim = self._claim()
        # The claim's order, as a previous expertise of the claim left it.
        claim.sudo().order_id = order
        orders_before = self.Order.search_count([])
        expertise = self._send(claim)
        self.assertEqual(self.Order.search_count([]), orders_before, "no second order for the unit")
        self.assertEqual((claim.order_id, expertise.order_id, expertise.claim_id), (order, order, claim))
        expertise.with_user(self.user).action_send()
        expertise.with_user(self.user).action_receive_back()
        self._record_result(expertise.with_user(self.user), "manufacturing_defect")
        self.assertEqual(claim.expertise_verdict, "manufacturing_defect")
        self.assertIn("Manufacturing Defect", self._notes(order), "the order hears the verdict as well")

        # Accepted: the order that brought the unit in carries out the repair.
        claim.with_user(self.manager).write({"decision": "accepted"})
        claim.with_user(self.manager).action_decide()
        self.assertEqual(claim.order_id, order)
        self.assertEqual(order.request_type, "repair")
        self.assertTrue(order.can_start_repair)

    def test_the_units_open_order_serves(self):
        order = self._order(exchange_type="none")
        order.action_confirm()
        stranger = self.env["res.partner"].create({"name": "Second-hand buyer"})
        # Another customer's claim on the same unit does not take this order.
        other_claim = self._claim(partner_id=stranger.id)
        self._send(other_claim)
        self.assertNotEqual(other_claim.order_id, order)
        self.assertEqual(other_claim.order_id.request_type, "inspection")

        claim = self._claim()
        expertise = self._send(claim)
        self.assertEqual((claim.order_id, expertise.order_id), (order, order), "no second order for the unit")
        self.assertEqual(order.request_type, "repair", "the order keeps its request")

    def test_order_expertise_names_the_claim(self):
        claim = self._claim()
        self._send(claim)
        order = claim.order_id
        self._receive(order)
        action = order.with_user(self.user).action_send_to_expertise()
        self.assertEqual(action["context"]["default_claim_id"], claim.id)
        other = self._order(exchange_type="none", lot=self._create_lots(self.product_serial, ["OTHER-1"]))
        self._receive(other)
        self.assertNotIn("default_claim_id", other.action_send_to_expertise()["context"])

    # Cancelled ---------------------------------------------------------------------

    def test_cancelled_expertise_returns_the_claim_to_review(self):
        claim = self._claim()
        first = self._send(claim)
        order = claim.order_id
        first.with_user(self.user).action_cancel()
        self.assertEqual(claim.state, "in_review")
        self.assertIn(f"Expertise {first.name} cancelled", self._notes(claim))
        self.assertTrue(claim.can_decide and claim.can_expertise)

        # Sent again: the order still bringing the unit in serves.
        second = self._send(claim)
        self.assertEqual((claim.state, claim.order_id, second.order_id), ("expertise", order, order))
        # The order cancelled cancels its draft expertise: the claim is not stuck.
        order.with_user(self.user).action_cancel()
        self.assertEqual((second.state, claim.state), ("cancel", "in_review"))
        # Sent once more: the cancelled order is replaced by a new inspection.
        third = self._send(claim)
        self.assertNotEqual(claim.order_id, order)
        self.assertEqual(third.order_id, claim.order_id)
        self.assertEqual(claim.expertise_count, 3)

    def test_deleted_expertise_returns_the_claim_to_review(self):
        claim = self._claim()
        expertise = self._send(claim)
        name = expertise.name
        with self.assertRaisesMessage(AccessError, "not allowed to delete"):
            expertise.with_user(self.user).unlink()
        self.assertEqual(claim.state, "expertise")
        expertise.with_user(self.manager).unlink()
        self.assertEqual((claim.state, claim.expertise_count), ("in_review", 0))
        self.assertIn(f"Expertise {name} deleted", self._notes(claim))

    def test_claim_in_expertise_can_be_decided(self):
        claim = self._claim(demand="compensation")
        self._send(claim)
        self.assertTrue(claim.can_decide)
        claim.with_user(self.manager).write({"decision": "rejected", "decision_reason": "No loss shown"})
        claim.with_user(self.manager).action_decide()
        self.assertEqual(claim.state, "decided")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("after_sales_service.report_claim_letter", claim.ids)[0]
            .decode()
        )
        self.assertNotIn("Independent expertise", html, "no verdict yet")
        self.assertIn("you may ask for an independent examination", html)

    # Refusals ----------------------------------------------------------------------

    def test_claim_without_a_unit_is_refused(self):
        claim = self.Claim.with_user(self.user).create(
            {"partner_id": self.customer.id, "description": "Bad service"}
        )
        with self.assertRaisesMessage(UserError, "names no product or serial number: there is no unit"):
            claim.with_user(self.user).action_to_expertise()
        wizard = self.Wizard.with_user(self.user).create(
            {"claim_id": claim.id, "expert_id": self.laboratory.id}
        )
        with self.assertRaisesMessage(UserError, "there is no unit to examine"):
            wizard.action_send()
        wizard = self.Wizard.with_user(self.user).create(
            {
                "claim_id": self._claim().id,
                "expert_id": self.laboratory.id,
                "date_due": self.today - timedelta(days=1),
            }
        )
        with self.assertRaisesMessage(UserError, "The expected result date \\(.*\\) has passed"):
            wizard.action_send()
        self.assertEqual(wizard.claim_id.state, "new")
        claim.product_id = self.product_serial
        with self.assertRaisesMessage(UserError, "Enter the serial number of the unit"):
            claim.with_user(self.user).action_to_expertise()
        self.assertEqual((claim.state, claim.order_id.id, claim.expertise_count), ("new", False, 0))

    def test_refused_states_and_users(self):
        claim = self._claim()
        with self.assertRaisesMessage(AccessError, "not allowed to modify"):
            claim.with_user(self.accountant).action_to_expertise()
        with self.assertRaisesMessage(AccessError, "not allowed to create"):
            self.Wizard.with_user(self.accountant).create(
                {"claim_id": claim.id, "expert_id": self.laboratory.id}
            )
        self._send(claim)
        refused = "Sending to expertise is not possible for CLM/\\S+ in state"
        with self.assertRaisesMessage(UserError, refused):
            claim.with_user(self.user).action_to_expertise()
        self.assertEqual(claim.expertise_count, 1)

    def test_plain_writes_do_not_bypass_the_buttons(self):
        claim = self._claim()
        expertise = self._expertise(self._order(exchange_type="none"))
        for vals in (
            {"state": "expertise"},
            {"expertise_ids": [Command.link(expertise.id)]},
            {"order_id": expertise.order_id.id},
        ):
            refused = self.assertRaisesMessage(UserError, "change through its buttons only")
            with self.subTest(vals=vals), refused:
                claim.with_user(self.user).write(vals)
        self.assertEqual((claim.state, claim.expertise_count), ("new", 0))

        # A draft expertise names its claim; once sent it is fixed.
        expertise.with_user(self.user).claim_id = claim
        self.assertEqual(claim.expertise_ids, expertise)
        other = self._claim(lot_id=self._create_lots(self.product_serial, ["ELSE-1"]).id)
        with self.assertRaisesMessage(ValidationError, "not the unit of claim"):
            expertise.with_user(self.user).claim_id = other

    def test_readers_see_the_verdict(self):
        claim = self._claim()
        expertise = self._send(claim)
        self._receive(claim.order_id)
        expertise.action_send()
        expertise.action_receive_back()
        self._record_result(expertise, "no_fault")
        for user in (self.user, self.manager, self.accountant):
            with self.subTest(user=user.login):
                values = claim.with_user(user).read(["expertise_verdict", "expertise_count"])[0]
                self.assertEqual((values["expertise_verdict"], values["expertise_count"]), ("no_fault", 1))
                Form(claim.with_user(user))
                Form(expertise.with_user(user))
        with self.assertRaisesMessage(AccessError, "not allowed to access"):
            claim.with_user(self.stock_user).read(["expertise_verdict"])
