from odoo import api, fields, models
from odoo.exceptions import UserError


class AfterSalesAddPart(models.TransientModel):
    """Add a spare part to the repair of a service order.

    The parts listed as compatible with the repaired product come first: the
    first of them is proposed, and the wizard shows them all. Any storable
    product may be added too, unless the company allows compatible parts only
    (Settings)."""

    _name = "after_sales.add.part"
    _inherit = ["after_sales.order.wizard"]
    _description = "Add a Spare Part to a Service Order's Repair"
    _check_company_auto = True

    company_id = fields.Many2one(related="order_id.company_id")
    unit_product_id = fields.Many2one(related="order_id.product_id", string="Repaired Product")
    allowed_part_ids = fields.Many2many(
        related="order_id.product_id.spare_part_ids", string="Compatible Parts"
    )
    compatible_only = fields.Boolean(related="order_id.company_id.after_sales_compatible_parts_only")
    product_id = fields.Many2one(
        "product.product",
        string="Spare Part",
        required=True,
        check_company=True,
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="compatible_only and [('id', 'in', allowed_part_ids)] "
        "or ['|', ('id', 'in', allowed_part_ids), ('is_storable', '=', True)]",
    )
    is_compatible = fields.Boolean(string="Compatible", compute="_compute_is_compatible")
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit of Measure")

    @api.depends("order_id")
    def _compute_product_id(self):
        for wizard in self.filtered(lambda w: not w.product_id):
            wizard.product_id = wizard.order_id.product_id.spare_part_ids[:1]

    @api.depends("product_id", "allowed_part_ids")
    def _compute_is_compatible(self):
        for wizard in self:
            # _origin: in the form, the parts of a new wizard are new records.
            wizard.is_compatible = wizard.product_id._origin in wizard.allowed_part_ids._origin

    def action_add(self):
        self.ensure_one()
        order = self.order_id
        order._check_can("can_add_part", self.env._("Adding a spare part"))
        if self.quantity <= 0:
            raise UserError(self.env._("The quantity of a part must be positive."))
        if self.product_id not in order.product_id.spare_part_ids:
            if order.company_id.after_sales_compatible_parts_only:
                raise UserError(
                    self.env._(
                        "%(part)s is not a compatible spare part of %(product)s, and only compatible "
                        "parts may be added (Settings).",
                        part=self.product_id.display_name,
                        product=order.product_id.display_name,
                    )
                )
            if not self.product_id.is_storable:
                raise UserError(
                    self.env._(
                        "%(part)s is not a storable product: only storable products and the "
                        "compatible parts of %(product)s are added as spare parts.",
                        part=self.product_id.display_name,
                        product=order.product_id.display_name,
                    )
                )
        repair = order.repair_ids.filtered(lambda r: r.state in ("confirmed", "under_repair"))[:1]
        if not repair:
            raise UserError(self.env._("Start the repair of %(order)s first.", order=order.name))
        move = self.env["stock.move"].create(
            {
                "repair_id": repair.id,
                "product_id": self.product_id.id,
                "product_uom_qty": self.quantity,
                "repair_line_type": "add",
            }
        )
        # Reserve it at once, as "Check availability" would.
        move._action_assign()
        return True
