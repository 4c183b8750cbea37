import ast
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestServiceOrderFlow(ServiceOrderCommon):
    def test_serial_fills_the_order(self):
        with Form(self.Order) as form:
            form.lot_id = self.unit_lot
            self.assertEqual(form.product_id, self.product_serial)
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.warranty_id, self.warranty)
            self.assertEqual(form.coverage, "warranty")
            self.assertEqual(form.exchange_type, "loaner")
            form.symptom = "Leaks"
        order = form.record
        self.assertTrue(order.name.startswith("SRV/"))
        self.assertEqual(order.date_deadline, order.date_intake + timedelta(days=21))
        self.assertEqual(order.warranty_term_id, self.term_consumer)
        self.assertEqual(order.parts_coverage, 100.0)

    def test_warranty_repair_with_loaner(self):
        order = self._order(loaner_lot_id=self.loaner_lot.id)
        self.assertEqual((order.coverage, order.exchange_type), ("warranty", "loaner"))
        order.action_confirm()
        self.assertEqual(order.state, "confirmed")
        receipt = order.receipt_picking_id
        self.assertEqual(receipt.picking_type_id, self.warehouse.service_in_type_id)
        self.assertEqual(receipt.location_dest_id, self.service_location)
        self.assertEqual(receipt.move_line_ids.lot_id, self.unit_lot)

        order.action_receive()
        self.assertEqual(order.state, "received")
        self.assertEqual(receipt.state, "done")
        # The unit stays the customer's property in the Service location.
        self.assertEqual(self._quantity(self.unit_lot, self.service_location, owner=self.customer), 1.0)
        self.assertFalse(receipt.move_ids.stock_valuation_layer_ids)
        self.assertEqual(order.loaner_state, "out")
        self.assertEqual(order.loaner_issue_picking_id.state, "done")
        self.assertEqual(self._quantity(self.loaner_lot, self.loaner_location), 0.0)

        order.action_start_repair()
        self.assertEqual(order.state, "in_repair")
        repair = order.repair_ids
        self.assertEqual(repair.service_order_id, order)
        self.assertTrue(repair.under_warranty)
        self.assertEqual(repair.picking_type_id, self.warehouse.warranty_repair_type_id)
        self.assertEqual(repair.lot_id, self.unit_lot)
        part_move = self._add_part(order, 2)
        self.assertEqual(part_move.location_dest_id, self.consumption_location)
        self._labor(order, 1.5)
        self._finish_repair(order)
        self.assertEqual(repair.state, "done")
        self.assertEqual(order.state, "done")
        self.assertEqual(part_move.state, "done")
        self.assertEqual(order.parts_cost, 50.0)
        self.assertEqual(order.labor_cost, 60.0)
        order.transport_cost = 15.0
        self.assertEqual(order.total_cost, 125.0)
        self.assertEqual(order.customer_amount, 0.0)

        with self.assertRaisesMessage(UserError, "loaner LOANER-1 of .* is still with the customer"):
            order.action_return()
        order.action_loaner_return()
        self.assertEqual(order.loaner_state, "back")
        self.assertEqual(self._quantity(self.loaner_lot, self.loaner_location), 1.0)
        order.action_return()
        self.assertEqual(order.state, "returned")
        self.assertEqual(order.return_picking_id.state, "done")
        self.assertEqual(self._quantity(self.unit_lot, self.service_location), 0.0)
        self.assertEqual(self._quantity(self.unit_lot, self.customer_location), 1.0)
        # Moving the customer's unit neither voids nor adds a registration.
        self.assertEqual(self.Warranty.search([("lot_id", "=", self.unit_lot.id)]), self.warranty)
        self.assertEqual(self.warranty.state, "active")
        self.assertEqual(self.unit_lot.service_order_count, 1)
        self.assertEqual(self.customer.service_order_count, 1)

    def test_receipt_validated_in_inventory_moves_order_on(self):
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.receipt_picking_id.move_ids.picked = True
        order.receipt_picking_id.button_validate()
        self.assertEqual(order.state, "received")

    def test_paid_repair_through_quotation_and_invoice(self):
        lot = self._create_lots(self.product_serial, ["NOWARRANTY-1"])
        order = self._order(lot=lot)
        self.assertFalse(order.warranty_id)
        self.assertEqual(order.coverage, "paid")
        self.assertEqual(order.date_deadline, order.date_intake + timedelta(days=10))
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        repair = order.repair_ids
        self.assertFalse(repair.under_warranty)
        self.assertEqual(repair.picking_type_id, self.warehouse.repair_type_id)
        self._add_part(order, 1)
        # Quoted from the start of the repair: the part joined the quotation.
        self.assertEqual(order.sale_order_id, repair.sale_order_id)
        self._labor(order, 2.0)
        sale = order.sale_order_id
        self.assertEqual(
            sorted(sale.order_line.mapped("product_id").ids), sorted((self.part | self.labor_product).ids)
        )
        self.assertEqual(sale.amount_untaxed, 60.0 + 2 * 80.0)
        self.assertEqual(order.customer_amount, 220.0)
        sale.action_confirm()
        self._finish_repair(order)
        self.assertEqual(order.state, "done")
        # Labor is a service: delivered when done.
        sale.order_line.filtered(lambda line: line.product_id == self.labor_product).qty_delivered = 2.0
        invoice = sale._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_untaxed, 220.0)
        order.action_return()
        self.assertEqual(order.state, "returned")

    def test_inspection_no_fault_found(self):
        order = self._order(request_type="inspection", exchange_type="none")
        order.action_confirm()
        order.action_receive()
        with self.assertRaisesMessage(UserError, "Returning the unit is not possible .* in state Received"):
            order.action_return()
        order.no_fault_found = True
        order.action_done()
        self.assertEqual(order.state, "done")
        self.assertFalse(order.repair_ids)
        order.action_return()
        self.assertEqual(self._quantity(self.unit_lot, self.customer_location), 1.0)

    def test_repair_needs_a_repair_or_no_fault_found(self):
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.action_receive()
        with self.assertRaisesMessage(UserError, "has no finished repair"):
            order.action_done()
        self.assertEqual(order.state, "received")

    def test_replacement(self):
        new_unit = self._replacement_unit()
        order = self._order(request_type="replacement", exchange_type="none", loaner_lot_id=new_unit.id)
        order.action_confirm()
        order.action_receive()
        order.action_done()
        order.action_return()
        self.assertEqual(order.state, "returned")
        self.assertEqual(order.return_picking_id.move_line_ids.lot_id, new_unit)
        self.assertEqual(self._quantity(new_unit, self.customer_location), 1.0)
        # The faulty unit stays in the workshop.
        self.assertEqual(self._quantity(self.unit_lot, self.service_location), 1.0)

    def test_advance_replacement_ships_first(self):
        new_unit = self._replacement_unit("ADV-1")
        order = self._order(exchange_type="advance", loaner_lot_id=new_unit.id)
        order.action_confirm()
        self.assertEqual(order.loaner_issue_picking_id.state, "done")
        self.assertEqual(self._quantity(new_unit, self.customer_location), 1.0)
        self.assertEqual(order.receipt_picking_id.state, "assigned")
        order.action_receive()
        order.no_fault_found = True
        order.action_done()
        order.action_return()
        self.assertEqual(order.state, "returned")
        self.assertFalse(order.return_picking_id)

    def test_goodwill_fifty_percent(self):
        self.warranty.date_end = self.warranty.date_start  # long expired
        with freeze_time(self.warranty.date_start + timedelta(days=400)):
            order = self._order().with_user(self.manager)
            self.assertEqual(order.coverage, "paid")
            order.write({"coverage": "goodwill", "goodwill_share": 50.0})
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self._add_part(order, 1)
        self._labor(order, 1.0)
        sale = order.sale_order_id
        self.assertEqual(set(sale.order_line.mapped("discount")), {50.0})
        self.assertEqual(sale.amount_untaxed, (60.0 + 80.0) / 2)
        self._finish_repair(order)
        self.assertEqual(order.total_cost, 25.0 + 40.0)
        # The customer pays the quotation: sale prices less the company's half.
        self.assertEqual(order.customer_amount, sale.amount_untaxed)
        self.assertEqual(order.customer_amount, 70.0)

    def test_cancel_in_every_state_keeps_stock_consistent(self):
        steps = ["action_confirm", "action_receive", "action_start_repair"]
        for count in range(len(steps) + 1):
            with self.subTest(steps=steps[:count]):
                lot = self._create_lots(self.product_serial, [f"CANCEL-{count}"])
                self._deliver(self.customer, self.product_serial, lots=lot)
                loaner = self._create_lots(self.product_serial, [f"CLOANER-{count}"])
                self.env["stock.quant"]._update_available_quantity(
                    self.product_serial, self.loaner_location, 1.0, lot_id=loaner
                )
                order = self._order(lot=lot, loaner_lot_id=loaner.id)
                for step in steps[:count]:
                    getattr(order, step)()
                order.action_cancel()
                self.assertEqual(order.state, "cancel")
                self.assertEqual(self._quantity(lot, self.customer_location), 1.0)
                self.assertEqual(self._quantity(lot, self.service_location), 0.0)
                self.assertEqual(self._quantity(loaner, self.loaner_location), 1.0)
                self.assertFalse(order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")))
                self.assertFalse(order.repair_ids.filtered(lambda r: r.state not in ("done", "cancel")))

    def test_cancel_done_order_returns_unit(self):
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self._finish_repair(order)
        self.assertEqual(order.state, "done")
        order.action_cancel()
        self.assertEqual(self._quantity(self.unit_lot, self.customer_location), 1.0)

    def test_overdue_activity(self):
        order = self._order(exchange_type="none", user_id=self.user.id)
        order.action_confirm()
        deadline = order.date_deadline
        with freeze_time(deadline + timedelta(days=1)):
            self.assertTrue(order.is_overdue)
            self.assertIn(order, self.Order.search([("is_overdue", "=", True)]))
            self.Order._cron_overdue_activities()
            self.assertEqual(order.activity_ids.user_id, self.user)
            self.Order._cron_overdue_activities()
            self.assertEqual(len(order.activity_ids), 1)
        with freeze_time(deadline):
            self.assertNotIn(order, self.Order.search([("is_overdue", "=", True)]))

    def test_parts_shortage_and_replenishment(self):
        scarce = self.env["product.product"].create(
            {"name": "Heater", "is_storable": True, "standard_price": 9}
        )
        self.product_serial.spare_part_ids |= scarce
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self.env["after_sales.add.part"].create(
            {"order_id": order.id, "product_id": scarce.id, "quantity": 3}
        ).action_add()
        action = self.env.ref("after_sales_service.after_sales_parts_shortage_action")
        shortages = self.env["stock.move"].search(ast.literal_eval(action.domain))
        missing = shortages.filtered(lambda m: m.product_id == scarce)
        self.assertEqual(missing.product_uom_qty, 3.0)
        self._route_from_vendor(scarce)
        missing.action_after_sales_replenish()
        incoming = self.env["stock.move"].search(
            [
                ("product_id", "=", scarce.id),
                ("location_id", "=", self.env.ref("stock.stock_location_suppliers").id),
                ("location_dest_id", "=", self.stock_location.id),
            ]
        )
        self.assertEqual(sum(incoming.mapped("product_uom_qty")), 3.0)

    def test_documents_render(self):
        order = self._order(exchange_type="none", accessories="Power cable", condition="Scratched lid")
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self._add_part(order, 1)
        self._labor(order, 2.0)
        self._finish_repair(order)
        Report = self.env["ir.actions.report"]
        intake = Report._render_qweb_html("after_sales_service.report_service_intake", order.ids)[0].decode()
        for text in ("UNIT-1", "Power cable", "Scratched lid", "Does not heat", "Signature"):
            self.assertIn(text, intake)
        completion = Report._render_qweb_html("after_sales_service.report_service_completion", order.ids)[0]
        completion = completion.decode()
        for text in ("Pump", "Replace pump", "02:00", "What the customer pays"):
            self.assertIn(text, completion)

    def test_received_mail_sent_to_customer(self):
        self.customer.email = "customer@example.com"
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.action_receive()
        message = order.message_ids.filtered(lambda m: "we received your" in (m.subject or ""))
        self.assertEqual(len(message), 1)
        self.assertIn("UNIT-1", message.body)

    def test_deadline_from_intake_date(self):
        order = self._order(date_intake=fields.Date.to_string(date(2030, 1, 1)))
        self.assertEqual(order.date_deadline, date(2030, 1, 11))  # the 2-year term ended: paid work
