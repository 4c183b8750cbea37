import datetime
import xmlrpc.client

import pytest

from after_sales_client import (
    AccessDenied,
    AfterSalesClient,
    AuthenticationFailed,
    InvalidInput,
    MissingRecord,
    ServerError,
    Transport,
    TransportError,
    ValidationFailed,
)
from after_sales_client.client import validate_registration
from after_sales_client.errors import map_fault

from .fake_odoo import FAULT_ACCESS_ERROR, FAULT_WARNING, FakeOdoo


@pytest.fixture
def odoo():
    with FakeOdoo() as server:
        yield server


def client_for(server, **kwargs):
    return AfterSalesClient(server.url, "db", "shop", "key", timeout=5, **kwargs)


STATUS_ROW = {
    "serial": "SN-1",
    "found": True,
    "product": "Espresso",
    "customer": "Ann",
    "warranty": "WAR/1",
    "term": "24 months",
    "state": "active",
    "date_start": "2025-01-01",
    "date_end": "2027-01-01",
    "parts_coverage": 100.0,
    "labor_coverage": 50.0,
    "expense_coverage": 0.0,
}


def test_warranty_status_dataclass(odoo):
    odoo.handlers[("after_sales.warranty", "get_warranty_status")] = lambda serials, *rest: [
        dict(STATUS_ROW, serial=serials[0])
    ]
    status = client_for(odoo).warranty_status(" SN-1 ", date=datetime.date(2026, 1, 1))
    assert status.covered
    assert status.date_end == datetime.date(2027, 1, 1)
    assert (status.product, status.customer, status.labor_coverage) == ("Espresso", "Ann", 50.0)
    assert odoo.calls[-1][2] == [["SN-1"], "2026-01-01"]


def test_authentication_failure(odoo):
    client = AfterSalesClient(odoo.url, "db", "shop", "wrong", timeout=5)
    with pytest.raises(AuthenticationFailed, match="Login failed for shop"):
        client.warranty_status("SN-1")


def test_register_in_batches_and_idempotent(odoo):
    client = client_for(odoo)
    rows = [{"ref": f"R{i}", "serial": f"S{i}", "partner_id": 3} for i in range(5)]
    progress = []
    report = client.register_warranties(
        rows, batch_size=2, progress=lambda done, total: progress.append(done)
    )
    assert report.created == ["R0", "R1", "R2", "R3", "R4"]
    batches = [call for call in odoo.calls if call[1] == "register_warranties"]
    assert [len(call[2][0]) for call in batches] == [2, 2, 1]
    assert progress == [2, 4, 5]
    again = client.register_warranties(rows, batch_size=10)
    assert again.created == [] and len(again.existing) == 5


def test_bad_rows_never_stop_good_ones(odoo):
    rows = [
        {"ref": "OK1", "serial": "S1", "partner_id": 3},
        {"serial": "S2", "partner_id": 3},  # no ref
        {"ref": "BADSERIAL", "serial": "BAD", "partner_id": 3},  # rejected by the server
        {"ref": "BADDATE", "serial": "S3", "partner_id": 3, "date_start": "31/12/2025"},
        {"ref": "OK2", "product_id": "12", "partner_id": "3", "quantity": "2"},
    ]
    report = client_for(odoo).register_warranties(rows)
    assert report.created == ["OK1", "OK2"]
    assert [(index, ref) for index, ref, _reason in report.rejected] == [
        (1, None),
        (2, "BADSERIAL"),
        (3, "BADDATE"),
    ]
    assert "ref is required" in report.rejected[0][2]
    assert "Serial BAD is unknown" in report.rejected[1][2]
    sent = next(call for call in odoo.calls if call[1] == "register_warranties")[2][0]
    assert [row["ref"] for row in sent] == ["OK1", "BADSERIAL", "OK2"]
    assert sent[2] == {"ref": "OK2", "product_id": 12, "partner_id": 3, "quantity": 2.0}


def test_never_sends_none():
    row = validate_registration(
        {"ref": " R1 ", "serial": "S1", "partner_id": 4, "term_id": None, "date_start": ""}
    )
    assert row == {"ref": "R1", "serial": "S1", "partner_id": 4}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"ref": "R", "partner_id": 1}, "give a serial or a product_id"),
        ({"ref": "R", "serial": "S"}, "partner_id is required"),
        ({"ref": "R", "serial": "S", "partner_id": "x"}, "partner_id must be a number"),
        ({"ref": "R", "serial": "S", "partner_id": -1}, "partner_id must be positive"),
        ({"ref": "R", "serial": "S", "partner_id": 1, "quantity": 0}, "quantity must be positive"),
        ({"ref": "R", "serial": "S", "partner_id": 1, "colour": "red"}, "unknown field"),
        ("R,S,1", "mapping"),
    ],
)
def test_validation_messages(row, message):
    with pytest.raises(InvalidInput, match=message):
        validate_registration(row)


@pytest.mark.parametrize(
    ("code", "text", "error"),
    [
        (FAULT_WARNING, "The warranty cannot end before it starts.", ValidationFailed),
        (FAULT_WARNING, "Record does not exist or has been deleted.", MissingRecord),
        (FAULT_ACCESS_ERROR, "You are not allowed to modify 'Warranty'", AccessDenied),
        (3, "Access Denied", AuthenticationFailed),
        (1, "Traceback (most recent call last):\nKeyError: 'x'", ServerError),
    ],
)
def test_fault_mapping(code, text, error):
    mapped = map_fault(xmlrpc.client.Fault(code, text))
    assert isinstance(mapped, error)
    assert str(mapped) == text.splitlines()[-1] or str(mapped) == text


def test_faults_over_the_wire(odoo):
    def refuse(*_args):
        raise xmlrpc.client.Fault(FAULT_WARNING, "Enter the serial number of Espresso.")

    odoo.handlers[("after_sales.service.order", "api_open")] = refuse
    with pytest.raises(ValidationFailed, match="Enter the serial number"):
        client_for(odoo).open_service_order(serial="SN-1", symptom="noise")
    with pytest.raises(ServerError, match="no method api_overdue"):
        client_for(odoo).overdue_orders()


class FlakyTransport(Transport):
    """Fails the first ``failures`` object calls with a transport error."""

    def __init__(self, failures, result):
        self.failures = failures
        self.result = result
        self.calls = []

    def call(self, service, method, *args):
        self.calls.append((service, method))
        if service == "common":
            return 7
        if self.failures:
            self.failures -= 1
            raise TransportError("connection reset")
        return self.result


def test_safe_calls_are_retried_with_backoff():
    sleeps = []
    transport = FlakyTransport(2, [dict(STATUS_ROW)])
    client = AfterSalesClient(
        "http://x", "db", "shop", "key", transport=transport, backoff=0.5, sleep=sleeps.append
    )
    assert client.warranty_status("SN-1").covered
    assert sleeps == [0.5, 1.0]


def test_retries_give_up():
    transport = FlakyTransport(10, [])
    client = AfterSalesClient(
        "http://x", "db", "shop", "key", transport=transport, retries=2, sleep=lambda s: None
    )
    with pytest.raises(TransportError):
        client.warranty_status("SN-1")
    assert len([c for c in transport.calls if c[0] == "object"]) == 3


def test_unsafe_calls_are_not_retried():
    transport = FlakyTransport(1, {"name": "SRV/1"})
    client = AfterSalesClient("http://x", "db", "shop", "key", transport=transport, sleep=lambda s: None)
    with pytest.raises(TransportError):
        client.open_service_order(serial="SN-1", symptom="noise")
    assert len([c for c in transport.calls if c[0] == "object"]) == 1


def test_unreachable_server_is_a_transport_error():
    client = AfterSalesClient("http://127.0.0.1:9", "db", "shop", "key", timeout=2, retries=0)
    with pytest.raises(TransportError, match="Cannot reach"):
        client.warranty_status("SN-1")


def test_input_checked_before_sending():
    client = AfterSalesClient("http://x", "db", "shop", "key", transport=FlakyTransport(0, []))
    with pytest.raises(InvalidInput):
        client.costs("2026-13")
    with pytest.raises(InvalidInput):
        client.open_service_order(symptom="x")
    with pytest.raises(InvalidInput):
        client.open_service_order(serial="S", request_type="fix")
    with pytest.raises(InvalidInput):
        client.warranty_statuses("SN-1")
    with pytest.raises(InvalidInput):
        AfterSalesClient("http://x", "db", "shop", "", transport=FlakyTransport(0, []))
    assert "key" not in repr(client)


def test_costs_month_bounds(odoo):
    odoo.handlers[("after_sales.service.order", "api_costs")] = lambda date_from, date_to: {
        "orders": 2,
        "parts_cost": 10.0,
        "labor_cost": 20.0,
        "transport_cost": 5.0,
        "total_cost": 35.0,
        "by_coverage": {"warranty": 35.0},
        "echo": [date_from, date_to],
    }
    summary = client_for(odoo).costs("2024-02")
    assert (summary.date_from, summary.date_to) == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    assert summary.total_cost == 35.0
