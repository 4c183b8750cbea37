"""A day at the service desk: Mark Done ends the repair, loaners chosen and
issued after the receipt, the parts used, the spare parts offered, a unit
already in service, and the orders by state (issue 11)."""

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ServiceOrderCommon

WORKFLOW_ORDER = ["draft", "confirmed", "received", "in_repair", "done", "returned", "cancel"]


@tagged("post_install", "-at_install")
class TestDeskDay(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.heater = cls.env["product.product"].create(
            {"name": "Heater", "is_storable": True, "standard_price": 9.0}
        )
        cls.product_serial.spare_part_ids |= cls.heater
        cls.wheel = cls.env["product.product"].create(
            {"name": "Wheel", "is_storable": True, "standard_price": 3.0}
        )
        cls._put_in_stock(cls.wheel, 5)
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Customer"})

    def _in_repair(self, **vals):
        order = self._order(**{"exchange_type": "none", **vals})
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        return order

    def _received(self, **vals):
        order = self._order(**vals)
        order.action_confirm()
        order.action_receive()
        return order

    def _wizard(self, order, product, quantity=1.0):
        return (
            self.env["after_sales.add.part"]
            .with_user(self.user)
            .create({"order_id": order.id, "product_id": product.id, "quantity": quantity})
        )

    # Mark Done ends the repair --------------------------------------------------

    def test_mark_done_ends_the_repair_with_its_parts(self):
        order = self._in_repair()
        move = self._add_part(order, 2.0)
        move.picked = True
        self.assertIs(order.with_user(self.user).action_done(), True)
        self.assertEqual(order.repair_ids.state, "done")
        self.assertEqual(order.state, "done")
        self.assertEqual((move.state, move.quantity), ("done", 2.0))
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.part, self.stock_location), 18.0
        )

    def test_mark_done_uses_the_parts_as_listed(self):
        """Odoo's End Repair drops a part not marked used once another one
        is; from the service order every part listed is used."""
        order = self._in_repair()
        pump = self._add_part(order, 1.0)
        self._wizard(order, self.heater).action_add()
        self._put_in_stock(self.heater, 1)  # arrives after the part was added
        heater = order.part_move_ids - pump
        pump.picked = True
        order.with_user(self.user).action_done()
        self.assertEqual(order.state, "done")
        self.assertEqual(set(order.part_move_ids.mapped("state")), {"done"})
        self.assertEqual(heater.quantity, 1.0)

    def test_mark_done_without_parts(self):
        order = self._in_repair()
        order.with_user(self.user).action_done()
        self.assertEqual((order.state, order.repair_ids.state), ("done", "done"))

    def test_mark_done_with_a_part_missing_changes_nothing(self):
        order = self._in_repair()
        self._put_in_stock(self.heater, 1)
        self._wizard(order, self.heater, 3.0).action_add()
        move = order.part_move_ids
        self.assertEqual(move.quantity, 1.0)
        with self.assertRaisesMessage(
            UserError,
            r"cannot be done yet, parts are missing: Heater, 1\.00 of 3\.00 Units available\. "
            r"Replenish them \(After-Sales > Planning > Parts Shortages, Request Replenishment\) "
            r"or change the parts on repair .*, then mark the order done again",
        ):
            order.with_user(self.user).action_done()
        self.assertEqual(order.state, "in_repair")
        self.assertEqual(order.repair_ids.state, "under_repair")
        self.assertEqual((move.state, move.quantity, move.picked), ("partially_available", 1.0, False))
        self.assertFalse(order.date_done)

    def test_mark_done_refuses_a_used_quantity_short_of_the_demand(self):
        """A quantity the technician marked used is theirs: not topped up."""
        order = self._in_repair()
        move = self._add_part(order, 2.0)
        move.quantity = 1.0
        move.picked = True
        with self.assertRaisesMessage(UserError, r"Pump, 1\.00 of 2\.00 Units available"):
            order.action_done()
        self.assertEqual(order.state, "in_repair")

    # Loaners --------------------------------------------------------------------

    def test_received_without_loaner_is_noted(self):
        order = self._received()
        self.assertEqual(order.exchange_type, "loaner")
        self.assertEqual(order.loaner_state, "none")
        self.assertIn(self.loaner_lot, order.free_loaner_lot_ids)
        self.assertIn("LOANER-1 (Espresso Machine)", order.free_loaner_names)
        self.assertTrue(any("Received without a loaner" in body for body in order.message_ids.mapped("body")))

    def test_issue_loaner_after_receipt(self):
        order = self._received().with_user(self.user)
        self.assertFalse(order.can_issue_loaner)
        with self.assertRaisesMessage(UserError, r"Choose the loaner of .* among the free loaners first"):
            order.action_issue_loaner()
        order.loaner_lot_id = self.loaner_lot
        self.assertTrue(order.can_issue_loaner)
        self.assertIs(order.action_issue_loaner(), True)
        self.assertEqual(order.loaner_issue_picking_id.state, "done")
        self.assertEqual(order.loaner_state, "out")
        self.assertEqual(self._quantity(self.loaner_lot, self.customer_location), 1.0)
        self.assertFalse(order.can_issue_loaner)
        with self.assertRaisesMessage(UserError, r"The loaner of .* went out already"):
            order.action_issue_loaner()
        other = self._create_lots(self.product_serial, ["LOANER-X"])
        with self.assertRaisesMessage(
            UserError, r"fixed once it went out to the customer or the order ended"
        ):
            order.loaner_lot_id = other
        # The loaner comes back as one issued with the receipt does.
        order.action_loaner_return()
        self.assertEqual(order.loaner_state, "back")

    def test_issue_loaner_in_the_wrong_state_refused(self):
        draft = self._order(loaner_lot_id=self.loaner_lot.id).with_user(self.user)
        with self.assertRaisesMessage(UserError, r"Issuing a loaner is not possible for .* in state Draft"):
            draft.action_issue_loaner()
        self.assertFalse(draft.loaner_issue_picking_id)
        no_loaner = self._received(exchange_type="none").with_user(self.user)
        with self.assertRaisesMessage(UserError, r"lends no loaner \(exchange type: None\)"):
            no_loaner.action_issue_loaner()
        no_loaner.no_fault_found = True
        no_loaner.action_done()
        with self.assertRaisesMessage(UserError, r"Issuing a loaner is not possible for .* in state Done"):
            no_loaner.action_issue_loaner()
        self.assertFalse(no_loaner.loaner_issue_picking_id)

    def test_free_loaners(self):
        """The loaner field offers the serials free in the Loaners location:
        not one out with another customer, nor one another order chose."""
        spare_loaner = self._create_lots(self.product_serial, ["LOANER-2"])
        self.env["stock.quant"]._update_available_quantity(
            self.product_serial, self.loaner_location, 1.0, lot_id=spare_loaner
        )
        unit = self._create_lots(self.product_serial, ["OTHER-UNIT"])
        self._deliver(self.other_customer, self.product_serial, lots=unit)
        lent = self.Order.create(
            {
                "partner_id": self.other_customer.id,
                "product_id": self.product_serial.id,
                "lot_id": unit.id,
                "loaner_lot_id": self.loaner_lot.id,
            }
        )
        lent.action_confirm()
        lent.action_receive()
        self.assertEqual(lent.loaner_state, "out")
        order = self._order()
        self.assertEqual(order.free_loaner_lot_ids, spare_loaner)
        self.assertIn("free_loaner_lot_ids", self.Order._fields["loaner_lot_id"].domain)
        # Chosen by an order not received yet: not free for the others.
        order.loaner_lot_id = spare_loaner
        third = self._create_lots(self.product_serial, ["THIRD-UNIT"])
        self._deliver(self.customer, self.product_serial, lots=third)
        other_order = self._order(lot=third)
        self.assertFalse(other_order.free_loaner_lot_ids)
        self.assertEqual(order.free_loaner_lot_ids, spare_loaner)
        self.assertFalse(self._order(lot=third, exchange_type="none").free_loaner_lot_ids)

    # Parts used -----------------------------------------------------------------

    def test_parts_listed_on_the_order(self):
        order = self._in_repair()
        self._add_part(order, 2.0)
        self._wizard(order, self.heater, 1.0).action_add()
        self.assertEqual(
            {(move.product_id, move.product_uom_qty, move.quantity) for move in order.part_move_ids},
            {(self.part, 2.0, 2.0), (self.heater, 1.0, 0.0)},
        )
        self.assertEqual(
            set(order.part_move_ids.mapped("state")), {"assigned", "confirmed"}, "reserved and short"
        )
        # The unused heater leaves the repair: no longer listed.
        order.part_move_ids.filtered(lambda m: m.product_id == self.heater)._action_cancel()
        self._finish_repair(order)
        self.assertEqual(order.part_move_ids.product_id, self.part)
        self.assertEqual(order.part_move_ids.state, "done")
        arch = order.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="part_move_ids"', arch)
        self.assertEqual(order.with_user(self.accountant).part_move_ids.product_id, self.part)

    # Spare parts offered ----------------------------------------------------------

    def test_add_part_wizard_proposes_compatible_parts(self):
        order = self._in_repair()
        wizard = Form(self.env["after_sales.add.part"].with_context(default_order_id=order.id))
        # The first compatible part, in the products' order.
        self.assertEqual(wizard.product_id, self.heater)
        self.assertTrue(wizard.is_compatible)
        self.assertEqual(wizard.allowed_part_ids[:], self.heater | self.part)
        wizard.product_id = self.wheel
        self.assertFalse(wizard.is_compatible)

    def test_add_part_any_storable_part_when_the_setting_is_off(self):
        self.assertFalse(self.company.after_sales_compatible_parts_only, "off by default")
        order = self._in_repair()
        self._wizard(order, self.wheel, 2.0).action_add()
        self.assertEqual(order.part_move_ids.product_id, self.wheel)
        self.assertEqual(order.part_move_ids.quantity, 2.0)
        service = self.env["product.product"].create({"name": "Cleaning", "type": "service"})
        with self.assertRaisesMessage(UserError, r"Cleaning is not a storable product"):
            self._wizard(order, service).action_add()
        self.assertEqual(len(order.part_move_ids), 1)

    def test_add_part_only_compatible_when_the_setting_is_on(self):
        self.company.after_sales_compatible_parts_only = True
        order = self._in_repair()
        with self.assertRaisesMessage(
            UserError, r"Wheel is not a compatible spare part of .*Espresso Machine, and only compatible"
        ):
            self._wizard(order, self.wheel).action_add()
        self.assertFalse(order.part_move_ids)
        self._wizard(order, self.heater).action_add()
        self.assertEqual(order.part_move_ids.product_id, self.heater)

    def test_add_part_hint_without_compatible_parts(self):
        self.product_serial.spare_part_ids = False
        order = self._in_repair()
        wizard = Form(self.env["after_sales.add.part"].with_context(default_order_id=order.id))
        self.assertFalse(wizard.product_id)
        self.assertFalse(wizard.allowed_part_ids[:])
        arch = self.env["after_sales.add.part"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("No compatible spare parts are listed for", arch)

    # A unit already in service ----------------------------------------------------

    def test_open_order_warning(self):
        first = self._order()
        with self.assertLogs("odoo.tests.form.onchange", level="WARNING") as logs:
            form = Form(self.Order)
            form.lot_id = self.unit_lot
        self.assertIn(f"already has an open service order: {first.name}", logs.output[0])
        self.assertEqual(form.partner_id, self.customer)
        # The order itself is no other open order.
        with self.assertNoLogs("odoo.tests.form.onchange", level="WARNING"):
            form = Form(first)
            form.lot_id = self.loaner_lot
            form.lot_id = self.unit_lot
        # The API refuses a second order for the unit.
        with self.assertRaisesMessage(UserError, f"already has an open service order: {first.name}"):
            self.Order.api_open({"serial": "UNIT-1"})
        first.action_cancel()
        with self.assertNoLogs("odoo.tests.form.onchange", level="WARNING"):
            Form(self.Order).lot_id = self.unit_lot

    # Orders by state ----------------------------------------------------------------

    def test_grouped_by_state_in_workflow_order(self):
        self._order()
        domain = [("state", "in", ("draft", "confirmed", "received", "in_repair"))]
        groups = self.Order.read_group(domain, ["state"], ["state"])
        self.assertEqual([group["state"] for group in groups], WORKFLOW_ORDER)
        self.assertEqual(
            {group["state"] for group in groups if group["__fold"]}, {"done", "returned", "cancel"}
        )
        web = self.Order.web_read_group([], ["state"], ["state"])["groups"]
        self.assertEqual([group["state"] for group in web], WORKFLOW_ORDER)
        # Other groupings are left as they are.
        by_user = self.Order.read_group([], ["user_id"], ["user_id"])
        self.assertNotIn("__fold", by_user[0])
        lines = self.Order.read_group([], ["state"], ["state", "user_id"], lazy=False)
        self.assertFalse(any("__fold" in line for line in lines))
