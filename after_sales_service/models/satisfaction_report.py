from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.rating.models.rating_data import RATING_LIMIT_MIN, RATING_LIMIT_SATISFIED, RATING_TEXT


class AfterSalesSatisfactionReport(models.Model):
    """The customers' ratings of their service orders, with what was
    serviced and by whom: one row per rating given (requests not answered
    are left out)."""

    _name = "after_sales.satisfaction.report"
    _description = "Customer Satisfaction"
    _auto = False
    _order = "date desc, id desc"
    # What the view reads: flushed before it is searched.
    _depends = {
        "rating.rating": [
            "res_model",
            "res_id",
            "consumed",
            "rating",
            "rating_text",
            "feedback",
            "write_date",
        ],
        "after_sales.service.order": [
            "company_id",
            "partner_id",
            "user_id",
            "product_id",
            "coverage",
            "request_type",
            "date_returned",
        ],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
    }

    rating_id = fields.Many2one("rating.rating", readonly=True)
    order_id = fields.Many2one("after_sales.service.order", string="Service Order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    # The order's technician: the one Odoo's rating names as rated
    # (_rating_get_operator), kept current when the order changes hands.
    user_id = fields.Many2one("res.users", string="Technician", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    coverage = fields.Selection(selection=lambda self: self._order_selection("coverage"), readonly=True)
    request_type = fields.Selection(
        selection=lambda self: self._order_selection("request_type"), string="Request", readonly=True
    )
    date = fields.Datetime(string="Rated On", readonly=True)
    date_returned = fields.Datetime(string="Returned On", readonly=True)
    rating = fields.Float(string="Rating (1-5)", aggregator="avg", readonly=True)
    rating_text = fields.Selection(RATING_TEXT, readonly=True)
    satisfied = fields.Float(
        string="Satisfied (%)",
        aggregator="avg",
        readonly=True,
        help="Share of the ratings of 4 or 5 stars (Satisfied, Very satisfied).",
    )
    feedback = fields.Text(string="Comment", readonly=True)

    def _order_selection(self, field_name):
        # The order's own values and labels: one source for both.
        return self.env["after_sales.service.order"]._fields[field_name]._description_selection(self.env)

    @property
    def _table_query(self):
        # A rating is "given" once the customer answered (consumed), as
        # Odoo's rating statistics count them.
        return SQL(
            """
            SELECT r.id AS id,
                   r.id AS rating_id,
                   o.id AS order_id,
                   o.company_id,
                   o.partner_id,
                   o.user_id,
                   o.product_id,
                   tmpl.categ_id AS product_categ_id,
                   o.coverage,
                   o.request_type,
                   r.write_date AS date,
                   o.date_returned,
                   r.rating,
                   r.rating_text,
                   CASE WHEN r.rating >= %(satisfied)s THEN 100.0 ELSE 0.0 END AS satisfied,
                   r.feedback
              FROM rating_rating r
              JOIN after_sales_service_order o ON o.id = r.res_id
              JOIN product_product product ON product.id = o.product_id
              JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
             WHERE r.res_model = %(model)s
               AND r.consumed
               AND r.rating >= %(minimum)s
            """,
            satisfied=RATING_LIMIT_SATISFIED,
            minimum=RATING_LIMIT_MIN,
            model="after_sales.service.order",
        )
