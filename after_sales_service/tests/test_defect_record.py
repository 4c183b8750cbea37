from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestDefectRecord(ServiceOrderCommon):
    """What failed and why, recorded on every repair and inspection; a cause
    the company is not liable for waits for a manager's decision."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Code = cls.env["after_sales.defect.code"]
        cls.Cause = cls.env["after_sales.defect.cause"]
        cls.code_leak = cls.env.ref("after_sales_service.defect_code_leak")
        cls.cause_mfg = cls.env.ref("after_sales_service.defect_cause_manufacturing")
        cls.cause_misuse = cls.env.ref("after_sales_service.defect_cause_misuse")
        cls.cause_no_fault = cls.env.ref("after_sales_service.defect_cause_no_fault")

    def _in_repair(self, lot=None, **vals):
        order = self._order(lot, exchange_type="none", **vals)
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        return order

    # Catalogue ---------------------------------------------------------------

    def test_catalogue_access_by_role(self):
        self.assertTrue(self.Code.with_user(self.user).search([("code", "=", "LEAK")]))
        self.assertTrue(self.Cause.with_user(self.accountant).search([("code", "=", "MIS")]))
        with self.assertRaisesMessage(AccessError, "not allowed to create"):
            self.Code.with_user(self.user).create({"name": "Cracked housing", "code": "CRK"})
        with self.assertRaisesMessage(AccessError, "not allowed to modify"):
            self.cause_misuse.with_user(self.user).company_liable = True
        code = self.Code.with_user(self.manager).create(
            {
                "name": "Cracked housing",
                "code": "CRK",
                "parent_id": self.env.ref("after_sales_service.defect_code_mechanical").id,
            }
        )
        self.assertEqual(code.complete_code, "MEC.CRK")
        self.assertEqual(code.display_name, "[MEC.CRK] Cracked housing")
        with self.assertRaisesMessage(UserError, "Recursion"):
            code.parent_id.parent_id = code

    def test_catalogue_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Workshop"})
        theirs = self.Code.create({"name": "Their defect", "code": "THEIRS", "company_id": other.id})
        self.assertFalse(self.Code.with_user(self.manager).search([("id", "=", theirs.id)]))
        self.assertTrue(self.Code.with_user(self.manager).search([("id", "=", self.code_leak.id)]))

    def test_cause_type_sets_liability(self):
        self.assertTrue(self.cause_mfg.company_liable)
        self.assertFalse(self.cause_misuse.company_liable)
        self.assertFalse(self.env.ref("after_sales_service.defect_cause_wear").company_liable)
        self.assertTrue(self.cause_no_fault.company_liable)

    def test_code_applies_to_its_categories(self):
        kitchen = self.env["product.category"].create({"name": "Kitchen"})
        self.category.parent_id = kitchen
        other = self.env["product.category"].create({"name": "Garden"})
        garden_code = self.Code.create(
            {"name": "Blade blunt", "code": "BLD", "categ_ids": [(6, 0, other.ids)]}
        )
        kitchen_code = self.Code.create(
            {"name": "Milk frother", "code": "FRO", "categ_ids": [(6, 0, kitchen.ids)]}
        )
        order = self._order()
        with self.assertRaisesMessage(ValidationError, "does not apply to products of category"):
            order.defect_code_id = garden_code
        order.defect_code_id = kitchen_code
        self.assertEqual(order.defect_code_id, kitchen_code, "a parent category's code applies")
        offered = self.Code.search(
            ["|", ("categ_ids", "=", False), ("categ_ids", "parent_of", self.category.id)]
        )
        self.assertIn(kitchen_code, offered)
        self.assertIn(self.code_leak, offered)
        self.assertNotIn(garden_code, offered)

    # Required on finishing ------------------------------------------------------

    def test_finishing_needs_defect_and_cause(self):
        order = self._in_repair(defect_code_id=False, defect_cause_id=False)
        self._add_part(order)
        part_quantity = self.part.qty_available
        with self.assertRaisesMessage(
            UserError, r"Record the defect and its cause of SRV/\S+ \(Diagnosis tab\)"
        ):
            order.action_done()
        self.assertEqual(order.state, "in_repair")
        self.assertEqual(order.repair_ids.state, "under_repair")
        self.assertEqual(self.part.qty_available, part_quantity, "no part consumed")

        order.defect_code_id = self.code_leak
        with self.assertRaisesMessage(UserError, "Record its cause of"):
            order.action_done()
        # Ending the repair in the Repairs app is refused the same way.
        with self.assertRaisesMessage(UserError, "Record its cause of"):
            self._finish_repair(order)

        order.defect_cause_id = self.cause_mfg
        order.failed_product_id = self.part
        self.assertIn(self.part, order.failed_product_offer_ids)
        order.action_done()
        self.assertEqual(order.state, "done")
        self.assertEqual(self.part.qty_available, part_quantity - 1)

    def test_setting_off_finishes_without_record(self):
        self.company.after_sales_defect_required = False
        order = self._in_repair(defect_code_id=False, defect_cause_id=False)
        order.action_done()
        self.assertEqual(order.state, "done")

    def test_maintenance_needs_no_defect(self):
        order = self._order(
            exchange_type="none", request_type="maintenance", defect_code_id=False, defect_cause_id=False
        )
        order.action_confirm()
        order.action_receive()
        order.action_done()
        self.assertEqual(order.state, "done")

    def test_no_fault_found_has_its_own_cause(self):
        order = self._order(
            exchange_type="none", request_type="inspection", defect_code_id=False, defect_cause_id=False
        )
        order.action_confirm()
        order.action_receive()
        order.no_fault_found = True
        order.action_done()
        self.assertEqual(order.state, "done")
        self.assertEqual(order.defect_cause_id, self.cause_no_fault)
        self.assertFalse(order.defect_code_id)

    # A cause the company is not liable for ------------------------------------

    def test_misuse_waits_for_the_manager(self):
        order = self._in_repair(defect_cause_id=self.cause_misuse.id)
        self.assertTrue(order.needs_cause_decision)
        with self.assertRaisesMessage(UserError, "an After-Sales manager decides first"):
            order.action_done()
        self.assertEqual(order.state, "in_repair")
        for action in ("action_cause_charge_customer", "action_cause_goodwill"):
            with self.assertRaisesMessage(AccessError, "Only After-Sales managers decide"):
                getattr(order.with_user(self.user), action)()
        with self.assertRaisesMessage(UserError, "change through its buttons only"):
            order.with_user(self.manager).write({"cause_decision": "goodwill"})
        self.assertEqual((order.coverage, order.cause_decision), ("warranty", False))

    def test_manager_charges_the_customer(self):
        order = self._in_repair(defect_cause_id=self.cause_misuse.id)
        self._add_part(order)
        self._labor(order, hours=2.0)
        self.assertFalse(order.sale_order_id, "under warranty nothing is quoted")
        order.with_user(self.manager).action_cause_charge_customer()
        self.assertEqual((order.coverage, order.cause_decision), ("paid", "paid"))
        self.assertFalse(order.needs_cause_decision)
        quotation = order.sale_order_id
        self.assertEqual(quotation.state, "draft")
        self.assertEqual(
            sorted((line.product_id.name, line.product_uom_qty) for line in quotation.order_line),
            [("Pump", 1.0), ("Workshop hour", 2.0)],
            "the part used and the labor recorded so far are quoted",
        )
        told = order.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(told), 1)
        self.assertIn("Misuse or accident", told.body)
        self.assertIn("The warranty does not cover it", told.body)
        order.action_done()
        self.assertEqual(order.state, "done")
        self.assertEqual(order.customer_amount, quotation.amount_untaxed)
        self.assertEqual(quotation.amount_untaxed, 60.0 + 2 * 80.0)
        with self.assertRaisesMessage(UserError, "waits for no decision"):
            order.with_user(self.manager).action_cause_goodwill()

    def test_manager_keeps_it_as_goodwill(self):
        order = self._in_repair(defect_cause_id=self.cause_misuse.id)
        self._add_part(order)
        order.with_user(self.manager).action_cause_goodwill()
        self.assertEqual(
            (order.coverage, order.goodwill_share, order.cause_decision), ("goodwill", 100.0, "goodwill")
        )
        self.assertIn("grants the work as goodwill", order.message_ids[0].body)
        self.assertFalse(order.sale_order_id, "the company bears it all: nothing quoted")
        order.action_done()
        self.assertEqual(order.state, "done")
        self.assertEqual(order.customer_amount, 0.0)

    def test_no_decision_on_a_liable_cause(self):
        order = self._in_repair()
        with self.assertRaisesMessage(UserError, "waits for no decision on its cause"):
            order.with_user(self.manager).action_cause_charge_customer()
        self.assertEqual(order.coverage, "warranty")

    def test_cause_of_finished_work_is_a_managers_call(self):
        order = self._in_repair()
        order.action_done()
        with self.assertRaisesMessage(AccessError, "decided who paid"):
            order.with_user(self.user).defect_cause_id = self.cause_misuse
        order.with_user(self.user).defect_note = "Seal torn at the pump outlet"
        order.with_user(self.manager).defect_cause_id = self.cause_mfg.copy({"code": "MFG2"})
        self.assertEqual(order.defect_cause_id.code, "MFG2")

    # Repeat repairs ----------------------------------------------------------------

    def test_repeat_repair_within_the_window(self):
        first = self._in_repair()
        first.action_done()
        first.action_return()
        second = self._order()
        self.assertTrue(second.is_repeat)
        self.assertEqual(second.repeat_of_id, first)
        second.action_cancel()

        first.date_done = fields.Datetime.now() - timedelta(days=91)
        later = self._order()
        self.assertFalse(later.is_repeat, "outside the 90 days of the default window")
        later.action_cancel()

        first.date_done = fields.Datetime.now()
        self.company.after_sales_repeat_days = 0
        never = self._order()
        self.assertFalse(never.is_repeat)
        self.assertEqual(
            self.Order.search([("is_repeat", "=", True), ("lot_id", "=", self.unit_lot.id)]), second
        )
