from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..tools.failure_stats import complete_months, failure_rate
from .common import AfterSalesCommon


class FailureBaseCommon(AfterSalesCommon):
    """A small installed base computed by hand: 20 espresso machines
    registered, 12 in January 2025 and 8 in February 2025, and 3 failures,
    2 of January's units and 1 of February's: 15 % in all, 16.67 % for
    January and 12.5 % for February (not 14.58 %, the mean of the two)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Order = cls.env["after_sales.service.order"]
        cls.Code = cls.env["after_sales.defect.code"]
        cls.pump = cls.Code.create({"name": "Pump pressure", "code": "T-PUMP"})
        cls.heater = cls.Code.create({"name": "Heater", "code": "T-HEAT"})
        cls.manufacturing = cls.env.ref("after_sales_service.defect_cause_manufacturing")
        cls.material = cls.env.ref("after_sales_service.defect_cause_material")
        cls.machine = cls.env["product.product"].create(
            {
                "name": "Failure Test Espresso",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": cls.category.id,
            }
        )
        cls.vendor_a = cls.env["res.partner"].create({"name": "Pump Vendor A"})
        cls.vendor_b = cls.env["res.partner"].create({"name": "Pump Vendor B"})
        cls.part = cls.env["product.product"].create(
            {
                "name": "Pump P-1",
                "is_storable": True,
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor_b.id, "sequence": 5}),
                    Command.create({"partner_id": cls.vendor_a.id, "sequence": 1}),
                ],
            }
        )
        cls.lots_jan = cls._create_lots(cls.machine, [f"FA-JAN-{i:02d}" for i in range(12)])
        cls.lots_feb = cls._create_lots(cls.machine, [f"FA-FEB-{i:02d}" for i in range(8)])
        cls.lots_jan[0].production_date = date(2024, 11, 5)
        cls.Warranty.create(
            [
                {
                    "partner_id": cls.customer.id,
                    "product_id": cls.machine.id,
                    "lot_id": lot.id,
                    "date_start": date(2025, 1, 10),
                }
                for lot in cls.lots_jan
            ]
            + [
                {
                    "partner_id": cls.customer.id,
                    "product_id": cls.machine.id,
                    "lot_id": lot.id,
                    "date_start": date(2025, 2, 15),
                }
                for lot in cls.lots_feb
            ]
        )

    @classmethod
    def _failure(cls, lot, intake, code=None, cause=None, **vals):
        return cls.Order.create(
            {
                "partner_id": cls.customer.id,
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "date_intake": intake,
                "exchange_type": "none",
                "defect_code_id": (code or cls.pump).id,
                "defect_cause_id": (cause or cls.manufacturing).id,
                **vals,
            }
        )


@tagged("post_install", "-at_install")
class TestFailureAnalysis(FailureBaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The three failures: 3, 5 and 0 complete months in service.
        cls.failure_1 = cls._failure(cls.lots_jan[0], date(2025, 4, 20), failed_product_id=cls.part.id)
        cls.failure_2 = cls._failure(
            cls.lots_jan[1], date(2025, 7, 9), cause=cls.material, failed_product_id=cls.part.id
        )
        cls.failure_3 = cls._failure(cls.lots_feb[0], date(2025, 3, 14), code=cls.heater)
        cls.failures = cls.failure_1 | cls.failure_2 | cls.failure_3
        # Not failures: cancelled, no fault found, no defect recorded.
        cancelled = cls._failure(cls.lots_jan[2], date(2025, 5, 2))
        cancelled.action_cancel()
        cls._failure(cls.lots_jan[3], date(2025, 5, 3), no_fault_found=True)
        cls._failure(cls.lots_jan[4], date(2025, 5, 4), defect_code_id=False, defect_cause_id=False)
        cls.env["after_sales.service.labor"].create(
            {"order_id": cls.failure_1.id, "name": "Pump replaced", "hours": 2.0, "cost_rate": 30.0}
        )
        cls.failure_2.transport_cost = 15.0
        cls.Analysis = cls.env["after_sales.failure.analysis"]
        cls.Rate = cls.env["after_sales.failure.rate"]
        cls.Curve = cls.env["after_sales.failure.curve"]
        cls.domain = [("product_id", "=", cls.machine.id)]

    def _groups(self, groupby, aggregates=("__count",), model=None):
        model = self.Analysis if model is None else model
        return {
            group[0]: group[1:] if len(group) > 2 else group[1]
            for group in model._read_group(self.domain, [groupby], list(aggregates))
        }

    def test_helpers(self):
        self.assertEqual(complete_months(date(2025, 1, 10), date(2025, 4, 20)), 3)
        self.assertEqual(complete_months(date(2025, 1, 31), date(2025, 2, 28)), 0)
        self.assertEqual(complete_months(date(2025, 1, 31), date(2025, 3, 1)), 1)
        self.assertEqual(complete_months(date(2025, 2, 15), date(2025, 3, 14)), 0)
        self.assertEqual(complete_months(date(2022, 1, 10), date(2025, 3, 20)), 38)
        self.assertIsNone(complete_months(False, date(2025, 3, 20)))
        self.assertEqual(failure_rate(3, 20), 15.0)
        self.assertEqual(failure_rate(3, 0), 0.0)

    def test_failures_only(self):
        rows = self.Analysis.search(self.domain)
        self.assertEqual(rows.order_id, self.failures)
        self.assertEqual(set(rows.ids), set(self.failures.ids))

    def test_dimensions(self):
        row = self.Analysis.browse(self.failure_1.id)
        self.assertEqual(row.product_categ_id, self.category)
        self.assertEqual(row.defect_code_id, self.pump)
        self.assertEqual(row.defect_cause_id, self.manufacturing)
        self.assertEqual(row.cause_type, "manufacturing")
        self.assertTrue(row.company_liable)
        self.assertEqual(row.failed_product_id, self.part)
        self.assertEqual(row.failed_vendor_id, self.vendor_a, "the vendor line of lowest sequence")
        self.assertEqual(row.coverage, "warranty")
        self.assertEqual(row.date_in_service, date(2025, 1, 10))
        self.assertEqual(row.production_date, date(2024, 11, 5))
        self.assertEqual(row.company_id, self.company)
        self.assertFalse(self.Analysis.browse(self.failure_3.id).failed_vendor_id)

    def test_group_by_months_in_service(self):
        self.assertEqual(self._groups("months_in_service"), {0: 1, 3: 1, 5: 1})
        [(average,)] = self.Analysis._read_group(self.domain, [], ["months_in_service:avg"])
        self.assertAlmostEqual(average, 8 / 3)

    def test_group_by_defect_cause_and_vendor(self):
        self.assertEqual(self._groups("defect_code_id"), {self.pump: 2, self.heater: 1})
        self.assertEqual(self._groups("cause_type"), {"manufacturing": 2, "material": 1})
        self.assertEqual(self._groups("failed_vendor_id"), {self.vendor_a: 2, self.vendor_a.browse(): 1})

    def test_group_by_months(self):
        self.assertEqual(
            self._groups("date_intake:month"),
            {date(2025, 3, 1): 1, date(2025, 4, 1): 1, date(2025, 7, 1): 1},
        )
        self.assertEqual(self._groups("date_in_service:month"), {date(2025, 1, 1): 2, date(2025, 2, 1): 1})
        # Production: the serial's production date, else its creation.
        created = self.lots_jan[1].create_date.date().replace(day=1)
        self.assertEqual(
            self._groups("production_date:month"),
            {date(2024, 11, 1): 1, created: 2} if created != date(2024, 11, 1) else {created: 3},
        )

    def test_groups_in_the_order_of_their_records(self):
        """The groups are computed on ids and sorted as Odoo sorts them (the
        products by name), empty groups last."""
        zeta, alpha = self.env["product.product"].create(
            [
                {
                    "name": "Zeta Espresso",
                    "is_storable": True,
                    "tracking": "serial",
                    "categ_id": self.category.id,
                },
                {
                    "name": "Alpha Espresso",
                    "is_storable": True,
                    "tracking": "serial",
                    "categ_id": self.category.id,
                },
            ]
        )
        for product in (zeta, alpha):
            self._failure(self._create_lots(product, [f"FA-{product.name}"]), date(2025, 5, 5))
        domain = [("product_id", "in", (zeta | alpha | self.machine).ids)]
        groups = self.Analysis.read_group(domain, ["__count"], ["product_id"], lazy=False)
        self.assertEqual([group["product_id"][0] for group in groups], [alpha.id, self.machine.id, zeta.id])
        vendors = self.Analysis.read_group(
            domain, ["__count"], ["failed_vendor_id", "defect_code_id"], lazy=False
        )
        self.assertEqual(vendors[-1]["failed_vendor_id"], False, "empty groups last")
        self.assertEqual(
            {
                (g["failed_vendor_id"] and g["failed_vendor_id"][0], g["defect_code_id"][0]): g["__count"]
                for g in vendors
            },
            {(self.vendor_a.id, self.pump.id): 2, (False, self.heater.id): 1, (False, self.pump.id): 2},
        )

    def test_costs(self):
        [(labor, transport, count)] = self.Analysis._read_group(
            self.domain, [], ["labor_cost:sum", "transport_cost:sum", "__count"]
        )
        self.assertEqual((labor, transport, count), (60.0, 15.0, 3))

    def test_extension_counts_from_the_first_registration(self):
        lot = self._create_lots(self.machine, ["FA-EXT"])
        first = self.Warranty.create(
            {
                "partner_id": self.customer.id,
                "product_id": self.machine.id,
                "lot_id": lot.id,
                "date_start": date(2022, 1, 10),
            }
        )
        extension = self.Warranty.create(
            {
                "partner_id": self.customer.id,
                "product_id": self.machine.id,
                "lot_id": lot.id,
                "term_id": self.term_extension.id,
                "date_start": first.date_end + timedelta(days=1),
                "parent_id": first.id,
            }
        )
        order = self._failure(lot, date(2025, 3, 20))
        self.assertEqual(order.warranty_id, extension)
        row = self.Analysis.browse(order.id)
        self.assertEqual(row.date_in_service, date(2022, 1, 10))
        self.assertEqual(row.months_in_service, 38)
        # The unit counts once in the installed base, in its first month.
        rates = self._groups("period:month", ("installed_base:sum", "failures:sum"), self.Rate)
        self.assertEqual(rates[date(2022, 1, 1)], (1, 1))

    def test_out_of_warranty_failure_dates_from_its_registration(self):
        lot = self._create_lots(self.machine, ["FA-OLD"])
        self.Warranty.create(
            {
                "partner_id": self.customer.id,
                "product_id": self.machine.id,
                "lot_id": lot.id,
                "date_start": date(2022, 1, 10),
            }
        )
        order = self._failure(lot, date(2025, 3, 20))
        self.assertFalse(order.warranty_id)
        self.assertEqual(order.coverage, "paid")
        self.assertEqual(order.date_in_service, date(2022, 1, 10))
        self.assertEqual(self.Analysis.browse(order.id).months_in_service, 38)
        rates = self._groups("period:month", ("installed_base:sum", "failures:sum"), self.Rate)
        self.assertEqual(rates[date(2022, 1, 1)], (1, 1))
        # A unit without any registration has no age.
        unknown = self._failure(self._create_lots(self.machine, ["FA-UNKNOWN"]), date(2025, 3, 20))
        self.assertFalse(unknown.date_in_service)
        self.assertFalse(self.Analysis.browse(unknown.id).months_in_service)

    def test_failure_rates_by_sale_month(self):
        rates = self._groups(
            "period:month", ("installed_base:sum", "failures:sum", "failure_rate:avg"), self.Rate
        )
        self.assertEqual(set(rates), {date(2025, 1, 1), date(2025, 2, 1)})
        base, failures, rate = rates[date(2025, 1, 1)]
        self.assertEqual((base, failures), (12, 2))
        self.assertAlmostEqual(rate, 16.67, places=2)
        self.assertEqual(rates[date(2025, 2, 1)], (8, 1, 12.5))
        rows = self.Rate.search(self.domain, order="period")
        self.assertEqual(rows.mapped("installed_base"), [12, 8])
        self.assertEqual(rows.mapped("failures"), [2, 1])
        self.assertAlmostEqual(rows[0].failure_rate, 100 * 2 / 12)

    def test_failure_rate_of_a_group_is_weighted(self):
        """The pivot's total: 3 failures of 20 units, not the mean of the months' rates."""
        [group] = self.Rate.read_group(
            self.domain, ["installed_base", "failures", "failure_rate"], ["product_id"]
        )
        self.assertEqual(group["installed_base"], 20)
        self.assertEqual(group["failures"], 3)
        self.assertAlmostEqual(group["failure_rate"], 15.0)

    def test_failure_rate_by_months_in_service(self):
        """12 units in service since 10 January 2025 and 8 since 15 February:
        each month in service counts the units that have reached it today;
        its failures are those of that month of their service."""
        today = date.today()
        age_jan = complete_months(date(2025, 1, 10), today)
        age_feb = complete_months(date(2025, 2, 15), today)
        rows = self.Curve.search(self.domain, order="months_in_service")
        self.assertEqual(rows.mapped("months_in_service"), list(range(max(age_jan, age_feb) + 1)))
        by_month = {row.months_in_service: row for row in rows}
        for month, row in by_month.items():
            with self.subTest(month=month):
                units = 12 * (age_jan >= month) + 8 * (age_feb >= month)
                failures = 1 if month in (0, 3, 5) else 0
                self.assertEqual((row.units, row.failures), (units, failures))
                self.assertAlmostEqual(row.failure_rate, failures * 100.0 / units)
        self.assertAlmostEqual(by_month[3].failure_rate, 5.0)
        # A group (the product over its whole life): failures per 100 unit-months.
        [group] = self.Curve.read_group(self.domain, ["units", "failures", "failure_rate"], ["product_id"])
        unit_months = 12 * (age_jan + 1) + 8 * (age_feb + 1)
        self.assertEqual((group["units"], group["failures"]), (unit_months, 3))
        self.assertAlmostEqual(group["failure_rate"], 300.0 / unit_months)
        # The first year only.
        [(units, failures)] = self.Curve._read_group(
            [*self.domain, ("months_in_service", "<", 12)], [], ["units:sum", "failures:sum"]
        )
        self.assertEqual((units, failures), (240, 3))

    def test_months_in_service_count_to_the_day(self):
        """A unit whose day of the month is still to come is a month younger."""
        today = date.today()
        product = self.env["product.product"].create(
            {"name": "Curve Day", "is_storable": True, "tracking": "serial", "categ_id": self.category.id}
        )
        starts = [today - relativedelta(months=2), today - relativedelta(months=2) + timedelta(days=1)]
        for lot, start in zip(self._create_lots(product, ["CURVE-D1", "CURVE-D2"]), starts, strict=True):
            self.Warranty.create(
                {
                    "partner_id": self.customer.id,
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "date_start": start,
                }
            )
        ages = [complete_months(start, today) for start in starts]
        rows = self.Curve.search([("product_id", "=", product.id)], order="months_in_service")
        self.assertEqual(
            [(row.months_in_service, row.units) for row in rows],
            [(month, sum(age >= month for age in ages)) for month in range(max(ages) + 1)],
        )

    def test_void_and_draft_registrations_are_no_installed_base(self):
        lots = self._create_lots(self.machine, ["FA-VOID", "FA-DRAFT"])
        void, _draft = self.Warranty.create(
            [
                {
                    "partner_id": self.customer.id,
                    "product_id": self.machine.id,
                    "lot_id": lot.id,
                    "date_start": date(2025, 1, 20),
                    "registration_state": state,
                    "void_reason": "Test",
                }
                for lot, state in zip(lots, ("confirmed", "draft"), strict=True)
            ]
        )
        void.action_void()
        self.assertEqual(
            self._groups("period:month", ("installed_base:sum",), self.Rate)[date(2025, 1, 1)], 12
        )

    def test_access_by_role(self):
        for user in (self.user, self.manager, self.accountant):
            with self.subTest(user=user.login):
                analysis = self.Analysis.with_user(user)
                self.assertEqual(analysis.search_count(self.domain), 3)
                self.assertEqual(self.Rate.with_user(user).search_count(self.domain), 2)
                self.assertTrue(self.Curve.with_user(user).search_count(self.domain))
        for model in (self.Analysis, self.Rate, self.Curve):
            with self.subTest(model=model._name), self.assertRaises(AccessError):
                model.with_user(self.stock_user).search(self.domain)

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Failure Company"})
        term = self.Term.create({"name": "Other 24 months", "duration": 24, "company_id": other.id})
        lot = self.env["stock.lot"].create(
            {"name": "FA-OTHER", "product_id": self.machine.id, "company_id": other.id}
        )
        self.Warranty.with_company(other).create(
            {
                "partner_id": self.customer.id,
                "product_id": self.machine.id,
                "lot_id": lot.id,
                "date_start": date(2025, 1, 10),
                "term_id": term.id,
                "company_id": other.id,
            }
        )
        self.Order.with_company(other).create(
            {
                "partner_id": self.customer.id,
                "product_id": self.machine.id,
                "lot_id": lot.id,
                "date_intake": date(2025, 6, 1),
                "exchange_type": "none",
                "defect_code_id": self.pump.id,
                "defect_cause_id": self.manufacturing.id,
                "company_id": other.id,
            }
        )
        both = new_test_user(
            self.env,
            login="fa_both",
            groups="base.group_user,after_sales_service.group_after_sales_user",
            company_id=self.company.id,
            company_ids=[self.company.id, other.id],
        )
        # Each company's rows count apart; a user sees the companies they work in.
        self.assertEqual(self.Analysis.with_user(self.user).search_count(self.domain), 3)
        self.assertEqual(
            self.Analysis.with_user(both)
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .search_count(self.domain),
            4,
        )
        rates = self.Rate.with_user(both).with_context(allowed_company_ids=[other.id])
        [(company, base, failures)] = rates._read_group(
            self.domain, ["company_id"], ["installed_base:sum", "failures:sum"]
        )
        self.assertEqual((company, base, failures), (other, 1, 1))
        curve = self.Curve.with_user(both).with_context(allowed_company_ids=[other.id])
        [(company, failures)] = curve._read_group(self.domain, ["company_id"], ["failures:sum"])
        self.assertEqual((company, failures), (other, 1))
