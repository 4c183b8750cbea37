from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestServiceOrderGuards(ServiceOrderCommon):
    def test_return_before_receiving(self):
        order = self._order(exchange_type="none")
        order.action_confirm()
        with self.assertRaisesMessage(UserError, "Returning the unit is not possible .* Confirmed"):
            order.action_return()
        self.assertEqual(order.state, "confirmed")
        self.assertFalse(order.return_picking_id)

    def test_repair_before_receiving(self):
        order = self._order(exchange_type="none")
        order.action_confirm()
        with self.assertRaisesMessage(UserError, "Starting the repair is not possible"):
            order.action_start_repair()
        self.assertFalse(order.repair_ids)

    def test_serial_of_another_product(self):
        other = self.env["product.product"].create(
            {"name": "Toaster", "is_storable": True, "tracking": "serial"}
        )
        with self.assertRaisesMessage(ValidationError, "belongs to Espresso Machine, not to Toaster"):
            self.Order.create(
                {"partner_id": self.customer.id, "product_id": other.id, "lot_id": self.unit_lot.id}
            )

    def test_serial_required(self):
        order = self.Order.create({"partner_id": self.customer.id, "product_id": self.product_serial.id})
        with self.assertRaisesMessage(UserError, "Enter the serial number"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)

    def test_negative_hours(self):
        order = self._order(exchange_type="none")
        with self.assertRaisesMessage(ValidationError, "Labor hours must be positive"):
            self._labor(order, -2.0)
        self.assertFalse(order.labor_line_ids)

    def test_closing_with_loaner_out(self):
        order = self._order(loaner_lot_id=self.loaner_lot.id)
        order.action_confirm()
        order.action_receive()
        order.no_fault_found = True
        order.action_done()
        with self.assertRaisesMessage(UserError, "LOANER-1 .* still with the customer"):
            order.action_return()
        self.assertEqual(order.state, "done")
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers"):
            order.with_user(self.user).action_loaner_keep()
        order.with_user(self.manager).action_loaner_keep()
        self.assertEqual(order.loaner_state, "kept")
        order.action_return()
        self.assertEqual(order.state, "returned")
        self.assertEqual(self._quantity(self.loaner_lot, self.customer_location), 1.0)

    def test_loaner_not_available(self):
        order = self._order(loaner_lot_id=self.loaner_lot.id)
        order.action_confirm()
        # The loaner went elsewhere in the meantime.
        self.env["stock.quant"]._update_available_quantity(
            self.product_serial, self.loaner_location, -1.0, lot_id=self.loaner_lot
        )
        with self.assertRaisesMessage(UserError, "LOANER-1 is not available"):
            order.action_receive()
        self.assertEqual(order.state, "confirmed")
        self.assertFalse(order.loaner_issue_picking_id)

    def test_cancel_after_return(self):
        order = self._order(exchange_type="none", request_type="inspection", no_fault_found=True)
        order.action_confirm()
        order.action_receive()
        order.action_done()
        order.action_return()
        with self.assertRaisesMessage(UserError, "Cancelling is not possible"):
            order.action_cancel()
        self.assertEqual(order.state, "returned")

    def test_warranty_coverage_needs_registration(self):
        lot = self._create_lots(self.product_serial, ["NOREG-1"])
        with self.assertRaisesMessage(ValidationError, "No active warranty covers NOREG-1"):
            self._order(lot=lot, coverage="warranty")

    def test_user_cannot_grant_goodwill(self):
        order = self._order()
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers can grant goodwill"):
            order.with_user(self.user).write({"coverage": "goodwill", "goodwill_share": 50})
        self.assertEqual(order.coverage, "warranty")

    def test_coverage_fixed_after_receipt(self):
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.action_receive()
        with self.assertRaisesMessage(UserError, "fixed once the unit is received"):
            order.with_user(self.manager).coverage = "paid"

    def test_part_not_in_catalogue(self):
        self.company.after_sales_compatible_parts_only = True
        order = self._order(exchange_type="none")
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        stranger = self.env["product.product"].create({"name": "Wheel", "is_storable": True})
        wizard = self.env["after_sales.add.part"].create({"order_id": order.id, "product_id": stranger.id})
        with self.assertRaisesMessage(UserError, "Wheel is not a compatible spare part"):
            wizard.action_add()


@tagged("post_install", "-at_install")
class TestServiceOrderAccess(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Workshop"})
        cls.other_user = new_test_user(
            cls.env,
            login="so_other",
            groups="base.group_user,after_sales_service.group_after_sales_manager",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )

    def test_user_runs_the_flow(self):
        order = self._order(exchange_type="none").with_user(self.user)
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self.assertEqual(order.state, "in_repair")
        with self.assertRaisesMessage(
            AccessError, r"not allowed to delete 'Service Order' \(after_sales\.service\.order\)"
        ):
            order.unlink()

    def test_accountant_reads_only(self):
        lot = self._create_lots(self.product_serial, ["PAID-ACC"])
        order = self._order(lot=lot)
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self._add_part(order, 1)
        self._finish_repair(order)
        as_accountant = order.with_user(self.accountant)
        self.assertEqual(as_accountant.parts_cost, 25.0)
        self.assertEqual(as_accountant.customer_amount, 60.0)
        self.assertEqual(as_accountant.partner_id, self.customer)
        with self.assertRaisesMessage(
            AccessError, r"not allowed to modify 'Service Order' \(after_sales\.service\.order\)"
        ):
            as_accountant.write({"symptom": "changed"})
        with self.assertRaisesMessage(
            AccessError, r"not allowed to create 'Service Order' \(after_sales\.service\.order\)"
        ):
            self.Order.with_user(self.accountant).create(
                {"partner_id": self.customer.id, "product_id": self.product_plain.id}
            )

    def test_other_company_cannot_act(self):
        order = self._order(exchange_type="none")
        self.assertFalse(self.Order.with_user(self.other_user).search([("id", "=", order.id)]))
        # A user who may not change the order hears that before any workflow rule.
        with self.assertRaisesMessage(AccessError, r"doesn't have 'write' access to:\n- Service Order\b"):
            order.with_user(self.other_user).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_new_warehouse_gets_service_setup(self):
        warehouse = self.env["stock.warehouse"].create({"name": "Second", "code": "WH2"})
        self.assertEqual(warehouse.service_location_id.usage, "internal")
        self.assertEqual(warehouse.service_in_type_id.default_location_dest_id, warehouse.service_location_id)
        self.assertEqual(warehouse.loaner_out_type_id.default_location_src_id, warehouse.loaner_location_id)
        self.assertEqual(
            warehouse.warranty_repair_type_id.default_location_dest_id,
            self.company.after_sales_consumption_location_id,
        )
        self.assertEqual(
            self.other_company.after_sales_consumption_location_id.company_id, self.other_company
        )
