from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestWarrantyAccess(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._create_lots(cls.product_serial, ["SN-A1"])
        cls.warranty = cls.Warranty.create(
            {
                "partner_id": cls.customer.id,
                "product_id": cls.product_serial.id,
                "lot_id": cls.lot.id,
                "void_reason": "Tampered seal",
            }
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Service Co"})
        cls.other_user = new_test_user(
            cls.env,
            login="as_other",
            groups="base.group_user,after_sales_service.group_after_sales_manager",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )

    def test_user_registers_but_cannot_void_or_edit_terms(self):
        Warranty = self.Warranty.with_user(self.user)
        created = Warranty.create({"partner_id": self.customer.id, "product_id": self.product_plain.id})
        self.assertEqual(created.state, "active")
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers can void"):
            self.warranty.with_user(self.user).action_void()
        # Not by a write either: the state changes through the buttons only.
        with self.assertRaisesMessage(UserError, "Registration State of a Warranty Registration change"):
            self.warranty.with_user(self.user).write({"registration_state": "void"})
        self.assertEqual(self.warranty.state, "active")
        with self.assertRaisesMessage(
            AccessError, r"not allowed to modify 'Warranty Term' \(after_sales\.warranty\.term\)"
        ):
            self.term_consumer.with_user(self.user).duration = 36
        with self.assertRaisesMessage(
            AccessError, r"not allowed to create 'Warranty Term' \(after_sales\.warranty\.term\)"
        ):
            self.Term.with_user(self.user).create({"name": "Mine", "duration": 5})
        self.assertEqual(self.term_consumer.duration, 24)

    def test_manager_voids_and_edits_terms(self):
        self.warranty.with_user(self.manager).action_void()
        self.assertEqual(self.warranty.state, "void")
        self.term_consumer.with_user(self.manager).duration = 36
        self.assertEqual(self.term_consumer.duration, 36)

    def test_accountant_reads_only(self):
        warranty = self.warranty.with_user(self.accountant)
        self.assertEqual(warranty.read(["lot_id"])[0]["lot_id"][1], "SN-A1")
        self.assertEqual(self.term_consumer.with_user(self.accountant).duration, 24)
        with self.assertRaisesMessage(
            AccessError, r"not allowed to modify 'Warranty Registration' \(after_sales\.warranty\)"
        ):
            warranty.ref = "X"
        with self.assertRaisesMessage(
            AccessError, r"not allowed to create 'Warranty Registration' \(after_sales\.warranty\)"
        ):
            self.Warranty.with_user(self.accountant).create(
                {"partner_id": self.customer.id, "product_id": self.product_plain.id}
            )

    def test_stock_user_reads_lot_warranty(self):
        lot = self.lot.with_user(self.stock_user)
        self.assertEqual(lot.warranty_id, self.warranty)
        self.assertEqual(lot.warranty_state, "active")
        with self.assertRaisesMessage(
            AccessError, r"not allowed to modify 'Warranty Registration' \(after_sales\.warranty\)"
        ):
            self.warranty.with_user(self.stock_user).ref = "X"

    def test_other_company_sees_nothing(self):
        Warranty = self.Warranty.with_user(self.other_user)
        self.assertFalse(Warranty.search([]))
        with self.assertRaisesMessage(
            AccessError, r"doesn't have 'read' access to:\n- Warranty Registration\b"
        ):
            self.warranty.with_user(self.other_user).read(["name"])
        # A manager of the other company: the company rule refuses already the
        # read of the registration's state, before anything is written.
        with self.assertRaisesMessage(
            AccessError, r"doesn't have 'read' access to:\n- Warranty Registration\b"
        ):
            self.warranty.with_user(self.other_user).action_void()
        self.assertEqual(self.warranty.state, "active")
        # Terms of the company stay private; shared terms (no company) are visible.
        private = self.Term.create({"name": "Private", "duration": 6, "company_id": self.company.id})
        visible = self.Term.with_user(self.other_user).search([])
        self.assertNotIn(private, visible)
        self.assertIn(self.term_consumer, visible)
