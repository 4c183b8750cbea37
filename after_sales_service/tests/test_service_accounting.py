import ast

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ServiceAccountingCommon


@tagged("post_install", "-at_install")
class TestServiceAccounting(ServiceAccountingCommon):
    """Exact accounts and amounts of service costs."""

    def test_warranty_parts_and_labor(self):
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
        # Labor: one entry, 1.5 h x 40.
        labor = order.cost_move_ids
        self.assertEqual(len(labor), 1)
        self.assertEqual(labor.journal_id, company.after_sales_journal_id)
        self.assertEqual(labor.state, "posted")
        self.assertEqual(self._balance(company.after_sales_labor_expense_account_id, order), 60.0)
        self.assertEqual(self._balance(company.after_sales_labor_absorption_account_id, order), -60.0)
        expense_line = labor.line_ids.filtered(lambda line: line.debit)
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

    def test_goodwill_labor_share(self):
        order = self._order(self._unit("ACC-GW", covered=False))
        order.write({"coverage": "goodwill", "goodwill_share": 50.0})
        self._repair(order, parts=0, hours=1.0)
        self._end(order)
        self.assertEqual(self._balance(self.company.after_sales_goodwill_expense_account_id, order), 20.0)
        self.assertEqual(self._balance(self.company.after_sales_labor_absorption_account_id, order), -20.0)

    def test_paid_order_posts_no_labor(self):
        order = self._order(self._unit("ACC-PAID", covered=False))
        self._repair(order, parts=0, hours=2.0)
        self._end(order)
        self.assertEqual(order.coverage, "paid")
        self.assertFalse(order.cost_move_ids)

    def test_cancel_done_order_reverses_labor(self):
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
        with self.assertRaisesMessage(UserError, "Set the service costs journal and the labor expense"):
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
        # A first posting warms what a running server keeps between requests
        # (access rules, groups): the pin counts the posting, not the set-up.
        first = self._order(self._unit("ACC-Q0"))
        self._repair(first, parts=0, hours=1.0)
        first._post_cost_entries()
        order = self._order(self._unit("ACC-Q"))
        self._repair(order, parts=0, hours=1.0)
        self.env.flush_all()
        self.env.invalidate_all()
        # 1 of them reads the order's expertises (their cost joins its costs).
        with self.assertQueryCount(68):
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
