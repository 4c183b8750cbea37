from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestWarrantyXmlRpc(HttpCase):
    """Outside systems register warranties over XML-RPC, idempotently."""

    def test_register_over_xmlrpc(self):
        term = self.env["after_sales.warranty.term"].create({"name": "RPC 24", "duration": 24})
        product = self.env["product.product"].create(
            {"name": "RPC unit", "is_storable": True, "tracking": "serial", "warranty_term_id": term.id}
        )
        partner = self.env["res.partner"].create({"name": "RPC customer"})
        new_test_user(
            self.env,
            login="rpc_user",
            password="rpc_user_pw",
            groups="base.group_user,after_sales_service.group_after_sales_user",
        )
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, "rpc_user", "rpc_user_pw", {})
        self.assertTrue(uid)

        def call(method, *args):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, uid, "rpc_user_pw", "after_sales.warranty", method, list(args)
            )

        rows = [{"ref": "RPC-1", "serial": "RPC-SN-1", "product_id": product.id, "partner_id": partner.id}]
        first = call("register_warranties", rows)
        self.assertEqual(first[0]["status"], "created")
        second = call("register_warranties", rows)
        self.assertEqual(second[0]["status"], "existing")
        status = call("get_warranty_status", ["RPC-SN-1"])
        self.assertEqual(status[0]["state"], "active")
        self.assertEqual(status[0]["customer"], "RPC customer")
        # A plain create with the public field names works too.
        created = call(
            "create", {"partner_id": partner.id, "product_id": product.id, "ref": "RPC-2", "state": "draft"}
        )
        self.assertEqual(call("read", [created], ["state", "ref"])[0]["state"], "draft")
