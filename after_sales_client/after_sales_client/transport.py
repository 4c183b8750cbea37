"""Transports: how a call reaches Odoo. XML-RPC today; a JSON-2 transport for
newer Odoo versions can implement the same interface."""

import http.client
import xmlrpc.client
from urllib.parse import urlparse

from .errors import TransportError, map_fault


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
