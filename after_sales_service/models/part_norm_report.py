from odoo import fields, models
from odoo.tools import SQL


class AfterSalesPartNormReport(models.Model):
    """Parts used by finished service orders against the norm of their
    product and defect: one row per order and part, used or in the norm."""

    _name = "after_sales.part.norm.report"
    _description = "Parts vs Norm"
    _auto = False
    _order = "date_done desc, order_id, part_id"

    order_id = fields.Many2one("after_sales.service.order", string="Service Order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Technician", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    defect_code_id = fields.Many2one("after_sales.defect.code", string="Defect", readonly=True)
    norm_id = fields.Many2one("after_sales.part.norm", string="Part Norm", readonly=True)
    part_id = fields.Many2one("product.product", string="Part", readonly=True)
    date_done = fields.Datetime(string="Done On", readonly=True)
    has_norm = fields.Boolean(string="With a Norm", readonly=True)
    over_norm = fields.Boolean(string="Order Over Norm", readonly=True)
    used_qty = fields.Float(string="Used", digits="Product Unit of Measure", readonly=True)
    norm_qty = fields.Float(string="Norm", digits="Product Unit of Measure", readonly=True)
    excess_qty = fields.Float(
        string="Excess",
        digits="Product Unit of Measure",
        readonly=True,
        help="Used over the norm: the whole quantity of a part outside the norm. Orders without a "
        "norm have none.",
    )

    @property
    def _table_query(self):
        # The parts used are those of the order's form and of the forecast:
        # the repairs' parts used, less those returned to stock; the norm is
        # the one the order was checked against (part_norm_id).
        return SQL(
            """
            WITH used AS (
                SELECT r.service_order_id AS order_id,
                       sm.product_id AS part_id,
                       SUM(sm.quantity / move_uom.factor * part_uom.factor - COALESCE(back.qty, 0)) AS qty
                  FROM stock_move sm
                  JOIN repair_order r ON r.id = sm.repair_id
                  JOIN uom_uom move_uom ON move_uom.id = sm.product_uom
                  JOIN product_product part ON part.id = sm.product_id
                  JOIN product_template part_tmpl ON part_tmpl.id = part.product_tmpl_id
                  JOIN uom_uom part_uom ON part_uom.id = part_tmpl.uom_id
             LEFT JOIN LATERAL (
                           SELECT SUM(ret.product_uom_qty / ret_uom.factor * part_uom.factor) AS qty
                             FROM stock_move ret
                             JOIN uom_uom ret_uom ON ret_uom.id = ret.product_uom
                            WHERE ret.origin_returned_move_id = sm.id
                              AND ret.state != 'cancel'
                       ) back ON TRUE
                 WHERE r.service_order_id IS NOT NULL
                   AND sm.state = 'done'
                   AND sm.repair_line_type = 'add'
              GROUP BY r.service_order_id, sm.product_id
            ),
            norm AS (
                SELECT o.id AS order_id, line.product_id AS part_id, SUM(line.quantity) AS qty
                  FROM after_sales_service_order o
                  JOIN after_sales_part_norm_line line ON line.norm_id = o.part_norm_id
                 WHERE o.state IN %(finished)s
              GROUP BY o.id, line.product_id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY o.id, COALESCE(used.part_id, norm.part_id)) AS id,
                   o.id AS order_id,
                   o.company_id,
                   o.user_id,
                   o.product_id,
                   o.defect_code_id,
                   o.part_norm_id AS norm_id,
                   o.date_done,
                   o.part_norm_id IS NOT NULL AS has_norm,
                   COALESCE(o.over_norm, FALSE) AS over_norm,
                   COALESCE(used.part_id, norm.part_id) AS part_id,
                   ROUND(COALESCE(used.qty, 0)::numeric, 6) AS used_qty,
                   COALESCE(norm.qty, 0) AS norm_qty,
                   CASE
                       WHEN o.part_norm_id IS NULL THEN 0
                       ELSE GREATEST(ROUND((COALESCE(used.qty, 0) - COALESCE(norm.qty, 0))::numeric, 6), 0)
                   END AS excess_qty
              FROM used
         FULL JOIN norm ON norm.order_id = used.order_id AND norm.part_id = used.part_id
              JOIN after_sales_service_order o ON o.id = COALESCE(used.order_id, norm.order_id)
             WHERE o.state IN %(finished)s
            """,
            finished=("done", "returned"),
        )
