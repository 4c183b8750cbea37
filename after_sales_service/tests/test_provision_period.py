from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ServiceAccountingCommon


@tagged("post_install", "-at_install")
class TestProvisionPeriod(ServiceAccountingCommon):
    """A company posts one warranty provision per month; a new provision
    proposes the month after the last posted one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Provision = cls.env["after_sales.warranty.provision"]
        cls.other_company = cls.env["res.company"].create({"name": "Provision elsewhere"})
        cls.env.user.company_ids |= cls.other_company
        # One unit under warranty: each first posting of a month books an entry.
        lot = cls.env["stock.lot"].create(
            {"name": "PERIOD-1", "product_id": cls.unit.id, "company_id": cls.company.id}
        )
        cls.env["after_sales.warranty"].create(
            {
                "partner_id": cls.customer.id,
                "product_id": cls.unit.id,
                "lot_id": lot.id,
                "date_start": date(2025, 6, 1),
            }
        )

    def _post(self, day):
        provision = self.Provision.create({"date": day})
        provision.action_post()
        return provision

    def _moves(self):
        return self.env["account.move"].search_count(
            [
                ("journal_id", "=", self.company.after_sales_journal_id.id),
                ("ref", "like", "Warranty provision"),
            ]
        )

    @freeze_time("2026-03-15")
    def test_proposes_the_month_after_the_last_posted(self):
        # None posted: the month just ended.
        self.assertEqual(self.Provision.create({}).date, date(2026, 2, 28))
        with Form(self.Provision) as form:
            self.assertEqual(form.date, date(2026, 2, 28))
        # A draft does not count.
        self.assertEqual(self.Provision.create({}).date, date(2026, 2, 28))
        self._post(date(2025, 12, 31))
        self.assertEqual(self.Provision.create({}).date, date(2026, 1, 31))
        # A period end inside a month: the next proposal is the end of the following month.
        self._post(date(2026, 1, 20))
        february = self.Provision.create({})
        self.assertEqual(february.date, date(2026, 2, 28))
        february.action_post()
        self.assertEqual(self.Provision.create({}).date, date(2026, 3, 31))
        # What the user sets is kept.
        self.assertEqual(self.Provision.create({"date": date(2026, 4, 30)}).date, date(2026, 4, 30))
        # Another company has posted nothing: the month just ended, also when
        # a draft moves to it.
        Elsewhere = self.Provision.with_company(self.other_company)
        self.assertEqual(Elsewhere.create({}).date, date(2026, 2, 28))
        moved = self.Provision.create({})
        self.assertEqual(moved.date, date(2026, 3, 31))
        both = [self.company.id, self.other_company.id]
        moved.with_context(allowed_company_ids=both).company_id = self.other_company
        self.assertEqual(moved.date, date(2026, 2, 28))

    @freeze_time("2026-03-15")
    def test_second_posting_of_a_month_refused(self):
        first = self._post(date(2026, 1, 31))
        self.assertEqual(first.state, "posted")
        self.assertTrue(first.move_id)
        moves = self._moves()
        # Drafts of the same month may exist; posting one is refused.
        same_day = self.Provision.create({"date": date(2026, 1, 31)})
        mid_month = self.Provision.create({"date": date(2026, 1, 10)})
        for draft in same_day | mid_month:
            with self.assertRaisesMessage(
                UserError,
                r"^Warranty provision 2026-01-31 is posted already for January 2026: "
                r"a company posts one warranty provision per month",
            ):
                draft.action_post()
            self.assertEqual(draft.state, "draft")
            self.assertFalse(draft.move_id)
        self.assertEqual(self._moves(), moves)
        # The next month posts; the posted provision is untouched.
        february = self._post(date(2026, 2, 28))
        self.assertEqual(february.state, "posted")
        self.assertEqual((first.state, first.date), ("posted", date(2026, 1, 31)))
        # Two drafts of one month posted together: the second is refused, nothing is posted.
        march = self.Provision.create({"date": date(2026, 3, 31)})
        march_again = self.Provision.create({"date": date(2026, 3, 31)})
        with self.assertRaisesMessage(UserError, "is posted already for March 2026"):
            (march | march_again).action_post()
        self.assertEqual((march | march_again).mapped("state"), ["draft", "draft"])

    @freeze_time("2026-03-15")
    def test_database_refuses_a_second_posted_provision_of_a_month(self):
        """Two postings at the same moment do not see each other; the database refuses the second."""
        self._post(date(2026, 1, 31))
        draft = self.Provision.create({"date": date(2026, 1, 15)})
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesMessage(IntegrityError, "after_sales_warranty_provision_posted_month_unique"),
        ):
            draft.write({"state": "posted"})
            draft.flush_recordset()
        # Another month, and drafts of the same month, are allowed.
        self.Provision.create({"date": date(2026, 1, 20)}).flush_recordset()
        self._post(date(2026, 2, 28))

    def test_scheduled_action_skips_a_month_posted_by_hand(self):
        self.company.after_sales_provision_auto = True
        with freeze_time("2026-03-02"):
            by_hand = self._post(date(2026, 2, 20))
            self.Provision._cron_post_provisions()
        provisions = self.Provision.search([("company_id", "=", self.company.id)])
        self.assertEqual(provisions, by_hand)
        with freeze_time("2026-04-01"):
            self.Provision._cron_post_provisions()
        provisions = self.Provision.search([("company_id", "=", self.company.id)])
        self.assertEqual(provisions.mapped("date"), [date(2026, 3, 31), date(2026, 2, 20)])
        self.assertEqual(provisions.mapped("state"), ["posted", "posted"])
