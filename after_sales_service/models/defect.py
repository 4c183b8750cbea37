from odoo import api, fields, models

CAUSE_TYPES = [
    ("design", "Design"),
    ("manufacturing", "Manufacturing"),
    ("material", "Material"),
    ("supplier", "Supplier Part"),
    ("transport", "Transport"),
    ("installation", "Installation"),
    ("misuse", "Misuse"),
    ("wear", "Wear"),
    ("no_fault", "No Fault Found"),
]
# Causes the company bears by default; the others (misuse, wear, installation
# by a third party) are the customer's unless a manager decides otherwise.
COMPANY_LIABLE_TYPES = ("design", "manufacturing", "material", "supplier", "transport", "no_fault")


class AfterSalesDefectCode(models.Model):
    """What failed, in the words a workshop and production share."""

    _name = "after_sales.defect.code"
    _description = "Defect Code"
    _parent_store = True
    _rec_names_search = ["code", "name"]
    _order = "complete_code, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code of the defect, as reports and production quote it.")
    parent_id = fields.Many2one(
        "after_sales.defect.code", string="Parent Code", index=True, ondelete="restrict"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("after_sales.defect.code", "parent_id", string="Sub-Codes")
    complete_code = fields.Char(compute="_compute_complete_code", store=True, recursive=True)
    categ_ids = fields.Many2many(
        "product.category",
        "after_sales_defect_code_categ_rel",
        "code_id",
        "categ_id",
        string="Product Categories",
        help="Categories (with their sub-categories) whose products this defect applies to; "
        "empty for all products.",
    )
    description = fields.Text(help="How to recognise the defect.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty for a code every company uses.")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A defect code is used once per company."),
    ]

    @api.depends("code", "parent_id.complete_code")
    def _compute_complete_code(self):
        for record in self:
            if record.parent_id:
                record.complete_code = f"{record.parent_id.complete_code}.{record.code}"
            else:
                record.complete_code = record.code

    @api.depends("complete_code", "name")
    def _compute_display_name(self):
        for record in self:
            record.display_name = f"[{record.complete_code}] {record.name}" if record.code else record.name

    def _applies_to(self, category):
        """Whether this code may be recorded for products of ``category``."""
        self.ensure_one()
        if not self.categ_ids:
            return True
        return bool(category) and any(
            str(categ.id) in category.parent_path.split("/") for categ in self.categ_ids
        )


class AfterSalesDefectCause(models.Model):
    """Why it failed, and whether the company bears it."""

    _name = "after_sales.defect.cause"
    _description = "Defect Cause"
    _order = "sequence, cause_type, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    cause_type = fields.Selection(CAUSE_TYPES, required=True, default="manufacturing")
    company_liable = fields.Boolean(
        compute="_compute_company_liable",
        store=True,
        readonly=False,
        help="Whether a failure of this cause is the company's to bear. On a warranty order, a cause "
        "the company is not liable for asks a manager to decide: paid by the customer or goodwill.",
    )
    description = fields.Text()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty for a cause every company uses.")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A defect cause code is used once per company."),
    ]

    @api.depends("cause_type")
    def _compute_company_liable(self):
        for cause in self:
            cause.company_liable = cause.cause_type in COMPANY_LIABLE_TYPES

    @api.depends("code", "name")
    def _compute_display_name(self):
        for cause in self:
            cause.display_name = f"[{cause.code}] {cause.name}" if cause.code else cause.name
