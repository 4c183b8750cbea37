import json
import os
import sys
import unittest
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.web.controllers import dataset

from .common import ServiceOrderCommon

# The client package sits next to the addon in the repository (see
# test_client_integration); deployed without it, its test is skipped.
_CLIENT_DIR = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "after_sales_client")
if os.path.isdir(_CLIENT_DIR) and os.path.abspath(_CLIENT_DIR) not in sys.path:
    sys.path.insert(0, os.path.abspath(_CLIENT_DIR))
try:
    from after_sales_client import AfterSalesClient
except ModuleNotFoundError as error:
    if error.name != "after_sales_client":
        raise
    AfterSalesClient = None

# The reads outside systems call, which Odoo may serve from a replica, and the
# writes, which must stay on the primary.
READS = [
    ("after_sales.warranty", "get_warranty_status"),
    ("after_sales.service.order", "api_status"),
    ("after_sales.service.order", "api_overdue"),
    ("after_sales.service.order", "api_costs"),
]
WRITES = [
    ("after_sales.warranty", "register_warranties"),
    ("after_sales.service.order", "api_open"),
]


@tagged("post_install", "-at_install")
class TestReadonlyApi(ServiceOrderCommon, HttpCase):
    """The API's reads run on a read-only cursor (the replica's, when
    ``db_replica_host`` is set), its writes on a read/write one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.late = cls._order(date_deadline=cls.today - timedelta(days=2))
        cls.late.action_confirm()
        cls.desk = new_test_user(
            cls.env,
            login="readonly_desk",
            groups="base.group_user,after_sales_service.group_after_sales_user",
        )

    @contextmanager
    def _readonly_env(self):
        """An environment of the desk user on a read-only cursor, as the web
        route opens for a method marked ``@api.readonly``."""
        self.env.flush_all()  # the other cursor reads the database, not this cache
        with self.registry.cursor(readonly=True) as cr:
            self.assertTrue(cr.readonly)
            yield self.env(cr=cr, user=self.desk)
            # Still read-only at the end: nothing fell back to a write.
            cr.execute("SHOW transaction_read_only")
            self.assertEqual(cr.fetchone(), ("on",))

    def _call_kw(self, model, method, args, kwargs=None):
        """A JSON-RPC call of the web client's route; the readonly flag of
        the cursor each call ran on is appended to ``self.cursor_modes``."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertNotIn("error", body, body.get("error"))
        return body["result"]

    def test_marked(self):
        for model, method in READS:
            self.assertTrue(getattr(getattr(type(self.env[model]), method), "_readonly", False), method)
        for model, method in WRITES:
            self.assertFalse(getattr(getattr(type(self.env[model]), method), "_readonly", False), method)

    def test_reads_on_readonly_cursor(self):
        with self._readonly_env() as env:
            status = env["after_sales.warranty"].get_warranty_status(["UNIT-1", "NO-SUCH"])
            self.assertEqual(
                [(s["serial"], s["found"], s["state"]) for s in status],
                [("UNIT-1", True, "active"), ("NO-SUCH", False, "none")],
            )
            self.assertEqual(status[0]["warranty"], self.warranty.name)
            orders = env["after_sales.service.order"]
            self.assertEqual(orders.api_status([self.late.name])[0]["state"], "confirmed")
            self.assertIn(self.late.name, [o["name"] for o in orders.api_overdue()])
            costs = orders.api_costs(str(self.today), str(self.today))
            self.assertEqual(
                set(costs),
                {"orders", "parts_cost", "labor_cost", "transport_cost", "total_cost", "by_coverage"},
            )

    @mute_logger("odoo.sql_db")
    def test_write_refused_on_readonly_cursor(self):
        """The check above means something: that cursor refuses a write."""
        # What the test cursor holds for its commit (bus messages) is written
        # now: assertRaises' savepoint flushes it, inside the read-only cursor.
        self.env.flush_all()
        self.env.cr.flush()
        with self.registry.cursor(readonly=True) as cr:
            # Its savepoint first, then assertRaises' (on the shared
            # connection), so that the rollback of the error keeps the former.
            cr.execute("SELECT 1")
            with self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction):
                cr.execute("UPDATE after_sales_warranty SET ref = ref WHERE id = %s", [self.warranty.id])

    def _spy_modes(self):
        """Patch the web route's call to record ``(method, readonly)`` of
        every try, before it runs: a try that fails on a write counts too."""
        modes = []
        original = dataset.call_kw

        def spy(model, name, args, kwargs):
            modes.append((name, model.env.cr.readonly))
            return original(model, name, args, kwargs)

        return modes, patch.object(dataset, "call_kw", spy)

    @unittest.skipUnless(AfterSalesClient, "after_sales_client is not importable")
    def test_client_jsonrpc_transport(self):
        """The client's JSON-RPC transport logs in with a web session and its
        reads take the read-only route; its methods answer as over XML-RPC."""
        self.env.flush_all()
        client = AfterSalesClient(
            self.base_url(),
            self.env.cr.dbname,
            "readonly_desk",
            "readonly_desk",
            timeout=30,
            retries=0,
            transport="jsonrpc",
        )
        modes, spy = self._spy_modes()
        with spy:
            self.assertTrue(client.warranty_status("UNIT-1").covered)
            self.assertEqual(client.service_order_status(self.late.name).state, "confirmed")
            row = {"ref": "RO-3", "serial": "RO-SN-3", "product_id": self.product_serial.id}
            report = client.register_warranties([dict(row, partner_id=self.customer.id)])
            self.assertEqual(report.created, ["RO-3"])
        self.assertEqual(
            modes, [("get_warranty_status", True), ("api_status", True), ("register_warranties", False)]
        )

    def test_web_route_modes(self):
        """Over ``/web/dataset/call_kw`` the marked reads get a read-only
        cursor at the first try; a write gets a read/write one."""
        modes, spy = self._spy_modes()
        self.env.flush_all()
        self.authenticate("readonly_desk", "readonly_desk")
        with spy:
            status = self._call_kw("after_sales.warranty", "get_warranty_status", [["UNIT-1"]])
            self.assertEqual(status[0]["state"], "active")
            orders = self._call_kw("after_sales.service.order", "api_status", [[self.late.name]])
            self.assertEqual(orders[0]["name"], self.late.name)
            overdue = self._call_kw("after_sales.service.order", "api_overdue", [])
            self.assertIn(self.late.name, [o["name"] for o in overdue])
            day = str(self.today)
            self.assertIn("total_cost", self._call_kw("after_sales.service.order", "api_costs", [day, day]))
            created = self._call_kw(
                "after_sales.warranty",
                "register_warranties",
                [
                    [
                        {
                            "ref": "RO-2",
                            "serial": "RO-SN-2",
                            "product_id": self.product_serial.id,
                            "partner_id": self.customer.id,
                        }
                    ]
                ],
            )
            self.assertEqual(created[0]["status"], "created")
        # One entry per call: a read that wrote would show a second, read/write try.
        self.assertEqual(
            modes,
            [
                ("get_warranty_status", True),
                ("api_status", True),
                ("api_overdue", True),
                ("api_costs", True),
                ("register_warranties", False),
            ],
        )
