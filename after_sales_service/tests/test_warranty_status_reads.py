from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..tools.planner import lot_names_lookup
from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestWarrantyStatusReads(AfterSalesCommon):
    """The warranty status reads only the columns it answers with: the same
    answer as the records' display names, in as many queries for ten serials
    as for one, and today in the caller's time zone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        attribute = cls.env["product.attribute"].create(
            {
                "name": "Colour",
                "create_variant": "always",
                "value_ids": [Command.create({"name": "Red"}), Command.create({"name": "Black"})],
            }
        )
        template = cls.env["product.template"].create(
            {
                "name": "Kettle",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": cls.category.id,
                "attribute_line_ids": [
                    Command.create(
                        {"attribute_id": attribute.id, "value_ids": [Command.set(attribute.value_ids.ids)]}
                    )
                ],
            }
        )
        variants = {
            product.product_template_attribute_value_ids.name: product
            for product in template.product_variant_ids
        }
        cls.red, cls.black = variants["Red"], variants["Black"]
        cls.red.default_code = "KT-R"
        cls.buyer = cls.customer_contact.child_ids
        cls.units = cls._create_lots(cls.red, [f"KT-{n}" for n in range(10)])
        # The same serial number on two products.
        cls.twins = cls._create_lots(cls.black, ["KT-0"])
        cls.warranties = cls.Warranty.create(
            [
                {
                    "partner_id": (cls.buyer if n % 2 else cls.customer).id,
                    "product_id": cls.red.id,
                    "lot_id": lot.id,
                    "date_start": "2026-01-10",
                }
                for n, lot in enumerate(cls.units)
            ]
        )
        # Earlier owners of some units, under warranties long ended: the
        # status shows the current registrations, and reads nothing of these.
        cls.former_owner = cls.env["res.partner"].create({"name": "Former Owner"})
        cls.Warranty.create(
            [
                {
                    "partner_id": cls.former_owner.id,
                    "product_id": cls.red.id,
                    "lot_id": lot.id,
                    "term_id": cls.term_b2b.id,
                    "date_start": "2020-01-10",
                }
                for lot in cls.units[1:4]
            ]
        )

    def test_answer_names_as_odoo_shows_them(self):
        self.env.invalidate_all()
        [single] = self.Warranty.with_user(self.user).get_warranty_status(["KT-1"], date="2026-02-01")
        self.assertEqual(self.buyer.display_name, "Company Customer, Buyer")
        self.assertEqual(self.red.display_name, "[KT-R] Kettle (Red)")
        self.assertEqual(single["product"], self.red.display_name)
        self.assertEqual(single["customer"], self.buyer.display_name)
        self.assertEqual(single["term"], "Consumer 24 months")
        self.assertEqual(single["state"], "active")
        self.assertEqual(single["parts_coverage"], 100.0)
        self.assertEqual(single["labor_coverage"], 100.0)
        [twins] = self.Warranty.with_user(self.user).get_warranty_status(["KT-0"], date="2026-02-01")
        self.assertEqual(twins["state"], "ambiguous")
        # By product name: Black before Red; only the red one is registered.
        self.assertEqual(
            [unit["product"] for unit in twins["matches"]], ["Kettle (Black)", "[KT-R] Kettle (Red)"]
        )
        self.assertEqual([unit["state"] for unit in twins["matches"]], ["none", "active"])
        self.assertEqual(twins["matches"][1]["customer"], "Consumer Customer")

    def test_queries_do_not_grow_with_the_serials(self):
        # The serials, their registrations, the product's template, product
        # and variant values (3 more for the values' names), the terms, the
        # customers and their companies, the caller's time zone.
        status = self.Warranty.with_user(self.user)
        status.get_warranty_status(["KT-1"])  # Odoo's caches of rules and access rights
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=14):
            status.get_warranty_status(["KT-1"])
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=14):
            answers = status.get_warranty_status([f"KT-{n}" for n in range(1, 10)])
        self.assertEqual(len({answer["customer"] for answer in answers}), 2)

    def test_today_is_the_callers(self):
        warranty = self.warranties[1]
        self.assertEqual(warranty.date_end, date(2028, 1, 10))
        status = self.Warranty.with_user(self.user)
        # 2028-01-10 at 11:00 UTC is already the 11th in Kiritimati (UTC+14).
        with freeze_time("2028-01-10 11:00:00"):
            self.user.tz = "UTC"
            self.env.invalidate_all()
            self.assertEqual(status.get_warranty_status(["KT-1"])[0]["state"], "active")
            self.user.tz = "Pacific/Kiritimati"
            self.env.invalidate_all()
            self.assertEqual(status.get_warranty_status(["KT-1"])[0]["state"], "expired")
            # A time zone in the context wins, as for Odoo's context_today.
            utc = status.with_context(tz="UTC")
            self.assertEqual(utc.get_warranty_status(["KT-1"])[0]["state"], "active")

    def _bitmap_scans(self):
        self.env.cr.execute("SHOW enable_bitmapscan")
        return self.env.cr.fetchone()[0]

    def test_lot_names_lookup_is_local_to_its_block(self):
        self.assertEqual(self._bitmap_scans(), "on")
        with lot_names_lookup(self.env):
            self.assertEqual(self._bitmap_scans(), "off")
        self.assertEqual(self._bitmap_scans(), "on")
        # A Python error in the block (the transaction goes on): set back.
        with self.assertRaises(UserError), lot_names_lookup(self.env):
            self.Warranty.get_warranty_status("KT-1")  # not a list
        self.assertEqual(self._bitmap_scans(), "on")
        # A block that fails in a savepoint: its rollback sets it back.
        with self.assertRaises(ValidationError), self.env.cr.savepoint(), lot_names_lookup(self.env):
            self._create_lots(self.red, ["KT-1"])
        self.assertEqual(self._bitmap_scans(), "on")
        # A registration batch creates its serials in such a block.
        report = self.Warranty.register_warranties(
            [{"ref": "R-1", "serial": "KT-NEW", "product_id": self.red.id, "partner_id": self.customer.id}]
        )
        self.assertEqual(report[0]["status"], "created")
        self.assertEqual(self._bitmap_scans(), "on")
