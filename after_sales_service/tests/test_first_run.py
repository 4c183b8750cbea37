from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestFirstRun(TransactionCase):
    """The first repair of a company closes without a trip to the settings:
    a chart loaded after the addon brings the after-sales accounts, and a
    company without accounting finishes its orders posting nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new_company = cls.env["res.company"].create({"name": "Workshop Without Books"})
        cls.env.user.company_ids |= cls.new_company
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.new_company.ids))
        cls.customer = cls.env["res.partner"].create({"name": "First customer"})
        cls.product = cls.env["product.product"].create(
            {"name": "Kettle", "is_storable": True, "company_id": cls.new_company.id}
        )
        cls.term = cls.env["after_sales.warranty.term"].create(
            {"name": "One year", "duration": 12, "company_id": cls.new_company.id, "labor_coverage": 100.0}
        )

    def _finish_inspection(self):
        self.env["after_sales.warranty"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.product.id,
                "term_id": self.term.id,
                "company_id": self.new_company.id,
            }
        )
        order = self.env["after_sales.service.order"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.product.id,
                "request_type": "inspection",
                "exchange_type": "none",
                "company_id": self.new_company.id,
            }
        )
        self.assertEqual(order.coverage, "warranty")
        order.action_confirm()
        order.action_receive()
        self.env["after_sales.service.labor"].create(
            {"order_id": order.id, "name": "Inspection", "hours": 1.0, "cost_rate": 30.0}
        )
        order.no_fault_found = True
        order.action_done()
        self.assertEqual(order.state, "done")
        return order

    def test_company_without_chart_finishes_and_posts_nothing(self):
        self.assertFalse(self.new_company.chart_template)
        order = self._finish_inspection()
        self.assertEqual(order.labor_cost, 30.0)
        self.assertFalse(order.account_move_ids)
        self.assertFalse(self.env["account.move"].search([("after_sales_order_id", "=", order.id)]))
        notes = [body for body in order.message_ids.mapped("body") if "has no chart of accounts" in body]
        self.assertEqual(len(notes), 1)
        self.assertIn("the costs of this order are not posted", notes[0])
        order.action_return()
        self.assertEqual(order.state, "returned")

    def test_chart_loaded_later_brings_the_accounts(self):
        self.assertFalse(self.new_company.after_sales_journal_id)
        self.env["account.chart.template"].try_loading("generic_coa", self.new_company, install_demo=False)
        company = self.new_company
        self.assertFalse(company._after_sales_missing_accounts())
        self.assertEqual(company.after_sales_journal_id.company_id, company)
        self.assertEqual(
            company.after_sales_consumption_location_id.valuation_out_account_id,
            company.after_sales_parts_expense_account_id,
        )
        order = self._finish_inspection()
        entry = order.cost_move_ids
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.journal_id, company.after_sales_journal_id)
        expense = company.after_sales_labor_expense_account_id
        self.assertEqual(entry.line_ids.filtered(lambda line: line.account_id == expense).balance, 30.0)
