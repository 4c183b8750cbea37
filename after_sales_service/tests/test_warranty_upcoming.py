from ast import literal_eval
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestWarrantyUpcoming(AfterSalesCommon):
    """A registration that starts after today is upcoming, not active: its
    status, the search view's filters and the status API agree, and it
    becomes active on its start day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.extension_product = cls.env["product.product"].create(
            {
                "name": "Extension +36",
                "type": "service",
                "is_warranty_extension": True,
                "warranty_term_id": cls.term_extension.id,
                "list_price": 99.0,
            }
        )
        cls.lot = cls._create_lots(cls.product_serial, ["SN-UP1"])
        cls.lot_future = cls._create_lots(cls.product_serial, ["SN-UP2"])
        arch = etree.fromstring(cls.env.ref("after_sales_service.after_sales_warranty_view_search").arch)
        cls.filters = {node.get("name"): node.get("domain") for node in arch.iter("filter")}

    def _filter(self, name, lot):
        """The registrations of ``lot`` the search view's filter ``name``
        shows, searched as an After-Sales user."""
        domain = literal_eval(self.filters[name])
        return self.Warranty.with_user(self.user).search([*domain, ("lot_id", "=", lot.id)])

    def _status(self, lot, day):
        return self.Warranty.get_warranty_status([lot.name], day)[0]["state"]

    def test_chained_extension_is_upcoming_until_it_starts(self):
        with freeze_time("2025-01-31"):
            self._deliver(self.customer, self.product_serial, lots=self.lot)
            base = self.Warranty.search([("lot_id", "=", self.lot.id)])
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.extension_product.id,
                                "product_uom_qty": 1,
                                "warranty_lot_id": self.lot.id,
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
            extension = order.order_line.warranty_ids
            self.assertEqual((extension.parent_id, extension.date_start), (base, date(2027, 2, 1)))
            self.assertEqual((base.state, extension.state), ("active", "upcoming"))
            self.assertEqual(self._filter("active", self.lot), base)
            self.assertEqual(self._filter("upcoming", self.lot), extension)
            # The serial is covered by its running registration.
            self.assertEqual((self.lot.warranty_id, self.lot.warranty_state), (base, "active"))
            self.assertEqual(self._status(self.lot, "2025-01-31"), "active")

        # The last day of the base: the extension still waits.
        with freeze_time("2027-01-31"):
            self.env.invalidate_all()
            self.assertEqual((base.state, extension.state), ("active", "upcoming"))
            self.assertEqual(self._filter("active", self.lot), base)

        with freeze_time("2027-02-01"):
            self.env.invalidate_all()
            self.assertEqual((base.state, extension.state), ("expired", "active"))
            self.assertEqual(self._filter("active", self.lot), extension)
            self.assertEqual(self._filter("upcoming", self.lot), self.Warranty)
            self.assertEqual(self._filter("expired", self.lot), base)
            self.assertEqual((self.lot.warranty_id, self.lot.warranty_state), (extension, "active"))

    def test_registration_starting_later_is_upcoming(self):
        with freeze_time("2025-06-10"):
            warranty = self.Warranty.create(
                {
                    "partner_id": self.customer.id,
                    "product_id": self.product_serial.id,
                    "lot_id": self.lot_future.id,
                    "date_start": "2025-07-01",
                }
            )
            self.assertEqual((warranty.registration_state, warranty.state), ("confirmed", "upcoming"))
            self.assertFalse(self._filter("active", self.lot_future))
            self.assertEqual(self._filter("upcoming", self.lot_future), warranty)
            Warranty = self.Warranty.with_user(self.user)
            lot_domain = [("lot_id", "=", self.lot_future.id)]
            self.assertEqual(Warranty.search([*lot_domain, ("state", "in", ["upcoming", "draft"])]), warranty)
            self.assertFalse(Warranty.search([*lot_domain, ("state", "not in", ["upcoming"])]))
            self.assertEqual(Warranty.search([*lot_domain, ("state", "!=", "active")]), warranty)
            # The unit is not covered yet; the API answers "future", as before.
            self.assertFalse(warranty._covers(date(2025, 6, 10)))
            self.assertEqual(self._status(self.lot_future, "2025-06-10"), "future")
            self.assertEqual(
                (self.lot_future.warranty_id, self.lot_future.warranty_state), (warranty, "upcoming")
            )
            self.assertEqual(self._status(self.lot_future, "2025-07-01"), "active")

        with freeze_time("2025-07-01"):
            self.env.invalidate_all()
            self.assertEqual(warranty.state, "active")
            self.assertEqual(self._filter("active", self.lot_future), warranty)
            self.assertFalse(self._filter("upcoming", self.lot_future))
            self.assertEqual(self._status(self.lot_future, "2025-07-01"), "active")

    def test_voided_and_draft_registrations_are_never_upcoming(self):
        with freeze_time("2025-06-10"):
            vals = {
                "partner_id": self.customer.id,
                "product_id": self.product_serial.id,
                "date_start": "2025-07-01",
            }
            draft = self.Warranty.create({**vals, "lot_id": self.lot.id, "registration_state": "draft"})
            void = self.Warranty.create({**vals, "lot_id": self.lot_future.id})
            void._void(reason="Sold by mistake")
            self.assertEqual((draft.state, void.state), ("draft", "void"))
            self.assertFalse(self._filter("upcoming", self.lot) | self._filter("upcoming", self.lot_future))
