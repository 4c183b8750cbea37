from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from .account_move import EXPENSE_ACCOUNT_TYPES

DAYS_PER_MONTH = 365.25 / 12


def provision_period(day):
    """The period of a provision whose period end is ``day``: its calendar
    month, as its first and last day. A company posts one provision per
    period (the SQL constraint says the same with ``date_trunc('month')``)."""
    return day + relativedelta(day=1), day + relativedelta(day=31)


class AfterSalesWarrantyProvision(models.Model):
    """The provision for the warranties still running at a period end: what
    they are expected to cost, booked against the warranty provision account."""

    _name = "after_sales.warranty.provision"
    _description = "Warranty Provision"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="Period End",
        compute="_compute_date",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="The provision covers the warranties active on this day; the entry is dated on it. "
        "Proposed: the end of the month after the company's last posted provision, or of the "
        "month just ended when none is posted. One provision per month is posted.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    history_months = fields.Integer(
        string="History (months)",
        required=True,
        default=lambda self: self.env.company.after_sales_provision_history_months,
        help="Warranty costs of these last months give the expected cost per unit and month.",
    )
    sales_percent = fields.Float(
        string="Percent of Sales",
        required=True,
        default=lambda self: self.env.company.after_sales_provision_percent,
        help="For categories without cost history: the provision is this percent of the sales "
        "value of the units still covered, in proportion to the coverage left.",
    )
    line_ids = fields.One2many(
        "after_sales.warranty.provision.line", "provision_id", string="Computation", readonly=True
    )
    amount_required = fields.Monetary(string="Provision Required", compute="_compute_amounts", store=True)
    amount_booked = fields.Monetary(
        string="Provision Booked",
        readonly=True,
        help="Balance of the warranty provision account on the period end, before this adjustment.",
    )
    amount_adjustment = fields.Monetary(
        string="Adjustment",
        compute="_compute_amounts",
        store=True,
        help="Positive: provision added (expense). Negative: provision released.",
    )
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, copy=False)

    _sql_constraints = [
        (
            # The database's guard against two postings at the same moment;
            # _check_can_post refuses with a message before that.
            "posted_month_unique",
            "EXCLUDE USING btree (company_id WITH =, (date_trunc('month', \"date\"::timestamp)) WITH =) "
            "WHERE (state = 'posted')",
            "A company posts one warranty provision per month.",
        ),
    ]

    @api.depends("company_id")
    def _compute_date(self):
        period_ends = self._next_period_ends(self.company_id)
        for provision in self:
            provision.date = period_ends[(provision.company_id or self.env.company).id]

    @api.depends("date")
    def _compute_name(self):
        for provision in self:
            provision.name = self.env._("Warranty provision %(date)s", date=provision.date or "")

    @api.depends("line_ids.amount", "amount_booked")
    def _compute_amounts(self):
        for provision in self:
            currency = provision.currency_id or self.env.company.currency_id
            provision.amount_required = currency.round(sum(provision.line_ids.mapped("amount")))
            provision.amount_adjustment = provision.amount_required - provision.amount_booked

    @api.constrains("history_months", "sales_percent")
    def _check_parameters(self):
        for provision in self:
            if provision.history_months <= 0:
                raise ValidationError(self.env._("The cost history must cover at least one month."))
            if not 0.0 <= provision.sales_percent <= 100.0:
                raise ValidationError(self.env._("The percent of sales lies between 0 and 100."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if any(provision.state == "posted" for provision in self):
            raise UserError(self.env._("A posted warranty provision cannot be deleted."))

    def write(self, vals):
        if {"date", "history_months", "sales_percent", "company_id"} & set(vals) and any(
            provision.state == "posted" for provision in self
        ):
            raise UserError(self.env._("A posted warranty provision cannot be changed."))
        return super().write(vals)

    # Period -----------------------------------------------------------------

    @api.model
    def _next_period_ends(self, companies):
        """``{company id: period end}`` proposed for a new provision: the end
        of the month after the last posted provision of the company, or the
        end of the month just ended when none is posted."""
        companies |= self.env.company
        last_posted = dict(
            self._read_group(
                [("company_id", "in", companies.ids), ("state", "=", "posted")],
                ["company_id"],
                ["date:max"],
            )
        )
        month_ended = self._month_ended()
        return {
            company.id: last_posted[company] + relativedelta(months=1, day=31)
            if last_posted.get(company)
            else month_ended
            for company in companies
        }

    @api.model
    def _month_ended(self):
        return fields.Date.context_today(self) + relativedelta(day=1, days=-1)

    # Computation ------------------------------------------------------------

    def action_compute(self):
        for provision in self:
            if provision.state != "draft":
                raise UserError(self.env._("%(name)s is posted already.", name=provision.name))
            provision.line_ids = [Command.clear()] + [
                Command.create(vals) for vals in provision._compute_line_values()
            ]
            provision.amount_booked = provision._get_booked_amount()
        return True

    def _compute_line_values(self):
        """One line per product category of the covered products."""
        self.ensure_one()
        exposure = self._query_active_units()
        history = self._query_history()
        lines = []
        for categ_id, (units, unit_months, sales_value) in sorted(exposure.items()):
            cost, exposure_months = history.get(categ_id, (0.0, 0.0))
            if cost > 0 and exposure_months > 0:
                rate = cost / exposure_months
                basis, amount = "history", rate * unit_months
            else:
                rate = 0.0
                basis, amount = "percent", sales_value * self.sales_percent / 100.0
            lines.append(
                {
                    "categ_id": categ_id,
                    "units": units,
                    "unit_months": unit_months,
                    "basis": basis,
                    "history_cost": cost,
                    "history_unit_months": exposure_months,
                    "monthly_cost": rate,
                    "sales_value": sales_value,
                    "amount": self.currency_id.round(amount),
                }
            )
        return lines

    def _query_active_units(self):
        """Units under warranty on the period end, by product category: units,
        unit-months of coverage left, and the sales value of that coverage
        (the price each unit was sold at, in company currency at the order's
        rate, or its list price, in proportion to the coverage left)."""
        query = SQL(
            """
            SELECT tmpl.categ_id,
                   SUM(w.quantity),
                   SUM(w.quantity * (w.date_end - %(date)s + 1)) / %(days)s,
                   SUM(
                       w.quantity
                       * COALESCE(
                           sol.price_subtotal / NULLIF(sol.product_uom_qty, 0)
                           / COALESCE(NULLIF(so.currency_rate, 0), 1),
                           tmpl.list_price,
                           0
                       )
                       * (w.date_end - %(date)s + 1)::numeric / GREATEST(w.date_end - w.date_start + 1, 1)
                   )
              FROM after_sales_warranty w
              JOIN product_product prod ON prod.id = w.product_id
              JOIN product_template tmpl ON tmpl.id = prod.product_tmpl_id
         LEFT JOIN sale_order_line sol ON sol.id = w.sale_line_id
         LEFT JOIN sale_order so ON so.id = sol.order_id
             WHERE w.company_id = %(company)s
               AND %(covering)s
          GROUP BY tmpl.categ_id
            """,
            date=self.date,
            days=DAYS_PER_MONTH,
            company=self.company_id.id,
            covering=self.env["after_sales.warranty"]._covering_sql("w", self.date),
        )
        self._flush_registrations()
        self.env["sale.order.line"].flush_model(["order_id", "price_subtotal", "product_uom_qty"])
        self.env["sale.order"].flush_model(["currency_rate"])
        self.env["product.template"].flush_model(["list_price"])
        rows = self.env.execute_query(query)
        return {
            categ: (float(units), float(months), float(value or 0.0)) for categ, units, months, value in rows
        }

    def _flush_registrations(self):
        """Write the pending changes of what the provision queries read of
        the registrations and their products' categories."""
        self.env["after_sales.warranty"].flush_model(
            [
                "company_id",
                "date_end",
                "date_start",
                "product_id",
                "quantity",
                "registration_state",
                "sale_line_id",
            ]
        )
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["categ_id"])

    def _history_window(self):
        return self.date - relativedelta(months=self.history_months) + relativedelta(days=1), self.date

    def _query_history(self):
        """Warranty costs posted in the history window and the unit-months of
        coverage they were incurred for, by product category of the unit."""
        date_from, date_to = self._history_window()
        self._flush_registrations()
        self.env["account.move.line"].flush_model(
            [
                "account_id",
                "after_sales_coverage",
                "after_sales_order_id",
                "balance",
                "company_id",
                "date",
                "parent_state",
            ]
        )
        self.env["account.account"].flush_model(["account_type"])
        self.env["after_sales.service.order"].flush_model(["product_id"])
        cost_rows = self.env.execute_query(
            SQL(
                """
                SELECT tmpl.categ_id, SUM(aml.balance)
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN after_sales_service_order o ON o.id = aml.after_sales_order_id
                  JOIN product_product prod ON prod.id = o.product_id
                  JOIN product_template tmpl ON tmpl.id = prod.product_tmpl_id
                 WHERE aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND aml.after_sales_coverage = 'warranty'
                   AND acc.account_type IN %(types)s
                   AND acc.id != %(absorption)s
                   AND aml.date BETWEEN %(date_from)s AND %(date_to)s
              GROUP BY tmpl.categ_id
                """,
                company=self.company_id.id,
                types=EXPENSE_ACCOUNT_TYPES,
                # Labor absorbed is the other side of the labor cost, not a saving.
                absorption=self.company_id.after_sales_labor_absorption_account_id.id or 0,
                date_from=date_from,
                date_to=date_to,
            )
        )
        exposure_rows = self.env.execute_query(
            SQL(
                """
                SELECT tmpl.categ_id,
                       SUM(
                           w.quantity
                           * (LEAST(w.date_end, %(date_to)s) - GREATEST(w.date_start, %(date_from)s) + 1)
                       ) / %(days)s
                  FROM after_sales_warranty w
                  JOIN product_product prod ON prod.id = w.product_id
                  JOIN product_template tmpl ON tmpl.id = prod.product_tmpl_id
                 WHERE w.company_id = %(company)s
                   AND %(covering)s
              GROUP BY tmpl.categ_id
                """,
                company=self.company_id.id,
                date_from=date_from,
                date_to=date_to,
                days=DAYS_PER_MONTH,
                # Covered on a day of the window.
                covering=self.env["after_sales.warranty"]._covering_sql("w", date_from, date_to),
            )
        )
        exposure = {categ: float(months) for categ, months in exposure_rows}
        return {categ: (float(cost or 0.0), exposure.get(categ, 0.0)) for categ, cost in cost_rows}

    def _get_booked_amount(self):
        """Credit balance of the provision account on the period end."""
        account = self.company_id.after_sales_provision_account_id
        if not account:
            return 0.0
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", self.date),
            ],
            aggregates=["balance:sum"],
        )
        return -(groups[0][0] or 0.0)

    # Posting ----------------------------------------------------------------

    def action_post(self):
        """Compute again and post: the adjustment entry, if any, on the period
        end. Refused for a month of the company that has a posted provision,
        before a later posted one, in a locked period, without the accounts."""
        for provision in self:
            if provision.state != "draft":
                raise UserError(self.env._("%(name)s is posted already.", name=provision.name))
            provision._check_can_post()
            # Compute again: the figures are those of the moment of posting.
            provision.action_compute()
            if not provision.currency_id.is_zero(provision.amount_adjustment):
                move = self.env["account.move"].create(provision._prepare_move_vals())
                move.action_post()
                provision.move_id = move
            provision.state = "posted"
        return True

    def _check_can_post(self):
        self.ensure_one()
        company = self.company_id
        if not (
            company.after_sales_provision_account_id
            and company.after_sales_provision_expense_account_id
            and company.after_sales_journal_id
        ):
            raise UserError(
                self.env._(
                    "Set the service costs journal and the warranty provision accounts in "
                    "After-Sales settings before posting a provision."
                )
            )
        lock_date = company._after_sales_lock_date()
        if lock_date and self.date <= lock_date:
            raise UserError(
                self.env._(
                    "The accounting period of %(date)s is locked (until %(lock)s): choose a later "
                    "period end, or ask an accountant to reopen it.",
                    date=self.date,
                    lock=lock_date,
                )
            )
        period_start, period_end = provision_period(self.date)
        posted = self.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "posted"),
                ("date", ">=", period_start),
                ("date", "<=", period_end),
                ("id", "!=", self.id),
            ],
            limit=1,
        )
        if posted:
            raise UserError(
                self.env._(
                    "%(name)s is posted already for %(month)s: a company posts one warranty provision "
                    "per month. The provision of the next month adjusts the amount booked.",
                    name=posted.name,
                    month=format_date(self.env, self.date, date_format="MMMM y"),
                )
            )
        posted = self.search(
            [("company_id", "=", company.id), ("state", "=", "posted"), ("date", ">", self.date)], limit=1
        )
        if posted:
            raise UserError(
                self.env._("%(name)s is posted already: post provisions in date order.", name=posted.name)
            )

    def _prepare_move_vals(self):
        self.ensure_one()
        company = self.company_id
        amount = self.amount_adjustment
        if amount > 0:
            label = self.env._("Warranty provision added")
        else:
            label = self.env._("Warranty provision released")
        return {
            "move_type": "entry",
            "journal_id": company.after_sales_journal_id.id,
            "date": self.date,
            "ref": self.name,
            "company_id": company.id,
            "line_ids": [
                Command.create(
                    {
                        "name": label,
                        "account_id": company.after_sales_provision_expense_account_id.id,
                        "balance": amount,
                    }
                ),
                Command.create(
                    {
                        "name": label,
                        "account_id": company.after_sales_provision_account_id.id,
                        "balance": -amount,
                    }
                ),
            ],
        }

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "views": [(False, "form")],
            "res_id": self.move_id.id,
        }

    @api.model
    def _cron_post_provisions(self):
        """Scheduled: the provision of the month just ended, for the companies
        that ask for it, unless one is posted for that month (or later) already."""
        period_end = self._month_ended()
        period_start = provision_period(period_end)[0]
        companies = self.env["res.company"].search([("after_sales_provision_auto", "=", True)])
        for company in companies:
            if self.search_count(
                [("company_id", "=", company.id), ("state", "=", "posted"), ("date", ">=", period_start)],
                limit=1,
            ):
                continue
            provision = self.with_company(company).create(
                {
                    "company_id": company.id,
                    "date": period_end,
                    "history_months": company.after_sales_provision_history_months,
                    "sales_percent": company.after_sales_provision_percent,
                }
            )
            provision.action_post()


class AfterSalesWarrantyProvisionLine(models.Model):
    _name = "after_sales.warranty.provision.line"
    _description = "Warranty Provision Computation Line"
    _order = "provision_id, categ_id"

    provision_id = fields.Many2one(
        "after_sales.warranty.provision", string="Provision", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="provision_id.company_id", store=True)
    currency_id = fields.Many2one(related="provision_id.currency_id")
    categ_id = fields.Many2one("product.category", string="Product Category", required=True)
    units = fields.Float(string="Units Covered", digits="Product Unit of Measure")
    unit_months = fields.Float(string="Unit-Months Left", digits=(16, 1))
    basis = fields.Selection([("history", "Cost history"), ("percent", "Percent of sales")], required=True)
    history_cost = fields.Monetary(string="Warranty Costs (history)")
    history_unit_months = fields.Float(string="Unit-Months (history)", digits=(16, 1))
    monthly_cost = fields.Monetary(string="Cost per Unit-Month")
    sales_value = fields.Monetary(string="Sales Value Covered")
    amount = fields.Monetary(string="Provision Amount")
