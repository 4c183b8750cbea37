from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_compare, formatLang

from .service_order import FINISHED_STATES
from .state_guard import workflow


class AfterSalesServiceOrder(models.Model):
    """Rational use of spare parts: the part norm of the order's product and
    defect (``part_norm_id``), and once the work is done, whether its repairs
    used more than the norm (``over_norm``, with ``norm_excess`` saying what):
    a part over its quantity, or a part outside the norm. The manager hears
    of it in the chatter, and as an activity when the company names a
    reviewer."""

    _inherit = "after_sales.service.order"  # pylint: disable=consider-merging-classes-inherited

    part_norm_id = fields.Many2one(
        "after_sales.part.norm",
        string="Part Norm",
        compute="_compute_part_norm_id",
        store=True,
        precompute=True,
        index="btree_not_null",
        help="The parts a repair of this product normally needs for this defect (or for its "
        "nearest parent defect).",
    )
    over_norm = fields.Boolean(
        compute="_compute_over_norm",
        store=True,
        precompute=True,
        help="The finished repairs used a part over its quantity in the norm, or a part " "outside the norm.",
    )
    norm_excess = fields.Text(
        string="Parts over the Norm",
        compute="_compute_over_norm",
        store=True,
        precompute=True,
    )

    @api.depends("product_id", "defect_code_id", "company_id")
    def _compute_part_norm_id(self):
        norms = self.env["after_sales.part.norm"]._find_for_orders(self)
        for order in self:
            order.part_norm_id = norms.get(order.id, False)

    @api.depends(
        "state",
        "part_norm_id.line_ids.product_id",
        "part_norm_id.line_ids.quantity",
        # Parts used when the repair ended, less those returned to stock since.
        "repair_ids.move_ids.returned_move_ids.state",
    )
    def _compute_over_norm(self):
        for order in self:
            excess = order._norm_excess() if order.part_norm_id and order.state in FINISHED_STATES else []
            order.over_norm = bool(excess)
            order.norm_excess = "\n".join(excess) or False

    @workflow
    def _set_done(self):
        res = super()._set_done()
        self.filtered("over_norm")._notify_over_norm()
        return res

    def _parts_used(self):
        """``{part: quantity}`` the order's repairs used, in each part's unit
        of measure: their parts used, less what went back to stock."""
        self.ensure_one()
        used = defaultdict(float)
        for move in self.repair_ids.move_ids:
            if move.repair_line_type == "add" and move.state == "done":
                used[move.product_id] += move.product_uom._compute_quantity(
                    move._after_sales_returnable_qty(), move.product_id.uom_id, round=False
                )
        return used

    def _norm_excess(self):
        """What the order used over its norm, one sentence per part."""
        self.ensure_one()
        norm_qty = defaultdict(float)
        for line in self.part_norm_id.line_ids:
            norm_qty[line.product_id] += line.quantity
        excess = []
        for part, used in self._parts_used().items():
            rounding = part.uom_id.rounding
            if float_compare(used, 0.0, precision_rounding=rounding) <= 0:
                continue
            if part not in norm_qty:
                excess.append(
                    self.env._(
                        "%(part)s: %(used)s %(uom)s used, not in the norm",
                        part=part.display_name,
                        used=formatLang(self.env, used, dp="Product Unit of Measure"),
                        uom=part.uom_id.name,
                    )
                )
            elif float_compare(used, norm_qty[part], precision_rounding=rounding) > 0:
                excess.append(
                    self.env._(
                        "%(part)s: %(used)s %(uom)s used, norm %(norm)s",
                        part=part.display_name,
                        used=formatLang(self.env, used, dp="Product Unit of Measure"),
                        uom=part.uom_id.name,
                        norm=formatLang(self.env, norm_qty[part], dp="Product Unit of Measure"),
                    )
                )
        return excess

    def _notify_over_norm(self):
        """Tell the manager: a note in the chatter, and an activity for the
        company's parts norm reviewer when there is one."""
        if not self:
            return
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for order in self:
            body = self.env._(
                "More parts than the norm %(norm)s: %(excess)s",
                norm=order.part_norm_id.display_name,
                excess="; ".join(order.norm_excess.splitlines()),
            )
            order.message_post(body=body, subtype_xmlid="mail.mt_note")
            reviewer = order.company_id.after_sales_norm_user_id
            if reviewer and activity_type:
                order.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=self.env._("Parts over the norm"),
                    note=body,
                    user_id=reviewer.id,
                )
