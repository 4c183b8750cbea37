from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from .account_move import EXPENSE_ACCOUNT_TYPES


class StockMove(models.Model):
    _inherit = "stock.move"

    warranty_ids = fields.One2many("after_sales.warranty", "move_id", string="Warranty Registrations")
    after_sales_requested_qty = fields.Float(
        string="Replenishment Requested",
        digits="Product Unit of Measure",
        copy=False,
        readonly=True,
        help="Quantity of this part already asked of procurement from the parts shortages.",
    )
    after_sales_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    # compute_sudo: whoever sees a service order's parts sees their cost, as
    # the order's parts cost (stock valuation layers are for stock managers).
    after_sales_value = fields.Monetary(
        string="Cost",
        currency_field="after_sales_currency_id",
        compute="_compute_after_sales_value",
        compute_sudo=True,
        help="A part used: its stock valuation, less what was returned to stock since. "
        "A part not used yet: the product's cost.",
    )

    @api.depends(
        "state",
        "product_id",
        "product_qty",
        "stock_valuation_layer_ids.value",
        "returned_move_ids.state",
        "returned_move_ids.stock_valuation_layer_ids.value",
    )
    def _compute_after_sales_value(self):
        for move in self:
            returned = move.returned_move_ids.filtered(lambda m: m.state == "done")
            move.after_sales_value = move._after_sales_cost() - sum(
                ret._after_sales_cost() for ret in returned
            )

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        done = moves.filtered(lambda m: m.state == "done")
        done._after_sales_register_deliveries()
        done._after_sales_void_returns()
        return moves

    def _get_dest_account(self, accounts_data):
        # A category may send its warranty parts to its own expense account.
        if self.location_dest_id == self.company_id.after_sales_consumption_location_id:
            account = self.product_id.categ_id.with_company(
                self.company_id
            ).after_sales_parts_expense_account_id
            if account:
                return account.id
        return super()._get_dest_account(accounts_data)

    def _get_src_account(self, accounts_data):
        # A part a service order consumed comes back onto the account its
        # consumption was posted to: the cost is reversed where it lies.
        consumed = self.origin_returned_move_id
        if consumed.repair_id.service_order_id and consumed.location_dest_id == self.location_id:
            return consumed._get_dest_account(accounts_data)
        return super()._get_src_account(accounts_data)

    def _after_sales_order(self):
        """The service order whose repair consumed this part, or whose
        consumed part this move returns."""
        self.ensure_one()
        return self.repair_id.service_order_id or self.origin_returned_move_id.repair_id.service_order_id

    def _after_sales_cost(self):
        """Cost of this move's parts in the company's currency: once done, its
        valuation (FIFO, average); else, or when the product is not valued,
        the product's cost."""
        self.ensure_one()
        layers = self.stock_valuation_layer_ids
        if self.state == "done" and layers:
            return abs(sum(layers.mapped("value")))
        return self.product_id.with_company(self.company_id).standard_price * self.product_qty

    def _after_sales_returnable_qty(self):
        """Quantity of a consumed part not returned to stock yet."""
        self.ensure_one()
        if self.state != "done":
            return 0.0
        returned = self.returned_move_ids.filtered(lambda m: m.state != "cancel")
        return self.quantity - sum(
            move.product_uom._compute_quantity(move.product_uom_qty, self.product_uom) for move in returned
        )

    def _after_sales_return_to_stock(self, quantity):
        """Bring ``quantity`` of this consumed part back to the stock it left,
        valued at its consumption cost (Odoo values returns at their origin)."""
        self.ensure_one()
        move = self.create(
            {
                "name": self.env._("Return of %(part)s", part=self.product_id.display_name),
                "product_id": self.product_id.id,
                "product_uom": self.product_uom.id,
                "product_uom_qty": quantity,
                "location_id": self.location_dest_id.id,
                "location_dest_id": self.location_id.id,
                "origin_returned_move_id": self.id,
                "origin": self._after_sales_order().name,
                "company_id": self.company_id.id,
            }
        )
        move._action_confirm()
        if self.product_id.tracking == "none":
            move.quantity = quantity
        else:
            remaining = quantity
            line_vals = []
            for line in self.move_line_ids:
                if remaining <= 0:
                    break
                taken = min(line.quantity, remaining)
                remaining -= taken
                line_vals.append(
                    {
                        "move_id": move.id,
                        "product_id": move.product_id.id,
                        "product_uom_id": line.product_uom_id.id,
                        "lot_id": line.lot_id.id,
                        "quantity": taken,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                    }
                )
            self.env["stock.move.line"].create(line_vals)
        move.picked = True
        move._action_done()
        return move

    def _prepare_account_move_vals(
        self, credit_account_id, debit_account_id, journal_id, qty, description, svl_id, cost
    ):
        vals = super()._prepare_account_move_vals(
            credit_account_id, debit_account_id, journal_id, qty, description, svl_id, cost
        )
        order = self._after_sales_order()
        if order:
            # The parts' valuation entry belongs to the service order, and its
            # expense line (credited when the part comes back) to the order's
            # analytic distribution.
            vals["after_sales_order_id"] = order.id
            expense_account_id = credit_account_id if self.origin_returned_move_id else debit_account_id
            expense_account = self.env["account.account"].browse(expense_account_id)
            # Parts sold (paid, goodwill) reach an expense account with the
            # invoice; their stock output account carries no analytics.
            if order.analytic_distribution and expense_account.account_type in EXPENSE_ACCOUNT_TYPES:
                for command in vals["line_ids"]:
                    line_vals = command[2]
                    if line_vals.get("account_id") == expense_account_id:
                        line_vals["analytic_distribution"] = order.analytic_distribution
        return vals

    def _is_after_sales_delivery(self):
        self.ensure_one()
        return (
            self.location_dest_id.usage == "customer"
            and self.location_id.usage != "customer"
            and not self.picking_type_id.is_after_sales_type
        )

    def _is_after_sales_return(self):
        """A customer sending back what was delivered (not a unit sent in for service)."""
        self.ensure_one()
        return (
            self.location_id.usage == "customer"
            and self.location_dest_id.usage != "customer"
            and bool(self.origin_returned_move_id)
            and not self.picking_type_id.is_after_sales_type
        )

    def _after_sales_register_deliveries(self):
        """One registration per serial (or per move line when untracked)."""
        deliveries = self.filtered(lambda m: m._is_after_sales_delivery())
        if not deliveries:
            return
        vals_list = []
        invoice_dates = deliveries.sale_line_id._after_sales_invoice_dates()
        for move in deliveries:
            term = move.product_id.product_tmpl_id._get_warranty_term(move.company_id)
            if not term:
                continue
            partner = (move.picking_id.partner_id or move.partner_id).commercial_partner_id
            if not partner:
                continue
            delivery_date = fields.Date.context_today(move, move.date)
            base_vals = {
                "partner_id": partner.id,
                "product_id": move.product_id.id,
                "term_id": term.id,
                "company_id": move.company_id.id,
                "move_id": move.id,
                "sale_line_id": move.sale_line_id.id,
                "origin": "delivery",
                "date_start": delivery_date,
            }
            if term.start_basis == "invoice":
                invoice_date = invoice_dates.get(move.sale_line_id.id)
                base_vals["date_start"] = invoice_date or delivery_date
                base_vals["awaiting_invoice"] = not invoice_date
            elif term.start_basis == "registration":
                # Starts when the customer registers the unit.
                base_vals["registration_state"] = "draft"
            rounding = move.product_uom.rounding
            for line in move.move_line_ids:
                if float_is_zero(line.quantity, precision_rounding=rounding):
                    continue
                vals_list.append(
                    {
                        **base_vals,
                        "lot_id": line.lot_id.id,
                        "quantity": 1.0
                        if line.lot_id and move.has_tracking == "serial"
                        else line.quantity_product_uom,
                    }
                )
        if vals_list:
            # sudo: registering the warranty is part of validating the delivery,
            # which stock users may do without After-Sales rights.
            self.env["after_sales.warranty"].sudo().with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
            ).create(vals_list)

    def _after_sales_void_returns(self):
        """A unit returned by the customer loses its warranty: the registrations
        of that unit held by that customer in that company are voided
        ("Returned"), or reduced by the quantity returned when only part of a
        lot or of an untracked delivery comes back."""
        returns = self.filtered(lambda m: m._is_after_sales_return())
        if not returns:
            return
        # sudo: see _after_sales_register_deliveries.
        Warranty = self.env["after_sales.warranty"].sudo()
        # What came back: per (lot or original move, holder, company), the quantity.
        returned_qty = defaultdict(float)
        lots = self.env["stock.lot"]
        for move in returns:
            holder = move.picking_id.partner_id.commercial_partner_id.id
            if move.has_tracking == "none":
                key = ("move", move.origin_returned_move_id.id, holder, move.company_id.id)
                returned_qty[key] += move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
                continue
            for line in move.move_line_ids.filtered("lot_id"):
                lots |= line.lot_id
                returned_qty[("lot", line.lot_id.id, holder, move.company_id.id)] += line.quantity_product_uom
        untracked_moves = returns.filtered(lambda m: m.has_tracking == "none").origin_returned_move_id
        candidates = Warranty.search(
            [
                ("registration_state", "!=", "void"),
                "|",
                ("lot_id", "in", lots.ids),
                "&",
                ("move_id", "in", untracked_moves.ids),
                ("lot_id", "=", False),
            ],
            order="id",
        )
        to_void = Warranty
        for warranty in candidates:
            unit = ("lot", warranty.lot_id.id) if warranty.lot_id else ("move", warranty.move_id.id)
            key = (*unit, warranty.partner_id.id, warranty.company_id.id)
            remaining = returned_qty.get(key, 0.0)
            if float_is_zero(remaining, precision_digits=6):
                continue
            if float_compare(warranty.quantity, remaining, precision_digits=6) <= 0:
                to_void |= warranty
                returned_qty[key] -= warranty.quantity
            else:
                warranty.quantity -= remaining
                returned_qty[key] = 0.0
        if to_void:
            reference = ", ".join(returns.picking_id.mapped("name"))
            to_void._void(reason=self.env._("Returned (%(reference)s)", reference=reference))

    def _create_repair_sale_order_line(self):
        res = super()._create_repair_sale_order_line()
        # A part added to a service order's repair is quoted on its terms
        # (goodwill discount, analytics), like the parts quoted before.
        for order, moves in (
            self.filtered("repair_id.service_order_id")
            .grouped(lambda m: m.repair_id.service_order_id)
            .items()
        ):
            order._apply_quotation_terms(moves.sale_line_id)
        return res

    def action_after_sales_replenish(self):
        """Ask Odoo's procurement for the missing quantity of each part."""
        moves = self.filtered(lambda m: m.state not in ("done", "cancel", "assigned") and m.repair_id)
        if not moves:
            raise UserError(self.env._("Select parts that are still missing."))
        Procurement = self.env["procurement.group"].Procurement
        procurements = []
        requested = []
        for move in moves:
            # What is neither reserved nor already on its way from an earlier request.
            missing = move.product_uom_qty - move.quantity - move.after_sales_requested_qty
            if float_compare(missing, 0.0, precision_rounding=move.product_uom.rounding) <= 0:
                continue
            requested.append((move, missing))
            warehouse = move.location_id.warehouse_id
            procurements.append(
                Procurement(
                    move.product_id,
                    missing,
                    move.product_uom,
                    move.location_id,
                    move.product_id.display_name,
                    move.repair_id.name,
                    move.company_id,
                    {"warehouse_id": warehouse, "group_id": move.repair_id.procurement_group_id},
                )
            )
        if procurements:
            # Raises a clear UserError when no route can supply a product.
            self.env["procurement.group"].run(procurements)
            for move, missing in requested:
                move.after_sales_requested_qty += missing
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Replenishment requested for %(count)s part(s).", count=len(procurements)
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
