from odoo import api, fields, models
from odoo.exceptions import AccessError

from .res_company import AFTER_SALES_ACCOUNTS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    after_sales_warranty_term_id = fields.Many2one(
        related="company_id.after_sales_warranty_term_id",
        readonly=False,
    )
    after_sales_paid_repair_days = fields.Integer(
        related="company_id.after_sales_paid_repair_days",
        readonly=False,
    )
    after_sales_labor_product_id = fields.Many2one(
        related="company_id.after_sales_labor_product_id",
        readonly=False,
    )
    after_sales_compatible_parts_only = fields.Boolean(
        related="company_id.after_sales_compatible_parts_only", readonly=False
    )
    after_sales_defect_required = fields.Boolean(
        related="company_id.after_sales_defect_required", readonly=False
    )
    after_sales_repeat_days = fields.Integer(related="company_id.after_sales_repeat_days", readonly=False)
    after_sales_notify_confirmed = fields.Boolean(
        related="company_id.after_sales_notify_confirmed", readonly=False
    )
    after_sales_notify_received = fields.Boolean(
        related="company_id.after_sales_notify_received", readonly=False
    )
    after_sales_notify_quotation = fields.Boolean(
        related="company_id.after_sales_notify_quotation", readonly=False
    )
    after_sales_notify_done = fields.Boolean(related="company_id.after_sales_notify_done", readonly=False)
    after_sales_notify_returned = fields.Boolean(
        related="company_id.after_sales_notify_returned", readonly=False
    )
    after_sales_notify_rating = fields.Boolean(related="company_id.after_sales_notify_rating", readonly=False)
    after_sales_forecast_history_months = fields.Integer(
        related="company_id.after_sales_forecast_history_months", readonly=False
    )
    after_sales_forecast_short_months = fields.Integer(
        related="company_id.after_sales_forecast_short_months", readonly=False
    )
    after_sales_forecast_long_months = fields.Integer(
        related="company_id.after_sales_forecast_long_months", readonly=False
    )
    after_sales_norm_user_id = fields.Many2one(related="company_id.after_sales_norm_user_id", readonly=False)
    after_sales_claim_days_repair = fields.Integer(
        related="company_id.after_sales_claim_days_repair", readonly=False
    )
    after_sales_claim_days_replacement = fields.Integer(
        related="company_id.after_sales_claim_days_replacement", readonly=False
    )
    after_sales_claim_days_price_reduction = fields.Integer(
        related="company_id.after_sales_claim_days_price_reduction", readonly=False
    )
    after_sales_claim_days_refund = fields.Integer(
        related="company_id.after_sales_claim_days_refund", readonly=False
    )
    after_sales_claim_days_compensation = fields.Integer(
        related="company_id.after_sales_claim_days_compensation", readonly=False
    )
    after_sales_claim_working_days = fields.Boolean(
        related="company_id.after_sales_claim_working_days", readonly=False
    )
    after_sales_notify_claim_received = fields.Boolean(
        related="company_id.after_sales_notify_claim_received", readonly=False
    )
    after_sales_notify_claim_answered = fields.Boolean(
        related="company_id.after_sales_notify_claim_answered", readonly=False
    )
    after_sales_journal_id = fields.Many2one(related="company_id.after_sales_journal_id", readonly=False)
    after_sales_analytic_distribution = fields.Json(
        related="company_id.after_sales_analytic_distribution", readonly=False
    )
    after_sales_provision_percent = fields.Float(
        related="company_id.after_sales_provision_percent", readonly=False
    )
    after_sales_provision_history_months = fields.Integer(
        related="company_id.after_sales_provision_history_months", readonly=False
    )
    after_sales_provision_auto = fields.Boolean(
        related="company_id.after_sales_provision_auto", readonly=False
    )
    # The analytic distribution widget reads it.
    analytic_precision = fields.Integer(
        store=False, default=lambda self: self.env["decimal.precision"].precision_get("Percentage Analytic")
    )
    after_sales_missing_accounts = fields.Char(compute="_compute_after_sales_missing_accounts")

    after_sales_parts_expense_account_id = fields.Many2one(
        related="company_id.after_sales_parts_expense_account_id", readonly=False
    )
    after_sales_labor_expense_account_id = fields.Many2one(
        related="company_id.after_sales_labor_expense_account_id", readonly=False
    )
    after_sales_labor_absorption_account_id = fields.Many2one(
        related="company_id.after_sales_labor_absorption_account_id", readonly=False
    )
    after_sales_goodwill_expense_account_id = fields.Many2one(
        related="company_id.after_sales_goodwill_expense_account_id", readonly=False
    )
    after_sales_transport_expense_account_id = fields.Many2one(
        related="company_id.after_sales_transport_expense_account_id", readonly=False
    )
    after_sales_recovery_account_id = fields.Many2one(
        related="company_id.after_sales_recovery_account_id", readonly=False
    )
    after_sales_provision_account_id = fields.Many2one(
        related="company_id.after_sales_provision_account_id", readonly=False
    )
    after_sales_provision_expense_account_id = fields.Many2one(
        related="company_id.after_sales_provision_expense_account_id", readonly=False
    )

    @api.depends("company_id", *(f"company_id.{name}" for name in AFTER_SALES_ACCOUNTS))
    def _compute_after_sales_missing_accounts(self):
        for settings in self:
            settings.after_sales_missing_accounts = ", ".join(
                settings.company_id._after_sales_missing_accounts()
            )

    def action_after_sales_create_accounts(self):
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(self.env._("Only accounting administrators can create accounts."))
        self.company_id._after_sales_setup_accounts()
        return {"type": "ir.actions.client", "tag": "reload"}
