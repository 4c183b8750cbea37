"""A mixed load on one served Odoo through after_sales_client, for
``bench/scale.sh``: client processes look up warranty statuses (nine calls
in ten) and register small batches of new warranties (one in ten) for a
fixed time. Prints requests per second, p50/p95 latency per call type,
errors, and registrations confirmed vs sent; exits 1 on an error.

Usage: scale_load.py URL DB LOGIN CLIENTS SECONDS SERIALS TRANSPORT
       (password in AFTER_SALES_PASSWORD; TRANSPORT xmlrpc or jsonrpc)

The serials looked up are ``BENCH-00000001`` .. ``BENCH-<SERIALS>``, those
that bench/warranty_lookup.py's bulk load creates; the registrations use
new serials ``SCALE-<transport>-<client>-<n>`` of the bench product.
"""

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

BATCH = 5


def _client(url, db, login, transport):
    return AfterSalesClient(
        url, db, login, os.environ["AFTER_SALES_PASSWORD"], timeout=60, retries=0, transport=transport
    )


def _work(k, url, db, login, seconds, serials, transport, product, partner):
    client = _client(url, db, login, transport)
    client.uid  # noqa: B018 -- log in before the clock starts
    rng = random.Random(k)
    latencies = {"status": [], "register": []}
    errors, sent, confirmed, n = [], 0, 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        n += 1
        started = time.perf_counter()
        try:
            if n % 10:
                client.warranty_status(f"BENCH-{rng.randint(1, serials):08d}")
                kind = "status"
            else:
                rows = [
                    {
                        "ref": f"SCALE-{transport}-{k}-{n}-{i}",
                        "serial": f"SCALE-{transport}-{k}-{n}-{i}",
                        "product_id": product,
                        "partner_id": partner,
                    }
                    for i in range(BATCH)
                ]
                sent += len(rows)
                report = client.register_warranties(rows)
                confirmed += len(report.created) + len(report.existing)
                errors.extend(reason for _i, _ref, reason in report.rejected)
                kind = "register"
        except AfterSalesError as error:
            errors.append(f"{type(error).__name__}: {error}")
            continue
        latencies[kind].append(time.perf_counter() - started)
    return latencies, errors, sent, confirmed


def _percentile(values, share):
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def main():
    url, db, login = sys.argv[1:4]
    clients, seconds, serials = (int(value) for value in sys.argv[4:7])
    transport = sys.argv[7]
    setup = _client(url, db, login, transport)
    product = setup.execute("product.product", "search", [("name", "=", "Bench unit")], limit=1)[0]
    partner = setup.execute("res.partner", "search", [("name", "=like", "Bench customer %")], limit=1)[0]
    args = [(k, url, db, login, seconds, serials, transport, product, partner) for k in range(clients)]
    with multiprocessing.Pool(clients) as pool:
        results = pool.starmap(_work, args)
    errors = [error for _l, errs, _s, _c in results for error in errs]
    sent = sum(result[2] for result in results)
    confirmed = sum(result[3] for result in results)
    print(f"{transport}, {clients} clients, {seconds} s:")
    for kind in ("status", "register"):
        values = [value for result in results for value in result[0][kind]]
        print(
            f"  {kind:<8} {len(values):6d} calls  {len(values) / seconds:7.1f}/s"
            f"  p50 {_percentile(values, 50) * 1000:7.1f} ms  p95 {_percentile(values, 95) * 1000:7.1f} ms"
        )
    print(f"  registrations sent {sent}, created or existing {confirmed}; errors {len(errors)}")
    for error in errors[:5]:
        print(f"    {error}")
    return 1 if errors or confirmed != sent else 0


if __name__ == "__main__":
    sys.exit(main())
