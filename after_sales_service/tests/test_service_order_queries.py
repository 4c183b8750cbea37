from odoo.tests import tagged

from .common import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestServiceOrderQueries(ServiceOrderCommon):
    """Query budgets of the lifecycle, pinned; batches cost the same per order."""

    def _units(self, count, prefix):
        lots = self._create_lots(self.product_serial, [f"{prefix}-{i}" for i in range(count)])
        self._deliver(self.customer, self.product_serial, lots=lots)
        self.env.flush_all()
        self.env.invalidate_all()
        return lots

    def _lifecycle(self, lots):
        orders = self.Order.create(
            [
                {
                    "partner_id": self.customer.id,
                    "product_id": self.product_serial.id,
                    "lot_id": lot.id,
                    "exchange_type": "none",
                    "defect_code_id": self.env.ref("after_sales_service.defect_code_power").id,
                    "defect_cause_id": self.env.ref("after_sales_service.defect_cause_manufacturing").id,
                }
                for lot in lots
            ]
        )
        orders.action_confirm()
        orders.action_receive()
        orders.action_start_repair()
        orders.repair_ids.action_repair_end()
        orders.action_return()
        self.env.flush_all()
        return orders

    def test_query_count_one_lifecycle(self):
        lots = self._units(1, "QC1")
        # Finishing looks up what the customer pays (the quotation, its charges)
        # and checks the defect record (code, its categories, the cause); the
        # intake looks for an earlier repair of the unit (repeat) and for the
        # part norm of its product and defect (1 query, for a batch too).
        # The customer has no email address: no mail goes out and no mail
        # template is looked up (4 queries fewer since the mails' switches);
        # the return computes the order's last rating, stored (1 query).
        # TestNotifications pins the same lifecycle with its mails.
        with self.assertQueryCount(__system__=200):
            orders = self._lifecycle(lots)
        self.assertEqual(orders.state, "returned")

    def test_query_count_ten_orders_in_batch(self):
        lots = self._units(10, "QC10")
        with self.assertQueryCount(__system__=642):
            orders = self._lifecycle(lots)
        self.assertEqual(set(orders.mapped("state")), {"returned"})
