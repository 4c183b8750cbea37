from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


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
    # What a service order's quotation charges besides the repair's parts and
    # the labor lines (see after_sales.service.order._quote_charges).
    after_sales_charge = fields.Selection(
        [("parts", "Parts not covered"), ("labor", "Labor not covered"), ("transport", "Transport")],
        readonly=True,
        copy=False,
    )

    @api.constrains("warranty_lot_id", "product_id")
    def _check_warranty_lot(self):
        for line in self:
            if line.warranty_lot_id and not line.is_warranty_extension:
                raise ValidationError(
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
        """Register the extension bought on each line for its serial number.

        One coverage query per batch; a serial extended twice in the same
        batch gets its extensions one after the other.
        """
        lines = self.filtered(lambda line: line.is_warranty_extension and not line.warranty_ids)
        missing = lines.filtered(lambda line: not line.warranty_lot_id)
        if missing:
            raise UserError(
                self.env._("Set the serial number to extend on line %(line)s.", line=missing[0].name)
            )
        # sudo: salespeople sell extensions without After-Sales rights.
        Warranty = self.env["after_sales.warranty"].sudo().with_context(mail_create_nosubscribe=True)
        today = fields.Date.context_today(self)
        while lines:
            batch = self.browse()
            for line in lines:
                if line.warranty_lot_id not in batch.warranty_lot_id:
                    batch |= line
            covering = Warranty._registrations_by_lot(batch.warranty_lot_id, today)
            vals_list = []
            for line in batch:
                base = covering.get(line.warranty_lot_id.id, (Warranty.browse(), None))[0]
                if not base:
                    raise UserError(
                        self.env._(
                            "Serial number %(serial)s has no warranty in force to extend.",
                            serial=line.warranty_lot_id.name,
                        )
                    )
                buyer = line.order_id.partner_id.commercial_partner_id
                if base.partner_id.commercial_partner_id != buyer:
                    raise UserError(
                        self.env._(
                            "Serial number %(serial)s is not %(buyer)s's: only the holder of a unit "
                            "can extend its warranty.",
                            serial=line.warranty_lot_id.name,
                            buyer=buyer.display_name,
                        )
                    )
                vals_list.append(
                    base._last_of_chain()._prepare_extension_vals(line, line.product_id.warranty_term_id)
                )
            Warranty.create(vals_list)
            lines -= batch
