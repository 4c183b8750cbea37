from datetime import date

from odoo.tests import TransactionCase, tagged

from ..tools import add_duration


@tagged("post_install", "-at_install")
class TestDateUtils(TransactionCase):
    def test_month_end_falls_back_to_last_day(self):
        self.assertEqual(add_duration(date(2025, 1, 31), 1, "month"), date(2025, 2, 28))
        self.assertEqual(add_duration(date(2024, 1, 31), 1, "month"), date(2024, 2, 29))
        self.assertEqual(add_duration(date(2025, 3, 31), 1, "month"), date(2025, 4, 30))

    def test_leap_day_plus_years(self):
        self.assertEqual(add_duration(date(2024, 2, 29), 1, "year"), date(2025, 2, 28))
        self.assertEqual(add_duration(date(2024, 2, 29), 4, "year"), date(2028, 2, 29))
        self.assertEqual(add_duration(date(2024, 2, 29), 12, "month"), date(2025, 2, 28))

    def test_days_cross_leap_february(self):
        self.assertEqual(add_duration(date(2024, 2, 28), 1, "day"), date(2024, 2, 29))
        self.assertEqual(add_duration(date(2023, 2, 28), 1, "day"), date(2023, 3, 1))
        self.assertEqual(add_duration(date(2024, 1, 1), 366, "day"), date(2025, 1, 1))

    def test_many_months_keep_day(self):
        self.assertEqual(add_duration(date(2024, 5, 15), 24, "month"), date(2026, 5, 15))
        self.assertEqual(add_duration(date(2024, 8, 31), 6, "month"), date(2025, 2, 28))

    def test_unknown_unit(self):
        with self.assertRaisesRegex(ValueError, "unknown duration unit 'week'"):
            add_duration(date(2024, 1, 1), 1, "week")
