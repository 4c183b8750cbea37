from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import add_duration

# What the customer gets while the unit is away: the term's choice, which a
# service order starts from (see service_order_loaner.py).
EXCHANGE_TYPES = [
    ("none", "None"),
    ("loaner", "Loaner unit during repair"),
    ("advance", "Advance replacement"),
    ("return", "Replacement on return"),
]


class AfterSalesWarrantyTerm(models.Model):
    _name = "after_sales.warranty.term"
    _description = "Warranty Term"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the term between companies.",
        index=True,
    )
    kind = fields.Selection(
        [
            ("statutory", "Statutory"),
            ("commercial", "Commercial"),
            ("extended", "Extended"),
        ],
        required=True,
        default="statutory",
        help="Statutory: the legal minimum. Commercial: the manufacturer's or "
        "dealer's own promise. Extended: sold as an extension of another term.",
    )
    duration = fields.Integer(required=True, default=24)
    duration_unit = fields.Selection(
        [("day", "Days"), ("month", "Months"), ("year", "Years")],
        required=True,
        default="month",
    )
    start_basis = fields.Selection(
        [
            ("delivery", "Delivery"),
            ("invoice", "Invoice"),
            ("registration", "Registration"),
        ],
        required=True,
        default="delivery",
        help="Date the coverage starts from: the delivery to the customer, the "
        "customer invoice, or the day the customer registers the unit.",
    )
    parts_coverage = fields.Float(
        default=100.0,
        help="Percent of the spare parts cost the company bears (0-100).",
    )
    labor_coverage = fields.Float(
        default=100.0,
        help="Percent of the labor cost the company bears (0-100).",
    )
    expense_coverage = fields.Float(
        default=100.0,
        help="Percent of other expenses (transport, travel) the company bears (0-100).",
    )
    exchange_type = fields.Selection(
        EXCHANGE_TYPES,
        required=True,
        default="none",
    )
    transferable = fields.Boolean(
        help="The coverage follows the unit when it changes owner.",
    )
    repair_days = fields.Integer(
        default=30,
        help="Days allowed to finish a repair under this term.",
    )
    response_days = fields.Integer(
        default=14,
        help="Days allowed to answer a customer claim under this term.",
    )
    conditions = fields.Html(
        translate=True,
        help="Printed on the warranty certificate.",
    )
    warranty_count = fields.Integer(compute="_compute_warranty_count")

    def _compute_warranty_count(self):
        counts = dict(
            self.env["after_sales.warranty"]._read_group(
                [("term_id", "in", self.ids)], ["term_id"], ["__count"]
            )
        )
        for term in self:
            term.warranty_count = counts.get(term, 0)

    @api.constrains(
        "duration", "parts_coverage", "labor_coverage", "expense_coverage", "repair_days", "response_days"
    )
    def _check_values(self):
        for term in self:
            if term.duration <= 0:
                raise ValidationError(
                    self.env._(
                        "The duration of warranty term %(term)s must be positive.",
                        term=term.display_name,
                    )
                )
            for value in (term.parts_coverage, term.labor_coverage, term.expense_coverage):
                if not 0 <= value <= 100:
                    raise ValidationError(
                        self.env._(
                            "Coverage percentages of warranty term %(term)s must " "lie between 0 and 100.",
                            term=term.display_name,
                        )
                    )
            if term.repair_days < 0 or term.response_days < 0:
                raise ValidationError(
                    self.env._(
                        "Repair and response days of warranty term %(term)s cannot be negative.",
                        term=term.display_name,
                    )
                )

    def _get_date_end(self, date_start):
        """Last day covered by this term for a coverage starting on ``date_start``."""
        self.ensure_one()
        return add_duration(date_start, self.duration, self.duration_unit)

    def action_view_warranties(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_warranty_action"
        )
        action["domain"] = [("term_id", "=", self.id)]
        action["context"] = {"default_term_id": self.id}
        return action
