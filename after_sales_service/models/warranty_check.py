import hashlib
import hmac
from datetime import timedelta

from odoo import api, fields, models

# The public warranty check (/warranty/check) answers at most this many
# look-ups per client per window; the limit is the system parameter below.
CHECK_WINDOW = timedelta(minutes=1)
CHECK_LIMIT_PARAM = "after_sales_service.warranty_check_limit"
CHECK_LIMIT_DEFAULT = 10


class AfterSalesWarrantyCheck(models.Model):
    """One look-up of the public warranty check, kept for the length of the
    window: the count per client that throttles guessing serial numbers.

    In the database rather than in the memory of a worker (as Odoo's login
    cooldown is), so that the limit holds across workers and servers. The
    client is a keyed hash of its IP address, never the address itself, and
    rows older than the window are removed by Odoo's daily autovacuum."""

    _name = "after_sales.warranty.check"
    _description = "Public Warranty Check"
    _log_access = False

    client_key = fields.Char(required=True, index=True)
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now)

    @api.model
    def _client_key(self, address):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        return hmac.new(secret.encode(), (address or "").encode(), hashlib.sha256).hexdigest()

    @api.model
    def _limit(self):
        value = self.env["ir.config_parameter"].sudo().get_param(CHECK_LIMIT_PARAM)
        try:
            return max(int(value), 1) if value else CHECK_LIMIT_DEFAULT
        except ValueError:
            return CHECK_LIMIT_DEFAULT

    @api.model
    def _allow(self, address):
        """Count a look-up of the client at ``address``; False, and nothing
        counted, when it made the most look-ups allowed within the window."""
        key = self._client_key(address)
        now = fields.Datetime.now()
        # sudo: the public user counts its own look-ups; nobody reads them.
        Check = self.sudo()
        if Check.search_count([("client_key", "=", key), ("date", ">", now - CHECK_WINDOW)]) >= self._limit():
            return False
        Check.create({"client_key": key, "date": now})
        return True

    @api.autovacuum
    def _gc_checks(self):
        self.sudo().search([("date", "<", fields.Datetime.now() - CHECK_WINDOW)]).unlink()
