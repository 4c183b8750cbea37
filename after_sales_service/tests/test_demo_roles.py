"""The demo users, one per role, open what their role shows them as the web
client does (the form's own read, its stat buttons, its reports) and meet no
access error. With demo data the demo users and orders are checked; without
it, users with the same groups. Orders in every state are built here in both
cases, so the test means the same on a database without demo data."""

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import ServiceOrderCommon

# The groups of each demo user (login = password), as
# demo/after_sales_users_demo.xml sets them on user_<login>.
# The After-Sales user implies Inventory user (transfers, repairs and their
# parts) and Sales user (quotations of paid repairs).
SERVICE_STAFF = ("base.group_user", "after_sales_service.group_after_sales_user", "stock.group_stock_user")
DEMO_ROLES = {
    "aftersales_desk": SERVICE_STAFF,
    "aftersales_tech": SERVICE_STAFF,
    "aftersales_manager": ("base.group_user", "after_sales_service.group_after_sales_manager"),
    "aftersales_accountant": ("base.group_user", "account.group_account_user"),
    "aftersales_stock": ("base.group_user", "stock.group_stock_user"),
}
# Not a demo user: Invoicing alone, who opens an order from a vendor bill.
OTHER_ROLES = {"aftersales_billing": ("base.group_user", "account.group_account_invoice")}
EDITORS = ("aftersales_desk", "aftersales_tech", "aftersales_manager")
READERS = (*EDITORS, "aftersales_accountant", "aftersales_billing")
# Invoicing alone reads service orders, not warranty registrations (see
# test_access_matrix): it prints the order's papers, which name the warranty,
# but does not open the registration.
NO_REGISTRATIONS = ("aftersales_billing",)
ACCESS_PATTERN = r"not allowed to|doesn't have '\w+' access to"


@tagged("post_install", "-at_install")
class TestDemoRoles(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = bool(cls.env.ref("after_sales_service.user_aftersales_tech", raise_if_not_found=False))
        cls.users = {}
        for login, groups in {**DEMO_ROLES, **OTHER_ROLES}.items():
            user = cls.env.ref(f"after_sales_service.user_{login}", raise_if_not_found=False)
            cls.users[login] = user or new_test_user(
                cls.env, login=login, password=login, groups=",".join(groups), company_id=cls.company.id
            )
        cls.tech = cls.users["aftersales_tech"]
        cls.orders = cls._build_orders()
        if cls.demo:
            demo_orders = cls.env["ir.model.data"].search(
                [("module", "=", "after_sales_service"), ("model", "=", cls.Order._name)]
            )
            cls.orders |= cls.Order.browse(demo_orders.mapped("res_id"))

    @classmethod
    def _build_orders(cls):
        """An order in each state, worked by the technician, with a part,
        labor, a loaner and a posted transport bill."""
        names = ("DRAFT", "CONFIRMED", "RECEIVED", "REPAIR", "DONE", "RETURNED", "CANCEL")
        lots = cls._create_lots(cls.product_serial, [f"ROLE-{name}" for name in names])
        cls._deliver(cls.customer, cls.product_serial, lots=lots)
        draft, confirmed, received, repair, done, returned, cancel = (
            cls._order(lot=lot, exchange_type="none", user_id=cls.tech.id) for lot in lots
        )
        received.exchange_type = "loaner"
        received.loaner_lot_id = cls.loaner_lot
        (confirmed | received | repair | done | returned | cancel).action_confirm()
        (received | repair | done | returned).action_receive()
        (repair | done | returned).action_start_repair()
        Labor = cls.env["after_sales.service.labor"]
        for order in repair | done | returned:
            cls.env["stock.move"].create(
                {
                    "repair_id": order.repair_ids.id,
                    "product_id": cls.part.id,
                    "product_uom_qty": 1,
                    "repair_line_type": "add",
                }
            )
            Labor.create(
                {"order_id": order.id, "user_id": cls.tech.id, "name": "Pump replaced", "hours": 1.0}
            )
        for order in done | returned:
            order.repair_ids.action_assign()
            order.repair_ids.move_ids.picked = True
            order.repair_ids.action_repair_end()
        returned.action_return()
        cancel.action_cancel()
        courier = cls.env["res.partner"].create({"name": "Role Couriers"})
        bill = cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": courier.id,
                "invoice_date": "2026-01-15",
                "after_sales_order_id": done.id,
                "invoice_line_ids": [
                    Command.create({"name": "Pick-up", "quantity": 1, "price_unit": 30.0, "tax_ids": []})
                ],
            }
        )
        bill.action_post()
        cls.done_order = done
        return draft | confirmed | received | repair | done | returned | cancel

    def _open_order(self, order, login):
        """The order's form as ``login``'s client loads it, then its stat
        buttons, its repairs, transfers and bills, its warranty, its printouts."""
        user = self.users[login]
        order = order.with_user(user)
        form = Form(order)
        self.assertEqual(form.name, order.name)
        arch = etree.fromstring(order.get_views([(False, "form")])["views"]["form"]["arch"])
        for name in arch.xpath("//div[@name='button_box']/button[@type='object']/@name"):
            self._open_action(user, getattr(order, name)())
        # Its Repairs page and Transfers are for everyone, its bills for billing.
        bills = order.bill_ids if user.has_group("account.group_account_invoice") else order.bill_ids.browse()
        for record in (*order.repair_ids, *order.picking_ids, *bills):
            Form(record)
        if order.warranty_id and login not in NO_REGISTRATIONS:
            Form(order.warranty_id)
        if order.state != "draft":
            order.action_print_intake()
            self.env["ir.actions.report"].with_user(user)._render_qweb_html(
                "after_sales_service.action_report_service_intake", order.ids
            )
        if order.state in ("done", "returned"):
            self.env["ir.actions.report"].with_user(user)._render_qweb_html(
                "after_sales_service.action_report_service_completion", order.ids
            )

    def _open_action(self, user, action):
        """A window action as the client opens it: its form, or its list."""
        Model = self.env[action["res_model"]].with_user(user)
        if action.get("res_id"):
            Form(Model.browse(action["res_id"]))
            return
        view_id = {view_type: view for view, view_type in action.get("views", [])}.get("list", False)
        views = Model.get_views([(view_id, "list")])
        records = Model.search_read(action["domain"], list(views["models"][Model._name]["fields"]))
        self.assertIsInstance(records, list)

    def test_demo_users_have_their_role(self):
        for login, groups in {**DEMO_ROLES, **OTHER_ROLES}.items():
            user = self.users[login]
            with self.subTest(login=login):
                self.assertEqual(user.login, login)
                self.assertEqual(user.company_id, self.env.ref("base.main_company"))
                self.assertTrue(all(user.has_group(group) for group in groups))
                # login = password, as Odoo's demo/demo
                self.env["res.users"].with_user(user)._check_credentials(
                    {"type": "password", "password": login}, {"interactive": False}
                )
        users = self.users
        for login in EDITORS:
            self.assertTrue(users[login].has_group("after_sales_service.group_after_sales_user"))
        self.assertTrue(
            users["aftersales_manager"].has_group("after_sales_service.group_after_sales_manager")
        )
        self.assertFalse(users["aftersales_tech"].has_group("after_sales_service.group_after_sales_manager"))
        for login in ("aftersales_accountant", "aftersales_billing", "aftersales_stock"):
            self.assertFalse(users[login].has_group("after_sales_service.group_after_sales_user"), login)
        self.assertFalse(users["aftersales_stock"].has_group("account.group_account_invoice"))
        self.assertTrue(users["aftersales_accountant"].has_group("account.group_account_readonly"))

    def test_orders_worked_by_the_technician(self):
        assigned = self.orders.filtered("user_id")
        self.assertGreaterEqual(len(assigned), 6)
        self.assertEqual(assigned.user_id, self.tech)
        self.assertTrue(assigned.labor_line_ids)
        self.assertEqual(self.orders.labor_line_ids.user_id, self.tech)
        self.assertEqual(assigned.repair_ids.user_id, self.tech)
        if self.demo:
            demo_order = self.env.ref("after_sales_service.demo_service_in_repair")
            self.assertIn(demo_order, assigned)

    def test_every_role_opens_every_order(self):
        self.assertEqual(set(self.orders.mapped("state")), set(dict(self.Order._fields["state"].selection)))
        for login in READERS:
            for order in self.orders:
                with self.subTest(login=login, order=order.name, state=order.state):
                    self._open_order(order, login)

    def test_accountant_opens_the_entries_of_orders(self):
        accountant = self.users["aftersales_accountant"]
        moves = self.orders.account_move_ids
        self.assertTrue(moves.filtered(lambda m: m.move_type == "in_invoice"))
        self.assertTrue(moves.filtered(lambda m: m.move_type == "entry"))
        for move in moves:
            with self.subTest(move=move.name):
                form = Form(move.with_user(accountant))
                self.assertEqual(form.name, move.name)

    def test_manager_claims_and_accountant_follows(self):
        manager = self.users["aftersales_manager"]
        vendor = self.env["res.partner"].create({"name": "Pump Vendor", "is_company": True})
        action = self.done_order.with_user(manager).action_create_supplier_claim()
        with Form.from_action(self.env(user=manager), action) as form:
            form.partner_id = vendor
        claims = self.env["after_sales.supplier.claim"].search([("service_order_ids", "in", self.orders.ids)])
        self.assertIn(form.record, claims)
        for login in ("aftersales_manager", "aftersales_accountant"):
            for claim in claims:
                with self.subTest(login=login, claim=claim.name):
                    Form(claim.with_user(self.users[login]))

    def test_editors_save_the_form(self):
        for login in EDITORS:
            for order in self.orders.filtered(lambda o: o.state not in ("returned", "cancel")):
                user = self.users[login]
                with self.subTest(login=login, order=order.name), Form(order.with_user(user)) as form:
                    form.condition = f"Checked by {login}"
                self.assertEqual(order.condition, f"Checked by {login}")

    def test_technician_works_the_repair(self):
        orders = self.orders.filtered(lambda o: o.state == "in_repair")
        self.assertTrue(orders)
        for order in orders.with_user(self.tech):
            with self.subTest(order=order.name):
                with Form(order) as form:
                    with form.labor_line_ids.new() as line:
                        line.name = "Leak test"
                        line.hours = 0.5
                    # What failed and why: finishing the repair needs it.
                    form.defect_code_id = form.defect_code_id or self.env.ref(
                        "after_sales_service.defect_code_mechanical"
                    )
                    form.defect_cause_id = self.env.ref("after_sales_service.defect_cause_manufacturing")
                self.assertEqual(order.labor_line_ids[-1].user_id, self.tech)
                AddPart = self.env["after_sales.add.part"].with_user(self.tech)
                wizard = Form(AddPart.with_context(default_order_id=order.id))
                wizard.product_id = order.product_id.spare_part_ids[:1]
                wizard.save().action_add()
                repair = order.repair_ids.filtered(lambda r: r.state == "under_repair")
                Form(repair)
                repair.action_assign()
                repair.move_ids.picked = True
                repair.action_repair_end()
                self.assertEqual(order.state, "done")

    def test_inventory_user_validates_receipts_not_orders(self):
        stock_user = self.users["aftersales_stock"]
        orders = self.orders.filtered(lambda o: o.state == "confirmed")
        self.assertTrue(orders)
        for order in orders:
            with self.subTest(order=order.name):
                with self.assertRaisesMessage(AccessError, ACCESS_PATTERN):
                    order.with_user(stock_user).read(["name"])
                receipt = order.receipt_picking_id.with_user(stock_user)
                self.assertEqual(receipt.picking_type_id, order.warehouse_id.service_in_type_id)
                Form(receipt)
                self.assertIs(receipt.button_validate(), True)
                self.assertEqual(receipt.state, "done")
                self.assertEqual(order.state, "received")
