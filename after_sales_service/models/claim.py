from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, html2plaintext

from ..tools.mail_compose import composer_action
from .expertise import VERDICTS
from .service_order import OPEN_STATES as ORDER_OPEN_STATES
from .state_guard import workflow

DEMANDS = [
    ("repair", "Repair"),
    ("replacement", "Replacement"),
    ("price_reduction", "Price Reduction"),
    ("refund", "Refund"),
    ("compensation", "Compensation"),
]
# Demands answered with money: the decision names an amount.
MONEY_DEMANDS = ("price_reduction", "refund", "compensation")
OPEN_STATES = ("new", "in_review", "expertise", "decided")
# Days before the deadline the responsible gets a to-do.
REMINDER_DAYS = 2


class AfterSalesClaim(models.Model):
    """A consumer's claim: what they demand, the deadline the law or the term
    gives to answer, the manager's decision and its consequences (a service
    order, a replacement, a credit note), and the answer sent with a letter.

    ``new`` → ``in_review`` → (``expertise``) → ``decided`` (``action_decide``,
    managers) → ``answered`` (the response letter sent by mail) → ``closed``.
    """

    _name = "after_sales.claim"
    _description = "Consumer Claim"
    _inherit = ["mail.thread", "mail.activity.mixin", "after_sales.state.guard"]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"

    _workflow_fields = (
        "state",
        "date_decided",
        "date_answered",
        "order_id",
        "credit_note_id",
        "deadline_reminded",
        "expertise_ids",
    )
    _workflow_initial = {"state": ("new",)}
    # What the manager decided: fixed once decided.
    _decision_fields = ("decision", "decision_reason", "amount", "invoice_id", "demand")

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_review", "In Review"),
            ("expertise", "Expertise"),
            ("decided", "Decided"),
            ("answered", "Answered"),
            ("closed", "Closed"),
        ],
        default="new",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, tracking=True, index=True, check_company=True
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=?', product_id)]",
    )
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        check_company=True,
    )
    warranty_id = fields.Many2one(
        "after_sales.warranty",
        compute="_compute_warranty_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="The registration covering the unit on the day the claim was received, found automatically.",
    )
    warranty_date_end = fields.Date(related="warranty_id.date_end", string="Covered Until")
    order_id = fields.Many2one(
        "after_sales.service.order",
        string="Service Order",
        readonly=True,
        copy=False,
        check_company=True,
        index="btree_not_null",
        help="The service order the claim led to.",
    )
    demand = fields.Selection(DEMANDS, required=True, default="repair", tracking=True)
    channel = fields.Selection(
        [
            ("portal", "Portal"),
            ("email", "Email"),
            ("phone", "Phone"),
            ("letter", "Letter"),
            ("dealer", "Dealer"),
        ],
        required=True,
        default="phone",
    )
    subject = fields.Char()
    description = fields.Text(help="The customer's claim in their words.")
    date_received = fields.Date(
        string="Received On", required=True, default=fields.Date.context_today, tracking=True
    )
    date_deadline = fields.Date(
        string="Answer By",
        compute="_compute_date_deadline",
        store=True,
        index=True,
        help="The day the answer is due: the days of the demand (Settings) or of the warranty term, "
        "in calendar or working days from the day the claim was received.",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    deadline_reminded = fields.Boolean(copy=False, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        check_company=True,
    )
    decision = fields.Selection(
        [("accepted", "Accepted"), ("partial", "Partly Accepted"), ("rejected", "Rejected")], tracking=True
    )
    decision_reason = fields.Text(
        string="Reasons",
        help="Why the claim is accepted, partly accepted or rejected: printed in the letter.",
    )
    amount = fields.Monetary(
        tracking=True, help="The refund, price reduction or compensation granted, taxes included."
    )
    invoice_id = fields.Many2one(
        "account.move",
        string="Original Invoice",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('commercial_partner_id', '=', commercial_partner_id)]",
        help="The customer's invoice of the unit: a refund or price reduction is credited against it.",
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id")
    credit_note_id = fields.Many2one("account.move", string="Credit Note", readonly=True, copy=False)
    date_decided = fields.Date(readonly=True, copy=False)
    date_answered = fields.Date(readonly=True, copy=False, tracking=True)
    answered_on_time = fields.Float(
        string="Answered on Time (%)",
        compute="_compute_answered_on_time",
        store=True,
        aggregator="avg",
        help="100 for a claim answered by its deadline, 0 for one answered late; averaged in reports.",
    )
    expertise_ids = fields.One2many(
        "after_sales.expertise", "claim_id", string="Expertises", readonly=True, copy=False
    )
    expertise_count = fields.Integer(compute="_compute_expertise", compute_sudo=True)
    expertise_verdict = fields.Selection(
        VERDICTS,
        compute="_compute_expertise",
        compute_sudo=True,
        help="The verdict of the claim's latest independent expertise with a result.",
    )
    can_review = fields.Boolean(compute="_compute_can")
    can_expertise = fields.Boolean(compute="_compute_can")
    can_decide = fields.Boolean(compute="_compute_can")
    can_answer = fields.Boolean(compute="_compute_can")
    can_close = fields.Boolean(compute="_compute_can")
    answer_by_mail = fields.Boolean(related="company_id.after_sales_notify_claim_answered")

    # Computes ------------------------------------------------------------------

    @api.depends("lot_id")
    def _compute_product_id(self):
        for claim in self.filtered("lot_id"):
            claim.product_id = claim.lot_id.product_id

    @api.depends("lot_id", "partner_id", "date_received")
    def _compute_warranty_id(self):
        Warranty = self.env["after_sales.warranty"]
        claims = self.filtered(lambda c: c.state in ("new", "in_review", False))
        for date, dated in claims.filtered("lot_id").grouped("date_received").items():
            registrations = Warranty._registrations_by_lot(dated.lot_id, date) if date else {}
            for claim in dated:
                covering = registrations.get(claim.lot_id.id, (Warranty, None))[0]
                holder = covering.partner_id.commercial_partner_id
                claim.warranty_id = covering if holder == claim.partner_id.commercial_partner_id else Warranty

    @api.depends(
        "demand",
        "date_received",
        "company_id",
        "warranty_id.term_id.response_days",
    )
    def _compute_date_deadline(self):
        for claim in self:
            if not claim.date_received:
                claim.date_deadline = False
                continue
            claim.date_deadline = claim.company_id._after_sales_claim_deadline(
                claim.date_received, claim.demand, claim.warranty_id.term_id
            )

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for claim in self:
            claim.is_overdue = bool(
                claim.state in OPEN_STATES and claim.date_deadline and claim.date_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Overdue can only be searched as true or false."))
        domain = [("state", "in", OPEN_STATES), ("date_deadline", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("date_answered", "date_deadline")
    def _compute_answered_on_time(self):
        for claim in self:
            if claim.date_answered and claim.date_deadline:
                claim.answered_on_time = 100.0 if claim.date_answered <= claim.date_deadline else 0.0
            else:
                claim.answered_on_time = False

    @api.depends("expertise_ids.state", "expertise_ids.verdict", "expertise_ids.date_result")
    def _compute_expertise(self):
        for claim in self:
            claim.expertise_count = len(claim.expertise_ids)
            claim.expertise_verdict = claim._expertise_done().verdict

    @api.depends("state")
    def _compute_can(self):
        for claim in self:
            claim.can_review = claim.state == "new"
            claim.can_expertise = claim.state in ("new", "in_review")
            claim.can_decide = claim.state in ("new", "in_review", "expertise")
            claim.can_answer = claim.state == "decided"
            claim.can_close = claim.state in ("decided", "answered")

    # Constraints ------------------------------------------------------------

    @api.constrains("amount")
    def _check_amount(self):
        for claim in self:
            if float_compare(claim.amount, 0.0, precision_rounding=claim.currency_id.rounding or 0.01) < 0:
                raise ValidationError(
                    self.env._("The amount of claim %(claim)s cannot be negative.", claim=claim.name)
                )

    @api.constrains("lot_id", "partner_id")
    def _check_lot(self):
        for claim in self.filtered("lot_id"):
            if claim.product_id and claim.lot_id.product_id != claim.product_id:
                raise ValidationError(
                    self.env._(
                        "Serial number %(serial)s is a %(product)s, not a %(claimed)s.",
                        serial=claim.lot_id.name,
                        product=claim.lot_id.product_id.display_name,
                        claimed=claim.product_id.display_name,
                    )
                )

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        """Typing a serial fills the unit's latest customer."""
        if self.lot_id and not self.partner_id:
            customer = self.lot_id._after_sales_customer()
            if customer:
                self.partner_id = customer

    # CRUD ----------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_workflow_vals(vals_list, create=True)
        self.env["ir.sequence"]._after_sales_assign_names("after_sales.claim", vals_list)
        claims = super().create(vals_list)
        claims._send_mail("after_sales_service.mail_template_claim_received")
        return claims

    def write(self, vals):
        self._check_workflow_vals([vals])
        if not self._in_workflow() and set(self._decision_fields) & set(vals):
            decided = self.filtered(lambda c: c.state in ("decided", "answered", "closed"))
            if decided:
                raise UserError(
                    self.env._(
                        "The decision of %(claim)s is taken: its demand, decision, reasons, amount and "
                        "invoice no longer change.",
                        claim=decided[0].name,
                    )
                )
        if "decision" in vals and vals["decision"] and not self._in_workflow():
            self._check_manager(self.env._("Only After-Sales managers decide on consumer claims."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_handled(self):
        handled = self.filtered(lambda c: c.state != "new")
        if handled:
            raise UserError(
                self.env._(
                    "%(claim)s is being handled: close it rather than deleting it.", claim=handled[0].name
                )
            )

    # Mail gateway ---------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A customer's email to the claims alias opens a claim, from the
        sender's partner (created when the address is unknown)."""
        values = dict(custom_values or {})
        partner = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not partner and msg_dict.get("email_from"):
            partner = self._mail_find_partner_from_emails([msg_dict["email_from"]], force_create=True)[0]
        values.setdefault("partner_id", partner.id)
        values.setdefault("channel", "email")
        values.setdefault("subject", msg_dict.get("subject") or "")
        values.setdefault("description", html2plaintext(msg_dict.get("body") or ""))
        values["name"] = self.env._("New")
        return super().message_new(msg_dict, custom_values=values)

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for claim in self.filtered("partner_id"):
            claim._message_add_suggested_recipient(
                recipients, partner=claim.partner_id, reason=self.env._("Customer")
            )
        return recipients

    def message_post(self, **kwargs):
        # The response letter sent from the composer (action_send_answer)
        # answers the claim.
        if self.env.context.get("after_sales_claim_answer"):
            self.filtered(lambda c: c.state == "decided")._mark_answered()
        return super().message_post(**kwargs)

    # Buttons -----------------------------------------------------------------

    @workflow
    def action_review(self):
        self._check_can("can_review", self.env._("Starting the review"))
        self.write({"state": "in_review"})
        for claim in self.filtered(lambda c: not c.user_id):
            claim.user_id = self.env.user
        return True

    def action_to_expertise(self):
        """Ask for the laboratory that examines the claim's unit
        (``after_sales.claim.expertise``, whose ``action_send`` sends it)."""
        self._check_expertise()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send to Expertise"),
            "res_model": "after_sales.claim.expertise",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_claim_id": self[:1].id},
        }

    @workflow
    def action_decide(self):
        """Take the decision recorded on the claim and carry it out: an
        accepted repair or replacement opens its service order, a refund or
        price reduction a credit note against the original invoice,
        compensation a credit note on the goodwill account."""
        self._check_can("can_decide", self.env._("Deciding"))
        self._check_manager(self.env._("Only After-Sales managers decide on consumer claims."))
        for claim in self:
            claim._check_decision()
        self.write({"state": "decided", "date_decided": fields.Date.context_today(self)})
        for claim in self.filtered(lambda c: c.decision in ("accepted", "partial")):
            if claim.demand in ("repair", "replacement"):
                claim.order_id = claim._decided_service_order()
            else:
                claim.credit_note_id = claim._create_credit_note()
        return True

    def action_send_answer(self):
        """Open the mail composer with the response letter attached; sending
        it answers the claim."""
        self._check_can("can_answer", self.env._("Answering"))
        self.ensure_one()
        if not self.answer_by_mail:
            raise UserError(
                self.env._("Answers by mail are switched off in the settings: print the letter and send it.")
            )
        return composer_action(
            self,
            "after_sales_service.mail_template_claim_answered",
            default_email_layout_xmlid="mail.mail_notification_light",
            after_sales_claim_answer=True,
        )

    @workflow
    def action_mark_answered(self):
        """Answered otherwise than by mail from here (a letter, a call)."""
        self._check_can("can_answer", self.env._("Answering"))
        self._mark_answered()
        return True

    @workflow
    def action_close(self):
        self._check_can("can_close", self.env._("Closing"))
        self.write({"state": "closed"})
        return True

    def action_print_letter(self):
        return self.env.ref("after_sales_service.action_report_claim_letter").report_action(self)

    def action_view_expertises(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_expertise_action"
        )
        action["domain"] = [("claim_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.expertise_ids) == 1:
            action.update(views=[(False, "form")], res_id=self.expertise_ids.id)
        return action

    def action_view_credit_note(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.credit_note_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # Business methods -------------------------------------------------------

    def _check_decision(self):
        self.ensure_one()
        if not self.decision:
            raise UserError(self.env._("Choose the decision on %(claim)s first.", claim=self.name))
        if self.decision in ("partial", "rejected") and not (self.decision_reason or "").strip():
            raise UserError(
                self.env._(
                    "Give the reasons for the decision on %(claim)s: the customer reads them in the letter.",
                    claim=self.name,
                )
            )
        if self.decision == "rejected":
            return
        if self.demand in MONEY_DEMANDS:
            if float_compare(self.amount, 0.0, precision_rounding=self.currency_id.rounding) <= 0:
                raise UserError(
                    self.env._("Enter the amount granted to the customer on %(claim)s.", claim=self.name)
                )
            if self.demand in ("refund", "price_reduction"):
                if not self.invoice_id:
                    raise UserError(
                        self.env._(
                            "Choose the customer's original invoice on %(claim)s: the refund is credited "
                            "against it.",
                            claim=self.name,
                        )
                    )
                if (
                    float_compare(
                        self.amount,
                        self.invoice_id.amount_total,
                        precision_rounding=self.currency_id.rounding,
                    )
                    > 0
                ):
                    raise UserError(
                        self.env._(
                            "%(claim)s grants %(amount)s, more than invoice %(invoice)s (%(total)s).",
                            claim=self.name,
                            amount=self.amount,
                            invoice=self.invoice_id.name,
                            total=self.invoice_id.amount_total,
                        )
                    )
            elif not self.company_id.after_sales_goodwill_expense_account_id:
                raise UserError(
                    self.env._(
                        "Set the goodwill expense account in the After-Sales settings: compensation is "
                        "credited to the customer on it."
                    )
                )
        elif not self.lot_id and self.product_id.tracking == "serial":
            raise UserError(
                self.env._(
                    "Enter the serial number of the unit on %(claim)s: its service order needs it.",
                    claim=self.name,
                )
            )

    def _check_expertise(self):
        """Refuse to send to expertise a claim that may not go, or whose unit
        is unknown: the laboratory examines a unit."""
        self._check_can("can_expertise", self.env._("Sending to expertise"))
        for claim in self:
            if not claim.product_id:
                raise UserError(
                    self.env._(
                        "%(claim)s names no product or serial number: there is no unit to examine.",
                        claim=claim.name,
                    )
                )
            if not claim.lot_id and claim.product_id.tracking == "serial":
                raise UserError(
                    self.env._(
                        "Enter the serial number of the unit on %(claim)s: the laboratory examines "
                        "that unit.",
                        claim=claim.name,
                    )
                )

    @workflow
    def _send_to_expertise(self, expert, date_due=False):
        """A draft expertise of the claim's unit by ``expert``, linked to the
        claim, on the claim's open service order (or the unit's, of the same
        customer), else on an inspection order opened to bring the unit in:
        the desk receives it and sends the expertise from the workshop. The
        claim waits in Expertise."""
        self._check_expertise()
        if date_due and date_due < fields.Date.context_today(self):
            raise UserError(self.env._("The expected result date (%(date)s) has passed.", date=date_due))
        Expertise = self.env["after_sales.expertise"]
        expertises = Expertise
        open_orders = self._unit_open_orders()
        for claim in self:
            order = claim.order_id
            if order.state not in ORDER_OPEN_STATES:
                # A unit is at one workshop at a time: its open order serves.
                order = open_orders.get(claim) or claim._create_service_order(request_type="inspection")
                claim.order_id = order
            expertises |= Expertise.create(
                {
                    "order_id": order.id,
                    "claim_id": claim.id,
                    "expert_id": expert.id,
                    "date_due": date_due,
                }
            )
            claim.message_post(
                body=self.env._(
                    "Sent to independent expertise %(expertise)s by %(expert)s: the unit is examined "
                    "under service order %(order)s.",
                    expertise=expertises[-1:].name,
                    expert=expert.display_name,
                    order=order.name,
                )
            )
        self.write({"state": "expertise"})
        return expertises

    @workflow
    def _back_to_review(self, expertises, deleted=False):
        """Back in review after ``expertises`` were cancelled (or ``deleted``)
        without a verdict."""
        self.write({"state": "in_review"})
        for claim in self:
            names = ", ".join((expertises & claim.expertise_ids).mapped("name"))
            if deleted:
                body = self.env._(
                    "Expertise %(expertise)s deleted: the claim is back in review, to decide or to send "
                    "to another expertise.",
                    expertise=names,
                )
            else:
                body = self.env._(
                    "Expertise %(expertise)s cancelled: the claim is back in review, to decide or to send "
                    "to another expertise.",
                    expertise=names,
                )
            claim.message_post(body=body)

    def _unit_open_orders(self):
        """``{claim: order}``: the open service order of each claim's serial
        number for the claim's customer, when there is one."""
        orders = self.env["after_sales.service.order"].search(
            [
                ("lot_id", "in", self.lot_id.ids),
                ("state", "in", ORDER_OPEN_STATES),
                ("company_id", "in", self.company_id.ids),
            ],
            order="id desc",
        )
        found = {}
        for claim in self.filtered("lot_id"):
            order = orders.filtered(
                lambda o, c=claim: o.lot_id == c.lot_id
                and o.company_id == c.company_id
                and o.partner_id.commercial_partner_id == c.partner_id.commercial_partner_id
            )[:1]
            if order:
                found[claim] = order
        return found

    def _expertise_done(self):
        """The latest expertise of the claim with a verdict, if any."""
        self.ensure_one()
        done = self.expertise_ids.filtered(lambda e: e.state == "done")
        return max(done, key=lambda e: (e.date_result, e.id), default=done)

    def _decided_service_order(self):
        """The order that carries out an accepted repair or replacement: the
        claim's open order (the unit came in for its expertise) switched to
        the demand, else a new one."""
        self.ensure_one()
        request_type = "replacement" if self.demand == "replacement" else "repair"
        order = self.order_id
        if order.state not in ORDER_OPEN_STATES:
            return self._create_service_order(request_type=request_type)
        if order.request_type != request_type:
            order.request_type = request_type
            order.message_post(
                body=self.env._(
                    "Claim %(claim)s decided: the order now carries out its %(demand)s.",
                    claim=self.name,
                    demand=dict(DEMANDS)[self.demand].lower(),
                )
            )
        return order

    def _create_service_order(self, request_type=None):
        """The service order, in draft, of the claim's unit and customer: an
        accepted repair or replacement demand opens it, sending the claim to
        expertise opens an inspection to bring the unit in. The order finds
        the registration covering the unit."""
        self.ensure_one()
        request_type = request_type or ("replacement" if self.demand == "replacement" else "repair")
        order = (
            self.env["after_sales.service.order"]
            .sudo()
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "product_id": self.product_id.id,
                    "lot_id": self.lot_id.id,
                    "company_id": self.company_id.id,
                    "request_type": request_type,
                    "symptom": self.description,
                }
            )
        )
        order.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": order, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        return order.with_env(self.env)

    def _create_credit_note(self):
        """A draft credit note for ``amount`` (taxes included): against the
        original invoice for a refund or price reduction (Odoo's reversal of
        the unit's invoice line, brought to the amount), on the goodwill
        account for compensation. An accountant posts it."""
        self.ensure_one()
        Move = self.env["account.move"].sudo()
        label = self.env._("%(claim)s: %(demand)s", claim=self.name, demand=dict(DEMANDS)[self.demand])
        if self.demand == "compensation":
            credit_note = Move.create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "invoice_origin": self.name,
                    "ref": label,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": label,
                                "quantity": 1.0,
                                "price_unit": self.amount,
                                "account_id": self.company_id.after_sales_goodwill_expense_account_id.id,
                                "tax_ids": [(5, 0, 0)],
                            },
                        )
                    ],
                }
            )
        else:
            invoice = self.invoice_id.sudo()
            credit_note = invoice._reverse_moves(
                [{"ref": label, "invoice_origin": self.name, "invoice_date": fields.Date.context_today(self)}]
            )
            lines = credit_note.invoice_line_ids.filtered(lambda ml: ml.display_type == "product")
            line = lines.filtered(lambda ml: ml.product_id == self.product_id)[:1] or lines[:1]
            (credit_note.invoice_line_ids - line).unlink()
            if all(tax.price_include for tax in line.tax_ids) or not line.price_total:
                price_unit = self.amount
            else:
                # Percent taxes scale with the price: the net price whose total is the amount.
                price_unit = self.amount * line.price_subtotal / line.price_total
            line.write({"name": label, "quantity": 1.0, "discount": 0.0, "price_unit": price_unit})
        credit_note.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": credit_note, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        return credit_note.with_env(self.env)

    @workflow
    def _mark_answered(self):
        self.write({"state": "answered", "date_answered": fields.Date.context_today(self)})

    def _send_mail(self, template_xmlid):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for claim in self.filtered(lambda c: c.partner_id.email):
            if claim.company_id._after_sales_claim_notify(template_xmlid):
                claim.message_post_with_source(template, subtype_xmlid="mail.mt_comment")

    @api.model
    def _cron_deadline_reminders(self):
        """A to-do for the responsible of each open claim whose answer is due
        within two days, once per claim."""
        limit = fields.Date.context_today(self) + timedelta(days=REMINDER_DAYS)
        claims = self.search(
            [("state", "in", OPEN_STATES), ("date_deadline", "<=", limit), ("deadline_reminded", "=", False)]
        )
        for claim in claims:
            claim.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=claim.date_deadline,
                summary=self.env._("Answer the claim by %(date)s", date=claim.date_deadline),
                user_id=(claim.user_id or self.env.user).id,
            )
        claims.sudo().write({"deadline_reminded": True})
        return len(claims)


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    after_sales_claim_days_repair = fields.Integer(string="Claim Answer: Repair (days)", default=14)
    after_sales_claim_days_replacement = fields.Integer(string="Claim Answer: Replacement (days)", default=14)
    after_sales_claim_days_price_reduction = fields.Integer(
        string="Claim Answer: Price Reduction (days)", default=14
    )
    after_sales_claim_days_refund = fields.Integer(string="Claim Answer: Refund (days)", default=14)
    after_sales_claim_days_compensation = fields.Integer(
        string="Claim Answer: Compensation (days)", default=30
    )
    after_sales_claim_working_days = fields.Boolean(
        string="Claim Deadlines in Working Days",
        help="Count claim deadlines in the working days of the company's calendar; otherwise calendar days.",
    )
    after_sales_notify_claim_received = fields.Boolean(string="Claim Received", default=True)
    after_sales_notify_claim_answered = fields.Boolean(string="Claim Answered", default=True)

    def _after_sales_claim_deadline(self, date_received, demand, term=None):
        """The day the answer to a claim received on ``date_received`` is due:
        the term's response days when set, else the company's days for the
        demand, counted in calendar or working days after the day of receipt."""
        self.ensure_one()
        days = (term.response_days if term else 0) or self[f"after_sales_claim_days_{demand}"]
        if not days:
            return date_received
        calendar = self.resource_calendar_id
        if self.after_sales_claim_working_days and calendar:
            start = datetime.combine(date_received + timedelta(days=1), time.min)
            end = calendar.plan_days(days, start)
            if end:
                return end.date()
        return date_received + timedelta(days=days)

    def _after_sales_claim_notify(self, template_xmlid):
        """Whether the customer mail of ``template_xmlid`` is switched on."""
        switch = {
            "after_sales_service.mail_template_claim_received": "after_sales_notify_claim_received",
            "after_sales_service.mail_template_claim_answered": "after_sales_notify_claim_answered",
        }.get(template_xmlid)
        return not switch or self[switch]
