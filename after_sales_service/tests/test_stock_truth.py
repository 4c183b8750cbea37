from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestStockTruth(ServiceOrderCommon):
    """Customers' units in the Service location are theirs: no quantity,
    replenishment or valuation of the company counts them. Loaners are
    company stock that deliveries do not take."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kettle = cls.env["product.product"].create(
            {
                "name": "Kettle",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": cls.category.id,
                "standard_price": 80.0,
                "spare_part_ids": [Command.set(cls.part.ids)],
            }
        )
        # One unit of company stock, counted in: valued like any receipt.
        cls.company_lot = cls._create_lots(cls.kettle, ["KETTLE-STOCK"])
        cls.env["stock.quant"].create(
            {
                "product_id": cls.kettle.id,
                "lot_id": cls.company_lot.id,
                "location_id": cls.stock_location.id,
                "inventory_quantity": 1.0,
            }
        ).action_apply_inventory()
        cls.customer_lots = cls._create_lots(cls.kettle, [f"KETTLE-C{i}" for i in range(1, 6)])

    def _customer_orders(self, lots=None, **vals):
        """Service orders of the customer's units ``lots`` (all five by default)."""
        return self.Order.create(
            [
                {
                    "partner_id": self.customer.id,
                    "product_id": self.kettle.id,
                    "lot_id": lot.id,
                    "exchange_type": "none",
                    "symptom": "Does not boil",
                    "defect_code_id": self.env.ref("after_sales_service.defect_code_power").id,
                    "defect_cause_id": self.env.ref("after_sales_service.defect_cause_manufacturing").id,
                    **vals,
                }
                for lot in lots or self.customer_lots
            ]
        )

    def _assert_quantities(self, product, expected, **context):
        """Quantities of ``product`` (in the given context) as the
        ``expected`` dict of field -> quantity."""
        product = product.with_context(**context)
        product.invalidate_recordset()
        self.assertEqual({field: product[field] for field in expected}, expected, context)

    def test_service_location_is_outside_the_warehouse(self):
        self.assertEqual(self.service_location.usage, "internal")
        self.assertFalse(self.service_location.warehouse_id)
        self.assertFalse(
            self.service_location.parent_path.startswith(self.warehouse.view_location_id.parent_path)
        )
        self.assertEqual(self.service_location.name, f"{self.warehouse.code} Service")
        # Loaners are company stock of the warehouse, out of what it sells.
        self.assertEqual(self.loaner_location.warehouse_id, self.warehouse)
        self.assertFalse(self.loaner_location.parent_path.startswith(self.stock_location.parent_path))

    def test_customer_units_count_nowhere(self):
        orders = self._customer_orders()
        orders.action_confirm()
        # Units on their way in are not incoming stock.
        expected = {
            "qty_available": 1.0,
            "virtual_available": 1.0,
            "free_qty": 1.0,
            "incoming_qty": 0.0,
            "outgoing_qty": 0.0,
        }
        self._assert_quantities(self.kettle, expected)
        self._assert_quantities(self.kettle, expected, warehouse_id=self.warehouse.id)

        orders.action_receive()
        self.assertEqual(set(orders.mapped("state")), {"received"})
        for lot in self.customer_lots:
            self.assertEqual(self._quantity(lot, self.service_location, owner=self.customer), 1.0)
        self._assert_quantities(self.kettle, expected)
        self._assert_quantities(self.kettle, expected, warehouse_id=self.warehouse.id)
        self._assert_quantities(self.kettle, expected, location=self.stock_location.id)
        self.assertEqual(self.kettle.product_tmpl_id.qty_available, 1.0)
        # Odoo's forecast report of the warehouse.
        header = (
            self.env["stock.forecasted_product_product"]
            .with_context(warehouse_id=self.warehouse.id)
            ._get_report_data(product_ids=self.kettle.ids)
        )
        self.assertEqual((header["quantity_on_hand"], header["virtual_available"]), (1.0, 1.0))

        # Units on their way back are not outgoing stock either.
        returns = orders[:2]._create_transfers(
            "service_out_type_id",
            "return_picking_id",
            lambda o: o._prepare_return_move_vals(own_unit=True),
            validate=False,
        )
        self.assertEqual(returns.move_ids.location_id, self.service_location)
        self._assert_quantities(self.kettle, expected)
        self._assert_quantities(self.kettle, expected, warehouse_id=self.warehouse.id)

    def test_replenishment_ignores_customer_units(self):
        orderpoint = self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.kettle.id,
                "warehouse_id": self.warehouse.id,
                "location_id": self.stock_location.id,
                "product_min_qty": 3.0,
                "product_max_qty": 5.0,
            }
        )
        before = (orderpoint.qty_on_hand, orderpoint.qty_forecast, orderpoint.qty_to_order)
        self.assertEqual(before, (1.0, 1.0, 4.0))
        orders = self._customer_orders()
        orders.action_confirm()
        orders.action_receive()
        orderpoint.invalidate_recordset()
        self.assertEqual((orderpoint.qty_on_hand, orderpoint.qty_forecast, orderpoint.qty_to_order), before)

    def test_customer_units_are_not_valued(self):
        Layer = self.env["stock.valuation.layer"]
        layers = Layer.search([("product_id", "=", self.kettle.id)])
        self.assertEqual(layers.mapped("value"), [80.0])
        orders = self._customer_orders(no_fault_found=True, request_type="inspection")
        orders.action_confirm()
        orders.action_receive()
        self.assertFalse(orders.receipt_picking_id.move_ids.stock_valuation_layer_ids)
        self.assertEqual(Layer.search([("product_id", "=", self.kettle.id)]), layers)
        self.kettle.invalidate_recordset()
        self.assertEqual((self.kettle.quantity_svl, self.kettle.value_svl), (1.0, 80.0))
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.kettle.id), ("location_id.usage", "=", "internal")]
        )
        self.assertEqual(len(quants), 6)
        self.assertEqual(sum(quants.mapped("value")), 80.0)
        self.assertEqual(quants.filtered("owner_id").mapped("value"), [0.0] * 5)

        # Sent back to their owner: still nothing valued.
        orders.action_done()
        orders.action_return()
        self.assertEqual(set(orders.mapped("state")), {"returned"})
        self.assertFalse(orders.return_picking_id.move_ids.stock_valuation_layer_ids)
        self.assertEqual(Layer.search([("product_id", "=", self.kettle.id)]), layers)
        self._assert_quantities(self.kettle, {"qty_available": 1.0, "virtual_available": 1.0})

    def test_repair_of_customer_unit_keeps_stock_true(self):
        lot = self.customer_lots[0]
        order = self._customer_orders(lot)
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        repair = order.repair_ids
        self.assertEqual(repair.product_location_src_id, self.service_location)
        self._add_part(order, 1)
        self._finish_repair(order)
        self.assertEqual((repair.state, order.state), ("done", "done"))
        self.assertEqual(self._quantity(lot, self.service_location, owner=self.customer), 1.0)
        self._assert_quantities(self.kettle, {"qty_available": 1.0, "free_qty": 1.0})
        order.action_return()
        self.assertEqual(order.return_picking_id.state, "done")
        self.assertEqual(self._quantity(lot, self.service_location), 0.0)
        self._assert_quantities(self.kettle, {"qty_available": 1.0, "virtual_available": 1.0})

    def test_loaner_counts_but_is_not_delivered(self):
        # The warehouse's only unit of the product is the loaner (the
        # customer's unit was delivered in the set-up).
        expected = {"qty_available": 1.0, "free_qty": 1.0}
        self._assert_quantities(self.product_serial, expected)
        self._assert_quantities(self.product_serial, expected, warehouse_id=self.warehouse.id)
        self._assert_quantities(self.product_serial, {"free_qty": 0.0}, location=self.stock_location.id)
        delivery = self._prepare_transfer(self.product_serial, 1.0, partner=self.customer)
        self.assertEqual(delivery.state, "confirmed")
        self.assertFalse(delivery.move_ids.move_line_ids)
        self.assertEqual(self._quantity(self.loaner_lot, self.loaner_location), 1.0)

    def test_company_stock_and_customer_units_apart(self):
        """On this database, with its demo data when installed: warehouses
        hold the company's stock, Service locations customers' units, no
        serial is in two places and no unit of a service order is stock."""

        def describe(quants):
            return sorted(
                f"{q.lot_id.name or q.product_id.name}: {q.location_id.complete_name}" for q in quants
            )

        orders = self._customer_orders(self.customer_lots[:2])
        orders.action_confirm()
        orders.action_receive()
        companies = self.env["res.company"].search([]).partner_id
        service_locations = self.env["stock.warehouse"].search([]).service_location_id
        quants = self.env["stock.quant"].search(
            [("location_id.usage", "=", "internal"), ("quantity", "!=", 0)]
        )
        service = quants.filtered(lambda q: q.location_id in service_locations)
        stock = quants.filtered(lambda q: q.location_id.warehouse_id)
        self.assertEqual(describe(stock.filtered(lambda q: q.owner_id - companies)), [])
        self.assertEqual(describe(service.filtered(lambda q: not q.owner_id or q.owner_id in companies)), [])
        self.assertEqual(describe(quants - stock - service), [])
        serials = quants.filtered(lambda q: q.lot_id and q.product_id.tracking == "serial")
        self.assertEqual(describe(serials.filtered(lambda q: q.quantity != 1.0)), [])
        self.assertEqual(describe(serials.filtered(lambda q: q.lot_id in (serials - q).lot_id)), [])
        units = self.Order.search([("lot_id", "!=", False), ("state", "!=", "cancel")]).lot_id
        self.assertEqual(describe(stock.filtered(lambda q: q.lot_id in units)), [])

    def test_new_warehouse_service_location(self):
        warehouse = self.env["stock.warehouse"].create({"name": "Second", "code": "WH2"})
        location = warehouse.service_location_id
        self.assertEqual((location.name, location.usage), ("WH2 Service", "internal"))
        self.assertFalse(location.warehouse_id)
        self.assertEqual(location.location_id, self.env.ref("stock.stock_location_locations"))
        self.assertEqual(warehouse.service_in_type_id.default_location_dest_id, location)
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, location, 1.0, lot_id=self.customer_lots[0], owner_id=self.customer
        )
        self._assert_quantities(self.kettle, {"qty_available": 0.0}, warehouse_id=warehouse.id)
        self._assert_quantities(self.kettle, {"qty_available": 1.0})

        warehouse.code = "WH3"
        self.assertEqual(location.name, "WH3 Service")
        # Archived with its warehouse, but not while it holds customers' units.
        with self.assertRaisesMessage(UserError, "WH3 Service because they still contain products"):
            warehouse.active = False
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, location, -1.0, lot_id=self.customer_lots[0], owner_id=self.customer
        )
        warehouse.active = False
        self.assertFalse(location.active)
        warehouse.active = True
        self.assertTrue(location.active)

    def test_setup_moves_service_location_of_earlier_versions(self):
        # A database set up before: the Service location under the warehouse.
        location = self.service_location
        location.write({"location_id": self.warehouse.view_location_id.id, "name": "Service"})
        self.assertEqual(location.warehouse_id, self.warehouse)
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, location, 1.0, lot_id=self.customer_lots[0], owner_id=self.customer
        )
        self._assert_quantities(self.kettle, {"qty_available": 2.0}, warehouse_id=self.warehouse.id)
        self.env["stock.warehouse"]._after_sales_setup_all()
        self.assertEqual(self.warehouse.service_location_id, location)
        self.assertEqual(location.name, f"{self.warehouse.code} Service")
        self.assertFalse(location.warehouse_id)
        self._assert_quantities(self.kettle, {"qty_available": 1.0}, warehouse_id=self.warehouse.id)
        self._assert_quantities(self.kettle, {"qty_available": 1.0})
        self.assertEqual(self._quantity(self.customer_lots[0], location, owner=self.customer), 1.0)
