import io
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors

import odoo
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger
from odoo.tools.pdf import PdfFileReader

from ..models.quality_alert_evaluation import EVALUATION_LOCK_KEY
from .test_failure_analysis import FailureBaseCommon

TODAY = date(2025, 6, 30)


@tagged("post_install", "-at_install")
class TestQualityAlert(FailureBaseCommon):
    """Alerts on the base of FailureBaseCommon: 20 units in service. The
    thresholds of the parent category (10 %, 12 months, 2 failures) apply to
    the machine's category: 2 pump failures of 20 units open an alert, 1
    heater failure does not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["after_sales.quality.alert"]
        cls.parent_category = cls.env["product.category"].create(
            {
                "name": "Quality Parent",
                "after_sales_failure_rate_threshold": 10.0,
                "after_sales_failure_window_months": 12,
                "after_sales_failure_min_count": 2,
                "after_sales_quality_user_id": cls.manager.id,
            }
        )
        cls.child_category = cls.env["product.category"].create(
            {"name": "Quality Child", "parent_id": cls.parent_category.id}
        )
        cls.machine.categ_id = cls.child_category
        cls.pump_1 = cls._failure(cls.lots_jan[0], date(2025, 4, 20), failed_product_id=cls.part.id)
        cls.pump_2 = cls._failure(cls.lots_jan[1], date(2025, 5, 10), failed_product_id=cls.part.id)
        cls.heater_1 = cls._failure(cls.lots_feb[0], date(2025, 3, 14), code=cls.heater)
        # A failure older than the window (and before the units' registrations).
        cls._failure(cls.lots_feb[1], date(2024, 5, 2))
        cls.production = new_test_user(
            cls.env,
            login="qa_production",
            groups="base.group_user,after_sales_service.group_after_sales_user",
            company_id=cls.company.id,
            email="production@example.com",
            notification_type="email",
        )

    def _evaluate(self, today=TODAY):
        opened, fed = self.Alert._evaluate_company(self.company, today=today)
        return opened.filtered(lambda a: a.product_id == self.machine), fed.filtered(
            lambda a: a.product_id == self.machine
        )

    def _alerts(self):
        return self.Alert.search([("product_id", "=", self.machine.id)])

    def _proposed_alert(self, proposal="investigate"):
        alert, _fed = self._evaluate()
        alert.write(
            {
                "proposal": proposal,
                "proposal_reason": "<p>Two pumps of the January batch lost pressure.</p>",
                "production_user_id": self.production.id,
            }
        )
        alert.with_user(self.manager).action_propose()
        return alert

    # Thresholds and evaluation ---------------------------------------------

    def test_thresholds_inherited_from_parent_category(self):
        settings = self.child_category._get_failure_alert_settings()
        self.assertEqual(
            (settings.threshold, settings.window_months, settings.min_count, settings.user),
            (10.0, 12, 2, self.manager),
        )
        self.child_category.after_sales_failure_min_count = 5
        self.assertEqual(self.child_category._get_failure_alert_settings().min_count, 5)
        self.assertEqual(self.parent_category._get_failure_alert_settings().min_count, 2)
        # Per company, like the warranty term: nothing set for another company.
        other = self.env["res.company"].create({"name": "Other Quality Company"})
        self.assertIsNone(self.child_category.with_company(other)._get_failure_alert_settings())
        # Defaults when only the rate is set: 12 months, 3 failures.
        lone = self.env["product.category"].create(
            {"name": "Lone", "after_sales_failure_rate_threshold": 5.0}
        )
        self.assertEqual(lone._get_failure_alert_settings()[1:3], (12, 3))
        with self.assertRaisesMessage(ValidationError, "a percent, from 0 to 100"):
            lone.after_sales_failure_rate_threshold = 120.0

    def test_child_override_keeps_below_threshold(self):
        self.child_category.after_sales_failure_min_count = 3
        opened, _fed = self._evaluate()
        self.assertFalse(opened)
        self.child_category.after_sales_failure_min_count = 0
        self.child_category.after_sales_failure_rate_threshold = 10.5
        self.assertFalse(self._evaluate()[0], "2 of 20 is below 10.5 %")

    def test_alert_opened_with_figures_computed_by_hand(self):
        opened, fed = self._evaluate()
        self.assertFalse(fed)
        self.assertEqual(len(opened), 1, "the heater's single failure opens nothing")
        alert = opened
        self.assertEqual(alert.defect_code_id, self.pump)
        self.assertEqual(alert.order_ids, self.pump_1 | self.pump_2)
        self.assertEqual(
            (alert.failures, alert.installed_base, alert.failure_rate, alert.threshold, alert.min_count),
            (2, 20, 10.0, 10.0, 2),
        )
        self.assertEqual((alert.period_start, alert.period_end), (date(2024, 7, 1), TODAY))
        self.assertEqual(alert.state, "new")
        self.assertTrue(alert.name.startswith("QAL/"))
        self.assertEqual(alert.user_id, self.manager)
        self.assertEqual(alert.activity_ids.user_id, self.manager)
        self.assertIn("2 failures of", alert.message_ids[0].body)

    def test_alert_opened_once_and_fed(self):
        alert, _fed = self._evaluate()
        # Evaluated again: nothing new, nothing written.
        opened, fed = self._evaluate(date(2025, 7, 1))
        self.assertFalse(opened | fed)
        self.assertEqual(self._alerts(), alert)
        # A later failure joins the open alert.
        pump_3 = self._failure(self.lots_feb[2], date(2025, 7, 5))
        opened, fed = self._evaluate(date(2025, 7, 10))
        self.assertFalse(opened)
        self.assertEqual(fed, alert)
        self.assertEqual(self._alerts(), alert)
        self.assertEqual(alert.order_ids, self.pump_1 | self.pump_2 | pump_3)
        self.assertEqual((alert.failures, alert.installed_base, alert.failure_rate), (3, 20, 15.0))
        self.assertEqual(alert.period_end, date(2025, 7, 10))
        self.assertEqual(alert.period_start, date(2024, 7, 1), "the period still starts where it opened")
        self.assertIn(pump_3.name, alert.message_ids[0].body)
        # Also once proposed and accepted: the alert is open.
        alert.write({"state": "accepted"})
        pump_4 = self._failure(self.lots_feb[3], date(2025, 8, 1))
        self._evaluate(date(2025, 8, 2))
        self.assertIn(pump_4, alert.order_ids)
        # A cancelled failure leaves it.
        pump_4.action_cancel()
        self._evaluate(date(2025, 8, 3))
        self.assertNotIn(pump_4, alert.order_ids)
        self.assertEqual(alert.failures, 3)

    def test_second_open_alert_refused(self):
        """The database refuses a second open alert for a product and defect,
        as it would to an evaluation that does not see the first one yet."""
        alert, _fed = self._evaluate()
        vals = {
            "company_id": self.company.id,
            "product_id": self.machine.id,
            "defect_code_id": self.pump.id,
        }
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.Alert.create(vals)
        # Closed, it lets a new alert open (for the failures after it).
        alert.write({"state": "done"})
        self.env.flush_all()
        self.assertTrue(self.Alert.create(vals))

    def test_evaluation_skips_alert_opened_meanwhile(self):
        """Two servers at once: the alert the other one opened is invisible to
        this evaluation's snapshot; the unique index refuses the duplicate and
        the evaluation carries on."""
        alert, _fed = self._evaluate()
        row = (alert.product_id.id, alert.defect_code_id.id, alert.period_start, alert.failures)
        Alert = type(self.Alert)
        with (
            patch.object(Alert, "_feed_open_alerts", lambda self, company, today: self.browse()),
            patch.object(Alert, "_failures_in_window", lambda self, *args: [row]),
            mute_logger("odoo.sql_db"),
        ):
            opened, fed = self._evaluate(date(2025, 7, 1))
        self.assertFalse(opened | fed)
        self.assertEqual(self._alerts(), alert)
        self.assertEqual(alert.failures, 2)

    def test_evaluation_locked_by_another_server(self):
        other_connection = odoo.sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other_connection.execute(
                SQL("SELECT pg_advisory_xact_lock(%s, %s)", EVALUATION_LOCK_KEY, self.company.id)
            )
            self.assertIsNone(self.Alert._evaluate_company(self.company, today=TODAY))
            with freeze_time(TODAY), self.assertRaisesMessage(UserError, "being evaluated right now"):
                self.Alert.with_user(self.manager).action_evaluate()
            with mute_logger("odoo.addons.after_sales_service.models.quality_alert_evaluation"):
                self.Alert._cron_evaluate()
        finally:
            other_connection.rollback()
            other_connection.close()
        self.assertFalse(self._alerts())

    def test_evaluate_now_and_cron(self):
        with freeze_time(TODAY):
            action = self.Alert.with_user(self.manager).action_evaluate()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(len(self._alerts()), 1)
        with freeze_time("2025-07-01"):
            self.env.ref("after_sales_service.ir_cron_quality_alert_evaluate").method_direct_trigger()
        self.assertEqual(len(self._alerts()), 1)
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers evaluate"):
            self.Alert.with_user(self.user).action_evaluate()

    def test_closed_alert_counts_later_failures_only(self):
        alert, _fed = self._evaluate()
        alert.decision_reason = "Pump batch replaced at the supplier."
        alert.action_done()
        self.assertFalse(self._evaluate(date(2025, 7, 15))[0], "its failures are not counted again")
        later = self._failure(self.lots_feb[2], date(2025, 7, 20)) | self._failure(
            self.lots_feb[3], date(2025, 7, 25)
        )
        opened, _fed = self._evaluate(date(2025, 7, 31))
        self.assertEqual(opened.order_ids, later)
        self.assertEqual(opened.period_start, date(2025, 7, 1))
        self.assertEqual(len(self._alerts()), 2)

    def test_no_installed_base_no_alert(self):
        unregistered = self.env["product.product"].create(
            {
                "name": "Unregistered Machine",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": self.child_category.id,
            }
        )
        for lot in self._create_lots(unregistered, ["QA-NOREG-1", "QA-NOREG-2"]):
            self._failure(lot, date(2025, 6, 1))
        self._evaluate()
        self.assertFalse(self.Alert.search([("product_id", "=", unregistered.id)]))

    # Proposal to production ------------------------------------------------

    def test_proposal_activity_mail_and_pdf(self):
        alert, _fed = self._evaluate()
        with self.assertRaisesMessage(UserError, "the proposal, its reasoning, the production responsible"):
            alert.with_user(self.manager).action_propose()
        form = Form(alert.with_user(self.manager))
        form.proposal = "design_change"
        form.proposal_reason = "<p>The pump membrane tears: change the supplier's membrane.</p>"
        form.production_user_id = self.production
        form.save()
        alert.with_user(self.manager).action_propose()
        self.assertEqual(alert.state, "proposed")
        self.assertEqual(alert.date_proposed, date.today())
        activity = alert.activity_ids.filtered(lambda a: a.user_id == self.production)
        self.assertEqual(activity.summary, "Proposal to production: Design Change Failure Test Espresso")
        message = alert.message_ids.filtered(lambda m: self.production.partner_id in m.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn("Proposal to production", message.subject)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn(alert.name, message.attachment_ids.name)
        # Sent to production by email.
        notification = message.notification_ids.filtered(
            lambda n: n.res_partner_id == self.production.partner_id
        )
        self.assertEqual(notification.notification_type, "email")
        # The proposal sent does not change any more.
        with self.assertRaisesMessage(UserError, "went to production"):
            alert.with_user(self.manager).proposal = "investigate"
        # The PDF: the company's layout, the evidence.
        report = self.env.ref("after_sales_service.action_report_quality_proposal")
        html = report._render_qweb_html(report.report_name, alert.ids)[0].decode()
        for text in (alert.name, "Failure Test Espresso", "T-PUMP", "change the supplier", "10.00", "20"):
            self.assertIn(text, html)
        for order in alert.order_ids:
            self.assertIn(order.name, html)
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        self.assertEqual(alert.action_print_proposal()["report_name"], report.report_name)

    def test_proposal_renders_to_pdf(self):
        # wkhtmltopdf loads the stylesheets from report.url; a closed local
        # port makes it render at once without a server.
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        alert = self._proposed_alert()
        report = self.env.ref("after_sales_service.action_report_quality_proposal")
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, alert.ids
        )
        self.assertEqual(kind, "pdf")
        pages = PdfFileReader(io.BytesIO(pdf)).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        self.assertIn("Proposal to Production", text)
        self.assertIn(alert.name, text)
        self.assertIn(self.pump_1.name, text)

    def test_accept_and_reject_need_a_reason(self):
        alert = self._proposed_alert()
        with self.assertRaisesMessage(UserError, "Give production's reason"):
            alert.with_user(self.manager).action_accept()
        alert.with_user(self.manager).decision_reason = "Agreed: the pump supplier is audited."
        alert.with_user(self.manager).action_accept()
        self.assertEqual(alert.state, "accepted")
        self.assertEqual(alert.date_decision, date.today())
        self.assertFalse(alert.activity_ids.filtered(lambda a: a.user_id == self.production), "marked done")
        with self.assertRaisesMessage(UserError, "is decided"):
            alert.with_user(self.manager).decision_reason = "Changed my mind"
        with self.assertRaisesMessage(UserError, "not possible"):
            alert.with_user(self.manager).action_reject()
        alert.with_user(self.manager).action_done()
        self.assertEqual(alert.state, "done")

    def test_reject(self):
        alert = self._proposed_alert()
        alert.with_user(self.manager).decision_reason = "Volumes too small to act on."
        alert.with_user(self.manager).action_reject()
        self.assertEqual(alert.state, "rejected")
        with self.assertRaisesMessage(UserError, "not possible"):
            alert.with_user(self.manager).action_done()

    def test_close_without_proposal_needs_a_reason(self):
        alert, _fed = self._evaluate()
        with self.assertRaisesMessage(UserError, "closes without a proposal"):
            alert.with_user(self.manager).action_done()
        alert.with_user(self.manager).decision_reason = "Misdiagnosed: the pumps were fine."
        alert.with_user(self.manager).action_done()
        self.assertEqual(alert.state, "done")

    def test_stop_selling(self):
        alert = self._proposed_alert("stop_production")
        self.assertFalse(alert.can_stop_selling)
        with self.assertRaisesMessage(UserError, "not possible"):
            alert.with_user(self.manager).action_stop_selling()
        alert.write({"decision_reason": "Stop the EM line.", "archive_product": True})
        alert.with_user(self.manager).action_accept()
        self.assertTrue(alert.can_stop_selling)
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers stop"):
            alert.with_user(self.user).action_stop_selling()
        alert.with_user(self.manager).action_stop_selling()
        self.assertFalse(self.machine.sale_ok)
        self.assertFalse(self.machine.active)
        self.assertFalse(alert.can_stop_selling)
        self.assertIn("no longer be sold and is archived", alert.message_ids[0].body)

    def test_stop_selling_only_for_a_stop(self):
        alert = self._proposed_alert("reduce_volume")
        alert.write({"decision_reason": "Halve the volume."})
        alert.with_user(self.manager).action_accept()
        self.assertFalse(alert.can_stop_selling)
        with self.assertRaisesMessage(UserError, "not possible"):
            alert.with_user(self.manager).action_stop_selling()
        self.assertTrue(self.machine.sale_ok)

    def test_evidence_costs(self):
        alert, _fed = self._evaluate()
        self.env["after_sales.service.labor"].create(
            {"order_id": self.pump_1.id, "name": "Pump replaced", "hours": 2.0, "cost_rate": 30.0}
        )
        self.pump_2.transport_cost = 15.0
        alert.invalidate_recordset()
        self.assertEqual((alert.labor_cost, alert.transport_cost, alert.total_cost), (60.0, 15.0, 75.0))
        lines = alert._evidence_lines()
        self.assertEqual([line["order"] for line in lines], [self.pump_1, self.pump_2])
        self.assertEqual([line["months_in_service"] for line in lines], [3, 4])

    # Access, workflow fields, companies ------------------------------------

    def test_access_by_role(self):
        alert, _fed = self._evaluate()
        self.assertEqual(alert.with_user(self.user).read(["state"])[0]["state"], "new")
        with self.assertRaises(AccessError):
            alert.with_user(self.user).write({"proposal": "investigate"})
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers send proposals"):
            alert.with_user(self.user).action_propose()
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers record"):
            alert.with_user(self.user).action_accept()
        with self.assertRaisesMessage(AccessError, "Only After-Sales managers close"):
            alert.with_user(self.user).action_done()
        for user in (self.accountant, self.stock_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                alert.with_user(user).read(["state"])
        alert.with_user(self.manager).write({"proposal": "investigate", "user_id": self.manager.id})
        with self.assertRaises(AccessError):
            self.Alert.with_user(self.manager).create(
                {"product_id": self.machine.id, "defect_code_id": self.heater.id}
            )

    def test_workflow_fields_refused(self):
        alert, _fed = self._evaluate()
        for vals in (
            {"state": "accepted"},
            {"failures": 1},
            {"order_ids": [(5, 0, 0)]},
            {"product_id": self.part.id},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesMessage(UserError, "change through its buttons only"),
            ):
                alert.with_user(self.manager).write(vals)

    def test_multi_company(self):
        alert, _fed = self._evaluate()
        other = self.env["res.company"].create({"name": "Other Alert Company"})
        stranger = new_test_user(
            self.env,
            login="qa_stranger",
            groups="base.group_user,after_sales_service.group_after_sales_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        self.assertFalse(self.Alert.with_user(stranger).search([("id", "=", alert.id)]))
        with self.assertRaises(AccessError):
            alert.with_user(stranger).read(["name"])
        # The other company has no thresholds and no failures: nothing opens there.
        opened, fed = self.Alert._evaluate_company(other, today=TODAY)
        self.assertFalse(opened | fed)

    def test_demo_raises_an_alert(self):
        order = self.env.ref("after_sales_service.demo_service_pump_b1", raise_if_not_found=False)
        if not order:
            self.skipTest("no demo data")
        alerts = self.Alert.search(
            [("product_id", "=", order.product_id.id), ("defect_code_id", "=", order.defect_code_id.id)]
        )
        self.assertEqual(len(alerts), 1)
        self.assertIn(order, alerts.order_ids)
        self.assertGreaterEqual(alerts.failure_rate, alerts.threshold)


@tagged("post_install", "-at_install")
class TestQualityAlertTour(HttpCase, FailureBaseCommon):
    """The manager proposes to production in the browser and records its
    answer."""

    def test_manager_proposes_to_production(self):
        category = self.env["product.category"].create(
            {
                "name": "Tour Quality",
                "after_sales_failure_rate_threshold": 10.0,
                "after_sales_failure_window_months": 12,
                "after_sales_failure_min_count": 2,
                "after_sales_quality_user_id": self.manager.id,
            }
        )
        self.machine.categ_id = category
        self._failure(self.lots_jan[0], date(2025, 4, 20))
        self._failure(self.lots_jan[1], date(2025, 5, 10))
        production = new_test_user(
            self.env,
            login="tour_production",
            name="Tour Production",
            groups="base.group_user,after_sales_service.group_after_sales_user",
            company_id=self.company.id,
        )
        Alert = self.env["after_sales.quality.alert"]
        opened, _fed = Alert._evaluate_company(self.company, today=TODAY)
        alert = opened.filtered(lambda a: a.product_id == self.machine)
        self.assertEqual((alert.failures, alert.installed_base, alert.failure_rate), (2, 20, 10.0))
        self.start_tour(
            f"/odoo/action-after_sales_service.after_sales_quality_alert_action/{alert.id}",
            "after_sales_quality_alert_proposal",
            login=self.manager.login,
        )
        self.assertEqual(alert.state, "done")
        self.assertEqual((alert.proposal, alert.production_user_id), ("design_change", production))
        self.assertIn("membrane supplier", alert.proposal_reason)
        self.assertEqual(alert.decision_reason, "Accepted: a new membrane from the next batch on.")
        sent = alert.message_ids.filtered(lambda m: production.partner_id in m.partner_ids)
        self.assertEqual(len(sent.attachment_ids), 1, "the proposal went with its PDF")
        self.assertFalse(
            alert.activity_ids.filtered(lambda a: a.user_id == production),
            "production's activity is done once its answer is recorded",
        )
