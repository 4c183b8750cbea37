"""What outside systems send, wrong: every bad value is a clear refusal (a
rejected row of a batch, or a UserError), never a Python or database error,
and leaves no trace."""

import math
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ServiceOrderCommon

# What must never reach the caller: Python errors and database messages.
LEAKS = (
    r"TypeError|ValueError|KeyError|OverflowError|AttributeError|psycopg2|duplicate key|violates|Traceback"
)


@tagged("post_install", "-at_install")
class TestApiBadInput(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Lot = cls.env["stock.lot"]
        cls.other_company = cls.env["res.company"].create({"name": "Other Dealer"})
        cls.other_partner = cls.env["res.partner"].create(
            {"name": "Other Company Customer", "company_id": cls.other_company.id}
        )
        cls.other_product = cls.env["product.product"].create(
            {"name": "Other Company Unit", "is_storable": True, "company_id": cls.other_company.id}
        )
        cls.other_term = cls.Term.create(
            {"name": "Other Company 12", "duration": 12, "company_id": cls.other_company.id}
        )
        cls.archived_term = cls.Term.create({"name": "Old 6 months", "duration": 6, "active": False})
        cls.service_product = cls.env["product.product"].create({"name": "Cleaning", "type": "service"})
        # Serial numbers are unique per product: two products may share one.
        cls.twin_product = cls.env["product.product"].create(
            {"name": "Milk Frother", "is_storable": True, "tracking": "serial", "categ_id": cls.category.id}
        )
        cls.twins = cls._create_lots(cls.product_serial, ["TWIN-1"]) | cls._create_lots(
            cls.twin_product, ["TWIN-1"]
        )
        cls.free_lot = cls._create_lots(cls.product_serial, ["FREE-1"])
        cls.busy_lot = cls._create_lots(cls.product_serial, ["BUSY-1"])
        cls.busy_order = cls._order(lot=cls.busy_lot, exchange_type="none")
        cls.registered = cls.Warranty.create(
            {"ref": "KNOWN-1", "partner_id": cls.customer.id, "product_id": cls.product_plain.id}
        )

    def _good_row(self, ref, **values):
        return {"ref": ref, "product_id": self.product_plain.id, "partner_id": self.customer.id, **values}

    def _state(self):
        """What an API call must leave as it was when it refuses."""
        env = self.env(su=True)
        return {
            "registrations": env["after_sales.warranty"].search_count([]),
            "orders": env["after_sales.service.order"].search_count([]),
            "serials": env["stock.lot"].search_count([]),
            "quants": sorted(env["stock.quant"].search([]).mapped(lambda q: (q.id, q.quantity))),
            "journal items": env["account.move.line"].search_count([]),
        }

    def _bad_rows(self):
        """(case, row, expected reason) of register_warranties."""
        serial, plain, customer = self.product_serial.id, self.product_plain.id, self.customer.id
        return [
            ("row not a dict", "WEB-X", r"A registration is a dict, not 'WEB-X'"),
            ("row a list", [1, 2], r"A registration is a dict"),
            ("no ref", {"product_id": plain, "partner_id": customer}, r"Missing ref: give a non-empty text"),
            ("blank ref", self._good_row("  "), r"Missing ref: give a non-empty text"),
            ("ref a list", self._good_row(["R"]), r"Missing ref: give a non-empty text, not \['R'\]"),
            ("ref with NUL", self._good_row("R\x00"), r"Missing ref: give a non-empty text"),
            ("unknown key", self._good_row("B-KEY", colour="red"), r"^Unknown keys: colour$"),
            ("partner id a string", self._good_row("B-P1", partner_id="12"), r"partner_id must be the id"),
            ("no partner", self._good_row("B-P2", partner_id=None), r"Unknown customer: give partner_id"),
            (
                "partner id unknown",
                self._good_row("B-P3", partner_id=2**31 - 1),
                r"Unknown customer \(partner_id 2147483647\)",
            ),
            (
                "partner id beyond int4",
                self._good_row("B-P4", partner_id=2**40),
                r"partner_id must be the id",
            ),
            (
                "partner of another company",
                self._good_row("B-P5", partner_id=self.other_partner.id),
                r"Unknown customer \(partner_id",
            ),
            (
                "product id a dict",
                self._good_row("B-R1", product_id={"id": plain}),
                r"product_id must be the id",
            ),
            ("product id a list", self._good_row("B-R2", product_id=[plain]), r"product_id must be the id"),
            (
                "product id unknown",
                self._good_row("B-R3", product_id=2**31 - 1),
                r"Unknown product \(product_id",
            ),
            (
                "product of another company",
                self._good_row("B-R4", product_id=self.other_product.id),
                r"Unknown product \(product_id",
            ),
            (
                "service product",
                self._good_row("B-R5", product_id=self.service_product.id),
                r"Cleaning is not a good",
            ),
            (
                "product without term",
                self._good_row("B-R6", product_id=self.product_no_term.id),
                r"Descaler has no warranty term",
            ),
            (
                "term of another company",
                self._good_row("B-T1", term_id=self.other_term.id),
                r"Unknown warranty term \(term_id",
            ),
            (
                "archived term",
                self._good_row("B-T2", term_id=self.archived_term.id),
                r"Warranty term Old 6 months is archived",
            ),
            ("term id a float", self._good_row("B-T3", term_id=1.5), r"term_id must be the id"),
            ("quantity 1e308", self._good_row("B-Q1", quantity=1e308), r"quantity must be a number above 0"),
            ("quantity negative", self._good_row("B-Q2", quantity=-3), r"quantity must be a number above 0"),
            ("quantity NaN", self._good_row("B-Q3", quantity=math.nan), r"quantity must be a number above 0"),
            ("quantity inf", self._good_row("B-Q4", quantity=math.inf), r"quantity must be a number above 0"),
            ("quantity a string", self._good_row("B-Q5", quantity="2"), r"quantity must be a number above 0"),
            (
                "quantity a boolean",
                self._good_row("B-Q6", quantity=True),
                r"quantity must be a number above 0",
            ),
            (
                "quantity 2 of a serial",
                {"ref": "B-Q7", "serial": "FREE-1", "partner_id": customer, "quantity": 2},
                r"serial number FREE-1 covers exactly one unit",
            ),
            (
                "coverage beyond the calendar",
                self._good_row("B-D1", date_start="9999-06-01"),
                r"from 9999-06-01 under term Consumer 24 months would end after the calendar's last day",
            ),
            (
                "date 30 February",
                self._good_row("B-D2", date_start="2025-02-30"),
                r"Invalid date_start: give a date YYYY-MM-DD",
            ),
            (
                "date a number",
                self._good_row("B-D3", date_start=20250101),
                r"Invalid date_start: give a date YYYY-MM-DD",
            ),
            (
                "date a list",
                self._good_row("B-D4", date_start=["2025-01-01"]),
                r"Invalid date_start: give a date YYYY-MM-DD",
            ),
            (
                "serial a number",
                {"ref": "B-S1", "serial": 12345, "product_id": serial, "partner_id": customer},
                r"serial must be a non-empty text",
            ),
            (
                "serial of two products",
                {"ref": "B-S2", "serial": "TWIN-1", "partner_id": customer},
                r"TWIN-1 belongs to several products \(.*Espresso Machine.*\): give the product_id",
            ),
            (
                "unknown serial without product",
                {"ref": "B-S3", "serial": "NOWHERE-1", "partner_id": customer},
                r"NOWHERE-1 is unknown: give its product_id",
            ),
            (
                "serial of an untracked product",
                {"ref": "B-S4", "serial": "NEW-PLAIN-1", "product_id": plain, "partner_id": customer},
                r"Grinder is not tracked by serial number",
            ),
            (
                "neither serial nor product",
                {"ref": "B-S5", "partner_id": customer},
                r"Give a serial or a product_id",
            ),
        ]

    # register_warranties ---------------------------------------------------

    def test_register_rejects_each_bad_row_and_changes_nothing(self):
        Warranty = self.Warranty.with_user(self.user)
        for case, row, reason in self._bad_rows():
            with self.subTest(case=case):
                before = self._state()
                (result,) = Warranty.register_warranties([row])
                self.assertEqual(result["status"], "rejected")
                self.assertFalse(result["id"])
                self.assertRegex(result["error"], reason)
                self.assertNotRegex(result["error"], LEAKS)
                self.assertNotIn(None, result.values(), "XML-RPC cannot send None back")
                self.assertEqual(self._state(), before)

    def test_bad_rows_never_fail_the_batch(self):
        bad = self._bad_rows()
        customer = self.customer.id
        rows = [
            self._good_row("GOOD-1"),
            *[row for _case, row, _reason in bad],
            {
                "ref": "GOOD-2",
                "serial": "GOOD-SN-2",
                "product_id": self.product_serial.id,
                "partner_id": customer,
            },
            {"ref": "GOOD-3", "serial": "FREE-1", "partner_id": self.customer.id, "date_start": "2025-03-01"},
            self._good_row("GOOD-1", quantity=5),
            self._good_row("KNOWN-1"),
        ]
        before = self._state()
        results = self.Warranty.with_user(self.user).register_warranties(rows)
        self.assertEqual(len(results), len(rows))
        self.assertEqual([r["status"] for r in results[1 : len(bad) + 1]], ["rejected"] * len(bad))
        good, second, third, twice, known = results[0], *results[-4:]
        self.assertEqual([good["status"], second["status"], third["status"]], ["created"] * 3)
        self.assertEqual(twice["status"], "rejected")
        self.assertRegex(twice["error"], r"The ref GOOD-1 is in this batch twice: only its first row counts")
        self.assertEqual(known, {"ref": "KNOWN-1", "status": "existing", "id": self.registered.id})
        self.assertEqual(self._state()["registrations"], before["registrations"] + 3)
        self.assertEqual(self._state()["serials"], before["serials"] + 1)
        self.assertEqual(self.Warranty.browse(third["id"]).date_end, date(2027, 3, 1))
        self.assertEqual(self.Warranty.browse(good["id"]).quantity, 1.0)

    def test_contact_registers_for_its_company(self):
        buyer = self.customer_contact.child_ids
        (result,) = self.Warranty.register_warranties([self._good_row("CONTACT-1", partner_id=buyer.id)])
        self.assertEqual(self.Warranty.browse(result["id"]).partner_id, self.customer_contact)

    def test_refs_are_stripped_and_answered_as_sent(self):
        first = self.Warranty.register_warranties([self._good_row(" SPACED-1 ")])
        again = self.Warranty.register_warranties([self._good_row("SPACED-1")])
        self.assertEqual(first[0]["ref"], " SPACED-1 ")
        self.assertEqual(self.Warranty.browse(first[0]["id"]).ref, "SPACED-1")
        self.assertEqual(again[0], {"ref": "SPACED-1", "status": "existing", "id": first[0]["id"]})

    def test_row_refused_by_the_orm_alone_is_rejected(self):
        """A row that passes the checks up front but that the ORM refuses
        (here: a ref this user does not see) fails alone: the batch is
        created again row by row, each in its savepoint."""
        rows = [self._good_row("ORM-1"), self._good_row("KNOWN-1"), self._good_row("ORM-2")]
        Model = self.registry["after_sales.warranty"]
        with patch.object(Model, "_registered_refs", lambda self, rows, company: {}):
            results = self.Warranty.register_warranties(rows)
        self.assertEqual([r["status"] for r in results], ["created", "rejected", "created"])
        self.assertRegex(results[1]["error"], r"external reference KNOWN-1 already exists in this company")
        self.assertEqual(self.Warranty.search_count([("ref", "=", "KNOWN-1")]), 1)

    def test_register_refuses_a_batch_that_is_not_a_list(self):
        for rows in ("WEB-1", {"ref": "WEB-1"}, None, 5):
            with self.subTest(rows=rows), self.assertRaisesMessage(UserError, r"list of dicts"):
                self.Warranty.register_warranties(rows)

    # get_warranty_status -----------------------------------------------------

    def test_status_refuses_bad_arguments(self):
        cases = [
            ("serials a string", ("UNIT-1",), r"list of strings"),
            ("serials a dict", ({"serial": "UNIT-1"},), r"list of strings"),
            ("serial a number", ([1],), r"Each serial number must be a non-empty text, not 1"),
            ("serial None", ([None],), r"Each serial number must be a non-empty text"),
            ("serial with NUL", (["UNIT\x00"],), r"Each serial number must be a non-empty text"),
            ("date a number", (["UNIT-1"], 20250101), r"Invalid date: give a date YYYY-MM-DD, not 20250101"),
            ("date out of the calendar", (["UNIT-1"], "2025-13-01"), r"Invalid date: give a date YYYY-MM-DD"),
            ("date a list", (["UNIT-1"], ["2025-01-01"]), r"Invalid date: give a date YYYY-MM-DD"),
            ("date a dict", (["UNIT-1"], {"year": 2025}), r"Invalid date: give a date YYYY-MM-DD"),
        ]
        Warranty = self.Warranty.with_user(self.user)
        for case, args, reason in cases:
            with self.subTest(case=case), self.assertRaisesMessage(UserError, reason) as caught:
                Warranty.get_warranty_status(*args)
            self.assertNotRegex(str(caught.exception), LEAKS)

    def test_status_of_a_registration_not_started_is_future(self):
        with freeze_time("2025-01-10"):
            registration = self.Warranty.create(
                {
                    "partner_id": self.customer.id,
                    "product_id": self.product_serial.id,
                    "lot_id": self.free_lot.id,
                    "date_start": "2025-02-01",
                }
            )
            (today,) = self.Warranty.get_warranty_status(["FREE-1"])
        self.assertEqual(today["state"], "future")
        self.assertEqual(today["warranty"], registration.name)
        self.assertEqual(today["date_start"], "2025-02-01")
        self.assertEqual(self.Warranty.get_warranty_status(["FREE-1"], "2025-02-01")[0]["state"], "active")
        self.assertEqual(self.Warranty.get_warranty_status(["FREE-1"], "2027-02-02")[0]["state"], "expired")

    def test_status_of_a_serial_two_products_share(self):
        self.Warranty.create(
            {"partner_id": self.customer.id, "product_id": self.twin_product.id, "lot_id": self.twins[1].id}
        )
        twin, unit = self.Warranty.with_user(self.user).get_warranty_status(["TWIN-1", "UNIT-1"])
        self.assertEqual(twin["state"], "ambiguous")
        self.assertTrue(twin["found"])
        self.assertFalse(twin["product"])
        self.assertEqual(
            [(m["product"], m["state"]) for m in twin["matches"]],
            [("Espresso Machine", "none"), ("Milk Frother", "active")],
        )
        self.assertEqual(unit["state"], "active")
        self.assertNotIn("matches", unit)

    # api_open / api_status / api_costs --------------------------------------

    def test_open_refuses_bad_values_and_changes_nothing(self):
        unit = {"serial": "FREE-1", "partner_id": self.customer.id}
        cases = [
            ("values a list", [unit], r"Give the service order as a dict"),
            ("unknown key", {**unit, "priority": 3}, r"^Unknown keys: priority$"),
            ("product id a string", {**unit, "product_id": "abc"}, r"product_id must be the id of a record"),
            ("product id unknown", {**unit, "product_id": 2**31 - 1}, r"Unknown product \(product_id"),
            ("partner id a string", {**unit, "partner_id": "7"}, r"partner_id must be the id of a record"),
            (
                "partner id beyond int4",
                {**unit, "partner_id": 2**40},
                r"partner_id must be the id of a record",
            ),
            (
                "partner id unknown",
                {**unit, "partner_id": 2**31 - 1},
                r"Unknown customer \(partner_id 2147483647\)",
            ),
            (
                "partner of another company",
                {**unit, "partner_id": self.other_partner.id},
                r"Unknown customer \(partner_id",
            ),
            ("serial unknown", {"serial": "NOWHERE-1"}, r"Serial number NOWHERE-1 is unknown"),
            ("serial a list", {"serial": ["FREE-1"]}, r"serial must be a non-empty text"),
            ("serial of two products", {"serial": "TWIN-1"}, r"TWIN-1 belongs to several products"),
            (
                "request type unknown",
                {**unit, "request_type": "teleport"},
                r"Unknown request type 'teleport'",
            ),
            ("request type a number", {**unit, "request_type": 5}, r"Unknown request type 5: one of repair"),
            ("symptom a dict", {**unit, "symptom": {"a": 1}}, r"The symptom must be a text"),
            ("confirm a string", {**unit, "confirm": "yes"}, r"confirm must be true or false, not 'yes'"),
            (
                "second open order",
                {"serial": "BUSY-1", "partner_id": self.customer.id},
                rf"BUSY-1 already has an open service order: {self.busy_order.name}",
            ),
            (
                "neither serial nor product",
                {"partner_id": self.customer.id},
                r"Give the serial number or the product",
            ),
        ]
        Order = self.Order.with_user(self.user)
        for case, values, reason in cases:
            with self.subTest(case=case):
                before = self._state()
                with self.assertRaisesMessage(UserError, reason) as caught:
                    Order.api_open(values)
                self.assertNotRegex(str(caught.exception), LEAKS)
                self.assertEqual(self._state(), before)

    def test_open_takes_the_units_customer_only_when_none_is_given(self):
        self.Warranty.create(
            {"partner_id": self.customer.id, "product_id": self.product_serial.id, "lot_id": self.free_lot.id}
        )
        opened = self.Order.with_user(self.user).api_open({"serial": "FREE-1", "confirm": False})
        self.assertEqual(opened["customer"], self.customer.display_name)
        self.assertEqual(opened["state"], "draft")
        # The unit is now at the workshop: no second order, whoever asks.
        with self.assertRaisesMessage(
            UserError, rf"FREE-1 already has an open service order: {opened['name']}"
        ):
            self.Order.api_open({"serial": "FREE-1", "partner_id": self.customer.id})
        self.Order.browse(opened["id"]).action_cancel()
        again = self.Order.api_open(
            {"serial": "FREE-1", "partner_id": self.customer_contact.id, "confirm": False}
        )
        self.assertEqual(again["customer"], self.customer_contact.display_name)

    def test_status_and_costs_refuse_bad_arguments(self):
        Order = self.Order.with_user(self.user)
        cases = [
            ("names a string", "api_status", ("SO/1",), r"list of strings"),
            ("name a number", "api_status", ([1],), r"list of strings"),
            ("name with NUL", "api_status", (["SO\x00"],), r"list of strings"),
            ("name unknown", "api_status", (["NOPE-1"],), r"Unknown service order: NOPE-1"),
            (
                "date a number",
                "api_costs",
                (20250101, "2025-01-31"),
                r"Invalid date_from: give a date YYYY-MM-DD",
            ),
            ("date not a date", "api_costs", ("first", "last"), r"Invalid date_from: give a date YYYY-MM-DD"),
            (
                "date a list",
                "api_costs",
                ("2025-01-01", ["2025-01-31"]),
                r"Invalid date_to: give a date YYYY-MM-DD",
            ),
            ("period reversed", "api_costs", ("2025-01-31", "2025-01-01"), r"the first not after the second"),
            ("period open", "api_costs", ("2025-01-01", None), r"Give the period as two dates"),
        ]
        for case, method, args, reason in cases:
            with self.subTest(case=case), self.assertRaisesMessage(UserError, reason) as caught:
                getattr(Order, method)(*args)
            self.assertNotRegex(str(caught.exception), LEAKS)

    def test_costs_over_the_whole_calendar(self):
        Order = self.Order.with_user(self.user)
        # Its first and last day included (demo data may have finished orders).
        self.assertEqual(
            Order.api_costs("0001-01-01", "9999-12-31"), Order.api_costs("1900-01-01", "2999-12-31")
        )

    # Companies -------------------------------------------------------------

    def test_records_cannot_move_to_a_company_the_user_does_not_work_in(self):
        order = self.busy_order
        for record in (self.registered, order):
            with self.subTest(model=record._name):
                with self.assertRaisesMessage(AccessError, r"can only move to a company you work in"):
                    record.with_user(self.user).write({"company_id": self.other_company.id})
                self.assertEqual(record.company_id, self.company)
        # Working in both companies, a manager moves a registration whose
        # links are shared (Odoo's company check refuses the others).
        both = (self.company | self.other_company).ids
        manager = new_test_user(
            self.env,
            login="as_two_companies",
            groups="base.group_user,after_sales_service.group_after_sales_manager",
            company_id=self.company.id,
            company_ids=[Command.set(both)],
        )
        with self.assertRaisesMessage(UserError, r"Incompatible companies"):
            self.warranty.with_user(manager).with_context(allowed_company_ids=both).write(
                {"company_id": self.other_company.id}
            )
        self.registered.with_user(manager).with_context(allowed_company_ids=both).write(
            {"company_id": self.other_company.id}
        )
        self.assertEqual(self.registered.company_id, self.other_company)

    def test_category_term_is_per_company(self):
        self.assertEqual(self.category.warranty_term_id, self.term_consumer)
        with self.assertRaisesMessage(
            ValidationError, r"product category in .* is a term of that company or a shared"
        ):
            self.category.warranty_term_id = self.other_term
        other = self.category.with_company(self.other_company)
        self.assertFalse(other.warranty_term_id)
        other.warranty_term_id = self.other_term
        self.assertEqual(other.warranty_term_id, self.other_term)
        self.assertEqual(self.category.warranty_term_id, self.term_consumer)


@tagged("post_install", "-at_install")
class TestApiBadInputXmlRpc(HttpCase):
    """Rejected rows travel over XML-RPC: nothing in an answer is None."""

    def test_rejected_rows_over_xmlrpc(self):
        term = self.env["after_sales.warranty.term"].create({"name": "RPC 12", "duration": 12})
        product = self.env["product.product"].create(
            {"name": "RPC bad unit", "is_storable": True, "warranty_term_id": term.id}
        )
        partner = self.env["res.partner"].create({"name": "RPC bad customer"})
        new_test_user(
            self.env,
            login="rpc_bad",
            password="rpc_bad_pw",
            groups="base.group_user,after_sales_service.group_after_sales_user",
        )
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, "rpc_bad", "rpc_bad_pw", {})
        rows = [
            {"product_id": product.id, "partner_id": partner.id},
            "not a row",
            {"ref": "RPC-BAD-1", "product_id": product.id, "partner_id": partner.id, "quantity": 1e308},
            {"ref": "RPC-BAD-2", "product_id": product.id, "partner_id": partner.id},
        ]
        results = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, "rpc_bad_pw", "after_sales.warranty", "register_warranties", [rows]
        )
        self.assertEqual([r["status"] for r in results], ["rejected", "rejected", "rejected", "created"])
        self.assertEqual([r["ref"] for r in results], [False, False, "RPC-BAD-1", "RPC-BAD-2"])
        self.assertRegex(results[2]["error"], r"quantity must be a number above 0 and at most 1,000,000,000")
