from odoo import api, models
from odoo.tools import SQL


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    @api.model
    def _after_sales_assign_names(self, code, vals_list):
        """Give each of ``vals_list`` without a name the next number of the
        sequence ``code`` of its company: one lookup per company, and one
        query for all numbers of a standard sequence."""
        new_name = self.env._("New")
        by_company = {}
        for vals in vals_list:
            if vals.get("name", new_name) == new_name:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                by_company.setdefault(company, []).append(vals)
        for company, company_vals in by_company.items():
            names = self._after_sales_next_names(code, company, len(company_vals))
            for vals, name in zip(company_vals, names or [new_name] * len(company_vals), strict=True):
                vals["name"] = name

    @api.model
    def _after_sales_next_names(self, code, company, count):
        # sudo as in next_by_code: sequences are configuration.
        sequence = (
            self.sudo()
            .search(
                [("code", "=", code), ("company_id", "in", [company.id, False])], order="company_id", limit=1
            )
            .with_company(company)
        )
        if not sequence:
            return []
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _i in range(count)]
        self.env.cr.execute(
            SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f"ir_sequence_{sequence.id:03d}", count)
        )
        return [sequence.get_next_char(number) for (number,) in self.env.cr.fetchall()]
