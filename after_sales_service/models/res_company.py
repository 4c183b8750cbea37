from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    after_sales_warranty_term_id = fields.Many2one(
        "after_sales.warranty.term",
        string="Default Warranty Term",
        check_company=True,
        help="Applies to products whose template and category set no term.",
    )
    after_sales_consumption_location_id = fields.Many2one(
        "stock.location",
        string="Warranty Consumption Location",
        check_company=True,
        help="Virtual location that spare parts consumed under warranty move to; "
        "its valuation account is the warranty parts expense.",
    )
    after_sales_paid_repair_days = fields.Integer(
        string="Days to Repair (paid work)",
        default=14,
        help="Deadline of service orders that no warranty term covers.",
    )
    after_sales_labor_product_id = fields.Many2one(
        "product.product",
        string="Labour Product",
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="Service product of labour lines: its cost is the hourly cost rate, "
        "its sales price what a paid hour is invoiced.",
    )

    def _after_sales_consumption_location(self):
        """The company's Warranty consumption location, created when missing."""
        self.ensure_one()
        if not self.after_sales_consumption_location_id:
            # sudo: configuration created on behalf of the company.
            location = (
                self.env["stock.location"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Warranty consumption"),
                        "usage": "inventory",
                        "location_id": self.env.ref("stock.stock_location_locations_virtual").id,
                        "company_id": self.id,
                    }
                )
            )
            self.sudo().after_sales_consumption_location_id = location
        return self.after_sales_consumption_location_id
