from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestAccountingPages(HttpCase):
    """The accounting pages render and work in the browser, for the
    accounting administrator of a community database (no full accounting)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.groups_id += cls.env.ref("analytic.group_analytic_accounting")
        cls.company = cls.env.company
        cls.company._after_sales_setup_accounts()
        cls.category = cls.env["product.category"].create({"name": "Tour appliances"})

    def test_settings_accounting_block(self):
        self.start_tour(
            "/odoo/action-after_sales_service.res_config_settings_action",
            "after_sales_settings_accounting",
            login="admin",
        )
        self.assertEqual(self.company.after_sales_provision_percent, 3.0)

    def test_warranty_provision_in_the_browser(self):
        if not self.company.after_sales_provision_account_id:
            self.fail("The company has no chart of accounts: the provision accounts could not be created.")
        product = self.env["product.product"].create(
            {"name": "Tour machine", "is_storable": True, "categ_id": self.category.id, "list_price": 500.0}
        )
        partner = self.env["res.partner"].create({"name": "Tour owner"})
        last_month_end = fields.Date.today() + relativedelta(day=1, days=-1)
        # A new provision proposes the month after the last posted one (the
        # demo data posts last month's), else the month just ended.
        Provision = self.env["after_sales.warranty.provision"]
        last_posted = Provision.search(
            [("company_id", "=", self.company.id), ("state", "=", "posted")], limit=1
        )
        period_end = last_posted.date + relativedelta(months=1, day=31) if last_posted else last_month_end
        self.env["after_sales.warranty"].create(
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "term_id": self.env["after_sales.warranty.term"]
                .create({"name": "Tour 12", "duration": 12})
                .id,
                "date_start": last_month_end - relativedelta(months=1),
            }
        )
        self.start_tour(
            "/odoo/action-after_sales_service.after_sales_warranty_provision_action",
            "after_sales_warranty_provision",
            login="admin",
        )
        provision = Provision.search([("company_id", "=", self.company.id)], limit=1)
        self.assertEqual(provision.state, "posted")
        self.assertEqual(provision.date, period_end)
        line = provision.line_ids.filtered(lambda line: line.categ_id == self.category)
        self.assertEqual(line.basis, "percent")
        self.assertEqual(provision.move_id.state, "posted")

    def test_category_cost_accounts(self):
        account = self.env["account.account"].create(
            {"name": "Tour pump costs", "code": "611777", "account_type": "expense"}
        )
        self.start_tour(
            f"/odoo/action-product.product_category_action_form/{self.category.id}",
            "after_sales_category_costs",
            login="admin",
        )
        self.assertEqual(
            self.category.with_company(self.company).after_sales_parts_expense_account_id, account
        )
