from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ServiceAccountingCommon


@tagged("post_install", "-at_install")
class TestServicePostings(ServiceAccountingCommon):
    """Goodwill, paid orders, transport bills, parts returned, average cost."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part.list_price = 60.0
        cls.cogs = cls.part.product_tmpl_id.get_product_accounts()["expense"]
        cls.stock_out = cls.company_data["default_account_stock_out"]
        cls.valuation = cls.company_data["default_account_stock_valuation"]
        cls.return_wizard = cls.env["after_sales.return.part"]

    def _quote(self, order):
        """The customer's quotation from the repair, confirmed."""
        order.action_approve_quotation()
        return order.sale_order_id

    def _invoice(self, order):
        action = order.action_create_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        invoice.invoice_date = fields.Date.today()
        invoice.action_post()
        return invoice

    def _return_parts(self, order, quantity):
        wizard = self.return_wizard.create(
            {"order_id": order.id, "move_id": order.repair_ids.move_ids[:1].id, "quantity": quantity}
        )
        return wizard.action_return()

    def _receive(self, product, quantity, price):
        move = self.env["stock.move"].create(
            {
                "name": "Purchase",
                "product_id": product.id,
                "product_uom_qty": quantity,
                "price_unit": price,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
                "company_id": self.company.id,
            }
        )
        move._action_confirm()
        move.quantity = quantity
        move.picked = True
        move._action_done()

    def test_goodwill_half_parts_labor_and_customer_invoice(self):
        self.company.anglo_saxon_accounting = True
        plan = self.env["account.analytic.plan"].create({"name": "Service"})
        analytic = self.env["account.analytic.account"].create({"name": "Goodwill", "plan_id": plan.id})
        distribution = {str(analytic.id): 100.0}
        order = self._order(self._unit("GW-50", covered=False), analytic_distribution=distribution)
        order.write({"coverage": "goodwill", "goodwill_share": 50.0})
        self._repair(order, parts=2, hours=1.5)
        quotation = self._quote(order)
        # The customer pays half: 2 pumps at 60 and 1.5 h at 80, 50 % off.
        self.assertEqual(quotation.amount_untaxed, 120.0)
        self._end(order)
        self.assertEqual(order.state, "done")
        # Company's share: half of 50 (parts) and of 60 (labor) to goodwill expense.
        goodwill = self.company.after_sales_goodwill_expense_account_id
        self.assertEqual(self._balance(goodwill, order), 55.0)
        self.assertEqual(self._balance(self.company.after_sales_labor_absorption_account_id, order), -30.0)
        self.assertEqual(len(order.cost_move_ids), 1)
        invoice = self._invoice(order)
        self.assertEqual(invoice.after_sales_order_id, order)
        self.assertEqual(invoice.amount_untaxed, 120.0)
        self.assertIn(invoice, order.account_move_ids)
        # The invoice's cost of goods (50) less the company's share (25).
        self.assertEqual(self._balance(self.cogs, order), 25.0)
        self.assertEqual(self._balance(self.stock_out, order), 0.0)
        self.assertEqual(self._balance(self.valuation, order), -50.0)
        order._post_cost_entries()  # a second click posts nothing
        self.assertEqual(len(order.cost_move_ids), 1)
        # Analytics: revenue, cost of goods and goodwill on the order's
        # distribution; stock accounts and labor absorbed without.
        lines = self.env["account.move.line"].search([("move_id", "in", order.account_move_ids.ids)])
        with_analytics = lines.filtered("analytic_distribution")
        self.assertEqual(
            set(with_analytics.mapped(lambda line: str(line.analytic_distribution))), {str(distribution)}
        )
        self.assertEqual(
            set(with_analytics.account_id.mapped("account_type")),
            {"income", "expense"},
        )
        analytic_total = sum(
            self.env["account.analytic.line"]
            .search(
                [(plan._column_name(), "=", analytic.id), ("general_account_id.account_type", "!=", "income")]
            )
            .mapped("amount")
        )
        # The order costs the company: parts 50 + half the labor (30).
        self.assertEqual(analytic_total, -80.0)

    def test_goodwill_parts_continental(self):
        self.company.anglo_saxon_accounting = False
        order = self._order(self._unit("GW-60", covered=False))
        order.write({"coverage": "goodwill", "goodwill_share": 60.0})
        self._repair(order, parts=2, hours=0)
        self._end(order)
        # Without an invoice's cost of goods, the company's share of the
        # parts' cost leaves the stock output account for goodwill expense.
        self.assertEqual(self._balance(self.company.after_sales_goodwill_expense_account_id, order), 30.0)
        self.assertEqual(self._balance(self.stock_out, order), 20.0)

    def test_goodwill_in_full_needs_no_invoice(self):
        self.company.anglo_saxon_accounting = True
        order = self._order(self._unit("GW-100", covered=False))
        order.write({"coverage": "goodwill", "goodwill_share": 100.0})
        repair = self._repair(order, parts=2, hours=1.0)
        # Nothing is sold: the parts go to the Warranty consumption location.
        self.assertEqual(repair.picking_type_id, self.warehouse.warranty_repair_type_id)
        self._end(order)
        goodwill = self.company.after_sales_goodwill_expense_account_id
        self.assertEqual(self._balance(goodwill, order), 90.0)
        self.assertEqual(self._balance(self.company.after_sales_parts_expense_account_id, order), 0.0)
        self.assertEqual(self._balance(self.stock_out, order), 0.0)
        self.assertEqual(self._balance(self.valuation, order), -50.0)
        # A part returned comes back off goodwill expense.
        self._return_parts(order, 1)
        self.assertEqual(self._balance(goodwill, order), 65.0)
        self.assertEqual(self._balance(self.company.after_sales_parts_expense_account_id, order), 0.0)

    def test_paid_order_invoice_and_cost_of_goods(self):
        self.company.anglo_saxon_accounting = True
        order = self._order(self._unit("PAID-INV", covered=False))
        self._repair(order, parts=2, hours=2.0)
        self._quote(order)
        self._end(order)
        self.assertFalse(order.cost_move_ids)
        invoice = self._invoice(order)
        self.assertEqual(invoice.amount_untaxed, 2 * 60.0 + 2 * 80.0)
        self.assertEqual(invoice.partner_id, self.customer)
        income = invoice.invoice_line_ids.account_id
        self.assertEqual(income.mapped("account_type"), ["income"])
        self.assertEqual(self._balance(self.cogs, order), 50.0)
        self.assertEqual(self._balance(self.stock_out, order), 0.0)
        lines = self.env["account.move.line"].search([("after_sales_order_id", "=", order.id)])
        self.assertEqual(set(lines.mapped("after_sales_coverage")), {"paid"})

    def test_invoice_guards(self):
        order = self._order(self._unit("INV-GUARD", covered=False))
        self._repair(order, parts=1, hours=0)
        with self.assertRaisesMessage(UserError, "Finish .* before invoicing it"):
            order.action_create_invoice()
        self._end(order)
        with self.assertRaisesMessage(UserError, "Have the customer approve quotation .* before invoicing"):
            order.action_create_invoice()
        self.assertFalse(order.sale_order_id.invoice_ids)

    def test_transport_bill_on_warranty_order(self):
        plan = self.env["account.analytic.plan"].create({"name": "Service"})
        analytic = self.env["account.analytic.account"].create({"name": "Couriers", "plan_id": plan.id})
        order = self._order(self._unit("TRANS-1"), analytic_distribution={str(analytic.id): 100})
        order.transport_cost = 30.0  # the estimate, until the bill
        order.action_confirm()
        courier = self.env["res.partner"].create({"name": "Courier"})
        action = order.action_create_transport_bill()
        with Form(self.env["account.move"].with_context(**action["context"])) as bill_form:
            bill_form.partner_id = courier
            bill_form.invoice_date = fields.Date.today()
            with bill_form.invoice_line_ids.new() as line:
                line.name = "Pick-up and return"
                line.price_unit = 35.0
                line.tax_ids.clear()
        bill = bill_form.save()
        self.assertEqual(bill.after_sales_order_id, order)
        transport = self.company.after_sales_transport_expense_account_id
        self.assertEqual(bill.invoice_line_ids.account_id, transport)
        self.assertEqual(bill.invoice_line_ids.analytic_distribution, {str(analytic.id): 100})
        self.assertEqual(order.transport_cost, 30.0)
        bill.action_post()
        self.assertEqual(order.bill_ids, bill)
        self.assertEqual(order.transport_cost, 35.0)
        self.assertIn(bill, order.account_move_ids)
        self.assertEqual(self._balance(transport, order), 35.0)
        # A posted bill keeps its order and accounts.
        with self.assertRaisesMessage(UserError, "to a service order while it is a draft"):
            bill.after_sales_order_id = False
        self.assertEqual(bill.after_sales_order_id, order)

    def test_transport_bill_linked_later_and_paid_order(self):
        courier = self.env["res.partner"].create({"name": "Courier"})
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": courier.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [Command.create({"name": "Freight", "price_unit": 20.0, "tax_ids": []})],
            }
        )
        expense = bill.invoice_line_ids.account_id  # the purchase journal's default
        self.assertNotEqual(expense, self.company.after_sales_transport_expense_account_id)
        warranty_order = self._order(self._unit("TRANS-2"))
        bill.after_sales_order_id = warranty_order
        self.assertEqual(
            bill.invoice_line_ids.account_id, self.company.after_sales_transport_expense_account_id
        )
        # On a paid order the customer pays the transport: the bill keeps its account.
        paid_order = self._order(self._unit("TRANS-3", covered=False))
        bill.after_sales_order_id = paid_order
        self.assertEqual(bill.invoice_line_ids.account_id, expense)

    def test_parts_returned_to_stock_reverse_their_cost(self):
        plan = self.env["account.analytic.plan"].create({"name": "Service"})
        analytic = self.env["account.analytic.account"].create({"name": "Returns", "plan_id": plan.id})
        order = self._order(self._unit("RET-1"), analytic_distribution={str(analytic.id): 100})
        self._repair(order, parts=2, hours=0)
        parts_expense = self.company.after_sales_parts_expense_account_id
        stock = self.warehouse.lot_stock_id
        with self.assertRaisesMessage(UserError, "from finished orders only"):
            self._return_parts(order, 1)  # not finished yet
        self._end(order)
        self.assertEqual(self.part.with_context(location=stock.id).qty_available, 8.0)
        wizard = self.return_wizard.with_context(
            active_model="after_sales.service.order", active_id=order.id
        ).create({"move_id": order.repair_ids.move_ids.id, "quantity": 1.0})
        self.assertEqual(wizard.quantity_returnable, 2.0)
        wizard.action_return()
        self.assertEqual(self.part.with_context(location=stock.id).qty_available, 9.0)
        self.assertEqual(self._balance(parts_expense, order), 25.0)
        self.assertEqual(self._balance(self.valuation, order), -25.0)
        self.assertEqual(order.parts_cost, 25.0)
        credit = self.env["account.move.line"].search(
            [
                ("after_sales_order_id", "=", order.id),
                ("account_id", "=", parts_expense.id),
                ("balance", "<", 0),
            ]
        )
        self.assertEqual(credit.analytic_distribution, {str(analytic.id): 100})
        # More than what is left is refused; nothing moves.
        with self.assertRaisesMessage(UserError, "Only 1.0 .* of Pump can go back to stock"):
            self._return_parts(order, 2)
        with self.assertRaisesMessage(UserError, "quantity to return must be positive"):
            self._return_parts(order, 0)
        self.assertEqual(self.part.with_context(location=stock.id).qty_available, 9.0)
        self.assertEqual(order.parts_cost, 25.0)

    def test_goodwill_parts_returned_adjust_the_goodwill_entry(self):
        self.company.anglo_saxon_accounting = True
        order = self._order(self._unit("RET-GW", covered=False))
        order.write({"coverage": "goodwill", "goodwill_share": 50.0})
        self._repair(order, parts=2, hours=0)
        self._end(order)
        goodwill = self.company.after_sales_goodwill_expense_account_id
        self.assertEqual(self._balance(goodwill, order), 25.0)
        self._return_parts(order, 1)
        self.assertEqual(self._balance(goodwill, order), 12.5)
        self.assertEqual(len(order.cost_move_ids), 2)
        self.assertEqual(order.parts_cost, 25.0)

    def test_average_cost_parts(self):
        category = self.parts_category.copy({"name": "Parts (average)", "property_cost_method": "average"})
        valve = self.env["product.product"].create(
            {"name": "Valve", "is_storable": True, "categ_id": category.id, "standard_price": 10.0}
        )
        self._receive(valve, 1, 20.0)
        self._receive(valve, 1, 40.0)
        self.assertEqual(valve.standard_price, 30.0)
        order = self._order(self._unit("AVCO-1"))
        self._repair(order, parts=1, hours=0, part=valve)
        self._end(order)
        self.assertEqual(self._balance(self.company.after_sales_parts_expense_account_id, order), 30.0)
        self.assertEqual(order.parts_cost, 30.0)
        self._return_parts(order, 1)
        self.assertEqual(self._balance(self.company.after_sales_parts_expense_account_id, order), 0.0)
        self.assertEqual(valve.with_context(location=self.warehouse.lot_stock_id.id).qty_available, 2.0)

    def test_parts_cost_per_line(self):
        """The Parts tab values each line: the product's cost while planned,
        the stock valuation once used, less the parts returned since; the
        used lines add up to the order's parts cost."""
        category = self.parts_category.copy({"name": "Parts (FIFO)"})
        valve = self.env["product.product"].create(
            {"name": "Valve", "is_storable": True, "categ_id": category.id}
        )
        gasket = self.env["product.product"].create(
            {"name": "Gasket", "is_storable": True, "categ_id": category.id}
        )
        self._receive(valve, 1, 20.0)
        self._receive(valve, 2, 35.0)
        self._receive(gasket, 24, 0.5)
        # The products' costs now; FIFO will take the two valves at 20 and 35.
        valve.standard_price = 40.0
        gasket.standard_price = 0.5
        order = self._order(self._unit("PER-LINE"))
        repair = self._repair(order, parts=2, hours=0, part=valve)
        dozen = self.env.ref("uom.product_uom_dozen")
        self.env["stock.move"].create(
            {
                "repair_id": repair.id,
                "product_id": gasket.id,
                "product_uom": dozen.id,
                "product_uom_qty": 1,
                "repair_line_type": "add",
            }
        )
        valve_line = order.part_move_ids.filtered(lambda m: m.product_id == valve)
        gasket_line = order.part_move_ids - valve_line
        # Planned: the product's cost, per product unit (1 dozen = 12 units).
        self.assertEqual(valve_line.after_sales_value, 80.0)
        self.assertEqual(gasket_line.after_sales_value, 6.0)
        self.assertEqual(valve_line.after_sales_currency_id, self.company.currency_id)
        self.assertEqual(order.parts_cost, 0.0)
        self._end(order)
        self.assertEqual(set(order.part_move_ids.mapped("state")), {"done"})
        # Used: the stock valuation (FIFO layers), also for a technician, who
        # cannot read valuation layers.
        lines = order.with_user(self.technician).part_move_ids
        self.assertEqual({(m.product_id, m.after_sales_value) for m in lines}, {(valve, 55.0), (gasket, 6.0)})
        self.assertEqual(order.parts_cost, 61.0)
        self.assertEqual(sum(lines.mapped("after_sales_value")), order.parts_cost)
        self.assertEqual(self._balance(self.company.after_sales_parts_expense_account_id, order), 61.0)
        # A valve returned to stock (valued at the line's average, 27.5)
        # comes off its line and off the order.
        self.return_wizard.create(
            {"order_id": order.id, "move_id": valve_line.id, "quantity": 1}
        ).action_return()
        self.assertEqual(order.parts_cost, 33.5)
        self.assertEqual(valve_line.after_sales_value, 27.5)
        self.assertEqual(sum(order.part_move_ids.mapped("after_sales_value")), order.parts_cost)

    def test_manual_valuation_posts_nothing_but_shows_cost(self):
        category = self.env["product.category"].create(
            {"name": "Parts (manual)", "property_valuation": "manual_periodic"}
        )
        seal = self.env["product.product"].create(
            {"name": "Seal", "is_storable": True, "categ_id": category.id, "standard_price": 4.0}
        )
        self.env["stock.quant"]._update_available_quantity(seal, self.warehouse.lot_stock_id, 5)
        order = self._order(self._unit("MANUAL-1"))
        self._repair(order, parts=3, hours=0, part=seal)
        self._end(order)
        self.assertEqual(order.parts_cost, 12.0)
        self.assertFalse(order.account_move_ids)

    def test_labor_recorded_after_done_posts_the_difference(self):
        order = self._order(self._unit("LATE-1"))
        self._repair(order, parts=0, hours=1.0)
        self._end(order)
        labor_expense = self.company.after_sales_labor_expense_account_id
        self.assertEqual(self._balance(labor_expense, order), 40.0)
        late = self.env["after_sales.service.labor"].create(
            {"order_id": order.id, "name": "Test run", "hours": 0.5}
        )
        self.assertEqual(self._balance(labor_expense, order), 60.0)
        self.assertEqual(len(order.cost_move_ids), 2)
        late.unlink()
        self.assertEqual(self._balance(labor_expense, order), 40.0)
        self.assertEqual(self._balance(self.company.after_sales_labor_absorption_account_id, order), -40.0)
        # Cancelling reverses every entry still standing.
        order.action_cancel()
        self.assertEqual(self._balance(labor_expense, order), 0.0)
        order._post_cost_entries()
        self.assertEqual(self._balance(labor_expense, order), 0.0)

    def test_roles(self):
        """Technicians return parts and record late labor; accountants bill
        transport for an order they cannot change."""
        order = self._order(self._unit("ROLE-1"))
        self._repair(order, parts=2, hours=1.0)
        self._end(order)
        as_technician = order.with_user(self.technician)
        self.return_wizard.with_user(self.technician).create(
            {"order_id": order.id, "move_id": order.repair_ids.move_ids.id, "quantity": 1.0}
        ).action_return()
        self.env["after_sales.service.labor"].with_user(self.technician).create(
            {"order_id": order.id, "name": "Final check", "hours": 0.5}
        )
        self.assertEqual(as_technician.parts_cost, 25.0)
        self.assertEqual(self._balance(self.company.after_sales_parts_expense_account_id, order), 25.0)
        self.assertEqual(self._balance(self.company.after_sales_labor_expense_account_id, order), 60.0)
        with self.assertRaisesMessage(
            AccessError, r"not allowed to create 'Journal Entry' \(account\.move\)"
        ):
            self.env["account.move"].with_user(self.technician).create(
                {"move_type": "in_invoice", "partner_id": self.customer.id, "after_sales_order_id": order.id}
            )
        action = order.with_user(self.accountant).action_create_transport_bill()
        bill = (
            self.env["account.move"]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [
                        Command.create({"name": "Courier", "price_unit": 12.0, "tax_ids": []})
                    ],
                }
            )
        )
        bill.action_post()
        self.assertEqual(
            bill.invoice_line_ids.account_id, self.company.after_sales_transport_expense_account_id
        )
        self.assertEqual(order.transport_cost, 12.0)
        with self.assertRaisesMessage(
            AccessError, r"not allowed to modify 'Service Order' \(after_sales\.service\.order\)"
        ):
            order.with_user(self.accountant).write({"symptom": "changed"})

    def test_analytic_default_from_category_then_company(self):
        plan = self.env["account.analytic.plan"].create({"name": "Lines"})
        company_line, category_line = self.env["account.analytic.account"].create(
            [{"name": "All service", "plan_id": plan.id}, {"name": "Espresso", "plan_id": plan.id}]
        )
        self.company.after_sales_analytic_distribution = {str(company_line.id): 100.0}
        self.assertEqual(
            self._order(self._unit("ANA-1")).analytic_distribution, {str(company_line.id): 100.0}
        )
        parent = self.env["product.category"].create(
            {"name": "Machines", "after_sales_analytic_distribution": {str(category_line.id): 100.0}}
        )
        self.unit.categ_id = self.env["product.category"].create({"name": "Espresso", "parent_id": parent.id})
        order = self._order(self._unit("ANA-2"))
        self.assertEqual(order.analytic_distribution, {str(category_line.id): 100.0})
        self._repair(order, parts=0, hours=1.0)
        self._end(order)
        expense = order.cost_move_ids.line_ids.filtered(lambda line: line.balance > 0)
        self.assertEqual(expense.analytic_distribution, {str(category_line.id): 100.0})
