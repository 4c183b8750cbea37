from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ServiceAccountingCommon

DAYS_PER_MONTH = 365.25 / 12


@tagged("post_install", "-at_install")
class TestWarrantyProvision(ServiceAccountingCommon):
    """Period-end provision for the warranties still running."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.machines = cls.env["product.category"].create({"name": "Espresso machines"})
        cls.unit.categ_id = cls.machines
        cls.unit.list_price = 1000.0
        cls.today = fields.Date.today()
        cls.Provision = cls.env["after_sales.warranty.provision"]
        cls.provision_account = cls.company.after_sales_provision_account_id
        cls.provision_expense = cls.company.after_sales_provision_expense_account_id

    def _register(self, name, date_start):
        lot = self.env["stock.lot"].create(
            {"name": name, "product_id": self.unit.id, "company_id": self.company.id}
        )
        return self.env["after_sales.warranty"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.unit.id,
                "lot_id": lot.id,
                "date_start": date_start,
            }
        )

    def _provision(self, **vals):
        return self.Provision.create({"date": self.today, "history_months": 12, "sales_percent": 2.0, **vals})

    def test_percent_of_sales_without_history(self):
        self._register("PROV-P1", self.today)
        self._register("PROV-P2", self.today)
        provision = self._provision()
        provision.action_compute()
        line = provision.line_ids
        self.assertEqual(line.categ_id, self.machines)
        self.assertEqual((line.basis, line.units), ("percent", 2.0))
        # Two units sold at their list price of 1000, their whole coverage left.
        self.assertAlmostEqual(line.sales_value, 2000.0, places=2)
        self.assertEqual(line.amount, 40.0)
        self.assertEqual(provision.amount_adjustment, 40.0)
        provision.action_post()
        self.assertEqual(provision.state, "posted")
        move = provision.move_id
        self.assertEqual(
            (move.state, move.date, move.journal_id),
            ("posted", self.today, self.company.after_sales_journal_id),
        )
        self.assertEqual(self._balance(self.provision_expense), 40.0)
        self.assertEqual(self._balance(self.provision_account), -40.0)

    def test_percent_of_sales_counts_the_coverage_left(self):
        """A unit whose coverage is partly used counts for the part still to run."""
        fresh = self._register("PROV-FRESH", self.today)
        used = self._register("PROV-USED", self.today - relativedelta(days=300))
        self.assertEqual(fresh.date_start, self.today, "the first unit has its whole coverage left")
        left = ((used.date_end - self.today).days + 1) / ((used.date_end - used.date_start).days + 1)
        self.assertTrue(0.4 < left < 0.9, "the second unit has used part of its coverage")
        provision = self._provision()
        provision.action_compute()
        line = provision.line_ids
        self.assertEqual(line.units, 2.0)
        self.assertAlmostEqual(line.sales_value, 1000.0 + 1000.0 * left, places=2)
        self.assertAlmostEqual(line.amount, round((1000.0 + 1000.0 * left) * 0.02, 2), places=2)
        # Less than the whole coverage of two units would call for.
        self.assertLess(line.amount, 40.0)

    def _expected(self, cost, registrations, day=None):
        """Cost per unit-day over the window, times the days of coverage left."""
        day = day or self.today
        window_start = day - relativedelta(months=12) + relativedelta(days=1)
        exposure = sum((day - max(w.date_start, window_start)).days + 1 for w in registrations)
        remaining = sum((w.date_end - day).days + 1 for w in registrations)
        return exposure, remaining, round(cost / exposure * remaining, 2)

    def test_cost_history_and_release(self):
        half_year_ago = self.today - relativedelta(months=6)
        registrations = [self._register(f"PROV-H{i}", half_year_ago) for i in range(2)]
        registrations.append(self._register("PROV-H2", self.today))
        # One warranty repair in the window: 2 pumps (50) and 1 h of labor (40).
        order = self._order(registrations[0].lot_id)
        self._repair(order, parts=2, hours=1.0)
        self._end(order)
        provision = self._provision()
        provision.action_compute()
        line = provision.line_ids
        self.assertEqual((line.basis, line.units), ("history", 3.0))
        self.assertEqual(line.history_cost, 90.0)
        exposure, remaining, expected = self._expected(90.0, registrations)
        self.assertAlmostEqual(line.history_unit_months, exposure / DAYS_PER_MONTH, places=1)
        self.assertAlmostEqual(line.unit_months, remaining / DAYS_PER_MONTH, places=1)
        self.assertAlmostEqual(line.amount, expected, places=2)
        provision.action_post()
        self.assertEqual(self._balance(self.provision_account), -expected)
        self.assertEqual(self._balance(self.provision_expense), expected)
        # The new unit's registration voided: next month's provision releases provision.
        registrations[2].void_reason = "Returned to the factory"
        registrations[2].action_void()
        next_month = self.today + relativedelta(months=1)
        release = self._provision(date=next_month)
        release.action_post()
        self.assertEqual(release.amount_booked, expected)
        self.assertAlmostEqual(
            release.amount_required, self._expected(90.0, registrations[:2], next_month)[2], places=2
        )
        self.assertLess(release.amount_adjustment, 0.0)
        release_line = release.move_id.line_ids.filtered(
            lambda line: line.account_id == self.provision_account
        )
        self.assertEqual(release_line.balance, -release.amount_adjustment)
        self.assertAlmostEqual(self._balance(self.provision_account), -release.amount_required, places=2)
        # Nothing changed: a third computation adjusts nothing, and its month is posted already.
        same = self._provision(date=next_month)
        same.action_compute()
        self.assertEqual(same.amount_booked, release.amount_required)
        self.assertTrue(same.currency_id.is_zero(same.amount_adjustment))
        with self.assertRaisesMessage(UserError, "is posted already for"):
            same.action_post()
        self.assertEqual(same.state, "draft")
        self.assertFalse(same.move_id)

    def test_guards(self):
        self._register("PROV-G1", self.today)
        provision = self._provision()
        provision.action_compute()
        self.company.fiscalyear_lock_date = self.today
        with self.assertRaisesMessage(UserError, "The accounting period of .* is locked"):
            provision.action_post()
        self.assertEqual(provision.state, "draft")
        self.assertFalse(provision.move_id)
        self.company.fiscalyear_lock_date = False
        self.company.after_sales_provision_account_id = False
        with self.assertRaisesMessage(UserError, "the warranty provision accounts in After-Sales settings"):
            provision.action_post()
        self.company.after_sales_provision_account_id = self.provision_account
        provision.action_post()
        with self.assertRaisesMessage(UserError, "A posted warranty provision cannot be deleted"):
            provision.unlink()
        with self.assertRaisesMessage(UserError, "A posted warranty provision cannot be changed"):
            provision.date = self.today - relativedelta(days=1)
        earlier = self._provision(date=self.today - relativedelta(months=1))
        with self.assertRaisesMessage(UserError, "is posted already: post provisions in date order"):
            earlier.action_post()
        with self.assertRaisesMessage(ValidationError, "The cost history must cover at least one month"):
            self._provision(history_months=0)

    def test_access(self):
        self._register("PROV-A1", self.today)
        manager = self.env["res.users"].create(
            {
                "name": "Service manager",
                "login": "prov_manager",
                "groups_id": [(6, 0, [self.env.ref("after_sales_service.group_after_sales_manager").id])],
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        with self.assertRaisesMessage(
            AccessError, r"not allowed to create 'Warranty Provision' \(after_sales\.warranty\.provision\)"
        ):
            self.Provision.with_user(manager).create({"date": self.today})
        provision = self.Provision.with_user(self.accountant).create({"date": self.today})
        provision.action_compute()
        provision.action_post()
        self.assertEqual(provision.move_id.state, "posted")
        self.assertEqual(self.Provision.with_user(manager).browse(provision.id).amount_required, 20.0)

    def test_scheduled_action_posts_last_month_once(self):
        self._register("PROV-C1", self.today - relativedelta(months=2))
        self.company.after_sales_provision_auto = True
        self.Provision._cron_post_provisions()
        posted = self.Provision.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(posted), 1)
        self.assertEqual(posted.date, self.today + relativedelta(day=1, days=-1))
        self.assertEqual(posted.state, "posted")
        self.assertTrue(posted.move_id)
        self.Provision._cron_post_provisions()
        self.assertEqual(self.Provision.search_count([("company_id", "=", self.company.id)]), 1)

    def test_percent_of_sales_in_company_currency(self):
        """A unit sold in another currency counts at the order's rate."""
        other = self.setup_other_currency("HRK")  # 2 HRK for 1 of the company's currency
        pricelist = self.env["product.pricelist"].create({"name": "HRK", "currency_id": other.id})
        sale = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    fields.Command.create(
                        {"product_id": self.unit.id, "product_uom_qty": 1, "price_unit": 3000.0}
                    )
                ],
            }
        )
        self.assertEqual(sale.currency_rate, 2.0)
        registration = self._register("PROV-FX", self.today)
        # As a delivery of the sale would link it (users do not write the link).
        registration.sudo().sale_line_id = sale.order_line
        provision = self._provision()
        provision.action_compute()
        # 3000 HRK = 1500 in company currency, its whole coverage left: 2 % = 30.
        self.assertAlmostEqual(provision.line_ids.sales_value, 1500.0, places=2)
        self.assertEqual(provision.amount_required, 30.0)
