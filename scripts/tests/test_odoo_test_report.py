"""The summary of an Odoo test log must never call a failed run green."""

import importlib.util
import pathlib

SPEC = importlib.util.spec_from_file_location(
    "odoo_test_report", pathlib.Path(__file__).parent.parent / "odoo_test_report.py"
)
report = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(report)

OK_LOG = """\
2026-11-26 10:00:00,000 1 INFO db odoo.modules.loading: done
2026-11-26 10:00:01,000 1 INFO db odoo.service.server: 0 failed, 0 error(s) of 12 tests when loading database 'db'
"""
KNOWN_LOG = """\
2026-11-26 10:00:00,000 1 ERROR db odoo.addons.stock.tests.test_tour: FAIL: TestStockPickingTour.test_onchange_serial_lot_ids
2026-11-26 10:00:01,000 1 ERROR db odoo.service.server: 1 failed, 0 error(s) of 715 tests when loading database 'db'
"""
NEW_FAILURE_LOG = """\
2026-11-26 10:00:00,000 1 ERROR db odoo.addons.after_sales_service.tests.test_x: ERROR: TestX.test_y
2026-11-26 10:00:01,000 1 ERROR db odoo.service.server: 0 failed, 1 error(s) of 20 tests when loading database 'db'
"""


def run(tmp_path, text, exit_code, known=""):
    log = tmp_path / "odoo.log"
    log.write_text(text)
    known_file = tmp_path / "known.txt"
    known_file.write_text(known)
    return report.main(["x", str(log), str(exit_code), str(known_file)])


def test_clean_run_passes(tmp_path, capsys):
    assert run(tmp_path, OK_LOG, 0) == 0
    assert "12 passed, 0 failed" in capsys.readouterr().out


def test_known_upstream_failure_is_listed_and_accepted(tmp_path, capsys):
    known = "stock:TestStockPickingTour.test_onchange_serial_lot_ids  # upstream\n"
    assert run(tmp_path, KNOWN_LOG, 1, known) == 0
    out = capsys.readouterr().out
    assert "known upstream failure" in out
    assert "714 passed, 0 failed" in out


def test_new_failure_fails(tmp_path, capsys):
    assert run(tmp_path, NEW_FAILURE_LOG, 1) == 1
    assert "FAILED: after_sales_service:TestX.test_y" in capsys.readouterr().out


def test_unknown_failure_beside_known_one_fails(tmp_path):
    text = NEW_FAILURE_LOG + KNOWN_LOG
    known = "stock:TestStockPickingTour.test_onchange_serial_lot_ids\n"
    assert run(tmp_path, text, 1, known) == 1


def test_log_without_summary_fails(tmp_path, capsys):
    assert run(tmp_path, "INFO nothing\n", 1) == 1
    assert "did not finish" in capsys.readouterr().out


def test_error_outside_tests_fails(tmp_path):
    text = OK_LOG + "2026-11-26 1 CRITICAL db odoo.service.server: Failed to initialize database `db`.\n"
    assert run(tmp_path, text, 1) == 1
