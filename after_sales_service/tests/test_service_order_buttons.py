from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ServiceOrderCommon

WORKFLOW_FLAGS = (
    "can_confirm",
    "can_receive",
    "can_start_repair",
    "can_add_part",
    "can_done",
    "can_return",
    "can_cancel",
    "can_draft",
)


@tagged("post_install", "-at_install")
class TestServiceOrderButtons(ServiceOrderCommon):
    """The buttons show by the ``can_*`` booleans, and the actions refuse what
    those forbid: a call over XML-RPC meets the rule the view applies."""

    def _flags(self, order):
        return {flag for flag in WORKFLOW_FLAGS if order[flag]}

    def test_flags_follow_the_state_machine(self):
        order = self._order(exchange_type="none")
        self.assertEqual(self._flags(order), {"can_confirm", "can_cancel"})
        order.action_confirm()
        self.assertEqual(self._flags(order), {"can_receive", "can_cancel"})
        order.action_receive()
        self.assertEqual(self._flags(order), {"can_start_repair", "can_done", "can_cancel"})
        order.action_start_repair()
        self.assertEqual(self._flags(order), {"can_add_part", "can_done", "can_cancel"})
        self._finish_repair(order)
        self.assertEqual(order.state, "done")
        self.assertEqual(self._flags(order), {"can_return", "can_cancel"})
        self.assertTrue(order.can_claim_supplier)
        self.assertTrue(order.can_return_parts)
        self.assertFalse(order.can_invoice, "a warranty order has nothing to invoice")
        order.action_return()
        self.assertEqual(self._flags(order), set())

    def test_inspection_has_no_repair(self):
        """Start Repair is hidden for inspections, and the action refuses them."""
        order = self._order(exchange_type="none", request_type="inspection")
        order.action_confirm()
        order.action_receive()
        self.assertFalse(order.can_start_repair)
        with self.assertRaisesMessage(UserError, "request for inspection: it ends without a repair order"):
            order.action_start_repair()
        self.assertFalse(order.repair_ids)
        self.assertEqual(order.state, "received")
        order.no_fault_found = True
        order.action_done()
        self.assertEqual(order.state, "done")

    def test_refused_actions_change_nothing(self):
        order = self._order(exchange_type="none")
        for action, message in (
            ("action_receive", "Receiving is not possible .* in state Draft"),
            ("action_done", "Finishing is not possible .* in state Draft"),
            ("action_return", "Returning the unit is not possible .* in state Draft"),
            ("action_draft", "Resetting to draft is not possible .* in state Draft"),
            ("action_create_transport_bill", "is a draft or cancelled: there is no transport to bill"),
        ):
            with self.subTest(action=action), self.assertRaisesMessage(UserError, message):
                getattr(order, action)()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)

    def test_spare_part_only_during_the_repair(self):
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.action_receive()
        self.assertFalse(order.can_add_part)
        wizard = self.env["after_sales.add.part"].create(
            {"order_id": order.id, "product_id": self.part.id, "quantity": 1.0}
        )
        with self.assertRaisesMessage(UserError, r"Adding a spare part is not possible .* in state Received"):
            wizard.action_add()
        self.assertFalse(order.repair_ids)

    def test_supplier_claim_of_an_open_order_refused(self):
        order = self._order(exchange_type="none")
        with self.assertRaisesMessage(UserError, r"A supplier claim is not possible .* in state Draft"):
            order.action_create_supplier_claim()

    def test_warranty_order_has_nothing_to_invoice(self):
        order = self._order(exchange_type="none", request_type="inspection")
        order.action_confirm()
        order.action_receive()
        order.no_fault_found = True
        order.action_done()
        self.assertFalse(order.can_invoice)
        with self.assertRaisesMessage(UserError, r"pays nothing: there is nothing to invoice"):
            order.action_create_invoice()
