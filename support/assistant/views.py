"""The assistant's pages: a plain form that posts and shows the conversation (works without JavaScript);
with htmx the panel posts the same form and appends the exchange in place."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import account_required
from support.assistant.requests import request_detail_url
from support.assistant.services import (
    MAX_MESSAGE_CHARS,
    AssistantThrottled,
    assistant_ask,
    assistant_escalate,
    conversation_current,
)
from support.exceptions import SupportError


def _conversation_messages(request):
    conversation = conversation_current(user=request.user, account=request.account, now=timezone.now())
    return list(conversation.messages.order_by("created_at", "id")) if conversation else []


@account_required
@require_http_methods(["GET", "POST"])
def assistant(request):
    partial = bool(request.htmx)
    if request.method == "POST":
        message = request.POST.get("message", "").strip()
        if not message:
            if partial:
                return render(
                    request, "support/assistant/_error.html", {"error": _("Type a question first.")}
                )
            return redirect("assistant")
        try:
            exchange = assistant_ask(
                user=request.user,
                account=request.account,
                message=message,
                language=translation.get_language() or "en",
            )
        except AssistantThrottled as throttled:
            if partial:  # htmx swaps only 2xx answers: the refusal is shown in place, as an alert
                return render(request, "support/assistant/_error.html", {"error": str(throttled)})
            messages.error(request, str(throttled))
            return redirect("assistant")
        if partial:
            return render(request, "support/assistant/_exchange.html", {"exchange": exchange})
        return redirect("assistant")
    return render(
        request,
        "support/assistant/page.html",
        {"conversation": _conversation_messages(request), "max_chars": MAX_MESSAGE_CHARS},
    )


@account_required
@require_POST
def escalate(request):
    """ "Talk to someone": file a billing-support request with the current conversation."""
    if not request.user.has_perm("support.file_request", request.account):
        raise PermissionDenied
    try:
        support_request = assistant_escalate(user=request.user, account=request.account, request=request)
    except SupportError as error:
        messages.error(request, str(error))
        return redirect("assistant")
    if support_request is None:
        messages.info(request, _("Ask your question first: there is no conversation to send yet."))
        return redirect("assistant")
    messages.success(
        request,
        _(
            "Your conversation was sent to billing support as request %(reference)s. They answer in the portal."
        )
        % {"reference": support_request.reference},
    )
    return redirect(request_detail_url(support_request.pk) or "assistant")
