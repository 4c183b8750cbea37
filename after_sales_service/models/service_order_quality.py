from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .state_guard import workflow

# Work whose finishing records what failed and why.
DIAGNOSED_REQUESTS = ("repair", "inspection")


class AfterSalesServiceOrder(models.Model):
    """The defect record of an order: what failed (``defect_code_id``), why
    (``defect_cause_id``), which part (``failed_product_id``). Finishing a
    repair or an inspection needs code and cause (a company setting); a cause
    the company is not liable for, on a warranty order, waits for a manager's
    decision: the customer pays, or the company grants goodwill. A unit back
    within the company's repeat window after a finished repair is flagged
    repeat, with the earlier order."""

    _inherit = "after_sales.service.order"  # pylint: disable=consider-merging-classes-inherited

    product_categ_id = fields.Many2one(related="product_id.categ_id", string="Product Category")
    defect_code_id = fields.Many2one(
        "after_sales.defect.code",
        string="Defect",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="['|', ('categ_ids', '=', False), ('categ_ids', 'parent_of', product_categ_id)]",
        help="What failed, from the defect catalogue (codes of the unit's product category).",
    )
    defect_cause_id = fields.Many2one(
        "after_sales.defect.cause",
        string="Cause",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        help="Why it failed. A cause the company is not liable for (misuse, wear) on a warranty "
        "order asks a manager whether the customer pays or the company grants goodwill.",
    )
    defect_cause_type = fields.Selection(related="defect_cause_id.cause_type", string="Cause Type")
    failed_product_id = fields.Many2one(
        "product.product",
        string="Failed Part",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('id', 'in', failed_product_offer_ids)]",
        help="The part that failed: one of the repair's parts or of the product's compatible parts.",
    )
    failed_product_offer_ids = fields.Many2many(
        "product.product", compute="_compute_failed_product_offer_ids"
    )
    defect_note = fields.Text(string="Diagnosis", help="What the technician found.")
    needs_cause_decision = fields.Boolean(
        compute="_compute_needs_cause_decision",
        help="A warranty order whose cause the company is not liable for: a manager decides.",
    )
    cause_decision = fields.Selection(
        [("paid", "Customer Pays"), ("goodwill", "Goodwill")],
        readonly=True,
        copy=False,
        tracking=True,
        help="The manager's decision on a warranty order whose cause the company is not liable for.",
    )
    repeat_of_id = fields.Many2one(
        "after_sales.service.order",
        string="Repeat of",
        compute="_compute_repeat_of_id",
        store=True,
        readonly=True,
        index="btree_not_null",
        help="The unit's earlier order finished within the company's repeat window before this intake.",
    )
    is_repeat = fields.Boolean(string="Repeat Repair", compute="_compute_repeat_of_id", store=True)

    @api.depends("product_id", "repair_ids.move_ids.product_id")
    def _compute_failed_product_offer_ids(self):
        for order in self:
            order.failed_product_offer_ids = (
                order.repair_ids.move_ids.product_id | order.product_id.product_tmpl_id.spare_part_ids
            )

    @api.depends("coverage", "state", "defect_cause_id.company_liable")
    def _compute_needs_cause_decision(self):
        for order in self:
            order.needs_cause_decision = (
                order.coverage == "warranty"
                and bool(order.defect_cause_id)
                and not order.defect_cause_id.company_liable
                and order.state not in ("returned", "cancel")
            )

    @api.depends("lot_id", "date_intake", "company_id")
    def _compute_repeat_of_id(self):
        orders = self.filtered(
            lambda o: o.lot_id and o.date_intake and o.company_id.after_sales_repeat_days > 0
        )
        (self - orders).update({"repeat_of_id": False, "is_repeat": False})
        if not orders:
            return
        # One search for the batch: the finished repairs of its units since
        # the earliest window start; each order takes its latest in its window.
        since = min(o.date_intake - timedelta(days=o.company_id.after_sales_repeat_days) for o in orders)
        # sudo: an earlier order of another team still makes this one a
        # repeat; the link is shown to those who may read it.
        earlier = self.sudo().search(
            [
                ("lot_id", "in", orders.lot_id.ids),
                ("request_type", "=", "repair"),
                ("state", "in", ("done", "returned")),
                ("date_done", ">=", fields.Datetime.to_datetime(since)),
            ],
            order="date_done desc",
        )
        for order in orders:
            start = order.date_intake - timedelta(days=order.company_id.after_sales_repeat_days)
            found = next(
                (
                    done
                    for done in earlier
                    if done.lot_id == order.lot_id
                    and done.id not in order._origin.ids
                    and start <= done.date_done.date() <= order.date_intake
                ),
                None,
            )
            order.repeat_of_id = found.with_env(self.env) if found else False
            order.is_repeat = bool(found)

    @api.constrains("defect_code_id", "product_id")
    def _check_defect_code(self):
        for order in self.filtered("defect_code_id"):
            if not order.defect_code_id._applies_to(order.product_id.categ_id):
                raise ValidationError(
                    self.env._(
                        "Defect %(defect)s does not apply to products of category %(category)s.",
                        defect=order.defect_code_id.display_name,
                        category=order.product_id.categ_id.display_name,
                    )
                )

    @api.onchange("no_fault_found")
    def _onchange_no_fault_found(self):
        if self.no_fault_found and not self.defect_cause_id:
            self.defect_cause_id = self._no_fault_cause()

    def write(self, vals):
        if "defect_cause_id" in vals and not self._in_workflow():
            # The cause of finished work decided who pays: a manager's call.
            finished = self.filtered(
                lambda o: o.state in ("done", "returned") and o.defect_cause_id.id != vals["defect_cause_id"]
            )
            if finished:
                finished._check_manager(
                    self.env._(
                        "The cause of %(order)s decided who paid: only After-Sales managers change it "
                        "once the work is done.",
                        order=finished[0].name,
                    )
                )
        return super().write(vals)

    def _no_fault_cause(self):
        return self.env["after_sales.defect.cause"].search(
            [
                ("cause_type", "=", "no_fault"),
                ("company_id", "in", [*(self.company_id or self.env.company).ids, False]),
            ],
            limit=1,
        )

    def _check_defect_record(self):
        """Refuse to finish diagnosed work without its defect record, or while
        a manager's decision on the cause is pending."""
        for order in self:
            if order.request_type not in DIAGNOSED_REQUESTS:
                continue
            if order.no_fault_found and not order.defect_cause_id:
                order.defect_cause_id = order._no_fault_cause()
            if order.company_id.after_sales_defect_required:
                missing = []
                if not order.defect_code_id and not order.no_fault_found:
                    missing.append(self.env._("the defect"))
                if not order.defect_cause_id:
                    missing.append(self.env._("its cause"))
                if missing:
                    raise UserError(
                        self.env._(
                            "Record %(missing)s of %(order)s (Diagnosis tab) before finishing the work.",
                            missing=self.env._(" and ").join(missing),
                            order=order.name,
                        )
                    )
            if order.needs_cause_decision:
                raise UserError(
                    self.env._(
                        "The cause of %(order)s, %(cause)s, is not the company's to bear under "
                        "warranty: an After-Sales manager decides first whether the customer pays or "
                        "the company grants goodwill.",
                        order=order.name,
                        cause=order.defect_cause_id.display_name,
                    )
                )

    def action_done(self):
        self.filtered("can_done")._check_defect_record()
        return super().action_done()

    @workflow
    def _set_done(self):
        self._check_defect_record()
        return super()._set_done()

    # Manager's decision on a cause the company is not liable for ---------

    def _check_cause_decision(self):
        self.check_access("write")
        self._check_manager(self.env._("Only After-Sales managers decide who bears a misuse or wear cause."))
        undecidable = self.filtered(
            lambda o: not o.needs_cause_decision or o.state not in ("confirmed", "received", "in_repair")
        )
        if undecidable:
            raise UserError(
                self.env._(
                    "%(order)s waits for no decision on its cause: only an open warranty order whose "
                    "cause the company is not liable for does.",
                    order=undecidable[0].name,
                )
            )

    @workflow
    def action_cause_charge_customer(self):
        """The customer pays: the order leaves the warranty; a repair under
        way is quoted from here on, and the customer is told why."""
        self._check_cause_decision()
        for order in self:
            order.write({"coverage": "paid", "goodwill_share": 0.0, "cause_decision": "paid"})
            body = self.env._(
                "The examination of your %(product)s found the cause of the failure: %(cause)s. "
                "The warranty does not cover it, so the work is at your charge; we send you our "
                "quotation before we carry on.",
                product=order.product_id.display_name,
                cause=order.defect_cause_id.name,
            )
            order.message_post(
                body=body,
                partner_ids=order.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
            )
        self.filtered(lambda o: o.state == "in_repair")._quote_work_in_progress()
        return True

    @workflow
    def action_cause_goodwill(self):
        """The company bears it anyway, as goodwill (its whole cost)."""
        self._check_cause_decision()
        for order in self:
            order.write({"coverage": "goodwill", "goodwill_share": 100.0, "cause_decision": "goodwill"})
            order.message_post(
                body=self.env._(
                    "Cause %(cause)s is not covered by the warranty; %(user)s grants the work as goodwill.",
                    cause=order.defect_cause_id.display_name,
                    user=self.env.user.name,
                )
            )
        return True

    def _quote_work_in_progress(self):
        """Quote what a repair under way used so far (its parts, the labor
        recorded), as a paid repair is quoted when it starts."""
        self.repair_ids.filtered(lambda r: r.state not in ("done", "cancel")).under_warranty = False
        self._create_quotations()
        self.labor_line_ids._sync_sale_lines()
