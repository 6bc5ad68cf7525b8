"""A GOV.UK Notify API on loopback, speaking the endpoints notifications-python-client uses:
POST /v2/notifications/{email,sms,letter}, GET /v2/notifications/<id> and
GET /v2/notifications?reference=. Each request's bearer token must be a JWT signed with the
key's secret and issued by its service, as Notify checks (403 otherwise).

A test scripts failures: ``fail_next(status, times)`` answers the next sends with that status;
``drop_next()`` accepts the next send and closes the connection without answering (a timeout
after Notify took the message).
"""

import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer

SERVICE_ID = "a6f2c1d0-3b8e-4c7a-9f10-2d5e6b7c8a90"
SECRET = "0e1d2c3b-4a59-4867-8756-a4b3c2d1e0f9"
API_KEY = f"codesign_test-{SERVICE_ID}-{SECRET}"
CALLBACK_TOKEN = "callback-token-for-tests-0123456789"
UK_MOBILE = re.compile(r"^(\+44|0044|0)7\d{9}$")


class FakeNotify:
    def __init__(self):
        self.notifications: dict[str, dict] = {}
        self.sends: list[dict] = []  # every send request that reached us, accepted or not
        self.lookups: list[str] = []
        self.auth_headers: list[str] = []
        self._scripted: list[tuple[int, dict | None]] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def fail_next(
        self, status: int, times: int = 1, message: str = "Try again later", kind: str = ""
    ):
        """Answer the next sends (of ``kind`` only: "sms", "email", "letter") with ``status``."""
        body = {"status_code": status, "errors": [{"error": "Error", "message": message}]}
        self._scripted += [(status, body, kind)] * times

    def drop_next(self, kind: str = ""):
        self._scripted.append((0, None, kind))

    def accepted(self, kind: str | None = None) -> list[dict]:
        return [n for n in self.notifications.values() if kind in (None, n["type"])]

    def set_status(self, notify_id: str, status: str):
        self.notifications[notify_id]["status"] = status

    def _send(self, kind: str, data: dict) -> tuple[int, dict | None]:
        with self._lock:
            self.sends.append({"type": kind, **data})
            scripted = next((s for s in self._scripted if s[2] in ("", kind)), None)
            if scripted:
                self._scripted.remove(scripted)
            if scripted and scripted[0] != 0:
                return scripted[:2]
            if kind == "sms" and not UK_MOBILE.match(data.get("phone_number", "")):
                return 400, {
                    "status_code": 400,
                    "errors": [
                        {
                            "error": "ValidationError",
                            "message": "phone_number Not a UK mobile number",
                        }
                    ],
                }
            notify_id = str(uuid.uuid4())
            self.notifications[notify_id] = {
                "id": notify_id,
                "type": kind,
                "reference": data.get("reference"),
                "status": "sending",
                "personalisation": data.get("personalisation", {}),
                "to": data.get("phone_number") or data.get("email_address"),
            }
            if scripted:  # dropped: taken, never answered
                return 0, None
            return 201, {"id": notify_id, "reference": data.get("reference"), "content": {}}

    def _handler(self):
        notify = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _authorised(self) -> bool:
                header = self.headers.get("Authorization", "")
                notify.auth_headers.append(header)
                scheme, _, token = header.partition(" ")
                try:
                    assert scheme == "Bearer" and get_token_issuer(token) == SERVICE_ID
                    decode_jwt_token(token, SECRET)
                except Exception:
                    self._answer(403, {"status_code": 403, "errors": [{"error": "AuthError"}]})
                    return False
                return True

            def _answer(self, status: int, body: dict | None):
                if status == 0:
                    self.close_connection = True
                    self.connection.close()
                    return
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                if not self._authorised():
                    return
                data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                match = re.fullmatch(r"/v2/notifications/(email|sms|letter)", self.path)
                if not match:
                    return self._answer(404, {"status_code": 404})
                self._answer(*notify._send(match.group(1), data))

            def do_GET(self):
                if not self._authorised():
                    return
                url = urlparse(self.path)
                if url.path == "/v2/notifications":
                    reference = parse_qs(url.query).get("reference", [""])[0]
                    notify.lookups.append(reference)
                    found = [
                        n for n in notify.notifications.values() if n["reference"] == reference
                    ]
                    return self._answer(200, {"notifications": found, "links": {}})
                match = re.fullmatch(r"/v2/notifications/([0-9a-f-]+)", url.path)
                if match and match.group(1) in notify.notifications:
                    return self._answer(200, notify.notifications[match.group(1)])
                self._answer(404, {"status_code": 404, "errors": [{"error": "NoResultFound"}]})

        return Handler


@pytest.fixture
def notify(settings):
    """A Notify API on loopback, with the settings pointing at it."""
    server = FakeNotify().start()
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = server.url
    settings.NOTIFY_TIMEOUT = 2
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "f1e2d3c4-0000-4000-8000-000000000001"
    settings.NOTIFY_TEXT_TEMPLATE_ID = "f1e2d3c4-0000-4000-8000-000000000002"
    settings.NOTIFY_LETTER_TEMPLATE_ID = "f1e2d3c4-0000-4000-8000-000000000003"
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
    yield server
    server.stop()
