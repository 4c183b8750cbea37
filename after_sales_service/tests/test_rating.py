"""Customer satisfaction: once the unit is back, the customer rates the
service from a mail, through Odoo's rating pages and their token; the rating
lands on the order and in Reporting > Customer Satisfaction, by month,
product and technician."""

import re

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ServiceOrderCommon

RATING_TEMPLATE = "after_sales_service.mail_template_service_rating"


class RatingCommon(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "consumer@example.com"
        cls.technician = new_test_user(
            cls.env,
            login="rating_tech",
            name="Theo Technician",
            groups="base.group_user,after_sales_service.group_after_sales_user",
            company_id=cls.company.id,
        )
        cls.report = cls.env["after_sales.satisfaction.report"]

    def _returned_order(self, lot_name, product=None, technician=None):
        product = product or self.product_serial
        lot = self._create_lots(product, [lot_name])
        self._deliver(self.customer, product, lots=lot)
        order = self._order(lot=lot, exchange_type="none", user_id=(technician or self.technician).id)
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        self._finish_repair(order)
        order.action_return()
        return order

    def _request(self, order):
        """The rating the survey mail of ``order`` asks for."""
        return order.rating_ids.filtered(lambda r: not r.consumed)


@tagged("post_install", "-at_install")
class TestRating(RatingCommon):
    def test_rating_requested_at_return(self):
        order = self._returned_order("RATE-1")
        template = self.env.ref(RATING_TEMPLATE)
        subject = template._render_field("subject", order.ids)[order.id]
        message = order.message_ids.filtered(lambda m: m.subject == subject)
        self.assertEqual(len(message), 1)
        self.assertIn(self.customer, message.partner_ids)
        rating = self._request(order)
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.partner_id, self.customer, "the customer rates")
        self.assertEqual(rating.rated_partner_id, self.technician.partner_id, "the technician is rated")
        for score in (1, 2, 3, 4, 5):
            self.assertIn(f"/after_sales/rate/{rating.access_token}/{score}", message.body)
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertEqual(mail.state, "outgoing", "queued: the return does not wait for the mail server")

    def test_no_request_before_the_return_or_when_switched_off(self):
        lot = self._create_lots(self.product_serial, ["RATE-EARLY"])
        order = self._order(lot=lot, exchange_type="none")
        order.action_confirm()
        order.action_receive()
        order.action_cancel()
        self.assertFalse(order.rating_ids, "a cancelled order asks for no rating")
        self.company.after_sales_notify_rating = False
        order = self._returned_order("RATE-OFF")
        self.assertFalse(order.rating_ids)
        self.assertFalse(order.message_ids.filtered(lambda m: "how was the service" in (m.subject or "")))

    def test_rating_feeds_the_order_and_the_report(self):
        grinder_tech = new_test_user(
            self.env,
            login="rating_tech_2",
            groups="base.group_user,after_sales_service.group_after_sales_user",
            company_id=self.company.id,
        )
        espresso = self._returned_order("RATE-A")
        espresso_2 = self._returned_order("RATE-B")
        mixer_product = self.env["product.product"].create(
            {"name": "Mixer", "is_storable": True, "tracking": "serial", "categ_id": self.category.id}
        )
        mixer = self._returned_order("RATE-C", product=mixer_product, technician=grinder_tech)
        for order, score, comment in (
            (espresso, 5, "Fast"),
            (espresso_2, 3, False),
            (mixer, 1, "Still leaks"),
        ):
            order.rating_apply(score, token=self._request(order).access_token, feedback=comment)
        self.assertEqual(espresso.rating_last_value, 5)
        self.assertEqual(espresso.rating_last_feedback, "Fast")
        self.assertEqual(mixer.rating_last_text, "ko")
        self.assertIn("Still leaks", mixer.message_ids[0].body, "the rating is on the chatter")

        domain = [("order_id", "in", (espresso | espresso_2 | mixer).ids)]
        by_technician = dict(self.report._read_group(domain, ["user_id"], ["rating:avg"]))
        self.assertEqual(by_technician, {self.technician: 4.0, grinder_tech: 1.0})
        by_product = dict(self.report._read_group(domain, ["product_id"], ["satisfied:avg"]))
        self.assertEqual(by_product, {self.product_serial: 50.0, mixer_product: 0.0})
        by_month = self.report._read_group(domain, ["date:month"], ["__count"])
        self.assertEqual([count for __, count in by_month], [3])
        row = self.report.search([("order_id", "=", mixer.id)])
        self.assertEqual(
            (row.partner_id, row.product_categ_id, row.coverage, row.rating_text, row.feedback),
            (self.customer, self.category, "warranty", "ko", "Still leaks"),
        )

    def test_requests_not_answered_are_not_in_the_report(self):
        order = self._returned_order("RATE-OPEN")
        self.assertTrue(self._request(order))
        self.assertFalse(self.report.search([("order_id", "=", order.id)]))
        self.assertEqual(order.rating_last_value, 0.0)

    def test_access(self):
        order = self._returned_order("RATE-ACCESS")
        order.rating_apply(5, token=self._request(order).access_token)
        domain = [("order_id", "=", order.id)]
        for user in (self.user, self.manager):
            with self.subTest(user=user.login):
                self.assertEqual(len(self.report.with_user(user).search(domain)), 1)
                self.assertEqual(order.with_user(user).rating_last_value, 5)
        portal = new_test_user(self.env, login="rating_portal", groups="base.group_portal")
        for user in (self.accountant, portal):
            with self.subTest(user=user.login), self.assertRaisesMessage(AccessError, "not allowed"):
                self.report.with_user(user).search(domain)
        with self.assertRaisesMessage(AccessError, "not allowed"):
            self.env["rating.rating"].with_user(portal).search([("res_id", "=", order.id)])

    def test_other_company_ratings_are_not_shown(self):
        order = self._returned_order("RATE-COMPANY")
        order.rating_apply(5, token=self._request(order).access_token)
        other = self.env["res.company"].create({"name": "Other Service Co"})
        outsider = new_test_user(
            self.env,
            login="rating_outsider",
            groups="base.group_user,after_sales_service.group_after_sales_user",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertFalse(self.report.with_user(outsider).search([("order_id", "=", order.id)]))


@tagged("post_install", "-at_install")
class TestRatingPages(HttpCase, RatingCommon):
    """The customer rates from the mail's link: Odoo's /rate pages, then the
    comment form; only the token opens them."""

    def _submit_page(self, token, score):
        page = self.url_open(f"/after_sales/rate/{token}/{score}")
        self.assertEqual(page.status_code, 200)
        # The page wrote through the test cursor.
        self.env.invalidate_all()
        return page

    def test_customer_rates_from_the_mail(self):
        order = self._returned_order("RATE-WEB")
        rating = self._request(order)
        token = rating.access_token
        self.env.flush_all()

        page = self._submit_page(token, 4)
        self.assertEqual((rating.consumed, rating.rating), (True, 4.0), "the stars clicked are the rating")
        self.assertIn("Satisfied", page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        self.assertTrue(csrf, "the page offers a comment form")
        # The customer changes their mind on the page: five stars, a comment.
        feedback = self.url_open(
            f"/after_sales/rate/{token}/submit",
            data={"score": 5, "feedback": "Fast and friendly", "csrf_token": csrf.group(1)},
        )
        self.assertEqual(feedback.status_code, 200)
        self.assertIn("Very satisfied", feedback.text)

        self.env.invalidate_all()
        self.assertEqual(rating.feedback, "Fast and friendly")
        self.assertEqual(order.rating_last_value, 5.0)
        self.assertEqual(order.rating_ids, rating)
        self.assertTrue(order.message_ids.filtered(lambda m: "Fast and friendly" in m.body))
        row = self.env["after_sales.satisfaction.report"].search([("order_id", "=", order.id)])
        self.assertEqual(
            (row.user_id, row.product_id, row.rating, row.feedback),
            (self.technician, self.product_serial, 5.0, "Fast and friendly"),
        )
        grouped = self.env["after_sales.satisfaction.report"]._read_group(
            [("order_id", "=", order.id)], ["user_id", "product_id"], ["rating:avg", "__count"]
        )
        self.assertEqual(grouped, [(self.technician, self.product_serial, 5.0, 1)])

    def test_every_score_of_five(self):
        """Two stars, a score Odoo's own rating pages do not offer, land on
        the order and in the report as a dissatisfied customer."""
        order = self._returned_order("RATE-TWO")
        rating = self._request(order)
        self.env.flush_all()
        self._submit_page(rating.access_token, 2)
        self.assertEqual((rating.rating, rating.rating_text), (2.0, "ko"))
        self.assertEqual(order.rating_last_value, 2.0)
        row = self.env["after_sales.satisfaction.report"].search([("order_id", "=", order.id)])
        self.assertEqual((row.rating, row.satisfied), (2.0, 0.0))

    def test_only_the_token_opens_the_rating(self):
        order = self._returned_order("RATE-TOKEN")
        rating = self._request(order)
        self.env.flush_all()
        self.assertEqual(self.url_open("/after_sales/rate/not-a-token/5").status_code, 404)
        for score in (0, 6):
            with self.subTest(score=score):
                self.assertEqual(
                    self.url_open(f"/after_sales/rate/{rating.access_token}/{score}").status_code, 400
                )
        self.env.invalidate_all()
        self.assertFalse(rating.consumed, "no score out of 1 to 5 is recorded")
        # Another customer, logged in on the portal, cannot answer for this one.
        other = self.env["res.partner"].create({"name": "Other Customer", "email": "other@example.com"})
        new_test_user(self.env, login="rating_other", groups="base.group_portal", partner_id=other.id)
        self.authenticate("rating_other", "rating_other")
        self._submit_page(rating.access_token, 1)
        self.assertFalse(rating.consumed, "someone else's link rates nothing")
