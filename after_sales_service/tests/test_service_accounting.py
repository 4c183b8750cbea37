import ast

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.stock_account.tests.test_anglo_saxon_valuation_reconciliation_common import (
    ValuationReconciliationTestCommon,
)

from .common import ExpectedErrorMixin


class ServiceAccountingCommon(ExpectedErrorMixin, ValuationReconciliationTestCommon):
    """A company with a real chart of accounts (AccountTestInvoicingCommon, with
    stock valuation accounts), its after-sales accounts, parts valued in real time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, skip_sms=True, tracking_disable=True))
        cls.company = cls.company_data["company"]
        cls.env.user.groups_id += cls.env.ref("stock_account.group_stock_accounting_automatic")
        cls.env.user.groups_id += cls.env.ref("after_sales_service.group_after_sales_manager")
        cls.company._after_sales_setup_accounts()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.customers = cls.env.ref("stock.stock_location_customers")

        cls.parts_category = cls.env["product.category"].create(
            {
                "name": "Spare parts (real time)",
                "property_valuation": "real_time",
                "property_cost_method": "fifo",
                "property_stock_valuation_account_id": cls.company_data["default_account_stock_valuation"].id,
                "property_stock_account_input_categ_id": cls.company_data["default_account_stock_in"].id,
                "property_stock_account_output_categ_id": cls.company_data["default_account_stock_out"].id,
            }
        )
        cls.part = cls.env["product.product"].create(
            {"name": "Pump", "is_storable": True, "standard_price": 25.0, "categ_id": cls.parts_category.id}
        )
        cls.labor = cls.env["product.product"].create(
            {"name": "Workshop hour", "type": "service", "standard_price": 40.0, "list_price": 80.0}
        )
        cls.company.after_sales_labor_product_id = cls.labor
        cls.term = cls.env["after_sales.warranty.term"].create(
            {"name": "24 months", "duration": 24, "company_id": cls.company.id}
        )
        cls.unit = cls.env["product.product"].create(
            {
                "name": "Espresso",
                "is_storable": True,
                "tracking": "serial",
                "warranty_term_id": cls.term.id,
                "company_id": cls.company.id,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Service customer"})
        quant = cls.env["stock.quant"].create(
            {
                "product_id": cls.part.id,
                "location_id": cls.warehouse.lot_stock_id.id,
                "inventory_quantity": 10,
            }
        )
        quant.action_apply_inventory()
        cls.technician = new_test_user(
            cls.env,
            login="acc_technician",
            groups="base.group_user,after_sales_service.group_after_sales_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.accountant = new_test_user(
            cls.env,
            login="acc_accountant",
            groups="base.group_user,account.group_account_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def _unit(self, name, covered=True):
        lot = self.env["stock.lot"].create(
            {"name": name, "product_id": self.unit.id, "company_id": self.company.id}
        )
        if covered:
            self.env["after_sales.warranty"].create(
                {"partner_id": self.customer.id, "product_id": self.unit.id, "lot_id": lot.id}
            )
        return lot

    def _order(self, lot, **vals):
        return self.env["after_sales.service.order"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.unit.id,
                "lot_id": lot.id,
                "warehouse_id": self.warehouse.id,
                "exchange_type": "none",
                **vals,
            }
        )

    def _repair(self, order, parts=2, hours=1.5, part=None):
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        if parts:
            self.env["stock.move"].create(
                {
                    "repair_id": order.repair_ids.id,
                    "product_id": (part or self.part).id,
                    "product_uom_qty": parts,
                    "repair_line_type": "add",
                }
            )
        if hours:
            self.env["after_sales.service.labor"].create(
                {"order_id": order.id, "name": "Work", "hours": hours}
            )
        return order.repair_ids

    def _end(self, order):
        repair = order.repair_ids
        repair.action_assign()
        repair.move_ids.picked = True
        repair.action_repair_end()

    def _balance(self, account, order=None):
        domain = [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        if order:
            domain.append(("move_id", "in", order.account_move_ids.ids))
        return sum(self.env["account.move.line"].search(domain).mapped("balance"))


@tagged("post_install", "-at_install")
class TestServiceAccounting(ServiceAccountingCommon):
    """Exact accounts and amounts of service costs."""

    def test_warranty_parts_and_labour(self):
        company = self.company
        analytic_plan = self.env["account.analytic.plan"].create({"name": "Service lines"})
        analytic = self.env["account.analytic.account"].create(
            {"name": "Espresso service", "plan_id": analytic_plan.id}
        )
        order = self._order(self._unit("ACC-1"), analytic_distribution={str(analytic.id): 100})
        self.assertEqual(order.coverage, "warranty")
        self._repair(order)
        self._end(order)
        self.assertEqual(order.state, "done")
        # Parts: Odoo's valuation, through the Warranty consumption location.
        self.assertEqual(self._balance(company.after_sales_parts_expense_account_id, order), 50.0)
        self.assertEqual(self._balance(self.company_data["default_account_stock_valuation"], order), -50.0)
        # Labour: one entry, 1.5 h x 40.
        labour = order.cost_move_ids
        self.assertEqual(len(labour), 1)
        self.assertEqual(labour.journal_id, company.after_sales_journal_id)
        self.assertEqual(labour.state, "posted")
        self.assertEqual(self._balance(company.after_sales_labor_expense_account_id, order), 60.0)
        self.assertEqual(self._balance(company.after_sales_labor_absorption_account_id, order), -60.0)
        expense_line = labour.line_ids.filtered(lambda line: line.debit)
        self.assertEqual(expense_line.analytic_distribution, {str(analytic.id): 100})
        self.assertEqual(expense_line.partner_id, self.customer)
        self.assertEqual(order.parts_cost, 50.0)
        self.assertEqual(order.account_move_count, 2)
        # Posting again changes nothing.
        order._post_cost_entries()
        self.assertEqual(len(order.cost_move_ids), 1)
        # The parts' valuation entry belongs to the order too, its expense line
        # to the order's analytic distribution.
        parts_line = self.env["account.move.line"].search(
            [
                ("after_sales_order_id", "=", order.id),
                ("account_id", "=", company.after_sales_parts_expense_account_id.id),
            ]
        )
        self.assertEqual(parts_line.balance, 50.0)
        self.assertEqual(parts_line.analytic_distribution, {str(analytic.id): 100})
        # Service cost analysis: the order's expenses by coverage.
        action = self.env.ref("after_sales_service.after_sales_cost_action")
        groups = self.env["account.move.line"]._read_group(
            [
                *ast.literal_eval(action.domain),
                ("after_sales_order_id", "=", order.id),
                ("account_id.account_type", "=", "expense"),
                ("balance", ">", 0),
            ],
            ["after_sales_coverage"],
            ["balance:sum"],
        )
        self.assertEqual(groups, [("warranty", 110.0)])
        by_category = self.env["account.move.line"]._read_group(
            [
                ("after_sales_order_id", "=", order.id),
                ("account_id", "=", company.after_sales_parts_expense_account_id.id),
            ],
            ["after_sales_categ_id"],
            ["balance:sum"],
        )
        self.assertEqual(by_category, [(self.unit.categ_id, 50.0)])

    def test_category_overrides_parts_expense(self):
        own = self.env["account.account"].create(
            {
                "name": "Pump warranty costs",
                "code": "611990",
                "account_type": "expense",
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        self.parts_category.with_company(self.company).after_sales_parts_expense_account_id = own
        order = self._order(self._unit("ACC-CAT"))
        self._repair(order, parts=1, hours=0)
        self._end(order)
        self.assertEqual(self._balance(own, order), 25.0)
        self.assertEqual(self._balance(self.company.after_sales_parts_expense_account_id, order), 0.0)

    def test_goodwill_labour_share(self):
        order = self._order(self._unit("ACC-GW", covered=False))
        order.write({"coverage": "goodwill", "goodwill_share": 50.0})
        self._repair(order, parts=0, hours=1.0)
        self._end(order)
        self.assertEqual(self._balance(self.company.after_sales_goodwill_expense_account_id, order), 20.0)
        self.assertEqual(self._balance(self.company.after_sales_labor_absorption_account_id, order), -20.0)

    def test_paid_order_posts_no_labour(self):
        order = self._order(self._unit("ACC-PAID", covered=False))
        self._repair(order, parts=0, hours=2.0)
        self._end(order)
        self.assertEqual(order.coverage, "paid")
        self.assertFalse(order.cost_move_ids)

    def test_cancel_done_order_reverses_labour(self):
        order = self._order(self._unit("ACC-CANCEL"))
        self._repair(order, parts=0, hours=1.0)
        self._end(order)
        self.assertEqual(self._balance(self.company.after_sales_labor_expense_account_id, order), 40.0)
        order.action_cancel()
        self.assertEqual(len(order.cost_move_ids), 2)
        self.assertEqual(self._balance(self.company.after_sales_labor_expense_account_id, order), 0.0)
        self.assertEqual(self._balance(self.company.after_sales_labor_absorption_account_id, order), 0.0)
        order._reverse_cost_entries()  # twice: nothing more
        self.assertEqual(len(order.cost_move_ids), 2)

    def test_lock_date_refuses_and_keeps_order(self):
        order = self._order(self._unit("ACC-LOCK"))
        self._repair(order, parts=0, hours=1.0)
        self.company.fiscalyear_lock_date = fields.Date.today()
        with self.assertRaisesMessage(UserError, "The accounting period of .* is locked"):
            self._end(order)
        self.assertEqual(order.state, "in_repair")
        self.assertEqual(order.repair_ids.state, "under_repair")
        self.assertFalse(order.cost_move_ids)

    def test_missing_configuration_is_a_clear_error(self):
        order = self._order(self._unit("ACC-NOCONF"))
        self._repair(order, parts=0, hours=1.0)
        self.company.after_sales_labor_absorption_account_id = False
        with self.assertRaisesMessage(UserError, "Set the service costs journal and the labour expense"):
            order.repair_ids.action_repair_end()
        self.assertEqual(order.state, "in_repair")

    def test_technician_finishes_but_cannot_post_directly(self):
        order = self._order(self._unit("ACC-TECH"))
        self._repair(order, parts=0, hours=1.0)
        order.repair_ids.action_assign()
        order.with_user(self.technician).repair_ids.action_repair_end()
        self.assertEqual(order.state, "done")
        self.assertEqual(order.cost_move_ids.state, "posted")
        with self.assertRaisesMessage(
            AccessError, r"not allowed to create 'Journal Entry' \(account\.move\)"
        ):
            self.env["account.move"].with_user(self.technician).create(
                {"move_type": "entry", "journal_id": self.company.after_sales_journal_id.id}
            )
        # The accountant reads the order and its entries, and changes nothing.
        as_accountant = order.with_user(self.accountant)
        self.assertEqual(as_accountant.account_move_ids, order.cost_move_ids)
        with self.assertRaisesMessage(
            AccessError, r"not allowed to modify 'Service Order' \(after_sales\.service\.order\)"
        ):
            as_accountant.write({"transport_cost": 1.0})

    def test_query_count_posting_one_order(self):
        order = self._order(self._unit("ACC-Q"))
        self._repair(order, parts=0, hours=1.0)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(83):
            order._post_cost_entries()
            self.env.flush_all()
        self.assertEqual(len(order.cost_move_ids), 1)

    def test_settings_list_missing_accounts(self):
        company = self.company
        self.assertEqual(company._after_sales_missing_accounts(), [])
        company.after_sales_recovery_account_id = False
        self.assertEqual(company._after_sales_missing_accounts(), ["Supplier Recovery"])
        company._after_sales_setup_accounts()
        self.assertTrue(company.after_sales_recovery_account_id)
        self.assertEqual(
            company.after_sales_consumption_location_id.valuation_in_account_id,
            company.after_sales_parts_expense_account_id,
        )


@tagged("post_install", "-at_install")
class TestSupplierClaim(ServiceAccountingCommon):
    """Claims against vendors: credit notes on the supplier recovery account."""

    def _done_order(self, name):
        order = self._order(self._unit(name))
        self._repair(order, parts=2, hours=0)
        self._end(order)
        return order

    def test_claim_accepted_and_credited(self):
        vendor = self.env["res.partner"].create({"name": "Pump Maker"})
        self.env["product.supplierinfo"].create(
            {"partner_id": vendor.id, "product_tmpl_id": self.unit.product_tmpl_id.id}
        )
        order = self._done_order("CLAIM-1")
        action = order.action_create_supplier_claim()
        context = action["context"]
        self.assertEqual(context["default_partner_id"], vendor.id)
        self.assertEqual(context["default_amount_claimed"], 50.0)
        claim = self.env["after_sales.supplier.claim"].with_context(**context).create({})
        self.assertEqual(claim.service_order_ids, order)
        self.assertTrue(claim.name.startswith("SCL/"))
        claim.action_send()
        claim.action_accept()
        note = claim.credit_note_id
        self.assertEqual((claim.state, note.move_type, note.state), ("accepted", "in_refund", "draft"))
        self.assertEqual(note.partner_id, vendor)
        self.assertEqual(note.invoice_line_ids.account_id, self.company.after_sales_recovery_account_id)
        self.assertEqual(note.amount_total, 50.0)
        note.invoice_date = fields.Date.today()
        note.action_post()
        self.assertEqual(claim.state, "credited")
        self.assertEqual(claim.amount_recovered, 50.0)
        recovery_lines = note.line_ids.filtered(
            lambda line: line.account_id == self.company.after_sales_recovery_account_id
        )
        self.assertEqual(sum(recovery_lines.mapped("balance")), -50.0)
        # In the service cost analysis: recovered, on the claimed order's product.
        action = self.env.ref("after_sales_service.after_sales_cost_action")
        recovered = self.env["account.move.line"].search(
            [
                *ast.literal_eval(action.domain),
                ("after_sales_claim_id", "=", claim.id),
                ("display_type", "=", "product"),
            ]
        )
        self.assertEqual(recovered.account_id, self.company.after_sales_recovery_account_id)
        self.assertEqual(recovered.after_sales_product_id, self.unit)
        self.assertEqual(recovered.after_sales_categ_id, self.unit.categ_id)

    def test_claim_guards(self):
        vendor = self.env["res.partner"].create({"name": "Other Maker"})
        Claim = self.env["after_sales.supplier.claim"]
        values = {"partner_id": vendor.id, "product_id": self.part.id, "amount_claimed": 0.0}
        with self.assertRaisesMessage(ValidationError, "amount claimed must be positive"):
            Claim.create(values)
        claim = Claim.create(dict(values, amount_claimed=30.0))
        claim.action_send()
        with self.assertRaisesMessage(UserError, "Give the vendor's reason for the rejection"):
            claim.action_reject()
        self.company.after_sales_recovery_account_id = False
        with self.assertRaisesMessage(UserError, "Set the supplier recovery account"):
            claim.action_accept()
        self.assertEqual(claim.state, "sent")
        self.assertFalse(claim.credit_note_id)
        claim.rejection_reason = "Damage caused in transport"
        claim.action_reject()
        self.assertEqual(claim.state, "rejected")
        with self.assertRaisesMessage(
            AccessError, r"not allowed to create 'Supplier Warranty Claim' \(after_sales\.supplier\.claim\)"
        ):
            Claim.with_user(self.technician).create(dict(values, amount_claimed=10.0))
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers can claim against suppliers"):
            self._done_order("CLAIM-2").with_user(self.technician).action_create_supplier_claim()
