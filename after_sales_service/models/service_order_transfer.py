from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class AfterSalesServiceOrder(models.Model):
    """Transport of the customer's unit: the receipt into the Service
    location, created by ``action_confirm`` (its validation moves the order
    to received), and the return transfer back to the customer, created by
    ``action_return`` or by ``action_cancel`` once the unit was received.
    The builders below make the loaner's transfers too
    (``service_order_loaner.py``)."""

    _inherit = "after_sales.service.order"  # pylint: disable=consider-merging-classes-inherited

    transport_mode = fields.Selection(
        [("dropoff", "Drop-off by the customer"), ("courier", "Pick-up by courier")],
        default="dropoff",
        required=True,
        tracking=True,
    )
    carrier_reference = fields.Char(help="Courier and tracking number, for pick-ups.")
    date_pickup = fields.Date(
        string="Pick-up Date",
        tracking=True,
        help="When the courier picks the unit up at the customer's; the confirmation mail tells them.",
    )
    return_carrier_reference = fields.Char(
        string="Return Tracking",
        tracking=True,
        help="Courier and tracking number of the unit's way back: enter it before Return to Customer, "
        "the shipped-back mail gives it to the customer.",
    )
    # Indexed: validating a receipt looks up the order it belongs to.
    receipt_picking_id = fields.Many2one(
        "stock.picking", string="Receipt", readonly=True, copy=False, index="btree_not_null"
    )
    # The unit (or its replacement) back to the customer: see action_return.
    return_picking_id = fields.Many2one("stock.picking", string="Return", readonly=True, copy=False)
    picking_ids = fields.One2many("stock.picking", "service_order_id", string="Transfers")
    picking_count = fields.Integer(compute="_compute_picking_count")

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for order in self:
            order.picking_count = len(order.picking_ids)

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("service_order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def _create_transfers(self, type_field, link_field, move_vals_builder, validate=True):
        """One transfer per order, of the warehouse's ``type_field``, holding
        the move ``move_vals_builder`` returns for the order; linked to the
        order by ``link_field`` and validated at once, unless ``validate`` is
        false (the receipt waits for the unit to arrive)."""
        if not self:
            return self.env["stock.picking"]
        pickings = self.env["stock.picking"]._after_sales_create(
            [order._transfer_vals(type_field, move_vals_builder(order)) for order in self]
        )
        for order, picking in zip(self, pickings, strict=True):
            order[link_field] = picking
        if validate:
            pickings._after_sales_validate()
        return pickings

    def _transfer_vals(self, type_field, move_vals, partner=None, origin=None, company=None):
        """The values of a transfer of this order's warehouse's service
        operation type ``type_field`` holding the move ``move_vals``: with
        the order's customer, reference and company unless given."""
        self.ensure_one()
        picking_type = self.warehouse_id[type_field]
        if not picking_type:
            raise UserError(
                self.env._(
                    "Warehouse %(warehouse)s has no after-sales operation types.",
                    warehouse=self.warehouse_id.name,
                )
            )
        return {
            "picking_type_id": picking_type.id,
            "partner_id": (partner or self.partner_id).id,
            "location_id": move_vals["location_id"],
            "location_dest_id": move_vals["location_dest_id"],
            "origin": origin or self.name,
            "service_order_id": self.id,
            "company_id": (company or self.company_id).id,
            "move_ids": [Command.create(move_vals)],
        }

    def _create_return_transfers(self, own_unit=False):
        """Ship the unit, or its replacement, back to the customer (see
        ``_prepare_return_move_vals``): on return, and with ``own_unit`` on
        cancelling an order whose unit was received (no replacement then:
        the customer gets their own unit back)."""
        return self._create_transfers(
            "service_out_type_id",
            "return_picking_id",
            lambda o: o._prepare_return_move_vals(own_unit=own_unit),
        )

    def _move_vals(self, product, lot, source, destination, owner=None):
        """One unit of ``product``, its serial's move line set up front: the
        serial is known, nothing is left for the reservation to choose."""
        self.ensure_one()
        if lot and source.usage == "internal":
            available = self.env["stock.quant"]._get_available_quantity(
                product, source, lot_id=lot, owner_id=owner or None, strict=True
            )
            if available < 1.0:
                raise UserError(
                    self.env._(
                        "%(lot)s is not available in %(location)s.",
                        lot=lot.name,
                        location=source.display_name,
                    )
                )
        return {
            "name": self.name,
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": 1.0,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": self.company_id.id,
            "restrict_partner_id": owner.id if owner else False,
            "move_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_id": product.uom_id.id,
                        "lot_id": lot.id or False,
                        "quantity": 1.0,
                        "owner_id": owner.id if owner else False,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                        "company_id": self.company_id.id,
                    }
                )
            ],
        }

    def _prepare_receipt_move_vals(self):
        """The move of the receipt: the customer's unit into the Service location."""
        # The unit stays the customer's: owned quants are not valued in stock.
        return self._move_vals(
            self.product_id,
            self.lot_id,
            self.env.ref("stock.stock_location_customers"),
            self.warehouse_id.service_location_id,
            owner=self.partner_id,
        )

    def _prepare_return_move_vals(self, own_unit=False):
        """The move of the return transfer to the customer (``action_return``,
        or ``action_cancel`` once the unit was received): the customer's unit,
        or, unless ``own_unit``, the replacement unit under the "return"
        exchange type and for replacement requests."""
        if not own_unit and (self.exchange_type == "return" or self.request_type == "replacement"):
            if not self.loaner_lot_id:
                raise UserError(self.env._("Choose the replacement unit for %(order)s.", order=self.name))
            # The replacement comes from the company's stock.
            return self._move_vals(
                self.loaner_lot_id.product_id,
                self.loaner_lot_id,
                self.warehouse_id.lot_stock_id,
                self.env.ref("stock.stock_location_customers"),
            )
        return self._move_vals(
            self.product_id,
            self.lot_id,
            self.warehouse_id.service_location_id,
            self.env.ref("stock.stock_location_customers"),
            owner=self.partner_id,
        )
