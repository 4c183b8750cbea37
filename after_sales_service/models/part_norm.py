from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang


class AfterSalesPartNorm(models.Model):
    """The parts a repair of a product normally needs for a defect: what a
    finished order is measured against (``over_norm`` on the service order,
    the Parts vs Norm report). A defect code without a norm of its own
    takes the norm of its nearest parent code."""

    _name = "after_sales.part.norm"
    _description = "Part Norm"
    _order = "product_id, defect_code_id, id"
    _check_company_auto = True

    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    product_id = fields.Many2one(
        "product.product",
        string="Repaired Product",
        required=True,
        index=True,
        check_company=True,
        domain="[('type', '=', 'consu')]",
        help="The product whose repairs this norm measures.",
    )
    product_categ_id = fields.Many2one(related="product_id.categ_id", string="Product Category")
    defect_code_id = fields.Many2one(
        "after_sales.defect.code",
        string="Defect",
        required=True,
        index=True,
        check_company=True,
        domain="['|', ('categ_ids', '=', False), ('categ_ids', 'parent_of', product_categ_id)]",
        help="The defect repaired; its sub-codes without a norm of their own follow this one.",
    )
    line_ids = fields.One2many("after_sales.part.norm.line", "norm_id", string="Parts", copy=True)
    note = fields.Text(help="How the repair is done, why these parts.")
    order_count = fields.Integer(compute="_compute_order_count")
    over_norm_count = fields.Integer(compute="_compute_order_count")

    _sql_constraints = [
        (
            "product_defect_company_uniq",
            "unique(product_id, defect_code_id, company_id)",
            "A product has one part norm per defect in a company (archived ones count too).",
        ),
    ]

    @api.depends("product_id", "defect_code_id")
    def _compute_display_name(self):
        for norm in self:
            norm.display_name = (
                f"{norm.product_id.display_name or ''} / {norm.defect_code_id.display_name or ''}"
            )

    def _compute_order_count(self):
        groups = self.env["after_sales.service.order"]._read_group(
            [("part_norm_id", "in", self.ids)], ["part_norm_id", "over_norm"], ["__count"]
        )
        counts = {}
        for norm, over, count in groups:
            total, over_count = counts.get(norm.id, (0, 0))
            counts[norm.id] = (total + count, over_count + (count if over else 0))
        for norm in self:
            norm.order_count, norm.over_norm_count = counts.get(norm.id, (0, 0))

    @api.constrains("defect_code_id", "product_id")
    def _check_defect_code(self):
        for norm in self:
            if not norm.defect_code_id._applies_to(norm.product_id.categ_id):
                raise ValidationError(
                    self.env._(
                        "Defect %(defect)s does not apply to products of category %(category)s.",
                        defect=norm.defect_code_id.display_name,
                        category=norm.product_id.categ_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        norms = super().create(vals_list)
        norms._recheck_orders()
        return norms

    def write(self, vals):
        products = self.product_id
        res = super().write(vals)
        if {"product_id", "defect_code_id", "company_id", "active"} & set(vals):
            self._recheck_orders(products)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_recheck_orders(self):
        # The orders measured against these norms fall back on another one
        # (a parent code's) or on none; the check runs at the flush after.
        self._recheck_orders()

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_service_order_action"
        )
        action.update(
            domain=[("part_norm_id", "=", self.id)],
            context={"create": False},
            view_mode="list,form",
            views=[(False, "list"), (False, "form")],
        )
        return action

    def _recheck_orders(self, products=None):
        """Which norm applies to the orders of these norms' products, and
        whether they kept to it, once a norm comes, goes or changes its
        product or defect (a change of its parts rechecks by dependency)."""
        products = (products or self.env["product.product"]) | self.product_id
        if not products:
            return
        Order = self.env["after_sales.service.order"]
        # sudo: the check of every order of the product, whoever may read them.
        orders = Order.sudo().search([("product_id", "in", products.ids), ("defect_code_id", "!=", False)])
        # Marked by hand, not by a dependency: the ORM does not recompute the
        # fields depending on a field computed again, so both are marked.
        for name in ("part_norm_id", "over_norm", "norm_excess"):
            self.env.add_to_compute(Order._fields[name], orders)

    @api.model
    def _find_for_orders(self, orders):
        """``{order id: norm}`` of the norm that applies to each order: its
        product's norm for its defect code, or for the nearest parent code
        that has one, in the order's company. One search for the batch."""
        orders = orders.filtered(lambda o: o.product_id and o.defect_code_id)
        if not orders:
            return {}
        chains = {
            order.id: [int(code_id) for code_id in reversed(order.defect_code_id.parent_path.split("/")[:-1])]
            for order in orders
        }
        # sudo: which norm applies is the company's rule, whoever finishes the order.
        norms = self.sudo().search(
            [
                ("product_id", "in", orders.product_id.ids),
                ("defect_code_id", "in", list({code for chain in chains.values() for code in chain})),
                ("company_id", "in", orders.company_id.ids),
            ]
        )
        by_key = {(n.product_id.id, n.defect_code_id.id, n.company_id.id): n for n in norms}
        found = {}
        for order in orders:
            for code_id in chains[order.id]:
                norm = by_key.get((order.product_id.id, code_id, order.company_id.id))
                if norm:
                    found[order.id] = norm
                    break
        return found


class AfterSalesPartNormLine(models.Model):
    _name = "after_sales.part.norm.line"
    _description = "Part Norm Line"
    _order = "norm_id, sequence, id"
    _check_company_auto = True

    norm_id = fields.Many2one(
        "after_sales.part.norm", string="Norm", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="norm_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Part",
        required=True,
        check_company=True,
        domain="[('type', '=', 'consu')]",
    )
    quantity = fields.Float(
        default=1.0,
        required=True,
        digits="Product Unit of Measure",
        help="What one repair normally uses, in the part's unit of measure.",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")

    _sql_constraints = [
        ("part_uniq", "unique(norm_id, product_id)", "A part is listed once in a norm."),
        ("quantity_positive", "CHECK(quantity > 0)", "The quantity of a part in a norm is positive."),
    ]

    @api.depends("product_id", "quantity")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(part)s x %(quantity)s",
                part=line.product_id.display_name or "",
                quantity=formatLang(self.env, line.quantity, dp="Product Unit of Measure"),
            )
