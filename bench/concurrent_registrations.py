"""Concurrent registrations of the same refs through after_sales_client.

Several processes register overlapping refs against one served Odoo at the
same time, each in batches: every ref must end with exactly one registration,
every row must come back ``created`` or ``existing`` (a ref the other process
registered meanwhile is ``existing``), none ``rejected``. Prints the figures;
exits 1 when a check fails.

Usage: concurrent_registrations.py URL DB LOGIN [ROWS] [CLIENTS] [BATCH]
       (secret in AFTER_SALES_API_KEY)

Client k sends the refs k*ROWS/2 .. k*ROWS/2 + ROWS - 1, so that each half of
its rows is also sent by a neighbour; odd clients send theirs in reverse order.
"""

import collections
import multiprocessing
import os
import sys
import time
import xmlrpc.client

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "after_sales_client")
)

from after_sales_client import AfterSalesClient

PREFIX = "CONC"


def _client(url, db, login):
    return AfterSalesClient(url, db, login, os.environ["AFTER_SALES_API_KEY"], timeout=600)


def _rows(k, rows, product, partner):
    start = k * (rows // 2)
    refs = [f"{PREFIX}-{i:07d}" for i in range(start, start + rows)]
    if k % 2:
        refs.reverse()
    return [{"ref": ref, "serial": f"{ref}-SN", "product_id": product, "partner_id": partner} for ref in refs]


def _register(args):
    url, db, login, rows, batch, barrier = args
    client = _client(url, db, login)
    client.uid  # log in before the start  # noqa: B018
    barrier.wait()
    started = time.perf_counter()
    try:
        report = client.register_warranties(rows, batch_size=batch)
    except xmlrpc.client.Fault as fault:
        return {"fault": fault.faultString.splitlines()[-1][:300]}
    return {
        "seconds": time.perf_counter() - started,
        "created": report.created,
        "existing": report.existing,
        "rejected": report.rejected,
    }


def main():
    url, db, login = sys.argv[1:4]
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    clients = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    batch = int(sys.argv[6]) if len(sys.argv) > 6 else 500
    admin = _client(url, db, login)
    term = admin.execute("after_sales.warranty.term", "create", {"name": "Concurrency bench", "duration": 24})
    product = admin.execute(
        "product.product",
        "create",
        {"name": "Concurrency unit", "is_storable": True, "tracking": "serial", "warranty_term_id": term},
    )
    partner = admin.execute("res.partner", "create", {"name": "Concurrency customer"})
    work = [_rows(k, rows, product, partner) for k in range(clients)]
    manager = multiprocessing.Manager()
    barrier = manager.Barrier(clients)
    with multiprocessing.Pool(clients) as pool:
        outcomes = pool.map(_register, [(url, db, login, w, batch, barrier) for w in work])

    failures = []
    sent_refs = [row["ref"] for w in work for row in w]
    distinct = set(sent_refs)
    for k, outcome in enumerate(outcomes):
        if "fault" in outcome:
            print(f"concurrent registrations: client {k}: the call failed: {outcome['fault']}")
            failures.append(f"client {k} failed")
            continue
        print(
            f"concurrent registrations: client {k}: {len(work[k])} rows in batches of {batch}, "
            f"{len(outcome['created'])} created, {len(outcome['existing'])} existing, "
            f"{len(outcome['rejected'])} rejected, {outcome['seconds']:.1f} s"
        )
        for index, ref, error in outcome["rejected"][:3]:
            print(f"    rejected row {index} {ref}: {error}")
        if outcome["rejected"]:
            failures.append(f"client {k}: {len(outcome['rejected'])} rows rejected")
    registered = admin.execute(
        "after_sales.warranty", "search_read", [("ref", "=like", f"{PREFIX}-%")], ["ref", "lot_id"], safe=True
    )
    per_ref = collections.Counter(r["ref"] for r in registered)
    twice = [ref for ref, count in per_ref.items() if count > 1]
    missing = distinct - set(per_ref)
    created = sum(len(o.get("created", [])) for o in outcomes)
    existing = sum(len(o.get("existing", [])) for o in outcomes)
    print(
        f"concurrent registrations: {clients} clients sent {len(sent_refs)} rows for {len(distinct)} refs: "
        f"{len(registered)} registrations, {len(twice)} refs registered twice, {len(missing)} refs missing; "
        f"{created} reported created, {existing} existing"
    )
    if twice or missing:
        failures.append(f"{len(twice)} refs twice, {len(missing)} missing")
    if not failures and (created != len(distinct) or created + existing != len(sent_refs)):
        failures.append(f"{created} created and {existing} existing do not add up")
    if failures:
        sys.exit("concurrent registrations FAILED: " + "; ".join(failures))
    print("concurrent registrations: OK, one registration per ref, every row created or existing")


if __name__ == "__main__":
    main()
