from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.warranty_check import CHECK_WINDOW


class AfterSalesWarrantyCheck(http.Controller):
    """``/warranty/check``: anyone types a serial number and learns whether
    it is covered and until when, nothing about its owner. Each client may
    ask a few times a minute only (``after_sales.warranty.check``), so that
    serial numbers cannot be guessed in bulk."""

    @http.route(["/warranty/check"], type="http", auth="public", website=True, sitemap=True)
    def warranty_check(self, serial=None, **kw):
        serial = (serial or "").strip()[:100]
        values = {"serial": serial, "answer": None}
        if not serial:
            return request.render("after_sales_service.warranty_check", values)
        address = request.httprequest.remote_addr
        if not request.env["after_sales.warranty.check"]._allow(address):
            values["throttled"] = int(CHECK_WINDOW.total_seconds())
            return request.render(
                "after_sales_service.warranty_check",
                values,
                status=429,
                headers=[("Retry-After", str(values["throttled"]))],
            )
        # sudo: the public user reads no registration; what the page shows of
        # the status is chosen in _public_answer, nothing about the customer.
        try:
            status = request.env["after_sales.warranty"].sudo().get_warranty_status([serial])[0]
        except UserError:  # a serial no unit can have (a NUL byte): unknown
            status = {"found": False}
        values["answer"] = self._public_answer(status)
        return request.render("after_sales_service.warranty_check", values)

    def _public_answer(self, status):
        """What the public page shows of a ``get_warranty_status`` answer:
        per unit with a confirmed registration, the product and whether it is
        covered, from and until when. Unknown serials, serials without a
        registration and those whose registration is a draft or void answer
        alike: no warranty (which serials exist is no one's business)."""
        units = status.get("matches") or [status]
        return [
            {
                "product": unit["product"],
                "state": unit["state"],
                "date_start": fields.Date.to_date(unit["date_start"]),
                "date_end": fields.Date.to_date(unit["date_end"]),
            }
            for unit in units
            if unit.get("state") in ("active", "future", "expired")
        ]
