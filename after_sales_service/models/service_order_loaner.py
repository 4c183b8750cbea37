from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .service_order import OPEN_STATES
from .state_guard import workflow
from .warranty_term import EXCHANGE_TYPES


class AfterSalesServiceOrder(models.Model):
    """The loaner lifecycle, and the replacement units that share its fields.

    A loaner (exchange type "loaner") is chosen among the free ones
    (``free_loaner_lot_ids``), issued from the Loaner location when the unit
    is received (``_on_receipt_done``) or, chosen later, by
    ``action_issue_loaner``; it comes back on
    ``action_loaner_return`` (also when the order is cancelled) or stays with
    the customer on a manager's decision (``action_loaner_keep``); its two
    transfers are ``loaner_issue_picking_id`` and ``loaner_return_picking_id``,
    its status ``loaner_state``. An order is returned only once its loaner
    is back or kept.

    ``loaner_lot_id`` also carries the replacement unit. An advance
    replacement (exchange type "advance") goes out through the loaner issue
    transfer, from stock, when the order is confirmed; it takes the unit's
    place for good (``action_return`` ships nothing back). A replacement on
    return (exchange type "return", and replacement requests) goes out
    through the order's return transfer instead of the customer's unit (see
    ``_prepare_return_move_vals``).
    """

    _inherit = "after_sales.service.order"  # pylint: disable=consider-merging-classes-inherited

    # The "return" exchange type is a replacement handed over when the unit
    # would go back; it is neither ``action_return`` (the unit back to the
    # customer) nor the parts return wizard (unused spare parts back to stock).
    exchange_type = fields.Selection(
        EXCHANGE_TYPES,
        compute="_compute_exchange_type",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="From the warranty term; the staff may decide otherwise.",
    )
    loaner_lot_id = fields.Many2one(
        "stock.lot",
        string="Loaner / Replacement Unit",
        check_company=True,
        ondelete="restrict",
        tracking=True,
        # Loaners: the serials free in the warehouse's Loaners location.
        domain="exchange_type == 'loaner' and [('id', 'in', free_loaner_lot_ids)] or []",
        help="Serial lent to the customer (loaner) or given instead of theirs (replacement).",
    )
    free_loaner_lot_ids = fields.Many2many(
        "stock.lot",
        string="Free Loaners",
        compute="_compute_free_loaner_lot_ids",
        compute_sudo=True,
        help="Serials in the Loaners location of the order's warehouse, neither reserved nor chosen "
        "by another open order.",
    )
    free_loaner_names = fields.Char(
        string="Free Loaner Units", compute="_compute_free_loaner_lot_ids", compute_sudo=True
    )
    loaner_state = fields.Selection(
        [
            ("none", "None"),
            ("out", "With the customer"),
            ("back", "Returned"),
            ("kept", "Kept by the customer"),
        ],
        compute="_compute_loaner_state",
        store=True,
    )
    # Indexed: a transfer's state change looks up the order it belongs to.
    loaner_issue_picking_id = fields.Many2one(
        "stock.picking", readonly=True, copy=False, index="btree_not_null"
    )
    loaner_return_picking_id = fields.Many2one(
        "stock.picking", readonly=True, copy=False, index="btree_not_null"
    )
    loaner_kept = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="A manager decided the customer keeps the loaner (to be invoiced).",
    )

    @api.depends("warranty_id")
    def _compute_exchange_type(self):
        for order in self:
            order.exchange_type = order.warranty_id.term_id.exchange_type or "none"

    @api.depends("warehouse_id", "exchange_type")
    def _compute_free_loaner_lot_ids(self):
        Lot = self.env["stock.lot"]
        loaner_orders = self.filtered(
            lambda o: o.exchange_type == "loaner" and o.warehouse_id.loaner_location_id
        )
        (self - loaner_orders).update({"free_loaner_lot_ids": Lot, "free_loaner_names": False})
        if not loaner_orders:
            return
        free = {}
        for location, lot, quantity, reserved in self.env["stock.quant"]._read_group(
            [
                ("location_id", "child_of", loaner_orders.warehouse_id.loaner_location_id.ids),
                ("lot_id", "!=", False),
            ],
            ["location_id", "lot_id"],
            ["quantity:sum", "reserved_quantity:sum"],
        ):
            rounding = lot.product_id.uom_id.rounding
            if float_compare(quantity - reserved, 0.0, precision_rounding=rounding) > 0:
                free[location.warehouse_id] = free.get(location.warehouse_id, Lot) | lot
        # A loaner another open order chose goes out with that order's receipt.
        promised = self.search_fetch(
            [
                ("loaner_lot_id", "in", Lot.union(*free.values()).ids),
                ("exchange_type", "=", "loaner"),
                ("state", "in", OPEN_STATES),
                ("loaner_issue_picking_id", "=", False),
            ],
            ["loaner_lot_id"],
        )
        for order in loaner_orders:
            lots = free.get(order.warehouse_id, Lot) - (promised - order._origin).loaner_lot_id
            order.free_loaner_lot_ids = lots
            names = [f"{lot.name} ({lot.product_id.display_name})" for lot in lots[:5]]
            if len(lots) > 5:
                names.append(self.env._("%(count)s more", count=len(lots) - 5))
            order.free_loaner_names = ", ".join(names)

    @api.depends(
        "loaner_issue_picking_id.state", "loaner_return_picking_id.state", "loaner_kept", "exchange_type"
    )
    def _compute_loaner_state(self):
        for order in self:
            if order.loaner_issue_picking_id.state != "done" or order.exchange_type != "loaner":
                order.loaner_state = "none"
            elif order.loaner_kept:
                order.loaner_state = "kept"
            elif order.loaner_return_picking_id.state == "done":
                order.loaner_state = "back"
            else:
                order.loaner_state = "out"

    @workflow
    def action_issue_loaner(self):
        """Hand the chosen loaner to the customer once the unit is in the
        workshop (a loaner chosen at intake goes out with the receipt)."""
        self.check_access("write")
        exchanges = dict(self._fields["exchange_type"]._description_selection(self.env))
        for order in self.filtered(lambda o: o.state in ("received", "in_repair")):
            if order.exchange_type != "loaner":
                raise UserError(
                    self.env._(
                        "%(order)s lends no loaner (exchange type: %(exchange)s).",
                        order=order.name,
                        exchange=exchanges[order.exchange_type],
                    )
                )
            if order.loaner_issue_picking_id:
                raise UserError(
                    self.env._(
                        "The loaner of %(order)s went out already (%(picking)s).",
                        order=order.name,
                        picking=order.loaner_issue_picking_id.name,
                    )
                )
            if not order.loaner_lot_id:
                raise UserError(
                    self.env._(
                        "Choose the loaner of %(order)s among the free loaners first.", order=order.name
                    )
                )
        self._check_can("can_issue_loaner", self.env._("Issuing a loaner"))
        self._issue_loaner()
        return True

    @workflow
    def action_loaner_return(self):
        """The customer hands the loaner back."""
        orders = self.filtered(lambda o: o.loaner_state == "out")
        if not orders:
            raise UserError(self.env._("No loaner is out with the customer on this order."))
        orders._create_transfers(
            "loaner_in_type_id", "loaner_return_picking_id", lambda o: o._prepare_loaner_return_move_vals()
        )
        return True

    @workflow
    def action_loaner_keep(self):
        """Manager's decision: the customer keeps the loaner (e.g. to be invoiced)."""
        self._check_manager(self.env._("Only After-Sales managers can let a customer keep a loaner."))
        orders = self.filtered(lambda o: o.loaner_state == "out")
        if not orders:
            raise UserError(self.env._("No loaner is out with the customer on this order."))
        orders.loaner_kept = True
        for order in orders:
            order.message_post(
                body=self.env._("The customer keeps loaner %(lot)s.", lot=order.loaner_lot_id.name)
            )
        return True

    @workflow
    def _issue_loaner(self):
        """Hand the loaner, or the advance replacement, to the customer."""
        self._create_transfers(
            "loaner_out_type_id", "loaner_issue_picking_id", lambda o: o._prepare_loaner_issue_move_vals()
        )

    @workflow
    def _recover_advance_replacement(self):
        """On cancelling: the replacement shipped in advance is to come back
        to stock. Its receipt waits, ready, for the unit to arrive."""
        orders = self.filtered(
            lambda o: o.exchange_type == "advance"
            and o.loaner_issue_picking_id.state == "done"
            and not o.loaner_return_picking_id
        )
        pickings = orders._create_transfers(
            "loaner_in_type_id",
            "loaner_return_picking_id",
            lambda o: o._move_vals(
                o.loaner_lot_id.product_id,
                o.loaner_lot_id,
                self.env.ref("stock.stock_location_customers"),
                o.warehouse_id.lot_stock_id,
            ),
            validate=False,
        )
        for order, picking in zip(orders, pickings, strict=True):
            order.message_post(
                body=self.env._(
                    "Cancelled: the replacement %(lot)s shipped in advance is to come back (%(picking)s).",
                    lot=order.loaner_lot_id.name,
                    picking=picking.name,
                )
            )
        return pickings

    def _prepare_loaner_issue_move_vals(self):
        source = (
            self.warehouse_id.lot_stock_id
            if self.exchange_type == "advance"
            else self.warehouse_id.loaner_location_id
        )
        return self._move_vals(
            self.loaner_lot_id.product_id,
            self.loaner_lot_id,
            source,
            self.env.ref("stock.stock_location_customers"),
        )

    def _prepare_loaner_return_move_vals(self):
        return self._move_vals(
            self.loaner_lot_id.product_id,
            self.loaner_lot_id,
            self.env.ref("stock.stock_location_customers"),
            self.warehouse_id.loaner_location_id,
        )
