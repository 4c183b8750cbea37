from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .account_move import BILL_TYPES


class AccountMove(models.Model):
    """A laboratory's bill for an expertise (``after_sales.expertise``). It
    belongs to the expertise's service order too, so that its lines land
    where the order's transport does (see ``account_move.py``)."""

    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    after_sales_expertise_id = fields.Many2one(
        "after_sales.expertise",
        string="Expertise",
        index="btree_not_null",
        copy=False,
        check_company=True,
        help="The independent expertise this vendor bill is for: its untaxed amount is the "
        "expertise's cost once posted.",
    )

    @api.constrains("after_sales_expertise_id", "move_type", "after_sales_order_id")
    def _check_after_sales_expertise(self):
        for move in self.filtered("after_sales_expertise_id"):
            if move.move_type not in BILL_TYPES:
                raise ValidationError(
                    self.env._(
                        "Only a vendor bill or refund belongs to expertise %(expertise)s.",
                        expertise=move.after_sales_expertise_id.name,
                    )
                )
            # sudo: the accountant entering the bill may not read orders.
            if move.after_sales_order_id != move.sudo().after_sales_expertise_id.order_id:
                raise ValidationError(
                    self.env._(
                        "The bill of expertise %(expertise)s belongs to its service order %(order)s.",
                        expertise=move.after_sales_expertise_id.name,
                        order=move.sudo().after_sales_expertise_id.order_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._after_sales_expertise_order(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._after_sales_expertise_order(vals))

    @api.onchange("after_sales_expertise_id")
    def _onchange_after_sales_expertise_id(self):
        if self.after_sales_expertise_id:
            self.after_sales_order_id = self.after_sales_expertise_id.sudo().order_id

    def _after_sales_expertise_order(self, vals):
        """``vals``, with the order of the expertise it links to: a bill of an
        expertise belongs to its order."""
        if not vals.get("after_sales_expertise_id"):
            return vals
        # sudo: see _check_after_sales_expertise.
        expertise = self.env["after_sales.expertise"].sudo().browse(vals["after_sales_expertise_id"])
        return {**vals, "after_sales_order_id": expertise.order_id.id}
