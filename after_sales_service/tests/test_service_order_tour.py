from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestServiceOrderTour(HttpCase):
    def test_intake_in_the_browser(self):
        term = self.env["after_sales.warranty.term"].create({"name": "Tour 24", "duration": 24})
        product = self.env["product.product"].create(
            {"name": "Tour unit", "is_storable": True, "tracking": "serial", "warranty_term_id": term.id}
        )
        lot = self.env["stock.lot"].create({"name": "TOUR-SN-1", "product_id": product.id})
        customer = self.env["res.partner"].create({"name": "Tour Customer"})
        self.env["after_sales.warranty"].create(
            {"partner_id": customer.id, "product_id": product.id, "lot_id": lot.id}
        )
        new_test_user(
            self.env,
            login="tour_desk",
            groups="base.group_user,after_sales_service.group_after_sales_user",
        )
        self.start_tour(
            "/odoo/action-after_sales_service.after_sales_service_order_action",
            "after_sales_service_order_intake",
            login="tour_desk",
        )
        order = self.env["after_sales.service.order"].search([("lot_id", "=", lot.id)])
        self.assertEqual(order.state, "confirmed")
        self.assertEqual(order.partner_id, customer)
        self.assertEqual(order.coverage, "warranty")
        self.assertEqual(order.symptom, "Makes a grinding noise")
        self.assertEqual(order.receipt_picking_id.move_line_ids.lot_id, lot)
