"""A webhook receiver on loopback: it records each request and checks its signature the way
the README tells a receiver to; a test scripts its answers (a 500, a 410, a redirect)."""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from webhooks.signing import verify


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    signed: bool


class Receiver:
    def __init__(self, secret: str = ""):
        self.secret = secret
        self.received: list[Received] = []
        self._answers: list[int] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}/hooks/codesign"

    def answer_next(self, *statuses: int) -> None:
        """Answer the next requests with these statuses, then 200 again."""
        with self._lock:
            self._answers += statuses

    def delivery_ids(self) -> list[str]:
        return [r.headers.get("Codesign-Delivery") for r in self.received]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                header = self.headers.get("Codesign-Signature", "")
                with receiver._lock:
                    receiver.received.append(
                        Received(
                            path=self.path,
                            headers=dict(self.headers),
                            body=body,
                            signed=verify(receiver.secret, header, body),
                        )
                    )
                    status = receiver._answers.pop(0) if receiver._answers else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        return Handler
