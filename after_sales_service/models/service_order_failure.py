from odoo import api, fields, models

from ..tools.failure_stats import complete_months, service_start


class AfterSalesServiceOrder(models.Model):
    """How long the unit ran before it failed: the day it entered service
    and the complete months since, kept on the order at intake. The failure
    analysis groups by them, and the failure rates count the failure in the
    installed base of that month, without reading the registrations again."""

    _inherit = "after_sales.service.order"  # pylint: disable=consider-merging-classes-inherited

    date_in_service = fields.Date(
        string="In Service Since",
        compute="_compute_date_in_service",
        store=True,
        precompute=True,
        help="Start of the unit's warranty registration (of the first one, for an extension); "
        "without one in force, of the unit's latest registration started before the intake.",
    )
    months_in_service = fields.Integer(
        compute="_compute_months_in_service",
        store=True,
        precompute=True,
        help="Complete months from In Service Since to the intake.",
    )

    @api.depends("warranty_id.date_start", "warranty_id.parent_id", "lot_id", "date_intake")
    def _compute_date_in_service(self):
        # Units out of warranty: their latest registration (no extension)
        # started by the intake, in one search for the batch. sudo: the unit's
        # history dates it, whoever takes the order in.
        without = self.filtered(lambda o: not o.warranty_id and o.lot_id and o.date_intake)
        registrations = (
            self.env["after_sales.warranty"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", without.lot_id.ids),
                    ("parent_id", "=", False),
                    ("registration_state", "=", "confirmed"),
                ],
                order="date_start desc, id desc",
            )
            if without
            else []
        )
        for order in self:
            if order.warranty_id:
                order.date_in_service = service_start(order.warranty_id)
                continue
            if order not in without:
                order.date_in_service = False
                continue
            order.date_in_service = next(
                (
                    registration.date_start
                    for registration in registrations
                    if registration.lot_id == order.lot_id and registration.date_start <= order.date_intake
                ),
                False,
            )

    @api.depends("date_in_service", "date_intake")
    def _compute_months_in_service(self):
        for order in self:
            order.months_in_service = complete_months(order.date_in_service, order.date_intake) or 0
