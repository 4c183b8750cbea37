from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        """A chart loaded on a company gets the after-sales accounts and journal.

        Whenever it is loaded: with the addon in the same run (``account``
        loads the chart after every module of the run is installed), later on
        an existing company, or on a new company.
        """
        result = super()._post_load_data(template_code, company, template_data)
        company = company or self.env.company
        company._after_sales_setup_accounts()
        company._after_sales_sync_consumption_account()
        return result
