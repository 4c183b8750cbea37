"""Summarise an Odoo test log and judge it: the summary must never call green
what was not proven.

Usage: odoo_test_report.py LOGFILE EXIT_CODE [--known FILE] [--tags TAGS]
                           [--addon NAME] [--baseline]

It counts the tests run, passed, failed, errored and skipped, lists every
failure and every skip with its reason, and exits 1 when:

- a test failed or errored that is not a known upstream failure, including an
  error in a class's set-up (named in its FAILED line);
- a test of the addon (``--addon``) was skipped: a browser test without
  Chromium or ``websocket-client``, a missing Python package (the message says
  what to install). Skips in Odoo's own suites are listed and allowed;
- a data or demo file of the addon did not load (a WARNING or ERROR of
  ``odoo.modules.loading`` that names the addon), or the database did not
  initialise;
- a tag asked for (``--tags``) ran no test, or the log has no totals line;
- with ``--baseline`` (Odoo's suites on a database without the addon): a known
  upstream failure did not fail there, so it is not proven upstream.
"""

import argparse
import re
import sys
from collections import Counter

# "2026-11-27 03:35:18,123 4242 INFO db odoo.addons.x.tests.test_y: message"
RECORD_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<message>.*)$"
)
# Loggers of test modules: "odoo.addons.<module>.tests..."
MODULE_RE = re.compile(r"odoo\.addons\.(?P<module>\w+)\.")
STARTING_RE = re.compile(r"^Starting (?P<test>\S+) \.\.\.$")
SKIPPED_RE = re.compile(r"^skipped (?P<test>.+?) : (?P<reason>.*)$")
FAILURE_RE = re.compile(r"^(?P<flavour>FAIL|ERROR): (?P<test>.+)$")
# "setUpClass (odoo.addons.stock.tests.test_x.TestX)"
CLASS_LEVEL_RE = re.compile(r"^(?P<method>\w+) \((?P<path>odoo\.addons\.[\w.]+)\)$")
# "Subtest TestX.test_y (k=1)"
SUBTEST_RE = re.compile(r"^Subtest (?P<test>\S+)")
TOTAL_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
FATAL_RES = (
    re.compile(r"Failed to initialize database"),
    re.compile(r"Some modules are not loaded"),
    re.compile(r"Some modules have inconsistent states"),
)
# What a skip reason of Odoo's test framework means for the machine.
INSTALL_HINTS = (
    ("websocket-client", "install it in Odoo's Python: $ODOO_PYTHON -m pip install websocket-client"),
    ("Chrome executable not found", "install Debian's chromium: apt-get install chromium"),
    ("chrom", "check that Chromium starts headless on this machine (apt-get install chromium)"),
    ("No module named", "install the missing Python package in Odoo's Python"),
    ("wkhtmltopdf", "install Debian's wkhtmltopdf"),
)


class Record:
    __slots__ = ("level", "logger", "message", "module")

    def __init__(self, level, logger, message):
        self.level = level
        self.logger = logger
        self.message = message
        match = MODULE_RE.match(logger + ".")
        self.module = match["module"] if match else None


def records(lines):
    """Log records, continuation lines (tracebacks) appended to their record."""
    current = None
    for line in lines:
        # Odoo ends its lines with a space: "Starting TestX.test_y ... "
        match = RECORD_RE.match(line.rstrip())
        if match:
            if current:
                yield current
            current = Record(match["level"], match["logger"], match["message"])
        elif current:
            current.message += "\n" + line.rstrip()
    if current:
        yield current


def test_name(record, description):
    """module:Class.method of a test description, also for class-level errors."""
    first_line = description.splitlines()[0].strip()
    match = CLASS_LEVEL_RE.match(first_line)
    if match:
        # "setUpClass (odoo.addons.m.tests.test_f.TestX)" -> m:TestX.setUpClass
        path = match["path"]
        module = MODULE_RE.match(path)["module"]
        return module, f"{path.rsplit('.', 1)[1]}.{match['method']}", True
    match = SUBTEST_RE.match(first_line)
    test = match["test"] if match else first_line.split(" ")[0]
    return record.module or "?", test, False


class Report:
    def __init__(self):
        self.started = Counter()  # module -> tests started
        self.skips = []  # (module, test, reason)
        self.failures = {}  # "module:test" -> flavour, first failure of each test
        self.class_level = set()  # failures not inside a test (set-up, tear-down)
        self.totals = None
        self.fatal = []
        self.loading = []

    def feed(self, record, addon):
        first_line = record.message.splitlines()[0]
        totals = TOTAL_RE.search(first_line) if record.logger == "odoo.tests.result" else None
        if totals:
            self.totals = tuple(int(x) for x in totals.groups())
            return
        if any(regex.search(first_line) for regex in FATAL_RES) or record.level == "CRITICAL":
            self.fatal.append(first_line)
            return
        if (
            record.logger == "odoo.modules.loading"
            and record.level in ("WARNING", "ERROR")
            and addon
            and addon in record.message
        ):
            self.loading.append(first_line)
            return
        if record.level == "INFO":
            match = STARTING_RE.match(first_line)
            if match and record.module:
                self.started[record.module] += 1
                return
            match = SKIPPED_RE.match(first_line)
            if match:
                module, test, _class_level = test_name(record, match["test"])
                self.skips.append((module, test, match["reason"]))
            return
        if record.level == "ERROR":
            match = FAILURE_RE.match(first_line)
            if match:
                module, test, class_level = test_name(record, match["test"])
                name = f"{module}:{test}"
                self.failures.setdefault(name, match["flavour"])
                if class_level:
                    self.class_level.add(name)


def read_known(path):
    """Known upstream failures: "module:Class.method  # why" per line."""
    known = []
    if not path:
        return known
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            name = raw.split("#", 1)[0].strip()
            if name:
                known.append(name)
    return known


def asked_modules(tags):
    """Modules named by the positive test tags; None for a tag without a module."""
    modules = []
    for raw in (tags or "").split(","):
        tag = raw.strip()
        if not tag or tag.startswith("-"):
            continue
        match = re.match(r"^\+?[\w]*(?:/(?P<module>\w+))?", tag)
        modules.append(match["module"] if match else None)
    return modules


def install_hint(reason):
    for needle, hint in INSTALL_HINTS:
        if needle.lower() in reason.lower():
            return hint
    return "see the reason: the addon's tests may not be skipped"


def failure_lines(report, known, addon, out, problems):
    """Failures (known ones apart), skips and loading problems."""
    for name in report.failures:
        if name in known:
            out.append(f"  known upstream failure (fails without the addon too): {name}")
            continue
        where = " (error outside a test: class set-up or tear-down)" if name in report.class_level else ""
        out.append(f"  FAILED: {name} [{report.failures[name]}]{where}")
        problems.append(f"{name} failed")
    for module, test, reason in report.skips:
        if module == addon:
            out.append(f"  SKIPPED (not allowed, the addon's own test): {module}:{test}: {reason}")
            out.append(f"    to run it: {install_hint(reason)}")
            problems.append(f"{module}:{test} skipped")
        else:
            out.append(f"  skipped (Odoo's suite, allowed): {module}:{test}: {reason}")
    for line in report.loading:
        out.append(f"  LOADING FAILED: {line}")
        problems.append("a data or demo file of the addon did not load")
    for line in report.fatal:
        out.append(f"  fatal: {line}")
        problems.append("Odoo could not load the modules")


def known_lines(report, known, baseline, out, problems):
    """With --baseline every known failure must fail; else say which did not."""
    skipped_names = {f"{module}:{test}" for module, test, _reason in report.skips}
    for name in known:
        if name in report.failures:
            continue
        if not baseline:
            out.append(f"  note: known upstream failure {name} did not fail in this run")
        elif name in skipped_names:
            out.append(f"  NOT PROVEN: known failure {name} was skipped here, so not shown to fail")
            problems.append(f"{name} not proven")
        else:
            out.append(f"  STALE: known failure {name} passed without the addon: remove it")
            problems.append(f"{name} stale")


def judge(report, known, tags, addon, baseline, exit_code):
    """Lines to print and whether the run proves what it claims."""
    out = []
    problems = []
    unexpected = [name for name in report.failures if name not in known]
    expected = [name for name in report.failures if name in known]
    skipped = len(report.skips)
    failed, errors, run = report.totals or (0, 0, sum(report.started.values()))
    failing_tests = len({name for name in report.failures if name not in report.class_level})
    passed = max(run - skipped - failing_tests, 0)
    out.append(f"Odoo tests: {run} run, {passed} passed, {failed} failed, {errors} errors, {skipped} skipped")
    out.extend(f"  {module}: {count} tests started" for module, count in sorted(report.started.items()))
    failure_lines(report, known, addon, out, problems)
    if report.totals is None:
        out.append("  no test summary found in the log: Odoo did not finish its tests")
        problems.append("no totals")
    for module in asked_modules(tags):
        if not (report.started[module] if module else run):
            out.append(f"  NO TEST RAN for the tag of {module or 'the tags'} asked for")
            problems.append(f"no test of {module}")
    known_lines(report, known, baseline, out, problems)
    if exit_code != 0 and not report.failures and not problems:
        out.append(f"  Odoo exited with {exit_code}: see the log for errors outside tests")
        problems.append("Odoo's exit code")
    if expected and not baseline:
        out.append(f"  {len(expected)} known upstream failure(s) not counted as failed below")
    out.append(f"odoo: {passed} passed, {len(unexpected)} failed, {skipped} skipped")
    return out, not problems


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log")
    parser.add_argument("exit_code", type=int)
    parser.add_argument("--known", help="file of known upstream failures")
    parser.add_argument("--tags", default="", help="the --test-tags Odoo ran")
    parser.add_argument("--addon", default="", help="the module whose tests may not be skipped")
    parser.add_argument("--baseline", action="store_true", help="a run without the addon")
    args = parser.parse_args(argv[1:])
    report = Report()
    with open(args.log, encoding="utf-8", errors="replace") as handle:
        for record in records(handle):
            report.feed(record, args.addon)
    known = read_known(args.known)
    lines, ok = judge(report, known, args.tags, args.addon, args.baseline, args.exit_code)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
