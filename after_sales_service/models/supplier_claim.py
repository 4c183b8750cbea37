from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .state_guard import workflow


class AfterSalesSupplierClaim(models.Model):
    _name = "after_sales.supplier.claim"
    _description = "Supplier Warranty Claim"
    _inherit = ["mail.thread", "mail.activity.mixin", "after_sales.state.guard"]
    _order = "date_claim desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default=lambda self: self.env._("New"))
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Vendor", required=True, index=True, tracking=True, check_company=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("rejected", "Rejected"),
            ("credited", "Credited"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    date_claim = fields.Date(string="Claim Date", required=True, default=fields.Date.context_today)
    service_order_ids = fields.Many2many(
        "after_sales.service.order", string="Service Orders", check_company=True
    )
    product_id = fields.Many2one(
        "product.product", string="Failed Part or Product", required=True, tracking=True, check_company=True
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        check_company=True,
        domain="product_id and [('product_id', '=', product_id)] or []",
    )
    description = fields.Text(help="What failed and why the vendor is responsible.")
    amount_claimed = fields.Monetary(required=True, tracking=True)
    rejection_reason = fields.Text(tracking=True)
    credit_note_ids = fields.One2many("account.move", "after_sales_claim_id", readonly=True)
    credit_note_id = fields.Many2one(
        "account.move",
        string="Vendor Credit Note",
        compute="_compute_credit_note_id",
        store=True,
        index="btree_not_null",
        help="The vendor credit note created when the claim was accepted.",
    )
    amount_recovered = fields.Monetary(
        compute="_compute_amount_recovered",
        store=True,
        help="Untaxed amount of the posted vendor credit note.",
    )

    @api.depends("credit_note_ids")
    def _compute_credit_note_id(self):
        for claim in self:
            claim.credit_note_id = claim.credit_note_ids[:1]

    @api.depends("credit_note_id.state", "credit_note_id.amount_untaxed")
    def _compute_amount_recovered(self):
        for claim in self:
            note = claim.credit_note_id
            claim.amount_recovered = note.amount_untaxed if note.state == "posted" else 0.0

    @api.constrains("amount_claimed")
    def _check_amount(self):
        for claim in self:
            if claim.amount_claimed <= 0:
                raise ValidationError(self.env._("The amount claimed must be positive."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_workflow_vals(vals_list, create=True)
        self.env["ir.sequence"]._after_sales_assign_names("after_sales.supplier.claim", vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_workflow_vals([vals])
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if any(claim.state != "draft" for claim in self):
            raise UserError(self.env._("Only draft supplier claims can be deleted."))

    @workflow
    def action_send(self):
        """The claim was sent to the vendor."""
        self._check_state(("draft",), self.env._("Sending"))
        self.state = "sent"
        return True

    @workflow
    def action_accept(self):
        """The vendor accepts: a draft vendor credit note on the supplier recovery account."""
        self._check_state(("sent",), self.env._("Accepting"))
        vals_list = []
        for claim in self:
            account = claim.company_id.after_sales_recovery_account_id
            if not account:
                raise UserError(
                    self.env._("Set the supplier recovery account in After-Sales settings first.")
                )
            vals_list.append(
                {
                    "move_type": "in_refund",
                    "partner_id": claim.partner_id.id,
                    "company_id": claim.company_id.id,
                    "ref": claim.name,
                    "invoice_origin": claim.name,
                    "after_sales_claim_id": claim.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": self.env._(
                                    "Warranty claim %(claim)s: %(product)s %(serial)s",
                                    claim=claim.name,
                                    product=claim.product_id.display_name,
                                    serial=claim.lot_id.name or "",
                                ),
                                "account_id": account.id,
                                "quantity": 1.0,
                                "price_unit": claim.amount_claimed,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        # sudo: the manager's acceptance creates the draft credit note that an
        # accountant then checks and posts.
        # The credit notes link back to their claims (after_sales_claim_id).
        self.env["account.move"].sudo().create(vals_list)
        self.state = "accepted"
        return True

    @workflow
    def action_reject(self):
        self._check_state(("sent",), self.env._("Rejecting"))
        if any(not (claim.rejection_reason or "").strip() for claim in self):
            raise UserError(self.env._("Give the vendor's reason for the rejection first."))
        self.state = "rejected"
        return True

    @workflow
    def _on_credit_note_posted(self):
        self.filtered(lambda c: c.state == "accepted").state = "credited"

    def action_view_credit_note(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.credit_note_id.id,
            "view_mode": "form",
        }
