from datetime import date, timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import AfterSalesCommon

START = date(2025, 3, 1)
END = date(2025, 3, 31)
DAY = timedelta(days=1)


@tagged("post_install", "-at_install")
class TestWarrantyCoverage(AfterSalesCommon):
    """ "Covered on a date" has one definition (``_covering_domain``): every
    lookup, the provision's SQL among them, agrees with it on the edge days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One category per registration: the provision counts units by category.
        cls.registrations = {}
        for state in ("confirmed", "void", "draft"):
            category = cls.env["product.category"].create(
                {"name": f"Coverage {state}", "warranty_term_id": cls.term_consumer.id}
            )
            product = cls.env["product.product"].create(
                {"name": f"Unit {state}", "is_storable": True, "tracking": "serial", "categ_id": category.id}
            )
            lot = cls._create_lots(product, [f"COVER-{state}"])
            warranty = cls.Warranty.create(
                {
                    "partner_id": cls.customer.id,
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "date_start": START,
                    "date_end": END,
                    "registration_state": "draft" if state == "draft" else "confirmed",
                }
            )
            if state == "void":
                warranty._void(reason="Tampered seal")
            cls.registrations[state] = warranty

    def _lookups(self, warranty, day):
        """Whether each lookup finds ``warranty`` covering its unit on ``day``."""
        lot = warranty.lot_id
        provision = self.env["after_sales.warranty.provision"].create(
            {"date": day, "history_months": 12, "sales_percent": 2.0}
        )
        status = self.Warranty.get_warranty_status([lot.name], fields.Date.to_string(day))[0]
        return {
            "search": bool(self.Warranty.search([("id", "=", warranty.id), *warranty._covering_domain(day)])),
            "in memory": warranty._covers(day),
            "lookup": self.Warranty._find_covering(lot=lot, date=day) == warranty,
            "by serial": self.Warranty._registrations_by_lot(lot, day)[lot.id][0] == warranty,
            "status API": status["state"] == "active",
            "provision SQL": warranty.product_id.categ_id.id in provision._query_active_units(),
        }

    def _sql_covers(self, warranty, date_from, date_to):
        self.env.flush_all()
        covering = self.Warranty._covering_sql("w", date_from, date_to)
        query = SQL("SELECT w.id FROM after_sales_warranty w WHERE w.id = %s AND %s", warranty.id, covering)
        return bool(self.env.execute_query(query))

    def test_lookups_agree_on_edge_days(self):
        days = {START - DAY: False, START: True, END: True, END + DAY: False}
        for state, warranty in self.registrations.items():
            for day, covered in days.items():
                expected = covered and state == "confirmed"
                with self.subTest(state=state, day=day):
                    lookups = self._lookups(warranty, day)
                    self.assertEqual(lookups, dict.fromkeys(lookups, expected))

    def test_covered_on_a_day_of_a_window(self):
        """The provision's history counts the registrations covered on some day of its window."""
        warranty = self.registrations["confirmed"]
        windows = {
            (START - 10 * DAY, START - DAY): False,
            (START - 10 * DAY, START): True,
            (START + DAY, END - DAY): True,
            (END, END + 10 * DAY): True,
            (END + DAY, END + 10 * DAY): False,
        }
        for (date_from, date_to), covered in windows.items():
            with self.subTest(date_from=date_from, date_to=date_to):
                domain = [("id", "=", warranty.id), *warranty._covering_domain(date_from, date_to)]
                self.assertEqual(bool(self.Warranty.search(domain)), covered)
                self.assertEqual(self._sql_covers(warranty, date_from, date_to), covered)
        for state in ("void", "draft"):
            self.assertFalse(self._sql_covers(self.registrations[state], START, END))
