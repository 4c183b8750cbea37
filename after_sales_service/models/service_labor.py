from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class AfterSalesServiceLabor(models.Model):
    _name = "after_sales.service.labor"
    _description = "Service Labor Line"
    _order = "date, id"
    _check_company_auto = True

    order_id = fields.Many2one(
        "after_sales.service.order",
        string="Service Order",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        required=True,
        default=lambda self: self.env.user,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    name = fields.Char(string="Description", required=True)
    hours = fields.Float(required=True, default=1.0)
    product_id = fields.Many2one(
        "product.product",
        string="Labor Product",
        check_company=True,
        domain="[('type', '=', 'service')]",
        default=lambda self: self.env.company.after_sales_labor_product_id,
    )
    cost_rate = fields.Monetary(
        string="Cost per Hour",
        compute="_compute_cost_rate",
        store=True,
        readonly=False,
        precompute=True,
    )
    cost = fields.Monetary(compute="_compute_cost", store=True)
    sale_line_id = fields.Many2one("sale.order.line", readonly=True, copy=False, index="btree_not_null")

    @api.depends("product_id")
    def _compute_cost_rate(self):
        for line in self:
            line.cost_rate = line.product_id.standard_price

    @api.depends("hours", "cost_rate")
    def _compute_cost(self):
        for line in self:
            line.cost = line.currency_id.round(line.hours * line.cost_rate) if line.currency_id else 0.0

    @api.constrains("hours", "cost_rate")
    def _check_hours(self):
        for line in self:
            if line.hours <= 0:
                raise ValidationError(self.env._("Labor hours must be positive (%(line)s).", line=line.name))
            if line.cost_rate < 0:
                raise ValidationError(
                    self.env._("The cost per hour cannot be negative (%(line)s).", line=line.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        closed = lines.order_id.filtered(lambda o: o.state in ("returned", "cancel"))
        if closed:
            raise UserError(
                self.env._("%(order)s is closed: no more labor can be recorded.", order=closed[0].name)
            )
        lines._sync_sale_lines()
        lines.order_id._adjust_cost_entries()
        return lines

    def write(self, vals):
        self._check_open()
        if "cost_rate" in vals:
            done = self.order_id.filtered(lambda o: o.state == "done")
            if done:
                # The rate of finished work is what was posted: a manager's call.
                done._check_manager(
                    self.env._("Only After-Sales managers change the cost rate of finished work.")
                )
        if "order_id" in vals:
            raise UserError(self.env._("A labor line stays on the order it was recorded on."))
        res = super().write(vals)
        if {"hours", "product_id", "name"} & set(vals):
            self._sync_sale_lines()
        if {"hours", "cost_rate"} & set(vals):
            self.order_id._adjust_cost_entries()
        return res

    def unlink(self):
        self._check_open()
        orders = self.order_id
        # Labor no longer done is no longer quoted.
        sale_lines = self.sale_line_id.filtered(lambda sl: sl.order_id.state not in ("cancel",))
        res = super().unlink()
        sale_lines.filtered(lambda sl: sl.order_id.state in ("draft", "sent")).unlink()
        sale_lines.exists().product_uom_qty = 0.0
        orders._adjust_cost_entries()
        return res

    def _check_open(self):
        """Labor of returned or cancelled orders is history: locked."""
        closed = self.order_id.filtered(lambda o: o.state in ("returned", "cancel"))
        if closed:
            raise UserError(
                self.env._("%(order)s is closed: its labor can no longer be changed.", order=closed[0].name)
            )

    def _sync_sale_lines(self):
        """Labor of orders the customer pays (paid, goodwill) is quoted on the
        order's quotation as it is recorded, also once it is confirmed."""
        for line in self:
            order = line.order_id
            sale_order = order.sale_order_id
            if (
                not sale_order
                or sale_order.state == "cancel"
                or sale_order.locked
                or not line.product_id
                or order._is_company_borne()
            ):
                continue
            values = {"product_uom_qty": line.hours, "name": line.name}
            if line.sale_line_id:
                line.sale_line_id.write(values)
            else:
                line.sale_line_id = self.env["sale.order.line"].create(
                    {**values, "order_id": sale_order.id, "product_id": line.product_id.id}
                )
                order._apply_quotation_terms(line.sale_line_id)
