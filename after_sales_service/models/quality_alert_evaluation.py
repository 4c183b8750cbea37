import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from psycopg2 import errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.failure_stats import failure_rate, failure_sql
from .quality_alert import OPEN_STATES
from .state_guard import workflow

_logger = logging.getLogger(__name__)

# First key of the evaluation's advisory locks, the company id the second.
EVALUATION_LOCK_KEY = 0x41534541


class AfterSalesQualityAlert(models.Model):
    """The evaluation of the quality alert thresholds: daily (scheduled
    action) and on demand (Evaluate Now).

    For each company, product and defect code of the categories with a rate
    threshold: the failures within the category's rolling window against the
    product's installed base. Crossing both the rate and the minimum count
    opens an alert, unless one is open for that product and defect: open
    alerts are fed with the failures that came in since they opened.

    Several servers may run the scheduled action, and users the button, at
    the same time; ``_evaluate_company`` says how they stay out of each
    other's way."""

    _inherit = "after_sales.quality.alert"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def action_evaluate(self):
        """Evaluate the thresholds now, in the user's active companies."""
        self._check_manager(self.env._("Only After-Sales managers evaluate the quality alerts."))
        opened = fed = self.browse()
        for company in self.env.companies:
            result = self._evaluate_company(company)
            if result is None:
                raise UserError(
                    self.env._(
                        "The quality alerts of %(company)s are being evaluated right now (the "
                        "scheduled action or another user): try again in a moment.",
                        company=company.name,
                    )
                )
            opened |= result[0]
            fed |= result[1]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Quality alerts evaluated"),
                "message": self.env._(
                    "%(opened)s alert(s) opened, %(fed)s fed with new failures.",
                    opened=len(opened),
                    fed=len(fed),
                ),
                "type": "success" if opened or fed else "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_evaluate(self):
        """The daily evaluation, company by company."""
        for company in self.env["res.company"].sudo().search([]):
            if self._evaluate_company(company) is None:
                _logger.info("Quality alerts of %s: being evaluated elsewhere, skipped.", company.name)

    @workflow
    def _evaluate_company(self, company, today=None):
        """Open and feed the alerts of ``company`` as of ``today``. Returns the
        alerts opened and the ones fed, or None when another evaluation of the
        company is running.

        Concurrency, in three layers:

        1. One evaluation per company at a time: a transaction-level advisory
           lock, tried without waiting; whoever does not get it skips the
           company (the button says so). PostgreSQL releases it at commit or
           rollback.
        2. Odoo's transactions are REPEATABLE READ: an evaluation that started
           before another one committed does not see the alerts that one
           opened. The partial unique index of the open alerts (one per
           company, product and defect) refuses its duplicate; each alert is
           opened in a savepoint and a refused one is skipped, left to the
           evaluation that opened it.
        3. Its updates of alerts the other one fed meanwhile fail with a
           serialization error: the transaction rolls back, and Odoo retries
           the button's call; the scheduled action runs again the next day.
        """
        # sudo: the evaluation is the system's and counts every failure and
        # registration of the company, whoever starts it.
        alerts = self.sudo().with_company(company)
        today = today or fields.Date.context_today(alerts)
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", EVALUATION_LOCK_KEY, company.id))
        if not cr.fetchone()[0]:
            return None
        self.env.flush_all()
        fed = alerts._feed_open_alerts(company, today)
        opened = alerts._open_alerts(company, today)
        return opened.with_env(self.env), fed.with_env(self.env)

    def _feed_open_alerts(self, company, today):
        """Count again the failures of the open alerts since their start; the
        alerts whose failures changed get them, with their figures."""
        open_alerts = self.search(
            [("company_id", "=", company.id), ("state", "in", OPEN_STATES), ("period_start", "<=", today)]
        )
        if not open_alerts:
            return self.browse()
        orders = self._failure_orders(
            company, today, [(a.product_id.id, a.defect_code_id.id, a.period_start) for a in open_alerts]
        )

        def failures(alert):
            return orders.get((alert.product_id.id, alert.defect_code_id.id), [])

        changed = open_alerts.filtered(lambda a: set(failures(a)) != set(a.order_ids.ids))
        bases = self._installed_base(company, today, {(a.product_id.id, a.period_start) for a in changed})
        for alert in changed:
            order_ids = failures(alert)
            added = self.env["after_sales.service.order"].browse(
                sorted(set(order_ids) - set(alert.order_ids.ids))
            )
            base = bases.get((alert.product_id.id, alert.period_start), 0)
            alert.write(
                {
                    "order_ids": [Command.set(order_ids)],
                    "failures": len(order_ids),
                    "installed_base": base,
                    "failure_rate": failure_rate(len(order_ids), base),
                    "period_end": today,
                }
            )
            if added:
                alert.message_post(
                    body=self.env._(
                        "%(count)s new failure(s): %(orders)s. Now %(failures)s failures among "
                        "%(base)s units (%(rate).2f %%).",
                        count=len(added),
                        orders=", ".join(added.mapped("name")),
                        failures=alert.failures,
                        base=alert.installed_base,
                        rate=alert.failure_rate,
                    )
                )
        return changed

    def _open_alerts(self, company, today):
        """Open the alerts of the products and defects that cross their
        category's thresholds and have none open."""
        settings = {}
        for category in self.env["product.category"].search([]):
            category_settings = category._get_failure_alert_settings()
            if category_settings:
                settings[category.id] = category_settings
        products = self.env["product.product"].search([("categ_id", "in", list(settings))])
        products_by_window = defaultdict(lambda: self.env["product.product"])
        for product in products:
            products_by_window[settings[product.categ_id.id].window_months] |= product
        candidates = []
        for window_months, window_products in products_by_window.items():
            candidates += self._failures_in_window(
                company,
                today,
                # The window's months up to today, today included.
                today - relativedelta(months=window_months, days=-1),
                window_products,
                min(settings[categ.id].min_count for categ in window_products.categ_id),
            )
        bases = self._installed_base(
            company, today, {(product_id, since) for product_id, _code, since, _n in candidates}
        )
        categories = {product.id: product.categ_id.id for product in products}
        crossing = {}
        for product_id, defect_code_id, since, failures in candidates:
            category_settings = settings[categories[product_id]]
            base = bases.get((product_id, since), 0)
            # Without an installed base no rate can be told: no alert.
            if (
                base
                and failures >= category_settings.min_count
                and failure_rate(failures, base) >= category_settings.threshold
            ):
                crossing[product_id, defect_code_id] = (since, base, category_settings)
        orders = self._failure_orders(
            company, today, [(*pair, since) for pair, (since, _b, _s) in crossing.items()]
        )
        opened = self.browse()
        for (product_id, defect_code_id), (since, base, category_settings) in crossing.items():
            order_ids = orders.get((product_id, defect_code_id), [])
            vals = {
                "company_id": company.id,
                "product_id": product_id,
                "defect_code_id": defect_code_id,
                "period_start": since,
                "period_end": today,
                "failures": len(order_ids),
                "installed_base": base,
                "failure_rate": failure_rate(len(order_ids), base),
                "threshold": category_settings.threshold,
                "min_count": category_settings.min_count,
                "order_ids": [Command.set(order_ids)],
                "user_id": category_settings.user.id,
            }
            try:
                with self.env.cr.savepoint():
                    alert = self.create(vals)
            except errors.UniqueViolation:
                # Opened meanwhile by an evaluation this one cannot see yet.
                _logger.info(
                    "Quality alert for product %s and defect %s: opened by another evaluation.",
                    product_id,
                    defect_code_id,
                )
                continue
            opened |= alert
        for alert in opened:
            alert._announce()
        return opened

    def _failures_in_window(self, company, today, window_start, products, min_count):
        """The failures of ``products`` by defect code from ``window_start``
        (or from the day after the last closed alert of the product and
        defect, if later) to ``today``, at least ``min_count`` of them;
        products and defects with an open alert are left out.

        Rows: (product id, defect code id, first day, failures)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT o.product_id,
                       o.defect_code_id,
                       GREATEST(%(window_start)s::date, closed.closed_end + 1),
                       COUNT(*)
                  FROM after_sales_service_order o
                  LEFT JOIN (
                        SELECT product_id,
                               defect_code_id,
                               BOOL_OR(state IN %(open)s) AS has_open,
                               MAX(period_end) FILTER (WHERE state NOT IN %(open)s) AS closed_end
                          FROM after_sales_quality_alert
                         WHERE company_id = %(company)s
                         GROUP BY product_id, defect_code_id
                       ) closed
                    ON closed.product_id = o.product_id AND closed.defect_code_id = o.defect_code_id
                 WHERE o.company_id = %(company)s
                   AND o.date_intake BETWEEN %(window_start)s AND %(today)s
                   AND o.product_id = ANY(%(products)s)
                   AND %(failure)s
                   AND closed.has_open IS NOT TRUE
                   AND (closed.closed_end IS NULL OR o.date_intake > closed.closed_end)
                 GROUP BY o.product_id, o.defect_code_id, closed.closed_end
                HAVING COUNT(*) >= %(min_count)s
                """,
                window_start=window_start,
                today=today,
                open=OPEN_STATES,
                company=company.id,
                products=products.ids,
                failure=failure_sql("o"),
                min_count=min_count,
            )
        )
        return self.env.cr.fetchall()

    def _failure_orders(self, company, today, periods):
        """The failed orders of each (product id, defect code id, first day)
        of ``periods``, from that day to ``today``: {(product id, defect code
        id): order ids}."""
        if not periods:
            return {}
        product_ids, code_ids, starts = zip(*periods, strict=True)
        self.env.cr.execute(
            SQL(
                """
                SELECT o.product_id, o.defect_code_id, ARRAY_AGG(o.id ORDER BY o.id)
                  FROM unnest(%(product_ids)s::int[], %(code_ids)s::int[], %(starts)s::date[])
                           AS period(product_id, defect_code_id, date_from)
                  JOIN after_sales_service_order o
                    ON o.product_id = period.product_id
                   AND o.defect_code_id = period.defect_code_id
                   AND o.date_intake BETWEEN period.date_from AND %(today)s
                 WHERE o.company_id = %(company)s AND %(failure)s
                 GROUP BY o.product_id, o.defect_code_id
                """,
                product_ids=list(product_ids),
                code_ids=list(code_ids),
                starts=list(starts),
                today=today,
                company=company.id,
                failure=failure_sql("o"),
            )
        )
        return {(product_id, code_id): ids for product_id, code_id, ids in self.env.cr.fetchall()}

    def _installed_base(self, company, today, periods):
        """Units of each (product id, first day) of ``periods`` in service
        from that day to ``today``: {(product id, first day): units}.

        A unit is in service when its confirmed registration started by
        ``today`` runs on or after the first day, or when an extension of it
        runs on the first day: a registration and its extensions follow each
        other, so exactly one of them covers the first day once the first
        registration has ended (each unit counted once, without reading its
        chain)."""
        if not periods:
            return {}
        product_ids, starts = zip(*periods, strict=True)
        self.env.cr.execute(
            SQL(
                """
                SELECT period.product_id, period.date_from, SUM(unit.quantity)
                  FROM unnest(%(product_ids)s::int[], %(starts)s::date[]) AS period(product_id, date_from)
                  CROSS JOIN LATERAL (
                        SELECT w.quantity
                          FROM after_sales_warranty w
                         WHERE w.company_id = %(company)s
                           AND w.product_id = period.product_id
                           AND w.registration_state = 'confirmed'
                           AND w.parent_id IS NULL
                           AND w.date_end >= period.date_from
                           AND w.date_start <= %(today)s
                        UNION ALL
                        SELECT extension.quantity
                          FROM after_sales_warranty extension
                         WHERE extension.parent_id IS NOT NULL
                           AND extension.company_id = %(company)s
                           AND extension.product_id = period.product_id
                           AND extension.registration_state = 'confirmed'
                           AND extension.date_start <= period.date_from
                           AND extension.date_end >= period.date_from
                       ) unit
                 GROUP BY period.product_id, period.date_from
                """,
                product_ids=list(product_ids),
                starts=list(starts),
                company=company.id,
                today=today,
            )
        )
        return {
            (product_id, date_from): round(units) for product_id, date_from, units in self.env.cr.fetchall()
        }

    def _announce(self):
        """Tell the responsible of a new alert: a message, and an activity."""
        self.ensure_one()
        self.message_post(
            body=self.env._(
                "%(failures)s failures of %(defect)s among %(base)s units of %(product)s in service "
                "from %(start)s to %(end)s: %(rate).2f %%, threshold %(threshold).2f %% and %(min_count)s "
                "failures.",
                failures=self.failures,
                defect=self.defect_code_id.display_name,
                base=self.installed_base,
                product=self.product_id.display_name,
                start=self.period_start,
                end=self.period_end,
                rate=self.failure_rate,
                threshold=self.threshold,
                min_count=self.min_count,
            )
        )
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.user_id.id,
                summary=self.env._("Quality alert: review it and propose to production"),
            )
