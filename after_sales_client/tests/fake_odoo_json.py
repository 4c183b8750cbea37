"""An in-process HTTP server that answers like Odoo's web JSON-RPC routes
(``/web/session/authenticate``, ``/web/dataset/call_kw/<model>/<method>``),
with sessions in a cookie and Odoo's error shapes, for the client's tests."""

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OdooError(Exception):
    """Raised by a handler: answered as Odoo answers an exception."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name, self.message = name, message


class FakeOdooJson:
    """Records every call as ``(path, params, session)``; ``handlers[(model,
    method)]`` answer dataset calls; ``expire()`` forgets the sessions."""

    def __init__(self, db="db", login="shop", password="secret"):
        self.db, self.login, self.password = db, login, password
        self.calls = []
        self.handlers = {}
        self.sessions = set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                fake._answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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

    def expire(self):
        self.sessions.clear()

    def _answer(self, handler):
        body = json.loads(handler.rfile.read(int(handler.headers["Content-Length"])))
        cookie = handler.headers.get("Cookie") or ""
        session = dict(part.strip().split("=", 1) for part in cookie.split(";") if "=" in part).get(
            "session_id"
        )
        params = body["params"]
        self.calls.append((handler.path, params, session))
        headers = {}
        try:
            if handler.path == "/web/session/authenticate":
                if (params["db"], params["login"], params["password"]) != (
                    self.db,
                    self.login,
                    self.password,
                ):
                    raise OdooError("odoo.exceptions.AccessDenied", "Access Denied")
                session = secrets.token_hex(8)
                self.sessions.add(session)
                headers["Set-Cookie"] = (
                    f"session_id={session}; Expires=Sat, 01 Jan 2050 00:00:00 GMT; HttpOnly; Path=/"
                )
                answer = {"result": {"uid": 7, "db": self.db}}
            elif handler.path.startswith("/web/dataset/call_kw/"):
                if session not in self.sessions:
                    answer = {
                        "error": {
                            "code": 100,
                            "message": "Odoo Session Expired",
                            "data": {
                                "name": "odoo.http.SessionExpiredException",
                                "message": "Session expired",
                            },
                        }
                    }
                else:
                    handler_function = self.handlers[(params["model"], params["method"])]
                    answer = {"result": handler_function(*params["args"], **params["kwargs"])}
            else:
                handler.send_error(404)
                return
        except OdooError as error:
            answer = {
                "error": {
                    "code": 200,
                    "message": "Odoo Server Error",
                    "data": {"name": error.name, "message": error.message, "debug": "Traceback ..."},
                }
            }
        data = json.dumps({"jsonrpc": "2.0", "id": body.get("id"), **answer}).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)
