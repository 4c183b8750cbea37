from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Account fields of the company's after-sales configuration:
# field -> (name of the account created by default, its account type)
AFTER_SALES_ACCOUNTS = {
    "after_sales_parts_expense_account_id": ("Warranty parts expense", "expense"),
    "after_sales_labor_expense_account_id": ("Warranty labor expense", "expense"),
    "after_sales_labor_absorption_account_id": ("Service labor absorbed", "expense"),
    "after_sales_goodwill_expense_account_id": ("Goodwill expense", "expense"),
    "after_sales_transport_expense_account_id": ("Service transport expense", "expense"),
    "after_sales_recovery_account_id": ("Supplier warranty recovery", "income_other"),
    "after_sales_provision_account_id": ("Warranty provision", "liability_current"),
    "after_sales_provision_expense_account_id": ("Warranty provision expense", "expense"),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    after_sales_warranty_term_id = fields.Many2one(
        "after_sales.warranty.term",
        string="Default Warranty Term",
        check_company=True,
        help="Applies to products whose template and category set no term.",
    )
    after_sales_consumption_location_id = fields.Many2one(
        "stock.location",
        string="Warranty Consumption Location",
        check_company=True,
        help="Virtual location that spare parts consumed under warranty move to; "
        "its valuation account is the warranty parts expense.",
    )
    after_sales_paid_repair_days = fields.Integer(
        string="Days to Repair (paid work)",
        default=14,
        help="Deadline of service orders that no warranty term covers.",
    )
    after_sales_labor_product_id = fields.Many2one(
        "product.product",
        string="Labor Product",
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="Service product of labor lines: its cost is the hourly cost rate, "
        "its sales price what a paid hour is invoiced.",
    )
    # Off by default: a technician may need any part the stock holds; a
    # manager who wants the catalogue enforced turns it on.
    after_sales_compatible_parts_only = fields.Boolean(
        string="Only Compatible Spare Parts",
        default=False,
        help="Technicians add to a repair only the parts listed as compatible with the repaired "
        "product; otherwise any storable product, the compatible ones proposed first.",
    )
    after_sales_defect_required = fields.Boolean(
        string="Defect Record Required",
        default=True,
        help="Finishing a repair or an inspection needs the defect and its cause.",
    )
    after_sales_repeat_days = fields.Integer(
        string="Repeat Repair Window (days)",
        default=90,
        help="A unit back within this many days of a finished repair is flagged as a repeat repair.",
    )
    after_sales_forecast_history_months = fields.Integer(
        string="Parts Forecast: History (months)",
        default=12,
        help="Parts consumed by the service orders' repairs in these last months, per unit-month "
        "of warranty coverage in the same months, give the expected consumption.",
    )
    after_sales_forecast_short_months = fields.Integer(
        string="Parts Forecast: Short Horizon (months)",
        default=3,
        help="Demand expected over these coming months: the minimum of the reordering rules "
        "the parts forecast sets.",
    )
    after_sales_forecast_long_months = fields.Integer(
        string="Parts Forecast: Long Horizon (months)",
        default=12,
        help="Demand expected over these coming months: the maximum of the reordering rules "
        "the parts forecast sets.",
    )
    after_sales_norm_user_id = fields.Many2one(
        "res.users",
        string="Parts Norm Reviewer",
        domain="[('share', '=', False)]",
        help="Gets an activity for each finished order that used more parts than the norm of its "
        "product and defect. Empty: the order's chatter says it, the Over Norm filter finds it.",
    )

    after_sales_provision_percent = fields.Float(
        string="Provision: Percent of Sales",
        default=2.0,
        help="Warranty provision of product categories without cost history: this percent of the "
        "sales value of the units still covered.",
    )
    after_sales_provision_history_months = fields.Integer(
        string="Provision: History (months)",
        default=12,
        help="Warranty costs of these last months give the expected cost per unit and month.",
    )
    after_sales_provision_auto = fields.Boolean(
        string="Post the Provision Monthly",
        help="A scheduled action posts the warranty provision of each month just ended.",
    )

    # The customer's mails of a service order, one switch each, on by
    # default (service_order_notification.py).
    after_sales_notify_confirmed = fields.Boolean(
        string="Mail: Order Confirmed",
        default=True,
        help="When the order is confirmed: how the unit comes to the workshop (drop-off address, or the "
        "courier's pick-up).",
    )
    after_sales_notify_received = fields.Boolean(
        string="Mail: Unit Received",
        default=True,
        help="When the unit arrives at the workshop: its coverage and the planned end of the work.",
    )
    after_sales_notify_quotation = fields.Boolean(
        string="Mail: Quotation to Accept",
        default=True,
        help="Send Quotation mails the link to the quotation on the portal, where the customer accepts "
        "it; off: Sales' own quotation mail opens, to be written by hand.",
    )
    after_sales_notify_done = fields.Boolean(
        string="Mail: Work Done",
        default=True,
        help="When the work is done: what was done, and the quotation still to accept.",
    )
    after_sales_notify_returned = fields.Boolean(
        string="Mail: Shipped Back",
        default=True,
        help="When the unit goes back to the customer, with the return tracking.",
    )
    after_sales_notify_rating = fields.Boolean(
        string="Satisfaction Survey",
        default=True,
        help="After the return, the customer rates the service from a mail.",
    )

    after_sales_journal_id = fields.Many2one(
        "account.journal",
        string="Service Costs Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
    )
    after_sales_parts_expense_account_id = fields.Many2one(
        "account.account",
        string="Warranty Parts Expense",
        check_company=True,
        help="Debited with the cost of parts consumed under warranty (through the "
        "Warranty consumption location's valuation).",
    )
    after_sales_labor_expense_account_id = fields.Many2one(
        "account.account", string="Warranty Labor Expense", check_company=True
    )
    after_sales_labor_absorption_account_id = fields.Many2one(
        "account.account",
        string="Labor Absorption",
        check_company=True,
        help="Credited with the internal labor cost charged to warranty and goodwill.",
    )
    after_sales_goodwill_expense_account_id = fields.Many2one(
        "account.account", string="Goodwill Expense", check_company=True
    )
    after_sales_transport_expense_account_id = fields.Many2one(
        "account.account", string="Transport Expense", check_company=True
    )
    after_sales_recovery_account_id = fields.Many2one(
        "account.account", string="Supplier Recovery", check_company=True
    )
    after_sales_provision_account_id = fields.Many2one(
        "account.account", string="Warranty Provision", check_company=True
    )
    after_sales_provision_expense_account_id = fields.Many2one(
        "account.account", string="Warranty Provision Expense", check_company=True
    )
    after_sales_analytic_distribution = fields.Json(
        string="Default Analytic Distribution",
        help="Analytic distribution of new service orders and of their postings.",
    )

    @api.constrains(
        "after_sales_forecast_history_months",
        "after_sales_forecast_short_months",
        "after_sales_forecast_long_months",
    )
    def _check_after_sales_forecast_months(self):
        for company in self:
            if (
                min(
                    company.after_sales_forecast_history_months,
                    company.after_sales_forecast_short_months,
                    company.after_sales_forecast_long_months,
                )
                < 1
            ):
                raise ValidationError(
                    self.env._("The parts forecast's history and horizons last at least one month.")
                )
            if company.after_sales_forecast_long_months < company.after_sales_forecast_short_months:
                raise ValidationError(
                    self.env._("The parts forecast's long horizon cannot be shorter than its short horizon.")
                )

    def write(self, vals):
        res = super().write(vals)
        if "after_sales_parts_expense_account_id" in vals:
            self._after_sales_sync_consumption_account()
        return res

    def _after_sales_lock_date(self):
        """Last locked day for the user's entries in the service costs journal."""
        self.ensure_one()
        return self._get_user_fiscal_lock_date(self.after_sales_journal_id)

    def _after_sales_consumption_location(self):
        """The company's Warranty consumption location, created when missing."""
        self.ensure_one()
        if not self.after_sales_consumption_location_id:
            # sudo: configuration created on behalf of the company.
            location = (
                self.env["stock.location"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Warranty consumption"),
                        "usage": "inventory",
                        "location_id": self.env.ref("stock.stock_location_locations_virtual").id,
                        "company_id": self.id,
                    }
                )
            )
            self.sudo().after_sales_consumption_location_id = location
        return self.after_sales_consumption_location_id

    def _after_sales_sync_consumption_account(self):
        """Parts consumed under warranty are valued onto the parts expense account."""
        for company in self:
            location = company._after_sales_consumption_location()
            # sudo: configuration kept in step with the company's settings.
            location.sudo().write(
                {
                    "valuation_in_account_id": company.after_sales_parts_expense_account_id.id,
                    "valuation_out_account_id": company.after_sales_parts_expense_account_id.id,
                }
            )

    @api.model
    def _after_sales_setup_all_accounts(self):
        companies = self.search([])
        companies._after_sales_setup_accounts()
        companies._after_sales_sync_consumption_account()

    def _after_sales_missing_accounts(self):
        """Labels of the after-sales accounts and journal not set yet."""
        self.ensure_one()
        missing = [
            self._fields[field_name].get_description(self.env)["string"]
            for field_name in AFTER_SALES_ACCOUNTS
            if not self[field_name]
        ]
        if not self.after_sales_journal_id:
            missing.append(self._fields["after_sales_journal_id"].get_description(self.env)["string"])
        return missing

    def _after_sales_setup_accounts(self):
        """Create the missing accounts and journal in the company's chart.

        Accounts are numbered after the chart's default expense account (or a
        current liability for the provision), at the first free code. Nothing
        happens for a company without a chart of accounts.
        """
        Account = self.env["account.account"].sudo()
        for company in self:
            if not company.chart_template:
                continue
            vals = {}
            for field_name, (name, account_type) in AFTER_SALES_ACCOUNTS.items():
                if company[field_name]:
                    continue
                template = Account.search(
                    [("company_ids", "in", company.id), ("account_type", "=", account_type)],
                    order="code",
                    limit=1,
                )
                code = company._after_sales_free_code(template.code or "999000")
                vals[field_name] = Account.create(
                    {
                        "name": name,
                        "code": code,
                        "account_type": account_type,
                        "company_ids": [(6, 0, company.ids)],
                    }
                ).id
            if not company.after_sales_journal_id:
                vals["after_sales_journal_id"] = (
                    self.env["account.journal"]
                    .sudo()
                    .create(
                        {
                            "name": self.env._("Service Costs"),
                            "code": company._after_sales_free_journal_code(),
                            "type": "general",
                            "company_id": company.id,
                        }
                    )
                    .id
                )
            if vals:
                company.sudo().write(vals)

    def _after_sales_free_code(self, model_code):
        """First unused account code after ``model_code`` (same length)."""
        self.ensure_one()
        used = set(
            self.env["account.account"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_ids", "in", self.id)])
            .mapped("code")
        )
        digits = "".join(ch for ch in model_code if ch.isdigit()) or "999000"
        number = int(digits)
        while True:
            number += 1
            code = str(number).zfill(len(digits))
            if code not in used:
                return code

    def _after_sales_free_journal_code(self):
        used = set(
            self.env["account.journal"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "=", self.id)])
            .mapped("code")
        )
        for code in ("SVC", "SVC2", "SVC3", "SVC4"):
            if code not in used:
                return code
        return f"SV{self.id}"
