import io

from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestWarrantyCertificate(AfterSalesCommon):
    def test_certificate_html(self):
        self.term_consumer.conditions = "<p>Keep the certificate with the invoice.</p>"
        lot = self._create_lots(self.product_serial, ["CERT-SN-4711"])
        warranty = self.Warranty.create(
            {"partner_id": self.customer.id, "product_id": self.product_serial.id, "lot_id": lot.id}
        )
        report = self.env.ref("after_sales_service.action_report_warranty_certificate")
        html = report._render_qweb_html(report.report_name, warranty.ids)[0].decode()
        self.assertIn("CERT-SN-4711", html)
        self.assertIn("Consumer Customer", html)
        self.assertIn("Keep the certificate with the invoice.", html)
        self.assertIn(warranty.name, html)

    def test_print_action(self):
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        warranty = self.Warranty.create({"partner_id": self.customer.id, "product_id": self.product_plain.id})
        action = warranty.action_print_certificate()
        self.assertEqual(action["report_name"], "after_sales_service.report_warranty_certificate")


@tagged("post_install", "-at_install")
class TestWarrantyCertificatePdf(AfterSalesCommon):
    def test_certificate_renders_to_pdf_with_serial(self):
        # wkhtmltopdf loads the report's stylesheets from report.url; a closed
        # local port makes it render the bare document at once, with no server.
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        lot = self._create_lots(self.product_serial, ["CERT-SN-4711"])
        warranty = self.Warranty.create(
            {"partner_id": self.customer.id, "product_id": self.product_serial.id, "lot_id": lot.id}
        )
        report = self.env.ref("after_sales_service.action_report_warranty_certificate")
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, warranty.ids
        )
        self.assertEqual(kind, "pdf")
        pages = PdfFileReader(io.BytesIO(pdf)).pages
        self.assertEqual(len(pages), 1, "one registration, one page")
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        self.assertIn("CERT-SN-4711", text)
        self.assertIn("Consumer Customer", text)
        self.assertIn(warranty.name, text)
