"""The month-end jobs of after_sales_service, run over XML-RPC by
``bench/scale.sh`` in a process of their own while the client load runs:
the warranty provision of the month just ended (created, computed over every
registration, posted) and the reads of the service cost analysis (Reporting >
Service Costs: journal items of service orders and claims grouped by account
and month, and by coverage; the month's costs by ``api_costs``).

Prints what each job did and its seconds; exits 1 when one failed.

Usage: month_end.py URL DB LOGIN [DELAY]   (password in AFTER_SALES_PASSWORD;
       DELAY seconds to wait first, default 0)
"""

import ast
import datetime
import os
import sys
import time

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "after_sales_client")
)

from after_sales_client import AfterSalesClient, AfterSalesError


def _cost_domain(client):
    """The domain of Reporting > Service Costs, read from its action
    (after_sales_service.after_sales_cost_action)."""
    [data] = client.execute(
        "ir.model.data",
        "search_read",
        [("module", "=", "after_sales_service"), ("name", "=", "after_sales_cost_action")],
        ["res_id"],
    )
    [action] = client.execute("ir.actions.act_window", "read", [data["res_id"]], ["domain"])
    return ast.literal_eval(action["domain"])


def _timed(label, function):
    started = time.perf_counter()
    result = function()
    print(f"month-end: {label} in {time.perf_counter() - started:.2f} s", flush=True)
    return result


def main():
    url, db, login = sys.argv[1:4]
    time.sleep(float(sys.argv[4]) if len(sys.argv) > 4 else 0)
    client = AfterSalesClient(url, db, login, os.environ["AFTER_SALES_PASSWORD"], timeout=600, retries=0)
    ok = True
    try:
        provision_id = client.execute("after_sales.warranty.provision", "create", {})
        _timed(
            "warranty provision computed",
            lambda: client.execute("after_sales.warranty.provision", "action_compute", [provision_id]),
        )
        _timed(
            "warranty provision posted (computed again)",
            lambda: client.execute("after_sales.warranty.provision", "action_post", [provision_id]),
        )
        (provision,) = client.execute(
            "after_sales.warranty.provision",
            "read",
            [provision_id],
            ["name", "state", "date", "amount_required", "amount_adjustment", "line_ids", "move_id"],
        )
        lines = client.execute(
            "after_sales.warranty.provision.line", "read", provision["line_ids"], ["units", "basis"]
        )
        print(
            f"month-end: provision {provision['name']} of {provision['date']}: {provision['state']}, "
            f"{sum(line['units'] for line in lines):,.0f} units under warranty in {len(lines)} line(s), "
            f"required {provision['amount_required']:,.2f}, "
            f"adjustment {provision['amount_adjustment']:,.2f}, "
            f"entry {provision['move_id'][1] if provision['move_id'] else 'none (nothing to adjust)'}"
        )
        ok = provision["state"] == "posted"
    except AfterSalesError as error:
        print(f"month-end: the warranty provision FAILED: {type(error).__name__}: {error}")
        ok = False
    try:
        cost_domain = _cost_domain(client)
        groups = _timed(
            "service cost analysis read (by account and month)",
            lambda: client.execute(
                "account.move.line",
                "read_group",
                cost_domain,
                ["balance:sum"],
                ["account_id", "date:month"],
                lazy=False,
            ),
        )
        by_coverage = client.execute(
            "account.move.line",
            "read_group",
            cost_domain,
            ["balance:sum"],
            ["after_sales_coverage"],
            lazy=False,
        )
        month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
        costs = _timed(f"service costs of {month} (api_costs)", lambda: client.costs(month))
        print(
            f"month-end: service cost analysis: {len(groups)} account/month group(s), "
            f"{len(by_coverage)} coverage group(s); {month}: {costs.orders} order(s) finished, "
            f"total {costs.total_cost:,.2f}"
        )
    except AfterSalesError as error:
        print(f"month-end: the service cost analysis FAILED: {type(error).__name__}: {error}")
        ok = False
    print(f"month-end: {'succeeded' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
