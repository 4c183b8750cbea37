"""What users and outside systems may click or call at the wrong moment: every
button and wizard of the service order refuses with a clear message, never a
Python or database error, and leaves the order, stock and accounting as they
were. The API methods have their catalogue in test_api_bad_input."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ServiceOrderCommon
from .test_api_bad_input import LEAKS


@tagged("post_install", "-at_install")
class TestActionsBadInput(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_part = cls.env["product.product"].create(
            {"name": "Unrelated Gasket", "is_storable": True, "standard_price": 2.0}
        )

    def _snapshot(self, orders):
        env = self.env(su=True)
        return {
            "orders": [
                (o.state, o.receipt_picking_id.id, o.return_picking_id.id, o.loaner_state, o.loaner_kept)
                for o in orders.sudo()
            ],
            "transfers": sorted(env["stock.picking"].search([]).mapped(lambda p: (p.id, p.state))),
            "repairs": sorted(env["repair.order"].search([]).mapped(lambda r: (r.id, r.state))),
            "quants": sorted(env["stock.quant"].search([]).mapped(lambda q: (q.id, q.quantity))),
            "journal items": env["account.move.line"].search_count([]),
            "moves": env["stock.move"].search_count([]),
        }

    def _assert_refused(self, call, exception, regex, orders):
        before = self._snapshot(orders)
        with self.assertRaisesMessage(exception, regex) as caught:
            call()
        self.assertNotRegex(str(caught.exception), LEAKS)
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(orders), before, "a refused action changes nothing")

    # The order in each state the cases start from ---------------------------

    def _draft(self, **vals):
        return self._order(lot=self.case_unit, exchange_type="none", **vals)

    def _confirmed(self, **vals):
        order = self._draft(**vals)
        order.action_confirm()
        return order

    def _received(self, **vals):
        order = self._confirmed(**vals)
        order.action_receive()
        return order

    def _in_repair(self):
        order = self._received()
        order.action_start_repair()
        return order

    def _done(self):
        order = self._received()
        order.no_fault_found = True
        order.action_done()
        return order

    def _returned(self):
        order = self._done()
        order.action_return()
        return order

    def _with_loaner_out(self):
        loaner = self._create_lots(self.product_serial, [f"LOANER-{self.case_unit.name}"])
        self.env["stock.quant"]._update_available_quantity(
            self.product_serial, self.loaner_location, 1.0, lot_id=loaner
        )
        order = self._order(lot=self.case_unit, exchange_type="loaner", loaner_lot_id=loaner.id)
        order.action_confirm()
        order.action_receive()
        self.assertEqual(order.loaner_state, "out")
        return order

    def _cancelled(self):
        order = self._confirmed()
        order.action_cancel()
        return order

    def _done_with_loaner_out(self):
        order = self._with_loaner_out()
        order.no_fault_found = True
        order.action_done()
        return order

    def _in_repair_with_a_part(self):
        order = self._in_repair()
        self._add_part(order, 1.0)
        return order

    def _cases(self):
        """(case, order builder, call on the order as the After-Sales user,
        exception, message)."""
        user, manager = self.user, self.manager
        return [
            (
                "confirm a tracked unit without serial",
                lambda: self.Order.create(
                    {"partner_id": self.customer.id, "product_id": self.product_serial.id, "symptom": "Noise"}
                ),
                lambda o: o.with_user(user).action_confirm(),
                UserError,
                r"Enter the serial number of Espresso Machine",
            ),
            (
                "advance exchange without a replacement unit",
                lambda: self._order(lot=self.case_unit, exchange_type="advance"),
                lambda o: o.with_user(user).action_confirm(),
                UserError,
                r"Choose the replacement unit to ship in advance",
            ),
            (
                "confirm twice",
                self._confirmed,
                lambda o: o.with_user(user).action_confirm(),
                UserError,
                r"Confirming is not possible for .* in state Confirmed",
            ),
            (
                "receive a draft",
                self._draft,
                lambda o: o.with_user(user).action_receive(),
                UserError,
                r"Receiving is not possible for .* in state Draft",
            ),
            (
                "receive twice",
                self._received,
                lambda o: o.with_user(user).action_receive(),
                UserError,
                r"Receiving is not possible for .* in state Received",
            ),
            (
                "repair a unit not received",
                self._confirmed,
                lambda o: o.with_user(user).action_start_repair(),
                UserError,
                r"Starting the repair is not possible for .* in state Confirmed",
            ),
            (
                "repair a replacement request",
                lambda: self._received(request_type="replacement", loaner_lot_id=self._replacement_unit().id),
                lambda o: o.with_user(user).action_start_repair(),
                UserError,
                r"is a request for replacement: it ends without a repair order",
            ),
            (
                "second repair",
                self._in_repair,
                lambda o: o.with_user(user).action_start_repair(),
                UserError,
                r"Starting the repair is not possible for .* in state In Repair",
            ),
            (
                "finish a repair request without repair",
                self._received,
                lambda o: o.with_user(user).action_done(),
                UserError,
                r"has no finished repair: start the repair, or mark no fault found",
            ),
            (
                "finish a draft",
                self._draft,
                lambda o: o.with_user(user).action_done(),
                UserError,
                r"Finishing is not possible for .* in state Draft",
            ),
            (
                "return before the work is done",
                self._received,
                lambda o: o.with_user(user).action_return(),
                UserError,
                r"Returning the unit is not possible for .* in state Received",
            ),
            (
                "return twice",
                self._returned,
                lambda o: o.with_user(user).action_return(),
                UserError,
                r"Returning the unit is not possible for .* in state Returned",
            ),
            (
                "return with the loaner still out",
                self._done_with_loaner_out,
                lambda o: o.with_user(user).action_return(),
                UserError,
                r"The loaner LOANER-BAD-.* of .* is still with the customer",
            ),
            (
                "take back a loaner that is not out",
                self._received,
                lambda o: o.with_user(user).action_loaner_return(),
                UserError,
                r"No loaner is out with the customer on this order",
            ),
            (
                "let the customer keep the loaner, as a user",
                self._with_loaner_out,
                lambda o: o.with_user(user).action_loaner_keep(),
                AccessError,
                r"Only After-Sales managers can let a customer keep a loaner",
            ),
            (
                "keep a loaner that is not out, as a manager",
                self._received,
                lambda o: o.with_user(manager).action_loaner_keep(),
                UserError,
                r"No loaner is out with the customer on this order",
            ),
            (
                "cancel a returned order",
                self._returned,
                lambda o: o.with_user(user).action_cancel(),
                UserError,
                r"Cancelling is not possible for .* in state Returned",
            ),
            (
                "cancel a finished order, as a user",
                self._done,
                lambda o: o.with_user(user).action_cancel(),
                AccessError,
                r"Only After-Sales managers cancel finished orders",
            ),
            (
                "back to draft once received",
                self._received,
                lambda o: o.with_user(user).action_draft(),
                UserError,
                r"Resetting to draft is not possible for .* in state Received",
            ),
            (
                "delete a confirmed order",
                self._confirmed,
                lambda o: o.with_user(manager).unlink(),
                UserError,
                r"Only draft or cancelled service orders can be deleted",
            ),
            (
                "delete a cancelled order with transfers",
                self._cancelled,
                lambda o: o.with_user(manager).unlink(),
                UserError,
                r"has transfers, repairs or journal entries: cancel it and keep it",
            ),
            (
                "transport bill of a draft",
                self._draft,
                lambda o: o.with_user(user).action_create_transport_bill(),
                UserError,
                r"is a draft or cancelled: there is no transport to bill",
            ),
            (
                "supplier claim as a user",
                self._done,
                lambda o: o.with_user(user).action_create_supplier_claim(),
                AccessError,
                r"Only After-Sales managers can claim against suppliers",
            ),
            (
                "add a part before the repair",
                self._received,
                lambda o: self.env["after_sales.add.part"]
                .with_user(user)
                .create({"order_id": o.id, "product_id": self.part.id, "quantity": 1.0})
                .action_add(),
                UserError,
                r"Adding a spare part is not possible for .* in state Received",
            ),
            (
                "add a part in quantity 0",
                self._in_repair,
                lambda o: self.env["after_sales.add.part"]
                .with_user(user)
                .create({"order_id": o.id, "product_id": self.part.id, "quantity": 0.0})
                .action_add(),
                UserError,
                r"The quantity of a part must be positive",
            ),
            (
                "add a negative quantity of a part",
                self._in_repair,
                lambda o: self.env["after_sales.add.part"]
                .with_user(user)
                .create({"order_id": o.id, "product_id": self.part.id, "quantity": -2.0})
                .action_add(),
                UserError,
                r"The quantity of a part must be positive",
            ),
            (
                "replenish a part that is not missing",
                self._in_repair_with_a_part,
                lambda o: o.repair_ids.move_ids.with_user(user).action_after_sales_replenish(),
                UserError,
                r"Select parts that are still missing",
            ),
            (
                "labor hours negative",
                self._in_repair,
                lambda o: self.env["after_sales.service.labor"]
                .with_user(user)
                .create({"order_id": o.id, "name": "Clean", "hours": -1.0}),
                ValidationError,
                r"Labor hours must be positive \(Clean\)",
            ),
        ]

    def test_each_refused_action_changes_nothing(self):
        cases = self._cases()
        self.assertGreaterEqual(len(cases), 28)
        for case, build, call, exception, regex in cases:
            with self.subTest(case=case):
                lot = self._create_lots(self.product_serial, [f"BAD-{case}"])
                self._deliver(self.customer, self.product_serial, lots=lot)
                self.case_unit = lot
                order = build()
                self._assert_refused(lambda o=order, c=call: c(o), exception, regex, order)
