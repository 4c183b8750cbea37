"""The addon's test bases, one per need:

- ``AfterSalesCommon``: warranty terms, products, customers, a user per role
  and stock helpers, on Odoo's ``BaseCommon`` (no chart of accounts);
- ``ServiceOrderCommon``: the same plus a delivered unit under warranty,
  spare parts in stock and a loaner, for service orders;
- ``ServiceAccountingCommon``: a company with a real chart of accounts and
  parts valued in real time, for the postings.
"""

from contextlib import contextmanager

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.stock_account.tests.test_anglo_saxon_valuation_reconciliation_common import (
    ValuationReconciliationTestCommon,
)


class ExpectedErrorMixin:
    """Expected errors with their message: a different refusal of the same
    type does not count as the expected one."""

    @contextmanager
    def assertRaisesMessage(self, exception, regex):
        """Odoo's assertRaises plus a pattern its message must match.

        Not unittest's assertRaisesRegex: Odoo's assertRaises rolls back to a
        savepoint and, for access errors, empties the cache first, so that a
        cached value does not hide a refused read.
        """
        if not regex:
            raise ValueError("give a pattern of the expected message")
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)


class AfterSalesCommon(ExpectedErrorMixin, BaseCommon):
    """Terms, products, customers and one user per role, without demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Tests build their own configuration, whatever demo data set.
        cls.env = cls.env(context=dict(cls.env.context, skip_sms=True))
        cls.company.after_sales_warranty_term_id = False
        cls.Term = cls.env["after_sales.warranty.term"]
        cls.Warranty = cls.env["after_sales.warranty"]
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")

        cls.term_consumer = cls.Term.create(
            {
                "name": "Consumer 24 months",
                "kind": "statutory",
                "duration": 24,
                "duration_unit": "month",
                "start_basis": "delivery",
            }
        )
        cls.term_b2b = cls.Term.create(
            {
                "name": "B2B 12 months",
                "kind": "commercial",
                "duration": 12,
                "duration_unit": "month",
                "start_basis": "invoice",
                "labor_coverage": 50,
            }
        )
        cls.term_extension = cls.Term.create(
            {"name": "Extension 36 months", "kind": "extended", "duration": 36, "duration_unit": "month"}
        )
        cls.category = cls.env["product.category"].create(
            {"name": "Appliances", "warranty_term_id": cls.term_consumer.id}
        )
        cls.product_serial = cls.env["product.product"].create(
            {
                "name": "Espresso Machine",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": cls.category.id,
                "standard_price": 400.0,
            }
        )
        cls.product_plain = cls.env["product.product"].create(
            {"name": "Grinder", "is_storable": True, "categ_id": cls.category.id, "standard_price": 60.0}
        )
        cls.product_no_term = cls.env["product.product"].create(
            {
                "name": "Descaler",
                "is_storable": True,
                "categ_id": cls.env.ref("product.product_category_all").id,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Consumer Customer"})
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Company Customer", "is_company": True, "child_ids": [Command.create({"name": "Buyer"})]}
        )

        cls.user = new_test_user(
            cls.env,
            login="as_user",
            groups="base.group_user,after_sales_service.group_after_sales_user",
            company_id=cls.company.id,
        )
        cls.manager = new_test_user(
            cls.env,
            login="as_manager",
            groups="base.group_user,after_sales_service.group_after_sales_manager",
            company_id=cls.company.id,
        )
        cls.accountant = new_test_user(
            cls.env,
            login="as_accountant",
            groups="base.group_user,account.group_account_readonly",
            company_id=cls.company.id,
        )
        cls.stock_user = new_test_user(
            cls.env,
            login="as_stock",
            groups="base.group_user,stock.group_stock_user",
            company_id=cls.company.id,
        )

    @classmethod
    def _create_lots(cls, product, names):
        return cls.env["stock.lot"].create(
            [{"name": name, "product_id": product.id, "company_id": cls.company.id} for name in names]
        )

    @classmethod
    def _put_in_stock(cls, product, quantity=1.0, lots=None):
        Quant = cls.env["stock.quant"]
        if lots:
            for lot in lots:
                Quant._update_available_quantity(product, cls.stock_location, 1.0, lot_id=lot)
        else:
            Quant._update_available_quantity(product, cls.stock_location, quantity)

    @classmethod
    def _prepare_transfer(
        cls, product, quantity, picking_type=None, partner=None, destination=None, sale_line=None, user=None
    ):
        """A transfer of ``quantity`` out of stock (to the customers by
        default), confirmed, reserved and picked, not validated yet."""
        picking_type = picking_type or cls.warehouse.out_type_id
        destination = destination or cls.customer_location
        picking = (
            cls.env["stock.picking"]
            .with_user(user or cls.env.user)
            .create(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": partner.id if partner else False,
                    "location_id": cls.stock_location.id,
                    "location_dest_id": destination.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "product_uom": product.uom_id.id,
                                "location_id": cls.stock_location.id,
                                "location_dest_id": destination.id,
                                "sale_line_id": sale_line.id if sale_line else False,
                            }
                        )
                    ],
                }
            )
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        return picking

    @classmethod
    def _deliver(cls, partner, product, quantity=1.0, lots=None, sale_line=None):
        """Validate a delivery to ``partner``; serial lots are put in stock first."""
        cls._put_in_stock(product, quantity, lots)
        picking = cls._prepare_transfer(
            product, len(lots) if lots else quantity, partner=partner, sale_line=sale_line
        )
        if lots:
            # These serials, not the ones the reservation took first.
            move = picking.move_ids
            move.move_line_ids.unlink()
            move.move_line_ids = [
                Command.create(
                    {
                        "product_id": product.id,
                        "lot_id": lot.id,
                        "quantity": 1.0,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                        "picking_id": picking.id,
                    }
                )
                for lot in lots
            ]
            move.picked = True
        picking.button_validate()
        return picking

    @classmethod
    def _return(cls, picking, quantity=None):
        """Validate a customer return of ``picking`` (all of it, or ``quantity``)."""
        wizard = (
            cls.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        for line in wizard.product_return_moves:
            line.quantity = quantity if quantity is not None else line.move_id.quantity
        action = wizard.action_create_returns()
        returned = cls.env["stock.picking"].browse(action["res_id"])
        # Odoo proposes the delivered serials on the return; untracked
        # quantities are set here.
        for move in returned.move_ids.filtered(lambda m: m.has_tracking == "none"):
            move.quantity = move.product_uom_qty
        returned.move_ids.picked = True
        returned.button_validate()
        return returned


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
        # Warranty labor is posted when an order is done: the company's chart
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
                # What the technician finds; finishing the repair needs it.
                "defect_code_id": cls.env.ref("after_sales_service.defect_code_electronic").id,
                "defect_cause_id": cls.env.ref("after_sales_service.defect_cause_manufacturing").id,
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


class ServiceAccountingCommon(ExpectedErrorMixin, ValuationReconciliationTestCommon):
    """A company with a real chart of accounts (AccountTestInvoicingCommon, with
    stock valuation accounts), its after-sales accounts, parts valued in real time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, skip_sms=True, tracking_disable=True))
        cls.company = cls.company_data["company"]
        cls.env.user.groups_id += cls.env.ref("stock_account.group_stock_accounting_automatic")
        cls.env.user.groups_id += cls.env.ref("after_sales_service.group_after_sales_manager")
        cls.company._after_sales_setup_accounts()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.customers = cls.env.ref("stock.stock_location_customers")

        cls.parts_category = cls.env["product.category"].create(
            {
                "name": "Spare parts (real time)",
                "property_valuation": "real_time",
                "property_cost_method": "fifo",
                "property_stock_valuation_account_id": cls.company_data["default_account_stock_valuation"].id,
                "property_stock_account_input_categ_id": cls.company_data["default_account_stock_in"].id,
                "property_stock_account_output_categ_id": cls.company_data["default_account_stock_out"].id,
            }
        )
        cls.part = cls.env["product.product"].create(
            {"name": "Pump", "is_storable": True, "standard_price": 25.0, "categ_id": cls.parts_category.id}
        )
        cls.labor = cls.env["product.product"].create(
            {"name": "Workshop hour", "type": "service", "standard_price": 40.0, "list_price": 80.0}
        )
        cls.company.after_sales_labor_product_id = cls.labor
        cls.term = cls.env["after_sales.warranty.term"].create(
            {"name": "24 months", "duration": 24, "company_id": cls.company.id}
        )
        cls.unit = cls.env["product.product"].create(
            {
                "name": "Espresso",
                "is_storable": True,
                "tracking": "serial",
                "warranty_term_id": cls.term.id,
                "company_id": cls.company.id,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Service customer"})
        quant = cls.env["stock.quant"].create(
            {
                "product_id": cls.part.id,
                "location_id": cls.warehouse.lot_stock_id.id,
                "inventory_quantity": 10,
            }
        )
        quant.action_apply_inventory()
        cls.technician = new_test_user(
            cls.env,
            login="acc_technician",
            groups="base.group_user,after_sales_service.group_after_sales_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.accountant = new_test_user(
            cls.env,
            login="acc_accountant",
            groups="base.group_user,account.group_account_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def _unit(self, name, covered=True):
        lot = self.env["stock.lot"].create(
            {"name": name, "product_id": self.unit.id, "company_id": self.company.id}
        )
        if covered:
            self.env["after_sales.warranty"].create(
                {"partner_id": self.customer.id, "product_id": self.unit.id, "lot_id": lot.id}
            )
        return lot

    def _order(self, lot, **vals):
        return self.env["after_sales.service.order"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.unit.id,
                "lot_id": lot.id,
                "warehouse_id": self.warehouse.id,
                "exchange_type": "none",
                "defect_code_id": self.env.ref("after_sales_service.defect_code_mechanical").id,
                "defect_cause_id": self.env.ref("after_sales_service.defect_cause_manufacturing").id,
                **vals,
            }
        )

    def _repair(self, order, parts=2, hours=1.5, part=None):
        order.action_confirm()
        order.action_receive()
        order.action_start_repair()
        if parts:
            self.env["stock.move"].create(
                {
                    "repair_id": order.repair_ids.id,
                    "product_id": (part or self.part).id,
                    "product_uom_qty": parts,
                    "repair_line_type": "add",
                }
            )
        if hours:
            self.env["after_sales.service.labor"].create(
                {"order_id": order.id, "name": "Work", "hours": hours}
            )
        return order.repair_ids

    def _end(self, order):
        repair = order.repair_ids
        repair.action_assign()
        repair.move_ids.picked = True
        repair.action_repair_end()

    def _balance(self, account, order=None):
        domain = [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        if order:
            domain.append(("move_id", "in", order.account_move_ids.ids))
        return sum(self.env["account.move.line"].search(domain).mapped("balance"))
