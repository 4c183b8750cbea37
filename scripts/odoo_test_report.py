"""Summarise an Odoo test log and judge it against known upstream failures.

Usage: odoo_test_report.py LOGFILE EXIT_CODE [KNOWN_FAILURES_FILE]

Prints the tests run, failed and errored, lists every failing test, and exits
non-zero unless the Odoo run succeeded or its only failures are listed in the
known-failures file (upstream failures shown to fail without the addon too).
"""

import re
import sys

# "ERROR db odoo.addons.stock.tests.test_x: FAIL: TestX.test_y"
FAILURE_RE = re.compile(
    r" (?:ERROR|CRITICAL) \S+ (?P<logger>odoo\.addons\.(?P<module>[\w]+)\.[\w.]+): "
    r"(?P<flavour>FAIL|ERROR): (?P<test>\S+)"
)
# "... 0 failed, 0 error(s) of 123 tests when loading database 'x'"
TOTAL_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
FATAL_RES = (
    re.compile(r"Failed to initialize database"),
    re.compile(r"Some modules are not loaded"),
    re.compile(r"Some modules have inconsistent states"),
    re.compile(r" CRITICAL "),
)


def read_known(path):
    known = set()
    if not path:
        return known
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            name = raw.split("#", 1)[0].strip()
            if name:
                known.add(name)
    return known


def parse(lines):
    failures = []
    totals = None
    fatal = []
    for line in lines:
        match = FAILURE_RE.search(line)
        if match:
            failures.append(f"{match['module']}:{match['test']}")
            continue
        match = TOTAL_RE.search(line)
        if match:
            totals = tuple(int(x) for x in match.groups())
        if any(regex.search(line) for regex in FATAL_RES):
            fatal.append(line.rstrip())
    return failures, totals, fatal


def main(argv):
    log_path, exit_code = argv[1], int(argv[2])
    known = read_known(argv[3] if len(argv) > 3 else None)
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        failures, totals, fatal = parse(handle)
    unexpected = [name for name in failures if name not in known]
    expected = [name for name in failures if name in known]
    ran = totals[2] if totals else 0
    failed = totals[0] if totals else len(failures)
    errors = totals[1] if totals else 0
    print(f"Odoo tests: {ran} run, {failed} failed, {errors} errors")
    for name in expected:
        print(f"  known upstream failure (fails without the addon too): {name}")
    for name in unexpected:
        print(f"  FAILED: {name}")
    for line in fatal:
        print(f"  fatal: {line}")
    ok = (
        bool(totals) and not unexpected and not fatal and (exit_code == 0 or failed + errors == len(expected))
    )
    if not totals:
        print("  no test summary found in the log: Odoo did not finish its tests")
    elif exit_code != 0 and not unexpected and failed + errors != len(expected):
        print(f"  Odoo exited with {exit_code}: see the log for errors outside tests")
    passed = max(ran - failed - errors, 0)
    if expected:
        print(f"  {len(expected)} known upstream failure(s) not counted below")
    print(f"odoo: {passed} passed, {failed + errors - len(expected)} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
