"""A mixed load on one served Odoo through after_sales_client, for
``bench/scale.sh``: client processes run, for a fixed time, cycles of 20
calls: 18 warranty status look-ups of a random serial, one registration
batch of 500 rows and one service order opened on a serial of the bulk load.

The registration batches overlap on purpose: in its round r every client
sends 500 refs out of the same 750 of that round (client k starts at
k * 250), in its own shuffled order, so two clients send the same ref at
the same moment. At the end the database must hold exactly one
registration per distinct ref sent: none twice, none lost. Each client
opens its orders on its own serials (distinct from the other clients' and
from the other runs', from ``--orders-from`` on).

Prints per call type the calls, calls/s and p50/p95/p99 latency; then
registrations created vs distinct refs sent, orders opened vs requested,
and the errors. Exits 1 on any error or mismatch.

Usage: scale_load.py URL DB LOGIN --clients N --seconds S --serials N
           --transport jsonrpc|xmlrpc --tag TAG --orders-from K [--write-url URL]
       (password in AFTER_SALES_PASSWORD)

The serials looked up are ``BENCH-00000001`` .. ``BENCH-<serials>``, those
of bench/warranty_lookup.py's bulk load; the registrations use new serials
``SCALE-<tag>-<round>-<n>`` of the bench product.
"""

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "after_sales_client")
)

from after_sales_client import AfterSalesClient, AfterSalesError

CYCLE = 20  # calls: 18 status look-ups, 1 registration batch, 1 order opened
BATCH = 500
POOL = 750  # refs of a round; each client sends BATCH of them
KINDS = ("status", "register", "order")


def _client(url, db, login, transport):
    return AfterSalesClient(
        url, db, login, os.environ["AFTER_SALES_PASSWORD"], timeout=300, retries=0, transport=transport
    )


def round_refs(tag, k, rnd):
    """The refs client ``k`` sends in its round ``rnd``: BATCH of the round's
    POOL, from k * 250 on (wrapping), in an order of its own."""
    start = (k * 250) % POOL
    refs = [f"SCALE-{tag}-{rnd:05d}-{(start + i) % POOL:03d}" for i in range(BATCH)]
    random.Random(f"{k}-{rnd}").shuffle(refs)
    return refs


def order_serial(orders_from, clients, k, m):
    """The serial of client ``k``'s ``m``-th order: distinct per client."""
    return f"BENCH-{orders_from + m * clients + k:08d}"


def _work(k, opts, barrier, product, partner):
    client = _client(opts.url, opts.db, opts.login, opts.transport)
    client.uid  # noqa: B018 -- log in before the clock starts
    # The batches and orders go to --write-url (another server) when given.
    writer = client
    if opts.write_url and opts.write_url != opts.url:
        writer = _client(opts.write_url, opts.db, opts.login, opts.transport)
        writer.uid  # noqa: B018
    rng = random.Random(k)
    latencies = {kind: [] for kind in KINDS}
    out = {"errors": [], "sent": [], "created": [], "existing": 0, "requested": 0, "opened": 0}
    n = rounds = orders = 0
    barrier.wait()
    deadline = time.monotonic() + opts.seconds
    while time.monotonic() < deadline:
        step = n % CYCLE
        n += 1
        started = time.perf_counter()
        try:
            if opts.baseline:
                # Odoo's cheapest call on the same path (a read-only
                # call_kw): what a call costs before the addon does anything.
                kind = "status"
                client.execute("res.partner", "search_count", [("id", "=", rng.randint(1, 3))])
            elif opts.status_only:
                kind = "status"
                client.warranty_status(f"BENCH-{rng.randint(1, opts.serials):08d}")
            elif step == 0:
                kind = "register"
                refs = round_refs(opts.tag, k, rounds)
                rounds += 1
                out["sent"].extend(refs)
                rows = [
                    {"ref": ref, "serial": ref, "product_id": product, "partner_id": partner} for ref in refs
                ]
                report = writer.register_warranties(rows, batch_size=BATCH)
                out["created"].extend(report.created)
                out["existing"] += len(report.existing)
                out["errors"].extend(f"rejected {ref}: {reason}" for _i, ref, reason in report.rejected)
            elif step == CYCLE // 2:
                kind = "order"
                serial = order_serial(opts.orders_from, opts.clients, k, orders)
                orders += 1
                out["requested"] += 1
                writer.open_service_order(serial=serial, symptom="Scale bench", request_type="repair")
                out["opened"] += 1
            else:
                kind = "status"
                client.warranty_status(f"BENCH-{rng.randint(1, opts.serials):08d}")
        except AfterSalesError as error:
            out["errors"].append(f"{kind}: {type(error).__name__}: {str(error)[:300]}")
            continue
        latencies[kind].append(time.perf_counter() - started)
    return latencies, out


def _cpu_times():
    """The machine's busy and total CPU time so far (/proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _cpu_busy(before, after):
    if not (before and after) or after[1] == before[1]:
        return float("nan")
    return (after[0] - before[0]) * 100.0 / (after[1] - before[1])


def _percentile(values, share):
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def _options():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("url", "db", "login"):
        parser.add_argument(name)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--serials", type=int, required=True)
    parser.add_argument("--transport", choices=("jsonrpc", "xmlrpc"), default="jsonrpc")
    parser.add_argument("--tag", required=True, help="makes the refs of this run unique")
    parser.add_argument("--orders-from", type=int, required=True, help="first serial number of the orders")
    parser.add_argument("--status-only", action="store_true", help="warranty status look-ups only")
    parser.add_argument("--write-url", help="the server of the batches and orders (default: URL)")
    parser.add_argument(
        "--baseline", action="store_true", help="Odoo's cheapest read (res.partner search_count) instead"
    )
    return parser.parse_args()


def main():
    opts = _options()
    setup = _client(opts.url, opts.db, opts.login, "xmlrpc")
    product = setup.execute("product.product", "search", [("name", "=", "Bench unit")], limit=1)[0]
    partner = setup.execute("res.partner", "search", [("name", "=like", "Bench customer %")], limit=1)[0]
    orders_before = setup.execute(
        "after_sales.service.order", "search_count", [("symptom", "=", "Scale bench")]
    )
    barrier = multiprocessing.Manager().Barrier(opts.clients)
    args = [(k, opts, barrier, product, partner) for k in range(opts.clients)]
    cpu_before = _cpu_times()
    with multiprocessing.Pool(opts.clients) as pool:
        results = pool.starmap(_work, args)
    cpu_busy = _cpu_busy(cpu_before, _cpu_times())
    outs = [out for _latencies, out in results]
    errors = [error for out in outs for error in out["errors"]]

    mix = (
        "Odoo's cheapest read only (res.partner search_count, reported as status)"
        if opts.baseline
        else "status look-ups only"
        if opts.status_only
        else "mixed"
    )
    print(
        f"{opts.transport}, {opts.clients} client(s), {opts.seconds:g} s, {mix}; "
        f"the machine's {os.cpu_count()} cores {cpu_busy:.0f} % busy (clients, Odoo and PostgreSQL):"
    )
    for kind in KINDS:
        values = [value * 1000 for latencies, _out in results for value in latencies[kind]]
        print(
            f"  {kind:<8} {len(values):6d} calls {len(values) / opts.seconds:7.1f}/s"
            f"  p50 {_percentile(values, 50):7.1f} ms  p95 {_percentile(values, 95):7.1f} ms"
            f"  p99 {_percentile(values, 99):7.1f} ms"
        )

    # What the database holds, read back through the client at the end.
    sent = [ref for out in outs for ref in out["sent"]]
    distinct = set(sent)
    registered = setup.execute(
        "after_sales.warranty", "search_read", [("ref", "=like", f"SCALE-{opts.tag}-%")], ["ref"]
    )
    in_db = [row["ref"] for row in registered]
    twice = len(in_db) - len(set(in_db))
    lost = len(distinct - set(in_db))
    created = [ref for out in outs for ref in out["created"]]
    existing = sum(out["existing"] for out in outs)
    print(
        f"  registrations: {len(sent)} rows sent for {len(distinct)} distinct refs; "
        f"{len(in_db)} registrations created vs {len(distinct)} distinct refs sent "
        f"({twice} twice, {lost} lost); reported {len(created)} created, {existing} existing"
    )
    # A batch that failed was not registered (or only partly): its refs are
    # neither created nor existing, and count as errors above.
    failures = list(errors)
    if twice or lost or len(in_db) != len(distinct):
        failures.append(f"{len(in_db)} registrations for {len(distinct)} refs ({twice} twice, {lost} lost)")
    if not errors and (len(created) != len(distinct) or len(created) + existing != len(sent)):
        failures.append(f"{len(created)} created + {existing} existing for {len(sent)} rows sent")
    requested = sum(out["requested"] for out in outs)
    opened = sum(out["opened"] for out in outs)
    orders_after = setup.execute(
        "after_sales.service.order", "search_count", [("symptom", "=", "Scale bench")]
    )
    print(
        f"  service orders: {opened} opened vs {requested} requested "
        f"({orders_after - orders_before} new in the database)"
    )
    if opened != requested or orders_after - orders_before != opened:
        failures.append(f"{opened} orders opened of {requested} requested")
    print(f"  errors {len(errors)}")
    for error in errors[:5]:
        print(f"    {error}")
    for failure in failures[len(errors) :]:
        print(f"  FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
