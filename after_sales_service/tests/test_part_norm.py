from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestPartNorm(ServiceOrderCommon):
    """The parts a repair normally needs, per product and defect; finished
    orders that used more are flagged for the manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Norm = cls.env["after_sales.part.norm"]
        cls.Report = cls.env["after_sales.part.norm.report"]
        cls.code_electronic = cls.env.ref("after_sales_service.defect_code_electronic")
        cls.heater = cls.env["product.product"].create({"name": "Heater", "is_storable": True})
        cls._put_in_stock(cls.heater, 10)
        # What _order records: an electronic defect of the espresso machine.
        cls.norm = cls.Norm.create(
            {
                "product_id": cls.product_serial.id,
                "defect_code_id": cls.code_electronic.id,
                "line_ids": [Command.create({"product_id": cls.part.id, "quantity": 1})],
            }
        )
        cls.lots = cls._create_lots(cls.product_serial, [f"NORM-{i}" for i in range(4)])
        cls._deliver(cls.customer, cls.product_serial, lots=cls.lots)
        cls.tech = cls.user
        # Whatever demo data set: no reviewer unless a test names one.
        cls.company.after_sales_norm_user_id = False

    def _repaired(self, lot, parts, finish=True, **vals):
        order = self._order(lot=lot, exchange_type="none", user_id=self.tech.id, **vals)
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self.env["stock.move"].create(
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

    def test_within_norm(self):
        order = self._repaired(self.lots[0], {self.part: 1})
        self.assertEqual(order.part_norm_id, self.norm)
        self.assertFalse(order.over_norm)
        self.assertFalse(order.norm_excess)

    def test_over_norm_flagged_for_manager(self):
        self.company.after_sales_norm_user_id = self.manager
        order = self._repaired(self.lots[0], {self.part: 2})
        self.assertTrue(order.over_norm)
        self.assertEqual(order.norm_excess, "Pump: 2.00 Units used, norm 1.00")
        self.assertIn(order, self.Order.search([("over_norm", "=", True)]))
        self.assertIn("More parts than the norm", order.message_ids[0].body)
        activity = order.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.summary, "Parts over the norm")
        # Returned to stock: within the norm again.
        self.env["after_sales.return.part"].create(
            {"order_id": order.id, "move_id": order.part_move_ids.id, "quantity": 1}
        ).action_return()
        self.assertFalse(order.over_norm)

    def test_part_outside_norm(self):
        order = self._repaired(self.lots[0], {self.part: 1, self.heater: 1})
        self.assertTrue(order.over_norm)
        self.assertEqual(order.norm_excess, "Heater: 1.00 Units used, not in the norm")
        # No reviewer set: the chatter says it, no activity.
        self.assertFalse(order.activity_ids)

    def test_not_judged_before_done_nor_without_norm(self):
        order = self._repaired(self.lots[0], {self.part: 3}, finish=False)
        self.assertEqual(order.part_norm_id, self.norm)
        self.assertFalse(order.over_norm)
        leak_code = self.env.ref("after_sales_service.defect_code_leak")
        leak = self._repaired(self.lots[1], {self.part: 3}, defect_code_id=leak_code.id)
        self.assertFalse(leak.part_norm_id)
        self.assertFalse(leak.over_norm)

    def test_parent_code_norm(self):
        child = self.env["after_sales.defect.code"].create(
            {"name": "Board burnt", "code": "BRD", "parent_id": self.code_electronic.id}
        )
        order = self._repaired(self.lots[0], {self.part: 2}, defect_code_id=child.id)
        self.assertEqual(order.part_norm_id, self.norm)
        self.assertTrue(order.over_norm)
        # A norm of its own, once there is one.
        own = self.Norm.create(
            {
                "product_id": self.product_serial.id,
                "defect_code_id": child.id,
                "line_ids": [Command.create({"product_id": self.part.id, "quantity": 2})],
            }
        )
        self.assertEqual(order.part_norm_id, own)
        self.assertFalse(order.over_norm)

    def test_norm_changes_recheck_finished_orders(self):
        self.norm.active = False
        order = self._repaired(self.lots[0], {self.part: 2})
        self.assertFalse(order.part_norm_id)
        self.assertFalse(order.over_norm)
        self.norm.active = True
        self.assertEqual(order.part_norm_id, self.norm)
        self.assertTrue(order.over_norm)
        self.norm.line_ids.quantity = 2
        self.assertFalse(order.over_norm)
        self.norm.line_ids.unlink()
        self.assertTrue(order.over_norm)
        self.norm.unlink()
        self.assertFalse(order.part_norm_id)
        self.assertFalse(order.over_norm)

    def test_report_by_technician(self):
        other_tech = self.manager
        self._repaired(self.lots[0], {self.part: 2, self.heater: 1})
        self.tech = other_tech
        self._repaired(self.lots[1], {self.part: 1})
        self.env.flush_all()
        rows = self.Report.search([("norm_id", "=", self.norm.id)])
        groups = self.Report._read_group(
            [("norm_id", "=", self.norm.id)], ["user_id"], ["used_qty:sum", "norm_qty:sum", "excess_qty:sum"]
        )
        by_tech = {user: (used, norm, excess) for user, used, norm, excess in groups}
        self.assertEqual(by_tech[self.user], (3.0, 1.0, 2.0))
        self.assertEqual(by_tech[other_tech], (1.0, 1.0, 0.0))
        heater = rows.filtered(lambda r: r.part_id == self.heater)
        self.assertEqual((heater.used_qty, heater.norm_qty, heater.excess_qty), (1.0, 0.0, 1.0))
        self.assertTrue(heater.over_norm)
        self.assertEqual(heater.defect_code_id, self.code_electronic)
        self.assertEqual(heater.product_id, self.product_serial)

    def test_report_norm_part_not_used(self):
        self.norm.line_ids = [Command.create({"product_id": self.heater.id, "quantity": 1})]
        order = self._repaired(self.lots[0], {self.part: 1})
        self.assertFalse(order.over_norm)
        self.env.flush_all()
        heater = self.Report.search([("order_id", "=", order.id), ("part_id", "=", self.heater.id)])
        self.assertEqual((heater.used_qty, heater.norm_qty, heater.excess_qty), (0.0, 1.0, 0.0))

    def test_access_by_role(self):
        self.assertEqual(self.Norm.with_user(self.user).search([("id", "=", self.norm.id)]), self.norm)
        with self.assertRaisesMessage(AccessError, "not allowed to create"):
            self.Norm.with_user(self.user).create(
                {"product_id": self.product_plain.id, "defect_code_id": self.code_electronic.id}
            )
        with self.assertRaisesMessage(AccessError, "not allowed to modify"):
            self.norm.line_ids.with_user(self.user).quantity = 5
        norm = self.Norm.with_user(self.manager).create(
            {
                "product_id": self.product_plain.id,
                "defect_code_id": self.code_electronic.id,
                "line_ids": [Command.create({"product_id": self.part.id, "quantity": 1})],
            }
        )
        norm.line_ids.quantity = 2
        self.assertTrue(self.Report.with_user(self.manager).search([]) is not None)
        with self.assertRaisesMessage(AccessError, "not allowed to access"):
            self.Report.with_user(self.user).search([])
        with self.assertRaisesMessage(AccessError, "not allowed to access"):
            self.Norm.with_user(self.stock_user).search([])

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Workshop"})
        theirs = self.Norm.create(
            {
                "product_id": self.product_plain.id,
                "defect_code_id": self.code_electronic.id,
                "company_id": other.id,
                "line_ids": [Command.create({"product_id": self.heater.id, "quantity": 5})],
            }
        )
        self.assertFalse(self.Norm.with_user(self.manager).search([("id", "=", theirs.id)]))
        lines = self.env["after_sales.part.norm.line"].with_user(self.manager)
        self.assertFalse(lines.search([("norm_id", "=", theirs.id)]))
        # Their norm does not measure this company's orders.
        self.norm.unlink()
        self.Norm.create(
            {
                "product_id": self.product_serial.id,
                "defect_code_id": self.code_electronic.id,
                "company_id": other.id,
                "line_ids": [Command.create({"product_id": self.part.id, "quantity": 5})],
            }
        )
        order = self._repaired(self.lots[0], {self.part: 2})
        self.assertFalse(order.part_norm_id)

    def test_bad_input(self):
        mixers = self.env["product.category"].create({"name": "Mixers"})
        bowl = self.env["after_sales.defect.code"].create(
            {"name": "Mixer bowl", "code": "BOWL", "categ_ids": [Command.set(mixers.ids)]}
        )
        with self.assertRaisesMessage(ValidationError, "does not apply to products of category"):
            self.Norm.create({"product_id": self.product_serial.id, "defect_code_id": bowl.id})
        duplicate = {"product_id": self.product_serial.id, "defect_code_id": self.code_electronic.id}
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.Norm.create(duplicate)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.norm.line_ids.quantity = 0
            self.env.flush_all()
