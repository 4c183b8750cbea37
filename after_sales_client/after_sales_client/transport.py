"""Transports: how a call reaches Odoo. XML-RPC by default; Odoo's web
JSON-RPC with a session, opt-in, for the read replica (``JsonRpcTransport``);
a JSON-2 transport for newer Odoo versions can implement the same interface."""

import http.client
import json
import urllib.error
import urllib.request
import xmlrpc.client
from urllib.parse import urlparse

from .errors import (
    AccessDenied,
    AfterSalesError,
    AuthenticationFailed,
    MissingRecord,
    ServerError,
    TransportError,
    ValidationFailed,
    map_fault,
)


class Transport:
    """Interface: ``call(service, method, *args)`` returns the result or raises
    a typed error from ``after_sales_client.errors``."""

    def call(self, service, method, *args):
        raise NotImplementedError


class _TimeoutMixin:
    """Applies the client's timeout to every HTTP connection."""

    def __init__(self, timeout, **kwargs):
        super().__init__(**kwargs)
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class _TimeoutTransport(_TimeoutMixin, xmlrpc.client.Transport):
    pass


class _TimeoutSafeTransport(_TimeoutMixin, xmlrpc.client.SafeTransport):
    pass


class XmlRpcTransport(Transport):
    """Odoo's ``/xmlrpc/2/<service>`` endpoints with an explicit timeout."""

    def __init__(self, url, timeout=30.0):
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"Not an http(s) URL: {url!r}")
        self.url = url.rstrip("/")
        self.timeout = timeout
        transport_class = _TimeoutSafeTransport if parsed.scheme == "https" else _TimeoutTransport
        self._proxies = {
            service: xmlrpc.client.ServerProxy(
                f"{self.url}/xmlrpc/2/{service}",
                transport=transport_class(timeout),
                allow_none=False,
            )
            for service in ("common", "object")
        }

    def call(self, service, method, *args):
        proxy = self._proxies[service]
        try:
            return getattr(proxy, method)(*args)
        except xmlrpc.client.Fault as fault:
            raise map_fault(fault) from fault
        except xmlrpc.client.ProtocolError as error:
            raise TransportError(f"HTTP {error.errcode} {error.errmsg} from {self.url}") from error
        except (TimeoutError, OSError, http.client.HTTPException) as error:
            raise TransportError(f"Cannot reach {self.url}: {error}") from error


# Exceptions Odoo reports in a JSON-RPC error's ``data.name``, by what the
# client makes of them (odoo.http's JSON-RPC error serialisation).
JSON_VALIDATION_ERRORS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
JSON_MISSING_ERROR = "odoo.exceptions.MissingError"
JSON_ACCESS_ERROR = "odoo.exceptions.AccessError"
JSON_ACCESS_DENIED = "odoo.exceptions.AccessDenied"
JSON_SESSION_EXPIRED_CODE = 100


class JsonRpcTransport(Transport):
    """Odoo's web JSON-RPC routes, with a session: opt-in.

    ``authenticate`` opens a session (``/web/session/authenticate``) and
    ``execute_kw`` posts to ``/web/dataset/call_kw/<model>/<method>``, the
    route of Odoo's web client. Odoo runs methods marked ``@api.readonly``
    there on a read-only cursor, on the read replica when the server has
    ``db_replica_host``; the XML-RPC endpoint always uses the primary.

    A session login is interactive: it takes the user's password, not an API
    key, and fails for a user with two-factor authentication. A session that
    expired (the server restarted, the session timed out) is renewed once,
    transparently, with the same credentials.
    """

    def __init__(self, url, timeout=30.0):
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"Not an http(s) URL: {url!r}")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._session_id = None
        self._credentials = None  # (db, login, secret) of the last authenticate
        self._request_id = 0

    def call(self, service, method, *args):
        if (service, method) == ("common", "authenticate"):
            db, login, secret = args[:3]
            return self._authenticate(db, login, secret)
        if (service, method) != ("object", "execute_kw"):
            raise ValueError(f"{service}.{method} is not available over JSON-RPC")
        _db, _uid, _secret, model, model_method, call_args, *rest = args
        params = {
            "model": model,
            "method": model_method,
            "args": list(call_args),
            "kwargs": rest[0] if rest else {},
        }
        if self._session_id is None and self._credentials:
            self._authenticate(*self._credentials)
        path = f"/web/dataset/call_kw/{model}/{model_method}"
        try:
            return self._post(path, params)
        except _SessionExpired:
            if not self._credentials:
                raise AuthenticationFailed("The session expired and no credentials are known") from None
            self._authenticate(*self._credentials)
            return self._post(path, params)

    def _authenticate(self, db, login, secret):
        """The user's id (False when the login is refused); keeps the session."""
        self._session_id = None
        try:
            result = self._post("/web/session/authenticate", {"db": db, "login": login, "password": secret})
        except AuthenticationFailed:
            return False
        if not isinstance(result, dict) or not result.get("uid"):
            return False
        self._credentials = (db, login, secret)
        return result["uid"]

    def _post(self, path, params):
        self._request_id += 1
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": self._request_id, "params": params})
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._session_id:
            headers["Cookie"] = f"session_id={self._session_id}"
        request = urllib.request.Request(self.url + path, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self._keep_session(response.headers.get_all("Set-Cookie") or [])
                payload = json.loads(response.read().decode())
        except urllib.error.HTTPError as error:
            raise TransportError(f"HTTP {error.code} {error.reason} from {self.url}{path}") from error
        except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as error:
            raise TransportError(f"Cannot reach {self.url}: {error}") from error
        except ValueError as error:  # not JSON: a proxy's error page, say
            raise TransportError(f"Not a JSON-RPC answer from {self.url}{path}") from error
        if "error" in payload:
            raise map_json_error(payload["error"])
        return payload.get("result")

    def _keep_session(self, cookies):
        for cookie in cookies:
            name, _sep, rest = cookie.partition("=")
            if name.strip() == "session_id":
                self._session_id = rest.split(";", 1)[0].strip() or None


class _SessionExpired(AfterSalesError):
    """Odoo's SessionExpiredException: log in again."""


def map_json_error(error):
    """The typed error for the ``error`` member of an Odoo JSON-RPC answer."""
    if not isinstance(error, dict):
        return ServerError(f"Server error: {error!r}")
    data = error.get("data") if isinstance(error.get("data"), dict) else {}
    name = data.get("name") or ""
    message = str(data.get("message") or error.get("message") or "").strip()
    if error.get("code") == JSON_SESSION_EXPIRED_CODE:
        return _SessionExpired(message or "Session expired")
    if name == JSON_ACCESS_DENIED:
        return AuthenticationFailed(message or "Access denied")
    if name == JSON_ACCESS_ERROR:
        return AccessDenied(message)
    if name == JSON_MISSING_ERROR:
        return MissingRecord(message)
    if name in JSON_VALIDATION_ERRORS:
        return ValidationFailed(message)
    return ServerError(message or f"Server error ({name or error.get('code')})")
