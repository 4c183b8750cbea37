from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .account_move import BILL_TYPES, EXPENSE_ACCOUNT_TYPES
from .service_order import FINISHED_STATES


class AfterSalesServiceOrder(models.Model):
    """What an order costs and who pays it: the parts, labor and transport
    costs, the cost entries the order posts itself (labor, goodwill) and
    their reversal, the courier bills, the customer's quotation and invoice,
    and the claim of the costs against the supplier."""

    _inherit = "after_sales.service.order"  # pylint: disable=consider-merging-classes-inherited

    # Quotation and labor
    sale_order_ids = fields.One2many("sale.order", "after_sales_order_id", string="Quotations")
    sale_order_id = fields.Many2one(
        "sale.order",
        compute="_compute_sale_order_id",
        store=True,
        string="Quotation",
        help="What the customer pays: the repair's parts and the labor of paid and goodwill "
        "orders, from the start of the repair; the transport and the shares a warranty "
        "does not cover, when the work is done.",
    )
    sale_state = fields.Selection(related="sale_order_id.state", string="Quotation Status")
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_invoice_ids",
        compute_sudo=True,
        help="Customer invoices and credit notes of the order.",
    )
    invoice_count = fields.Integer(compute="_compute_invoice_ids", compute_sudo=True)
    can_approve_quotation = fields.Boolean(compute="_compute_can_costing", compute_sudo=True)
    labor_line_ids = fields.One2many("after_sales.service.labor", "order_id", string="Labor", copy=False)

    # Accounting
    order_move_ids = fields.One2many(
        "account.move", "after_sales_order_id", string="Entries of the Order", readonly=True
    )
    cost_move_ids = fields.Many2many(
        "account.move",
        string="Cost Entries",
        compute="_compute_account_move_ids",
        compute_sudo=True,
        help="The entries the order posted itself (labor, goodwill), their adjustments and reversals.",
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
        help="Entries posted for the order: its labor entries and the valuation of its parts.",
    )
    account_move_count = fields.Integer(compute="_compute_account_move_ids", compute_sudo=True)

    # Costs
    transport_cost = fields.Monetary(
        compute="_compute_transport_cost",
        store=True,
        readonly=False,
        tracking=True,
        help="The posted courier and transport bills linked to the order; an estimate until then.",
    )
    # compute_sudo: whoever may read the order sees its costs, whatever their
    # rights on repairs, stock valuation and quotations.
    parts_cost = fields.Monetary(
        compute="_compute_costs", compute_sudo=True, help="Valued cost of the parts consumed."
    )
    labor_cost = fields.Monetary(compute="_compute_costs", compute_sudo=True)
    total_cost = fields.Monetary(compute="_compute_costs", compute_sudo=True)
    # Buttons of a finished order, shown by these and refused by the actions.
    can_invoice = fields.Boolean(compute="_compute_can_costing", compute_sudo=True)
    can_return_parts = fields.Boolean(compute="_compute_can_costing", compute_sudo=True)
    can_bill_transport = fields.Boolean(compute="_compute_can_costing", compute_sudo=True)
    can_claim_supplier = fields.Boolean(compute="_compute_can_costing", compute_sudo=True)
    customer_amount = fields.Monetary(
        string="Billable to Customer",
        compute="_compute_costs",
        compute_sudo=True,
        help="The order's quotation without taxes (goodwill: after the company's share). "
        "Until a warranty order is done: the share of parts, labor and transport its term "
        "does not cover, quoted when the work is done.",
    )

    @api.depends("state", "sale_order_id.state", "sale_order_id.invoice_status", "repair_ids")
    def _compute_can_costing(self):
        for order in self:
            finished = order.state in FINISHED_STATES
            sale_order = order.sale_order_id
            order.can_approve_quotation = order.state != "cancel" and sale_order.state in ("draft", "sent")
            order.can_invoice = (
                finished and sale_order.state == "sale" and sale_order.invoice_status == "to invoice"
            )
            order.can_return_parts = finished and bool(order.repair_ids)
            order.can_bill_transport = order.state not in ("draft", "cancel")
            order.can_claim_supplier = finished

    @api.depends("sale_order_ids.state", "repair_ids.sale_order_id")
    def _compute_sale_order_id(self):
        for order in self:
            quotations = order.sale_order_ids | order.repair_ids.sale_order_id
            order.sale_order_id = (quotations.filtered(lambda so: so.state != "cancel") or quotations)[:1]

    @api.depends("sale_order_id.invoice_ids", "order_move_ids.move_type")
    def _compute_invoice_ids(self):
        for order in self:
            invoices = order.sale_order_id.invoice_ids | order.order_move_ids.filtered(
                lambda m: m.move_type in ("out_invoice", "out_refund")
            )
            order.invoice_ids = invoices
            order.invoice_count = len(invoices)

    @api.depends("order_move_ids", "repair_ids.move_ids.state", "repair_ids.move_ids.returned_move_ids.state")
    def _compute_account_move_ids(self):
        for order in self:
            moves = order.order_move_ids
            # Valuation entries carry their stock move; invoices and bills their type.
            order.cost_move_ids = moves.filtered(lambda m: m.move_type == "entry" and not m.stock_move_id)
            order.bill_ids = moves.filtered(lambda m: m.move_type in BILL_TYPES)
            order.bill_count = len(order.bill_ids)
            parts_moves = self.env["stock.move"].union(*(move for move, _sign in order._get_parts_moves()))
            order.account_move_ids = moves | parts_moves.stock_valuation_layer_ids.account_move_id
            order.account_move_count = len(order.account_move_ids)

    @api.depends("order_move_ids.state", "order_move_ids.amount_untaxed_signed")
    def _compute_transport_cost(self):
        for order in self:
            posted = order.order_move_ids.filtered(
                lambda m: m.move_type in BILL_TYPES and m.state == "posted"
            )
            # Bills are negative in company currency, refunds positive. Without
            # a posted bill, the estimate entered stays.
            if posted:
                order.transport_cost = -sum(posted.mapped("amount_untaxed_signed"))
            else:
                order.transport_cost = order.transport_cost

    @api.depends(
        "repair_ids.move_ids.state",
        "repair_ids.move_ids.quantity",
        "repair_ids.move_ids.returned_move_ids.state",
        "labor_line_ids.cost",
        "transport_cost",
        "coverage",
        "goodwill_share",
        "sale_order_id.amount_untaxed",
        "sale_order_id.state",
    )
    def _compute_costs(self):
        parts_costs = self._get_parts_costs()
        for order in self:
            order.parts_cost = parts_costs.get(order.id, 0.0)
            order.labor_cost = sum(order.labor_line_ids.mapped("cost"))
            order.total_cost = order.parts_cost + order.labor_cost + order.transport_cost
            if order.sale_order_id.state in ("draft", "sent", "sale"):
                # What the customer is quoted: goodwill quotations carry the
                # company's share as a discount on the sale prices.
                order.customer_amount = order.sale_order_id.amount_untaxed
            elif order.coverage in ("paid", "goodwill"):
                order.customer_amount = 0.0  # quoted from the start of the repair
            else:
                # A warranty's uncovered shares, quoted when the work is done.
                order.customer_amount = order.currency_id.round(
                    order.parts_cost * (100.0 - order.parts_coverage) / 100.0
                    + order.labor_cost * (100.0 - order.labor_coverage) / 100.0
                    + order.transport_cost * (100.0 - order.expense_coverage) / 100.0
                )

    @api.depends("company_id", "product_id")
    def _compute_analytic_distribution(self):
        for order in self:
            if not order.analytic_distribution:
                order.analytic_distribution = (
                    order.product_id.categ_id._get_after_sales_analytic_distribution()
                    or order.company_id.after_sales_analytic_distribution
                    or False
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
        if not self.can_bill_transport:
            raise UserError(
                self.env._(
                    "%(order)s is a draft or cancelled: there is no transport to bill.", order=self.name
                )
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

    def action_approve_quotation(self):
        """The customer accepts the quotation (at the desk, by phone, or as
        the portal does): it is confirmed, to be invoiced once the work is done."""
        self._check_can("can_approve_quotation", self.env._("Approving the quotation"))
        # sudo: the desk approves what the customer accepted, without Sales rights.
        self.sale_order_id.sudo().action_confirm()
        return True

    def action_send_quotation(self):
        """Mail the quotation to the customer, with its portal link to accept it."""
        self.ensure_one()
        self._check_can("can_approve_quotation", self.env._("Sending the quotation"))
        return self.sale_order_id.action_quotation_send()

    def action_create_invoice(self):
        """Invoice what the customer pays: the order's approved quotation."""
        self.env["account.move"].check_access("create")
        for order in self.filtered(lambda o: not o.can_invoice):
            sale_order = order.sale_order_id
            if order.state not in FINISHED_STATES:
                message = self.env._("Finish %(order)s before invoicing it.", order=order.name)
            elif not sale_order:
                message = self.env._(
                    "The customer of %(order)s pays nothing: there is nothing to invoice.", order=order.name
                )
            elif sale_order.state in ("draft", "sent"):
                message = self.env._(
                    "Have the customer approve quotation %(quotation)s of %(order)s before invoicing.",
                    quotation=sale_order.name,
                    order=order.name,
                )
            else:
                message = self.env._("%(order)s is invoiced: see its invoices.", order=order.name)
            raise UserError(message)
        # sudo: billing users invoice without Sales rights on the quotation.
        invoices = self.sale_order_id.sudo()._create_invoices()
        return self._action_open_invoices(invoices.with_env(self.env))

    def action_view_invoices(self):
        self.ensure_one()
        return self._action_open_invoices(self.invoice_ids)

    def _action_open_invoices(self, invoices):
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["context"] = {"create": False, "default_move_type": "out_invoice"}
        if len(invoices) == 1:
            action.update(views=[(False, "form")], res_id=invoices.id)
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        return action

    def action_create_supplier_claim(self):
        """A supplier claim for these orders (the vendor's part or product failed)."""
        self._check_manager(self.env._("Only After-Sales managers can claim against suppliers."))
        self._check_can("can_claim_supplier", self.env._("A supplier claim"))
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

    # Who pays ----------------------------------------------------------------

    def _is_company_borne(self):
        """Parts the customer does not buy: warranty, or goodwill at 100 %."""
        self.ensure_one()
        return self.coverage == "warranty" or (
            self.coverage == "goodwill" and float_compare(self.goodwill_share, 100.0, precision_digits=2) >= 0
        )

    def _is_billable(self):
        """Orders whose customer pays a part of the work."""
        self.ensure_one()
        if self.coverage != "warranty":
            return not self._is_company_borne()
        return any(
            float_compare(share, 100.0, precision_digits=2) < 0
            for share in (self.parts_coverage, self.labor_coverage, self.expense_coverage)
        )

    def _apply_quotation_terms(self, sale_lines):
        """The order's terms on its quotation lines: the company's goodwill
        share as a discount, the order's analytics."""
        self.ensure_one()
        values = {}
        if discount := self._get_goodwill_discount():
            values["discount"] = discount
        if self.analytic_distribution:
            # Revenue and cost of goods of the order land on its analytics.
            values["analytic_distribution"] = self.analytic_distribution
        if values and sale_lines:
            sale_lines.write(values)

    def _create_quotations(self):
        """Quote paid and goodwill repairs when they start: the parts added to
        the repair and the labor recorded join the quotation as they come."""
        for order in self.filtered(lambda o: o._is_billable() and o.coverage != "warranty"):
            order.repair_ids.filtered(lambda r: not r.sale_order_id and r.state != "cancel").sudo()[
                :1
            ].action_create_sale_order()

    def _quote_charges(self):
        """When the work is done: what the customer pays besides the repair's
        parts and the labor hours (the transport, and a warranty's uncovered
        shares of parts, labor and transport) joins the order's quotation,
        created if there is none. Nothing is quoted for what is covered."""
        charge_product = self.env.ref("after_sales_service.product_after_sales_charge")
        for order in self.filtered(lambda o: o._is_billable()):
            lines = order._prepare_charge_lines(charge_product)
            sale_order = order.sale_order_id
            if sale_order.state not in ("draft", "sent", "sale") or sale_order.locked:
                # Labor of an order without repair is quoted here too.
                if not lines and (order.coverage == "warranty" or not order.labor_line_ids):
                    continue
                sale_order = (
                    self.env["sale.order"]
                    .sudo()
                    .create(
                        {
                            "partner_id": order.partner_id.id,
                            "company_id": order.company_id.id,
                            "warehouse_id": order.warehouse_id.id,
                            "after_sales_order_id": order.id,
                            "origin": order.name,
                        }
                    )
                )
                order.labor_line_ids._sync_sale_lines()
            quoted = sale_order.order_line.filtered("after_sales_charge")
            for charge, values in lines.items():
                line = quoted.filtered(lambda sl, c=charge: sl.after_sales_charge == c)
                if line:
                    line.sudo().write(values)
                else:
                    line = (
                        self.env["sale.order.line"]
                        .sudo()
                        .create({**values, "order_id": sale_order.id, "after_sales_charge": charge})
                    )
                order._apply_quotation_terms(line.sudo())

    def _prepare_charge_lines(self, charge_product):
        """Quotation lines of the charges of ``_quote_charges``, by charge:
        priced at cost, the covered share as a discount."""
        self.ensure_one()
        lines = {}
        warranty = self.coverage == "warranty"
        charges = [("transport", self.env._("Transport"), self.transport_cost, self.expense_coverage)]
        if warranty:
            charges = [
                (
                    "parts",
                    self.env._("Parts not covered by the warranty"),
                    self.parts_cost,
                    self.parts_coverage,
                ),
                (
                    "labor",
                    self.env._("Labor not covered by the warranty"),
                    self.labor_cost,
                    self.labor_coverage,
                ),
                *charges,
            ]
        for charge, name, cost, coverage in charges:
            covered = coverage if warranty else 0.0
            if self.currency_id.is_zero(cost) or float_compare(covered, 100.0, precision_digits=2) >= 0:
                continue
            lines[charge] = {
                "product_id": charge_product.id,
                "name": self.env._("%(charge)s (%(order)s)", charge=name, order=self.name),
                "product_uom_qty": 1.0,
                "price_unit": cost,
                "discount": covered,
            }
        return lines

    def action_start_repair(self):
        res = super().action_start_repair()
        self._create_quotations()
        return res

    def action_cancel(self):
        res = super().action_cancel()
        # Nothing is sold any more: a quotation not approved yet goes too.
        self.sale_order_id.filtered(lambda so: so.state in ("draft", "sent")).sudo()._action_cancel()
        return res

    def _set_done(self):
        res = super()._set_done()
        self._quote_charges()
        return res

    def _get_goodwill_discount(self):
        """Discount of the customer's quotation: the company's goodwill share."""
        self.ensure_one()
        return self.goodwill_share if self.coverage == "goodwill" else 0.0

    # Parts costs -------------------------------------------------------------

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
            origin = move if sign > 0 else move.origin_returned_move_id
            costs[origin.repair_id.service_order_id.id] += sign * move._after_sales_cost()
        return costs

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

    # Cost entries ------------------------------------------------------------

    def _with_chart(self):
        """The orders of companies with a chart of accounts: a company that
        runs Inventory without accounting finishes orders, posting nothing."""
        return self.filtered(lambda o: o.company_id.chart_template)

    def _note_costs_not_posted(self):
        for order in self - self._with_chart():
            order.message_post(
                body=self.env._(
                    "%(company)s has no chart of accounts: the costs of this order are not posted.",
                    company=order.company_id.name,
                )
            )

    def _check_posting_date(self):
        """Refuse to finish an order whose costs would land in a locked period.

        Odoo would move such entries to the next open period; service costs
        belong to the period the work was done in, so the user decides instead.
        """
        today = fields.Date.context_today(self)
        costed = self.filtered(lambda o: o.coverage != "paid")._with_chart()
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
        """Post what the company bears beyond the parts' valuation: labor
        (warranty labor or goodwill expense against labor absorption) and,
        under goodwill, its share of the parts moved to goodwill expense.

        Each order's entries are brought to what its figures call for: the
        first call posts one entry, a call with nothing changed posts nothing,
        a later change (labor added, parts returned) posts the difference.
        """
        vals_list = []
        for order in self._with_chart():
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
        """Labor recorded, changed or removed after an order is done: post the difference."""
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
            labels[expense] = self.env._("Warranty labor %(order)s", order=self.name)
        else:
            share = self.goodwill_share
            expense = company.after_sales_goodwill_expense_account_id
            labels[expense] = self.env._("Goodwill %(order)s", order=self.name)
        absorption = company.after_sales_labor_absorption_account_id
        if not (expense and absorption and company.after_sales_journal_id):
            raise UserError(
                self.env._(
                    "Set the service costs journal and the labor expense, goodwill expense and "
                    "absorption accounts in After-Sales settings before finishing %(order)s.",
                    order=self.name,
                )
            )
        labels[absorption] = self.env._("Labor absorbed %(order)s", order=self.name)
        labor = self.currency_id.round(self.labor_cost * share / 100.0)
        targets[expense] += labor
        targets[absorption] -= labor
        if self.coverage == "goodwill":
            # The parts' cost lies where the valuation (or, in Anglo-Saxon
            # accounting, the invoice) put it; the company's share moves on.
            for account, cost in self._get_parts_cost_by_account().items():
                amount = self.currency_id.round(cost * share / 100.0)
                targets[expense] += amount
                targets[account] -= amount
                labels.setdefault(account, self.env._("Goodwill parts %(order)s", order=self.name))
        return targets, labels

    def _get_posted_cost_balances(self):
        balances = defaultdict(float)
        # sudo: those who finish orders and record labor need no journal rights;
        # the entries read are the order's own.
        for line in self.sudo().cost_move_ids.filtered(lambda m: m.state == "posted").line_ids:
            balances[line.account_id] += line.balance
        return balances

    def _prepare_cost_move_vals(self, lines, labels):
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
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
                        # labor absorbed is the workshop's, not the order's).
                        "analytic_distribution": (
                            self.analytic_distribution
                            if account.account_type in EXPENSE_ACCOUNT_TYPES and account != absorption
                            else False
                        ),
                    }
                )
                for account, amount in lines
            ],
        }

    def _live_cost_moves(self):
        """Posted cost entries that no reversal cancels (none after a cancel)."""
        # sudo: see _get_posted_cost_balances.
        return self.sudo().cost_move_ids.filtered(
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
