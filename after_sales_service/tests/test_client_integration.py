import os
import sys
import unittest
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

# The client package lives next to the addon in this repository; it needs no
# Odoo, so Odoo's Python can import it from there.
CLIENT_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "after_sales_client"
)
if os.path.isdir(CLIENT_DIR) and CLIENT_DIR not in sys.path:
    sys.path.insert(0, CLIENT_DIR)

try:
    from after_sales_client import (
        AccessDenied,
        AfterSalesClient,
        AuthenticationFailed,
        ValidationFailed,
    )
except ModuleNotFoundError as error:
    # The addon deployed on its own (a wheel, an addons path without this
    # repository): no client to test. A client that fails to import is an error.
    if error.name != "after_sales_client":
        raise
    AfterSalesClient = None


@tagged("post_install", "-at_install")
@unittest.skipUnless(
    AfterSalesClient, "after_sales_client is not importable: the addon is deployed without its client package"
)
class TestClientIntegration(HttpCase):
    """The client library against the running test server, every method."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.term = cls.env["after_sales.warranty.term"].create(
            {"name": "Client 24", "duration": 24, "labor_coverage": 50}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Client unit",
                "is_storable": True,
                "tracking": "serial",
                "warranty_term_id": cls.term.id,
            }
        )
        cls.partner = cls.env["res.partner"].create({"name": "Client customer"})
        new_test_user(
            cls.env, login="client_desk", groups="base.group_user,after_sales_service.group_after_sales_user"
        )
        new_test_user(cls.env, login="client_nobody", groups="base.group_user")

    def _client(self, login="client_desk", secret=None):
        return AfterSalesClient(
            self.base_url(), self.env.cr.dbname, login, secret or login, timeout=30, retries=0
        )

    def test_every_method(self):
        client = self._client()
        rows = [
            {
                "ref": "CLI-1",
                "serial": "CLI-SN-1",
                "product_id": self.product.id,
                "partner_id": self.partner.id,
                "date_start": fields.Date.to_string(fields.Date.today()),
            },
            {
                "ref": "CLI-2",
                "serial": "CLI-SN-2",
                "product_id": self.product.id,
                "partner_id": self.partner.id,
            },
            {
                "ref": "CLI-3",
                "serial": "CLI-SN-3",
                "partner_id": self.partner.id,
            },  # unknown serial, no product
            {
                "ref": "CLI-4",
                "serial": "CLI-SN-4",
                "product_id": self.product.id,
            },  # no partner: refused locally
        ]
        report = client.register_warranties(rows, batch_size=2)
        self.assertEqual(report.created, ["CLI-1", "CLI-2"])
        self.assertEqual([(i, ref) for i, ref, _r in report.rejected], [(2, "CLI-3"), (3, "CLI-4")])
        self.assertIn("give its product_id", report.rejected[0][2])
        again = client.register_warranties(rows[:2])
        self.assertEqual(again.existing, ["CLI-1", "CLI-2"])
        self.assertEqual(self.env["after_sales.warranty"].search_count([("ref", "like", "CLI-")]), 2)

        status = client.warranty_status("CLI-SN-1")
        self.assertTrue(status.covered)
        self.assertEqual((status.customer, status.labor_coverage), ("Client customer", 50.0))
        self.assertFalse(client.warranty_status("NO-SUCH-SERIAL").found)

        order = client.open_service_order(serial="CLI-SN-1", symptom="Rattles")
        self.assertEqual(
            (order.state, order.coverage, order.customer), ("confirmed", "warranty", "Client customer")
        )
        self.assertEqual(client.service_order_status(order.name).serial, "CLI-SN-1")
        with self.assertRaisesRegex(ValidationFailed, "Serial number NO-SUCH-SERIAL is unknown"):
            client.open_service_order(serial="NO-SUCH-SERIAL", symptom="x")
        with self.assertRaisesRegex(ValidationFailed, "Unknown service order: SRV/NOPE"):
            client.service_order_status("SRV/NOPE")

        record = self.env["after_sales.service.order"].search([("name", "=", order.name)])
        record.date_deadline = fields.Date.today() - timedelta(days=2)
        self.env.flush_all()  # the server thread reads the database, not this cache
        # Demo data may hold overdue orders too: the API answers what the ORM finds.
        overdue = self.env["after_sales.service.order"].search(
            [("is_overdue", "=", True)], order="date_deadline, id"
        )
        self.assertIn(record, overdue)
        self.assertEqual([o.name for o in client.overdue_orders()], overdue.mapped("name"))

        month = fields.Date.today().strftime("%Y-%m")
        before = client.costs(month)  # demo data may have finished orders this month too
        record.action_receive()
        record.no_fault_found = True
        record.transport_cost = 12.0
        record.action_done()
        self.env.flush_all()
        costs = client.costs(month)
        self.assertEqual(costs.orders, before.orders + 1)
        self.assertAlmostEqual(costs.total_cost, before.total_cost + 12.0)
        self.assertAlmostEqual(costs.by_coverage["warranty"], before.by_coverage.get("warranty", 0.0) + 12.0)

    def test_access_errors(self):
        with self.assertRaisesRegex(AuthenticationFailed, "Login failed for client_desk"):
            self._client(secret="wrong password").warranty_status("X")
        nobody = self._client("client_nobody")
        with self.assertRaisesRegex(
            AccessDenied, r"not allowed to create 'Warranty Registration' \(after_sales\.warranty\)"
        ):
            nobody.register_warranties([{"ref": "N-1", "product_id": self.product.id, "partner_id": 1}])
        with self.assertRaisesRegex(
            AccessDenied, r"not allowed to create 'Service Order' \(after_sales\.service\.order\)"
        ):
            nobody.open_service_order(product_id=self.product.id, partner_id=self.partner.id, symptom="x")
