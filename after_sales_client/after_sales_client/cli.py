"""The ``after-sales`` command line.

Connection settings come from the environment (AFTER_SALES_URL, _DB, _LOGIN,
_API_KEY or _PASSWORD), then from a config file (--config, or
~/.config/after-sales.ini, section [after-sales]: url, db, login, api_key or
password), and the secret from a prompt when neither has it. Secrets are
never taken from the command line.

Exit codes: 0 success; 1 done, but some rows were rejected or the serial is
not covered; 2 bad usage or configuration; 3 authentication failed; 4 server
unreachable; 5 refused by Odoo (validation, access, missing record); 6 server
error.
"""

import argparse
import configparser
import csv
import getpass
import os
import sys

from .client import REGISTRATION_KEYS, REQUEST_TYPES, TRANSPORTS, AfterSalesClient, validate_registration
from .errors import (
    AccessDenied,
    AfterSalesError,
    AuthenticationFailed,
    InvalidInput,
    ServerError,
    TransportError,
    ValidationFailed,
)

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_AUTH, EXIT_TRANSPORT, EXIT_REFUSED, EXIT_SERVER = range(7)
DEFAULT_CONFIG = os.path.join(os.path.expanduser("~"), ".config", "after-sales.ini")


class ConfigError(Exception):
    pass


def load_settings(config_path=None, environ=None, prompt=getpass.getpass, stdin=None):
    """url, db, login and secret from the environment, the config file or a prompt."""
    environ = os.environ if environ is None else environ
    stdin = sys.stdin if stdin is None else stdin
    settings = {}
    path = config_path or environ.get("AFTER_SALES_CONFIG") or DEFAULT_CONFIG
    if config_path and not os.path.exists(config_path):
        raise ConfigError(f"config file not found: {config_path}")
    if os.path.exists(path):
        parser = configparser.ConfigParser()
        parser.read(path, encoding="utf-8")
        if parser.has_section("after-sales"):
            section = parser["after-sales"]
            settings.update({key: section.get(key) for key in ("url", "db", "login", "api_key", "password")})
    for key in ("url", "db", "login", "api_key", "password"):
        value = environ.get(f"AFTER_SALES_{key.upper()}")
        if value:
            settings[key] = value
    missing = [key for key in ("url", "db", "login") if not settings.get(key)]
    if missing:
        raise ConfigError(
            "missing " + ", ".join(missing) + ": set AFTER_SALES_URL, AFTER_SALES_DB, AFTER_SALES_LOGIN "
            f"or write them in {path}"
        )
    secret = settings.get("api_key") or settings.get("password")
    if not secret:
        if not stdin.isatty():
            raise ConfigError("no API key: set AFTER_SALES_API_KEY or put api_key in the config file")
        secret = prompt(f"API key or password for {settings['login']}: ")
    return settings["url"], settings["db"], settings["login"], secret


def _progress(done, total, stream=sys.stderr):
    width = 30
    filled = int(width * done / total) if total else width
    stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        stream.write("\n")
    stream.flush()


def read_registrations(path):
    """Rows of the CSV file with their line numbers; the header names the fields."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise InvalidInput(f"{path} is empty")
        unknown = set(reader.fieldnames) - REGISTRATION_KEYS
        if unknown:
            raise InvalidInput(f"unknown column(s) in {path}: {', '.join(sorted(unknown))}")
        return [(reader.line_num, row) for row in reader]


def cmd_check(client, args, out):
    status = client.warranty_status(args.serial, date=args.date)
    if not status.found:
        print(f"{status.serial}: unknown serial number", file=out)
        return EXIT_PARTIAL
    print(f"{status.serial}: {status.product}", file=out)
    print(f"  customer: {status.customer or '-'}", file=out)
    print(f"  warranty: {status.warranty or '-'} ({status.term or 'no term'})", file=out)
    print(f"  state:    {status.state}" + (f", until {status.date_end}" if status.date_end else ""), file=out)
    if status.covered:
        print(
            f"  company bears: {status.parts_coverage:g}% parts, {status.labor_coverage:g}% labor, "
            f"{status.expense_coverage:g}% expenses",
            file=out,
        )
    return EXIT_OK if status.covered else EXIT_PARTIAL


def cmd_import(client_factory, args, out):
    rows = read_registrations(args.file)
    if args.dry_run:
        rejected = []
        for line, row in rows:
            try:
                validate_registration(row)
            except InvalidInput as error:
                rejected.append((line, row.get("ref"), str(error)))
        print(f"dry run: {len(rows) - len(rejected)} valid, {len(rejected)} rejected, nothing sent", file=out)
        _write_rejected(args.rejected, rejected, out)
        return EXIT_PARTIAL if rejected else EXIT_OK
    client = client_factory()
    report = client.register_warranties(
        [row for _line, row in rows],
        batch_size=args.batch_size,
        progress=None if args.quiet else _progress,
    )
    rejected = [(rows[index][0], ref, reason) for index, ref, reason in report.rejected]
    print(
        f"{len(report.created)} created, {len(report.existing)} already present, {len(rejected)} rejected",
        file=out,
    )
    _write_rejected(args.rejected, rejected, out)
    return EXIT_PARTIAL if rejected else EXIT_OK


def _write_rejected(path, rejected, out):
    if not rejected:
        return
    if path:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "ref", "reason"])
            writer.writerows(rejected)
        print(f"rejected rows written to {path}", file=out)
    else:
        for line, ref, reason in rejected:
            print(f"  line {line} ({ref or 'no ref'}): {reason}", file=out)


def cmd_open(client, args, out):
    status = client.open_service_order(
        serial=args.serial,
        product_id=args.product_id,
        partner_id=args.partner_id,
        symptom=args.symptom,
        request_type=args.request_type,
        confirm=not args.draft,
    )
    print(
        f"{status.name}: {status.state}, {status.coverage}, deadline {status.date_deadline or '-'}", file=out
    )
    return EXIT_OK


def _print_order(status, out):
    overdue = " OVERDUE" if status.overdue else ""
    print(
        f"{status.name}  {status.state:<9} {status.coverage:<8} {status.serial or status.product or '-'}  "
        f"{status.customer or '-'}  deadline {status.date_deadline or '-'}{overdue}",
        file=out,
    )


def cmd_orders(client, args, out):
    if args.name:
        _print_order(client.service_order_status(args.name), out)
        return EXIT_OK
    orders = client.overdue_orders()
    for status in orders:
        _print_order(status, out)
    print(f"{len(orders)} overdue order(s)", file=out)
    return EXIT_OK


def cmd_costs(client, args, out):
    summary = client.costs(args.month)
    print(
        f"service costs {summary.date_from} .. {summary.date_to}: {summary.orders} order(s) finished",
        file=out,
    )
    print(f"  parts      {summary.parts_cost:12.2f}", file=out)
    print(f"  labor     {summary.labor_cost:12.2f}", file=out)
    print(f"  transport  {summary.transport_cost:12.2f}", file=out)
    print(f"  total      {summary.total_cost:12.2f}", file=out)
    for coverage, amount in sorted(summary.by_coverage.items()):
        print(f"    {coverage:<9}{amount:12.2f}", file=out)
    return EXIT_OK


def build_parser():
    parser = argparse.ArgumentParser(prog="after-sales", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help=f"config file (default {DEFAULT_CONFIG})")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per call (default 30)")
    parser.add_argument(
        "--transport",
        choices=sorted(TRANSPORTS, reverse=True),
        default="xmlrpc",
        help="xmlrpc (default; API key or password) or jsonrpc (Odoo's web session, password only: "
        "the server runs the reads on its read replica when it has one)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="warranty status of a serial number")
    check.add_argument("serial")
    check.add_argument("--date", help="YYYY-MM-DD (default today)")

    importer = commands.add_parser("import-warranties", help="register warranties from a CSV file")
    importer.add_argument("file")
    importer.add_argument("--dry-run", action="store_true", help="validate only, send nothing")
    importer.add_argument("--rejected", help="write rejected rows (line, ref, reason) to this CSV")
    importer.add_argument("--batch-size", type=int, default=500)
    importer.add_argument("--quiet", action="store_true", help="no progress bar")

    opener = commands.add_parser("open-order", help="open a service order")
    opener.add_argument("--serial")
    opener.add_argument("--product-id", type=int)
    opener.add_argument("--partner-id", type=int)
    opener.add_argument("--symptom", required=True)
    opener.add_argument("--request-type", choices=REQUEST_TYPES, default="repair")
    opener.add_argument("--draft", action="store_true", help="leave it in draft (not confirmed)")

    orders = commands.add_parser("orders", help="service orders: overdue ones, or one by reference")
    group = orders.add_mutually_exclusive_group(required=True)
    group.add_argument("--overdue", action="store_true")
    group.add_argument("--name", help="service order reference")

    costs = commands.add_parser("costs", help="service costs of a month")
    costs.add_argument("--month", required=True, help="YYYY-MM")
    return parser


def main(argv=None, out=None, client_factory=None):
    out = out or sys.stdout
    args = build_parser().parse_args(argv)

    def make_client():
        if client_factory:
            return client_factory()
        url, db, login, secret = load_settings(args.config)
        return AfterSalesClient(url, db, login, secret, timeout=args.timeout, transport=args.transport)

    try:
        if args.command == "import-warranties":
            return cmd_import(make_client, args, out)
        handler = {"check": cmd_check, "open-order": cmd_open, "orders": cmd_orders, "costs": cmd_costs}
        return handler[args.command](make_client(), args, out)
    except (ConfigError, InvalidInput, OSError) as error:
        print(f"after-sales: {error}", file=sys.stderr)
        return EXIT_USAGE
    except AuthenticationFailed as error:
        print(f"after-sales: authentication failed: {error}", file=sys.stderr)
        return EXIT_AUTH
    except TransportError as error:
        print(f"after-sales: {error}", file=sys.stderr)
        return EXIT_TRANSPORT
    except (ValidationFailed, AccessDenied) as error:
        print(f"after-sales: refused by Odoo: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except (ServerError, AfterSalesError) as error:
        print(f"after-sales: server error: {error}", file=sys.stderr)
        return EXIT_SERVER


if __name__ == "__main__":
    sys.exit(main())
