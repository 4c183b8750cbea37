"""Registrations of refs that a concurrent call registers meanwhile.

Two calls of ``register_warranties`` with the same refs at once: the second
one's snapshot does not see the first one's registrations, so its insert of
such a ref waits for the first one and is then refused by the unique index.
The call must answer these rows ``existing`` (with the id of the concurrent
registration) and create the others, without failing the call: a failed call
is retried by Odoo after a random pause of up to 2, 4, 8 then 16 s, and under
several clients on the same refs (``make bench-scale``) batches were lost
again and again, for 30 s and more.

The concurrent registration is simulated: it exists in the test's
transaction, and the call is made blind to it, as a snapshot taken before
it was committed is (its look-up of the refs registered, and the ORM's own
check of the refs, find nothing), while a new cursor sees it."""

from contextlib import contextmanager
from unittest.mock import patch

from psycopg2 import errorcodes, errors

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestConcurrentRegistration(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # "Registered by the concurrent call", committed after this call began.
        cls.concurrent = cls.Warranty.create(
            [
                {"ref": ref, "partner_id": cls.customer.id, "product_id": cls.product_plain.id}
                for ref in ("RACE-2", "RACE-4")
            ]
        )

    def _row(self, ref, **values):
        return {"ref": ref, "product_id": self.product_plain.id, "partner_id": self.customer.id, **values}

    @contextmanager
    def _blind_snapshot(self):
        """The call does not see the registrations made meanwhile; a new
        cursor (the registry's test cursor, on this transaction) does."""
        Model = self.registry["after_sales.warranty"]
        self.registry.enter_test_mode(self.env.cr)
        try:
            with (
                mute_logger("odoo.sql_db"),  # the index's refusal is logged as a bad query
                patch.object(Model, "_registered_refs", lambda self, rows, company: {}),
                patch.object(Model, "_check_refs_free", lambda self, vals_list, exclude_ids=(): None),
            ):
                yield
        finally:
            self.registry.leave_test_mode()

    def test_refs_registered_meanwhile_are_existing_and_the_others_created(self):
        rows = [self._row(f"RACE-{n}") for n in (5, 4, 3, 2, 1)]
        with self._blind_snapshot():
            results = self.Warranty.register_warranties(rows)
        by_ref = {result["ref"]: result for result in results}
        race_2, race_4 = self.concurrent
        self.assertEqual(by_ref["RACE-2"], {"ref": "RACE-2", "status": "existing", "id": race_2.id})
        self.assertEqual(by_ref["RACE-4"], {"ref": "RACE-4", "status": "existing", "id": race_4.id})
        for ref in ("RACE-1", "RACE-3", "RACE-5"):
            self.assertEqual(by_ref[ref]["status"], "created")
            self.assertEqual(self.Warranty.browse(by_ref[ref]["id"]).ref, ref)
        # One registration per ref, none twice, none lost.
        registered = self.Warranty.search([("ref", "=like", "RACE-%")])
        self.assertEqual(sorted(registered.mapped("ref")), [f"RACE-{n}" for n in range(1, 6)])

    def test_serials_of_existing_rows_are_not_created(self):
        """The serials of the rows created are created once; the rolled back
        attempt leaves none behind, and the existing row creates none."""
        rows = [
            self._row("RACE-1", product_id=self.product_serial.id, serial="RACE-SN-1"),
            self._row("RACE-2", product_id=self.product_serial.id, serial="RACE-SN-2"),
        ]
        with self._blind_snapshot():
            results = self.Warranty.register_warranties(rows)
        self.assertEqual([r["status"] for r in results], ["created", "existing"])
        lots = self.env["stock.lot"].search([("name", "=like", "RACE-SN-%")])
        self.assertEqual(lots.mapped("name"), ["RACE-SN-1"])
        self.assertEqual(self.Warranty.browse(results[0]["id"]).lot_id, lots)

    def test_every_ref_registered_meanwhile(self):
        with self._blind_snapshot():
            results = self.Warranty.register_warranties([self._row("RACE-2"), self._row("RACE-4")])
        self.assertEqual([r["status"] for r in results], ["existing", "existing"])
        self.assertEqual([r["id"] for r in results], self.concurrent.ids)

    def test_with_a_row_refused_by_the_orm_row_by_row(self):
        """A row the ORM refuses makes the batch go row by row: the refused
        row is rejected, the concurrent ref existing, the others created."""
        rows = [self._row(f"RACE-{n}", quantity=1.0) for n in (1, 2, 3)]
        Model = self.registry["after_sales.warranty"]
        real_prepare = Model._prepare_registration_vals

        def prepare(self, row, company, known):
            vals, serial = real_prepare(self, row, company, known)
            if row["ref"] == "RACE-3":
                vals["quantity"] = -1.0  # past the API's checks: the model's constraint refuses it
            return vals, serial

        with self._blind_snapshot(), patch.object(Model, "_prepare_registration_vals", prepare):
            results = self.Warranty.register_warranties(rows)
        self.assertEqual([r["status"] for r in results], ["created", "existing", "rejected"])
        self.assertEqual(results[1]["id"], self.concurrent[0].id)
        self.assertFalse(self.Warranty.search([("ref", "=", "RACE-3")]))

    def test_a_ref_no_new_transaction_sees_is_retried(self):
        """Refused by the index but gone for a new transaction (deleted
        meanwhile): the call ends in a serialization failure, which Odoo
        retries, and leaves nothing."""
        Model = self.registry["after_sales.warranty"]
        count = self.Warranty.search_count([])
        with (
            self._blind_snapshot(),
            patch.object(Model, "_committed_refs", lambda self, refs, company: {}),
            self.assertRaises(errors.SerializationFailure) as caught,
        ):
            self.Warranty.register_warranties([self._row("RACE-1"), self._row("RACE-2")])
        self.assertEqual(caught.exception.pgcode, errorcodes.SERIALIZATION_FAILURE)
        self.assertIsInstance(caught.exception.__cause__, errors.UniqueViolation)
        self.assertEqual(self.Warranty.search_count([]), count)
