from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestWarrantyTerm(AfterSalesCommon):
    def test_precedence_product_category_company(self):
        template = self.product_serial.product_tmpl_id
        self.assertEqual(template._get_warranty_term(), self.term_consumer)
        self.assertEqual(template.warranty_term_source, "category")

        template.warranty_term_id = self.term_b2b
        self.assertEqual(template.warranty_term_effective_id, self.term_b2b)
        self.assertEqual(template.warranty_term_source, "product")

        template.warranty_term_id = False
        self.category.warranty_term_id = False
        self.assertFalse(template._get_warranty_term())
        self.assertEqual(template.warranty_term_source, "none")

        self.company.after_sales_warranty_term_id = self.term_b2b
        template.invalidate_recordset()
        self.assertEqual(template._get_warranty_term(), self.term_b2b)
        self.assertEqual(template.warranty_term_source, "company")

    def test_parent_category_term(self):
        child = self.env["product.category"].create({"name": "Espresso", "parent_id": self.category.id})
        self.product_serial.categ_id = child
        self.assertEqual(self.product_serial.product_tmpl_id._get_warranty_term(), self.term_consumer)
        child.warranty_term_id = self.term_b2b
        self.assertEqual(self.product_serial.product_tmpl_id._get_warranty_term(), self.term_b2b)

    def test_date_end_from_term_units(self):
        days = self.Term.create({"name": "90 days", "duration": 90, "duration_unit": "day"})
        years = self.Term.create({"name": "2 years", "duration": 2, "duration_unit": "year"})
        one_month = self.Term.create({"name": "1 month", "duration": 1, "duration_unit": "month"})
        start = self.env.cr.now().date().replace(year=2024, month=1, day=31)
        self.assertEqual(str(days._get_date_end(start)), "2024-04-30")
        self.assertEqual(str(years._get_date_end(start)), "2026-01-31")
        self.assertEqual(str(one_month._get_date_end(start)), "2024-02-29")

    def test_zero_or_negative_duration_rejected(self):
        for duration in (0, -3):
            with self.assertRaisesMessage(ValidationError, "must be positive"):
                self.Term.create({"name": "Broken", "duration": duration})
        with self.assertRaisesMessage(ValidationError, "must be positive"):
            self.term_consumer.duration = 0
        self.assertEqual(self.term_consumer.duration, 24)

    def test_coverage_out_of_range_rejected(self):
        with self.assertRaisesMessage(ValidationError, "between 0 and 100"):
            self.Term.create({"name": "Broken", "duration": 12, "parts_coverage": 120})
        with self.assertRaisesMessage(ValidationError, "between 0 and 100"):
            self.term_consumer.labor_coverage = -1
        with self.assertRaisesMessage(ValidationError, "cannot be negative"):
            self.term_consumer.repair_days = -5
        self.assertEqual((self.term_consumer.labor_coverage, self.term_consumer.repair_days), (100.0, 30))

    def test_extension_product_needs_extended_service_term(self):
        with self.assertRaisesMessage(ValidationError, "needs a warranty term of kind Extended"):
            self.env["product.product"].create(
                {
                    "name": "Bad extension",
                    "type": "service",
                    "is_warranty_extension": True,
                    "warranty_term_id": self.term_consumer.id,
                }
            )
        with self.assertRaisesMessage(ValidationError, "must be a service product"):
            self.env["product.product"].create(
                {
                    "name": "Bad extension",
                    "type": "consu",
                    "is_warranty_extension": True,
                    "warranty_term_id": self.term_extension.id,
                }
            )

    def test_term_form(self):
        with Form(self.Term) as form:
            form.name = "Form term"
            form.duration = 6
            form.duration_unit = "month"
            form.kind = "commercial"
        term = form.record
        self.assertEqual((term.kind, term.duration, term.parts_coverage), ("commercial", 6, 100.0))
