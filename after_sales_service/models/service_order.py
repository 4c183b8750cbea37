from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, formatLang

from .state_guard import workflow

OPEN_STATES = ("draft", "confirmed", "received", "in_repair")
FINISHED_STATES = ("done", "returned")
# Folded kanban columns (and list groups) when grouped by state.
FOLDED_STATES = ("done", "returned", "cancel")
# Request types with workshop work: the others end without a repair order.
REPAIR_REQUEST_TYPES = ("repair", "maintenance")


class AfterSalesServiceOrder(models.Model):
    """A customer's unit from intake to return: the unit, its customer, its
    coverage and deadline, and the buttons of the state machine.

    The model is one concern per file, all in this module, as ``account``
    splits its journal:

    - ``service_order.py``: intake, coverage, the state machine (this file);
    - ``service_order_transfer.py``: the receipt of the unit and its return
      transfer to the customer;
    - ``service_order_loaner.py``: the loaner lifecycle, also advance
      replacements and the replacement unit;
    - ``service_order_costing.py``: costs, cost entries, bills and invoicing;
    - ``service_order_api.py``: the outside systems' API and the scheduled action;
    - ``service_order_notification.py``: the customer's mails and their switches;
    - ``service_order_rating.py``: the customer's rating after the return.
    """

    _name = "after_sales.service.order"
    _description = "Service Order"
    _inherit = ["mail.thread", "mail.activity.mixin", "analytic.mixin", "after_sales.state.guard"]
    _order = "priority desc, date_deadline, id desc"
    _check_company_auto = True
    _workflow_fields = (
        "state",
        "date_done",
        "date_returned",
        "receipt_picking_id",
        "return_picking_id",
        "loaner_issue_picking_id",
        "loaner_return_picking_id",
        "loaner_kept",
        "cause_decision",
        "repeat_of_id",
        "is_repeat",
    )
    # Fixed once the unit is in the workshop: they decided what was received
    # and under which warranty. The loaner is fixed once it went out (see
    # ``write``): it may still be chosen after the receipt.
    _fixed_after_receipt = (
        "partner_id",
        "product_id",
        "lot_id",
        "coverage",
        "warranty_id",
        "exchange_type",
    )

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("received", "Received"),
            ("in_repair", "In Repair"),
            ("done", "Done"),
            ("returned", "Returned"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        readonly=True,
        # Every state is a kanban column, in workflow order (see read_group
        # for the folded ones).
        group_expand=True,
    )
    # What the state machine allows now: the buttons show by these, and the
    # actions refuse what they forbid (over XML-RPC too).
    can_confirm = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_receive = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_start_repair = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_add_part = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_done = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_return = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_cancel = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_draft = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    can_issue_loaner = fields.Boolean(compute="_compute_can_workflow", compute_sudo=True)
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('type', '=', 'consu')]",
    )
    product_tracking = fields.Selection(related="product_id.tracking")
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        index="btree_not_null",
        # A serial with a warranty or service history is kept.
        ondelete="restrict",
        tracking=True,
        check_company=True,
        # The desk types the serial first: any serial until a product is chosen.
        domain="product_id and [('product_id', '=', product_id)] or []",
    )
    date_intake = fields.Date(
        string="Intake Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    warranty_id = fields.Many2one(
        "after_sales.warranty",
        string="Warranty",
        compute="_compute_warranty_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
        help="The registration covering the unit on the intake date, found automatically.",
    )
    warranty_term_id = fields.Many2one(related="warranty_id.term_id", string="Warranty Term")
    warranty_date_end = fields.Date(related="warranty_id.date_end", string="Covered Until")
    parts_coverage = fields.Float(related="warranty_id.parts_coverage")
    labor_coverage = fields.Float(related="warranty_id.labor_coverage")
    expense_coverage = fields.Float(related="warranty_id.expense_coverage")
    coverage = fields.Selection(
        [("warranty", "Warranty"), ("goodwill", "Goodwill"), ("paid", "Paid")],
        compute="_compute_coverage",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="Warranty when an active registration covers the intake date, else "
        "paid. A manager may grant goodwill: the company bears its share.",
    )
    goodwill_share = fields.Float(
        string="Company Share (%)",
        tracking=True,
        help="Percent of the cost the company bears on a goodwill order.",
    )
    request_type = fields.Selection(
        [
            ("repair", "Repair"),
            ("maintenance", "Maintenance"),
            ("inspection", "Inspection"),
            ("replacement", "Replacement"),
            ("refund", "Refund"),
        ],
        required=True,
        default="repair",
        tracking=True,
    )
    symptom = fields.Text(help="The problem as the customer describes it.")
    accessories = fields.Text(string="Accessories Received")
    condition = fields.Text(string="Condition on Arrival")
    work_summary = fields.Html(string="Work Done")
    no_fault_found = fields.Boolean(tracking=True, help="Inspection outcome: the unit works as specified.")
    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        tracking=True,
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="From the warranty term's repair days, or the company's default for paid work.",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    overdue_notified = fields.Boolean(copy=False, readonly=True)
    date_done = fields.Datetime(readonly=True, copy=False)
    date_returned = fields.Datetime(readonly=True, copy=False)

    # Workshop: receives the unit, repairs it, ships it back
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    repair_ids = fields.One2many("repair.order", "service_order_id", string="Repair Orders")
    repair_count = fields.Integer(compute="_compute_repair_count")
    part_move_ids = fields.Many2many(
        "stock.move",
        string="Parts",
        compute="_compute_part_move_ids",
        compute_sudo=True,
        help="Spare parts of the order's repairs: planned, reserved and used (cancelled ones left out).",
    )

    @api.depends(
        "state",
        "request_type",
        "exchange_type",
        "loaner_lot_id",
        "receipt_picking_id.state",
        "loaner_issue_picking_id.state",
    )
    def _compute_can_workflow(self):
        for order in self:
            state = order.state
            order.can_confirm = state == "draft"
            order.can_receive = state == "confirmed"
            order.can_start_repair = state == "received" and order.request_type in REPAIR_REQUEST_TYPES
            order.can_add_part = state == "in_repair"
            order.can_done = state in ("received", "in_repair")
            order.can_return = state == "done"
            order.can_cancel = state not in ("returned", "cancel")
            # A new cycle only for an order whose unit never came in and
            # that shipped nothing: a received unit has a history to keep.
            order.can_draft = (
                state == "cancel"
                and order.receipt_picking_id.state != "done"
                and order.loaner_issue_picking_id.state != "done"
            )
            # A loaner chosen after the receipt (the one chosen before goes
            # out with the receipt, see _on_receipt_done).
            order.can_issue_loaner = (
                state in ("received", "in_repair")
                and order.exchange_type == "loaner"
                and bool(order.loaner_lot_id)
                and not order.loaner_issue_picking_id
            )

    @api.depends("lot_id", "product_id", "partner_id", "date_intake")
    def _compute_warranty_id(self):
        Warranty = self.env["after_sales.warranty"]
        orders = self.filtered(lambda o: o.state in ("draft", False) or not o.warranty_id)
        # Serials: one query per intake date (usually one per batch).
        for date, dated in orders.filtered("lot_id").grouped("date_intake").items():
            registrations = Warranty._registrations_by_lot(dated.lot_id, date) if date else {}
            for order in dated:
                covering = registrations.get(order.lot_id.id, (Warranty, None))[0]
                # Only the holder's own registration covers the unit for them.
                order.warranty_id = covering if order._is_warranty_holder(covering) else Warranty
        for order in orders.filtered(lambda o: not o.lot_id):
            order.warranty_id = Warranty._find_covering(
                product=order.product_id, partner=order.partner_id, date=order.date_intake
            )

    @api.depends("warranty_id")
    def _compute_coverage(self):
        for order in self:
            if order.coverage == "goodwill" and not order.warranty_id:
                continue
            order.coverage = "warranty" if order.warranty_id else "paid"

    @api.depends("warranty_id", "date_intake", "coverage")
    def _compute_date_deadline(self):
        for order in self:
            if not order.date_intake:
                continue
            if order.coverage == "warranty" and order.warranty_id.term_id.repair_days:
                days = order.warranty_id.term_id.repair_days
            else:
                days = order.company_id.after_sales_paid_repair_days
            order.date_deadline = order.date_intake + timedelta(days=days)

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for order in self:
            order.is_overdue = bool(
                order.state in OPEN_STATES and order.date_deadline and order.date_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on Overdue: %(op)s", op=operator))
        domain = [
            ("state", "in", OPEN_STATES),
            ("date_deadline", "<", fields.Date.context_today(self)),
        ]
        positive = (operator == "=") == bool(value)
        return domain if positive else ["!", "&", *domain]

    @api.depends("repair_ids")
    def _compute_repair_count(self):
        for order in self:
            order.repair_count = len(order.repair_ids)

    @api.depends("repair_ids.move_ids.repair_line_type", "repair_ids.move_ids.state")
    def _compute_part_move_ids(self):
        for order in self:
            order.part_move_ids = order.repair_ids.move_ids.filtered(
                lambda m: m.repair_line_type == "add" and m.state != "cancel"
            )

    @api.constrains("lot_id", "product_id")
    def _check_lot(self):
        for order in self:
            order.lot_id._after_sales_check_product(order.product_id)
            if order.loaner_lot_id and order.loaner_lot_id == order.lot_id:
                raise ValidationError(self.env._("The loaner cannot be the customer's own unit."))

    @api.constrains("warranty_id", "lot_id", "product_id", "partner_id", "date_intake")
    def _check_warranty_id(self):
        for order in self.filtered("warranty_id"):
            warranty = order.warranty_id
            unit = (
                warranty.lot_id == order.lot_id if order.lot_id else warranty.product_id == order.product_id
            )
            if not (unit and order._is_warranty_holder(warranty) and warranty._covers(order.date_intake)):
                raise ValidationError(
                    self.env._(
                        "Warranty %(warranty)s does not cover %(order)s: it must be a confirmed registration "
                        "of this unit, held by %(customer)s and running on %(date)s.",
                        warranty=warranty.display_name,
                        order=order.name,
                        customer=order.partner_id.commercial_partner_id.display_name,
                        date=order.date_intake,
                    )
                )

    @api.constrains("coverage", "warranty_id", "goodwill_share")
    def _check_coverage(self):
        for order in self:
            if order.coverage == "warranty" and not order.warranty_id:
                raise ValidationError(
                    self.env._(
                        "No active warranty covers %(unit)s on %(date)s: the order cannot be under warranty.",
                        unit=order.lot_id.name or order.product_id.display_name,
                        date=order.date_intake,
                    )
                )
            if not 0.0 <= order.goodwill_share <= 100.0:
                raise ValidationError(self.env._("The company share of goodwill lies between 0 and 100 %."))

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        """Typing a serial fills the product and the unit's latest customer,
        and warns when the unit already has an open order."""
        if not self.lot_id:
            return None
        self.product_id = self.lot_id.product_id
        customer = self.lot_id._after_sales_customer()
        if customer:
            self.partner_id = customer
        message = self._open_order_message(self.lot_id, exclude=self._origin)
        if not message:
            return None
        message = self.env._(
            "%(message)s Carry on with that order rather than opening a second one.", message=message
        )
        return {"warning": {"title": self.env._("Unit already in service"), "message": message}}

    @api.model_create_multi
    def create(self, vals_list):
        self._check_workflow_vals(vals_list, create=True)
        for vals in vals_list:
            if vals.get("coverage") == "goodwill" or vals.get("goodwill_share"):
                self._check_manager(self.env._("Only After-Sales managers can grant goodwill."))
        self.env["ir.sequence"]._after_sales_assign_names("after_sales.service.order", vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_workflow_vals([vals])
        if vals.get("coverage") == "goodwill" or "goodwill_share" in vals:
            self._check_manager(self.env._("Only After-Sales managers can grant goodwill."))
        if not self._in_workflow() and set(self._fixed_after_receipt) & set(vals):
            locked = self.filtered(lambda o: o.state not in ("draft", "confirmed"))
            if locked:
                raise UserError(
                    self.env._(
                        "The unit, customer, coverage, warranty and exchange of %(orders)s are fixed "
                        "once the unit is received.",
                        orders=", ".join(locked.mapped("name")),
                    )
                )
        if not self._in_workflow() and "loaner_lot_id" in vals:
            # As the form shows it: chosen until it went out, or the order ended.
            locked = self.filtered(
                lambda o: (o.loaner_issue_picking_id or o.state in ("returned", "cancel"))
                and o.loaner_lot_id.id != (vals["loaner_lot_id"] or False)
            )
            if locked:
                raise UserError(
                    self.env._(
                        "The loaner or replacement unit of %(orders)s is fixed once it went out to the "
                        "customer or the order ended.",
                        orders=", ".join(locked.mapped("name")),
                    )
                )
        return super().write(vals)

    def _open_order_message(self, lot, exclude=None):
        """What refuses (API) or warns (form) a second open order for
        ``lot``: a unit is at one workshop at a time. None when it has none."""
        # sudo: an order the user may not read still holds the unit; it is
        # not named then.
        domain = [("lot_id", "=", lot.id), ("state", "not in", ("returned", "cancel"))]
        if exclude:
            domain.append(("id", "!=", exclude.id))
        open_order = self.sudo().search(domain, limit=1)
        if not open_order:
            return None
        if open_order.with_env(self.env).has_access("read"):
            return self.env._(
                "Serial number %(serial)s already has an open service order: %(order)s.",
                serial=lot.name,
                order=open_order.name,
            )
        return self.env._(
            "Serial number %(serial)s already has an open service order, in a company you cannot access.",
            serial=lot.name,
        )

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Grouped by state, the groups of finished and cancelled orders come
        folded: folded kanban columns, closed list groups."""
        groups = super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )
        groupby = [groupby] if isinstance(groupby, str) else list(groupby)
        # Odoo folds the groups of a many2one by its records' fold field; a
        # selection has none.
        if groupby and groupby[0] == "state" and (lazy or len(groupby) == 1):
            for group in groups:
                group["__fold"] = group.get("state") in FOLDED_STATES
        return groups

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(order.state not in ("draft", "cancel") for order in self):
            raise UserError(self.env._("Only draft or cancelled service orders can be deleted."))
        with_history = self.filtered(lambda o: o.picking_ids or o.repair_ids or o.order_move_ids)
        if with_history:
            raise UserError(
                self.env._(
                    "%(order)s has transfers, repairs or journal entries: cancel it and keep it.",
                    order=with_history[0].name,
                )
            )

    # Buttons: the state machine ----------------------------------------------

    @workflow
    def action_confirm(self):
        """Confirm the intake: create the receipt of the unit into the Service location."""
        self._check_can("can_confirm", self.env._("Confirming"))
        for order in self:
            if order.product_id.tracking != "none" and not order.lot_id:
                raise UserError(
                    self.env._(
                        "Enter the serial number of %(product)s.", product=order.product_id.display_name
                    )
                )
            if order.exchange_type == "advance" and not order.loaner_lot_id:
                raise UserError(self.env._("Choose the replacement unit to ship in advance."))
        self._create_transfers(
            "service_in_type_id",
            "receipt_picking_id",
            lambda o: o._prepare_receipt_move_vals(),
            validate=False,
        )
        advance = self.filtered(lambda o: o.exchange_type == "advance")
        if advance:
            advance._issue_loaner()
        self.state = "confirmed"
        self._send_mail("after_sales_service.mail_template_service_confirmed")
        return True

    @workflow
    def action_receive(self):
        """The unit arrived: validate its receipt, issue the loaner."""
        self._check_can("can_receive", self.env._("Receiving"))
        self.receipt_picking_id.filtered(lambda p: p.state != "done")._after_sales_validate()
        # Validating the receipt moved the orders on (see stock.picking).
        return True

    @workflow
    def action_start_repair(self):
        """Create the Odoo repair order of the unit, at the Service location."""
        no_repair = self.filtered(lambda o: o.request_type not in REPAIR_REQUEST_TYPES)
        if no_repair:
            types = dict(self._fields["request_type"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(order)s is a request for %(type)s: it ends without a repair order.",
                    order=no_repair[0].name,
                    type=types[no_repair[0].request_type].lower(),
                )
            )
        self._check_can("can_start_repair", self.env._("Starting the repair"))
        repairs = self.env["repair.order"].create([order._prepare_repair_vals() for order in self])
        repairs._action_repair_confirm()
        repairs.action_repair_start()
        self.state = "in_repair"
        return True

    @workflow
    def action_done(self):
        """Work finished: repaired, or inspected (no fault found), or replaced.

        Open repairs end here as End Repair ends them in the Repairs app,
        every part used as listed on the repair (see ``_end_repairs``): a
        part that stock cannot supply stops it all, with what to do. When
        ending a repair opens a wizard, it is returned for the user, and the
        order is done once the wizard ends its repair (``_on_repairs_done``).
        """
        self._check_can("can_done", self.env._("Finishing"))
        for order in self:
            worked = order.repair_ids.filtered(lambda r: r.state != "cancel")
            if order.request_type == "repair" and not worked and not order.no_fault_found:
                raise UserError(
                    self.env._(
                        "%(order)s has no finished repair: start the repair, or mark no fault found.",
                        order=order.name,
                    )
                )
        open_repairs = self.repair_ids.filtered(lambda r: r.state not in ("done", "cancel"))
        if open_repairs:
            action = self._end_repairs(open_repairs)
            if isinstance(action, dict):
                return action
        # Ending the last repair of an order already finished it.
        self.filtered(lambda o: o.state != "done")._set_done()
        return True

    @workflow
    def action_return(self):
        """Give the unit back (or its replacement) to the customer.

        The order's end: its return transfer ships the unit from the Service
        location (see ``_prepare_return_move_vals``). Not the "return"
        exchange type, which only decides that a replacement goes out here
        instead of the unit, nor the parts return wizard
        (``after_sales.return.part``), which puts unused spare parts back in
        stock.
        """
        self._check_can("can_return", self.env._("Returning the unit"))
        out = self.filtered(lambda o: o.loaner_state == "out")
        if out:
            raise UserError(
                self.env._(
                    "The loaner %(lot)s of %(order)s is still with the customer: take it back "
                    "first, or have a manager decide that the customer keeps it.",
                    lot=out[0].loaner_lot_id.name,
                    order=out[0].name,
                )
            )
        self.filtered(lambda o: o.exchange_type != "advance")._create_return_transfers()
        self.write({"state": "returned", "date_returned": fields.Datetime.now()})
        self._send_mail("after_sales_service.mail_template_service_returned")
        return True

    @workflow
    def action_cancel(self):
        """Cancel the order; a unit already received goes back to the customer,
        a loaner out comes back."""
        self._check_can("can_cancel", self.env._("Cancelling"))
        done = self.filtered(lambda o: o.state == "done")
        if done:
            # Reverses posted cost entries: a manager's decision, in an open period.
            done._check_manager(self.env._("Only After-Sales managers cancel finished orders."))
            done._check_posting_date()
        self._reverse_cost_entries()
        for order in self:
            order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
            order.repair_ids.filtered(lambda r: r.state not in ("done", "cancel")).with_context(
                after_sales_cancelling=True
            ).action_repair_cancel()
        # Nothing was exchanged: the customer gets their own unit back, and an
        # advance replacement already shipped is to come back.
        self.filtered(lambda o: o.receipt_picking_id.state == "done")._create_return_transfers(own_unit=True)
        self._recover_advance_replacement()
        loaners_out = self.filtered(lambda o: o.loaner_state == "out")
        if loaners_out:
            loaners_out.action_loaner_return()
        self.state = "cancel"
        return True

    @workflow
    def action_draft(self):
        """Back to draft for a new intake; refused once the unit was received."""
        self._check_can("can_draft", self.env._("Resetting to draft"))
        self.write(
            {
                "state": "draft",
                "receipt_picking_id": False,
                "return_picking_id": False,
                "loaner_issue_picking_id": False,
                "loaner_return_picking_id": False,
                "loaner_kept": False,
                "date_done": False,
                "date_returned": False,
            }
        )
        return True

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_tree")
        action["domain"] = [("service_order_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.repair_ids) == 1:
            action.update(views=[(False, "form")], res_id=self.repair_ids.id)
        return action

    def action_print_intake(self):
        return self.env.ref("after_sales_service.action_report_service_intake").report_action(self)

    def action_print_completion(self):
        return self.env.ref("after_sales_service.action_report_service_completion").report_action(self)

    # Business methods --------------------------------------------------------

    @workflow
    def _on_receipt_done(self):
        orders = self.filtered(lambda o: o.state == "confirmed")
        if not orders:
            return
        orders.state = "received"
        loaner = orders.filtered(lambda o: o.exchange_type == "loaner")
        loaner.filtered("loaner_lot_id")._issue_loaner()
        for order in loaner.filtered(lambda o: not o.loaner_lot_id):
            order.message_post(
                body=self.env._(
                    "Received without a loaner, though the order lends one: choose a free loaner "
                    "(Transport & Loaner) and click Issue Loaner."
                )
            )
        orders._send_mail("after_sales_service.mail_template_service_received")

    @workflow
    def _on_repairs_done(self):
        """Finishing its last repair moves the order to done."""
        self.filtered(
            lambda o: o.state == "in_repair" and all(r.state in ("done", "cancel") for r in o.repair_ids)
        )._set_done()

    @workflow
    def _on_repairs_cancelled(self):
        """A repair cancelled in the Repairs app: the unit waits in the
        workshop again, for a new repair or to be finished without one."""
        if self.env.context.get("after_sales_cancelling"):
            return
        orders = self.filtered(
            lambda o: o.state == "in_repair" and all(r.state == "cancel" for r in o.repair_ids)
        )
        if not orders:
            return
        orders.state = "received"
        for order in orders:
            order.message_post(
                body=self.env._("Repair cancelled: the unit is back to received, waiting in the workshop.")
            )

    @workflow
    def _set_done(self):
        # Post first: a refused posting (lock date, missing account) leaves
        # the order, its repair and its stock as they were.
        self._check_posting_date()
        self._post_cost_entries()
        self._note_costs_not_posted()
        self.write({"state": "done", "date_done": fields.Datetime.now()})

    def _end_repairs(self, repairs):
        """End ``repairs``, open repairs of these orders, with Odoo's End
        Repair, every part used as listed on the repair.

        Odoo's End Repair drops the parts nothing was reserved for, and the
        parts not marked used once another one is: from the service order
        nobody sees that, so parts not reserved in full are reserved now, as
        Check Availability does, and a part still short stops it all, before
        anything is done. Returns what Odoo's End Repair returns (True, or a
        wizard's action)."""
        repairs.filtered(lambda r: r.state != "under_repair").action_repair_start()
        parts = repairs.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))

        def short(move):
            rounding = move.product_uom.rounding
            return float_compare(move.quantity, move.product_uom_qty, precision_rounding=rounding) < 0

        # A quantity marked used is the technician's: it is not topped up.
        parts.filtered(lambda m: not m.picked and short(m))._action_assign()
        missing = parts.filtered(short)
        if missing:
            order = missing[0].repair_id.service_order_id
            missing = missing.filtered(lambda m: m.repair_id.service_order_id == order)
            raise UserError(
                self.env._(
                    "%(order)s cannot be done yet, parts are missing: %(parts)s. Replenish them "
                    "(After-Sales > Planning > Parts Shortages, Request Replenishment) or change the "
                    "parts on repair %(repair)s, then mark the order done again.",
                    order=order.name,
                    parts="; ".join(
                        self.env._(
                            "%(part)s, %(available)s of %(needed)s %(uom)s available",
                            part=move.product_id.display_name,
                            available=formatLang(self.env, move.quantity, dp="Product Unit of Measure"),
                            needed=formatLang(self.env, move.product_uom_qty, dp="Product Unit of Measure"),
                            uom=move.product_uom.name,
                        )
                        for move in missing
                    ),
                    repair=", ".join(missing.repair_id.mapped("name")),
                )
            )
        parts.filtered(lambda m: not m.picked).picked = True
        return repairs.action_repair_end()

    def _prepare_repair_vals(self):
        self.ensure_one()
        warehouse = self.warehouse_id
        # Warranty repairs consume their parts into the Warranty consumption
        # location through their own operation type; so does goodwill the
        # company bears in full, as nothing of it is sold to the customer.
        picking_type = (
            warehouse.warranty_repair_type_id if self._is_company_borne() else warehouse.repair_type_id
        )
        return {
            "service_order_id": self.id,
            "product_id": self.product_id.id,
            "product_uom": self.product_id.uom_id.id,
            "product_qty": 1.0,
            "lot_id": self.lot_id.id,
            "partner_id": self.partner_id.id,
            "picking_type_id": picking_type.id,
            "product_location_src_id": warehouse.service_location_id.id,
            "product_location_dest_id": warehouse.service_location_id.id,
            "under_warranty": self.coverage == "warranty",
            "internal_notes": self.symptom or False,
            "user_id": self.user_id.id or self.env.user.id,
            "company_id": self.company_id.id,
        }

    def _is_warranty_holder(self, warranty):
        self.ensure_one()
        return warranty.partner_id.commercial_partner_id == self.partner_id.commercial_partner_id

    def _send_mail(self, template_xmlid):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for order in self.filtered(lambda o: o.partner_id.email):
            order.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
