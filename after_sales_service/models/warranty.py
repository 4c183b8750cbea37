from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("void", "Void"),
]


class AfterSalesWarranty(models.Model):
    _name = "after_sales.warranty"
    _description = "Warranty Registration"
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
        help="Active until the end date, then expired, on any day without a "
        "scheduled job. Void registrations cover nothing.",
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
    )
    sale_order_id = fields.Many2one(related="sale_line_id.order_id")
    move_id = fields.Many2one(
        "stock.move",
        string="Stock Move",
        index="btree_not_null",
        readonly=True,
        copy=False,
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
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS after_sales_warranty_lot_cover_idx "
                "ON after_sales_warranty (lot_id, date_end DESC) "
                "WHERE registration_state = 'confirmed'"
            )
        )

    @api.depends("product_id", "company_id")
    def _compute_term_id(self):
        for warranty in self:
            if warranty.product_id and not warranty.term_id:
                warranty.term_id = warranty.product_id.product_tmpl_id.with_company(
                    warranty.company_id
                )._get_warranty_term()

    # Deliberately not on the term's duration: changing a term applies to new
    # registrations and never rewrites the end of existing ones.
    @api.depends("date_start", "term_id")
    def _compute_date_end(self):
        for warranty in self:
            if warranty.term_id and warranty.date_start:
                warranty.date_end = warranty.term_id._get_date_end(warranty.date_start)
            elif not warranty.date_end:
                warranty.date_end = warranty.date_start

    @api.depends("registration_state", "date_end")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for warranty in self:
            if warranty.registration_state != "confirmed":
                warranty.state = warranty.registration_state
            elif warranty.date_end and warranty.date_end < today:
                warranty.state = "expired"
            else:
                warranty.state = "active"

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
            "active": [("registration_state", "=", "confirmed"), ("date_end", ">=", today)],
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
            if warranty.lot_id and warranty.lot_id.product_id != warranty.product_id:
                raise ValidationError(
                    self.env._(
                        "Serial number %(lot)s belongs to %(lot_product)s, not to %(product)s.",
                        lot=warranty.lot_id.name,
                        lot_product=warranty.lot_id.product_id.display_name,
                        product=warranty.product_id.display_name,
                    )
                )
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

    @api.model_create_multi
    def create(self, vals_list):
        self._check_refs_free(vals_list)
        Product = self.env["product.product"]
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            if not vals.get("term_id") and vals.get("product_id"):
                template = Product.browse(vals["product_id"]).product_tmpl_id.with_company(company)
                term = template._get_warranty_term()
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
        if vals.get("registration_state") == "void" and not self.env.su:
            self._check_can_void()
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

    def _compute_display_name(self):
        for warranty in self:
            serial = warranty.lot_id.name
            warranty.display_name = f"{warranty.name} ({serial})" if serial else warranty.name

    def _check_can_void(self):
        if not self.env.user.has_group("after_sales_service.group_after_sales_manager"):
            raise AccessError(self.env._("Only After-Sales managers can void a warranty registration."))

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
        self._check_can_void()
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

    def action_print_certificate(self):
        return self.env.ref("after_sales_service.action_report_warranty_certificate").report_action(self)

    # Coverage lookup --------------------------------------------------------

    @api.model
    def _find_covering(self, product=None, lot=None, partner=None, date=None):
        """Return the registration covering a unit on a date (empty if none).

        With a serial (``lot``) the lookup is one index scan; without one, the
        product and the customer select the registration.
        """
        date = date or fields.Date.context_today(self)
        domain = [
            ("registration_state", "=", "confirmed"),
            ("date_start", "<=", date),
            ("date_end", ">=", date),
        ]
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
        for warranty in self.search([("lot_id", "in", lots.ids)], order="date_end desc, id desc"):
            covering, latest = found.get(warranty.lot_id.id, (self.browse(), warranty))
            if (
                not covering
                and warranty.registration_state == "confirmed"
                and warranty.date_start <= date <= warranty.date_end
            ):
                covering = warranty
            found[warranty.lot_id.id] = (covering, latest)
        return found

    @api.model
    def get_warranty_status(self, serials, date=None):
        """Warranty status of serial numbers, for outside systems.

        :param serials: list of serial numbers (names, not ids)
        :param date: ISO date of the question, today by default
        :returns: one dict per serial: ``serial``, ``found``, ``product``,
            ``customer``, ``state``, ``date_end``, ``warranty``, ``term``,
            ``parts_coverage``, ``labor_coverage``, ``expense_coverage``
        """
        if not isinstance(serials, (list, tuple)) or not all(isinstance(s, str) for s in serials):
            raise UserError(self.env._("Give the serial numbers as a list of strings."))
        try:
            day = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        except ValueError as error:
            raise UserError(self.env._("Invalid date: %(date)s", date=date)) from error
        lots = self.env["stock.lot"].search(
            [("name", "in", list(serials)), ("company_id", "in", [*self.env.companies.ids, False])]
        )
        lots_by_name = {lot.name: lot for lot in lots}
        registrations = self._registrations_by_lot(lots, day)
        result = []
        for serial in serials:
            lot = lots_by_name.get(serial)
            none = (self.browse(), self.browse())
            covering, latest = registrations.get(lot.id, none) if lot else none
            # Not covered on that day: report the latest registration.
            warranty = covering or latest
            result.append(
                {
                    "serial": serial,
                    "found": bool(lot),
                    "product": lot.product_id.display_name if lot else False,
                    "customer": warranty.partner_id.display_name or False,
                    "warranty": warranty.name or False,
                    "term": warranty.term_id.name or False,
                    "state": ("active" if warranty.date_start <= day <= warranty.date_end else "expired")
                    if warranty.registration_state == "confirmed"
                    else (warranty.registration_state or "none"),
                    "date_start": fields.Date.to_string(warranty.date_start) if warranty else False,
                    "date_end": fields.Date.to_string(warranty.date_end) if warranty else False,
                    "parts_coverage": warranty.parts_coverage if warranty else 0.0,
                    "labor_coverage": warranty.labor_coverage if warranty else 0.0,
                    "expense_coverage": warranty.expense_coverage if warranty else 0.0,
                }
            )
        return result

    # Registration from outside systems ---------------------------------------

    @api.model
    def register_warranties(self, rows):
        """Register warranties in a batch, idempotent by ``ref``.

        Each row is a dict with ``ref`` (required), ``serial`` (serial number
        name; created when Odoo does not know it yet) or ``product_id``,
        ``partner_id``, optional ``product_id``, ``date_start`` (ISO),
        ``term_id``, ``quantity``. A bad row never stops the good ones.

        :returns: one dict per row, in order: ``ref``, ``status`` ('created',
            'existing' or 'rejected'), ``id`` and, when rejected, ``error``
        """
        if not isinstance(rows, (list, tuple)) or not all(isinstance(r, dict) for r in rows):
            raise UserError(self.env._("Give the registrations as a list of dicts."))
        self.check_access("create")
        company = self.env.company
        refs = [r.get("ref") for r in rows if isinstance(r.get("ref"), str)]
        existing = dict(
            self.search_fetch([("ref", "in", refs), ("company_id", "=", company.id)], ["ref"]).mapped(
                lambda w: (w.ref, w.id)
            )
        )
        known = self._prefetch_registration_data(rows, company)
        results = [None] * len(rows)
        pending = []  # (index, vals, serial to create or None)
        seen = set()
        for index, row in enumerate(rows):
            ref = row.get("ref")
            if not isinstance(ref, str) or not ref.strip():
                results[index] = {
                    "ref": ref,
                    "status": "rejected",
                    "id": False,
                    "error": self.env._("Missing ref."),
                }
            elif ref in existing:
                results[index] = {"ref": ref, "status": "existing", "id": existing[ref]}
            elif ref in seen:
                results[index] = {"ref": ref, "status": "existing", "id": False}
            else:
                try:
                    vals, new_serial = self._prepare_registration_vals(row, company, known)
                except (UserError, ValidationError, ValueError, TypeError) as error:
                    results[index] = self._rejected(ref, error)
                    continue
                seen.add(ref)
                pending.append((index, vals, new_serial))
        self._create_registrations(pending, results, company)
        # Duplicates within the batch point at the registration of their ref.
        created = {r["ref"]: r["id"] for r in results if r and r["status"] == "created"}
        for result in results:
            if result["status"] == "existing" and not result["id"]:
                result["id"] = created.get(result["ref"], False)
        return results

    @api.model
    def _rejected(self, ref, error):
        message = error.args[0] if error.args else str(error)
        return {"ref": ref, "status": "rejected", "id": False, "error": str(message)}

    def _prefetch_registration_data(self, rows, company):
        """Customers, products and serials of a batch, in three queries."""

        def ids(key):
            return {r[key] for r in rows if isinstance(r.get(key), int) and not isinstance(r.get(key), bool)}

        serials = {r["serial"] for r in rows if isinstance(r.get("serial"), str) and r["serial"]}
        lots = (
            self.env["stock.lot"].search(
                [("name", "in", list(serials)), ("company_id", "in", [company.id, False])]
            )
            if serials
            else self.env["stock.lot"]
        )
        lots_by_name = {}
        for lot in lots:
            lots_by_name.setdefault(lot.name, self.env["stock.lot"])
            lots_by_name[lot.name] |= lot

        def by_id(model, key):
            return {record.id: record for record in self.env[model].browse(ids(key)).exists()}

        return {
            "partners": by_id("res.partner", "partner_id"),
            "products": by_id("product.product", "product_id"),
            "terms": by_id("after_sales.warranty.term", "term_id"),
            "lots": lots_by_name,
            "product_terms": {},
        }

    def _prepare_registration_vals(self, row, company, known):
        """Values of one registration, and the serial to create if unknown."""
        allowed = {"ref", "serial", "product_id", "partner_id", "date_start", "term_id", "quantity"}
        unknown = set(row) - allowed
        if unknown:
            raise UserError(self.env._("Unknown keys: %(keys)s", keys=", ".join(sorted(unknown))))
        partner = known["partners"].get(row.get("partner_id"))
        if not partner:
            raise UserError(self.env._("Unknown customer (partner_id)."))
        product = known["products"].get(row.get("product_id"), self.env["product.product"])
        if row.get("product_id") and not product:
            raise UserError(self.env._("Unknown product (product_id)."))
        lot = self.env["stock.lot"]
        new_serial = None
        serial = row.get("serial")
        if serial:
            if not isinstance(serial, str):
                raise UserError(self.env._("The serial must be a string."))
            candidates = known["lots"].get(serial, lot)
            lot = (
                candidates.filtered(lambda lot: lot.product_id == product)[:1] if product else candidates[:1]
            )
            if not lot:
                if not product:
                    raise UserError(
                        self.env._("Serial %(serial)s is unknown: give its product_id.", serial=serial)
                    )
                if product.tracking == "none":
                    raise UserError(
                        self.env._(
                            "Product %(product)s is not tracked by serial number.",
                            product=product.display_name,
                        )
                    )
                new_serial = serial
            product = product or lot.product_id
        if not product:
            raise UserError(self.env._("Give a serial or a product_id."))
        vals = {
            "ref": row["ref"],
            "partner_id": partner.id,
            "product_id": product.id,
            "lot_id": lot.id or False,
            "company_id": company.id,
        }
        if row.get("date_start"):
            vals["date_start"] = fields.Date.to_date(row["date_start"])
        if row.get("term_id"):
            term = known["terms"].get(row["term_id"])
            if not term:
                raise UserError(self.env._("Unknown warranty term (term_id)."))
            vals["term_id"] = term.id
        else:
            template = product.product_tmpl_id
            if template not in known["product_terms"]:
                known["product_terms"][template] = template.with_company(company)._get_warranty_term()
            if not known["product_terms"][template]:
                raise UserError(
                    self.env._(
                        "Product %(product)s has no warranty term: give a term_id.",
                        product=product.display_name,
                    )
                )
            vals["term_id"] = known["product_terms"][template].id
        if "quantity" in row:
            vals["quantity"] = float(row["quantity"])
        return vals, new_serial

    def _create_registrations(self, pending, results, company):
        """Create the batch at once; if the database or a constraint refuses it,
        row by row, each in its savepoint, so that only bad rows fail."""
        if not pending:
            return
        Lot = self.env["stock.lot"]
        quiet = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        try:
            with self.env.cr.savepoint():
                new_lots = {}
                to_create = sorted({(serial, vals["product_id"]) for _i, vals, serial in pending if serial})
                if to_create:
                    lots = Lot.create(
                        [
                            {"name": name, "product_id": product, "company_id": company.id}
                            for name, product in to_create
                        ]
                    )
                    new_lots = dict(zip(to_create, lots.ids, strict=True))
                vals_list = [
                    {**vals, "lot_id": new_lots[(serial, vals["product_id"])]} if serial else vals
                    for _index, vals, serial in pending
                ]
                warranties = quiet.create(vals_list)
        except (UserError, ValidationError, ValueError, TypeError, psycopg2.Error):
            warranties = None
        if warranties is not None:
            for (index, vals, _serial), warranty in zip(pending, warranties, strict=True):
                results[index] = {"ref": vals["ref"], "status": "created", "id": warranty.id}
            return
        for index, vals, serial in pending:
            try:
                with self.env.cr.savepoint():
                    row_vals = vals
                    if serial:
                        lot = Lot.search(
                            [("name", "=", serial), ("product_id", "=", vals["product_id"])], limit=1
                        ) or Lot.create(
                            {"name": serial, "product_id": vals["product_id"], "company_id": company.id}
                        )
                        row_vals = {**vals, "lot_id": lot.id}
                    warranty = quiet.create(row_vals)
                results[index] = {"ref": vals["ref"], "status": "created", "id": warranty.id}
            except (UserError, ValidationError, ValueError, TypeError, psycopg2.Error) as error:
                results[index] = self._rejected(vals["ref"], error)

    # Automatic registrations ---------------------------------------------------

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
