from odoo import api, fields, models
from odoo.exceptions import UserError

from .account_move import BILL_TYPES
from .expertise import ORDER_STATES_IN_WORKSHOP


class AfterSalesServiceOrder(models.Model):
    """The order's independent expertises (``after_sales.expertise``): sent
    from the workshop, their transfers listed with the order's, their cost one
    of the order's costs. The laboratory's bill is linked to the order as a
    courier's is, so its lines land where transport does (the transport
    expense account under warranty and goodwill, the order's analytics), but
    it counts as the expertise's cost, not as transport."""

    _inherit = "after_sales.service.order"  # pylint: disable=consider-merging-classes-inherited

    expertise_ids = fields.One2many("after_sales.expertise", "order_id", string="Expertises")
    expertise_count = fields.Integer(compute="_compute_expertise_count", compute_sudo=True)
    expertise_cost = fields.Monetary(
        compute="_compute_costs",
        compute_sudo=True,
        help="What the order's independent expertises cost: their laboratories' posted bills, "
        "estimates until then.",
    )
    can_send_expertise = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)

    @api.depends("expertise_ids")
    def _compute_expertise_count(self):
        for order in self:
            order.expertise_count = len(order.expertise_ids)

    def _compute_can_workflow(self):
        res = super()._compute_can_workflow()
        for order in self:
            order.can_send_expertise = order.state in ORDER_STATES_IN_WORKSHOP
        return res

    @api.depends("order_move_ids.after_sales_expertise_id")
    def _compute_transport_cost(self):
        # Read before the transport figure is computed: the estimate entered.
        estimates = {order: order.transport_cost for order in self}
        res = super()._compute_transport_cost()
        for order in self:
            posted = order.order_move_ids.filtered(
                lambda m: m.move_type in BILL_TYPES and m.state == "posted"
            )
            if not posted.after_sales_expertise_id:
                continue
            # The laboratories' bills are the expertises' cost, not transport.
            transport = posted.filtered(lambda m: not m.after_sales_expertise_id)
            if transport:
                order.transport_cost = -sum(transport.mapped("amount_untaxed_signed"))
            else:
                order.transport_cost = estimates[order]
        return res

    @api.depends("expertise_ids.cost", "expertise_ids.state", "expertise_ids.bill_ids.state")
    def _compute_costs(self):
        res = super()._compute_costs()
        for order in self:
            # A cancelled expertise costs only what its laboratory billed.
            expertises = order.expertise_ids.filtered(
                lambda e: e.state != "cancel" or e.bill_ids.filtered(lambda m: m.state == "posted")
            )
            order.expertise_cost = sum(expertises.mapped("cost"))
            order.total_cost += order.expertise_cost
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_expertise(self):
        examined = self.filtered("expertise_ids")
        if examined:
            raise UserError(
                self.env._("%(order)s has expertises: cancel it and keep it.", order=examined[0].name)
            )

    def action_send_to_expertise(self):
        """A new expertise of the unit, to fill in and send to a laboratory."""
        self.ensure_one()
        self._check_can("can_send_expertise", self.env._("Sending to an expertise"))
        # The consumer claim the order brought the unit in for hears the verdict.
        claim = self.env["after_sales.claim"].search(
            [("order_id", "=", self.id), ("state", "in", ("in_review", "expertise"))], limit=1
        )
        context = {"default_order_id": self.id}
        if claim:
            context["default_claim_id"] = claim.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Expertise"),
            "res_model": "after_sales.expertise",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": context,
        }

    def action_view_expertises(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_expertise_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        if len(self.expertise_ids) == 1:
            action.update(views=[(False, "form")], res_id=self.expertise_ids.id)
        return action

    def action_return(self):
        self._check_samples_back(self.env._("returned to the customer"))
        return super().action_return()

    def action_cancel(self):
        self._check_samples_back(self.env._("cancelled"))
        res = super().action_cancel()
        # sudo: cancelling the order ends what was never sent, whoever cancels.
        self.expertise_ids.filtered(lambda e: e.state == "draft").sudo().action_cancel()
        return res

    def _check_samples_back(self, what):
        """Refuse to end an order while a sample of its unit is at a laboratory."""
        away = self.expertise_ids.filtered(lambda e: e.sample_location == "laboratory")
        if away:
            expertise = away[0]
            raise UserError(
                self.env._(
                    "%(sample)s of %(order)s is at %(expert)s for expertise %(expertise)s: receive it "
                    "back before the order is %(what)s.",
                    sample=expertise._sample_description(),
                    order=expertise.order_id.name,
                    expert=expertise.expert_id.display_name,
                    expertise=expertise.name,
                    what=what,
                )
            )
