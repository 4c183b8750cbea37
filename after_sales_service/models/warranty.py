from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, Query, create_index

from .state_guard import workflow

STATES = [
    ("draft", "Draft"),
    ("upcoming", "Upcoming"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("void", "Void"),
]


class AfterSalesWarranty(models.Model):
    """A warranty registration: its coverage, status and voiding. What
    outside systems call (status, batch registration) is in
    ``warranty_api.py``."""

    _name = "after_sales.warranty"
    _description = "Warranty Registration"
    _inherit = ["mail.thread", "mail.activity.mixin", "after_sales.state.guard"]
    # Set by the buttons (confirm, void) and by the deliveries, returns and
    # sales the registration comes from.
    _workflow_fields = ("registration_state", "state", "move_id", "sale_line_id", "origin", "date_void")
    # An outside system may register a unit as draft (to be confirmed later).
    _workflow_initial = {
        "registration_state": ("draft", "confirmed"),
        "state": ("draft", "active"),
        "origin": ("manual",),
    }
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    ref = fields.Char(
        string="External Reference",
        copy=False,
        tracking=True,
        help="Reference of the registration in an outside system (web shop, "
        "dealer portal). Unique per company, so importing the same "
        "registration twice never makes two.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('type', '=', 'consu')]",
    )
    product_tracking = fields.Selection(related="product_id.tracking")
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        index="btree_not_null",
        # A serial with a warranty or service history is kept.
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    quantity = fields.Float(
        default=1.0,
        digits="Product Unit of Measure",
        required=True,
    )
    term_id = fields.Many2one(
        "after_sales.warranty.term",
        string="Warranty Term",
        compute="_compute_term_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    kind = fields.Selection(related="term_id.kind")
    parts_coverage = fields.Float(related="term_id.parts_coverage")
    labor_coverage = fields.Float(related="term_id.labor_coverage")
    expense_coverage = fields.Float(related="term_id.expense_coverage")
    date_start = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_end = fields.Date(
        compute="_compute_date_end",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="Last day covered. Computed from the start and the term; may be " "changed by hand.",
    )
    registration_state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("void", "Void")],
        required=True,
        default="confirmed",
        copy=False,
        tracking=True,
        help="Stored part of the status. Whether a confirmed registration is "
        "active or expired depends on the day, see Status.",
    )
    state = fields.Selection(
        STATES,
        string="Status",
        compute="_compute_state",
        inverse="_inverse_state",
        search="_search_state",
        help="Upcoming until the start date (an extension that continues a "
        "running warranty), active until the end date, then expired, on any "
        "day without a scheduled job. Void registrations cover nothing.",
    )
    void_reason = fields.Text(tracking=True)
    date_void = fields.Date(readonly=True, copy=False)
    origin = fields.Selection(
        [
            ("manual", "Manual or API"),
            ("delivery", "Delivery"),
            ("extension", "Extension sale"),
        ],
        required=True,
        default="manual",
        readonly=True,
    )
    awaiting_invoice = fields.Boolean(
        readonly=True,
        copy=False,
        help="The term starts at the invoice, which is not posted yet: the "
        "start is the delivery date until then.",
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sale Order Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
    )
    sale_order_id = fields.Many2one(related="sale_line_id.order_id")
    move_id = fields.Many2one(
        "stock.move",
        string="Stock Move",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
    )
    picking_id = fields.Many2one(related="move_id.picking_id")
    parent_id = fields.Many2one(
        "after_sales.warranty",
        string="Extends",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
        help="The registration this extension prolongs.",
    )
    extension_ids = fields.One2many("after_sales.warranty", "parent_id", string="Extensions")
    conditions = fields.Html(related="term_id.conditions")

    _sql_constraints = [
        (
            "ref_company_unique",
            "UNIQUE(company_id, ref)",
            "A warranty registration with this external reference already exists in this company.",
        ),
    ]

    def init(self):
        # The coverage lookup of a serial: one index scan, newest end first.
        create_index(
            self.env.cr,
            "after_sales_warranty_lot_cover_idx",
            self._table,
            ["lot_id", "date_end DESC"],
            where="registration_state = 'confirmed'",
        )

    @api.depends("name", "lot_id.name")
    def _compute_display_name(self):
        for warranty in self:
            serial = warranty.lot_id.name
            warranty.display_name = f"{warranty.name} ({serial})" if serial else warranty.name

    @api.depends("product_id", "company_id")
    def _compute_term_id(self):
        for warranty in self:
            if warranty.product_id and not warranty.term_id:
                warranty.term_id = warranty.product_id.product_tmpl_id._get_warranty_term(warranty.company_id)

    # Deliberately not on the term's duration: changing a term applies to new
    # registrations and never rewrites the end of existing ones.
    @api.depends("date_start", "term_id")
    def _compute_date_end(self):
        for warranty in self:
            if warranty.term_id and warranty.date_start:
                warranty.date_end = warranty.term_id._get_date_end(warranty.date_start)
            elif not warranty.date_end:
                warranty.date_end = warranty.date_start

    @api.depends("registration_state", "date_start", "date_end")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for warranty in self:
            if warranty.registration_state != "confirmed":
                warranty.state = warranty.registration_state
            elif warranty.date_start and warranty.date_start > today:
                warranty.state = "upcoming"
            elif warranty.date_end and warranty.date_end < today:
                warranty.state = "expired"
            else:
                warranty.state = "active"

    @workflow
    def _inverse_state(self):
        # Lets an outside system create a registration as draft; voiding has
        # its own guarded method.
        for warranty in self:
            if warranty.state == "void":
                if warranty.registration_state != "void":
                    raise UserError(self.env._("Use the Void button to void a warranty registration."))
            elif warranty.state == "draft":
                warranty.registration_state = "draft"
            else:
                warranty.registration_state = "confirmed"

    def _search_state(self, operator, value):
        if operator in ("=", "!="):
            values = [value]
        elif operator in ("in", "not in"):
            values = list(value)
        else:
            raise UserError(self.env._("Unsupported search on the warranty status: %(op)s", op=operator))
        today = fields.Date.context_today(self)
        by_state = {
            "draft": [("registration_state", "=", "draft")],
            "void": [("registration_state", "=", "void")],
            "upcoming": [("registration_state", "=", "confirmed"), ("date_start", ">", today)],
            "active": self._covering_domain(today),
            "expired": [("registration_state", "=", "confirmed"), ("date_end", "<", today)],
        }
        domain = expression.OR([by_state[v] for v in values if v in by_state]) or expression.FALSE_DOMAIN
        if operator in ("!=", "not in"):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    @api.constrains("lot_id", "product_id", "quantity")
    def _check_lot(self):
        for warranty in self:
            if warranty.quantity <= 0:
                raise ValidationError(
                    self.env._("The quantity of warranty %(name)s must be positive.", name=warranty.name)
                )
            warranty.lot_id._after_sales_check_product(warranty.product_id)
            if warranty.product_id.tracking == "serial" and warranty.lot_id and warranty.quantity != 1:
                raise ValidationError(
                    self.env._(
                        "A registration for serial number %(lot)s covers exactly one unit.",
                        lot=warranty.lot_id.name,
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for warranty in self:
            if warranty.date_end and warranty.date_start and warranty.date_end < warranty.date_start:
                raise ValidationError(
                    self.env._(
                        "The warranty %(name)s cannot end (%(end)s) before it starts (%(start)s).",
                        name=warranty.name,
                        end=warranty.date_end,
                        start=warranty.date_start,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_workflow_vals(vals_list, create=True)
        self._check_refs_free(vals_list)
        Product = self.env["product.product"]
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            if not vals.get("term_id") and vals.get("product_id"):
                template = Product.browse(vals["product_id"]).product_tmpl_id
                term = template._get_warranty_term(company)
                if not term:
                    raise ValidationError(
                        self.env._(
                            "Product %(product)s has no warranty term: set one on the product, "
                            "its category or as the company default, or choose a term.",
                            product=template.display_name,
                        )
                    )
                vals["term_id"] = term.id
        self.env["ir.sequence"]._after_sales_assign_names("after_sales.warranty", vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_workflow_vals([vals])
        if vals.get("ref"):
            if len(self) > 1:
                raise ValidationError(self.env._("An external reference belongs to one registration only."))
            for company in self.company_id:
                self._check_refs_free([{"ref": vals["ref"], "company_id": company.id}], exclude_ids=self.ids)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if any(w.registration_state != "draft" for w in self):
            raise UserError(
                self.env._("Only draft warranty registrations can be deleted; void a confirmed one instead.")
            )

    @workflow
    def action_confirm(self):
        """Confirm draft registrations; a term that starts at registration starts today."""
        if any(w.registration_state != "draft" for w in self):
            raise UserError(self.env._("Only draft warranty registrations can be confirmed."))
        today = fields.Date.context_today(self)
        for warranty in self:
            vals = {"registration_state": "confirmed"}
            if warranty.term_id.start_basis == "registration":
                vals["date_start"] = today
            warranty.write(vals)
        return True

    def action_void(self):
        """Void the registrations (managers only). ``void_reason`` must be filled first."""
        self._check_manager(self.env._("Only After-Sales managers can void a warranty registration."))
        if any(w.registration_state == "void" for w in self):
            raise UserError(self.env._("This warranty registration is already void."))
        missing = self.filtered(lambda w: not (w.void_reason or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Give a reason before voiding warranty %(names)s.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        self._void(reason=None)
        return True

    def action_print_certificate(self):
        return self.env.ref("after_sales_service.action_report_warranty_certificate").report_action(self)

    # Business methods --------------------------------------------------------

    def _check_refs_free(self, vals_list, exclude_ids=()):
        """Refuse references already used in the company, before anything is written."""
        by_company = {}
        for vals in vals_list:
            if vals.get("ref"):
                company_id = vals.get("company_id") or self.env.company.id
                by_company.setdefault(company_id, []).append(vals["ref"])
        for company_id, refs in by_company.items():
            taken = set(refs) if len(set(refs)) < len(refs) else set()
            taken |= set(
                self.sudo()
                .search_fetch(
                    [
                        ("company_id", "=", company_id),
                        ("ref", "in", refs),
                        ("id", "not in", list(exclude_ids)),
                    ],
                    ["ref"],
                )
                .mapped("ref")
            )
            if taken:
                raise ValidationError(
                    self.env._(
                        "A warranty registration with the external reference %(ref)s "
                        "already exists in this company.",
                        ref=", ".join(sorted(taken)),
                    )
                )

    def _void(self, reason=None):
        vals = {"registration_state": "void", "date_void": fields.Date.context_today(self)}
        if reason:
            vals["void_reason"] = reason
        # sudo: voiding a returned unit is a consequence of the stock return the
        # user validated, not a manager's decision.
        self.sudo().write(vals)
        for warranty in self:
            warranty.message_post(
                body=self.env._("Warranty voided: %(reason)s", reason=warranty.void_reason),
            )

    # Coverage lookup ---------------------------------------------------------

    @api.model
    def _covering_domain(self, date_from, date_to=None):
        """Registrations that cover their unit on ``date_from`` (with
        ``date_to``: on a day between the two): confirmed, started, not ended.

        The one definition of "covered on a date": the lookups search by it,
        the status filters by it in memory, the provision's SQL is built from
        it (``_covering_sql``).
        """
        return [
            ("registration_state", "=", "confirmed"),
            ("date_start", "<=", date_to or date_from),
            ("date_end", ">=", date_from),
        ]

    def _covers(self, date):
        """Whether this registration covers its unit on ``date`` (``_covering_domain``, in memory)."""
        self.ensure_one()
        return bool(self.filtered_domain(self._covering_domain(date)))

    @api.model
    def _covering_sql(self, alias, date_from, date_to=None):
        """``_covering_domain`` as an SQL condition on this table, named ``alias``."""
        query = Query(self.env, alias, SQL.identifier(self._table))
        expression.expression(self._covering_domain(date_from, date_to), self, alias=alias, query=query)
        return query.where_clause

    @api.model
    def _find_covering(self, product=None, lot=None, partner=None, date=None):
        """Return the registration covering a unit on a date (empty if none).

        With a serial (``lot``) the lookup is one index scan; without one, the
        product and the customer select the registration.
        """
        domain = self._covering_domain(date or fields.Date.context_today(self))
        if lot:
            domain.append(("lot_id", "=", lot.id))
        elif product:
            domain.append(("product_id", "=", product.id))
            if partner:
                domain.append(("partner_id", "=", partner.commercial_partner_id.id))
        else:
            return self.browse()
        return self.search(domain, order="date_end desc, id desc", limit=1)

    @api.model
    def _registrations_by_lot(self, lots, date):
        """For each lot id, in one query: the registration covering it on
        ``date`` (or an empty recordset) and its latest registration."""
        found = {}
        registrations = self.search_fetch(
            [("lot_id", "in", lots.ids)],
            ["lot_id", "name", "partner_id", "term_id", "registration_state", "date_start", "date_end"],
            order="date_end desc, id desc",
        )
        covering_ids = set(registrations.filtered_domain(self._covering_domain(date))._ids)
        for warranty in registrations:
            covering, latest = found.get(warranty.lot_id.id, (self.browse(), warranty))
            if not covering and warranty.id in covering_ids:
                covering = warranty
            found[warranty.lot_id.id] = (covering, latest)
        return found

    # Automatic registrations -------------------------------------------------

    def _last_of_chain(self):
        """The registration an extension of this one starts after: the
        latest confirmed extension of the chain, or this one."""
        self.ensure_one()
        last = self
        while True:
            extensions = last.extension_ids.filtered(lambda w: w.registration_state == "confirmed")
            if not extensions:
                return last
            last = extensions.sorted("date_end")[-1]

    def _prepare_extension_vals(self, sale_line, term):
        self.ensure_one()
        return {
            "partner_id": sale_line.order_id.partner_id.commercial_partner_id.id,
            "product_id": self.product_id.id,
            "lot_id": self.lot_id.id,
            "term_id": term.id,
            "date_start": self.date_end + timedelta(days=1),
            "company_id": sale_line.company_id.id,
            "sale_line_id": sale_line.id,
            "parent_id": self.id,
            "origin": "extension",
        }
