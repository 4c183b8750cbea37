from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
