import werkzeug

from odoo import http
from odoo.http import request
from odoo.tools.misc import get_lang

# The scale of the service survey: Odoo's rating pages offer three faces
# (1, 3, 5); the after-sales survey asks the whole 1 to 5.
SCORES = (1, 2, 3, 4, 5)


class AfterSalesRating(http.Controller):
    """The service survey's pages: the customer clicks one of five stars in
    the mail (or on the order's portal page), the score is recorded at once,
    and the page offers to change it and to add a comment.

    The rating's token is the key, as on Odoo's own rating pages: only the
    ratings of service orders open here."""

    @http.route("/after_sales/rate/<string:token>/<int:score>", type="http", auth="public", website=True)
    def rate(self, token, score, **kw):
        feedback = request.env._("Customer rated %(score)s out of 5.", score=score)
        page = "after_sales_service.rating_page"
        return self._apply(token, score, feedback, page, {"token": token}, notify_delay_send=True)

    @http.route(
        "/after_sales/rate/<string:token>/submit", type="http", auth="public", website=True, methods=["POST"]
    )
    def submit(self, token, score=0, feedback=None, **kw):
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = 0
        feedback = (feedback or "").strip()[:5000] or None
        return self._apply(token, score, feedback, "after_sales_service.rating_thanks", {})

    def _apply(self, token, score, feedback, template, values, **options):
        """Record ``score`` (1 to 5) and ``feedback`` on the rating of
        ``token`` and render ``template``; refused to another customer."""
        rating, order = self._rating_and_order(token)
        if score not in SCORES:
            raise werkzeug.exceptions.BadRequest()
        refused = self._refuse_other_customer(rating, order)
        if refused:
            return refused
        order.rating_apply(score, rating=rating, feedback=feedback, subtype_xmlid=None, **options)
        return self._render(rating, template, {"score": score, **values})

    def _rating_and_order(self, token):
        # sudo: the token is the customer's key to their rating, as on Odoo's
        # /rate pages; only service orders' ratings answer here.
        rating = (
            request.env["rating.rating"]
            .sudo()
            .search([("access_token", "=", token), ("res_model", "=", "after_sales.service.order")], limit=1)
        )
        if not rating:
            raise werkzeug.exceptions.NotFound()
        order = request.env["after_sales.service.order"].sudo().browse(rating.res_id).exists()
        if not order:
            raise werkzeug.exceptions.NotFound()
        return rating, order

    def _refuse_other_customer(self, rating, order):
        """A logged-in user of another customer cannot answer for this one."""
        user = request.env.user
        if user._is_public() or (
            user.partner_id.commercial_partner_id == rating.partner_id.commercial_partner_id
        ):
            return None
        return request.render(
            "rating.rating_external_page_invalid_partner",
            {
                "model_name": request.env["ir.model"]._get(rating.res_model).display_name,
                "name": order.display_name,
                "web_base_url": rating.get_base_url(),
            },
        )

    def _render(self, rating, template, values):
        env = request.env(
            context=dict(request.env.context, lang=rating.partner_id.lang or get_lang(request.env).code)
        )
        labels = {
            1: env._("Very dissatisfied"),
            2: env._("Dissatisfied"),
            3: env._("Okay"),
            4: env._("Satisfied"),
            5: env._("Very satisfied"),
        }
        return env["ir.ui.view"]._render_template(
            template, {"rating": rating, "scores": SCORES, "labels": labels, **values}
        )
