"""Every URL of the portal is covered by an authorization check.

The test walks django.urls.get_resolver() (included URLconfs too). A URL is either in ALLOWLIST
(someone else's authentication: allauth, the admin; or public by design: health check, language
switch, provider webhooks that verify their own signature) or in REGISTRY, which says how to build
its arguments and what each kind of user gets:

- anonymous: redirected to sign-in (or PUBLIC, for the few pages reachable from an email link);
- outsider, a billing contact of another account: 404 for a URL naming an object of the account
  (ALLOWED for a URL that only shows the outsider's own account);
- viewer of the account: 403 where a viewer may not act (pay, redeem, manage), else ALLOWED;
- billing contact: ALLOWED (the registry's arguments are right).

A new URL missing from both fails `test_every_url_is_registered`: add it to REGISTRY below.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Invitation, Membership, Role
from tests.factories import CustomerAccountFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ALLOWED = "allowed"  # any answer but 403 / 404 / 5xx / a redirect to sign-in
PUBLIC = "public"
LOGIN = "login"

# Route prefixes and URL names outside this test, each with why.
ALLOWLIST_PREFIXES = {
    "account/": "allauth: sign-in, sign-up, email, MFA (its own tests and rate limits)",
    "admin/": "Django admin: staff with TOTP only, its own permission system (tests/security/test_staff_*.py)",
    "i18n/": "language switch, public by design",
    "static/": "static files",
    "media/": "uploaded media in development",
}
ALLOWLIST_NAMES = {
    "healthz": "readiness check (database, cache, broker), public by design",
    "healthz_live": "liveness check, public by design",
    "payments:stripe_webhook": "provider webhook: authenticated by its signature, not a session",
    "payments:paypal_webhook": "provider webhook: authenticated by its signature, not a session",
}
ALLOWLIST_ROUTES = {
    "robots.txt": "public by design",
}


@dataclass
class World:
    """Account A with one member per role, account B with its own billing contact (the outsider)."""

    account: object
    billing_contact: object
    payer: object
    viewer: object
    other_account: object
    outsider: object
    extra: dict = field(default_factory=dict)

    def member(self) -> Membership:
        """A spare viewer membership of account A, to act on."""
        if "member" not in self.extra:
            self.extra["member"] = MembershipFactory(account=self.account, role=Role.VIEWER)
        return self.extra["member"]

    def invitation(self) -> Invitation:
        if "invitation" not in self.extra:
            self.extra["invitation"] = Invitation.objects.create(
                account=self.account,
                email="pending@example.test",
                role=Role.VIEWER,
                nonce="authz-test-nonce",
                invited_by=self.billing_contact,
            )
        return self.extra["invitation"]

    def invoice(self, **kwargs):
        from tests.invoices.factories import InvoiceFactory

        return InvoiceFactory(account=self.account, **kwargs)

    def payment(self, **kwargs):
        from tests.payments.factories import PaymentFactory

        return PaymentFactory(account=self.account, **kwargs)


@dataclass
class Case:
    kwargs: Callable[[World], dict] | None = None  # URL arguments, built from account A's objects
    method: str = "get"
    data: Callable[[World], dict] | None = None  # POST body, or GET query
    setup: Callable[[World], object] | None = None  # objects the page needs, made before the requests
    anonymous: str = LOGIN
    outsider: int | str = ALLOWED  # 404 when the URL names an object of account A
    viewer: int | str = ALLOWED  # 403 where a viewer may not act
    billing_contact: int | str | None = ALLOWED  # None: not checked here (the view calls a payment provider)
    json: bool = False  # the POST body is JSON (the API), not a form


def _invitation_link(w: World) -> dict:
    from accounts.invitations import invitation_token

    invitation = w.invitation()
    return {"invitation_id": invitation.pk, "token": invitation_token(invitation)}


def _credit_memo(w: World) -> dict:
    from invoices.models import CreditMemo

    invoice = w.invoice()
    memo = CreditMemo.objects.create(
        number=f"CM-{invoice.number}-1",
        invoice=invoice,
        amount=invoice.total,
        currency=invoice.currency,
        reason="x",
    )
    return {"number": invoice.number, "memo_number": memo.number}


def _rewards_payment(w: World):
    from payments.ledger import payment_create

    if "rewards_payment" not in w.extra:
        w.extra["rewards_payment"] = payment_create(
            account=w.account,
            method="rewards",
            provider="rewards",
            amount=10,
            currency=w.account.currency,
            started_by=w.billing_contact,
            status="succeeded",
        )
    return w.extra["rewards_payment"]


def _announced_advice(w: World) -> dict:
    from tests.payments.factories import RemittanceAdviceFactory

    if "advice" not in w.extra:
        w.extra["advice"] = RemittanceAdviceFactory(invoice=w.invoice())
    advice = w.extra["advice"]
    return {"number": advice.invoice.number, "advice_id": advice.pk}


def _order(w: World):
    from tests.orders.factories import OrderFactory, OrderLineFactory

    if "order" not in w.extra:
        order = OrderFactory(subscription__account=w.account)
        OrderLineFactory(order=order, provisioned_on=order.subscription.start_date)
        w.extra["order"] = order
    return w.extra["order"]


def _support_request(w: World):
    """A request of account A with one PDF attached, filed by its billing contact."""
    from support.attachments import IncomingFile
    from support.services import request_open

    if "support_request" not in w.extra:
        w.extra["support_request"] = request_open(
            account=w.account,
            user=w.billing_contact,
            kind="other",
            description="A question",
            files=[IncomingFile(name="proof.pdf", data=b"%PDF-1.4\n%%EOF\n")],
        )
    return w.extra["support_request"]


def _support_attachment(w: World) -> dict:
    support_request = _support_request(w)
    return {"request_id": support_request.pk, "token": support_request.attachments.get().token}


def _payment_ref(**kwargs) -> Callable[[World], dict]:
    return lambda w: {"reference": w.payment(**kwargs).reference}


def _memo_number(w: World) -> dict:
    from tests.invoices.factories import CreditMemoFactory

    return {"number": CreditMemoFactory(invoice=w.invoice()).number}


def _succeeded_payment(w: World) -> dict:
    from payments.models import PaymentStatus

    return {"reference": w.payment(status=PaymentStatus.SUCCEEDED).reference}


def _transfer_advice(w: World) -> dict:
    from decimal import Decimal

    invoice = w.invoice(subtotal=Decimal("5000.00"), tax=Decimal("0.00"))
    return {
        "invoice": invoice.number,
        "method": "bank_transfer",
        "paid_on": "2020-01-02",
        "amount": "2500.00",
    }


def _api_token(w: World) -> dict:
    from api.tokens import token_create

    return {
        "token_id": token_create(account=w.account, user=w.billing_contact, name="x", role="payer").token.pk
    }


def _endpoint(w: World):
    from api.models import WebhookEndpoint

    if "endpoint" not in w.extra:
        w.extra["endpoint"] = WebhookEndpoint.objects.create(
            account=w.account, url="http://127.0.0.1:9/hook", events=["invoice.paid"], secret="whsec_test"
        )
    return w.extra["endpoint"]


def _delivery(w: World) -> dict:
    from api.models import WebhookDelivery, WebhookEvent

    endpoint = _endpoint(w)
    if "delivery" not in w.extra:
        event = WebhookEvent.objects.create(
            account=w.account, type="invoice.paid", dedupe_key="authz", data={}
        )
        w.extra["delivery"] = WebhookDelivery.objects.create(event=event, endpoint=endpoint)
    return {"endpoint_id": endpoint.pk, "delivery_id": w.extra["delivery"].pk}


def _api(**kwargs) -> Case:
    """An API URL: without credentials it answers 401 (the schema says so), never a redirect to sign in."""
    return Case(anonymous=401, **kwargs)


def _order(w: World):
    from tests.orders.factories import OrderFactory, SubscriptionFactory

    if "order" not in w.extra:
        w.extra["order"] = OrderFactory(subscription=SubscriptionFactory(account=w.account))
    return w.extra["order"]


def _number(w: World) -> dict:
    return {"number": w.invoice().number}


REGISTRY: dict[str, Case | list[Case]] = {
    # portal
    "dashboard": Case(),
    "help": Case(),
    "help_article": Case(kwargs=lambda w: {"slug": "card-limits"}),
    # The assistant answers only from the asker's current account: another account's invoice number gets the
    # "unknown invoice" answer (tests/support/test_assistant_scoping.py), not a 404.
    "assistant": [
        Case(),
        Case(method="post", data=lambda w: {"message": f"status of {w.invoice().number}"}),
    ],
    "assistant_escalate": Case(method="post", viewer=403),
    "orders": Case(),
    "orders:detail": Case(kwargs=lambda w: {"number": _order(w).number}, outsider=404),
    "orders:document": Case(kwargs=lambda w: {"number": _order(w).number}, outsider=404),
    "orders:subscription": Case(kwargs=lambda w: {"number": _order(w).subscription.number}, outsider=404),
    # accounts (team, contacts, activity, invitations)
    "team": Case(viewer=403),
    "account_switch": Case(method="post", data=lambda w: {"account": w.account.pk}, outsider=404),
    "team_invite": Case(viewer=403),
    "team_member_role": Case(kwargs=lambda w: {"membership_id": w.member().pk}, outsider=404, viewer=403),
    "team_member_remove": Case(kwargs=lambda w: {"membership_id": w.member().pk}, outsider=404, viewer=403),
    "team_invitation_resend": Case(
        kwargs=lambda w: {"invitation_id": w.invitation().pk}, outsider=404, viewer=403
    ),
    "team_invitation_revoke": Case(
        kwargs=lambda w: {"invitation_id": w.invitation().pk}, outsider=404, viewer=403
    ),
    "team_contacts": Case(viewer=403),
    "team_activity": Case(viewer=403),
    "team_activity_export": Case(viewer=403),
    # The emailed link: reachable signed out by design; it only works for the invited, verified address.
    "invitation_accept": Case(kwargs=_invitation_link, anonymous=PUBLIC),
    # invoices
    "invoices:index": Case(),
    "invoices:export": Case(),
    "invoices:detail": Case(kwargs=lambda w: {"number": w.invoice().number}, outsider=404),
    "invoices:pdf": Case(kwargs=lambda w: {"number": w.invoice().number}, outsider=404),
    "invoices:facturx": Case(kwargs=lambda w: {"number": w.invoice().number}, outsider=404),
    "invoices:xml": Case(kwargs=lambda w: {"number": w.invoice().number, "syntax": "cii"}, outsider=404),
    "invoices:credit_memo_facturx": Case(kwargs=_credit_memo, outsider=404),
    # payments
    "payments:index": Case(),
    "payments:pay": Case(data=lambda w: {"invoice": w.invoice().number}, outsider=404, viewer=403),
    "payments:pay_card": Case(kwargs=_payment_ref(), outsider=404, viewer=403, billing_contact=None),
    "payments:pay_card_complete": Case(
        kwargs=_payment_ref(), method="post", outsider=404, viewer=403, billing_contact=None
    ),
    "payments:pay_debit": Case(
        kwargs=_payment_ref(method="sepa_debit"), outsider=404, viewer=403, billing_contact=None
    ),
    "payments:paypal_return": Case(
        kwargs=_payment_ref(method="paypal", provider="paypal"),
        outsider=404,
        viewer=403,
        billing_contact=None,
    ),
    "payments:paypal_cancel": Case(
        kwargs=_payment_ref(method="paypal", provider="paypal"),
        outsider=404,
        viewer=403,
        billing_contact=None,
    ),
    # A card attempt that never reached Stripe: cancelled without a provider call.
    "payments:pay_attempt_cancel": Case(
        kwargs=_payment_ref(status="pending"), method="post", outsider=404, viewer=403
    ),
    "payments:confirmation": Case(kwargs=_payment_ref(), outsider=404),
    "payments:receipt": Case(kwargs=_payment_ref(), outsider=404),
    "payments:autopay": Case(viewer=403),
    "payments:remittance_advice": [
        Case(kwargs=lambda w: {"number": w.invoice().number}, outsider=404),
        Case(
            kwargs=lambda w: {"number": w.invoice().number},
            method="post",
            data=lambda w: {"amount": "1.00"},
            outsider=404,
            viewer=403,
            billing_contact=400,  # reaches the form: an incomplete advice is a validation answer
        ),
    ],
    "payments:remittance_withdraw": Case(
        kwargs=lambda w: _announced_advice(w),
        method="post",
        outsider=404,
        viewer=403,
    ),
    # No object in the URL: the outsider acts on their own account (nothing to apply or refund there).
    "payments:credit_apply": Case(kwargs=lambda w: {"currency": "USD"}, method="post", viewer=403),
    "payments:refund_request": Case(kwargs=lambda w: {"currency": "USD"}, method="post", viewer=403),
    "payments:late_payment_refund": Case(
        kwargs=lambda w: {"payment_id": w.payment().pk}, method="post", outsider=404, viewer=403
    ),
    # rewards
    "rewards:index": Case(),
    "rewards:activity_csv": Case(),
    "rewards:redeem": Case(
        kwargs=lambda w: {"number": w.invoice(kind="support_renewal").number}, outsider=404, viewer=403
    ),
    "rewards:receipt": Case(kwargs=lambda w: {"reference": _rewards_payment(w).reference}, outsider=404),
    # api pages (docs for everyone; tokens and webhooks for the billing contact)
    "api_pages:docs": Case(),
    "api_pages:tokens": Case(viewer=403),
    "api_pages:token_revoke": Case(kwargs=_api_token, method="post", outsider=404, viewer=403),
    "api_pages:webhooks": Case(viewer=403),
    "api_pages:webhook": Case(kwargs=lambda w: {"endpoint_id": _endpoint(w).pk}, outsider=404, viewer=403),
    "api_pages:webhook_delete": Case(
        kwargs=lambda w: {"endpoint_id": _endpoint(w).pk}, method="post", outsider=404, viewer=403
    ),
    "api_pages:webhook_enable": Case(
        kwargs=lambda w: {"endpoint_id": _endpoint(w).pk}, method="post", outsider=404, viewer=403
    ),
    "api_pages:delivery_resend": Case(kwargs=_delivery, method="post", outsider=404, viewer=403),
    # the REST API (with the session here; with tokens in test_api_url_authorization_with_tokens)
    "api:schema": Case(anonymous=PUBLIC),
    "api:docs": Case(anonymous=PUBLIC),
    "api:redoc": Case(anonymous=PUBLIC),
    "api:account": _api(),
    "api:invoices": _api(),
    "api:invoice": _api(kwargs=_number, outsider=404),
    "api:invoice_lines": _api(kwargs=_number, outsider=404),
    "api:invoice_pdf": _api(kwargs=_number, outsider=404),
    "api:invoice_einvoice": _api(kwargs=_number, outsider=404),
    "api:credit_memos": _api(),
    "api:credit_memo": _api(kwargs=_memo_number, outsider=404),
    "api:payments": _api(),
    "api:payment": _api(kwargs=_payment_ref(), outsider=404),
    "api:payment_receipt": _api(kwargs=_succeeded_payment, outsider=404),
    "api:remittance_advices": [
        _api(),
        _api(method="post", json=True, data=_transfer_advice, outsider=404, viewer=403),
    ],
    "api:rewards": _api(),
    "api:reward_lots": _api(),
    "api:orders": _api(),
    "api:order": _api(kwargs=lambda w: {"number": _order(w).number}, outsider=404),
    "api:subscriptions": _api(),
    "api:subscription": _api(kwargs=lambda w: {"number": _order(w).subscription.number}, outsider=404),
    "api:support_requests": [
        _api(),
        # No object in the body: the outsider (or B's token) opens a request on their own account.
        _api(method="post", json=True, data=lambda w: {"kind": "other", "description": "x"}, viewer=403),
    ],
    "api:support_request": _api(kwargs=lambda w: {"id": _support_request(w).pk}, outsider=404),
    # support: billing-support requests, their files, credit memos (viewers read, payers and billing contacts file)
    "support:index": Case(),
    "support:new": [
        Case(viewer=403),
        Case(data=lambda w: {"kind": "dispute", "invoice": w.invoice().number}, viewer=403),
        Case(method="post", data=lambda w: {"kind": "other"}, outsider=400, viewer=403, billing_contact=400),
    ],
    "support:detail": Case(kwargs=lambda w: {"request_id": _support_request(w).pk}, outsider=404),
    "support:reply": Case(
        kwargs=lambda w: {"request_id": _support_request(w).pk},
        method="post",
        data=lambda w: {"body": "More details"},
        outsider=404,
        viewer=403,
    ),
    "support:attachment": Case(kwargs=_support_attachment, outsider=404),
    "support:documents": Case(),
    "support:credit_memo_pdf": Case(
        kwargs=lambda w: {"memo_number": _credit_memo(w)["memo_number"]}, outsider=404
    ),
}


# --- walking the URLconf -------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name=name, route=prefix + str(entry.pattern))


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def is_allowlisted(route: Route) -> bool:
    return (
        route.route.lstrip("^").startswith(tuple(ALLOWLIST_PREFIXES))
        or route.name in ALLOWLIST_NAMES
        or route.route in ALLOWLIST_ROUTES
    )


def covered_routes() -> list[Route]:
    return [route for route in all_routes() if not is_allowlisted(route)]


def unregistered(routes: list[Route]) -> list[str]:
    return sorted(
        {
            route.name or f"(unnamed) {route.route}"
            for route in routes
            if not is_allowlisted(route) and route.name not in REGISTRY
        }
    )


def test_every_url_is_registered():
    missing = unregistered(all_routes())
    assert not missing, (
        "These URLs have no authorization case. Add each to REGISTRY in tests/test_authorization.py, saying "
        "how to build its arguments and what anonymous, outsider, viewer and billing contact get "
        "(or, if it is public by design, to an ALLOWLIST with the reason): " + ", ".join(missing)
    )


def test_a_new_url_without_a_case_is_reported_included_ones_too():
    from django.urls import include, path

    def view(request):
        return None

    patterns = [
        path("team/", view, name="team"),
        path("new/", include(([path("<int:pk>/", view, name="thing")], "newapp"))),
        path("orphan/", view),
        path("admin/x/", view, name="admin_thing"),
    ]
    assert unregistered(list(_walk(patterns))) == ["(unnamed) orphan/", "newapp:thing"]


def test_the_registry_names_only_existing_urls():
    existing = {route.name for route in all_routes()}
    stale = sorted(set(REGISTRY) - existing)
    assert not stale, f"REGISTRY names URLs that no longer exist: {', '.join(stale)}"


# --- the checks ---------------------------------------------------------------------------


@pytest.fixture
def world(db) -> World:
    account = CustomerAccountFactory()
    other_account = CustomerAccountFactory()
    return World(
        account=account,
        billing_contact=MembershipFactory(account=account, role=Role.BILLING_CONTACT).user,
        payer=MembershipFactory(account=account, role=Role.PAYER).user,
        viewer=MembershipFactory(account=account, role=Role.VIEWER).user,
        other_account=other_account,
        outsider=MembershipFactory(account=other_account, role=Role.BILLING_CONTACT).user,
    )


def request_as(client, user, name: str, case: Case, world: World):
    client.logout()
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
    data = case.data(world) if case.data else {}
    if case.method == "post" and case.json:
        return client.post(url, json.dumps(data), content_type="application/json")
    if case.method == "post":
        return client.post(url, data)
    return client.get(url, data)


def redirects_to_sign_in(response) -> bool:
    return response.status_code in (301, 302) and urlparse(response["Location"]).path == reverse(
        "account_login"
    )


def assert_gets(response, expected, who: str, name: str) -> None:
    if expected == ALLOWED:
        assert response.status_code < 400 and not redirects_to_sign_in(response), (
            f"{name}: {who} should be allowed, got {response.status_code}"
        )
    elif expected == LOGIN:
        assert redirects_to_sign_in(response), (
            f"{name}: {who} should be sent to sign in, got {response.status_code}"
        )
    elif expected == PUBLIC:
        assert response.status_code < 500 and not redirects_to_sign_in(response), (
            f"{name}: {who} should reach this public page, got {response.status_code}"
        )
    else:
        assert response.status_code == expected, (
            f"{name}: {who} should get {expected}, got {response.status_code}"
        )


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_url_authorization(name, client, world):
    cases = REGISTRY[name] if isinstance(REGISTRY[name], list) else [REGISTRY[name]]
    for case in cases:
        if case.setup:
            case.setup(world)
        label = f"{name} ({case.method.upper()})"
        assert_gets(request_as(client, None, name, case, world), case.anonymous, "anonymous", label)
        assert_gets(
            request_as(client, world.outsider, name, case, world),
            case.outsider,
            "another account's member",
            label,
        )
        assert_gets(request_as(client, world.viewer, name, case, world), case.viewer, "a viewer", label)
        if case.billing_contact is not None:
            assert_gets(
                request_as(client, world.billing_contact, name, case, world),
                case.billing_contact,
                "the billing contact",
                label,
            )


# --- the API with personal access tokens ------------------------------------------------------------

API_PUBLIC = {"api:schema", "api:docs", "api:redoc"}
API_WITH_TOKENS = sorted(name for name in REGISTRY if name.startswith("api:") and name not in API_PUBLIC)


def _token_client(token):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _token_of(account, user, role, revoked: bool = False, **kwargs) -> str:
    from django.utils import timezone

    from api.models import AccessToken
    from api.tokens import token_create

    created = token_create(account=account, user=user, name="authz", role=role, **kwargs)
    if revoked:
        AccessToken.objects.filter(pk=created.token.pk).update(revoked_at=timezone.now())
    return created.secret


def _token_request(token: str, name: str, case: Case, world: World):
    client = _token_client(token)  # not request_as: APIClient.logout() would drop the credentials
    url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
    data = case.data(world) if case.data else {}
    if case.method == "post":
        return client.post(url, data, format="json")
    return client.get(url, data)


@pytest.mark.parametrize("name", API_WITH_TOKENS)
def test_api_url_authorization_with_tokens(name, world):
    """A token of account B: 404 on every object of A; a read-only token of A: 403 on writes; a payer token
    of A: what its billing contact gets; an expired or revoked token of A: 401 everywhere."""
    import time_machine
    from django.utils import timezone

    other = _token_of(world.other_account, world.outsider, "payer")
    read_only = _token_of(world.account, world.billing_contact, "read_only")
    payer = _token_of(world.account, world.billing_contact, "payer")
    revoked = _token_of(world.account, world.billing_contact, "read_only", revoked=True)
    expiring = _token_of(
        world.account, world.billing_contact, "payer", expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    cases = REGISTRY[name] if isinstance(REGISTRY[name], list) else [REGISTRY[name]]
    for case in cases:
        label = f"{name} ({case.method.upper()})"
        assert_gets(
            _token_request(other, name, case, world), case.outsider, "a token of another account", label
        )
        assert_gets(_token_request(read_only, name, case, world), case.viewer, "a read-only token", label)
        if case.billing_contact is not None:
            assert_gets(
                _token_request(payer, name, case, world), case.billing_contact, "a payer token", label
            )
        assert_gets(_token_request(revoked, name, case, world), 401, "a revoked token", label)
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
            assert_gets(_token_request(expiring, name, case, world), 401, "an expired token", label)
