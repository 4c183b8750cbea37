from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    warranty_term_id = fields.Many2one(
        "after_sales.warranty.term",
        check_company=True,
        help="Overrides the term of the product category and the company default. "
        "On a warranty extension product, the term it sells.",
    )
    is_warranty_extension = fields.Boolean(
        string="Warranty Extension",
        help="Selling this product to a customer for a covered serial number "
        "extends that unit's warranty by the product's (extended) term.",
    )
    spare_part_ids = fields.Many2many(
        "product.product",
        "after_sales_product_spare_part_rel",
        "template_id",
        "part_id",
        string="Compatible Spare Parts",
        help="Parts technicians may add to a repair of this product from the service order.",
    )
    service_order_count = fields.Integer(
        compute="_compute_service_order_count",
        groups="after_sales_service.group_after_sales_user",
    )
    warranty_term_effective_id = fields.Many2one(
        "after_sales.warranty.term",
        string="Warranty Term in Force",
        compute="_compute_warranty_term_effective",
    )
    warranty_term_source = fields.Selection(
        [
            ("product", "Product"),
            ("category", "Product Category"),
            ("company", "Company Default"),
            ("none", "None"),
        ],
        string="Term Set On",
        compute="_compute_warranty_term_effective",
    )

    @api.depends_context("company")
    @api.depends("warranty_term_id", "categ_id.warranty_term_id", "categ_id.parent_id")
    def _compute_warranty_term_effective(self):
        for template in self:
            term, source = template._get_warranty_term_and_source()
            template.warranty_term_effective_id = term
            template.warranty_term_source = source

    def _compute_service_order_count(self):
        counts = dict(
            self.env["after_sales.service.order"]._read_group(
                [("product_id.product_tmpl_id", "in", self.ids)], ["product_id"], ["__count"]
            )
        )
        by_template = defaultdict(int)
        for product, count in counts.items():
            by_template[product.product_tmpl_id] += count
        for template in self:
            template.service_order_count = by_template[template]

    def action_view_service_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_service_order_action"
        )
        action["domain"] = [("product_id.product_tmpl_id", "=", self.id)]
        action["context"] = {"default_product_id": self.product_variant_id.id}
        return action

    @api.constrains("is_warranty_extension", "warranty_term_id", "type")
    def _check_warranty_extension(self):
        for template in self.filtered("is_warranty_extension"):
            if template.warranty_term_id.kind != "extended":
                raise ValidationError(
                    self.env._(
                        "Warranty extension %(product)s needs a warranty term of kind Extended.",
                        product=template.display_name,
                    )
                )
            if template.type != "service":
                raise ValidationError(
                    self.env._(
                        "Warranty extension %(product)s must be a service product.",
                        product=template.display_name,
                    )
                )

    def _get_warranty_term_and_source(self):
        self.ensure_one()
        if self.is_warranty_extension:
            # The term of an extension is what it sells, not its own warranty.
            return self.env["after_sales.warranty.term"], "none"
        if self.warranty_term_id:
            return self.warranty_term_id, "product"
        term = self.categ_id._get_warranty_term() if self.categ_id else False
        if term:
            return term, "category"
        company = self.company_id or self.env.company
        if company.after_sales_warranty_term_id:
            return company.after_sales_warranty_term_id, "company"
        return self.env["after_sales.warranty.term"], "none"

    def _get_warranty_term(self, company=None):
        """Warranty term in force in ``company`` (by default the current one):
        the product's, else its category's, else the company default. What a
        new registration gets, whoever creates it (delivery, API, by hand)."""
        template = self.with_company(company) if company else self
        return template._get_warranty_term_and_source()[0]
