from odoo import fields, models
from odoo.tools.sql import column_exists, create_column


class AccountMove(models.Model):
    _inherit = "account.move"

    after_sales_order_id = fields.Many2one(
        "after_sales.service.order",
        string="Service Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._after_sales_start_invoice_warranties()
        refunds = posted.filtered(lambda m: m.move_type == "in_refund")
        if refunds:
            # sudo: posting the credit note settles the claim, whatever the
            # accountant's After-Sales rights.
            claims = (
                self.env["after_sales.supplier.claim"].sudo().search([("credit_note_id", "in", refunds.ids)])
            )
            claims._on_credit_note_posted()
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
        for warranty in warranties:
            warranty.write({"date_start": dates[warranty.sale_line_id.id], "awaiting_invoice": False})


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    after_sales_order_id = fields.Many2one(
        related="move_id.after_sales_order_id", store=True, index="btree_not_null", string="Service Order"
    )
    after_sales_coverage = fields.Selection(
        related="move_id.after_sales_order_id.coverage", store=True, string="Service Coverage"
    )

    def _auto_init(self):
        # Lines that exist before the addon belong to no service order: create
        # the columns empty instead of recomputing every journal item.
        for column, column_type in (("after_sales_order_id", "int4"), ("after_sales_coverage", "varchar")):
            if not column_exists(self.env.cr, "account_move_line", column):
                create_column(self.env.cr, "account_move_line", column, column_type)
        return super()._auto_init()
