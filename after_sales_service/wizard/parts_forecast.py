from collections import defaultdict
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, create_index, float_compare, float_is_zero, float_round, formatLang

# Who sets reordering rules from the forecast: an After-Sales manager, or a
# stock manager (who may set them in Inventory anyway).
REPLENISH_GROUPS = ("after_sales_service.group_after_sales_manager", "stock.group_stock_manager")


def forecast_windows(today, history_months, short_months, long_months):
    """The days the forecast of ``today`` looks at, each as (first day, last
    day): the history, the last ``history_months`` months up to today; the
    short and long horizons, the coming months from tomorrow."""
    tomorrow = today + timedelta(days=1)
    return {
        "history": (today - relativedelta(months=history_months) + timedelta(days=1), today),
        "short": (tomorrow, today + relativedelta(months=short_months)),
        "long": (tomorrow, today + relativedelta(months=long_months)),
    }


def unit_months(unit_days, window, months):
    """Unit-days of coverage within ``window`` as unit-months: a month is
    the window's mean month, so a unit covered all along a window of 12
    months counts 12."""
    days = (window[1] - window[0]).days + 1
    return unit_days * months / days


class AfterSalesPartsForecast(models.TransientModel):
    """The spare parts the installed base will need, per part and warehouse.

    A forecast line is computed, never edited: "Compute" (and opening the
    menu) replaces the user's lines with fresh ones, for the warehouses of
    the companies the user works in. For each part and each product it
    serves, the parts the service orders' repairs of that product used in
    the history window (at this warehouse), per unit-month of warranty
    coverage of the product's registrations in the same window (in the
    company), times the unit-months of coverage in the coming months, give
    the expected demand (``after_sales.parts.forecast.detail``); the line sums
    them and sets them against the stock on hand and incoming.
    """

    _name = "after_sales.parts.forecast"
    _description = "Spare Parts Forecast"
    _order = "company_id, warehouse_id, shortfall_long desc, demand_long desc, product_id"
    _check_company_auto = True
    _rec_name = "product_id"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, readonly=True, check_company=True)
    product_id = fields.Many2one(
        "product.product", string="Spare Part", required=True, readonly=True, check_company=True
    )
    product_categ_id = fields.Many2one(
        related="product_id.categ_id", string="Part Category", store=True, readonly=True
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    history_months = fields.Integer(string="History (months)", readonly=True)
    short_months = fields.Integer(string="Short Horizon (months)", readonly=True)
    long_months = fields.Integer(string="Long Horizon (months)", readonly=True)
    consumed_qty = fields.Float(
        string="Used (history)",
        digits="Product Unit of Measure",
        readonly=True,
        help="Parts the repairs of service orders of this warehouse used in the history window, "
        "less those returned to stock.",
    )
    demand_short = fields.Float(
        string="Demand (short)",
        readonly=True,
        help="Parts expected to be needed over the short horizon.",
    )
    demand_long = fields.Float(
        string="Demand (long)",
        readonly=True,
        help="Parts expected to be needed over the long horizon.",
    )
    qty_on_hand = fields.Float(
        string="On Hand",
        digits="Product Unit of Measure",
        readonly=True,
        help="In the warehouse's stock (customers' units in the Service location are not stock).",
    )
    qty_incoming = fields.Float(
        string="Incoming",
        digits="Product Unit of Measure",
        readonly=True,
        help="Receipts and transfers into the warehouse, not done yet.",
    )
    shortfall_short = fields.Float(
        string="Shortfall (short)",
        readonly=True,
        help="Demand over the short horizon less on hand and incoming, when positive.",
    )
    shortfall_long = fields.Float(
        string="Shortfall (long)",
        readonly=True,
        help="Demand over the long horizon less on hand and incoming, when positive.",
    )
    orderpoint_id = fields.Many2one(
        "stock.warehouse.orderpoint",
        string="Reordering Rule",
        readonly=True,
        help="The part's reordering rule in the warehouse's stock location.",
    )
    orderpoint_min_qty = fields.Float(related="orderpoint_id.product_min_qty", string="Rule Min")
    orderpoint_max_qty = fields.Float(related="orderpoint_id.product_max_qty", string="Rule Max")
    suggested_min_qty = fields.Float(
        string="Proposed Min",
        compute="_compute_suggested_qty",
        digits="Product Unit of Measure",
        help="The short horizon's demand, rounded up to the part's unit: the minimum "
        "Create Reordering Rules sets.",
    )
    suggested_max_qty = fields.Float(
        string="Proposed Max",
        compute="_compute_suggested_qty",
        digits="Product Unit of Measure",
        help="The long horizon's demand, rounded up to the part's unit (at least the minimum): "
        "the maximum Create Reordering Rules sets.",
    )
    detail_ids = fields.One2many(
        "after_sales.parts.forecast.detail", "forecast_id", string="Per Product", readonly=True
    )

    def init(self):
        # The forecast and the part norms read the parts of repairs: Odoo
        # does not index stock moves by repair.
        create_index(
            self.env.cr,
            "after_sales_stock_move_repair_idx",
            "stock_move",
            ["repair_id"],
            where="repair_id IS NOT NULL",
        )

    @api.depends("demand_short", "demand_long", "product_id.uom_id")
    def _compute_suggested_qty(self):
        for line in self:
            line.suggested_min_qty, line.suggested_max_qty = line._orderpoint_quantities()

    # Actions -------------------------------------------------------------

    @api.model
    def action_open(self):
        """The menu: compute the forecast, then show it."""
        self.browse().action_compute()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales_service.after_sales_parts_forecast_action"
        )

    def action_compute(self):
        """Replace the user's forecast lines by fresh ones, for the
        warehouses of the companies the user works in (whatever lines it is
        called on)."""
        self.check_access("create")
        # The record rules show each user their own lines only.
        self.search([]).unlink()
        today = fields.Date.context_today(self)
        vals_list = []
        for company in self.env.companies:
            vals_list += self._prepare_company_lines(company, today)
        self.create(vals_list)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_create_orderpoints(self):
        """Set the parts' reordering rules in their warehouses from the
        forecast: min the short horizon's demand, max the long one's, both
        rounded up to the part's unit. A rule of the same part and stock
        location is updated (restored when archived), never doubled."""
        if not self:
            raise UserError(self.env._("Select the forecast lines to set reordering rules for."))
        if not any(self.env.user.has_group(group) for group in REPLENISH_GROUPS):
            raise AccessError(
                self.env._(
                    "Only After-Sales managers and stock managers set reordering rules from the forecast."
                )
            )
        self.check_access("read")
        created, updated, skipped = self._apply_orderpoints()
        parts = []
        if created:
            parts.append(self.env._("%(count)s reordering rule(s) created", count=len(created)))
        if updated:
            parts.append(self.env._("%(count)s updated", count=len(updated)))
        if skipped:
            parts.append(
                self.env._(
                    "%(count)s part(s) left as they were (no demand, or not a storable product): %(parts)s",
                    count=len(skipped),
                    parts=", ".join(skipped.product_id.mapped("display_name")),
                )
            )
        details = "; ".join(
            self.env._(
                "%(part)s at %(warehouse)s: min %(min)s, max %(max)s",
                part=orderpoint.product_id.display_name,
                warehouse=orderpoint.warehouse_id.name,
                min=formatLang(self.env, orderpoint.product_min_qty, dp="Product Unit of Measure"),
                max=formatLang(self.env, orderpoint.product_max_qty, dp="Product Unit of Measure"),
            )
            for orderpoint in created | updated
        )
        message = ", ".join(parts) + (f". {details}" if details else ".")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if created or updated else "warning",
                "title": self.env._("Reordering rules"),
                "message": message,
                "sticky": bool(created or updated),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # Computation -----------------------------------------------------------

    @api.model
    def _prepare_company_lines(self, company, today):
        """The forecast lines of ``company`` on ``today``, as create values."""
        months = {
            "history": company.after_sales_forecast_history_months,
            "short": company.after_sales_forecast_short_months,
            "long": company.after_sales_forecast_long_months,
        }
        windows = forecast_windows(today, months["history"], months["short"], months["long"])
        consumption = self._query_consumption(company, windows["history"])
        if not consumption:
            return []
        coverage = self._query_coverage(company, {product for __, __, product in consumption}, windows)

        # Per (warehouse, part): the per-product details, then the line.
        details = defaultdict(list)
        for (warehouse_id, part_id, product_id), used in consumption.items():
            unit_days = coverage.get(product_id, {})
            history_um = unit_months(unit_days.get("history", 0.0), windows["history"], months["history"])
            short_um = unit_months(unit_days.get("short", 0.0), windows["short"], months["short"])
            long_um = unit_months(unit_days.get("long", 0.0), windows["long"], months["long"])
            rate = used / history_um if history_um else 0.0
            details[warehouse_id, part_id].append(
                {
                    "product_id": product_id,
                    "consumed_qty": used,
                    "history_unit_months": history_um,
                    "rate": rate,
                    "short_unit_months": short_um,
                    "long_unit_months": long_um,
                    "demand_short": rate * short_um,
                    "demand_long": rate * long_um,
                }
            )
        stock = self._query_stock(details)
        orderpoints = self._existing_orderpoints(company, details)
        vals_list = []
        for (warehouse_id, part_id), product_details in details.items():
            on_hand, incoming = stock.get((warehouse_id, part_id), (0.0, 0.0))
            demand_short = sum(d["demand_short"] for d in product_details)
            demand_long = sum(d["demand_long"] for d in product_details)
            vals_list.append(
                {
                    "company_id": company.id,
                    "warehouse_id": warehouse_id,
                    "product_id": part_id,
                    "history_months": months["history"],
                    "short_months": months["short"],
                    "long_months": months["long"],
                    "consumed_qty": sum(d["consumed_qty"] for d in product_details),
                    "demand_short": demand_short,
                    "demand_long": demand_long,
                    "qty_on_hand": on_hand,
                    "qty_incoming": incoming,
                    "shortfall_short": max(demand_short - on_hand - incoming, 0.0),
                    "shortfall_long": max(demand_long - on_hand - incoming, 0.0),
                    "orderpoint_id": orderpoints.get((warehouse_id, part_id), False),
                    "detail_ids": [fields.Command.create(d) for d in product_details],
                }
            )
        return vals_list

    @api.model
    def _query_consumption(self, company, window):
        """``{(warehouse id, part id, product id): quantity}``: the parts the
        done repairs of the company's service orders used in ``window``, less
        those returned to stock, in the part's unit of measure, per warehouse
        of the order and product repaired."""
        self.env["stock.move"].flush_model(
            [
                "date",
                "origin_returned_move_id",
                "product_id",
                "product_uom",
                "product_uom_qty",
                "quantity",
                "repair_id",
                "repair_line_type",
                "state",
            ]
        )
        self.env["repair.order"].flush_model(["service_order_id", "state"])
        self.env["after_sales.service.order"].flush_model(["company_id", "product_id", "warehouse_id"])
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["uom_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT o.warehouse_id,
                       sm.product_id,
                       o.product_id,
                       SUM(sm.quantity / move_uom.factor * part_uom.factor - COALESCE(back.qty, 0))
                  FROM stock_move sm
                  JOIN repair_order r ON r.id = sm.repair_id
                  JOIN after_sales_service_order o ON o.id = r.service_order_id
                  JOIN uom_uom move_uom ON move_uom.id = sm.product_uom
                  JOIN product_product part ON part.id = sm.product_id
                  JOIN product_template part_tmpl ON part_tmpl.id = part.product_tmpl_id
                  JOIN uom_uom part_uom ON part_uom.id = part_tmpl.uom_id
             LEFT JOIN LATERAL (
                           SELECT SUM(ret.product_uom_qty / ret_uom.factor * part_uom.factor) AS qty
                             FROM stock_move ret
                             JOIN uom_uom ret_uom ON ret_uom.id = ret.product_uom
                            WHERE ret.origin_returned_move_id = sm.id
                              AND ret.state != 'cancel'
                       ) back ON TRUE
                 WHERE o.company_id = %(company)s
                   AND r.state = 'done'
                   AND sm.state = 'done'
                   AND sm.repair_line_type = 'add'
                   AND sm.date >= %(date_from)s
                   AND sm.date < %(date_to)s
              GROUP BY o.warehouse_id, sm.product_id, o.product_id
                """,
                company=company.id,
                date_from=datetime.combine(window[0], time.min),
                date_to=datetime.combine(window[1] + timedelta(days=1), time.min),
            )
        )
        return {
            (warehouse, part, product): float(qty)
            for warehouse, part, product, qty in rows
            # All returned: nothing used.
            if qty and qty > 0
        }

    @api.model
    def _query_coverage(self, company, product_ids, windows):
        """``{product id: {window: unit-days}}``: the days of warranty
        coverage of the company's registrations of these products within
        each window, times their quantity."""
        Warranty = self.env["after_sales.warranty"]
        Warranty.flush_model(
            ["company_id", "date_end", "date_start", "product_id", "quantity", "registration_state"]
        )
        history, short, long_ = windows["history"], windows["short"], windows["long"]

        def unit_days(window):
            return SQL(
                "SUM(w.quantity * GREATEST(LEAST(w.date_end, %s) - GREATEST(w.date_start, %s) + 1, 0))",
                window[1],
                window[0],
            )

        rows = self.env.execute_query(
            SQL(
                """
                SELECT w.product_id, %(history)s, %(short)s, %(long)s
                  FROM after_sales_warranty w
                 WHERE w.company_id = %(company)s
                   AND w.product_id IN %(products)s
                   AND %(covering)s
              GROUP BY w.product_id
                """,
                history=unit_days(history),
                short=unit_days(short),
                long=unit_days(long_),
                company=company.id,
                products=tuple(product_ids),
                # Covered on a day of the history or of the horizons.
                covering=Warranty._covering_sql("w", history[0], long_[1]),
            )
        )
        return {
            product: {"history": float(h or 0), "short": float(s or 0), "long": float(lg or 0)}
            for product, h, s, lg in rows
        }

    @api.model
    def _query_stock(self, keys):
        """``{(warehouse id, part id): (on hand, incoming)}`` in the part's
        unit: Odoo's own quantities of the warehouse, a few queries per
        warehouse whatever the number of parts."""
        parts_by_warehouse = defaultdict(set)
        for warehouse_id, part_id in keys:
            parts_by_warehouse[warehouse_id].add(part_id)
        stock = {}
        Product = self.env["product.product"]
        for warehouse_id, part_ids in parts_by_warehouse.items():
            parts = Product.browse(sorted(part_ids)).with_context(warehouse_id=warehouse_id)
            quantities = parts._compute_quantities_dict(None, None, None)
            for part_id in part_ids:
                qty = quantities.get(part_id, {})
                stock[warehouse_id, part_id] = (qty.get("qty_available", 0.0), qty.get("incoming_qty", 0.0))
        return stock

    @api.model
    def _existing_orderpoints(self, company, keys):
        """``{(warehouse id, part id): orderpoint id}`` of the active rules
        of these parts in the warehouses' stock locations."""
        warehouses = self.env["stock.warehouse"].browse({warehouse_id for warehouse_id, __ in keys})
        # sudo: a rule's existence and quantities are shown to whoever sees the forecast.
        orderpoints = (
            self.env["stock.warehouse.orderpoint"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("product_id", "in", list({part_id for __, part_id in keys})),
                    ("location_id", "in", warehouses.lot_stock_id.ids),
                ]
            )
        )
        stock_locations = {warehouse.lot_stock_id.id: warehouse.id for warehouse in warehouses}
        return {
            (stock_locations[orderpoint.location_id.id], orderpoint.product_id.id): orderpoint.id
            for orderpoint in orderpoints
        }

    # Reordering rules ------------------------------------------------------

    def _orderpoint_quantities(self):
        """(min, max) of the part's reordering rule from this forecast: the
        demands of the two horizons, rounded up to the part's unit (whole
        units for a part counted in units), the max at least the min."""
        self.ensure_one()
        uom = self.product_id.uom_id
        if not uom:
            return 0.0, 0.0
        rounding = uom.rounding
        if uom.category_id == self.env.ref("uom.product_uom_categ_unit", raise_if_not_found=False):
            rounding = max(rounding, 1.0)
        minimum = float_round(self.demand_short, precision_rounding=rounding, rounding_method="UP")
        maximum = float_round(self.demand_long, precision_rounding=rounding, rounding_method="UP")
        return minimum, max(minimum, maximum)

    def _apply_orderpoints(self):
        """Create or update the reordering rules of these lines; returns the
        rules created, those updated, and the lines left alone."""
        # sudo: an After-Sales manager sets the parts' rules from the forecast
        # without being a stock manager; the lines are the user's own, of
        # their companies (record rules), so are their warehouses.
        Orderpoint = self.env["stock.warehouse.orderpoint"].sudo().with_context(active_test=False)
        skipped = self.browse()
        wanted = {}
        for line in self:
            minimum, maximum = line._orderpoint_quantities()
            if not line.product_id.is_storable or float_is_zero(
                maximum, precision_rounding=line.product_id.uom_id.rounding
            ):
                skipped |= line
                continue
            key = (line.product_id.id, line.warehouse_id.lot_stock_id.id, line.company_id.id)
            wanted[key] = (line, minimum, maximum)
        created = updated = Orderpoint.browse()
        if not wanted:
            return created, updated, skipped
        existing = Orderpoint.search(
            [
                ("product_id", "in", list({key[0] for key in wanted})),
                ("location_id", "in", list({key[1] for key in wanted})),
                ("company_id", "in", list({key[2] for key in wanted})),
            ]
        )
        by_key = {(op.product_id.id, op.location_id.id, op.company_id.id): op for op in existing}
        to_create = []
        for key, (line, minimum, maximum) in wanted.items():
            orderpoint = by_key.get(key)
            if not orderpoint:
                to_create.append(
                    {
                        "product_id": line.product_id.id,
                        "warehouse_id": line.warehouse_id.id,
                        "location_id": line.warehouse_id.lot_stock_id.id,
                        "company_id": line.company_id.id,
                        "product_min_qty": minimum,
                        "product_max_qty": maximum,
                        "trigger": "auto",
                    }
                )
                continue
            rounding = line.product_id.uom_id.rounding
            vals = {}
            if float_compare(orderpoint.product_min_qty, minimum, precision_rounding=rounding):
                vals["product_min_qty"] = minimum
            if float_compare(orderpoint.product_max_qty, maximum, precision_rounding=rounding):
                vals["product_max_qty"] = maximum
            if not orderpoint.active:
                vals["active"] = True
            # The replenishment report's own proposals (manual, by the system)
            # are removed once replenished: the rule set here must stay.
            if orderpoint.trigger == "manual" and orderpoint.create_uid.id == SUPERUSER_ID:
                vals["trigger"] = "auto"
            if vals:
                # Both at once: the constraint wants min <= max on every write.
                orderpoint.write(vals)
            updated |= orderpoint
        if to_create:
            created = Orderpoint.create(to_create)
        for orderpoint in created | updated:
            line = wanted[orderpoint.product_id.id, orderpoint.location_id.id, orderpoint.company_id.id][0]
            line.orderpoint_id = orderpoint.id
        return created.with_env(self.env), updated.with_env(self.env), skipped


class AfterSalesPartsForecastDetail(models.TransientModel):
    """One product a forecast line's part serves: what its repairs used, per
    unit-month of its warranty coverage, and what that makes over the horizons."""

    _name = "after_sales.parts.forecast.detail"
    _description = "Spare Parts Forecast per Product"
    _order = "forecast_id, demand_long desc, product_id"

    forecast_id = fields.Many2one(
        "after_sales.parts.forecast", string="Forecast", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="forecast_id.company_id", store=True)
    warehouse_id = fields.Many2one(related="forecast_id.warehouse_id", store=True)
    part_id = fields.Many2one(related="forecast_id.product_id", string="Spare Part", store=True)
    product_id = fields.Many2one("product.product", string="Product Served", required=True, readonly=True)
    consumed_qty = fields.Float(
        string="Used (history)",
        digits="Product Unit of Measure",
        readonly=True,
        help="Parts the repairs of this product used in the history window at this warehouse.",
    )
    history_unit_months = fields.Float(
        string="Unit-Months (history)",
        readonly=True,
        help="Months of warranty coverage of the product's registrations in the history window, "
        "times their units.",
    )
    rate = fields.Float(
        string="Used per Unit-Month",
        readonly=True,
        help="Parts used per unit-month of coverage in the history window.",
    )
    short_unit_months = fields.Float(
        string="Unit-Months (short)",
        readonly=True,
        help="Months of warranty coverage over the short horizon, times their units.",
    )
    long_unit_months = fields.Float(
        string="Unit-Months (long)",
        readonly=True,
        help="Months of warranty coverage over the long horizon, times their units.",
    )
    demand_short = fields.Float(string="Demand (short)", readonly=True)
    demand_long = fields.Float(string="Demand (long)", readonly=True)
