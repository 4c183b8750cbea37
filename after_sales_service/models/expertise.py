from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.mail_compose import composer_action
from .account_move import BILL_TYPES
from .defect import COMPANY_LIABLE_TYPES
from .state_guard import workflow

VERDICTS = [
    ("manufacturing_defect", "Manufacturing Defect"),
    ("misuse", "Misuse"),
    ("no_fault", "No Fault Found"),
    ("inconclusive", "Inconclusive"),
]
# The defect cause a verdict establishes on the order; the other verdicts
# leave the technician's cause as it is.
VERDICT_CAUSE_TYPES = {"manufacturing_defect": "manufacturing", "misuse": "misuse"}
# Order states in which its unit waits in the workshop and the work is open:
# a unit may go to the laboratory, and a verdict may still change the cause.
ORDER_STATES_IN_WORKSHOP = ("received", "in_repair")


class AfterSalesExpertise(models.Model):
    """An independent examination of a disputed unit (or a sample part of
    it) by an outside laboratory.

    Sending ships the sample from the Service location to the laboratory and
    prepares its way back, both with the service operation types, owned by
    the customer as the unit is in the workshop: no company stock moves. The
    verdict decides on the order: a manufacturing defect confirms the
    warranty; misuse lets a manager have the customer pay or void the
    registration. The laboratory's bill is the expertise's cost, one of the
    order's costs (``service_order_expertise.py``).
    """

    _name = "after_sales.expertise"
    _description = "Independent Expertise"
    _inherit = ["mail.thread", "mail.activity.mixin", "after_sales.state.guard"]
    _order = "id desc"
    _check_company_auto = True
    _workflow_fields = ("state", "date_sent", "out_picking_id", "return_picking_id")
    # Fixed once the sample left: they decided what went where.
    _fixed_after_send = ("order_id", "claim_id", "expert_id", "sample", "sample_product_id")
    # Fixed once the result is recorded: they decided on the order.
    _fixed_after_done = ("verdict", "date_result")

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    # Required: a consumer claim's expertise too examines the unit that a
    # service order brought into the workshop.
    order_id = fields.Many2one(
        "after_sales.service.order",
        string="Service Order",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('state', 'in', ('received', 'in_repair'))]",
    )
    claim_id = fields.Many2one(
        "after_sales.claim",
        string="Consumer Claim",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('product_id', '=?', product_id)]",
        help="The consumer claim waiting for this verdict: it is told the result.",
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        required=True,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_unit",
        store=True,
        precompute=True,
        index=True,
    )
    product_id = fields.Many2one(
        "product.product", compute="_compute_unit", store=True, precompute=True, index=True
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        compute="_compute_unit",
        store=True,
        precompute=True,
        index="btree_not_null",
    )
    expert_id = fields.Many2one(
        "res.partner",
        string="Laboratory",
        index=True,
        tracking=True,
        check_company=True,
        help="The independent laboratory or expert that examines the sample.",
    )
    sample = fields.Selection(
        [("unit", "Whole Unit"), ("part", "Sample Part")],
        required=True,
        default="unit",
        tracking=True,
        help="What goes to the laboratory: the customer's unit, or a part taken out of it.",
    )
    sample_product_id = fields.Many2one(
        "product.product",
        string="Sample Part",
        tracking=True,
        check_company=True,
        domain="[('type', '=', 'consu'), ('tracking', '=', 'none')]",
        help="The part sent instead of the whole unit (untracked): it leaves the unit in the "
        "Service location and comes back to it.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("done", "Done"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_sent = fields.Date(readonly=True, copy=False, tracking=True)
    date_due = fields.Date(
        string="Result Expected",
        tracking=True,
        help="When the laboratory promised its result.",
    )
    date_result = fields.Date(string="Result Date", copy=False, tracking=True)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    verdict = fields.Selection(VERDICTS, copy=False, tracking=True)
    verdict_note = fields.Text(copy=False, help="The laboratory's findings, in short.")
    report_attachment_ids = fields.Many2many(
        "ir.attachment",
        "after_sales_expertise_attachment_rel",
        "expertise_id",
        "attachment_id",
        string="Expert's Report",
        copy=False,
    )
    out_picking_id = fields.Many2one(
        "stock.picking", string="Transfer to Laboratory", readonly=True, copy=False
    )
    return_picking_id = fields.Many2one(
        "stock.picking", string="Return from Laboratory", readonly=True, copy=False
    )
    picking_count = fields.Integer(compute="_compute_picking_count")
    sample_location = fields.Selection(
        [("workshop", "In the Workshop"), ("laboratory", "At the Laboratory"), ("back", "Back")],
        compute="_compute_sample_location",
        help="Where the sample is, from its transfers (validated here or in Inventory).",
    )
    bill_ids = fields.One2many("account.move", "after_sales_expertise_id", string="Bills", readonly=True)
    bill_id = fields.Many2one(
        "account.move",
        string="Expert Bill",
        compute="_compute_bill_id",
        store=True,
        help="The laboratory's vendor bill.",
    )
    cost = fields.Monetary(
        compute="_compute_cost",
        store=True,
        readonly=False,
        tracking=True,
        help="The laboratory's posted bill, untaxed; an estimate until then. One of the order's "
        "costs, on the transport and expense side.",
    )
    # What the buttons may do now: the view shows them by these and the
    # actions refuse what they forbid.
    can_send = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_receive_back = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_done = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_cancel = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_bill = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_charge_customer = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_void_warranty = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)

    @api.depends("order_id.company_id")
    def _compute_company_id(self):
        for expertise in self:
            expertise.company_id = expertise.order_id.company_id or expertise.company_id or self.env.company

    @api.depends("order_id.partner_id", "order_id.product_id", "order_id.lot_id")
    def _compute_unit(self):
        for expertise in self:
            order = expertise.order_id
            expertise.partner_id = order.partner_id
            expertise.product_id = order.product_id
            expertise.lot_id = order.lot_id

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for expertise in self:
            expertise.is_overdue = bool(
                expertise.state == "sent" and expertise.date_due and expertise.date_due < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on Overdue: %(op)s", op=operator))
        domain = [("state", "=", "sent"), ("date_due", "<", fields.Date.context_today(self))]
        positive = (operator == "=") == bool(value)
        return domain if positive else ["!", "&", *domain]

    @api.depends("out_picking_id", "return_picking_id")
    def _compute_picking_count(self):
        for expertise in self:
            expertise.picking_count = len(expertise.out_picking_id | expertise.return_picking_id)

    @api.depends("out_picking_id.state", "return_picking_id.state")
    def _compute_sample_location(self):
        for expertise in self:
            if expertise.return_picking_id.state == "done":
                expertise.sample_location = "back"
            elif expertise.out_picking_id.state == "done":
                expertise.sample_location = "laboratory"
            else:
                expertise.sample_location = "workshop"

    # Not on the bills' state: a stored many2one depending on it would make
    # every posting of any journal entry look for the expertises it changes.
    @api.depends("bill_ids")
    def _compute_bill_id(self):
        for expertise in self:
            bills = expertise.bill_ids.filtered(lambda m: m.move_type == "in_invoice")
            expertise.bill_id = max(bills, key=lambda m: m.id, default=bills)

    @api.depends("bill_ids.state", "bill_ids.amount_untaxed_signed")
    def _compute_cost(self):
        for expertise in self:
            posted = expertise.bill_ids.filtered(lambda m: m.move_type in BILL_TYPES and m.state == "posted")
            # Bills are negative in company currency, refunds positive. Without
            # a posted bill, the estimate entered stays.
            if posted:
                expertise.cost = -sum(posted.mapped("amount_untaxed_signed"))
            else:
                expertise.cost = expertise.cost

    @api.depends(
        "state",
        "verdict",
        "bill_id.state",
        "out_picking_id.state",
        "return_picking_id.state",
        "order_id.needs_cause_decision",
        "order_id.state",
        "order_id.warranty_id.registration_state",
    )
    def _compute_can_workflow(self):
        for expertise in self:
            state = expertise.state
            order = expertise.order_id
            back = expertise.return_picking_id.state
            misuse = state == "done" and expertise.verdict == "misuse"
            expertise.can_send = state == "draft"
            expertise.can_receive_back = state in ("sent", "done") and back not in (False, "done", "cancel")
            expertise.can_done = state == "sent"
            # A sample out at the laboratory comes back first.
            expertise.can_cancel = state == "draft" or (state == "sent" and back in (False, "done", "cancel"))
            # A cancelled bill may be replaced.
            expertise.can_bill = state in ("sent", "done") and expertise.bill_id.state in (False, "cancel")
            expertise.can_charge_customer = (
                misuse
                and order.needs_cause_decision
                and order.state in ("confirmed", *ORDER_STATES_IN_WORKSHOP)
            )
            expertise.can_void_warranty = misuse and order.warranty_id.registration_state == "confirmed"

    @api.constrains("sample", "sample_product_id")
    def _check_sample(self):
        for expertise in self:
            if expertise.sample == "part" and expertise.sample_product_id.tracking not in (False, "none"):
                raise ValidationError(
                    self.env._(
                        "Sample part %(part)s is tracked by lots or serial numbers: send an untracked "
                        "part, or the whole unit.",
                        part=expertise.sample_product_id.display_name,
                    )
                )

    @api.constrains("claim_id", "order_id")
    def _check_claim_unit(self):
        for expertise in self.filtered("claim_id"):
            claim = expertise.claim_id
            if claim.product_id != expertise.product_id or (
                claim.lot_id and claim.lot_id != expertise.lot_id
            ):
                raise ValidationError(
                    self.env._(
                        "Expertise %(expertise)s examines %(unit)s, not the unit of claim %(claim)s.",
                        expertise=expertise.name,
                        unit=expertise.lot_id.name or expertise.product_id.display_name,
                        claim=claim.name,
                    )
                )

    @api.constrains("date_sent", "date_due", "date_result")
    def _check_dates(self):
        for expertise in self:
            start = expertise.date_sent
            for date, label in (
                (expertise.date_due, self.env._("the expected result date")),
                (expertise.date_result, self.env._("the result date")),
            ):
                if start and date and date < start:
                    raise ValidationError(
                        self.env._(
                            "In %(expertise)s, %(what)s (%(date)s) lies before the sending date (%(sent)s).",
                            expertise=expertise.name,
                            what=label,
                            date=date,
                            sent=start,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_workflow_vals(vals_list, create=True)
        self.env["ir.sequence"]._after_sales_assign_names("after_sales.expertise", vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_workflow_vals([vals])
        if not self._in_workflow():
            for fixed, states, what in (
                (self._fixed_after_send, ("sent", "done", "cancel"), self.env._("once the sample left")),
                (self._fixed_after_done, ("done", "cancel"), self.env._("once the result is recorded")),
            ):
                locked = self.filtered(lambda e, states=states: e.state in states)
                changed = [name for name in fixed if name in vals]
                if locked and changed:
                    # A user who may not write at all hears that first.
                    self.check_access("write")
                    raise UserError(
                        self.env._(
                            "%(fields)s of %(expertise)s are fixed %(when)s.",
                            fields=", ".join(
                                self._fields[name].get_description(self.env)["string"] for name in changed
                            ),
                            expertise=locked[0].name,
                            when=what,
                        )
                    )
        return super().write(vals)

    def unlink(self):
        # Before the records go: a claim waiting for them learns which.
        self.check_access("unlink")
        self._release_claims(deleted=True)
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        sent = self.filtered(lambda e: e.out_picking_id or e.bill_ids)
        if sent:
            raise UserError(
                self.env._(
                    "%(expertise)s has transfers or bills: cancel it and keep it.", expertise=sent[0].name
                )
            )

    # Buttons -----------------------------------------------------------------

    @workflow
    def action_send(self):
        """Ship the sample to the laboratory: its transfer out of the Service
        location is validated now, its way back waits, ready, for its return."""
        self._check_can("can_send", self.env._("Sending to the laboratory"))
        today = fields.Date.context_today(self)
        for expertise in self:
            missing = []
            if not expertise.expert_id:
                missing.append(self.env._("the laboratory"))
            if not expertise.date_due:
                missing.append(self.env._("the expected result date"))
            if expertise.sample == "part" and not expertise.sample_product_id:
                missing.append(self.env._("the sample part"))
            if missing:
                raise UserError(
                    self.env._(
                        "Fill in %(missing)s of %(expertise)s before sending it.",
                        missing=self.env._(" and ").join(missing),
                        expertise=expertise.name,
                    )
                )
            if expertise.date_due < today:
                raise UserError(
                    self.env._(
                        "The expected result date of %(expertise)s (%(date)s) has passed: give the date "
                        "the laboratory promises.",
                        expertise=expertise.name,
                        date=expertise.date_due,
                    )
                )
            order = expertise.order_id
            if order.state not in ORDER_STATES_IN_WORKSHOP:
                states = dict(order._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "The unit of %(order)s is not waiting in the workshop (the order is %(state)s): "
                        "only a received unit, or one in repair, goes to a laboratory.",
                        order=order.name,
                        state=states[order.state],
                    )
                )
        out = self._create_transfers("service_out_type_id", lambda e: e._prepare_sample_move_vals())
        back = self._create_transfers(
            "service_in_type_id", lambda e: e._prepare_sample_move_vals(back=True), validate=False
        )
        for expertise, out_picking, back_picking in zip(self, out, back, strict=True):
            expertise.write(
                {
                    "state": "sent",
                    "date_sent": today,
                    "out_picking_id": out_picking.id,
                    "return_picking_id": back_picking.id,
                }
            )
            expertise.order_id.message_post(
                body=self.env._(
                    "%(what)s sent to %(expert)s for an independent examination (%(expertise)s); "
                    "result expected by %(date)s.",
                    what=expertise._sample_description(),
                    expert=expertise.expert_id.display_name,
                    expertise=expertise.name,
                    date=expertise.date_due,
                )
            )
        return True

    @workflow
    def action_receive_back(self):
        """The sample came back from the laboratory: validate its return
        into the Service location (validating it in Inventory does the same)."""
        self._check_can("can_receive_back", self.env._("Receiving the sample back"))
        self.return_picking_id._after_sales_validate()
        return True

    @workflow
    def action_done(self):
        """Record the laboratory's result: the verdict, on its date, decides on the order."""
        self._check_can("can_done", self.env._("Recording the result"))
        for expertise in self:
            missing = []
            if not expertise.verdict:
                missing.append(self.env._("the verdict"))
            if not expertise.date_result:
                missing.append(self.env._("the result date"))
            if missing:
                raise UserError(
                    self.env._(
                        "Record %(missing)s of %(expertise)s before closing it.",
                        missing=self.env._(" and ").join(missing),
                        expertise=expertise.name,
                    )
                )
        self.state = "done"
        self._apply_verdict()
        self._notify_claims()
        return True

    @workflow
    def action_cancel(self):
        """Cancel an expertise not sent, or whose sample is back without a result."""
        away = self.filtered(lambda e: e.state == "sent" and e.sample_location == "laboratory")
        if away:
            self.check_access("write")
            raise UserError(
                self.env._(
                    "The sample of %(expertise)s is still at the laboratory: receive it back before "
                    "cancelling.",
                    expertise=away[0].name,
                )
            )
        self._check_can("can_cancel", self.env._("Cancelling"))
        self.state = "cancel"
        self._release_claims()
        return True

    def action_charge_customer(self):
        """Misuse found: the customer pays the order's work, told why (the
        order's own decision on its cause, ``action_cause_charge_customer``)."""
        self._check_manager(self.env._("Only After-Sales managers decide who pays after an expertise."))
        self._check_can("can_charge_customer", self.env._("Charging the customer"))
        self.order_id.action_cause_charge_customer()
        return True

    def action_void_warranty(self):
        """Misuse found: void the unit's registration, the verdict as reason.
        An open warranty order whose cause waits for a decision becomes paid
        first: a void registration covers nothing."""
        self._check_manager(self.env._("Only After-Sales managers can void a warranty registration."))
        self._check_can("can_void_warranty", self.env._("Voiding the warranty"))
        undecided = self.filtered("can_charge_customer")
        if undecided:
            undecided.order_id.action_cause_charge_customer()
        for expertise in self:
            warranty = expertise.order_id.warranty_id
            warranty.void_reason = expertise._void_reason()
            warranty.action_void()
            expertise.message_post(
                body=self.env._("Warranty %(warranty)s voided.", warranty=warranty.display_name)
            )
        return True

    def action_create_bill(self):
        """A draft vendor bill of the laboratory for this expertise."""
        self.ensure_one()
        if not self.can_bill:
            if self.bill_id:
                message = self.env._("%(expertise)s has its bill: see Expert Bill.", expertise=self.name)
            else:
                message = self.env._(
                    "%(expertise)s is not sent or is cancelled: there is no examination to bill.",
                    expertise=self.name,
                )
            raise UserError(message)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Expert Bill"),
            "res_model": "account.move",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_move_type": "in_invoice",
                "default_partner_id": self.expert_id.id,
                "default_after_sales_expertise_id": self.id,
                "default_after_sales_order_id": self.order_id.id,
                "default_ref": self.name,
                "default_company_id": self.company_id.id,
                "default_invoice_line_ids": [
                    Command.create(
                        {
                            "name": self.env._(
                                "Examination %(expertise)s: %(what)s",
                                expertise=self.name,
                                what=self._sample_description(),
                            ),
                            "quantity": 1.0,
                            "price_unit": self.cost,
                        }
                    )
                ],
            },
        }

    def action_view_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.bill_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", (self.out_picking_id | self.return_picking_id).ids)]
        action["context"] = {"create": False}
        return action

    def action_print_letter(self):
        """The letter telling the customer that the sample went to the laboratory."""
        self._check_letter()
        return self.env.ref("after_sales_service.action_report_expertise_letter").report_action(self)

    def action_send_letter(self):
        """Mail the letter (its PDF attached) to the customer."""
        self.ensure_one()
        self._check_letter()
        return composer_action(self, "after_sales_service.mail_template_expertise_letter")

    # Business methods --------------------------------------------------------

    def _check_letter(self):
        unsent = self.filtered(lambda e: e.state in ("draft", "cancel"))
        if unsent:
            raise UserError(
                self.env._(
                    "%(expertise)s went to no laboratory: the letter tells the customer that it did.",
                    expertise=unsent[0].name,
                )
            )

    def _sample_description(self):
        self.ensure_one()
        if self.sample == "part":
            return self.env._(
                "Part %(part)s of %(unit)s",
                part=self.sample_product_id.display_name,
                unit=self.lot_id.name or self.product_id.display_name,
            )
        return self.env._("Unit %(unit)s", unit=self.lot_id.name or self.product_id.display_name)

    def _prepare_sample_move_vals(self, back=False):
        """The sample's move to the laboratory (or, ``back``, from it), owned
        by the customer: the service order's move builder, between the
        Service location and the laboratory's partner location."""
        self.ensure_one()
        order = self.order_id
        laboratory = self.expert_id.with_company(self.company_id).property_stock_customer or self.env.ref(
            "stock.stock_location_customers"
        )
        service = order.warehouse_id.service_location_id
        source, destination = (laboratory, service) if back else (service, laboratory)
        if self.sample == "part":
            # Taken out of the unit, as a repair's removed part leaves the
            # location the unit is in: no lot, so no availability to check.
            return order._move_vals(
                self.sample_product_id, self.env["stock.lot"], source, destination, owner=self.partner_id
            )
        return order._move_vals(self.product_id, self.lot_id, source, destination, owner=self.partner_id)

    def _create_transfers(self, type_field, move_vals_builder, validate=True):
        """One transfer per expertise, of its warehouse's service operation
        type ``type_field``, to or from the laboratory; listed with the
        order's transfers. Validated at once unless ``validate`` is false."""
        pickings = self.env["stock.picking"]._after_sales_create(
            [
                expertise.order_id._transfer_vals(
                    type_field,
                    {**move_vals_builder(expertise), "name": expertise.name},
                    partner=expertise.expert_id,
                    origin=f"{expertise.name} ({expertise.order_id.name})",
                    company=expertise.company_id,
                )
                for expertise in self
            ]
        )
        if validate:
            pickings._after_sales_validate()
        return pickings

    def _void_reason(self):
        self.ensure_one()
        verdicts = dict(self._fields["verdict"]._description_selection(self.env))
        reason = self.env._(
            "Independent expertise %(expertise)s by %(expert)s (%(date)s): %(verdict)s.",
            expertise=self.name,
            expert=self.expert_id.display_name,
            date=self.date_result,
            verdict=verdicts[self.verdict],
        )
        return f"{reason}\n{self.verdict_note}" if self.verdict_note else reason

    @workflow
    def _apply_verdict(self):
        """The verdict on the order, told in its chatter. While the work is
        open and no manager decided on its cause yet, a manufacturing defect
        or misuse becomes the order's cause when the one recorded says
        otherwise: a manufacturing defect confirms the warranty, misuse
        leaves a manager to decide (``action_charge_customer``,
        ``action_void_warranty``)."""
        Cause = self.env["after_sales.defect.cause"]
        verdicts = dict(self._fields["verdict"]._description_selection(self.env))
        for expertise in self:
            order = expertise.order_id
            cause_type = VERDICT_CAUSE_TYPES.get(expertise.verdict)
            notes = [
                self.env._(
                    "Independent expertise %(expertise)s by %(expert)s: %(verdict)s.",
                    expertise=expertise.name,
                    expert=expertise.expert_id.display_name,
                    verdict=verdicts[expertise.verdict],
                )
            ]
            if cause_type and order.state in ORDER_STATES_IN_WORKSHOP and not order.cause_decision:
                liable = cause_type in COMPANY_LIABLE_TYPES
                current = order.defect_cause_id
                if not current or current.company_liable != liable:
                    cause = Cause.search(
                        [
                            ("cause_type", "=", cause_type),
                            ("company_liable", "=", liable),
                            ("company_id", "in", [order.company_id.id, False]),
                        ],
                        limit=1,
                    )
                    if cause:
                        order.defect_cause_id = cause
                        notes.append(self.env._("Cause set to %(cause)s.", cause=cause.display_name))
            if expertise.verdict == "manufacturing_defect" and order.coverage == "warranty":
                notes.append(self.env._("The warranty covers the failure."))
            elif expertise.verdict == "manufacturing_defect" and order.cause_decision == "paid":
                notes.append(
                    self.env._(
                        "The order was made paid work before this verdict: an After-Sales manager "
                        "reviews it."
                    )
                )
            elif expertise.verdict == "misuse" and order.coverage == "warranty":
                notes.append(
                    self.env._(
                        "The warranty does not cover misuse: an After-Sales manager decides on the "
                        "expertise whether the customer pays or the registration is voided."
                    )
                )
            if expertise.verdict_note:
                notes.append(expertise.verdict_note)
            order.message_post(body=" ".join(notes))

    def _notify_claims(self):
        """The verdict told on the consumer claims waiting for it: in their
        chatter, and a to-do for their responsible to decide."""
        verdicts = dict(self._fields["verdict"]._description_selection(self.env))
        for expertise in self.filtered("claim_id"):
            claim = expertise.claim_id
            body = self.env._(
                "Independent expertise %(expertise)s by %(expert)s (%(date)s): %(verdict)s.",
                expertise=expertise.name,
                expert=expertise.expert_id.display_name,
                date=expertise.date_result,
                verdict=verdicts[expertise.verdict],
            )
            claim.message_post(body=" ".join(filter(None, (body, expertise.verdict_note))))
            if claim.can_decide:
                claim.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._(
                        "Decide on the claim: the expertise found %(verdict)s",
                        verdict=verdicts[expertise.verdict],
                    ),
                    user_id=(claim.user_id or self.env.user).id,
                )

    def _release_claims(self, deleted=False):
        """A claim waiting in Expertise for these expertises only (cancelled,
        or ``deleted``) goes back to review: it may be decided, or sent to
        another expertise."""
        for claim in self.claim_id.filtered(lambda c: c.state == "expertise"):
            if not (claim.expertise_ids - self).filtered(lambda e: e.state != "cancel"):
                claim._back_to_review(self & claim.expertise_ids, deleted=deleted)
