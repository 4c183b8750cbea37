from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ServiceOrderCommon

# Outcomes: allowed, refused by access rights or record rules, or a pattern of
# the UserError (not an AccessError) the workflow refuses with.
OK, ACCESS, WORKFLOW = "ok", "access", r"change through its buttons only"
ACCESS_PATTERN = r"not allowed to|doesn't have '\w+' access to|Only After-Sales managers"


@tagged("post_install", "-at_install")
class TestAccessMatrix(ServiceOrderCommon):
    """Each role against each operation on service orders, registrations and
    consumer claims sent to expertise, as a call over XML-RPC would make it
    (no view hides anything here)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company.id
        cls.nobody = new_test_user(cls.env, login="as_nobody", groups="base.group_user", company_id=company)
        billing_groups = "base.group_user,account.group_account_invoice"
        cls.billing = new_test_user(cls.env, login="as_billing", groups=billing_groups, company_id=company)
        other_company = cls.env["res.company"].create({"name": "Other After-Sales Company"})
        cls.stranger = new_test_user(
            cls.env,
            login="as_stranger",
            groups="base.group_user,after_sales_service.group_after_sales_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        cls.roles = {
            "internal user": cls.nobody,
            "inventory user": cls.stock_user,
            "billing": cls.billing,
            "accountant": cls.accountant,
            "after-sales user": cls.user,
            "after-sales manager": cls.manager,
            "other company's manager": cls.stranger,
        }

    def _check(self, role, operation, expected, call):
        with self.subTest(role=role, operation=operation):
            if expected == OK:
                call()
            elif expected == ACCESS:
                with self.assertRaisesMessage(AccessError, ACCESS_PATTERN):
                    call()
            else:
                with self.assertRaises(UserError) as catcher:
                    call()
                self.assertNotIsInstance(catcher.exception, AccessError)
                self.assertRegex(str(catcher.exception), expected)

    def _matrix(self, operation, outcomes, call, roles=None):
        """``outcomes``: role -> outcome; roles not named are refused access."""
        for role, user in self.roles.items():
            if roles is None or role in roles:
                self._check(role, operation, outcomes.get(role, ACCESS), lambda u=user: call(u))

    def test_service_order_matrix(self):
        order = self._order(exchange_type="none")
        readers = dict.fromkeys(("billing", "accountant", "after-sales user", "after-sales manager"), OK)
        writers = dict.fromkeys(("after-sales user", "after-sales manager"), OK)
        self._matrix("read", readers, lambda u: order.with_user(u).read(["state"]))
        self._matrix("write symptom", writers, lambda u: order.with_user(u).write({"symptom": "x"}))
        self._matrix(
            "write state",
            dict.fromkeys(writers, WORKFLOW),
            lambda u: order.with_user(u).write({"state": "done"}),
        )
        vals = {"partner_id": self.customer.id, "product_id": self.product_serial.id}
        # The other company's manager may create orders, but not for this company's product.
        creators = {**writers, "other company's manager": r"Incompatible companies on records"}
        self._matrix("create", creators, lambda u: self.Order.with_user(u).create(vals))
        self._matrix(
            "delete a draft",
            {"after-sales manager": OK},
            lambda u: self._order(exchange_type="none").with_user(u).unlink(),
        )
        self._matrix(
            "status API",
            {**readers, "other company's manager": r"Unknown service order"},
            lambda u: self.Order.with_user(u).api_status([order.name]),
        )
        self._matrix(
            "confirm", writers, lambda u: self._order(exchange_type="none").with_user(u).action_confirm()
        )
        self._matrix(
            "return a draft",
            dict.fromkeys(writers, r"Returning the unit is not possible"),
            lambda u: self._order(exchange_type="none").with_user(u).action_return(),
        )
        self.assertEqual(order.state, "draft")

    def test_registration_matrix(self):
        readers = dict.fromkeys(
            ("inventory user", "accountant", "after-sales user", "after-sales manager"), OK
        )
        self._matrix("read", readers, lambda u: self.warranty.with_user(u).read(["state"]))
        self._matrix(
            "write state",
            dict.fromkeys(("after-sales user", "after-sales manager"), WORKFLOW),
            lambda u: self.warranty.with_user(u).write({"state": "void"}),
        )
        self._matrix(
            "status API",
            {**readers, "other company's manager": OK},
            lambda u: self.Warranty.with_user(u).get_warranty_status([self.unit_lot.name]),
        )
        self.warranty.void_reason = "Opened by the customer"
        # Everyone but the company's After-Sales manager is refused.
        others = set(self.roles) - {"after-sales manager"}
        self._matrix("void", {}, lambda u: self.warranty.with_user(u).action_void(), roles=others)
        self.assertEqual(self.warranty.state, "active")
        self.warranty.with_user(self.manager).action_void()
        self.assertEqual(self.warranty.state, "void")

    def test_claim_expertise_matrix(self):
        laboratory = self.env["res.partner"].create({"name": "Matrix Laboratory", "is_company": True})

        def claim():
            return self.env["after_sales.claim"].create(
                {"partner_id": self.customer.id, "lot_id": self.unit_lot.id, "description": "Disputed"}
            )

        def send(user):
            wizard = self.env["after_sales.claim.expertise"].with_user(user)
            wizard.create({"claim_id": claim().id, "expert_id": laboratory.id}).action_send()

        writers = dict.fromkeys(("after-sales user", "after-sales manager"), OK)
        self._matrix("send a claim to expertise", writers, send)
        sent = claim()
        self.env["after_sales.claim.expertise"].create(
            {"claim_id": sent.id, "expert_id": laboratory.id}
        ).action_send()
        self.assertEqual(sent.state, "expertise")
        self._matrix(
            "read the verdict",
            dict.fromkeys(("accountant", "after-sales user", "after-sales manager"), OK),
            lambda u: sent.with_user(u).read(["expertise_verdict", "expertise_count"]),
        )
        self._matrix(
            "write the claim's state",
            dict.fromkeys(writers, WORKFLOW),
            lambda u: sent.with_user(u).write({"state": "in_review"}),
        )
        # The expertise's claim: fixed once its sample left, for everyone.
        expertise = sent.expertise_ids
        self.assertEqual(expertise.claim_id, sent)
        expertise.order_id.write({"exchange_type": "none"})
        expertise.order_id.action_confirm()
        expertise.order_id.action_receive()
        expertise.date_due = fields.Date.today()
        expertise.action_send()
        self._matrix(
            "unlink the expertise from its claim",
            dict.fromkeys(writers, r"are fixed once the sample left"),
            lambda u: expertise.with_user(u).write({"claim_id": False}),
        )
        self.assertEqual((sent.state, expertise.claim_id), ("expertise", sent))
