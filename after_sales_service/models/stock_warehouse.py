from odoo import api, fields, models

# Operation types of the after-sales service on every warehouse:
# field name -> (sequence code, name, barcode suffix)
SERVICE_PICKING_TYPES = {
    "service_in_type_id": ("SVI", "Service Receipts", "SVIN"),
    "service_out_type_id": ("SVO", "Service Returns", "SVOUT"),
    "loaner_out_type_id": ("LNO", "Loaner Issues", "LNOUT"),
    "loaner_in_type_id": ("LNI", "Loaner Returns", "LNIN"),
    "warranty_repair_type_id": ("WRO", "Warranty Repairs", "WRO"),
}


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    service_location_id = fields.Many2one(
        "stock.location",
        string="Service Location",
        check_company=True,
        help="Where customers' units wait for and undergo service.",
    )
    loaner_location_id = fields.Many2one(
        "stock.location",
        string="Loaner Location",
        check_company=True,
        help="Units lent to customers while theirs are in service.",
    )
    service_in_type_id = fields.Many2one(
        "stock.picking.type", string="Service Receipt Type", check_company=True
    )
    service_out_type_id = fields.Many2one(
        "stock.picking.type", string="Service Return Type", check_company=True
    )
    loaner_out_type_id = fields.Many2one("stock.picking.type", string="Loaner Issue Type", check_company=True)
    loaner_in_type_id = fields.Many2one("stock.picking.type", string="Loaner Return Type", check_company=True)
    warranty_repair_type_id = fields.Many2one(
        "stock.picking.type",
        string="Warranty Repair Type",
        check_company=True,
        help="Repairs whose parts the company bears: parts leave stock into the "
        "company's Warranty consumption location.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        warehouses._after_sales_place_service_locations()
        return warehouses

    def write(self, vals):
        res = super().write(vals)
        if "active" in vals:
            # Odoo archives and restores the locations under the warehouse's
            # view location; the Service location is not among them. Like
            # them, it cannot be archived while it holds units.
            self.with_context(active_test=False).service_location_id.write({"active": vals["active"]})
        return res

    def _get_locations_values(self, vals, code=False):
        values = super()._get_locations_values(vals, code=code)
        code = (vals.get("code") or code or "").replace(" ", "").upper()
        company_id = vals.get("company_id", self.default_get(["company_id"])["company_id"])
        values.update(
            {
                "service_location_id": {
                    "name": self.env._("Service"),
                    "active": True,
                    "usage": "internal",
                    "barcode": self._valid_barcode(code + "SERVICE", company_id),
                },
                "loaner_location_id": {
                    "name": self.env._("Loaners"),
                    "active": True,
                    "usage": "internal",
                    "barcode": self._valid_barcode(code + "LOANER", company_id),
                },
            }
        )
        return values

    def _create_missing_locations(self, vals):
        res = super()._create_missing_locations(vals)
        self._after_sales_place_service_locations()
        return res

    def _after_sales_place_service_locations(self):
        """Customers' units wait in the Service location, owned by the
        customer: they are not the company's stock. Odoo sums a warehouse's
        quantities (On Hand, Forecast, free quantity, replenishment, the
        forecast report) over the locations under its view location, so the
        Service location lives outside it, under Physical Locations like
        Odoo's inter-warehouse transit location. Its name then starts with
        the warehouse's code, as "WH/" no longer tells it."""
        parent = self.env.ref("stock.stock_location_locations", raise_if_not_found=False)
        for warehouse in self:
            location = warehouse.service_location_id
            if not location:
                continue
            view_path = warehouse.view_location_id.parent_path
            if not location.warehouse_id and not (view_path and location.parent_path.startswith(view_path)):
                continue
            vals = {"location_id": parent.id if parent else False}
            if not location.name.startswith(f"{warehouse.code} "):
                vals["name"] = f"{warehouse.code} {location.name}"
            location.write(vals)

    def _update_name_and_code(self, new_name=False, new_code=False):
        if new_code:
            for warehouse in self:
                location = warehouse.service_location_id
                if location.name and location.name.startswith(f"{warehouse.code} "):
                    location.name = new_code + location.name[len(warehouse.code) :]
        return super()._update_name_and_code(new_name=new_name, new_code=new_code)

    def _get_sequence_values(self, name=False, code=False):
        values = super()._get_sequence_values(name=name, code=code)
        for field_name, (sequence_code, type_name, _barcode) in SERVICE_PICKING_TYPES.items():
            values[field_name] = {
                "name": f"{self.name} {type_name}",
                "prefix": f"{self.code}/{self[field_name].sequence_code or sequence_code}/",
                "padding": 5,
                "company_id": self.company_id.id,
            }
        return values

    def _get_picking_type_create_values(self, max_sequence):
        data, next_sequence = super()._get_picking_type_create_values(max_sequence)
        customers = self.env.ref("stock.stock_location_customers")
        consumption = self.company_id._after_sales_consumption_location()
        names = {
            "service_in_type_id": self.env._("Service Receipts"),
            "service_out_type_id": self.env._("Service Returns"),
            "loaner_out_type_id": self.env._("Loaner Issues"),
            "loaner_in_type_id": self.env._("Loaner Returns"),
            "warranty_repair_type_id": self.env._("Warranty Repairs"),
        }
        locations = {
            "service_in_type_id": ("incoming", customers, self.service_location_id),
            "service_out_type_id": ("outgoing", self.service_location_id, customers),
            "loaner_out_type_id": ("outgoing", self.loaner_location_id, customers),
            "loaner_in_type_id": ("incoming", customers, self.loaner_location_id),
            "warranty_repair_type_id": ("repair_operation", self.lot_stock_id, consumption),
        }
        scrap = self.env["stock.location"].search(
            [("scrap_location", "=", True), ("company_id", "in", [self.company_id.id, False])], limit=1
        )
        for offset, (field_name, (sequence_code, _name, _barcode)) in enumerate(
            SERVICE_PICKING_TYPES.items()
        ):
            code, source, destination = locations[field_name]
            data[field_name] = {
                "name": names[field_name],
                "code": code,
                "use_create_lots": False,
                "use_existing_lots": True,
                "default_location_src_id": source.id,
                "default_location_dest_id": destination.id,
                "sequence": next_sequence + offset,
                "sequence_code": sequence_code,
                "company_id": self.company_id.id,
                "is_after_sales_type": True,
            }
            if code == "outgoing":
                # The order sets the serial it ships: reserving first would
                # only look for any unit of the product, to be thrown away.
                data[field_name]["reservation_method"] = "manual"
            if code == "repair_operation":
                data[field_name].update(
                    default_remove_location_dest_id=scrap.id,
                    default_recycle_location_dest_id=self.lot_stock_id.id,
                )
        return data, next_sequence + len(SERVICE_PICKING_TYPES)

    def _get_picking_type_update_values(self):
        data = super()._get_picking_type_update_values()
        code = self.code.replace(" ", "").upper()
        for field_name, (_sequence_code, _name, barcode) in SERVICE_PICKING_TYPES.items():
            data[field_name] = {"active": self.active, "barcode": code + barcode}
        return data

    def _after_sales_setup(self):
        """Service and loaner locations and operation types for warehouses
        that existed before the addon was installed."""
        for warehouse in self:
            # Also moves Service locations created by earlier versions out of
            # the warehouse (see _after_sales_place_service_locations).
            warehouse._create_missing_locations({})
            vals = warehouse._create_or_update_sequences_and_picking_types()
            if vals:
                warehouse.write(vals)

    @api.model
    def _after_sales_setup_all(self):
        """Run at install and update: every warehouse of every company."""
        self.with_context(active_test=False).search([])._after_sales_setup()
