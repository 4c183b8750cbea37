"""The customer portal: two customers, each with a portal user, see their own
warranties, service orders and claims only (lists, detail pages, PDFs,
counters);
another customer's ids give nothing; the portal's forms make drafts for the
desk and refuse bad input with a message; the public warranty check says
covered or not, nothing about the customer, and throttles."""

import base64
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.warranty_check import CHECK_LIMIT_PARAM
from .common import ServiceOrderCommon

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@tagged("post_install", "-at_install")
class TestPortal(ServiceOrderCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Customer A: a company whose buyer (a contact) uses the portal; its
        # registrations are the company's. Customer B: a consumer, their own
        # portal user.
        cls.customer.street = "12 Private Lane"
        cls.customer_a = cls.customer_contact
        cls.buyer_a = cls.customer_a.child_ids
        cls.customer_b = cls.customer
        cls.portal_a = new_test_user(
            cls.env,
            login="portal_a",
            name=cls.buyer_a.name,
            groups="base.group_portal",
            partner_id=cls.buyer_a.id,
            company_id=cls.company.id,
        )
        cls.portal_b = new_test_user(
            cls.env,
            login="portal_b",
            name=cls.customer_b.name,
            groups="base.group_portal",
            partner_id=cls.customer_b.id,
            company_id=cls.company.id,
        )
        lots_a = cls._create_lots(cls.product_serial, ["TOUR-A-1", "TOUR-A-2"])
        cls._deliver(cls.customer_a, cls.product_serial, lots=lots_a)
        cls.warranty_a = cls.Warranty.search([("lot_id", "=", lots_a[0].id)])
        cls.warranty_a2 = cls.Warranty.search([("lot_id", "=", lots_a[1].id)])
        cls.order_a = cls._order(lot=lots_a[0], partner_id=cls.customer_a.id)
        # B's unit UNIT-1 (delivered by ServiceOrderCommon) has an open order.
        cls.lot_b = cls.unit_lot
        cls.lot_b.name = "TOUR-B-1"
        cls.warranty_b = cls.warranty
        cls.order_b = cls._order()
        cls.free_lot_b = cls._create_lots(cls.product_serial, ["TOUR-B-2"])
        cls._deliver(cls.customer_b, cls.product_serial, lots=cls.free_lot_b)
        cls.free_warranty_b = cls.Warranty.search([("lot_id", "=", cls.free_lot_b.id)])

        # A product whose warranty starts when the customer registers it.
        cls.term_registration = cls.Term.create(
            {"name": "Registered 36 months", "duration": 36, "start_basis": "registration"}
        )
        cls.kettle = cls.env["product.product"].create(
            {
                "name": "Smart Kettle",
                "is_storable": True,
                "tracking": "serial",
                "warranty_term_id": cls.term_registration.id,
            }
        )
        cls.kettle_new, cls.kettle_b = cls._create_lots(cls.kettle, ["KETTLE-NEW", "KETTLE-B"])
        # Delivered to B: a draft registration waits for B to register it.
        cls._deliver(cls.customer_b, cls.kettle, lots=cls.kettle_b)
        cls.kettle_b_draft = cls.Warranty.search([("lot_id", "=", cls.kettle_b.id)])

    # Helpers -----------------------------------------------------------------

    def url_open(self, *args, **kwargs):
        # The server's requests read what the test wrote, and the test reads
        # what they wrote.
        self.env.flush_all()
        response = super().url_open(*args, **kwargs)
        self.env.invalidate_all()
        return response

    def start_tour(self, *args, **kwargs):
        self.env.flush_all()
        result = super().start_tour(*args, **kwargs)
        self.env.invalidate_all()
        return result

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _register(self, serial, date_purchase=None, proof=PDF):
        token = self._csrf("/my/warranties/register")
        data = {
            "csrf_token": token,
            "serial": serial,
            "date_purchase": fields.Date.to_string(date_purchase or fields.Date.today()),
        }
        files = {"proof": ("receipt.pdf", proof, "application/pdf")} if proof else {"proof": ("", b"")}
        return self.url_open("/my/warranties/register", data=data, files=files)

    def _request(self, unit, symptom="Leaks water", photos=(), demand="repair"):
        token = self._csrf("/my/service/request")
        data = {
            "csrf_token": token,
            "unit": str(unit.id),
            "demand": demand,
            "symptom": symptom,
            "transport_mode": "dropoff",
        }
        files = [("photos", (f"photo{i}.png", photo, "image/png")) for i, photo in enumerate(photos)]
        return self.url_open("/my/service/request", data=data, files=files or {"photos": ("", b"")})

    def _assert_refused(self, response, *hidden):
        """Another customer's page: sent to /my, nothing of the record shown."""
        self.assertTrue(response.history, "refused pages redirect")
        self.assertIn(response.history[0].status_code, (302, 303))
        self.assertTrue(response.history[0].headers["Location"].endswith("/my"))
        self.assertNotIn("application/pdf", response.headers.get("Content-Type", ""))
        for text in hidden:
            self.assertNotIn(text, response.text)

    # Record rules ------------------------------------------------------------

    def test_record_rules_per_customer(self):
        Warranty = self.Warranty.with_user(self.portal_a)
        self.assertEqual(
            set(Warranty.search([]).ids),
            {self.warranty_a.id, self.warranty_a2.id},
            "the buyer sees the company's registrations, no one else's",
        )
        self.assertEqual(self.Order.with_user(self.portal_a).search([]), self.order_a)
        self.assertEqual(
            set(self.Warranty.with_user(self.portal_b).search([]).ids),
            {self.warranty_b.id, self.free_warranty_b.id, self.kettle_b_draft.id},
        )
        with self.assertRaises(AccessError):
            self.warranty_b.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            self.warranty_a.with_user(self.portal_a).write({"date_end": fields.Date.today()})
        with self.assertRaises(AccessError):
            self.order_a.with_user(self.portal_a).write({"symptom": "Changed"})
        with self.assertRaises(AccessError):
            self.Order.with_user(self.portal_a).create(
                {"partner_id": self.customer_a.id, "product_id": self.product_serial.id}
            )

    # Lists, details, counters ------------------------------------------------

    def test_lists_show_own_records_only(self):
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/warranties").text
        self.assertIn(self.warranty_a.name, page)
        self.assertIn("TOUR-A-2", page)
        self.assertNotIn("TOUR-B-1", page)
        self.assertNotIn(self.warranty_b.name, page)
        for query in ("?sortby=end&filterby=active", "?sortby=name&filterby=expired", "?sortby=bogus"):
            self.assertEqual(self.url_open(f"/my/warranties{query}").status_code, 200, query)
        page = self.url_open("/my/service?sortby=deadline&filterby=open").text
        self.assertIn(self.order_a.name, page)
        self.assertNotIn(self.order_b.name, page)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["after_sales_warranty_count", "after_sales_service_count"]}
        )
        self.assertEqual(counters, {"after_sales_warranty_count": 2, "after_sales_service_count": 1})

        self.authenticate("portal_b", "portal_b")
        page = self.url_open("/my/warranties").text
        self.assertIn("TOUR-B-1", page)
        self.assertNotIn("TOUR-A-1", page)
        page = self.url_open("/my/service").text
        self.assertIn(self.order_b.name, page)
        self.assertNotIn(self.order_a.name, page)

    def test_details_of_own_records(self):
        self.order_a.carrier_reference = "DHL 4711"
        self.order_a.action_confirm()
        self.authenticate("portal_a", "portal_a")
        page = self.url_open(f"/my/warranties/{self.warranty_a.id}").text
        self.assertIn("TOUR-A-1", page)
        self.assertIn(self.term_consumer.name, page)
        page = self.url_open(f"/my/service/{self.order_a.id}").text
        self.assertIn("Does not heat", page)
        self.assertIn("DHL 4711", page)
        self.assertIn(self.order_a.receipt_picking_id.name, page, "the transfers are listed")
        self.assertIn("report=intake", page)
        self.assertNotIn("report=completion", page, "no completion act before the work is done")

    def test_other_customers_ids_give_nothing(self):
        self.authenticate("portal_a", "portal_a")
        for url in (
            f"/my/warranties/{self.warranty_b.id}",
            f"/my/warranties/{self.warranty_b.id}?report_type=pdf&download=true",
            f"/my/service/{self.order_b.id}",
            f"/my/service/{self.order_b.id}?report_type=pdf&report=intake",
            "/my/warranties/999999",
            "/my/service/999999",
        ):
            with self.subTest(url=url):
                self._assert_refused(self.url_open(url), "TOUR-B-1", self.customer_b.name)
        # Nor with a token of another record.
        token = self.warranty_a._portal_ensure_token()
        self._assert_refused(
            self.url_open(f"/my/warranties/{self.warranty_b.id}?access_token={token}"), "TOUR-B-1"
        )

    def test_certificate_pdf(self):
        self.authenticate("portal_a", "portal_a")
        url = f"/my/warranties/{self.warranty_a.id}?report_type=pdf&download=true"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        # Odoo's test mode renders the PDF's HTML.
        self.assertIn(self.warranty_a.name, response.text)
        self.assertIn("TOUR-A-1", response.text)
        # Refused for another customer's registration (see above) and for a
        # registration not confirmed yet.
        self._assert_refused(
            self.url_open(f"/my/warranties/{self.warranty_b.id}?report_type=pdf"), "TOUR-B-1"
        )
        self.authenticate("portal_b", "portal_b")
        response = self.url_open(f"/my/warranties/{self.kettle_b_draft.id}?report_type=pdf")
        self.assertNotIn("application/pdf", response.headers["Content-Type"])

    def test_certificate_with_access_token(self):
        token = self.warranty_a._portal_ensure_token()
        response = self.url_open(f"/my/warranties/{self.warranty_a.id}?access_token={token}&report_type=pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("TOUR-A-1", response.text)
        self._assert_refused(
            self.url_open(f"/my/warranties/{self.warranty_a.id}?access_token=wrong&report_type=pdf"),
            "TOUR-A-1",
        )

    def test_quotation_to_accept(self):
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "after_sales_order_id": self.order_a.id,
                "order_line": [Command.create({"product_id": self.part.id, "product_uom_qty": 1})],
            }
        )
        self.authenticate("portal_a", "portal_a")
        url = f"/my/service/{self.order_a.id}"
        self.assertNotIn("o_after_sales_quotation", self.url_open(url).text, "a draft is the desk's")
        quotation.action_quotation_sent()
        page = self.url_open(url).text
        self.assertIn("waits for your approval", page)
        link = re.search(rf'href="(/my/orders/{quotation.id}\?access_token=[^"]+)"', page).group(1)
        response = self.url_open(link.replace("&amp;", "&"))
        self.assertEqual(response.status_code, 200)
        self.assertIn(quotation.name, response.text)

    def test_returned_order_asks_for_rating(self):
        order = self._order(lot=self.free_lot_b, request_type="inspection", no_fault_found=True)
        order.action_confirm()
        order.action_receive()
        order.action_done()
        order.action_return()
        token = order._rating_get_access_token()
        self.authenticate("portal_b", "portal_b")
        url = f"/my/service/{order.id}"
        page = self.url_open(url).text
        for score in (1, 2, 3, 4, 5):
            self.assertIn(f"/after_sales/rate/{token}/{score}", page)
        self.assertIn("report=completion", page)
        self.url_open(f"/after_sales/rate/{token}/4")
        page = self.url_open(url).text
        self.assertIn("You rated our service <strong>4</strong> out of 5", page)
        self.assertNotIn(f"/after_sales/rate/{token}/5", page)
        # Not asked on an order still in the workshop.
        self.assertNotIn("o_after_sales_rating", self.url_open(f"/my/service/{self.order_b.id}").text)

    def test_service_documents_follow_the_state(self):
        self.authenticate("portal_b", "portal_b")
        url = f"/my/service/{self.order_b.id}?report_type=pdf&report="
        # Draft: no intake receipt yet; back to the order page.
        response = self.url_open(url + "intake")
        self.assertNotIn("application/pdf", response.headers["Content-Type"])
        self.order_b.action_confirm()
        response = self.url_open(url + "intake")
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("Intake Receipt", response.text)
        response = self.url_open(url + "completion")
        self.assertNotIn("application/pdf", response.headers["Content-Type"])
        response = self.url_open(url + "bogus")
        self.assertNotIn("application/pdf", response.headers["Content-Type"])

    # Register a product --------------------------------------------------------

    def test_register_a_product(self):
        self.authenticate("portal_a", "portal_a")
        bought = fields.Date.today() - timedelta(days=3)
        response = self._register("KETTLE-NEW", bought)
        registration = self.Warranty.search([("lot_id", "=", self.kettle_new.id)])
        self.assertEqual(len(registration), 1)
        self.assertIn(f"/my/warranties/{registration.id}", response.url)
        self.assertIn("we received your registration", response.text)
        self.assertEqual(
            (registration.state, registration.origin, registration.partner_id, registration.date_purchase),
            ("draft", "portal", self.customer_a, bought),
        )
        self.assertEqual(registration.term_id, self.term_registration)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "after_sales.warranty"), ("res_id", "=", registration.id)]
        )
        self.assertEqual((attachment.name, attachment.mimetype), ("receipt.pdf", "application/pdf"))
        message = registration.message_ids.filtered(lambda m: attachment in m.attachment_ids)
        self.assertEqual(message.author_id, self.buyer_a)
        # The desk confirms: the warranty starts.
        registration.action_confirm()
        self.assertEqual(registration.state, "active")

    def test_register_completes_the_delivery_draft(self):
        self.authenticate("portal_b", "portal_b")
        self._register("KETTLE-B")
        self.assertEqual(self.Warranty.search_count([("lot_id", "=", self.kettle_b.id)]), 1)
        self.assertEqual(self.kettle_b_draft.date_purchase, fields.Date.today())
        self.assertEqual(self.kettle_b_draft.state, "draft")
        response = self._register("KETTLE-B")
        self.assertIn("we are checking it", response.text)

    def test_register_bad_input(self):
        self.authenticate("portal_a", "portal_a")
        tomorrow = fields.Date.today() + timedelta(days=1)
        for serial, date_purchase, proof, message in (
            ("NO-SUCH-SERIAL", None, PDF, "We do not know serial number NO-SUCH-SERIAL"),
            ("KETTLE-B", None, PDF, "registered to another customer"),
            ("KETTLE-NEW", tomorrow, PDF, "cannot be in the future"),
            ("KETTLE-NEW", None, None, "Attach the proof of purchase"),
            ("KETTLE-NEW", None, b"MZ\x90\x00 not a receipt", "is not a PDF or a picture"),
            ("TOUR-A-1", None, PDF, "starts at its delivery or invoice"),
            ("", None, PDF, "Enter the serial number"),
        ):
            with self.subTest(serial=serial, message=message):
                response = self._register(serial, date_purchase, proof)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertIn("o_after_sales_form_error", response.text)
        self.assertFalse(self.Warranty.search([("lot_id", "=", self.kettle_new.id)]))
        self.assertFalse(self.kettle_b_draft.date_purchase, "B's draft untouched, nothing of B shown")
        self.assertFalse(self.env["ir.attachment"].search([("name", "=", "receipt.pdf")]))

    # Request service -----------------------------------------------------------

    def test_request_service(self):
        self.authenticate("portal_b", "portal_b")
        response = self._request(self.free_warranty_b, symptom="Pump is loud", photos=[PNG, PNG])
        order = self.Order.search([("lot_id", "=", self.free_lot_b.id)])
        self.assertEqual(len(order), 1)
        self.assertIn(f"/my/service/{order.id}", response.url)
        self.assertEqual(
            (order.state, order.partner_id, order.product_id, order.symptom, order.request_type),
            ("draft", self.customer_b, self.product_serial, "Pump is loud", "repair"),
        )
        self.assertEqual(order.coverage, "warranty", "the unit's warranty is found as at the desk")
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "after_sales.service.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(len(attachments), 2)
        message = order.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(message.attachment_ids, attachments)
        self.assertEqual(message.author_id, self.customer_b)
        self.assertIn(self.customer_b, order.message_partner_ids)

    def test_request_service_bad_input(self):
        self.authenticate("portal_b", "portal_b")
        before = self.Order.search_count([])
        for unit, symptom, photos, demand, message in (
            (self.warranty_a, "Broken", (), "repair", "Choose one of your units"),
            (self.warranty_b, "Broken", (), "repair", "already has an open service order"),
            (self.free_warranty_b, "  ", (), "repair", "Describe the problem"),
            (self.free_warranty_b, "Broken", (), "upgrade", "Choose what you need"),
            (self.free_warranty_b, "Broken", (PDF,), "repair", "is not a picture"),
            (self.free_warranty_b, "Broken", (PNG,) * 6, "repair", "at most 5 files"),
        ):
            with self.subTest(message=message):
                response = self._request(unit, symptom=symptom, photos=photos, demand=demand)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertEqual(self.Order.search_count([]), before)
        self.assertNotIn("TOUR-A-1", self.url_open("/my/service/request").text, "A's units are not offered")

    # Claims --------------------------------------------------------------------

    def _claim(self, partner, lot, demand="refund"):
        return self.env["after_sales.claim"].create(
            {"partner_id": partner.id, "lot_id": lot.id, "demand": demand, "description": "It broke twice"}
        )

    def test_claim_from_the_request_form(self):
        self.authenticate("portal_b", "portal_b")
        orders_before = self.Order.search_count([])
        response = self._request(
            self.free_warranty_b, symptom="Broke twice, I want my money back", demand="refund", photos=[PNG]
        )
        claim = self.env["after_sales.claim"].search([("lot_id", "=", self.free_lot_b.id)])
        self.assertEqual(len(claim), 1)
        self.assertIn(f"/my/claims/{claim.id}", response.url)
        self.assertIn("we received your claim", response.text)
        self.assertEqual(
            (claim.state, claim.channel, claim.demand, claim.partner_id, claim.product_id),
            ("new", "portal", "refund", self.customer_b, self.product_serial),
        )
        self.assertEqual(claim.description, "Broke twice, I want my money back")
        self.assertFalse(claim.user_id, "the desk takes it, not the portal user")
        self.assertTrue(claim.date_deadline)
        self.assertEqual(claim.message_ids.attachment_ids.mapped("name"), ["photo0.png"])
        self.assertEqual(self.Order.search_count([]), orders_before, "a claim, no service order")
        response = self._request(self.free_warranty_b, symptom="Again", demand="compensation")
        self.assertIn(f"Your claim {claim.name} about this unit is being handled", response.text)
        self.assertEqual(self.env["after_sales.claim"].search_count([("lot_id", "=", self.free_lot_b.id)]), 1)

    def test_claims_pages(self):
        claim_a = self._claim(self.customer_a, self.warranty_a.lot_id)
        claim_b = self._claim(self.customer_b, self.lot_b, demand="compensation")
        Claim = self.env["after_sales.claim"].with_user(self.portal_a)
        self.assertEqual(Claim.search([]), claim_a, "record rules: the customer's claims only")
        with self.assertRaises(AccessError):
            claim_b.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            claim_a.with_user(self.portal_a).write({"description": "Changed"})
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/claims?sortby=deadline&filterby=open").text
        self.assertIn(claim_a.name, page)
        self.assertNotIn(claim_b.name, page)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["after_sales_claim_count"]})
        self.assertEqual(counters, {"after_sales_claim_count": 1})
        page = self.url_open(f"/my/claims/{claim_a.id}").text
        self.assertIn("It broke twice", page)
        self.assertIn("o_after_sales_claim_deadline", page)
        self.assertNotIn("o_after_sales_letter", page, "no letter before the answer")
        response = self.url_open(f"/my/claims/{claim_a.id}?report_type=pdf")
        self.assertNotIn("application/pdf", response.headers["Content-Type"])
        for url in (f"/my/claims/{claim_b.id}", f"/my/claims/{claim_b.id}?report_type=pdf"):
            self._assert_refused(self.url_open(url), claim_b.name, "TOUR-B-1")
        # Decided and answered: the decision, its reasons and the letter.
        claim_a.write({"decision": "rejected", "decision_reason": "The seal wore out after four years."})
        claim_a.action_decide()
        claim_a.action_mark_answered()
        page = self.url_open(f"/my/claims/{claim_a.id}").text
        self.assertIn("The seal wore out after four years.", page)
        self.assertIn("o_after_sales_letter", page)
        response = self.url_open(f"/my/claims/{claim_a.id}?report_type=pdf&download=true")
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn(claim_a.name, response.text)
        self.assertIn("The seal wore out after four years.", response.text)

    # Public warranty check -----------------------------------------------------

    def test_public_check(self):
        response = self.url_open("/warranty/check?serial=TOUR-B-1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_after_sales_check_covered", response.text)
        self.assertIn("covered by the warranty until", response.text)
        date_end = self.warranty_b.date_end
        self.assertTrue(
            any(
                date_end.strftime(pattern) in response.text
                for pattern in ("%m/%d/%Y", "%d/%m/%Y", "%Y-%m-%d")
            ),
            "the end date is shown",
        )
        for personal in (self.customer_b.name, "12 Private Lane", self.warranty_b.name):
            self.assertNotIn(personal, response.text)
        # Unknown serials, and units whose registration is a draft, answer alike.
        for serial in ("NO-SUCH-SERIAL", "KETTLE-B", "KETTLE-NEW"):
            response = self.url_open(f"/warranty/check?serial={serial}")
            self.assertIn("o_after_sales_check_none", response.text, serial)
            self.assertNotIn("Smart Kettle", response.text)
        yesterday = fields.Date.today() - timedelta(days=1)
        self.warranty_b.write({"date_start": yesterday - timedelta(days=30), "date_end": yesterday})
        response = self.url_open("/warranty/check?serial=TOUR-B-1")
        self.assertIn("o_after_sales_check_expired", response.text)

    def test_public_check_is_throttled(self):
        self.env["ir.config_parameter"].sudo().set_param(CHECK_LIMIT_PARAM, "3")
        self.assertEqual(self.url_open("/warranty/check").status_code, 200, "the empty form counts nothing")
        for _attempt in range(3):
            response = self.url_open("/warranty/check?serial=TOUR-B-1")
            self.assertIn("o_after_sales_check_covered", response.text)
        response = self.url_open("/warranty/check?serial=TOUR-B-1")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.headers["Retry-After"], "60")
        self.assertIn("o_after_sales_throttled", response.text)
        self.assertNotIn("o_after_sales_check_covered", response.text)
        # A minute later the client may ask again.
        self.env["after_sales.warranty.check"].search([]).date = fields.Datetime.now() - timedelta(minutes=2)
        self.assertIn("o_after_sales_check_covered", self.url_open("/warranty/check?serial=TOUR-B-1").text)
        self.env["after_sales.warranty.check"]._gc_checks()
        self.assertEqual(self.env["after_sales.warranty.check"].search_count([]), 1)

    # Tours -------------------------------------------------------------------

    def test_tour_warranties(self):
        self.start_tour("/my", "after_sales_portal_warranties", login="portal_a")

    def test_tour_request_service(self):
        self.start_tour("/my/service", "after_sales_portal_request_service", login="portal_a")
        order = self.Order.search([("lot_id.name", "=", "TOUR-A-2")])
        self.assertEqual(
            (order.state, order.partner_id, order.symptom, order.transport_mode),
            ("draft", self.customer_a, "Grinding noise when the pump starts", "courier"),
        )
        self.assertEqual(order.message_ids.attachment_ids.mapped("name"), ["noise.png"])
        message = order.message_ids.filtered(lambda m: "Monday morning" in str(m.body))
        self.assertEqual(message.author_id, self.buyer_a, "the portal chatter posts as the customer")
