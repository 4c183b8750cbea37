import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class AfterSalesWarranty(models.Model):
    """What outside systems (web shop, call centre, dealer portal, through
    ``after_sales_client``) call over XML-RPC: the warranty status of serial
    numbers and the batch registration of warranties."""

    _inherit = "after_sales.warranty"

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

    # Business methods --------------------------------------------------------

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
