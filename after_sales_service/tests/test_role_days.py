"""Each role's day in Chromium, as the role's demo user (or a user with the
same groups on a database without demo data), each tour ending in a state
checked here: stock where it belongs, the order where it should be, the
invoice posted with the right amount."""

from odoo.tests import HttpCase, new_test_user, tagged

from .test_demo_roles import DEMO_ROLES

ORDER_URL = "/odoo/action-after_sales_service.after_sales_service_order_action"


@tagged("post_install", "-at_install")
class TestRoleDays(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.users = {}
        for login, groups in DEMO_ROLES.items():
            user = env.ref(f"after_sales_service.user_{login}", raise_if_not_found=False)
            cls.users[login] = user or new_test_user(
                env, login=login, password=login, groups=",".join(groups), company_id=cls.company.id
            )
        cls.warehouse = env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.company._after_sales_setup_accounts()
        cls.company.after_sales_labor_product_id = env["product.product"].create(
            {"name": "Tour workshop hour", "type": "service", "standard_price": 40.0, "list_price": 80.0}
        )
        cls.term = env["after_sales.warranty.term"].create(
            {"name": "Tour 24 with loaner", "duration": 24, "exchange_type": "loaner"}
        )
        cls.pump = env["product.product"].create(
            {"name": "Tour Pump", "is_storable": True, "standard_price": 25.0, "list_price": 60.0}
        )
        cls.product = env["product.product"].create(
            {
                "name": "Tour Espresso",
                "is_storable": True,
                "tracking": "serial",
                "warranty_term_id": cls.term.id,
                "spare_part_ids": [(6, 0, cls.pump.ids)],
            }
        )
        env["stock.quant"]._update_available_quantity(cls.pump, cls.warehouse.lot_stock_id, 10.0)
        cls.customer = env["res.partner"].create({"name": "Desk Customer"})

    def _unit(self, name, covered=True):
        lot = self.env["stock.lot"].create({"name": name, "product_id": self.product.id})
        if covered:
            self.env["after_sales.warranty"].create(
                {"partner_id": self.customer.id, "product_id": self.product.id, "lot_id": lot.id}
            )
        return lot

    def _order(self, lot, **vals):
        return self.env["after_sales.service.order"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.product.id,
                "lot_id": lot.id,
                "symptom": "Does not heat",
                **vals,
            }
        )

    def _in_repair_with_a_part(self, name):
        order = self._order(self._unit(name, covered=False))
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self.env["after_sales.add.part"].create(
            {"order_id": order.id, "product_id": self.pump.id, "quantity": 1.0}
        ).action_add()
        order.write(
            {
                "defect_code_id": self.env.ref("after_sales_service.defect_code_mechanical").id,
                "defect_cause_id": self.env.ref("after_sales_service.defect_cause_manufacturing").id,
            }
        )
        return order

    def _pump_in_stock(self):
        return self.pump.with_context(warehouse_id=self.warehouse.id).qty_available

    def test_desk_day(self):
        self._unit("DESK-SN-1")
        loaner = self.env["stock.lot"].create({"name": "DESK-LOANER-1", "product_id": self.product.id})
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.warehouse.loaner_location_id, 1.0, lot_id=loaner
        )
        self.start_tour(ORDER_URL, "after_sales_desk_intake", login="aftersales_desk")
        order = self.env["after_sales.service.order"].search([("lot_id.name", "=", "DESK-SN-1")])
        self.assertEqual((order.state, order.coverage, order.loaner_state), ("received", "warranty", "out"))
        self.assertEqual(order.create_uid, self.users["aftersales_desk"])
        Quant = self.env["stock.quant"]
        self.assertEqual(
            Quant._get_available_quantity(
                self.product, self.warehouse.service_location_id, lot_id=order.lot_id, owner_id=self.customer
            ),
            1.0,
            "the customer's unit waits in Service, still the customer's",
        )
        self.assertEqual(order.loaner_issue_picking_id.state, "done")

        paid = self._in_repair_with_a_part("DESK-PAID-1")
        self.start_tour(f"{ORDER_URL}/{paid.id}", "after_sales_desk_quotation", login="aftersales_desk")
        self.assertEqual(paid.sale_order_id.state, "sale")
        self.assertEqual(paid.customer_amount, 60.0)

    def test_technician_day(self):
        order = self._order(
            self._unit("TECH-SN-1"), exchange_type="none", user_id=self.users["aftersales_tech"].id
        )
        order.action_confirm()
        order.action_receive()
        before = self._pump_in_stock()
        self.start_tour(f"{ORDER_URL}/{order.id}", "after_sales_technician_repair", login="aftersales_tech")
        self.assertEqual(order.state, "done")
        self.assertEqual(order.repair_ids.state, "done")
        self.assertEqual(order.labor_line_ids.hours, 1.5)
        self.assertEqual(self._pump_in_stock(), before - 1.0, "the part left stock")
        self.assertEqual(order.parts_cost, 25.0)
        self.assertFalse(order.sale_order_id, "the warranty pays: nothing quoted")
        self.assertEqual(
            (order.defect_code_id.code, order.defect_cause_id.cause_type, order.failed_product_id.name),
            ("LEAK", "manufacturing", "Tour Pump"),
            "the technician recorded what failed, why, and which part",
        )

    def test_manager_day(self):
        order = self._order(self._unit("MGR-SN-1", covered=False))
        self.assertEqual(order.coverage, "paid")
        self.start_tour(f"{ORDER_URL}/{order.id}", "after_sales_manager_goodwill", login="aftersales_manager")
        self.assertEqual((order.coverage, order.goodwill_share, order.state), ("goodwill", 50.0, "confirmed"))

    def test_accountant_day(self):
        order = self._in_repair_with_a_part("ACC-SN-1")
        order.action_approve_quotation()
        repair = order.repair_ids
        repair.action_assign()
        repair.move_ids.picked = True
        repair.action_repair_end()
        self.assertEqual(order.state, "done")
        self.start_tour(
            f"{ORDER_URL}/{order.id}", "after_sales_accountant_invoice", login="aftersales_accountant"
        )
        invoice = order.invoice_ids
        self.assertEqual((invoice.state, invoice.move_type), ("posted", "out_invoice"))
        self.assertEqual(invoice.amount_untaxed, 60.0)
        self.assertEqual(invoice.amount_untaxed, order.customer_amount)
        self.assertFalse(order.can_invoice)
        # The month's service costs, then its warranty provision.
        self.start_tour(
            "/odoo/action-after_sales_service.after_sales_cost_action",
            "after_sales_accountant_costs",
            login="aftersales_accountant",
        )
        self.product.categ_id = self.env["product.category"].create({"name": "Tour appliances"})
        self._unit("ACC-SN-2")
        Provision = self.env["after_sales.warranty.provision"]
        self.start_tour(
            "/odoo/action-after_sales_service.after_sales_warranty_provision_action",
            "after_sales_warranty_provision",
            login="aftersales_accountant",
        )
        provision = Provision.search([("create_uid", "=", self.users["aftersales_accountant"].id)])
        self.assertEqual((provision.state, provision.move_id.state), ("posted", "posted"))
        self.assertTrue(provision.line_ids.filtered(lambda line: line.categ_id.name == "Tour appliances"))

    def test_stock_day(self):
        order = self._order(self._unit("STK-SN-1"), exchange_type="none", transport_mode="courier")
        order.action_confirm()
        receipt = order.receipt_picking_id
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "after_sales_stock_receipt",
            login="aftersales_stock",
        )
        self.assertEqual(receipt.state, "done")
        self.assertEqual(order.state, "received")
