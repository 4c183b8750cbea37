from odoo import Command

from .common import AfterSalesCommon


class ServiceOrderCommon(AfterSalesCommon):
    """A delivered unit under warranty, spare parts in stock, loaners."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Order = cls.env["after_sales.service.order"]
        cls.service_location = cls.warehouse.service_location_id
        cls.loaner_location = cls.warehouse.loaner_location_id
        cls.consumption_location = cls.company.after_sales_consumption_location_id
        cls.term_consumer.write({"exchange_type": "loaner", "repair_days": 21})
        cls.labor_product = cls.env["product.product"].create(
            {"name": "Workshop hour", "type": "service", "standard_price": 40.0, "list_price": 80.0}
        )
        cls.company.after_sales_labor_product_id = cls.labor_product
        cls.company.after_sales_paid_repair_days = 10
        # Warranty labour is posted when an order is done: the company's chart
        # gets its service accounts (done at install for existing companies).
        cls.company._after_sales_setup_accounts()
        cls.part = cls.env["product.product"].create(
            {"name": "Pump", "is_storable": True, "standard_price": 25.0, "list_price": 60.0}
        )
        cls.product_serial.spare_part_ids = cls.part
        cls._put_in_stock(cls.part, 20)

        cls.unit_lot = cls._create_lots(cls.product_serial, ["UNIT-1"])
        cls.delivery = cls._deliver(cls.customer, cls.product_serial, lots=cls.unit_lot)
        cls.warranty = cls.Warranty.search([("lot_id", "=", cls.unit_lot.id)])
        cls.loaner_lot = cls._create_lots(cls.product_serial, ["LOANER-1"])
        cls.env["stock.quant"]._update_available_quantity(
            cls.product_serial, cls.loaner_location, 1.0, lot_id=cls.loaner_lot
        )

    @classmethod
    def _order(cls, lot=None, **vals):
        lot = lot or cls.unit_lot
        return cls.Order.create(
            {
                "partner_id": cls.customer.id,
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "symptom": "Does not heat",
                **vals,
            }
        )

    def _quantity(self, lot, location, owner=None):
        quants = self.env["stock.quant"].search(
            [("lot_id", "=", lot.id), ("location_id", "=", location.id)]
            + ([("owner_id", "=", owner.id)] if owner else [])
        )
        return sum(quants.mapped("quantity"))

    def _add_part(self, order, quantity=1.0):
        wizard = self.env["after_sales.add.part"].create(
            {"order_id": order.id, "product_id": self.part.id, "quantity": quantity}
        )
        wizard.action_add()
        return order.repair_ids.move_ids.filtered(lambda m: m.product_id == self.part)

    def _finish_repair(self, order):
        repair = order.repair_ids
        repair.action_assign()
        repair.move_ids.picked = True
        repair.action_repair_end()
        return repair

    def _labor(self, order, hours=1.5):
        return self.env["after_sales.service.labor"].create(
            {"order_id": order.id, "name": "Replace pump", "hours": hours}
        )

    @classmethod
    def _replacement_unit(cls, name="NEW-1"):
        lot = cls._create_lots(cls.product_serial, [name])
        cls._put_in_stock(cls.product_serial, lots=lot)
        return lot

    def _route_from_vendor(self, product):
        vendors = self.env.ref("stock.stock_location_suppliers")
        route = self.env["stock.route"].create(
            {
                "name": "Vendor resupply",
                "product_selectable": True,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "Vendor to stock",
                            "action": "pull",
                            "procure_method": "make_to_stock",
                            "location_src_id": vendors.id,
                            "location_dest_id": self.stock_location.id,
                            "picking_type_id": self.warehouse.in_type_id.id,
                            "company_id": self.company.id,
                        }
                    )
                ],
            }
        )
        product.route_ids = route
        return route
