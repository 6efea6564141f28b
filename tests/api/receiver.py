"""A webhook receiver on a loopback port, as a customer would write one: it verifies each signature."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from api.webhooks.signing import signature_verify


class Receiver:
    """Start with `Receiver(secret).start()`; `.up = False` makes it answer 503; `.received` lists what it
    accepted (verified envelopes), `.refused` counts requests it failed on purpose or for a bad signature."""

    def __init__(self, secret: str = "", port: int = 0):
        self.secret = secret
        self.up = True
        self.received: list[dict] = []
        self.bad_signatures = 0
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not receiver.up:
                    receiver.refused += 1
                    self.send_response(503)
                    self.end_headers()
                    return
                if not signature_verify(
                    secret=receiver.secret,
                    body=body,
                    timestamp=self.headers.get("Webhook-Timestamp", ""),
                    header=self.headers.get("Webhook-Signature", ""),
                ):
                    receiver.bad_signatures += 1
                    self.send_response(400)
                    self.end_headers()
                    return
                envelope = json.loads(body)
                assert envelope["id"] == self.headers["Webhook-Id"]
                receiver.received.append(envelope)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> Receiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
