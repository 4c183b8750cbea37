from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    is_warranty_extension = fields.Boolean(related="product_id.is_warranty_extension")
    warranty_lot_id = fields.Many2one(
        "stock.lot",
        string="Serial to Extend",
        check_company=True,
        help="Serial number whose warranty this extension prolongs.",
    )
    warranty_ids = fields.One2many("after_sales.warranty", "sale_line_id", string="Warranty Registrations")

    @api.constrains("warranty_lot_id", "product_id")
    def _check_warranty_lot(self):
        for line in self:
            if line.warranty_lot_id and not line.is_warranty_extension:
                raise UserError(
                    self.env._(
                        "Only warranty extension products take a serial to extend (line %(line)s).",
                        line=line.name,
                    )
                )

    def _after_sales_invoice_dates(self):
        """Date of the first posted customer invoice of each line, by line id."""
        dates = {}
        for line in self:
            invoices = line.invoice_lines.move_id.filtered(
                lambda m: m.state == "posted" and m.move_type == "out_invoice"
            )
            if invoices:
                dates[line.id] = min(invoices.mapped("invoice_date"))
        return dates

    def _after_sales_create_extensions(self):
        """Register the extension bought on each line for its serial number."""
        lines = self.filtered(lambda line: line.is_warranty_extension and not line.warranty_ids)
        if not lines:
            return
        Warranty = self.env["after_sales.warranty"]
        vals_list = []
        for line in lines:
            if not line.warranty_lot_id:
                raise UserError(
                    self.env._(
                        "Set the serial number to extend on line %(line)s.",
                        line=line.name,
                    )
                )
            base = Warranty.sudo()._find_covering(lot=line.warranty_lot_id)
            if not base:
                raise UserError(
                    self.env._(
                        "Serial number %(serial)s has no warranty in force to extend.",
                        serial=line.warranty_lot_id.name,
                    )
                )
            # Extend the end of the chain: base, then any earlier extension.
            last = base
            while last.extension_ids.filtered(lambda w: w.registration_state == "confirmed"):
                last = last.extension_ids.filtered(lambda w: w.registration_state == "confirmed").sorted(
                    "date_end"
                )[-1]
            vals_list.append(last._prepare_extension_vals(line, line.product_id.warranty_term_id))
        # sudo: salespeople sell extensions without After-Sales rights.
        Warranty.sudo().with_context(mail_create_nosubscribe=True).create(vals_list)
