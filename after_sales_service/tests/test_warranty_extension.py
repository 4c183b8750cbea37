from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestWarrantyExtension(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.extension = cls.env["product.product"].create(
            {
                "name": "Extension +36",
                "type": "service",
                "is_warranty_extension": True,
                "warranty_term_id": cls.term_extension.id,
                "list_price": 99.0,
            }
        )
        cls.lot = cls._create_lots(cls.product_serial, ["SN-E1"])

    def _sell_extension(self, lot):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.extension.id, "product_uom_qty": 1, "warranty_lot_id": lot.id}
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    def test_extension_prolongs_coverage(self):
        with freeze_time("2025-01-31"):
            self._deliver(self.customer, self.product_serial, lots=self.lot)
            base = self.Warranty.search([("lot_id", "=", self.lot.id)])
            self.assertEqual(base.date_end, date(2027, 1, 31))
            order = self._sell_extension(self.lot)
        extension = self.Warranty.search([("sale_line_id", "=", order.order_line.id)])
        self.assertEqual(extension.parent_id, base)
        self.assertEqual(extension.origin, "extension")
        self.assertEqual(extension.lot_id, self.lot)
        self.assertEqual(extension.product_id, self.product_serial)
        self.assertEqual(extension.date_start, date(2027, 2, 1))
        self.assertEqual(extension.date_end, date(2030, 2, 1))
        self.assertEqual(base.extension_ids, extension)
        self.assertEqual(self.Warranty._find_covering(lot=self.lot, date=date(2028, 6, 1)), extension)
        self.assertEqual(self.Warranty._find_covering(lot=self.lot, date=date(2026, 6, 1)), base)
        self.assertFalse(self.Warranty._find_covering(lot=self.lot, date=date(2030, 2, 2)))

        # A second extension continues after the first.
        with freeze_time("2026-01-01"):
            order_2 = self._sell_extension(self.lot)
        second = self.Warranty.search([("sale_line_id", "=", order_2.order_line.id)])
        self.assertEqual(second.parent_id, extension)
        self.assertEqual(second.date_start, date(2030, 2, 2))

    def test_extension_of_uncovered_serial_refused(self):
        with self.assertRaisesMessage(UserError, "SN-E1 has no warranty in force to extend"):
            self._sell_extension(self.lot)
        self.assertFalse(self.Warranty.search([("lot_id", "=", self.lot.id)]))

    def test_extension_without_serial_refused(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.extension.id, "product_uom_qty": 1})],
            }
        )
        with self.assertRaisesMessage(UserError, "Set the serial number to extend"):
            order.action_confirm()

    def test_serial_to_extend_only_on_extensions(self):
        with self.assertRaisesMessage(ValidationError, "Only warranty extension products take a serial"):
            self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product_plain.id,
                                "product_uom_qty": 1,
                                "warranty_lot_id": self.lot.id,
                            }
                        )
                    ],
                }
            )

    def test_two_extensions_of_one_serial_in_one_order_are_chained(self):
        with freeze_time("2025-01-31"):
            self._deliver(self.customer, self.product_serial, lots=self.lot)
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.extension.id,
                                "product_uom_qty": 1,
                                "warranty_lot_id": self.lot.id,
                            }
                        )
                        for _i in range(2)
                    ],
                }
            )
            order.action_confirm()
        first, second = order.order_line.warranty_ids.sorted("date_start")
        self.assertEqual(first.date_start, date(2027, 2, 1))
        self.assertEqual(second.parent_id, first)
        self.assertEqual(second.date_start, first.date_end + relativedelta(days=1))
