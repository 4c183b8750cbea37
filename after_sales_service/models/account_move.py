from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import column_exists, create_column

BILL_TYPES = ("in_invoice", "in_refund")
# The account types that carry service costs (parts, labor, goodwill,
# transport), on the order's analytics and in the provision's cost history:
# Expenses and Cost of Revenue, where Odoo posts the cost of goods sold.
# Depreciation is not one: it writes off fixed assets, which no service order
# consumes.
EXPENSE_ACCOUNT_TYPES = ("expense", "expense_direct_cost")


class AccountMove(models.Model):
    _inherit = "account.move"

    after_sales_order_id = fields.Many2one(
        "after_sales.service.order",
        string="Service Order",
        index="btree_not_null",
        copy=False,
        check_company=True,
        help="The service order this entry belongs to. On a vendor bill (courier, transport), "
        "its lines go to the transport expense account when the order is under warranty or goodwill.",
    )

    after_sales_claim_id = fields.Many2one(
        "after_sales.supplier.claim",
        string="Supplier Claim",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
        help="The supplier warranty claim this credit note settles.",
    )

    def write(self, vals):
        if "after_sales_order_id" in vals:
            fixed = self.filtered(lambda m: m.move_type in BILL_TYPES and m.state != "draft")
            if fixed:
                raise UserError(
                    self.env._(
                        "Link %(bill)s to a service order while it is a draft: "
                        "its accounts follow the order.",
                        bill=fixed[0].display_name,
                    )
                )
        res = super().write(vals)
        if "after_sales_order_id" in vals:
            self._after_sales_apply_order_to_bill()
        return res

    @api.onchange("after_sales_order_id")
    def _onchange_after_sales_order_id(self):
        self._after_sales_apply_order_to_bill()

    def _after_sales_apply_order_to_bill(self):
        """Lines of a bill linked to an order: its accounts and analytic distribution."""
        lines = self.filtered(lambda m: m.move_type in BILL_TYPES).invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        if lines:
            self.env.add_to_compute(lines._fields["account_id"], lines)
            self.env.add_to_compute(lines._fields["analytic_distribution"], lines)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._after_sales_start_invoice_warranties()
        # sudo: posting the credit note settles the claim, whatever the
        # accountant's After-Sales rights.
        posted.filtered(
            lambda m: m.move_type == "in_refund"
        ).after_sales_claim_id.sudo()._on_credit_note_posted()
        return posted

    def _after_sales_start_invoice_warranties(self):
        """Warranties whose term starts at the invoice start on its date."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        sale_lines = invoices.invoice_line_ids.sale_line_ids
        if not sale_lines:
            return
        # sudo: posting the invoice fixes the start; accountants need no
        # After-Sales rights for it.
        warranties = (
            self.env["after_sales.warranty"]
            .sudo()
            .search([("sale_line_id", "in", sale_lines.ids), ("awaiting_invoice", "=", True)])
        )
        dates = {}
        for invoice in invoices:
            for line in invoice.invoice_line_ids.sale_line_ids:
                dates[line.id] = min(dates.get(line.id, invoice.invoice_date), invoice.invoice_date)
        # One write per invoice date (usually one for the whole batch).
        for date, group in warranties.grouped(lambda w: dates[w.sale_line_id.id]).items():
            group.write({"date_start": date, "awaiting_invoice": False})


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    after_sales_order_id = fields.Many2one(
        related="move_id.after_sales_order_id", store=True, index="btree_not_null", string="Service Order"
    )
    after_sales_coverage = fields.Selection(
        related="move_id.after_sales_order_id.coverage", store=True, string="Service Coverage"
    )
    after_sales_claim_id = fields.Many2one(
        related="move_id.after_sales_claim_id", store=True, index="btree_not_null", string="Supplier Claim"
    )
    after_sales_product_id = fields.Many2one(
        "product.product",
        string="Serviced Product",
        compute="_compute_after_sales_product_id",
        store=True,
        help="The product of the service order (or of the supplier claim) the item belongs to.",
    )
    after_sales_categ_id = fields.Many2one(
        "product.category",
        string="Serviced Product Category",
        related="after_sales_product_id.categ_id",
        store=True,
    )

    @api.depends("move_id.after_sales_order_id.product_id", "move_id.after_sales_claim_id.product_id")
    def _compute_after_sales_product_id(self):
        for line in self:
            move = line.move_id
            claim = move.after_sales_claim_id
            line.after_sales_product_id = (
                move.after_sales_order_id.product_id
                or claim.service_order_ids[:1].product_id
                or claim.product_id
            )

    def _compute_account_id(self):
        res = super()._compute_account_id()
        for line in self:
            account = line._after_sales_transport_account()
            if account:
                line.account_id = account
            elif (
                line._after_sales_bill_order()
                and line.account_id == line.company_id.after_sales_transport_expense_account_id
            ):
                # Moved to a paid order: the customer pays; back to the usual account.
                line.account_id = line.move_id.journal_id.default_account_id or line.account_id
                if line.product_id:
                    accounts = line.product_id.product_tmpl_id.with_company(
                        line.company_id
                    ).get_product_accounts(fiscal_pos=line.move_id.fiscal_position_id)
                    line.account_id = accounts["expense"] or line.account_id
        return res

    def _compute_analytic_distribution(self):
        res = super()._compute_analytic_distribution()
        for line in self:
            order = line._after_sales_bill_order() or line._after_sales_cogs_order()
            # sudo: the accountant entering the bill may not read orders' analytics.
            distribution = order.sudo().analytic_distribution
            if distribution:
                line.analytic_distribution = distribution
        return res

    def _after_sales_cogs_order(self):
        """The service order of an invoice's cost of goods expense line: the
        cost of the parts a paid or goodwill order sold."""
        self.ensure_one()
        if self.display_type != "cogs" or self.account_id.account_type not in EXPENSE_ACCOUNT_TYPES:
            return self.env["after_sales.service.order"]
        return self.move_id.after_sales_order_id

    def _after_sales_bill_order(self):
        """The service order of a vendor bill's product line, if any."""
        self.ensure_one()
        if self.display_type != "product" or self.move_id.move_type not in BILL_TYPES:
            return self.env["after_sales.service.order"]
        return self.move_id.after_sales_order_id

    def _after_sales_transport_account(self):
        """Courier and transport billed for an order the company bears."""
        order = self._after_sales_bill_order().sudo()
        if not order or order.coverage == "paid":
            return self.env["account.account"]
        account = order.company_id.after_sales_transport_expense_account_id
        if not account:
            raise UserError(
                self.env._(
                    "Set the transport expense account in After-Sales settings to bill transport "
                    "for %(order)s.",
                    order=order.name,
                )
            )
        return account

    def _auto_init(self):
        # Lines that exist before the addon belong to no service order: create
        # the columns empty instead of recomputing every journal item.
        for column, column_type in (
            ("after_sales_order_id", "int4"),
            ("after_sales_coverage", "varchar"),
            ("after_sales_claim_id", "int4"),
            ("after_sales_product_id", "int4"),
            ("after_sales_categ_id", "int4"),
        ):
            if not column_exists(self.env.cr, "account_move_line", column):
                create_column(self.env.cr, "account_move_line", column, column_type)
        return super()._auto_init()
