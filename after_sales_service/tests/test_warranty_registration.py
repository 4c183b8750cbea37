from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestWarrantyRegistration(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._create_lots(cls.product_serial, ["SN-M1"])

    def _register(self, **vals):
        return self.Warranty.create(
            {
                "partner_id": self.customer.id,
                "product_id": self.product_serial.id,
                "lot_id": self.lot.id,
                **vals,
            }
        )

    def test_manual_registration_takes_product_term(self):
        with freeze_time("2024-01-31"):
            with Form(self.Warranty) as form:
                form.partner_id = self.customer
                form.product_id = self.product_serial
                form.lot_id = self.lot
                self.assertEqual(form.term_id, self.term_consumer)
            warranty = form.record
            self.assertEqual(warranty.state, "active")
        self.assertEqual(warranty.date_start, date(2024, 1, 31))
        self.assertEqual(warranty.date_end, date(2026, 1, 31))
        self.assertEqual(warranty.origin, "manual")

    def test_expiry_follows_the_day(self):
        warranty = self._register(date_start="2024-02-29", term_id=self.term_b2b.id)
        self.assertEqual(warranty.date_end, date(2025, 2, 28))
        for day, state in (("2025-02-28", "active"), ("2025-03-01", "expired")):
            with freeze_time(day):
                warranty.invalidate_recordset(["state"])
                self.assertEqual(warranty.state, state)
                self.assertEqual(
                    self.Warranty.search([("state", "=", state), ("id", "=", warranty.id)]), warranty
                )
                self.assertFalse(self.Warranty.search([("state", "!=", state), ("id", "=", warranty.id)]))
        with freeze_time("2025-03-01"):
            self.assertFalse(self.Warranty._find_covering(lot=self.lot))
            self.assertEqual(self.Warranty._find_covering(lot=self.lot, date=date(2025, 2, 1)), warranty)

    def test_search_state_in(self):
        upcoming = self._register(date_start="2099-01-01")
        draft = self._register(date_start="2099-01-01", state="draft")
        self.assertEqual(draft.registration_state, "draft")
        self.assertEqual(upcoming.state, "upcoming")
        found = self.Warranty.search([("state", "in", ["upcoming", "draft"]), ("lot_id", "=", self.lot.id)])
        self.assertEqual(found, upcoming | draft)
        self.assertEqual(
            self.Warranty.search([("state", "not in", ["upcoming"]), ("lot_id", "=", self.lot.id)]), draft
        )

    def test_end_before_start_rejected(self):
        with self.assertRaisesMessage(ValidationError, "cannot end .* before it starts"):
            self._register(date_start="2025-05-01", date_end="2025-04-30")
        warranty = self._register(date_start="2025-05-01")
        with self.assertRaisesMessage(ValidationError, "cannot end"):
            warranty.date_end = "2024-01-01"
        self.assertEqual(warranty.date_end, date(2027, 5, 1))

    def test_lot_of_another_product_rejected(self):
        other = self.env["product.product"].create(
            {"name": "Other", "is_storable": True, "tracking": "serial"}
        )
        other_lot = self._create_lots(other, ["OTHER-1"])
        count = self.Warranty.search_count([])
        with self.assertRaisesMessage(ValidationError, "Serial number OTHER-1 belongs to Other"):
            self._register(lot_id=other_lot.id)
        self.assertEqual(self.Warranty.search_count([]), count)

    def test_serial_registration_covers_one_unit(self):
        with self.assertRaisesMessage(ValidationError, "covers exactly one unit"):
            self._register(quantity=2)

    def test_zero_quantity_rejected(self):
        with self.assertRaisesMessage(ValidationError, "must be positive"):
            self.Warranty.create(
                {"partner_id": self.customer.id, "product_id": self.product_plain.id, "quantity": 0}
            )

    def test_duplicate_ref_rejected(self):
        first = self._register(ref="SHOP-1")
        with self.assertRaisesMessage(ValidationError, "external reference SHOP-1 already exists"):
            self._register(ref="SHOP-1")
        second = self._register(ref="SHOP-2")
        with self.assertRaisesMessage(ValidationError, "external reference SHOP-1 already exists"):
            second.ref = "SHOP-1"
        first.ref = "SHOP-1"  # rewriting its own reference is fine
        self.assertEqual(self.Warranty.search_count([("ref", "=", "SHOP-1")]), 1)
        self.assertEqual(second.ref, "SHOP-2")

    def test_no_term_rejected(self):
        with self.assertRaisesMessage(ValidationError, "Product Descaler has no warranty term"):
            self.Warranty.create({"partner_id": self.customer.id, "product_id": self.product_no_term.id})

    def test_register_batch_is_idempotent(self):
        rows = [
            {
                "ref": "WEB-1",
                "serial": "NEW-SERIAL-1",
                "product_id": self.product_serial.id,
                "partner_id": self.customer.id,
                "date_start": "2025-01-15",
            },
            {"ref": "WEB-2", "serial": "SN-M1", "partner_id": self.customer.id},
            {"ref": "WEB-3", "serial": "NO-PRODUCT", "partner_id": self.customer.id},
            {"ref": "WEB-4", "product_id": self.product_plain.id, "partner_id": 0},
            {"ref": "WEB-5", "product_id": self.product_no_term.id, "partner_id": self.customer.id},
            {"serial": "NO-REF", "partner_id": self.customer.id},
            {
                "ref": "WEB-6",
                "product_id": self.product_plain.id,
                "partner_id": self.customer.id,
                "date_start": "not a date",
            },
            {
                "ref": "WEB-7",
                "product_id": self.product_plain.id,
                "partner_id": self.customer.id,
                "colour": "red",
            },
            # Passes the checks before creation, fails a constraint: the batch
            # falls back to row by row and only this row is rejected.
            {
                "ref": "WEB-8",
                "serial": "NEW-SERIAL-8",
                "product_id": self.product_serial.id,
                "partner_id": self.customer.id,
                "quantity": 2,
            },
        ]
        result = self.Warranty.register_warranties(rows)
        self.assertEqual(
            [r["status"] for r in result],
            [
                "created",
                "created",
                "rejected",
                "rejected",
                "rejected",
                "rejected",
                "rejected",
                "rejected",
                "rejected",
            ],
        )
        self.assertIn("covers exactly one unit", result[8]["error"])
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "NEW-SERIAL-8")]))
        self.assertIn("give its product_id", result[2]["error"])
        self.assertIn("Unknown customer", result[3]["error"])
        self.assertIn("has no warranty term", result[4]["error"])
        self.assertIn("Missing ref", result[5]["error"])
        self.assertIn("Unknown keys: colour", result[7]["error"])
        new = self.Warranty.browse(result[0]["id"])
        self.assertEqual(new.lot_id.name, "NEW-SERIAL-1")
        self.assertEqual(new.lot_id.product_id, self.product_serial)
        self.assertEqual(new.date_end, date(2027, 1, 15))

        again = self.Warranty.register_warranties(rows[:2])
        self.assertEqual([r["status"] for r in again], ["existing", "existing"])
        self.assertEqual([r["id"] for r in again], [result[0]["id"], result[1]["id"]])
        self.assertEqual(self.Warranty.search_count([("ref", "like", "WEB-")]), 2)

    def test_register_batch_rejects_bad_argument(self):
        with self.assertRaisesMessage(UserError, "list of dicts"):
            self.Warranty.register_warranties("WEB-1")

    def test_warranty_status(self):
        with freeze_time("2025-01-01"):
            warranty = self._register(date_start="2024-06-01")
            status = self.Warranty.get_warranty_status(["SN-M1", "UNKNOWN"])
        self.assertEqual(status[0]["warranty"], warranty.name)
        self.assertEqual(status[0]["state"], "active")
        self.assertEqual(status[0]["date_end"], "2026-06-01")
        self.assertEqual(status[0]["parts_coverage"], 100.0)
        self.assertFalse(status[1]["found"])
        self.assertEqual(status[1]["state"], "none")
        later = self.Warranty.get_warranty_status(["SN-M1"], date="2026-06-02")
        self.assertEqual(later[0]["state"], "expired")
        with self.assertRaisesMessage(UserError, "Invalid date"):
            self.Warranty.get_warranty_status(["SN-M1"], date="yesterday")

    def test_void_needs_reason_and_covers_nothing(self):
        warranty = self._register().with_user(self.manager)
        with self.assertRaisesMessage(UserError, "Give a reason before voiding"):
            warranty.action_void()
        self.assertEqual(warranty.state, "active")
        warranty.void_reason = "Opened by an unauthorised workshop"
        warranty.action_void()
        self.assertEqual(warranty.state, "void")
        self.assertTrue(warranty.date_void)
        self.assertFalse(self.Warranty._find_covering(lot=self.lot))
        self.assertIn("unauthorised workshop", warranty.message_ids[0].body)
        with self.assertRaisesMessage(UserError, "already void"):
            warranty.action_void()

    def test_state_void_only_through_button(self):
        warranty = self._register()
        with self.assertRaisesMessage(UserError, "Use the Void button"):
            warranty.state = "void"

    def test_confirmed_registration_cannot_be_deleted(self):
        warranty = self._register()
        with self.assertRaisesMessage(UserError, "Only draft warranty registrations can be deleted"):
            warranty.unlink()
        draft = self._register(state="draft")
        draft.unlink()
        self.assertFalse(draft.exists())
