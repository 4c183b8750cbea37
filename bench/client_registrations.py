"""10,000 warranty registrations through after_sales_client against a local
Odoo: in batches and one call per record; records per second and the ratio.

Usage: client_registrations.py URL DB LOGIN [COUNT]   (secret in AFTER_SALES_API_KEY)
"""

import os
import sys
import time
import xmlrpc.client

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "after_sales_client")
)

from after_sales_client import AfterSalesClient


def main():
    url, db, login = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 10_000
    secret = os.environ["AFTER_SALES_API_KEY"]
    client = AfterSalesClient(url, db, login, secret, timeout=600)
    # Set-up through the plain API: a term, a serial-tracked product, a customer.
    term = client.execute("after_sales.warranty.term", "create", {"name": "Client bench", "duration": 24})
    product = client.execute(
        "product.product",
        "create",
        {"name": "Client bench unit", "is_storable": True, "tracking": "serial", "warranty_term_id": term},
    )
    partner = client.execute("res.partner", "create", {"name": "Client bench customer"})

    def rows(prefix, n):
        return [
            {
                "ref": f"{prefix}-{i:06d}",
                "serial": f"{prefix}-SN-{i:06d}",
                "product_id": product,
                "partner_id": partner,
            }
            for i in range(n)
        ]

    batched = rows("BATCH", count)
    started = time.perf_counter()
    report = client.register_warranties(batched, batch_size=500)
    batch_seconds = time.perf_counter() - started
    assert len(report.created) == count, report.rejected[:3]

    single_count = max(count // 10, 1)  # one call per record is slow: a tenth of them suffices
    singles = rows("SINGLE", single_count)
    started = time.perf_counter()
    for row in singles:
        client.register_warranties([row])
    single_seconds = time.perf_counter() - started

    batch_rate = count / batch_seconds
    single_rate = single_count / single_seconds
    print(
        f"client registrations: {count} in batches of 500: {batch_seconds:.1f} s, {batch_rate:.0f} records/s"
    )
    print(
        f"client registrations: {single_count} one call per record: {single_seconds:.1f} s, "
        f"{single_rate:.0f} records/s"
    )
    print(f"client registrations: batched / one-by-one = {batch_rate / single_rate:.1f}x")
    resent = batched[:1000]
    again = client.register_warranties(resent, batch_size=500)
    existing, created = len(again.existing), len(again.created)
    print(f"client registrations: re-sending {len(resent)}: {existing} already present, {created} created")


if __name__ == "__main__":
    try:
        main()
    except xmlrpc.client.Fault as fault:  # pragma: no cover - shown to the operator
        sys.exit(str(fault))
