from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, index_exists, is_html_empty

from ..tools.failure_stats import complete_months
from .state_guard import workflow

# Open alerts: an evaluation feeds them with later failures, and no second
# alert opens for their product and defect.
OPEN_STATES = ("new", "proposed", "accepted")
PROPOSALS = [
    ("investigate", "Investigate"),
    ("design_change", "Design Change"),
    ("reduce_volume", "Reduce Volume"),
    ("stop_production", "Stop Production"),
]
# The manager writes the proposal while the alert is new: what production
# received is not changed afterwards.
PROPOSAL_FIELDS = ("proposal", "proposal_reason", "production_user_id")


class AfterSalesQualityAlert(models.Model):
    """A systematic complaint: the failures of one defect of one product that
    crossed the thresholds of its category, and the manager's proposal to
    production (investigate, change the design, reduce the volume, stop).

    Alerts are opened and fed by the evaluation of the thresholds
    (``quality_alert_evaluation.py``); the manager proposes, records
    production's decision and closes them."""

    _name = "after_sales.quality.alert"
    _description = "Quality Alert"
    _inherit = ["mail.thread", "mail.activity.mixin", "after_sales.state.guard"]
    _order = "id desc"
    _check_company_auto = True
    # The alert's subject and figures come from the evaluation, its dates
    # from the buttons.
    _workflow_fields = (
        "state",
        "company_id",
        "product_id",
        "defect_code_id",
        "period_start",
        "period_end",
        "failures",
        "installed_base",
        "failure_rate",
        "threshold",
        "min_count",
        "order_ids",
        "date_proposed",
        "date_decision",
    )
    _workflow_initial = {"state": ("new",)}

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [
            ("new", "New"),
            ("proposed", "Proposed"),
            ("accepted", "Accepted"),
            ("rejected", "Rejected"),
            ("done", "Done"),
        ],
        default="new",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id")
    product_categ_id = fields.Many2one(related="product_id.categ_id", string="Product Category")
    defect_code_id = fields.Many2one(
        "after_sales.defect.code",
        string="Defect",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    period_start = fields.Date(readonly=True, help="First intake day counted.")
    period_end = fields.Date(readonly=True, help="The day of the evaluation that last counted the failures.")
    failures = fields.Integer(readonly=True, tracking=True, help="Failures of this defect in the period.")
    installed_base = fields.Integer(
        readonly=True,
        help="Units of the product in service in the period: confirmed warranty registrations "
        "started by its end whose coverage (or an extension's) runs on or after its start.",
    )
    failure_rate = fields.Float(
        string="Failure Rate (%)",
        digits=(16, 2),
        readonly=True,
        tracking=True,
        help="Failures per 100 units of the installed base.",
    )
    threshold = fields.Float(
        string="Threshold (%)",
        digits=(16, 2),
        readonly=True,
        help="The failure rate threshold of the product's category when the alert opened.",
    )
    min_count = fields.Integer(
        string="Minimum Failures",
        readonly=True,
        help="The minimum failures of the product's category when the alert opened.",
    )
    order_ids = fields.Many2many(
        "after_sales.service.order",
        "after_sales_quality_alert_order_rel",
        "alert_id",
        "order_id",
        string="Failed Units",
        readonly=True,
        check_company=True,
    )
    order_count = fields.Integer(compute="_compute_order_count")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )

    # Proposal to production
    proposal = fields.Selection(PROPOSALS, tracking=True)
    proposal_reason = fields.Html(string="Reasoning")
    production_user_id = fields.Many2one(
        "res.users",
        string="Production Responsible",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        help="Receives the proposal: an activity and a mail with the PDF.",
    )
    date_proposed = fields.Date(readonly=True, copy=False)
    decision_reason = fields.Text(
        tracking=True,
        help="Production's reason to accept or reject the proposal, or why the alert closes " "without one.",
    )
    date_decision = fields.Date(readonly=True, copy=False)
    archive_product = fields.Boolean(
        string="Archive the Product",
        help="Stop Selling also archives the product (its variant; the product with its last variant).",
    )
    product_sale_ok = fields.Boolean(string="Still Sold", compute="_compute_product_sale", compute_sudo=True)

    # Evidence: what the failures cost, from the orders' costs.
    parts_cost = fields.Monetary(compute="_compute_evidence", compute_sudo=True)
    labor_cost = fields.Monetary(compute="_compute_evidence", compute_sudo=True)
    transport_cost = fields.Monetary(compute="_compute_evidence", compute_sudo=True)
    total_cost = fields.Monetary(compute="_compute_evidence", compute_sudo=True)

    # What the buttons allow now (the actions refuse what they forbid).
    can_propose = fields.Boolean(compute="_compute_can_workflow")
    can_decide = fields.Boolean(compute="_compute_can_workflow")
    can_done = fields.Boolean(compute="_compute_can_workflow")
    can_stop_selling = fields.Boolean(compute="_compute_can_workflow")

    def init(self):
        # The database's guarantee of one open alert per product and defect:
        # two evaluations running at once (several servers, the button) may
        # both find none open; the second one's insert is refused (see
        # ``_evaluate_company``).
        name = "after_sales_quality_alert_open_uniq"
        if not index_exists(self.env.cr, name):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX %s ON %s (company_id, product_id, defect_code_id) WHERE state IN %s",
                    SQL.identifier(name),
                    SQL.identifier(self._table),
                    OPEN_STATES,
                )
            )

    @api.depends("order_ids")
    def _compute_order_count(self):
        for alert in self:
            alert.order_count = len(alert.order_ids)

    @api.depends("product_id.sale_ok", "product_id.active")
    def _compute_product_sale(self):
        for alert in self:
            alert.product_sale_ok = alert.product_id.sale_ok and alert.product_id.active

    @api.depends(
        "order_ids.parts_cost", "order_ids.labor_cost", "order_ids.transport_cost", "order_ids.total_cost"
    )
    def _compute_evidence(self):
        for alert in self:
            orders = alert.order_ids
            alert.parts_cost = sum(orders.mapped("parts_cost"))
            alert.labor_cost = sum(orders.mapped("labor_cost"))
            alert.transport_cost = sum(orders.mapped("transport_cost"))
            alert.total_cost = sum(orders.mapped("total_cost"))

    @api.depends("state", "proposal", "archive_product", "product_sale_ok")
    def _compute_can_workflow(self):
        for alert in self:
            alert.can_propose = alert.state == "new"
            alert.can_decide = alert.state == "proposed"
            alert.can_done = alert.state in ("new", "accepted")
            alert.can_stop_selling = (
                alert.state in ("accepted", "done")
                and alert.proposal == "stop_production"
                and (alert.product_sale_ok or (alert.archive_product and alert.product_id.active))
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_workflow_vals(vals_list, create=True)
        self.env["ir.sequence"]._after_sales_assign_names("after_sales.quality.alert", vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_workflow_vals([vals])
        if not self._in_workflow():
            self._check_editable(vals)
        return super().write(vals)

    def _check_editable(self, vals):
        if set(PROPOSAL_FIELDS) & set(vals):
            sent = self.filtered(lambda a: a.state != "new")
            if sent:
                raise UserError(
                    self.env._(
                        "The proposal of %(alert)s went to production: it no longer changes.",
                        alert=sent[0].name,
                    )
                )
        if "decision_reason" in vals:
            decided = self.filtered(lambda a: a.state not in ("new", "proposed"))
            if decided:
                raise UserError(
                    self.env._(
                        "%(alert)s is decided: the reason of the decision no longer changes.",
                        alert=decided[0].name,
                    )
                )

    # Buttons ------------------------------------------------------------------

    @workflow
    def action_propose(self):
        """Send the proposal to production: an activity for its responsible
        and a mail with the PDF "Proposal to production"."""
        self._check_manager(self.env._("Only After-Sales managers send proposals to production."))
        self._check_can("can_propose", self.env._("Proposing to production"))
        for alert in self:
            missing = []
            if not alert.proposal:
                missing.append(self.env._("the proposal"))
            if is_html_empty(alert.proposal_reason):
                missing.append(self.env._("its reasoning"))
            if not alert.production_user_id:
                missing.append(self.env._("the production responsible"))
            if missing:
                raise UserError(
                    self.env._(
                        "Fill in %(missing)s of %(alert)s (Proposal tab) before sending it to production.",
                        missing=", ".join(missing),
                        alert=alert.name,
                    )
                )
        self.write({"state": "proposed", "date_proposed": fields.Date.context_today(self)})
        self._notify_production()
        return True

    @workflow
    def action_accept(self):
        """Production accepts the proposal (the manager records it, with the reason)."""
        self._decide("accepted", self.env._("Accepting"))
        return True

    @workflow
    def action_reject(self):
        """Production rejects the proposal (the manager records it, with the reason)."""
        self._decide("rejected", self.env._("Rejecting"))
        return True

    @workflow
    def action_done(self):
        """Close the alert: the accepted measures are in place, or nothing is to
        be proposed (the reason says why)."""
        self._check_manager(self.env._("Only After-Sales managers close quality alerts."))
        self._check_can("can_done", self.env._("Closing"))
        unexplained = self.filtered(lambda a: a.state == "new" and not (a.decision_reason or "").strip())
        if unexplained:
            raise UserError(
                self.env._(
                    "Say why %(alert)s closes without a proposal to production (Decision) first.",
                    alert=unexplained[0].name,
                )
            )
        today = fields.Date.context_today(self)
        for alert in self:
            alert.write({"state": "done", "date_decision": alert.date_decision or today})
        return True

    @workflow
    def action_stop_selling(self):
        """Production stops the product: it can no longer be sold, and it is
        archived when the alert asks for it."""
        self._check_manager(self.env._("Only After-Sales managers stop the sale of a product."))
        self._check_can("can_stop_selling", self.env._("Stopping the sale"))
        self._stop_selling()
        return True

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_service_order_action"
        )
        action["domain"] = [("id", "in", self.order_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_print_proposal(self):
        return self.env.ref("after_sales_service.action_report_quality_proposal").report_action(self)

    # Business methods --------------------------------------------------------

    def _decide(self, state, action):
        self._check_manager(self.env._("Only After-Sales managers record production's decision."))
        self._check_can("can_decide", action)
        undecided = self.filtered(lambda a: not (a.decision_reason or "").strip())
        if undecided:
            raise UserError(
                self.env._(
                    "Give production's reason of the decision on %(alert)s (Decision) first.",
                    alert=undecided[0].name,
                )
            )
        self.write({"state": state, "date_decision": fields.Date.context_today(self)})
        for alert in self:
            alert.activity_feedback(
                ["mail.mail_activity_data_todo"],
                user_id=alert.production_user_id.id,
                feedback=alert.decision_reason,
            )

    def _notify_production(self):
        report = self.env.ref("after_sales_service.action_report_quality_proposal")
        proposals = dict(self._fields["proposal"]._description_selection(self.env))
        for alert in self:
            content, kind = report._render_qweb_pdf(report.report_name, alert.ids)
            summary = self.env._(
                "Proposal to production: %(proposal)s %(product)s",
                proposal=proposals[alert.proposal],
                product=alert.product_id.display_name,
            )
            alert.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=alert.production_user_id.id,
                summary=summary,
                note=alert.proposal_reason,
            )
            alert.message_post(
                subject=summary,
                body=self.env._(
                    "%(summary)s, for %(failures)s failures of %(defect)s among %(base)s units "
                    "(%(rate).2f %%). The proposal and its evidence are attached.",
                    summary=summary,
                    failures=alert.failures,
                    defect=alert.defect_code_id.display_name,
                    base=alert.installed_base,
                    rate=alert.failure_rate,
                ),
                partner_ids=alert.production_user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
                attachments=[(f"{self.env._('Proposal to production')} {alert.name}.{kind}", content)],
            )

    def _stop_selling(self):
        for alert in self:
            # sudo: products are the sales and inventory managers' records; the
            # After-Sales manager's decision on the alert stops the sale.
            product = alert.product_id.sudo()
            product.product_tmpl_id.sale_ok = False
            archived = alert.archive_product and product.active
            if archived:
                product.action_archive()
            if archived:
                body = self.env._(
                    "%(product)s can no longer be sold and is archived, as production decided on this alert.",
                    product=product.display_name,
                )
            else:
                body = self.env._(
                    "%(product)s can no longer be sold, as production decided on this alert.",
                    product=product.display_name,
                )
            alert.message_post(body=body)

    def _evidence_lines(self):
        """The failed units of the proposal's evidence, oldest first: the order,
        its months in service and its costs."""
        self.ensure_one()
        lines = []
        for order in self.order_ids.sorted(lambda o: (o.date_intake, o.id)):
            lines.append(
                {
                    "order": order,
                    "months_in_service": complete_months(order.date_in_service, order.date_intake),
                }
            )
        return lines
