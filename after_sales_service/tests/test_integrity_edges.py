from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestIntegrityEdges(ServiceOrderCommon):
    """Edges of the lifecycle where a consequence must reach exactly what it
    concerns, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create({"name": "Second owner"})
        cls.extension = cls.env["product.product"].create(
            {
                "name": "Extension +36",
                "type": "service",
                "is_warranty_extension": True,
                "warranty_term_id": cls.term_extension.id,
            }
        )

    def _sell_extension(self, partner, lot):
        sale = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.extension.id, "product_uom_qty": 1, "warranty_lot_id": lot.id}
                    )
                ],
            }
        )
        sale.action_confirm()
        return sale

    def test_return_voids_only_the_returning_customer_s_registration(self):
        lot = self._create_lots(self.product_serial, ["EDGE-RET"])
        delivery = self._deliver(self.customer, self.product_serial, lots=lot)
        mine = self.Warranty.search([("lot_id", "=", lot.id)])
        # A registration of the same serial held by someone else (second-hand unit).
        theirs = self.Warranty.create(
            {"partner_id": self.other_customer.id, "product_id": self.product_serial.id, "lot_id": lot.id}
        )
        self._return(delivery)
        self.assertEqual(mine.state, "void")
        self.assertEqual(theirs.state, "active")

    def test_extension_only_for_the_holder(self):
        with self.assertRaisesMessage(UserError, "only the holder of a unit can extend its warranty"):
            self._sell_extension(self.other_customer, self.unit_lot)
        self.assertEqual(self.Warranty.search_count([("lot_id", "=", self.unit_lot.id)]), 1)

    def test_cancelled_sale_voids_its_extension(self):
        sale = self._sell_extension(self.customer, self.unit_lot)
        extension = sale.order_line.warranty_ids
        self.assertEqual(extension.origin, "extension")
        self.assertNotEqual(extension.state, "void")
        sale.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(extension.state, "void")
        self.assertIn(sale.name, extension.void_reason)
        self.assertEqual(self.warranty.state, "active", "the unit's own warranty is untouched")

    def test_replenishment_requested_once(self):
        self._route_from_vendor(self.part)
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        move = self._add_part(order, 25.0)  # 20 in stock: 5 missing
        self.assertEqual(move.quantity, 20.0)
        vendors = self.env.ref("stock.stock_location_suppliers")

        def incoming():
            return sum(
                self.env["stock.move"]
                .search([("product_id", "=", self.part.id), ("location_id", "=", vendors.id)])
                .mapped("product_uom_qty")
            )

        before = incoming()
        move.action_after_sales_replenish()
        self.assertEqual(incoming() - before, 5.0)
        move.action_after_sales_replenish()
        self.assertEqual(incoming() - before, 5.0, "a second click procures nothing more")
        self.assertEqual(move.after_sales_requested_qty, 5.0)

    def test_serial_with_history_is_kept(self):
        order = self._order(exchange_type="none")
        self.assertTrue(order.lot_id)
        with self.assertRaisesMessage(UserError, "has warranty registrations or service orders: it is kept"):
            self.unit_lot.unlink()
        self.assertTrue(self.unit_lot.exists())
        spare = self._create_lots(self.product_serial, ["EDGE-FREE"])
        spare.unlink()
        self.assertFalse(spare.exists())

    def test_cancelled_replacement_order_gives_the_customer_s_own_unit_back(self):
        new_unit = self._replacement_unit("EDGE-NEW")
        order = self._order(request_type="replacement", exchange_type="none", loaner_lot_id=new_unit.id)
        order.action_confirm()
        order.action_receive()
        order.action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.return_picking_id.move_line_ids.lot_id, self.unit_lot)
        self.assertEqual(order.return_picking_id.state, "done")
        self.assertEqual(self._quantity(self.unit_lot, self.customer_location), 1.0)
        self.assertEqual(self._quantity(self.unit_lot, self.service_location), 0.0)
        # Nothing was exchanged: the replacement never left the shelf.
        self.assertEqual(self._quantity(new_unit, self.warehouse.lot_stock_id), 1.0)

    def test_cancelled_advance_replacement_comes_back(self):
        stock = self.warehouse.lot_stock_id
        own_units = self._create_lots(self.product_serial, ["EDGE-OWN-1", "EDGE-OWN-2"])
        self._deliver(self.customer, self.product_serial, 2.0, lots=own_units)
        for received, lot in zip((False, True), own_units, strict=True):
            with self.subTest(received=received):
                new_unit = self._replacement_unit(f"EDGE-ADV-{received}")
                order = self._order(lot=lot, exchange_type="advance", loaner_lot_id=new_unit.id)
                order.action_confirm()
                self.assertEqual(self._quantity(new_unit, self.customer_location), 1.0)
                if received:
                    order.action_receive()
                order.action_cancel()
                self.assertEqual(order.state, "cancel")
                recovery = order.loaner_return_picking_id
                self.assertEqual(
                    (recovery.state, recovery.move_ids.location_dest_id, recovery.move_line_ids.lot_id),
                    ("assigned", stock, new_unit),
                    "the replacement's receipt waits, ready, for it to arrive",
                )
                self.assertTrue(order.message_ids.filtered(lambda m, r=recovery: r.name in m.body))
                # The customer's own unit: back if it came, never asked for otherwise.
                self.assertEqual(bool(order.return_picking_id), received)
                self.assertEqual(self._quantity(lot, self.customer_location), 1.0)
                recovery.button_validate()
                self.assertEqual(self._quantity(new_unit, stock), 1.0)
                self.assertEqual(self._quantity(new_unit, self.customer_location), 0.0)
                # A second cancel path (e.g. an override calling it again) recovers nothing more.
                self.assertFalse(order._recover_advance_replacement())
