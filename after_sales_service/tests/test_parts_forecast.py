from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..wizard.parts_forecast import forecast_windows, unit_months
from .common import ServiceOrderCommon

# The day the forecast is computed: the history is 2024 (366 days, 12
# months), the short horizon Jan-Mar 2025, the long one 2025.
TODAY = "2024-12-31"


@tagged("post_install", "-at_install")
class TestPartsForecast(ServiceOrderCommon):
    """Expected demand of spare parts from the repairs of the installed base,
    against stock, and the reordering rules it sets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Forecast = cls.env["after_sales.parts.forecast"]
        cls.Orderpoint = cls.env["stock.warehouse.orderpoint"]
        cls.term = cls.Term.create({"name": "Forecast 36 months", "duration": 36, "duration_unit": "month"})
        cls.espresso = cls._product("Forecast Espresso")
        cls.grinder = cls._product("Forecast Grinder")
        cls.pump = cls.env["product.product"].create({"name": "Forecast Pump", "is_storable": True})
        cls.heater = cls.env["product.product"].create({"name": "Forecast Heater", "is_storable": True})
        with freeze_time("2023-11-01"):
            cls._put_in_stock(cls.pump, 12)
            cls._put_in_stock(cls.heater, 5)
        # 10 espresso machines covered all through 2024 and 2025: 120
        # unit-months in the history, 30 over the short horizon, 120 over
        # the long one.
        cls.espresso_lots = cls._registered(cls.espresso, 10, "2023-12-01", "2026-06-30")
        # 5 grinders covered from 2024 to June 2025: 60 unit-months in the
        # history, 15 over the short horizon, 5 * 12 * 181 / 365 over the
        # long one (181 of its 365 days).
        cls.grinder_lots = cls._registered(cls.grinder, 5, "2024-01-01", "2025-06-30")

        # History: 6 pumps and 2 heaters for the espresso machines, 3 pumps
        # for the grinders, in 2024.
        cls._repair(cls.espresso_lots[0], "2024-02-10", {cls.pump: 2, cls.heater: 2})
        cls._repair(cls.espresso_lots[1], "2024-05-20", {cls.pump: 3})
        # 2 used, 1 back to stock the same month: 1 counts.
        returned = cls._repair(cls.espresso_lots[2], "2024-09-03", {cls.pump: 2})
        with freeze_time("2024-09-04"):
            returned.repair_ids.move_ids._after_sales_return_to_stock(1)
        cls._repair(cls.grinder_lots[0], "2024-11-30", {cls.pump: 3})
        # Not counted: before the history window, and a repair not ended.
        cls._repair(cls.espresso_lots[3], "2023-12-15", {cls.pump: 1})
        cls.open_order = cls._repair(cls.espresso_lots[4], "2024-12-20", {cls.pump: 1}, finish=False)

        # A pump on its way from the vendor.
        with freeze_time("2024-12-30"):
            receipt = cls.env["stock.picking"].create(
                {
                    "picking_type_id": cls.warehouse.in_type_id.id,
                    "location_id": cls.env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": cls.stock_location.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "Pump",
                                "product_id": cls.pump.id,
                                "product_uom_qty": 1,
                                "product_uom": cls.pump.uom_id.id,
                                "location_id": cls.env.ref("stock.stock_location_suppliers").id,
                                "location_dest_id": cls.stock_location.id,
                            }
                        )
                    ],
                }
            )
            receipt.action_confirm()
        cls.stock_manager = new_test_user(
            cls.env,
            login="fc_stock_manager",
            groups="base.group_user,stock.group_stock_manager",
            company_id=cls.company.id,
        )

    @classmethod
    def _product(cls, name):
        return cls.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "tracking": "serial",
                "categ_id": cls.category.id,
                "warranty_term_id": cls.term.id,
            }
        )

    @classmethod
    def _registered(cls, product, count, start, end):
        lots = cls._create_lots(product, [f"{product.name}-{i}" for i in range(count)])
        cls.Warranty.create(
            [
                {
                    "partner_id": cls.customer.id,
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "date_start": start,
                    "date_end": end,
                }
                for lot in lots
            ]
        )
        return lots

    @classmethod
    def _repair(cls, lot, day, parts, finish=True):
        with freeze_time(day):
            order = cls._order(lot=lot, exchange_type="none")
            order.action_confirm()
            order.action_receive()
            order.action_start_repair()
            cls.env["stock.move"].create(
                [
                    {
                        "repair_id": order.repair_ids.id,
                        "product_id": part.id,
                        "product_uom_qty": qty,
                        "repair_line_type": "add",
                    }
                    for part, qty in parts.items()
                ]
            )
            if finish:
                order.action_done()
        return order

    def _compute(self, user=None):
        Forecast = self.Forecast.with_user(user) if user else self.Forecast
        with freeze_time(TODAY):
            Forecast.browse().action_compute()
        return Forecast.search([])

    def _line(self, lines, part, warehouse=None):
        line = lines.filtered(
            lambda f: f.product_id == part and f.warehouse_id == (warehouse or self.warehouse)
        )
        self.assertEqual(len(line), 1, f"one forecast line for {part.name}")
        return line

    def test_demand_from_history_and_coverage(self):
        lines = self._compute()
        pump = self._line(lines, self.pump)
        espresso = pump.detail_ids.filtered(lambda d: d.product_id == self.espresso)
        # 2 + 3 + (2 - 1) pumps over 10 units * 12 months.
        self.assertAlmostEqual(espresso.consumed_qty, 6.0)
        self.assertAlmostEqual(espresso.history_unit_months, 120.0)
        self.assertAlmostEqual(espresso.rate, 0.05)
        self.assertAlmostEqual(espresso.short_unit_months, 30.0)
        self.assertAlmostEqual(espresso.demand_short, 1.5)
        self.assertAlmostEqual(espresso.long_unit_months, 120.0)
        self.assertAlmostEqual(espresso.demand_long, 6.0)

        grinder = pump.detail_ids.filtered(lambda d: d.product_id == self.grinder)
        grinder_long = 5 * 12 * 181 / 365
        self.assertAlmostEqual(grinder.consumed_qty, 3.0)
        self.assertAlmostEqual(grinder.history_unit_months, 60.0)
        self.assertAlmostEqual(grinder.rate, 0.05)
        self.assertAlmostEqual(grinder.short_unit_months, 15.0)
        self.assertAlmostEqual(grinder.demand_short, 0.75)
        self.assertAlmostEqual(grinder.long_unit_months, grinder_long, places=4)
        self.assertAlmostEqual(grinder.demand_long, 0.05 * grinder_long, places=4)

        self.assertAlmostEqual(pump.consumed_qty, 9.0)
        self.assertAlmostEqual(pump.demand_short, 2.25)
        self.assertAlmostEqual(pump.demand_long, 6.0 + 0.05 * grinder_long, places=4)
        self.assertEqual((pump.history_months, pump.short_months, pump.long_months), (12, 3, 12))

        heater = self._line(lines, self.heater)
        self.assertEqual(heater.detail_ids.product_id, self.espresso)
        self.assertAlmostEqual(heater.detail_ids.rate, 2 / 120)
        self.assertAlmostEqual(heater.demand_short, 0.5)
        self.assertAlmostEqual(heater.demand_long, 2.0)

    def test_stock_and_shortfall(self):
        lines = self._compute()
        pump = self._line(lines, self.pump)
        # 12 bought; 1 + 2 + 3 + 2 + 3 used, 1 back: 2 on hand (the open
        # repair's pump is only reserved); 1 on its way. Short: 2.25 - 3 < 0.
        self.assertAlmostEqual(pump.qty_on_hand, 2.0)
        self.assertAlmostEqual(pump.qty_incoming, 1.0)
        self.assertAlmostEqual(pump.shortfall_short, 0.0)
        self.assertAlmostEqual(pump.shortfall_long, 6.0 + 0.05 * 5 * 12 * 181 / 365 - 3.0, places=4)
        heater = self._line(lines, self.heater)
        self.assertAlmostEqual(heater.qty_on_hand, 3.0)
        self.assertAlmostEqual(heater.qty_incoming, 0.0)
        self.assertAlmostEqual(heater.shortfall_long, 0.0)
        # The customers' units in the Service location are no stock.
        self.assertFalse(lines.filtered(lambda f: f.product_id in (self.espresso, self.grinder)))

    def test_settings_windows(self):
        self.company.after_sales_forecast_short_months = 6
        self.company.after_sales_forecast_history_months = 6
        pump = self._line(self._compute(), self.pump)
        # History July-December 2024: only the September (1) and November
        # (3) repairs; 10 + 5 units over 6 months.
        espresso = pump.detail_ids.filtered(lambda d: d.product_id == self.espresso)
        self.assertAlmostEqual(espresso.consumed_qty, 1.0)
        self.assertAlmostEqual(espresso.history_unit_months, 60.0)
        self.assertAlmostEqual(espresso.short_unit_months, 60.0)
        self.assertAlmostEqual(espresso.demand_short, 1.0)
        grinder = pump.detail_ids.filtered(lambda d: d.product_id == self.grinder)
        self.assertAlmostEqual(grinder.history_unit_months, 30.0)
        self.assertAlmostEqual(grinder.short_unit_months, 30.0)
        self.assertAlmostEqual(grinder.demand_short, 3.0)
        with self.assertRaisesMessage(ValidationError, "long horizon cannot be shorter"):
            self.company.after_sales_forecast_long_months = 5
        with self.assertRaisesMessage(ValidationError, "at least one month"):
            self.company.after_sales_forecast_history_months = 0

    def test_orderpoints_created_then_updated(self):
        lines = self._compute(self.manager)
        pump, heater = self._line(lines, self.pump), self._line(lines, self.heater)
        # Rounded up to whole units: 2.25 -> 3, 7.49 -> 8; heater 0.5 -> 1, 2.
        self.assertEqual((pump.suggested_min_qty, pump.suggested_max_qty), (3.0, 8.0))
        self.assertEqual((heater.suggested_min_qty, heater.suggested_max_qty), (1.0, 2.0))
        action = (pump | heater).action_create_orderpoints()
        self.assertIn("2 reordering rule(s) created", action["params"]["message"])
        orderpoints = self.Orderpoint.search([("product_id", "in", (self.pump | self.heater).ids)])
        self.assertEqual(len(orderpoints), 2)
        pump_rule = orderpoints.filtered(lambda o: o.product_id == self.pump)
        self.assertEqual(pump_rule.location_id, self.stock_location)
        self.assertEqual(pump_rule.warehouse_id, self.warehouse)
        self.assertEqual(pump_rule.trigger, "auto")
        self.assertEqual((pump_rule.product_min_qty, pump_rule.product_max_qty), (3.0, 8.0))
        self.assertEqual(pump.orderpoint_id, pump_rule)

        # Six months ahead: the pump's min becomes 0.05 * (60 + 30) = 4.5 -> 5;
        # the same rule is updated.
        self.company.after_sales_forecast_short_months = 6
        lines = self._compute(self.manager)
        pump = self._line(lines, self.pump)
        self.assertEqual(pump.orderpoint_id, pump_rule)
        action = pump.action_create_orderpoints()
        self.assertIn("1 updated", action["params"]["message"])
        self.assertNotIn("created", action["params"]["message"])
        self.assertEqual(self.Orderpoint.search_count([("product_id", "=", self.pump.id)]), 1)
        self.assertEqual((pump_rule.product_min_qty, pump_rule.product_max_qty), (5.0, 8.0))

    def test_orderpoints_archived_or_proposed_by_odoo(self):
        # An archived rule comes back; a proposal of Odoo's replenishment
        # report (manual, by the system) becomes automatic so it stays.
        archived = self.Orderpoint.create(
            {"product_id": self.pump.id, "location_id": self.stock_location.id, "active": False}
        )
        proposal = self.Orderpoint.with_user(self.env.ref("base.user_root")).create(
            {"product_id": self.heater.id, "location_id": self.stock_location.id, "trigger": "manual"}
        )
        lines = self._compute(self.stock_manager)
        ours = lines.filtered(lambda f: f.product_id in (self.pump | self.heater))
        action = ours.action_create_orderpoints()
        self.assertIn("2 updated", action["params"]["message"])
        self.assertTrue(archived.active)
        self.assertEqual((archived.product_min_qty, archived.product_max_qty), (3.0, 8.0))
        self.assertEqual(proposal.trigger, "auto")
        self.assertEqual((proposal.product_min_qty, proposal.product_max_qty), (1.0, 2.0))
        self.assertEqual(
            self.Orderpoint.with_context(active_test=False).search_count(
                [("product_id", "in", (self.pump | self.heater).ids)]
            ),
            2,
        )

    def test_no_demand_left_alone(self):
        self.Warranty.search([("product_id", "in", (self.espresso | self.grinder).ids)]).write(
            {"date_end": "2024-12-31"}
        )
        pump = self._line(self._compute(self.manager), self.pump)
        self.assertEqual(pump.demand_long, 0.0)
        action = pump.action_create_orderpoints()
        self.assertIn("left as they were", action["params"]["message"])
        self.assertFalse(self.Orderpoint.search([("product_id", "=", self.pump.id)]))

    def test_access_by_role(self):
        # Users read the forecast they computed, nobody else's.
        lines = self._compute(self.user)
        self.assertTrue(self._line(lines, self.pump))
        self.assertFalse(self.Forecast.with_user(self.manager).search([]))
        with self.assertRaisesMessage(AccessError, "managers and stock managers"):
            lines.with_user(self.user).action_create_orderpoints()
        self.assertFalse(self.Orderpoint.search([("product_id", "=", self.pump.id)]))
        with self.assertRaisesMessage(AccessError, "not allowed to access|not allowed to create"):
            self.Forecast.with_user(self.accountant).browse().action_compute()
        # Stock managers set rules from it, as they may in Inventory.
        lines = self._compute(self.stock_manager)
        self._line(lines, self.pump).action_create_orderpoints()
        self.assertTrue(self.Orderpoint.search([("product_id", "=", self.pump.id)]))

    def test_menu_opens_computed(self):
        with freeze_time(TODAY):
            action = self.Forecast.with_user(self.user).action_open()
        self.assertEqual(action["res_model"], "after_sales.parts.forecast")
        self.assertTrue(self._line(self.Forecast.with_user(self.user).search([]), self.pump))

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Workshop"})
        self.env.user.company_ids |= other
        env = self.env(context=dict(self.env.context, allowed_company_ids=[other.id]))
        warehouse = env["stock.warehouse"].search([("company_id", "=", other.id)], limit=1)
        product = env["product.product"].create(
            {"name": "Their Espresso", "is_storable": True, "tracking": "serial", "company_id": other.id}
        )
        customer = env["res.partner"].create({"name": "Their customer", "company_id": other.id})
        lot = env["stock.lot"].create({"name": "THEIRS-1", "product_id": product.id, "company_id": other.id})
        env["after_sales.warranty"].create(
            {
                "partner_id": customer.id,
                "product_id": product.id,
                "lot_id": lot.id,
                "term_id": env["after_sales.warranty.term"]
                .create({"name": "Theirs", "duration": 24, "company_id": other.id})
                .id,
                "date_start": "2024-01-01",
                "company_id": other.id,
            }
        )
        env["stock.quant"]._update_available_quantity(self.pump, warehouse.lot_stock_id, 7)
        with freeze_time("2024-06-01"):
            order = env["after_sales.service.order"].create(
                {
                    "partner_id": customer.id,
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "company_id": other.id,
                    "warehouse_id": warehouse.id,
                    "exchange_type": "none",
                    "defect_code_id": self.env.ref("after_sales_service.defect_code_electronic").id,
                    "defect_cause_id": self.env.ref("after_sales_service.defect_cause_manufacturing").id,
                }
            )
            order.action_confirm()
            order.action_receive()
            order.action_start_repair()
            env["stock.move"].create(
                {
                    "repair_id": order.repair_ids.id,
                    "product_id": self.pump.id,
                    "product_uom_qty": 2,
                    "repair_line_type": "add",
                }
            )
            order.action_done()

        # The company's own history only: 9 pumps, not 11.
        pump = self._line(self._compute(self.manager), self.pump)
        self.assertAlmostEqual(pump.consumed_qty, 9.0)
        self.assertFalse(self.Forecast.with_user(self.manager).search([("company_id", "=", other.id)]))

        # Working in both companies, each warehouse has its line.
        both = self.Forecast.with_context(allowed_company_ids=[self.company.id, other.id])
        with freeze_time(TODAY):
            both.browse().action_compute()
        lines = both.search([])
        theirs = self._line(lines, self.pump, warehouse)
        self.assertEqual(theirs.company_id, other)
        self.assertAlmostEqual(theirs.consumed_qty, 2.0)
        # 1 unit over 12 months; 2 pumps: 2/12 per unit-month, 3 months ahead.
        self.assertAlmostEqual(theirs.detail_ids.history_unit_months, 12.0)
        self.assertAlmostEqual(theirs.demand_short, 0.5)
        self.assertAlmostEqual(theirs.qty_on_hand, 5.0)
        self.assertAlmostEqual(self._line(lines, self.pump).consumed_qty, 9.0)

    def test_query_count_does_not_grow_with_parts(self):
        """The forecast costs a fixed number of queries per company and
        warehouse, whatever the number of parts and products: the history,
        the coverage and Odoo's stock quantities are read in batch."""
        Forecast = self.Forecast.with_context(allowed_company_ids=self.company.ids)

        def compute():
            with freeze_time(TODAY):
                Forecast.browse().action_compute()

        # The same number of lines before each counted run: they are replaced.
        compute()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=34):
            compute()
        parts = self.env["product.product"].create(
            [{"name": f"Forecast Part {i}", "is_storable": True} for i in range(6)]
        )
        for part in parts:
            self._put_in_stock(part, 10)
        self._repair(self.grinder_lots[1], "2024-10-10", dict.fromkeys(parts, 1))
        compute()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=34):
            compute()
        self.assertEqual(len(Forecast.search([("product_id", "in", parts.ids)])), 6)

    def test_windows(self):
        windows = forecast_windows(date(2024, 12, 31), 12, 3, 12)
        self.assertEqual(windows["history"], (date(2024, 1, 1), date(2024, 12, 31)))
        self.assertEqual(windows["short"], (date(2025, 1, 1), date(2025, 3, 31)))
        self.assertEqual(windows["long"], (date(2025, 1, 1), date(2025, 12, 31)))
        self.assertAlmostEqual(unit_months(366 * 10, windows["history"], 12), 120.0)
