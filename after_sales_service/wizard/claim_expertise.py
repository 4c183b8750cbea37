from odoo import fields, models


class AfterSalesClaimExpertise(models.TransientModel):
    """Send a consumer claim to an independent expertise: the laboratory
    (and, when known, the date it promises its result)."""

    _name = "after_sales.claim.expertise"
    _description = "Send a Consumer Claim to Expertise"
    _check_company_auto = True

    claim_id = fields.Many2one("after_sales.claim", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="claim_id.company_id")
    expert_id = fields.Many2one(
        "res.partner",
        string="Laboratory",
        required=True,
        check_company=True,
        help="The independent laboratory or expert that examines the unit.",
    )
    date_due = fields.Date(
        string="Result Expected",
        help="When the laboratory promises its result; needed when the unit is sent.",
    )

    def action_send(self):
        """Open the expertise (and, if needed, the inspection order that
        brings the unit in); the claim waits in Expertise."""
        self.ensure_one()
        self.claim_id._send_to_expertise(self.expert_id, self.date_due)
        return True
