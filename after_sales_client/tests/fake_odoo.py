"""An in-process XML-RPC server that answers like Odoo's /xmlrpc/2 endpoints,
with Odoo's fault codes, for the client's unit tests."""

import threading
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

FAULT_APPLICATION_ERROR, FAULT_WARNING, FAULT_ACCESS_DENIED, FAULT_ACCESS_ERROR = 1, 2, 3, 4


class _Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/xmlrpc/2/common", "/xmlrpc/2/object")

    def log_message(self, *args):  # keep test output quiet
        pass


class FakeOdoo:
    """Records every call; ``handlers[(model, method)]`` answer object calls."""

    def __init__(self, db="db", login="shop", secret="key"):
        self.db, self.login, self.secret = db, login, secret
        self.calls = []
        self.handlers = {}
        self.registered = {}
        self.server = SimpleXMLRPCServer(
            ("127.0.0.1", 0), requestHandler=_Handler, allow_none=False, logRequests=False
        )
        self.server.register_function(self._dispatch_common_or_object, "authenticate")
        self.server.register_function(self._execute_kw, "execute_kw")
        self.handlers[("after_sales.warranty", "register_warranties")] = self._register
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _dispatch_common_or_object(self, db, login, secret, _env):
        self.calls.append(("authenticate", db, login))
        return 7 if (db, login, secret) == (self.db, self.login, self.secret) else False

    def _execute_kw(self, db, uid, secret, model, method, args, kwargs=None):
        self.calls.append((model, method, args, kwargs or {}))
        if secret != self.secret or uid != 7:
            raise xmlrpc.client.Fault(FAULT_ACCESS_DENIED, "Access Denied")
        handler = self.handlers.get((model, method))
        if handler is None:
            raise xmlrpc.client.Fault(
                FAULT_APPLICATION_ERROR,
                f"Traceback (most recent call last):\n  ...\nAttributeError: no method {method} on {model}",
            )
        return handler(*args, **(kwargs or {}))

    def _register(self, rows):
        results = []
        for row in rows:
            if row.get("serial") == "BAD":
                results.append(
                    {"ref": row["ref"], "status": "rejected", "id": False, "error": "Serial BAD is unknown"}
                )
            elif row["ref"] in self.registered:
                results.append({"ref": row["ref"], "status": "existing", "id": self.registered[row["ref"]]})
            else:
                self.registered[row["ref"]] = len(self.registered) + 1
                results.append({"ref": row["ref"], "status": "created", "id": self.registered[row["ref"]]})
        return results
