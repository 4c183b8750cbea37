from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestWarrantyDelivery(AfterSalesCommon):
    def test_serials_each_get_a_registration(self):
        lots = self._create_lots(self.product_serial, ["SN-1", "SN-2", "SN-3"])
        with freeze_time("2025-01-31 10:00:00"):
            picking = self._deliver(self.customer, self.product_serial, lots=lots)
        warranties = self.Warranty.search([("move_id", "in", picking.move_ids.ids)])
        self.assertEqual(warranties.lot_id, lots)
        self.assertEqual(set(warranties.mapped("quantity")), {1.0})
        self.assertEqual(warranties.partner_id, self.customer)
        self.assertEqual(warranties.term_id, self.term_consumer)
        self.assertEqual(set(warranties.mapped("date_start")), {date(2025, 1, 31)})
        self.assertEqual(set(warranties.mapped("date_end")), {date(2027, 1, 31)})
        self.assertEqual(set(warranties.mapped("origin")), {"delivery"})
        self.assertTrue(all(w.name.startswith("WAR/") for w in warranties))
        self.assertEqual(len(set(warranties.mapped("name"))), 3)
        # The serial shows its warranty.
        with freeze_time("2025-06-01"):
            lots.invalidate_recordset()
            self.assertEqual(lots[0].warranty_id.lot_id, lots[0])
            self.assertEqual(lots[0].warranty_state, "active")
            self.assertEqual(lots[0].warranty_date_end, date(2027, 1, 31))

    def test_untracked_one_registration_per_move_line(self):
        picking = self._deliver(self.customer_contact.child_ids, self.product_plain, quantity=4)
        warranty = self.Warranty.search([("move_id", "in", picking.move_ids.ids)])
        self.assertEqual(len(warranty), 1)
        self.assertEqual(warranty.quantity, 4.0)
        self.assertFalse(warranty.lot_id)
        # The contact's company holds the warranty.
        self.assertEqual(warranty.partner_id, self.customer_contact)
        self.assertEqual(self.customer_contact.child_ids.warranty_count, 1)

    def test_product_without_term_gets_nothing(self):
        picking = self._deliver(self.customer, self.product_no_term, quantity=2)
        self.assertFalse(self.Warranty.search([("move_id", "in", picking.move_ids.ids)]))

    def test_internal_transfer_gets_nothing(self):
        self._put_in_stock(self.product_plain, 3)
        before = self.Warranty.search_count([])
        picking = self._prepare_transfer(
            self.product_plain,
            3,
            picking_type=self.warehouse.int_type_id,
            destination=self.warehouse.wh_input_stock_loc_id,
        )
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.Warranty.search_count([]), before)

    def test_return_of_serial_voids_its_warranty(self):
        lots = self._create_lots(self.product_serial, ["SN-R1", "SN-R2"])
        picking = self._deliver(self.customer, self.product_serial, lots=lots)
        warranties = self.Warranty.search([("lot_id", "in", lots.ids)])
        self.assertEqual(len(warranties), 2)
        returned = self._return(picking, quantity=1)
        self.assertEqual(returned.state, "done")
        returned_lot = returned.move_line_ids.lot_id
        self.assertEqual(len(returned_lot), 1)
        void = warranties.filtered(lambda w: w.lot_id == returned_lot)
        kept = warranties - void
        self.assertEqual(void.state, "void")
        self.assertIn("Returned", void.void_reason)
        self.assertIn(returned.name, void.void_reason)
        self.assertEqual(kept.state, "active")
        self.assertFalse(self.Warranty._find_covering(lot=returned_lot))

    def test_partial_return_of_untracked_reduces_quantity(self):
        picking = self._deliver(self.customer, self.product_plain, quantity=5)
        warranty = self.Warranty.search([("move_id", "in", picking.move_ids.ids)])
        self._return(picking, quantity=2)
        self.assertEqual(warranty.quantity, 3.0)
        self.assertEqual(warranty.state, "active")
        self._return(picking, quantity=3)
        self.assertEqual(warranty.state, "void")

    def test_invoice_basis_starts_at_invoice(self):
        self.product_plain.product_tmpl_id.warranty_term_id = self.term_b2b
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product_plain.id, "product_uom_qty": 2})],
            }
        )
        self._put_in_stock(self.product_plain, 2)
        with freeze_time("2025-03-10"):
            order.action_confirm()
            picking = order.picking_ids
            picking.action_assign()
            picking.move_ids.picked = True
            picking.button_validate()
        warranty = self.Warranty.search([("sale_line_id", "=", order.order_line.id)])
        self.assertEqual(warranty.move_id, picking.move_ids)
        self.assertTrue(warranty.awaiting_invoice)
        self.assertEqual(warranty.date_start, date(2025, 3, 10))
        with freeze_time("2025-04-02"):
            invoice = order._create_invoices()
            invoice.invoice_date = date(2025, 4, 2)
            invoice.action_post()
        self.assertFalse(warranty.awaiting_invoice)
        self.assertEqual(warranty.date_start, date(2025, 4, 2))
        self.assertEqual(warranty.date_end, date(2026, 4, 2))

    def test_registration_basis_waits_for_customer(self):
        term = self.Term.create(
            {"name": "Register online", "duration": 2, "duration_unit": "year", "start_basis": "registration"}
        )
        self.product_plain.product_tmpl_id.warranty_term_id = term
        with freeze_time("2025-05-01"):
            picking = self._deliver(self.customer, self.product_plain, quantity=1)
        warranty = self.Warranty.search([("move_id", "in", picking.move_ids.ids)])
        self.assertEqual(warranty.state, "draft")
        self.assertFalse(
            self.Warranty._find_covering(
                product=self.product_plain, partner=self.customer, date=date(2025, 6, 1)
            )
        )
        with freeze_time("2025-06-15"):
            warranty.action_confirm()
        self.assertEqual(warranty.date_start, date(2025, 6, 15))
        self.assertEqual(warranty.date_end, date(2027, 6, 15))
        self.assertEqual(
            self.Warranty._find_covering(
                product=self.product_plain, partner=self.customer, date=date(2025, 7, 1)
            ),
            warranty,
        )

    def test_stock_user_validates_delivery_without_after_sales_rights(self):
        lots = self._create_lots(self.product_serial, ["SN-S1"])
        self._put_in_stock(self.product_serial, lots=lots)
        picking = self._prepare_transfer(self.product_serial, 1, partner=self.customer, user=self.stock_user)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.Warranty.search([("lot_id", "=", lots.id)]).state, "active")


@tagged("post_install", "-at_install")
class TestWarrantyDeliveryQueries(AfterSalesCommon):
    """Registering the warranties of a delivery costs the same per serial."""

    def _prepare_delivery(self, count, prefix):
        lots = self._create_lots(self.product_serial, [f"{prefix}-{i:04d}" for i in range(count)])
        self._put_in_stock(self.product_serial, lots=lots)
        picking = self._prepare_transfer(self.product_serial, count, partner=self.customer)
        self.env.flush_all()
        self.env.invalidate_all()
        return picking

    def _register(self, picking):
        moves = picking.move_ids
        moves._after_sales_register_deliveries()
        self.env.flush_all()

    def test_query_count_registering_10_and_100_serials(self):
        # The addon's own work when a delivery is validated is the same for
        # 10 and for 100 serials: registrations are created in one batch and
        # their numbers drawn from the sequence in one query.
        picking_10 = self._prepare_delivery(10, "Q10")
        with self.assertQueryCount(22):
            self._register(picking_10)
        picking_100 = self._prepare_delivery(100, "Q100")
        with self.assertQueryCount(22):
            self._register(picking_100)
        self.assertEqual(self.Warranty.search_count([("move_id", "in", picking_100.move_ids.ids)]), 100)

    def test_query_count_validating_10_and_100_serials(self):
        # Whole validation, Odoo's stock work included, pinned for both sizes:
        # about 8 queries per serial, all of them Odoo's own stock work.
        picking_10 = self._prepare_delivery(10, "V10")
        with self.assertQueryCount(__system__=151):
            picking_10.button_validate()
        picking_100 = self._prepare_delivery(100, "V100")
        with self.assertQueryCount(__system__=859):
            picking_100.button_validate()
        self.assertEqual(self.Warranty.search_count([("move_id", "in", picking_100.move_ids.ids)]), 100)
