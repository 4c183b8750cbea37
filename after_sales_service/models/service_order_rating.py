from odoo import models

from .service_order_notification import RATING_TEMPLATE


class AfterSalesServiceOrder(models.Model):
    """Customer satisfaction: once the unit is back, the customer rates the
    service from a mail, one to five stars and a comment (the survey's
    pages, ``/after_sales/rate/<token>/<score>``, controllers/rating.py).
    The rating lands on the order (its chatter, ``rating_ids``, the last
    rating on the form) and in Reporting > Customer Satisfaction.

    Odoo's defaults name who rates whom: the customer (``partner_id``) rates
    the technician (``user_id``)."""

    _name = "after_sales.service.order"
    # The mixin first: it extends mail.thread, which the order already has
    # (as im_livechat adds it to discuss.channel).
    _inherit = ["rating.mixin", "after_sales.service.order"]  # pylint: disable=consider-merging-classes-inherited

    def action_return(self):
        res = super().action_return()
        self._send_rating_request()
        return res

    def action_view_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_satisfaction_report_action"
        )
        action.update(
            domain=[("order_id", "=", self.id)],
            context={"create": False},
            view_mode="list,pivot,graph",
            views=[(False, "list"), (False, "pivot"), (False, "graph")],
        )
        return action

    def _send_rating_request(self):
        """Ask the customers of returned orders to rate the service, unless
        the survey is switched off in Settings."""
        orders = self.filtered(lambda o: o.state == "returned")._customer_mail_orders(RATING_TEMPLATE)
        template = orders and self.env.ref(RATING_TEMPLATE, raise_if_not_found=False)
        if not template:
            return
        for order in orders:
            # Queued rather than sent at once: the return is not kept waiting
            # for the mail server.
            order.rating_send_request(template, force_send=False)
