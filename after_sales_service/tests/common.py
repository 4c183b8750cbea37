from contextlib import contextmanager

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


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
