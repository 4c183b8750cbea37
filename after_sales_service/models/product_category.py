from collections import namedtuple

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Quality alert thresholds a category and its parents leave unset.
DEFAULT_FAILURE_WINDOW_MONTHS = 12
DEFAULT_FAILURE_MIN_COUNT = 3
FailureAlertSettings = namedtuple("FailureAlertSettings", "threshold window_months min_count user")


class ProductCategory(models.Model):
    _inherit = "product.category"

    # Per company, as the category's accounts: categories are shared by all
    # companies, a term belongs to one company or is shared.
    warranty_term_id = fields.Many2one(
        "after_sales.warranty.term",
        company_dependent=True,
        check_company=True,
        # Read with the category's other fields: a registration's term lookup
        # reads the category and its parents anyway.
        prefetch=True,
        help="Applies to the products of this category and of its sub-categories "
        "that set no term of their own, in the current company.",
    )

    after_sales_parts_expense_account_id = fields.Many2one(
        "account.account",
        string="Warranty Parts Expense",
        company_dependent=True,
        help="Overrides the company's warranty parts expense account for parts of this category.",
    )
    after_sales_labor_expense_account_id = fields.Many2one(
        "account.account",
        string="Warranty Labor Expense",
        company_dependent=True,
        help="Overrides the company's warranty labor expense account for units of this category.",
    )

    after_sales_analytic_distribution = fields.Json(
        string="Service Analytic Distribution",
        help="Analytic distribution of service orders for products of this category and of its "
        "sub-categories, instead of the company's default.",
    )
    analytic_precision = fields.Integer(
        store=False, default=lambda self: self.env["decimal.precision"].precision_get("Percentage Analytic")
    )

    # Quality alerts, per company as the term and inherited from the parent
    # categories like it (0 or empty: the parent's value).
    after_sales_failure_rate_threshold = fields.Float(
        string="Failure Rate Threshold (%)",
        company_dependent=True,
        help="A quality alert opens when the failures of one defect of a product of this category, "
        "within the window, reach this percent of the product's installed base (and the minimum "
        "count). 0: the parent category's threshold; none at all: no alerts.",
    )
    after_sales_failure_window_months = fields.Integer(
        string="Failure Window (months)",
        company_dependent=True,
        help="The rolling window of the failure rate, in months up to today. "
        "0: the parent category's window, else 12 months.",
    )
    after_sales_failure_min_count = fields.Integer(
        string="Minimum Failures",
        company_dependent=True,
        help="The failures of the same defect needed for an alert, whatever the rate. "
        "0: the parent category's minimum, else 3.",
    )
    after_sales_quality_user_id = fields.Many2one(
        "res.users",
        string="Quality Responsible",
        company_dependent=True,
        domain="[('share', '=', False)]",
        help="Gets an activity for each quality alert opened for this category's products. "
        "Empty: the parent category's.",
    )

    # Odoo's company check needs a company on the record: categories have none.
    @api.constrains("warranty_term_id")
    def _check_warranty_term_company(self):
        company = self.env.company
        for category in self:
            if category.warranty_term_id.company_id not in (company, company.browse()):
                raise ValidationError(
                    self.env._(
                        "The warranty term of a product category in %(company)s is a term of "
                        "that company or a shared one.",
                        company=company.display_name,
                    )
                )

    @api.constrains(
        "after_sales_failure_rate_threshold",
        "after_sales_failure_window_months",
        "after_sales_failure_min_count",
    )
    def _check_failure_thresholds(self):
        for category in self:
            if not 0 <= category.after_sales_failure_rate_threshold <= 100:
                raise ValidationError(self.env._("The failure rate threshold is a percent, from 0 to 100."))
            if category.after_sales_failure_window_months < 0 or category.after_sales_failure_min_count < 0:
                raise ValidationError(
                    self.env._("The failure window and the minimum failures cannot be negative.")
                )

    def _after_sales_inherited(self, field_name):
        """The value of ``field_name`` on this category or on its nearest
        parent that sets it (empty without a category)."""
        if len(self) > 1:
            raise ValueError(f"One category at a time, not {self}")
        category = self
        while category:
            if category[field_name]:
                return category[field_name]
            category = category.parent_id
        return self[field_name]

    def _get_after_sales_analytic_distribution(self):
        return self._after_sales_inherited("after_sales_analytic_distribution")

    def _get_warranty_term(self):
        return self._after_sales_inherited("warranty_term_id")

    def _get_failure_alert_settings(self):
        """The quality alert thresholds of this category in the current
        company, inherited and defaulted; None when no rate threshold applies."""
        threshold = self._after_sales_inherited("after_sales_failure_rate_threshold")
        if not threshold:
            return None
        return FailureAlertSettings(
            threshold=threshold,
            window_months=self._after_sales_inherited("after_sales_failure_window_months")
            or DEFAULT_FAILURE_WINDOW_MONTHS,
            min_count=self._after_sales_inherited("after_sales_failure_min_count")
            or DEFAULT_FAILURE_MIN_COUNT,
            user=self._after_sales_inherited("after_sales_quality_user_id"),
        )
