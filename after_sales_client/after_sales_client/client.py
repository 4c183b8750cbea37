"""The client: methods built on the public API of after_sales_service."""

import datetime
import re
import time
from dataclasses import dataclass, field

from .errors import AuthenticationFailed, InvalidInput, TransportError
from .transport import JsonRpcTransport, XmlRpcTransport

TRANSPORTS = {"xmlrpc": XmlRpcTransport, "jsonrpc": JsonRpcTransport}

REGISTRATION_KEYS = {"ref", "serial", "product_id", "partner_id", "date_start", "term_id", "quantity"}
REQUEST_TYPES = ("repair", "maintenance", "inspection", "replacement", "refund")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class WarrantyStatus:
    serial: str
    found: bool
    product: str | None
    customer: str | None
    state: str
    date_end: datetime.date | None
    warranty: str | None = None
    term: str | None = None
    parts_coverage: float = 0.0
    labor_coverage: float = 0.0
    expense_coverage: float = 0.0

    @property
    def covered(self):
        return self.state == "active"


@dataclass
class RegistrationReport:
    created: list = field(default_factory=list)  # refs
    existing: list = field(default_factory=list)  # refs
    rejected: list = field(default_factory=list)  # (index, ref, reason)

    @property
    def ok(self):
        return not self.rejected


@dataclass(frozen=True)
class ServiceOrderStatus:
    name: str
    state: str
    coverage: str
    customer: str | None
    product: str | None
    serial: str | None
    date_deadline: datetime.date | None
    overdue: bool
    total_cost: float = 0.0


@dataclass(frozen=True)
class CostSummary:
    date_from: datetime.date
    date_to: datetime.date
    orders: int
    parts_cost: float
    labor_cost: float
    transport_cost: float
    total_cost: float
    by_coverage: dict


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def clean(values):
    """Drop None values: XML-RPC has no None and Odoo reads False for empty."""
    return {key: value for key, value in values.items() if value is not None}


def validate_registration(row):
    """A registration row ready to send, or InvalidInput with the reason."""
    if not isinstance(row, dict):
        raise InvalidInput("a registration is a mapping of field names to values")
    row = clean({key: (value.strip() if isinstance(value, str) else value) for key, value in row.items()})
    row = {key: value for key, value in row.items() if value != ""}
    unknown = set(row) - REGISTRATION_KEYS
    if unknown:
        raise InvalidInput(f"unknown field(s): {', '.join(sorted(unknown))}")
    if not isinstance(row.get("ref"), str) or not row["ref"]:
        raise InvalidInput("ref is required")
    if "serial" not in row and "product_id" not in row:
        raise InvalidInput("give a serial or a product_id")
    for key in ("product_id", "partner_id", "term_id"):
        if key in row:
            try:
                row[key] = int(row[key])
            except (TypeError, ValueError):
                raise InvalidInput(f"{key} must be a number, not {row[key]!r}") from None
            if row[key] <= 0:
                raise InvalidInput(f"{key} must be positive")
    if "partner_id" not in row:
        raise InvalidInput("partner_id is required")
    if "date_start" in row:
        value = row["date_start"]
        if isinstance(value, datetime.date):
            value = value.isoformat()
        try:
            datetime.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(f"date_start must be YYYY-MM-DD, not {value!r}") from None
        row["date_start"] = str(value)
    if "quantity" in row:
        try:
            row["quantity"] = float(row["quantity"])
        except (TypeError, ValueError):
            raise InvalidInput(f"quantity must be a number, not {row['quantity']!r}") from None
        if row["quantity"] <= 0:
            raise InvalidInput("quantity must be positive")
    if "serial" in row and not isinstance(row["serial"], str):
        row["serial"] = str(row["serial"])
    return row


class AfterSalesClient:
    """Talks to an Odoo running after_sales_service.

    :param url: the Odoo URL (``https://erp.example.com``)
    :param db: the database
    :param login: the user's login
    :param secret: an API key (preferred) or the password
    :param timeout: seconds per call
    :param retries: extra attempts for calls that are safe to repeat
    :param backoff: seconds before the first retry, doubled each time
    :param transport: ``"xmlrpc"`` (default: Odoo's ``/xmlrpc/2``, API key
        or password), ``"jsonrpc"`` (Odoo's web session and
        ``/web/dataset/call_kw``, password only: the server runs the addon's
        reads there on its read replica when it has one), or a ``Transport``
    """

    def __init__(
        self, url, db, login, secret, timeout=30.0, retries=3, backoff=0.5, transport=None, sleep=time.sleep
    ):
        for name, value in (("url", url), ("db", db), ("login", login), ("secret", secret)):
            if not value or not isinstance(value, str):
                raise InvalidInput(f"{name} is required")
        self.db = db
        self.login = login
        self._secret = secret
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self._sleep = sleep
        if transport is None or isinstance(transport, str):
            name = transport or "xmlrpc"
            if name not in TRANSPORTS:
                raise InvalidInput(f"transport is one of {', '.join(TRANSPORTS)}, not {name!r}")
            transport = TRANSPORTS[name](url, timeout=timeout)
        self.transport = transport
        self._uid = None

    def __repr__(self):
        return f"<AfterSalesClient {self.login}@{self.db}>"  # never the secret

    # Plumbing -------------------------------------------------------------

    def _retrying(self, function, safe):
        attempts = self.retries + 1 if safe else 1
        delay = self.backoff
        for attempt in range(attempts):
            try:
                return function()
            except TransportError:
                if attempt == attempts - 1:
                    raise
                self._sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    @property
    def uid(self):
        if self._uid is None:
            uid = self._retrying(
                lambda: self.transport.call("common", "authenticate", self.db, self.login, self._secret, {}),
                safe=True,
            )
            if not uid:
                raise AuthenticationFailed(f"Login failed for {self.login} on database {self.db}")
            self._uid = uid
        return self._uid

    def execute(self, model, method, *args, safe=False, **kwargs):
        """``execute_kw`` of Odoo; ``safe`` calls (reads, idempotent writes)
        are retried on transport errors."""
        uid = self.uid
        return self._retrying(
            lambda: self.transport.call(
                "object", "execute_kw", self.db, uid, self._secret, model, method, list(args), clean(kwargs)
            ),
            safe=safe,
        )

    # Warranties -----------------------------------------------------------

    def warranty_status(self, serial, date=None):
        """The warranty status of one serial number on a date (today by default)."""
        return self.warranty_statuses([serial], date=date)[0]

    def warranty_statuses(self, serials, date=None):
        if isinstance(serials, str) or not all(isinstance(s, str) and s.strip() for s in serials):
            raise InvalidInput("serials are non-empty strings")
        args = [[s.strip() for s in serials]]
        if date is not None:
            args.append(date.isoformat() if isinstance(date, datetime.date) else str(date))
        rows = self.execute("after_sales.warranty", "get_warranty_status", *args, safe=True)
        return [
            WarrantyStatus(
                serial=row["serial"],
                found=bool(row["found"]),
                product=row["product"] or None,
                customer=row["customer"] or None,
                state=row["state"],
                date_end=_date(row["date_end"]),
                warranty=row["warranty"] or None,
                term=row["term"] or None,
                parts_coverage=row["parts_coverage"],
                labor_coverage=row["labor_coverage"],
                expense_coverage=row["expense_coverage"],
            )
            for row in rows
        ]

    def register_warranties(self, rows, batch_size=500, progress=None):
        """Register warranties in batches, idempotent by ``ref``.

        Rows that fail validation are rejected here and never sent; a bad row
        never stops the good ones. Batches are safe to repeat (``ref`` makes
        them idempotent), so they are retried on transport errors.

        :param progress: optional callable(done, total) after each batch
        :returns: RegistrationReport
        """
        if batch_size < 1:
            raise InvalidInput("batch_size must be at least 1")
        report = RegistrationReport()
        valid = []
        for index, row in enumerate(rows):
            try:
                valid.append((index, validate_registration(row)))
            except InvalidInput as error:
                ref = row.get("ref") if isinstance(row, dict) else None
                report.rejected.append((index, ref, str(error)))
        for start in range(0, len(valid), batch_size):
            batch = valid[start : start + batch_size]
            results = self.execute(
                "after_sales.warranty", "register_warranties", [row for _i, row in batch], safe=True
            )
            for (index, row), result in zip(batch, results, strict=True):
                if result["status"] == "created":
                    report.created.append(row["ref"])
                elif result["status"] == "existing":
                    report.existing.append(row["ref"])
                else:
                    report.rejected.append((index, row["ref"], result.get("error") or "rejected"))
            if progress:
                progress(min(start + batch_size, len(valid)), len(valid))
        report.rejected.sort()
        return report

    # Service orders ---------------------------------------------------------

    def open_service_order(
        self, serial=None, product_id=None, partner_id=None, symptom=None, request_type="repair", confirm=True
    ):
        """Open a service order for a unit known by its serial (or product and
        customer). Not retried: a repeated call would open a second order."""
        if not serial and not product_id:
            raise InvalidInput("give the serial, or the product_id and partner_id")
        if request_type not in REQUEST_TYPES:
            raise InvalidInput(f"request_type is one of {', '.join(REQUEST_TYPES)}")
        values = clean(
            {
                "serial": serial.strip() if isinstance(serial, str) else serial,
                "product_id": int(product_id) if product_id else None,
                "partner_id": int(partner_id) if partner_id else None,
                "symptom": symptom,
                "request_type": request_type,
                "confirm": bool(confirm),
            }
        )
        result = self.execute("after_sales.service.order", "api_open", values)
        return self._order_status(result)

    def service_order_status(self, name):
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("the service order reference is required")
        rows = self.execute("after_sales.service.order", "api_status", [name.strip()], safe=True)
        return self._order_status(rows[0])

    def overdue_orders(self):
        rows = self.execute("after_sales.service.order", "api_overdue", safe=True)
        return [self._order_status(row) for row in rows]

    def costs(self, month):
        """Service costs of the orders finished in ``month`` ('YYYY-MM')."""
        match = MONTH_RE.match(month or "")
        if not match or not 1 <= int(match[2]) <= 12:
            raise InvalidInput(f"month must be YYYY-MM, not {month!r}")
        year, month_number = int(match[1]), int(match[2])
        date_from = datetime.date(year, month_number, 1)
        date_to = (date_from + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        result = self.execute(
            "after_sales.service.order", "api_costs", date_from.isoformat(), date_to.isoformat(), safe=True
        )
        return CostSummary(
            date_from=date_from,
            date_to=date_to,
            orders=result["orders"],
            parts_cost=result["parts_cost"],
            labor_cost=result["labor_cost"],
            transport_cost=result["transport_cost"],
            total_cost=result["total_cost"],
            by_coverage=result["by_coverage"],
        )

    @staticmethod
    def _order_status(row):
        return ServiceOrderStatus(
            name=row["name"],
            state=row["state"],
            coverage=row["coverage"],
            customer=row["customer"] or None,
            product=row["product"] or None,
            serial=row["serial"] or None,
            date_deadline=_date(row["date_deadline"]),
            overdue=bool(row["overdue"]),
            total_cost=row.get("total_cost", 0.0),
        )
