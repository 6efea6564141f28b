"""The portal's pages for developers: the API docs (anyone signed in), tokens and webhooks (billing contact)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import account_required
from api.forms import TokenForm, WebhookEndpointForm
from api.models import WebhookEventType
from api.selectors import (
    deliveries_for_endpoint,
    delivery_for_account,
    endpoint_for_account,
    endpoints_for_account,
    token_for_account,
    tokens_for_account,
)
from api.tokens import TOKEN_USE_LOG_INTERVAL, TokenError, token_create, token_revoke
from api.webhooks.services import (
    WebhookError,
    delivery_resend,
    endpoint_create,
    endpoint_delete,
    endpoint_enable,
)


def _require_billing_contact(request) -> None:
    if not request.user.has_perm("accounts.manage_team", request.account):
        raise PermissionDenied


@account_required
def docs(request):
    """How to call the API: tokens, a curl example, errors, pagination, webhooks and their signatures."""
    return render(
        request,
        "api/docs.html",
        {
            "base_url": settings.SITE_URL.rstrip("/") + "/api/v1",
            "events": WebhookEventType.choices,
            "log_minutes": int(TOKEN_USE_LOG_INTERVAL.total_seconds() // 60),
            "rate": settings.API_RATE,
            "retry_hours": settings.WEBHOOK_RETRY_HOURS,
            "may_manage": request.user.has_perm("accounts.manage_team", request.account),
        },
    )


# The new token's secret goes from the POST to the page after the redirect in the server-side session
# (cached_db, never a cookie), and is removed as soon as it is shown: a reload shows it no more.
NEW_TOKEN_SESSION_KEY = "api_new_token"


@require_http_methods(["GET", "POST"])
@account_required
def tokens(request):
    _require_billing_contact(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = token_create(
                account=request.account,
                user=request.user,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                expires_at=form.expires_at(),
                request=request,
            )
        except TokenError as error:
            form.add_error(None, str(error))
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = created.secret
            return redirect("api_pages:tokens")
    status = 400 if request.method == "POST" and form.errors else 200
    context = {
        "form": form,
        "tokens": tokens_for_account(account=request.account),
        "new_secret": request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None,
    }
    response = render(request, "api/tokens.html", context, status=status)
    response["Cache-Control"] = "private, no-store"  # the new secret must not stay in any cache
    return response


@require_POST
@account_required
def token_revoke_view(request, token_id: int):
    token = token_for_account(account=request.account, pk=token_id)
    _require_billing_contact(request)
    token_revoke(token=token, user=request.user, request=request)
    messages.success(
        request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("api_pages:tokens")


@require_http_methods(["GET", "POST"])
@account_required
def webhooks(request):
    _require_billing_contact(request)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = endpoint_create(
                account=request.account,
                user=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                request=request,
            )
        except WebhookError as error:
            form.add_error("url", str(error))
        else:
            messages.success(request, _("Endpoint added. Copy its signing secret into your system."))
            return redirect("api_pages:webhook", endpoint.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    context = {"form": form, "endpoints": endpoints_for_account(account=request.account)}
    return render(request, "api/webhooks.html", context, status=status)


@account_required
def webhook(request, endpoint_id: int):
    endpoint = endpoint_for_account(account=request.account, pk=endpoint_id)
    _require_billing_contact(request)
    labels = dict(WebhookEventType.choices)
    return render(
        request,
        "api/webhook.html",
        {
            "endpoint": endpoint,
            "event_labels": [labels.get(code, code) for code in endpoint.events],
            "deliveries": deliveries_for_endpoint(endpoint=endpoint),
        },
    )


@require_POST
@account_required
def webhook_delete(request, endpoint_id: int):
    endpoint = endpoint_for_account(account=request.account, pk=endpoint_id)
    _require_billing_contact(request)
    endpoint_delete(endpoint=endpoint, user=request.user, request=request)
    messages.success(request, _("Endpoint removed."))
    return redirect("api_pages:webhooks")


@require_POST
@account_required
def webhook_enable(request, endpoint_id: int):
    endpoint = endpoint_for_account(account=request.account, pk=endpoint_id)
    _require_billing_contact(request)
    try:
        endpoint_enable(endpoint=endpoint, user=request.user)
    except WebhookError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Endpoint enabled: new events are sent to it again."))
    return redirect("api_pages:webhook", endpoint.pk)


@require_POST
@account_required
def delivery_resend_view(request, endpoint_id: int, delivery_id: int):
    delivery = delivery_for_account(account=request.account, endpoint_pk=endpoint_id, pk=delivery_id)
    _require_billing_contact(request)
    try:
        delivery_resend(delivery=delivery, user=request.user)
    except WebhookError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The event is being sent again."))
    return redirect(reverse("api_pages:webhook", args=[endpoint_id]))
