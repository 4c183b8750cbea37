from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ServiceOrderCommon

BUTTONS_ONLY = "change through its buttons only"
FIXED = "fixed once the unit is received"


@tagged("post_install", "-at_install")
class TestWorkflowGuards(ServiceOrderCommon):
    """What the views show read-only because a button, the system or a manager
    decides it, a plain create or write refuses too (as over XML-RPC)."""

    def _received_order(self, **vals):
        order = self._order(**vals)
        order.action_confirm()
        order.action_receive()
        return order.with_user(self.user)

    def test_order_state_and_links_only_through_buttons(self):
        order = self._received_order(exchange_type="none")
        receipt = order.receipt_picking_id
        for vals in (
            {"state": "returned"},
            {"state": "draft"},
            {"date_done": "2026-01-01 00:00:00"},
            {"receipt_picking_id": False},
            {"return_picking_id": receipt.id},
            {"loaner_kept": True},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesMessage(UserError, BUTTONS_ONLY),
            ):
                order.write(vals)
        self.assertEqual((order.state, order.receipt_picking_id), ("received", receipt))
        self.assertFalse(order.loaner_kept)
        # The buttons still move it on, as the same user.
        order.no_fault_found = True
        order.action_done()
        self.assertEqual(order.state, "done")

    def test_manager_decision_on_the_loaner_is_not_a_write(self):
        order = self._received_order(loaner_lot_id=self.loaner_lot.id)
        self.assertEqual(order.loaner_state, "out")
        with self.assertRaisesMessage(UserError, f"Loaner Kept .* {BUTTONS_ONLY}"):
            order.with_user(self.manager).write({"loaner_kept": True})
        self.assertEqual(order.loaner_state, "out")
        order.with_user(self.manager).action_loaner_keep()
        self.assertEqual(order.loaner_state, "kept")

    def test_received_unit_and_exchange_are_fixed(self):
        order = self._received_order(loaner_lot_id=self.loaner_lot.id)
        other = self._create_lots(self.product_serial, ["GUARD-OTHER"])
        for vals in (
            {"exchange_type": "none"},
            {"warranty_id": False},
            {"lot_id": other.id},
            {"partner_id": self.env["res.partner"].create({"name": "Someone else"}).id},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesMessage(UserError, FIXED),
            ):
                order.write(vals)
        # The loaner may be chosen after the receipt, until it went out.
        with self.assertRaisesMessage(UserError, "fixed once it went out to the customer"):
            order.write({"loaner_lot_id": other.id})
        self.assertEqual((order.lot_id, order.loaner_lot_id), (self.unit_lot, self.loaner_lot))

    def test_create_in_a_later_state_refused(self):
        Order = self.Order.with_user(self.user)
        vals = {
            "partner_id": self.customer.id,
            "product_id": self.product_serial.id,
            "lot_id": self.unit_lot.id,
        }
        with self.assertRaisesMessage(UserError, f"State of a Service Order {BUTTONS_ONLY}"):
            Order.create({**vals, "state": "done"})
        self.assertEqual(Order.create({**vals, "state": "draft"}).state, "draft")

    def test_received_order_cannot_go_back_to_draft_or_be_deleted(self):
        order = self._received_order(exchange_type="none")
        order.action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertFalse(order.can_draft)
        with self.assertRaisesMessage(UserError, "Resetting to draft is not possible"):
            order.action_draft()
        with self.assertRaisesMessage(UserError, "has transfers, repairs or journal entries"):
            order.sudo().unlink()
        self.assertTrue(order.exists())

    def test_unreceived_order_back_to_draft_starts_a_new_cycle(self):
        order = self._order(exchange_type="none").with_user(self.user)
        order.action_confirm()
        order.action_cancel()
        self.assertTrue(order.can_draft)
        order.action_draft()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.receipt_picking_id)
        order.action_confirm()
        self.assertEqual(order.receipt_picking_id.state, "assigned")

    def test_repair_cancelled_in_repairs_brings_the_order_back(self):
        order = self._received_order(exchange_type="none")
        order.action_start_repair()
        order.repair_ids.action_repair_cancel()
        self.assertEqual(order.state, "received")
        self.assertTrue(any("Repair cancelled" in body for body in order.message_ids.mapped("body")))
        order.action_start_repair()
        self.assertEqual(order.state, "in_repair")

    def test_inventory_user_validates_a_service_receipt(self):
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.receipt_picking_id.with_user(self.stock_user)._after_sales_validate()
        self.assertEqual(order.state, "received")

    def test_registration_state_and_origin_only_through_buttons(self):
        registration = self.warranty.with_user(self.manager)
        for vals in (
            {"registration_state": "void"},
            {"state": "void"},
            {"state": "draft"},
            {"move_id": False},
            {"sale_line_id": False},
            {"origin": "manual"},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesMessage(UserError, BUTTONS_ONLY),
            ):
                registration.write(vals)
        self.assertEqual(self.warranty.state, "active")
        self.assertTrue(self.warranty.move_id)
        registration.void_reason = "Tampered seal"
        registration.action_void()
        self.assertEqual(self.warranty.state, "void")
        # Un-voiding by a write is refused as well.
        with self.assertRaisesMessage(UserError, BUTTONS_ONLY):
            registration.write({"registration_state": "confirmed"})
        self.assertEqual(self.warranty.state, "void")

    def test_registration_created_draft_or_confirmed_only(self):
        Warranty = self.Warranty.with_user(self.manager)
        vals = {"partner_id": self.customer.id, "product_id": self.product_serial.id}
        lots = self._create_lots(self.product_serial, ["GUARD-R1", "GUARD-R2", "GUARD-R3"])
        draft = Warranty.create({**vals, "lot_id": lots[0].id, "state": "draft"})
        self.assertEqual(draft.state, "draft")
        draft.action_confirm()
        self.assertEqual(draft.state, "active")
        with self.assertRaisesMessage(UserError, BUTTONS_ONLY):
            Warranty.create({**vals, "lot_id": lots[1].id, "registration_state": "void"})
        with self.assertRaisesMessage(UserError, BUTTONS_ONLY):
            Warranty.create({**vals, "lot_id": lots[2].id, "move_id": self.warranty.move_id.id})

    def test_labor_of_closed_orders_is_locked(self):
        order = self._received_order(exchange_type="none")
        line = self._labor(order, 2.0).with_user(self.user)
        order.no_fault_found = True
        order.action_done()
        with self.assertRaisesMessage(AccessError, "managers change the cost rate of finished work"):
            line.cost_rate = 99.0
        line.with_user(self.manager).cost_rate = 50.0
        self.assertEqual(order.labor_cost, 100.0)
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers cancel finished orders"):
            order.action_cancel()
        self.assertEqual(order.state, "done")
        order.action_return()
        for change in (lambda: line.write({"hours": 1.0}), line.unlink):
            with self.assertRaisesMessage(UserError, "is closed: its labor can no longer be changed"):
                change()
        self.assertEqual(order.labor_cost, 100.0)
