"""A fake of the PayPal REST calls we use (OAuth token, Orders v2, webhook verification), on loopback.

Standard library only. `serve_forever(port)` runs it for `make run`; tests use `start(port=0)`, which
returns the server running in a thread (`server.base_url`, `server.orders`, `server.shutdown()`).
Buyer approval happens on `GET /checkoutnow?token=<order id>`, a page that redirects back to the
order's return or cancel URL. A second capture answers 422 ORDER_ALREADY_CAPTURED; an order approved
with "approve, then decline" answers 422 INSTRUMENT_DECLINED on capture. An order never approved expires
after three hours, as PayPal's do: PayPal then no longer finds it (404 RESOURCE_NOT_FOUND). Its clock is
time.time(), so a test that moves the clock with time-machine ages the orders too. A completed capture
can be refunded (POST /v2/payments/captures/<id>/refund, idempotent by PayPal-Request-Id).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

SIGNING_KEY = b"paypal-fake-webhook-signing-key"
ORDER_EXPIRES_AFTER = 3 * 3600  # seconds an order may wait for the payer's approval


def webhook_signature(*, transmission_id: str, transmission_time: str, webhook_id: str, event: dict) -> str:
    """The fake's stand-in for PayPal's certificate signature: HMAC over the same fields PayPal signs."""
    body = json.dumps(event, sort_keys=True, separators=(",", ":")).encode()
    message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}".encode()
    return hmac.new(SIGNING_KEY, message, hashlib.sha256).hexdigest()


class FakePayPal(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int):
        super().__init__(("127.0.0.1", port), Handler)
        self.orders: dict[str, dict] = {}
        self.responses: dict[tuple[str, str], tuple[int, dict]] = {}  # (path, PayPal-Request-Id) → reply
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: FakePayPal

    def log_message(self, *args):  # keep test output quiet
        pass

    def reply(self, status: int, body: dict | str, content_type: str = "application/json") -> None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, url: str) -> None:
        self.send_response(303)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def order(self, order_id: str) -> dict | None:
        """The order, or None once it expired without approval (PayPal forgets it)."""
        order = self.server.orders.get(order_id)
        if order is None:
            return None
        waiting = order["status"] in ("CREATED", "PAYER_ACTION_REQUIRED")
        if waiting and time.time() - order["_created"] > ORDER_EXPIRES_AFTER:
            self.server.orders.pop(order_id, None)
            return None
        return order

    def do_GET(self):
        url = urlparse(self.path)
        if url.path.startswith("/v2/checkout/orders/"):
            order = self.order(url.path.rsplit("/", 1)[1])
            return self.reply(200, order) if order else self.reply(404, error("RESOURCE_NOT_FOUND"))
        if url.path == "/checkoutnow":
            order = self.server.orders.get(parse_qs(url.query).get("token", [""])[0])
            if not order:
                return self.reply(404, "Unknown order", "text/plain")
            unit = order["purchase_units"][0]["amount"]
            page = APPROVAL_PAGE.format(
                id=html.escape(order["id"]), amount=html.escape(f"{unit['value']} {unit['currency_code']}")
            )
            return self.reply(200, page, "text/html; charset=utf-8")
        self.reply(404, error("NOT_FOUND"))

    def do_POST(self):
        url = urlparse(self.path)
        raw = self.body()
        if url.path == "/v1/oauth2/token":
            return self.reply(
                200,
                {
                    "access_token": "A21-fake-" + secrets.token_hex(8),
                    "token_type": "Bearer",
                    "expires_in": 32400,
                    "scope": "openid",
                },
            )
        if url.path == "/v1/notifications/verify-webhook-signature":
            data = json.loads(raw or b"{}")
            expected = webhook_signature(
                transmission_id=data.get("transmission_id", ""),
                transmission_time=data.get("transmission_time", ""),
                webhook_id=data.get("webhook_id", ""),
                event=data.get("webhook_event") or {},
            )
            ok = hmac.compare_digest(expected, data.get("transmission_sig", ""))
            return self.reply(200, {"verification_status": "SUCCESS" if ok else "FAILURE"})
        if url.path == "/checkoutnow/decide":
            form = parse_qs(raw.decode())
            order = self.server.orders.get(form.get("token", [""])[0])
            if not order:
                return self.reply(404, "Unknown order", "text/plain")
            choice = form.get("choice", ["cancel"])[0]
            if choice == "cancel":
                return self.redirect(order["_cancel_url"] + "?" + urlencode({"token": order["id"]}))
            order["status"] = "APPROVED"
            order["_decline_capture"] = choice == "decline"
            return self.redirect(
                order["_return_url"] + "?" + urlencode({"token": order["id"], "PayerID": "FAKEPAYER1"})
            )
        if url.path == "/v2/checkout/orders":
            return self.idempotent(url.path, lambda: self.create_order(json.loads(raw or b"{}")))
        if url.path.startswith("/v2/checkout/orders/") and url.path.endswith("/capture"):
            return self.idempotent(url.path, lambda: self.capture(url.path.split("/")[-2]))
        if url.path.startswith("/v2/payments/captures/") and url.path.endswith("/refund"):
            return self.idempotent(
                url.path, lambda: self.refund(url.path.split("/")[-2], json.loads(raw or b"{}"))
            )
        self.reply(404, error("NOT_FOUND"))

    def do_DELETE(self):
        if self.path == "/_config/data":
            self.server.orders.clear()
            self.server.responses.clear()
            return self.reply(200, {})
        self.reply(404, error("NOT_FOUND"))

    def idempotent(self, path: str, action) -> None:
        """Same PayPal-Request-Id, same answer: what makes a retried create or capture safe."""
        request_id = self.headers.get("PayPal-Request-Id")
        with self.server.lock:
            if request_id and (path, request_id) in self.server.responses:
                return self.reply(*self.server.responses[(path, request_id)])
            status, body = action()
            if request_id:
                self.server.responses[(path, request_id)] = (status, body)
        self.reply(status, body)

    def create_order(self, data: dict) -> tuple[int, dict]:
        context = (
            (data.get("payment_source") or {}).get("paypal", {}).get("experience_context")
            or data.get("application_context")
            or {}
        )
        if not data.get("purchase_units") or not context.get("return_url"):
            return 400, error("INVALID_REQUEST")
        order_id = secrets.token_hex(8).upper()
        order = {
            "id": order_id,
            "intent": data.get("intent", "CAPTURE"),
            "status": "PAYER_ACTION_REQUIRED",
            "purchase_units": data["purchase_units"],
            "links": [
                {
                    "href": f"{self.server.base_url}/v2/checkout/orders/{order_id}",
                    "rel": "self",
                    "method": "GET",
                },
                {
                    "href": f"{self.server.base_url}/checkoutnow?token={order_id}",
                    "rel": "payer-action",
                    "method": "GET",
                },
            ],
            "_return_url": context["return_url"],
            "_created": time.time(),
            "_cancel_url": context.get("cancel_url", context["return_url"]),
        }
        self.server.orders[order_id] = order
        return 200, order

    def refund(self, capture_id: str, data: dict) -> tuple[int, dict]:
        for order in self.server.orders.values():
            for unit in order["purchase_units"]:
                for capture in (unit.get("payments") or {}).get("captures", []):
                    if capture["id"] == capture_id:
                        amount = data.get("amount") or capture["amount"]
                        refund = {
                            "id": "REF-" + secrets.token_hex(6).upper(),
                            "status": "COMPLETED",
                            "amount": amount,
                        }
                        unit["payments"].setdefault("refunds", []).append(refund)
                        return 201, refund
        return 404, error("RESOURCE_NOT_FOUND")

    def capture(self, order_id: str) -> tuple[int, dict]:
        order = self.order(order_id)
        if not order:
            return 404, error("RESOURCE_NOT_FOUND")
        if order["status"] == "COMPLETED":
            return 422, error("UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
        if order["status"] != "APPROVED":
            return 422, error("UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED")
        if order.get("_decline_capture"):
            return 422, error("UNPROCESSABLE_ENTITY", "INSTRUMENT_DECLINED")
        unit = order["purchase_units"][0]
        unit["payments"] = {
            "captures": [
                {
                    "id": "CAP-" + secrets.token_hex(6).upper(),
                    "status": "COMPLETED",
                    "amount": unit["amount"],
                    "final_capture": True,
                }
            ]
        }
        order["status"] = "COMPLETED"
        return 201, order


def error(name: str, issue: str = "") -> dict:
    details = [{"issue": issue, "description": issue.replace("_", " ").lower()}] if issue else []
    return {
        "name": name,
        "message": "The requested action could not be performed.",
        "details": details,
        "debug_id": secrets.token_hex(6),
    }


APPROVAL_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>PayPal (fake)</title></head>
<body><h1>PayPal (local fake)</h1><p>Pay <strong>{amount}</strong> to Customer Center (order {id}).</p>
<form method="post" action="/checkoutnow/decide"><input type="hidden" name="token" value="{id}">
<button name="choice" value="approve">Approve and pay</button>
<button name="choice" value="decline">Approve (capture will be declined)</button>
<button name="choice" value="cancel">Cancel and return</button></form></body></html>"""


def start(port: int = 0) -> FakePayPal:
    server = FakePayPal(port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve_forever(port: int) -> None:
    FakePayPal(port).serve_forever()
