import datetime

import pytest

from after_sales_client import (
    AccessDenied,
    AfterSalesClient,
    AuthenticationFailed,
    InvalidInput,
    JsonRpcTransport,
    MissingRecord,
    ServerError,
    TransportError,
    ValidationFailed,
    XmlRpcTransport,
)

from .fake_odoo_json import FakeOdooJson, OdooError
from .test_client import STATUS_ROW


@pytest.fixture
def odoo():
    with FakeOdooJson() as server:
        yield server


def client_for(server, password="secret", **kwargs):
    return AfterSalesClient(server.url, "db", "shop", password, timeout=5, transport="jsonrpc", **kwargs)


def test_xmlrpc_stays_the_default():
    assert isinstance(AfterSalesClient("http://x", "db", "shop", "key").transport, XmlRpcTransport)
    assert isinstance(
        AfterSalesClient("http://x", "db", "shop", "key", transport="xmlrpc").transport, XmlRpcTransport
    )
    with pytest.raises(InvalidInput, match="transport is one of xmlrpc, jsonrpc"):
        AfterSalesClient("http://x", "db", "shop", "key", transport="soap")


def test_session_then_the_web_route_of_each_method(odoo):
    odoo.handlers[("after_sales.warranty", "get_warranty_status")] = lambda serials, *rest: [
        dict(STATUS_ROW, serial=serials[0])
    ]
    client = client_for(odoo)
    assert isinstance(client.transport, JsonRpcTransport)
    status = client.warranty_status(" SN-1 ", date=datetime.date(2026, 1, 1))
    assert status.covered and status.date_end == datetime.date(2027, 1, 1)
    (auth_path, auth, _none), (path, params, session) = odoo.calls
    assert auth_path == "/web/session/authenticate"
    assert auth == {"db": "db", "login": "shop", "password": "secret"}
    # The route Odoo gives a read-only cursor (the replica's) for marked methods.
    assert path == "/web/dataset/call_kw/after_sales.warranty/get_warranty_status"
    assert params == {
        "model": "after_sales.warranty",
        "method": "get_warranty_status",
        "args": [["SN-1"], "2026-01-01"],
        "kwargs": {},
    }
    assert session in odoo.sessions
    client.warranty_status("SN-1")
    assert len(odoo.calls) == 3  # one login for the client's life


def test_registrations_and_orders_over_jsonrpc(odoo):
    odoo.handlers[("after_sales.warranty", "register_warranties")] = lambda rows: [
        {"ref": row["ref"], "status": "created", "id": index + 1} for index, row in enumerate(rows)
    ]
    order = {
        "name": "SRV/1",
        "state": "confirmed",
        "coverage": "warranty",
        "customer": "Ann",
        "product": "Espresso",
        "serial": "SN-1",
        "date_deadline": False,
        "overdue": False,
        "total_cost": 0.0,
    }
    odoo.handlers[("after_sales.service.order", "api_open")] = lambda values: order
    odoo.handlers[("after_sales.service.order", "api_overdue")] = lambda: [order]
    client = client_for(odoo)
    report = client.register_warranties([{"ref": "R1", "serial": "SN-1", "partner_id": 3}])
    assert report.created == ["R1"]
    assert client.open_service_order(serial="SN-1").name == "SRV/1"
    assert [o.serial for o in client.overdue_orders()] == ["SN-1"]
    assert [path.rsplit("/", 1)[1] for path, _p, _s in odoo.calls[1:]] == [
        "register_warranties",
        "api_open",
        "api_overdue",
    ]


def test_wrong_password(odoo):
    with pytest.raises(AuthenticationFailed, match="Login failed for shop"):
        client_for(odoo, password="nope").overdue_orders()


def test_expired_session_is_renewed_once(odoo):
    odoo.handlers[("after_sales.service.order", "api_overdue")] = lambda: []
    client = client_for(odoo)
    assert client.overdue_orders() == []
    odoo.expire()
    assert client.overdue_orders() == []
    paths = [path for path, _p, _s in odoo.calls]
    assert paths == [
        "/web/session/authenticate",
        "/web/dataset/call_kw/after_sales.service.order/api_overdue",
        "/web/dataset/call_kw/after_sales.service.order/api_overdue",  # refused: expired
        "/web/session/authenticate",
        "/web/dataset/call_kw/after_sales.service.order/api_overdue",
    ]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("odoo.exceptions.UserError", ValidationFailed),
        ("odoo.exceptions.ValidationError", ValidationFailed),
        ("odoo.exceptions.MissingError", MissingRecord),
        ("odoo.exceptions.AccessError", AccessDenied),
        ("builtins.KeyError", ServerError),
    ],
)
def test_odoo_errors_are_typed(odoo, name, error):
    def refuse(names):
        raise OdooError(name, "Unknown service order: SRV/NOPE")

    odoo.handlers[("after_sales.service.order", "api_status")] = refuse
    with pytest.raises(error, match="SRV/NOPE"):
        client_for(odoo).service_order_status("SRV/NOPE")


def test_unreachable_and_not_found():
    client = AfterSalesClient("http://127.0.0.1:9", "db", "shop", "pw", transport="jsonrpc", retries=0)
    with pytest.raises(TransportError, match="Cannot reach"):
        client.overdue_orders()
    with FakeOdooJson() as server:
        transport = JsonRpcTransport(server.url)
        with pytest.raises(TransportError, match="HTTP 404"):
            transport._post("/jsonrpc", {})
        with pytest.raises(ValueError, match="not available over JSON-RPC"):
            transport.call("object", "execute", "db")
