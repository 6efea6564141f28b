"""Writes on webhook endpoints: register (URL checked), remove, disable (and tell), enable, re-send."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, Membership, Role, User
from accounts.selectors import billing_contact_emails
from accounts.services import activity_record
from api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEventType
from api.webhooks.addresses import UnsafeEndpoint, endpoint_url_check
from api.webhooks.events import deliveries_publish
from api.webhooks.signing import endpoint_secret_new
from notifications.models import OutboxEmail
from notifications.registry import RenderedEmail
from notifications.services import outbox_enqueue

ENDPOINT_ADDED = "api.webhook_added"
ENDPOINT_REMOVED = "api.webhook_removed"
ENDPOINT_DISABLED = "api.webhook_disabled"
DISABLED_EMAIL_KIND = "api.webhook_disabled"
MAX_ENDPOINTS_PER_ACCOUNT = 10


class WebhookError(Exception):
    """A webhook request that breaks a rule; the message is safe to show."""


def _require_billing_contact(*, account: CustomerAccount, user: User) -> None:
    if not Membership.objects.filter(account=account, user=user, role=Role.BILLING_CONTACT).exists():
        raise WebhookError(_("Only a billing contact can manage webhooks."))


def endpoint_create(
    *,
    account: CustomerAccount,
    user: User,
    url: str,
    events: Sequence[str],
    description: str = "",
    request=None,
) -> WebhookEndpoint:
    _require_billing_contact(account=account, user=user)
    chosen = sorted(set(events))
    if not chosen or not set(chosen) <= set(WebhookEventType.values):
        raise WebhookError(_("Choose at least one event."))
    try:
        endpoint_url_check(url)
    except UnsafeEndpoint as error:
        raise WebhookError(str(error)) from None
    with transaction.atomic():
        CustomerAccount.objects.select_for_update().get(pk=account.pk)
        if WebhookEndpoint.objects.filter(account=account).count() >= MAX_ENDPOINTS_PER_ACCOUNT:
            raise WebhookError(_("This account has too many webhook endpoints: remove one first."))
        endpoint = WebhookEndpoint.objects.create(
            account=account,
            url=url,
            description=description.strip()[:200],
            events=chosen,
            secret=endpoint_secret_new(),
            created_by=user,
        )
        activity_record(
            account=account,
            actor=user,
            action=ENDPOINT_ADDED,
            params={"url": url, "events": chosen},
            target=url[:120],
            request=request,
        )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, user: User, request=None) -> None:
    _require_billing_contact(account=endpoint.account, user=user)
    activity_record(
        account=endpoint.account,
        actor=user,
        action=ENDPOINT_REMOVED,
        params={"url": endpoint.url},
        target=endpoint.url[:120],
        request=request,
    )
    endpoint.delete()


def endpoint_disable(*, endpoint: WebhookEndpoint, actor: User | None, reason: str = "failing") -> None:
    """Stop sending to an endpoint (in the caller's transaction): its pending deliveries fail, and when it
    was failing, the billing contact is told by email (once per disabling)."""
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_at=now)
    endpoint.is_active, endpoint.disabled_at = False, now
    WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, claimed_until=None, last_error="The endpoint was disabled."
    )
    activity_record(
        account=endpoint.account,
        actor=actor,
        action=ENDPOINT_DISABLED,
        params={"url": endpoint.url},
        target=endpoint.url[:120],
    )
    if reason == "failing":
        outbox_enqueue(
            kind=DISABLED_EMAIL_KIND,
            dedupe_key=f"webhook-disabled:{endpoint.pk}:{now.isoformat()}",
            target=endpoint,
            language=endpoint.account.language,
        )


@transaction.atomic
def endpoint_enable(*, endpoint: WebhookEndpoint, user: User) -> WebhookEndpoint:
    _require_billing_contact(account=endpoint.account, user=user)
    try:
        endpoint_url_check(endpoint.url)
    except UnsafeEndpoint as error:
        raise WebhookError(str(error)) from None
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, disabled_at=None, failing_since=None
    )
    endpoint.refresh_from_db()
    return endpoint


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery, user: User) -> WebhookDelivery:
    """Send an event again (same event id) with a fresh 3-day window; a delivery on its way is left alone."""
    locked = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    _require_billing_contact(account=locked.endpoint.account, user=user)
    if not locked.endpoint.is_active:
        raise WebhookError(_("This endpoint is disabled: enable it first."))
    if locked.status == DeliveryStatus.PENDING:
        return locked
    now = timezone.now()
    locked.status = DeliveryStatus.PENDING
    locked.next_attempt_at = now
    locked.window_started_at = now
    locked.claimed_until = None
    locked.delivered_at = None
    locked.save()
    transaction.on_commit(lambda: deliveries_publish([locked.pk]))
    return locked


def disabled_email_build(email: OutboxEmail) -> RenderedEmail | None:
    endpoint = WebhookEndpoint.objects.select_related("account").filter(pk=email.target_id).first()
    if endpoint is None or endpoint.is_active:
        return None  # removed or enabled again meanwhile
    context = {
        "endpoint": endpoint,
        "account": endpoint.account,
        "url": settings.SITE_URL.rstrip("/") + reverse("api_pages:webhook", args=[endpoint.pk]),
    }
    return RenderedEmail(
        subject=_("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url[:80]},
        text=render_to_string("emails/api/webhook_disabled.txt", context),
        to=billing_contact_emails(account=endpoint.account),
    )
