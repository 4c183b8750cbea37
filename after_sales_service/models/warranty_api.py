import psycopg2
from psycopg2 import errorcodes

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.api_input import (
    check_date,
    check_id,
    check_quantity,
    check_text,
    is_id,
    is_text,
    shown,
    user_today,
)
from ..tools.planner import lot_names_lookup


class AfterSalesWarranty(models.Model):
    """What outside systems (web shop, call centre, dealer portal, through
    ``after_sales_client``) call over XML-RPC or JSON-RPC: the warranty status of serial
    numbers and the batch registration of warranties.

    The pure reads are marked ``@api.readonly``: called through Odoo's web
    JSON-RPC route (``/web/dataset/call_kw``) they run on a read-only
    cursor, on the replica when ``db_replica_host`` is set. XML-RPC always
    runs them on the primary. They must never write."""

    _inherit = "after_sales.warranty"

    @api.readonly
    @api.model
    def get_warranty_status(self, serials, date=None):
        """Warranty status of serial numbers, for outside systems.

        :param serials: list of serial numbers (names, not ids)
        :param date: the day of the question, an ISO date ``YYYY-MM-DD``;
            today by default. Any other type is a UserError.
        :returns: one dict per serial, in order: ``serial``, ``found``,
            ``product``, ``customer``, ``warranty``, ``term``, ``state``,
            ``date_start``, ``date_end``, ``parts_coverage``,
            ``labor_coverage``, ``expense_coverage``. ``state`` is
            ``active`` (covered on that day), ``future`` (confirmed, starts
            after that day), ``expired``, ``draft``, ``void``, or ``none``
            (no registration). Not covered on that day, the dict describes
            the serial's registration that ends last.

            A serial name that several units share (serial numbers are
            unique per product and company) answers ``state``
            ``ambiguous``, no product nor warranty, and ``matches``: the
            dict of each unit, by product name.
        """
        if not isinstance(serials, (list, tuple)):
            raise UserError(self.env._("Give the serial numbers as a list of strings."))
        serials = [check_text(self.env, serial, self.env._("Each serial number")) for serial in serials]
        day = check_date(self.env, date, "date") or user_today(self.env)
        # sudo: whoever reads registrations (accountants among them) asks by
        # serial; the serials searched are those of the caller's companies,
        # and the registrations below are read with the caller's rights.
        lots = (
            self.env["stock.lot"]
            .sudo()
            .search_fetch(
                [("name", "in", serials), ("company_id", "in", [*self.env.companies.ids, False])],
                ["name", "product_id"],
            )
        )
        registrations = self._registrations_by_lot(lots, day)
        self._prefetch_status_names(lots, registrations)
        lots_by_name = {}
        for lot in lots.sorted(lambda lot: (lot.product_id.display_name or "", lot.id)):
            lots_by_name.setdefault(lot.name, []).append(lot)
        result = []
        for serial in serials:
            units = [
                self._unit_status(serial, lot, registrations, day) for lot in lots_by_name.get(serial, [])
            ]
            if len(units) == 1:
                result.append(units[0])
                continue
            answer = self._unit_status(serial, self.env["stock.lot"], registrations, day)
            if units:
                answer.update(found=True, state="ambiguous", matches=units)
            result.append(answer)
        return result

    @api.model
    def register_warranties(self, rows):
        """Register warranties in a batch, idempotent by ``ref``.

        Each row is a dict with ``ref`` (required, unique per company),
        ``partner_id`` (required; a contact is replaced by its commercial
        partner), ``serial`` (serial number name; created when Odoo does not
        know it yet) and/or ``product_id``, optional ``date_start`` (ISO
        date), ``term_id`` and ``quantity``.

        A bad row never stops the good ones: it comes back ``rejected`` with
        the reason, and nothing of it is written. Bad are: a row that is not
        a dict, unknown keys, a missing ref, a ref that appears a second time
        in the batch, ids that are not positive integers or not of a record
        the user may use in the current company (other companies' records
        are unknown), a serial that names several products without a
        ``product_id``, a service product, an archived term, a quantity that
        is not a number above 0 (at most 1e9; exactly 1 for a serial), a
        date that is not ``YYYY-MM-DD`` or whose coverage would end beyond
        the calendar.

        A ref already registered is ``existing`` with the id of its
        registration, also when a concurrent call registered it while this
        one ran: the database refuses the second registration of a ref, and
        the call reads it back, committed, and creates the other rows.

        :returns: one dict per row, in order: ``ref`` (as sent, or False),
            ``status`` ('created', 'existing' or 'rejected'), ``id`` (False
            when rejected) and, when rejected, ``error``
        """
        if not isinstance(rows, (list, tuple)):
            raise UserError(self.env._("Give the registrations as a list of dicts."))
        self.check_access("create")
        company = self.env.company
        existing = self._registered_refs(rows, company)
        known = self._prefetch_registration_data(rows, company)
        results = [None] * len(rows)
        pending = []  # (index, vals, serial to create or None)
        seen = set()
        for index, row in enumerate(rows):
            sent_ref = row.get("ref") if isinstance(row, dict) else None
            try:
                if not isinstance(row, dict):
                    raise UserError(self.env._("A registration is a dict, not %(value)s.", value=shown(row)))
                if not is_text(sent_ref):
                    raise UserError(
                        self.env._(
                            "Missing ref: give a non-empty text, not %(value)s.", value=shown(sent_ref)
                        )
                    )
                ref = sent_ref.strip()
                if ref in seen:
                    raise UserError(
                        self.env._(
                            "The ref %(ref)s is in this batch twice: only its first row counts.",
                            ref=ref,
                        )
                    )
                seen.add(ref)
                if ref in existing:
                    results[index] = {"status": "existing", "id": existing[ref]}
                    continue
                vals, new_serial = self._prepare_registration_vals(row, company, known)
            except AccessError:
                raise  # the caller's rights, not the row's values: the call is refused
            except UserError as error:  # ValidationError is one
                results[index] = self._rejected(error)
                continue
            pending.append((index, vals, new_serial))
        self._create_registrations(pending, results, company)
        for row, result in zip(rows, results, strict=True):
            # The ref as sent; XML-RPC cannot send None back.
            sent_ref = row.get("ref") if isinstance(row, dict) else None
            result["ref"] = sent_ref if isinstance(sent_ref, str) else False
        return results

    # Business methods --------------------------------------------------------

    def _prefetch_status_names(self, lots, registrations):
        """Read, in a few narrow queries, the columns the status shows of
        the serials' products, the customers and the terms. Reading one
        field of a record reads all its columns (and applies the record
        rules of its model), most of a look-up's time otherwise. The names
        are read as superuser, as Odoo reads the name of a many2one."""
        products = lots.product_id.sudo()
        # The products first: reading their template would read all their columns.
        products.fetch(["default_code", "product_tmpl_id", "product_template_attribute_value_ids"])
        products.product_tmpl_id.fetch(["name"])
        warranties = self.browse(
            {warranty.id for pair in registrations.values() for warranty in pair if warranty}
        ).sudo()
        warranties.term_id.fetch(["name", "parts_coverage", "labor_coverage", "expense_coverage"])
        partners = warranties.partner_id
        partners.fetch(["name", "type", "is_company", "company_name", "commercial_company_name", "parent_id"])
        partners.parent_id.fetch(["name"])

    def _unit_status(self, serial, lot, registrations, day):
        """The status dict of one unit (see ``get_warranty_status``)."""
        none = (self.browse(), self.browse())
        covering, latest = registrations.get(lot.id, none) if lot else none
        # Not covered on that day: report the registration that ends last.
        # Its values alone: its prefetch set holds every registration of the
        # serials, whose customers' and terms' names would all be read.
        warranty = (covering or latest).with_prefetch()
        if covering:
            state = "active"
        elif warranty.registration_state == "confirmed":
            state = "future" if day < warranty.date_start else "expired"
        else:
            state = warranty.registration_state or "none"
        return {
            "serial": serial,
            "found": bool(lot),
            "product": lot.product_id.display_name or False,
            "customer": warranty.partner_id.display_name or False,
            "warranty": warranty.name or False,
            "term": warranty.term_id.name or False,
            "state": state,
            "date_start": fields.Date.to_string(warranty.date_start) if warranty else False,
            "date_end": fields.Date.to_string(warranty.date_end) if warranty else False,
            "parts_coverage": warranty.parts_coverage if warranty else 0.0,
            "labor_coverage": warranty.labor_coverage if warranty else 0.0,
            "expense_coverage": warranty.expense_coverage if warranty else 0.0,
        }

    @api.model
    def _rejected(self, error):
        return {"status": "rejected", "id": False, "error": str(error.args[0] if error.args else error)}

    def _registered_refs(self, rows, company):
        """``{ref: registration id}`` of the refs of ``rows`` already
        registered in ``company``, in one query."""
        refs = {row["ref"].strip() for row in rows if isinstance(row, dict) and is_text(row.get("ref"))}
        if not refs:
            return {}
        registered = self.search_fetch([("ref", "in", list(refs)), ("company_id", "=", company.id)], ["ref"])
        return {warranty.ref: warranty.id for warranty in registered}

    def _prefetch_registration_data(self, rows, company):
        """The customers, products, terms and serials a batch names that the
        user may use in ``company`` (others are unknown), in four queries."""
        rows = [row for row in rows if isinstance(row, dict)]

        def records(model, key):
            ids = {row[key] for row in rows if is_id(row.get(key))}
            found = (
                self.env[model]
                .with_context(active_test=False)
                .search([("id", "in", list(ids)), ("company_id", "in", [company.id, False])])
                if ids
                else self.env[model]
            )
            return {record.id: record for record in found}

        serials = {row["serial"].strip() for row in rows if is_text(row.get("serial"))}
        lots = self.env["stock.lot"]
        if serials:
            with lot_names_lookup(self.env):
                lots = lots.search([("name", "in", list(serials)), ("company_id", "in", [company.id, False])])
        lots_by_name = {}
        for lot in lots:
            lots_by_name.setdefault(lot.name, self.env["stock.lot"])
            lots_by_name[lot.name] |= lot
        return {
            "partners": records("res.partner", "partner_id"),
            "products": records("product.product", "product_id"),
            "terms": records("after_sales.warranty.term", "term_id"),
            "lots": lots_by_name,
        }

    def _row_id(self, row, key):
        """The id ``row[key]`` gives; None when it gives none (absent, None,
        False or 0)."""
        value = row.get(key)
        if value is None or value is False or value == 0:
            return None
        return check_id(self.env, value, key)

    def _prepare_registration_vals(self, row, company, known):
        """Values of one registration, and the serial to create if unknown; a
        UserError with the reason when the row is refused."""
        allowed = {"ref", "serial", "product_id", "partner_id", "date_start", "term_id", "quantity"}
        unknown = set(row) - allowed
        if unknown:
            raise UserError(self.env._("Unknown keys: %(keys)s", keys=", ".join(sorted(map(str, unknown)))))
        partner_id = self._row_id(row, "partner_id")
        if not partner_id:
            raise UserError(self.env._("Unknown customer: give partner_id, the id of the customer."))
        partner = known["partners"].get(partner_id)
        # A contact's registration belongs to its company, as a delivery's does.
        partner = partner and partner.commercial_partner_id
        if not partner or (partner.company_id and partner.company_id != company):
            raise UserError(self.env._("Unknown customer (partner_id %(id)s).", id=partner_id))
        product, lot, new_serial = self._registration_unit(row, known)
        vals = {
            "ref": row["ref"].strip(),
            "partner_id": partner.id,
            "product_id": product.id,
            "lot_id": lot.id or False,
            "company_id": company.id,
        }
        if row.get("quantity") is not None:
            vals["quantity"] = check_quantity(self.env, row["quantity"], "quantity")
            if (lot or new_serial) and product.tracking == "serial" and vals["quantity"] != 1:
                raise UserError(
                    self.env._(
                        "A registration for serial number %(lot)s covers exactly one unit: give quantity 1.",
                        lot=lot.name or new_serial,
                    )
                )
        term = self._registration_term(row, product, company, known)
        vals["term_id"] = term.id
        date_start = check_date(self.env, row.get("date_start"), "date_start")
        if date_start:
            vals["date_start"] = date_start
        try:
            term._get_date_end(date_start or fields.Date.context_today(self))
        except (OverflowError, ValueError) as error:
            raise UserError(
                self.env._(
                    "A coverage from %(date)s under term %(term)s would end after the calendar's last day.",
                    date=date_start,
                    term=term.display_name,
                )
            ) from error
        return vals, new_serial

    def _registration_unit(self, row, known):
        """The product, the serial (empty when new or none) and the name of a
        serial to create, of a registration row."""
        product = self.env["product.product"]
        product_id = self._row_id(row, "product_id")
        if product_id:
            product = known["products"].get(product_id)
            if not product:
                raise UserError(self.env._("Unknown product (product_id %(id)s).", id=product_id))
            if product.type != "consu":
                raise UserError(
                    self.env._(
                        "Product %(product)s is not a good: it has no warranty.", product=product.display_name
                    )
                )
        lot = self.env["stock.lot"]
        if row.get("serial") in (None, False, ""):
            if not product:
                raise UserError(self.env._("Give a serial or a product_id."))
            return product, lot, None
        serial = check_text(self.env, row["serial"], "serial")
        candidates = known["lots"].get(serial, lot)
        if product:
            lot = candidates.filtered(lambda lot: lot.product_id == product)
        elif len(candidates) > 1:
            raise UserError(
                self.env._(
                    "Serial %(serial)s belongs to several products (%(products)s): give the product_id.",
                    serial=serial,
                    products=", ".join(candidates.product_id.mapped("display_name")),
                )
            )
        else:
            lot = candidates
        if lot:
            return lot.product_id, lot, None
        if not product:
            raise UserError(self.env._("Serial %(serial)s is unknown: give its product_id.", serial=serial))
        if product.tracking == "none":
            raise UserError(
                self.env._(
                    "Product %(product)s is not tracked by serial number.", product=product.display_name
                )
            )
        return product, lot, serial

    def _registration_term(self, row, product, company, known):
        """The term of a registration row: the one it gives, else the product's."""
        term_id = self._row_id(row, "term_id")
        if not term_id:
            term = product.product_tmpl_id._get_warranty_term(company)
            if not term:
                raise UserError(
                    self.env._(
                        "Product %(product)s has no warranty term: give a term_id.",
                        product=product.display_name,
                    )
                )
            return term
        term = known["terms"].get(term_id)
        if not term:
            raise UserError(self.env._("Unknown warranty term (term_id %(id)s).", id=term_id))
        if not term.active:
            raise UserError(self.env._("Warranty term %(term)s is archived.", term=term.display_name))
        return term

    def _create_registrations(self, pending, results, company):
        """Create the batch at once; if a check of the ORM refuses it, row by
        row, each in its savepoint, so that only the refused rows fail.

        Only refusals (UserError, ValidationError) belong to a row. A ref
        that a concurrent call registered meanwhile is ``existing`` (see
        ``_create_in_savepoint``); any other database error goes up to Odoo."""
        if not pending:
            return
        # In the order of the refs: two calls that register the same refs
        # wait for each other in the same order, never in a deadlock.
        pending = sorted(pending, key=lambda item: item[1]["ref"])
        try:
            created = self._create_in_savepoint(pending, results, company)
        except AccessError:
            raise
        except UserError:
            created = None
        if created is not None:
            for (index, _vals, _serial), warranty in zip(created[0], created[1], strict=True):
                results[index] = {"status": "created", "id": warranty.id}
            return
        for item in pending:
            if results[item[0]] is not None:
                continue  # existing: registered meanwhile by a concurrent call
            try:
                rows, warranties = self._create_in_savepoint([item], results, company)
            except AccessError:
                raise
            except UserError as error:
                results[item[0]] = self._rejected(error)
                continue
            if warranties:
                results[item[0]] = {"status": "created", "id": warranties.id}

    def _create_in_savepoint(self, pending, results, company):
        """Create ``pending`` in a savepoint: the rows created and their
        registrations. The rows whose ref a concurrent call registered while
        this one ran come back ``existing`` in ``results`` instead.

        The refs of a batch are checked within the call's snapshot: a ref
        that the unique index then refuses was registered by a transaction
        that committed after this one began (the insert waits for it), and
        is invisible to this one. Rather than failing the whole call for
        Odoo to retry it (after a random pause of up to 2, 4, 8, 16 s, in a
        worker; with several clients on the same refs, batches lost again
        and again), this call reads the refs now registered on a cursor of
        its own, on the primary, answers them ``existing``, and creates the
        others again. Each round waits for at least one concurrent commit
        and removes its refs, so it ends."""
        while pending:
            try:
                with self.env.cr.savepoint():
                    return pending, self._create_rows(pending, company)
            except psycopg2.errors.UniqueViolation as error:
                if error.diag.constraint_name != f"{self._table}_ref_company_unique":
                    raise
                registered = self._committed_refs([vals["ref"] for _index, vals, _serial in pending], company)
                if not registered:
                    raise self._concurrent_ref_failure() from error
                for index, vals, _serial in pending:
                    if vals["ref"] in registered:
                        results[index] = {"status": "existing", "id": registered[vals["ref"]]}
                pending = [item for item in pending if item[1]["ref"] not in registered]
        return pending, self.browse()

    def _committed_refs(self, refs, company):
        """``{ref: id}`` of the registrations of ``refs`` committed in
        ``company`` now, seen by a new transaction on the primary (those
        committed after this call began are invisible to its own)."""
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT ref, id FROM after_sales_warranty WHERE company_id = %s AND ref IN %s",
                    company.id,
                    tuple(refs),
                )
            )
            return dict(cr.fetchall())

    @api.model
    def _concurrent_ref_failure(self):
        """A serialization failure, which Odoo retries, for a ref the index
        refused that no new transaction sees (its registration gone since)."""
        failure = psycopg2.errors.SerializationFailure(
            "a warranty registration ref was registered by a concurrent transaction"
        )
        # Odoo's retry logs the error by its code (as odoo.addons.test_http does).
        failure.__setstate__({"pgcode": errorcodes.SERIALIZATION_FAILURE})
        return failure

    def _create_rows(self, pending, company):
        """Create the registrations of ``pending`` and their new serials."""
        Lot = self.env["stock.lot"]
        lot_ids = {}
        serials = sorted({(serial, vals["product_id"]) for _index, vals, serial in pending if serial})
        if serials:
            # Called in a savepoint (_create_in_savepoint).
            with lot_names_lookup(self.env):
                # A serial of two rows, or one created by a row before.
                found = Lot.search_fetch(
                    [
                        ("name", "in", [name for name, _product in serials]),
                        ("product_id", "in", [product for _name, product in serials]),
                        ("company_id", "in", [company.id, False]),
                    ],
                    ["name", "product_id"],
                )
                lot_ids = {(lot.name, lot.product_id.id): lot.id for lot in found}
                missing = [key for key in serials if key not in lot_ids]
                if missing:
                    # Quiet: a serial registered in bulk gets no "created" note
                    # and no follower (a third of a batch's time otherwise).
                    quiet_lots = Lot.with_context(
                        mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
                    )
                    # Odoo checks the new serials' uniqueness by their names.
                    lots = quiet_lots.create(
                        [
                            {"name": name, "product_id": product, "company_id": company.id}
                            for name, product in missing
                        ]
                    )
                    lot_ids.update(zip(missing, lots.ids, strict=True))
        quiet = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        return quiet.create(
            [
                {**vals, "lot_id": lot_ids[(serial, vals["product_id"])]} if serial else vals
                for _index, vals, serial in pending
            ]
        )
