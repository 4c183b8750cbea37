"""The summary of an Odoo test log must never call green what was not proven.

The log excerpts are in the formats Odoo 18 writes (odoo/tests/result.py,
odoo/tests/suite.py, odoo/modules/loading.py, odoo/service/server.py), with
the space Odoo leaves at the end of each line; the started lines are copied
from a real run.
"""

import importlib.util
import pathlib

SPEC = importlib.util.spec_from_file_location(
    "odoo_test_report", pathlib.Path(__file__).parent.parent / "odoo_test_report.py"
)
report = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(report)

PREFIX = "2026-11-27 03:40:00,000 4242"
TAGS = "/after_sales_service,/stock"
ADDON_STARTED = f"{PREFIX} INFO db odoo.addons.after_sales_service.tests.test_warranty_term: Starting TestWarrantyTerm.test_precedence ... \n"
STOCK_STARTED = f"{PREFIX} INFO db odoo.addons.stock.tests.test_tour: Starting TestStockPickingTour.test_onchange_serial_lot_ids ... \n"


def totals(failed, errors, run, level="INFO"):
    return f"{PREFIX} {level} db odoo.tests.result: {failed} failed, {errors} error(s) of {run} tests when loading database 'db'\n"


OK_LOG = ADDON_STARTED + STOCK_STARTED + totals(0, 0, 2)
KNOWN_LOG = (
    ADDON_STARTED
    + STOCK_STARTED
    + f"{PREFIX} INFO db odoo.addons.stock.tests.test_tour: ======================================================================\n"
    + f"{PREFIX} ERROR db odoo.addons.stock.tests.test_tour: FAIL: TestStockPickingTour.test_onchange_serial_lot_ids\n"
    + "Traceback (most recent call last):\n"
    + "AssertionError: The test code \"odoo.startTour('test_onchange_serial_lot_ids')\" failed\n"
    + totals(1, 0, 2, "ERROR")
)
KNOWN = "stock:TestStockPickingTour.test_onchange_serial_lot_ids  # upstream\n"
NEW_FAILURE_LOG = (
    ADDON_STARTED
    + STOCK_STARTED
    + f"{PREFIX} ERROR db odoo.addons.after_sales_service.tests.test_warranty_term: ERROR: TestWarrantyTerm.test_precedence\n"
    + "Traceback (most recent call last):\n"
    + "KeyError: 'x'\n"
    + totals(0, 1, 2, "ERROR")
)
# HttpCase.browser_js without websocket-client (odoo/tests/common.py).
ADDON_SKIP_LOG = (
    ADDON_STARTED
    + f"{PREFIX} INFO db odoo.addons.after_sales_service.tests.test_service_order_tour: Starting TestServiceOrderTour.test_intake_tour ... \n"
    + f"{PREFIX} WARNING db odoo.addons.after_sales_service.tests.test_service_order_tour: websocket-client module is not installed \n"
    + f"{PREFIX} INFO db odoo.addons.after_sales_service.tests.test_service_order_tour: skipped TestServiceOrderTour.test_intake_tour : websocket-client module is not installed \n"
    + STOCK_STARTED
    + totals(0, 0, 3)
)
STOCK_SKIP_LOG = (
    ADDON_STARTED
    + STOCK_STARTED
    + f"{PREFIX} INFO db odoo.addons.stock.tests.test_tour: skipped TestStockPickingTour.test_onchange_serial_lot_ids : Chrome executable not found \n"
    + totals(0, 0, 2)
)
# A SkipTest raised in setUpClass is logged by the suite, not the test module.
CLASS_SKIP_LOG = (
    STOCK_STARTED
    + f"{PREFIX} INFO db odoo.tests.suite: skipped setUpClass (odoo.addons.after_sales_service.tests.test_accounting_pages.TestAccountingPages) : No module named 'websocket'\n"
    + totals(0, 0, 1)
)
# load_demo() in odoo/modules/loading.py: the module installs, without demo.
DEMO_WARNING_LOG = (
    f"{PREFIX} INFO db odoo.modules.loading: Module after_sales_service: loading demo\n"
    + f"{PREFIX} WARNING db odoo.modules.loading: Module after_sales_service demo data failed to install, installed without demo data\n"
    + "Traceback (most recent call last):\n"
    + '  File "/opt/odoo/odoo/tools/convert.py", line 698, in _tag_root\n'
    + "odoo.tools.convert.ParseError: while parsing /work/main/after_sales_service/demo/after_sales_demo.xml:120\n"
    + OK_LOG
)
OTHER_MODULE_WARNING_LOG = (
    f"{PREFIX} WARNING db odoo.modules.loading: Module stock demo data failed to install, installed without demo data\n"
    + OK_LOG
)
# No test module of the addon found: Odoo still prints its totals (a WARNING).
ZERO_TESTS_LOG = STOCK_STARTED + totals(0, 0, 1)
NOTHING_RUN_LOG = totals(0, 0, 0, "WARNING")
# An exception in setUpClass: odoo/tests/suite.py logs it through an _ErrorHolder.
SETUP_CLASS_ERROR_LOG = (
    ADDON_STARTED
    + STOCK_STARTED
    + f"{PREFIX} INFO db odoo.tests.suite: ======================================================================\n"
    + f"{PREFIX} ERROR db odoo.tests.suite: ERROR: setUpClass (odoo.addons.after_sales_service.tests.test_service_postings.TestServicePostings)\n"
    + "Traceback (most recent call last):\n"
    + '  File "/opt/odoo/odoo/tests/suite.py", line 62, in _handleClassSetUp\n'
    + "    currentClass.setUpClass()\n"
    + "odoo.exceptions.UserError: Set the service costs journal first.\n"
    + totals(0, 1, 2, "ERROR")
)


def run(tmp_path, text, exit_code, known="", tags=TAGS, baseline=False):
    log = tmp_path / "odoo.log"
    log.write_text(text)
    known_file = tmp_path / "known.txt"
    known_file.write_text(known)
    argv = ["x", str(log), str(exit_code), "--known", str(known_file), "--tags", tags]
    argv += ["--addon", "after_sales_service"]
    if baseline:
        argv.append("--baseline")
    return report.main(argv)


def test_clean_run_passes(tmp_path, capsys):
    assert run(tmp_path, OK_LOG, 0) == 0
    out = capsys.readouterr().out
    assert "Odoo tests: 2 run, 2 passed, 0 failed, 0 errors, 0 skipped" in out
    assert out.splitlines()[-1] == "odoo: 2 passed, 0 failed, 0 skipped"


def test_known_upstream_failure_is_listed_and_accepted(tmp_path, capsys):
    assert run(tmp_path, KNOWN_LOG, 1, KNOWN) == 0
    out = capsys.readouterr().out
    assert "known upstream failure (fails without the addon too): stock:TestStockPickingTour" in out
    assert "odoo: 1 passed, 0 failed, 0 skipped" in out


def test_new_failure_fails(tmp_path, capsys):
    assert run(tmp_path, NEW_FAILURE_LOG, 1) == 1
    out = capsys.readouterr().out
    assert "FAILED: after_sales_service:TestWarrantyTerm.test_precedence [ERROR]" in out
    assert "odoo: 1 passed, 1 failed, 0 skipped" in out


def test_unknown_failure_beside_known_one_fails(tmp_path):
    assert run(tmp_path, NEW_FAILURE_LOG + KNOWN_LOG, 1, KNOWN) == 1


def test_log_without_summary_fails(tmp_path, capsys):
    assert run(tmp_path, f"{PREFIX} INFO db odoo.modules.loading: loading\n", 1) == 1
    assert "did not finish" in capsys.readouterr().out


def test_error_outside_tests_fails(tmp_path, capsys):
    text = OK_LOG + f"{PREFIX} CRITICAL db odoo.service.server: Failed to initialize database `db`.\n"
    assert run(tmp_path, text, 1) == 1
    assert "fatal: Failed to initialize database" in capsys.readouterr().out


def test_skipped_test_of_the_addon_fails_and_says_what_to_install(tmp_path, capsys):
    assert run(tmp_path, ADDON_SKIP_LOG, 0) == 1
    out = capsys.readouterr().out
    assert (
        "SKIPPED (not allowed, the addon's own test): after_sales_service:TestServiceOrderTour.test_intake_tour:"
        " websocket-client module is not installed" in out
    )
    assert "pip install websocket-client" in out
    assert "Odoo tests: 3 run, 2 passed, 0 failed, 0 errors, 1 skipped" in out
    assert out.splitlines()[-1] == "odoo: 2 passed, 0 failed, 1 skipped"


def test_skip_in_class_set_up_of_the_addon_fails(tmp_path, capsys):
    assert run(tmp_path, CLASS_SKIP_LOG, 0, tags="/stock") == 1
    out = capsys.readouterr().out
    assert "after_sales_service:TestAccountingPages.setUpClass: No module named 'websocket'" in out
    assert "install the missing Python package" in out


def test_skip_in_odoo_suite_is_listed_and_allowed(tmp_path, capsys):
    assert run(tmp_path, STOCK_SKIP_LOG, 0) == 0
    out = capsys.readouterr().out
    assert (
        "skipped (Odoo's suite, allowed): stock:TestStockPickingTour.test_onchange_serial_lot_ids:"
        " Chrome executable not found" in out
    )
    assert "odoo: 1 passed, 0 failed, 1 skipped" in out


def test_demo_data_warning_of_the_addon_fails(tmp_path, capsys):
    assert run(tmp_path, DEMO_WARNING_LOG, 0) == 1
    out = capsys.readouterr().out
    assert "LOADING FAILED: Module after_sales_service demo data failed to install" in out


def test_loading_warning_of_another_module_is_not_the_addon_s(tmp_path):
    assert run(tmp_path, OTHER_MODULE_WARNING_LOG, 0) == 0


def test_tag_that_ran_no_test_fails(tmp_path, capsys):
    assert run(tmp_path, ZERO_TESTS_LOG, 0) == 1
    out = capsys.readouterr().out
    assert "NO TEST RAN for the tag of after_sales_service asked for" in out


def test_run_without_any_test_fails(tmp_path, capsys):
    assert run(tmp_path, NOTHING_RUN_LOG, 0, tags="post_install") == 1
    assert "NO TEST RAN for the tag of the tags asked for" in capsys.readouterr().out


def test_excluded_tag_may_run_nothing(tmp_path):
    assert run(tmp_path, OK_LOG, 0, tags="/after_sales_service,/stock,-/repair") == 0


def test_set_up_class_error_is_named(tmp_path, capsys):
    assert run(tmp_path, SETUP_CLASS_ERROR_LOG, 1) == 1
    out = capsys.readouterr().out
    assert (
        "FAILED: after_sales_service:TestServicePostings.setUpClass [ERROR]"
        " (error outside a test: class set-up or tear-down)" in out
    )
    # The class's tests never started: the two that did passed.
    assert "odoo: 2 passed, 1 failed, 0 skipped" in out


def test_baseline_proves_each_known_failure(tmp_path, capsys):
    assert run(tmp_path, KNOWN_LOG, 1, KNOWN, tags="/stock", baseline=True) == 0
    assert "STALE" not in capsys.readouterr().out


def test_baseline_refuses_a_known_failure_that_passed(tmp_path, capsys):
    assert run(tmp_path, OK_LOG, 0, KNOWN, tags="/stock", baseline=True) == 1
    out = capsys.readouterr().out
    assert "STALE: known failure stock:TestStockPickingTour.test_onchange_serial_lot_ids passed" in out


def test_baseline_refuses_a_known_failure_that_was_skipped(tmp_path, capsys):
    assert run(tmp_path, STOCK_SKIP_LOG, 0, KNOWN, tags="/stock", baseline=True) == 1
    assert "NOT PROVEN: known failure stock:TestStockPickingTour" in capsys.readouterr().out


def test_asked_modules_reads_odoo_tag_syntax():
    tags = "/after_sales_service,post_install/stock:TestX.test_y,-/repair,at_install,+/account"
    assert report.asked_modules(tags) == ["after_sales_service", "stock", None, "account"]
