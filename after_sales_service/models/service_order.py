from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

OPEN_STATES = ("draft", "confirmed", "received", "in_repair")


class AfterSalesServiceOrder(models.Model):
    _name = "after_sales.service.order"
    _description = "Service Order"
    _inherit = ["mail.thread", "mail.activity.mixin", "analytic.mixin", "after_sales.state.guard"]
    _order = "priority desc, date_deadline, id desc"
    _check_company_auto = True

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
    )
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
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
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

    # Transport
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    transport_mode = fields.Selection(
        [("dropoff", "Drop-off by the customer"), ("courier", "Pick-up by courier")],
        default="dropoff",
        required=True,
        tracking=True,
    )
    carrier_reference = fields.Char(help="Courier and tracking number, for pick-ups.")
    transport_cost = fields.Monetary(
        compute="_compute_transport_cost",
        store=True,
        readonly=False,
        tracking=True,
        help="The posted courier and transport bills linked to the order; an estimate until then.",
    )
    receipt_picking_id = fields.Many2one("stock.picking", string="Receipt", readonly=True, copy=False)
    return_picking_id = fields.Many2one("stock.picking", string="Return", readonly=True, copy=False)
    picking_ids = fields.One2many("stock.picking", "service_order_id", string="Transfers")
    picking_count = fields.Integer(compute="_compute_picking_count")

    # Loaner or replacement unit
    exchange_type = fields.Selection(
        [
            ("none", "None"),
            ("loaner", "Loaner unit during repair"),
            ("advance", "Advance replacement"),
            ("return", "Replacement on return"),
        ],
        compute="_compute_exchange_type",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="From the warranty term; the staff may decide otherwise.",
    )
    loaner_lot_id = fields.Many2one(
        "stock.lot",
        string="Loaner / Replacement Unit",
        check_company=True,
        tracking=True,
        help="Serial lent to the customer (loaner) or given instead of theirs (replacement).",
    )
    loaner_state = fields.Selection(
        [
            ("none", "None"),
            ("out", "With the customer"),
            ("back", "Returned"),
            ("kept", "Kept by the customer"),
        ],
        compute="_compute_loaner_state",
        store=True,
    )
    loaner_issue_picking_id = fields.Many2one("stock.picking", readonly=True, copy=False)
    loaner_return_picking_id = fields.Many2one("stock.picking", readonly=True, copy=False)
    loaner_kept = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="A manager decided the customer keeps the loaner (to be invoiced).",
    )

    # Repair
    repair_ids = fields.One2many("repair.order", "service_order_id", string="Repair Orders")
    repair_count = fields.Integer(compute="_compute_repair_count")
    sale_order_id = fields.Many2one(
        "sale.order",
        compute="_compute_sale_order_id",
        store=True,
        string="Quotation",
        help="The repair's quotation, for paid and goodwill orders.",
    )
    labor_line_ids = fields.One2many("after_sales.service.labor", "order_id", string="Labour", copy=False)

    # Accounting
    order_move_ids = fields.One2many(
        "account.move", "after_sales_order_id", string="Entries of the Order", readonly=True
    )
    cost_move_ids = fields.Many2many(
        "account.move",
        string="Cost Entries",
        compute="_compute_account_move_ids",
        compute_sudo=True,
        help="The entries the order posted itself (labour, goodwill), their adjustments and reversals.",
    )
    bill_ids = fields.Many2many(
        "account.move",
        string="Vendor Bills",
        compute="_compute_account_move_ids",
        compute_sudo=True,
        help="Courier and transport bills linked to the order.",
    )
    bill_count = fields.Integer(compute="_compute_account_move_ids", compute_sudo=True)
    account_move_ids = fields.Many2many(
        "account.move",
        string="Journal Entries",
        compute="_compute_account_move_ids",
        compute_sudo=True,
        help="Entries posted for the order: its labour entries and the valuation of its parts.",
    )
    account_move_count = fields.Integer(compute="_compute_account_move_ids", compute_sudo=True)

    # Costs
    # compute_sudo: whoever may read the order sees its costs, whatever their
    # rights on repairs, stock valuation and quotations.
    parts_cost = fields.Monetary(
        compute="_compute_costs", compute_sudo=True, help="Valued cost of the parts consumed."
    )
    labor_cost = fields.Monetary(compute="_compute_costs", compute_sudo=True)
    total_cost = fields.Monetary(compute="_compute_costs", compute_sudo=True)
    customer_amount = fields.Monetary(
        string="Billable to Customer",
        compute="_compute_costs",
        compute_sudo=True,
        help="Paid orders: the quotation without taxes. Warranty and goodwill: the "
        "share of parts, labour and transport the company does not bear.",
    )

    @api.depends("lot_id", "product_id", "partner_id", "date_intake")
    def _compute_warranty_id(self):
        Warranty = self.env["after_sales.warranty"]
        orders = self.filtered(lambda o: o.state in ("draft", False) or not o.warranty_id)
        # Serials: one query per intake date (usually one per batch).
        for date, dated in orders.filtered("lot_id").grouped("date_intake").items():
            registrations = Warranty._registrations_by_lot(dated.lot_id, date) if date else {}
            for order in dated:
                order.warranty_id = registrations.get(order.lot_id.id, (Warranty, None))[0]
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

    @api.depends("warranty_id")
    def _compute_exchange_type(self):
        for order in self:
            order.exchange_type = order.warranty_id.term_id.exchange_type or "none"

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

    @api.depends("order_move_ids.state", "order_move_ids.amount_untaxed_signed")
    def _compute_transport_cost(self):
        for order in self:
            posted = order.order_move_ids.filtered(
                lambda m: m.move_type in ("in_invoice", "in_refund") and m.state == "posted"
            )
            # Bills are negative in company currency, refunds positive. Without
            # a posted bill, the estimate entered stays.
            if posted:
                order.transport_cost = -sum(posted.mapped("amount_untaxed_signed"))
            else:
                order.transport_cost = order.transport_cost

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for order in self:
            order.picking_count = len(order.picking_ids)

    @api.depends("repair_ids")
    def _compute_repair_count(self):
        for order in self:
            order.repair_count = len(order.repair_ids)

    @api.depends("repair_ids.sale_order_id")
    def _compute_sale_order_id(self):
        for order in self:
            order.sale_order_id = order.repair_ids.sale_order_id[:1]

    @api.depends(
        "loaner_issue_picking_id.state", "loaner_return_picking_id.state", "loaner_kept", "exchange_type"
    )
    def _compute_loaner_state(self):
        for order in self:
            if order.loaner_issue_picking_id.state != "done" or order.exchange_type != "loaner":
                order.loaner_state = "none"
            elif order.loaner_kept:
                order.loaner_state = "kept"
            elif order.loaner_return_picking_id.state == "done":
                order.loaner_state = "back"
            else:
                order.loaner_state = "out"

    @api.depends(
        "repair_ids.move_ids.state",
        "repair_ids.move_ids.quantity",
        "repair_ids.move_ids.returned_move_ids.state",
        "labor_line_ids.cost",
        "transport_cost",
        "coverage",
        "goodwill_share",
        "sale_order_id.amount_untaxed",
    )
    def _compute_costs(self):
        parts_costs = self._get_parts_costs()
        for order in self:
            order.parts_cost = parts_costs.get(order.id, 0.0)
            order.labor_cost = sum(order.labor_line_ids.mapped("cost"))
            order.total_cost = order.parts_cost + order.labor_cost + order.transport_cost
            if order.coverage == "paid":
                order.customer_amount = order.sale_order_id.amount_untaxed
            elif order.coverage == "goodwill":
                order.customer_amount = order.currency_id.round(
                    order.total_cost * (100.0 - order.goodwill_share) / 100.0
                )
            else:
                order.customer_amount = order.currency_id.round(
                    order.parts_cost * (100.0 - order.parts_coverage) / 100.0
                    + order.labor_cost * (100.0 - order.labor_coverage) / 100.0
                    + order.transport_cost * (100.0 - order.expense_coverage) / 100.0
                )

    @api.depends("order_move_ids", "repair_ids.move_ids.state", "repair_ids.move_ids.returned_move_ids.state")
    def _compute_account_move_ids(self):
        for order in self:
            moves = order.order_move_ids
            # Valuation entries carry their stock move; invoices and bills their type.
            order.cost_move_ids = moves.filtered(lambda m: m.move_type == "entry" and not m.stock_move_id)
            order.bill_ids = moves.filtered(lambda m: m.move_type in ("in_invoice", "in_refund"))
            order.bill_count = len(order.bill_ids)
            parts_moves = self.env["stock.move"].union(*(move for move, _sign in order._get_parts_moves()))
            order.account_move_ids = moves | parts_moves.stock_valuation_layer_ids.account_move_id
            order.account_move_count = len(order.account_move_ids)

    @api.depends("company_id", "product_id")
    def _compute_analytic_distribution(self):
        for order in self:
            if not order.analytic_distribution:
                order.analytic_distribution = (
                    order.product_id.categ_id._get_after_sales_analytic_distribution()
                    or order.company_id.after_sales_analytic_distribution
                    or False
                )

    def _get_parts_moves(self):
        """The parts the orders' repairs consumed (sign 1) and those returned
        to stock since (sign -1), done moves only."""
        consumed = self.repair_ids.move_ids.filtered(
            lambda m: m.state == "done" and m.repair_line_type == "add"
        )
        returned = consumed.returned_move_ids.filtered(lambda m: m.state == "done")
        return [(move, 1) for move in consumed] + [(move, -1) for move in returned]

    def _get_parts_costs(self):
        """Cost of the parts consumed by each order's repairs (less the parts
        returned to stock), by order id.

        Valued moves count at their valuation (FIFO, average); others, such as
        manually valued categories, at the product's cost.
        """
        costs = defaultdict(float)
        for move, sign in self._get_parts_moves():
            layers = move.stock_valuation_layer_ids
            if layers:
                cost = -sum(layers.mapped("value"))
            else:
                cost = sign * move.product_id.standard_price * move.product_qty
            origin = move if sign > 0 else move.origin_returned_move_id
            costs[origin.repair_id.service_order_id.id] += cost
        return costs

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        """Typing a serial fills the product and the unit's latest customer."""
        if self.lot_id:
            self.product_id = self.lot_id.product_id
            customer = self.lot_id.warranty_id.partner_id or self.lot_id.last_delivery_partner_id
            if customer:
                self.partner_id = customer.commercial_partner_id

    @api.constrains("lot_id", "product_id")
    def _check_lot(self):
        for order in self:
            if order.lot_id and order.lot_id.product_id != order.product_id:
                raise ValidationError(
                    self.env._(
                        "Serial number %(lot)s belongs to %(lot_product)s, not to %(product)s.",
                        lot=order.lot_id.name,
                        lot_product=order.lot_id.product_id.display_name,
                        product=order.product_id.display_name,
                    )
                )
            if order.loaner_lot_id and order.loaner_lot_id == order.lot_id:
                raise ValidationError(self.env._("The loaner cannot be the customer's own unit."))

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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("coverage") == "goodwill" or vals.get("goodwill_share"):
                self._check_manager(self.env._("Only After-Sales managers can grant goodwill."))
        self.env["ir.sequence"]._after_sales_assign_names("after_sales.service.order", vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("coverage") == "goodwill" or "goodwill_share" in vals:
            self._check_manager(self.env._("Only After-Sales managers can grant goodwill."))
        if "coverage" in vals or "lot_id" in vals or "product_id" in vals or "partner_id" in vals:
            locked = self.filtered(lambda o: o.state not in ("draft", "confirmed"))
            if locked:
                raise UserError(
                    self.env._(
                        "The unit, customer and coverage of %(orders)s are fixed once the unit is received.",
                        orders=", ".join(locked.mapped("name")),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(order.state not in ("draft", "cancel") for order in self):
            raise UserError(self.env._("Only draft or cancelled service orders can be deleted."))

    def _check_manager(self, message):
        if not self.env.su and not self.env.user.has_group("after_sales_service.group_after_sales_manager"):
            raise AccessError(message)

    # Buttons ----------------------------------------------------------------

    def action_confirm(self):
        """Confirm the intake: create the receipt of the unit into the Service location."""
        self._check_state(("draft",), self.env._("Confirming"))
        for order in self:
            if order.product_id.tracking != "none" and not order.lot_id:
                raise UserError(
                    self.env._(
                        "Enter the serial number of %(product)s.", product=order.product_id.display_name
                    )
                )
            if order.exchange_type == "advance" and not order.loaner_lot_id:
                raise UserError(self.env._("Choose the replacement unit to ship in advance."))
        pickings = self._create_pickings("service_in_type_id", lambda o: o._prepare_receipt_move_vals())
        for order, picking in zip(self, pickings, strict=True):
            order.receipt_picking_id = picking
        advance = self.filtered(lambda o: o.exchange_type == "advance")
        if advance:
            advance._issue_loaner()
        self.state = "confirmed"
        return True

    def action_receive(self):
        """The unit arrived: validate its receipt, issue the loaner."""
        self._check_state(("confirmed",), self.env._("Receiving"))
        self.receipt_picking_id.filtered(lambda p: p.state != "done")._after_sales_validate()
        # Validating the receipt moved the orders on (see stock.picking).
        return True

    def _on_receipt_done(self):
        orders = self.filtered(lambda o: o.state == "confirmed")
        if not orders:
            return
        orders.state = "received"
        orders.filtered(lambda o: o.exchange_type == "loaner" and o.loaner_lot_id)._issue_loaner()
        orders._send_mail("after_sales_service.mail_template_service_received")

    def action_start_repair(self):
        """Create the Odoo repair order of the unit, at the Service location."""
        self._check_state(("received",), self.env._("Starting the repair"))
        repairs = self.env["repair.order"].create([order._prepare_repair_vals() for order in self])
        repairs._action_repair_confirm()
        repairs.action_repair_start()
        self.state = "in_repair"
        return True

    def action_done(self):
        """Work finished: repaired, or inspected (no fault found), or replaced."""
        self._check_state(("received", "in_repair"), self.env._("Finishing"))
        for order in self:
            open_repairs = order.repair_ids.filtered(lambda r: r.state not in ("done", "cancel"))
            if open_repairs:
                raise UserError(
                    self.env._(
                        "Finish repair %(repair)s first.", repair=", ".join(open_repairs.mapped("name"))
                    )
                )
            repaired = order.repair_ids.filtered(lambda r: r.state == "done")
            if order.request_type == "repair" and not repaired and not order.no_fault_found:
                raise UserError(
                    self.env._(
                        "%(order)s has no finished repair: start the repair, or mark no fault found.",
                        order=order.name,
                    )
                )
        self._set_done()
        return True

    def _on_repairs_done(self):
        """Finishing its last repair moves the order to done."""
        self.filtered(
            lambda o: o.state == "in_repair" and all(r.state in ("done", "cancel") for r in o.repair_ids)
        )._set_done()

    def _set_done(self):
        # Post first: a refused posting (lock date, missing account) leaves
        # the order, its repair and its stock as they were.
        self._check_posting_date()
        self._post_cost_entries()
        self.write({"state": "done", "date_done": fields.Datetime.now()})

    def _check_posting_date(self):
        """Refuse to finish an order whose costs would land in a locked period.

        Odoo would move such entries to the next open period; service costs
        belong to the period the work was done in, so the user decides instead.
        """
        today = fields.Date.context_today(self)
        costed = self.filtered(lambda o: o.coverage != "paid")
        for company, orders in costed.grouped("company_id").items():
            lock_date = company._after_sales_lock_date()
            if lock_date and today <= lock_date:
                order = orders[0]
                raise UserError(
                    self.env._(
                        "The accounting period of %(date)s is locked (until %(lock)s): the costs of "
                        "%(order)s cannot be posted. Ask an accountant to reopen it.",
                        date=today,
                        lock=lock_date,
                        order=order.name,
                    )
                )

    def _post_cost_entries(self):
        """Post what the company bears beyond the parts' valuation: labour
        (warranty labour or goodwill expense against labour absorption) and,
        under goodwill, its share of the parts moved to goodwill expense.

        Each order's entries are brought to what its figures call for: the
        first call posts one entry, a call with nothing changed posts nothing,
        a later change (labour added, parts returned) posts the difference.
        """
        vals_list = []
        for order in self:
            targets, labels = order._get_cost_targets()
            posted = order._get_posted_cost_balances()
            currency = order.currency_id
            lines = [
                (account, currency.round(targets.get(account, 0.0) - posted.get(account, 0.0)))
                for account in targets.keys() | posted.keys()
            ]
            lines = [(account, amount) for account, amount in lines if not currency.is_zero(amount)]
            if lines:
                vals_list.append(order._prepare_cost_move_vals(sorted(lines, key=lambda x: -x[1]), labels))
        if vals_list:
            # sudo: technicians finish orders; they do not post journal entries
            # themselves. The entry is built here from the order's own figures.
            moves = self.env["account.move"].sudo().create(vals_list)
            moves.action_post()

    def _adjust_cost_entries(self):
        """Labour recorded, changed or removed after an order is done: post the difference."""
        done = self.filtered(lambda o: o.state == "done")
        if done:
            done._check_posting_date()
            done._post_cost_entries()

    def _get_cost_targets(self):
        """Balances the order's cost entries should add up to, by account,
        and the label of each account's line."""
        self.ensure_one()
        targets = defaultdict(float)
        labels = {}
        if self.state == "cancel" or self.coverage == "paid":
            return targets, labels
        company = self.company_id
        if self.coverage == "warranty":
            share = self.labor_coverage
            expense = (
                self.product_id.categ_id.with_company(company).after_sales_labor_expense_account_id
                or company.after_sales_labor_expense_account_id
            )
            labels[expense] = self.env._("Warranty labour %(order)s", order=self.name)
        else:
            share = self.goodwill_share
            expense = company.after_sales_goodwill_expense_account_id
            labels[expense] = self.env._("Goodwill %(order)s", order=self.name)
        absorption = company.after_sales_labor_absorption_account_id
        if not (expense and absorption and company.after_sales_journal_id):
            raise UserError(
                self.env._(
                    "Set the service costs journal and the labour expense, goodwill expense and "
                    "absorption accounts in After-Sales settings before finishing %(order)s.",
                    order=self.name,
                )
            )
        labels[absorption] = self.env._("Labour absorbed %(order)s", order=self.name)
        labour = self.currency_id.round(self.labor_cost * share / 100.0)
        targets[expense] += labour
        targets[absorption] -= labour
        if self.coverage == "goodwill":
            # The parts' cost lies where the valuation (or, in Anglo-Saxon
            # accounting, the invoice) put it; the company's share moves on.
            for account, cost in self._get_parts_cost_by_account().items():
                amount = self.currency_id.round(cost * share / 100.0)
                targets[expense] += amount
                targets[account] -= amount
                labels.setdefault(account, self.env._("Goodwill parts %(order)s", order=self.name))
        return targets, labels

    def _get_parts_cost_by_account(self):
        """Valued cost of the order's parts (less returns) by the expense
        account that carries it."""
        self.ensure_one()
        costs = defaultdict(float)
        anglo_saxon = self.company_id.anglo_saxon_accounting
        for move, sign in self._get_parts_moves():
            layers = move.stock_valuation_layer_ids
            if not layers.account_move_id:
                continue  # manual valuation: nothing was posted
            cost = -sum(layers.mapped("value"))
            product = move.product_id.with_company(self.company_id)
            accounts = product.product_tmpl_id.get_product_accounts()
            consumed = move if sign > 0 else move.origin_returned_move_id
            if (
                anglo_saxon
                and consumed.location_dest_id != self.company_id.after_sales_consumption_location_id
            ):
                # Sold parts: the customer invoice moved the cost to expense.
                account = accounts["expense"]
            else:
                # Where the consumption was posted (returns credit the same).
                account = self.env["account.account"].browse(consumed._get_dest_account(accounts))
            costs[account] += cost
        return costs

    def _get_posted_cost_balances(self):
        balances = defaultdict(float)
        for line in self.cost_move_ids.filtered(lambda m: m.state == "posted").line_ids:
            balances[line.account_id] += line.balance
        return balances

    def _prepare_cost_move_vals(self, lines, labels):
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        expense_types = ("expense", "expense_direct_cost", "expense_depreciation")
        absorption = self.company_id.after_sales_labor_absorption_account_id
        return {
            "move_type": "entry",
            "journal_id": self.company_id.after_sales_journal_id.id,
            "date": fields.Date.context_today(self),
            "ref": self.name,
            "company_id": self.company_id.id,
            "after_sales_order_id": self.id,
            "line_ids": [
                Command.create(
                    {
                        "name": labels.get(account) or self.name,
                        "account_id": account.id,
                        "partner_id": partner.id,
                        "balance": amount,
                        # Costs carry the order's analytic distribution (the
                        # labour absorbed is the workshop's, not the order's).
                        "analytic_distribution": (
                            self.analytic_distribution
                            if account.account_type in expense_types and account != absorption
                            else False
                        ),
                    }
                )
                for account, amount in lines
            ],
        }

    def _live_cost_moves(self):
        """Posted cost entries that no reversal cancels (none after a cancel)."""
        return self.cost_move_ids.filtered(
            lambda m: m.state == "posted" and not m.reversed_entry_id and not m.reversal_move_ids
        )

    def _reverse_cost_entries(self):
        moves = self._live_cost_moves()
        if moves:
            # sudo: see _post_cost_entries.
            moves.sudo()._reverse_moves(
                [
                    {
                        "date": fields.Date.context_today(self),
                        "ref": self.env._("Reversal of %(ref)s", ref=move.ref),
                        "after_sales_order_id": move.after_sales_order_id.id,
                    }
                    for move in moves
                ],
                cancel=True,
            )

    def action_view_journal_items(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_moves_all")
        action["domain"] = [("move_id", "in", self.account_move_ids.ids)]
        action["context"] = {"create": False, "search_default_group_by_move": 1}
        return action

    def action_view_bills(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_in_invoice_type")
        action["domain"] = [("id", "in", self.bill_ids.ids)]
        action["context"] = {"default_move_type": "in_invoice", "default_after_sales_order_id": self.id}
        return action

    def action_create_transport_bill(self):
        """A vendor bill for the courier or transport of this order."""
        self.ensure_one()
        if self.state == "cancel":
            raise UserError(
                self.env._("%(order)s is cancelled: bill its transport elsewhere.", order=self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Transport Bill"),
            "res_model": "account.move",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_move_type": "in_invoice",
                "default_after_sales_order_id": self.id,
                "default_ref": self.carrier_reference or self.name,
                "default_company_id": self.company_id.id,
            },
        }

    def action_create_invoice(self):
        """Invoice the customer's share from the repair's quotation (paid and goodwill orders)."""
        self._check_state(("done", "returned"), self.env._("Invoicing"))
        sale_orders = self.sale_order_id
        if not sale_orders:
            raise UserError(self.env._("%(order)s has no quotation to invoice.", order=self[:1].name))
        drafts = sale_orders.filtered(lambda so: so.state in ("draft", "sent"))
        if drafts:
            raise UserError(
                self.env._(
                    "Confirm quotation %(quotation)s with the customer before invoicing.",
                    quotation=drafts[0].name,
                )
            )
        invoices = sale_orders._create_invoices()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        if len(invoices) == 1:
            action.update(views=[(False, "form")], res_id=invoices.id)
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        return action

    def action_return(self):
        """Give the unit back (or its replacement) to the customer."""
        self._check_state(("done",), self.env._("Returning the unit"))
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
        to_ship = self.filtered(lambda o: o.exchange_type != "advance")
        if to_ship:
            pickings = to_ship._create_pickings(
                "service_out_type_id", lambda o: o._prepare_return_move_vals()
            )
            for order, picking in zip(to_ship, pickings, strict=True):
                order.return_picking_id = picking
            pickings._after_sales_validate()
        self.write({"state": "returned", "date_returned": fields.Datetime.now()})
        self._send_mail("after_sales_service.mail_template_service_returned")
        return True

    def action_loaner_return(self):
        """The customer hands the loaner back."""
        orders = self.filtered(lambda o: o.loaner_state == "out")
        if not orders:
            raise UserError(self.env._("No loaner is out with the customer on this order."))
        pickings = orders._create_pickings(
            "loaner_in_type_id", lambda o: o._prepare_loaner_return_move_vals()
        )
        for order, picking in zip(orders, pickings, strict=True):
            order.loaner_return_picking_id = picking
        pickings._after_sales_validate()
        return True

    def action_loaner_keep(self):
        """Manager's decision: the customer keeps the loaner (e.g. to be invoiced)."""
        self._check_manager(self.env._("Only After-Sales managers can let a customer keep a loaner."))
        orders = self.filtered(lambda o: o.loaner_state == "out")
        if not orders:
            raise UserError(self.env._("No loaner is out with the customer on this order."))
        orders.loaner_kept = True
        for order in orders:
            order.message_post(
                body=self.env._("The customer keeps loaner %(lot)s.", lot=order.loaner_lot_id.name)
            )
        return True

    def action_cancel(self):
        """Cancel the order; a unit already received goes back to the customer,
        a loaner out comes back."""
        self._check_state(("draft", "confirmed", "received", "in_repair", "done"), self.env._("Cancelling"))
        self._reverse_cost_entries()
        for order in self:
            order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
            order.repair_ids.filtered(lambda r: r.state not in ("done", "cancel")).action_repair_cancel()
        received = self.filtered(lambda o: o.receipt_picking_id.state == "done")
        if received:
            pickings = received._create_pickings(
                "service_out_type_id", lambda o: o._prepare_return_move_vals()
            )
            for order, picking in zip(received, pickings, strict=True):
                order.return_picking_id = picking
            pickings._after_sales_validate()
        loaners_out = self.filtered(lambda o: o.loaner_state == "out")
        if loaners_out:
            loaners_out.action_loaner_return()
        self.state = "cancel"
        return True

    def action_draft(self):
        self._check_state(("cancel",), self.env._("Resetting to draft"))
        self.write({"state": "draft", "receipt_picking_id": False, "return_picking_id": False})
        return True

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("service_order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_tree")
        action["domain"] = [("service_order_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.repair_ids) == 1:
            action.update(views=[(False, "form")], res_id=self.repair_ids.id)
        return action

    def action_create_supplier_claim(self):
        """A supplier claim for these orders (the vendor's part or product failed)."""
        self._check_manager(self.env._("Only After-Sales managers can claim against suppliers."))
        if len(self.company_id) > 1:
            raise UserError(self.env._("Claim for orders of one company at a time."))
        product = self[:1].product_id
        vendor = product.seller_ids[:1].partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Supplier Claim"),
            "res_model": "after_sales.supplier.claim",
            "view_mode": "form",
            "context": {
                "default_service_order_ids": [Command.set(self.ids)],
                "default_product_id": product.id,
                "default_lot_id": self[:1].lot_id.id if len(self) == 1 else False,
                "default_partner_id": vendor.id,
                "default_amount_claimed": sum(self.mapped("total_cost")),
                "default_company_id": self.company_id.id,
            },
        }

    def action_print_intake(self):
        return self.env.ref("after_sales_service.action_report_service_intake").report_action(self)

    def action_print_completion(self):
        return self.env.ref("after_sales_service.action_report_service_completion").report_action(self)

    # Builders ---------------------------------------------------------------

    def _create_pickings(self, type_field, move_vals_builder):
        """One picking per order, of the warehouse's ``type_field``, its serial
        move line set, ready to validate."""
        vals_list = []
        line_vals_list = []
        for order in self:
            picking_type = order.warehouse_id[type_field]
            if not picking_type:
                raise UserError(
                    self.env._(
                        "Warehouse %(warehouse)s has no after-sales operation types.",
                        warehouse=order.warehouse_id.name,
                    )
                )
            move_vals = move_vals_builder(order)
            line_vals_list.append(move_vals.pop("line_vals"))
            vals_list.append(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": order.partner_id.id,
                    "location_id": move_vals["location_id"],
                    "location_dest_id": move_vals["location_dest_id"],
                    "origin": order.name,
                    "service_order_id": order.id,
                    "company_id": order.company_id.id,
                    "move_ids": [Command.create(move_vals)],
                }
            )
        pickings = self.env["stock.picking"].create(vals_list)
        pickings.action_confirm()
        # The serial is known: replace whatever reservation proposed.
        pickings.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {**line_vals, "move_id": picking.move_ids.id, "picking_id": picking.id}
                for picking, line_vals in zip(pickings, line_vals_list, strict=True)
            ]
        )
        return pickings

    def _move_vals(self, product, lot, source, destination, owner=None):
        """One unit of ``product`` with its serial, its move line set up front."""
        self.ensure_one()
        if lot and source.usage == "internal":
            available = self.env["stock.quant"]._get_available_quantity(
                product, source, lot_id=lot, owner_id=owner or None, strict=True
            )
            if available < 1.0:
                raise UserError(
                    self.env._(
                        "%(lot)s is not available in %(location)s.",
                        lot=lot.name,
                        location=source.display_name,
                    )
                )
        return {
            "name": self.name,
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": 1.0,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": self.company_id.id,
            "restrict_partner_id": owner.id if owner else False,
            "line_vals": {
                "product_id": product.id,
                "product_uom_id": product.uom_id.id,
                "lot_id": lot.id or False,
                "quantity": 1.0,
                "owner_id": owner.id if owner else False,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "company_id": self.company_id.id,
            },
        }

    def _prepare_receipt_move_vals(self):
        # The unit stays the customer's: owned quants are not valued in stock.
        return self._move_vals(
            self.product_id,
            self.lot_id,
            self.env.ref("stock.stock_location_customers"),
            self.warehouse_id.service_location_id,
            owner=self.partner_id,
        )

    def _prepare_return_move_vals(self):
        if self.exchange_type == "return" or self.request_type == "replacement":
            if not self.loaner_lot_id:
                raise UserError(self.env._("Choose the replacement unit for %(order)s.", order=self.name))
            # The replacement comes from the company's stock.
            return self._move_vals(
                self.loaner_lot_id.product_id,
                self.loaner_lot_id,
                self.warehouse_id.lot_stock_id,
                self.env.ref("stock.stock_location_customers"),
            )
        return self._move_vals(
            self.product_id,
            self.lot_id,
            self.warehouse_id.service_location_id,
            self.env.ref("stock.stock_location_customers"),
            owner=self.partner_id,
        )

    def _prepare_loaner_issue_move_vals(self):
        source = (
            self.warehouse_id.lot_stock_id
            if self.exchange_type == "advance"
            else self.warehouse_id.loaner_location_id
        )
        return self._move_vals(
            self.loaner_lot_id.product_id,
            self.loaner_lot_id,
            source,
            self.env.ref("stock.stock_location_customers"),
        )

    def _prepare_loaner_return_move_vals(self):
        return self._move_vals(
            self.loaner_lot_id.product_id,
            self.loaner_lot_id,
            self.env.ref("stock.stock_location_customers"),
            self.warehouse_id.loaner_location_id,
        )

    def _issue_loaner(self):
        pickings = self._create_pickings("loaner_out_type_id", lambda o: o._prepare_loaner_issue_move_vals())
        for order, picking in zip(self, pickings, strict=True):
            order.loaner_issue_picking_id = picking
        pickings._after_sales_validate()

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

    def _is_company_borne(self):
        """Parts the customer does not buy: warranty, or goodwill at 100 %."""
        self.ensure_one()
        return self.coverage == "warranty" or (
            self.coverage == "goodwill" and float_compare(self.goodwill_share, 100.0, precision_digits=2) >= 0
        )

    def _get_goodwill_discount(self):
        """Discount of the customer's quotation: the company's goodwill share."""
        self.ensure_one()
        return self.goodwill_share if self.coverage == "goodwill" else 0.0

    def _send_mail(self, template_xmlid):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for order in self.filtered(lambda o: o.partner_id.email):
            order.message_post_with_source(template, subtype_xmlid="mail.mt_comment")

    # API for outside systems (after_sales_client) -----------------------------

    def _api_values(self):
        return [
            {
                "id": order.id,
                "name": order.name,
                "state": order.state,
                "coverage": order.coverage,
                "customer": order.partner_id.display_name or False,
                "product": order.product_id.display_name or False,
                "serial": order.lot_id.name or False,
                "warranty": order.warranty_id.name or False,
                "date_deadline": fields.Date.to_string(order.date_deadline) if order.date_deadline else False,
                "overdue": order.is_overdue,
                "total_cost": order.total_cost,
            }
            for order in self
        ]

    @api.model
    def api_open(self, values):
        """Open a service order for a unit known by its serial number.

        :param values: dict with ``serial`` (or ``product_id``), optional
            ``partner_id`` (default: the unit's customer), ``symptom``,
            ``request_type`` and ``confirm`` (default True)
        :returns: the order's status dict (see ``api_status``)
        """
        if not isinstance(values, dict):
            raise UserError(self.env._("Give the service order as a dict."))
        unknown = set(values) - {"serial", "product_id", "partner_id", "symptom", "request_type", "confirm"}
        if unknown:
            raise UserError(self.env._("Unknown keys: %(keys)s", keys=", ".join(sorted(unknown))))
        product = self.env["product.product"].browse(values.get("product_id") or []).exists()
        lot = self.env["stock.lot"]
        if values.get("serial"):
            lot = lot.search(
                [
                    ("name", "=", str(values["serial"])),
                    ("company_id", "in", [self.env.company.id, False]),
                    *([("product_id", "=", product.id)] if product else []),
                ],
                limit=1,
            )
            if not lot:
                raise UserError(self.env._("Serial number %(serial)s is unknown.", serial=values["serial"]))
        product = product or lot.product_id
        if not product:
            raise UserError(self.env._("Give the serial number or the product of the unit."))
        partner = self.env["res.partner"].browse(values.get("partner_id") or []).exists()
        if not partner and lot:
            partner = (lot.warranty_id.partner_id or lot.last_delivery_partner_id).commercial_partner_id
        if not partner:
            raise UserError(self.env._("Give the customer (partner_id): the unit's customer is not known."))
        order = self.create(
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "lot_id": lot.id or False,
                "symptom": values.get("symptom") or False,
                "request_type": values.get("request_type") or "repair",
            }
        )
        if values.get("confirm", True):
            order.action_confirm()
        return order._api_values()[0]

    @api.model
    def api_status(self, names):
        """Status dicts of service orders by reference; unknown ones raise."""
        if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
            raise UserError(self.env._("Give the references as a list of strings."))
        orders = self.search([("name", "in", list(names))])
        by_name = {order.name: order for order in orders}
        missing = [name for name in names if name not in by_name]
        if missing:
            raise UserError(self.env._("Unknown service order: %(names)s", names=", ".join(missing)))
        return [by_name[name]._api_values()[0] for name in names]

    @api.model
    def api_overdue(self):
        """Status dicts of the open orders past their deadline."""
        return self.search([("is_overdue", "=", True)], order="date_deadline, id")._api_values()

    @api.model
    def api_costs(self, date_from, date_to):
        """Costs of the orders finished between two ISO dates (inclusive)."""
        try:
            start, end = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Give the period as two dates YYYY-MM-DD.")) from error
        if not start or not end or end < start:
            raise UserError(
                self.env._("Give the period as two dates YYYY-MM-DD, the first not after the second.")
            )
        orders = self.search(
            [
                ("state", "in", ("done", "returned")),
                ("date_done", ">=", fields.Datetime.to_string(start)),
                ("date_done", "<", fields.Datetime.to_string(end + timedelta(days=1))),
            ]
        )
        by_coverage = {}
        for order in orders:
            by_coverage[order.coverage] = by_coverage.get(order.coverage, 0.0) + order.total_cost
        return {
            "orders": len(orders),
            "parts_cost": sum(orders.mapped("parts_cost")),
            "labor_cost": sum(orders.mapped("labor_cost")),
            "transport_cost": sum(orders.mapped("transport_cost")),
            "total_cost": sum(orders.mapped("total_cost")),
            "by_coverage": by_coverage,
        }

    # Scheduled action -------------------------------------------------------

    @api.model
    def _cron_overdue_activities(self):
        """Give the responsible of each newly overdue order an activity."""
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        orders = self.search([("is_overdue", "=", True), ("overdue_notified", "=", False)])
        for order in orders:
            order.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._("Service order overdue"),
                note=self.env._("The deadline %(date)s has passed.", date=order.date_deadline),
                user_id=(order.user_id or order.create_uid).id,
            )
        orders.overdue_notified = True
