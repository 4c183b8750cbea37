import csv
import io

import pytest

from after_sales_client import AfterSalesClient
from after_sales_client.cli import (
    EXIT_AUTH,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_REFUSED,
    EXIT_TRANSPORT,
    EXIT_USAGE,
    ConfigError,
    load_settings,
    main,
)

from .fake_odoo import FakeOdoo
from .fake_odoo_json import FakeOdooJson
from .test_client import STATUS_ROW


class Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def odoo():
    with FakeOdoo() as server:
        yield server


def run(server, argv, secret="key"):
    out = io.StringIO()
    code = main(
        argv, out=out, client_factory=lambda: AfterSalesClient(server.url, "db", "shop", secret, timeout=5)
    )
    return code, out.getvalue()


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerows(rows)
    return str(path)


def test_settings_from_environment_and_file(tmp_path):
    config = tmp_path / "after-sales.ini"
    config.write_text("[after-sales]\nurl = http://file\ndb = filedb\nlogin = filer\napi_key = filekey\n")
    assert load_settings(str(config), environ={}) == ("http://file", "filedb", "filer", "filekey")
    environ = {"AFTER_SALES_URL": "http://env", "AFTER_SALES_API_KEY": "envkey"}
    assert load_settings(str(config), environ=environ) == ("http://env", "filedb", "filer", "envkey")


def test_secret_prompted_on_a_terminal_only(tmp_path):
    environ = {
        "AFTER_SALES_URL": "http://x",
        "AFTER_SALES_DB": "d",
        "AFTER_SALES_LOGIN": "l",
        "AFTER_SALES_CONFIG": str(tmp_path / "none.ini"),
    }
    settings = load_settings(environ=environ, prompt=lambda text: "typed", stdin=Tty())
    assert settings[3] == "typed"
    with pytest.raises(ConfigError, match="no API key"):
        load_settings(environ=environ, prompt=lambda text: "typed", stdin=io.StringIO())


def test_missing_settings(tmp_path):
    with pytest.raises(ConfigError, match="missing url, db, login"):
        load_settings(environ={"AFTER_SALES_CONFIG": str(tmp_path / "none.ini")})


def test_no_secret_option_on_the_command_line():
    with pytest.raises(SystemExit):
        main(["--password", "x", "check", "SN-1"])


def test_check(odoo):
    odoo.handlers[("after_sales.warranty", "get_warranty_status")] = lambda serials, *rest: [
        {
            "serial": serials[0],
            "found": serials[0] != "NOPE",
            "product": "Espresso",
            "customer": "Ann",
            "warranty": "WAR/1",
            "term": "24 months",
            "state": "active" if serials[0] == "SN-1" else "expired",
            "date_start": "2024-01-01",
            "date_end": "2026-01-01",
            "parts_coverage": 100.0,
            "labor_coverage": 100.0,
            "expense_coverage": 50.0,
        }
    ]
    code, out = run(odoo, ["check", "SN-1"])
    assert code == EXIT_OK and "active, until 2026-01-01" in out and "50% expenses" in out
    assert run(odoo, ["check", "OLD"])[0] == EXIT_PARTIAL
    code, out = run(odoo, ["check", "NOPE"])
    assert code == EXIT_PARTIAL and "unknown serial" in out


def test_import_dry_run_reports_line_numbers(odoo, tmp_path):
    path = write_csv(
        tmp_path / "in.csv",
        [
            ["ref", "serial", "partner_id", "date_start"],
            ["A1", "S1", "3", "2025-01-01"],
            ["", "S2", "3", ""],
            ["A3", "S3", "3", "01/02/2025"],
        ],
    )
    rejected = tmp_path / "rejected.csv"
    code, out = run(odoo, ["import-warranties", path, "--dry-run", "--rejected", str(rejected)])
    assert code == EXIT_PARTIAL
    assert "1 valid, 2 rejected, nothing sent" in out
    with open(rejected, encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["line", "ref", "reason"]
    assert [line[0] for line in lines[1:]] == ["3", "4"]
    assert not [call for call in odoo.calls if call[0] != "authenticate"]


def test_import_twice_creates_nothing_new(odoo, tmp_path):
    path = write_csv(
        tmp_path / "in.csv",
        [["ref", "serial", "partner_id"], ["A1", "S1", "3"], ["A2", "BAD", "3"], ["A3", "S3", "3"]],
    )
    code, out = run(odoo, ["import-warranties", path, "--quiet"])
    assert code == EXIT_PARTIAL
    assert "2 created, 0 already present, 1 rejected" in out
    assert "line 3 (A2): Serial BAD is unknown" in out
    code, out = run(odoo, ["import-warranties", path, "--quiet"])
    assert "0 created, 2 already present, 1 rejected" in out


def test_import_unknown_column(odoo, tmp_path):
    path = write_csv(tmp_path / "in.csv", [["ref", "colour"], ["A1", "red"]])
    assert run(odoo, ["import-warranties", path])[0] == EXIT_USAGE
    assert run(odoo, ["import-warranties", str(tmp_path / "missing.csv")])[0] == EXIT_USAGE


def test_exit_codes_for_errors(odoo):
    assert run(odoo, ["check", "SN-1"], secret="wrong")[0] == EXIT_AUTH

    def refuse(*args):
        import xmlrpc.client

        raise xmlrpc.client.Fault(2, "Serial number SN-9 belongs to another product.")

    odoo.handlers[("after_sales.service.order", "api_open")] = refuse
    assert run(odoo, ["open-order", "--serial", "SN-9", "--symptom", "noise"])[0] == EXIT_REFUSED
    out = io.StringIO()
    code = main(
        ["check", "SN-1"],
        out=out,
        client_factory=lambda: AfterSalesClient("http://127.0.0.1:9", "d", "l", "k", timeout=2, retries=0),
    )
    assert code == EXIT_TRANSPORT


def test_orders_and_costs(odoo):
    order = {
        "name": "SRV/1",
        "state": "received",
        "coverage": "warranty",
        "customer": "Ann",
        "product": "Espresso",
        "serial": "SN-1",
        "date_deadline": "2026-01-10",
        "overdue": True,
        "total_cost": 12.5,
    }
    odoo.handlers[("after_sales.service.order", "api_overdue")] = lambda: [order]
    odoo.handlers[("after_sales.service.order", "api_status")] = lambda names: [order]
    odoo.handlers[("after_sales.service.order", "api_open")] = lambda values: dict(order, state="confirmed")
    odoo.handlers[("after_sales.service.order", "api_costs")] = lambda date_from, date_to: {
        "orders": 1,
        "parts_cost": 2.5,
        "labor_cost": 10.0,
        "transport_cost": 0.0,
        "total_cost": 12.5,
        "by_coverage": {"warranty": 12.5},
    }
    code, out = run(odoo, ["orders", "--overdue"])
    assert code == EXIT_OK and "SRV/1" in out and "OVERDUE" in out and "1 overdue order(s)" in out
    assert "received" in run(odoo, ["orders", "--name", "SRV/1"])[1]
    code, out = run(odoo, ["open-order", "--serial", "SN-1", "--symptom", "noise"])
    assert code == EXIT_OK and "SRV/1: confirmed" in out
    sent = next(call for call in odoo.calls if call[1] == "api_open")[2][0]
    assert sent == {"serial": "SN-1", "symptom": "noise", "request_type": "repair", "confirm": True}
    code, out = run(odoo, ["costs", "--month", "2026-01"])
    assert code == EXIT_OK and "12.50" in out and "2026-01-31" in out
    assert run(odoo, ["costs", "--month", "January"])[0] == EXIT_USAGE


def _status_row(serials, *rest):
    return [dict(STATUS_ROW, serial=serials[0])]


def _settings(monkeypatch, tmp_path, url, secret):
    monkeypatch.setenv("AFTER_SALES_CONFIG", str(tmp_path / "absent.ini"))
    for key, value in (("URL", url), ("DB", "db"), ("LOGIN", "shop"), ("PASSWORD", secret)):
        monkeypatch.setenv(f"AFTER_SALES_{key}", value)
    monkeypatch.delenv("AFTER_SALES_API_KEY", raising=False)


def test_transport_jsonrpc_goes_through_the_web_session(monkeypatch, tmp_path):
    with FakeOdooJson() as server:
        server.handlers[("after_sales.warranty", "get_warranty_status")] = _status_row
        _settings(monkeypatch, tmp_path, server.url, "secret")
        out = io.StringIO()
        assert main(["--transport", "jsonrpc", "check", "SN-1"], out=out) == EXIT_OK
        assert f"active, until {STATUS_ROW['date_end']}" in out.getvalue()
        paths = [path for path, _params, _session in server.calls]
        assert paths == [
            "/web/session/authenticate",
            "/web/dataset/call_kw/after_sales.warranty/get_warranty_status",
        ]


def test_transport_xmlrpc_is_the_default(monkeypatch, tmp_path, odoo):
    odoo.handlers[("after_sales.warranty", "get_warranty_status")] = _status_row
    _settings(monkeypatch, tmp_path, odoo.url, "key")
    for argv in (["check", "SN-1"], ["--transport", "xmlrpc", "check", "SN-1"]):
        odoo.calls.clear()
        assert main(argv, out=io.StringIO()) == EXIT_OK
        assert ("after_sales.warranty", "get_warranty_status", [["SN-1"]], {}) in odoo.calls


def test_transport_unknown_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--transport", "soap", "check", "SN-1"])
    assert exit_info.value.code == EXIT_USAGE
    assert "invalid choice: 'soap'" in capsys.readouterr().err
